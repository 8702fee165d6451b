// A program over every schema field and paths that exercise each source of
// the typed hand-off's plan (runtime/ingest/event_plan.h): for the tests and
// the fuzz target that hold the typed hand-off equal to the JSON path.
#pragma once

#include <string>
#include <vector>

#include "rdl/program.h"
#include "runtime/ingest/mapping.h"

namespace rdl::test {

inline std::vector<std::string> Split(const std::string& dotted) {
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
inline Program FieldsProgram() {
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

}  // namespace rdl::test
