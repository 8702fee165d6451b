// libFuzzer target for the JIT tier (runtime/jit/) against the interpreter:
// the input bytes drive a small generator of verified code blocks (every
// opcode; forward jumps; loops shaped `IterNext; body; Jump back` whose
// iterator registers the body cannot touch, so every run ends) over a fixed
// constant pool (strings, sets, regexes including literal and wildcard
// shapes, CIDRs, paths), and of normalized events (strings, lists, json
// arrays and objects, numbers, invalid UTF-8). Every block that loads must
// compile, and the JIT'd function must give Interpreter::Run's answer on
// every event; a difference traps.
//
// Built only with the JIT (tests/fuzz/CMakeLists.txt drops it otherwise).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rdl/program.h"
#include "runtime/jit/jit.h"
#include "runtime/vm/event.h"
#include "runtime/vm/interpreter.h"
#include "runtime/vm/loaded_pack.h"

namespace {

using namespace rdl;

// Reads choices from the input; zeros once it runs out.
class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  uint8_t Byte() { return p_ < end_ ? *p_++ : 0; }
  // Uniform-ish in [lo, hi].
  int In(int lo, int hi) {
    const uint32_t span = static_cast<uint32_t>(hi - lo + 1);
    uint32_t v = Byte();
    if (span > 256) v = (v << 8) | Byte();
    return lo + static_cast<int>(v % span);
  }
  bool empty() const { return p_ >= end_; }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

enum Slot : uint16_t {
  kTime,
  kUid,
  kAction,
  kIp,
  kResUids,
  kRaw,
  kQuota,
  kItems,
  kNum,
  kActor,
  kNumSlots
};

Constant K(ConstKind kind, std::string s = {}, std::vector<std::string> set = {}) {
  Constant k;
  k.kind = kind;
  k.s = std::move(s);
  k.set = std::move(set);
  return k;
}
Constant KInt(int64_t i) {
  Constant k;
  k.kind = ConstKind::kInt;
  k.i = i;
  return k;
}

Program BaseProgram() {
  Program p;
  p.fields = {{{"time"}, FieldType::kTime},
              {{"metadata", "uid"}, FieldType::kString},
              {{"action"}, FieldType::kString},
              {{"src_endpoint", "ip"}, FieldType::kIp},
              {{"resources", "uid"}, FieldType::kStringList},
              {{"raw"}, FieldType::kJson},
              {{"quota", "value"}, FieldType::kFloat},
              {{"raw", "items"}, FieldType::kJson},
              {{"num"}, FieldType::kInt},
              {{"actor", "user", "uid"}, FieldType::kString}};
  p.time_slot = kTime;
  p.uid_slot = kUid;
  Constant f;
  f.kind = ConstKind::kFloat;
  f.f = 2.5;
  Constant b;
  b.kind = ConstKind::kBool;
  b.b = true;
  p.consts = {
      K(ConstKind::kString, "snapshot.create"),                                          // 0
      K(ConstKind::kString, "Snap"),                                                     // 1
      K(ConstKind::kString, ""),                                                         // 2
      K(ConstKind::kString, "a-much-longer-string-constant-for-the-word-compares-xyz"),  // 3
      KInt(5),                                                                           // 4
      KInt(0),                                                                           // 5
      f,                                                                                 // 6
      b,                                                                                 // 7
      Constant{},                                                                        // 8 null
      K(ConstKind::kStringSet, {}, {"a", "bb", "snapshot.create", "SNAP", ""}),          // 9
      K(ConstKind::kStringSet, {}, {"alice", "snapshot.delete", "x"}),                   // 10
      K(ConstKind::kRegex, "(?s)^snap.*$"),                                              // 11
      K(ConstKind::kRegex, "(?s)^.*e$"),                                                 // 12
      K(ConstKind::kRegex, "(?s)^.*shot\\..*$"),                                         // 13
      K(ConstKind::kRegex, "^a$"),                                                       // 14
      K(ConstKind::kRegex, "[0-9]+"),                                                    // 15
      K(ConstKind::kCidr, "10.0.0.0/8"),                                                 // 16
      K(ConstKind::kCidr, "2001:db8::/32"),                                              // 17
      K(ConstKind::kPath, {}, {"items"}),                                                // 18
      K(ConstKind::kPath, {}, {"uid"}),                                                  // 19
      K(ConstKind::kPath, {}, {"items", "uid"}),                                         // 20
  };
  return p;
}
const uint16_t kLoadable[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
const uint16_t kSets[] = {9, 10};
const uint16_t kRegexes[] = {11, 12, 13, 14, 15};
const uint16_t kCidrs[] = {16, 17};
const uint16_t kPaths[] = {18, 19, 20};

template <size_t N>
uint16_t Pick(Bytes& in, const uint16_t (&a)[N]) {
  return a[in.In(0, N - 1)];
}

Instr I(Op op, uint8_t a = 0, uint16_t b = 0, uint16_t c = 0) { return Instr{op, a, b, c, 0}; }

Code MakeBlock(Bytes& in) {
  Code code;
  code.num_regs = static_cast<uint16_t>(in.In(4, 10));
  const uint8_t it = static_cast<uint8_t>(code.num_regs - 2);  // loops only
  const int n = in.In(2, 40);
  auto reg = [&] { return static_cast<uint8_t>(in.In(0, code.num_regs - 3)); };
  auto& v = code.instrs;
  auto simple = [&](bool in_loop) -> Instr {
    const Op op = static_cast<Op>(in.In(0, static_cast<int>(Op::kCount) - 1));
    switch (op) {
      case Op::LoadConst:
        return I(op, reg(), Pick(in, kLoadable));
      case Op::LoadField:
        return I(op, reg(), static_cast<uint16_t>(in.In(0, kNumSlots - 1)));
      case Op::LoadRef:  // no stages in a match rule: verify would reject
      case Op::Move:
      case Op::Not:
      case Op::Exists:
      case Op::Len:
      case Op::Neg:
      case Op::Lower:
      case Op::Upper:
        return I(op == Op::LoadRef ? Op::Move : op, reg(), reg());
      case Op::InSet:
      case Op::InSetCI:
        return I(op, reg(), reg(), Pick(in, kSets));
      case Op::Match:
        return I(op, reg(), reg(), Pick(in, kRegexes));
      case Op::InCidr:
        return I(op, reg(), reg(), Pick(in, kCidrs));
      case Op::GetPath:
        return I(op, reg(), reg(), Pick(in, kPaths));
      case Op::IterInit:
        return in_loop ? I(Op::Not, reg(), reg()) : I(op, it, reg());
      case Op::Jump:
      case Op::JumpIfFalse:
      case Op::JumpIfTrue:
      case Op::IterNext:
      case Op::Return:
      case Op::kCount: {
        if (in_loop) return I(Op::Exists, reg(), reg());
        const int i = static_cast<int>(v.size());
        const Op j = op == Op::Jump         ? Op::Jump
                     : op == Op::JumpIfTrue ? Op::JumpIfTrue
                                            : Op::JumpIfFalse;
        return I(j, j == Op::Jump ? 0 : reg(), static_cast<uint16_t>(in.In(i + 1, n - 1)));
      }
      default:
        return I(op, reg(), reg(), reg());
    }
  };
  while (static_cast<int>(v.size()) + 1 < n) {
    const int room = n - 1 - static_cast<int>(v.size());
    if (room >= 5 && in.In(0, 7) == 0) {  // a loop
      v.push_back(I(Op::LoadField, reg(), static_cast<uint16_t>(in.In(0, kNumSlots - 1))));
      if (in.In(0, 1)) v.push_back(I(Op::GetPath, v.back().a, v.back().a, Pick(in, kPaths)));
      v.push_back(I(Op::IterInit, it, v.back().a));
      const int left = n - 1 - static_cast<int>(v.size());
      if (left < 3) continue;
      const int body = in.In(1, std::max(1, std::min(5, left - 3)));
      const size_t head = v.size();
      v.push_back(I(Op::IterNext, it, 0, reg()));
      std::vector<size_t> exits = {head};
      for (int k = 0; k < body; ++k) v.push_back(simple(true));
      if (in.In(0, 1)) {
        exits.push_back(v.size());
        v.push_back(I(Op::JumpIfTrue, reg(), 0));
      }
      v.push_back(I(Op::Jump, 0, static_cast<uint16_t>(head)));
      for (size_t e : exits) v[e].b = static_cast<uint16_t>(v.size());
      continue;
    }
    v.push_back(simple(false));
  }
  // Forward jumps were drawn against n; the block may have grown past it
  // by a loop's tail, so clamp targets to the final Return.
  v.push_back(I(Op::Return, reg()));
  for (Instr& x : v) {
    if ((x.op == Op::Jump || x.op == Op::JumpIfFalse || x.op == Op::JumpIfTrue) &&
        x.b >= v.size()) {
      x.b = static_cast<uint16_t>(v.size() - 1);
    }
  }
  return code;
}

std::string MakeEvent(Bytes& in) {
  static const char* const kStrings[] = {"snapshot.create",
                                         "Snapshot.Create",
                                         "snap",
                                         "a",
                                         "",
                                         "SNAP",
                                         "alice",
                                         "snapshot.delete",
                                         "10.1.2.3",
                                         "2001:db8::1",
                                         "xsnapshot.createe",
                                         "\xc3\xa9snap",
                                         "snap\xff",
                                         "shot.",
                                         "bb",
                                         "5"};
  auto str = [&] { return std::string("\"") + kStrings[in.In(0, 15)] + "\""; };
  std::function<std::string(int)> value = [&](int depth) -> std::string {
    switch (in.In(0, depth > 1 ? 4 : 7)) {
      case 0:
      case 1:
        return str();
      case 2:
        return std::to_string(in.In(-3, 7));
      case 3:
        return in.In(0, 1) ? "2.5" : "null";
      case 4:
        return in.In(0, 1) ? "true" : "false";
      case 5:
      case 6: {
        std::string out = "[";
        for (int k = in.In(0, 3); k > 0; --k) out += value(depth + 1) + (k > 1 ? "," : "");
        return out + "]";
      }
      default:
        return "{\"uid\":" + value(depth + 1) + ",\"items\":" + value(depth + 1) + "}";
    }
  };
  std::string out = R"({"time":"2026-01-05T10:00:00Z","metadata":{"uid":"e1"})";
  if (in.In(0, 3)) out += ",\"action\":" + (in.In(0, 3) ? str() : value(0));
  if (in.In(0, 1)) out += ",\"src_endpoint\":{\"ip\":" + str() + "}";
  if (in.In(0, 1)) out += ",\"resources\":" + value(0);
  if (in.In(0, 1)) out += ",\"raw\":{\"items\":" + value(0) + ",\"uid\":" + value(1) + "}";
  if (in.In(0, 1)) out += ",\"quota\":{\"value\":" + value(1) + "}";
  if (in.In(0, 1)) out += ",\"num\":" + value(1);
  if (in.In(0, 1)) out += ",\"actor\":{\"user\":{\"uid\":" + value(1) + "}}";
  return out + "}";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Every compiled module stays in its LLJIT: start a new one now and then
  // so memory stays bounded (functions are used only within one input).
  static std::unique_ptr<JitCompiler> jit;
  static int uses = 0;
  if (!jit || ++uses % 256 == 0) {
    std::string error;
    jit = JitCompiler::Create(&error);
    if (!jit) {
      std::fprintf(stderr, "fuzz_jit_diff: JIT unavailable: %s\n", error.c_str());
      __builtin_trap();
    }
  }
  Bytes in(data, size);
  Program program = BaseProgram();
  for (int r = in.In(1, 3); r > 0; --r) {
    Rule rule;
    rule.name = "r" + std::to_string(r);
    rule.kind = RuleKind::kMatch;
    rule.pred = MakeBlock(in);
    program.rules.push_back(std::move(rule));
  }
  std::string error;
  auto pack = LoadedPack::Load(std::move(program), &error);
  if (!pack) return 0;  // the generator aims at verified code; skip the rest
  std::vector<JitPredicate> fns;
  for (const Rule& r : pack->program().rules) {
    std::string why;
    JitPredicate fn = jit->Compile(r.pred, *pack, &why);
    if (!fn) {
      std::fprintf(stderr, "fuzz_jit_diff: verified block not compiled: %s\n%s\n", why.c_str(),
                   Disassemble(r.pred, pack->program()).c_str());
      __builtin_trap();
    }
    fns.push_back(fn);
  }
  EventReader reader(pack->program());
  Interpreter vm(*pack);
  for (int e = in.In(1, 4); e > 0; --e) {
    const std::string json = MakeEvent(in);
    Event event;
    if (!reader.Read(json, &event, &error)) continue;  // e.g. invalid UTF-8
    for (size_t r = 0; r < fns.size(); ++r) {
      const Code& code = pack->program().rules[r].pred;
      const bool want = vm.Run(code, event);
      if (RunJit(fns[r], event) != want) {
        std::fprintf(stderr, "fuzz_jit_diff: jit %d, interpreter %d on %s\n%s\n", !want, want,
                     json.c_str(), Disassemble(code, pack->program()).c_str());
        __builtin_trap();
      }
    }
  }
  return 0;
}
