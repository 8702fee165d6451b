// The runtime helpers JIT'd predicates may call: the complete list (the
// JITDylib defines exactly these, with absoluteSymbols; nothing else of the
// process is visible to JIT'd code). Each wraps the interpreter's own value
// operations (runtime/vm/value_ops.h), so results match Interpreter::Run.
// Boolean tests return 0/1 as uint32_t; value-producing ops write *dst.
// Register and constant operands arrive as pointers; set, regex and CIDR
// operands as pointers into the LoadedPack's load-time tables.
#pragma once

#include <cstdint>

#include "runtime/vm/interpreter.h"
#include "runtime/vm/value.h"

extern "C" {
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
void rdl_jit_len(rdl::Value* dst, const rdl::Value* x);
// op: the rdl::Op of Add/Sub/Mul/Div/Mod.
void rdl_jit_arith(rdl::Value* dst, const rdl::Value* x, const rdl::Value* y, uint32_t op);
void rdl_jit_neg(rdl::Value* dst, const rdl::Value* x);
void rdl_jit_loadref(rdl::Value* dst, const rdl::StageRefs* refs, uint32_t stage, uint32_t capture);
}
