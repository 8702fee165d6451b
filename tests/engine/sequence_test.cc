// Sequence semantics on hand-built programs: completion, replacement of an
// older partial, the `within` boundary, until, per-stage joins, list joins,
// stage references, absence stages and the bounded partial store.
#include "tests/engine/engine_test_util.h"

namespace rdl::etest {
namespace {

// sequence by resource.uid within `within`: a, b, c (actions).
Program AbcProgram(int64_t within, bool until = false) {
  ProgramBuilder b;
  Rule& r = b.AddRule("abc", RuleKind::kSequence);
  r.within_ns = within;
  r.stages.push_back(ProgramBuilder::MakeStage("a", b.ActionIs("a"), {kRes}));
  r.stages.push_back(ProgramBuilder::MakeStage("b", b.ActionIs("b"), {kRes}));
  r.stages.push_back(ProgramBuilder::MakeStage("c", b.ActionIs("c"), {kRes}));
  r.key_names = {"resource.uid"};
  if (until) {
    r.has_until = true;
    r.until_pred = b.ActionIs("stop");
    r.until_key_slots = {kRes};
  }
  return b.program();
}

TEST_CASE("sequence: stages in order complete one alert citing every event") {
  ProgramBuilder b;
  b.program() = AbcProgram(10 * kMin);
  auto pack = b.Load();
  auto r = Run(*pack, {Ev(0, "e1", "a", Res("i-1")), Ev(10, "e2", "b", Res("i-1")),
                       Ev(20, "x1", "b", Res("i-2")), Ev(30, "e3", "c", Res("i-1"))});
  CHECK(r.summary == Strings{"abc [e1,e2,e3] +0s..+30s"});
  // Out of order stages do not match; the key must agree.
  r = Run(*pack, {Ev(0, "e1", "a", Res("i-1")), Ev(10, "e3", "c", Res("i-1")),
                  Ev(20, "e2", "b", Res("i-1")), Ev(30, "e4", "c", Res("i-2"))});
  CHECK(r.summary.empty());
}

TEST_CASE("sequence: a completed partial is gone; a second last-stage event does nothing") {
  ProgramBuilder b;
  b.program() = AbcProgram(10 * kMin);
  auto pack = b.Load();
  auto r = Run(*pack, {Ev(0, "e1", "a", Res("i-1")), Ev(1, "e2", "b", Res("i-1")),
                       Ev(2, "e3", "c", Res("i-1")), Ev(3, "e4", "c", Res("i-1"))});
  CHECK(r.summary == Strings{"abc [e1,e2,e3] +0s..+2s"});
}

TEST_CASE("sequence: a newer first-stage event replaces the older partial of its key") {
  ProgramBuilder b;
  b.program() = AbcProgram(10 * kMin);
  auto pack = b.Load();
  auto r = Run(*pack, {Ev(0, "old", "a", Res("i-1")), Ev(5, "new", "a", Res("i-1")),
                       Ev(10, "e2", "b", Res("i-1")), Ev(20, "e3", "c", Res("i-1"))});
  CHECK(r.summary == Strings{"abc [new,e2,e3] +5s..+20s"});
  // Only the partial waiting for the second stage is replaced: one already
  // further along survives a new first-stage event.
  r = Run(*pack, {Ev(0, "a1", "a", Res("i-1")), Ev(1, "b1", "b", Res("i-1")),
                  Ev(2, "a2", "a", Res("i-1")), Ev(3, "c1", "c", Res("i-1")),
                  Ev(4, "b2", "b", Res("i-1")), Ev(5, "c2", "c", Res("i-1"))});
  CHECK(r.summary == Strings{"abc [a1,b1,c1] +0s..+3s", "abc [a2,b2,c2] +2s..+5s"});
}

TEST_CASE("sequence: one event never fills two consecutive stages") {
  // Every stage accepts every event: the stages are tried last to first.
  ProgramBuilder b;
  Rule& r = b.AddRule("any3", RuleKind::kSequence);
  r.within_ns = kMin;
  for (const char* l : {"x", "y", "z"}) {
    r.stages.push_back(ProgramBuilder::MakeStage(l, b.All({}), {kRes}));
  }
  auto pack = b.Load();
  auto res = Run(*pack, {Ev(0, "e1", "q", Res("i")), Ev(1, "e2", "q", Res("i")),
                         Ev(2, "e3", "q", Res("i")), Ev(3, "e4", "q", Res("i"))});
  CHECK(res.summary == Strings{"any3 [e1,e2,e3] +0s..+2s", "any3 [e2,e3,e4] +1s..+3s"});
}

TEST_CASE("sequence: within is inclusive to the nanosecond, measured from the first event") {
  ProgramBuilder b;
  b.program() = AbcProgram(10 * kMin);
  auto pack = b.Load();
  const int64_t w = 10 * kMin;
  auto at = Run(*pack, {EvNs(0, "e1", "a", Res("i")), EvNs(kSec, "e2", "b", Res("i")),
                        EvNs(w, "e3", "c", Res("i"))});
  CHECK(at.summary == Strings{"abc [e1,e2,e3] +0s..+600s"});
  auto past = Run(*pack, {EvNs(0, "e1", "a", Res("i")), EvNs(kSec, "e2", "b", Res("i")),
                          EvNs(w + 1, "e3", "c", Res("i"))});
  CHECK(past.summary.empty());
  // Same with a lateness: the decision does not depend on arrival.
  auto late = Run(*pack,
                  {EvNs(0, "e1", "a", Res("i")), EvNs(w + 1, "e3", "c", Res("i")),
                   EvNs(kSec, "e2", "b", Res("i"))},
                  Lateness(15 * kMin));
  CHECK(late.summary.empty());
}

TEST_CASE("sequence: until cancels a pending key, and has no effect after completion") {
  ProgramBuilder b;
  b.program() = AbcProgram(10 * kMin, /*until=*/true);
  auto pack = b.Load();
  auto cancelled = Run(*pack, {Ev(0, "e1", "a", Res("i-1")), Ev(1, "e2", "b", Res("i-1")),
                               Ev(2, "s1", "stop", Res("i-1")), Ev(3, "e3", "c", Res("i-1"))});
  CHECK(cancelled.summary.empty());
  // until on another key does not matter.
  auto other = Run(*pack, {Ev(0, "e1", "a", Res("i-1")), Ev(1, "e2", "b", Res("i-1")),
                           Ev(2, "s1", "stop", Res("i-2")), Ev(3, "e3", "c", Res("i-1"))});
  CHECK(other.summary == Strings{"abc [e1,e2,e3] +0s..+3s"});
  auto after = Run(*pack, {Ev(0, "e1", "a", Res("i-1")), Ev(1, "e2", "b", Res("i-1")),
                           Ev(2, "e3", "c", Res("i-1")), Ev(3, "s1", "stop", Res("i-1"))});
  CHECK(after.summary == Strings{"abc [e1,e2,e3] +0s..+2s"});
  // A sequence may start again after an until.
  auto again = Run(*pack, {Ev(0, "e1", "a", Res("i-1")), Ev(1, "s1", "stop", Res("i-1")),
                           Ev(2, "f1", "a", Res("i-1")), Ev(3, "f2", "b", Res("i-1")),
                           Ev(4, "f3", "c", Res("i-1"))});
  CHECK(again.summary == Strings{"abc [f1,f2,f3] +2s..+4s"});
}

TEST_CASE("sequence: per-stage join fields and references to earlier stages") {
  // snap: snapshot.create by resource.uid; vol: volume.create joined on
  // related.snapshot.uid, and the actor must equal snap's actor (LoadRef).
  ProgramBuilder b;
  Rule& r = b.AddRule("snap_vol", RuleKind::kSequence);
  r.within_ns = kMin;
  r.stages.push_back(
      ProgramBuilder::MakeStage("snap", b.ActionIs("snapshot.create"), {kRes}, {kActor}));
  r.stages.push_back(ProgramBuilder::MakeStage(
      "vol", b.All({Eq(F(kAction), S("volume.create")), Eq(F(kActor), Ref(0, 2))}), {kSnap}));
  auto pack = b.Load();
  const std::string snap = Res("snap-1") + "," + Actor("alice");
  auto ok = Run(*pack, {Ev(0, "s1", "snapshot.create", snap),
                        Ev(1, "v0", "volume.create",
                           "\"related\":{\"snapshot\":{\"uid\":\"snap-2\"}}," + Actor("alice")),
                        Ev(2, "v1", "volume.create",
                           "\"related\":{\"snapshot\":{\"uid\":\"snap-1\"}}," + Actor("bob")),
                        Ev(3, "v2", "volume.create",
                           "\"related\":{\"snapshot\":{\"uid\":\"snap-1\"}}," + Actor("alice"))});
  CHECK(ok.summary == Strings{"snap_vol [s1,v2] +0s..+3s"});
  // The key reported is the first stage's.
  CHECK(ok.alerts[0].json.find("\"key\":{\"resource.uid\":\"snap-1\"}") != std::string::npos);
}

TEST_CASE("sequence: list-valued join keys match when the lists intersect") {
  ProgramBuilder b;
  Rule& r = b.AddRule("lists", RuleKind::kSequence);
  r.within_ns = kMin;
  r.stages.push_back(ProgramBuilder::MakeStage("start", b.ActionIs("instance.start"), {kResUids}));
  r.stages.push_back(ProgramBuilder::MakeStage("del", b.ActionIs("instance.delete"), {kResUids}));
  auto pack = b.Load();
  auto uids = [](const std::string& list) { return "\"resources\":[" + list + "]"; };
  auto res =
      Run(*pack, {Ev(0, "s1", "instance.start", uids("{\"uid\":\"i-1\"},{\"uid\":\"i-2\"}")),
                  Ev(1, "d0", "instance.delete", uids("{\"uid\":\"i-9\"}")),
                  Ev(2, "d1", "instance.delete", uids("{\"uid\":\"i-3\"},{\"uid\":\"i-2\"}"))});
  CHECK(res.summary == Strings{"lists [s1,d1] +0s..+2s"});
  // An empty list disqualifies, like a missing key.
  auto empty = Run(
      *pack, {Ev(0, "s1", "instance.start", uids("")), Ev(1, "d1", "instance.delete", uids(""))});
  CHECK(empty.summary.empty());
  // One event can complete the partials of two different elements.
  auto two =
      Run(*pack, {Ev(0, "s1", "instance.start", uids("{\"uid\":\"i-1\"}")),
                  Ev(1, "s2", "instance.start", uids("{\"uid\":\"i-2\"}")),
                  Ev(2, "d1", "instance.delete", uids("{\"uid\":\"i-1\"},{\"uid\":\"i-2\"}"))});
  CHECK(two.summary == Strings{"lists [s1,d1] +0s..+2s", "lists [s2,d1] +1s..+2s"});
}

TEST_CASE("sequence: a missing join key disqualifies the event") {
  ProgramBuilder b;
  b.program() = AbcProgram(kMin);
  auto pack = b.Load();
  auto r = Run(*pack, {Ev(0, "e1", "a"), Ev(1, "e2", "b"), Ev(2, "e3", "c")});
  CHECK(r.summary.empty());
}

// sequence by resource.uid within 15m: start, !ticket
Program AbsenceProgram() {
  ProgramBuilder b;
  Rule& r = b.AddRule("no_ticket", RuleKind::kSequence);
  r.within_ns = 15 * kMin;
  r.stages.push_back(ProgramBuilder::MakeStage("start", b.ActionIs("instance.start"), {kRes}));
  r.stages.push_back(ProgramBuilder::MakeStage("ticket", b.ActionIs("ticket"), {kRes}, {}, true));
  return b.program();
}

TEST_CASE("sequence absence: fires at the deadline, only once the watermark passes it") {
  ProgramBuilder b;
  b.program() = AbsenceProgram();
  auto pack = b.Load();
  const int64_t d = 15 * 60;  // deadline, seconds
  // An unrelated event past the deadline moves the watermark past it.
  auto fired =
      Run(*pack, {Ev(0, "s1", "instance.start", Res("i-1")), Ev(d + 1, "z", "other", Res("i-9"))});
  CHECK(fired.summary == Strings{"no_ticket [s1] +0s..+900s"});
  // Deadline beyond the last event: nothing at end of input.
  auto pending =
      Run(*pack, {Ev(0, "s1", "instance.start", Res("i-1")), Ev(d - 1, "z", "other", Res("i-9"))});
  CHECK(pending.summary.empty());
  // The last event exactly at the deadline: Finish decides it (no ticket).
  auto at =
      Run(*pack, {Ev(0, "s1", "instance.start", Res("i-1")), Ev(d, "z", "other", Res("i-9"))});
  CHECK(at.summary == Strings{"no_ticket [s1] +0s..+900s"});
  // Not fired before the watermark passes the deadline (no Finish).
  auto early =
      Run(*pack, {Ev(0, "s1", "instance.start", Res("i-1")), Ev(d + 60, "z", "other", Res("i-9"))},
          Lateness(5 * kMin), /*finish=*/false);
  CHECK(early.summary.empty());
  CHECK(early.partials.size() == 1);
}

TEST_CASE("sequence absence: a ticket before the deadline prevents it, even arriving late") {
  ProgramBuilder b;
  b.program() = AbsenceProgram();
  auto pack = b.Load();
  auto in_order =
      Run(*pack, {Ev(0, "s1", "instance.start", Res("i-1")), Ev(900, "t1", "ticket", Res("i-1")),
                  Ev(2000, "z", "other", Res("i-9"))});
  CHECK(in_order.summary.empty());
  // The ticket (at the deadline exactly) arrives after an event 5 minutes
  // past the deadline; lateness 10m keeps the watermark behind it.
  auto late = Run(*pack,
                  {Ev(0, "s1", "instance.start", Res("i-1")), Ev(1200, "z", "other", Res("i-9")),
                   Ev(900, "t1", "ticket", Res("i-1")), Ev(3000, "z2", "other", Res("i-9"))},
                  Lateness(10 * kMin));
  CHECK(late.summary.empty());
  CHECK(late.counters.late_events == 0);
  // A ticket for another resource does not help; one past the deadline neither.
  auto wrong =
      Run(*pack, {Ev(0, "s1", "instance.start", Res("i-1")), Ev(10, "t1", "ticket", Res("i-2")),
                  Ev(901, "t2", "ticket", Res("i-1"))});
  CHECK(wrong.summary == Strings{"no_ticket [s1] +0s..+900s"});
}

TEST_CASE("sequence absence in the middle: the absence event discards the waiting partial") {
  ProgramBuilder b;
  Rule& r = b.AddRule("a_notb_c", RuleKind::kSequence);
  r.within_ns = 10 * kMin;
  r.stages.push_back(ProgramBuilder::MakeStage("a", b.ActionIs("a"), {kRes}));
  r.stages.push_back(ProgramBuilder::MakeStage("b", b.ActionIs("b"), {kRes}, {}, true));
  r.stages.push_back(ProgramBuilder::MakeStage("c", b.ActionIs("c"), {kRes}));
  auto pack = b.Load();
  auto fires = Run(*pack, {Ev(0, "a1", "a", Res("i")), Ev(5, "c1", "c", Res("i"))});
  CHECK(fires.summary == Strings{"a_notb_c [a1,c1] +0s..+5s"});
  auto blocked = Run(
      *pack, {Ev(0, "a1", "a", Res("i")), Ev(2, "b1", "b", Res("i")), Ev(5, "c1", "c", Res("i"))});
  CHECK(blocked.summary.empty());
  // Without c, nothing fires at the deadline (a positive stage is missing).
  auto none = Run(*pack, {Ev(0, "a1", "a", Res("i")), Ev(3600, "z", "z", Res("j"))});
  CHECK(none.summary.empty());
}

TEST_CASE("sequence: partials expire as the watermark passes first + within") {
  ProgramBuilder b;
  b.program() = AbcProgram(10 * kMin);
  auto pack = b.Load();
  EngineOptions o = Lateness(0);
  Engine engine(*pack, o, nullptr);
  std::string err;
  CHECK(engine.Push(Ev(0, "e1", "a", Res("i-1")), &err));
  CHECK(engine.Push(Ev(30, "e2", "b", Res("i-1")), &err));
  auto parts = engine.ListPartials();
  REQUIRE(parts.size() == 1);
  CHECK(parts[0].rule == "abc");
  CHECK(parts[0].key == "{\"resource.uid\":\"i-1\"}");
  CHECK(parts[0].stage == 2);
  CHECK(parts[0].first_ns == kBase);
  CHECK(parts[0].expires_ns == kBase + 10 * kMin);
  CHECK(engine.Push(Ev(600, "z", "z", Res("i-2")), &err));
  CHECK(engine.ListPartials().size() == 1);  // at the deadline: still alive
  CHECK(engine.Push(Ev(601, "z2", "z", Res("i-2")), &err));
  CHECK(engine.ListPartials().empty());
}

TEST_CASE("sequence: the partial cap evicts the least recently touched partial") {
  ProgramBuilder b;
  b.program() = AbcProgram(10 * kMin);
  b.program().rules[0].max_keys = 2;
  auto pack = b.Load();
  auto r = Run(*pack, {Ev(0, "a1", "a", Res("k1")), Ev(1, "a2", "a", Res("k2")),
                       Ev(2, "b1", "b", Res("k1")),  // touches k1
                       Ev(3, "a3", "a", Res("k3")),  // evicts k2
                       Ev(4, "b2", "b", Res("k2")), Ev(5, "c2", "c", Res("k2")),
                       Ev(6, "c1", "c", Res("k1"))});
  CHECK(r.summary == Strings{"abc [a1,b1,c1] +0s..+6s"});
  CHECK(r.counters.rules[0].evictions == 1);
}

}  // namespace
}  // namespace rdl::etest
