// ingest_bench: throughput of the ingest layer alone (runtime/ingest:
// read, frame, prefilter, parse, detect the provider, normalize) with a
// sink that only counts, so it can be set side by side with
// bench/parse_floor on the same file. Uses only the public API.
//
//   ingest_bench [--format F] [--pack PACK [--prefilter]] INPUT...
//
// Without --pack: ReadInputs, writing every record's normalized event JSON
// (what `rulerun --normalize` prints). With --pack: ReadEvents, filling the
// pack's event slots (the typed hand-off `rulerun --pack` uses), every
// record parsed unless --prefilter (the pack's raw-byte prefilter).
//
// Prints one JSON line: records, bad records, prefiltered records, input
// bytes, normalized bytes (0 with --pack), seconds.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "runtime/ingest/ingest.h"
#include "runtime/vm/event.h"
#include "runtime/vm/loaded_pack.h"

int main(int argc, char** argv) {
  rdl::IngestOptions options;
  std::vector<std::string> inputs;
  std::string pack_path;
  bool prefilter = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
      options.format = argv[++i];
    } else if (std::strcmp(argv[i], "--pack") == 0 && i + 1 < argc) {
      pack_path = argv[++i];
    } else if (std::strcmp(argv[i], "--prefilter") == 0) {
      prefilter = true;
    } else {
      inputs.push_back(argv[i]);
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: ingest_bench [--format F] [--pack PACK [--prefilter]] INPUT...\n");
    return 2;
  }
  std::unique_ptr<rdl::LoadedPack> pack;
  std::string error;
  if (!pack_path.empty()) {
    pack = rdl::LoadedPack::LoadFile(pack_path, &error);
    if (!pack) {
      std::fprintf(stderr, "ingest_bench: %s\n", error.c_str());
      return 2;
    }
    if (prefilter) {
      if (auto spec = rdl::PrefilterSpecOf(pack->program())) {
        options.prefilter = rdl::BuildPrefilter(*spec, options, &error);
      }
    }
  }
  uint64_t events = 0, out_bytes = 0, errors = 0;
  rdl::IngestStats stats;
  auto on_error = [&](const std::string& message) {
    if (errors++ < 5) std::fprintf(stderr, "%s\n", message.c_str());
  };
  const auto t0 = std::chrono::steady_clock::now();
  bool ok;
  if (pack) {
    ok = rdl::ReadEvents(
        inputs, options, pack->program(), 1,
        [&](const rdl::Event& e, const rdl::RecordLocation&) { events += e.num_slots() > 0; },
        on_error, &stats);
  } else {
    ok = rdl::ReadInputs(
        inputs, options,
        [&](std::string_view json, const rdl::RecordLocation&) {
          ++events;
          out_bytes += json.size();
        },
        on_error, &stats);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "{\"tool\":\"ingest\",\"records\":%llu,\"bad\":%llu,\"prefiltered\":%llu,\"bytes\":%llu,"
      "\"normalized_bytes\":%llu,\"seconds\":%.3f}\n",
      static_cast<unsigned long long>(events), static_cast<unsigned long long>(stats.bad_records),
      static_cast<unsigned long long>(stats.prefiltered),
      static_cast<unsigned long long>(stats.bytes), static_cast<unsigned long long>(out_bytes),
      secs);
  return ok ? 0 : 1;
}
