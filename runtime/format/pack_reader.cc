// ReadPack: parses .rpk bytes back into a Program. The bytes are untrusted:
// every read is bounds-checked against its section, every count is checked
// against the bytes left before anything is allocated, every enum and bool
// byte is range-checked, and every error names the absolute byte offset and
// the section ("offset 0x1c [rules]: string length 4294967295 past end of
// section"). Bytecode itself is checked later by VerifyProgram.
#include <fmt/format.h>
#include <xxhash.h>

#include <bit>

#include "runtime/format/pack.h"
#include "runtime/format/pack_layout.h"

namespace rdl {
namespace {

using namespace pack_layout;

uint64_t LoadLE(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

// A bounds-checked cursor over one section. The first failure records the
// message; later calls fail without overwriting it.
class Cursor {
 public:
  Cursor(std::span<const uint8_t> bytes, size_t begin, size_t end, const char* section,
         std::string* error)
      : bytes_(bytes), pos_(begin), end_(end), section_(section), error_(error) {}

  bool ok() const { return ok_; }
  // The pack's minor version: fields added by later minors are read only
  // when present.
  uint16_t minor = kPackVersionMinor;
  size_t pos() const { return pos_; }
  size_t left() const { return end_ - pos_; }

  bool Fail(size_t at, const std::string& msg) {
    if (ok_) {
      ok_ = false;
      *error_ = fmt::format("offset 0x{:x} [{}]: {}", at, section_, msg);
    }
    return false;
  }

  bool U8(uint8_t* v, const char* what) { return Fixed(v, 1, what); }
  bool U16(uint16_t* v, const char* what) { return Fixed(v, 2, what); }
  bool U32(uint32_t* v, const char* what) { return Fixed(v, 4, what); }
  bool U64(uint64_t* v, const char* what) { return Fixed(v, 8, what); }
  bool I64(int64_t* v, const char* what) {
    uint64_t u;
    if (!Fixed(&u, 8, what)) return false;
    *v = static_cast<int64_t>(u);
    return true;
  }
  bool F64(double* v, const char* what) {
    uint64_t u;
    if (!Fixed(&u, 8, what)) return false;
    *v = std::bit_cast<double>(u);
    return true;
  }
  bool Bool(bool* v, const char* what) {
    size_t at = pos_;
    uint8_t b;
    if (!U8(&b, what)) return false;
    if (b > 1) return Fail(at, fmt::format("{}: bool byte {} is not 0 or 1", what, b));
    *v = b == 1;
    return true;
  }
  // An enum byte in [0, max].
  template <typename E>
  bool Enum(E* v, uint8_t max, const char* what) {
    size_t at = pos_;
    uint8_t b;
    if (!U8(&b, what)) return false;
    if (b > max) return Fail(at, fmt::format("{} {} out of range (max {})", what, b, max));
    *v = static_cast<E>(b);
    return true;
  }
  // A u32 element count; each element needs at least `min_size` bytes, so a
  // count that cannot fit in the section is rejected before allocating.
  bool Count(uint32_t* n, size_t min_size, const char* what) {
    size_t at = pos_;
    if (!U32(n, what)) return false;
    if (static_cast<uint64_t>(*n) * min_size > left()) {
      return Fail(at, fmt::format("{} count {} past end of section", what, *n));
    }
    return true;
  }
  bool Str(std::string* s, const char* what) {
    size_t at = pos_;
    uint32_t n;
    if (!U32(&n, what)) return false;
    if (n > left()) {
      return Fail(at, fmt::format("{} length {} past end of section", what, n));
    }
    s->assign(reinterpret_cast<const char*>(bytes_.data() + pos_), n);
    pos_ += n;
    return true;
  }
  bool Strs(std::vector<std::string>* v, const char* what) {
    uint32_t n;
    if (!Count(&n, 4, what)) return false;
    v->resize(n);
    for (auto& s : *v) {
      if (!Str(&s, what)) return false;
    }
    return true;
  }
  bool U16s(std::vector<uint16_t>* v, const char* what) {
    uint32_t n;
    if (!Count(&n, 2, what)) return false;
    v->resize(n);
    for (auto& x : *v) {
      if (!U16(&x, what)) return false;
    }
    return true;
  }
  bool Code(rdl::Code* code, const char* what) {
    uint32_t n;
    if (!U16(&code->num_regs, what) || !Count(&n, sizeof(Instr), what)) return false;
    code->instrs.resize(n);
    for (Instr& in : code->instrs) {
      uint8_t op;
      // Opcode values are not range-checked here: VerifyProgram names the
      // rule and instruction of a bad one.
      if (!U8(&op, what) || !U8(&in.a, what) || !U16(&in.b, what) || !U16(&in.c, what) ||
          !U16(&in.pad, what)) {
        return false;
      }
      in.op = static_cast<Op>(op);
    }
    return true;
  }
  // The section must be consumed exactly.
  bool Finish() {
    if (ok_ && pos_ != end_) {
      return Fail(pos_, fmt::format("{} unexpected bytes at end of section", end_ - pos_));
    }
    return ok_;
  }

 private:
  template <typename T>
  bool Fixed(T* v, int n, const char* what) {
    if (!ok_) return false;
    if (left() < static_cast<size_t>(n)) {
      return Fail(
          pos_, fmt::format("truncated {} ({} bytes needed, {} left in section)", what, n, left()));
    }
    *v = static_cast<T>(LoadLE(bytes_.data() + pos_, n));
    pos_ += n;
    return true;
  }

  std::span<const uint8_t> bytes_;
  size_t pos_;
  size_t end_;
  const char* section_;
  std::string* error_;
  bool ok_ = true;
};

bool ReadProgramSection(Cursor& c, Program* p) {
  return c.U16(&p->time_slot, "time slot") && c.U16(&p->uid_slot, "uid slot");
}

bool ReadFields(Cursor& c, Program* p) {
  uint32_t n;
  if (!c.Count(&n, 5, "field")) return false;
  p->fields.resize(n);
  for (Field& f : p->fields) {
    if (!c.Enum(&f.type, kMaxFieldType, "field type") || !c.Strs(&f.segments, "field segment")) {
      return false;
    }
  }
  return true;
}

bool ReadConsts(Cursor& c, Program* p) {
  uint32_t n;
  // kind, bool, int, float, string length, set count.
  if (!c.Count(&n, 26, "constant")) return false;
  p->consts.resize(n);
  for (Constant& k : p->consts) {
    if (!c.Enum(&k.kind, kMaxConstKind, "constant kind") || !c.Bool(&k.b, "constant bool") ||
        !c.I64(&k.i, "constant int") || !c.F64(&k.f, "constant float") ||
        !c.Str(&k.s, "constant string") || !c.Strs(&k.set, "constant set member")) {
      return false;
    }
  }
  return true;
}

bool ReadStage(Cursor& c, Stage* s) {
  return c.Str(&s->label, "stage label") && c.Code(&s->pred, "stage instruction") &&
         c.U16s(&s->key_slots, "stage key slot") && c.Bool(&s->absence, "stage absence") &&
         c.U16s(&s->captures, "stage capture");
}

bool ReadRule(Cursor& c, Rule* r) {
  if (!c.Str(&r->name, "rule name") || !c.Str(&r->title, "rule title") ||
      !c.Str(&r->description, "rule description") ||
      !c.Enum(&r->severity, kMaxSeverity, "severity") || !c.Strs(&r->attack, "attack id") ||
      !c.Strs(&r->data, "data label") || !c.Strs(&r->references, "reference") ||
      !c.Strs(&r->tags, "tag") || !c.Str(&r->source_file, "source file") ||
      !c.U32(&r->source_line, "source line") || !c.Enum(&r->kind, kMaxRuleKind, "rule kind") ||
      !c.Code(&r->pred, "instruction") || !c.U16s(&r->by_slots, "by slot") ||
      !c.I64(&r->within_ns, "within") || !c.U64(&r->threshold, "threshold") ||
      !c.U16s(&r->value_slots, "value slot") || !c.I64(&r->learn_ns, "learn")) {
    return false;
  }
  uint32_t n;
  // A stage is at least label(4) + code(6) + keys(4) + absence(1) + captures(4).
  if (!c.Count(&n, 19, "stage")) return false;
  r->stages.resize(n);
  for (Stage& s : r->stages) {
    if (!ReadStage(c, &s)) return false;
  }
  if (!c.Bool(&r->has_until, "has until") || !c.Code(&r->until_pred, "until instruction") ||
      !c.U16s(&r->until_key_slots, "until key slot") ||
      !c.U16s(&r->suppress_slots, "suppress slot") || !c.I64(&r->suppress_ns, "suppress span") ||
      !c.Strs(&r->key_names, "key name")) {
    return false;
  }
  if (!c.Count(&n, 9, "template part")) return false;
  r->message.resize(n);
  for (TemplatePart& t : r->message) {
    if (!c.Enum(&t.kind, kMaxTemplateKind, "template part kind") ||
        !c.Str(&t.text, "template text") || !c.U16(&t.stage, "template stage") ||
        !c.U16(&t.index, "template index")) {
      return false;
    }
  }
  if (!c.U32(&r->max_keys, "max keys") || !c.Strs(&r->route_actions, "route action") ||
      !c.Strs(&r->route_operations, "route operation") ||
      !c.Strs(&r->false_positives, "false positive") || !c.Str(&r->tuning, "tuning")) {
    return false;
  }
  if (c.minor < 1) return true;
  if (!c.Bool(&r->prefilter_all, "prefilter all") ||
      !c.Strs(&r->prefilter_actions, "prefilter action") ||
      !c.Strs(&r->prefilter_literals, "prefilter literal")) {
    return false;
  }
  if (c.minor < 2) return true;
  // A filter is at least slot(2) + ci(1) + prefix(1) + values(4).
  if (!c.Count(&n, 8, "index filter")) return false;
  r->index_filters.resize(n);
  for (IndexFilter& f : r->index_filters) {
    if (!c.U16(&f.slot, "index filter slot") || !c.Bool(&f.ci, "index filter ci") ||
        !c.Bool(&f.prefix, "index filter prefix") || !c.Strs(&f.values, "index filter value")) {
      return false;
    }
  }
  return true;
}

bool ReadRules(Cursor& c, Program* p) {
  uint32_t n;
  // The fixed-size fields and empty vectors/strings of a rule: 131 bytes
  // (140 from 1.1 on, 144 from 1.2 on).
  if (!c.Count(&n, c.minor < 1 ? 131 : c.minor < 2 ? 140 : 144, "rule")) return false;
  p->rules.resize(n);
  for (Rule& r : p->rules) {
    if (!ReadRule(c, &r)) return false;
  }
  return true;
}

std::string At(size_t offset, const char* section, const std::string& msg) {
  return fmt::format("offset 0x{:x} [{}]: {}", offset, section, msg);
}

}  // namespace

bool ReadPack(std::span<const uint8_t> bytes, Program* out, std::string* error) {
  auto fail = [&](size_t offset, const char* section, const std::string& msg) {
    *error = At(offset, section, msg);
    return false;
  };
  if (bytes.size() < kHeaderSize) {
    return fail(0, "header",
                fmt::format("pack is {} bytes, shorter than the {}-byte header", bytes.size(),
                            kHeaderSize));
  }
  const uint8_t* b = bytes.data();
  uint32_t magic = static_cast<uint32_t>(LoadLE(b + kMagicOffset, 4));
  if (magic != kPackMagic) {
    return fail(kMagicOffset, "header",
                fmt::format("bad magic 0x{:08x} (not a .rpk pack; expected \"DRPK\")", magic));
  }
  uint16_t major = static_cast<uint16_t>(LoadLE(b + kMajorOffset, 2));
  uint16_t minor = static_cast<uint16_t>(LoadLE(b + kMinorOffset, 2));
  // Same major only; an older minor is readable, a newer one may use
  // features this reader lacks.
  if (major != kPackVersionMajor || minor > kPackVersionMinor) {
    return fail(kMajorOffset, "header",
                fmt::format("unsupported pack version {}.{} (this runtime reads {}.0 to {}.{})",
                            major, minor, kPackVersionMajor, kPackVersionMajor, kPackVersionMinor));
  }
  uint32_t flags = static_cast<uint32_t>(LoadLE(b + kFlagsOffset, 4));
  if (flags != 0) {
    return fail(kFlagsOffset, "header", fmt::format("unknown flags 0x{:x}", flags));
  }
  uint64_t total = LoadLE(b + kTotalSizeOffset, 8);
  if (total != bytes.size()) {
    return fail(kTotalSizeOffset, "header",
                fmt::format("header says the pack is {} bytes but it is {} bytes (truncated or "
                            "padded)",
                            total, bytes.size()));
  }
  uint64_t want = LoadLE(b + kChecksumOffset, 8);
  uint64_t got = XXH64(b + kHeaderSize, bytes.size() - kHeaderSize, kChecksumSeed);
  if (want != got) {
    return fail(kChecksumOffset, "header",
                fmt::format("checksum mismatch: header 0x{:016x}, contents 0x{:016x} (corrupted)",
                            want, got));
  }
  uint32_t count = static_cast<uint32_t>(LoadLE(b + kSectionCountOffset, 4));
  if (count != kNumSections) {
    return fail(kSectionCountOffset, "header",
                fmt::format("{} sections, expected {}", count, kNumSections));
  }
  // Sections follow the table contiguously, in id order, and end the file.
  size_t expect = kHeaderSize + static_cast<size_t>(count) * kSectionEntrySize;
  if (expect > bytes.size()) {
    return fail(kHeaderSize, "sections", "section table past end of pack");
  }
  Program p;
  using SectionFn = bool (*)(Cursor&, Program*);
  constexpr SectionFn kReaders[kNumSections] = {ReadProgramSection, ReadFields, ReadConsts,
                                                ReadRules};
  for (uint32_t i = 0; i < count; ++i) {
    size_t entry = kHeaderSize + i * kSectionEntrySize;
    uint32_t id = static_cast<uint32_t>(LoadLE(b + entry, 4));
    uint32_t offset = static_cast<uint32_t>(LoadLE(b + entry + 4, 4));
    uint32_t size = static_cast<uint32_t>(LoadLE(b + entry + 8, 4));
    if (id != i + 1) {
      return fail(
          entry, "sections",
          fmt::format("section {} has id {}, expected {} ({})", i, id, i + 1, SectionName(i + 1)));
    }
    if (offset != expect) {
      return fail(entry + 4, "sections",
                  fmt::format("section {} starts at 0x{:x}, expected 0x{:x}", SectionName(id),
                              offset, expect));
    }
    if (size > bytes.size() - offset) {
      return fail(entry + 8, "sections",
                  fmt::format("section {} size {} past end of pack", SectionName(id), size));
    }
    Cursor c(bytes, offset, offset + size, SectionName(id), error);
    c.minor = minor;
    if (!kReaders[i](c, &p) || !c.Finish()) return false;
    expect = static_cast<size_t>(offset) + size;
  }
  if (expect != bytes.size()) {
    return fail(expect, "sections",
                fmt::format("{} bytes after the last section", bytes.size() - expect));
  }
  *out = std::move(p);
  return true;
}

}  // namespace rdl
