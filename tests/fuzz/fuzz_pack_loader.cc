// libFuzzer target for the pack boundary: bytes -> ReadPack -> VerifyProgram
// -> LoadedPack, which must reject or accept, never crash; and every pack
// that loads must run (EventReader + Interpreter over fixed events) without
// a crash or a hang, which is what the verifier promises the interpreter.
//
// Input: byte 0 is a mode. Odd: the rest is a pack whose total size and
// checksum are fixed up before reading (so mutations reach the section
// parsers, the verifier and the loader instead of dying at the checksum).
// Even: the rest is read as it is.
//
// Seeds: RDL_FUZZ_WRITE_SEEDS=DIR fuzz_pack_loader writes a few valid packs
// (in both modes) into DIR and exits (tests/fuzz/smoke.sh uses it).
#include <xxhash.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "rdl/program.h"
#include "runtime/format/pack.h"
#include "runtime/vm/event.h"
#include "runtime/vm/interpreter.h"
#include "runtime/vm/loaded_pack.h"

namespace {

using namespace rdl;

Instr I(Op op, uint8_t a = 0, uint16_t b = 0, uint16_t c = 0) { return Instr{op, a, b, c, 0}; }

Constant K(ConstKind kind, std::string s = {}, std::vector<std::string> set = {}) {
  Constant k;
  k.kind = kind;
  k.s = std::move(s);
  k.set = std::move(set);
  return k;
}

// Seed programs: every opcode appears in one of them.
std::vector<Program> SeedPrograms() {
  Program p;
  p.fields = {{{"time"}, FieldType::kTime},
              {{"metadata", "uid"}, FieldType::kString},
              {{"action"}, FieldType::kString},
              {{"src_endpoint", "ip"}, FieldType::kIp},
              {{"resources", "uid"}, FieldType::kStringList},
              {{"raw"}, FieldType::kJson},
              {{"actor", "user", "uid"}, FieldType::kString}};
  p.time_slot = 0;
  p.uid_slot = 1;
  Constant i1;
  i1.kind = ConstKind::kInt;
  i1.i = 1;
  Constant t;
  t.kind = ConstKind::kBool;
  t.b = true;
  p.consts = {K(ConstKind::kStringSet, {}, {"snapshot.create", "Instance.Delete"}),
              K(ConstKind::kRegex, "(?i)^snap"),
              K(ConstKind::kCidr, "10.0.0.0/8"),
              K(ConstKind::kPath, {}, {"items", "group"}),
              K(ConstKind::kString, "snap"),
              i1,
              t,
              K(ConstKind::kCidr, "2001:db8::/32")};
  Rule m;
  m.name = "m";
  m.kind = RuleKind::kMatch;
  m.pred.num_regs = 10;
  m.pred.instrs = {
      I(Op::LoadField, 0, 2),   I(Op::InSet, 1, 0, 0),      I(Op::JumpIfFalse, 1, 4),
      I(Op::Match, 1, 0, 1),    I(Op::LoadField, 2, 3),     I(Op::InCidr, 3, 2, 2),
      I(Op::InCidr, 3, 2, 7),   I(Op::LoadField, 4, 5),     I(Op::GetPath, 5, 4, 3),
      I(Op::LoadConst, 6, 4),   I(Op::StartsWith, 7, 5, 6), I(Op::EndsWith, 7, 5, 6),
      I(Op::Contains, 7, 0, 6), I(Op::EqCI, 7, 0, 6),       I(Op::InSetCI, 7, 0, 0),
      I(Op::Lower, 8, 0),       I(Op::Upper, 8, 8),         I(Op::Len, 8, 8),
      I(Op::LoadConst, 9, 5),   I(Op::Add, 8, 8, 9),        I(Op::Sub, 8, 8, 9),
      I(Op::Mul, 8, 8, 9),      I(Op::Div, 8, 8, 9),        I(Op::Mod, 8, 8, 9),
      I(Op::Neg, 8, 8),         I(Op::Lt, 7, 8, 9),         I(Op::Le, 7, 8, 9),
      I(Op::Gt, 7, 8, 9),       I(Op::Ge, 7, 8, 9),         I(Op::Ne, 7, 8, 9),
      I(Op::Exists, 7, 5),      I(Op::Not, 7, 7),           I(Op::Move, 6, 7),
      I(Op::LoadField, 5, 4),   I(Op::InArray, 7, 6, 5),    I(Op::Eq, 7, 6, 5),
      I(Op::JumpIfTrue, 7, 37), I(Op::Return, 1),
  };
  Rule loop;
  loop.name = "loop";
  loop.kind = RuleKind::kCount;
  loop.within_ns = 60000000000;
  loop.threshold = 2;
  loop.by_slots = {6};
  loop.key_names = {"actor.user.uid"};
  loop.pred.num_regs = 7;
  loop.pred.instrs = {
      I(Op::LoadField, 0, 5), I(Op::GetPath, 0, 0, 3),  I(Op::IterInit, 1, 0),
      I(Op::LoadConst, 6, 6), I(Op::IterNext, 1, 8, 3), I(Op::LoadConst, 4, 4),
      I(Op::Eq, 5, 3, 4),     I(Op::JumpIfFalse, 5, 4), I(Op::Return, 6),
  };
  Rule seq;
  seq.name = "seq";
  seq.kind = RuleKind::kSequence;
  seq.within_ns = 3600000000000;
  seq.key_names = {"actor.user.uid"};
  Stage s0;
  s0.label = "a";
  s0.pred.num_regs = 2;
  s0.pred.instrs = {I(Op::LoadField, 0, 2), I(Op::InSet, 1, 0, 0), I(Op::Return, 1)};
  s0.key_slots = {6};
  s0.captures = {1, 0, 2, 4};
  Stage s1 = s0;
  s1.label = "b";
  s1.pred.num_regs = 3;
  s1.pred.instrs = {I(Op::LoadRef, 0, 0, 3), I(Op::LoadField, 1, 4), I(Op::Eq, 2, 0, 1),
                    I(Op::Return, 2)};
  seq.stages = {s0, s1};
  seq.has_until = true;
  seq.until_pred = s0.pred;
  seq.until_key_slots = {6};
  seq.message = {{TemplatePart::Kind::kCapture, "", 1, 2}};
  p.rules = {m, loop, seq};
  return {p, Program{}};
}

const char* const kEvents[] = {
    R"({"time":"2026-01-05T10:00:00Z","metadata":{"uid":"e1"},"action":"snapshot.create",
        "src_endpoint":{"ip":"10.1.2.3"},"resources":[{"uid":"a"},{"uid":"b"}],
        "actor":{"user":{"uid":"alice"}},"raw":{"items":[{"group":"snap"},{"group":"x"}]}})",
    R"({"time":"2026-01-05 10:00:00","action":"INSTANCE.delete","src_endpoint":{"ip":"2001:db8::1"},
        "resources":"a","raw":{"items":{"group":[1,2.5,null,true]}}})",
};

void Resign(std::vector<uint8_t>& b) {
  if (b.size() < 32) return;
  uint64_t total = b.size();
  uint64_t sum = XXH64(b.data() + 32, b.size() - 32, 0);
  for (int i = 0; i < 8; ++i) {
    b[0x10 + i] = static_cast<uint8_t>(total >> (8 * i));
    b[0x18 + i] = static_cast<uint8_t>(sum >> (8 * i));
  }
}

void WriteSeeds(const char* dir) {
  int n = 0;
  for (const Program& p : SeedPrograms()) {
    std::vector<uint8_t> pack = WritePack(p);
    std::string error;
    if (!p.fields.empty() && !LoadedPack::LoadBytes(pack, &error)) {
      std::fprintf(stderr, "seed program does not load: %s\n", error.c_str());
      std::exit(1);
    }
    for (uint8_t mode : {0, 1}) {
      std::string path = std::string(dir) + "/seed_pack_" + std::to_string(n++);
      FILE* f = std::fopen(path.c_str(), "wb");
      if (!f) continue;
      std::fputc(mode, f);
      std::fwrite(pack.data(), 1, pack.size(), f);
      std::fclose(f);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("RDL_FUZZ_WRITE_SEEDS")) {
    WriteSeeds(dir);
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::vector<uint8_t> bytes(data + 1, data + size);
  if (data[0] & 1) Resign(bytes);
  std::string error;
  auto pack = LoadedPack::LoadBytes(bytes, &error);
  if (!pack) {
    if (error.empty()) __builtin_trap();  // a rejection always says why
    return 0;
  }
  EventReader reader(pack->program());
  Interpreter vm(*pack);
  Event event;
  for (const char* json : kEvents) {
    if (!reader.Read(json, &event, &error)) continue;
    for (const Rule& r : pack->program().rules) {
      // Only verified blocks: a sequence's pred and a rule's until_pred
      // are verified only when used (non-empty / has_until).
      if (r.kind != RuleKind::kSequence || !r.pred.instrs.empty()) vm.Run(r.pred, event);
      for (const Stage& s : r.stages) {
        // Refs shaped as the engine would pass them: one row per earlier
        // stage, one value per capture.
        StageRefs refs;
        for (const Stage& earlier : r.stages) {
          refs.emplace_back(earlier.captures.size(), Value::String("x"));
        }
        vm.Run(s.pred, event, &refs);
      }
      if (r.has_until) vm.Run(r.until_pred, event);
      (void)Disassemble(r.pred, pack->program());
    }
  }
  // What loads must round-trip through the writer.
  Program back;
  if (!ReadPack(WritePack(pack->program()), &back, &error) || !(back == pack->program())) {
    __builtin_trap();
  }
  return 0;
}
