// The raw-byte prefilter (runtime/ingest/prefilter.h): what it skips, what
// it must never skip, and a soundness property over every corpus and format
// file: for each action of the taxonomy, every event of that action the
// reader produces without the prefilter it also produces with it.
#include "runtime/ingest/prefilter.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <set>

#include "tests/ingest/ingest_test_util.h"

using namespace rdl;
using namespace rdl::testing;

namespace {

std::shared_ptr<const ingest::RecordFilter> Filter(PrefilterSpec spec) {
  std::string error;
  auto f = BuildPrefilter(spec, IngestOptions{}, &error);
  INFO(error);
  REQUIRE(f);
  return f;
}

bool Matters(const std::shared_ptr<const ingest::RecordFilter>& f, std::string_view text) {
  ingest::RecordFilter::Scanner s(f);
  return s.MayMatter(text);
}

std::vector<std::string> InputFiles() {
  std::vector<std::string> out;
  for (const char* dir : {"tests/data/corpus", "tests/data/formats"}) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(SourcePath(dir))) {
      std::string p = e.path().string();
      if (e.is_regular_file() && p.find(".json") != std::string::npos) out.push_back(p);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("prefilter: CloudTrail records are decided by their eventName") {
  auto f = Filter({{"snapshot.create"}, {"sshKeys"}});
  CHECK(Matters(f, R"({"eventName":"CreateSnapshot","eventSource":"ec2.amazonaws.com"})"));
  CHECK(Matters(f, R"({"eventName" : "createsnapshot "})"));  // case and blanks as the table
  CHECK_FALSE(Matters(f, R"({"eventName":"DescribeSnapshots","x":"CreateSnapshot"})"));
  CHECK_FALSE(Matters(f, R"({"eventName":"DescribeInstances"})"));
  // A nested key of the same name only adds candidates.
  CHECK(Matters(f, R"({"eventName":"PutX","requestParameters":{"eventName":"CreateSnapshot"}})"));
  // The rules' own literals, anywhere.
  CHECK(Matters(f, R"({"eventName":"DescribeInstances","k":["sshKeys"]})"));
  // Escapes that could spell a literal differently: always parsed.
  CHECK(Matters(f, R"({"eventName":"Create\u0053napshot"})"));
  CHECK(Matters(f, R"({"eventName":"DescribeInstances","p":"a\/b"})"));
  CHECK(Matters(f, R"({"eventName":"Cr\"eate"})"));
}

TEST_CASE("prefilter: other shapes fall back to a search of every needed name") {
  auto f = Filter({{"snapshot.create"}, {}});
  // Azure (case-insensitive operation names), GCP, normalized, OCSF.
  CHECK(Matters(f, R"({"operationName":"MICROSOFT.COMPUTE/SNAPSHOTS/WRITE"})"));
  CHECK_FALSE(Matters(f, R"({"operationName":"Microsoft.Compute/virtualMachines/read"})"));
  CHECK(Matters(f, R"({"protoPayload":{"methodName":"v1.compute.snapshots.insert"}})"));
  CHECK(Matters(
      f,
      R"({"protoPayload":{"request":{"@type":"type.googleapis.com/compute.snapshots.insert"}}})"));
  CHECK_FALSE(Matters(f, R"({"protoPayload":{"methodName":"v1.compute.instances.get"}})"));
  CHECK(Matters(f, R"({"action":"snapshot.create","api":{"operation":"X"}})"));
  // An Azure record that names a CloudTrail operation elsewhere is searched whole.
  CHECK(Matters(f, R"({"operationName":"x","eventName":"y","note":"CreateSnapshot"})"));
  // Unknown shapes: parsed when a needed name appears at all.
  CHECK(Matters(f, R"({"something":"CreateSnapshot"})"));
  CHECK_FALSE(Matters(f, R"({"something":"else"})"));
  // Pub/Sub payloads are base64: always parsed.
  CHECK(Matters(f, R"({"message":{"data":"eyJ9"},"subscription":"s"})"));
}

TEST_CASE("prefilter: reading skips and counts, and keeps what matters") {
  IngestOptions options;
  options.prefilter = Filter({{"snapshot.create"}, {}});
  std::string text =
      "{\"eventTime\":\"2026-01-01T00:00:00Z\",\"eventName\":\"DescribeInstances\",\"eventSource\":"
      "\"ec2.amazonaws.com\"}\n"
      "{\"eventTime\":\"2026-01-01T00:00:01Z\",\"eventName\":\"CreateSnapshot\",\"eventSource\":"
      "\"ec2.amazonaws.com\"}\n"
      "{\"eventTime\":\"2026-01-01T00:00:02Z\",\"eventName\":\"ListBuckets\",\"eventSource\":\"s3."
      "amazonaws.com\"}\n"
      "not json at all\n";
  Collected c = ReadText(text, "t.jsonl", options);
  REQUIRE(c.events.size() == 1);
  CHECK(testing::Field(c.events[0], "api.operation") == "CreateSnapshot");
  CHECK(c.lines == std::vector<uint64_t>{2});
  CHECK(c.records == std::vector<uint64_t>{1});
  // The broken line is not one object: parsed, hence reported.
  CHECK(c.stats.prefiltered == 2);
  CHECK(c.stats.bad_records == 1);
}

TEST_CASE("prefilter: each record of a records envelope is skipped or kept alone") {
  IngestOptions options;
  options.prefilter = Filter({{"snapshot.create"}, {}});
  auto rec = [](const char* name, int s) {
    return std::string("{\"eventTime\":\"2026-01-01T00:00:0") + std::to_string(s) +
           "Z\",\"eventName\":\"" + name + "\",\"eventSource\":\"ec2.amazonaws.com\"}";
  };
  // One line, as CloudTrail delivers to S3: before, one matching record
  // made the whole file parsed.
  std::string text = "{\"Records\":[" + rec("DescribeInstances", 0) + "," +
                     rec("CreateSnapshot", 1) + "," + rec("ListBuckets", 2) + "]}";
  Collected c = ReadText(text, "s3.json", options);
  REQUIRE(c.events.size() == 1);
  CHECK(testing::Field(c.events[0], "api.operation") == "CreateSnapshot");
  CHECK(c.records == std::vector<uint64_t>{1});
  CHECK(c.stats.prefiltered == 2);
  CHECK(c.stats.records == 1);
}

TEST_CASE("prefilter soundness: no event of a needed action is ever skipped (corpus, formats)") {
  std::vector<std::string> files = InputFiles();
  REQUIRE(files.size() > 20);
  // Events per action without the prefilter.
  std::map<std::string, std::multiset<std::string>> by_action;
  IngestOptions plain;
  plain.allow_missing_time = true;
  Collected all = ReadPaths(files, plain);
  REQUIRE(all.events.size() > 100);
  for (const std::string& e : all.events) by_action[testing::Field(e, "action")].insert(e);
  size_t skipped_somewhere = 0;
  for (const auto& [action, events] : by_action) {
    if (action == "<missing>") continue;
    IngestOptions options = plain;
    options.prefilter = Filter({{action}, {}});
    Collected got = ReadPaths(files, options);
    std::multiset<std::string> kept;
    for (const std::string& e : got.events) {
      if (testing::Field(e, "action") == action) kept.insert(e);
    }
    INFO("action " << action);
    CHECK(kept == events);
    skipped_somewhere += got.stats.prefiltered;
  }
  CHECK(skipped_somewhere > 0);  // the property is not vacuous
}
