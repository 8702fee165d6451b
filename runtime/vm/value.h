// The value held by a VM register or an event slot. Small and trivially
// copyable: strings and lists are views whose storage belongs to the event
// (its parsed JSON), the loaded pack (constants) or a partial match (captures).
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string_view>

namespace rdl {

struct Value {
  enum class Tag : uint8_t {
    kMissing = 0,  // field absent: every comparison with it is false
    kNull,
    kBool,
    kInt,    // also times and durations (int64 ns)
    kFloat,
    kString,
    kJson,   // array or object inside the current event's parsed JSON
    kList,   // array of Values owned elsewhere (captures, constant lists)
  };
  Tag tag = Tag::kMissing;
  union {
    bool b;
    int64_t i;
    double f;
    struct {
      const char* p;
      uint32_t n;
    } s;
    struct {
      const Value* p;
      uint32_t n;
    } list;
  };
  simdjson::dom::element json;  // valid when tag == kJson

  Value() : i(0) {}
  static Value Missing() { return Value(); }
  static Value Null() { Value v; v.tag = Tag::kNull; return v; }
  static Value Bool(bool x) { Value v; v.tag = Tag::kBool; v.b = x; return v; }
  static Value Int(int64_t x) { Value v; v.tag = Tag::kInt; v.i = x; return v; }
  static Value Float(double x) { Value v; v.tag = Tag::kFloat; v.f = x; return v; }
  static Value String(std::string_view x) {
    Value v; v.tag = Tag::kString; v.s.p = x.data(); v.s.n = static_cast<uint32_t>(x.size()); return v;
  }
  static Value Json(simdjson::dom::element e) { Value v; v.tag = Tag::kJson; v.json = e; return v; }
  static Value List(const Value* p, uint32_t n) {
    Value v; v.tag = Tag::kList; v.list.p = p; v.list.n = n; return v;
  }

  bool missing() const { return tag == Tag::kMissing; }
  bool is_string() const { return tag == Tag::kString; }
  std::string_view str() const { return {s.p, s.n}; }
  // Truthiness used by jumps and Return: only Bool(true) is true.
  bool truthy() const { return tag == Tag::kBool && b; }
};

}  // namespace rdl
