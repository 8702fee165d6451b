// ingest_bench: throughput of the ingest layer alone (runtime/ingest:
// read, frame, parse, detect the provider, normalize, write the normalized
// event JSON) with a sink that only counts, so it can be set side by side
// with bench/parse_floor on the same file. Uses only the public API
// (runtime/ingest/ingest.h: ReadInputs).
//
//   ingest_bench [--format F] INPUT...
//
// Prints one JSON line: records, bad records, input bytes, normalized
// bytes, seconds.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/ingest/ingest.h"

int main(int argc, char** argv) {
  rdl::IngestOptions options;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
      options.format = argv[++i];
    } else {
      inputs.push_back(argv[i]);
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: ingest_bench [--format F] INPUT...\n");
    return 2;
  }
  uint64_t events = 0, out_bytes = 0, errors = 0;
  rdl::IngestStats stats;
  const auto t0 = std::chrono::steady_clock::now();
  const bool ok = rdl::ReadInputs(
      inputs, options,
      [&](std::string_view json, const rdl::RecordLocation&) {
        ++events;
        out_bytes += json.size();
      },
      [&](const std::string& message) {
        if (errors++ < 5) std::fprintf(stderr, "%s\n", message.c_str());
      },
      &stats);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("{\"tool\":\"ingest\",\"records\":%llu,\"bad\":%llu,\"bytes\":%llu,\"normalized_bytes\":%llu,"
              "\"seconds\":%.3f}\n",
              static_cast<unsigned long long>(events), static_cast<unsigned long long>(stats.bad_records),
              static_cast<unsigned long long>(stats.bytes), static_cast<unsigned long long>(out_bytes), secs);
  return ok ? 0 : 1;
}
