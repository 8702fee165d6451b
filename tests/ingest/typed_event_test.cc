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
#include "tests/ingest/ingest_test_util.h"

using namespace rdl;
using namespace rdl::testing;
using rdl::test::DescribeEvent;

namespace {

std::vector<std::string> Split(const std::string& dotted) {
  std::vector<std::string> out(1);
  for (char c : dotted) {
    if (c == '.') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

// Every schema field by its type, and paths that exercise each source of
// the plan: raw paths (scalars, objects, arrays crossed, times), resources,
// tags, a float read as an integer, and paths nothing is at.
Program FieldsProgram() {
  Program p;
  const ingest::Schema& schema = ingest::GetSchema();
  for (const ingest::SchemaField& f : schema.fields) {
    FieldType t = FieldType::kString;
    switch (f.type) {
      case ingest::FieldType::kString:
        t = FieldType::kString;
        break;
      case ingest::FieldType::kTime:
        t = FieldType::kTime;
        break;
      case ingest::FieldType::kIp:
        t = FieldType::kIp;
        break;
      case ingest::FieldType::kBool:
        t = FieldType::kBool;
        break;
      case ingest::FieldType::kFloat:
        t = FieldType::kFloat;
        break;
      case ingest::FieldType::kStringList:
        t = FieldType::kStringList;
        break;
      case ingest::FieldType::kJson:
        continue;
    }
    p.fields.push_back({f.segments, t});
  }
  for (const char* path :
       {"raw.eventName", "raw.requestParameters",
        "raw.requestParameters.instancesSet.items.instanceId", "raw.responseElements",
        "raw.userIdentity.sessionContext.sessionIssuer.arn", "raw.protoPayload.metadata",
        "raw.protoPayload.resourceName", "raw.properties", "raw.properties.requestbody",
        "raw.identity.claims.appid", "raw.records", "raw.missing.path", "tags.env", "tags.Name",
        "tags.team", "raw.detail"}) {
    p.fields.push_back({Split(path), FieldType::kJson});
  }
  p.fields.push_back({Split("resources.uid"), FieldType::kStringList});
  p.fields.push_back({Split("resources.type"), FieldType::kStringList});
  p.fields.push_back({Split("raw.eventTime"), FieldType::kTime});
  p.fields.push_back({Split("raw.time"), FieldType::kTime});
  p.fields.push_back({Split("quota.value"), FieldType::kInt});
  p.fields.push_back({Split("actor.user.uid.deeper"), FieldType::kString});
  p.fields.push_back({Split("tags.env.deeper"), FieldType::kString});
  p.fields.push_back({Split("resources.uid.deeper"), FieldType::kString});
  p.fields.push_back({Split("no.such.field"), FieldType::kString});
  p.fields.push_back({Split("cloud.region"), FieldType::kStringList});  // a string as a list
  for (size_t i = 0; i < p.fields.size(); ++i) {
    if (p.fields[i].segments == std::vector<std::string>{"time"})
      p.time_slot = static_cast<uint16_t>(i);
    if (p.fields[i].segments == std::vector<std::string>{"metadata", "uid"}) {
      p.uid_slot = static_cast<uint16_t>(i);
    }
  }
  return p;
}

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
