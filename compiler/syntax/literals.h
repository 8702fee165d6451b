// Decoding of literal token text (strings, integers, floats, durations,
// regexes) into AST values. Pure functions over the token's source text, with
// no ANTLR types, so they are unit-tested directly and reusable by tools.
// Errors carry a byte range relative to the token text so the caller can
// report E0102 on the exact bad escape or unit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rdl::syntax {

struct LiteralError {
  uint32_t begin = 0;  // byte offsets into the token text, half-open
  uint32_t end = 0;
  std::string message;  // lower-case start, no trailing period
};

// Decodes the body of a `"..."` literal (the text between the quotes):
// escapes \" \\ \n \t \/ \uXXXX (a surrogate pair is combined; a lone
// surrogate and \u0000 are errors). Returns false on the first bad escape.
bool DecodeString(std::string_view body, std::string* out, LiteralError* err);

// A decimal INT token. False if it does not fit in int64.
bool ParseInt(std::string_view text, int64_t* out, LiteralError* err);

// A FLOAT token. False if it is out of the double range.
bool ParseFloat(std::string_view text, double* out, LiteralError* err);

// A DURATION token: one or more `<digits><unit>` groups, units ms s m h d w,
// from the largest unit to the smallest, each unit at most once (`1h30m`).
// False on overflow (more than ~292 years) or a unit out of order.
bool ParseDuration(std::string_view text, int64_t* ns, LiteralError* err);

// The canonical spelling of a duration, in days and smaller units (weeks
// print as days): `30d`, `1h30m`, `500ms`, `0s`.
std::string FormatDuration(int64_t ns);

// A REGEX token `/pattern/flags`: the pattern with `\/` unescaped (every other
// escape is kept for RE2) and the flags; the only flag is `i`.
bool DecodeRegex(std::string_view text, std::string* pattern, bool* icase, LiteralError* err);

// True if `text` is valid UTF-8; otherwise `bad` is the offset of the first
// invalid byte.
bool ValidUtf8(std::string_view text, size_t* bad);

}  // namespace rdl::syntax
