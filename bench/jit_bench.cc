// jit_bench: the predicate interpreter vs the LLVM JIT tier (runtime/jit/) on
// an evaluation-bound workload, in one run.
//
//   jit_bench [--rules N] [--reps N] [--seed N] [--no-engine] [--compile-each] [INPUT...]
//
// 1. Reads INPUT (default: the repository's samples/demo raw logs) through
//    the ingest layer into normalized events, and parses each one once into
//    an Event (one EventReader per event: an Event views its reader's
//    document), before any timing.
// 2. Generates N (default 500) predicate-heavy match rules deterministically
//    (--seed), as the compiler would emit them: string equality and
//    inequality, `in` lists (also case-insensitive), =~, startswith /
//    endswith / contains, wildcards (the compiler's `like` regexes), regexes,
//    cidrmatch, numeric and time comparisons, exists, lower(), "any" over a
//    string list, nested and/or/not with short-circuit jumps. Constants are
//    drawn from the events' own values so rules do match.
//    Compiles every predicate with one JitCompiler::CompileAll (as the
//    engine does; --compile-each: one Compile per predicate, the old way)
//    and prints the compile time.
// 3. Times Interpreter::Run and the JIT'd functions over every rule's
//    predicate on every event (events outer, rules inner), --reps times each,
//    interleaved, and prints ns per predicate evaluation for each tier, the
//    ratio (best and median), and whether every result is identical (exit 1
//    if not).
// 4. Unless --no-engine: runs the Engine over the same events with
//    jit=false and jit=true and compares the alerts (exit 1 if they differ).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "rdl/program.h"
#include "runtime/engine/engine.h"
#include "runtime/ingest/ingest.h"
#include "runtime/jit/jit.h"
#include "runtime/vm/event.h"
#include "runtime/vm/interpreter.h"
#include "runtime/vm/loaded_pack.h"

#ifndef RDL_SOURCE_DIR
#define RDL_SOURCE_DIR "."
#endif

namespace {

using namespace rdl;
using Clock = std::chrono::steady_clock;

// ------------------------------------------------------------- fields ----

enum FieldId : uint16_t {
  kTime,
  kUid,
  kAction,
  kOperation,
  kActorUid,
  kActorType,
  kActorName,
  kIp,
  kRegion,
  kProvider,
  kAccount,
  kStatus,
  kResUids,
  kResType,
  kUserAgent,
  kService,
  kQuota,
  kNumFields,
};

std::vector<Field> Fields() {
  return {
      {{"time"}, FieldType::kTime},
      {{"metadata", "uid"}, FieldType::kString},
      {{"action"}, FieldType::kString},
      {{"api", "operation"}, FieldType::kString},
      {{"actor", "user", "uid"}, FieldType::kString},
      {{"actor", "user", "type"}, FieldType::kString},
      {{"actor", "user", "name"}, FieldType::kString},
      {{"src_endpoint", "ip"}, FieldType::kIp},
      {{"cloud", "region"}, FieldType::kString},
      {{"cloud", "provider"}, FieldType::kString},
      {{"cloud", "account", "uid"}, FieldType::kString},
      {{"status"}, FieldType::kString},
      {{"resources", "uid"}, FieldType::kStringList},
      {{"resource", "type"}, FieldType::kString},
      {{"http_request", "user_agent"}, FieldType::kString},
      {{"api", "service", "name"}, FieldType::kString},
      {{"quota", "value"}, FieldType::kFloat},
  };
}

const uint16_t kStringFields[] = {kAction,    kOperation, kActorUid, kActorType, kActorName,
                                  kRegion,    kProvider,  kAccount,  kStatus,    kResType,
                                  kUserAgent, kService,   kResUids};

// --------------------------------------------------------- generation ----

// An expression tree, compiled the way compiler/codegen does: the result in
// R0, operands in R1; `and`/`or` jump over the rest on the deciding value.
struct Node {
  enum Kind { kAtom, kAnd, kOr, kNot } kind = kAtom;
  std::vector<Instr> atom;  // leaves R[0]
  std::vector<Node> kids;
};

Instr I(Op op, uint8_t a = 0, uint16_t b = 0, uint16_t c = 0) {
  Instr in;
  in.op = op;
  in.a = a;
  in.b = b;
  in.c = c;
  return in;
}

std::string QuoteMeta(const std::string& s) {
  std::string out;
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '_' && u < 0x80) out += '\\';
    out += c;
  }
  return out;
}

class Generator {
 public:
  Generator(uint64_t seed, std::map<uint16_t, std::vector<std::string>> vocab)
      : rng_(seed), vocab_(std::move(vocab)) {}

  Program Make(int num_rules) {
    Program p;
    p.fields = Fields();
    p.time_slot = kTime;
    p.uid_slot = kUid;
    for (int r = 0; r < num_rules; ++r) {
      Node root = Tree(0);
      std::vector<Instr> code;
      Emit(root, &code);
      code.push_back(I(Op::Return, 0));
      Thread(&code);
      Rule rule;
      rule.name = "bench_" + std::to_string(r);
      rule.kind = RuleKind::kMatch;
      rule.pred.instrs = std::move(code);
      rule.pred.num_regs = 2;
      p.rules.push_back(std::move(rule));
    }
    p.consts = std::move(consts_);
    return p;
  }

 private:
  int Uni(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Uni(0, static_cast<int>(v.size()) - 1)];
  }

  uint16_t Const(Constant k) {
    consts_.push_back(std::move(k));
    return static_cast<uint16_t>(consts_.size() - 1);
  }
  uint16_t Str(const std::string& s, ConstKind kind = ConstKind::kString) {
    Constant k;
    k.kind = kind;
    k.s = s;
    return Const(std::move(k));
  }
  uint16_t Set(std::vector<std::string> members) {
    Constant k;
    k.kind = ConstKind::kStringSet;
    k.set = std::move(members);
    return Const(std::move(k));
  }
  uint16_t Int(int64_t i) {
    Constant k;
    k.kind = ConstKind::kInt;
    k.i = i;
    return Const(std::move(k));
  }

  uint16_t StringField() {
    const uint16_t f = kStringFields[Uni(0, std::size(kStringFields) - 1)];
    return vocab_[f].empty() ? static_cast<uint16_t>(kAction) : f;
  }
  // A value of field f seen in the events (mostly), or one that is not.
  std::string Value(uint16_t f) {
    const auto& v = vocab_[f];
    if (v.empty() || Uni(0, 9) == 0) return "no-such-" + std::to_string(Uni(0, 999));
    return Pick(v);
  }
  std::string Piece(const std::string& s, int where) {  // 0 prefix, 1 suffix, 2 middle
    if (s.size() < 3) return s;
    const int len = Uni(2, std::min<int>(12, static_cast<int>(s.size()) - 1));
    if (where == 0) return s.substr(0, len);
    if (where == 1) return s.substr(s.size() - len);
    return s.substr(Uni(0, static_cast<int>(s.size()) - len), len);
  }
  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  Node Atom() {
    Node n;
    auto& c = n.atom;
    const uint16_t f = StringField();
    switch (Uni(0, 19)) {
      case 0:
      case 1:
      case 2:  // f == "v"
        c = {I(Op::LoadField, 0, f), I(Op::LoadConst, 1, Str(Value(f))), I(Op::Eq, 0, 0, 1)};
        break;
      case 3:  // f != "v"
        c = {I(Op::LoadField, 0, f), I(Op::LoadConst, 1, Str(Value(f))), I(Op::Ne, 0, 0, 1)};
        break;
      case 4:
      case 5:
      case 6: {  // f in [...]
        std::vector<std::string> m;
        for (int i = Uni(2, 10); i > 0; --i) m.push_back(Value(f));
        c = {I(Op::LoadField, 0, f), I(Op::InSet, 0, 0, Set(m))};
        break;
      }
      case 7: {  // f in~ [...]
        std::vector<std::string> m;
        for (int i = Uni(2, 6); i > 0; --i) m.push_back(Lower(Value(f)));
        c = {I(Op::LoadField, 0, f), I(Op::InSetCI, 0, 0, Set(m))};
        break;
      }
      case 8:  // f =~ "V"
        c = {I(Op::LoadField, 0, f), I(Op::LoadConst, 1, Str(Value(f))), I(Op::EqCI, 0, 0, 1)};
        break;
      case 9:
      case 10: {  // startswith / endswith / contains
        const int where = Uni(0, 2);
        const Op op = where == 0 ? Op::StartsWith : where == 1 ? Op::EndsWith : Op::Contains;
        c = {I(Op::LoadField, 0, f), I(Op::LoadConst, 1, Str(Piece(Value(f), where))),
             I(op, 0, 0, 1)};
        break;
      }
      case 11:
      case 12: {  // f like "x*" / "*x" / "*x*" (compiler/sema GlobToRegex)
        const int where = Uni(0, 2);
        const std::string lit = QuoteMeta(Piece(Value(f), where));
        const std::string re = where == 0   ? "(?s)^" + lit + ".*$"
                               : where == 1 ? "(?s)^.*" + lit + "$"
                                            : "(?s)^.*" + lit + ".*$";
        c = {I(Op::LoadField, 0, f), I(Op::Match, 0, 0, Str(re, ConstKind::kRegex))};
        break;
      }
      case 13: {  // a real regex
        static const char* const kRegexes[] = {
            "^(Create|Delete|Modify)[A-Z][A-Za-z]+$", "(?i)snapshot",
            "^arn:aws:iam::[0-9]{12}:", "/(write|delete|action)$", "[0-9]+\\.[0-9]+\\.[0-9]+"};
        c = {I(Op::LoadField, 0, Uni(0, 1) ? static_cast<uint16_t>(kOperation) : f),
             I(Op::Match, 0, 0, Str(kRegexes[Uni(0, 4)], ConstKind::kRegex))};
        break;
      }
      case 14: {  // cidrmatch
        static const char* const kNets[] = {"10.0.0.0/8",      "192.168.0.0/16", "203.0.113.0/24",
                                            "198.51.100.0/24", "2001:db8::/32",  "172.16.0.0/12"};
        c = {I(Op::LoadField, 0, kIp),
             I(Op::InCidr, 0, 0, Str(kNets[Uni(0, 5)], ConstKind::kCidr))};
        break;
      }
      case 15: {  // quota.value > N, time >= T
        if (Uni(0, 1)) {
          c = {I(Op::LoadField, 0, kQuota), I(Op::LoadConst, 1, Int(Uni(0, 500))),
               I(Uni(0, 1) ? Op::Gt : Op::Le, 0, 0, 1)};
        } else {
          // 2026-01-14T00:00:00Z +- a day
          const int64_t t = 1768348800LL * 1000000000 + int64_t{Uni(-24, 24)} * 3600 * 1000000000;
          c = {I(Op::LoadField, 0, kTime), I(Op::LoadConst, 1, Int(t)),
               I(Uni(0, 1) ? Op::Ge : Op::Lt, 0, 0, 1)};
        }
        break;
      }
      case 16:  // exists(f)
        c = {I(Op::LoadField, 0, f), I(Op::Exists, 0, 0)};
        break;
      case 17:  // lower(f) == "v"
        c = {I(Op::LoadField, 0, f), I(Op::Lower, 0, 0), I(Op::LoadConst, 1, Str(Lower(Value(f)))),
             I(Op::Eq, 0, 0, 1)};
        break;
      case 18:  // resources.uid == "v" (any element)
        c = {I(Op::LoadField, 0, kResUids), I(Op::LoadConst, 1, Str(Value(kResUids))),
             I(Op::Eq, 0, 0, 1)};
        break;
      default:  // action in [...] (the compiler's routing favorite)
        std::vector<std::string> m;
        for (int i = Uni(1, 4); i > 0; --i) m.push_back(Value(kAction));
        c = {I(Op::LoadField, 0, kAction), I(Op::InSet, 0, 0, Set(m))};
        break;
    }
    return n;
  }

  Node Tree(int depth) {
    if (depth >= 3 || (depth > 0 && Uni(0, 2) == 0)) {
      Node a = Atom();
      if (Uni(0, 9) == 0) {
        Node n;
        n.kind = Node::kNot;
        n.kids.push_back(std::move(a));
        return n;
      }
      return a;
    }
    Node n;
    n.kind = depth == 0 || Uni(0, 2) ? Node::kAnd : Node::kOr;
    for (int i = Uni(2, 4); i > 0; --i) n.kids.push_back(Tree(depth + 1));
    return n;
  }

  static void Emit(const Node& n, std::vector<Instr>* code) {
    switch (n.kind) {
      case Node::kAtom:
        code->insert(code->end(), n.atom.begin(), n.atom.end());
        return;
      case Node::kNot:
        Emit(n.kids[0], code);
        code->push_back(I(Op::Not, 0, 0));
        return;
      case Node::kAnd:
      case Node::kOr: {
        std::vector<size_t> jumps;
        for (size_t i = 0; i < n.kids.size(); ++i) {
          Emit(n.kids[i], code);
          if (i + 1 < n.kids.size()) {
            jumps.push_back(code->size());
            code->push_back(I(n.kind == Node::kAnd ? Op::JumpIfFalse : Op::JumpIfTrue, 0, 0));
          }
        }
        for (size_t j : jumps) (*code)[j].b = static_cast<uint16_t>(code->size());
        return;
      }
    }
  }

  // Jump threading, as the compiler does: a conditional jump on R0 landing
  // on another conditional jump on R0 goes straight to where that one goes.
  static void Thread(std::vector<Instr>* code) {
    for (bool changed = true; changed;) {
      changed = false;
      for (Instr& in : *code) {
        if (in.op != Op::JumpIfFalse && in.op != Op::JumpIfTrue) continue;
        const Instr& to = (*code)[in.b];
        if (to.op != Op::JumpIfFalse && to.op != Op::JumpIfTrue) continue;
        const uint16_t next = to.op == in.op ? to.b : static_cast<uint16_t>(in.b + 1);
        if (next != in.b) {
          in.b = next;
          changed = true;
        }
      }
    }
  }

  std::mt19937_64 rng_;
  std::map<uint16_t, std::vector<std::string>> vocab_;
  std::vector<Constant> consts_;
};

// ---------------------------------------------------------------- main ----

struct Timing {
  std::vector<double> ns;  // per rep, ns per evaluation
  double Best() const { return *std::min_element(ns.begin(), ns.end()); }
  double Median() const {
    std::vector<double> v = ns;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  }
};

int Usage() {
  std::fprintf(stderr,
               "usage: jit_bench [--rules N] [--reps N] [--seed N] [--no-engine] [--compile-each] "
               "[INPUT...]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int num_rules = 500, reps = 7;
  uint64_t seed = 5;
  bool engine = true;
  bool compile_each = false;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--rules" && i + 1 < argc) {
      num_rules = std::atoi(argv[++i]);
    } else if (a == "--reps" && i + 1 < argc) {
      reps = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--seed" && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--no-engine") {
      engine = false;
    } else if (a == "--compile-each") {
      compile_each = true;
    } else if (a.starts_with("--")) {
      return Usage();
    } else {
      inputs.push_back(a);
    }
  }
  if (inputs.empty()) inputs.push_back(std::string(RDL_SOURCE_DIR) + "/samples/demo");

  // 1. Normalized events, in memory.
  std::vector<std::string> jsons;
  IngestOptions ingest;
  IngestStats stats;
  ReadInputs(
      inputs, ingest,
      [&](std::string_view json, const RecordLocation&) { jsons.emplace_back(json); },
      [&](const std::string&) {}, &stats);
  if (jsons.empty()) {
    std::fprintf(stderr, "jit_bench: no events in the inputs\n");
    return 2;
  }

  // Values per string field, for constants that match.
  std::map<uint16_t, std::vector<std::string>> vocab;
  {
    Program p;
    p.fields = Fields();
    p.time_slot = kTime;
    p.uid_slot = kUid;
    std::string error;
    EventReader reader(p);
    Event ev;
    std::map<uint16_t, std::set<std::string>> seen;
    for (const std::string& j : jsons) {
      if (!reader.Read(j, &ev, &error)) continue;
      for (uint16_t f : kStringFields) {
        const rdl::Value& v = ev.slot(f);
        if (v.tag == rdl::Value::Tag::kString) seen[f].emplace(v.str());
        if (v.tag == rdl::Value::Tag::kList) {
          for (uint32_t k = 0; k < v.list.n; ++k) {
            if (v.list.p[k].is_string()) seen[f].emplace(v.list.p[k].str());
          }
        }
      }
    }
    for (auto& [f, s] : seen) vocab[f].assign(s.begin(), s.end());
  }

  // 2. Rules.
  std::string error;
  Generator gen(seed, vocab);
  auto pack = LoadedPack::Load(gen.Make(num_rules), &error);
  if (!pack) {
    std::fprintf(stderr, "jit_bench: generated program rejected: %s\n", error.c_str());
    return 2;
  }
  const std::vector<Rule>& rules = pack->program().rules;
  size_t instrs = 0;
  for (const Rule& r : rules) instrs += r.pred.instrs.size();

  // Events, parsed once (one reader each: an Event views its reader's document).
  std::vector<std::unique_ptr<EventReader>> readers;
  std::vector<Event> events;
  events.reserve(jsons.size());
  for (const std::string& j : jsons) {
    auto reader = std::make_unique<EventReader>(pack->program());
    Event ev;
    if (!reader->Read(j, &ev, &error)) continue;
    readers.push_back(std::move(reader));
    events.push_back(std::move(ev));
  }

  auto jit = JitCompiler::Create(&error);
  if (!jit) {
    std::fprintf(stderr, "jit_bench: JIT unavailable: %s\n", error.c_str());
    return 2;
  }
  const auto c0 = Clock::now();
  std::vector<JitPredicate> fns;
  std::vector<std::string> whys(rules.size());
  if (compile_each) {
    for (size_t i = 0; i < rules.size(); ++i) {
      fns.push_back(jit->Compile(rules[i].pred, *pack, &whys[i]));
    }
  } else {
    std::vector<const Code*> codes;
    for (const Rule& r : rules) codes.push_back(&r.pred);
    fns = jit->CompileAll(codes, *pack, &whys);
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    if (!fns[i]) {
      std::fprintf(stderr, "jit_bench: rule %s not compiled: %s\n", rules[i].name.c_str(),
                   whys[i].c_str());
      return 1;
    }
  }
  const double compile_s = std::chrono::duration<double>(Clock::now() - c0).count();

  std::printf(
      "jit_bench: %zu events (%zu inputs), %zu rules (%zu instructions, %.1f per predicate), "
      "JIT compile (%s) %.2f s (%.2f ms per predicate)\n",
      events.size(), inputs.size(), rules.size(), instrs, double(instrs) / rules.size(),
      compile_each ? "Compile each" : "CompileAll", compile_s, compile_s * 1e3 / rules.size());

  // 3. Timing, interpreter and JIT interleaved.
  Interpreter vm(*pack);
  const double evals = double(events.size()) * rules.size();
  std::vector<uint8_t> want(events.size() * rules.size()), got(want.size());
  Timing ti, tj;
  uint64_t trues = 0;
  bool same = true;
  for (int rep = 0; rep < reps; ++rep) {
    auto t0 = Clock::now();
    size_t k = 0;
    for (const Event& e : events) {
      for (const Rule& r : rules) want[k++] = vm.Run(r.pred, e);
    }
    auto t1 = Clock::now();
    k = 0;
    for (const Event& e : events) {
      for (JitPredicate fn : fns) got[k++] = RunJit(fn, e);
    }
    auto t2 = Clock::now();
    ti.ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / evals);
    tj.ns.push_back(std::chrono::duration<double, std::nano>(t2 - t1).count() / evals);
    if (got != want) same = false;
    std::printf("  rep %d: interpreter %6.1f ns/eval   jit %6.1f ns/eval   ratio %.2fx\n", rep + 1,
                ti.ns.back(), tj.ns.back(), ti.ns.back() / tj.ns.back());
  }
  trues = static_cast<uint64_t>(std::count(want.begin(), want.end(), 1));
  std::printf("predicates: %.0f evaluations per rep, %llu true (%.2f%%)\n", evals,
              static_cast<unsigned long long>(trues), 100.0 * trues / evals);
  std::printf("interpreter: best %.1f ns/eval, median %.1f\n", ti.Best(), ti.Median());
  std::printf("jit:         best %.1f ns/eval, median %.1f\n", tj.Best(), tj.Median());
  std::printf("ratio (interpreter/jit): best %.2fx, median %.2fx\n", ti.Best() / tj.Best(),
              ti.Median() / tj.Median());
  std::printf("results identical: %s\n", same ? "yes" : "NO");
  if (!same) {
    size_t k = 0;
    for (size_t e = 0; e < events.size(); ++e) {
      for (size_t r = 0; r < rules.size(); ++r, ++k) {
        if (want[k] != got[k]) {
          std::fprintf(stderr, "mismatch: rule %s event %zu: interpreter %d jit %d\n%s\n",
                       rules[r].name.c_str(), e, want[k], got[k],
                       Disassemble(rules[r].pred, pack->program()).c_str());
          return 1;
        }
      }
    }
    return 1;
  }

  // 4. End to end: the engine with and without the JIT.
  if (engine) {
    auto run = [&](bool use_jit, double* seconds, std::vector<std::string>* warnings) {
      std::vector<std::string> alerts;
      EngineOptions options;
      options.jit = use_jit;
      options.jit_background = false;  // measure native code, not the race to compile it
      options.lateness_ns = 30LL * 24 * 3600 * 1000000000;  // the demo interleaves providers
      options.on_warning = [&](const std::string& w) { warnings->push_back(w); };
      Engine eng(*pack, options, [&](const Alert& a) { alerts.push_back(a.json); });
      std::string err;
      const auto t0 = Clock::now();
      for (const std::string& j : jsons) eng.Push(j, &err);
      eng.Finish();
      *seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      return alerts;
    };
    double si = 0, sj = 0;
    std::vector<std::string> wi, wj;
    auto ai = run(false, &si, &wi);
    auto aj = run(true, &sj, &wj);  // compiles in the constructor, before the clock
    for (const std::string& w : wj) std::printf("engine warning (jit): %s\n", w.c_str());
    std::printf(
        "engine end to end (parse + route + eval + alerts; JIT compile not included): "
        "interpreter %.3f s, jit %.3f s; alerts %zu vs %zu, identical: %s\n",
        si, sj, ai.size(), aj.size(), ai == aj ? "yes" : "NO");
    if (ai != aj) return 1;
  }
  return 0;
}
