// JSON string writing shared by the runtime's writers (alerts, normalized
// events): one escaper, appending a quoted, escaped string. Copies runs of
// plain bytes at once; escapes quote, backslash and control characters
// (bytes >= 0x80 pass through: input is UTF-8).
#pragma once

#include <string>
#include <string_view>

namespace rdl {

inline void AppendJsonString(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of the pending unescaped run
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

// The number of bytes AppendJsonString appends for `s`.
inline size_t JsonStringSize(std::string_view s) {
  size_t n = s.size() + 2;
  for (unsigned char c : s) {
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    n += (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f')
             ? 1
             : 5;
  }
  return n;
}

}  // namespace rdl
