// Quoting of strings in the compiler's text dumps (AST, IR, bytecode):
// double quotes, backslash escapes for quote, backslash, \n, \t, \r, and
// \uXXXX for other control characters, so every dump line stays one line.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace rdl {

inline std::string QuoteForDump(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += fmt::format("\\u{:04X}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace rdl
