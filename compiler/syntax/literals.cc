// Literal decoding: string escapes, integers, floats, durations, regexes.
#include "compiler/syntax/literals.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace rdl::syntax {

namespace {

bool Fail(LiteralError* err, size_t begin, size_t end, std::string message) {
  if (err) {
    err->begin = static_cast<uint32_t>(begin);
    err->end = static_cast<uint32_t>(end);
    err->message = std::move(message);
  }
  return false;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads the 4 hex digits after `\u` at body[pos]; -1 if malformed.
int32_t ReadHex4(std::string_view body, size_t pos) {
  if (pos + 4 > body.size()) return -1;
  int32_t v = 0;
  for (size_t k = 0; k < 4; ++k) {
    int h = HexValue(body[pos + k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Shows one source character in a message: printable ASCII as is, anything
// else as an escape, so messages stay one clean line.
std::string ShowChar(std::string_view text, size_t pos) {
  unsigned char c = static_cast<unsigned char>(text[pos]);
  if (c >= 0x20 && c < 0x7F) return std::string(1, static_cast<char>(c));
  return fmt::format("\\x{:02X}", c);
}

constexpr int64_t kNs = 1;
constexpr int64_t kMs = 1000 * 1000 * kNs;
constexpr int64_t kSec = 1000 * kMs;
constexpr int64_t kMin = 60 * kSec;
constexpr int64_t kHour = 60 * kMin;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kWeek = 7 * kDay;

}  // namespace

bool DecodeString(std::string_view body, std::string* out, LiteralError* err) {
  out->clear();
  out->reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    if (i + 1 >= body.size())
      return Fail(err, i, i + 1, "unfinished escape at the end of the string");
    char e = body[i + 1];
    switch (e) {
      case '"':
        out->push_back('"');
        ++i;
        continue;
      case '\\':
        out->push_back('\\');
        ++i;
        continue;
      case '/':
        out->push_back('/');
        ++i;
        continue;
      case 'n':
        out->push_back('\n');
        ++i;
        continue;
      case 't':
        out->push_back('\t');
        ++i;
        continue;
      case 'u':
        break;
      default: {
        // Span the whole (possibly multi-byte) character after the backslash.
        size_t end = i + 2;
        while (end < body.size() && (static_cast<unsigned char>(body[end]) & 0xC0) == 0x80) ++end;
        return Fail(err, i, end,
                    fmt::format("unknown escape `\\{}` (use \\\" \\\\ \\n \\t \\/ or \\uXXXX)",
                                ShowChar(body, i + 1)));
      }
    }
    int32_t cp = ReadHex4(body, i + 2);
    if (cp < 0) {
      size_t end = std::min(body.size(), i + 6);
      return Fail(err, i, end, "`\\u` must be followed by 4 hex digits");
    }
    size_t end = i + 6;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      // A high surrogate must be followed by `\uDC00`..`\uDFFF`.
      int32_t low = -1;
      if (end + 1 < body.size() && body[end] == '\\' && body[end + 1] == 'u')
        low = ReadHex4(body, end + 2);
      if (low < 0xDC00 || low > 0xDFFF) {
        return Fail(err, i, end, "unpaired surrogate in `\\u` escape");
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      end += 6;
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return Fail(err, i, end, "unpaired surrogate in `\\u` escape");
    } else if (cp == 0) {
      return Fail(err, i, end, "`\\u0000` is not allowed in strings");
    }
    AppendUtf8(static_cast<uint32_t>(cp), out);
    i = end - 1;
  }
  return true;
}

bool ParseInt(std::string_view text, int64_t* out, LiteralError* err) {
  int64_t v = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return Fail(err, i, i + 1, "malformed integer");
    if (__builtin_mul_overflow(v, int64_t{10}, &v) || __builtin_add_overflow(v, c - '0', &v)) {
      return Fail(
          err, 0, text.size(),
          fmt::format("integer `{}` is too large (the maximum is 9223372036854775807)", text));
    }
  }
  if (text.empty()) return Fail(err, 0, 0, "empty integer");
  *out = v;
  return true;
}

bool ParseFloat(std::string_view text, double* out, LiteralError* err) {
  std::string s(text);
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return Fail(err, 0, text.size(), "malformed number");
  if (errno == ERANGE && std::isinf(v)) {
    return Fail(err, 0, text.size(), fmt::format("number `{}` is out of range", text));
  }
  *out = v;
  return true;
}

bool ParseDuration(std::string_view text, int64_t* ns, LiteralError* err) {
  static constexpr struct {
    std::string_view name;
    int64_t ns;
  } kUnits[] = {{"w", kWeek}, {"d", kDay}, {"h", kHour}, {"m", kMin}, {"s", kSec}, {"ms", kMs}};
  int64_t total = 0;
  int last_unit = -1;  // index into kUnits of the previous group
  size_t i = 0;
  if (text.empty()) return Fail(err, 0, 0, "empty duration");
  while (i < text.size()) {
    size_t group = i;
    int64_t n = 0;
    bool overflow = false;
    size_t digits = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (__builtin_mul_overflow(n, int64_t{10}, &n) ||
          __builtin_add_overflow(n, text[i] - '0', &n)) {
        overflow = true;
      }
      ++i;
    }
    if (i == digits) return Fail(err, i, i + 1, fmt::format("malformed duration `{}`", text));
    size_t unit_begin = i;
    while (i < text.size() && (text[i] < '0' || text[i] > '9')) ++i;
    std::string_view unit = text.substr(unit_begin, i - unit_begin);
    int u = -1;
    for (int k = 0; k < 6; ++k) {
      if (kUnits[k].name == unit) u = k;
    }
    if (u < 0) {
      return Fail(err, unit_begin, i,
                  fmt::format("unknown duration unit `{}` (use ms, s, m, h, d or w)", unit));
    }
    if (u <= last_unit) {
      return Fail(err, group, i,
                  fmt::format("duration units must go from largest to smallest, each at most once "
                              "(`{}` after `{}`)",
                              unit, kUnits[last_unit].name));
    }
    last_unit = u;
    int64_t part = 0;
    if (overflow || __builtin_mul_overflow(n, kUnits[u].ns, &part) ||
        __builtin_add_overflow(total, part, &total)) {
      return Fail(err, 0, text.size(), fmt::format("duration `{}` is too long", text));
    }
  }
  *ns = total;
  return true;
}

std::string FormatDuration(int64_t ns) {
  if (ns == 0) return "0s";
  std::string out;
  uint64_t v;
  if (ns < 0) {
    out = "-";
    v = static_cast<uint64_t>(-(ns + 1)) + 1;  // no overflow for INT64_MIN
  } else {
    v = static_cast<uint64_t>(ns);
  }
  static constexpr struct {
    const char* name;
    uint64_t ns;
  } kUnits[] = {{"d", kDay}, {"h", kHour}, {"m", kMin}, {"s", kSec},
                {"ms", kMs}, {"us", 1000}, {"ns", 1}};
  for (const auto& u : kUnits) {
    if (v >= u.ns) {
      out += fmt::format("{}{}", v / u.ns, u.name);
      v %= u.ns;
    }
  }
  return out;
}

bool DecodeRegex(std::string_view text, std::string* pattern, bool* icase, LiteralError* err) {
  pattern->clear();
  *icase = false;
  if (text.size() < 2 || text[0] != '/') return Fail(err, 0, text.size(), "malformed regex");
  size_t close = std::string_view::npos;
  for (size_t i = 1; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      if (text[i + 1] == '/') {
        pattern->push_back('/');
      } else {
        pattern->push_back('\\');
        pattern->push_back(text[i + 1]);
      }
      ++i;
      continue;
    }
    if (text[i] == '/') {
      close = i;
      break;
    }
    pattern->push_back(text[i]);
  }
  if (close == std::string_view::npos) return Fail(err, 0, text.size(), "unterminated regex");
  for (size_t i = close + 1; i < text.size(); ++i) {
    if (text[i] != 'i') {
      return Fail(err, i, i + 1,
                  fmt::format("unknown regex flag `{}` (the only flag is `i`)", ShowChar(text, i)));
    }
    if (*icase) return Fail(err, i, i + 1, "duplicate regex flag `i`");
    *icase = true;
  }
  return true;
}

bool ValidUtf8(std::string_view text, size_t* bad) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      if (bad) *bad = i;
      return false;
    }
    if (i + len > n) {
      if (bad) *bad = i;
      return false;
    }
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) {
        if (bad) *bad = i;
        return false;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values above U+10FFFF are invalid.
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      if (bad) *bad = i;
      return false;
    }
    i += len;
  }
  return true;
}

}  // namespace rdl::syntax
