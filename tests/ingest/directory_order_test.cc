// Directories read in the order of the time their files' paths name
// (PathTimeKey), so that regions and clouds side by side interleave in
// time instead of one after another.
#include <doctest/doctest.h>

#include <filesystem>

#include "runtime/ingest/delivery.h"
#include "tests/ingest/ingest_test_util.h"

using namespace rdl;
using namespace rdl::testing;

TEST_CASE("PathTimeKey: the time a log file's path names") {
  using ingest::PathTimeKey;
  CHECK(PathTimeKey("logs/AWSLogs/111122223333/CloudTrail/us-west-2/2026/01/11/"
                    "111122223333_CloudTrail_us-west-2_20260111T1205Z_01hWmxXT0mOXr8Sf.json.gz") ==
        "202601111205");
  CHECK(PathTimeKey("x/insights-activity-logs/resourceId=/SUBSCRIPTIONS/S/y=2026/m=01/d=14/h=07/"
                    "m=00/PT1H.json") == "202601140700");
  CHECK(PathTimeKey("s/cloudaudit.googleapis.com/activity/2026/01/13/16:00:00_16:59:59_S0.json") ==
        "202601131600");
  CHECK(PathTimeKey("archive/2025/12/31/export.json") == "202512310000");
  CHECK(PathTimeKey("a/b/c.json") == "");
  CHECK(PathTimeKey("a/y=20/m=1/x.json") == "");
  CHECK(PathTimeKey("1234_CloudTrail_r_2026011T1205Z_x.json") == "");  // 7 digits: not a time
}

TEST_CASE("a directory is read in path-time order across regions and clouds") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "rdl_directory_order_test";
  fs::remove_all(dir);
  auto write = [&](const std::string& rel, const std::string& id, const std::string& time) {
    fs::create_directories((dir / rel).parent_path());
    WriteFileText((dir / rel).string(),
                  R"({"Records":[{"eventVersion":"1.08","eventID":")" + id + R"(","eventTime":")" +
                      time +
                      R"(","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances",)"
                      R"("awsRegion":"x","recipientAccountId":"111122223333"}]})");
  };
  const std::string ct = "AWSLogs/111122223333/CloudTrail/";
  // Path order: eu-west-1 (00:10, 00:20), then us-east-1 (00:05, 00:15).
  write(ct + "eu-west-1/2026/01/01/111122223333_CloudTrail_eu-west-1_20260101T0010Z_a.json", "eu-1",
        "2026-01-01T00:08:00Z");
  write(ct + "eu-west-1/2026/01/01/111122223333_CloudTrail_eu-west-1_20260101T0020Z_b.json", "eu-2",
        "2026-01-01T00:18:00Z");
  write(ct + "us-east-1/2026/01/01/111122223333_CloudTrail_us-east-1_20260101T0005Z_c.json", "us-1",
        "2026-01-01T00:03:00Z");
  write(ct + "us-east-1/2026/01/01/111122223333_CloudTrail_us-east-1_20260101T0015Z_d.json", "us-2",
        "2026-01-01T00:13:00Z");
  write("notes/undated.json", "undated", "2026-01-01T00:00:00Z");
  Collected c = ReadPaths({dir.string()});
  REQUIRE(c.events.size() == 5);
  std::vector<std::string> ids;
  for (const std::string& e : c.events) ids.push_back(testing::Field(e, "metadata.uid"));
  CHECK(ids == std::vector<std::string>{"undated", "us-1", "eu-1", "us-2", "eu-2"});
  fs::remove_all(dir);
}
