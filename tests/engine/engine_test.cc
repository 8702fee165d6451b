// Engine-level behaviour: the exact alert JSON and stable ids, routing,
// bad and late events, the bounded reorder buffer, and the ordering property
// (any arrival order within the lateness gives the sorted order's alerts).
#include <xxhash.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "tests/engine/engine_test_util.h"

namespace rdl::etest {
namespace {

TEST_CASE("alert JSON: exact fields, order, escaping and a stable id") {
  ProgramBuilder b;
  Rule& r = b.AddRule("snap_public", RuleKind::kMatch);
  r.title = "Snapshot made \"public\"";
  r.severity = Severity::kHigh;
  r.attack = {"T1578.001"};
  r.data = {"DS0020 Snapshot Modification"};
  r.pred = b.ActionIs("snapshot.modify");
  r.by_slots = {kActor};
  r.key_names = {"actor.user.uid"};
  TemplatePart t1{TemplatePart::Kind::kText, "snapshot ", 0, 0};
  TemplatePart f1{TemplatePart::Kind::kField, "", 0, kRes};
  TemplatePart t2{TemplatePart::Kind::kText, " by\t", 0, 0};
  TemplatePart f2{TemplatePart::Kind::kField, "", 0, kActor};
  TemplatePart t3{TemplatePart::Kind::kText, " at ", 0, 0};
  TemplatePart f3{TemplatePart::Kind::kField, "", 0, kTime};
  r.message = {t1, f1, t2, f2, t3, f3};
  auto pack = b.Load();
  const std::string ev = Ev(0, "e1", "snapshot.modify", Res("snap-1") + "," + Actor("alice"));
  auto first = Run(*pack, {ev});
  auto second = Run(*pack, {ev});
  REQUIRE(first.alerts.size() == 1);
  const std::string basis =
      std::string("snap_public") + '\0' + "{\"actor.user.uid\":\"alice\"}" + '\0' + "e1";
  char id[17];
  std::snprintf(id, sizeof id, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(basis.data(), basis.size())));
  const std::string expected =
      std::string("{\"id\":\"") + id +
      "\",\"rule\":\"snap_public\",\"title\":\"Snapshot made \\\"public\\\"\","
      "\"severity\":\"high\",\"attack\":[\"T1578.001\"],"
      "\"data\":[\"DS0020 Snapshot Modification\"],\"time\":\"2026-01-05T10:00:00Z\","
      "\"end_time\":\"2026-01-05T10:00:00Z\",\"key\":{\"actor.user.uid\":\"alice\"},"
      "\"events\":[\"e1\"],\"message\":\"snapshot snap-1 by\\talice at 2026-01-05T10:00:00Z\"}";
  CHECK(first.alerts[0].json == expected);
  CHECK(first.alerts[0].id == id);
  CHECK(first.alerts[0].rule == "snap_public");
  CHECK(first.alerts[0].time_ns == kBase);
  CHECK(second.alerts[0].json == first.alerts[0].json);
}

TEST_CASE("alert JSON: default title and message, empty key") {
  ProgramBuilder b;
  Rule& r = b.AddRule("plain", RuleKind::kMatch);
  r.pred = b.ActionIs("a");
  auto pack = b.Load();
  auto res = Run(*pack, {Ev(0, "e1", "a")});
  REQUIRE(res.alerts.size() == 1);
  const std::string& j = res.alerts[0].json;
  CHECK(j.find("\"title\":\"plain\",\"severity\":\"medium\",\"attack\":[],\"data\":[]") !=
        std::string::npos);
  CHECK(j.find("\"key\":{},\"events\":[\"e1\"],\"message\":\"plain\"}") != std::string::npos);
}

TEST_CASE("routing: rules with route hints only see events of their actions/operations") {
  ProgramBuilder b;
  Rule& r1 = b.AddRule("by_action", RuleKind::kMatch);
  r1.pred = b.All({});  // true: only routing keeps other events away
  r1.route_actions = {"a"};
  Rule& r2 = b.AddRule("by_op", RuleKind::kMatch);
  r2.pred = b.All({});
  r2.route_operations = {"Op1"};
  Rule& r3 = b.AddRule("everything", RuleKind::kMatch);
  r3.pred = b.ActionIs("b");
  auto pack = b.Load();
  auto res = Run(*pack, {Ev(0, "e1", "a"), Ev(1, "e2", "b", "\"api\":{\"operation\":\"Op1\"}"),
                         Ev(2, "e3", "c"), Ev(3, "e4", "a", "\"api\":{\"operation\":\"Op1\"}")});
  CHECK(res.summary == Strings{"by_action [e1] +0s..+0s", "by_op [e2] +1s..+1s",
                               "everything [e2] +1s..+1s", "by_action [e4] +3s..+3s",
                               "by_op [e4] +3s..+3s"});
}

TEST_CASE("routing: a hint whose field is not in the pack routes nothing away") {
  ProgramBuilder b;
  b.program().fields[kAction].segments = {"verb"};  // no `action` slot
  Rule& r = b.AddRule("by_action", RuleKind::kMatch);
  r.pred = b.All({});
  r.route_actions = {"a"};
  auto pack = b.Load();
  auto res = Run(*pack, {Ev(0, "e1", "a"), Ev(1, "e2", "b")});
  CHECK(res.summary == Strings{"by_action [e1] +0s..+0s", "by_action [e2] +1s..+1s"});
}

TEST_CASE("bad events are rejected, counted and do not disturb the stream") {
  ProgramBuilder b;
  Rule& r = b.AddRule("m", RuleKind::kMatch);
  r.pred = b.ActionIs("a");
  auto pack = b.Load();
  std::vector<Alert> alerts;
  Engine engine(*pack, {}, [&](const Alert& a) { alerts.push_back(a); });
  std::string err;
  CHECK_FALSE(engine.Push("{not json", &err));
  CHECK_FALSE(err.empty());
  err.clear();
  CHECK_FALSE(engine.Push("{\"metadata\":{\"uid\":\"x\"},\"action\":\"a\"}", &err));
  CHECK_FALSE(err.empty());
  CHECK_FALSE(engine.Push("{\"time\":\"yesterday\",\"action\":\"a\"}", nullptr));
  CHECK(engine.Push(Ev(0, "e1", "a"), &err));
  engine.Finish();
  CHECK(engine.counters().bad_events == 3);
  CHECK(engine.counters().events == 1);
  CHECK(alerts.size() == 1);
}

TEST_CASE("late events: counted, reported on the side channel, not evaluated") {
  ProgramBuilder b;
  Rule& r = b.AddRule("m", RuleKind::kMatch);
  r.pred = b.ActionIs("a");
  auto pack = b.Load();
  EngineOptions o = Lateness(kMin);
  std::vector<std::string> late;
  o.on_late = [&](const LateEvent& e) {
    late.push_back(std::string(e.uid) + "@" + std::to_string((e.time_ns - kBase) / kSec) + "<" +
                   std::to_string((e.watermark_ns - kBase) / kSec));
  };
  auto res =
      Run(*pack,
          {Ev(0, "e1", "a"), Ev(120, "e2", "a"), Ev(60, "e3", "a"),  // at the watermark: not late
           Ev(59, "e4", "a"),                                        // behind it: late
           Ev(100, "e5", "a")},  // within lateness: reordered before e2
          o);
  CHECK(res.summary == Strings{"m [e1] +0s..+0s", "m [e3] +60s..+60s", "m [e5] +100s..+100s",
                               "m [e2] +120s..+120s"});
  CHECK(res.counters.late_events == 1);
  CHECK(res.counters.events == 5);
  CHECK(late == Strings{"e4@59<60"});
}

TEST_CASE("reorder buffer: ties are broken by uid, then content") {
  ProgramBuilder b;
  Rule& r = b.AddRule("m", RuleKind::kMatch);
  r.pred = b.ActionIs("a");
  auto pack = b.Load();
  auto res = Run(*pack, {Ev(5, "u3", "a"), Ev(5, "u1", "a"), Ev(5, "u2", "a"), Ev(0, "u9", "a")},
                 Lateness(kMin));
  CHECK(res.summary ==
        Strings{"m [u9] +0s..+0s", "m [u1] +5s..+5s", "m [u2] +5s..+5s", "m [u3] +5s..+5s"});
}

TEST_CASE("reorder buffer: bounded; overflow forces the watermark forward (counted)") {
  ProgramBuilder b;
  Rule& r = b.AddRule("m", RuleKind::kMatch);
  r.pred = b.ActionIs("a");
  auto pack = b.Load();
  EngineOptions o = Lateness(60 * kMin);
  o.max_buffered_events = 2;
  auto res = Run(*pack,
                 {Ev(0, "e1", "a"), Ev(1, "e2", "a"), Ev(2, "e3", "a"), Ev(3, "e4", "a"),
                  Ev(0, "e5", "a")},  // behind the forced watermark: late
                 o);
  CHECK(res.summary ==
        Strings{"m [e1] +0s..+0s", "m [e2] +1s..+1s", "m [e3] +2s..+2s", "m [e4] +3s..+3s"});
  CHECK(res.counters.forced_releases == 2);
  CHECK(res.counters.late_events == 1);
}

TEST_CASE("finish: pushes after Finish continue the stream; older events are late") {
  ProgramBuilder b;
  Rule& r = b.AddRule("m", RuleKind::kMatch);
  r.pred = b.ActionIs("a");
  auto pack = b.Load();
  std::vector<Alert> alerts;
  Engine engine(*pack, Lateness(kMin), [&](const Alert& a) { alerts.push_back(a); });
  std::string err;
  engine.Push(Ev(10, "e1", "a"), &err);
  CHECK(alerts.empty());  // buffered within the lateness
  engine.Finish();
  CHECK(alerts.size() == 1);
  engine.Finish();  // idempotent
  engine.Push(Ev(10, "e2", "a"), &err);
  engine.Push(Ev(11, "e3", "a"), &err);
  engine.Finish();
  CHECK(alerts.size() == 2);
  CHECK(engine.counters().late_events == 1);
}

// ---------------------------------------------------------------------------
// Property: arrival order within the lateness does not change the alerts.

Program MixedProgram() {
  ProgramBuilder b;
  {
    Rule& r = b.AddRule("m_delete", RuleKind::kMatch);
    r.pred = b.ActionIs("instance.delete");
    r.route_actions = {"instance.delete"};
    r.suppress_slots = {kActor};
    r.suppress_ns = 3 * kMin;
  }
  {
    Rule& r = b.AddRule("c_snap", RuleKind::kCount);
    r.pred = b.ActionIs("snapshot.create");
    r.by_slots = {kActor};
    r.threshold = 3;
    r.within_ns = 5 * kMin;
    r.max_keys = 2;
  }
  {
    Rule& r = b.AddRule("d_region", RuleKind::kDistinct);
    r.pred = b.ActionIs("quota.increase");
    r.by_slots = {kActor};
    r.value_slots = {kRegion};
    r.threshold = 2;
    r.within_ns = 10 * kMin;
  }
  {
    Rule& r = b.AddRule("n_actor", RuleKind::kNew);
    r.pred = b.ActionIs("instance.create");
    r.by_slots = {kRes};
    r.value_slots = {kActor};
    r.learn_ns = 10 * kMin;
    r.within_ns = 30 * kMin;
  }
  {
    Rule& r = b.AddRule("s_abc", RuleKind::kSequence);
    r.within_ns = 5 * kMin;
    r.stages.push_back(
        ProgramBuilder::MakeStage("a", b.ActionIs("snapshot.create"), {kRes}, {kActor}));
    r.stages.push_back(ProgramBuilder::MakeStage(
        "b", b.All({Eq(F(kAction), S("volume.create")), Eq(F(kActor), Ref(0, 2))}), {kRes}));
    r.stages.push_back(ProgramBuilder::MakeStage("c", b.ActionIs("instance.delete"), {kRes}));
    r.has_until = true;
    r.until_pred = b.ActionIs("snapshot.delete");
    r.until_key_slots = {kRes};
    r.max_keys = 3;
  }
  {
    Rule& r = b.AddRule("s_absent", RuleKind::kSequence);
    r.within_ns = 4 * kMin;
    r.stages.push_back(ProgramBuilder::MakeStage("start", b.ActionIs("instance.start"), {kRes}));
    r.stages.push_back(
        ProgramBuilder::MakeStage("stop", b.ActionIs("instance.stop"), {kRes}, {}, true));
  }
  {
    Rule& r = b.AddRule("s_lists", RuleKind::kSequence);
    r.within_ns = 6 * kMin;
    r.stages.push_back(
        ProgramBuilder::MakeStage("start", b.ActionIs("instance.start"), {kResUids}));
    r.stages.push_back(ProgramBuilder::MakeStage("mod", b.ActionIs("instance.modify"), {kResUids}));
    r.stages.push_back(
        ProgramBuilder::MakeStage("gone", b.ActionIs("instance.delete"), {kResUids}, {}, true));
  }
  return b.program();
}

struct Gen {
  int64_t time_ns;
  std::string uid;
  std::string json;
};

std::vector<Gen> RandomEvents(uint32_t seed, int n) {
  std::mt19937 rng(seed);
  const char* actions[] = {"instance.delete", "snapshot.create", "quota.increase",
                           "instance.create", "volume.create",   "snapshot.delete",
                           "instance.start",  "instance.stop",   "instance.modify"};
  std::vector<Gen> out;
  int64_t t = 0;
  for (int i = 0; i < n; ++i) {
    t += static_cast<int64_t>(rng() % 40) * kSec / 2;  // ties happen (step 0)
    std::string res = "i-" + std::to_string(rng() % 4);
    std::string extra = Res(res) + "," + Actor(std::string(1, static_cast<char>('a' + rng() % 3))) +
                        ",\"cloud\":{\"region\":\"r" + std::to_string(rng() % 3) + "\"}" +
                        ",\"resources\":[{\"uid\":\"" + res + "\"},{\"uid\":\"i-" +
                        std::to_string(rng() % 4) + "\"}]";
    char uid[16];
    std::snprintf(uid, sizeof uid, "u%04d", static_cast<int>(rng() % 10000));
    out.push_back(Gen{t, uid, EvNs(t, uid, actions[rng() % 9], extra)});
  }
  return out;
}

TEST_CASE("property: shuffled arrival within the lateness gives the sorted order's alerts") {
  ProgramBuilder b;
  b.program() = MixedProgram();
  auto pack = b.Load();
  const int64_t lateness = 5 * kMin;
  std::vector<uint64_t> per_rule(b.program().rules.size(), 0);
  for (uint32_t seed : {1u, 2u, 3u, 4u, 5u, 6u}) {
    CAPTURE(seed);
    auto events = RandomEvents(seed, 600);
    auto sorted = events;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Gen& a, const Gen& b) {
      if (a.time_ns != b.time_ns) return a.time_ns < b.time_ns;
      if (a.uid != b.uid) return a.uid < b.uid;
      return a.json < b.json;
    });
    Strings sorted_lines;
    for (auto& g : sorted) sorted_lines.push_back(g.json);
    auto reference = Run(*pack, sorted_lines, Lateness(0));
    for (size_t r = 0; r < per_rule.size(); ++r) per_rule[r] += reference.counters.rules[r].alerts;
    // Each event is delayed by less than the lateness.
    std::mt19937 rng(seed * 7919);
    std::vector<std::pair<int64_t, size_t>> arrival;
    for (size_t i = 0; i < events.size(); ++i) {
      arrival.emplace_back(
          events[i].time_ns + static_cast<int64_t>(rng() % (lateness / kSec)) * kSec, i);
    }
    std::shuffle(arrival.begin(), arrival.end(), rng);
    std::stable_sort(arrival.begin(), arrival.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    Strings shuffled;
    for (auto& [at, i] : arrival) shuffled.push_back(events[i].json);
    auto got = Run(*pack, shuffled, Lateness(lateness));
    CHECK(got.counters.late_events == 0);
    REQUIRE(got.alerts.size() == reference.alerts.size());
    for (size_t i = 0; i < got.alerts.size(); ++i) {
      CHECK(got.alerts[i].json == reference.alerts[i].json);
    }
    for (size_t r = 0; r < reference.counters.rules.size(); ++r) {
      CHECK(got.counters.rules[r].alerts == reference.counters.rules[r].alerts);
      CHECK(got.counters.rules[r].evictions == reference.counters.rules[r].evictions);
      CHECK(got.counters.rules[r].suppressed == reference.counters.rules[r].suppressed);
    }
    // The sorted input under the same lateness agrees too.
    auto sorted_late = Run(*pack, sorted_lines, Lateness(lateness));
    REQUIRE(sorted_late.alerts.size() == reference.alerts.size());
    for (size_t i = 0; i < got.alerts.size(); ++i) {
      CHECK(sorted_late.alerts[i].json == reference.alerts[i].json);
    }
  }
  // Every rule fires on this input (the property is not vacuous).
  for (size_t r = 0; r < per_rule.size(); ++r) {
    CAPTURE(b.program().rules[r].name);
    CHECK(per_rule[r] >= 3);
  }
}

}  // namespace
}  // namespace rdl::etest
