// Literal decoding: string escapes, integers, floats, durations, regexes,
// both through the pure functions of compiler/syntax/literals.h and through
// the parser (E0102 with the span of the bad part of the literal).
#include <doctest/doctest.h>

#include <limits>
#include <string>

#include "compiler/syntax/literals.h"
#include "tests/unit/parser_test_util.h"

using namespace rdl;
using namespace rdl::syntax;
using rdl::testing::DiagLines;
using rdl::testing::Parse;

namespace {

constexpr int64_t kSec = 1000000000LL;

int64_t Dur(std::string_view text) {
  int64_t ns = -1;
  LiteralError err;
  REQUIRE_MESSAGE(ParseDuration(text, &ns, &err), err.message);
  return ns;
}

std::string DurError(std::string_view text) {
  int64_t ns = 0;
  LiteralError err;
  CHECK_FALSE(ParseDuration(text, &ns, &err));
  return std::to_string(err.begin) + "-" + std::to_string(err.end) + " " + err.message;
}

std::string Decoded(std::string_view body) {
  std::string out;
  LiteralError err;
  REQUIRE_MESSAGE(DecodeString(body, &out, &err), err.message);
  return out;
}

std::string DecodeError(std::string_view body) {
  std::string out;
  LiteralError err;
  CHECK_FALSE(DecodeString(body, &out, &err));
  return std::to_string(err.begin) + "-" + std::to_string(err.end) + " " + err.message;
}

// The value of the literal in `match where x == LITERAL`.
const ast::Expr& RhsLiteral(const rdl::testing::Parsed& p) {
  const ast::Expr& e = *p.file.rules.at(0).match_where;
  REQUIRE(e.children.size() == 2);
  return *e.children[1];
}

}  // namespace

TEST_CASE("durations: units, composition, canonical spelling") {
  CHECK(Dur("500ms") == 500 * 1000000LL);
  CHECK(Dur("1s") == kSec);
  CHECK(Dur("10m") == 600 * kSec);
  CHECK(Dur("2h") == 7200 * kSec);
  CHECK(Dur("30d") == 30 * 86400 * kSec);
  CHECK(Dur("1w") == 7 * 86400 * kSec);
  CHECK(Dur("1h30m") == 5400 * kSec);
  CHECK(Dur("1w2d3h4m5s6ms") ==
        (7 + 2) * 86400 * kSec + 3 * 3600 * kSec + 4 * 60 * kSec + 5 * kSec + 6 * 1000000LL);
  CHECK(Dur("0s") == 0);
  CHECK(Dur("90m") == 5400 * kSec);  // a group may exceed the next unit

  CHECK(FormatDuration(0) == "0s");
  CHECK(FormatDuration(5400 * kSec) == "1h30m");
  CHECK(FormatDuration(500 * 1000000LL) == "500ms");
  CHECK(FormatDuration(30 * 86400 * kSec) == "30d");
  CHECK(FormatDuration(14 * 86400 * kSec) == "14d");
  CHECK(FormatDuration(1500) == "1us500ns");
  CHECK(FormatDuration(-61 * kSec) == "-1m1s");
  CHECK(FormatDuration(std::numeric_limits<int64_t>::min()) == "-106751d23h47m16s854ms775us808ns");
}

TEST_CASE("durations: bad units, order and overflow are errors with a span") {
  CHECK(DurError("30m1h") ==
        "3-5 duration units must go from largest to smallest, each at most once (`h` after `m`)");
  CHECK(DurError("1h1h") ==
        "2-4 duration units must go from largest to smallest, each at most once (`h` after `h`)");
  CHECK(DurError("5min") == "1-4 unknown duration unit `min` (use ms, s, m, h, d or w)");
  CHECK(DurError("16000000w") == "0-9 duration `16000000w` is too long");
  CHECK(DurError("99999999999999999999s") == "0-21 duration `99999999999999999999s` is too long");
  CHECK(DurError("1000000d1000000000000h") == "0-22 duration `1000000d1000000000000h` is too long");
}

TEST_CASE("string escapes decode; bad escapes name the escape") {
  CHECK(Decoded(R"(plain)") == "plain");
  CHECK(Decoded(R"(q\"b\\s\/n\nt\t)") == "q\"b\\s/n\nt\t");
  CHECK(Decoded(R"(\u00e9\u20AC)") == "\xC3\xA9\xE2\x82\xAC");
  CHECK(Decoded(R"(\uD83D\uDE00)") == "\xF0\x9F\x98\x80");  // surrogate pair
  CHECK(Decoded("raw \xC3\xA9 bytes") == "raw \xC3\xA9 bytes");
  CHECK(Decoded("") == "");

  CHECK(DecodeError(R"(a\qb)") == R"(1-3 unknown escape `\q` (use \" \\ \n \t \/ or \uXXXX))");
  CHECK(DecodeError(R"(\r)") == R"(0-2 unknown escape `\r` (use \" \\ \n \t \/ or \uXXXX))");
  CHECK(DecodeError(R"(x\u12)") == R"(1-5 `\u` must be followed by 4 hex digits)");
  CHECK(DecodeError(R"(\u12G4)") == R"(0-6 `\u` must be followed by 4 hex digits)");
  CHECK(DecodeError(R"(\uD83D)") == R"(0-6 unpaired surrogate in `\u` escape)");
  CHECK(DecodeError(R"(\uDE00x)") == R"(0-6 unpaired surrogate in `\u` escape)");
  CHECK(DecodeError(R"(\u0000)") == R"(0-6 `\u0000` is not allowed in strings)");
  CHECK(DecodeError("\\") == "0-1 unfinished escape at the end of the string");
}

TEST_CASE("integers, floats and regexes") {
  int64_t i = 0;
  LiteralError err;
  CHECK(ParseInt("9223372036854775807", &i, &err));
  CHECK(i == std::numeric_limits<int64_t>::max());
  CHECK_FALSE(ParseInt("9223372036854775808", &i, &err));
  CHECK(err.message ==
        "integer `9223372036854775808` is too large (the maximum is 9223372036854775807)");
  double f = 0;
  CHECK(ParseFloat("1.5e3", &f, &err));
  CHECK(f == 1500.0);
  CHECK_FALSE(ParseFloat("1e999", &f, &err));
  CHECK(err.message == "number `1e999` is out of range");

  std::string pattern;
  bool icase = false;
  CHECK(DecodeRegex(R"(/a\/b\d+/i)", &pattern, &icase, &err));
  CHECK(pattern == R"(a/b\d+)");
  CHECK(icase);
  CHECK_FALSE(DecodeRegex("/a/ii", &pattern, &icase, &err));
  CHECK(err.message == "duplicate regex flag `i`");
  CHECK(err.begin == 4);
  CHECK_FALSE(DecodeRegex("/a/m", &pattern, &icase, &err));
  CHECK(err.message == "unknown regex flag `m` (the only flag is `i`)");
}

TEST_CASE("literal values reach the AST") {
  struct Case {
    const char* lit;
    ast::LitKind kind;
    int64_t i;
    double f;
    const char* str;
  };
  using L = ast::LitKind;
  const Case cases[] = {
      {"42", L::kInt, 42, 0, ""},
      {"-42", L::kInt, -42, 0, ""},
      {"-9223372036854775808", L::kInt, std::numeric_limits<int64_t>::min(), 0, ""},
      {"2.5", L::kFloat, 0, 2.5, ""},
      {"-2.5e2", L::kFloat, 0, -250.0, ""},
      {"1h30m", L::kDuration, 5400 * kSec, 0, ""},
      {"500ms", L::kDuration, 500000000, 0, ""},
      {R"("a\tb\u00e9")", L::kString, 0, 0, "a\tb\xC3\xA9"},
      {"true", L::kBool, 1, 0, ""},
      {"null", L::kNull, 0, 0, ""},
  };
  for (const Case& c : cases) {
    INFO(c.lit);
    auto p = Parse(std::string("rule r { match where x == ") + c.lit + " }");
    CHECK(DiagLines(*p) == "");
    const ast::Expr& e = RhsLiteral(*p);
    CHECK(e.kind == ast::ExprKind::kLiteral);
    CHECK(e.lit == c.kind);
    if (c.kind == L::kInt || c.kind == L::kDuration) CHECK(e.i == c.i);
    if (c.kind == L::kBool) CHECK(e.b == (c.i == 1));
    if (c.kind == L::kFloat) CHECK(e.f == c.f);
    if (c.kind == L::kString) CHECK(e.str == c.str);
    // The literal's span covers exactly its text (with the folded minus).
    CHECK(p->sm.file(p->id).text().substr(e.span.begin, e.span.end - e.span.begin) == c.lit);
  }
}

TEST_CASE("malformed literals are E0102 with a span on the bad part") {
  struct Case {
    const char* src;
    const char* expected;
  };
  const Case cases[] = {
      {R"(rule r { match where x == "a\qb" })",
       "1:29: E0102: unknown escape `\\q` (use \\\" \\\\ \\n \\t \\/ or \\uXXXX)\n"},
      {R"(rule r { match where x == "\u12" })",
       "1:28: E0102: `\\u` must be followed by 4 hex digits\n"},
      {R"(rule r { match where x == 99999999999999999999 })",
       "1:27: E0102: integer `99999999999999999999` is too large (the maximum is "
       "9223372036854775807)\n"},
      {R"(rule r { match where x == 1e400 })", "1:27: E0102: number `1e400` is out of range\n"},
      {R"(rule r { match where x > 30m1h })",
       "1:29: E0102: duration units must go from largest to smallest, each at most once (`h` "
       "after `m`)\n"},
      {R"(rule r { match where x > 5min })",
       "1:26: E0102: malformed number or duration `5min` (duration units are ms, s, m, h, d "
       "and w)\n"},
      {R"(rule r { match where x matches /a/x })",
       "1:35: E0102: unknown regex flag `x` (the only flag is `i`)\n"},
      {R"(rule r { match where x matches /a(b })",
       "1:32: E0102: unterminated regex (missing closing `/`)\n"},
      {"rule r { title \"abc\n match where x }",
       "1:16: E0102: unterminated string (missing closing `\"`)\n"},
      {"rule r { match where x test \"t\" { events \"\"\"{}\n",
       "1:42: E0102: unterminated `\"\"\"` string (missing closing `\"\"\"`)\n"},
      {R"(rule r { match where x in ["ok", "\z"] })",
       "1:35: E0102: unknown escape `\\z` (use \\\" \\\\ \\n \\t \\/ or \\uXXXX)\n"},
      {R"(import "\uDC00")", "1:9: E0102: unpaired surrogate in `\\u` escape\n"},
  };
  for (const Case& c : cases) {
    INFO(c.src);
    auto p = Parse(c.src);
    CHECK(DiagLines(*p) == std::string(c.expected));
  }
}

TEST_CASE("a literal error does not hide the rest of the file") {
  auto p = Parse(R"(rule r {
  title "\q"
  match where x == "\x"
  emit "ok"
})");
  CHECK(DiagLines(*p) ==
        "2:10: E0102: unknown escape `\\q` (use \\\" \\\\ \\n \\t \\/ or \\uXXXX)\n"
        "3:21: E0102: unknown escape `\\x` (use \\\" \\\\ \\n \\t \\/ or \\uXXXX)\n");
  CHECK(p->file.rules.at(0).emit == "ok");
  CHECK(p->file.rules.at(0).match_where != nullptr);
}
