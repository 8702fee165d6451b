// Base64 decoding for Pub/Sub push envelopes (message.data holds the GCP
// LogEntry as base64). Accepts the standard and URL-safe alphabets, with or
// without padding, and ignores ASCII whitespace (line-wrapped exports).
#pragma once

#include <string>
#include <string_view>

namespace rdl::ingest {

// Appends the decoded bytes to *out; false (out unspecified) on a character
// outside the alphabet, misplaced padding or a dangling single symbol.
bool DecodeBase64(std::string_view in, std::string* out);

}  // namespace rdl::ingest
