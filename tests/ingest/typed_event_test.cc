// The typed hand-off (ReadEvents: events filled straight from the record
// for a program) delivers exactly the events EventReader reads from the
// normalized JSON (ReadInputs), slot by slot, with the same messages and
// counts: over every corpus and format sample, with the plan direct and
// not, sequentially and in parallel.
#include <doctest/doctest.h>

#include <filesystem>

#include "runtime/ingest/event_plan.h"
#include "runtime/ingest/mapping.h"
#include "runtime/vm/event.h"
#include "tests/event_diff.h"
#include "tests/ingest/fields_program.h"
#include "tests/ingest/ingest_test_util.h"

using namespace rdl;
using namespace rdl::testing;
using rdl::test::DescribeEvent;
using rdl::test::FieldsProgram;

namespace {

struct Described {
  std::vector<std::string> events;  // DescribeEvent, or "bad: <message>"
  std::vector<std::string> errors;
  std::vector<uint64_t> lines;
  uint64_t records = 0, bad = 0;
};

Described ViaJson(const std::vector<std::string>& inputs, const Program& program,
                  const IngestOptions& options) {
  Described d;
  EventReader reader(program);
  Event event;
  IngestStats stats;
  ReadInputs(
      inputs, options,
      [&](std::string_view json, const RecordLocation& loc) {
        std::string error;
        d.lines.push_back(loc.line);
        if (reader.Read(json, &event, &error)) {
          d.events.push_back(DescribeEvent(event));
        } else {
          d.events.push_back("bad: " + error);
        }
      },
      [&](const std::string& m) { d.errors.push_back(m); }, &stats);
  d.records = stats.records;
  d.bad = stats.bad_records;
  return d;
}

Described Typed(const std::vector<std::string>& inputs, const Program& program,
                const IngestOptions& options, int threads) {
  Described d;
  IngestStats stats;
  ReadEvents(
      inputs, options, program, threads,
      [&](const Event& event, const RecordLocation& loc) {
        d.lines.push_back(loc.line);
        d.events.push_back(DescribeEvent(event));
      },
      [&](const std::string& m) { d.errors.push_back(m); }, &stats);
  d.records = stats.records;
  d.bad = stats.bad_records;
  return d;
}

std::vector<std::string> SampleInputs() {
  std::vector<std::string> inputs;
  for (const char* dir : {"tests/data/corpus", "tests/data/formats"}) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(SourcePath(dir))) {
      const std::string name = e.path().filename().string();
      if (e.is_regular_file() && name.find(".json") != std::string::npos) {
        inputs.push_back(e.path().string());
      }
    }
  }
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

void CheckSame(const Described& json, const Described& typed) {
  CHECK(typed.records == json.records);
  CHECK(typed.bad == json.bad);
  CHECK(typed.errors == json.errors);
  CHECK(typed.lines == json.lines);
  REQUIRE(typed.events.size() == json.events.size());
  for (size_t i = 0; i < json.events.size(); ++i) {
    CAPTURE(i);
    CHECK(typed.events[i] == json.events[i]);
  }
}

}  // namespace

TEST_CASE("typed hand-off: the events EventReader reads from the normalized JSON") {
  const Program program = FieldsProgram();
  const ingest::EventPlan plan = ingest::PlanEvent(program, ingest::GetSchema());
  REQUIRE_MESSAGE(plan.direct, plan.why_not);
  const std::vector<std::string> inputs = SampleInputs();
  REQUIRE(inputs.size() > 20);
  IngestOptions options;
  for (const std::string& input : inputs) {
    CAPTURE(input);
    CheckSame(ViaJson({input}, program, options), Typed({input}, program, options, 1));
  }
  SUBCASE("in parallel, in small pieces") {
    options.piece_bytes = 700;
    CheckSame(ViaJson(inputs, program, options), Typed(inputs, program, options, 2));
  }
}

TEST_CASE("typed hand-off: a field that needs the normalized JSON reads it back") {
  Program program = FieldsProgram();
  program.fields.push_back({{"resources"}, FieldType::kJson});
  program.fields.push_back({{"actor", "user"}, FieldType::kJson});
  const ingest::EventPlan plan = ingest::PlanEvent(program, ingest::GetSchema());
  CHECK_FALSE(plan.direct);
  CHECK(plan.why_not == "resources");
  IngestOptions options;
  const std::vector<std::string> inputs = SampleInputs();
  CheckSame(ViaJson(inputs, program, options), Typed(inputs, program, options, 1));
}

TEST_CASE("typed hand-off: bad records and limits as in the JSON path") {
  const Program program = FieldsProgram();
  IngestOptions options;
  options.max_record_bytes = 1500;  // some sample records are larger
  const std::vector<std::string> inputs = SampleInputs();
  const Described json = ViaJson(inputs, program, options);
  CHECK(json.bad > 0);
  CheckSame(json, Typed(inputs, program, options, 1));
}

TEST_CASE("PlanEvent sources") {
  Program p;
  p.fields = {{{"raw", "a", "b"}, FieldType::kJson},
              {{"resources", "uid"}, FieldType::kStringList},
              {{"tags", "env"}, FieldType::kJson},
              {{"cloud", "region"}, FieldType::kString},
              {{"cloud", "region", "x"}, FieldType::kString},
              {{"share", "accounts"}, FieldType::kJson}};
  const ingest::EventPlan plan = ingest::PlanEvent(p, ingest::GetSchema());
  using K = ingest::SlotSource::Kind;
  CHECK(plan.slots[0].kind == K::kRaw);
  CHECK(plan.slots[0].raw_path == std::vector<std::string>{"a", "b"});
  CHECK(plan.slots[1].kind == K::kResourceUids);
  CHECK(plan.slots[2].kind == K::kTag);
  CHECK(plan.slots[2].tag == "env");
  CHECK(plan.slots[3].kind == K::kSchema);
  CHECK(plan.slots[4].kind == K::kNone);
  // A string list read as json is the array itself: not direct.
  CHECK_FALSE(plan.direct);
  CHECK(plan.why_not == "share.accounts");
  CHECK(plan.needs_resources);
  CHECK(plan.needs_tags);
  CHECK(plan.schema_needed[ingest::GetSchema().Find("cloud.region")]);
  CHECK_FALSE(plan.schema_needed[ingest::GetSchema().Find("cloud.account.uid")]);
}
