// The opcode metadata table (expanded from opcodes.def) and the generator of
// docs/opcodes.md. Nothing here lists opcodes by hand.
#include "runtime/bytecode/opcode_info.h"

#include <fmt/format.h>

#include <cctype>

namespace rdl {

const OpInfo kOpInfo[kNumOps] = {
#define RDL_OP(Name, A, B, C, Synopsis, Doc) \
  {#Name, operand_letters::A, operand_letters::B, operand_letters::C, Synopsis, Doc},
#include "runtime/bytecode/opcodes.def"
#undef RDL_OP
};

const OpInfo* FindOpInfo(Op op) {
  size_t i = static_cast<size_t>(op);
  return i < kNumOps ? &kOpInfo[i] : nullptr;
}

const char* OperandLetter(OperandKind kind) {
  switch (kind) {
    case OperandKind::kUnused:
      return "_";
    case OperandKind::kReg:
      return "R";
    case OperandKind::kConst:
      return "K";
    case OperandKind::kField:
      return "F";
    case OperandKind::kStage:
      return "S";
    case OperandKind::kCapture:
      return "N";
    case OperandKind::kJump:
      return "J";
  }
  return "?";
}

namespace {

// Escapes the characters that would break a Markdown table cell.
std::string Cell(const char* text) {
  std::string out;
  for (const char* p = text; *p; ++p) {
    if (*p == '|')
      out += "\\|";
    else
      out += *p;
  }
  return out;
}

// Prose that applies to every opcode: what the interpreter does beyond the
// one-line docs of the table. Kept here (not in a hand-written file) so the
// generated page is complete; change it together with interpreter.cc.
constexpr const char* kPreamble = R"(# Opcodes of the predicate VM

<!-- Generated from runtime/bytecode/opcodes.def by rdl::OpcodesMarkdown()
     (runtime/bytecode/opcode_info.cc). Do not edit: run the vm tests with
     RDL_UPDATE_GOLDEN=1 to rewrite it. -->

Predicates are register-machine code blocks (`rdl::Code`): a vector of
8-byte instructions `{op:u8, a:u8, b:u16, c:u16, pad:u16}` and a register
count (`num_regs <= 256`). Registers start as *missing* at every run. A block
ends with `Return`; its result is the truthiness of the returned register
(only `true` is true).

## Operand kinds

| letter | meaning | verified |
|---|---|---|
| `_` | unused | must be 0 (so is `pad`) |
| `R` | register | `< num_regs`; `IterInit`/`IterNext` also use `R[A+1]`, so `A+1 < num_regs` |
| `K` | constant | `< consts.size()`, of the kind the opcode needs (below) |
| `F` | field slot | `< fields.size()` |
| `S` | stage | only in the predicate of sequence stage k, and `< k` |
| `N` | capture | `< stages[S].captures.size()` |
| `J` | jump target | `< code size`; forward, or backward onto an `IterNext` |

Constant kinds by opcode: `InSet`/`InSetCI` need a string set, `Match` a
regex, `InCidr` a CIDR, `GetPath` a path; `LoadConst` loads null, bool, int,
float, string or a string set (as a list) but not a regex, CIDR or path.
The last instruction of a block must be `Return` or `Jump`, so control never
falls off the end.

## Values and comparisons

A register holds a value: missing, null, bool, int (also times and
durations, int64 nanoseconds), float, string, json (an array or object of
the event), or list (a sequence of values: a field path that crosses an
array, a string-list field, a string-set constant, an iterated array).

- Any comparison or test with a missing operand is false (`Ne` too).
- int and float compare numerically; strings compare bytewise
  (lexicographic); bools and nulls compare only for (in)equality;
  values of different types are unequal and unordered.
- **Any semantics.** When an operand of `Eq`, `Lt`, `Le`, `Gt`, `Ge`,
  `EqCI`, `StartsWith`, `EndsWith`, `Contains`, `InSet`, `InSetCI`,
  `Match`, `InCidr` or `InArray` (its left side) is a list or a json array,
  the test holds when it holds for some element (two lists: some pair, so
  arrays of ids join when they intersect). An empty list satisfies nothing.
- `Ne` is the negation of `Eq` when both operands are present: on a list it
  means *no element equals*.
- Json objects equal nothing (`Eq` false, `Ne` true) and are unordered.
- `InArray` needs a list or json array on the right; otherwise it is false.
- Arithmetic: int op int stays int (wrapping on overflow); a float on either
  side gives a float; anything else gives missing. `Div`/`Mod` by zero (int
  or float) give missing; `INT64_MIN / -1` wraps, `INT64_MIN % -1` is 0.
  `Div` on ints truncates toward zero; `Mod` on floats is `fmod`.
- `Lower`/`Upper` results live in the interpreter's scratch storage until
  the end of the run.
- `IterInit` puts the list being iterated in `R[A]` and the next index (an
  int) in `R[A+1]`; `IterNext` tests those two registers, so a loop whose
  registers were overwritten simply ends. Each run also has a budget of
  2^24 backward jumps; a run that exhausts it returns false.
- `GetPath` and field loads descend objects by key; crossing an array maps
  the rest of the path over its elements (nested arrays are flattened) and
  gives the list of what was found, or missing when nothing was.

## Table

| # | opcode | A | B | C | synopsis |
|---|---|---|---|---|---|
)";

}  // namespace

std::string OpcodesMarkdown() {
  std::string out = kPreamble;
  for (size_t i = 0; i < kNumOps; ++i) {
    const OpInfo& op = kOpInfo[i];
    std::string anchor = op.name;  // Markdown heading anchors are lower-case
    for (char& ch : anchor) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out += fmt::format("| {} | [`{}`](#{}) | {} | {} | {} | `{}` |\n", i, op.name, anchor,
                       OperandLetter(op.a), OperandLetter(op.b), OperandLetter(op.c),
                       Cell(op.synopsis));
  }
  out += "\n## Opcodes\n";
  for (size_t i = 0; i < kNumOps; ++i) {
    const OpInfo& op = kOpInfo[i];
    out +=
        fmt::format("\n### {}\n\n`{}` ({} {} {}) &mdash; opcode {}\n\n{}\n", op.name, op.synopsis,
                    OperandLetter(op.a), OperandLetter(op.b), OperandLetter(op.c), i, op.doc);
  }
  return out;
}

}  // namespace rdl
