// VerifyProgram: one case per rejection class, each with its exact message,
// and the valid base programs it starts from are accepted.
#include <functional>

#include "tests/vm/vm_test_util.h"

namespace rdl::test {
namespace {

// A valid program: rule "r" is `action in {..}` (instrs 0-2), rule "s" a
// two-stage sequence. Constants: 0 set, 1 regex, 2 cidr, 3 path, 4 string.
Program Base() {
  Code pred = MakeCode({I(Op::LoadField, 0, kAction), I(Op::InSet, 1, 0, 0), I(Op::Return, 1)}, 2);
  Code stage1 = MakeCode(
      {I(Op::LoadRef, 0, 0, 2), I(Op::LoadField, 1, kAction), I(Op::Eq, 2, 0, 1), I(Op::Return, 2)},
      3);
  return MakeProgram(
      {KSet({"snapshot.create"}), KRegex("^a"), KCidr("10.0.0.0/8"), KPath({"a", "b"}), KStr("x")},
      {MatchRule("r", pred), SequenceRule("s", stage1)});
}

struct Case {
  const char* name;
  std::function<void(Program&)> mutate;
  const char* message;
};

std::vector<Case> Cases() {
  auto pred = [](Program& p) -> Code& { return p.rules[0].pred; };
  auto stage = [](Program& p, int k) -> Code& { return p.rules[1].stages[k].pred; };
  return {
      // ---- code blocks
      {"bad opcode", [&](Program& p) { pred(p).instrs[1].op = static_cast<Op>(200); },
       "rule r: pred: instr 1 (?): bad opcode 200"},
      {"opcode kCount", [&](Program& p) { pred(p).instrs[1].op = Op::kCount; },
       "rule r: pred: instr 1 (?): bad opcode 37"},
      {"register out of range", [&](Program& p) { pred(p).instrs[0].a = 2; },
       "rule r: pred: instr 0 (LoadField): register R2 out of range (num_regs 2)"},
      {"register B out of range", [&](Program& p) { pred(p).instrs[1].b = 7; },
       "rule r: pred: instr 1 (InSet): register R7 out of range (num_regs 2)"},
      {"num_regs over 256", [&](Program& p) { pred(p).num_regs = 257; },
       "rule r: pred: num_regs 257 exceeds 256"},
      {"constant out of range", [&](Program& p) { pred(p).instrs[1].c = 5; },
       "rule r: pred: instr 1 (InSet): constant 5 out of range (5 constants)"},
      {"InSet needs a string set", [&](Program& p) { pred(p).instrs[1].c = 4; },
       "rule r: pred: instr 1 (InSet): constant 4 is not a string set"},
      {"InSetCI needs a string set",
       [&](Program& p) { pred(p).instrs[1] = I(Op::InSetCI, 1, 0, 1); },
       "rule r: pred: instr 1 (InSetCI): constant 1 is not a string set"},
      {"Match needs a regex", [&](Program& p) { pred(p).instrs[1] = I(Op::Match, 1, 0, 0); },
       "rule r: pred: instr 1 (Match): constant 0 is not a regex"},
      {"InCidr needs a CIDR", [&](Program& p) { pred(p).instrs[1] = I(Op::InCidr, 1, 0, 1); },
       "rule r: pred: instr 1 (InCidr): constant 1 is not a CIDR"},
      {"GetPath needs a path", [&](Program& p) { pred(p).instrs[1] = I(Op::GetPath, 1, 0, 4); },
       "rule r: pred: instr 1 (GetPath): constant 4 is not a path"},
      {"LoadConst of a regex", [&](Program& p) { pred(p).instrs[0] = I(Op::LoadConst, 0, 1); },
       "rule r: pred: instr 0 (LoadConst): constant 1 is a regex and cannot be loaded"},
      {"LoadConst of a path", [&](Program& p) { pred(p).instrs[0] = I(Op::LoadConst, 0, 3); },
       "rule r: pred: instr 0 (LoadConst): constant 3 is a path and cannot be loaded"},
      {"field out of range", [&](Program& p) { pred(p).instrs[0].b = kNumSlots; },
       "rule r: pred: instr 0 (LoadField): field slot 12 out of range (12 fields)"},
      {"jump past the end",
       [&](Program& p) { pred(p).instrs.insert(pred(p).instrs.begin(), I(Op::Jump, 0, 4)); },
       "rule r: pred: instr 0 (Jump): jump target 4 past the end (4 instrs)"},
      {"jump to the end is past the end",
       [&](Program& p) {
         pred(p).instrs.insert(pred(p).instrs.begin() + 1, I(Op::JumpIfFalse, 0, 4));
       },
       "rule r: pred: instr 1 (JumpIfFalse): jump target 4 past the end (4 instrs)"},
      {"jump to itself",
       [&](Program& p) {
         pred(p).instrs.insert(pred(p).instrs.begin() + 1, I(Op::JumpIfTrue, 0, 1));
       },
       "rule r: pred: instr 1 (JumpIfTrue): jump to itself"},
      {"backward jump not onto IterNext",
       [&](Program& p) {
         pred(p).instrs.insert(pred(p).instrs.begin() + 2, I(Op::JumpIfTrue, 1, 0));
       },
       "rule r: pred: instr 2 (JumpIfTrue): backward jump to 0 is not onto an IterNext"},
      {"IterNext exit backward not onto IterNext",
       [&](Program& p) {
         pred(p).num_regs = 4;
         pred(p).instrs.insert(pred(p).instrs.begin() + 2, I(Op::IterNext, 2, 1, 0));
       },
       "rule r: pred: instr 2 (IterNext): backward jump to 1 is not onto an IterNext"},
      {"iterator register pair out of range",
       [&](Program& p) {
         pred(p).instrs.insert(pred(p).instrs.begin() + 1, I(Op::IterInit, 1, 0));
       },
       "rule r: pred: instr 1 (IterInit): iterator uses R1 and R2, out of range (num_regs 2)"},
      {"nonzero pad", [&](Program& p) { pred(p).instrs[1].pad = 1; },
       "rule r: pred: instr 1 (InSet): pad is 1, must be 0"},
      {"unused operand nonzero", [&](Program& p) { pred(p).instrs[2].c = 3; },
       "rule r: pred: instr 2 (Return): operand C is 3, must be 0 (unused)"},
      {"unused A of Jump nonzero",
       [&](Program& p) { pred(p).instrs.insert(pred(p).instrs.begin(), I(Op::Jump, 1, 1)); },
       "rule r: pred: instr 0 (Jump): operand A is 1, must be 0 (unused)"},
      {"missing Return", [&](Program& p) { pred(p).instrs.pop_back(); },
       "rule r: pred: instr 1 (InSet): the last instruction must be Return or Jump (falls off the "
       "end)"},
      {"empty code", [&](Program& p) { pred(p).instrs.clear(); },
       "rule r: pred: empty code (must end in Return)"},
      {"LoadRef outside a sequence",
       [&](Program& p) { pred(p).instrs[0] = I(Op::LoadRef, 0, 0, 0); },
       "rule r: pred: instr 0 (LoadRef): stage reference outside a sequence stage"},
      {"LoadRef to the same stage", [&](Program& p) { stage(p, 1).instrs[0].b = 1; },
       "rule s: stage 1 (second): instr 0 (LoadRef): stage 1 is not earlier than this stage (1)"},
      {"LoadRef to a later stage",
       [&](Program& p) {
         p.rules[1].stages.push_back(p.rules[1].stages[1]);
         p.rules[1].stages[2].label = "third";
         stage(p, 1).instrs[0].b = 2;
       },
       "rule s: stage 1 (second): instr 0 (LoadRef): stage 2 is not earlier than this stage (1)"},
      {"LoadRef in the first stage",
       [&](Program& p) { stage(p, 0).instrs[0] = I(Op::LoadRef, 0, 0, 0); },
       "rule s: stage 0 (first): instr 0 (LoadRef): stage 0 is not earlier than this stage (0)"},
      {"LoadRef capture out of range", [&](Program& p) { stage(p, 1).instrs[0].c = 4; },
       "rule s: stage 1 (second): instr 0 (LoadRef): capture 4 out of range (stage 0 has 4)"},
      {"LoadRef in until",
       [&](Program& p) {
         p.rules[1].has_until = true;
         p.rules[1].until_key_slots = {kActor};
         p.rules[1].until_pred = stage(p, 1);
       },
       "rule s: until: instr 0 (LoadRef): stage reference outside a sequence stage"},
      // ---- program
      {"time slot out of range", [](Program& p) { p.time_slot = 40; },
       "time slot 40 out of range (12 fields)"},
      {"time slot not a time", [](Program& p) { p.time_slot = kAction; },
       "time slot 2 is not a time field"},
      {"uid slot out of range", [](Program& p) { p.uid_slot = 12; },
       "uid slot 12 out of range (12 fields)"},
      {"field with empty path", [](Program& p) { p.fields[3].segments.clear(); },
       "field 3: empty path"},
      {"field type out of range", [](Program& p) { p.fields[3].type = static_cast<FieldType>(8); },
       "field 3: type 8 out of range"},
      {"constant kind out of range",
       [](Program& p) { p.consts[4].kind = static_cast<ConstKind>(9); },
       "constant 4: kind 9 out of range"},
      // ---- rule structure
      {"rule without a name", [](Program& p) { p.rules[0].name.clear(); },
       "rule #0: rule has no name"},
      {"duplicate rule name", [](Program& p) { p.rules[1].name = "r"; },
       "rule r: duplicate rule name"},
      {"rule kind out of range", [](Program& p) { p.rules[0].kind = static_cast<RuleKind>(5); },
       "rule r: kind 5 out of range"},
      {"severity out of range", [](Program& p) { p.rules[0].severity = static_cast<Severity>(5); },
       "rule r: severity 5 out of range"},
      {"by slot out of range",
       [](Program& p) {
         p.rules[0].by_slots = {kActor, 99};
         p.rules[0].key_names = {"a", "b"};
       },
       "rule r: by slot 99 out of range (12 fields)"},
      {"key names not parallel to by slots", [](Program& p) { p.rules[0].by_slots = {kActor}; },
       "rule r: 0 key names for 1 by slots"},
      {"count threshold 0",
       [](Program& p) {
         p.rules[0].kind = RuleKind::kCount;
         p.rules[0].within_ns = 60;
         p.rules[0].threshold = 0;
       },
       "rule r: threshold must be >= 1"},
      {"count without within", [](Program& p) { p.rules[0].kind = RuleKind::kCount; },
       "rule r: within must be > 0"},
      {"distinct needs one value slot",
       [](Program& p) {
         p.rules[0].kind = RuleKind::kDistinct;
         p.rules[0].within_ns = 60;
       },
       "rule r: distinct needs exactly 1 value slot, has 0"},
      {"value slot out of range", [](Program& p) { p.rules[0].value_slots = {12}; },
       "rule r: value slot 12 out of range (12 fields)"},
      {"new with negative learn",
       [](Program& p) {
         p.rules[0].kind = RuleKind::kNew;
         p.rules[0].within_ns = 60;
         p.rules[0].value_slots = {kActor};
         p.rules[0].learn_ns = -1;
       },
       "rule r: learn must be >= 0"},
      {"new without value slots",
       [](Program& p) {
         p.rules[0].kind = RuleKind::kNew;
         p.rules[0].within_ns = 60;
       },
       "rule r: new needs at least 1 value slot"},
      {"index filter slot out of range",
       [](Program& p) {
         p.rules[0].index_filters = {{kNumSlots, false, false, {"x"}}};
       },
       "rule r: index filter slot 12 out of range (12 fields)"},
      {"index filter on a non-string field",
       [](Program& p) {
         p.rules[0].index_filters = {{kIp, false, false, {"10.0.0.1"}}};
       },
       "rule r: index filter slot 3 is not a string field"},
      {"negative within", [](Program& p) { p.rules[0].within_ns = -5; },
       "rule r: within must not be negative"},
      {"suppress slots without a span", [](Program& p) { p.rules[0].suppress_slots = {kActor}; },
       "rule r: suppress slots without a suppress span"},
      {"suppress slot out of range",
       [](Program& p) {
         p.rules[0].suppress_slots = {300};
         p.rules[0].suppress_ns = 5;
       },
       "rule r: suppress slot 300 out of range (12 fields)"},
      {"stages in a match rule", [](Program& p) { p.rules[0].stages = p.rules[1].stages; },
       "rule r: stages in a non-sequence rule"},
      {"until in a match rule", [](Program& p) { p.rules[0].has_until = true; },
       "rule r: until in a non-sequence rule"},
      {"sequence without stages", [](Program& p) { p.rules[1].stages.clear(); },
       "rule s: sequence without stages"},
      {"first stage absent", [](Program& p) { p.rules[1].stages[0].absence = true; },
       "rule s: stage 0: the first stage cannot be an absence"},
      {"absence without within",
       [](Program& p) {
         p.rules[1].stages[1].absence = true;
         p.rules[1].within_ns = 0;
       },
       "rule s: stage 1 (second): an absence stage needs within > 0"},
      {"stages with different key counts",
       [](Program& p) {
         p.rules[1].stages[1].key_slots = {kActor, kAction};
       },
       "rule s: stage 1 (second): 2 key slots, stage 0 has 1"},
      {"stage key slot out of range",
       [](Program& p) { p.rules[1].stages[1].key_slots = {kNumSlots}; },
       "rule s: key slot 12 out of range (12 fields)"},
      {"captures not starting with uid and time",
       [](Program& p) {
         std::swap(p.rules[1].stages[1].captures[0], p.rules[1].stages[1].captures[1]);
       },
       "rule s: stage 1 (second): captures must start with the uid slot and the time slot"},
      {"captures too short", [](Program& p) { p.rules[1].stages[0].captures = {kUid}; },
       "rule s: stage 0 (first): captures must start with the uid slot and the time slot"},
      {"until key count",
       [](Program& p) {
         p.rules[1].has_until = true;
         p.rules[1].until_pred = p.rules[1].stages[0].pred;
       },
       "rule s: until: 0 key slots, stage 0 has 1"},
      {"sequence key names", [](Program& p) { p.rules[1].key_names.clear(); },
       "rule s: 0 key names for 1 key slots"},
      {"template field out of range",
       [](Program& p) {
         p.rules[0].message = {{TemplatePart::Kind::kText, "x", 0, 0},
                               {TemplatePart::Kind::kField, "", 0, 12}};
       },
       "rule r: message part 1: field slot 12 out of range (12 fields)"},
      {"template capture in a match rule",
       [](Program& p) {
         p.rules[0].message = {{TemplatePart::Kind::kCapture, "", 0, 0}};
       },
       "rule r: message part 0: stage 0 out of range (0 stages)"},
      {"template capture out of range",
       [](Program& p) {
         p.rules[1].message = {{TemplatePart::Kind::kCapture, "", 1, 4}};
       },
       "rule s: message part 0: capture 4 out of range (stage 1 has 4)"},
      {"template count in a match rule",
       [](Program& p) {
         p.rules[0].message = {{TemplatePart::Kind::kCount, "", 0, 0}};
       },
       "rule r: message part 0: {count} outside a count or distinct rule"},
  };
}

TEST_CASE("the base programs verify") {
  std::string error;
  CHECK_MESSAGE(VerifyProgram(Base(), &error), error);
}

TEST_CASE("each rejection class has its exact message") {
  for (const Case& c : Cases()) {
    Program p = Base();
    c.mutate(p);
    std::string error;
    INFO(std::string(c.name));
    CHECK_FALSE(VerifyProgram(p, &error));
    CHECK(error == c.message);
  }
}

TEST_CASE("valid control flow verifies") {
  // Forward jumps to the last instruction, backward jumps onto an IterNext,
  // a block that ends in Jump, LoadRef to every earlier stage.
  Program p = Base();
  p.rules[0].pred =
      MakeCode({I(Op::LoadField, 0, kItems), I(Op::IterInit, 1, 0), I(Op::IterNext, 1, 5, 3),
                I(Op::JumpIfFalse, 3, 2), I(Op::Jump, 0, 2), I(Op::Jump, 0, 6), I(Op::Return, 3)},
               4);
  Stage third = p.rules[1].stages[1];
  third.label = "third";
  third.pred.instrs[0] = I(Op::LoadRef, 0, 1, 3);
  p.rules[1].stages.push_back(third);
  std::string error;
  CHECK_MESSAGE(VerifyProgram(p, &error), error);
  // Every kind-specific shape that is valid.
  p.rules[0].kind = RuleKind::kDistinct;
  p.rules[0].within_ns = 1;
  p.rules[0].value_slots = {kActor};
  p.rules[0].message = {{TemplatePart::Kind::kCount, "", 0, 0}};
  CHECK_MESSAGE(VerifyProgram(p, &error), error);
  p.rules[1].stages[2].absence = true;
  CHECK_MESSAGE(VerifyProgram(p, &error), error);
}

TEST_CASE("LoadedPack rejects what RE2 or the CIDR parser rejects") {
  std::string error;
  Code pred = MakeCode({I(Op::LoadConst, 0, 1), I(Op::Return, 0)}, 1);
  CHECK_FALSE(
      LoadedPack::Load(MakeProgram({KRegex("(a"), KBool(true)}, {MatchRule("r", pred)}), &error));
  CHECK(error == "constant 0: bad regex /(a/: missing ): (a");
  for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0/8", "2001:db8::/129", "x",
                          "10.0.0.0/+8", "10.0.0.0/8/8", "::/1000"}) {
    INFO(bad);
    CHECK_FALSE(
        LoadedPack::Load(MakeProgram({KCidr(bad), KBool(true)}, {MatchRule("r", pred)}), &error));
    CHECK(error == std::string("constant 0: bad CIDR \"") + bad + "\"");
  }
  // The verifier runs first.
  CHECK_FALSE(LoadedPack::Load(MakeProgram({}, {MatchRule("r", pred)}), &error));
  CHECK(error == "rule r: pred: instr 0 (LoadConst): constant 1 out of range (0 constants)");
}

}  // namespace
}  // namespace rdl::test
