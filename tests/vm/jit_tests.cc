// Tests of the JIT tier (runtime/jit/) against the interpreter as the
// oracle: the per-opcode table of op_tests.cc run through the JIT where it
// compiles, a differential property test over random verified blocks and
// random events (fixed seed), fallback on unsupported opcodes, the engine's
// `jit` option, and a skipped-by-default micro benchmark (run it with
// `rdl_vm_tests -ts="jit bench*" --no-skip`). Built without LLVM, the tests
// check that the JIT reports itself unavailable.
#include <chrono>
#include <climits>
#include <cstdio>
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

TEST_CASE("jit: a block with an unsupported opcode is not compiled") {
  auto jit = MakeJit();
  if (!jit) return;
  Code code = MakeCode({I(Op::LoadField, 0, kAction), I(Op::Lower, 1, 0), I(Op::LoadConst, 2, 0),
                        I(Op::Eq, 3, 1, 2), I(Op::Return, 3)},
                       4);
  std::string error;
  auto pack = LoadedPack::Load(MakeProgram({KStr("x")}, {MatchRule("r", code)}), &error);
  REQUIRE_MESSAGE(pack, error);
  std::string why;
  CHECK_FALSE(static_cast<bool>(jit->Compile(pack->program().rules[0].pred, *pack, &why)));
  CHECK(why.find("Lower") != std::string::npos);
  Code empty;
  CHECK_FALSE(static_cast<bool>(jit->Compile(empty, *pack, &why)));
}

// ----------------------------------------------------- differential test --

std::vector<Constant> PoolConsts() {
  return {
      KStr("snapshot.create"),                          // 0
      KStr("Snapshot.CREATE"),                          // 1
      KInt(5),                                          // 2
      KFloat(5.0),                                      // 3
      KBool(true),                                      // 4
      KBool(false),                                     // 5
      KNull(),                                          // 6
      KSet({"a", "snapshot.create", "b"}),              // 7
      KSet({"alice", "snapshot.delete", "x"}),          // 8 (lower-case: CI)
      KRegex("^snap.*e$"),                              // 9
      KCidr("10.0.0.0/8"),                              // 10
      KInt(0),                                          // 11
      KStr("a"),                                        // 12
      KFloat(-2.5),                                     // 13
      KStr("snap"),                                     // 14
      KCidr("2001:db8::/32"),                           // 15
      KInt(INT64_MAX),                                  // 16
      KInt(-1),                                         // 17
      KStr(""),                                         // 18
      KFloat(std::numeric_limits<double>::quiet_NaN()), // 19
  };
}
const uint16_t kLoadable[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 16, 17, 18, 19};
const uint16_t kSets[] = {7, 8};
const uint16_t kRegexes[] = {9};
const uint16_t kCidrs[] = {10, 15};

// The opcodes random blocks draw from (weighted by repetition).
const Op kGenOps[] = {
    Op::LoadField, Op::LoadField, Op::LoadField, Op::LoadConst, Op::LoadConst, Op::Move,
    Op::Not,       Op::Eq,        Op::Eq,        Op::Ne,        Op::Lt,        Op::Le,
    Op::Gt,        Op::Ge,        Op::EqCI,      Op::InSet,     Op::InSetCI,   Op::InArray,
    Op::Match,     Op::StartsWith, Op::EndsWith, Op::Contains,  Op::InCidr,    Op::Exists,
    Op::Len,       Op::Add,       Op::Sub,       Op::Mul,       Op::Div,       Op::Mod,
    Op::Neg,       Op::Jump,      Op::JumpIfFalse, Op::JumpIfFalse, Op::JumpIfTrue,
    Op::JumpIfTrue,
};

template <typename T, size_t N>
T Pick(std::mt19937_64& rng, const T (&arr)[N]) {
  return arr[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

Code RandomCode(std::mt19937_64& rng) {
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const uint16_t regs = static_cast<uint16_t>(uni(2, 8));
  const int n = uni(2, 24);  // instructions, the last a Return
  auto reg = [&] { return static_cast<uint8_t>(uni(0, regs - 1)); };
  std::vector<Instr> code;
  for (int i = 0; i + 1 < n; ++i) {
    Op op = Pick(rng, kGenOps);
    Instr in;
    switch (op) {
      case Op::LoadField:
        in = I(op, reg(), static_cast<uint16_t>(uni(0, kNumSlots - 1)));
        break;
      case Op::LoadConst:
        in = I(op, reg(), Pick(rng, kLoadable));
        break;
      case Op::Move:
      case Op::Not:
      case Op::Exists:
      case Op::Len:
      case Op::Neg:
        in = I(op, reg(), reg());
        break;
      case Op::InSet:
      case Op::InSetCI:
        in = I(op, reg(), reg(), Pick(rng, kSets));
        break;
      case Op::Match:
        in = I(op, reg(), reg(), Pick(rng, kRegexes));
        break;
      case Op::InCidr:
        in = I(op, reg(), reg(), Pick(rng, kCidrs));
        break;
      case Op::Jump:
        in = I(op, 0, static_cast<uint16_t>(uni(i + 1, n - 1)));
        break;
      case Op::JumpIfFalse:
      case Op::JumpIfTrue:
        in = I(op, reg(), static_cast<uint16_t>(uni(i + 1, n - 1)));
        break;
      default:
        in = I(op, reg(), reg(), reg());
        break;
    }
    code.push_back(in);
  }
  code.push_back(I(Op::Return, reg()));
  return MakeCode(std::move(code), regs);
}

std::string RandomEvent(std::mt19937_64& rng) {
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto coin = [&] { return uni(0, 2) != 0; };
  const char* strings[] = {"snapshot.create", "Snapshot.Create", "snap", "a", "b", "", "alice",
                           "ALICE", "snapshot.delete", "5", "x"};
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
  if (coin()) {
    parts.push_back("\"raw\":{\"items\":[" + scalar() + "," + scalar() + "],\"x\":" + scalar() +
                    "}");
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
    std::vector<JitPredicate> fns;
    for (const Rule& r : pack->program().rules) {
      std::string why;
      JitPredicate fn = jit->Compile(r.pred, *pack, &why);
      REQUIRE_MESSAGE(static_cast<bool>(fn), why);
      fns.push_back(fn);
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
          FAIL_CHECK("pack ", p, " rule ", r, " event ", json, ": jit ", got, " interpreter ",
                     want, "\n", Disassemble(code, pack->program()));
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

// ------------------------------------------------------------ engine ------

TEST_CASE("jit: the engine's jit option gives the same alerts") {
  // One rule the JIT compiles and one it does not (Lower): both must fire.
  Code jitted = MakeCode({I(Op::LoadField, 0, kAction), I(Op::LoadConst, 1, 0),
                          I(Op::Eq, 2, 0, 1), I(Op::Return, 2)},
                         3);
  Code lowered = MakeCode({I(Op::LoadField, 0, kActor), I(Op::Lower, 1, 0),
                           I(Op::LoadConst, 2, 1), I(Op::Eq, 3, 1, 2), I(Op::Return, 3)},
                          4);
  std::string error;
  auto pack = LoadedPack::Load(
      MakeProgram({KStr("snapshot.create"), KStr("alice")},
                  {MatchRule("snap", jitted), MatchRule("alice", lowered)}),
      &error);
  REQUIRE_MESSAGE(pack, error);
  auto run = [&](bool jit, std::vector<std::string>* warnings) {
    std::vector<std::string> alerts;
    EngineOptions options;
    options.jit = jit;
    options.on_warning = [&](const std::string& w) { warnings->push_back(w); };
    Engine engine(*pack, options, [&](const Alert& a) { alerts.push_back(a.json); });
    for (const char* body :
         {R"("action":"snapshot.create","actor":{"user":{"uid":"x"}})",
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
  REQUIRE(w_jit.size() == 1);
  if (JitAvailable()) {
    CHECK(w_jit[0].find("1 of 2 predicates stay on the interpreter") != std::string::npos);
  } else {
    CHECK(w_jit[0].find("unavailable") != std::string::npos);
  }
}

// ------------------------------------------------------------- bench ------

TEST_CASE("jit bench: interpreter vs jit on predicate-heavy rules" * doctest::skip()) {
  auto jit = MakeJit();
  if (!jit) return;
  // 200 rules shaped like compiled detections: action in set and/or
  // operation/actor equality, numeric guard; short-circuit jumps.
  std::vector<Rule> rules;
  for (int r = 0; r < 200; ++r) {
    std::vector<Instr> code = {
        I(Op::LoadField, 0, kAction),                                  // 0
        I(Op::InSet, 1, 0, 7),                                         // 1
        I(Op::JumpIfTrue, 1, 7),                                       // 2
        I(Op::LoadField, 2, kOp),                                      // 3
        I(Op::LoadConst, 3, static_cast<uint16_t>(r % 2 ? 0 : 14)),    // 4
        I(Op::StartsWith, 1, 2, 3),                                    // 5
        I(Op::JumpIfFalse, 1, 13),                                     // 6
        I(Op::LoadField, 5, kNum),                                     // 7
        I(Op::LoadConst, 6, 2),                                        // 8
        I(Op::Ge, 1, 5, 6),                                            // 9
        I(Op::JumpIfTrue, 1, 13),                                      // 10
        I(Op::LoadField, 0, kActor),                                   // 11
        I(Op::EqCI, 1, 0, 3),                                          // 12
        I(Op::Return, 1),                                              // 13
    };
    rules.push_back(MatchRule("b" + std::to_string(r), MakeCode(code, 7)));
  }
  std::string error;
  auto pack = LoadedPack::Load(MakeProgram(PoolConsts(), rules), &error);
  REQUIRE_MESSAGE(pack, error);
  std::vector<JitPredicate> fns;
  for (const Rule& r : pack->program().rules) {
    std::string why;
    fns.push_back(jit->Compile(r.pred, *pack, &why));
    REQUIRE_MESSAGE(static_cast<bool>(fns.back()), why);
  }
  std::mt19937_64 rng(7);
  std::vector<std::string> jsons;
  for (int i = 0; i < 64; ++i) jsons.push_back(RandomEvent(rng));
  std::vector<Event> events(jsons.size());
  // Events stay valid until the next Read on their reader: one reader each.
  std::vector<std::unique_ptr<EventReader>> owned;
  for (size_t i = 0; i < jsons.size(); ++i) {
    owned.push_back(std::make_unique<EventReader>(pack->program()));
    REQUIRE(owned.back()->Read(jsons[i], &events[i], &error));
  }
  Interpreter vm(*pack);
  const auto& prog_rules = pack->program().rules;
  constexpr int kRounds = 300;
  auto time = [&](auto&& eval) {
    uint64_t hits = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (int round = 0; round < kRounds; ++round) {
      for (const Event& e : events) {
        for (size_t r = 0; r < prog_rules.size(); ++r) hits += eval(r, e);
      }
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return std::make_pair(s, hits);
  };
  auto [ti, hi] = time([&](size_t r, const Event& e) { return vm.Run(prog_rules[r].pred, e); });
  auto [tj, hj] = time([&](size_t r, const Event& e) { return RunJit(fns[r], e); });
  CHECK(hi == hj);
  const double evals = double(kRounds) * events.size() * prog_rules.size();
  std::printf("jit bench: %.0f predicate evals, %llu true; interpreter %.1f ns/eval, jit %.1f "
              "ns/eval, speedup %.2fx\n",
              evals, static_cast<unsigned long long>(hi), ti / evals * 1e9, tj / evals * 1e9,
              ti / tj);
}

}  // namespace
}  // namespace rdl::test
