// Pack files (.rpk): the serialized Program. Layout documented byte by byte
// in docs/pack-format.md. Writing is deterministic: the same Program gives
// the same bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "rdl/program.h"

namespace rdl {

inline constexpr uint32_t kPackMagic = 0x4B505244;  // "DRPK" little-endian bytes 'D','R','P','K'
inline constexpr uint16_t kPackVersionMajor = 1;
// 1.1: prefilter hints per rule; 1.2: index filters per rule.
inline constexpr uint16_t kPackVersionMinor = 2;

std::vector<uint8_t> WritePack(const Program& program);

// Parses pack bytes. On failure returns false and sets *error to a message
// with the byte offset and section ("offset 0x1c [rules]: truncated string").
// Does not verify bytecode: call VerifyProgram next.
bool ReadPack(std::span<const uint8_t> bytes, Program* out, std::string* error);

// Verifies a program before it runs: opcodes, operand kinds and ranges
// (registers < num_regs, constants < consts and of the right kind, field
// slots, stage/capture refs only to earlier stages, jump targets in range
// and only backward onto IterNext), rule structure (slots in range,
// thresholds >= 1, windows > 0 where required). Sets *error naming the
// rule, the code block and the instruction index.
bool VerifyProgram(const Program& program, std::string* error);

}  // namespace rdl
