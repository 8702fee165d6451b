// Helpers shared by the VM tests: a standard field table, constant and
// instruction builders, and a harness that loads a one-rule program, reads
// one event and runs a code block.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "rdl/program.h"
#include "runtime/format/pack.h"
#include "runtime/vm/event.h"
#include "runtime/vm/interpreter.h"
#include "runtime/vm/loaded_pack.h"

namespace rdl::test {

// The field slots every VM test program has, in this order.
enum Slot : uint16_t {
  kTime = 0,     // time (kTime)
  kUid = 1,      // metadata.uid
  kAction = 2,   // action
  kIp = 3,       // src_endpoint.ip (kIp)
  kResUids = 4,  // resources.uid (kStringList)
  kRaw = 5,      // raw (kJson)
  kQuota = 6,    // quota.value (kFloat)
  kShare = 7,    // share.accounts (kStringList)
  kItems = 8,    // raw.items (kJson)
  kNum = 9,      // num (kInt)
  kActor = 10,   // actor.user.uid
  kOp = 11,      // api.operation
  kNumSlots = 12,
};

inline std::vector<Field> StandardFields() {
  return {
      {{"time"}, FieldType::kTime},
      {{"metadata", "uid"}, FieldType::kString},
      {{"action"}, FieldType::kString},
      {{"src_endpoint", "ip"}, FieldType::kIp},
      {{"resources", "uid"}, FieldType::kStringList},
      {{"raw"}, FieldType::kJson},
      {{"quota", "value"}, FieldType::kFloat},
      {{"share", "accounts"}, FieldType::kStringList},
      {{"raw", "items"}, FieldType::kJson},
      {{"num"}, FieldType::kInt},
      {{"actor", "user", "uid"}, FieldType::kString},
      {{"api", "operation"}, FieldType::kString},
  };
}

inline Constant KNull() { return Constant{}; }
inline Constant KBool(bool b) {
  Constant k;
  k.kind = ConstKind::kBool;
  k.b = b;
  return k;
}
inline Constant KInt(int64_t i) {
  Constant k;
  k.kind = ConstKind::kInt;
  k.i = i;
  return k;
}
inline Constant KFloat(double f) {
  Constant k;
  k.kind = ConstKind::kFloat;
  k.f = f;
  return k;
}
inline Constant KStr(std::string s, ConstKind kind = ConstKind::kString) {
  Constant k;
  k.kind = kind;
  k.s = std::move(s);
  return k;
}
inline Constant KRegex(std::string s) { return KStr(std::move(s), ConstKind::kRegex); }
inline Constant KCidr(std::string s) { return KStr(std::move(s), ConstKind::kCidr); }
inline Constant KSet(std::vector<std::string> members, ConstKind kind = ConstKind::kStringSet) {
  Constant k;
  k.kind = kind;
  k.set = std::move(members);
  return k;
}
inline Constant KPath(std::vector<std::string> segments) {
  return KSet(std::move(segments), ConstKind::kPath);
}

inline Instr I(Op op, uint8_t a = 0, uint16_t b = 0, uint16_t c = 0) {
  Instr in;
  in.op = op;
  in.a = a;
  in.b = b;
  in.c = c;
  return in;
}

inline Code MakeCode(std::vector<Instr> instrs, uint16_t num_regs) {
  Code c;
  c.instrs = std::move(instrs);
  c.num_regs = num_regs;
  return c;
}

// A match rule whose predicate is `pred`.
inline Rule MatchRule(std::string name, Code pred) {
  Rule r;
  r.name = std::move(name);
  r.kind = RuleKind::kMatch;
  r.pred = std::move(pred);
  return r;
}

// A program over the standard fields with `consts` and `rules`.
inline Program MakeProgram(std::vector<Constant> consts, std::vector<Rule> rules) {
  Program p;
  p.fields = StandardFields();
  p.consts = std::move(consts);
  p.rules = std::move(rules);
  p.time_slot = kTime;
  p.uid_slot = kUid;
  return p;
}

// A two-stage sequence rule keyed by actor; stage 1's predicate is `pred1`.
// Stage captures: uid, time, action, resources.uid.
inline Rule SequenceRule(std::string name, Code pred1) {
  Rule r;
  r.name = std::move(name);
  r.kind = RuleKind::kSequence;
  r.within_ns = 3600LL * 1000000000;
  r.key_names = {"actor.user.uid"};
  Stage s0;
  s0.label = "first";
  s0.pred = MakeCode({I(Op::LoadField, 0, kAction), I(Op::Exists, 1, 0), I(Op::Return, 1)}, 2);
  s0.key_slots = {kActor};
  s0.captures = {kUid, kTime, kAction, kResUids};
  Stage s1 = s0;
  s1.label = "second";
  s1.pred = std::move(pred1);
  r.stages = {s0, s1};
  return r;
}

// Wraps a JSON object body with a time and a uid: Ev("\"action\":\"x\"").
inline std::string Ev(const std::string& body) {
  std::string out = R"({"time":"2026-01-05T10:00:00Z","metadata":{"uid":"e1"})";
  if (!body.empty()) out += "," + body;
  return out + "}";
}

}  // namespace rdl::test
