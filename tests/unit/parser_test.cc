// Parser tests: the language.md examples, AST dump goldens for each rule
// kind and declaration, every syntax construct, spans (also after non-ASCII
// text), and the wording and position of syntax diagnostics.
// Literal decoding is in parser_literals_test.cc; robustness against garbage
// in parser_robustness_test.cc.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "compiler/ast/ast.h"
#include "compiler/syntax/parse.h"
#include "tests/unit/parser_test_util.h"

using namespace rdl;
using rdl::testing::DiagLines;
using rdl::testing::Parse;

namespace {

// The examples of /work/shared/design/language.md ("Rules by example"),
// unchanged.
constexpr std::string_view kLanguageExamples = R"(rule snapshot_burst {
  title    "Burst of snapshot creation by one principal"
  severity medium
  attack   T1578.001
  data     "DS0020 Snapshot Creation"

  match where action == "snapshot.create" and status == "success"
  count by actor.user.uid within 10m >= 5
  emit "{actor.user.uid} created {count} snapshots in 10 minutes"
}

rule snapshot_mounted_then_instance_deleted {
  severity high
  attack   T1578.001, T1578.003

  sequence by actor.user.uid within 1h
    snap:   where action == "snapshot.create"
    vol:    where action == "volume.create" and raw.snapshotId == snap.resource.uid
    mount:  where action == "volume.attach" and resource.uid == vol.resource.uid
    gone:   where action == "instance.delete"
  until where action == "snapshot.delete"
  except where tag("change-ticket") matches /^CHG[0-9]+$/
}

rule quota_increase_in_many_regions {
  match where action == "quota.increase"
  distinct cloud.region by actor.user.uid within 1h >= 3
}

rule instance_created_by_new_principal {
  match where action == "instance.create"
  new actor.user.uid within 30d learn 7d
}

rule instance_started_without_ticket {
  sequence by resource.uid within 15m
    start:  where action == "instance.start"
    !ticket: where api.operation == "ApproveChange"   // absence
}
)";

// Golden: a match+count rule, a sequence with until and except, a distinct
// aggregation, a baseline, and a sequence with an absence stage.
constexpr std::string_view kLanguageExamplesDump = R"((rule snapshot_burst 1:1
  (meta title "Burst of snapshot creation by one principal" 2:3)
  (meta severity medium 3:3)
  (meta attack T1578.001 4:3)
  (meta data "DS0020 Snapshot Creation" 5:3)
  (match 7:3
    (binary and 7:15
      (binary == 7:15 (path action 7:15) (string "snapshot.create" 7:25))
      (binary == 7:47 (path status 7:47) (string "success" 7:57))))
  (count 8:3
    (by (field actor.user.uid 8:12))
    (within 10m 8:34)
    (threshold 5 8:41))
  (emit "{actor.user.uid} created {count} snapshots in 10 minutes" 9:8))
(rule snapshot_mounted_then_instance_deleted 12:1
  (meta severity high 13:3)
  (meta attack T1578.001 T1578.003 14:3)
  (sequence 16:3
    (by (field actor.user.uid 16:15))
    (within 1h 16:37)
    (stage snap 17:5
      (binary == 17:19 (path action 17:19) (string "snapshot.create" 17:29)))
    (stage vol 18:5
      (binary and 18:19
        (binary == 18:19 (path action 18:19) (string "volume.create" 18:29))
        (binary == 18:49 (path raw.snapshotId 18:49) (path snap.resource.uid 18:67))))
    (stage mount 19:5
      (binary and 19:19
        (binary == 19:19 (path action 19:19) (string "volume.attach" 19:29))
        (binary == 19:49 (path resource.uid 19:49) (path vol.resource.uid 19:65))))
    (stage gone 20:5
      (binary == 20:19 (path action 20:19) (string "instance.delete" 20:29)))
    (until 21:3
      (binary == 21:15 (path action 21:15) (string "snapshot.delete" 21:25))))
  (except 22:16
    (matches 22:16
      (call tag 22:16 (string "change-ticket" 22:20))
      (regex "^CHG[0-9]+$" 22:45))))
(rule quota_increase_in_many_regions 25:1
  (match 26:3
    (binary == 26:15 (path action 26:15) (string "quota.increase" 26:25)))
  (distinct 27:3
    (field cloud.region 27:12)
    (by (field actor.user.uid 27:28))
    (within 1h 27:50)
    (threshold 3 27:56)))
(rule instance_created_by_new_principal 30:1
  (match 31:3
    (binary == 31:15 (path action 31:15) (string "instance.create" 31:25)))
  (new 32:3
    (field actor.user.uid 32:7)
    (within 30d 32:29)
    (learn 7d 32:39)))
(rule instance_started_without_ticket 35:1
  (sequence 36:3
    (by (field resource.uid 36:15))
    (within 15m 36:35)
    (stage start 37:5
      (binary == 37:19 (path action 37:19) (string "instance.start" 37:29)))
    (stage !ticket 38:5
      (binary == 38:20 (path api.operation 38:20) (string "ApproveChange" 38:37)))))
)";

const ast::Rule& RuleNamed(const ast::File& f, std::string_view name) {
  for (const ast::Rule& r : f.rules) {
    if (r.name == name) return r;
  }
  FAIL("no rule " << name);
  return f.rules.front();
}

std::string Text(const testing::Parsed& p, Span s) {
  return p.sm.file(p.id).text().substr(s.begin, s.end - s.begin);
}

}  // namespace

// ----------------------------------------------------------- examples ---

TEST_CASE("the language.md examples parse without diagnostics") {
  auto p = Parse(kLanguageExamples);
  CHECK(DiagLines(*p) == "");
  REQUIRE(p->file.rules.size() == 5);
  CHECK(p->file.rules[0].name == "snapshot_burst");
  CHECK(p->file.rules[4].name == "instance_started_without_ticket");
}

TEST_CASE("AST dump golden: count, sequence, distinct, new and absence rules") {
  auto p = Parse(kLanguageExamples);
  CHECK(ast::Dump(p->file, p->sm) == kLanguageExamplesDump);
}

TEST_CASE("AST dump golden: import, list and macros") {
  auto p = Parse(R"(import "stdlib/t1578.rules"
list admins = ["root", "Admin", -3, 1.5, 10m, true, null,]
macro is_aws = cloud.provider == "aws"
macro op_is(name, svc) = api.operation =~ name and api.service.name == svc
)");
  CHECK(DiagLines(*p) == "");
  CHECK(ast::Dump(p->file, p->sm) == R"((import "stdlib/t1578.rules" 1:1)
(list admins 2:1
  (string "root" 2:16)
  (string "Admin" 2:24)
  (int -3 2:33)
  (float 1.5 2:37)
  (duration 10m 2:42)
  (bool true 2:47)
  (null 2:53))
(macro is_aws 3:1
  (binary == 3:16 (path cloud.provider 3:16) (string "aws" 3:34)))
(macro op_is (name svc) 4:1
  (binary and 4:26
    (binary =~ 4:26 (path api.operation 4:26) (path name 4:43))
    (binary == 4:52 (path api.service.name 4:52) (path svc 4:72))))
)");
  REQUIRE(p->file.macros.size() == 2);
  CHECK(p->file.macros[1].params == std::vector<std::string>{"name", "svc"});
  CHECK(p->file.imports[0].path == "stdlib/t1578.rules");
}

TEST_CASE("AST dump golden: a plain match rule and every sequence boundary") {
  // After the stages come until, except, suppress, emit and test, then the
  // next rule; stage labels may be soft keywords (`new`, `count`).
  auto p = Parse(R"(rule boundaries {
  sequence within 2h
    new: where a == 1
    count[2]: by resource.uid where b.c == x.y
    del{3,}: where raw.items["k"] in ["a"]
    !gone: where exists(z)
  until where q == 1
  except where r == 2
  suppress by s for 30m
  emit "e"
  test "t" { events """{}""" expect 0 }
}
rule plain { match where not (a == 1 or b == 2) and c != -d }
)");
  CHECK(DiagLines(*p) == "");
  CHECK(ast::Dump(p->file, p->sm) == R"((rule boundaries 1:1
  (sequence 2:3
    (within 2h 2:19)
    (stage new 3:5
      (binary == 3:16 (path a 3:16) (int 1 3:21)))
    (stage count [2] 4:5
      (by (field resource.uid 4:18))
      (binary == 4:37 (path b.c 4:37) (path x.y 4:44)))
    (stage del {3,} 5:5
      (in 5:20
        (path raw.items.k 5:20)
        (list 5:38 (string "a" 5:39))))
    (stage !gone 6:5
      (call exists 6:18 (path z 6:25)))
    (until 7:3
      (binary == 7:15 (path q 7:15) (int 1 7:20))))
  (except 8:16
    (binary == 8:16 (path r 8:16) (int 2 8:21)))
  (suppress 9:3 (by (field s 9:15)) (for 30m 9:21))
  (emit "e" 10:8)
  (test "t" 11:3 (events "{}") (expect 0)))
(rule plain 13:1
  (match 13:14
    (binary and 13:26
      (not 13:26
        (binary or 13:31
          (binary == 13:31 (path a 13:31) (int 1 13:36))
          (binary == 13:41 (path b 13:41) (int 2 13:46))))
      (binary != 13:53
        (path c 13:53)
        (neg 13:58 (path d 13:59))))))
)");
}

// ---------------------------------------------------------- constructs ---

TEST_CASE("metadata: every key, bare and quoted values, ATT&CK ids as written") {
  auto p = Parse(R"(rule m {
  title "T"
  description "D"
  severity critical
  attack T1578.001, "T1578.002", T1578
  data "DS0020", "DS0009"
  references "https://attack.mitre.org/techniques/T1578/"
  tags "cloud", "aws"
  falsepositives "backup jobs"
  tuning "raise the threshold"
  author "secops"
  match where true
})");
  CHECK(DiagLines(*p) == "");
  const ast::Rule& r = p->file.rules.at(0);
  REQUIRE(r.meta.size() == 10);
  std::vector<std::string> keys;
  for (const auto& m : r.meta) keys.push_back(m.key);
  CHECK(keys == std::vector<std::string>{"title", "description", "severity", "attack", "data",
                                         "references", "tags", "falsepositives", "tuning",
                                         "author"});
  const ast::Meta& attack = r.meta[3];
  REQUIRE(attack.values.size() == 3);
  CHECK(attack.values[0].text == "T1578.001");
  CHECK_FALSE(attack.values[0].quoted);
  CHECK(Text(*p, attack.values[0].span) == "T1578.001");
  CHECK(attack.values[1].text == "T1578.002");
  CHECK(attack.values[1].quoted);
  CHECK(attack.values[2].text == "T1578");
  CHECK(r.meta[2].values[0].text == "critical");
  CHECK_FALSE(r.meta[2].values[0].quoted);
  CHECK(Text(*p, r.meta[2].key_span) == "severity");
}

TEST_CASE("predicates: comparisons, case-insensitive ops, in, matches, like") {
  auto p = Parse(R"(rule r { match where
    a == 1 and b != 2 and c < 3 and d <= 4 and e > 5 and f >= 6
    and g =~ "X" and h !~ "Y"
    and i in ["a", "b"] and j in admins and k in~ ["c"] and l not in ["d"] and m not in~ admins
    and n matches /^a.*$/i and o not matches "^b" and p matches /a\/b\d/
    and q like "a*b?" and r like~ "*X*" and s not like "z*" and t not like~ "y"
})");
  CHECK(DiagLines(*p) == "");
  // Collect the leaves of the left-deep `and` chain, left to right.
  std::vector<const ast::Expr*> terms;
  const ast::Expr* e = p->file.rules.at(0).match_where.get();
  while (e->kind == ast::ExprKind::kBinary && e->binop == ast::BinOp::kAnd) {
    terms.insert(terms.begin(), e->children[1].get());
    e = e->children[0].get();
  }
  terms.insert(terms.begin(), e);
  REQUIRE(terms.size() == 20);
  using B = ast::BinOp;
  const B ops[] = {B::kEq, B::kNe, B::kLt, B::kLe, B::kGt, B::kGe, B::kEqCI, B::kNeCI};
  for (int k = 0; k < 8; ++k) {
    CHECK(terms[k]->kind == ast::ExprKind::kBinary);
    CHECK(terms[k]->binop == ops[k]);
  }
  struct Flags {
    ast::ExprKind kind;
    bool negated;
    bool icase;
  };
  using K = ast::ExprKind;
  const Flags flags[] = {
      {K::kIn, false, false},   {K::kIn, false, false},    {K::kIn, false, true},
      {K::kIn, true, false},    {K::kIn, true, true},      {K::kMatch, false, false},
      {K::kMatch, true, false}, {K::kMatch, false, false}, {K::kLike, false, false},
      {K::kLike, false, true},  {K::kLike, true, false},   {K::kLike, true, true}};
  for (int k = 0; k < 12; ++k) {
    INFO("term " << k + 8);
    CHECK(terms[k + 8]->kind == flags[k].kind);
    CHECK(terms[k + 8]->negated == flags[k].negated);
    CHECK(terms[k + 8]->icase == flags[k].icase);
  }
  CHECK(terms[8]->children[1]->kind == K::kList);
  CHECK(terms[9]->children[1]->kind == K::kPath);
  CHECK(terms[9]->children[1]->path == std::vector<std::string>{"admins"});
  // Regexes: pattern without slashes, `\/` unescaped, flag i; a string works too.
  const ast::Expr& re1 = *terms[13]->children[1];
  CHECK(re1.lit == ast::LitKind::kRegex);
  CHECK(re1.str == "^a.*$");
  CHECK(re1.icase);
  CHECK(terms[14]->children[1]->lit == ast::LitKind::kRegex);
  CHECK(terms[14]->children[1]->str == "^b");
  CHECK_FALSE(terms[14]->children[1]->icase);
  CHECK(terms[15]->children[1]->str == "a/b\\d");
  CHECK(terms[16]->children[1]->lit == ast::LitKind::kString);
  CHECK(terms[16]->children[1]->str == "a*b?");
}

TEST_CASE("precedence: or < and < not < comparison < + - < * / % < unary minus") {
  auto p = Parse(R"(rule r { match where not a == 1 or b and c == 2 + 3 * -x % 4 - 5 / 6 })");
  CHECK(DiagLines(*p) == "");
  CHECK(ast::Dump(p->file, p->sm) == R"((rule r 1:1
  (match 1:10
    (binary or 1:22
      (not 1:22
        (binary == 1:26 (path a 1:26) (int 1 1:31)))
      (binary and 1:36
        (path b 1:36)
        (binary == 1:42
          (path c 1:42)
          (binary - 1:47
            (binary + 1:47
              (int 2 1:47)
              (binary % 1:51
                (binary * 1:51
                  (int 3 1:51)
                  (neg 1:55 (path x 1:56)))
                (int 4 1:60)))
            (binary / 1:64 (int 5 1:64) (int 6 1:68))))))))
)");
}

TEST_CASE("quantifiers, calls, lists and macro calls") {
  auto p = Parse(R"(rule r { match where
  any x in raw.requestParameters.instancesSet.items: x.imageId == "ami-1" or x.n > 2
}
rule s { match where all y in raw.items: startswith(y.name, "prod-") and exists(y.id)
  and cidrmatch(src_endpoint.ip, "10.0.0.0/8") and is_admin and op_is("a", lower(b)) and [1, 2] == c
})");
  CHECK(DiagLines(*p) == "");
  const ast::Expr& q = *p->file.rules.at(0).match_where;
  REQUIRE(q.kind == ast::ExprKind::kQuantifier);
  CHECK_FALSE(q.b);
  CHECK(q.str == "x");
  CHECK(q.children[0]->path ==
        std::vector<std::string>{"raw", "requestParameters", "instancesSet", "items"});
  // The body extends as far right as possible: it holds the `or`.
  CHECK(q.children[1]->kind == ast::ExprKind::kBinary);
  CHECK(q.children[1]->binop == ast::BinOp::kOr);
  const ast::Expr& all = *p->file.rules.at(1).match_where;
  REQUIRE(all.kind == ast::ExprKind::kQuantifier);
  CHECK(all.b);
  CHECK(ast::Dump(p->file, p->sm).find(R"(
          (call op_is 5:65
            (string "a" 5:71)
            (call lower 5:76 (path b 5:82))))
        (binary == 5:90
          (list 5:90 (int 1 5:91) (int 2 5:94))
          (path c 5:100))))))
)") != std::string::npos);  // a call with a non-leaf argument spreads over lines
}

TEST_CASE("paths: keywords as segments, bracket segments, per-segment spans") {
  auto p = Parse(R"(rule r { match where raw.requestParameters.count == 1 and resource.type == "x"
  and raw.data.new and x.match and raw.protoPayload["@type"] == "t" and a.matches == b.in
  and raw["a b"]["c\"d"].rule })");
  CHECK(DiagLines(*p) == "");
  std::string dump = ast::Dump(p->file, p->sm);
  CHECK(dump.find("(path raw.requestParameters.count 1:22)") != std::string::npos);
  CHECK(dump.find("(path raw.data.new 2:7)") != std::string::npos);
  CHECK(dump.find("(path x.match 2:24)") != std::string::npos);
  CHECK(dump.find(R"((path raw.protoPayload["@type"] 2:36))") != std::string::npos);
  CHECK(dump.find("(binary == 2:73 (path a.matches 2:73) (path b.in 2:86))") != std::string::npos);
  CHECK(dump.find(R"((path raw["a b"]["c\"d"].rule 3:7))") != std::string::npos);
  // Segment spans: `raw.protoPayload["@type"]` -> raw, protoPayload, ["@type"].
  const ast::Expr* e = p->file.rules.at(0).match_where.get();
  while (e->kind == ast::ExprKind::kBinary && e->binop == ast::BinOp::kAnd) {
    e = e->children[0].get();
  }
  REQUIRE(e->kind == ast::ExprKind::kBinary);
  const ast::Expr& lhs = *e->children[0];
  CHECK(lhs.path_spans.size() == 3);
  CHECK(Text(*p, lhs.path_spans[2]) == "count");
  CHECK(Text(*p, lhs.span) == "raw.requestParameters.count");
}

TEST_CASE("`matches` reads a regex only as an operator; `/` elsewhere is division") {
  auto p = Parse(R"(rule r { match where a / b / 2 == 1 and x.matches == "m" and y matches /a/
  and z matches
    // a comment between the operator and the regex
    /b[/]c/i })");
  // `/b[/]c/i`: the first unescaped slash ends the regex (`/b[/`), so `]c/i`
  // is left over.
  CHECK(DiagLines(*p) == "4:9: E0101: unexpected `]` in rule body\n");
  auto q = Parse(R"(rule r { match where z matches // comment
    /b\/c/i })");
  CHECK(DiagLines(*q) == "");
  std::string dump = ast::Dump(q->file, q->sm);
  CHECK(dump.find(R"((regex "b/c" i 2:5))") != std::string::npos);
}

TEST_CASE("comments and newlines are not significant") {
  auto p = Parse(
      "// leading comment\n/* block\n comment */ rule\n r /* inline */ {\n match\n where\n"
      "  a == 1 // trailing\n count\n by\n b\n within\n 5m >= 2 }");
  CHECK(DiagLines(*p) == "");
  const ast::Rule& r = RuleNamed(p->file, "r");
  CHECK(r.aggregate.kind == ast::Aggregate::Kind::kCount);
  CHECK(r.aggregate.threshold == 2);
  CHECK(r.aggregate.within.ns == 5 * 60 * 1000000000LL);
}

TEST_CASE("aggregations: by keys, several new fields, spans of thresholds and durations") {
  auto p = Parse(R"(rule a { match where x count within 10m >= 5 }
rule b { match where x distinct cloud.region within 1h >= 3 }
rule c { match where x new actor.user.uid, cloud.region by cloud.account.uid within 30d learn 7d }
rule d { match where x count by a, b.c within 1h30m >= 10 })");
  CHECK(DiagLines(*p) == "");
  using K = ast::Aggregate::Kind;
  const ast::Aggregate& a = RuleNamed(p->file, "a").aggregate;
  CHECK(a.kind == K::kCount);
  CHECK(a.by.empty());
  CHECK(Text(*p, a.threshold_span) == "5");
  CHECK(Text(*p, a.within.span) == "10m");
  CHECK(Text(*p, a.span) == "count within 10m >= 5");
  const ast::Aggregate& b = RuleNamed(p->file, "b").aggregate;
  CHECK(b.kind == K::kDistinct);
  REQUIRE(b.fields.size() == 1);
  CHECK(b.fields[0].path == std::vector<std::string>{"cloud", "region"});
  const ast::Aggregate& c = RuleNamed(p->file, "c").aggregate;
  CHECK(c.kind == K::kNew);
  CHECK(c.fields.size() == 2);
  CHECK(c.by.size() == 1);
  CHECK(c.within.ns == 30LL * 86400 * 1000000000LL);
  CHECK(c.learn.ns == 7LL * 86400 * 1000000000LL);
  CHECK(Text(*p, c.learn.span) == "7d");
  const ast::Aggregate& d = RuleNamed(p->file, "d").aggregate;
  CHECK(d.by.size() == 2);
  CHECK(d.within.ns == 90LL * 60 * 1000000000LL);
  CHECK(d.threshold == 10);
}

TEST_CASE("sequence: by per stage, until by, repetition, absence, spans") {
  auto p = Parse(R"(rule s {
  sequence by actor.user.uid within 1h
    snap: where action == "snapshot.create"
    del[3]: by resource.uid where action == "instance.delete"
    mod{2,}: where action == "instance.modify"
    !ticket: where api.operation == "ApproveChange"
  until by resource.uid where action == "snapshot.delete"
})");
  CHECK(DiagLines(*p) == "");
  const ast::Rule& r = p->file.rules.at(0);
  CHECK(r.is_sequence);
  CHECK(r.match_where == nullptr);
  REQUIRE(r.stages.size() == 4);
  CHECK(r.stages[0].label == "snap");
  CHECK(r.stages[0].repeat == 1);
  CHECK(r.stages[1].repeat == 3);
  CHECK_FALSE(r.stages[1].repeat_at_least);
  CHECK(Text(*p, r.stages[1].repeat_span) == "[3]");
  REQUIRE(r.stages[1].by.size() == 1);
  CHECK(r.stages[1].by[0].path == std::vector<std::string>{"resource", "uid"});
  CHECK(r.stages[2].repeat == 2);
  CHECK(r.stages[2].repeat_at_least);
  CHECK(r.stages[3].absence);
  CHECK(r.stages[3].label == "ticket");
  CHECK(Text(*p, r.stages[3].label_span) == "ticket");
  CHECK(Text(*p, r.stages[3].span) == "!ticket: where api.operation == \"ApproveChange\"");
  REQUIRE(r.until_where != nullptr);
  CHECK(r.until_by.size() == 1);
  CHECK(Text(*p, r.until_span) == "until by resource.uid where action == \"snapshot.delete\"");
  CHECK(r.sequence_within.ns == 3600LL * 1000000000LL);
}

TEST_CASE("except, suppress, emit and inline tests") {
  auto p = Parse(R"(rule r {
  match where a == 1
  except where b in allowlist
  except where tag("change-ticket") matches /^CHG/
  suppress by actor.user.uid, resource.uid for 1h
  emit "{actor.user.uid}: {count} \"x\" {snap.resource.uid}"
  test "fires" {
    events """
{"time":"2026-01-05T10:00:00Z","action":"a\n"}
{"time":"2026-01-05T10:01:00Z"}
"""
    expect 1
  }
  test "quiet" { events file "testdata/quiet.jsonl" expect 0 }
})");
  CHECK(DiagLines(*p) == "");
  const ast::Rule& r = p->file.rules.at(0);
  CHECK(r.excepts.size() == 2);
  CHECK(r.suppress_by.size() == 2);
  CHECK(r.suppress_for.ns == 3600LL * 1000000000LL);
  CHECK(Text(*p, r.suppress_span) == "suppress by actor.user.uid, resource.uid for 1h");
  CHECK(r.emit == "{actor.user.uid}: {count} \"x\" {snap.resource.uid}");
  CHECK(Text(*p, r.emit_span) == R"("{actor.user.uid}: {count} \"x\" {snap.resource.uid}")");
  REQUIRE(r.tests.size() == 2);
  CHECK(r.tests[0].name == "fires");
  // Triple-quoted text is raw: no escape processing.
  CHECK(r.tests[0].events_inline ==
        "\n{\"time\":\"2026-01-05T10:00:00Z\",\"action\":\"a\\n\"}\n"
        "{\"time\":\"2026-01-05T10:01:00Z\"}\n");
  CHECK(r.tests[0].events_file.empty());
  CHECK(r.tests[0].expect_alerts == 1);
  CHECK(r.tests[1].events_file == "testdata/quiet.jsonl");
  CHECK(r.tests[1].events_inline.empty());
  CHECK(r.tests[1].expect_alerts == 0);
}

TEST_CASE("spans are byte offsets, also after non-ASCII text") {
  std::string src =
      "rule r {\n  title \"h\xC3\xA9llo w\xC3\xB6rld \xF0\x9F\x98\x80\"\n"
      "  /* \xE2\x82\xAC */ match where a == \"\xC3\xBC\" and bb == 1\n}\n";
  auto p = Parse(src);
  CHECK(DiagLines(*p) == "");
  const ast::Rule& r = p->file.rules.at(0);
  CHECK(r.meta[0].values[0].text == "h\xC3\xA9llo w\xC3\xB6rld \xF0\x9F\x98\x80");
  const ast::Expr& rhs = *r.match_where->children[1];
  size_t at = src.find("bb == 1");
  CHECK(rhs.span.begin == at);
  CHECK(rhs.span.end == at + 7);
  CHECK(Text(*p, rhs.children[0]->span) == "bb");
  CHECK(r.match_where->children[0]->children[1]->str == "\xC3\xBC");
  CHECK(r.span.begin == 0);
  CHECK(r.span.end == src.size() - 1);
  // A UTF-8 byte order mark is accepted and does not move offsets.
  auto q = Parse("\xEF\xBB\xBFrule r { match where a }");
  CHECK(DiagLines(*q) == "");
  CHECK(q->file.rules.at(0).span.begin == 3);
}

TEST_CASE("a clause the AST holds once is E0104 when repeated") {
  auto p = Parse(R"(rule r {
  match where a
  emit "x"
  emit "y"
  match where b
  suppress by a for 1m
  suppress by b for 2m
})");
  CHECK(DiagLines(*p) ==
        "4:3: E0104: a rule has at most one `emit` clause\n"
        "5:3: E0104: a rule has at most one `match` clause\n"
        "7:3: E0104: a rule has at most one `suppress` clause\n");
  CHECK(p->file.rules.at(0).emit == "x");
}

TEST_CASE("list declarations hold literals only") {
  auto p = Parse(R"(list l = ["a", b, 1 + 2])");
  CHECK(DiagLines(*p) ==
        "1:16: E0101: list items must be literals (strings, numbers, durations, booleans)\n"
        "1:19: E0101: list items must be literals (strings, numbers, durations, booleans)\n");
  REQUIRE(p->file.lists.size() == 1);
  CHECK(p->file.lists[0].items.size() == 1);
}

// --------------------------------------------------------- diagnostics ---

TEST_CASE("syntax errors: our wording, at the offending token") {
  struct Case {
    const char* src;
    const char* expected;
  };
  const Case cases[] = {
      {"rule x {\n  match wher action == \"a\"\n}",  //
       "2:9: E0101: expected `where`, found `wher`\n"},
      {"rule x {\n  sequence by a within 1h\n    snap where action == \"a\"\n}",
       "3:10: E0101: missing `:` after stage label\n"},
      {"rule x {\n  sequence within 1h\n    a: where x == 1\n    b where y == 2\n}",
       "4:7: E0101: missing `:` after stage label\n"},
      {"rule x {\n  match where action == \"a\" == \"b\"\n}",
       "2:29: E0101: unexpected `==`: comparisons do not chain; combine them with `and` or use "
       "parentheses\n"},
      {"rule x {\n  match where a\n}\n}",  //
       "4:1: E0101: unexpected `}`\n"
       "  help: a file holds `rule`, `list`, `macro` and `import` declarations\n"},
      {"rule x {\n  match where a\nrule y { match where b }",
       "3:1: E0101: expected `}` to close rule `x`, found `rule`\n"},
      {"rule x {\n  match where a\n",  //
       "3:1: E0101: expected `}` to close rule `x`, found end of file\n"},
      {"rule x {\n  titel \"x\"\n}",
       "2:3: E0101: unexpected `titel` in rule body\n"
       "  help: did you mean `title`?\n"
       "  help: a rule holds metadata (`title`, `severity`, `attack`, ...), one `match` or "
       "`sequence`, and `except`, `suppress`, `emit` and `test` clauses\n"},
      {"rule x {\n  match where action ==\n}",  //
       "3:1: E0101: expected an expression, found `}`\n"},
      {"rule x {\n  match where (a == 1\n}",  //
       "3:1: E0101: expected `)`, found `}`\n"},
      {"rule x { match where a # 1 }",  //
       "1:24: E0101: unexpected character `#`\n"},
      {"rule x { match where a == \"b\" count by c within 10m > 5 }",
       "1:53: E0101: expected `>=`, found `>`\n"},
      {"rule x { match where x.y contains \"a\" }",
       "1:26: E0101: `contains` is a function, not an operator: write `contains(value, ...)`\n"},
      {"rule x { match where a }\n/* never closed",  //
       "2:1: E0101: unterminated block comment (missing `*/`)\n"},
      {"rule x { match where a test \"t\" { events \"\"\"[]\"\"\" } }",
       "1:51: E0101: expected `expect`, found `}`\n"},
      {"rule x { match where a in b.c d }",  //
       "1:31: E0101: unexpected `d` in rule body\n"
       "  help: a rule holds metadata (`title`, `severity`, `attack`, ...), one `match` or "
       "`sequence`, and `except`, `suppress`, `emit` and `test` clauses\n"},
      {"rule 1x { }",  //
       "1:6: E0102: malformed number or duration `1x` (duration units are ms, s, m, h, d and w)\n"},
      {"macro m(a, = b",  //
       "1:12: E0101: expected a name, found `=`\n"},
      {"rule x {\n  attack T1578.001 T1578.003\n}",
       "2:20: E0101: expected `,` between metadata values, found `T1578`\n"},
      {"rule x { match where a = 1 }",  //
       "1:24: E0101: unexpected `=`: compare with `==`\n"},
      {"rule x { match where a && b }",  //
       "1:24: E0101: unexpected character `&`\n  help: use `and`\n"},
      {"rule x { match where a == 'b' }",
       "1:27: E0101: unexpected character `'`\n"
       "  help: strings are written in double quotes: \"...\"\n"},
      {"rule x {\n  sequence by a within 1h\n  emit \"x\"\n}",
       "3:3: E0101: expected a stage (`label: where ...`), found `emit`\n"},
      {"rule x { match where a matches b }",
       "1:32: E0101: expected a string or a regex `/.../`, found `b`\n"},
      {"rule x { match where a\n  new b within 30d\n}",
       "3:1: E0101: expected `learn`, found `}`\n"},
      {"rule x {\n  sequence within 1h\n    s1: where a == 1 and\n    s2: where b == 2\n}",
       "4:5: E0101: expected an expression after `and`, found stage label `s2`\n"},
      {"rule x {\n  sequence within 1h\n    s1: where a == 1\n    s2: b == 2\n}",
       "4:9: E0101: expected `where` or `by`, found `b`\n"},
      {"rule x { suppress by a 1h }",  //
       "1:24: E0101: expected `for`, found `1h`\n"},
  };
  for (const Case& c : cases) {
    INFO(c.src);
    auto p = Parse(c.src);
    CHECK(DiagLines(*p, /*with_notes=*/true) == std::string(c.expected));
  }
}

TEST_CASE("several errors in one file are all reported, in source order") {
  auto p = Parse(R"(rule a {
  match wher x == 1
}
rule b {
  match where y == == 2
}
rule c {
  match where z == "\q"
  count within 10x >= 1
}
rule d {
  sequence within 1h
    s where q == 1
}
rule e { match where ok == 1 }
)");
  CHECK(DiagLines(*p) ==
        "2:9: E0101: expected `where`, found `wher`\n"
        "5:20: E0101: expected an expression, found `==`\n"
        "8:21: E0102: unknown escape `\\q` (use \\\" \\\\ \\n \\t \\/ or \\uXXXX)\n"
        "9:16: E0102: malformed number or duration `10x` (duration units are ms, s, m, h, d and "
        "w)\n"
        "13:7: E0101: missing `:` after stage label\n");
  // Recovery keeps the rules around the errors.
  CHECK(p->file.rules.size() == 5);
  CHECK(RuleNamed(p->file, "e").match_where != nullptr);
}

TEST_CASE("at most one syntax error per line, at most 20 per file") {
  auto one = Parse("rule r { match where a == == b # c ) }");
  CHECK(DiagLines(*one) == "1:27: E0101: expected an expression, found `==`\n");

  std::string many;
  for (int i = 0; i < 30; ++i) many += "rule r" + std::to_string(i) + " { match wher a }\n";
  auto p = Parse(many);
  REQUIRE(p->sink.diagnostics().size() == kMaxSyntaxErrorsPerFile);
  CHECK(p->sink.diagnostics().back().notes ==
        std::vector<std::string>{"note: 10 more errors in this file not shown"});
  CHECK(p->file.rules.size() == 30);
}

// ------------------------------------------------------------ examples ---

// grammar/examples/*.rule parse cleanly, unless a NAME.errors file next to
// one lists its expected diagnostics ("L:C: CODE: message" lines).
TEST_CASE("grammar/examples parse as their .errors files say") {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(RDL_SOURCE_DIR) / "grammar" / "examples";
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".rule") continue;
    ++files;
    INFO(entry.path().string());
    auto read = [](const fs::path& path) {
      std::ifstream in(path, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      return ss.str();
    };
    auto p = Parse(read(entry.path()));
    fs::path errors = entry.path();
    errors.replace_extension(".errors");
    std::string expected = fs::exists(errors) ? read(errors) : "";
    CHECK(DiagLines(*p) == expected);
    CHECK_FALSE(p->file.rules.empty());
  }
  CHECK(files >= 4);
}
