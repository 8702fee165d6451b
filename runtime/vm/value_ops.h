// The value semantics of the predicate VM, shared by the interpreter and the
// JIT tier's runtime helpers (runtime/jit/jit_helpers.cc) so both compute
// exactly the same results: "any" lifting over lists and json arrays,
// scalar comparison (missing is false, int/float mix numerically), ASCII
// case folding, arithmetic with wrapping and missing-on-zero, length and
// CIDR membership. Internal to the runtime (runtime/vm/ and runtime/jit/).
#pragma once

#include <simdjson.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <string_view>

#include "rdl/program.h"
#include "runtime/vm/json_path.h"
#include "runtime/vm/loaded_pack_impl.h"
#include "runtime/vm/value.h"

namespace rdl::vm_ops {

using Tag = Value::Tag;

// Calls f(element) for each element of a kList or kJson array until f
// returns true ("any").
template <typename F>
inline bool AnyOf(const Value& v, F&& f) {
  if (v.tag == Tag::kList) {
    for (uint32_t i = 0; i < v.list.n; ++i) {
      if (f(v.list.p[i])) return true;
    }
    return false;
  }
  simdjson::dom::array arr;
  if (v.tag != Tag::kJson || v.json.get_array().get(arr)) return false;
  for (simdjson::dom::element e : arr) {
    if (f(FromJson(e))) return true;
  }
  return false;
}

// "Any" lifting of a binary test: a sequence on either side holds when the
// test holds for some element (some pair when both are sequences).
template <typename F>
inline bool AnyPair(const Value& x, const Value& y, F&& f) {
  if (IsSequence(x)) return AnyOf(x, [&](const Value& e) { return AnyPair(e, y, f); });
  if (IsSequence(y)) return AnyOf(y, [&](const Value& e) { return AnyPair(x, e, f); });
  return f(x, y);
}

template <typename F>
inline bool AnyOne(const Value& x, F&& f) {
  if (IsSequence(x)) return AnyOf(x, [&](const Value& e) { return AnyOne(e, f); });
  return f(x);
}

inline bool IsNumber(const Value& v) { return v.tag == Tag::kInt || v.tag == Tag::kFloat; }
inline double AsDouble(const Value& v) { return v.tag == Tag::kInt ? static_cast<double>(v.i) : v.f; }

enum class Cmp : uint8_t { kEq, kLt, kLe, kGt, kGe };

// Scalar comparison; false for missing, across types, and for orderings of
// values that have no order (bools, nulls, objects).
inline bool ScalarCompare(const Value& x, const Value& y, Cmp op) {
  int order;  // <0, 0, >0
  if (IsNumber(x) && IsNumber(y)) {
    if (x.tag == Tag::kInt && y.tag == Tag::kInt) {
      order = x.i < y.i ? -1 : x.i > y.i ? 1 : 0;
    } else {
      double a = AsDouble(x), b = AsDouble(y);
      if (std::isnan(a) || std::isnan(b)) return false;
      order = a < b ? -1 : a > b ? 1 : 0;
    }
  } else if (x.tag == Tag::kString && y.tag == Tag::kString) {
    int c = x.str().compare(y.str());
    order = c < 0 ? -1 : c > 0 ? 1 : 0;
  } else if (op == Cmp::kEq) {
    if (x.tag != y.tag) return false;
    if (x.tag == Tag::kBool) return x.b == y.b;
    return x.tag == Tag::kNull;  // objects equal nothing; missing is false
  } else {
    return false;
  }
  switch (op) {
    case Cmp::kEq:
      return order == 0;
    case Cmp::kLt:
      return order < 0;
    case Cmp::kLe:
      return order <= 0;
    case Cmp::kGt:
      return order > 0;
    case Cmp::kGe:
      return order >= 0;
  }
  return false;
}

inline bool Compare(const Value& x, const Value& y, Cmp op) {
  return AnyPair(x, y, [op](const Value& a, const Value& b) { return ScalarCompare(a, b, op); });
}

inline char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
inline char AsciiUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }

inline bool EqualsCI(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// Binary string test with "any" lifting; false unless both are strings.
template <typename F>
inline bool StringTest(const Value& x, const Value& y, F&& f) {
  return AnyPair(x, y, [&](const Value& a, const Value& b) {
    return a.tag == Tag::kString && b.tag == Tag::kString && f(a.str(), b.str());
  });
}

inline Value Arith(Op op, const Value& x, const Value& y) {
  if (!IsNumber(x) || !IsNumber(y)) return Value::Missing();
  if (x.tag == Tag::kInt && y.tag == Tag::kInt) {
    // Unsigned arithmetic wraps instead of overflowing (undefined for int64).
    uint64_t a = static_cast<uint64_t>(x.i), b = static_cast<uint64_t>(y.i);
    switch (op) {
      case Op::Add:
        return Value::Int(static_cast<int64_t>(a + b));
      case Op::Sub:
        return Value::Int(static_cast<int64_t>(a - b));
      case Op::Mul:
        return Value::Int(static_cast<int64_t>(a * b));
      case Op::Div:
        if (y.i == 0) return Value::Missing();
        if (y.i == -1) return Value::Int(static_cast<int64_t>(0 - a));  // INT64_MIN / -1 wraps
        return Value::Int(x.i / y.i);
      case Op::Mod:
        if (y.i == 0) return Value::Missing();
        if (y.i == -1) return Value::Int(0);
        return Value::Int(x.i % y.i);
      default:
        return Value::Missing();
    }
  }
  double a = AsDouble(x), b = AsDouble(y);
  switch (op) {
    case Op::Add:
      return Value::Float(a + b);
    case Op::Sub:
      return Value::Float(a - b);
    case Op::Mul:
      return Value::Float(a * b);
    case Op::Div:
      return b == 0 ? Value::Missing() : Value::Float(a / b);
    case Op::Mod:
      return b == 0 ? Value::Missing() : Value::Float(std::fmod(a, b));
    default:
      return Value::Missing();
  }
}

inline Value Length(const Value& v) {
  switch (v.tag) {
    case Tag::kString:
      return Value::Int(v.s.n);
    case Tag::kList:
      return Value::Int(v.list.n);
    case Tag::kJson: {
      simdjson::dom::array arr;
      if (v.json.get_array().get(arr)) return Value::Missing();
      // array::size() saturates at 0xFFFFFF; count past that.
      size_t n = arr.size();
      if (n == 0xFFFFFF) {
        n = 0;
        for (auto e : arr) {
          (void)e;
          ++n;
        }
      }
      return Value::Int(static_cast<int64_t>(n));
    }
    default:
      return Value::Missing();
  }
}

inline bool InCidr(const Value& v, const CidrNet& net) {
  return AnyOne(v, [&](const Value& e) {
    std::array<uint8_t, 16> ip;
    return e.tag == Tag::kString && ParseIp(e.str(), &ip) && net.Contains(ip);
  });
}

}  // namespace rdl::vm_ops
