// Reading values out of simdjson's DOM, shared by the event reader (field
// slots) and the interpreter (GetPath): scalar conversion and path walking
// with the "crossing an array maps the rest of the path" rule. Internal to
// runtime/vm/.
#pragma once

#include <simdjson.h>

#include <span>
#include <string>
#include <vector>

#include "runtime/vm/value.h"

namespace rdl {

// Scalars by value (strings as views into the parsed document; integers
// beyond int64 as floats); arrays and objects as kJson.
Value FromJson(simdjson::dom::element e);

// True for a kList or a kJson array: the values "any" semantics iterate.
inline bool IsSequence(const Value& v) {
  return v.tag == Value::Tag::kList || (v.tag == Value::Tag::kJson && v.json.is_array());
}

enum class PathResult : uint8_t {
  kMissing,  // nothing at the path
  kValue,    // *single holds the value (no array was crossed)
  kList,     // an array was crossed: the values found were appended to *list
};

// Descends `segments` from `e`: objects by key; when an array is met with
// segments left, the rest of the path is mapped over its elements, nested
// arrays are flattened, and every value found is appended to *list (kList,
// or kMissing when none was found).
PathResult WalkPath(simdjson::dom::element e, std::span<const std::string> segments, Value* single,
                    std::vector<Value>* list);

// Appends the values reached by `segments` from `e`, mapping over (and
// flattening) every array met, including `e` itself and the leaves.
void CollectPath(simdjson::dom::element e, std::span<const std::string> segments,
                 std::vector<Value>* list);

}  // namespace rdl
