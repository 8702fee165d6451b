// WritePack: serializes a Program into .rpk bytes (layout in
// docs/pack-format.md). Every field of every struct is written, in
// declaration order, so ReadPack(WritePack(p)) == p holds for any Program,
// and nothing depends on the host (explicit little-endian, no padding
// copied from memory), so the same Program always gives the same bytes.
#include <xxhash.h>

#include <bit>

#include "runtime/format/pack.h"
#include "runtime/format/pack_layout.h"

namespace rdl {
namespace {

using namespace pack_layout;

class ByteWriter {
 public:
  std::vector<uint8_t>& bytes() { return out_; }

  void U8(uint8_t v) { out_.push_back(v); }
  void U16(uint16_t v) { PutLE(v, 2); }
  void U32(uint32_t v) { PutLE(v, 4); }
  void U64(uint64_t v) { PutLE(v, 8); }
  void I64(int64_t v) { PutLE(static_cast<uint64_t>(v), 8); }
  void F64(double v) { PutLE(std::bit_cast<uint64_t>(v), 8); }
  void Bool(bool v) { U8(v ? 1 : 0); }
  void Str(const std::string& s) {
    U32(static_cast<uint32_t>(s.size()));
    out_.insert(out_.end(), s.begin(), s.end());
  }
  void Strs(const std::vector<std::string>& v) {
    U32(static_cast<uint32_t>(v.size()));
    for (const auto& s : v) Str(s);
  }
  void U16s(const std::vector<uint16_t>& v) {
    U32(static_cast<uint32_t>(v.size()));
    for (uint16_t x : v) U16(x);
  }
  void Code(const rdl::Code& code) {
    U16(code.num_regs);
    U32(static_cast<uint32_t>(code.instrs.size()));
    for (const Instr& in : code.instrs) {
      U8(static_cast<uint8_t>(in.op));
      U8(in.a);
      U16(in.b);
      U16(in.c);
      U16(in.pad);
    }
  }
  // Overwrites 4 or 8 bytes at `at` (for sizes known only later).
  void PatchU32(size_t at, uint32_t v) { PatchLE(at, v, 4); }
  void PatchU64(size_t at, uint64_t v) { PatchLE(at, v, 8); }

 private:
  void PutLE(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void PatchLE(size_t at, uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_[at + i] = static_cast<uint8_t>(v >> (8 * i));
  }
  std::vector<uint8_t> out_;
};

void WriteProgramSection(const Program& p, ByteWriter& w) {
  w.U16(p.time_slot);
  w.U16(p.uid_slot);
}

void WriteFields(const Program& p, ByteWriter& w) {
  w.U32(static_cast<uint32_t>(p.fields.size()));
  for (const Field& f : p.fields) {
    w.U8(static_cast<uint8_t>(f.type));
    w.Strs(f.segments);
  }
}

void WriteConsts(const Program& p, ByteWriter& w) {
  w.U32(static_cast<uint32_t>(p.consts.size()));
  for (const Constant& k : p.consts) {
    w.U8(static_cast<uint8_t>(k.kind));
    w.Bool(k.b);
    w.I64(k.i);
    w.F64(k.f);
    w.Str(k.s);
    w.Strs(k.set);
  }
}

void WriteStage(const Stage& s, ByteWriter& w) {
  w.Str(s.label);
  w.Code(s.pred);
  w.U16s(s.key_slots);
  w.Bool(s.absence);
  w.U16s(s.captures);
}

void WriteRule(const Rule& r, ByteWriter& w) {
  w.Str(r.name);
  w.Str(r.title);
  w.Str(r.description);
  w.U8(static_cast<uint8_t>(r.severity));
  w.Strs(r.attack);
  w.Strs(r.data);
  w.Strs(r.references);
  w.Strs(r.tags);
  w.Str(r.source_file);
  w.U32(r.source_line);
  w.U8(static_cast<uint8_t>(r.kind));
  w.Code(r.pred);
  w.U16s(r.by_slots);
  w.I64(r.within_ns);
  w.U64(r.threshold);
  w.U16s(r.value_slots);
  w.I64(r.learn_ns);
  w.U32(static_cast<uint32_t>(r.stages.size()));
  for (const Stage& s : r.stages) WriteStage(s, w);
  w.Bool(r.has_until);
  w.Code(r.until_pred);
  w.U16s(r.until_key_slots);
  w.U16s(r.suppress_slots);
  w.I64(r.suppress_ns);
  w.Strs(r.key_names);
  w.U32(static_cast<uint32_t>(r.message.size()));
  for (const TemplatePart& t : r.message) {
    w.U8(static_cast<uint8_t>(t.kind));
    w.Str(t.text);
    w.U16(t.stage);
    w.U16(t.index);
  }
  w.U32(r.max_keys);
  w.Strs(r.route_actions);
  w.Strs(r.route_operations);
  w.Strs(r.false_positives);
  w.Str(r.tuning);
  w.Bool(r.prefilter_all);
  w.Strs(r.prefilter_actions);
  w.Strs(r.prefilter_literals);
  w.U32(static_cast<uint32_t>(r.index_filters.size()));
  for (const IndexFilter& f : r.index_filters) {
    w.U16(f.slot);
    w.Bool(f.ci);
    w.Bool(f.prefix);
    w.Strs(f.values);
  }
}

void WriteRules(const Program& p, ByteWriter& w) {
  w.U32(static_cast<uint32_t>(p.rules.size()));
  for (const Rule& r : p.rules) WriteRule(r, w);
}

}  // namespace

std::vector<uint8_t> WritePack(const Program& program) {
  ByteWriter w;
  // Header, checksum and sizes patched at the end.
  w.U32(kPackMagic);
  w.U16(kPackVersionMajor);
  w.U16(kPackVersionMinor);
  w.U32(0);  // flags
  w.U32(kNumSections);
  w.U64(0);  // total size
  w.U64(0);  // checksum
  size_t table = w.bytes().size();
  for (uint32_t i = 0; i < kNumSections; ++i) {
    w.U32(i + 1);
    w.U32(0);
    w.U32(0);
  }
  using SectionFn = void (*)(const Program&, ByteWriter&);
  constexpr SectionFn kWriters[kNumSections] = {WriteProgramSection, WriteFields, WriteConsts,
                                                WriteRules};
  for (uint32_t i = 0; i < kNumSections; ++i) {
    size_t start = w.bytes().size();
    kWriters[i](program, w);
    size_t entry = table + i * kSectionEntrySize;
    w.PatchU32(entry + 4, static_cast<uint32_t>(start));
    w.PatchU32(entry + 8, static_cast<uint32_t>(w.bytes().size() - start));
  }
  std::vector<uint8_t>& out = w.bytes();
  w.PatchU64(kTotalSizeOffset, out.size());
  w.PatchU64(kChecksumOffset,
             XXH64(out.data() + kHeaderSize, out.size() - kHeaderSize, kChecksumSeed));
  return std::move(out);
}

}  // namespace rdl
