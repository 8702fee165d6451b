// The OCSF API Activity (class 6003) table. OCSF uses our field names (ours
// follow it), so most rules are the identity; the differences are `time` in
// epoch milliseconds, the provider spelled "AWS", `status` "Success", MFA as
// `is_mfa` and the resource list. `action` is not an OCSF field: the
// normalizer takes it from the provider's own table by api.operation (only
// `action`: the table's paths describe the provider's layout, not OCSF's).
// Kept as data like stdlib/providers/*.json; it has no stdlib file because
// the embed list is fixed (a --mappings file with "provider": "ocsf"
// overrides it all the same).
#include "runtime/ingest/mapping.h"

namespace rdl::ingest {

std::string_view OcsfMappingJson() {
  return R"json({
  "provider": "ocsf",
  "required": ["time"],
  "fields": {
    "time": ["time_dt", "time"],
    "metadata.uid": ["metadata.uid"],
    "metadata.product": "ocsf",
    "cloud.provider": [
      {"path": "cloud.provider", "map": {"aws": "aws", "amazon web services": "aws",
        "azure": "azure", "microsoft azure": "azure", "microsoft": "azure",
        "gcp": "gcp", "google cloud platform": "gcp", "google cloud": "gcp", "google": "gcp"}},
      {"path": "cloud.provider", "lower": true}
    ],
    "cloud.account.uid": ["cloud.account.uid", "cloud.account_uid", "actor.user.account.uid"],
    "cloud.region": ["cloud.region"],
    "actor.user.uid": ["actor.user.uid"],
    "actor.user.name": ["actor.user.name"],
    "actor.user.type": ["actor.user.type"],
    "actor.user.account.uid": ["actor.user.account.uid", "actor.user.account_uid"],
    "actor.session.uid": ["actor.session.uid", "actor.user.credential_uid"],
    "actor.session.issuer": ["actor.session.issuer"],
    "actor.session.mfa": ["actor.session.is_mfa", "actor.session.mfa"],
    "actor.invoked_by": ["actor.invoked_by"],
    "src_endpoint.ip": ["src_endpoint.ip"],
    "http_request.user_agent": ["http_request.user_agent"],
    "api.service.name": ["api.service.name"],
    "api.operation": ["api.operation"],
    "api.request.uid": ["api.request.uid"],
    "resource.type": ["resources.type"],
    "resource.uid": ["resources.uid"],
    "resource.name": ["resources.name"],
    "resources": [{"objects": "resources", "uid": "uid", "type": "type"}],
    "status": [
      {"path": "status", "map": {"success": "success", "failure": "failure"}},
      {"path": "status_id", "map": {"1": "success", "2": "failure"}}
    ],
    "error.code": ["api.response.error", "status_code"],
    "error.message": ["api.response.message", "status_detail"]
  }
})json";
}

}  // namespace rdl::ingest
