// CloudTrail stream generator: one CloudTrail record per line (the
// `Records` array of delivery files flattened, as collectors and Lambda
// forwarders emit them), time-ordered, record shapes as in
// bench/gen/gen_sample.py and the shared corpus.
//
// Ambient traffic: mostly read-only management calls (EC2 Describe*, STS,
// KMS, S3 bucket, IAM, SSM, CloudWatch...) by people, monitoring and
// services; ~1-2 % T1578-relevant writes (snapshots, instances, volumes,
// quotas) by automation (Backup, DLM, Auto Scaling, Terraform) and people.
// Ambient writes are built so they never complete a reference detection
// (per-principal cooldowns on deletions and quota requests, instances that
// are stopped are never modified, shares never leave the estate).
//
// Episodes (each with its own principal, snapshot or instance, so they do
// not interact) inject the attacks and near misses of the four reference
// detections; every attack appends its expected finding to the truth.
#include <cstring>
#include <memory>

#include "stream.h"

namespace benchgen {
namespace {

constexpr const char* kAcct = "111122223333";
constexpr const char* kForeign[] = {"999988887777", "444455556666", "210987654321", "135792468024"};
constexpr const char* kTrusted = "000000000000";  // stdlib/lists/trusted.rules

const std::vector<std::string> kRegions = {"us-east-1", "us-east-1", "us-east-1", "us-east-1", "us-east-1",
                                           "us-west-2", "us-west-2", "us-west-2", "eu-west-1", "eu-west-1",
                                           "ap-southeast-1", "eu-central-1"};

const char* kUaConsole = "console.ec2.amazonaws.com";
const char* kUaCli =
    "aws-cli/2.22.9 md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0-1019-aws md/arch#x86_64 lang/python#3.12.6 "
    "md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off";
const char* kUaBoto =
    "Boto3/1.35.81 md/Botocore#1.35.81 ua/2.0 os/linux#5.15.0-1064-aws md/arch#x86_64 lang/python#3.11.4 "
    "md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.81";
const char* kUaTf =
    "APN/1.0 HashiCorp/1.0 Terraform/1.10.3 (+https://www.terraform.io) terraform-provider-aws/5.82.2 "
    "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.7 ua/2.1 os/linux lang/go#1.23.3 "
    "md/GOOS#linux md/GOARCH#amd64 api/ec2#1.198.1";
const char* kUaDatadog = "Datadog/1.0 aws-sdk-go/1.44.327 (go1.21.1; linux; amd64)";
const char* kUaLambda =
    "aws-sdk-nodejs/3.693.0 ua/2.1 os/linux#5.10.228-239.915.amzn2.x86_64 lang/js md/nodejs#20.18.0 "
    "api/ssm#3.693.0 exec-env/AWS_Lambda_nodejs20.x";

struct Principal {
  std::string ident;  // userIdentity JSON
  std::string arn;    // what actor.user.uid becomes
  std::string ip;
  std::string ua;
  bool console = false;
  bool service = false;  // sourceIPAddress is a service host: no tlsDetails
};
using P = std::shared_ptr<Principal>;

P IamUser(Rng& r, const std::string& name, const std::string& ip, const std::string& ua, bool console) {
  auto p = std::make_shared<Principal>();
  p->arn = std::string("arn:aws:iam::") + kAcct + ":user/" + name;
  std::string s;
  JsonWriter w(&s);
  w.Obj().KS("type", "IAMUser").KS("principalId", "AIDA" + Alnum(r, 17)).KS("arn", p->arn).KS("accountId", kAcct);
  w.KS("accessKeyId", "AKIA" + Alnum(r, 16)).KS("userName", name);
  if (console) {
    w.K("sessionContext").Obj().K("sessionIssuer").Obj().EndObj().K("webIdFederationData").Obj().EndObj();
    w.K("attributes").Obj().KS("creationDate", "2026-02-01T08:12:44Z").KS("mfaAuthenticated", "true").EndObj();
    w.EndObj();
  }
  w.EndObj();
  p->ident = s;
  p->ip = ip;
  p->ua = ua;
  p->console = console;
  return p;
}

P RoleSession(Rng& r, const std::string& role, const std::string& session, const std::string& path,
              const std::string& ip, const std::string& ua, const char* invoked_by = nullptr,
              const char* source_identity = nullptr, bool mfa = false) {
  auto p = std::make_shared<Principal>();
  p->arn = std::string("arn:aws:sts::") + kAcct + ":assumed-role/" + role + "/" + session;
  std::string s;
  JsonWriter w(&s);
  const std::string aroa = "AROA" + Alnum(r, 17);
  w.Obj().KS("type", "AssumedRole").KS("principalId", aroa + ":" + session).KS("arn", p->arn);
  w.KS("accountId", kAcct).KS("accessKeyId", "ASIA" + Alnum(r, 16));
  w.K("sessionContext").Obj();
  w.K("sessionIssuer").Obj().KS("type", "Role").KS("principalId", aroa);
  w.KS("arn", std::string("arn:aws:iam::") + kAcct + ":role/" + path + role).KS("accountId", kAcct);
  w.KS("userName", role).EndObj();
  w.K("webIdFederationData").Obj().EndObj();
  w.K("attributes").Obj().KS("creationDate", "2026-02-01T06:00:00Z").KS("mfaAuthenticated", mfa ? "true" : "false");
  w.EndObj();
  if (source_identity != nullptr) w.KS("sourceIdentity", source_identity);
  w.EndObj();
  if (invoked_by != nullptr) w.KS("invokedBy", invoked_by);
  w.EndObj();
  p->ident = s;
  p->ip = invoked_by != nullptr ? invoked_by : ip;
  p->ua = invoked_by != nullptr ? invoked_by : ua;
  p->service = invoked_by != nullptr;
  return p;
}

P AwsService(const std::string& host) {
  auto p = std::make_shared<Principal>();
  p->arn = host;  // actor.user.uid falls back to invokedBy
  p->ident = "{\"type\":\"AWSService\",\"invokedBy\":\"" + host + "\"}";
  p->ip = host;
  p->ua = host;
  p->service = true;
  return p;
}

// One CloudTrail record.
struct Ct {
  const Principal* p = nullptr;
  const char* name = "";
  const char* source = "ec2.amazonaws.com";
  std::string region = "us-east-1";
  std::string rp = "null";
  std::string re = "null";
  bool read_only = false;
  const char* err_code = nullptr;
  const char* err_msg = nullptr;
  std::string event_id;   // preset (episodes) or random
  std::string resources;  // raw JSON array or empty
  std::string extra;      // raw `"k":v,...` members placed before eventType
};

std::string Items(const char* key, const std::vector<std::string>& values) {
  std::string s;
  JsonWriter w(&s);
  w.Obj().K("items").Arr();
  for (const auto& v : values) w.Obj().KS(key, v).EndObj();
  w.EndArr().EndObj();
  return s;
}

class CloudTrailGen {
 public:
  CloudTrailGen(const GenConfig& cfg, FILE* f, Truth* truth)
      : cfg_(cfg), s_(f, cfg.seed * 31 + 1), plan_(cfg.seed * 31 + 2), truth_(truth) {
    Rng& r = plan_;
    datadog_ = RoleSession(r, "DatadogIntegrationRole", "datadog-aws-integration", "", "3.233.147.31", kUaDatadog);
    backup_ = RoleSession(r, "AWSBackupDefaultServiceRole", "AWSBackup-AWSBackupDefaultServiceRole", "service-role/",
                          "", "", "backup.amazonaws.com");
    dlm_ = RoleSession(r, "AWSDataLifecycleManagerDefaultRole", "dlm-snapshot-expiry", "service-role/", "", "",
                       "dlm.amazonaws.com");
    asg_ = RoleSession(r, "AWSServiceRoleForAutoScaling", "AutoScaling", "aws-service-role/autoscaling.amazonaws.com/",
                       "", "", "autoscaling.amazonaws.com");
    terraform_ = RoleSession(r, "terraform-deployer", "terraform", "", "10.20.4.17", kUaTf);
    gha_ = RoleSession(r, "github-actions-deploy", "GitHubActions", "", "10.20.5.33", kUaTf);
    config_ = AwsService("config.amazonaws.com");
    lambda_svc_ = AwsService("lambda.amazonaws.com");
    ecs_svc_ = AwsService("ecs-tasks.amazonaws.com");
    for (int i = 0; i < 6; ++i) {
      lambdas_.push_back(RoleSession(r, "lambda-exec-" + std::to_string(i), "fn-" + Alnum(r, 8, "abcdefghijklmnop"),
                                     "service-role/", "10.20.9." + std::to_string(10 + i), kUaLambda));
    }
    static const char* kNames[] = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
                                   "ivan", "judy", "ken", "laura", "mike", "nina", "oscar", "peggy"};
    const size_t humans = 16 + cfg.records / 40000;
    for (size_t i = 0; i < humans; ++i) {
      std::string name = i < 16 ? kNames[i] : "dev-" + std::to_string(i);
      std::string ip = "198.51.100." + std::to_string(20 + i % 200);
      switch (i % 3) {
        case 0:
          humans_.push_back(IamUser(r, name, ip, kUaConsole, true));
          break;
        case 1:
          humans_.push_back(IamUser(r, name, ip, i % 2 ? kUaCli : kUaBoto, false));
          break;
        default:
          humans_.push_back(RoleSession(r, "AWSReservedSSO_Developer_0a1b2c3d4e5f6a7b", name + "@example.com",
                                        "aws-reserved/sso.amazonaws.com/", ip, kUaCli, nullptr, nullptr, true));
      }
      last_delete_.push_back(INT64_MIN / 2);
      last_quota_.push_back(INT64_MIN / 2);
    }
    for (int i = 0; i < 24; ++i) stoppable_.push_back(NewId(r, "i-0", 16));    // stopped / started only
    for (int i = 0; i < 24; ++i) modifiable_.push_back(NewId(r, "i-0", 16));   // modified, never stopped
    for (int i = 0; i < 40; ++i) volumes_.push_back(NewId(r, "vol-0", 16));
    for (int i = 0; i < 8; ++i) buckets_.push_back("acme-" + Alnum(r, 6, "abcdefghijklmnopqrstuvwxyz") + "-data");
    for (int i = 0; i < 6; ++i) kms_keys_.push_back(Uuid(r));
  }

  uint64_t Run() {
    Plan();
    const uint64_t scheduled = s_.scheduled();
    const uint64_t ambient = cfg_.records > scheduled ? cfg_.records - scheduled : 0;
    s_.Run(cfg_.start, cfg_.span, ambient, [&](int64_t t, uint64_t budget) { return Ambient(t, budget); });
    return s_.written();
  }

 private:
  static std::string NewId(Rng& r, const char* prefix, int n) { return prefix + Hex(r, n); }

  // ------------------------------------------------------------ records --

  void Write(std::string* out, int64_t t, const Ct& c) {
    Rng& r = s_.rng;
    JsonWriter w(out);
    w.Obj().KS("eventVersion", "1.10").K("userIdentity").Raw(c.p->ident).KT("eventTime", t, 0);
    w.KS("eventSource", c.source).KS("eventName", c.name).KS("awsRegion", c.region);
    w.KS("sourceIPAddress", c.p->ip).KS("userAgent", c.p->ua);
    if (c.err_code != nullptr) w.KS("errorCode", c.err_code).KS("errorMessage", c.err_msg);
    w.K("requestParameters").Raw(c.rp).K("responseElements").Raw(c.err_code != nullptr ? "null" : c.re);
    w.KS("requestID", Uuid(r)).KS("eventID", c.event_id.empty() ? Uuid(r) : c.event_id);
    w.KB("readOnly", c.read_only);
    if (!c.resources.empty()) w.K("resources").Raw(c.resources);
    if (!c.extra.empty()) w.Raw(c.extra);
    w.KS("eventType", "AwsApiCall").KB("managementEvent", true).KS("recipientAccountId", kAcct);
    w.KS("eventCategory", "Management");
    if (!c.p->service) {
      const std::string svc(c.source, std::strchr(c.source, '.') - c.source);
      w.K("tlsDetails").Obj().KS("tlsVersion", "TLSv1.3").KS("cipherSuite", "TLS_AES_128_GCM_SHA256");
      w.KS("clientProvidedHostHeader", svc + "." + c.region + ".amazonaws.com").EndObj();
    }
    if (c.p->console) w.KS("sessionCredentialFromConsole", "true");
    if (c.p->ip.rfind("10.", 0) == 0) {  // private callers go through VPC endpoints
      w.KS("vpcEndpointId", "vpce-0" + Hex(r, 16)).KS("vpcEndpointAccountId", kAcct);
    }
    w.EndObj();
  }

  void Line(int64_t t, const Ct& c) {
    Write(s_.out(), t, c);
    s_.out()->push_back('\n');
  }

  // Schedules a record; returns its event id.
  std::string Schedule(int64_t t, Ct c) {
    if (c.event_id.empty()) c.event_id = Uuid(plan_);
    std::string id = c.event_id;
    s_.At(t, [this, t, c = std::move(c)](std::string* out) { Write(out, t, c); });
    return id;
  }

  // ---------------------------------------------------- request bodies --

  std::string SnapshotRe(const std::string& sid, const std::string& vol, int64_t t, const std::string& region,
                         const char* desc) {
    std::string s;
    JsonWriter w(&s);
    w.Obj().KS("requestId", Uuid(s_.rng)).KS("snapshotId", sid).KS("volumeId", vol).KS("status", "pending");
    w.KN("startTime", t / 1000).KS("progress", "").KS("ownerId", kAcct).KN("volumeSize", 100).KB("encrypted", true);
    w.KS("kmsKeyId", "arn:aws:kms:" + region + ":" + kAcct + ":key/" + kms_keys_[0]);
    w.KS("description", desc).KS("storageTier", "standard").EndObj();
    return s;
  }
  Ct CreateSnapshot(const Principal* p, const std::string& region, const std::string& vol, const std::string& sid,
                    int64_t t, const char* desc) {
    Ct c;
    c.p = p;
    c.name = "CreateSnapshot";
    c.region = region;
    c.rp = "{\"volumeId\":\"" + vol + "\",\"description\":\"" + desc + "\"}";
    c.re = SnapshotRe(sid, vol, t, region, desc);
    return c;
  }
  Ct DeleteSnapshot(const Principal* p, const std::string& region, const std::string& sid) {
    Ct c;
    c.p = p;
    c.name = "DeleteSnapshot";
    c.region = region;
    c.rp = "{\"snapshotId\":\"" + sid + "\"}";
    c.re = "{\"requestId\":\"" + Uuid(plan_) + "\",\"_return\":true}";
    return c;
  }
  // createVolumePermission / launchPermission change.
  Ct SharePermission(const Principal* p, const std::string& region, bool image, const std::string& id,
                     const std::vector<std::string>& add_users, bool add_public,
                     const std::vector<std::string>& remove_users) {
    Ct c;
    c.p = p;
    c.name = image ? "ModifyImageAttribute" : "ModifySnapshotAttribute";
    c.region = region;
    std::string s;
    JsonWriter w(&s);
    w.Obj().KS(image ? "imageId" : "snapshotId", id);
    if (!image) w.KS("attributeType", "CREATE_VOLUME_PERMISSION");
    w.K(image ? "launchPermission" : "createVolumePermission").Obj();
    if (!add_users.empty() || add_public) {
      w.K("add").Obj().K("items").Arr();
      for (const auto& u : add_users) w.Obj().KS("userId", u).EndObj();
      if (add_public) w.Obj().KS("group", "all").EndObj();
      w.EndArr().EndObj();
    }
    if (!remove_users.empty()) {
      w.K("remove").Obj().K("items").Arr();
      for (const auto& u : remove_users) w.Obj().KS("userId", u).EndObj();
      w.EndArr().EndObj();
    }
    w.EndObj();
    if (image) w.KS("attributeType", "launchPermission");
    w.EndObj();
    c.rp = s;
    c.re = "{\"requestId\":\"" + Uuid(plan_) + "\",\"_return\":true}";
    return c;
  }
  Ct InstancesCall(const Principal* p, const char* name, const std::string& region, const std::string& iid,
                   int prev_code, const char* prev, int cur_code, const char* cur) {
    Ct c;
    c.p = p;
    c.name = name;
    c.region = region;
    std::string s;
    JsonWriter w(&s);
    w.Obj().K("instancesSet").Raw(Items("instanceId", {iid}));
    if (std::strcmp(name, "StopInstances") == 0) w.KB("force", false);
    if (std::strcmp(name, "TerminateInstances") == 0) w.KB("skipOsShutdown", false);
    w.EndObj();
    c.rp = s;
    s.clear();
    JsonWriter x(&s);
    x.Obj().KS("requestId", Uuid(plan_)).K("instancesSet").Obj().K("items").Arr().Obj().KS("instanceId", iid);
    x.K("currentState").Obj().KN("code", cur_code).KS("name", cur).EndObj();
    x.K("previousState").Obj().KN("code", prev_code).KS("name", prev).EndObj();
    x.EndObj().EndArr().EndObj().EndObj();
    c.re = s;
    return c;
  }
  Ct Stop(const Principal* p, const std::string& region, const std::string& iid) {
    return InstancesCall(p, "StopInstances", region, iid, 16, "running", 64, "stopping");
  }
  Ct Start(const Principal* p, const std::string& region, const std::string& iid) {
    return InstancesCall(p, "StartInstances", region, iid, 80, "stopped", 0, "pending");
  }
  Ct Terminate(const Principal* p, const std::string& region, const std::string& iid) {
    return InstancesCall(p, "TerminateInstances", region, iid, 16, "running", 32, "shutting-down");
  }
  // attr: "instanceType" | "userData" | "disableApiTermination" | "sourceDestCheck"
  Ct ModifyAttr(const Principal* p, const std::string& region, const std::string& iid, const char* attr) {
    Ct c;
    c.p = p;
    c.name = "ModifyInstanceAttribute";
    c.region = region;
    std::string v;
    if (std::strcmp(attr, "instanceType") == 0) {
      static const char* kTypes[] = {"m5.xlarge", "r6i.2xlarge", "c6i.4xlarge", "t3.large"};
      v = std::string("{\"value\":\"") + kTypes[plan_.Below(4)] + "\"}";
    } else if (std::strcmp(attr, "userData") == 0) {
      v = "\"<sensitiveDataRemoved>\"";
    } else {
      v = "{\"value\":false}";
    }
    c.rp = "{\"instanceId\":\"" + iid + "\",\"" + attr + "\":" + v + "}";
    c.re = "{\"requestId\":\"" + Uuid(plan_) + "\",\"_return\":true}";
    return c;
  }
  Ct QuotaRequest(const Principal* p, const std::string& region, int64_t t, double value) {
    Ct c;
    c.p = p;
    c.name = "RequestServiceQuotaIncrease";
    c.source = "servicequotas.amazonaws.com";
    c.region = region;
    std::string s;
    JsonWriter w(&s);
    w.Obj().KS("serviceCode", "ec2").KS("quotaCode", "L-DB2E81BA").K("desiredValue").D(value).EndObj();
    c.rp = s;
    s.clear();
    JsonWriter x(&s);
    x.Obj().K("requestedQuota").Obj().KS("id", Uuid(plan_)).KS("serviceCode", "ec2");
    x.KS("serviceName", "Amazon Elastic Compute Cloud (Amazon EC2)").KS("quotaCode", "L-DB2E81BA");
    x.KS("quotaName", "Running On-Demand G and VT instances").K("desiredValue").D(value).KS("status", "PENDING");
    x.KT("created", t, 0).KS("requester", "{\"accountId\":\"" + std::string(kAcct) + "\",\"callerArn\":\"" + p->arn + "\"}");
    x.KS("quotaArn", "arn:aws:servicequotas:" + region + ":" + kAcct + ":ec2/L-DB2E81BA");
    x.KB("globalQuota", false).KS("unit", "None").EndObj().EndObj();
    c.re = s;
    return c;
  }

  // ----------------------------------------------------------- episodes --

  void Found(const char* rule, const char* scenario, const std::string& key, const std::string& event, int64_t t) {
    truth_->findings.push_back(Finding{"aws", rule, scenario, key, event, t});
  }
  void Attack(const char* scenario) { truth_->attacks[std::string("aws:") + scenario]++; }
  void Decoy(const char* scenario) { truth_->decoys[std::string("aws:") + scenario]++; }

  P EpisodeUser(const char* stem) {
    Rng& r = plan_;
    const std::string name = std::string(stem) + "-" + std::to_string(++episode_seq_);
    const std::string ip = "203.0.113." + std::to_string(1 + r.Below(250));
    P p = r.Chance(0.5) ? IamUser(r, name, ip, kUaBoto, false)
                        : RoleSession(r, "AWSReservedSSO_Admin_1f2e3d4c5b6a7988", name + "@example.com",
                                      "aws-reserved/sso.amazonaws.com/", ip, kUaCli, nullptr, nullptr, true);
    keep_.push_back(p);
    return p;
  }
  P ChangeSession() {
    P p = RoleSession(plan_, "ops-oncall", "oncall-" + std::to_string(++episode_seq_) + "@example.com", "",
                      "198.51.100.61", kUaCli, nullptr, "CHG0012345", true);
    keep_.push_back(p);
    return p;
  }
  int64_t EpisodeStart() {
    // Leave 4h at the end for the longest episode (re-arm after 3h).
    const int64_t room = std::max<int64_t>(cfg_.span - 4 * kHour, kHour);
    return cfg_.start + 10 * kMin + static_cast<int64_t>(plan_.Below(room));
  }
  std::string Region() { return plan_.Pick(kRegions); }

  void Plan() {
    for (uint64_t round = 0; round < cfg_.rounds; ++round) {
      PlanSharing();
      PlanDeletionBursts();
      PlanQuota();
      PlanStopModifyStart();
    }
  }

  // (a) snapshot_shared_externally: single event, `suppress by resource.uid for 1h`.
  void PlanSharing() {
    const char* rule = "snapshot_shared_externally";
    auto snap = [&] { return NewId(plan_, "snap-0", 16); };
    {  // A1: snapshot shared with a foreign account
      P p = EpisodeUser("svc-reporting");
      const std::string sid = snap();
      const int64_t t = EpisodeStart();
      Schedule(t - 15 * kMin, CreateSnapshot(p.get(), "us-east-1", plan_.Pick(volumes_), sid, t - 15 * kMin, ""));
      Found(rule, "A1", sid, Schedule(t, SharePermission(p.get(), "us-east-1", false, sid, {kForeign[0]}, false, {})), t);
      Attack("A1");
    }
    {  // A2: snapshot made public
      P p = EpisodeUser("backup-admin");
      const std::string sid = snap();
      const int64_t t = EpisodeStart();
      Found(rule, "A2", sid, Schedule(t, SharePermission(p.get(), Region(), false, sid, {}, true, {})), t);
      Attack("A2");
    }
    {  // A3: AMI launch permission to a foreign account (image.modify)
      const P& p = plan_.Pick(humans_);
      const std::string ami = NewId(plan_, "ami-0", 16);
      const int64_t t = EpisodeStart();
      Found(rule, "A3", ami, Schedule(t, SharePermission(p.get(), Region(), true, ami, {kForeign[1]}, false, {})), t);
      Attack("A3");
    }
    {  // A4: shared twice within the hour (second suppressed), again 90 minutes later
      P p = EpisodeUser("data-export");
      const std::string sid = snap();
      const std::string region = Region();
      const int64_t t = EpisodeStart();
      Found(rule, "A4", sid, Schedule(t, SharePermission(p.get(), region, false, sid, {kForeign[2]}, false, {})), t);
      Schedule(t + 10 * kMin, SharePermission(p.get(), region, false, sid, {kForeign[3]}, false, {}));
      const int64_t t3 = t + 90 * kMin;
      Found(rule, "A4", sid, Schedule(t3, SharePermission(p.get(), region, false, sid, {kForeign[0]}, false, {})), t3);
      Attack("A4");
    }
    // Near misses: removal, trusted account, own account, refused, automation, change ticket.
    {
      const P& p = plan_.Pick(humans_);
      Schedule(EpisodeStart(), SharePermission(p.get(), Region(), false, snap(), {}, false, {kForeign[1]}));
      Decoy("a-remove");
      Schedule(EpisodeStart(), SharePermission(p.get(), Region(), false, snap(), {kTrusted}, false, {}));
      Decoy("a-trusted");
      Schedule(EpisodeStart(), SharePermission(p.get(), Region(), false, snap(), {kAcct}, false, {}));
      Decoy("a-own-account");
      Ct c = SharePermission(p.get(), Region(), false, snap(), {kForeign[0]}, false, {});
      c.err_code = "Client.UnauthorizedOperation";
      c.err_msg = "You are not authorized to perform this operation.";
      Schedule(EpisodeStart(), c);
      Decoy("a-refused");
      Schedule(EpisodeStart(), SharePermission(backup_.get(), Region(), false, snap(), {kForeign[2]}, false, {}));
      Decoy("a-automation");
      P chg = ChangeSession();
      Schedule(EpisodeStart(), SharePermission(chg.get(), Region(), false, snap(), {kForeign[3]}, false, {}));
      Decoy("a-change-ticket");
      Schedule(EpisodeStart(), SharePermission(terraform_.get(), Region(), true, NewId(plan_, "ami-0", 16),
                                               {kForeign[1]}, false, {}));
      Decoy("a-iac-role");
    }
  }

  // (b) snapshot_deletion_burst: distinct resource.uid by actor within 10m >= 3.
  void PlanDeletionBursts() {
    const char* rule = "snapshot_deletion_burst";
    auto burst = [&](const Principal* p, const std::string& region, int64_t t, const std::vector<int64_t>& offsets,
                     const char* scenario, std::vector<int> fire_at, const std::vector<std::string>* sids = nullptr,
                     const std::vector<bool>* failed = nullptr) {
      for (size_t i = 0; i < offsets.size(); ++i) {
        Ct c = DeleteSnapshot(p, region, sids ? (*sids)[i] : NewId(plan_, "snap-0", 16));
        if (failed != nullptr && (*failed)[i]) {
          c.err_code = "InvalidSnapshot.NotFound";
          c.err_msg = "The snapshot does not exist.";
        }
        const std::string id = Schedule(t + offsets[i], c);
        for (int f : fire_at) {
          if (f == static_cast<int>(i)) Found(rule, scenario, p->arn, id, t + offsets[i]);
        }
      }
    };
    const int64_t s = kSec;
    {  // B1: four snapshots in four minutes -> fires at the third
      P p = EpisodeUser("svc-backup-ops");
      burst(p.get(), Region(), EpisodeStart(), {0, 70 * s, 150 * s, 240 * s}, "B1", {2});
      Attack("B1");
    }
    {  // B2: two bursts 40 minutes apart: the window empties, the rule re-arms
      P p = EpisodeUser("svc-cleanup");
      burst(p.get(), Region(), EpisodeStart(),
            {0, 50 * s, 110 * s, 40 * kMin, 40 * kMin + 45 * s, 40 * kMin + 100 * s}, "B2", {2, 5});
      Attack("B2");
    }
    {  // B3: one deletion every 4 minutes for 40 minutes: fires once, never re-arms
      P p = EpisodeUser("svc-janitor");
      std::vector<int64_t> off;
      for (int i = 0; i < 10; ++i) off.push_back(i * 4 * kMin + 7 * s * (i % 3));
      burst(p.get(), Region(), EpisodeStart(), off, "B3", {2});
      Attack("B3");
    }
    {  // B4: retries of the same snapshot fail: only the third distinct success fires
      P p = EpisodeUser("svc-retention");
      const std::string a = NewId(plan_, "snap-0", 16), b = NewId(plan_, "snap-0", 16), c = NewId(plan_, "snap-0", 16);
      const std::vector<std::string> sids = {a, a, b, b, c};
      const std::vector<bool> failed = {false, true, false, true, false};
      burst(p.get(), Region(), EpisodeStart(), {0, 30 * s, 60 * s, 95 * s, 130 * s}, "B4", {4}, &sids, &failed);
      Attack("B4");
    }
    // Near misses.
    {
      P p = EpisodeUser("ops-cleanup");
      burst(p.get(), Region(), EpisodeStart(), {0, 5 * kMin}, "b-two", {});
      Decoy("b-two");
    }
    {
      P p = EpisodeUser("ops-cleanup");
      burst(p.get(), Region(), EpisodeStart(), {0, 6 * kMin, 12 * kMin, 18 * kMin}, "b-spread", {});
      Decoy("b-spread-6min");
    }
    {
      P p = EpisodeUser("ops-cleanup");
      const std::string a = NewId(plan_, "snap-0", 16), b = NewId(plan_, "snap-0", 16);
      const std::vector<std::string> sids = {a, a, a, b};
      const std::vector<bool> failed = {false, true, true, false};
      burst(p.get(), Region(), EpisodeStart(), {0, 20 * s, 40 * s, 80 * s}, "b-retries", {}, &sids, &failed);
      Decoy("b-retries-same-snapshot");
    }
    {
      P p = EpisodeUser("ops-cleanup");
      const std::vector<bool> failed = {false, true, false};
      burst(p.get(), Region(), EpisodeStart(), {0, 40 * s, 80 * s}, "b-refused", {}, nullptr, &failed);
      Decoy("b-one-refused");
    }
    burst(dlm_.get(), "us-east-1", EpisodeStart(), {0, 15 * s, 30 * s, 45 * s, 60 * s, 75 * s}, "b-dlm", {});
    Decoy("b-automation-dlm");
    {
      P chg = ChangeSession();
      burst(chg.get(), Region(), EpisodeStart(), {0, 30 * s, 60 * s, 90 * s}, "b-chg", {});
      Decoy("b-change-ticket");
    }
  }

  // (c) quota_increase_multi_region: distinct cloud.region by actor within 1h >= 3.
  void PlanQuota() {
    const char* rule = "quota_increase_multi_region";
    auto requests = [&](const Principal* p, int64_t t, const std::vector<std::pair<int64_t, const char*>>& steps,
                        const char* scenario, std::vector<int> fire_at, int failed = -1) {
      for (size_t i = 0; i < steps.size(); ++i) {
        const int64_t at = t + steps[i].first;
        Ct c = QuotaRequest(p, steps[i].second, at, 384.0);
        if (static_cast<int>(i) == failed) {
          c.err_code = "ResourceAlreadyExistsException";
          c.err_msg = "A quota increase request for this quota is already pending.";
        }
        const std::string id = Schedule(at, c);
        for (int f : fire_at) {
          if (f == static_cast<int>(i)) Found(rule, scenario, p->arn, id, at);
        }
      }
    };
    const int64_t m = kMin;
    {  // C1: three regions in 14 minutes, a fourth after the alert
      P p = EpisodeUser("svc-reporting");
      requests(p.get(), EpisodeStart(),
               {{0, "us-east-1"}, {7 * m + 13 * kSec, "us-west-2"}, {14 * m + 40 * kSec, "eu-west-1"},
                {21 * m, "ap-southeast-1"}},
               "C1", {2});
      Attack("C1");
    }
    {  // C2: the same region twice, then two more: fires at the third distinct region
      P p = EpisodeUser("ml-platform");
      requests(p.get(), EpisodeStart(),
               {{0, "us-east-1"}, {5 * m, "us-east-1"}, {10 * m, "us-west-2"}, {15 * m, "eu-central-1"}}, "C2", {3});
      Attack("C2");
    }
    {  // C3: three regions, then three again three hours later (re-armed)
      P p = EpisodeUser("gpu-batch");
      requests(p.get(), EpisodeStart(),
               {{0, "us-east-1"}, {4 * m, "us-west-2"}, {8 * m, "eu-west-1"}, {180 * m, "us-east-1"},
                {184 * m, "us-west-2"}, {188 * m, "eu-west-1"}},
               "C3", {2, 5});
      Attack("C3");
    }
    {
      P p = EpisodeUser("capacity-planner");
      requests(p.get(), EpisodeStart(), {{0, "us-east-1"}, {10 * m, "us-west-2"}}, "c-two", {});
      Decoy("c-two-regions");
    }
    {
      P p = EpisodeUser("capacity-planner");
      requests(p.get(), EpisodeStart(), {{0, "us-east-1"}, {35 * m, "us-west-2"}, {70 * m, "eu-west-1"}}, "c-slow",
               {});
      Decoy("c-three-regions-over-70min");
    }
    {
      P p = EpisodeUser("capacity-planner");
      requests(p.get(), EpisodeStart(), {{0, "us-east-1"}, {5 * m, "us-west-2"}, {10 * m, "eu-west-1"}}, "c-refused",
               {}, 2);
      Decoy("c-third-refused");
    }
    {
      P p = EpisodeUser("capacity-planner");
      const int64_t t = EpisodeStart();
      const char* regions[] = {"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1"};
      for (int i = 0; i < 4; ++i) {
        Ct c;
        c.p = p.get();
        c.name = "GetServiceQuota";
        c.source = "servicequotas.amazonaws.com";
        c.region = regions[i];
        c.rp = "{\"serviceCode\":\"ec2\",\"quotaCode\":\"L-DB2E81BA\"}";
        c.read_only = true;
        Schedule(t + i * 3 * m, c);
      }
      Decoy("c-reads-only");
    }
    requests(terraform_.get(), EpisodeStart(), {{0, "us-east-1"}, {2 * m, "us-west-2"}, {4 * m, "eu-west-1"}},
             "c-iac", {});
    Decoy("c-automation-terraform");
  }

  // (d) instance_stop_modify_start: sequence by resource.uid within 1h,
  // modify and start by the stopping principal.
  void PlanStopModifyStart() {
    const char* rule = "instance_stop_modify_start";
    // steps: (offset, op, actor) with op s=stop m=modify u=userData start=r
    struct Step {
      int64_t off;
      char op;  // s stop, m modify (type), d modify (user data), r start
      const Principal* who;
      bool other_instance = false;
    };
    auto episode = [&](std::vector<Step> steps, const char* scenario, std::vector<int> fire_at) {
      const std::string iid = NewId(plan_, "i-0", 16), other = NewId(plan_, "i-0", 16);
      const std::string region = Region();
      const int64_t t = EpisodeStart();
      for (size_t i = 0; i < steps.size(); ++i) {
        const Step& st = steps[i];
        const std::string& target = st.other_instance ? other : iid;
        Ct c = st.op == 's'   ? Stop(st.who, region, target)
               : st.op == 'r' ? Start(st.who, region, target)
                              : ModifyAttr(st.who, region, target, st.op == 'd' ? "userData" : "instanceType");
        const std::string id = Schedule(t + st.off, c);
        for (int f : fire_at) {
          if (f == static_cast<int>(i)) Found(rule, scenario, iid, id, t + st.off);
        }
      }
    };
    const int64_t m = kMin, s = kSec;
    {
      const Principal* a = plan_.Pick(humans_).get();
      episode({{0, 's', a}, {2 * m + 37 * s, 'd', a}, {4 * m + 2 * s, 'r', a}}, "S1", {2});
      Attack("S1");
    }
    {  // stopped twice (the second replaces the first partial)
      P a = EpisodeUser("jenkins-ci");
      episode({{0, 's', a.get()}, {60 * s, 's', a.get()}, {3 * m, 'm', a.get()}, {5 * m, 'r', a.get()}}, "S2", {3});
      Attack("S2");
    }
    {  // modified twice
      const Principal* a = plan_.Pick(humans_).get();
      episode({{0, 's', a}, {2 * m, 'm', a}, {3 * m, 'd', a}, {6 * m, 'r', a}}, "S3", {3});
      Attack("S3");
    }
    {  // completed twice, 30 minutes apart
      const Principal* a = plan_.Pick(humans_).get();
      episode({{0, 's', a}, {2 * m, 'd', a}, {4 * m, 'r', a}, {30 * m, 's', a}, {32 * m, 'm', a}, {34 * m, 'r', a}},
              "S4", {2, 5});
      Attack("S4");
    }
    // Near misses.
    const Principal* a = plan_.Pick(humans_).get();
    const Principal* b = humans_[(std::find_if(humans_.begin(), humans_.end(), [&](const P& x) { return x.get() == a; }) -
                                  humans_.begin() + 1) % humans_.size()].get();
    episode({{0, 's', a}, {20 * m, 'r', a}}, "d-stop-start", {});
    Decoy("d-stop-start-no-modify");
    episode({{0, 's', a}, {2 * m, 'm', b}, {4 * m, 'r', a}}, "d-other-modifier", {});
    Decoy("d-modified-by-another");
    episode({{0, 's', a}, {2 * m, 'm', a}, {4 * m, 'r', b}}, "d-other-starter", {});
    Decoy("d-started-by-another");
    episode({{0, 's', a}, {5 * m, 'm', a}, {70 * m, 'r', a}}, "d-late-start", {});
    Decoy("d-started-after-1h");
    episode({{0, 'm', a}, {2 * m, 's', a}, {4 * m, 'r', a}}, "d-wrong-order", {});
    Decoy("d-modify-before-stop");
    episode({{0, 's', a}, {2 * m, 'm', a, true}, {4 * m, 'r', a}}, "d-other-instance", {});
    Decoy("d-modify-other-instance");
    episode({{0, 's', terraform_.get()}, {3 * m, 'm', terraform_.get()}, {4 * m, 'r', terraform_.get()}}, "d-iac", {});
    Decoy("d-automation-terraform");
    P chg = ChangeSession();
    episode({{0, 's', chg.get()}, {3 * m, 'm', chg.get()}, {5 * m, 'r', chg.get()}}, "d-chg", {});
    Decoy("d-change-ticket");
  }

  // ------------------------------------------------------------ ambient --

  // Read-only EC2 call.
  Ct Describe(const Principal* p, const std::string& region) {
    Rng& r = s_.rng;
    Ct c;
    c.p = p;
    c.region = region;
    c.read_only = true;
    switch (r.Below(10)) {
      case 0:
      case 1:
      case 2:
        c.name = "DescribeInstances";
        c.rp = r.Chance(0.3) ? "{\"instancesSet\":" + Items("instanceId", {r.Pick(stoppable_)}) + ",\"filterSet\":{}}"
                             : "{\"instancesSet\":{},\"filterSet\":{\"items\":[{\"name\":\"instance-state-name\","
                               "\"valueSet\":{\"items\":[{\"value\":\"running\"},{\"value\":\"stopped\"}]}},"
                               "{\"name\":\"tag:Environment\",\"valueSet\":{\"items\":[{\"value\":\"production\"}]}}]},"
                               "\"maxResults\":1000}";
        break;
      case 3:
        c.name = "DescribeVolumes";
        c.rp = "{\"volumeSet\":{},\"filterSet\":{},\"maxResults\":500}";
        break;
      case 4:
        c.name = "DescribeSnapshots";
        c.rp = "{\"snapshotSet\":{},\"ownersSet\":{\"items\":[{\"owner\":\"self\"}]},\"sharedUsersSet\":{},"
               "\"filterSet\":{},\"maxResults\":1000}";
        break;
      case 5:
        c.name = "DescribeSecurityGroups";
        c.rp = "{\"securityGroupSet\":{},\"securityGroupIdSet\":{},\"filterSet\":{}}";
        break;
      case 6:
        c.name = "DescribeInstanceStatus";
        c.rp = "{\"instancesSet\":{},\"filterSet\":{},\"includeAllInstances\":true}";
        break;
      case 7:
        c.name = "DescribeNetworkInterfaces";
        c.rp = "{\"networkInterfaceIdSet\":{},\"filterSet\":{\"items\":[{\"name\":\"vpc-id\",\"valueSet\":{\"items\":"
               "[{\"value\":\"vpc-0a1b2c3d4e5f60718\"}]}}]}}";
        break;
      case 8:
        c.name = "DescribeImages";
        c.rp = "{\"executableBySet\":{},\"imagesSet\":{},\"ownersSet\":{\"items\":[{\"owner\":\"self\"}]},"
               "\"filterSet\":{}}";
        break;
      default:
        c.name = "DescribeTags";
        c.rp = "{\"filterSet\":{\"items\":[{\"name\":\"resource-type\",\"valueSet\":{\"items\":[{\"value\":"
               "\"instance\"}]}}]}}";
    }
    return c;
  }

  uint64_t Ambient(int64_t t, uint64_t budget) {
    Rng& r = s_.rng;
    const std::string region = r.Pick(kRegions);
    const P& human = r.Pick(humans_);
    const size_t hi = &human - humans_.data();
    const uint64_t roll = r.Below(100000);
    Ct c;
    c.region = region;
    // ---- read-only (~97.6 %)
    if (roll < 30000) {
      const Principal* p = roll < 16000 ? datadog_.get() : roll < 24000 ? human.get() : terraform_.get();
      c = Describe(p, region);
    } else if (roll < 40000) {  // STS AssumeRole (services and people)
      const Principal* p = roll < 36000 ? (roll % 2 ? lambda_svc_.get() : ecs_svc_.get()) : human.get();
      const std::string role = "arn:aws:iam::" + std::string(kAcct) + ":role/" +
                               (roll % 3 ? "app-task-role-" : "lambda-exec-") + std::to_string(roll % 6);
      const std::string session = (roll % 3 ? "ecs-task-" : "fn-") + Hex(r, 12);
      c.p = p;
      c.name = "AssumeRole";
      c.source = "sts.amazonaws.com";
      c.read_only = true;
      c.rp = "{\"roleArn\":\"" + role + "\",\"roleSessionName\":\"" + session + "\",\"durationSeconds\":3600}";
      std::string s;
      JsonWriter w(&s);
      w.Obj().K("credentials").Obj().KS("accessKeyId", "ASIA" + Alnum(r, 16));
      w.KS("sessionToken", "IQoJb3JpZ2luX2VjE" + Alnum(r, 700, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"));
      w.KS("expiration", "Feb 3, 2026, 1:00:00 AM").EndObj();
      w.K("assumedRoleUser").Obj().KS("assumedRoleId", "AROA" + Alnum(r, 17) + ":" + session);
      w.KS("arn", "arn:aws:sts::" + std::string(kAcct) + ":assumed-role/" + role.substr(role.rfind('/') + 1) + "/" + session);
      w.EndObj().EndObj();
      c.re = s;
      c.resources = "[{\"accountId\":\"" + std::string(kAcct) + "\",\"type\":\"AWS::IAM::Role\",\"ARN\":\"" + role + "\"}]";
      c.extra = "\"sharedEventID\":\"" + Uuid(r) + "\"";
    } else if (roll < 52000) {  // KMS Decrypt / GenerateDataKey
      const Principal* p = r.Pick(lambdas_).get();
      const bool gen = roll < 44000;
      const std::string key = "arn:aws:kms:" + region + ":" + kAcct + ":key/" + r.Pick(kms_keys_);
      c.p = gen ? human.get() : p;
      c.name = gen ? "GenerateDataKey" : "Decrypt";
      c.source = "kms.amazonaws.com";
      c.read_only = true;
      c.rp = gen ? "{\"keyId\":\"" + key + "\",\"keySpec\":\"AES_256\",\"encryptionContext\":{\"aws:s3:arn\":\"arn:aws:s3:::" +
                       r.Pick(buckets_) + "/exports/" + Hex(r, 16) + ".parquet\"}}"
                 : "{\"encryptionAlgorithm\":\"SYMMETRIC_DEFAULT\",\"encryptionContext\":{\"aws:lambda:FunctionArn\":"
                   "\"arn:aws:lambda:" + region + ":" + kAcct + ":function:ingest-" + std::to_string(roll % 6) + "\"}}";
      c.resources = "[{\"accountId\":\"" + std::string(kAcct) + "\",\"type\":\"AWS::KMS::Key\",\"ARN\":\"" + key + "\"}]";
    } else if (roll < 60000) {  // S3 bucket-level management calls
      static const char* kOps[] = {"GetBucketAcl", "GetBucketLocation", "GetBucketPolicy", "GetBucketEncryption",
                                   "ListBuckets", "GetBucketVersioning"};
      const std::string bucket = r.Pick(buckets_);
      c.p = roll < 56000 ? config_.get() : human.get();
      c.name = kOps[roll % 6];
      c.source = "s3.amazonaws.com";
      c.read_only = true;
      c.rp = "{\"bucketName\":\"" + bucket + "\",\"Host\":\"" + bucket + ".s3." + region + ".amazonaws.com\",\"" +
             (roll % 2 ? "acl" : "policy") + "\":\"\"}";
      c.resources = "[{\"accountId\":\"" + std::string(kAcct) + "\",\"type\":\"AWS::S3::Bucket\",\"ARN\":\"arn:aws:s3:::" +
                    bucket + "\"}]";
      c.extra = "\"additionalEventData\":{\"SignatureVersion\":\"SigV4\",\"CipherSuite\":\"TLS_AES_128_GCM_SHA256\","
                "\"bytesTransferredIn\":0,\"AuthenticationMethod\":\"AuthHeader\",\"x-amz-id-2\":\"" +
                Alnum(r, 76, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") +
                "\",\"bytesTransferredOut\":" + std::to_string(200 + r.Below(2000)) + "}";
    } else if (roll < 67000) {  // SSM / Secrets Manager reads by functions
      const Principal* p = r.Pick(lambdas_).get();
      c.p = p;
      c.read_only = true;
      if (roll < 63000) {
        c.name = "GetParameters";
        c.source = "ssm.amazonaws.com";
        c.rp = "{\"names\":[\"/prod/ingest/db-host\",\"/prod/ingest/db-user\",\"/prod/ingest/batch-size\"],"
               "\"withDecryption\":true}";
      } else {
        c.name = "GetSecretValue";
        c.source = "secretsmanager.amazonaws.com";
        c.rp = "{\"secretId\":\"arn:aws:secretsmanager:" + region + ":" + kAcct + ":secret:prod/ingest/db-" +
               Alnum(r, 6, "abcdefghijklmnopqrstuvwxyzABCDEF") + "\"}";
      }
    } else if (roll < 75000) {  // CloudWatch GetMetricData by monitoring
      c.p = datadog_.get();
      c.name = "GetMetricData";
      c.source = "monitoring.amazonaws.com";
      c.read_only = true;
      std::string s;
      JsonWriter w(&s);
      w.Obj().K("metricDataQueries").Arr();
      const int n = 2 + static_cast<int>(r.Below(3));
      for (int i = 0; i < n; ++i) {
        w.Obj().KS("id", "m" + std::to_string(i)).K("metricStat").Obj().K("metric").Obj();
        w.KS("namespace", "AWS/EC2").KS("metricName", i % 2 ? "CPUUtilization" : "NetworkIn");
        w.K("dimensions").Arr().Obj().KS("name", "InstanceId").KS("value", r.Pick(stoppable_)).EndObj().EndArr();
        w.EndObj().KN("period", 300).KS("stat", "Average").EndObj().KB("returnData", true).EndObj();
      }
      w.EndArr().KT("startTime", t - 10 * kMin, 0).KT("endTime", t, 0).EndObj();
      c.rp = s;
    } else if (roll < 81000) {  // IAM reads (global service, us-east-1)
      static const char* kOps[] = {"GetRole", "ListAttachedRolePolicies", "GetPolicy", "ListRoles"};
      c.p = roll < 78000 ? config_.get() : human.get();
      c.name = kOps[roll % 4];
      c.source = "iam.amazonaws.com";
      c.region = "us-east-1";
      c.read_only = true;
      c.rp = "{\"roleName\":\"app-task-role-" + std::to_string(roll % 6) + "\"}";
    } else if (roll < 85000) {  // STS GetCallerIdentity, ECR tokens
      c.p = roll < 83000 ? human.get() : r.Pick(lambdas_).get();
      c.read_only = true;
      if (roll < 83000) {
        c.name = "GetCallerIdentity";
        c.source = "sts.amazonaws.com";
      } else {
        c.name = "GetAuthorizationToken";
        c.source = "ecr.amazonaws.com";
        c.rp = std::string("{\"registryIds\":[\"") + kAcct + "\"]}";
      }
    } else if (roll < 88000) {  // CloudWatch Logs reads
      c.p = datadog_.get();
      c.name = "DescribeLogStreams";
      c.source = "logs.amazonaws.com";
      c.read_only = true;
      c.rp = "{\"logGroupName\":\"/aws/lambda/ingest-" + std::to_string(roll % 6) +
             "\",\"orderBy\":\"LastEventTime\",\"descending\":true,\"limit\":50}";
    } else if (roll < 97300) {  // more EC2 reads
      c = Describe(r.Chance(0.6) ? datadog_.get() : human.get(), region);
    } else if (roll < 97600) {  // quota reads
      c.p = human.get();
      c.name = roll % 2 ? "GetServiceQuota" : "ListServiceQuotas";
      c.source = "servicequotas.amazonaws.com";
      c.read_only = true;
      c.rp = "{\"serviceCode\":\"ec2\",\"quotaCode\":\"L-1216C47A\"}";
    }
    // ---- writes outside T1578 (~1.0 %)
    else if (roll < 98600) {
      const uint64_t k = roll % 4;
      c.p = k == 0 ? r.Pick(lambdas_).get() : human.get();
      if (k == 0) {
        c.name = "CreateLogStream";
        c.source = "logs.amazonaws.com";
        c.rp = "{\"logGroupName\":\"/aws/lambda/ingest-" + std::to_string(roll % 6) + "\",\"logStreamName\":\"2026/02/02/[$LATEST]" +
               Hex(r, 32) + "\"}";
      } else if (k == 1) {
        c.name = "CreateTags";
        c.rp = "{\"resourcesSet\":" + Items("resourceId", {r.Pick(modifiable_)}) +
               ",\"tagSet\":{\"items\":[{\"key\":\"Owner\",\"value\":\"team-" + std::to_string(roll % 9) + "\"}]}}";
        c.re = "{\"requestId\":\"" + Uuid(r) + "\",\"_return\":true}";
      } else if (k == 2) {
        c.name = "AuthorizeSecurityGroupIngress";
        c.rp = "{\"groupId\":\"sg-0" + Hex(r, 16) + "\",\"ipPermissions\":{\"items\":[{\"ipProtocol\":\"tcp\","
               "\"fromPort\":443,\"toPort\":443,\"groups\":{},\"ipRanges\":{\"items\":[{\"cidrIp\":\"10.0.0.0/8\"}]},"
               "\"ipv6Ranges\":{},\"prefixListIds\":{}}]}}";
        c.re = "{\"requestId\":\"" + Uuid(r) + "\",\"_return\":true,\"securityGroupRuleSet\":{\"items\":[{\"groupOwnerId\":\"" +
               kAcct + "\",\"groupId\":\"sg-0" + Hex(r, 16) + "\",\"securityGroupRuleId\":\"sgr-0" + Hex(r, 16) +
               "\",\"isEgress\":false,\"ipProtocol\":\"tcp\",\"fromPort\":443,\"toPort\":443,\"cidrIpv4\":\"10.0.0.0/8\"}]}}";
      } else {
        c.name = "PutParameter";
        c.source = "ssm.amazonaws.com";
        c.rp = "{\"name\":\"/prod/app/feature-" + std::to_string(roll % 20) +
               "\",\"type\":\"String\",\"overwrite\":true,\"tier\":\"Standard\"}";
        c.re = "{\"version\":" + std::to_string(1 + r.Below(40)) + ",\"tier\":\"Standard\"}";
      }
    }
    // ---- T1578-relevant writes (~1.4 %)
    else {
      return T1578Ambient(t, region, human.get(), hi, roll, budget);
    }
    Line(t, c);
    return 1;
  }

  uint64_t T1578Ambient(int64_t t, const std::string& region, const Principal* human, size_t hi, uint64_t roll,
                        uint64_t budget) {
    Rng& r = s_.rng;
    const uint64_t k = roll - 98600;  // 0..1399
    if (k < 250) {  // AWS Backup snapshot, or a person's
      const Principal* p = k < 200 ? backup_.get() : human;
      Line(t, CreateSnapshot(p, region, r.Pick(volumes_), NewId(r, "snap-0", 16), t,
                             k < 200 ? "This snapshot is created by the AWS Backup service." : "before upgrade"));
      return 1;
    }
    if (k < 400) {  // DLM expiry burst, or a person's single deletion (cooled down)
      if (k < 330 && budget >= 4) {
        for (int i = 0; i < 4; ++i) {
          Ct c = DeleteSnapshot(dlm_.get(), "us-east-1", NewId(r, "snap-0", 16));
          if (i == 0) {
            Line(t, c);
          } else {
            s_.At(t + i * 12 * kSec, [this, tt = t + i * 12 * kSec, c](std::string* out) { Write(out, tt, c); });
          }
        }
        return 4;
      }
      if (t - last_delete_[hi] >= 11 * kMin) {
        last_delete_[hi] = t;
        Ct c = DeleteSnapshot(human, region, NewId(r, "snap-0", 16));
        if (r.Chance(0.1)) {
          c.err_code = "InvalidSnapshot.InUse";
          c.err_msg = "The snapshot is currently in use by an AMI.";
        }
        Line(t, c);
      } else {
        Line(t, Describe(human, region));
      }
      return 1;
    }
    if (k < 560) {  // Auto Scaling / Terraform / people launch and terminate
      const Principal* p = k < 480 ? asg_.get() : k < 520 ? terraform_.get() : human;
      const std::string iid = NewId(r, "i-0", 16);
      if (k % 2) {
        Line(t, Terminate(p, region, iid));
        return 1;
      }
      Ct c;
      c.p = p;
      c.name = "RunInstances";
      c.region = region;
      const char* type = k < 480 ? "m5.large" : k < 520 ? "t3.large" : "t3.medium";
      std::string s;
      JsonWriter w(&s);
      w.Obj().K("instancesSet").Obj().K("items").Arr().Obj().KS("imageId", "ami-0e2c8caa4b6378d8c").KN("minCount", 1);
      w.KN("maxCount", 1).EndObj().EndArr().EndObj().KS("instanceType", type).K("blockDeviceMapping").Obj().EndObj();
      w.K("monitoring").Obj().KB("enabled", false).EndObj().KB("disableApiTermination", false).KS("clientToken", Uuid(r));
      w.K("tagSpecificationSet").Obj().K("items").Arr().Obj().KS("resourceType", "instance").K("tags").Arr();
      w.Obj().KS("key", "Name").KS("value", k < 480 ? "web-asg" : "ci-runner").EndObj().EndArr().EndObj().EndArr().EndObj();
      w.K("metadataOptions").Obj().KS("httpTokens", "required").KN("httpPutResponseHopLimit", 2).EndObj().EndObj();
      c.rp = s;
      s.clear();
      JsonWriter x(&s);
      x.Obj().KS("requestId", Uuid(r)).KS("reservationId", "r-0" + Hex(r, 16)).KS("ownerId", kAcct);
      x.K("groupSet").Obj().EndObj().K("instancesSet").Obj().K("items").Arr().Obj().KS("instanceId", iid);
      x.KS("imageId", "ami-0e2c8caa4b6378d8c").K("instanceState").Obj().KN("code", 0).KS("name", "pending").EndObj();
      x.KS("privateDnsName", "ip-10-20-" + std::to_string(r.Below(16)) + "-" + std::to_string(2 + r.Below(250)) +
                                 ".ec2.internal");
      x.KN("amiLaunchIndex", 0).KS("instanceType", type).KN("launchTime", t / 1000);
      x.K("placement").Obj().KS("availabilityZone", region + "a").KS("tenancy", "default").EndObj();
      x.KS("subnetId", "subnet-0aa1bb2cc3dd4ee5f").KS("vpcId", "vpc-0a1b2c3d4e5f60718").KS("architecture", "x86_64");
      x.KS("rootDeviceType", "ebs").KS("rootDeviceName", "/dev/xvda").KS("virtualizationType", "hvm");
      x.KS("hypervisor", "xen").KB("ebsOptimized", false).KB("enaSupport", true).EndObj().EndArr().EndObj().EndObj();
      c.re = s;
      Line(t, c);
      return 1;
    }
    if (k < 760) {  // people stop and start instances (never modified)
      const std::string& iid = r.Pick(stoppable_);
      Line(t, k % 2 ? Stop(human, region, iid) : Start(human, region, iid));
      return 1;
    }
    if (k < 860) {  // people modify instances (never stopped)
      static const char* kAttrs[] = {"instanceType", "disableApiTermination", "sourceDestCheck"};
      Line(t, ModifyAttr(human, region, r.Pick(modifiable_), kAttrs[k % 3]));
      return 1;
    }
    if (k < 1180) {  // volumes
      static const char* kOps[] = {"CreateVolume", "AttachVolume", "DetachVolume", "DeleteVolume"};
      const Principal* p = k < 1000 ? terraform_.get() : human;
      const std::string vol = r.Pick(volumes_);
      Ct c;
      c.p = p;
      c.region = region;
      c.name = kOps[k % 4];
      switch (k % 4) {
        case 0:
          c.rp = "{\"size\":100,\"zone\":\"" + region + "a\",\"volumeType\":\"gp3\",\"encrypted\":true}";
          c.re = "{\"requestId\":\"" + Uuid(r) + "\",\"volumeId\":\"" + NewId(r, "vol-0", 16) +
                 "\",\"size\":\"100\",\"zone\":\"" + region + "a\",\"status\":\"creating\",\"createTime\":" +
                 std::to_string(t / 1000) + ",\"volumeType\":\"gp3\",\"iops\":3000,\"encrypted\":true,\"throughput\":125,"
                 "\"multiAttachEnabled\":false}";
          break;
        case 1:
        case 2:
          c.rp = "{\"volumeId\":\"" + vol + "\",\"instanceId\":\"" + r.Pick(modifiable_) + "\",\"device\":\"/dev/sdf\"}";
          c.re = "{\"requestId\":\"" + Uuid(r) + "\",\"volumeId\":\"" + vol + "\",\"instanceId\":\"" + r.Pick(modifiable_) +
                 "\",\"device\":\"/dev/sdf\",\"status\":\"" + (k % 4 == 1 ? "attaching" : "detaching") +
                 "\",\"attachTime\":" + std::to_string(t / 1000) + ",\"deleteOnTermination\":false}";
          break;
        default:
          c.rp = "{\"volumeId\":\"" + vol + "\"}";
          c.re = "{\"requestId\":\"" + Uuid(r) + "\",\"_return\":true}";
      }
      Line(t, c);
      return 1;
    }
    if (k < 1260) {  // snapshot permission changes that stay inside the estate
      const uint64_t v = k % 4;
      const std::string sid = NewId(r, "snap-0", 16);
      Line(t, v == 0   ? SharePermission(human, region, false, sid, {}, false, {kForeign[1]})
              : v == 1 ? SharePermission(human, region, false, sid, {kTrusted}, false, {})
              : v == 2 ? SharePermission(human, region, false, sid, {kAcct}, false, {})
                       : SharePermission(human, region, true, NewId(r, "ami-0", 16), {kTrusted}, false, {}));
      return 1;
    }
    if (k < 1300) {  // a person's quota request (cooled down: one region per hour)
      if (t - last_quota_[hi] >= 61 * kMin) {
        last_quota_[hi] = t;
        Line(t, QuotaRequest(human, region, t, 64.0 * (1 + r.Below(8))));
      } else {
        Ct c;
        c.p = human;
        c.name = "GetServiceQuota";
        c.source = "servicequotas.amazonaws.com";
        c.region = region;
        c.read_only = true;
        c.rp = "{\"serviceCode\":\"ec2\",\"quotaCode\":\"L-DB2E81BA\"}";
        Line(t, c);
      }
      return 1;
    }
    // refused writes: people trying what they may not
    Ct c = k % 2 ? Stop(human, region, r.Pick(stoppable_)) : ModifyAttr(human, region, r.Pick(modifiable_), "userData");
    c.err_code = "Client.UnauthorizedOperation";
    c.err_msg = "You are not authorized to perform this operation. User is not authorized to perform: ec2:* because no "
                "identity-based policy allows the action";
    Line(t, c);
    return 1;
  }

  const GenConfig& cfg_;
  Stream s_;
  Rng plan_;
  Truth* truth_;
  P datadog_, backup_, dlm_, asg_, terraform_, gha_, config_, lambda_svc_, ecs_svc_;
  std::vector<P> lambdas_, humans_, keep_;
  std::vector<int64_t> last_delete_, last_quota_;
  std::vector<std::string> stoppable_, modifiable_, volumes_, buckets_, kms_keys_;
  int episode_seq_ = 0;
};

}  // namespace

uint64_t GenerateCloudTrail(const GenConfig& cfg, FILE* f, Truth* truth) {
  CloudTrailGen g(cfg, f, truth);
  return g.Run();
}

}  // namespace benchgen
