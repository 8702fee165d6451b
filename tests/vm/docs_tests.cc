// Generated documentation and the disassembler: docs/opcodes.md must equal
// OpcodesMarkdown() (RDL_UPDATE_GOLDEN=1 rewrites it), and Disassemble /
// OpName derive from the opcode table.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "runtime/bytecode/opcode_info.h"
#include "tests/vm/vm_test_util.h"

namespace rdl::test {
namespace {

TEST_CASE("docs/opcodes.md is up to date") {
  const std::string path = std::string(RDL_SOURCE_DIR) + "/docs/opcodes.md";
  const std::string want = OpcodesMarkdown();
  const char* update = std::getenv("RDL_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << want;
    REQUIRE(out.good());
    MESSAGE("rewrote " << path);
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream have;
  have << in.rdbuf();
  if (have.str() != want) {
    // Name the first differing line rather than dumping both pages.
    std::istringstream a(have.str()), b(want);
    std::string la, lb;
    int line = 1;
    while (std::getline(a, la) && std::getline(b, lb) && la == lb) ++line;
    FAIL_CHECK("docs/opcodes.md is stale at line "
               << line << ": have \"" << la << "\", want \"" << lb
               << "\"; run rdl_vm_tests with RDL_UPDATE_GOLDEN=1");
  }
}

TEST_CASE("the generated page covers every opcode") {
  const std::string md = OpcodesMarkdown();
  for (const OpInfo& op : kOpInfo) {
    INFO(op.name);
    CHECK(md.find(std::string("\n### ") + op.name + "\n") != std::string::npos);
    CHECK(md.find(op.doc) != std::string::npos);
  }
}

TEST_CASE("OpName and the opcode table") {
  CHECK(std::string(OpName(Op::LoadConst)) == "LoadConst");
  CHECK(std::string(OpName(Op::Return)) == "Return");
  CHECK(std::string(OpName(Op::kCount)) == "?");
  CHECK(std::string(OpName(static_cast<Op>(255))) == "?");
  const OpInfo* info = FindOpInfo(Op::LoadRef);
  REQUIRE(info != nullptr);
  CHECK(info->a == OperandKind::kReg);
  CHECK(info->b == OperandKind::kStage);
  CHECK(info->c == OperandKind::kCapture);
  CHECK(FindOpInfo(Op::IterNext)->b == OperandKind::kJump);
  CHECK(FindOpInfo(Op::Jump)->a == OperandKind::kUnused);
  for (size_t i = 0; i < kNumOps; ++i) {
    CHECK(std::string(OpName(static_cast<Op>(i))) == kOpInfo[i].name);
  }
}

TEST_CASE("Disassemble") {
  Program p = MakeProgram({KSet({"snapshot.create", "a\"b"}), KPath({"items", "group"})}, {});
  Code code =
      MakeCode({I(Op::LoadField, 0, kAction), I(Op::InSet, 1, 0, 0), I(Op::JumpIfFalse, 1, 4),
                I(Op::GetPath, 2, 0, 1), I(Op::LoadRef, 3, 0, 2), I(Op::Return, 1)},
               4);
  CHECK(Disassemble(code, p) ==
        "   0  LoadField   R0 F2           ; R[A] := event.field[B]  F2=action\n"
        "   1  InSet       R1 R0 K0        ; R[A] := R[B] in set K[C]  K0=[\"snapshot.create\", "
        "\"a\\\"b\"]\n"
        "   2  JumpIfFalse R1 @4           ; if not truthy(R[A]) then pc := B\n"
        "   3  GetPath     R2 R0 K1        ; R[A] := R[B].<K[C]>  K1=items.group\n"
        "   4  LoadRef     R3 S0 N2        ; R[A] := stage[B].capture[C]\n"
        "   5  Return      R1              ; return truthy(R[A])\n");
  // Unverified code does not crash it.
  Code bad = MakeCode(
      {I(static_cast<Op>(99), 1, 2, 3), I(Op::LoadConst, 0, 77), I(Op::LoadField, 0, 500)}, 1);
  CHECK(Disassemble(bad, p) ==
        "   0  ?99          1 2 3\n"
        "   1  LoadConst   R0 K77          ; R[A] := K[B]\n"
        "   2  LoadField   R0 F500         ; R[A] := event.field[B]\n");
}

}  // namespace
}  // namespace rdl::test
