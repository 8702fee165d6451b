// PlanEvent: classifies each field path of a program against the
// normalized event's layout (stdlib/schema.json; normalizer.cc writes it).
#include "runtime/ingest/event_plan.h"

namespace rdl::ingest {
namespace {

bool IsPrefix(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() >= b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

EventPlan PlanEvent(const Program& program, const Schema& schema) {
  EventPlan plan;
  plan.direct = true;
  plan.schema_needed.assign(schema.fields.size(), false);
  plan.slots.resize(program.fields.size());
  auto indirect = [&](const Field& f) {
    if (!plan.direct) return;
    plan.direct = false;
    for (const std::string& s : f.segments) {
      if (!plan.why_not.empty()) plan.why_not += '.';
      plan.why_not += s;
    }
  };
  for (size_t i = 0; i < program.fields.size(); ++i) {
    const Field& field = program.fields[i];
    const std::vector<std::string>& segs = field.segments;
    SlotSource& src = plan.slots[i];
    src.type = field.type;
    if (segs.empty()) {
      indirect(field);
      continue;
    }
    const std::string& head = segs[0];
    if (head == "raw") {
      if (segs.size() == 1) {
        indirect(field);
      } else {
        src.kind = SlotSource::Kind::kRaw;
        src.raw_path.assign(segs.begin() + 1, segs.end());
      }
      continue;
    }
    if (head == "resources") {
      // The normalized event writes resources as [{"type"?, "uid"}...].
      if (segs.size() == 1) {
        indirect(field);
      } else if (segs.size() == 2 && segs[1] == "uid") {
        src.kind = SlotSource::Kind::kResourceUids;
        plan.needs_resources = true;
      } else if (segs.size() == 2 && segs[1] == "type") {
        src.kind = SlotSource::Kind::kResourceTypes;
        plan.needs_resources = true;
      }
      continue;
    }
    if (head == "tags") {
      // tags is an object of strings.
      if (segs.size() == 1) {
        indirect(field);
      } else if (segs.size() == 2) {
        src.kind = SlotSource::Kind::kTag;
        src.tag = segs[1];
        plan.needs_tags = true;
      }
      continue;
    }
    bool found = false;
    for (size_t f = 0; f < schema.fields.size() && !found; ++f) {
      const SchemaField& sf = schema.fields[f];
      if (sf.derived || sf.type == FieldType::kJson) continue;
      if (sf.segments == segs) {
        found = true;
        // A string list read as json would be the array itself.
        if (sf.type == FieldType::kStringList && field.type == rdl::FieldType::kJson) {
          indirect(field);
        } else {
          src.kind = SlotSource::Kind::kSchema;
          src.schema_field = static_cast<int>(f);
          plan.schema_needed[f] = true;
        }
      } else if (IsPrefix(segs, sf.segments)) {
        found = true;
        indirect(field);  // an object of the normalized event
      }
    }
    // Otherwise nothing is there (or a scalar field has path left): kNone.
  }
  auto need = [&](const char* name) {
    if (int f = schema.Find(name); f >= 0) plan.schema_needed[f] = true;
  };
  for (const char* name : {"time", "cloud.provider", "api.service.name", "status", "action"}) {
    need(name);
  }
  if (plan.needs_resources) {
    need("resource.type");
    need("resource.uid");
  }
  return plan;
}

}  // namespace rdl::ingest
