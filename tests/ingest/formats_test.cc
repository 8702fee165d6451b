// One golden normalized output per input format (tests/data/formats ->
// tests/data/golden; RDL_UPDATE_GOLDEN=1 rewrites), gzip (multi-member),
// per-record detection in mixed files, forced formats, all-lowercase keys,
// stdin, and the S3 CloudTrail directory layout.
#include <doctest/doctest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>

#include "tests/ingest/ingest_test_util.h"

namespace rdl::testing {
namespace {

namespace fs = std::filesystem;

// One gzip member of `data` (zlib with a gzip wrapper).
std::string GzipMember(std::string_view data) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) ==
          Z_OK);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Joined(const std::vector<std::string>& events) {
  std::string s;
  for (const std::string& e : events) s += e + "\n";
  return s;
}

struct FormatCase {
  const char* name;  // tests/data/formats/<name>.<ext>, tests/data/golden/<name>.jsonl
  const char* ext;
  const char* reader;  // the one reader that must have seen every record
  uint64_t records;
};

const FormatCase kFormats[] = {
    {"cloudtrail_records", "json", "cloudtrail", 4},
    {"cloudtrail_lines", "jsonl", "cloudtrail", 3},
    {"cloudtrail_eventbridge", "json", "cloudtrail", 1},
    {"cloudtrail_lookup_events", "json", "cloudtrail", 2},
    {"azure_diagnostic", "json", "azure", 2},
    {"azure_diagnostic_lines", "jsonl", "azure", 2},
    {"azure_rest", "json", "azure", 2},
    {"azure_snake", "jsonl", "azure", 4},
    {"gcp_logentry", "jsonl", "gcp", 3},
    {"gcp_gcloud", "json", "gcp", 2},
    {"gcp_pubsub", "jsonl", "gcp", 2},
    {"ocsf", "jsonl", "ocsf", 2},
    {"normalized", "jsonl", "normalized", 2},
};

TEST_CASE("golden normalized output per input format") {
  for (const FormatCase& f : kFormats) {
    INFO("format sample " << f.name);
    std::string input = SourcePath(std::string("tests/data/formats/") + f.name + "." + f.ext);
    Collected c = ReadPaths({input});
    CHECK(c.ok);
    CHECK(c.errors.empty());
    CHECK(c.stats.records == f.records);
    REQUIRE(c.stats.readers.size() == 1);
    CHECK(c.stats.readers[0].reader == f.reader);
    CHECK(c.stats.readers[0].records == f.records);
    CheckGolden(std::string("tests/data/golden/") + f.name + ".jsonl", Joined(c.events));
  }
}

TEST_CASE("already-normalized events pass through byte for byte") {
  std::string input = ReadFileText(SourcePath("tests/data/formats/normalized.jsonl"));
  Collected c = ReadText(input, "n.jsonl");
  CHECK(Joined(c.events) == input);
}

TEST_CASE("the same record in every CloudTrail wrapper normalizes identically") {
  std::string record = ReadFileText(
      SourcePath("tests/data/corpus/aws/cloud-custodian/event-cloud-trail-create-volume.json"));
  Collected plain = ReadText(record);
  REQUIRE(plain.events.size() == 1);
  std::string escaped;
  for (char ch : record) {
    if (ch == '"' || ch == '\\') escaped.push_back('\\');
    if (ch == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped.push_back(ch);
  }
  const std::string wrappers[] = {
      "{\"Records\":[" + record + "]}",
      "[" + record + "]",
      "{\"detail-type\":\"AWS API Call via CloudTrail\",\"source\":\"aws.ec2\",\"detail\":" +
          record + "}",
      "{\"EventId\":\"x\",\"CloudTrailEvent\":\"" + escaped + "\"}",
      "{\"Events\":[{\"EventId\":\"x\",\"CloudTrailEvent\":\"" + escaped + "\"}]}",
  };
  for (const std::string& w : wrappers) {
    INFO(w.substr(0, 60));
    Collected c = ReadText(w);
    CHECK(c.errors.empty());
    REQUIRE(c.events.size() == 1);
    CHECK(c.events[0] == plain.events[0]);
  }
}

TEST_CASE("gzip: by magic bytes, several members, same events as the plain file") {
  std::string lines = ReadFileText(SourcePath("tests/data/formats/cloudtrail_lines.jsonl"));
  size_t first_nl = lines.find('\n');
  std::string gz =
      GzipMember(lines.substr(0, first_nl + 1)) + GzipMember(lines.substr(first_nl + 1));
  fs::path dir = fs::temp_directory_path() / "rdl_ingest_gzip";
  fs::create_directories(dir);
  // The name says .json, not .gz: detection goes by content.
  std::string path = (dir / "member.json").string();
  WriteFileText(path, gz);
  Collected c = ReadPaths({path});
  CHECK(c.ok);
  CHECK(c.errors.empty());
  REQUIRE(c.events.size() == 3);
  CHECK(c.stats.bytes == lines.size());
  CHECK(c.lines == std::vector<uint64_t>{1, 2, 3});
  Collected plain = ReadText(lines);
  CHECK(c.events == plain.events);
  CheckGolden("tests/data/golden/cloudtrail_gzip.jsonl", Joined(c.events));
  fs::remove_all(dir);
}

TEST_CASE("detection is per record: one file mixing every format") {
  std::string mixed;
  for (const char* f : {"cloudtrail_lines.jsonl", "azure_snake.jsonl", "gcp_logentry.jsonl",
                        "ocsf.jsonl", "normalized.jsonl"}) {
    std::string text = ReadFileText(SourcePath(std::string("tests/data/formats/") + f));
    mixed += text.substr(0, text.find('\n') + 1);
  }
  Collected c = ReadText(mixed, "mixed.jsonl");
  CHECK(c.errors.empty());
  REQUIRE(c.events.size() == 5);
  CHECK(Field(c.events[0], "cloud.provider") == "aws");
  CHECK(Field(c.events[1], "cloud.provider") == "azure");
  CHECK(Field(c.events[2], "cloud.provider") == "gcp");
  CHECK(Field(c.events[3], "metadata.product") == "ocsf");
  CHECK(Field(c.events[4], "metadata.product") == "cloudtrail");  // passed through
  REQUIRE(c.stats.readers.size() == 5);
  const char* order[] = {"cloudtrail", "azure", "gcp", "ocsf", "normalized"};
  for (int i = 0; i < 5; ++i) {
    CHECK(c.stats.readers[i].reader == order[i]);
    CHECK(c.stats.readers[i].records == 1);
  }
  CHECK(c.lines == std::vector<uint64_t>{1, 2, 3, 4, 5});
  CHECK(c.records == std::vector<uint64_t>{0, 1, 2, 3, 4});
}

TEST_CASE("a forced format skips detection") {
  std::string ct = ReadFileText(SourcePath("tests/data/formats/cloudtrail_lines.jsonl"));
  IngestOptions o;
  o.format = "gcp";
  Collected c = ReadText(ct.substr(0, ct.find('\n') + 1), "ct.jsonl", o);
  CHECK(c.events.empty());
  REQUIRE(c.errors.size() == 1);
  CHECK(
      c.errors[0] ==
      "ct.jsonl:1: missing time (timestamp, protoPayload.requestMetadata.requestAttributes.time)");
  REQUIRE(c.stats.readers.size() == 1);
  CHECK(c.stats.readers[0].reader == "gcp");
  CHECK(c.stats.readers[0].skipped == 1);

  o.format = "cloudtrail";
  Collected ok = ReadText(ct, "ct.jsonl", o);
  CHECK(ok.events.size() == 3);

  o.format = "splunk";
  Collected bad = ReadText(ct, "ct.jsonl", o);
  CHECK(!bad.ok);
  REQUIRE(bad.errors.size() == 1);
  CHECK(bad.errors[0] ==
        "unknown input format \"splunk\" (expected auto, cloudtrail, azure, gcp, ocsf or "
        "normalized)");
}

TEST_CASE("all-lowercase CloudTrail keys are read ignoring case") {
  const char* rec =
      R"({"eventversion":"1.08","eventtime":"2024-03-01 12:00:00","eventsource":"ec2.amazonaws.com",)"
      R"("eventname":"CreateSnapshot","awsregion":"us-east-1","recipientaccountid":"111122223333",)"
      R"("useridentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/eve"},)"
      R"("requestparameters":{"volumeid":"vol-1"},"responseelements":{"snapshotid":"snap-1"}})";
  Collected c = ReadText(rec);
  CHECK(c.errors.empty());
  REQUIRE(c.events.size() == 1);
  const std::string& e = c.events[0];
  CHECK(Field(e, "time") == "2024-03-01T12:00:00Z");
  CHECK(Field(e, "api.operation") == "CreateSnapshot");
  CHECK(Field(e, "action") == "snapshot.create");
  CHECK(Field(e, "cloud.account.uid") == "111122223333");
  CHECK(Field(e, "actor.user.uid") == "arn:aws:iam::111122223333:user/eve");
  CHECK(Field(e, "resource.uid") == "snap-1");
  CHECK(Field(e, "related.volume.uid") == "vol-1");
}

TEST_CASE("an unmapped operation is still normalized and delivered, without action") {
  Collected c = ReadText(
      R"({"eventTime":"2024-01-01T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"PutObject","awsRegion":"us-east-1"})");
  REQUIRE(c.events.size() == 1);
  CHECK(Field(c.events[0], "api.operation") == "PutObject");
  CHECK(Field(c.events[0], "action") == "<missing>");
  CHECK(Field(c.events[0], "resource.type") == "<missing>");
  CHECK(Field(c.events[0], "status") == "success");
}

TEST_CASE("Pub/Sub push envelope with base64 data") {
  std::string lines = ReadFileText(SourcePath("tests/data/formats/gcp_pubsub.jsonl"));
  Collected c = ReadText(lines, "p.jsonl");
  REQUIRE(c.events.size() == 2);
  // Base64 and decoded forms of the same LogEntry normalize identically.
  CHECK(c.events[0] == c.events[1]);
  Collected bad = ReadText(R"({"message":{"data":"not base64!"},"subscription":"s"})", "p.json");
  REQUIRE(bad.errors.size() == 1);
  CHECK(bad.errors[0] == "p.json:1: Pub/Sub message.data is not valid base64");
  Collected notjson = ReadText(R"({"message":{"data":"aGVsbG8="},"subscription":"s"})", "p.json");
  REQUIRE(notjson.errors.size() == 1);
  CHECK(notjson.errors[0].rfind("p.json:1: invalid JSON in Pub/Sub message.data: ", 0) == 0);
}

TEST_CASE("EventBridge events that are not CloudTrail are reported") {
  Collected c = ReadText(
      R"({"detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","detail":{"state":"running"}})",
      "eb.json");
  REQUIRE(c.errors.size() == 1);
  CHECK(c.errors[0] ==
        "eb.json:1: unsupported EventBridge event (detail-type \"EC2 Instance State-change "
        "Notification\")");
}

TEST_CASE("Azure status mapping: success, failure, pending") {
  auto status = [](const char* result) {
    std::string rec =
        std::string(R"({"time":"2024-01-01T00:00:00Z","resourceId":"/subscriptions/s/x",)") +
        R"("operationName":"Microsoft.Compute/disks/delete","resultType":")" + result +
        R"(","properties":{"statusCode":"Conflict","statusMessage":"busy"}})";
    Collected c = ReadText(rec);
    REQUIRE(c.events.size() == 1);
    return Field(c.events[0], "status") + "|" + Field(c.events[0], "error.code");
  };
  CHECK(status("Success") == "success|<missing>");
  CHECK(status("Succeeded") == "success|<missing>");
  CHECK(status("Failure") == "failure|Conflict");
  CHECK(status("Failed") == "failure|Conflict");
  CHECK(status("Start") == "pending|<missing>");
  CHECK(status("Started") == "pending|<missing>");
  CHECK(status("Accepted") == "pending|<missing>");
  CHECK(status("Whatever") == "<missing>|<missing>");
}

TEST_CASE("Azure write operations: create when new, modify when the completion says OK") {
  std::string rest = ReadFileText(SourcePath("tests/data/formats/azure_rest.json"));
  std::string disk_ok =
      R"({"time":"2024-01-01T00:00:00Z","resourceId":"/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/disks/d",)"
      R"("operationName":"MICROSOFT.COMPUTE/DISKS/WRITE","resultType":"Success","properties":{"statusCode":"OK"}})";
  Collected c = ReadText(disk_ok);
  REQUIRE(c.events.size() == 1);
  CHECK(Field(c.events[0], "action") == "volume.modify");
  std::string disk_created = disk_ok;
  disk_created.replace(disk_created.find("\"OK\""), 4, "\"Created\"");
  Collected d = ReadText(disk_created);
  CHECK(Field(d.events[0], "action") == "volume.create");
}

TEST_CASE("Azure request bodies: tags, VM size, export URLs are public") {
  std::string vm =
      R"({"time":"2024-01-01T00:00:00Z","resourceId":"/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/vm1",)"
      R"("operationName":"Microsoft.Compute/virtualMachines/write","resultType":"Start","location":"westeurope",)"
      R"("properties":{"requestbody":"{\"location\":\"westeurope\",\"tags\":{\"owner\":\"ops\",\"ticket\":\"CHG42\"},)"
      R"(\"properties\":{\"hardwareProfile\":{\"vmSize\":\"Standard_NC24\"},\"storageProfile\":{\"imageReference\":{\"id\":\"/subscriptions/s/img/i1\"}}}}"}})";
  Collected c = ReadText(vm);
  REQUIRE(c.events.size() == 1);
  CHECK(Field(c.events[0], "tags") == R"({"owner":"ops","ticket":"CHG42"})");
  CHECK(Field(c.events[0], "instance.type") == "Standard_NC24");
  CHECK(Field(c.events[0], "related.image.uid") == "/subscriptions/s/img/i1");
  CHECK(Field(c.events[0], "resource.name") == "vm1");
  CHECK(Field(c.events[0], "cloud.region") == "westeurope");
  std::string export_sas =
      R"({"time":"2024-01-01T00:00:00Z","resourceId":"/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/snapshots/s1",)"
      R"("operationName":"Microsoft.Compute/snapshots/beginGetAccess/action","resultType":"Success"})";
  Collected e = ReadText(export_sas);
  REQUIRE(e.events.size() == 1);
  CHECK(Field(e.events[0], "action") == "snapshot.export");
  CHECK(Field(e.events[0], "share.public") == "true");
}

TEST_CASE("GCP: methodName derived from the request type; allUsers is public; labels") {
  std::string entry =
      R"({"insertId":"i1","logName":"projects/p1/logs/cloudaudit.googleapis.com%2Factivity","timestamp":"2024-01-01T00:00:00Z",)"
      R"("resource":{"type":"gce_snapshot","labels":{"project_id":"p1"}},)"
      R"("protoPayload":{"serviceName":"compute.googleapis.com","resourceName":"projects/p1/global/snapshots/s1",)"
      R"("authenticationInfo":{"principalEmail":"ci@p1.iam.gserviceaccount.com"},)"
      R"("request":{"@type":"type.googleapis.com/compute.snapshots.setIamPolicy","policy":{"bindings":[{"role":"roles/compute.storageAdmin","members":["allUsers"]}]}}}})";
  Collected c = ReadText(entry);
  REQUIRE(c.events.size() == 1);
  CHECK(Field(c.events[0], "api.operation") == "compute.snapshots.setIamPolicy");
  CHECK(Field(c.events[0], "action") == "snapshot.modify");
  CHECK(Field(c.events[0], "share.public") == "true");
  CHECK(Field(c.events[0], "share.accounts") == R"(["allUsers"])");
  CHECK(Field(c.events[0], "actor.user.type") == "ServiceAccount");
  CHECK(Field(c.events[0], "actor.user.account.uid") == "p1");
  std::string labels =
      R"({"insertId":"i2","timestamp":"2024-01-01T00:00:00Z","protoPayload":{"methodName":"v1.compute.instances.insert",)"
      R"("resourceName":"projects/p1/zones/europe-west1-b/instances/vm","request":{"machineType":"zones/europe-west1-b/machineTypes/a2-highgpu-8g",)"
      R"("labels":[{"key":"env","value":"prod"},{"key":"ticket","value":"CHG7"}]},"status":{"code":7,"message":"denied"}}})";
  Collected l = ReadText(labels);
  REQUIRE(l.events.size() == 1);
  CHECK(Field(l.events[0], "tags") == R"({"env":"prod","ticket":"CHG7"})");
  CHECK(Field(l.events[0], "instance.type") == "a2-highgpu-8g");
  CHECK(Field(l.events[0], "cloud.region") == "europe-west1-b");
  CHECK(Field(l.events[0], "cloud.account.uid") == "p1");
  CHECK(Field(l.events[0], "status") == "failure");
  CHECK(Field(l.events[0], "error.code") == "7");
  CHECK(Field(l.events[0], "error.message") == "denied");
}

TEST_CASE("GCP quota override and AWS EBS direct reads") {
  std::string quota =
      R"({"insertId":"q","timestamp":"2024-01-01T00:00:00Z","protoPayload":{"serviceName":"serviceusage.googleapis.com",)"
      R"("methodName":"google.api.serviceusage.v1beta1.ServiceUsage.CreateConsumerOverride","resourceName":"projects/123/services/compute.googleapis.com/consumerQuotaMetrics/x",)"
      R"("request":{"override":{"metric":"compute.googleapis.com/gpus_all_regions","overrideValue":"64"}}}})";
  Collected c = ReadText(quota);
  REQUIRE(c.events.size() == 1);
  CHECK(Field(c.events[0], "action") == "quota.increase");
  CHECK(Field(c.events[0], "quota.code") == "compute.googleapis.com/gpus_all_regions");
  CHECK(Field(c.events[0], "quota.value") == "64.0");
}

TEST_CASE("stdin is read with `-`") {
  std::string lines = ReadFileText(SourcePath("tests/data/formats/cloudtrail_lines.jsonl"));
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  REQUIRE(write(fds[1], lines.data(), lines.size()) == static_cast<ssize_t>(lines.size()));
  close(fds[1]);
  int saved = dup(0);
  dup2(fds[0], 0);
  close(fds[0]);
  Collected c = ReadPaths({"-"});
  dup2(saved, 0);
  close(saved);
  CHECK(c.ok);
  CHECK(c.events.size() == 3);
  REQUIRE(!c.files.empty());
  CHECK(c.files[0] == "-");
}

TEST_CASE(
    "S3 CloudTrail layout: walked recursively in file-time order, digests and hidden files "
    "skipped") {
  fs::path root = fs::temp_directory_path() / "rdl_ingest_s3";
  fs::remove_all(root);
  fs::path base = root / "AWSLogs" / "111122223333" / "CloudTrail";
  auto record = [](const std::string& id, const std::string& time) {
    return R"({"eventVersion":"1.08","eventID":")" + id + R"(","eventTime":")" + time +
           R"(","eventSource":"ec2.amazonaws.com","eventName":"CreateSnapshot","awsRegion":"us-east-1",)"
           R"("recipientAccountId":"111122223333","responseElements":{"snapshotId":"snap-)" +
           id + R"("}})";
  };
  auto write_gz = [](const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    WriteFileText(p.string(), GzipMember(text));
  };
  // Written out of order; read back in the order of the files' times, then
  // paths (us-west-2's 00:05 file comes before us-east-1's 00:10 one).
  write_gz(base / "us-west-2/2024/01/01/111122223333_CloudTrail_us-west-2_20240101T0005Z_b.json.gz",
           "{\"Records\":[" + record("w1", "2024-01-01T00:04:00Z") + "]}");
  write_gz(base / "us-east-1/2024/01/02/111122223333_CloudTrail_us-east-1_20240102T0000Z_a.json.gz",
           "{\"Records\":[" + record("e3", "2024-01-02T00:00:00Z") + "]}");
  write_gz(base / "us-east-1/2024/01/01/111122223333_CloudTrail_us-east-1_20240101T0010Z_b.json.gz",
           "{\"Records\":[" + record("e2", "2024-01-01T00:09:00Z") + "]}");
  write_gz(base / "us-east-1/2024/01/01/111122223333_CloudTrail_us-east-1_20240101T0005Z_a.json.gz",
           "{\"Records\":[" + record("e0", "2024-01-01T00:01:00Z") + "," +
               record("e1", "2024-01-01T00:02:00Z") + "]}");
  write_gz(root / "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/01/01/digest.json.gz",
           R"({"awsAccountId":"111122223333","digestStartTime":"2024-01-01T00:00:00Z"})");
  WriteFileText((base / "us-east-1/.DS_Store").string(), "junk");
  Collected c = ReadPaths({root.string()});
  CHECK(c.ok);
  CHECK(c.errors.empty());
  CHECK(c.stats.files == 4);
  std::vector<std::string> ids;
  for (const std::string& e : c.events) ids.push_back(Field(e, "metadata.uid"));
  CHECK(ids == std::vector<std::string>{"e0", "e1", "w1", "e2", "e3"});
  CHECK(Field(c.events[0], "resource.uid") == "snap-e0");
  CHECK(c.records == std::vector<uint64_t>{0, 1, 0, 0, 0});  // index within each file
  fs::remove_all(root);
}

}  // namespace
}  // namespace rdl::testing
