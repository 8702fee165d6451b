// libFuzzer target: the typed hand-off against the JSON path. Arbitrary
// bytes are read with ReadBuffer, each normalized event read back with
// EventReader, and with ReadBufferEvents (slots filled straight from the
// record) for a program over every schema field and raw / resources / tags
// paths: the events, messages and counts must be identical (abort
// otherwise), and nothing may crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/ingest/ingest.h"
#include "runtime/vm/event.h"
#include "tests/event_diff.h"
#include "tests/ingest/fields_program.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const rdl::Program program = rdl::test::FieldsProgram();
  static rdl::EventReader reader(program);
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  rdl::IngestOptions options;
  options.max_record_bytes = 1 << 16;  // keep iterations fast

  std::vector<std::string> json_events, json_errors, typed_events, typed_errors;
  rdl::IngestStats json_stats, typed_stats;
  rdl::Event event;
  rdl::ReadBuffer(
      input, "fuzz", options,
      [&](std::string_view json, const rdl::RecordLocation& loc) {
        std::string error;
        std::string line = std::to_string(loc.line) + ":" + std::to_string(loc.record) + " ";
        json_events.push_back(line + (reader.Read(json, &event, &error)
                                          ? rdl::test::DescribeEvent(event)
                                          : "bad: " + error));
      },
      [&](const std::string& m) { json_errors.push_back(m); }, &json_stats);
  rdl::ReadBufferEvents(
      input, "fuzz", options, program,
      [&](const rdl::Event& e, const rdl::RecordLocation& loc) {
        typed_events.push_back(std::to_string(loc.line) + ":" + std::to_string(loc.record) + " " +
                               rdl::test::DescribeEvent(e));
      },
      [&](const std::string& m) { typed_errors.push_back(m); }, &typed_stats);

  if (json_events != typed_events || json_errors != typed_errors ||
      json_stats.records != typed_stats.records ||
      json_stats.bad_records != typed_stats.bad_records) {
    std::fprintf(stderr, "typed hand-off differs from the JSON path: %zu vs %zu events\n",
                 json_events.size(), typed_events.size());
    for (size_t i = 0; i < json_events.size() && i < typed_events.size(); ++i) {
      if (json_events[i] != typed_events[i]) {
        std::fprintf(stderr, "event %zu:\n-- json:\n%s\n-- typed:\n%s\n", i, json_events[i].c_str(),
                     typed_events[i].c_str());
        break;
      }
    }
    std::abort();
  }
  return 0;
}
