// Single-event rule kinds on hand-built programs: match, count and distinct
// windows (fire once, re-arm when the window clears, the window boundary),
// new with learning and forgetting, suppression, and the key cap.
#include "tests/engine/engine_test_util.h"

namespace rdl::etest {
namespace {

Program CountProgram(uint64_t threshold, int64_t within, uint32_t max_keys = 0) {
  ProgramBuilder b;
  Rule& r = b.AddRule("burst", RuleKind::kCount);
  r.pred = b.ActionIs("snapshot.create");
  r.by_slots = {kActor};
  r.key_names = {"actor.user.uid"};
  r.threshold = threshold;
  r.within_ns = within;
  r.max_keys = max_keys;
  return b.program();
}

TEST_CASE("match: every matching event alerts with itself as the only event") {
  ProgramBuilder b;
  Rule& r = b.AddRule("m", RuleKind::kMatch);
  r.pred = b.All({Eq(F(kAction), S("snapshot.create")), NotEq(F(kStatus), S("failure"))});
  auto pack = b.Load();
  auto res = Run(*pack, {Ev(0, "e1", "snapshot.create"), Ev(1, "e2", "volume.create"),
                         Ev(2, "e3", "snapshot.create", "\"status\":\"failure\""),
                         Ev(3, "e4", "snapshot.create", "\"status\":\"success\"")});
  CHECK(res.summary == Strings{"m [e1] +0s..+0s", "m [e4] +3s..+3s"});
  CHECK(res.counters.alerts == 2);
  CHECK(res.counters.rules[0].alerts == 2);
}

TEST_CASE("count: fires once when the threshold is reached, re-arms when the window clears") {
  ProgramBuilder b;
  b.program() = CountProgram(3, 10 * kMin);
  auto pack = b.Load();
  auto snap = [](int64_t t, const std::string& uid, const std::string& who) {
    return Ev(t, uid, "snapshot.create", Actor(who));
  };
  auto res =
      Run(*pack, {snap(0, "e1", "alice"), snap(60, "e2", "alice"), snap(90, "b1", "bob"),
                  snap(120, "e3", "alice"),
                  // Busy window: never empty, so no second alert.
                  snap(400, "e4", "alice"), snap(700, "e5", "alice"), snap(1000, "e6", "alice"),
                  // 1000 + 600 <= 1600: the window has cleared; re-armed.
                  snap(1600, "f1", "alice"), snap(1601, "f2", "alice"), snap(1602, "f3", "alice")});
  CHECK(res.summary == Strings{"burst [e1,e2,e3] +0s..+120s", "burst [f1,f2,f3] +1600s..+1602s"});
  CHECK(res.alerts[0].json.find("\"key\":{\"actor.user.uid\":\"alice\"}") != std::string::npos);
  CHECK(res.alerts[0].json.find("\"message\":\"burst: actor.user.uid=alice (count 3)\"") !=
        std::string::npos);
}

TEST_CASE("count: the window holds events with time > now - within") {
  ProgramBuilder b;
  b.program() = CountProgram(3, 10 * kMin);
  auto pack = b.Load();
  auto snap = [](int64_t t, const std::string& uid) {
    return Ev(t, uid, "snapshot.create", Actor("alice"));
  };
  // At 600 the event at 0 has left the window (600 - 600 = 0 is not > 0).
  auto res = Run(*pack, {snap(0, "e0"), snap(300, "e1"), snap(600, "e2"), snap(601, "e3")});
  CHECK(res.summary == Strings{"burst [e1,e2,e3] +300s..+601s"});
  auto res2 = Run(*pack, {snap(0, "e0"), snap(300, "e1"), snap(599, "e2")});
  CHECK(res2.summary == Strings{"burst [e0,e1,e2] +0s..+599s"});
}

TEST_CASE("count: a missing by value disqualifies the event") {
  ProgramBuilder b;
  b.program() = CountProgram(2, 10 * kMin);
  auto pack = b.Load();
  auto res = Run(*pack, {Ev(0, "e1", "snapshot.create"), Ev(1, "e2", "snapshot.create")});
  CHECK(res.summary.empty());
}

TEST_CASE("count: reaching the key cap evicts the least recently touched key") {
  ProgramBuilder b;
  b.program() = CountProgram(2, 10 * kMin, /*max_keys=*/2);
  auto pack = b.Load();
  auto snap = [](int64_t t, const std::string& uid, const std::string& who) {
    return Ev(t, uid, "snapshot.create", Actor(who));
  };
  auto res = Run(*pack, {snap(0, "a1", "a"), snap(1, "b1", "b"), snap(2, "c1", "c"),  // evicts a
                         snap(3, "a2", "a"),                                          // evicts b
                         snap(4, "c2", "c")});
  CHECK(res.summary == Strings{"burst [c1,c2] +2s..+4s"});
  CHECK(res.counters.rules[0].evictions == 2);
}

TEST_CASE("distinct: counts distinct values per key within the window") {
  ProgramBuilder b;
  Rule& r = b.AddRule("regions", RuleKind::kDistinct);
  r.pred = b.ActionIs("quota.increase");
  r.by_slots = {kActor};
  r.key_names = {"actor.user.uid"};
  r.value_slots = {kRegion};
  r.threshold = 3;
  r.within_ns = 60 * kMin;
  auto pack = b.Load();
  auto q = [](int64_t t, const std::string& uid, const std::string& region) {
    return Ev(t, uid, "quota.increase",
              Actor("alice") + ",\"cloud\":{\"region\":\"" + region + "\"}");
  };
  auto res = Run(*pack, {q(0, "e1", "r1"), q(10, "e2", "r1"), q(20, "e3", "r2"), q(30, "e4", "r3"),
                         q(40, "e5", "r4"),
                         // 40 + 3600 <= 3700: window cleared, re-armed.
                         q(3700, "f1", "r1"), q(3710, "f2", "r2"), q(3720, "f3", "r3")});
  CHECK(res.summary ==
        Strings{"regions [e2,e3,e4] +10s..+30s", "regions [f1,f2,f3] +3700s..+3720s"});
  // Values leave the window individually.
  auto res2 =
      Run(*pack, {q(0, "e1", "r1"), q(3000, "e2", "r2"), q(3600, "e3", "r3"), q(3601, "e4", "r1")});
  CHECK(res2.summary == Strings{"regions [e2,e3,e4] +3000s..+3601s"});
}

TEST_CASE("new: nothing during learning; a new value fires once; forgotten after within") {
  ProgramBuilder b;
  Rule& r = b.AddRule("new_actor", RuleKind::kNew);
  r.pred = b.ActionIs("instance.create");
  r.value_slots = {kActor};
  r.within_ns = 24 * 60 * kMin;
  r.learn_ns = 60 * kMin;
  auto pack = b.Load();
  const int64_t day = 24 * 3600;
  auto c = [](int64_t t, const std::string& uid, const std::string& who) {
    return Ev(t, uid, "instance.create", Actor(who));
  };
  auto res = Run(*pack, {Ev(0, "x", "other", Actor("zed")),              // not seen by the rule
                         c(100, "l1", "alice"), c(1800, "l2", "bob"),    // learning from t=100
                         c(3699, "l3", "carl"),                          // still learning
                         c(3700, "n1", "dave"),                          // new
                         c(3800, "k1", "alice"), c(3900, "k2", "dave"),  // known
                         c(3900 + day - 1, "k3", "dave"),                // still known
                         c(3900 + 2 * day - 1, "n2", "dave")});  // last seen a day ago: forgotten
  CHECK(res.summary ==
        Strings{"new_actor [n1] +3700s..+3700s", "new_actor [n2] +176699s..+176699s"});
  CHECK(res.alerts[0].json.find("\"message\":\"new_actor: actor.user.uid=dave\"") !=
        std::string::npos);
}

TEST_CASE("suppress: drops alerts of the same suppress key within the span") {
  ProgramBuilder b;
  Rule& r = b.AddRule("m", RuleKind::kMatch);
  r.pred = b.ActionIs("a");
  r.suppress_slots = {kActor};
  r.suppress_ns = 10 * kMin;
  auto pack = b.Load();
  auto res = Run(*pack, {Ev(0, "e1", "a", Actor("alice")), Ev(60, "e2", "a", Actor("alice")),
                         Ev(60, "b1", "a", Actor("bob")), Ev(599, "e3", "a", Actor("alice")),
                         Ev(600, "e4", "a", Actor("alice")), Ev(601, "e5", "a", Actor("alice")),
                         Ev(700, "e6", "a")});  // a missing suppress value is a key too
  CHECK(res.summary == Strings{"m [e1] +0s..+0s", "m [b1] +60s..+60s", "m [e4] +600s..+600s",
                               "m [e6] +700s..+700s"});
  CHECK(res.counters.rules[0].suppressed == 3);
  CHECK(res.counters.rules[0].alerts == 4);
}

TEST_CASE("suppress: applies to sequence alerts too, keyed on the completing event") {
  ProgramBuilder b;
  Rule& r = b.AddRule("seq", RuleKind::kSequence);
  r.within_ns = 10 * kMin;
  r.stages.push_back(ProgramBuilder::MakeStage("a", b.ActionIs("a"), {kRes}));
  r.stages.push_back(ProgramBuilder::MakeStage("b", b.ActionIs("b"), {kRes}));
  r.suppress_slots = {kActor};
  r.suppress_ns = 10 * kMin;
  auto pack = b.Load();
  auto res = Run(*pack, {Ev(0, "a1", "a", Res("i-1")), Ev(1, "a2", "a", Res("i-2")),
                         Ev(2, "b1", "b", Res("i-1") + "," + Actor("alice")),
                         Ev(3, "b2", "b", Res("i-2") + "," + Actor("alice"))});
  CHECK(res.summary == Strings{"seq [a1,b1] +0s..+2s"});
  CHECK(res.counters.rules[0].suppressed == 1);
}

}  // namespace
}  // namespace rdl::etest
