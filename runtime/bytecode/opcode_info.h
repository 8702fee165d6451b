// Per-opcode metadata derived from opcodes.def: names, operand kinds,
// synopses and docs. The verifier, the disassembler, the docs generator and
// the JIT read this table instead of listing opcodes by hand.
#pragma once

#include <cstdint>
#include <string>

#include "rdl/program.h"

namespace rdl {

// What an Instr field (a, b or c) holds for one opcode; the letters of the
// opcodes.def columns.
enum class OperandKind : uint8_t {
  kUnused = 0,  // _  must be 0
  kReg,         // R  register index < Code::num_regs
  kConst,       // K  constant index < Program::consts
  kField,       // F  field slot < Program::fields
  kStage,       // S  earlier stage index (sequence stages only)
  kCapture,     // N  capture index of the stage named by S
  kJump,        // J  jump target
};

// Maps the bare letters of opcodes.def to OperandKind inside the X-macro.
namespace operand_letters {
inline constexpr OperandKind _ = OperandKind::kUnused;
inline constexpr OperandKind R = OperandKind::kReg;
inline constexpr OperandKind K = OperandKind::kConst;
inline constexpr OperandKind F = OperandKind::kField;
inline constexpr OperandKind S = OperandKind::kStage;
inline constexpr OperandKind N = OperandKind::kCapture;
inline constexpr OperandKind J = OperandKind::kJump;
}  // namespace operand_letters

struct OpInfo {
  const char* name;      // "LoadField"
  OperandKind a, b, c;   // operand kinds of Instr::a, b, c
  const char* synopsis;  // "R[A] := event.field[B]"
  const char* doc;       // one sentence
};

inline constexpr size_t kNumOps = static_cast<size_t>(Op::kCount);
static_assert(kNumOps <= 256, "Instr::op is a uint8_t");

// kOpInfo[i] describes Op(i).
extern const OpInfo kOpInfo[kNumOps];

// Null when `op` is not a valid opcode (op >= kCount), so callers that see
// unverified bytes can ask safely.
const OpInfo* FindOpInfo(Op op);

// The letter of an operand kind as written in opcodes.def ("R", "K", "_"...).
const char* OperandLetter(OperandKind kind);

// The text of docs/opcodes.md, generated from the table (kept in sync by a
// test in tests/vm: RDL_UPDATE_GOLDEN=1 rewrites the file).
std::string OpcodesMarkdown();

}  // namespace rdl
