// Provider time text -> RFC 3339 UTC ("2026-01-05T10:00:00.5Z"), the one
// spelling the normalized event uses. Accepts what the three clouds and their
// exporters write: "T" or a space between date and time, 0-9 fraction
// digits, "Z", "+hh:mm", "+hhmm" or no zone (taken as UTC, as CloudTrail
// exporters that drop the "Z" mean it), and numbers as epoch milliseconds
// (OCSF).
#pragma once

#include <string>
#include <string_view>

namespace rdl::ingest {

// Writes the canonical form to *out. Fraction digits are kept (trailing
// zeros dropped, at most 9); an offset is applied. False when unparsable.
bool ParseTimeText(std::string_view text, std::string* out);
bool FormatEpochMillis(double millis, std::string* out);

}  // namespace rdl::ingest
