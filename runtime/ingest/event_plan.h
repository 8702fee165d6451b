// The typed hand-off's plan: where each field slot of a loaded program
// comes from when ingest fills events straight from a provider record
// (normalizer.cc), instead of writing the normalized JSON and reading it
// back. Every source reproduces exactly what EventReader would read from
// the normalized JSON at that path (tests/ingest/typed_event_test.cc holds
// the two ways equal), and the plan lists the schema fields some slot
// reads, so the normalizer evaluates only those (and the ones it must
// check).
#pragma once

#include <string>
#include <vector>

#include "rdl/program.h"
#include "runtime/ingest/mapping.h"

namespace rdl::ingest {

struct SlotSource {
  enum class Kind : uint8_t {
    kNone,           // nothing in the normalized event is at this path
    kSchema,         // a normalized field the normalizer evaluated
    kRaw,            // raw.<path>: a path into the original record
    kResourceUids,   // resources.uid
    kResourceTypes,  // resources.type
    kTag,            // tags.<key>
  };
  Kind kind = Kind::kNone;
  int schema_field = -1;                          // kSchema
  std::vector<std::string> raw_path;              // kRaw: the segments after "raw"
  std::string tag;                                // kTag
  rdl::FieldType type = rdl::FieldType::kString;  // the program's type for the slot
};

struct EventPlan {
  // False when some slot needs an object or array of the normalized event
  // itself (`resources`, `tags` or `raw` as a whole, an object such as
  // `actor.user`): events are then written as JSON and read back.
  bool direct = false;
  std::string why_not;            // when !direct: the field, for diagnostics
  std::vector<SlotSource> slots;  // parallel to program.fields
  // By schema field: the normalizer evaluates it (some slot reads it, or
  // other fields derive from it: time, provider, service, status, action,
  // and the primary resource when `resources` is read). Required fields
  // are evaluated whatever this says.
  std::vector<bool> schema_needed;
  bool needs_resources = false;
  bool needs_tags = false;
};

EventPlan PlanEvent(const Program& program, const Schema& schema);

}  // namespace rdl::ingest
