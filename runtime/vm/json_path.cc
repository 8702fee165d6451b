// Scalar conversion and path walking over simdjson's DOM (see json_path.h).
// Recursion depth is bounded by the document depth, which simdjson caps.
#include "runtime/vm/json_path.h"

namespace rdl {

using simdjson::dom::element;
using simdjson::dom::element_type;

Value FromJson(element e) {
  switch (e.type()) {
    case element_type::STRING: {
      std::string_view s;
      if (e.get_string().get(s)) return Value::Missing();
      return Value::String(s);
    }
    case element_type::INT64: {
      int64_t i = 0;
      if (e.get_int64().get(i)) return Value::Missing();
      return Value::Int(i);
    }
    case element_type::UINT64: {
      uint64_t u = 0;
      if (e.get_uint64().get(u)) return Value::Missing();
      return Value::Float(static_cast<double>(u));
    }
    case element_type::DOUBLE: {
      double d = 0;
      if (e.get_double().get(d)) return Value::Missing();
      return Value::Float(d);
    }
    case element_type::BOOL: {
      bool b = false;
      if (e.get_bool().get(b)) return Value::Missing();
      return Value::Bool(b);
    }
    case element_type::NULL_VALUE:
      return Value::Null();
    case element_type::ARRAY:
    case element_type::OBJECT:
      return Value::Json(e);
  }
  return Value::Missing();
}

void CollectPath(element e, std::span<const std::string> segments, std::vector<Value>* list) {
  simdjson::dom::array arr;
  if (!e.get_array().get(arr)) {
    for (element x : arr) CollectPath(x, segments, list);
    return;
  }
  if (segments.empty()) {
    list->push_back(FromJson(e));
    return;
  }
  simdjson::dom::object obj;
  element child;
  if (!e.get_object().get(obj) && !obj.at_key(segments[0]).get(child)) {
    CollectPath(child, segments.subspan(1), list);
  }
}

PathResult WalkPath(element e, std::span<const std::string> segments, Value* single,
                    std::vector<Value>* list) {
  for (size_t i = 0; i < segments.size(); ++i) {
    simdjson::dom::object obj;
    if (!e.get_object().get(obj)) {
      element child;
      if (obj.at_key(segments[i]).get(child)) return PathResult::kMissing;
      e = child;
      continue;
    }
    if (e.is_array()) {
      size_t before = list->size();
      CollectPath(e, segments.subspan(i), list);
      return list->size() > before ? PathResult::kList : PathResult::kMissing;
    }
    return PathResult::kMissing;  // a scalar with path left
  }
  *single = FromJson(e);
  return PathResult::kValue;
}

}  // namespace rdl
