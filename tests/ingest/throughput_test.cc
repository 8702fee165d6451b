// Rough throughput of ReadBuffer on generated records (JSON lines of the
// three providers, and one CloudTrail delivery file), printed for the
// record; it asserts only that every record came out.
#include <doctest/doctest.h>

#include <chrono>

#include "tests/ingest/ingest_test_util.h"

namespace rdl::testing {
namespace {

std::string Generate(int n, bool records_file) {
  std::string ct = ReadFileText(
      SourcePath("tests/data/corpus/aws/cloud-custodian/event-cloud-trail-run-instances.json"));
  std::string az = ReadFileText(
      SourcePath("tests/data/corpus/azure/plaso/"
                 "azure_activity_log.line04.Microsoft.Compute_virtualMachines_write.json"));
  std::string gcp = ReadFileText(SourcePath(
      "tests/data/corpus/gcp/plaso/gcp_logging.line07.beta.compute.instances.insert.json"));
  auto one_line = [](std::string s) {
    std::string out;
    for (char c : s) {
      if (c != '\n' && c != '\r') out.push_back(c);
    }
    return out;
  };
  std::string lines[3] = {one_line(ct), one_line(az), one_line(gcp)};
  std::string out;
  if (records_file) {
    out = "{\"Records\":[";
    for (int i = 0; i < n; ++i) out += (i ? "," : "") + lines[0];
    return out + "]}";
  }
  for (int i = 0; i < n; ++i) out += lines[i % 3] + "\n";
  return out;
}

TEST_CASE("throughput on generated records") {
  for (bool records_file : {false, true}) {
    const int n = records_file ? 1000 : 3000;
    std::string data = Generate(n, records_file);
    size_t events = 0, bytes = 0;
    IngestStats stats;
    double secs = 0;
    // Twice: the second run shows the steady state (buffers reused).
    for (int round = 0; round < 2; ++round) {
      events = bytes = 0;
      auto start = std::chrono::steady_clock::now();
      ReadBuffer(
          data, "gen", {},
          [&](std::string_view e, const RecordLocation&) {
            ++events;
            bytes += e.size();
          },
          nullptr, &stats);
      secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    CHECK(events == static_cast<size_t>(n));
    CHECK(stats.bad_records == 0);
    MESSAGE(std::string(records_file ? "CloudTrail Records file: " : "mixed JSON lines: ")
            << n << " records, " << data.size() / 1024 << " KiB in " << secs * 1000
            << " ms = " << static_cast<long>(n / secs) << " records/s, "
            << static_cast<long>(data.size() / secs / (1 << 20)) << " MiB/s in, " << bytes / n
            << " bytes/event out");
  }
}

}  // namespace
}  // namespace rdl::testing
