// Base64 decoder; see base64.h.
#include "runtime/ingest/base64.h"

#include <cstdint>

namespace rdl::ingest {

bool DecodeBase64(std::string_view in, std::string* out) {
  uint32_t acc = 0;
  int bits = 0;
  int symbols = 0;  // symbols in the current 4-symbol quantum
  bool padded = false;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '+' || c == '-') {
      v = 62;
    } else if (c == '/' || c == '_') {
      v = 63;
    } else if (c == '=') {
      padded = true;
      continue;
    } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      continue;
    } else {
      return false;
    }
    if (padded) return false;  // data after padding
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    symbols = (symbols + 1) % 4;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return symbols != 1;  // one symbol alone carries only 6 bits: truncated
}

}  // namespace rdl::ingest
