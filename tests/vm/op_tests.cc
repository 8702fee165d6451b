// Per-opcode interpreter tests: one table of small programs, each run over
// one event, plus a meta test that fails when an opcode has no case
// expecting true and no case expecting false (so every opcode has a test
// that can fail).
#include <climits>
#include <set>

#include "tests/vm/vm_test_util.h"

namespace rdl::test {
namespace {

struct OpCase {
  const char* name;
  Op op;  // the opcode under test
  std::vector<Constant> consts;
  std::vector<Instr> code;
  uint16_t num_regs;
  std::string body;  // event body, wrapped by Ev()
  bool expect;
  bool in_stage = false;   // run as stage 1 of a sequence, with refs
  bool null_refs = false;  // ... but pass no refs
};

// Shapes of the common cases.
// field <op> K0
std::vector<Instr> FC(Op op, uint16_t slot) {
  return {I(Op::LoadField, 0, slot), I(Op::LoadConst, 1, 0), I(op, 2, 0, 1), I(Op::Return, 2)};
}
// field1 <op> field2
std::vector<Instr> FF(Op op, uint16_t s1, uint16_t s2) {
  return {I(Op::LoadField, 0, s1), I(Op::LoadField, 1, s2), I(op, 2, 0, 1), I(Op::Return, 2)};
}
// K0 <op> K1
std::vector<Instr> CC(Op op) {
  return {I(Op::LoadConst, 0, 0), I(Op::LoadConst, 1, 1), I(op, 2, 0, 1), I(Op::Return, 2)};
}
// (K0 <op> K1) == K2
std::vector<Instr> CCv(Op op) {
  return {I(Op::LoadConst, 0, 0), I(Op::LoadConst, 1, 1), I(op, 2, 0, 1),
          I(Op::LoadConst, 3, 2), I(Op::Eq, 4, 2, 3),     I(Op::Return, 4)};
}
// exists(K0 <op> K1)
std::vector<Instr> CCx(Op op) {
  return {I(Op::LoadConst, 0, 0), I(Op::LoadConst, 1, 1), I(op, 2, 0, 1), I(Op::Exists, 3, 2),
          I(Op::Return, 3)};
}
// field <op> constant-operand K0 (InSet, Match, InCidr...)
std::vector<Instr> FK(Op op, uint16_t slot) {
  return {I(Op::LoadField, 0, slot), I(op, 1, 0, 0), I(Op::Return, 1)};
}
// <op>(field)
std::vector<Instr> F1(Op op, uint16_t slot) {
  return {I(Op::LoadField, 0, slot), I(op, 1, 0), I(Op::Return, 1)};
}
// <op>(field) == K0
std::vector<Instr> F1v(Op op, uint16_t slot) {
  return {I(Op::LoadField, 0, slot), I(op, 1, 0), I(Op::LoadConst, 2, 0), I(Op::Eq, 3, 1, 2),
          I(Op::Return, 3)};
}
// <op>(K0) == K1
std::vector<Instr> C1v(Op op) {
  return {I(Op::LoadConst, 0, 0), I(op, 1, 0), I(Op::LoadConst, 2, 1), I(Op::Eq, 3, 1, 2),
          I(Op::Return, 3)};
}
// exists(<op>(field))
std::vector<Instr> F1x(Op op, uint16_t slot) {
  return {I(Op::LoadField, 0, slot), I(op, 1, 0), I(Op::Exists, 2, 1), I(Op::Return, 2)};
}

// any x in raw.items: x.group == K1  (K0 is the path "group", K2 false)
std::vector<Instr> AnyItemGroup() {
  return {
      I(Op::LoadField, 0, kItems),  // 0
      I(Op::LoadConst, 5, 1),       // 1
      I(Op::IterInit, 1, 0),        // 2  R1 list, R2 index
      I(Op::IterNext, 1, 8, 3),     // 3  exhausted -> 8
      I(Op::GetPath, 4, 3, 0),      // 4
      I(Op::Eq, 6, 4, 5),           // 5
      I(Op::JumpIfTrue, 6, 9),      // 6
      I(Op::Jump, 0, 3),            // 7  back onto IterNext
      I(Op::LoadConst, 6, 2),       // 8
      I(Op::Return, 6),             // 9
  };
}

// Counts the elements of `slot` by iterating; == K2 (K0 = 0, K1 = 1).
std::vector<Instr> CountElements(uint16_t slot) {
  return {
      I(Op::LoadField, 0, slot),  // 0
      I(Op::LoadConst, 5, 0),     // 1
      I(Op::LoadConst, 6, 1),     // 2
      I(Op::IterInit, 1, 0),      // 3
      I(Op::IterNext, 1, 7, 3),   // 4
      I(Op::Add, 5, 5, 6),        // 5
      I(Op::Jump, 0, 4),          // 6
      I(Op::LoadConst, 7, 2),     // 7
      I(Op::Eq, 8, 5, 7),         // 8
      I(Op::Return, 8),           // 9
  };
}

constexpr int64_t kEventNs = 1767607200000000000;  // 2026-01-05T10:00:00Z

const std::string kSnap = R"("action":"snapshot.create")";
const std::string kRes = R"("resources":[{"uid":"a"},{"uid":"b"}])";
const std::string kItemsAll = R"("raw":{"items":[{"group":"x"},{"group":"all"}]})";

std::vector<OpCase> Cases() {
  using O = Op;
  const auto T = KBool(true);
  const auto F = KBool(false);
  // A table: one case per row or two, aligned by hand.
  // clang-format off
  return {
      // ---- LoadConst
      {"LoadConst true", O::LoadConst, {T}, {I(O::LoadConst, 0, 0), I(O::Return, 0)}, 1, "", true},
      {"LoadConst false", O::LoadConst, {F}, {I(O::LoadConst, 0, 0), I(O::Return, 0)}, 1, "",
       false},
      {"LoadConst string set is a list (any)", O::LoadConst,
       {KSet({"a", "instance.delete"})}, {I(O::LoadConst, 0, 0), I(O::LoadField, 1, kAction),
        I(O::Eq, 2, 0, 1), I(O::Return, 2)}, 3, R"("action":"instance.delete")", true},
      {"LoadConst null == null", O::LoadConst, {KNull(), KNull()}, CC(O::Eq), 3, "", true},
      // ---- LoadField
      {"LoadField string", O::LoadField, {KStr("snapshot.create")}, FC(O::Eq, kAction), 3, kSnap,
       true},
      {"LoadField other string", O::LoadField, {KStr("snapshot.create")}, FC(O::Eq, kAction), 3,
       R"("action":"instance.delete")", false},
      {"LoadField time is int ns", O::LoadField, {KInt(kEventNs)}, FC(O::Eq, kTime), 3, "", true},
      {"LoadField absent is missing", O::LoadField, {}, F1(O::Exists, kAction), 2, "", false},
      {"LoadField nested", O::LoadField, {KStr("alice")}, FC(O::Eq, kActor), 3,
       R"("actor":{"user":{"uid":"alice"}})", true},
      // ---- LoadRef (refs: stage 0 captured uid e0, time 0, action snapshot.create, [a, b])
      {"LoadRef equal", O::LoadRef, {}, {I(O::LoadRef, 0, 0, 2), I(O::LoadField, 1, kAction),
        I(O::Eq, 2, 0, 1), I(O::Return, 2)}, 3, kSnap, true, true},
      {"LoadRef differs", O::LoadRef, {}, {I(O::LoadRef, 0, 0, 2), I(O::LoadField, 1, kAction),
        I(O::Eq, 2, 0, 1), I(O::Return, 2)}, 3, R"("action":"volume.create")", false, true},
      {"LoadRef list capture intersects", O::LoadRef, {}, {I(O::LoadRef, 0, 0, 3),
        I(O::LoadField, 1, kShare), I(O::Eq, 2, 0, 1), I(O::Return, 2)}, 3,
       R"("share":{"accounts":["z","b"]})", true, true},
      {"LoadRef without refs is missing", O::LoadRef, {}, {I(O::LoadRef, 0, 0, 2),
        I(O::Exists, 1, 0), I(O::Return, 1)}, 2, kSnap, false, true, true},
      // ---- GetPath
      {"GetPath object", O::GetPath, {KPath({"requestParameters", "snapshotId"}), KStr("snap-1")},
       {I(O::LoadField, 0, kRaw), I(O::GetPath, 1, 0, 0), I(O::LoadConst, 2, 1), I(O::Eq, 3, 1, 2),
        I(O::Return, 3)}, 4, R"("raw":{"requestParameters":{"snapshotId":"snap-1"}})", true},
      {"GetPath absent", O::GetPath, {KPath({"requestParameters", "nope"})},
       {I(O::LoadField, 0, kRaw), I(O::GetPath, 1, 0, 0), I(O::Exists, 2, 1), I(O::Return, 2)}, 3,
       R"("raw":{"requestParameters":{"snapshotId":"snap-1"}})", false},
      {"GetPath crosses an array", O::GetPath, {KPath({"items", "group"}), KStr("all")},
       {I(O::LoadField, 0, kRaw), I(O::GetPath, 1, 0, 0), I(O::LoadConst, 2, 1), I(O::Eq, 3, 1, 2),
        I(O::Return, 3)}, 4, kItemsAll, true},
      {"GetPath over array: length", O::GetPath, {KPath({"items", "group"}), KInt(2)},
       {I(O::LoadField, 0, kRaw), I(O::GetPath, 1, 0, 0), I(O::Len, 2, 1), I(O::LoadConst, 3, 1),
        I(O::Eq, 4, 2, 3), I(O::Return, 4)}, 5, kItemsAll, true},
      {"GetPath over a list of objects", O::GetPath, {KPath({"group"}), KStr("all")},
       {I(O::LoadField, 0, kRaw), I(O::GetPath, 1, 0, 0), I(O::LoadConst, 2, 1), I(O::Eq, 3, 1, 2),
        I(O::Return, 3)}, 4, R"("raw":[{"group":"x"},{"group":"all"}])", true},
      {"GetPath into a string is missing", O::GetPath, {KPath({"x"})},
       {I(O::LoadField, 0, kAction), I(O::GetPath, 1, 0, 0), I(O::Exists, 2, 1), I(O::Return, 2)},
       3, kSnap, false},
      // ---- Move
      {"Move copies", O::Move, {T}, {I(O::LoadConst, 0, 0), I(O::Move, 1, 0), I(O::Return, 1)}, 2,
       "", true},
      {"Move of missing", O::Move, {}, {I(O::Move, 1, 0), I(O::Exists, 2, 1), I(O::Return, 2)}, 3,
       "", false},
      // ---- Not
      {"Not missing is true", O::Not, {}, F1(O::Not, kAction), 2, "", true},
      {"Not true is false", O::Not, {T}, {I(O::LoadConst, 0, 0), I(O::Not, 1, 0), I(O::Return, 1)},
       2, "", false},
      {"Not string is true", O::Not, {}, F1(O::Not, kAction), 2, kSnap, true},
      // ---- Eq
      {"Eq strings", O::Eq, {KStr("a"), KStr("a")}, CC(O::Eq), 3, "", true},
      {"Eq different strings", O::Eq, {KStr("a"), KStr("b")}, CC(O::Eq), 3, "", false},
      {"Eq int float", O::Eq, {KInt(5), KFloat(5.0)}, CC(O::Eq), 3, "", true},
      {"Eq int float differ", O::Eq, {KInt(5), KFloat(5.5)}, CC(O::Eq), 3, "", false},
      {"Eq string vs int", O::Eq, {KStr("5"), KInt(5)}, CC(O::Eq), 3, "", false},
      {"Eq empty strings", O::Eq, {KStr(""), KStr("")}, CC(O::Eq), 3, "", true},
      {"Eq bools", O::Eq, {T, T}, CC(O::Eq), 3, "", true},
      {"Eq bools differ", O::Eq, {T, F}, CC(O::Eq), 3, "", false},
      {"Eq missing missing", O::Eq, {}, FF(O::Eq, kAction, kOp), 3, "", false},
      {"Eq missing vs value", O::Eq, {KStr("")}, FC(O::Eq, kAction), 3, "", false},
      {"Eq list any", O::Eq, {KStr("b")}, FC(O::Eq, kResUids), 3, kRes, true},
      {"Eq list none", O::Eq, {KStr("c")}, FC(O::Eq, kResUids), 3, kRes, false},
      {"Eq json array any", O::Eq, {KInt(2)}, FC(O::Eq, kItems), 3, R"("raw":{"items":[1,2]})",
       true},
      {"Eq lists intersect", O::Eq, {}, FF(O::Eq, kResUids, kShare), 3,
       kRes + R"(,"share":{"accounts":["q","a"]})", true},
      {"Eq lists disjoint", O::Eq, {}, FF(O::Eq, kResUids, kShare), 3,
       kRes + R"(,"share":{"accounts":["q","r"]})", false},
      {"Eq objects equal nothing", O::Eq, {}, FF(O::Eq, kRaw, kRaw), 3, R"("raw":{"a":1})", false},
      // ---- Ne
      {"Ne strings", O::Ne, {KStr("a"), KStr("b")}, CC(O::Ne), 3, "", true},
      {"Ne same", O::Ne, {KStr("a"), KStr("a")}, CC(O::Ne), 3, "", false},
      {"Ne missing", O::Ne, {KStr("a")}, FC(O::Ne, kAction), 3, "", false},
      {"Ne int float equal", O::Ne, {KInt(5), KFloat(5.0)}, CC(O::Ne), 3, "", false},
      {"Ne across types", O::Ne, {KStr("5"), KInt(5)}, CC(O::Ne), 3, "", true},
      {"Ne list: no element equals", O::Ne, {KStr("c")}, FC(O::Ne, kResUids), 3, kRes, true},
      {"Ne list: some element equals", O::Ne, {KStr("a")}, FC(O::Ne, kResUids), 3, kRes, false},
      {"Ne empty list", O::Ne, {KStr("a")}, FC(O::Ne, kShare), 3, R"("share":{"accounts":[]})",
       true},
      {"Ne objects", O::Ne, {}, FF(O::Ne, kRaw, kRaw), 3, R"("raw":{"a":1})", true},
      // ---- Lt Le Gt Ge
      {"Lt ints", O::Lt, {KInt(1), KInt(2)}, CC(O::Lt), 3, "", true},
      {"Lt ints equal", O::Lt, {KInt(2), KInt(2)}, CC(O::Lt), 3, "", false},
      {"Lt int float", O::Lt, {KInt(1), KFloat(1.5)}, CC(O::Lt), 3, "", true},
      {"Lt strings", O::Lt, {KStr("a"), KStr("b")}, CC(O::Lt), 3, "", true},
      {"Lt string prefix", O::Lt, {KStr("ab"), KStr("a")}, CC(O::Lt), 3, "", false},
      {"Lt across types", O::Lt, {KInt(1), KStr("2")}, CC(O::Lt), 3, "", false},
      {"Lt bools unordered", O::Lt, {F, T}, CC(O::Lt), 3, "", false},
      {"Lt missing", O::Lt, {KInt(1)}, FC(O::Lt, kNum), 3, "", false},
      {"Lt time vs const", O::Lt, {KInt(kEventNs + 1)}, FC(O::Lt, kTime), 3, "", true},
      {"Le equal", O::Le, {KInt(2), KFloat(2.0)}, CC(O::Le), 3, "", true},
      {"Le greater", O::Le, {KInt(3), KInt(2)}, CC(O::Le), 3, "", false},
      {"Gt list any", O::Gt, {KInt(5)}, FC(O::Gt, kItems), 3, R"("raw":{"items":[3,10]})", true},
      {"Gt list none", O::Gt, {KInt(50)}, FC(O::Gt, kItems), 3, R"("raw":{"items":[3,10]})", false},
      {"Gt float field", O::Gt, {KInt(100)}, FC(O::Gt, kQuota), 3, R"("quota":{"value":100.5})",
       true},
      {"Ge equal strings", O::Ge, {KStr("b"), KStr("b")}, CC(O::Ge), 3, "", true},
      {"Ge less", O::Ge, {KFloat(1.5), KInt(2)}, CC(O::Ge), 3, "", false},
      // ---- EqCI
      {"EqCI", O::EqCI, {KStr("snapshot.create")}, FC(O::EqCI, kAction), 3,
       R"("action":"SnapShot.CREATE")", true},
      {"EqCI different", O::EqCI, {KStr("snapshot.creat")}, FC(O::EqCI, kAction), 3,
       R"("action":"SnapShot.CREATE")", false},
      {"EqCI non-string", O::EqCI, {KInt(5), KInt(5)}, CC(O::EqCI), 3, "", false},
      {"EqCI list any", O::EqCI, {KStr("B")}, FC(O::EqCI, kResUids), 3, kRes, true},
      // ---- InSet
      {"InSet member", O::InSet, {KSet({"snapshot.create", "instance.delete"})},
       FK(O::InSet, kAction), 2, kSnap, true},
      {"InSet non-member", O::InSet, {KSet({"snapshot.delete", "instance.delete"})},
       FK(O::InSet, kAction), 2, kSnap, false},
      {"InSet is case-sensitive", O::InSet, {KSet({"snapshot.create"})}, FK(O::InSet, kAction), 2,
       R"("action":"Snapshot.Create")", false},
      {"InSet missing", O::InSet, {KSet({""})}, FK(O::InSet, kAction), 2, "", false},
      {"InSet empty string", O::InSet, {KSet({""})}, FK(O::InSet, kAction), 2, R"("action":"")",
       true},
      {"InSet list any", O::InSet, {KSet({"b", "z"})}, FK(O::InSet, kResUids), 2, kRes, true},
      {"InSet int is not a string", O::InSet, {KSet({"5"})}, FK(O::InSet, kNum), 2, R"("num":5)",
       false},
      // ---- InSetCI
      {"InSetCI", O::InSetCI, {KSet({"snapshot.create"})}, FK(O::InSetCI, kAction), 2,
       R"("action":"SNAPSHOT.Create")", true},
      {"InSetCI non-member", O::InSetCI, {KSet({"snapshot.delete"})}, FK(O::InSetCI, kAction), 2,
       R"("action":"SNAPSHOT.Create")", false},
      {"InSetCI list any", O::InSetCI, {KSet({"b"})}, FK(O::InSetCI, kResUids), 2,
       R"("resources":[{"uid":"A"},{"uid":"B"}])", true},
      // ---- InArray
      {"InArray member", O::InArray, {KStr("b")}, {I(O::LoadConst, 0, 0), I(O::LoadField, 1,
       kShare),
        I(O::InArray, 2, 0, 1), I(O::Return, 2)}, 3, R"("share":{"accounts":["a","b"]})", true},
      {"InArray non-member", O::InArray, {KStr("c")}, {I(O::LoadConst, 0, 0),
        I(O::LoadField, 1, kShare), I(O::InArray, 2, 0, 1), I(O::Return, 2)}, 3,
       R"("share":{"accounts":["a","b"]})", false},
      {"InArray json array", O::InArray, {KInt(2)}, {I(O::LoadConst, 0, 0),
        I(O::LoadField, 1, kItems), I(O::InArray, 2, 0, 1), I(O::Return, 2)}, 3,
       R"("raw":{"items":[1,2.0]})", true},
      {"InArray scalar is not an array", O::InArray, {KStr("a"), KStr("a")}, CC(O::InArray), 3, "",
       false},
      {"InArray missing", O::InArray, {}, {I(O::LoadField, 0, kAction), I(O::LoadField, 1, kShare),
        I(O::InArray, 2, 0, 1), I(O::Return, 2)}, 3, R"("share":{"accounts":["a"]})", false},
      // ---- Match
      {"Match partial", O::Match, {KRegex("^snap")}, FK(O::Match, kAction), 2, kSnap, true},
      {"Match no match", O::Match, {KRegex("^create")}, FK(O::Match, kAction), 2, kSnap, false},
      {"Match unanchored is partial", O::Match, {KRegex("shot\\.cr")}, FK(O::Match, kAction), 2,
       kSnap, true},
      {"Match case-insensitive", O::Match, {KRegex("(?i)^SNAP")}, FK(O::Match, kAction), 2, kSnap,
       true},
      {"Match non-string", O::Match, {KRegex("5")}, FK(O::Match, kNum), 2, R"("num":5)", false},
      {"Match list any", O::Match, {KRegex("^b$")}, FK(O::Match, kResUids), 2, kRes, true},
      {"Match missing", O::Match, {KRegex(".*")}, FK(O::Match, kAction), 2, "", false},
      // ---- StartsWith EndsWith Contains
      {"StartsWith", O::StartsWith, {KStr("snap")}, FC(O::StartsWith, kAction), 3, kSnap, true},
      {"StartsWith not", O::StartsWith, {KStr("create")}, FC(O::StartsWith, kAction), 3, kSnap,
       false},
      {"StartsWith empty prefix", O::StartsWith, {KStr("")}, FC(O::StartsWith, kAction), 3, kSnap,
       true},
      {"StartsWith missing", O::StartsWith, {KStr("")}, FC(O::StartsWith, kAction), 3, "", false},
      {"EndsWith", O::EndsWith, {KStr(".create")}, FC(O::EndsWith, kAction), 3, kSnap, true},
      {"EndsWith not", O::EndsWith, {KStr("snap")}, FC(O::EndsWith, kAction), 3, kSnap, false},
      {"EndsWith list any", O::EndsWith, {KStr("b")}, FC(O::EndsWith, kResUids), 3, kRes, true},
      {"Contains", O::Contains, {KStr("shot.cr")}, FC(O::Contains, kAction), 3, kSnap, true},
      {"Contains not", O::Contains, {KStr("volume")}, FC(O::Contains, kAction), 3, kSnap, false},
      {"Contains non-string", O::Contains, {KStr("5")}, FC(O::Contains, kNum), 3, R"("num":55)",
       false},
      {"Contains empty in empty", O::Contains, {KStr("")}, FC(O::Contains, kAction), 3,
       R"("action":"")", true},
      // ---- InCidr
      {"InCidr v4", O::InCidr, {KCidr("10.0.0.0/8")}, FK(O::InCidr, kIp), 2,
       R"("src_endpoint":{"ip":"10.1.2.3"})", true},
      {"InCidr v4 outside", O::InCidr, {KCidr("10.0.0.0/8")}, FK(O::InCidr, kIp), 2,
       R"("src_endpoint":{"ip":"11.0.0.1"})", false},
      {"InCidr /31 edge in", O::InCidr, {KCidr("10.0.0.0/31")}, FK(O::InCidr, kIp), 2,
       R"("src_endpoint":{"ip":"10.0.0.1"})", true},
      {"InCidr /31 edge out", O::InCidr, {KCidr("10.0.0.0/31")}, FK(O::InCidr, kIp), 2,
       R"("src_endpoint":{"ip":"10.0.0.2"})", false},
      {"InCidr host bits ignored", O::InCidr, {KCidr("192.168.7.9/16")}, FK(O::InCidr, kIp), 2,
       R"("src_endpoint":{"ip":"192.168.200.1"})", true},
      {"InCidr /0", O::InCidr, {KCidr("0.0.0.0/0")}, FK(O::InCidr, kIp), 2,
       R"("src_endpoint":{"ip":"203.0.113.9"})", true},
      {"InCidr bare address", O::InCidr, {KCidr("203.0.113.9")}, FK(O::InCidr, kIp), 2,
       R"("src_endpoint":{"ip":"203.0.113.10"})", false},
      {"InCidr v6", O::InCidr, {KCidr("2001:db8::/32")}, FK(O::InCidr, kIp), 2,
       R"("src_endpoint":{"ip":"2001:db8:ffff::1"})", true},
      {"InCidr v6 outside", O::InCidr, {KCidr("2001:db8::/32")}, FK(O::InCidr, kIp), 2,
       R"("src_endpoint":{"ip":"2001:db9::1"})", false},
      {"InCidr v6 /127 odd prefix", O::InCidr, {KCidr("fe80::/10")}, FK(O::InCidr, kIp), 2,
       R"("src_endpoint":{"ip":"febf::1"})", true},
      {"InCidr v4 address vs v6 net", O::InCidr, {KCidr("2001:db8::/32")}, FK(O::InCidr, kIp), 2,
       R"("src_endpoint":{"ip":"10.0.0.1"})", false},
      {"InCidr v4-mapped v6 vs v4 net", O::InCidr, {KCidr("10.0.0.0/8")}, FK(O::InCidr, kIp), 2,
       R"("src_endpoint":{"ip":"::ffff:10.9.9.9"})", true},
      {"InCidr not an address", O::InCidr, {KCidr("0.0.0.0/0")}, FK(O::InCidr, kIp), 2,
       R"("src_endpoint":{"ip":"ec2.amazonaws.com"})", false},
      {"InCidr missing", O::InCidr, {KCidr("0.0.0.0/0")}, FK(O::InCidr, kIp), 2, "", false},
      {"InCidr list any", O::InCidr, {KCidr("10.0.0.0/8")}, FK(O::InCidr, kResUids), 2,
       R"("resources":[{"uid":"8.8.8.8"},{"uid":"10.0.0.7"}])", true},
      // ---- Exists
      {"Exists present", O::Exists, {}, F1(O::Exists, kAction), 2, kSnap, true},
      {"Exists absent", O::Exists, {}, F1(O::Exists, kAction), 2, "", false},
      {"Exists null is present", O::Exists, {}, F1(O::Exists, kAction), 2, R"("action":null)",
       true},
      {"Exists empty string", O::Exists, {}, F1(O::Exists, kAction), 2, R"("action":"")", true},
      // ---- Lower Upper
      {"Lower", O::Lower, {KStr("snapshot.create")}, F1v(O::Lower, kAction), 4,
       R"("action":"SnapShot.Create")", true},
      {"Lower not equal", O::Lower, {KStr("SnapShot.Create")}, F1v(O::Lower, kAction), 4,
       R"("action":"SnapShot.Create")", false},
      {"Lower int passes through", O::Lower, {KInt(5), KInt(5)}, C1v(O::Lower), 4, "", true},
      {"Lower maps a list", O::Lower, {KStr("b")}, F1v(O::Lower, kResUids), 4,
       R"("resources":[{"uid":"A"},{"uid":"B"}])", true},
      {"Lower results stay valid", O::Lower, {KStr("abc"), KStr("def"), KStr("ABC")},
       {I(O::LoadField, 0, kAction), I(O::Lower, 1, 0), I(O::LoadField, 2, kActor), I(O::Lower, 3,
       2),
        I(O::Lower, 4, 2), I(O::Lower, 5, 0), I(O::LoadConst, 6, 0), I(O::Eq, 7, 1, 6),
        I(O::Eq, 8, 5, 6), I(O::JumpIfFalse, 7, 12), I(O::Move, 7, 8), I(O::Jump, 0, 12),
        I(O::Return, 7)}, 9, R"("action":"ABC","actor":{"user":{"uid":"DEF"}})", true},
      {"Upper", O::Upper, {KStr("SNAPSHOT.CREATE")}, F1v(O::Upper, kAction), 4, kSnap, true},
      {"Upper not equal", O::Upper, {KStr("snapshot.create")}, F1v(O::Upper, kAction), 4, kSnap,
       false},
      {"Upper of missing is missing", O::Upper, {}, F1x(O::Upper, kAction), 3, "", false},
      // ---- Len
      {"Len string", O::Len, {KInt(15)}, F1v(O::Len, kAction), 4, kSnap, true},
      {"Len string wrong", O::Len, {KInt(14)}, F1v(O::Len, kAction), 4, kSnap, false},
      {"Len empty string", O::Len, {KInt(0)}, F1v(O::Len, kAction), 4, R"("action":"")", true},
      {"Len list", O::Len, {KInt(2)}, F1v(O::Len, kResUids), 4, kRes, true},
      {"Len json array", O::Len, {KInt(3)}, F1v(O::Len, kItems), 4, R"("raw":{"items":[1,[2],{}]})",
       true},
      {"Len object is missing", O::Len, {}, F1x(O::Len, kRaw), 3, R"("raw":{"a":1})", false},
      {"Len int is missing", O::Len, {}, F1x(O::Len, kNum), 3, R"("num":5)", false},
      // ---- Add Sub Mul Div Mod Neg
      {"Add ints", O::Add, {KInt(2), KInt(3), KInt(5)}, CCv(O::Add), 5, "", true},
      {"Add ints wrong", O::Add, {KInt(2), KInt(3), KInt(6)}, CCv(O::Add), 5, "", false},
      {"Add wraps", O::Add, {KInt(INT64_MAX), KInt(1), KInt(INT64_MIN)}, CCv(O::Add), 5, "", true},
      {"Add int float", O::Add, {KInt(2), KFloat(0.5), KFloat(2.5)}, CCv(O::Add), 5, "", true},
      {"Add string is missing", O::Add, {KStr("2"), KInt(3)}, CCx(O::Add), 4, "", false},
      {"Sub", O::Sub, {KInt(2), KInt(3), KInt(-1)}, CCv(O::Sub), 5, "", true},
      {"Sub wraps", O::Sub, {KInt(INT64_MIN), KInt(1), KInt(INT64_MAX)}, CCv(O::Sub), 5, "", true},
      {"Sub time minus duration", O::Sub, {KInt(600000000000LL), KInt(kEventNs - 600000000000LL)},
       {I(O::LoadField, 0, kTime), I(O::LoadConst, 1, 0), I(O::Sub, 2, 0, 1), I(O::LoadConst, 3, 1),
        I(O::Eq, 4, 2, 3), I(O::Return, 4)}, 5, "", true},
      {"Sub missing", O::Sub, {KInt(1)}, {I(O::LoadField, 0, kNum), I(O::LoadConst, 1, 0),
        I(O::Sub, 2, 0, 1), I(O::Exists, 3, 2), I(O::Return, 3)}, 4, "", false},
      {"Mul", O::Mul, {KInt(-4), KInt(3), KInt(-12)}, CCv(O::Mul), 5, "", true},
      {"Mul floats", O::Mul, {KFloat(1.5), KFloat(2), KInt(4)}, CCv(O::Mul), 5, "", false},
      {"Div ints truncates", O::Div, {KInt(7), KInt(2), KInt(3)}, CCv(O::Div), 5, "", true},
      {"Div negative truncates toward zero", O::Div, {KInt(-7), KInt(2), KInt(-3)}, CCv(O::Div), 5,
       "", true},
      {"Div int by float", O::Div, {KInt(7), KFloat(2), KFloat(3.5)}, CCv(O::Div), 5, "", true},
      {"Div int by float is not int", O::Div, {KInt(7), KFloat(2), KInt(3)}, CCv(O::Div), 5, "",
       false},
      {"Div by zero is missing", O::Div, {KInt(7), KInt(0)}, CCx(O::Div), 4, "", false},
      {"Div by 0.0 is missing", O::Div, {KFloat(1), KFloat(0)}, CCx(O::Div), 4, "", false},
      {"Div INT64_MIN by -1 wraps", O::Div, {KInt(INT64_MIN), KInt(-1), KInt(INT64_MIN)},
       CCv(O::Div), 5, "", true},
      {"Mod", O::Mod, {KInt(7), KInt(3), KInt(1)}, CCv(O::Mod), 5, "", true},
      {"Mod negative", O::Mod, {KInt(-7), KInt(3), KInt(-1)}, CCv(O::Mod), 5, "", true},
      {"Mod by zero is missing", O::Mod, {KInt(7), KInt(0)}, CCx(O::Mod), 4, "", false},
      {"Mod INT64_MIN by -1", O::Mod, {KInt(INT64_MIN), KInt(-1), KInt(0)}, CCv(O::Mod), 5, "",
       true},
      {"Mod floats", O::Mod, {KFloat(7.5), KInt(2), KFloat(1.5)}, CCv(O::Mod), 5, "", true},
      {"Neg int", O::Neg, {KInt(5), KInt(-5)}, C1v(O::Neg), 4, "", true},
      {"Neg float", O::Neg, {KFloat(2.5), KFloat(-2.5)}, C1v(O::Neg), 4, "", true},
      {"Neg INT64_MIN wraps", O::Neg, {KInt(INT64_MIN), KInt(INT64_MIN)}, C1v(O::Neg), 4, "", true},
      {"Neg string is missing", O::Neg, {}, F1x(O::Neg, kAction), 3, kSnap, false},
      // ---- Jump JumpIfFalse JumpIfTrue
      {"Jump skips", O::Jump, {F, T}, {I(O::Jump, 0, 3), I(O::LoadConst, 0, 0), I(O::Return, 0),
        I(O::LoadConst, 0, 1), I(O::Return, 0)}, 1, "", true},
      {"Jump skips the true path", O::Jump, {T, F}, {I(O::Jump, 0, 3), I(O::LoadConst, 0, 0),
        I(O::Return, 0), I(O::LoadConst, 0, 1), I(O::Return, 0)}, 1, "", false},
      // action == K0 and num == K1, short-circuit
      {"JumpIfFalse taken", O::JumpIfFalse, {KStr("x"), KInt(5)},
       {I(O::LoadField, 0, kAction), I(O::LoadConst, 1, 0), I(O::Eq, 2, 0, 1),
        I(O::JumpIfFalse, 2, 7), I(O::LoadField, 0, kNum), I(O::LoadConst, 1, 1), I(O::Eq, 2, 0, 1),
        I(O::Return, 2)}, 3, R"("action":"y","num":5)", false},
      {"JumpIfFalse not taken", O::JumpIfFalse, {KStr("x"), KInt(5)},
       {I(O::LoadField, 0, kAction), I(O::LoadConst, 1, 0), I(O::Eq, 2, 0, 1),
        I(O::JumpIfFalse, 2, 7), I(O::LoadField, 0, kNum), I(O::LoadConst, 1, 1), I(O::Eq, 2, 0, 1),
        I(O::Return, 2)}, 3, R"("action":"x","num":5)", true},
      {"JumpIfFalse on missing is taken", O::JumpIfFalse, {T},
       {I(O::JumpIfFalse, 0, 3), I(O::LoadConst, 1, 0), I(O::Return, 1), I(O::Return, 0)}, 2, "",
       false},
      // action == K0 or num == K1
      {"JumpIfTrue taken", O::JumpIfTrue, {KStr("x"), KInt(5)},
       {I(O::LoadField, 0, kAction), I(O::LoadConst, 1, 0), I(O::Eq, 2, 0, 1),
        I(O::JumpIfTrue, 2, 7), I(O::LoadField, 0, kNum), I(O::LoadConst, 1, 1), I(O::Eq, 2, 0, 1),
        I(O::Return, 2)}, 3, R"("action":"x","num":6)", true},
      {"JumpIfTrue not taken", O::JumpIfTrue, {KStr("x"), KInt(5)},
       {I(O::LoadField, 0, kAction), I(O::LoadConst, 1, 0), I(O::Eq, 2, 0, 1),
        I(O::JumpIfTrue, 2, 7), I(O::LoadField, 0, kNum), I(O::LoadConst, 1, 1), I(O::Eq, 2, 0, 1),
        I(O::Return, 2)}, 3, R"("action":"y","num":6)", false},
      {"JumpIfTrue on int 1 is not taken", O::JumpIfTrue, {KInt(1), F},
       {I(O::LoadConst, 0, 0), I(O::JumpIfTrue, 0, 4), I(O::LoadConst, 1, 1), I(O::Return, 1),
        I(O::Return, 0)}, 2, "", false},
      // ---- IterInit IterNext
      {"IterInit/IterNext any json element", O::IterInit, {KPath({"group"}), KStr("all"), F},
       AnyItemGroup(), 7, R"("raw":{"items":[{"group":"x"},{"group":"all"}]})", true},
      {"IterNext none matches", O::IterNext, {KPath({"group"}), KStr("all"), F}, AnyItemGroup(), 7,
       R"("raw":{"items":[{"group":"x"},{"group":"y"}]})", false},
      {"IterInit empty array", O::IterInit, {KPath({"group"}), KStr("all"), F}, AnyItemGroup(), 7,
       R"("raw":{"items":[]})", false},
      {"IterInit missing iterates nothing", O::IterInit, {KPath({"group"}), KStr("all"), F},
       AnyItemGroup(), 7, "", false},
      {"IterInit object iterates nothing", O::IterInit, {KPath({"group"}), KStr("all"), F},
       AnyItemGroup(), 7, R"("raw":{"items":{"group":"all"}})", false},
      {"IterNext counts a list", O::IterNext, {KInt(0), KInt(1), KInt(3)}, CountElements(kResUids),
       9, R"("resources":[{"uid":"a"},{"uid":"b"},{"uid":"c"}])", true},
      {"IterNext counts a json array", O::IterNext, {KInt(0), KInt(1), KInt(4)},
       CountElements(kItems), 9, R"("raw":{"items":[1,"two",[3],{"f":4}]})", true},
      {"IterNext counts wrong", O::IterNext, {KInt(0), KInt(1), KInt(2)}, CountElements(kResUids),
       9, R"("resources":[{"uid":"a"},{"uid":"b"},{"uid":"c"}])", false},
      {"IterNext on a non-iterator is exhausted", O::IterNext, {T, F},
       {I(O::IterNext, 0, 3, 2), I(O::LoadConst, 3, 1), I(O::Return, 3), I(O::LoadConst, 3, 0),
        I(O::Return, 3)}, 4, "", true},
      // ---- Return
      {"Return true", O::Return, {T}, {I(O::LoadConst, 0, 0), I(O::Return, 0)}, 1, "", true},
      {"Return missing is false", O::Return, {}, {I(O::Return, 0)}, 1, "", false},
      {"Return int 1 is false", O::Return, {KInt(1)}, {I(O::LoadConst, 0, 0), I(O::Return, 0)}, 1,
       "", false},
      {"Return string is false", O::Return, {}, {I(O::LoadField, 0, kAction), I(O::Return, 0)}, 1,
       kSnap, false},
  };
  // clang-format on
}

// Stage 0's captured values for LoadRef cases (uid, time, action, [a, b]).
StageRefs MakeRefs() {
  static const Value kList[] = {Value::String("a"), Value::String("b")};
  return {{Value::String("e0"), Value::Int(0), Value::String("snapshot.create"),
           Value::List(kList, 2)}};
}

bool RunCase(const OpCase& c, std::string* why) {
  Code code = MakeCode(c.code, c.num_regs);
  Rule rule = c.in_stage ? SequenceRule("op_case", code) : MatchRule("op_case", code);
  std::string error;
  auto pack = LoadedPack::Load(MakeProgram(c.consts, {rule}), &error);
  if (!pack) {
    *why = "load: " + error;
    return !c.expect;  // reported as a failure by the caller anyway
  }
  EventReader reader(pack->program());
  Event event;
  if (!reader.Read(Ev(c.body), &event, &error)) {
    *why = "event: " + error;
    return !c.expect;
  }
  const Rule& r = pack->program().rules[0];
  const Code& run = c.in_stage ? r.stages[1].pred : r.pred;
  StageRefs refs = MakeRefs();
  Interpreter vm(*pack);
  bool got = vm.Run(run, event, c.null_refs || !c.in_stage ? nullptr : &refs);
  // Run twice: scratch storage and registers are reused across runs.
  bool again = vm.Run(run, event, c.null_refs || !c.in_stage ? nullptr : &refs);
  if (got != again) *why = "second run differs";
  return got;
}

TEST_CASE("every opcode case gives its expected result") {
  for (const OpCase& c : Cases()) {
    std::string why;
    bool got = RunCase(c, &why);
    INFO(std::string(c.name), " ", why);
    CHECK(why.empty());
    CHECK(got == c.expect);
  }
}

TEST_CASE("every opcode has a case expecting true and one expecting false") {
  std::set<Op> true_cases, false_cases;
  for (const OpCase& c : Cases()) (c.expect ? true_cases : false_cases).insert(c.op);
  for (size_t i = 0; i < static_cast<size_t>(Op::kCount); ++i) {
    Op op = static_cast<Op>(i);
    INFO("opcode ", OpName(op));
    CHECK(true_cases.count(op) == 1);
    CHECK(false_cases.count(op) == 1);
  }
}

TEST_CASE("a loop that resets its own iterator stops at the backward-jump budget") {
  // Verifies (backward jump onto an IterNext) but never ends on its own.
  std::vector<Instr> code = {
      I(Op::LoadConst, 0, 0),    // 0  R0 := ["a"]
      I(Op::IterInit, 1, 0),     // 1
      I(Op::IterNext, 1, 5, 3),  // 2
      I(Op::IterInit, 1, 0),     // 3  resets the iterator
      I(Op::Jump, 0, 2),         // 4
      I(Op::LoadConst, 4, 1),    // 5
      I(Op::Return, 4),          // 6
  };
  std::string error;
  auto pack = LoadedPack::Load(
      MakeProgram({KSet({"a"}), KBool(true)}, {MatchRule("spin", MakeCode(code, 5))}), &error);
  REQUIRE_MESSAGE(pack, error);
  EventReader reader(pack->program());
  Event event;
  REQUIRE(reader.Read(Ev(""), &event, &error));
  Interpreter vm(*pack);
  CHECK_FALSE(vm.Run(pack->program().rules[0].pred, event));
}

}  // namespace
}  // namespace rdl::test
