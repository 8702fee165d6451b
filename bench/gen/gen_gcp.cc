// GCP Cloud Audit Logs stream generator: LogEntry records as a log sink
// writes them to Cloud Storage (one JSON entry per line), Admin Activity and
// Data Access (ADMIN_READ) mixed, time-ordered, shapes as in
// bench/gen/gen_sample.py. Long-running compute operations log a first
// entry (request, response) and a last entry on completion.
//
// Ambient traffic: mostly list / get calls by people, monitoring and
// Terraform; compute writes by the managed instance group and snapshot
// scheduler service agents, Terraform and people (stop / start of some
// instances, metadata and machine-type changes of others, cooled-down
// snapshot deletions). Episodes inject the snapshot sharing, deletion burst
// and stop -> modify -> start scenarios with their near misses.
#include <memory>

#include "stream.h"

namespace benchgen {
namespace {

constexpr const char* kProject = "acme-prod";
constexpr const char* kProjectNum = "731926845210";

const std::vector<std::string> kZones = {"us-central1-a", "us-central1-a", "us-central1-b", "europe-west1-b",
                                         "us-east1-c"};

const char* kUaConsole = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0,gzip(gfe),gzip(gfe)";
const char* kUaTf = "Terraform/1.10.3 (+https://www.terraform.io) Terraform-Plugin-SDK/2.33.0 terraform-provider-google/6.14.1";
const char* kUaGrafana = "google-api-go-client/0.5 grafana-google-sdk/1.1";

struct GPrincipal {
  std::string email;
  std::string ip;
  std::string ua;  // empty: gcloud
  bool service_account = false;
  bool delegated = false;  // acts for a first-party service
};
using GP = std::shared_ptr<GPrincipal>;

class GcpGen {
 public:
  GcpGen(const GenConfig& cfg, FILE* f, Truth* truth)
      : cfg_(cfg), s_(f, cfg.seed * 31 + 21), plan_(cfg.seed * 31 + 22), truth_(truth) {
    mig_ = Sa(std::string(kProjectNum) + "@cloudservices.gserviceaccount.com", "private", "GCE Managed Instance Group", true);
    sched_ = Sa(std::string("service-") + kProjectNum + "@compute-system.iam.gserviceaccount.com", "private",
                "GCE Snapshot Scheduler", false);
    terraform_ = Sa("terraform@acme-prod.iam.gserviceaccount.com", "35.202.110.7", kUaTf, false);
    monitoring_ = Sa("monitoring@acme-prod.iam.gserviceaccount.com", "35.222.48.19", kUaGrafana, false);
    static const char* kNames[] = {"carol", "dan", "emma", "femi", "gita", "hugo", "isla", "jonas", "kim", "leo"};
    const size_t humans = 10 + cfg.records / 60000;
    for (size_t i = 0; i < humans; ++i) {
      const std::string n = i < 10 ? kNames[i] : "eng" + std::to_string(i);
      humans_.push_back(Person(n + "@acme.example", "198.51.100." + std::to_string(170 + i % 80), i % 2 ? kUaConsole : ""));
      last_delete_.push_back(INT64_MIN / 2);
    }
    for (int i = 0; i < 16; ++i) stoppable_.push_back("app-" + std::to_string(i));
    for (int i = 0; i < 16; ++i) modifiable_.push_back("web-" + std::to_string(i));
  }

  uint64_t Run() {
    Plan();
    const uint64_t scheduled = s_.scheduled();
    const uint64_t ambient = cfg_.records > scheduled ? cfg_.records - scheduled : 0;
    s_.Run(cfg_.start, cfg_.span, ambient, [&](int64_t t, uint64_t budget) { return Ambient(t, budget); });
    return s_.written();
  }

 private:
  GP Sa(const std::string& email, const char* ip, const char* ua, bool delegated) {
    auto p = std::make_shared<GPrincipal>();
    p->email = email;
    p->ip = ip;
    p->ua = ua;
    p->service_account = true;
    p->delegated = delegated;
    return p;
  }
  GP Person(const std::string& email, const std::string& ip, const char* ua) {
    auto p = std::make_shared<GPrincipal>();
    p->email = email;
    p->ip = ip;
    p->ua = ua;
    return p;
  }

  static std::string Zonal(const std::string& zone, const char* kind, const std::string& name) {
    return std::string("projects/") + kProject + "/zones/" + zone + "/" + kind + "/" + name;
  }
  static std::string Global(const char* kind, const std::string& name) {
    return std::string("projects/") + kProject + "/global/" + kind + "/" + name;
  }

  struct Entry {
    const GPrincipal* who = nullptr;
    std::string method;         // v1.compute.instances.stop
    std::string resource_name;  // projects/...
    const char* rtype = "gce_instance";
    std::string zone;           // empty: global resource
    bool read = false;
    char op = 0;                // 0 no operation, 'f' first, 'l' last
    std::string op_id;
    std::string request;        // raw JSON or empty
    std::string metadata;       // raw JSON or empty
    std::string insert_id;      // preset (episodes) or random
    int status = 0;             // google.rpc.Code
  };

  void Write(std::string* out, int64_t t, const Entry& e) {
    Rng& r = s_.rng;
    JsonWriter w(out);
    w.Obj().K("protoPayload").Obj().KS("@type", "type.googleapis.com/google.cloud.audit.AuditLog");
    if (e.status != 0) w.K("status").Obj().KN("code", e.status).KS("message", "Required 'compute.snapshots.setIamPolicy' permission").EndObj();
    w.K("authenticationInfo").Obj().KS("principalEmail", e.who->email);
    if (e.who->delegated) {
      w.K("serviceAccountDelegationInfo").Arr().Obj().K("firstPartyPrincipal").Obj();
      w.KS("principalEmail", "cloud-autoscaler@system.gserviceaccount.com").EndObj().EndObj().EndArr();
    }
    w.KS("principalSubject", (e.who->service_account ? "serviceAccount:" : "user:") + e.who->email).EndObj();
    w.K("requestMetadata").Obj().KS("callerIp", e.who->ip);
    const std::string verb = e.method.substr(e.method.find('.') + 1);  // compute.instances.stop
    if (e.who->ua.empty()) {
      w.KS("callerSuppliedUserAgent",
           "google-cloud-sdk gcloud/503.0.0 command/gcloud." + verb + " invocation-id/" + Hex(r, 32) +
               " environment/None environment-version/None client-os/LINUX client-os-ver/6.8.0 "
               "client-pltf-arch/x86_64 interactive/True from-script/False python/3.12.7 term/xterm-256color,gzip(gfe)");
    } else {
      w.KS("callerSuppliedUserAgent", e.who->ua);
    }
    w.K("requestAttributes").Obj().KT("time", t, 6).K("auth").Obj().EndObj().EndObj();
    w.K("destinationAttributes").Obj().EndObj().EndObj();
    w.KS("serviceName", "compute.googleapis.com").KS("methodName", e.method).KS("resourceName", e.resource_name);
    if (e.op != 'l') {
      const std::string kind = verb.substr(verb.find('.') + 1, verb.rfind('.') - verb.find('.') - 1);
      w.K("authorizationInfo").Arr().Obj().KS("permission", "compute." + kind + "." + verb.substr(verb.rfind('.') + 1));
      w.KB("granted", e.status == 0).K("resourceAttributes").Obj().KS("service", "compute").KS("name", e.resource_name);
      w.KS("type", "compute." + kind).EndObj().EndObj().EndArr();
    }
    if (!e.request.empty()) w.K("request").Raw(e.request);
    if (e.op == 'f') {
      w.K("response").Obj().KS("@type", "type.googleapis.com/operation").KS("id", std::to_string(r.Next() >> 2));
      w.KS("name", e.op_id).KS("operationType", verb.substr(verb.rfind('.') + 1)).KS("progress", "0");
      w.KS("status", "RUNNING").KT("insertTime", t, 6).KT("startTime", t, 6);
      w.KS("targetLink", "https://www.googleapis.com/compute/v1/" + e.resource_name).KS("user", e.who->email);
      if (!e.zone.empty()) w.KS("zone", std::string("https://www.googleapis.com/compute/v1/projects/") + kProject + "/zones/" + e.zone);
      w.KS("selfLink", std::string("https://www.googleapis.com/compute/v1/projects/") + kProject + "/global/operations/" + e.op_id);
      w.EndObj();
    }
    if (!e.metadata.empty()) w.K("metadata").Raw(e.metadata);
    if (!e.zone.empty()) w.K("resourceLocation").Obj().K("currentLocations").Arr().S(e.zone).EndArr().EndObj();
    w.EndObj();
    w.KS("insertId", e.insert_id.empty() ? (e.read ? "" : "-") + Alnum(r, 12, "abcdefghijklmnopqrstuvwxyz0123456789")
                                        : e.insert_id);
    w.K("resource").Obj().KS("type", e.rtype).K("labels").Obj();
    if (!e.zone.empty()) w.KS("zone", e.zone);
    w.KS("project_id", kProject).EndObj().EndObj();
    w.KT("timestamp", t, 6).KS("severity", e.status != 0 ? "ERROR" : e.read ? "INFO" : "NOTICE");
    w.KS("logName", std::string("projects/") + kProject + "/logs/cloudaudit.googleapis.com%2F" +
                        (e.read ? "data_access" : "activity"));
    if (e.op != 0) {
      w.K("operation").Obj().KS("id", e.op_id).KS("producer", "compute.googleapis.com").KB(e.op == 'f' ? "first" : "last", true).EndObj();
    }
    w.KT("receiveTimestamp", t + 200000 + static_cast<int64_t>(r.Below(700000)), 9).EndObj();
  }

  std::string OpId(Rng& r, int64_t t) {
    return "operation-" + std::to_string(t / 1000) + "-" + Hex(r, 13) + "-" + Hex(r, 8) + "-" + Hex(r, 8);
  }

  // Ambient: writes a (first) entry now and schedules the last one.
  uint64_t Now(int64_t t, Entry e, bool with_last) {
    if (!e.read) {
      e.op = 'f';
      e.op_id = OpId(s_.rng, t);
    }
    Write(s_.out(), t, e);
    s_.out()->push_back('\n');
    if (!with_last || e.read) return 1;
    Entry last = e;
    last.op = 'l';
    last.request.clear();
    const int64_t tt = t + 8 * kSec + static_cast<int64_t>(s_.rng.Below(37)) * kSec;
    s_.At(tt, [this, tt, last](std::string* out) { Write(out, tt, last); });
    return 2;
  }

  // Episodes: schedules a first entry (and a last one 10-40 s later);
  // returns the first entry's insertId.
  std::string Later(int64_t t, Entry e, bool with_last) {
    e.insert_id = "-" + Alnum(plan_, 12, "abcdefghijklmnopqrstuvwxyz0123456789");
    if (e.op != 'n') {
      e.op = 'f';
      e.op_id = OpId(plan_, t);
    } else {
      e.op = 0;
    }
    s_.At(t, [this, t, e](std::string* out) { Write(out, t, e); });
    if (with_last && e.op == 'f') {
      Entry last = e;
      last.op = 'l';
      last.request.clear();
      last.insert_id = "-" + Alnum(plan_, 12, "abcdefghijklmnopqrstuvwxyz0123456789");
      const int64_t tt = t + 10 * kSec + static_cast<int64_t>(plan_.Below(30)) * kSec;
      s_.At(tt, [this, tt, last](std::string* out) { Write(out, tt, last); });
    }
    return e.insert_id;
  }

  Entry Instance(const GPrincipal* who, const char* verb, const std::string& zone, const std::string& name) {
    Entry e;
    e.who = who;
    e.method = std::string("v1.compute.instances.") + verb;
    e.resource_name = Zonal(zone, "instances", name);
    e.zone = zone;
    e.request = std::string("{\"@type\":\"type.googleapis.com/compute.instances.") + verb + "\"}";
    return e;
  }

  uint64_t Ambient(int64_t t, uint64_t budget) {
    Rng& r = s_.rng;
    const std::string zone = r.Pick(kZones);
    const GP& human = r.Pick(humans_);
    const size_t hi = &human - humans_.data();
    const uint64_t roll = r.Below(10000);
    const bool room = budget >= 2;
    if (roll < 7600) {  // Data Access: list / get
      static const char* kReads[][3] = {{"instances.list", "instances", "gce_instance"},
                                        {"instances.aggregatedList", "instances", "gce_instance"},
                                        {"instances.get", "instances", "gce_instance"},
                                        {"disks.list", "disks", "gce_disk"},
                                        {"snapshots.list", "snapshots", "gce_snapshot"},
                                        {"firewalls.list", "firewalls", "gce_firewall_rule"},
                                        {"networks.get", "networks", "gce_network"}};
      const auto& rd = kReads[roll % 7];
      Entry e;
      e.who = roll < 3000 ? monitoring_.get() : roll < 4500 ? terraform_.get() : human.get();
      e.method = std::string("v1.compute.") + rd[0];
      e.rtype = rd[2];
      e.read = true;
      const bool zonal = roll % 7 < 4 && roll % 7 != 1;
      e.zone = zonal ? zone : "";
      e.resource_name = roll % 7 == 2 ? Zonal(zone, "instances", r.Pick(stoppable_))
                        : zonal       ? std::string("projects/") + kProject + "/zones/" + zone + "/" + rd[1]
                                      : std::string("projects/") + kProject + "/global/" + rd[1];
      e.request = std::string("{\"@type\":\"type.googleapis.com/compute.") + rd[0] + "\"}";
      return Now(t, e, false);
    }
    if (roll < 8200) {  // firewall / label changes by Terraform
      Entry e;
      e.who = terraform_.get();
      e.method = "v1.compute.firewalls.patch";
      e.rtype = "gce_firewall_rule";
      e.resource_name = Global("firewalls", "allow-internal-" + std::to_string(roll % 5));
      e.request = "{\"@type\":\"type.googleapis.com/compute.firewalls.patch\",\"sourceRanges\":[\"10.128.0.0/9\"]}";
      return Now(t, e, room);
    }
    if (roll < 8700) {  // instance group scaling
      Entry e = Instance(mig_.get(), roll % 2 ? "insert" : "delete", zone, "web-mig-" + Alnum(r, 4, "abcdefghijklmnopqrstuvwxyz0123456789"));
      return Now(t, e, room);
    }
    if (roll < 9000) {  // nightly snapshot schedule: creation and expiry by the service agent
      Entry e;
      e.who = sched_.get();
      if (roll % 2) {
        e.method = "v1.compute.disks.createSnapshot";
        e.rtype = "gce_disk";
        e.zone = zone;
        e.resource_name = Zonal(zone, "disks", "db-" + std::to_string(roll % 4) + "-data");
        e.request = "{\"@type\":\"type.googleapis.com/compute.disks.createSnapshot\",\"name\":\"sched-" + Hex(r, 10) + "\"}";
      } else {
        e.method = "v1.compute.snapshots.delete";
        e.rtype = "gce_snapshot";
        e.resource_name = Global("snapshots", "sched-" + Hex(r, 10));
      }
      return Now(t, e, room);
    }
    if (roll < 9100) {  // a person's snapshot deletion, cooled down
      if (t - last_delete_[hi] >= 11 * kMin) {
        last_delete_[hi] = t;
        Entry e;
        e.who = human.get();
        e.method = "v1.compute.snapshots.delete";
        e.rtype = "gce_snapshot";
        e.resource_name = Global("snapshots", "manual-" + Hex(r, 8));
        return Now(t, e, room);
      }
      return Now(t, Instance(human.get(), "get", zone, r.Pick(stoppable_)), false);
    }
    if (roll < 9400) {  // people stop / start (never modified) instances
      return Now(t, Instance(human.get(), roll % 2 ? "stop" : "start", "us-central1-a", r.Pick(stoppable_)), room);
    }
    if (roll < 9650) {  // people change metadata / machine type / labels (never stopped) instances
      static const char* kVerbs[] = {"setMetadata", "setMachineType", "setLabels"};
      Entry e = Instance(human.get(), kVerbs[roll % 3], "us-central1-a", r.Pick(modifiable_));
      if (roll % 3 == 0) {
        e.metadata = "{\"@type\":\"type.googleapis.com/google.cloud.audit.GceInstanceAuditMetadata\","
                     "\"instanceMetadataDelta\":{\"modifiedMetadataKeys\":[\"enable-oslogin\"]}}";
      }
      return Now(t, e, room);
    }
    // people and Terraform create / delete instances and disks
    const bool disk = roll % 2;
    Entry e = Instance(roll % 3 ? terraform_.get() : human.get(), roll % 4 < 2 ? "insert" : "delete", zone,
                       "batch-" + Hex(r, 6));
    if (disk) {
      e.method = roll % 4 < 2 ? "v1.compute.disks.insert" : "v1.compute.disks.delete";
      e.rtype = "gce_disk";
      e.resource_name = Zonal(zone, "disks", "scratch-" + Hex(r, 6));
      e.request = "{\"@type\":\"type.googleapis.com/compute.disks.insert\",\"sizeGb\":\"200\"}";
    }
    return Now(t, e, room);
  }

  // ----------------------------------------------------------- episodes --

  int64_t EpisodeStart() {
    const int64_t room = std::max<int64_t>(cfg_.span - 4 * kHour, kHour);
    return cfg_.start + 10 * kMin + static_cast<int64_t>(plan_.Below(room));
  }
  GP EpisodeUser(const char* stem) {
    GP p = Person(std::string(stem) + "-" + std::to_string(++episode_seq_) + "@partner.example",
                  "203.0.113." + std::to_string(1 + plan_.Below(250)), "");
    keep_.push_back(p);
    return p;
  }
  void Found(const char* rule, const char* scenario, const std::string& key, const std::string& id, int64_t t) {
    truth_->findings.push_back(Finding{"gcp", rule, scenario, key, id, t});
    truth_->attacks[std::string("gcp:") + scenario]++;
  }

  Entry SnapshotIam(const GPrincipal* who, const std::string& snap, const char* member) {
    Entry e;
    e.who = who;
    e.method = "v1.compute.snapshots.setIamPolicy";
    e.rtype = "gce_snapshot";
    e.resource_name = Global("snapshots", snap);
    e.op = 'n';
    e.request = std::string("{\"@type\":\"type.googleapis.com/compute.snapshots.setIamPolicy\",\"policy\":{\"bindings\":"
                            "[{\"role\":\"roles/compute.storageAdmin\",\"members\":[\"") +
                member + "\"]}],\"etag\":\"BwYd" + Alnum(plan_, 8) + "\"}}";
    return e;
  }

  void Plan() {
    for (uint64_t round = 0; round < cfg_.rounds; ++round) {
      {  // GS-A1: snapshot made public (allUsers)
        GP p = EpisodeUser("contractor");
        const std::string snap = "db-nightly-" + Hex(plan_, 8);
        const int64_t t = EpisodeStart();
        Found("snapshot_shared_externally", "GS-A1", Global("snapshots", snap),
              Later(t, SnapshotIam(p.get(), snap, "allUsers"), false), t);
      }
      {  // near misses: labels on a snapshot; refused IAM change; Terraform's grant
        GP p = EpisodeUser("contractor");
        Entry e;
        e.who = p.get();
        e.method = "v1.compute.snapshots.setLabels";
        e.rtype = "gce_snapshot";
        e.resource_name = Global("snapshots", "db-nightly-" + Hex(plan_, 8));
        e.request = "{\"@type\":\"type.googleapis.com/compute.snapshots.setLabels\",\"labels\":{\"team\":\"db\"}}";
        Later(EpisodeStart(), e, true);
        truth_->decoys["gcp:gs-a-labels"]++;
        Entry refused = SnapshotIam(p.get(), "db-nightly-" + Hex(plan_, 8), "allUsers");
        refused.status = 7;
        Later(EpisodeStart(), refused, false);
        truth_->decoys["gcp:gs-a-refused"]++;
        Later(EpisodeStart(), SnapshotIam(terraform_.get(), "db-nightly-" + Hex(plan_, 8), "group:dr-team@example.com"), false);
        truth_->decoys["gcp:gs-a-automation"]++;
      }
      auto deletes = [&](const GPrincipal* who, int n, int64_t gap, const char* scenario, bool fires) {
        const int64_t t = EpisodeStart();
        for (int i = 0; i < n; ++i) {
          Entry e;
          e.who = who;
          e.method = "v1.compute.snapshots.delete";
          e.rtype = "gce_snapshot";
          e.resource_name = Global("snapshots", "db-nightly-" + Hex(plan_, 8));
          const std::string id = Later(t + i * gap, e, true);
          if (fires && i == 2) Found("snapshot_deletion_burst", scenario, who->email, id, t + i * gap);
        }
        if (!fires) truth_->decoys[std::string("gcp:") + scenario]++;
      };
      GP b1 = EpisodeUser("contractor");
      deletes(b1.get(), 4, 70 * kSec, "GS-B1", true);
      GP b2 = EpisodeUser("contractor");
      deletes(b2.get(), 2, 70 * kSec, "gs-b-two", false);
      deletes(sched_.get(), 4, 50 * kSec, "gs-b-service-agent", false);
      // stop -> setMachineType -> start
      auto sms = [&](const GPrincipal* a, const GPrincipal* b, bool modify, const char* scenario, bool fires) {
        const std::string name = "vm-" + Hex(plan_, 8);
        const std::string zone = "us-central1-a";
        int64_t t = EpisodeStart();
        Later(t, Instance(a, "stop", zone, name), true);
        t += 2 * kMin;
        if (modify) {
          Entry e = Instance(b, "setMachineType", zone, name);
          e.request = "{\"@type\":\"type.googleapis.com/compute.instances.setMachineType\",\"machineType\":\"projects/" +
                      std::string(kProject) + "/zones/" + zone + "/machineTypes/n2-highcpu-32\"}";
          Later(t, e, true);
          t += 2 * kMin;
        }
        const std::string id = Later(t, Instance(a, "start", zone, name), true);
        if (fires) {
          Found("instance_stop_modify_start", scenario, Zonal(zone, "instances", name), id, t);
        } else {
          truth_->decoys[std::string("gcp:") + scenario]++;
        }
      };
      GP a = EpisodeUser("contractor"), b = EpisodeUser("eng");
      sms(a.get(), a.get(), true, "GS-S1", true);
      sms(a.get(), a.get(), false, "gs-d-no-modify", false);
      sms(a.get(), b.get(), true, "gs-d-modified-by-another", false);
    }
  }

  const GenConfig& cfg_;
  Stream s_;
  Rng plan_;
  Truth* truth_;
  GP mig_, sched_, terraform_, monitoring_;
  std::vector<GP> humans_, keep_;
  std::vector<int64_t> last_delete_;
  std::vector<std::string> stoppable_, modifiable_;
  int episode_seq_ = 0;
};

}  // namespace

uint64_t GenerateGcp(const GenConfig& cfg, FILE* f, Truth* truth) {
  GcpGen g(cfg, f, truth);
  return g.Run();
}

}  // namespace benchgen
