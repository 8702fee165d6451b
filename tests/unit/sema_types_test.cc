// Type checking: which operand types each operator accepts, conditions,
// builtins, regexes and CIDR literals, and that one error does not cascade.
#include <doctest/doctest.h>

#include "tests/unit/sema_test_util.h"

using namespace rdl;
using namespace rdl::testing;

namespace {

// The codes reported for `match where <cond>`.
std::vector<std::string> CodesOf(const std::string& cond) {
  Checked c = CheckText(MatchRule(cond));
  std::vector<std::string> codes;
  for (const Diagnostic& d : c.sink.diagnostics()) codes.push_back(GetDiagInfo(d.code).code);
  return codes;
}

std::string FirstMessage(const std::string& cond) {
  Checked c = CheckText(MatchRule(cond));
  REQUIRE(!c.sink.diagnostics().empty());
  return c.sink.diagnostics()[0].message;
}

std::string PredOf(const std::string& cond) {
  Checked c = CheckText(MatchRule(cond));
  REQUIRE(c.sink.diagnostics().empty());
  return ir::DumpExpr(*c.pack.rules[0].pred);
}

const std::vector<std::string> kNone;
const std::vector<std::string> kMismatch = {"E0301"};

}  // namespace

TEST_CASE("equality accepts compatible types and names both types otherwise") {
  CHECK(CodesOf("resource.uid == \"x\"") == kNone);
  CHECK(CodesOf("quota.value == 3") == kNone);                 // float vs int
  CHECK(CodesOf("src_endpoint.ip == \"10.0.0.1\"") == kNone);  // ip vs string
  CHECK(CodesOf("share.accounts == \"1111\"") == kNone);       // string_list vs string
  CHECK(CodesOf("raw.x == 3 and raw.y == true") == kNone);     // json vs anything
  CHECK(CodesOf("resource.uid == null") == kNone);
  CHECK(CodesOf("time - time == 5m") == kNone);
  CHECK(CodesOf("quota.value == \"high\"") == kMismatch);
  CHECK(FirstMessage("quota.value == \"high\"") == "cannot compare float with string");
  CHECK(CodesOf("share.public == \"yes\"") == kMismatch);
  CHECK(CodesOf("time == 5m") == kMismatch);
  CHECK(FirstMessage("time - time == 300") == "cannot compare duration with int");
}

TEST_CASE("ordering accepts numbers, strings, times and durations of one kind") {
  CHECK(CodesOf("quota.value > 10") == kNone);
  CHECK(CodesOf("resource.uid < \"m\"") == kNone);
  CHECK(CodesOf("time - time > 10m") == kNone);
  CHECK(CodesOf("time + 5m > time") == kNone);
  CHECK(CodesOf("time - 1h < time") == kNone);
  CHECK(CodesOf("raw.n >= 2") == kNone);
  CHECK(CodesOf("time > 5") == kMismatch);
  CHECK(CodesOf("share.public < true") == kMismatch);
  CHECK(FirstMessage("share.public < true") == "cannot order bool with bool");
  CHECK(CodesOf("src_endpoint.ip > \"10.0.0.0\"") == kMismatch);
}

TEST_CASE("arithmetic types: numbers, time and duration algebra") {
  CHECK(PredOf("quota.value + 1 > 2") == "(> (+ quota.value:float 1) 2)");
  CHECK(CodesOf("length(resource.uid) % 2 == 0") == kNone);
  CHECK(CodesOf("quota.value % 2 == 0") == kMismatch);
  CHECK(FirstMessage("resource.uid + \"x\" == \"y\"") == "cannot apply `+` to string and string");
  CHECK(CodesOf("time + time > time") == kMismatch);
  CHECK(CodesOf("(time - time) * 2 > 10m") == kNone);
  CHECK(CodesOf("-quota.value < 0") == kNone);
  CHECK(FirstMessage("-resource.uid == \"x\"") == "cannot negate a string");
}

TEST_CASE("case-insensitive comparison needs strings; `!~` keeps `!=` missing semantics") {
  CHECK(CodesOf("resource.uid =~ \"SNAP\"") == kNone);
  CHECK(CodesOf("quota.value =~ \"x\"") == kMismatch);
  // Missing operands never compare: `a !~ b` is false when a is missing,
  // like `a != b` (a plain `not (a =~ b)` would be true).
  CHECK(PredOf("actor.user.type !~ \"root\"") ==
        "(and (exists actor.user.type:string) (not (=~ actor.user.type:string \"root\")))");
}

TEST_CASE("conditions must be boolean; a bare bool or json field means `== true`") {
  CHECK(CodesOf("resource.uid") == std::vector<std::string>{"E0303"});
  CHECK(FirstMessage("quota.value") == "condition must be boolean, found float");
  CHECK(CodesOf("not resource.uid") == std::vector<std::string>{"E0303"});
  CHECK(CodesOf("any x in raw.items: x.name") == kNone);
  CHECK(PredOf("share.public") == "(== share.public:bool true)");
  CHECK(PredOf("raw.flag and not raw.other") ==
        "(and (== raw.flag:json true) (not (== raw.other:json true)))");
}

TEST_CASE("regexes are checked by RE2 at compile time; globs become anchored regexes") {
  CHECK(PredOf("resource.uid matches /^snap-[0-9a-f]+$/i") ==
        "(matches resource.uid:string /(?i)^snap-[0-9a-f]+$/)");
  CHECK(PredOf("resource.uid not matches \"^x\"") == "(not (matches resource.uid:string /^x/))");
  Checked bad = CheckText(MatchRule("resource.uid matches /a(?=b)/"));
  REQUIRE(bad.sink.diagnostics().size() == 1);
  CHECK(bad.sink.diagnostics()[0].code == DiagCode::kBadRegex);
  CHECK(bad.sink.diagnostics()[0].message == "invalid regex: invalid perl operator: (?=");
  CHECK(CodesOf("resource.uid matches /(unclosed/") == std::vector<std::string>{"E0103"});
  CHECK(CodesOf("quota.value matches /1/") == kMismatch);
  CHECK(PredOf("resource.uid like \"snap-*.a?\"") ==
        "(matches resource.uid:string /(?s)^snap\\-.*\\.a.$/)");
  CHECK(PredOf("resource.uid not like~ \"Snap*\"") ==
        "(not (matches resource.uid:string /(?is)^Snap.*$/))");
  CHECK(sema::GlobToRegex("a+b(c)", false) == "(?s)^a\\+b\\(c\\)$");
  CHECK(sema::GlobToRegex("", true) == "(?is)^$");
}

TEST_CASE("builtins: arity and argument types") {
  CHECK(PredOf("exists(raw.userData) and exists(actor.user.uid)") ==
        "(and (exists raw.userData:json) (exists actor.user.uid:string))");
  CHECK(FirstMessage("exists(\"x\")") == "`exists` takes a field path");
  CHECK(FirstMessage("lower(resource.uid, 1) == \"x\"") == "`lower` takes 1 argument, got 2");
  CHECK(FirstMessage("cidrmatch(src_endpoint.ip)") ==
        "`cidrmatch` takes at least 2 arguments, got 1");
  CHECK(FirstMessage("length(quota.value) > 1") ==
        "argument 1 of `length` must be string or string_list, found float");
  CHECK(FirstMessage("contains(resource.uid, 3)") ==
        "argument 2 of `contains` must be string, found int");
  CHECK(FirstMessage("tag(resource.uid) == \"x\"") == "`tag` takes a non-empty string literal key");
  CHECK(PredOf("length(share.accounts) > 1") == "(> (length share.accounts:string_list) 1)");
  CHECK(PredOf("upper(raw.x) == \"A\"") == "(== (upper raw.x:json) \"A\")");
}

TEST_CASE("CIDR literals are parsed and canonicalized") {
  CHECK(PredOf("cidrmatch(src_endpoint.ip, \"10.0.0.0/8\", \"2001:DB8::/32\", \"192.168.1.1\")") ==
        "(or (cidr src_endpoint.ip:ip 10.0.0.0/8) (cidr src_endpoint.ip:ip 2001:db8::/32) "
        "(cidr src_endpoint.ip:ip 192.168.1.1/32))");
  CHECK(CodesOf("cidrmatch(src_endpoint.ip, \"10.0.0.0/33\")") ==
        std::vector<std::string>{"E0304"});
  CHECK(CodesOf("cidrmatch(src_endpoint.ip, \"10.0.0/8\")") == std::vector<std::string>{"E0304"});
  CHECK(CodesOf("cidrmatch(src_endpoint.ip, resource.uid)") == std::vector<std::string>{"E0302"});
  CHECK(CodesOf("cidrmatch(quota.value, \"10.0.0.0/8\")") == std::vector<std::string>{"E0302"});
  std::string canon;
  CHECK(sema::ParseCidr("::1", &canon));
  CHECK(canon == "::1/128");
  CHECK_FALSE(sema::ParseCidr("10.0.0.0/", &canon));
  CHECK_FALSE(sema::ParseCidr("10.0.0.0/8/8", &canon));
  CHECK_FALSE(sema::ParseCidr("", &canon));
}

TEST_CASE("one mistake is reported once: enclosing nodes accept the error type") {
  // The unknown field would otherwise also fail the comparison, the `and`
  // and the condition check.
  CHECK(CodesOf("(actor.user.uuid + 1) * 2 > 3 and actor.user.uuid == \"x\"") ==
        std::vector<std::string>{"E0201", "E0201"});
  CHECK(CodesOf("lower(actor.usr) =~ \"x\" or cidrmatch(nope, \"10.0.0.0/8\")") ==
        std::vector<std::string>{"E0201", "E0201"});
}

TEST_CASE("quantifiers iterate json arrays and string lists only") {
  CHECK(PredOf("all a in share.accounts: a == \"1\"") ==
        "(all %0 in share.accounts:string_list: (== %0 \"1\"))");
  CHECK(FirstMessage("any a in resource.uid: a == \"x\"") == "`any` iterates a list, found string");
  CHECK(CodesOf("[1, 2] == raw.x") == kMismatch);
  CHECK(CodesOf("resource.uid in [\"a\", 1]") == kMismatch);
}
