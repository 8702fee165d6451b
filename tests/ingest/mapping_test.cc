// The provider mapping tables: T1578 coverage per provider, the candidate
// rule language, override files (IngestOptions::mapping_files) and their
// validation, and docs/schema.md generated from stdlib/schema.json.
#include "runtime/ingest/mapping.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "stdlib/embedded.h"
#include "tests/ingest/ingest_test_util.h"

namespace rdl::testing {
namespace {

namespace fs = std::filesystem;

struct OpCase {
  const char* provider;  // aws | azure | gcp
  const char* service;   // eventSource / serviceName (unused for Azure)
  const char* operation;
  const char* action;  // expected; "" = unmapped
  const char* resource_type;
};

// The T1578 operations (and neighbours) every table must map.
const OpCase kOps[] = {
    {"aws", "ec2.amazonaws.com", "RunInstances", "instance.create", "instance"},
    {"aws", "ec2.amazonaws.com", "TerminateInstances", "instance.delete", "instance"},
    {"aws", "ec2.amazonaws.com", "StartInstances", "instance.start", "instance"},
    {"aws", "ec2.amazonaws.com", "StopInstances", "instance.stop", "instance"},
    {"aws", "ec2.amazonaws.com", "RebootInstances", "instance.reboot", "instance"},
    {"aws", "ec2.amazonaws.com", "ModifyInstanceAttribute", "instance.modify", "instance"},
    {"aws", "ec2.amazonaws.com", "AssociateIamInstanceProfile", "instance.modify", "instance"},
    {"aws", "ec2.amazonaws.com", "ReplaceIamInstanceProfileAssociation", "instance.modify",
     "instance"},
    {"aws", "ec2.amazonaws.com", "CreateSnapshot", "snapshot.create", "snapshot"},
    {"aws", "ec2.amazonaws.com", "CreateSnapshots", "snapshot.create", "snapshot"},
    {"aws", "ec2.amazonaws.com", "DeleteSnapshot", "snapshot.delete", "snapshot"},
    {"aws", "ec2.amazonaws.com", "CopySnapshot", "snapshot.copy", "snapshot"},
    {"aws", "ec2.amazonaws.com", "ModifySnapshotAttribute", "snapshot.modify", "snapshot"},
    {"aws", "ec2.amazonaws.com", "ResetSnapshotAttribute", "snapshot.modify", "snapshot"},
    {"aws", "ec2.amazonaws.com", "CreateVolume", "volume.create", "volume"},
    {"aws", "ec2.amazonaws.com", "DeleteVolume", "volume.delete", "volume"},
    {"aws", "ec2.amazonaws.com", "AttachVolume", "volume.attach", "volume"},
    {"aws", "ec2.amazonaws.com", "DetachVolume", "volume.detach", "volume"},
    {"aws", "ec2.amazonaws.com", "ModifyVolume", "volume.modify", "volume"},
    {"aws", "ec2.amazonaws.com", "CreateReplaceRootVolumeTask", "instance.revert", "instance"},
    {"aws", "ec2.amazonaws.com", "CreateImage", "image.create", "image"},
    {"aws", "ec2.amazonaws.com", "CopyImage", "image.copy", "image"},
    {"aws", "ec2.amazonaws.com", "DeregisterImage", "image.delete", "image"},
    {"aws", "ec2.amazonaws.com", "ModifyImageAttribute", "image.modify", "image"},
    // An AMI written to S3 is an image export; an instance export stays snapshot.export.
    {"aws", "ec2.amazonaws.com", "ExportImage", "image.export", "image"},
    {"aws", "ec2.amazonaws.com", "CreateStoreImageTask", "image.export", "image"},
    {"aws", "ec2.amazonaws.com", "CreateRestoreImageTask", "image.create", "image"},
    {"aws", "ec2.amazonaws.com", "CreateInstanceExportTask", "snapshot.export", "instance"},
    {"aws", "ebs.amazonaws.com", "StartSnapshot", "snapshot.create", "snapshot"},
    {"aws", "ebs.amazonaws.com", "CompleteSnapshot", "snapshot.modify", "snapshot"},
    {"aws", "ebs.amazonaws.com", "PutSnapshotBlock", "snapshot.modify", "snapshot"},
    {"aws", "ebs.amazonaws.com", "GetSnapshotBlock", "snapshot.read", "snapshot"},
    {"aws", "account.amazonaws.com", "EnableRegion", "region.enable", "region"},
    {"aws", "account.amazonaws.com", "DisableRegion", "region.disable", "region"},
    {"aws", "servicequotas.amazonaws.com", "RequestServiceQuotaIncrease", "quota.increase",
     "quota"},
    {"aws", "ec2.amazonaws.com", "DisableEbsEncryptionByDefault", "encryption.disable", "account"},
    {"aws", "ec2-instance-connect.amazonaws.com", "SendSSHPublicKey", "instance.connect",
     "instance"},
    {"aws", "ec2.amazonaws.com", "GetPasswordData", "instance.connect", "instance"},
    {"aws", "rds.amazonaws.com", "CreateDBSnapshot", "snapshot.create", "db_snapshot"},
    {"aws", "rds.amazonaws.com", "ModifyDBSnapshotAttribute", "snapshot.modify", "db_snapshot"},
    {"aws", "rds.amazonaws.com", "RestoreDBInstanceFromDBSnapshot", "snapshot.restore",
     "db_instance"},
    {"aws", "rds.amazonaws.com", "StartExportTask", "snapshot.export", "db_snapshot"},
    // A service-qualified entry does not catch another service's homonym.
    {"aws", "elasticache.amazonaws.com", "StartExportTask", "", ""},
    {"aws", "lightsail.amazonaws.com", "GetSnapshotBlock", "", ""},
    {"azure", "", "Microsoft.Compute/virtualMachines/write", "instance.create", "instance"},
    {"azure", "", "Microsoft.Compute/virtualMachines/delete", "instance.delete", "instance"},
    {"azure", "", "MICROSOFT.COMPUTE/VIRTUALMACHINES/START/ACTION", "instance.start", "instance"},
    {"azure", "", "microsoft.compute/virtualmachines/poweroff/action", "instance.stop", "instance"},
    {"azure", "", "Microsoft.Compute/virtualMachines/deallocate/action", "instance.stop",
     "instance"},
    {"azure", "", "Microsoft.Compute/virtualMachines/restart/action", "instance.reboot",
     "instance"},
    {"azure", "", "Microsoft.Compute/virtualMachines/runCommand/action", "instance.run_command",
     "instance"},
    {"azure", "", "Microsoft.Compute/virtualMachines/reimage/action", "instance.revert",
     "instance"},
    {"azure", "", "Microsoft.Compute/disks/write", "volume.create", "volume"},
    {"azure", "", "Microsoft.Compute/disks/delete", "volume.delete", "volume"},
    {"azure", "", "Microsoft.Compute/disks/beginGetAccess/action", "snapshot.export", "volume"},
    {"azure", "", "Microsoft.Compute/snapshots/write", "snapshot.create", "snapshot"},
    {"azure", "", "Microsoft.Compute/snapshots/delete", "snapshot.delete", "snapshot"},
    {"azure", "", "Microsoft.Compute/snapshots/beginGetAccess/action", "snapshot.export",
     "snapshot"},
    {"azure", "", "Microsoft.Compute/restorePointCollections/restorePoints/write",
     "restore_point.create", "restore_point"},
    {"azure", "", "Microsoft.Compute/images/write", "image.create", "image"},
    {"azure", "", "Microsoft.Compute/virtualMachineScaleSets/write", "instance.create",
     "instance_group"},
    {"azure", "", "Microsoft.Compute/virtualMachineScaleSets/delete", "instance.delete",
     "instance_group"},
    {"azure", "", "Microsoft.Support/supportTickets/write", "quota.increase", "quota"},
    {"azure", "", "Microsoft.Quota/quotas/write", "quota.increase", "quota"},
    {"azure", "", "Microsoft.Subscription/aliases/write", "subscription.create", "subscription"},
    {"azure", "", "Microsoft.Subscription/cancel/action", "subscription.modify", "subscription"},
    {"azure", "", "Microsoft.Compute/virtualMachines/read", "", ""},
    {"gcp", "compute.googleapis.com", "v1.compute.instances.insert", "instance.create", "instance"},
    {"gcp", "compute.googleapis.com", "beta.compute.instances.delete", "instance.delete",
     "instance"},
    {"gcp", "compute.googleapis.com", "alpha.compute.instances.start", "instance.start",
     "instance"},
    {"gcp", "compute.googleapis.com", "v1.compute.instances.stop", "instance.stop", "instance"},
    {"gcp", "compute.googleapis.com", "v1.compute.instances.setMetadata", "instance.modify",
     "instance"},
    {"gcp", "compute.googleapis.com", "v1.compute.instances.setMachineType", "instance.modify",
     "instance"},
    {"gcp", "compute.googleapis.com", "v1.compute.instances.setServiceAccount", "instance.modify",
     "instance"},
    {"gcp", "compute.googleapis.com", "v1.compute.instances.attachDisk", "volume.attach", "volume"},
    {"gcp", "compute.googleapis.com", "v1.compute.instances.detachDisk", "volume.detach", "volume"},
    {"gcp", "compute.googleapis.com", "v1.compute.disks.insert", "volume.create", "volume"},
    {"gcp", "compute.googleapis.com", "v1.compute.disks.delete", "volume.delete", "volume"},
    {"gcp", "compute.googleapis.com", "v1.compute.disks.createSnapshot", "snapshot.create",
     "snapshot"},
    {"gcp", "compute.googleapis.com", "v1.compute.disks.resize", "volume.modify", "volume"},
    {"gcp", "compute.googleapis.com", "v1.compute.disks.setIamPolicy", "volume.modify", "volume"},
    {"gcp", "compute.googleapis.com", "v1.compute.snapshots.insert", "snapshot.create", "snapshot"},
    {"gcp", "compute.googleapis.com", "v1.compute.snapshots.delete", "snapshot.delete", "snapshot"},
    {"gcp", "compute.googleapis.com", "v1.compute.snapshots.setIamPolicy", "snapshot.modify",
     "snapshot"},
    {"gcp", "compute.googleapis.com", "v1.compute.images.insert", "image.create", "image"},
    {"gcp", "compute.googleapis.com", "v1.compute.images.delete", "image.delete", "image"},
    {"gcp", "compute.googleapis.com", "v1.compute.images.setIamPolicy", "image.modify", "image"},
    {"gcp", "compute.googleapis.com", "v1.compute.instanceTemplates.insert", "instance.modify",
     "instance_template"},
    {"gcp", "serviceusage.googleapis.com",
     "google.api.serviceusage.v1beta1.ServiceUsage.CreateConsumerOverride", "quota.increase",
     "quota"},
    {"gcp", "cloudresourcemanager.googleapis.com", "CreateProject", "subscription.create",
     "project"},
    {"gcp", "cloudresourcemanager.googleapis.com", "SetIamPolicy", "iam.modify", "project"},
    // Only API version prefixes are stripped.
    {"gcp", "compute.googleapis.com", "v2.compute.instances.insert", "", ""},
};

std::string MinimalRecord(const OpCase& c) {
  std::string p = c.provider;
  if (p == "aws") {
    return std::string(R"({"eventTime":"2024-01-01T00:00:00Z","eventSource":")") + c.service +
           R"(","eventName":")" + c.operation + R"("})";
  }
  if (p == "azure") {
    return std::string(R"({"time":"2024-01-01T00:00:00Z","resourceId":"/subscriptions/s/r",)") +
           R"("operationName":")" + c.operation + R"("})";
  }
  return std::string(R"({"timestamp":"2024-01-01T00:00:00Z","protoPayload":{"serviceName":")") +
         c.service + R"(","methodName":")" + c.operation + R"("}})";
}

TEST_CASE("T1578 operations map to their action on all three clouds") {
  for (const OpCase& c : kOps) {
    INFO(c.provider << " " << c.service << " " << c.operation);
    Collected r = ReadText(MinimalRecord(c));
    REQUIRE(r.events.size() == 1);
    std::string action = *c.action ? c.action : "<missing>";
    std::string type = *c.resource_type ? c.resource_type : "<missing>";
    CHECK(Field(r.events[0], "action") == action);
    CHECK(Field(r.events[0], "resource.type") == type);
    CHECK(Field(r.events[0], "cloud.provider") == c.provider);
  }
}

TEST_CASE("the embedded tables load, and every action they name is in the taxonomy") {
  ingest::Mappings m;
  std::string error;
  REQUIRE_MESSAGE(ingest::LoadMappings({}, &m, &error), error);
  CHECK(m.aws.operations.size() > 100);
  CHECK(m.azure.operations.size() >= 70);
  CHECK(m.gcp.operations.size() > 70);
  CHECK(m.azure.case_insensitive);
  CHECK(m.gcp.strip_prefixes == std::vector<std::string>{"v1.", "beta.", "alpha."});
  const ingest::Schema& schema = ingest::GetSchema();
  CHECK(schema.actions.size() == 43);
  CHECK(std::find(schema.actions.begin(), schema.actions.end(), "image.export") !=
        schema.actions.end());
  int f_action = schema.Find("action");
  for (const ingest::ProviderMapping* pm : {&m.aws, &m.azure, &m.gcp}) {
    for (const auto& [name, rs] : pm->operations) {
      INFO(pm->provider << " " << name);
      CHECK(rs.fields.count(f_action) == 1);
    }
  }
  CHECK(schema.Find("resources.uid") >= 0);
  CHECK(schema.fields[schema.Find("resources.uid")].derived);
  CHECK(!schema.fields[schema.Find("resources")].derived);
}

// Writes `json` to a temp mapping file and reads `record` with it.
Collected WithMapping(const std::string& json, const std::string& record,
                      std::string* file = nullptr) {
  fs::path dir = fs::temp_directory_path() / "rdl_ingest_mapping";
  fs::create_directories(dir);
  std::string path = (dir / "override.json").string();
  WriteFileText(path, json);
  if (file) *file = path;
  IngestOptions o;
  o.mapping_files.push_back(path);
  return ReadText(record, "r.json", o);
}

TEST_CASE("mapping files override, add and remove entries without rebuilding") {
  const char* mapping = R"({
    "provider": "aws",
    "fields": {"cloud.region": ["requestParameters.region", "awsRegion"]},
    "operations": {
      "DeleteSnapshot": null,
      "CreateSnapshot": {"action": "snapshot.copy", "resource.type": "snapshot", "resource.uid": ["responseElements.snapshotId"]},
      "s3.amazonaws.com:PutObject": {"action": "snapshot.export", "resource.type": "object",
                                      "resource.uid": ["requestParameters.key"]}
    }
  })";
  auto rec = [](const char* svc, const char* op, const char* extra) {
    return std::string(
               R"({"eventTime":"2024-01-01T00:00:00Z","awsRegion":"us-east-1","eventSource":")") +
           svc + R"(","eventName":")" + op + "\"" + extra + "}";
  };
  Collected put =
      WithMapping(mapping, rec("s3.amazonaws.com", "PutObject",
                               R"(,"requestParameters":{"key":"dump.vmdk","region":"eu-west-3"})"));
  REQUIRE(put.events.size() == 1);
  CHECK(Field(put.events[0], "action") == "snapshot.export");
  CHECK(Field(put.events[0], "resource.uid") == "dump.vmdk");
  CHECK(Field(put.events[0], "cloud.region") == "eu-west-3");
  Collected del = WithMapping(mapping, rec("ec2.amazonaws.com", "DeleteSnapshot", ""));
  CHECK(Field(del.events[0], "action") == "<missing>");
  CHECK(Field(del.events[0], "cloud.region") == "us-east-1");
  Collected cs = WithMapping(mapping, rec("ec2.amazonaws.com", "CreateSnapshot",
                                          R"(,"responseElements":{"snapshotId":"snap-9"})"));
  CHECK(Field(cs.events[0], "action") == "snapshot.copy");
  CHECK(Field(cs.events[0], "related.volume.uid") == "<missing>");  // the entry was replaced whole
  // Untouched entries keep working.
  Collected run = WithMapping(mapping, rec("ec2.amazonaws.com", "RunInstances", ""));
  CHECK(Field(run.events[0], "action") == "instance.create");
}

TEST_CASE("Azure overrides match ignoring case and replace the embedded spelling") {
  Collected c = WithMapping(
      R"({"provider":"azure","operations":{"microsoft.compute/disks/delete":{"action":"backup.delete","resource.type":"disk"}}})",
      R"({"time":"2024-01-01T00:00:00Z","resourceId":"/subscriptions/s/r","operationName":"MICROSOFT.COMPUTE/DISKS/DELETE"})");
  REQUIRE(c.events.size() == 1);
  CHECK(Field(c.events[0], "action") == "backup.delete");
  CHECK(Field(c.events[0], "api.operation") == "microsoft.compute/disks/delete");
}

TEST_CASE("candidate rules: regex capture, equals, map with default, value, lower, const") {
  const char* mapping = R"({
    "provider": "gcp",
    "fields": {
      "actor.user.name": [{"path": "protoPayload.authenticationInfo.principalEmail", "regex": "^([^@]+)@"}],
      "quota.code": [{"path": "labels.k", "equals": ["A", "b"], "value": "matched"}, {"const": "none"}],
      "error.code": [{"path": "labels.sev", "map": {"hi": "H"}, "default": "other"}],
      "instance.type": [{"path": "labels.shout", "lower": true}],
      "quota.value": [{"path": "labels.n"}],
      "actor.session.mfa": [{"path": "labels.mfa"}],
      "share.accounts": ["labels.list", "labels.never"],
      "resource.name": [{"path": "labels[\"dotted.key\"]"}],
      "status": [{"const": "failure"}]
    }
  })";
  Collected c = WithMapping(
      mapping,
      R"({"timestamp":"2024-01-01T00:00:00Z","protoPayload":{"methodName":"m","authenticationInfo":{"principalEmail":"ann@example.com"}},)"
      R"("labels":{"k":"B","sev":"lo","shout":"N2-STANDARD","n":"2.5","mfa":"TRUE","list":["x","y"],"dotted.key":"dk"}})");
  REQUIRE(c.events.size() == 1);
  const std::string& e = c.events[0];
  CHECK(Field(e, "actor.user.name") == "ann");
  CHECK(Field(e, "quota.code") == "matched");
  CHECK(Field(e, "error.code") == "other");
  CHECK(Field(e, "instance.type") == "n2-standard");
  CHECK(Field(e, "quota.value") == "2.5");
  CHECK(Field(e, "actor.session.mfa") == "true");
  CHECK(Field(e, "share.accounts") == R"(["x","y"])");
  CHECK(Field(e, "resource.name") == "dk");
  Collected d = WithMapping(
      mapping,
      R"({"timestamp":"2024-01-01T00:00:00Z","protoPayload":{"methodName":"m"},"labels":{"k":"c","sev":"HI"}})");
  CHECK(Field(d.events[0], "quota.code") == "none");
  CHECK(Field(d.events[0], "error.code") == "H");
}

TEST_CASE("bad mapping files are refused with a precise message") {
  struct Bad {
    const char* json;
    const char* message;  // after "<file>: "
  };
  const Bad cases[] = {
      {R"({"operations":{}})",
       "a mapping file needs \"provider\": \"aws\" | \"azure\" | \"gcp\" | \"ocsf\""},
      {R"({"provider":"oracle"})",
       "provider: expected \"aws\", \"azure\", \"gcp\" or \"ocsf\", got \"oracle\""},
      {R"({"provider":"aws","operations":{"X":{"action":"snapshot.steal"}}})",
       "operations.X.action: unknown action \"snapshot.steal\" (see stdlib/actions.txt)"},
      {R"({"provider":"aws","operations":{"X":{"action.kind":"a"}}})",
       "operations.X.action.kind: not a normalized field (see stdlib/schema.json)"},
      {R"({"provider":"aws","fields":{"resources.uid":["a"]}})",
       "fields.resources.uid: not a normalized field (see stdlib/schema.json)"},
      {R"({"provider":"aws","fields":{"cloud.region":[{"path":"a","regex":"(("}]}})",
       "fields.cloud.region[0].regex: bad regex: missing ): (("},
      {R"({"provider":"aws","fields":{"cloud.region":[{"path":"a..b"}]}})",
       "fields.cloud.region[0].path: bad path \"a..b\": empty segment"},
      {R"({"provider":"aws","fields":{"cloud.region":[{"regex":"x"}]}})",
       "fields.cloud.region[0]: a candidate needs exactly one of `path` and `const`"},
      {R"({"provider":"aws","fields":{"cloud.region":[{"path":"a","frobnicate":1}]}})",
       "fields.cloud.region[0].frobnicate: unknown candidate key (path, const, regex, equals, map, "
       "default, value, lower)"},
      {R"({"provider":"aws","colour":"blue"})",
       "colour: unknown key (provider, match, required, fields, operations)"},
  };
  for (const Bad& b : cases) {
    INFO(b.json);
    std::string file;
    Collected c = WithMapping(b.json, "{}", &file);
    CHECK(!c.ok);
    CHECK(c.events.empty());
    REQUIRE(c.errors.size() == 1);
    CHECK(c.errors[0] == file + ": " + b.message);
  }
  IngestOptions o;
  o.mapping_files.push_back("/nonexistent/m.json");
  Collected c = ReadText("{}", "r.json", o);
  CHECK(!c.ok);
  REQUIRE(c.errors.size() == 1);
  CHECK(c.errors[0] == "/nonexistent/m.json: cannot open mapping file");
}

TEST_CASE("json paths") {
  ingest::JsonPath p;
  std::string err;
  REQUIRE(ingest::ParseJsonPath("identity.claims[\"http://x/y.z\"].v", &p, &err));
  CHECK(p.segments == std::vector<std::string>{"identity", "claims", "http://x/y.z", "v"});
  REQUIRE(ingest::ParseJsonPath("a.items[].b", &p, &err));
  CHECK(p.segments == std::vector<std::string>{"a", "items", "b"});
  REQUIRE(ingest::ParseJsonPath("properties.requestbody.$json.tags", &p, &err));
  CHECK(p.segments[2] == "$json");
  REQUIRE(ingest::ParseJsonPath("$operation", &p, &err));
  CHECK(p.is_operation);
  CHECK(!ingest::ParseJsonPath("", &p, &err));
  CHECK(!ingest::ParseJsonPath("a.", &p, &err));
  CHECK(!ingest::ParseJsonPath("a.$env", &p, &err));
  CHECK(err == "bad path \"a.$env\": unknown step $env");
  CHECK(!ingest::ParseJsonPath("a[\"b", &p, &err));
}

// docs/schema.md is generated from stdlib/schema.json; this test fails
// when the doc is stale and RDL_UPDATE_GOLDEN=1 rewrites it.
TEST_CASE("docs/schema.md is generated from stdlib/schema.json") {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view text = rdl::embedded::schema_json();
  REQUIRE(!parser.parse(text.data(), text.size()).get(doc));
  std::string md =
      "# Normalized event fields\n\n"
      "<!-- Generated from stdlib/schema.json by tests/ingest/mapping_test.cc; do not edit.\n"
      "     Rebuild with: RDL_UPDATE_GOLDEN=1 build/bin/rdl_ingest_tests -tc='docs/schema.md*' "
      "-->\n\n";
  std::string_view comment;
  REQUIRE(!doc["comment"].get_string().get(comment));
  md += std::string(comment) + "\n\n";
  md +=
      "As JSON, a normalized event nests objects along the dots (`actor.user.uid` is\n"
      "`{\"actor\":{\"user\":{\"uid\":...}}}`) in the order below; `time` is RFC 3339 UTC.\n"
      "How each provider fills them: [inputs.md](inputs.md).\n\n";
  md += "| field | type | meaning |\n|---|---|---|\n";
  simdjson::dom::array fields;
  REQUIRE(!doc["fields"].get_array().get(fields));
  for (simdjson::dom::element f : fields) {
    std::string_view name, type, d;
    REQUIRE(!f["name"].get_string().get(name));
    REQUIRE(!f["type"].get_string().get(type));
    REQUIRE(!f["doc"].get_string().get(d));
    std::string escaped;
    for (char ch : d) {
      if (ch == '|') escaped += "\\";
      escaped.push_back(ch);
    }
    md += "| `" + std::string(name) + "` | " + std::string(type) + " | " + escaped + " |\n";
  }
  md += "\n## Actions\n\n`action` takes one of these values (stdlib/actions.txt):\n\n";
  for (const std::string& a : ingest::GetSchema().actions) md += "- `" + a + "`\n";
  CheckGolden("docs/schema.md", md);
}

}  // namespace
}  // namespace rdl::testing
