// The JIT tier's stubs for builds without LLVM 16 (-DRDL_JIT=OFF or no
// llvm-16-dev): the JIT is never available and callers keep the interpreter.
#include "runtime/jit/jit.h"

namespace rdl {

JitCompiler::~JitCompiler() = default;

std::unique_ptr<JitCompiler> JitCompiler::Create(std::string* error) {
  if (error) *error = "built without LLVM";
  return nullptr;
}

bool JitAvailable() { return false; }

bool JitSupportsOp(Op /*op*/) { return false; }

}  // namespace rdl
