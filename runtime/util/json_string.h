// JSON string writing shared by the runtime's writers (alerts, normalized
// events): one escaper, appending a quoted, escaped string. Copies runs of
// plain bytes at once; escapes quote, backslash and control characters
// (bytes >= 0x80 pass through: input is UTF-8).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rdl {

// What a byte becomes inside a JSON string: empty when it passes through,
// its escape otherwise (quote, backslash, the short control escapes, \u00XX
// for the other control characters).
struct JsonEscapes {
  char text[256][7];
  uint8_t len[256];
  constexpr JsonEscapes() : text(), len() {
    constexpr char kHex[] = "0123456789abcdef";
    for (int c = 0; c < 0x20; ++c) {
      const char e[7] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15], 0};
      for (int i = 0; i < 7; ++i) text[c][i] = e[i];
      len[c] = 6;
    }
    auto set2 = [&](unsigned char c, char x) {
      text[c][0] = '\\';
      text[c][1] = x;
      text[c][2] = 0;
      len[c] = 2;
    };
    set2('"', '"');
    set2('\\', '\\');
    set2('\n', 'n');
    set2('\r', 'r');
    set2('\t', 't');
    set2('\b', 'b');
    set2('\f', 'f');
  }
};
inline constexpr JsonEscapes kJsonEscapes{};

inline void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  size_t run = 0;  // start of the pending unescaped run
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (kJsonEscapes.len[c] == 0) continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    out->append(kJsonEscapes.text[c], kJsonEscapes.len[c]);
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

// The number of bytes AppendJsonString appends for `s`.
inline size_t JsonStringSize(std::string_view s) {
  size_t n = s.size() + 2;
  for (unsigned char c : s) {
    if (kJsonEscapes.len[c] != 0) n += kJsonEscapes.len[c] - 1;
  }
  return n;
}

}  // namespace rdl
