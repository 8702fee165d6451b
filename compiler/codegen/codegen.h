// Code generation: optimized IR -> rdl::Program (runtime/include/rdl/program.h).
//
// Owns the pack-wide tables (field slots and constants, both deduplicated in
// first-use order so the same sources always give the same Program), the
// register allocation of each predicate (a stack discipline: an operand's
// temporaries are freed as soon as its result is consumed), short-circuit
// and/or, quantifier loops, stage captures and alert templates.
#pragma once

#include <string>

#include "compiler/diag/diagnostic.h"
#include "compiler/ir/ir.h"
#include "rdl/program.h"

namespace rdl::codegen {

// Fills *out from `pack`. A rule beyond a bytecode limit (256 registers,
// 65535 instructions, constants or slots) is reported as E0407 at the rule;
// returns false when anything was reported.
bool Generate(const ir::Pack& pack, Program* out, DiagnosticSink& sink);

// `rulec explain --stage=bytecode`: the field and constant tables, then per
// rule a header, its metadata and every code block disassembled.
std::string DumpBytecode(const Program& program);

// One line per instruction ("   3  Eq          R0 R0 R1    ; R[A] := R[B] == R[C]").
std::string DisassembleCode(const Code& code, const Program& program, const std::string& indent);

}  // namespace rdl::codegen
