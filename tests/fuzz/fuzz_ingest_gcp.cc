// libFuzzer target: arbitrary bytes through ReadBuffer with format "gcp"
// (framing, gzip, envelopes, detection and normalization). Bad input must be
// reported, never crash; every delivered event must be non-empty JSON text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/ingest/ingest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rdl::IngestOptions options;
  options.format = "gcp";
  options.max_record_bytes = 1 << 16;  // keep iterations fast
  rdl::IngestStats stats;
  rdl::ReadBuffer(
      std::string_view(reinterpret_cast<const char*>(data), size), "fuzz", options,
      [](std::string_view json, const rdl::RecordLocation&) {
        if (json.size() < 2 || json.front() != '{' || json.back() != '}') std::abort();
      },
      [](const std::string&) {}, &stats);
  return 0;
}
