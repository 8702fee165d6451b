// state_bench: memory held by the engine's per-rule state (docs/performance.md,
// "State and memory").
//
// Streams N synthetic normalized events, generated in memory one at a time
// (no file, nothing kept), each from a distinct principal (actor.user.uid),
// through an Engine running one or more rules of each state kind:
//
//   seq       3-stage sequence by actor.user.uid within 2h, T1578-style
//             captures (launched.resource.uid read by the later stages)
//   count     count by actor.user.uid within 30m >= 5
//   distinct  distinct resource.uid by actor.user.uid within 1h >= 10
//   new       new actor.user.uid by cloud.account.uid within 30d learn 1h
//   suppress  a match rule with suppress by actor.user.uid for 1d (every
//             event alerts once: one suppression entry per principal)
//
// Events are 100 us apart (10M events = 1,000 s of event time), so no state
// expires by time: every principal leaves one live entry per rule until the
// cap evicts it. Lateness is 0 so the reorder buffer holds nothing.
//
// Reports, at checkpoints: RSS (VmRSS), peak RSS (VmHWM), live entries per
// rule (Engine::StateSizes), evictions per rule (EngineCounters), and the RSS
// growth per live entry since the first checkpoint (bytes per partial while
// below the cap). With a cap the RSS plateaus while evictions grow linearly.
//
// The rules are compiled by rulec (from the main build) into a temporary
// pack:
//   state_bench --rulec build-state/bin/rulec --events 10000000 --rules seq --cap 0
// --cap 0 = no cap (UINT32_MAX), else EngineOptions::default_max_keys.
// --stage2: each principal also sends the sequence's second stage (partials
// then wait at position 2, with two stage records).
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "rdl/program.h"
#include "runtime/engine/engine.h"
#include "runtime/vm/loaded_pack.h"

namespace {

const char* kRuleSeq = R"(
rule state_seq {
  sequence by actor.user.uid within 2h
    launched: where action == "instance.create" and status == "success"
    mounted:  where action == "volume.attach" and status == "success"
                and related.instance.uid == launched.resource.uid
    gone:     where action == "instance.delete" and status == "success"
                and resource.uid == launched.resource.uid
  emit "{actor.user.uid} created {launched.resource.uid}, mounted {mounted.resource.uid} and deleted it"
}
)";
const char* kRuleCount = R"(
rule state_count {
  match where action == "instance.create" and status == "success"
  count by actor.user.uid within 30m >= 5
}
)";
const char* kRuleDistinct = R"(
rule state_distinct {
  match where action == "instance.create" and status == "success"
  distinct resource.uid by actor.user.uid within 1h >= 10
}
)";
const char* kRuleNew = R"(
rule state_new {
  match where action == "instance.create" and status == "success"
  new actor.user.uid by cloud.account.uid within 30d learn 1h
}
)";
const char* kRuleSuppress = R"(
rule state_suppress {
  match where action == "instance.create" and status == "success"
  suppress by actor.user.uid for 1d
}
)";

long StatusKb(const char* field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  const size_t n = std::strlen(field);
  while (std::getline(f, line)) {
    if (line.compare(0, n, field) == 0) return std::strtol(line.c_str() + n + 1, nullptr, 10);
  }
  return -1;
}

// 2026-01-01T00:00:00Z + ns, as RFC 3339 with microseconds.
void FormatTime(int64_t ns, char* out) {
  const int64_t base = 1767225600;  // 2026-01-01T00:00:00Z
  const int64_t secs = base + ns / 1000000000;
  const int64_t us = (ns % 1000000000) / 1000;
  time_t t = static_cast<time_t>(secs);
  struct tm tm;
  gmtime_r(&t, &tm);
  std::snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d.%06" PRId64 "Z", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, us);
}

// One normalized CloudTrail-like event of principal `p`. Realistic sizes:
// a 44-character ARN principal, a 36-character event id, a 19-character
// instance id.
void MakeEvent(uint64_t p, int64_t ns, bool attach, std::string* out) {
  char time[48];
  FormatTime(ns, time);
  char buf[1024];
  const unsigned long long pp = static_cast<unsigned long long>(p);
  const unsigned long long seq = static_cast<unsigned long long>(ns / 100000);
  if (!attach) {
    std::snprintf(
        buf, sizeof buf,
        R"({"time":"%s","metadata":{"uid":"%08llx-4e1d-4b6a-9c2f-%012llx"},)"
        R"("cloud":{"provider":"aws","account":{"uid":"123456789012"},"region":"us-east-1"},)"
        R"("actor":{"user":{"uid":"arn:aws:iam::123456789012:user/p%012llu","type":"IAMUser"}},)"
        R"("api":{"operation":"RunInstances","service":{"name":"ec2.amazonaws.com"}},)"
        R"("action":"instance.create","resource":{"type":"instance","uid":"i-0%016llx"},)"
        R"("status":"success","instance":{"type":"t3.micro"}})",
        time, seq & 0xffffffffULL, seq, pp, pp);
  } else {
    std::snprintf(
        buf, sizeof buf,
        R"({"time":"%s","metadata":{"uid":"%08llx-4e1d-4b6a-9c2f-%012llx"},)"
        R"("cloud":{"provider":"aws","account":{"uid":"123456789012"},"region":"us-east-1"},)"
        R"("actor":{"user":{"uid":"arn:aws:iam::123456789012:user/p%012llu","type":"IAMUser"}},)"
        R"("api":{"operation":"AttachVolume","service":{"name":"ec2.amazonaws.com"}},)"
        R"("action":"volume.attach","resource":{"type":"volume","uid":"vol-0%016llx"},)"
        R"("status":"success","related":{"instance":{"uid":"i-0%016llx"}}})",
        time, seq & 0xffffffffULL, seq, pp, pp, pp);
  }
  out->assign(buf);
}

struct Args {
  std::string rulec = "build-state/bin/rulec";
  std::string pack;  // use this pack instead of compiling
  uint64_t events = 1000000;
  std::string rules = "seq,count,distinct,new,suppress";
  uint64_t cap = 100000;  // 0 = none
  bool stage2 = false;
  int checkpoints = 10;
};

bool Has(const std::string& list, const char* name) {
  std::string l = "," + list + ",";
  return l.find(std::string(",") + name + ",") != std::string::npos;
}

std::unique_ptr<rdl::LoadedPack> BuildPack(const Args& a) {
  std::string error;
  if (!a.pack.empty()) return rdl::LoadedPack::LoadFile(a.pack, &error);
  char dir[] = "/tmp/state_bench.XXXXXX";
  if (mkdtemp(dir) == nullptr) return nullptr;
  std::string src;
  if (Has(a.rules, "seq")) src += kRuleSeq;
  if (Has(a.rules, "count")) src += kRuleCount;
  if (Has(a.rules, "distinct")) src += kRuleDistinct;
  if (Has(a.rules, "new")) src += kRuleNew;
  if (Has(a.rules, "suppress")) src += kRuleSuppress;
  const std::string rule_path = std::string(dir) + "/state.rule";
  const std::string pack_path = std::string(dir) + "/state.rpk";
  std::ofstream(rule_path) << src;
  const std::string cmd = a.rulec + " build " + rule_path + " -o " + pack_path;
  if (std::system(cmd.c_str()) != 0) {
    std::fprintf(stderr, "state_bench: '%s' failed\n", cmd.c_str());
    return nullptr;
  }
  auto pack = rdl::LoadedPack::LoadFile(pack_path, &error);
  if (!pack) std::fprintf(stderr, "state_bench: %s\n", error.c_str());
  std::remove(rule_path.c_str());
  std::remove(pack_path.c_str());
  rmdir(dir);
  return pack;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "state_bench: %s needs a value\n", k.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (k == "--rulec")
      a.rulec = val();
    else if (k == "--pack")
      a.pack = val();
    else if (k == "--events")
      a.events = std::strtoull(val().c_str(), nullptr, 10);
    else if (k == "--rules")
      a.rules = val();
    else if (k == "--cap")
      a.cap = std::strtoull(val().c_str(), nullptr, 10);
    else if (k == "--stage2")
      a.stage2 = true;
    else if (k == "--checkpoints")
      a.checkpoints = std::atoi(val().c_str());
    else {
      std::fprintf(stderr,
                   "usage: state_bench [--rulec PATH | --pack FILE] [--events N] "
                   "[--rules seq,count,distinct,new,suppress] [--cap N (0 = none)] [--stage2] "
                   "[--checkpoints K]\n");
      return 2;
    }
  }
  auto pack = BuildPack(a);
  if (!pack) return 1;
  const rdl::Program& prog = pack->program();
  const size_t nrules = prog.rules.size();

  rdl::EngineOptions options;
  options.lateness_ns = 0;
  options.default_max_keys = a.cap == 0 ? UINT32_MAX : static_cast<uint32_t>(a.cap);
  uint64_t alerts = 0;
  rdl::Engine engine(*pack, options, [&](const rdl::Alert&) { ++alerts; });

  std::printf("state_bench: events=%" PRIu64 " rules=%s cap=%s stage2=%d\n", a.events,
              a.rules.c_str(), a.cap == 0 ? "none" : std::to_string(a.cap).c_str(),
              a.stage2 ? 1 : 0);
  std::printf("%12s %10s %10s", "events", "rss_mb", "hwm_mb");
  for (size_t r = 0; r < nrules; ++r) {
    std::printf(" %16s %14s", (prog.rules[r].name + ".live").c_str(), "evictions");
  }
  std::printf(" %12s %8s\n", "B/live(d)", "sec");

  std::string json, error;
  const auto t0 = std::chrono::steady_clock::now();
  const long rss_start = StatusKb("VmRSS");
  long rss_first = -1;
  uint64_t live_first = 0;
  const uint64_t step = std::max<uint64_t>(1, a.events / std::max(1, a.checkpoints));
  const uint64_t per = a.stage2 ? 2 : 1;
  for (uint64_t i = 0; i < a.events; i += per) {
    const uint64_t p = i / per;
    MakeEvent(p, static_cast<int64_t>(i) * 100000, false, &json);
    if (!engine.Push(json, &error)) {
      std::fprintf(stderr, "state_bench: bad event: %s\n%s\n", error.c_str(), json.c_str());
      return 1;
    }
    if (a.stage2) {
      MakeEvent(p, static_cast<int64_t>(i + 1) * 100000, true, &json);
      engine.Push(json, &error);
    }
    const uint64_t done = i + per;
    if (done % step < per || done >= a.events) {
      const auto sizes = engine.StateSizes();
      const auto& c = engine.counters();
      uint64_t live = 0;
      for (const auto& s : sizes) live += s.keys + s.suppress_keys;
      const long rss = StatusKb("VmRSS");
      const long hwm = StatusKb("VmHWM");
      std::printf("%12" PRIu64 " %10.1f %10.1f", done, rss / 1024.0, hwm / 1024.0);
      for (size_t r = 0; r < nrules; ++r) {
        std::printf(" %16" PRIu64 " %14" PRIu64, sizes[r].keys + sizes[r].suppress_keys,
                    c.rules[r].evictions);
      }
      // RSS growth per live entry between the first checkpoint and this one
      // (both below the cap: with a cap reached it is meaningless).
      if (rss_first < 0) {
        rss_first = rss;
        live_first = live;
        std::printf(" %12s", "-");
      } else if (live > live_first) {
        std::printf(" %12.1f", (rss - rss_first) * 1024.0 / static_cast<double>(live - live_first));
      } else {
        std::printf(" %12s", "-");
      }
      std::printf(" %8.1f\n",
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      std::fflush(stdout);
    }
  }
  const auto sizes = engine.StateSizes();
  uint64_t live = 0, evictions = 0;
  for (size_t r = 0; r < nrules; ++r) {
    live += sizes[r].keys + sizes[r].suppress_keys;
    evictions += engine.counters().rules[r].evictions;
  }
  const long rss = StatusKb("VmRSS");
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  std::printf("total: events=%" PRIu64 " live=%" PRIu64 " evictions=%" PRIu64 " alerts=%" PRIu64
              " rss_start_mb=%.1f rss_end_mb=%.1f peak_rss_mb(VmHWM)=%.1f maxrss_mb(getrusage)=%.1f"
              " B/live(total)=%.1f\n",
              a.events, live, evictions, alerts, rss_start / 1024.0, rss / 1024.0,
              StatusKb("VmHWM") / 1024.0, ru.ru_maxrss / 1024.0,
              live > 0 ? (rss - rss_start) * 1024.0 / static_cast<double>(live) : 0.0);
  return 0;
}
