// Bounded state (docs/semantics.md section 9): over a stream of distinct
// principals, every store of every state kind (sequence partials, count and
// distinct window keys, `new` baseline combinations, suppression keys) stays
// at its cap after every event, and every entry dropped at the cap is
// counted in `evictions`. No timing: memory per entry is measured by
// bench/state_bench.cc (docs/performance.md, "State and memory").
#include <string>

#include "tests/engine/engine_test_util.h"

namespace rdl::etest {
namespace {

constexpr uint32_t kCap = 16;
constexpr int kPrincipals = 300;

std::string Who(int i) { return "arn:aws:iam::123456789012:user/principal-" + std::to_string(i); }

// Every rule reads the same events (action "a", one principal each) and keys
// on actor.user.uid; nothing expires within the stream (1h windows, 300 s).
Program StateProgram(uint32_t seq_max_keys) {
  ProgramBuilder b;
  {
    Rule& r = b.AddRule("seq", RuleKind::kSequence);
    r.within_ns = 60 * kMin;
    r.max_keys = seq_max_keys;
    r.stages.push_back(ProgramBuilder::MakeStage("a", b.ActionIs("a"), {kActor}, {kRes}));
    r.stages.push_back(ProgramBuilder::MakeStage(
        "b", b.All({Eq(F(kAction), S("b")), Eq(F(kRes), Ref(0, 2))}), {kActor}, {kRes}));
    r.stages.push_back(ProgramBuilder::MakeStage(
        "c", b.All({Eq(F(kAction), S("c")), Eq(F(kRes), Ref(0, 2))}), {kActor}));
  }
  {
    Rule& r = b.AddRule("count", RuleKind::kCount);
    r.pred = b.ActionIs("a");
    r.by_slots = {kActor};
    r.threshold = 3;
    r.within_ns = 60 * kMin;
  }
  {
    Rule& r = b.AddRule("distinct", RuleKind::kDistinct);
    r.pred = b.ActionIs("a");
    r.by_slots = {kActor};
    r.value_slots = {kRes};
    r.threshold = 3;
    r.within_ns = 60 * kMin;
  }
  {
    Rule& r = b.AddRule("new", RuleKind::kNew);
    r.pred = b.ActionIs("a");
    r.by_slots = {kRegion};
    r.value_slots = {kActor};
    r.within_ns = 60 * kMin;
    r.learn_ns = 0;
  }
  {
    Rule& r = b.AddRule("suppress", RuleKind::kMatch);
    r.pred = b.ActionIs("a");
    r.suppress_slots = {kActor};
    r.suppress_ns = 60 * kMin;
  }
  return b.program();
}

// Principal i's first-stage event at time t (default: i seconds).
std::string Start(int i, int t = -1) {
  return Ev(t < 0 ? i : t, "a-" + std::to_string(i) + "-" + std::to_string(t), "a",
            Actor(Who(i)) + "," + Res("i-" + std::to_string(i)) + ",\"cloud\":{\"region\":\"r1\"}");
}

TEST_CASE("bounded state: every store of every kind stays at its cap, evictions counted") {
  for (uint32_t seq_cap : {0u, 8u}) {  // 0: the engine default applies to the sequence too
    CAPTURE(seq_cap);
    ProgramBuilder b;
    b.program() = StateProgram(seq_cap);
    auto pack = b.Load();
    EngineOptions o;
    o.lateness_ns = 0;
    o.default_max_keys = kCap;
    std::vector<Alert> alerts;
    Engine engine(*pack, o, [&](const Alert& a) { alerts.push_back(a); });
    const uint64_t seq_limit = seq_cap != 0 ? seq_cap : kCap;
    std::string err;
    for (int i = 0; i < kPrincipals; ++i) {
      REQUIRE(engine.Push(Start(i), &err));
      const auto sizes = engine.StateSizes();
      REQUIRE(sizes.size() == 5);
      const uint64_t seen = static_cast<uint64_t>(i) + 1;
      CHECK(sizes[0].keys == std::min<uint64_t>(seen, seq_limit));
      for (size_t r = 1; r <= 3; ++r) CHECK(sizes[r].keys == std::min<uint64_t>(seen, kCap));
      CHECK(sizes[4].keys == 0);
      CHECK(sizes[4].suppress_keys == std::min<uint64_t>(seen, kCap));
      for (size_t r = 0; r < 4; ++r) CHECK(sizes[r].suppress_keys == 0);
      CHECK(engine.ListPartials().size() == sizes[0].keys);
      const auto& c = engine.counters();
      CHECK(c.rules[0].evictions == seen - std::min<uint64_t>(seen, seq_limit));
      for (size_t r = 1; r < 5; ++r)
        CHECK(c.rules[r].evictions == seen - std::min<uint64_t>(seen, kCap));
    }
    // `new` (learn 0) and the match rule alert for each principal: every
    // alert of the match rule has a fresh suppression key.
    const auto& c = engine.counters();
    CHECK(c.rules[3].alerts == kPrincipals);
    CHECK(c.rules[4].alerts == kPrincipals);
    CHECK(c.rules[4].suppressed == 0);

    // The newest partials survive with their captures; an evicted one is gone.
    const int last = kPrincipals - 1, evicted = 0;
    const int t = kPrincipals + 10;
    for (int who : {last, evicted}) {
      const std::string w = std::to_string(who);
      REQUIRE(engine.Push(Ev(t, "b-" + w, "b", Actor(Who(who)) + "," + Res("i-" + w)), &err));
      REQUIRE(engine.Push(Ev(t + 1, "c-" + w, "c", Actor(Who(who)) + "," + Res("i-" + w)), &err));
    }
    engine.Finish();
    std::vector<std::string> seq;
    for (const Alert& a : alerts) {
      if (a.rule == "seq") seq.push_back(Summarize(a));
    }
    CHECK(seq == Strings{"seq [a-299--1,b-299,c-299] +299s..+311s"});
  }
}

TEST_CASE("bounded state: an evicted suppression key no longer suppresses") {
  ProgramBuilder b;
  b.program() = StateProgram(0);
  auto pack = b.Load();
  EngineOptions o;
  o.lateness_ns = 0;
  o.default_max_keys = 2;
  std::vector<Alert> alerts;
  Engine engine(*pack, o, [&](const Alert& a) { alerts.push_back(a); });
  std::string err;
  // 0, 1, 0 (suppressed: not a touch), 2 (evicts 0, the least recently
  // touched), 0 (alerts again: its key was evicted; evicts 1).
  int t = 0;
  for (int i : {0, 1, 0, 2, 0}) REQUIRE(engine.Push(Start(i, t++), &err));
  const auto& c = engine.counters();
  CHECK(c.rules[4].alerts == 4);
  CHECK(c.rules[4].suppressed == 1);
  CHECK(c.rules[4].evictions == 2);
  CHECK(engine.StateSizes()[4].suppress_keys == 2);
}

}  // namespace
}  // namespace rdl::etest
