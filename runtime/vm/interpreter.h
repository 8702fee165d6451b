// The predicate interpreter: runs one verified Code block over one event.
// Trusts the verifier (no operand checks in the loop). Pure: no state
// survives a call except the register file it reuses.
#pragma once

#include <deque>
#include <string>
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
  // Runs `code` (a verified block, or an empty one: false); returns the
  // truthiness of its Return operand. Values in `event` and `refs` must
  // outlive the call.
  bool Run(const Code& code, const Event& event, const StageRefs* refs = nullptr);

 private:
  std::string& NewString();       // scratch string valid until the next Run
  std::vector<Value>& NewList();  // scratch list valid until the next Run

  const LoadedPack& pack_;
  std::vector<Value> regs_;
  // Storage for Lower/Upper results, GetPath lists and iterated arrays
  // within one Run. Registers hold views into it, so an entry never moves
  // while the Run goes on: a deque keeps its strings in place as it grows,
  // and a list's heap buffer survives the outer vector's reallocation.
  // Entries (and their capacity) are reused by the next Run.
  std::deque<std::string> strings_;
  size_t strings_used_ = 0;
  std::vector<std::vector<Value>> lists_;
  size_t lists_used_ = 0;
  std::string fold_;  // lower-cased operand of InSetCI
};

// Backward jumps allowed per Run (loops are bounded by array lengths; this
// also bounds adversarial code that resets its own iterators).
inline constexpr uint32_t kMaxBackwardJumps = 1u << 24;

// One line per instruction: "  3  Eq          R2 R0 R1        ; R[A] := R[B] == R[C]",
// with the constant or field an operand names. Safe on unverified code.
std::string Disassemble(const Code& code, const Program& program);
// Name of an opcode ("LoadField"); "?" when op >= Op::kCount.
const char* OpName(Op op);

}  // namespace rdl
