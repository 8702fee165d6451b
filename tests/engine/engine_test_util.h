// Helpers for the engine tests: hand-built Programs (a fixed field table,
// tiny predicate builders), normalized event lines, and a runner that pushes
// events through an Engine and summarizes the alerts.
#pragma once

#include <doctest/doctest.h>
#include <simdjson.h>

#include <memory>
#include <string>
#include <vector>

#include "rdl/program.h"
#include "runtime/engine/engine.h"
#include "runtime/vm/event.h"
#include "runtime/vm/loaded_pack.h"

namespace rdl::etest {

inline constexpr int64_t kSec = 1000000000LL;
inline constexpr int64_t kMin = 60 * kSec;
// 2026-01-05T10:00:00Z, the epoch of every test event (t = seconds after it).
inline constexpr int64_t kBase = 1767607200LL * kSec;

enum Slot : uint16_t {
  kTime = 0,     // time
  kUid = 1,      // metadata.uid
  kAction = 2,   // action
  kOp = 3,       // api.operation
  kActor = 4,    // actor.user.uid
  kRes = 5,      // resource.uid
  kResUids = 6,  // resources.uid (string_list)
  kSnap = 7,     // related.snapshot.uid
  kRegion = 8,   // cloud.region
  kStatus = 9,   // status
};

inline std::vector<Field> StandardFields() {
  return {
      {{"time"}, FieldType::kTime},
      {{"metadata", "uid"}, FieldType::kString},
      {{"action"}, FieldType::kString},
      {{"api", "operation"}, FieldType::kString},
      {{"actor", "user", "uid"}, FieldType::kString},
      {{"resource", "uid"}, FieldType::kString},
      {{"resources", "uid"}, FieldType::kStringList},
      {{"related", "snapshot", "uid"}, FieldType::kString},
      {{"cloud", "region"}, FieldType::kString},
      {{"status"}, FieldType::kString},
  };
}

// One operand of a comparison.
struct Term {
  enum Kind { kField, kStr, kRef } kind = kField;
  uint16_t slot = 0;
  std::string s;
  uint16_t stage = 0, cap = 0;
};
inline Term F(uint16_t slot) { return Term{Term::kField, slot, {}, 0, 0}; }
inline Term S(std::string s) { return Term{Term::kStr, 0, std::move(s), 0, 0}; }
inline Term Ref(uint16_t stage, uint16_t cap) { return Term{Term::kRef, 0, {}, stage, cap}; }

struct Cmp {
  Term lhs, rhs;
  bool negate = false;  // lhs != rhs (via Not(Eq), so missing != x is true)
};
inline Cmp Eq(Term a, Term b) { return Cmp{std::move(a), std::move(b), false}; }
inline Cmp NotEq(Term a, Term b) { return Cmp{std::move(a), std::move(b), true}; }

class ProgramBuilder {
 public:
  ProgramBuilder() {
    p_.fields = StandardFields();
    p_.time_slot = kTime;
    p_.uid_slot = kUid;
  }

  // A conjunction of comparisons (empty = true).
  Code All(const std::vector<Cmp>& cmps) {
    Code c;
    c.num_regs = 3;
    std::vector<size_t> jumps;
    if (cmps.empty()) {
      c.instrs.push_back(Instr{Op::LoadConst, 0, Const(TrueConst()), 0, 0});
    }
    for (size_t i = 0; i < cmps.size(); ++i) {
      Load(cmps[i].lhs, 1, &c);
      Load(cmps[i].rhs, 2, &c);
      c.instrs.push_back(Instr{Op::Eq, 0, 1, 2, 0});
      if (cmps[i].negate) c.instrs.push_back(Instr{Op::Not, 0, 0, 0, 0});
      if (i + 1 < cmps.size()) {
        jumps.push_back(c.instrs.size());
        c.instrs.push_back(Instr{Op::JumpIfFalse, 0, 0, 0, 0});
      }
    }
    const uint16_t end = static_cast<uint16_t>(c.instrs.size());
    for (size_t j : jumps) c.instrs[j].b = end;
    c.instrs.push_back(Instr{Op::Return, 0, 0, 0, 0});
    return c;
  }
  Code ActionIs(const std::string& a) { return All({Eq(F(kAction), S(a))}); }

  Program& program() { return p_; }

  Rule& AddRule(std::string name, RuleKind kind) {
    Rule r;
    r.name = std::move(name);
    r.kind = kind;
    p_.rules.push_back(std::move(r));
    return p_.rules.back();
  }

  // A stage capturing uid, time and then `extra` slots.
  static Stage MakeStage(std::string label, Code pred, std::vector<uint16_t> keys,
                         std::vector<uint16_t> extra = {}, bool absence = false) {
    Stage s;
    s.label = std::move(label);
    s.pred = std::move(pred);
    s.key_slots = std::move(keys);
    s.absence = absence;
    s.captures = {kUid, kTime};
    for (uint16_t x : extra) s.captures.push_back(x);
    return s;
  }

  // Fills key_names the verifier requires (the field paths) when a test left
  // them empty, then loads.
  std::unique_ptr<LoadedPack> Load() {
    for (Rule& r : p_.rules) {
      const std::vector<uint16_t>& keys =
          r.kind == RuleKind::kSequence && !r.stages.empty() ? r.stages[0].key_slots : r.by_slots;
      if (r.key_names.empty()) {
        for (uint16_t s : keys) {
          std::string name;
          for (const auto& seg : p_.fields[s].segments) name += (name.empty() ? "" : ".") + seg;
          r.key_names.push_back(name);
        }
      }
    }
    std::string error;
    auto pack = LoadedPack::Load(p_, &error);
    INFO(error);
    REQUIRE(pack != nullptr);
    return pack;
  }

 private:
  static Constant TrueConst() {
    Constant k;
    k.kind = ConstKind::kBool;
    k.b = true;
    return k;
  }
  uint16_t Const(Constant k) {
    for (size_t i = 0; i < p_.consts.size(); ++i) {
      if (p_.consts[i] == k) return static_cast<uint16_t>(i);
    }
    p_.consts.push_back(std::move(k));
    return static_cast<uint16_t>(p_.consts.size() - 1);
  }
  void Load(const Term& t, uint8_t reg, Code* c) {
    switch (t.kind) {
      case Term::kField:
        c->instrs.push_back(Instr{Op::LoadField, reg, t.slot, 0, 0});
        break;
      case Term::kStr: {
        Constant k;
        k.kind = ConstKind::kString;
        k.s = t.s;
        c->instrs.push_back(Instr{Op::LoadConst, reg, Const(k), 0, 0});
        break;
      }
      case Term::kRef:
        c->instrs.push_back(Instr{Op::LoadRef, reg, t.stage, t.cap, 0});
        break;
    }
  }

  Program p_;
};

// RFC 3339 with nanoseconds for kBase + ns.
inline std::string TimeText(int64_t ns_after_base) {
  int64_t ns = kBase + ns_after_base;
  std::string s = FormatTime(ns - ns % kSec);  // "...:SSZ"
  s.pop_back();
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%09lld", static_cast<long long>(ns % kSec));
  return s + frac + "Z";
}

// A normalized event at kBase + ns with the given uid, action and extra
// top-level members (`"resource":{"uid":"i-1"}`).
inline std::string EvNs(int64_t ns, const std::string& uid, const std::string& action,
                        const std::string& extra = "") {
  std::string j = "{\"time\":\"" + TimeText(ns) + "\",\"metadata\":{\"uid\":\"" + uid +
                  "\"},\"action\":\"" + action + "\"";
  if (!extra.empty()) j += "," + extra;
  return j + "}";
}
inline std::string Ev(int64_t sec, const std::string& uid, const std::string& action,
                      const std::string& extra = "") {
  return EvNs(sec * kSec, uid, action, extra);
}
inline std::string Res(const std::string& uid) { return "\"resource\":{\"uid\":\"" + uid + "\"}"; }
inline std::string Actor(const std::string& uid) {
  return "\"actor\":{\"user\":{\"uid\":\"" + uid + "\"}}";
}

struct RunResult {
  std::vector<Alert> alerts;
  std::vector<std::string> summary;  // "rule [e1,e2] +t0s..+t1s"
  EngineCounters counters;
  std::vector<PartialInfo> partials;  // before Finish
};

// "rule [uids] +start..+end" with times in seconds after kBase (ns when not whole).
inline std::string Summarize(const Alert& a) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(a.json);
  std::string out = std::string(doc["rule"].get_string().value()) + " [";
  bool first = true;
  for (auto e : doc["events"].get_array()) {
    if (!first) out += ",";
    first = false;
    out += std::string(e.get_string().value());
  }
  out += "]";
  for (const char* f : {"time", "end_time"}) {
    int64_t ns = 0;
    REQUIRE(ParseTime(doc[f].get_string().value(), &ns));
    int64_t d = ns - kBase;
    out += std::string(f[0] == 't' ? " +" : "..+") +
           (d % kSec == 0 ? std::to_string(d / kSec) + "s" : std::to_string(d) + "ns");
  }
  return out;
}

inline RunResult Run(const LoadedPack& pack, const std::vector<std::string>& events,
                     EngineOptions options = {}, bool finish = true) {
  RunResult r;
  Engine engine(pack, std::move(options), [&](const Alert& a) { r.alerts.push_back(a); });
  for (const std::string& e : events) {
    std::string error;
    engine.Push(e, &error);
  }
  r.partials = engine.ListPartials();
  if (finish) engine.Finish();
  for (const Alert& a : r.alerts) r.summary.push_back(Summarize(a));
  r.counters = engine.counters();
  return r;
}

inline EngineOptions Lateness(int64_t ns) {
  EngineOptions o;
  o.lateness_ns = ns;
  return o;
}

using Strings = std::vector<std::string>;

}  // namespace rdl::etest
