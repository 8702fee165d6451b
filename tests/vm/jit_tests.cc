// Tests of the JIT tier (runtime/jit/) against the interpreter as the
// oracle: the per-opcode table of op_tests.cc run through the JIT where it
// compiles, a differential property test over random verified blocks and
// random events (fixed seed) covering every opcode (loops, paths and case
// folding included), the backward-jump budget, the regex-as-literal paths,
// and the engine's `jit` option. Built without LLVM, the tests check that the
// JIT reports itself unavailable. (The timing comparison is a benchmark:
// bench/jit_bench.cc.)
#include <climits>
#include <random>
#include <set>

#include "runtime/engine/engine.h"
#include "runtime/format/pack.h"
#include "runtime/jit/jit.h"
#include "tests/vm/vm_test_util.h"

// Reuse op_tests.cc's case table (Cases(), MakeRefs()) without registering
// its test cases a second time: while it is included, TEST_CASE declares an
// unused function instead. Its definitions land in this file's anonymous
// namespace, so they do not clash with op_tests.cc's own.
#undef TEST_CASE
#define TEST_CASE(name) [[maybe_unused]] static void DOCTEST_ANONYMOUS(RDL_JIT_REUSED_)()
#include "tests/vm/op_tests.cc"
#undef TEST_CASE
#define TEST_CASE(name) DOCTEST_TEST_CASE(name)

namespace rdl::test {
namespace {

std::unique_ptr<JitCompiler> MakeJit() {
  std::string error;
  auto jit = JitCompiler::Create(&error);
  if (JitAvailable()) REQUIRE_MESSAGE(jit, error);
  return jit;
}

TEST_CASE("jit: availability is consistent") {
  std::string error;
  auto jit = JitCompiler::Create(&error);
  if (!JitAvailable()) {
    CHECK(jit == nullptr);
    CHECK(error == "built without LLVM");
    for (size_t i = 0; i < static_cast<size_t>(Op::kCount); ++i) {
      CHECK_FALSE(JitSupportsOp(static_cast<Op>(i)));
    }
    return;
  }
  CHECK_MESSAGE(jit != nullptr, error);
}

TEST_CASE("jit: every opcode case the JIT compiles matches the interpreter") {
  auto jit = MakeJit();
  if (!jit) return;  // built without LLVM
  size_t compiled = 0;
  std::set<Op> covered;
  for (const OpCase& c : Cases()) {
    INFO(std::string(c.name));
    Code code = MakeCode(c.code, c.num_regs);
    Rule rule = c.in_stage ? SequenceRule("op_case", code) : MatchRule("op_case", code);
    std::string error;
    auto pack = LoadedPack::Load(MakeProgram(c.consts, {rule}), &error);
    if (!pack) continue;  // op_tests.cc reports it
    EventReader reader(pack->program());
    Event event;
    REQUIRE(reader.Read(Ev(c.body), &event, &error));
    const Rule& r = pack->program().rules[0];
    const Code& run = c.in_stage ? r.stages[1].pred : r.pred;
    bool supported = true;
    for (const Instr& in : run.instrs) supported = supported && JitSupportsOp(in.op);
    std::string why;
    JitPredicate fn = jit->Compile(run, *pack, &why);
    if (!supported) {
      CHECK_FALSE(static_cast<bool>(fn));
      CHECK(why.find("not supported") != std::string::npos);
      continue;
    }
    REQUIRE_MESSAGE(static_cast<bool>(fn), why);
    ++compiled;
    covered.insert(c.op);
    StageRefs refs = MakeRefs();
    const StageRefs* pass = c.null_refs || !c.in_stage ? nullptr : &refs;
    Interpreter vm(*pack);
    CHECK(RunJit(fn, event, pass) == vm.Run(run, event, pass));
    CHECK(RunJit(fn, event, pass) == c.expect);
  }
  CHECK(compiled > 50);
  // Every supported opcode has at least one case through the JIT.
  for (size_t i = 0; i < static_cast<size_t>(Op::kCount); ++i) {
    Op op = static_cast<Op>(i);
    INFO("opcode ", OpName(op));
    if (JitSupportsOp(op)) CHECK(covered.count(op) == 1);
  }
}

TEST_CASE("jit: every opcode is compiled; empty blocks are not") {
  auto jit = MakeJit();
  if (!jit) return;
  for (size_t i = 0; i < static_cast<size_t>(Op::kCount); ++i) {
    CHECK(JitSupportsOp(static_cast<Op>(i)));
  }
  CHECK_FALSE(JitSupportsOp(Op::kCount));
  Code code = MakeCode({I(Op::LoadField, 0, kAction), I(Op::Lower, 1, 0), I(Op::LoadConst, 2, 0),
                        I(Op::Eq, 3, 1, 2), I(Op::Return, 3)},
                       4);
  std::string error;
  auto pack = LoadedPack::Load(MakeProgram({KStr("x")}, {MatchRule("r", code)}), &error);
  REQUIRE_MESSAGE(pack, error);
  std::string why;
  CHECK(static_cast<bool>(jit->Compile(pack->program().rules[0].pred, *pack, &why)));
  Code empty;
  CHECK_FALSE(static_cast<bool>(jit->Compile(empty, *pack, &why)));
  CHECK(why == "empty code block");
}

TEST_CASE("jit: a loop that never ends runs out of the backward-jump budget") {
  auto jit = MakeJit();
  if (!jit) return;
  // A loop that resets its own iterator: 2^24 backward jumps, then false,
  // in both tiers.
  Code reset = MakeCode({I(Op::LoadField, 0, kResUids), I(Op::LoadConst, 4, 0),  // 0 1
                         I(Op::IterInit, 1, 0), I(Op::IterNext, 1, 6, 3),        // 2 3
                         I(Op::IterInit, 1, 0), I(Op::Jump, 0, 3),               // 4 5
                         I(Op::Return, 4)},                                      // 6
                        5);
  std::string error;
  auto pack = LoadedPack::Load(MakeProgram({KBool(true)}, {MatchRule("reset", reset)}), &error);
  REQUIRE_MESSAGE(pack, error);
  EventReader reader(pack->program());
  Event event;
  REQUIRE(reader.Read(Ev(R"("resources":[{"uid":"a"},{"uid":"b"}])"), &event, &error));
  Interpreter vm(*pack);
  for (const Rule& r : pack->program().rules) {
    INFO(r.name);
    std::string why;
    JitPredicate fn = jit->Compile(r.pred, *pack, &why);
    REQUIRE_MESSAGE(static_cast<bool>(fn), why);
    CHECK_FALSE(vm.Run(r.pred, event));
    CHECK_FALSE(RunJit(fn, event));
  }
}

TEST_CASE("jit: literal regexes and wildcards give RE2's answers") {
  auto jit = MakeJit();
  if (!jit) return;
  // The JIT turns these into literal tests (with RE2 deciding hits on
  // non-ASCII strings, where `.` rejects invalid UTF-8).
  const char* patterns[] = {"(?s)^snap.*$",
                            "(?s)^.*create$",
                            "(?s)^.*shot\\.c.*$",
                            "(?s)^$",
                            "(?s)^.*$",
                            "^snap",
                            "create$",
                            "shot",
                            "^snapshot\\.create$",
                            "^$",
                            "",
                            "(?s)^\\x00.*$",
                            "(?i)^snap",
                            "^snap.*$",
                            "(?s)^.*snap"};
  const char* values[] = {"snapshot.create",
                          "Snapshot.create",
                          "snap",
                          "",
                          "create",
                          "\\u00e9snapshot.create",
                          "snapshot.c\\u00e9create",
                          "\\u0000snap",
                          "a\\nsnap\\ncreate",
                          "xsnapshot.createx"};
  std::vector<Constant> consts;
  std::vector<Rule> rules;
  for (const char* p : patterns) {
    consts.push_back(KRegex(p));
    const uint16_t k = static_cast<uint16_t>(consts.size() - 1);
    rules.push_back(MatchRule(
        "re" + std::to_string(k),
        MakeCode({I(Op::LoadField, 0, kAction), I(Op::Match, 1, 0, k), I(Op::Return, 1)}, 2)));
  }
  std::string error;
  auto pack = LoadedPack::Load(MakeProgram(consts, rules), &error);
  REQUIRE_MESSAGE(pack, error);
  Interpreter vm(*pack);
  std::vector<JitPredicate> fns;
  for (const Rule& r : pack->program().rules) {
    std::string why;
    fns.push_back(jit->Compile(r.pred, *pack, &why));
    REQUIRE_MESSAGE(static_cast<bool>(fns.back()), why);
  }
  // Strings with invalid UTF-8 (raw bytes in the JSON text) too.
  std::vector<std::string> bodies;
  for (const char* v : values) bodies.push_back(std::string("\"action\":\"") + v + "\"");
  bodies.push_back("\"action\":\"\xffsnapshot.create\"");
  bodies.push_back("\"action\":\"snap\xfe\"");
  bodies.push_back("\"action\":[\"x\",\"snapshot.create\"]");
  bodies.push_back("\"action\":5");
  bodies.push_back("\"num\":1");
  size_t checks = 0;
  for (const std::string& body : bodies) {
    EventReader reader(pack->program());
    Event event;
    if (!reader.Read(Ev(body), &event, &error)) continue;  // simdjson rejects invalid UTF-8
    for (size_t r = 0; r < fns.size(); ++r) {
      INFO("pattern ", patterns[r], " event ", body);
      CHECK(RunJit(fns[r], event) == vm.Run(pack->program().rules[r].pred, event));
      ++checks;
    }
  }
  CHECK(checks >= fns.size() * 10);
}

// ----------------------------------------------------- differential test --

std::vector<Constant> PoolConsts() {
  return {
      KStr("snapshot.create"),                           // 0
      KStr("Snapshot.CREATE"),                           // 1
      KInt(5),                                           // 2
      KFloat(5.0),                                       // 3
      KBool(true),                                       // 4
      KBool(false),                                      // 5
      KNull(),                                           // 6
      KSet({"a", "snapshot.create", "b"}),               // 7
      KSet({"alice", "snapshot.delete", "x"}),           // 8 (lower-case: CI)
      KRegex("^snap.*e$"),                               // 9
      KCidr("10.0.0.0/8"),                               // 10
      KInt(0),                                           // 11
      KStr("a"),                                         // 12
      KFloat(-2.5),                                      // 13
      KStr("snap"),                                      // 14
      KCidr("2001:db8::/32"),                            // 15
      KInt(INT64_MAX),                                   // 16
      KInt(-1),                                          // 17
      KStr(""),                                          // 18
      KFloat(std::numeric_limits<double>::quiet_NaN()),  // 19
      KPath({"items"}),                                  // 20
      KPath({"uid"}),                                    // 21
      KPath({"items", "uid"}),                           // 22
      KPath({"x"}),                                      // 23
      KRegex("(?s)^snap.*$"),                            // 24 (literal tests in the JIT)
      KRegex("(?s)^.*e$"),                               // 25
      KRegex("(?s)^.*shot\\..*$"),                       // 26
      KRegex("^a$"),                                     // 27
      KSet({"snapshot.create", "Snapshot.CREATE", "a", "bb", "5", ""}),  // 28
  };
}
const uint16_t kLoadable[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 16, 17, 18, 19, 28};
const uint16_t kSets[] = {7, 8, 28};
const uint16_t kRegexes[] = {9, 24, 25, 26, 27};
const uint16_t kCidrs[] = {10, 15};
const uint16_t kPaths[] = {20, 21, 22, 23};

// The opcodes random blocks draw from (weighted by repetition).
const Op kGenOps[] = {
    Op::LoadField, Op::LoadField,  Op::LoadField,   Op::LoadConst,   Op::LoadConst,  Op::Move,
    Op::Not,       Op::Eq,         Op::Eq,          Op::Ne,          Op::Lt,         Op::Le,
    Op::Gt,        Op::Ge,         Op::EqCI,        Op::InSet,       Op::InSetCI,    Op::InArray,
    Op::Match,     Op::StartsWith, Op::EndsWith,    Op::Contains,    Op::InCidr,     Op::Exists,
    Op::Len,       Op::Add,        Op::Sub,         Op::Mul,         Op::Div,        Op::Mod,
    Op::Neg,       Op::Jump,       Op::JumpIfFalse, Op::JumpIfFalse, Op::JumpIfTrue, Op::JumpIfTrue,
    Op::GetPath,   Op::GetPath,    Op::Lower,       Op::Upper,       Op::IterInit,   Op::IterNext,
    Op::IterNext,  // IterNext: a whole loop (below)
};

template <typename T, size_t N>
T Pick(std::mt19937_64& rng, const T (&arr)[N]) {
  return arr[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

// A random verified block. The top two registers are the iterator pair of
// loops, which only IterInit and IterNext touch, so every loop ends: a loop
// is `IterNext it @exit Rx; body (no control flow but an early exit);
// Jump @IterNext`, the shape the compiler gives `any v in PATH: C`.
Code RandomCode(std::mt19937_64& rng) {
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const uint16_t regs = static_cast<uint16_t>(uni(4, 10));
  const uint8_t it = static_cast<uint8_t>(regs - 2);
  const int n = uni(2, 28);  // instructions, the last a Return
  auto reg = [&] { return static_cast<uint8_t>(uni(0, regs - 3)); };
  std::vector<Instr> code;
  // One straight-line instruction at position i (forward jumps allowed
  // unless `in_loop`).
  auto simple = [&](Op op, int i, bool in_loop) -> Instr {
    switch (op) {
      case Op::LoadField:
        return I(op, reg(), static_cast<uint16_t>(uni(0, kNumSlots - 1)));
      case Op::LoadConst:
        return I(op, reg(), Pick(rng, kLoadable));
      case Op::Move:
      case Op::Not:
      case Op::Exists:
      case Op::Len:
      case Op::Neg:
      case Op::Lower:
      case Op::Upper:
        return I(op, reg(), reg());
      case Op::InSet:
      case Op::InSetCI:
        return I(op, reg(), reg(), Pick(rng, kSets));
      case Op::Match:
        return I(op, reg(), reg(), Pick(rng, kRegexes));
      case Op::InCidr:
        return I(op, reg(), reg(), Pick(rng, kCidrs));
      case Op::GetPath:
        return I(op, reg(), reg(), Pick(rng, kPaths));
      case Op::IterInit:
        return I(op, it, reg());
      case Op::Jump:
      case Op::JumpIfFalse:
      case Op::JumpIfTrue:
      case Op::IterNext:
        if (in_loop) return I(Op::Exists, reg(), reg());
        if (op == Op::IterNext) op = Op::Jump;
        return I(op, op == Op::Jump ? 0 : reg(), static_cast<uint16_t>(uni(i + 1, n - 1)));
      default:
        return I(op, reg(), reg(), reg());
    }
  };
  while (static_cast<int>(code.size()) + 1 < n) {
    const int i = static_cast<int>(code.size());
    Op op = Pick(rng, kGenOps);
    const int room = n - 1 - i;
    if (op == Op::IterNext && room >= 4) {
      if (uni(0, 3) != 0) {
        code.push_back(I(Op::LoadField, reg(), static_cast<uint16_t>(uni(0, kNumSlots - 1))));
        code.push_back(I(Op::IterInit, it, code.back().a));
      }
      const int body = uni(1, std::max(1, std::min(4, n - 1 - static_cast<int>(code.size()) - 3)));
      const size_t head = code.size();
      if (static_cast<int>(head) + body + 3 > n - 1) {
        code.push_back(simple(Pick(rng, kGenOps), static_cast<int>(head), true));
        continue;
      }
      code.push_back(I(Op::IterNext, it, 0, reg()));
      std::vector<size_t> exits = {head};
      for (int k = 0; k < body; ++k) {
        code.push_back(simple(Pick(rng, kGenOps), static_cast<int>(code.size()), true));
        if (code.back().op == Op::IterInit) code.back() = I(Op::Not, reg(), reg());
      }
      if (uni(0, 1)) {  // early exit, as `any` does on true
        exits.push_back(code.size());
        code.push_back(I(Op::JumpIfTrue, reg(), 0));
      }
      code.push_back(I(Op::Jump, 0, static_cast<uint16_t>(head)));
      for (size_t e : exits) code[e].b = static_cast<uint16_t>(code.size());
      continue;
    }
    code.push_back(simple(op, i, false));
  }
  code.push_back(I(Op::Return, reg()));
  return MakeCode(std::move(code), regs);
}

std::string RandomEvent(std::mt19937_64& rng) {
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto coin = [&] { return uni(0, 2) != 0; };
  const char* strings[] = {"snapshot.create", "Snapshot.Create", "snap", "a", "b", "", "alice",
                           "ALICE",           "snapshot.delete", "5",    "x"};
  auto str = [&] { return std::string("\"") + Pick(rng, strings) + "\""; };
  auto scalar = [&]() -> std::string {
    switch (uni(0, 6)) {
      case 0:
        return str();
      case 1:
        return std::to_string(uni(-3, 7));
      case 2:
        return uni(0, 1) ? "5.0" : "-2.5";
      case 3:
        return uni(0, 1) ? "true" : "false";
      case 4:
        return "null";
      case 5:
        return "[" + str() + "," + str() + "]";
      default:
        return "9223372036854775807";
    }
  };
  std::vector<std::string> parts;
  if (coin()) parts.push_back("\"action\":" + (uni(0, 3) ? str() : scalar()));
  if (coin()) {
    const char* ips[] = {"10.1.2.3", "192.168.0.1", "2001:db8::1", "::ffff:10.0.0.1", "bogus"};
    parts.push_back(std::string("\"src_endpoint\":{\"ip\":\"") + Pick(rng, ips) + "\"}");
  }
  if (coin()) {
    parts.push_back("\"resources\":[{\"uid\":" + str() + "},{\"uid\":" + str() + "}]");
  }
  if (coin()) parts.push_back("\"quota\":{\"value\":" + scalar() + "}");
  if (coin()) parts.push_back("\"share\":{\"accounts\":[" + str() + "," + str() + "]}");
  auto item = [&]() -> std::string {
    if (uni(0, 2)) return scalar();
    return "{\"uid\":" + (uni(0, 3) ? str() : scalar()) + ",\"items\":[{\"uid\":" + str() + "}]}";
  };
  if (coin()) {
    parts.push_back("\"raw\":{\"items\":[" + item() + "," + item() + "],\"x\":" + scalar() +
                    ",\"uid\":" + str() + "}");
  }
  if (coin()) parts.push_back("\"num\":" + scalar());
  if (coin()) parts.push_back("\"actor\":{\"user\":{\"uid\":" + str() + "}}");
  if (coin()) parts.push_back("\"api\":{\"operation\":" + scalar() + "}");
  std::string body;
  for (size_t i = 0; i < parts.size(); ++i) body += (i ? "," : "") + parts[i];
  return Ev(body);
}

TEST_CASE("jit: random blocks agree with the interpreter on random events") {
  auto jit = MakeJit();
  if (!jit) return;
  std::mt19937_64 rng(20261129);
  constexpr int kPacks = 24, kRulesPerPack = 60, kEvents = 40;
  size_t checks = 0, trues = 0;
  for (int p = 0; p < kPacks; ++p) {
    std::vector<Rule> rules;
    for (int r = 0; r < kRulesPerPack; ++r) {
      rules.push_back(MatchRule("r" + std::to_string(r), RandomCode(rng)));
    }
    std::string error;
    auto pack = LoadedPack::Load(MakeProgram(PoolConsts(), rules), &error);
    REQUIRE_MESSAGE(pack, error);  // valid by construction
    // Even packs through CompileAll (one batch, as the engine compiles),
    // odd ones through one Compile each.
    std::vector<JitPredicate> fns;
    if (p % 2 == 0) {
      std::vector<const Code*> codes;
      for (const Rule& r : pack->program().rules) codes.push_back(&r.pred);
      std::vector<std::string> why;
      fns = jit->CompileAll(codes, *pack, &why);
      REQUIRE(fns.size() == codes.size());
      for (size_t r = 0; r < fns.size(); ++r) REQUIRE_MESSAGE(static_cast<bool>(fns[r]), why[r]);
    } else {
      for (const Rule& r : pack->program().rules) {
        std::string why;
        JitPredicate fn = jit->Compile(r.pred, *pack, &why);
        REQUIRE_MESSAGE(static_cast<bool>(fn), why);
        fns.push_back(fn);
      }
    }
    EventReader reader(pack->program());
    Interpreter vm(*pack);
    for (int e = 0; e < kEvents; ++e) {
      std::string json = RandomEvent(rng);
      Event event;
      REQUIRE_MESSAGE(reader.Read(json, &event, &error), error);
      for (size_t r = 0; r < fns.size(); ++r) {
        const Code& code = pack->program().rules[r].pred;
        bool want = vm.Run(code, event);
        bool got = RunJit(fns[r], event);
        if (got != want) {
          FAIL_CHECK("pack ", p, " rule ", r, " event ", json, ": jit ", got, " interpreter ", want,
                     "\n", Disassemble(code, pack->program()));
        }
        ++checks;
        trues += want;
      }
    }
  }
  MESSAGE("differential checks: ", checks, " (", trues, " true)");
  CHECK(checks == size_t{kPacks} * kRulesPerPack * kEvents);
  CHECK(trues > checks / 50);  // the generator exercises both outcomes
}

TEST_CASE("jit: CompileAll compiles a batch in order; an empty block fails alone") {
  auto jit = MakeJit();
  if (!jit) return;
  std::mt19937_64 rng(7);
  std::vector<Rule> rules;
  for (int r = 0; r < 12; ++r) {
    rules.push_back(MatchRule("r" + std::to_string(r), RandomCode(rng)));
  }
  std::string error;
  auto pack = LoadedPack::Load(MakeProgram(PoolConsts(), rules), &error);
  REQUIRE_MESSAGE(pack, error);
  const std::vector<Rule>& loaded = pack->program().rules;
  Code empty;
  std::vector<const Code*> codes;
  for (size_t r = 0; r < loaded.size(); ++r) {
    codes.push_back(&loaded[r].pred);
    if (r == 5) codes.push_back(&empty);
  }
  codes.push_back(&loaded[0].pred);  // the same block twice: two functions
  std::vector<std::string> why;
  std::vector<JitPredicate> fns = jit->CompileAll(codes, *pack, &why);
  REQUIRE(fns.size() == codes.size());
  REQUIRE(why.size() == codes.size());
  CHECK_FALSE(static_cast<bool>(fns[6]));
  CHECK(why[6] == "empty code block");
  // A second batch in the same compiler, and no blocks at all.
  std::vector<std::string> why2;
  std::vector<JitPredicate> again = jit->CompileAll({&loaded[3].pred}, *pack, &why2);
  REQUIRE(again.size() == 1);
  REQUIRE_MESSAGE(static_cast<bool>(again[0]), why2[0]);
  CHECK(jit->CompileAll({}, *pack, &why2).empty());
  CHECK(why2.empty());
  EventReader reader(pack->program());
  Interpreter vm(*pack);
  for (int e = 0; e < 40; ++e) {
    std::string json = RandomEvent(rng);
    Event event;
    REQUIRE_MESSAGE(reader.Read(json, &event, &error), error);
    for (size_t i = 0; i < codes.size(); ++i) {
      if (i == 6) continue;
      REQUIRE_MESSAGE(static_cast<bool>(fns[i]), why[i]);
      CHECK(RunJit(fns[i], event) == vm.Run(*codes[i], event));
    }
    CHECK(RunJit(again[0], event) == vm.Run(loaded[3].pred, event));
  }
}

// ------------------------------------------------------------ engine ------

TEST_CASE("jit: the engine's jit option gives the same alerts") {
  // A plain rule and one using Lower (scratch storage): both must fire.
  Code jitted = MakeCode(
      {I(Op::LoadField, 0, kAction), I(Op::LoadConst, 1, 0), I(Op::Eq, 2, 0, 1), I(Op::Return, 2)},
      3);
  Code lowered = MakeCode({I(Op::LoadField, 0, kActor), I(Op::Lower, 1, 0), I(Op::LoadConst, 2, 1),
                           I(Op::Eq, 3, 1, 2), I(Op::Return, 3)},
                          4);
  std::string error;
  auto pack =
      LoadedPack::Load(MakeProgram({KStr("snapshot.create"), KStr("alice")},
                                   {MatchRule("snap", jitted), MatchRule("alice", lowered)}),
                       &error);
  REQUIRE_MESSAGE(pack, error);
  auto run = [&](bool jit, std::vector<std::string>* warnings) {
    std::vector<std::string> alerts;
    EngineOptions options;
    options.jit = jit;
    options.on_warning = [&](const std::string& w) { warnings->push_back(w); };
    Engine engine(*pack, options, [&](const Alert& a) { alerts.push_back(a.json); });
    for (const char* body : {R"("action":"snapshot.create","actor":{"user":{"uid":"x"}})",
                             R"("action":"other","actor":{"user":{"uid":"ALICE"}})",
                             R"("action":"snapshot.create","actor":{"user":{"uid":"Alice"}})"}) {
      REQUIRE(engine.Push(Ev(body), &error));
    }
    engine.Finish();
    return alerts;
  };
  std::vector<std::string> w_interp, w_jit;
  auto want = run(false, &w_interp);
  auto got = run(true, &w_jit);
  CHECK(want.size() == 4);
  CHECK(got == want);
  CHECK(w_interp.empty());
  if (JitAvailable()) {
    CHECK(w_jit.empty());  // every predicate compiled
  } else {
    REQUIRE(w_jit.size() == 1);  // the fallback is announced
    CHECK(w_jit[0].find("unavailable") != std::string::npos);
  }
}

}  // namespace
}  // namespace rdl::test
