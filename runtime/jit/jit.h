// The optional native tier of the predicate VM: compiles a verified Code
// block to machine code with LLVM's ORC LLJIT (runtime/jit/llvm_jit.cc).
// The interpreter stays the reference semantics (and the fallback): every
// opcode is translated, but when Compile fails (and returns null) the caller
// keeps interpreting that block. No LLVM type appears here;
// builds without LLVM link runtime/jit/jit_unavailable.cc instead.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rdl/program.h"
#include "runtime/vm/event.h"
#include "runtime/vm/interpreter.h"
#include "runtime/vm/loaded_pack.h"
#include "runtime/vm/value.h"

namespace rdl {

// A predicate compiled to native code, with the contract of Interpreter::Run:
// `slots` is the event's slot array (Event::slot(0)), `refs` the captures of
// the partial match for LoadRef (may be null). Thread-safe: the registers
// live on the native stack, and the scratch storage of Lower, Upper, GetPath
// and IterInit is a thread-local arena reset when such a predicate starts.
using JitPredicate = bool (*)(const Value* slots, const StageRefs* refs);

inline bool RunJit(JitPredicate fn, const Event& event, const StageRefs* refs = nullptr) {
  return fn(event.num_slots() ? &event.slot(0) : nullptr, refs);
}

class JitCompiler {
 public:
  // Null (and *error set) when the JIT is unavailable: built without LLVM,
  // or the native target could not be initialized.
  static std::unique_ptr<JitCompiler> Create(std::string* error);
  virtual ~JitCompiler();

  // Compiles a verified, non-empty block. The result stays valid while this
  // compiler and `pack` live (constants and sets are referenced, not copied).
  // Returns null and sets *why_not when the block is empty or LLVM fails
  // (keep the interpreter for it). Thread-safe (serialized internally).
  virtual JitPredicate Compile(const Code& code, const LoadedPack& pack, std::string* why_not) = 0;

  // Compiles many blocks at once, much faster than one Compile each: they
  // share a few modules (one optimization run and one materialization per
  // batch). Returns one entry per block, in order: the native function, or
  // null with (*why_not)[i] set (keep the interpreter for that block); a
  // block that fails does not fail the others. Same validity and thread
  // safety as Compile.
  virtual std::vector<JitPredicate> CompileAll(const std::vector<const Code*>& codes,
                                               const LoadedPack& pack,
                                               std::vector<std::string>* why_not) = 0;
};

// True when this build has the LLVM tier (a JitCompiler may still fail to
// initialize at run time).
bool JitAvailable();

// Whether the JIT translates `op`: every opcode when the JIT is available.
bool JitSupportsOp(Op op);

}  // namespace rdl
