// The semantics of docs/semantics.md, end to end: rules written as source,
// compiled by rdl::Compile, run by the engine over normalized events, with
// the exact alerts asserted. One or more cases per construct.
#include <xxhash.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "tests/e2e/e2e_util.h"

namespace rdl::etest {
namespace {

std::string Snap(int64_t t, const std::string& uid, const std::string& actor,
                 const std::string& res = "snap-1") {
  return Ev(t, uid, "snapshot.create", Actor(actor) + "," + Res(res));
}

TEST_CASE("e2e match and except") {
  auto pack = CompileRules(R"(
rule snap_created {
  title "Snapshot created"
  match where action == "snapshot.create" and status == "success"
  except where actor.user.uid == "backup"
})");
  auto r = Run(*pack, {Ev(0, "e1", "snapshot.create", Actor("alice") + ",\"status\":\"success\""),
                       Ev(1, "e2", "snapshot.create", Actor("backup") + ",\"status\":\"success\""),
                       Ev(2, "e3", "snapshot.create", Actor("bob") + ",\"status\":\"failure\""),
                       Ev(3, "e4", "volume.create", Actor("bob") + ",\"status\":\"success\"")});
  CHECK(r.summary == Strings{"snap_created [e1] +0s..+0s"});
}

TEST_CASE("e2e alert JSON is exact and its id stable") {
  auto pack = CompileRules(R"(
rule snapshot_burst {
  title    "Burst of snapshot creation"
  severity high
  attack   T1578.001
  data     "DS0020 Snapshot Creation"
  match where action == "snapshot.create"
  count by actor.user.uid within 10m >= 2
  emit "{actor.user.uid} created {count} snapshots"
})");
  const Strings events = {Snap(0, "e1", "alice"), Snap(60, "e2", "alice")};
  auto a = Run(*pack, events);
  auto b = Run(*pack, events);
  REQUIRE(a.alerts.size() == 1);
  const std::string basis =
      std::string("snapshot_burst") + '\0' + "{\"actor.user.uid\":\"alice\"}" + '\0' + "e1";
  char id[17];
  std::snprintf(id, sizeof id, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(basis.data(), basis.size())));
  CHECK(a.alerts[0].json ==
        std::string("{\"id\":\"") + id +
            "\",\"rule\":\"snapshot_burst\",\"title\":\"Burst of snapshot creation\","
            "\"severity\":\"high\",\"attack\":[\"T1578.001\"],"
            "\"data\":[\"DS0020 Snapshot Creation\"],\"time\":\"2026-01-05T10:00:00Z\","
            "\"end_time\":\"2026-01-05T10:01:00Z\",\"key\":{\"actor.user.uid\":\"alice\"},"
            "\"events\":[\"e1\",\"e2\"],\"message\":\"alice created 2 snapshots\"}");
  CHECK(b.alerts[0].json == a.alerts[0].json);
}

const char* kAbc = R"(
rule snap_vol_delete {
  sequence by resource.uid within 10m
    snap: where action == "snapshot.create"
    vol:  where action == "volume.create"
    gone: where action == "instance.delete"
  until where action == "snapshot.delete"
})";

TEST_CASE("e2e sequence: completion and replacement by a newer first event") {
  auto pack = CompileRules(kAbc);
  auto r = Run(
      *pack, {Ev(0, "old", "snapshot.create", Res("i")), Ev(5, "new", "snapshot.create", Res("i")),
              Ev(6, "v1", "volume.create", Res("j")),  // another key
              Ev(7, "v2", "volume.create", Res("i")), Ev(8, "g1", "instance.delete", Res("i"))});
  CHECK(r.summary == Strings{"snap_vol_delete [new,v2,g1] +5s..+8s"});
}

TEST_CASE("e2e sequence: a stage exactly at within matches, one nanosecond later does not") {
  auto pack = CompileRules(kAbc);
  const int64_t w = 10 * kMin;
  auto at = Run(*pack,
                {EvNs(0, "s", "snapshot.create", Res("i")), EvNs(1, "v", "volume.create", Res("i")),
                 EvNs(w, "g", "instance.delete", Res("i"))});
  CHECK(at.summary == Strings{"snap_vol_delete [s,v,g] +0s..+600s"});
  auto past = Run(
      *pack, {EvNs(0, "s", "snapshot.create", Res("i")), EvNs(1, "v", "volume.create", Res("i")),
              EvNs(w + 1, "g", "instance.delete", Res("i"))});
  CHECK(past.summary.empty());
}

TEST_CASE("e2e sequence: until cancels before completion, no effect after") {
  auto pack = CompileRules(kAbc);
  auto before = Run(
      *pack, {Ev(0, "s", "snapshot.create", Res("i")), Ev(1, "v", "volume.create", Res("i")),
              Ev(2, "x", "snapshot.delete", Res("i")), Ev(3, "g", "instance.delete", Res("i"))});
  CHECK(before.summary.empty());
  auto after = Run(
      *pack, {Ev(0, "s", "snapshot.create", Res("i")), Ev(1, "v", "volume.create", Res("i")),
              Ev(2, "g", "instance.delete", Res("i")), Ev(3, "x", "snapshot.delete", Res("i"))});
  CHECK(after.summary == Strings{"snap_vol_delete [s,v,g] +0s..+2s"});
}

TEST_CASE("e2e sequence: per-stage by keys and references to earlier stages") {
  auto pack = CompileRules(R"(
rule snapshot_to_volume {
  sequence by actor.user.uid within 1h
    snap: by resource.uid where action == "snapshot.create"
    vol:  by related.snapshot.uid where action == "volume.create"
          and resource.uid != snap.resource.uid
  emit "{snap.resource.uid} became {resource.uid}"
})");
  auto vol = [](int64_t t, const std::string& uid, const std::string& actor,
                const std::string& snap, const std::string& res) {
    return Ev(
        t, uid, "volume.create",
        Actor(actor) + "," + Res(res) + ",\"related\":{\"snapshot\":{\"uid\":\"" + snap + "\"}}");
  };
  auto r = Run(*pack, {Snap(0, "s1", "alice", "snap-1"),
                       vol(1, "v0", "bob", "snap-1", "vol-0"),    // other actor
                       vol(2, "v1", "alice", "snap-2", "vol-1"),  // other snapshot
                       vol(3, "v2", "alice", "snap-1", "vol-2")});
  CHECK(r.summary == Strings{"snapshot_to_volume [s1,v2] +0s..+3s"});
  REQUIRE(r.alerts.size() == 1);
  CHECK(r.alerts[0].json.find("\"message\":\"snap-1 became vol-2\"") != std::string::npos);
}

TEST_CASE("e2e sequence: joins on arrays when they intersect") {
  auto pack = CompileRules(R"(
rule started_then_deleted {
  sequence within 10m
    start: by resources.uid where action == "instance.start"
    gone:  by resources.uid where action == "instance.delete"
})");
  auto ev = [](int64_t t, const std::string& uid, const std::string& action,
               const std::vector<std::string>& ids) {
    std::string list;
    for (const auto& id : ids) list += (list.empty() ? "" : ",") + ("{\"uid\":\"" + id + "\"}");
    return Ev(t, uid, action, "\"resources\":[" + list + "]");
  };
  auto r = Run(*pack, {ev(0, "s1", "instance.start", {"i-1", "i-2"}),
                       ev(1, "d0", "instance.delete", {"i-7"}),
                       ev(2, "d1", "instance.delete", {"i-9", "i-2"})});
  CHECK(r.summary == Strings{"started_then_deleted [s1,d1] +0s..+2s"});
}

const char* kAbsence = R"(
rule instance_started_without_ticket {
  sequence by resource.uid within 15m
    start:  where action == "instance.start"
    !ticket: where api.operation == "ApproveChange"
})";

std::string Ticket(int64_t t, const std::string& uid, const std::string& res) {
  return Ev(t, uid, "", Res(res) + ",\"api\":{\"operation\":\"ApproveChange\"}");
}

TEST_CASE("e2e absence: fires at the deadline once the watermark passes it") {
  auto pack = CompileRules(kAbsence);
  auto fired = Run(*pack, {Ev(0, "s1", "instance.start", Res("i-1")),
                           Ev(1000, "z", "instance.stop", Res("i-9"))});
  CHECK(fired.summary == Strings{"instance_started_without_ticket [s1] +0s..+900s"});
  // The deadline is beyond the last event: no alert at end of input.
  auto open = Run(*pack, {Ev(0, "s1", "instance.start", Res("i-1")),
                          Ev(899, "z", "instance.stop", Res("i-9"))});
  CHECK(open.summary.empty());
}

TEST_CASE("e2e absence: a ticket before the deadline prevents it, even when it arrives late") {
  auto pack = CompileRules(kAbsence);
  // The ticket (t=890) arrives after an event at t=1000 (past the deadline
  // 900) but within the 15m lateness: the alert must not fire.
  auto r = Run(
      *pack, {Ev(0, "s1", "instance.start", Res("i-1")), Ev(1000, "z", "instance.stop", Res("i-9")),
              Ticket(890, "t1", "i-1"), Ev(5000, "z2", "instance.stop", Res("i-9"))});
  CHECK(r.summary.empty());
  CHECK(r.counters.late_events == 0);
  // With lateness 0 the same ticket is late: counted, not evaluated, and the
  // alert has already fired.
  auto late = Run(*pack,
                  {Ev(0, "s1", "instance.start", Res("i-1")),
                   Ev(1000, "z", "instance.stop", Res("i-9")), Ticket(890, "t1", "i-1")},
                  Lateness(0));
  CHECK(late.summary == Strings{"instance_started_without_ticket [s1] +0s..+900s"});
  CHECK(late.counters.late_events == 1);
}

TEST_CASE("e2e count: fires once, re-arms when the window clears") {
  auto pack = CompileRules(R"(
rule burst {
  match where action == "snapshot.create"
  count by actor.user.uid within 10m >= 3
})");
  auto r = Run(*pack, {Snap(0, "a1", "alice"), Snap(60, "a2", "alice"), Snap(120, "a3", "alice"),
                       Snap(180, "a4", "alice"),  // same window: no second alert
                       Snap(780, "b1", "alice"),  // 180 + 600 <= 780: cleared
                       Snap(781, "b2", "alice"), Snap(782, "b3", "alice")});
  CHECK(r.summary == Strings{"burst [a1,a2,a3] +0s..+120s", "burst [b1,b2,b3] +780s..+782s"});
}

TEST_CASE("e2e distinct: distinct values per key in a sliding window") {
  auto pack = CompileRules(R"(
rule quota_regions {
  match where action == "quota.increase"
  distinct cloud.region by actor.user.uid within 1h >= 3
})");
  auto q = [](int64_t t, const std::string& uid, const std::string& who,
              const std::string& region) {
    return Ev(t, uid, "quota.increase",
              Actor(who) + ",\"cloud\":{\"provider\":\"aws\",\"region\":\"" + region + "\"}");
  };
  auto r = Run(*pack, {q(0, "e1", "alice", "us-east-1"), q(10, "e2", "alice", "us-east-1"),
                       q(20, "e3", "bob", "eu-west-1"), q(30, "e4", "alice", "eu-west-1"),
                       q(40, "e5", "alice", "ap-south-1"), q(50, "e6", "alice", "sa-east-1")});
  CHECK(r.summary == Strings{"quota_regions [e2,e4,e5] +10s..+40s"});
}

TEST_CASE("e2e new: learning, first-seen, forgetting") {
  auto pack = CompileRules(R"(
rule new_creator {
  match where action == "instance.create"
  new actor.user.uid within 1d learn 1h
})");
  auto c = [](int64_t t, const std::string& uid, const std::string& who) {
    return Ev(t, uid, "instance.create", Actor(who));
  };
  const int64_t day = 86400;
  auto r = Run(*pack, {c(0, "l1", "alice"), c(3599, "l2", "bob"),  // learning
                       c(3600, "n1", "carol"),                     // new
                       c(3700, "k1", "bob"), c(3800, "k2", "carol"),
                       c(3800 + day, "n2", "carol")});  // not seen for a day: new again
  CHECK(r.summary ==
        Strings{"new_creator [n1] +3600s..+3600s", "new_creator [n2] +90200s..+90200s"});
}

TEST_CASE("e2e suppress: same key within the span is dropped and counted") {
  auto pack = CompileRules(R"(
rule deletes {
  match where action == "instance.delete"
  suppress by actor.user.uid for 10m
})");
  auto d = [](int64_t t, const std::string& uid, const std::string& who) {
    return Ev(t, uid, "instance.delete", Actor(who));
  };
  auto r = Run(*pack, {d(0, "e1", "alice"), d(10, "e2", "alice"), d(20, "e3", "bob"),
                       d(600, "e4", "alice")});
  CHECK(r.summary ==
        Strings{"deletes [e1] +0s..+0s", "deletes [e3] +20s..+20s", "deletes [e4] +600s..+600s"});
  CHECK(r.counters.rules[0].suppressed == 1);
}

TEST_CASE("e2e repetition: label[n] needs n matching events in a row") {
  auto pack = CompileRules(R"(
rule mass_delete {
  sequence by actor.user.uid within 10m
    del[3]: where action == "instance.delete"
})");
  auto d = [](int64_t t, const std::string& uid) {
    return Ev(t, uid, "instance.delete", Actor("alice"));
  };
  auto r = Run(*pack, {d(0, "d1"), d(1, "d2"), d(2, "d3"), d(3, "d4")});
  CHECK(r.summary.front() == "mass_delete [d1,d2,d3] +0s..+2s");
}

TEST_CASE("e2e bounded state: a small key cap evicts and counts") {
  auto pack = CompileRules(R"(
rule burst {
  match where action == "snapshot.create"
  count by actor.user.uid within 10m >= 2
})");
  EngineOptions o;
  o.default_max_keys = 2;
  auto r = Run(*pack,
               {Snap(0, "a1", "a"), Snap(1, "b1", "b"), Snap(2, "c1", "c"),  // evicts a
                Snap(3, "a2", "a"),  // a starts over, evicts b
                Snap(4, "c2", "c")},
               o);
  CHECK(r.summary == Strings{"burst [c1,c2] +2s..+4s"});
  CHECK(r.counters.rules[0].evictions == 2);
}

TEST_CASE("e2e late events: counted, not evaluated") {
  auto pack = CompileRules(R"(
rule snap { match where action == "snapshot.create" })");
  auto r = Run(*pack, {Snap(0, "e1", "a"), Snap(3600, "e2", "a"), Snap(100, "e3", "a")});
  CHECK(r.summary == Strings{"snap [e1] +0s..+0s", "snap [e2] +3600s..+3600s"});
  CHECK(r.counters.late_events == 1);
}

TEST_CASE("e2e property: shuffled within the lateness gives the sorted alerts") {
  auto pack = CompileRules(R"(
rule burst {
  match where action == "snapshot.create"
  count by actor.user.uid within 5m >= 3
  suppress by actor.user.uid for 10m
}
rule regions {
  match where action == "quota.increase"
  distinct cloud.region by actor.user.uid within 10m >= 2
}
rule newbie {
  match where action == "instance.create"
  new actor.user.uid by resource.uid within 30m learn 10m
}
rule chain {
  sequence by resource.uid within 5m
    snap: where action == "snapshot.create"
    vol:  where action == "volume.create" and actor.user.uid == snap.actor.user.uid
    gone: where action == "instance.delete"
  until where action == "snapshot.delete"
}
rule unstopped {
  sequence by resource.uid within 4m
    start: where action == "instance.start"
    !stop: where action == "instance.stop"
}
)");
  const char* actions[] = {"snapshot.create", "quota.increase",  "instance.create",
                           "volume.create",   "instance.delete", "snapshot.delete",
                           "instance.start",  "instance.stop"};
  const int64_t lateness = 5 * kMin;
  std::vector<uint64_t> fired(pack->program().rules.size(), 0);
  for (uint32_t seed : {11u, 12u, 13u, 14u}) {
    CAPTURE(seed);
    std::mt19937 rng(seed);
    std::vector<std::pair<int64_t, std::string>> events;  // (time, json), sorted
    int64_t t = 0;
    for (int i = 0; i < 500; ++i) {
      t += static_cast<int64_t>(rng() % 30) * kSec;
      char uid[16];
      std::snprintf(uid, sizeof uid, "u%05d", i);
      std::string extra = Res("i-" + std::to_string(rng() % 3)) + "," +
                          Actor(std::string(1, static_cast<char>('a' + rng() % 3))) +
                          ",\"cloud\":{\"provider\":\"aws\",\"region\":\"r" +
                          std::to_string(rng() % 3) + "\"}";
      events.emplace_back(t, EvNs(t, uid, actions[rng() % 8], extra));
    }
    Strings sorted;
    for (auto& e : events) sorted.push_back(e.second);
    auto ref = Run(*pack, sorted, Lateness(0));
    for (size_t r = 0; r < fired.size(); ++r) fired[r] += ref.counters.rules[r].alerts;
    std::vector<std::pair<int64_t, size_t>> arrival;
    for (size_t i = 0; i < events.size(); ++i) {
      arrival.emplace_back(events[i].first + static_cast<int64_t>(rng() % 299) * kSec, i);
    }
    std::shuffle(arrival.begin(), arrival.end(), rng);
    std::stable_sort(arrival.begin(), arrival.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    Strings shuffled;
    for (auto& [at, i] : arrival) shuffled.push_back(events[i].second);
    auto got = Run(*pack, shuffled, Lateness(lateness));
    CHECK(got.counters.late_events == 0);
    REQUIRE(got.alerts.size() == ref.alerts.size());
    for (size_t i = 0; i < ref.alerts.size(); ++i) CHECK(got.alerts[i].json == ref.alerts[i].json);
  }
  for (size_t r = 0; r < fired.size(); ++r) {
    CAPTURE(pack->program().rules[r].name);
    CHECK(fired[r] > 0);
  }
}

}  // namespace
}  // namespace rdl::etest
