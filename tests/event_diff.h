// Deep comparison of two events slot by slot, for tests of the ways an
// event is built (EventReader, ingest's typed hand-off, EventDecoder) that
// must agree exactly.
#pragma once

#include <simdjson.h>

#include <string>

#include "runtime/vm/event.h"

namespace rdl::test {

inline std::string ValueText(const Value& v) {
  switch (v.tag) {
    case Value::Tag::kMissing:
      return "missing";
    case Value::Tag::kNull:
      return "null";
    case Value::Tag::kBool:
      return v.b ? "bool:true" : "bool:false";
    case Value::Tag::kInt:
      return "int:" + std::to_string(v.i);
    case Value::Tag::kFloat: {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "float:%.17g", v.f);
      return buf;
    }
    case Value::Tag::kString:
      return "string:\"" + std::string(v.str()) + "\"";
    case Value::Tag::kJson:
      return "json:" + simdjson::to_string(v.json);
    case Value::Tag::kList: {
      std::string out = "list[";
      for (uint32_t i = 0; i < v.list.n; ++i) {
        if (i) out += ", ";
        out += ValueText(v.list.p[i]);
      }
      return out + "]";
    }
  }
  return "?";
}

// Every slot, the time and the uid as text (one line each): what an event
// holds, kept after the event's buffers are reused.
inline std::string DescribeEvent(const Event& e) {
  std::string out = "time " + std::to_string(e.time_ns()) + " uid " + std::string(e.uid()) + "\n";
  for (size_t i = 0; i < e.num_slots(); ++i) {
    out += std::to_string(i) + " " + ValueText(e.slot(static_cast<uint16_t>(i))) + "\n";
  }
  return out;
}

// Empty when `a` and `b` hold the same slots, time and uid; otherwise the
// first difference.
inline std::string EventDiff(const Event& a, const Event& b) {
  if (a.num_slots() != b.num_slots()) {
    return "slot count " + std::to_string(a.num_slots()) + " vs " + std::to_string(b.num_slots());
  }
  if (a.time_ns() != b.time_ns()) return "time differs";
  if (a.uid() != b.uid()) return "uid differs";
  for (size_t i = 0; i < a.num_slots(); ++i) {
    std::string x = ValueText(a.slot(static_cast<uint16_t>(i)));
    std::string y = ValueText(b.slot(static_cast<uint16_t>(i)));
    if (x != y) return "slot " + std::to_string(i) + ": " + x + " vs " + y;
  }
  return "";
}

}  // namespace rdl::test
