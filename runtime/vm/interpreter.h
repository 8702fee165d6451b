// The predicate interpreter: runs one verified Code block over one event.
// Trusts the verifier (no operand checks in the loop). Pure: no state
// survives a call except the register file it reuses.
#pragma once

#include <vector>

#include "runtime/vm/event.h"
#include "runtime/vm/loaded_pack.h"
#include "runtime/vm/value.h"

namespace rdl {

// Values captured from the earlier stages of a partial match, for LoadRef:
// refs[stage][capture]. Null when the code has no LoadRef.
using StageRefs = std::vector<std::vector<Value>>;

class Interpreter {
 public:
  explicit Interpreter(const LoadedPack& pack);
  // Runs `code`; returns the truthiness of its Return operand.
  bool Run(const Code& code, const Event& event, const StageRefs* refs = nullptr);

 private:
  const LoadedPack& pack_;
  std::vector<Value> regs_;
  std::string scratch_;  // storage for Lower/Upper results within one Run
};

// One line per instruction: "  3  Eq  R2 R0 R1      ; R[A] := R[B] == R[C]".
std::string Disassemble(const Code& code, const Program& program);
// Name of an opcode ("LoadField").
const char* OpName(Op op);

}  // namespace rdl
