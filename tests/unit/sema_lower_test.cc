// Lowering (except folding, stage unrolling), the IR verifier, the IR dump
// and the worst-case state estimate.
#include <doctest/doctest.h>

#include "compiler/ir/lower.h"
#include "tests/unit/sema_test_util.h"

using namespace rdl;
using namespace rdl::testing;

namespace {

ir::Rule Lowered(const std::string& text) {
  Checked c = CheckText(text);
  std::string diags;
  for (const Diagnostic& d : c.sink.diagnostics()) diags += RenderText(d, c.sm);
  INFO(diags);
  REQUIRE(c.sink.error_count() == 0);
  REQUIRE(c.pack.rules.size() == 1);
  ir::Rule r = std::move(c.pack.rules[0]);
  ir::LowerRule(r);
  return r;
}

}  // namespace

TEST_CASE("except clauses fold into the predicate as `and not (...)`") {
  ir::Rule r =
      Lowered(RuleText("match where action == \"snapshot.create\"\n"
                       " except where actor.user.type == \"AWSService\"\n"
                       " except where status == \"failure\""));
  CHECK(r.excepts.empty());
  CHECK(ir::DumpExpr(*r.pred) ==
        "(and (== action:string \"snapshot.create\") (not (== actor.user.type:string "
        "\"AWSService\")) (not (== status:string \"failure\")))");
}

TEST_CASE("in a sequence, excepts fold into positive stages only, not absence or until") {
  ir::Rule r =
      Lowered(RuleText("sequence within 1h\n"
                       " a: where action == \"instance.start\"\n"
                       " !b: where api.operation == \"ApproveChange\"\n"
                       " until where action == \"instance.delete\"\n"
                       " except where status == \"failure\""));
  REQUIRE(r.stages.size() == 2);
  CHECK(ir::DumpExpr(*r.stages[0].pred) ==
        "(and (== action:string \"instance.start\") (not (== status:string \"failure\")))");
  CHECK(ir::DumpExpr(*r.stages[1].pred) == "(== api.operation:string \"ApproveChange\")");
  CHECK(ir::DumpExpr(*r.until) == "(== action:string \"instance.delete\")");
}

TEST_CASE("repetition unrolls into consecutive copies; references name the first copy") {
  ir::Rule r = Lowered(RuleText(
      "sequence by actor.user.uid within 1h\n"
      " a[3]: where action == \"snapshot.create\"\n"
      " b{2,}: where action == \"volume.create\" and related.snapshot.uid == a.resource.uid\n"
      " c: where resource.uid == b.resource.uid\n"
      " emit \"{a.resource.uid} {b.resource.uid}\""));
  std::vector<std::string> labels;
  for (const ir::Stage& s : r.stages) labels.push_back(s.label);
  CHECK(labels == std::vector<std::string>{"a", "a#2", "a#3", "b", "b#2", "c"});
  for (const ir::Stage& s : r.stages) CHECK(s.repeat == 1);
  // b's references to a point at a's first copy (stage 0); c's to b at 3.
  CHECK(ir::DumpExpr(*r.stages[4].pred) ==
        "(and (== action:string \"volume.create\") (== related.snapshot.uid:string "
        "@0.resource.uid:string))");
  CHECK(ir::DumpExpr(*r.stages[5].pred) == "(== resource.uid:string @3.resource.uid:string)");
  REQUIRE(r.message.size() == 3);
  CHECK(r.message[0].stage == 0);
  CHECK(r.message[2].stage == 3);
  std::string why;
  ir::Pack pack;
  pack.rules.push_back(std::move(r));
  CHECK(ir::Verify(pack, &why));
  CHECK(why.empty());
}

TEST_CASE("the IR verifier rejects broken invariants") {
  auto verify = [](ir::Rule r) {
    ir::Pack p;
    p.rules.push_back(std::move(r));
    std::string why;
    bool ok = ir::Verify(p, &why);
    return ok ? std::string() : why;
  };
  ir::Rule base = Lowered(MatchRule("action == \"snapshot.create\""));
  CHECK(verify(std::move(base)).empty());

  ir::Rule unfolded = Lowered(MatchRule("action == \"snapshot.create\""));
  unfolded.excepts.push_back(ir::MakeBool(true));
  CHECK(verify(std::move(unfolded)) == "rule `r`: except clauses not folded");

  ir::Rule not_bool = Lowered(MatchRule("action == \"snapshot.create\""));
  not_bool.pred = ir::MakeString("x");
  CHECK(verify(std::move(not_bool)) == "rule `r` predicate: predicate is not boolean at `\"x\"`");

  ir::Rule later =
      Lowered(RuleText("sequence within 1h\n a: where action == \"snapshot.create\"\n"
                       " b: where resource.uid == a.resource.uid"));
  later.stages[1].pred->kids[1]->stage = 1;
  CHECK(verify(std::move(later)) ==
        "rule `r` stage `b`: reference to the same or a later stage at `@1.resource.uid:string`");

  ir::Rule unsorted = Lowered(MatchRule("resource.uid in [\"a\", \"b\"]"));
  std::swap(unsorted.pred->set[0], unsorted.pred->set[1]);
  CHECK(verify(std::move(unsorted)).find("set not sorted and unique") != std::string::npos);

  ir::Rule var = Lowered(MatchRule("any x in raw.a: x == 1"));
  var.pred->var = 7;  // the body still names %0
  CHECK(verify(std::move(var)).find("quantifier variable out of scope") != std::string::npos);

  ir::Rule err = Lowered(MatchRule("action == \"snapshot.create\""));
  err.pred->kids[0]->type = ir::Type::kError;
  CHECK(verify(std::move(err)).find("error node left in the IR") != std::string::npos);
}

TEST_CASE("state estimate per rule kind") {
  CHECK(ir::StateEstimate(Lowered(MatchRule("action == \"snapshot.create\""))) == "none");
  CHECK(ir::StateEstimate(Lowered(RuleText("match where action == \"snapshot.create\"\n"
                                           " count by actor.user.uid within 10m >= 5"))) ==
        "<= 5 timestamps/key x 8 B, max keys 100000");
  CHECK(ir::StateEstimate(Lowered(RuleText("match where action == \"snapshot.create\"\n"
                                           " distinct resource.uid within 10m >= 3"))) ==
        "<= 3 values/key x 40 B, max keys 100000");
  CHECK(ir::StateEstimate(Lowered(RuleText("match where action == \"snapshot.create\"\n"
                                           " new actor.user.uid, cloud.region within 30d learn 7d\n"
                                           " suppress by actor.user.uid for 1h"))) ==
        "<= 1 first-seen/key x 72 B, max keys 100000; suppress <= 1 timestamp/key x 8 B, "
        "max keys 100000");
  // Four stages: three partials. Stage a captures uid, time, resource.uid;
  // b and c the fixed two: 16 + 32 * (3 + 2 + 2).
  CHECK(ir::StateEstimate(Lowered(RuleText(
            "sequence within 1h\n a: where action == \"snapshot.create\"\n"
            " b: where resource.uid == a.resource.uid\n c: where action == \"volume.create\"\n"
            " d: where action == \"instance.delete\""))) ==
        "<= 3 partials/key x 240 B, max keys 100000");
}

TEST_CASE("durations print in their largest units") {
  CHECK(ir::FormatDuration(0) == "0s");
  CHECK(ir::FormatDuration(90LL * 60 * 1000000000) == "1h30m");
  CHECK(ir::FormatDuration(500LL * 1000000) == "500ms");
  CHECK(ir::FormatDuration(86400LL * 1000000000 + 1) == "1d1ns");
  CHECK(ir::FormatDuration(-60LL * 1000000000) == "-1m");
}
