// The JIT's runtime helpers (see jit_helpers.h): thin extern "C" wrappers
// over runtime/vm/value_ops.h, written opcode by opcode to mirror the cases
// of Interpreter::Run in runtime/vm/interpreter.cc (the scratch-storage
// ops too: a thread-local arena replaces the interpreter's per-Run one).
#include "runtime/jit/jit_helpers.h"

#include <re2/re2.h>

#include <array>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "runtime/vm/loaded_pack_impl.h"
#include "runtime/vm/value_ops.h"

using rdl::Value;
using namespace rdl::vm_ops;  // Tag, Compare, AnyOne, ...

namespace {
using StringSet = std::unordered_set<std::string_view>;

// The per-thread equivalent of the interpreter's per-Run scratch storage
// (Interpreter::NewString / NewList): entries never move while a predicate
// runs and are reused by the next one.
struct Scratch {
  std::deque<std::string> strings;
  size_t strings_used = 0;
  std::vector<std::vector<Value>> lists;
  size_t lists_used = 0;
  std::string fold;

  std::string& NewString() {
    if (strings_used == strings.size()) strings.emplace_back();
    std::string& s = strings[strings_used++];
    s.clear();
    return s;
  }
  std::vector<Value>& NewList() {
    if (lists_used == lists.size()) lists.emplace_back();
    std::vector<Value>& l = lists[lists_used++];
    l.clear();
    return l;
  }
};

thread_local Scratch tls_scratch;

bool IsAscii(const char* p, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) {
    if (static_cast<unsigned char>(p[i]) >= 0x80) return false;
  }
  return true;
}
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
  return AnyOne(
      *x, [&](const Value& e) { return e.tag == Tag::kString && RE2::PartialMatch(e.str(), r); });
}

uint32_t rdl_jit_strtest(const Value* x, const Value* y, uint32_t kind) {
  switch (kind) {
    case 0:
      return StringTest(*x, *y,
                        [](std::string_view s, std::string_view p) { return s.starts_with(p); });
    case 1:
      return StringTest(*x, *y,
                        [](std::string_view s, std::string_view p) { return s.ends_with(p); });
    default:
      return StringTest(*x, *y, [](std::string_view s, std::string_view p) {
        return s.find(p) != std::string_view::npos;
      });
  }
}

uint32_t rdl_jit_incidr(const Value* x, const void* net) {
  return InCidr(*x, *static_cast<const rdl::CidrNet*>(net));
}

uint32_t rdl_jit_memeq(const char* p, const char* k, uint64_t n) {
  return std::memcmp(p, k, n) == 0;
}

uint32_t rdl_jit_eqci_mem(const char* p, const char* k, uint64_t n) {
  return EqualsCI(std::string_view(p, n), std::string_view(k, n));
}

uint32_t rdl_jit_contains_mem(const char* p, uint64_t n, const char* k, uint64_t kn) {
  return std::string_view(p, n).find(std::string_view(k, kn)) != std::string_view::npos;
}

uint32_t rdl_jit_inset_str(const void* set, const char* p, uint64_t n) {
  return static_cast<const StringSet*>(set)->contains(std::string_view(p, n));
}

uint32_t rdl_jit_insetci_str(const void* set, const char* p, uint64_t n) {
  std::string& fold = tls_scratch.fold;
  fold.resize(n);
  for (uint64_t i = 0; i < n; ++i) fold[i] = AsciiLower(p[i]);
  return static_cast<const StringSet*>(set)->contains(fold);
}

uint32_t rdl_jit_match_str(const void* re, const char* p, uint64_t n) {
  return RE2::PartialMatch(std::string_view(p, n), *static_cast<const RE2*>(re));
}

uint32_t rdl_jit_incidr_str(const void* net, const char* p, uint64_t n) {
  std::array<uint8_t, 16> ip;
  return rdl::ParseIp(std::string_view(p, n), &ip) &&
         static_cast<const rdl::CidrNet*>(net)->Contains(ip);
}

uint32_t rdl_jit_glob_str(const void* re, const char* p, uint64_t n, const char* lit, uint64_t litn,
                          uint32_t kind) {
  std::string_view s(p, n), l(lit, litn);
  bool hit = kind == 0 ? s.starts_with(l) : kind == 1 ? s.ends_with(l) : s.find(l) != s.npos;
  // A literal in the regex matches exactly its bytes, so a miss is a miss;
  // a hit stands when `.*` spans only ASCII (valid UTF-8), else ask RE2.
  if (!hit) return 0;
  if (IsAscii(p, n)) return 1;
  return RE2::PartialMatch(s, *static_cast<const RE2*>(re));
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

void* rdl_jit_scratch_begin() {
  tls_scratch.strings_used = 0;
  tls_scratch.lists_used = 0;
  return &tls_scratch;
}

void rdl_jit_case(void* scratch, Value* dst, const Value* x, uint32_t upper) {
  Scratch& sc = *static_cast<Scratch*>(scratch);
  char (*f)(char) = upper ? AsciiUpper : AsciiLower;
  auto one = [&](const Value& e) -> Value {
    if (e.tag != Tag::kString) return e;
    std::string& s = sc.NewString();
    s.resize(e.s.n);
    for (uint32_t i = 0; i < e.s.n; ++i) s[i] = f(e.s.p[i]);
    return Value::String(s);
  };
  if (!rdl::IsSequence(*x)) {
    *dst = one(*x);
    return;
  }
  std::vector<Value>& out = sc.NewList();
  AnyOf(*x, [&](const Value& e) {
    out.push_back(one(e));
    return false;
  });
  *dst = Value::List(out.data(), static_cast<uint32_t>(out.size()));
}

void rdl_jit_getpath(void* scratch, Value* dst, const Value* src_ptr, const void* path_ptr) {
  Scratch& sc = *static_cast<Scratch*>(scratch);
  const auto& path = *static_cast<const std::vector<std::string>*>(path_ptr);
  const Value src = *src_ptr;
  Value out = Value::Missing();
  if (path.empty()) {
    out = src;
  } else if (src.tag == Tag::kJson) {
    std::vector<Value>& list = sc.NewList();
    switch (rdl::WalkPath(src.json, path, &out, &list)) {
      case rdl::PathResult::kMissing:
        out = Value::Missing();
        break;
      case rdl::PathResult::kValue:
        break;
      case rdl::PathResult::kList:
        out = Value::List(list.data(), static_cast<uint32_t>(list.size()));
        break;
    }
  } else if (src.tag == Tag::kList) {
    std::vector<Value>& list = sc.NewList();
    for (uint32_t i = 0; i < src.list.n; ++i) {
      if (src.list.p[i].tag == Tag::kJson) rdl::CollectPath(src.list.p[i].json, path, &list);
    }
    if (!list.empty()) out = Value::List(list.data(), static_cast<uint32_t>(list.size()));
  }
  *dst = out;
}

void rdl_jit_iterinit(void* scratch, Value* dst, const Value* src_ptr) {
  Scratch& sc = *static_cast<Scratch*>(scratch);
  const Value src = *src_ptr;
  Value list = Value::List(nullptr, 0);
  if (src.tag == Tag::kList) {
    list = src;
  } else if (src.tag == Tag::kJson && src.json.is_array()) {
    std::vector<Value>& out = sc.NewList();
    AnyOf(src, [&](const Value& e) {
      out.push_back(e);
      return false;
    });
    list = Value::List(out.data(), static_cast<uint32_t>(out.size()));
  }
  dst[0] = list;
  dst[1] = Value::Int(0);
}

}  // extern "C"
