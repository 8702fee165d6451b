// Steady-state ingest allocates nothing per event: reading twice as many
// records through the typed hand-off makes exactly as many heap
// allocations (run setup, mapping lookups and buffers are per run or kept).
// Counted by replacing the global operator new in this test binary.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "runtime/ingest/ingest.h"
#include "runtime/vm/event.h"
#include "tests/ingest/fields_program.h"
#include "tests/ingest/ingest_test_util.h"

namespace {
std::atomic<uint64_t> g_allocations{0};
}  // namespace

// GCC cannot see that these replace the global pair together.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

using namespace rdl;
using namespace rdl::testing;

TEST_CASE("typed ingest makes no heap allocation per event in steady state") {
  const Program program = rdl::test::FieldsProgram();
  for (const char* sample : {"tests/data/formats/cloudtrail_lines.jsonl",
                             "tests/data/formats/azure_diagnostic_lines.jsonl",
                             "tests/data/formats/gcp_logentry.jsonl"}) {
    CAPTURE(sample);
    const std::string lines = ReadFileText(SourcePath(sample));
    std::string small, big;
    for (int i = 0; i < 40; ++i) small += lines;
    big = small + small;
    IngestOptions options;
    uint64_t events = 0;
    auto count = [&](const std::string& text) {
      events = 0;
      const uint64_t before = g_allocations.load();
      ReadBufferEvents(
          text, "t.jsonl", options, program, [&](const Event&, const RecordLocation&) { ++events; },
          [](const std::string&) {}, nullptr);
      return g_allocations.load() - before;
    };
    count(big);  // warm the kept buffers
    const uint64_t a_small = count(small);
    const uint64_t n_small = events;
    const uint64_t a_big = count(big);
    REQUIRE(events == 2 * n_small);
    CHECK(n_small >= 40);
    CHECK(a_big == a_small);
  }
}
