// The JIT's runtime helpers (see jit_helpers.h): thin extern "C" wrappers
// over runtime/vm/value_ops.h, written opcode by opcode to mirror the cases
// of Interpreter::Run in runtime/vm/interpreter.cc.
#include "runtime/jit/jit_helpers.h"

#include <re2/re2.h>

#include <string>
#include <string_view>
#include <unordered_set>

#include "runtime/vm/loaded_pack_impl.h"
#include "runtime/vm/value_ops.h"

using rdl::Value;
using namespace rdl::vm_ops;  // Tag, Compare, AnyOne, ...

namespace {
using StringSet = std::unordered_set<std::string_view>;
}  // namespace

extern "C" {

uint32_t rdl_jit_cmp(const Value* x, const Value* y, uint32_t cmp) {
  return Compare(*x, *y, static_cast<Cmp>(cmp));
}

uint32_t rdl_jit_ne(const Value* x, const Value* y) {
  return !x->missing() && !y->missing() && !Compare(*x, *y, Cmp::kEq);
}

uint32_t rdl_jit_eqci(const Value* x, const Value* y) { return StringTest(*x, *y, EqualsCI); }

uint32_t rdl_jit_inset(const Value* x, const void* set) {
  const StringSet& s = *static_cast<const StringSet*>(set);
  return AnyOne(*x, [&](const Value& e) { return e.tag == Tag::kString && s.contains(e.str()); });
}

uint32_t rdl_jit_insetci(const Value* x, const void* set) {
  const StringSet& s = *static_cast<const StringSet*>(set);
  thread_local std::string fold;
  return AnyOne(*x, [&](const Value& e) {
    if (e.tag != Tag::kString) return false;
    fold.resize(e.s.n);
    for (uint32_t i = 0; i < e.s.n; ++i) fold[i] = AsciiLower(e.s.p[i]);
    return s.contains(fold);
  });
}

uint32_t rdl_jit_inarray(const Value* x, const Value* arr) {
  return rdl::IsSequence(*arr) && Compare(*x, *arr, Cmp::kEq);
}

uint32_t rdl_jit_match(const Value* x, const void* re) {
  const RE2& r = *static_cast<const RE2*>(re);
  return AnyOne(*x,
                [&](const Value& e) { return e.tag == Tag::kString && RE2::PartialMatch(e.str(), r); });
}

uint32_t rdl_jit_strtest(const Value* x, const Value* y, uint32_t kind) {
  switch (kind) {
    case 0:
      return StringTest(*x, *y, [](std::string_view s, std::string_view p) { return s.starts_with(p); });
    case 1:
      return StringTest(*x, *y, [](std::string_view s, std::string_view p) { return s.ends_with(p); });
    default:
      return StringTest(*x, *y, [](std::string_view s, std::string_view p) {
        return s.find(p) != std::string_view::npos;
      });
  }
}

uint32_t rdl_jit_incidr(const Value* x, const void* net) {
  return InCidr(*x, *static_cast<const rdl::CidrNet*>(net));
}

void rdl_jit_len(Value* dst, const Value* x) { *dst = Length(*x); }

void rdl_jit_arith(Value* dst, const Value* x, const Value* y, uint32_t op) {
  *dst = Arith(static_cast<rdl::Op>(op), *x, *y);
}

void rdl_jit_neg(Value* dst, const Value* x) {
  if (x->tag == Tag::kInt) {
    *dst = Value::Int(static_cast<int64_t>(0 - static_cast<uint64_t>(x->i)));
  } else if (x->tag == Tag::kFloat) {
    *dst = Value::Float(-x->f);
  } else {
    *dst = Value::Missing();
  }
}

void rdl_jit_loadref(Value* dst, const rdl::StageRefs* refs, uint32_t stage, uint32_t capture) {
  if (refs != nullptr && stage < refs->size() && capture < (*refs)[stage].size()) {
    *dst = (*refs)[stage][capture];
  } else {
    *dst = Value::Missing();
  }
}

}  // extern "C"
