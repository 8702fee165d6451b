// libFuzzer target for the event boundary: any bytes as one event line ->
// EventReader, which must accept or reject with a message, never crash;
// accepted events run through predicates that touch every kind of slot
// (lists, json, times). Also checks ParseTime/FormatTime on the input:
// whatever ParseTime accepts, FormatTime prints and ParseTime reads back to
// the same instant truncated to the millisecond.
//
// Seeds: RDL_FUZZ_WRITE_SEEDS=DIR fuzz_event_reader writes a few events into
// DIR and exits (tests/fuzz/smoke.sh uses it).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "rdl/program.h"
#include "runtime/vm/event.h"
#include "runtime/vm/interpreter.h"
#include "runtime/vm/loaded_pack.h"

namespace {

using namespace rdl;

Instr I(Op op, uint8_t a = 0, uint16_t b = 0, uint16_t c = 0) { return Instr{op, a, b, c, 0}; }

// Fields of every type, including paths through arrays and into raw.
Program MakeProgram() {
  Program p;
  p.fields = {{{"time"}, FieldType::kTime},
              {{"metadata", "uid"}, FieldType::kString},
              {{"action"}, FieldType::kString},
              {{"src_endpoint", "ip"}, FieldType::kIp},
              {{"resources", "uid"}, FieldType::kStringList},
              {{"resources"}, FieldType::kJson},
              {{"raw"}, FieldType::kJson},
              {{"raw", "a", "b", "c"}, FieldType::kJson},
              {{"share", "accounts"}, FieldType::kStringList},
              {{"quota", "value"}, FieldType::kFloat},
              {{"n"}, FieldType::kInt},
              {{"flag"}, FieldType::kBool},
              {{"raw", "when"}, FieldType::kTime}};
  p.time_slot = 0;
  p.uid_slot = 1;
  Constant path;
  path.kind = ConstKind::kPath;
  path.set = {"a", "b"};
  Constant cidr;
  cidr.kind = ConstKind::kCidr;
  cidr.s = "::/0";
  Constant set;
  set.kind = ConstKind::kStringSet;
  set.set = {"x", "y"};
  p.consts = {path, cidr, set};
  // For every slot s: compare it with every other slot, test it, iterate it.
  Rule r;
  r.name = "all";
  r.kind = RuleKind::kMatch;
  r.pred.num_regs = 8;
  const uint16_t n = static_cast<uint16_t>(p.fields.size());
  for (uint16_t s = 0; s < n; ++s) {
    r.pred.instrs.push_back(I(Op::LoadField, 0, s));
    r.pred.instrs.push_back(I(Op::LoadField, 1, static_cast<uint16_t>((s + 1) % n)));
    for (Op op :
         {Op::Eq, Op::Ne, Op::Lt, Op::EqCI, Op::InArray, Op::Contains, Op::Add, Op::Div, Op::Mod}) {
      r.pred.instrs.push_back(I(op, 2, 0, 1));
    }
    r.pred.instrs.push_back(I(Op::GetPath, 2, 0, 0));
    r.pred.instrs.push_back(I(Op::InCidr, 2, 0, 1));
    r.pred.instrs.push_back(I(Op::InSetCI, 2, 0, 2));
    r.pred.instrs.push_back(I(Op::Lower, 2, 0));
    r.pred.instrs.push_back(I(Op::Len, 2, 2));
    // for x in slot: x == slot+1
    uint16_t at = static_cast<uint16_t>(r.pred.instrs.size());
    r.pred.instrs.push_back(I(Op::IterInit, 3, 0));
    r.pred.instrs.push_back(I(Op::IterNext, 3, static_cast<uint16_t>(at + 4), 5));
    r.pred.instrs.push_back(I(Op::Eq, 6, 5, 1));
    r.pred.instrs.push_back(I(Op::Jump, 0, static_cast<uint16_t>(at + 1)));
  }
  r.pred.instrs.push_back(I(Op::Return, 2));
  p.rules = {r};
  return p;
}

const char* const kSeeds[] = {
    R"({"time":"2026-01-05T10:00:00Z","metadata":{"uid":"e1"},"action":"snapshot.create","src_endpoint":{"ip":"10.1.2.3"},"resources":[{"uid":"a"},{"uid":"b"}],"share":{"accounts":["1","2"]},"quota":{"value":5.5},"n":3,"flag":true,"raw":{"a":[{"b":{"c":1}},{"b":[{"c":"x"}]}],"when":"2026-01-05 10:00:00.5"}})",
    R"({"time":1767607200250,"share":{"accounts":"all"},"raw":{"a":{"b":{"c":{"d":[]}}}}})",
    R"({"time":"2026-01-05T12:00:00.123456789+02:00","resources":[],"raw":null})",
    R"([1,2,3])",
    R"({"time":"2026-02-30T00:00:00Z"})",
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("RDL_FUZZ_WRITE_SEEDS")) {
    int i = 0;
    for (const char* seed : kSeeds) {
      std::string path = std::string(dir) + "/seed_event_" + std::to_string(i++);
      if (FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fputs(seed, f);
        std::fclose(f);
      }
    }
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::string error;
  static std::unique_ptr<LoadedPack> pack = LoadedPack::Load(MakeProgram(), &error);
  if (!pack) {
    std::fprintf(stderr, "fuzz program does not load: %s\n", error.c_str());
    __builtin_trap();
  }
  static EventReader reader(pack->program());
  static Interpreter vm(*pack);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Event event;
  if (reader.Read(text, &event, &error)) {
    vm.Run(pack->program().rules[0].pred, event);
  } else if (error.empty()) {
    __builtin_trap();
  }
  int64_t ns = 0;
  if (ParseTime(text, &ns)) {
    int64_t back = 0;
    int64_t ms_floor = ns - ((ns % 1000000) + 1000000) % 1000000;
    if (!ParseTime(FormatTime(ns), &back) || back != ms_floor) __builtin_trap();
  }
  return 0;
}
