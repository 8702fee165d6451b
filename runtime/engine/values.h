// Values the engine keeps or prints: owned copies of event values (sequence
// captures and keys outlive the event they came from), the canonical byte
// encoding of state keys (join keys, window keys, suppression keys), and the
// JSON/text renderings used in alerts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rdl/program.h"
#include "runtime/util/json_string.h"
#include "runtime/vm/event.h"
#include "runtime/vm/value.h"

namespace rdl::engine_internal {

// A Value that owns its storage. JSON arrays become lists of owned scalars;
// JSON objects are kept as their (minified) JSON text with tag kJson.
struct OwnedValue {
  Value::Tag tag = Value::Tag::kMissing;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;                 // kString; kJson: JSON text of an object
  std::vector<OwnedValue> list;  // kList (elements are scalars or kJson)
};

OwnedValue Own(const Value& v);

// Hands out Values that view OwnedValues (for the VM's StageRefs and for
// rendering). List element arrays live in the arena until Reset(); buffers
// are reused, so steady state does not allocate.
class ViewArena {
 public:
  Value View(const OwnedValue& v);
  // A list storage slot, valid until Reset().
  std::vector<Value>& NewList();
  void Reset() { used_ = 0; }

 private:
  std::vector<std::vector<Value>> lists_;
  size_t used_ = 0;
};

// Packed owned values: the bytes of Own(v) in one flat buffer (sequence
// partials keep their captures and key values this way: no per-value
// allocation). Layout: a Value::Tag byte, then kBool 1 byte, kInt/kFloat 8
// bytes, kString/kJson varint length + bytes, kList varint count + packed
// elements (never lists themselves: nested lists are kMissing, as in Own).
void PackValue(const Value& v, std::string* out);
// Views the packed value at *p (strings point into the buffer, list element
// arrays live in `arena`) and advances *p past it. Same Value as
// arena.View(Own(v)).
Value ViewPacked(const char** p, ViewArena& arena);
// Advances *p past one packed value.
void SkipPacked(const char** p);
void PutVarint(uint64_t v, std::string* out);
uint64_t GetVarint(const char** p);

// Decodes a state key made only of strings, ints and bools (as CandidateKeys
// or WholeKey encode them) into its values, which view `key`. Returns false
// when the key holds anything else.
bool DecodeScalarKey(std::string_view key, std::vector<Value>* out);

// Upper bound on the candidate join keys of one event (the product of the
// lengths of its list-valued key fields); further combinations are ignored.
inline constexpr size_t kMaxKeyCandidates = 64;

// The key of `slots` with every value taken whole (a list is one value).
// Returns false when a value is missing or null (the event is disqualified).
bool WholeKey(const Event& event, const std::vector<uint16_t>& slots, std::string* out);
// As WholeKey but a missing/null value is encoded rather than disqualifying
// (suppression keys).
void LenientKey(const std::vector<Value>& values, std::string* out);
// The candidate join keys of `slots`: a list-valued slot contributes each of
// its (non-null) elements, scalars contribute themselves; the result is the
// positional product, deduplicated, capped at kMaxKeyCandidates. Returns
// false (and no keys) when a value is missing, null or an empty list.
bool CandidateKeys(const Event& event, const std::vector<uint16_t>& slots,
                   std::vector<std::string>* out);

// JSON rendering. Time fields (FieldType::kTime) print as RFC 3339 strings.
inline void AppendJsonString(std::string_view s, std::string* out) {
  ::rdl::AppendJsonString(out, s);
}
void AppendJsonValue(const Value& v, FieldType type, std::string* out);
// Text rendering for messages: strings unquoted, lists comma-separated,
// missing as the empty string.
void AppendTextValue(const Value& v, FieldType type, std::string* out);

// "actor.user.uid" for a field slot.
std::string FieldName(const Program& program, uint16_t slot);

}  // namespace rdl::engine_internal
