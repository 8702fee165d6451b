// Azure Activity Log stream generator: the records a diagnostic setting
// exports to a storage account (insights-activity-logs, one JSON record per
// line), time-ordered, shapes as in bench/gen/gen_sample.py. An operation
// is logged as a Start record and its outcome; long-running ones (202) as
// Start, Accept and Success.
//
// Ambient traffic: Policy audit records, key listing, deployments, network
// and tag writes, and compute writes (Azure Backup snapshots, VM lifecycle,
// deallocate / start of some VMs by people, VM updates of others). Episodes
// inject the snapshot deletion burst and stop -> modify -> start scenarios
// with their near misses; the Activity Log has no event id, so findings are
// identified by rule, key and time.
#include <algorithm>
#include <cctype>
#include <memory>

#include "stream.h"

namespace benchgen {
namespace {

constexpr const char* kSub = "7f3c1a52-5b1e-4c39-9d6e-2a9b8c4d1e07";
constexpr const char* kTenant = "5d0f9a2b-3c4e-4f61-8a7b-9c0d1e2f3a4b";
constexpr const char* kBackupApp = "262044b1-e2ce-469f-a196-69ab7ada62d3";  // automation_azure_app_ids

const std::vector<std::string> kLocations = {"eastus", "eastus", "eastus", "westeurope", "westus2", "northeurope"};

struct AzPrincipal {
  std::string upn;  // empty for service principals
  std::string oid;
  std::string ip;
  std::string name;
  std::string appid = "c44b4083-3bb0-49c1-b47d-974e53cbdf3c";  // Azure Portal / CLI
  bool sp = false;
};
using AP = std::shared_ptr<AzPrincipal>;

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Rid(const std::string& rg, const std::string& kind, const std::string& name) {
  return std::string("/subscriptions/") + kSub + "/resourceGroups/" + rg + "/providers/" + kind + "/" + name;
}

class AzureGen {
 public:
  AzureGen(const GenConfig& cfg, FILE* f, Truth* truth)
      : cfg_(cfg), s_(f, cfg.seed * 31 + 11), plan_(cfg.seed * 31 + 12), truth_(truth) {
    Rng& r = plan_;
    backup_ = Sp(kBackupApp, "52.168.112.18");
    autoscale_ = Sp("1f6e2a3b-7c8d-4e9f-a0b1-c2d3e4f5a6b7", "40.78.12.34");
    pipeline_ = Sp("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "20.42.65.91");
    static const char* kNames[] = {"bob", "eve", "fatima", "gustav", "hana", "igor", "jin", "kofi",
                                   "lena", "marco", "noor", "olga"};
    const size_t humans = 12 + cfg.records / 60000;
    for (size_t i = 0; i < humans; ++i) {
      const std::string n = i < 12 ? kNames[i] : "ops" + std::to_string(i);
      humans_.push_back(User(n + "@contoso.example", "198.51.100." + std::to_string(130 + i % 100)));
      last_delete_.push_back(INT64_MIN / 2);
    }
    for (int i = 0; i < 16; ++i) stoppable_.push_back(Rid("app-rg", "Microsoft.Compute/virtualMachines", "app-vm-" + std::to_string(i)));
    for (int i = 0; i < 16; ++i) modifiable_.push_back(Rid("web-rg", "Microsoft.Compute/virtualMachines", "web-vm-" + std::to_string(i)));
    for (int i = 0; i < 8; ++i) storage_.push_back("contoso" + Alnum(r, 8, "abcdefghijklmnopqrstuvwxyz0123456789"));
  }

  uint64_t Run() {
    Plan();
    const uint64_t scheduled = s_.scheduled();
    const uint64_t ambient = cfg_.records > scheduled ? cfg_.records - scheduled : 0;
    s_.Run(cfg_.start, cfg_.span, ambient, [&](int64_t t, uint64_t budget) { return Ambient(t, budget); });
    return s_.written();
  }

 private:
  AP User(const std::string& upn, const std::string& ip) {
    auto p = std::make_shared<AzPrincipal>();
    p->upn = upn;
    p->oid = Uuid(plan_);
    p->ip = ip;
    p->name = upn.substr(0, upn.find('@'));
    keep_.push_back(p);
    return p;
  }
  AP Sp(const char* appid, const char* ip) {
    auto p = std::make_shared<AzPrincipal>();
    p->oid = Uuid(plan_);
    p->ip = ip;
    p->appid = appid;
    p->sp = true;
    return p;
  }

  struct Phase {
    const char* result_type;  // Start | Accept | Success | Failure
    const char* signature;
    const char* status_code;  // nullptr on Start
    int64_t delay;            // after the operation's start
  };

  void Record(std::string* out, int64_t t, const AzPrincipal& p, const std::string& op, const std::string& rid,
              const std::string& location, const Phase& ph, const std::string& corr, const char* category,
              const char* role) {
    Rng& r = s_.rng;
    JsonWriter w(out);
    w.Obj().KT("time", t, 7).KS("resourceId", Upper(rid)).KS("operationName", Upper(op)).KS("category", category);
    w.KS("resultType", ph.result_type).KS("resultSignature", ph.signature);
    w.KS("durationMs", ph.status_code == nullptr ? "0" : std::to_string(900 + r.Below(29000)));
    w.KS("callerIpAddress", p.ip).KS("correlationId", corr);
    w.K("identity").Obj().K("authorization").Obj().KS("scope", rid).KS("action", op).K("evidence").Obj();
    w.KS("role", role).KS("roleAssignmentScope", std::string("/subscriptions/") + kSub);
    w.KS("roleAssignmentId", Hex(r, 32)).KS("roleDefinitionId", Hex(r, 32));
    std::string pid = p.oid;
    pid.erase(std::remove(pid.begin(), pid.end(), '-'), pid.end());
    w.KS("principalId", pid).KS("principalType", p.sp ? "ServicePrincipal" : "User").EndObj().EndObj();
    const int64_t iat = t / kSec - 300 - static_cast<int64_t>(r.Below(2700));
    w.K("claims").Obj().KS("aud", "https://management.core.windows.net/");
    w.KS("iss", std::string("https://sts.windows.net/") + kTenant + "/");
    w.KS("iat", std::to_string(iat)).KS("nbf", std::to_string(iat)).KS("exp", std::to_string(iat + 4500));
    w.KS("appid", p.appid).KS("appidacr", p.sp ? "2" : "0");
    w.KS("http://schemas.microsoft.com/identity/claims/objectidentifier", p.oid);
    w.KS("http://schemas.microsoft.com/identity/claims/tenantid", kTenant).KS("ver", "1.0");
    if (p.sp) {
      w.KS("idtyp", "app");
    } else {
      w.KS("http://schemas.microsoft.com/claims/authnmethodsreferences", "pwd,mfa");
      w.KS("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", p.upn);
      w.KS("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", p.upn);
      w.KS("name", p.name).KS("ipaddr", p.ip);
      w.KS("http://schemas.microsoft.com/identity/claims/scope", "user_impersonation");
    }
    w.EndObj().EndObj();
    w.KS("level", "Information").KS("location", location);
    w.K("properties").Obj().KS("eventCategory", category).KS("entity", rid).KS("message", op);
    w.KS("hierarchy", std::string(kTenant) + "/" + kSub);
    if (ph.status_code != nullptr) w.KS("statusCode", ph.status_code).KS("serviceRequestId", Uuid(r));
    w.EndObj().EndObj();
  }

  // Phases of one operation: kind 's' short (Start + outcome), 'l' long
  // running (Start, Accept, Success), '1' a single outcome record.
  std::vector<Phase> Phases(Rng& r, char kind, const char* outcome_code, bool failed = false) {
    std::vector<Phase> v;
    if (kind != '1') v.push_back(Phase{"Start", "Started.", nullptr, 0});
    if (kind == 'l') {
      v.push_back(Phase{"Accept", "Accepted.Accepted", "Accepted", 400 + static_cast<int64_t>(r.Below(2600)) * 1000});
      v.push_back(Phase{"Success", "Succeeded.", "OK", 20 * kSec + static_cast<int64_t>(r.Below(25)) * kSec});
    } else if (failed) {
      v.push_back(Phase{"Failure", "Failed.Forbidden", "Forbidden", 800 * 1000 + static_cast<int64_t>(r.Below(5000)) * 1000});
    } else {
      v.push_back(Phase{"Success", outcome_code, std::string_view(outcome_code).ends_with("Created") ? "Created" : "OK",
                        800 * 1000 + static_cast<int64_t>(r.Below(5000)) * 1000});
    }
    return v;
  }

  // Writes an operation now (first record) and schedules its later phases.
  // Returns the number of records.
  uint64_t OpNow(int64_t t, const AP& p, const std::string& op, const std::string& rid, const std::string& loc,
                 char kind, const char* outcome = "Succeeded.", const char* category = "Administrative",
                 const char* role = "Contributor") {
    Rng& r = s_.rng;
    const std::string corr = Uuid(r);
    const std::vector<Phase> phases = Phases(r, kind, outcome);
    for (size_t i = 0; i < phases.size(); ++i) {
      if (i == 0) {
        Record(s_.out(), t + phases[0].delay, *p, op, rid, loc, phases[0], corr, category, role);
        s_.out()->push_back('\n');
      } else {
        const int64_t tt = t + phases[i].delay;
        s_.At(tt, [this, tt, p, op, rid, loc, ph = phases[i], corr, category, role](std::string* out) {
          Record(out, tt, *p, op, rid, loc, ph, corr, category, role);
        });
      }
    }
    return phases.size();
  }

  // Schedules an operation (episodes); returns the time of its last record.
  int64_t OpLater(int64_t t, const AP& p, const std::string& op, const std::string& rid, const std::string& loc,
                  char kind, const char* outcome = "Succeeded.", const char* role = "Contributor") {
    const std::string corr = Uuid(plan_);
    const std::vector<Phase> phases = Phases(plan_, kind, outcome);
    int64_t last = t;
    for (const Phase& ph : phases) {
      const int64_t tt = t + ph.delay;
      last = tt;
      s_.At(tt, [this, tt, p, op, rid, loc, ph, corr, role](std::string* out) {
        Record(out, tt, *p, op, rid, loc, ph, corr, "Administrative", role);
      });
    }
    return last;
  }

  void Policy(std::string* out, int64_t t, const AP& p, const std::string& rid, const std::string& loc) {
    Rng& r = s_.rng;
    std::string policies;
    JsonWriter pw(&policies);
    const std::string def = Uuid(r);
    pw.Arr().Obj().KS("policyDefinitionId", "/providers/Microsoft.Authorization/policyDefinitions/" + def);
    pw.KS("policySetDefinitionId", "/providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8");
    pw.KS("policyDefinitionReferenceId", "diskEncryptionMonitoring").KS("policySetDefinitionName", "1f3afdf9-d0c9-4c3d-847f-89da613e70a8");
    pw.KS("policyDefinitionName", def).KS("policyDefinitionEffect", "AuditIfNotExists");
    pw.KS("policyAssignmentId", std::string("/subscriptions/") + kSub + "/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn");
    pw.KS("policyAssignmentName", "SecurityCenterBuiltIn").KS("policyAssignmentScope", std::string("/subscriptions/") + kSub);
    pw.K("policyAssignmentParameters").Obj().EndObj().EndObj().EndArr();
    JsonWriter w(out);
    w.Obj().KT("time", t, 7).KS("resourceId", Upper(rid)).KS("operationName", "MICROSOFT.AUTHORIZATION/POLICIES/AUDIT/ACTION");
    w.KS("category", "Policy").KS("resultType", "Success").KS("resultSignature", "Succeeded").KS("durationMs", "0");
    w.KS("callerIpAddress", p->ip).KS("correlationId", Uuid(r));
    w.K("identity").Obj().K("authorization").Obj().KS("scope", rid).KS("action", "Microsoft.Compute/virtualMachines/write");
    w.K("evidence").Obj().KS("role", "Contributor").KS("principalType", p->sp ? "ServicePrincipal" : "User").EndObj().EndObj();
    w.K("claims").Obj().KS("appid", p->appid).KS("http://schemas.microsoft.com/identity/claims/objectidentifier", p->oid);
    if (!p->sp) w.KS("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", p->upn);
    w.EndObj().EndObj();
    w.KS("level", "Warning").KS("location", loc);
    w.K("properties").Obj().KS("isComplianceCheck", "False").KS("resourceLocation", loc);
    w.KS("ancestors", std::string(kTenant) + ",contoso-root").KS("policies", policies);
    w.KS("eventCategory", "Policy").KS("entity", rid).KS("message", "Microsoft.Authorization/policies/audit/action");
    w.KS("hierarchy", std::string(kTenant) + "/" + kSub).EndObj().EndObj();
    out->push_back('\n');
  }

  uint64_t Ambient(int64_t t, uint64_t budget) {
    Rng& r = s_.rng;
    const std::string loc = r.Pick(kLocations);
    const AP& human = r.Pick(humans_);
    const size_t hi = &human - humans_.data();
    const uint64_t roll = r.Below(10000);
    if (budget < 3) {  // the tail: single-record operations only
      OpNow(t, human, "Microsoft.Storage/storageAccounts/listKeys/action",
            Rid("data-rg", "Microsoft.Storage/storageAccounts", r.Pick(storage_)), loc, '1');
      return 1;
    }
    if (roll < 3800) {
      Policy(s_.out(), t, human, r.Pick(modifiable_), loc);
      return 1;
    }
    if (roll < 5400) {
      return OpNow(t, roll % 3 ? pipeline_ : human, "Microsoft.Storage/storageAccounts/listKeys/action",
                   Rid("data-rg", "Microsoft.Storage/storageAccounts", r.Pick(storage_)), loc, '1');
    }
    if (roll < 6400) {
      return OpNow(t, pipeline_, "Microsoft.Web/sites/config/list/action",
                   Rid("web-rg", "Microsoft.Web/sites", "contoso-api-" + std::to_string(roll % 5)) + "/config/appsettings", loc,
                   '1');
    }
    if (roll < 6900) {
      return OpNow(t, human, "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action",
                   Rid("aks-rg", "Microsoft.ContainerService/managedClusters", "contoso-aks"), loc, '1');
    }
    if (roll < 7600) {
      return OpNow(t, pipeline_, "Microsoft.Resources/deployments/write",
                   std::string("/subscriptions/") + kSub + "/resourceGroups/web-rg/providers/Microsoft.Resources/deployments/release-" +
                       Hex(r, 8),
                   loc, 'l');
    }
    if (roll < 8300) {
      static const char* kOps[] = {"Microsoft.Network/networkSecurityGroups/securityRules/write",
                                   "Microsoft.Network/networkInterfaces/write", "Microsoft.Resources/tags/write",
                                   "Microsoft.Insights/diagnosticSettings/write"};
      const int k = static_cast<int>(roll % 4);
      return OpNow(t, roll % 2 ? pipeline_ : human, kOps[k],
                   Rid("net-rg", "Microsoft.Network/networkSecurityGroups", "nsg-" + std::to_string(roll % 7)) +
                       (k == 0 ? "/securityRules/allow-https" : ""),
                   loc, 's');
    }
    if (roll < 8600) {  // scale sets (autoscale)
      return OpNow(t, autoscale_, "Microsoft.Compute/virtualMachineScaleSets/write",
                   Rid("aks-rg", "Microsoft.Compute/virtualMachineScaleSets", "aks-nodepool1-vmss"), loc, 'l');
    }
    // ---- compute (T1578-relevant)
    const uint64_t k = roll - 8600;  // 0..1399
    if (k < 300) {
      return OpNow(t, backup_, "Microsoft.Compute/snapshots/write",
                   Rid("backup-rg", "Microsoft.Compute/snapshots", "AzureBackup_app-vm-" + std::to_string(k % 16) + "_" + Hex(r, 8)),
                   loc, 's', "Succeeded.Created", "Administrative", "Disk Snapshot Contributor");
    }
    if (k < 550) {
      return OpNow(t, backup_, "Microsoft.Compute/snapshots/delete",
                   Rid("backup-rg", "Microsoft.Compute/snapshots", "AzureBackup_app-vm-" + std::to_string(k % 16) + "_" + Hex(r, 8)),
                   loc, 'l', "Succeeded.", "Administrative", "Disk Snapshot Contributor");
    }
    if (k < 600) {  // a person's snapshot deletion, cooled down
      if (t - last_delete_[hi] >= 12 * kMin) {
        last_delete_[hi] = t;
        return OpNow(t, human, "Microsoft.Compute/snapshots/delete",
                     Rid("app-rg", "Microsoft.Compute/snapshots", "manual-" + Hex(r, 10)), loc, 'l');
      }
      Policy(s_.out(), t, human, r.Pick(modifiable_), loc);
      return 1;
    }
    if (k < 800) {  // VM lifecycle
      static const char* kOps[] = {"Microsoft.Compute/virtualMachines/write", "Microsoft.Compute/virtualMachines/delete",
                                   "Microsoft.Compute/disks/write", "Microsoft.Compute/disks/delete"};
      const int op = static_cast<int>(k % 4);
      const std::string name = "build-agent-" + Hex(r, 6);
      return OpNow(t, human, kOps[op],
                   Rid("build-rg", op < 2 ? "Microsoft.Compute/virtualMachines" : "Microsoft.Compute/disks", name), loc,
                   op % 2 ? 'l' : 's', "Succeeded.Created");
    }
    if (k < 1150) {  // people deallocate / start (never updated) VMs
      return OpNow(t, human,
                   k % 2 ? "Microsoft.Compute/virtualMachines/deallocate/action" : "Microsoft.Compute/virtualMachines/start/action",
                   r.Pick(stoppable_), loc, 'l');
    }
    // people update (never stop) VMs
    return OpNow(t, human, "Microsoft.Compute/virtualMachines/write", r.Pick(modifiable_), loc, 's', "Succeeded.");
  }

  // ----------------------------------------------------------- episodes --

  int64_t EpisodeStart() {
    const int64_t room = std::max<int64_t>(cfg_.span - 4 * kHour, kHour);
    return cfg_.start + 10 * kMin + static_cast<int64_t>(plan_.Below(room));
  }
  AP EpisodeUser(const char* stem) {
    // "stem-N": never the name of an ambient user ("opsN")
    return User(std::string(stem) + "-" + std::to_string(++episode_seq_) + "@contoso.example",
                "203.0.113." + std::to_string(1 + plan_.Below(250)));
  }
  void Found(const char* rule, const char* scenario, const std::string& key, int64_t t) {
    truth_->findings.push_back(Finding{"azure", rule, scenario, key, "", t});
  }

  void Plan() {
    const char* burst_rule = "snapshot_deletion_burst";
    const char* seq_rule = "instance_stop_modify_start";
    const char* del = "Microsoft.Compute/snapshots/delete";
    for (uint64_t round = 0; round < cfg_.rounds; ++round) {
      {  // AZ-B1: three snapshots deleted in ~4 minutes (long-running deletes)
        AP p = EpisodeUser("eve");
        const int64_t t = EpisodeStart();
        int64_t last = 0;
        for (int i = 0; i < 3; ++i) {
          last = std::max(last, OpLater(t + i * 100 * kSec, p, del,
                                        Rid("backup-rg", "Microsoft.Compute/snapshots", "AzureBackup_db-vm_OsDisk_" + Hex(plan_, 8)),
                                        "eastus", 'l'));
        }
        Found(burst_rule, "AZ-B1", p->upn, last);
        truth_->attacks["azure:AZ-B1"]++;
      }
      {  // near misses: two deletions; Azure Backup deleting four
        AP p = EpisodeUser("ops");
        const int64_t t = EpisodeStart();
        for (int i = 0; i < 2; ++i) {
          OpLater(t + i * 90 * kSec, p, del, Rid("app-rg", "Microsoft.Compute/snapshots", "pre-upgrade-" + Hex(plan_, 6)), "eastus", 'l');
        }
        truth_->decoys["azure:az-b-two"]++;
        const int64_t t2 = EpisodeStart();
        for (int i = 0; i < 4; ++i) {
          OpLater(t2 + i * 70 * kSec, backup_, del,
                  Rid("backup-rg", "Microsoft.Compute/snapshots", "AzureBackup_web-vm_" + Hex(plan_, 8)), "eastus", 'l',
                  "Succeeded.", "Disk Snapshot Contributor");
        }
        truth_->decoys["azure:az-b-automation"]++;
      }
      // stop (deallocate) -> update -> start of one VM
      auto sms = [&](const AP& a, const AP& b, bool modify, const char* scenario, bool fires) {
        const std::string vm = Rid("app-rg", "Microsoft.Compute/virtualMachines", "vm-" + Hex(plan_, 8));
        int64_t t = EpisodeStart();
        t = OpLater(t, a, "Microsoft.Compute/virtualMachines/deallocate/action", vm, "eastus", 'l') + 70 * kSec;
        if (modify) t = OpLater(t, b, "Microsoft.Compute/virtualMachines/write", vm, "eastus", 's', "Succeeded.") + 60 * kSec;
        const int64_t done = OpLater(t, a, "Microsoft.Compute/virtualMachines/start/action", vm, "eastus", 'l');
        if (fires) {
          Found(seq_rule, scenario, Upper(vm), done);
          truth_->attacks[std::string("azure:") + scenario]++;
        } else {
          truth_->decoys[std::string("azure:") + scenario]++;
        }
      };
      AP a = EpisodeUser("mallory"), b = EpisodeUser("ops");
      sms(a, a, true, "AZ-S1", true);
      sms(a, a, false, "az-d-no-modify", false);
      sms(a, b, true, "az-d-modified-by-another", false);
    }
  }

  const GenConfig& cfg_;
  Stream s_;
  Rng plan_;
  Truth* truth_;
  AP backup_, autoscale_, pipeline_;
  std::vector<AP> humans_, keep_;
  std::vector<int64_t> last_delete_;
  std::vector<std::string> stoppable_, modifiable_, storage_;
  int episode_seq_ = 0;
};

}  // namespace

uint64_t GenerateAzure(const GenConfig& cfg, FILE* f, Truth* truth) {
  AzureGen g(cfg, f, truth);
  return g.Run();
}

}  // namespace benchgen
