// gen_stream: deterministic generator of benchmark streams for the T1578
// pack. Writes, for N records per provider,
//
//   OUT/NAME.cloudtrail.jsonl  CloudTrail records, one per line (~1.5 KB)
//   OUT/NAME.azure.jsonl       Azure Activity Log (diagnostic-setting export)
//   OUT/NAME.gcp.jsonl         GCP Cloud Audit Log entries (log sink export)
//   OUT/NAME.truth.json        the findings the four reference detections must
//                              raise, per provider, and the near misses injected
//
// The three streams cover the same period (about 12 CloudTrail records a
// second, at least 8 hours) and are sorted by event time. Same arguments,
// same bytes: no wall clock, own PRNG.
//
// Reference detections (rules/t1578): snapshot_shared_externally (single
// event), snapshot_deletion_burst (distinct threshold, 10m),
// quota_increase_multi_region (distinct threshold, 1h),
// instance_stop_modify_start (sequence, 1h).
//
//   gen_stream --records N [--seed S] [--out DIR] [--name NAME] [--providers aws,azure,gcp]
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "stream.h"

namespace {

using benchgen::JsonWriter;

int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int Usage() {
  std::fprintf(stderr,
               "usage: gen_stream --records N [--seed S] [--out DIR] [--name NAME] [--providers aws,azure,gcp]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  benchgen::GenConfig cfg;
  std::string out = "bench/out", name, providers = "aws,azure,gcp";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return Usage();
    const char* v = argv[++i];
    if (a == "--records") {
      cfg.records = std::strtoull(v, nullptr, 10);
    } else if (a == "--seed") {
      cfg.seed = std::strtoull(v, nullptr, 10);
    } else if (a == "--out") {
      out = v;
    } else if (a == "--name") {
      name = v;
    } else if (a == "--providers") {
      providers = v;
    } else {
      return Usage();
    }
  }
  if (cfg.records < 500) {
    std::fprintf(stderr, "gen_stream: --records must be at least 500 (the episodes alone take ~250)\n");
    return 2;
  }
  if (name.empty()) name = "n" + std::to_string(cfg.records);
  cfg.start = DaysFromCivil(2026, 2, 2) * 86400 * benchgen::kSec;
  cfg.span = std::max<int64_t>(8 * benchgen::kHour, static_cast<int64_t>(cfg.records) * benchgen::kSec / 12);
  cfg.rounds = std::max<uint64_t>(1, cfg.records / 25000);

  benchgen::Truth truth;
  struct Done {
    std::string provider, path;
    uint64_t records, bytes;
  };
  std::vector<Done> done;
  auto run = [&](const char* provider, const char* suffix,
                 uint64_t (*gen)(const benchgen::GenConfig&, FILE*, benchgen::Truth*)) {
    if (providers.find(provider) == std::string::npos) return true;
    const std::string path = out + "/" + name + "." + suffix + ".jsonl";
    FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) {
      std::fprintf(stderr, "gen_stream: cannot write %s: %s\n", path.c_str(), std::strerror(errno));
      return false;
    }
    const uint64_t n = gen(cfg, f, &truth);
    const long bytes = std::ftell(f);
    if (std::fclose(f) != 0) return false;
    done.push_back(Done{provider, path, n, static_cast<uint64_t>(bytes)});
    std::fprintf(stderr, "gen_stream: %s: %llu records, %.1f MB, %.0f bytes/record\n", path.c_str(),
                 static_cast<unsigned long long>(n), bytes / 1e6, static_cast<double>(bytes) / n);
    return true;
  };
  if (!run("aws", "cloudtrail", benchgen::GenerateCloudTrail) || !run("azure", "azure", benchgen::GenerateAzure) ||
      !run("gcp", "gcp", benchgen::GenerateGcp)) {
    return 1;
  }

  std::string j;
  JsonWriter w(&j);
  w.Obj().KS("generator", "bench/gen/gen_stream").KN("seed", static_cast<int64_t>(cfg.seed));
  w.KN("records_per_provider", static_cast<int64_t>(cfg.records)).KN("rounds", static_cast<int64_t>(cfg.rounds));
  w.KT("start", cfg.start, 0).KT("end", cfg.start + cfg.span, 0);
  w.K("reference_rules").Arr().S("snapshot_shared_externally").S("snapshot_deletion_burst");
  w.S("quota_increase_multi_region").S("instance_stop_modify_start").EndArr();
  w.K("files").Obj();
  for (const Done& d : done) {
    w.K(d.provider).Obj().KS("path", d.path).KN("records", static_cast<int64_t>(d.records));
    w.KN("bytes", static_cast<int64_t>(d.bytes)).EndObj();
  }
  w.EndObj();
  w.K("findings").Arr();
  std::sort(truth.findings.begin(), truth.findings.end(), [](const auto& a, const auto& b) {
    return a.provider != b.provider ? a.provider < b.provider : a.time != b.time ? a.time < b.time : a.rule < b.rule;
  });
  for (const auto& f : truth.findings) {
    if (providers.find(f.provider) == std::string::npos) continue;
    w.Obj().KS("provider", f.provider).KS("rule", f.rule).KS("scenario", f.scenario).KS("key", f.key);
    w.KS("event", f.event).KT("time", f.time, 6).EndObj();
  }
  w.EndArr();
  w.K("attacks").Obj();
  for (const auto& [k, v] : truth.attacks) w.KN(k, v);
  w.EndObj().K("decoys").Obj();
  for (const auto& [k, v] : truth.decoys) w.KN(k, v);
  w.EndObj().EndObj();
  j.push_back('\n');
  const std::string path = out + "/" + name + ".truth.json";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr || std::fwrite(j.data(), 1, j.size(), f) != j.size() || std::fclose(f) != 0) {
    std::fprintf(stderr, "gen_stream: cannot write %s\n", path.c_str());
    return 1;
  }
  std::fprintf(stderr, "gen_stream: %s: %zu findings\n", path.c_str(), truth.findings.size());
  return 0;
}
