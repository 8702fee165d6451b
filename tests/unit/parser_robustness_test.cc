// The parser never crashes, hangs or reports spans outside the file: random
// bytes, random token soup, mutations of valid rules, deep nesting, long
// chains, invalid UTF-8. Each input must also dump and render cleanly.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "tests/unit/parser_test_util.h"

using rdl::testing::DiagLines;
using rdl::testing::Parse;

namespace {

constexpr std::string_view kValidRules = R"(import "stdlib/t1578.rules"
list admins = ["root", "Admin"]
macro is_aws(p) = cloud.provider == p
rule snapshot_burst {
  title    "Burst of snapshot creation by one principal"
  severity medium
  attack   T1578.001, "T1578.002"
  match where action == "snapshot.create" and not status in~ ["failure"] and x.y =~ "a"
  count by actor.user.uid within 10m >= 5
  except where any i in raw.items: i.k matches /^a\/b$/i or -i.n * 2 % 3 > 1.5
  suppress by actor.user.uid for 1h30m
  emit "{actor.user.uid} created {count} snapshots"
  test "t" { events """{"a":1}""" expect 1 }
}
rule seq {
  sequence by actor.user.uid within 1h
    snap:   where action == "snapshot.create"
    vol[2]: by resource.uid where raw.protoPayload["@type"] like~ "*x?"
    !gone{3,}: where lower(api.operation) not like "a*"
  until by resource.uid where action == "snapshot.delete"
}
)";

// Checks the invariants every parse must keep, whatever the input.
void CheckWellFormed(std::string_view src) {
  auto p = Parse(src);
  for (const rdl::Diagnostic& d : p->sink.diagnostics()) {
    REQUIRE(!d.labels.empty());
    const rdl::Span s = d.labels[0].span;
    CHECK(s.file == p->id);
    CHECK(s.begin <= s.end);
    CHECK(s.end <= src.size());
    CHECK(!d.message.empty());
    (void)rdl::RenderText(d, p->sm);
  }
  CHECK(p->sink.diagnostics().size() <= rdl::kMaxSyntaxErrorsPerFile);
  (void)rdl::ast::Dump(p->file, p->sm);
}

}  // namespace

TEST_CASE("the robustness corpus itself is valid") {
  auto p = Parse(kValidRules);
  CHECK(DiagLines(*p) == "");
  CHECK(p->file.rules.size() == 2);
}

TEST_CASE("random bytes never crash the parser") {
  std::mt19937 rng(1234);
  for (int iter = 0; iter < 300; ++iter) {
    std::string s(rng() % 300, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 256);
    CheckWellFormed(s);
  }
}

TEST_CASE("random token soup never crashes the parser") {
  const std::vector<std::string> vocab = {
      "rule",  "r",      "{",         "}",      "match",    "where",    "sequence",
      "by",    "within", "until",     "except", "suppress", "for",      "emit",
      "test",  "events", "file",      "expect", "count",    "distinct", "new",
      "learn", "title",  "severity",  "attack", "list",     "macro",    "import",
      "=",     "==",     "!=",        "=~",     "!~",       "<",        "<=",
      ">",     ">=",     "and",       "or",     "not",      "in",       "in~",
      "like",  "like~",  "matches",   "any",    "all",      "x",        ":",
      "[",     "]",      "(",         ")",      ",",        ".",        "!",
      "-",     "+",      "*",         "/",      "%",        "\"s\"",    "10m",
      "1h30m", "5",      "1.5",       "true",   "null",     "/re/i",    "\"\"\"{}\"\"\"",
      "//c\n", "/*c*/",  "T1578.001", "a.b.c",  "[\"k\"]",  "\"",       "\"\"\"",
      "/*",    "#",      "\xC3\xA9",  "\xFF",   "\n"};
  std::mt19937 rng(99);
  for (int iter = 0; iter < 400; ++iter) {
    std::string s;
    int n = static_cast<int>(rng() % 60);
    for (int k = 0; k < n; ++k) {
      s += vocab[rng() % vocab.size()];
      if (rng() % 3) s += ' ';
    }
    CheckWellFormed(s);
  }
}

TEST_CASE("mutations of valid rules never crash the parser") {
  std::mt19937 rng(7);
  const std::string base(kValidRules);
  for (int iter = 0; iter < 400; ++iter) {
    std::string s = base;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits && !s.empty(); ++k) {
      size_t at = rng() % s.size();
      size_t len = 1 + rng() % 12;
      switch (rng() % 4) {
        case 0:
          s.erase(at, len);
          break;  // delete
        case 1:
          s.insert(at, s.substr(rng() % s.size(), len));
          break;  // duplicate
        case 2:
          s[at] = static_cast<char>(rng() % 128);
          break;  // replace
        default:
          s.resize(at);
          break;  // truncate
      }
    }
    CheckWellFormed(s);
  }
}

TEST_CASE("deep nesting is an error, not a stack overflow") {
  for (std::string open : {"(", "[", "not ", "-", "f(", "any x in y: "}) {
    INFO(open);
    std::string s = "rule r { match where ";
    for (int k = 0; k < 20000; ++k) s += open;
    s += "a }";
    auto p = Parse(s);
    REQUIRE(p->sink.diagnostics().size() == 1);
    CHECK(p->sink.diagnostics()[0].message ==
          "nesting is too deep (too many levels of parentheses, brackets, calls, `not` or `-`)");
    CheckWellFormed(s);
  }
  // Moderate nesting is fine.
  std::string ok = "rule r { match where ";
  for (int k = 0; k < 50; ++k) ok += "(";
  ok += "a == 1";
  for (int k = 0; k < 50; ++k) ok += ")";
  ok += " }";
  auto p = Parse(ok);
  CHECK(DiagLines(*p) == "");
}

TEST_CASE("very long operator chains are rejected without deep recursion") {
  std::string s = "rule r { match where a";
  for (int k = 0; k < 20000; ++k) s += " and a";
  s += " }";
  auto p = Parse(s);
  CHECK(DiagLines(*p) ==
        "1:22: E0101: expression is nested too deeply (20001 levels; the limit is 256)\n");
  CHECK(p->file.rules.at(0).match_where == nullptr);
  // Wide is fine: a list of 20000 items is one level.
  std::string wide = "list big = [";
  for (int k = 0; k < 20000; ++k) wide += "\"x\", ";
  wide += "]";
  auto q = Parse(wide);
  CHECK(DiagLines(*q) == "");
  CHECK(q->file.lists.at(0).items.size() == 20000);
}

TEST_CASE("invalid UTF-8 is reported once per line, and parsing goes on") {
  auto p = Parse("rule r {\n  title \"a\xFF\xFE\"\n  match where a == \"\xC3\"\n}\n");
  CHECK(DiagLines(*p) ==
        "2:11: E0101: invalid UTF-8 (byte 0xFF); source files must be UTF-8\n"
        "3:21: E0101: invalid UTF-8 (byte 0xC3); source files must be UTF-8\n");
  CHECK(p->file.rules.at(0).match_where != nullptr);
  auto q = Parse("rule r { match where a == \xC3\xA9 }");
  CHECK(DiagLines(*q) == "1:27: E0101: unexpected character `\xC3\xA9`\n");
}

TEST_CASE("empty and whitespace-only files are valid and empty") {
  for (const char* s : {"", "   \n\t\n", "// only a comment", "/* block */"}) {
    auto p = Parse(s);
    CHECK(DiagLines(*p) == "");
    CHECK(p->file.rules.empty());
  }
}
