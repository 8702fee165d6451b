// The runtime helpers JIT'd predicates may call: the complete list (the
// JITDylib defines exactly these, with absoluteSymbols; nothing else of the
// process is visible to JIT'd code, and Compile refuses a module that
// declares any other external function). Each wraps the interpreter's own
// value operations (runtime/vm/value_ops.h), so results match
// Interpreter::Run. Boolean tests return 0/1 as uint32_t; value-producing
// ops write *dst. Register operands arrive as pointers to 40-byte Values;
// set, regex, CIDR and path operands as pointers into the LoadedPack's
// load-time tables (or its Program's constants); string constants the JIT
// inlined as (pointer, length) into the compiled module's own data.
#pragma once

#include <cstdint>

#include "runtime/vm/interpreter.h"
#include "runtime/vm/value.h"

extern "C" {
// ---- generic tests over any Values ("any" lifting, every type pairing) ----
// cmp: 0 Eq, 1 Lt, 2 Le, 3 Gt, 4 Ge (vm_ops::Cmp).
uint32_t rdl_jit_cmp(const rdl::Value* x, const rdl::Value* y, uint32_t cmp);
uint32_t rdl_jit_ne(const rdl::Value* x, const rdl::Value* y);
uint32_t rdl_jit_eqci(const rdl::Value* x, const rdl::Value* y);
// set: const std::unordered_set<std::string_view>* (LoadedPackImpl::sets).
uint32_t rdl_jit_inset(const rdl::Value* x, const void* set);
uint32_t rdl_jit_insetci(const rdl::Value* x, const void* set);
uint32_t rdl_jit_inarray(const rdl::Value* x, const rdl::Value* arr);
// re: const RE2*.
uint32_t rdl_jit_match(const rdl::Value* x, const void* re);
// kind: 0 StartsWith, 1 EndsWith, 2 Contains.
uint32_t rdl_jit_strtest(const rdl::Value* x, const rdl::Value* y, uint32_t kind);
// net: const rdl::CidrNet*.
uint32_t rdl_jit_incidr(const rdl::Value* x, const void* net);

// ---- string fast paths (the operand is known to be a kString) -----------
// Byte equality of n bytes (long constants; short ones are inline IR).
uint32_t rdl_jit_memeq(const char* p, const char* k, uint64_t n);
// ASCII case-insensitive equality of n bytes.
uint32_t rdl_jit_eqci_mem(const char* p, const char* k, uint64_t n);
// k occurs in p[0, n).
uint32_t rdl_jit_contains_mem(const char* p, uint64_t n, const char* k, uint64_t kn);
// Membership of p[0, n) in a set (as rdl_jit_inset / rdl_jit_insetci).
uint32_t rdl_jit_inset_str(const void* set, const char* p, uint64_t n);
uint32_t rdl_jit_insetci_str(const void* set, const char* p, uint64_t n);
uint32_t rdl_jit_match_str(const void* re, const char* p, uint64_t n);
uint32_t rdl_jit_incidr_str(const void* net, const char* p, uint64_t n);
// A wildcard regex the JIT recognized as `(?s)^.*LIT.*$` (kind 2),
// `(?s)^LIT.*$` (0) or `(?s)^.*LIT$` (1): the literal test decides unless
// it holds on a non-ASCII string, where RE2 decides (RE2's `.` does not
// match invalid UTF-8).
uint32_t rdl_jit_glob_str(const void* re, const char* p, uint64_t n, const char* lit, uint64_t litn,
                          uint32_t kind);

// ---- value-producing ops (write *dst) ------------------------------------
void rdl_jit_len(rdl::Value* dst, const rdl::Value* x);
// op: the rdl::Op of Add/Sub/Mul/Div/Mod.
void rdl_jit_arith(rdl::Value* dst, const rdl::Value* x, const rdl::Value* y, uint32_t op);
void rdl_jit_neg(rdl::Value* dst, const rdl::Value* x);
void rdl_jit_loadref(rdl::Value* dst, const rdl::StageRefs* refs, uint32_t stage, uint32_t capture);

// ---- ops that need per-run scratch storage --------------------------------
// Resets and returns this thread's scratch arena (lower/upper-cased strings,
// path lists, materialized arrays). A block using Lower, Upper, GetPath or
// IterInit calls it once on entry; what it holds stays valid until the next
// call on the same thread (the end of the predicate, as in the interpreter).
void* rdl_jit_scratch_begin();
// upper: 0 Lower, 1 Upper.
void rdl_jit_case(void* scratch, rdl::Value* dst, const rdl::Value* x, uint32_t upper);
// path: const std::vector<std::string>* (the kPath constant's segments).
void rdl_jit_getpath(void* scratch, rdl::Value* dst, const rdl::Value* src, const void* path);
// dst[0] := the list to iterate, dst[1] := Int(0) (as the interpreter).
void rdl_jit_iterinit(void* scratch, rdl::Value* dst, const rdl::Value* src);
}
