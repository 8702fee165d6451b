// Pack writer/reader: round trip, determinism, header checks, and that no
// truncation, bit flip or (re-checksummed) corruption of a real pack gets
// past the reader or crashes it.
#include <fmt/format.h>
#include <xxhash.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "tests/vm/vm_test_util.h"

namespace rdl::test {
namespace {

uint32_t Get32(const std::vector<uint8_t>& b, size_t at) {
  return b[at] | b[at + 1] << 8 | b[at + 2] << 16 | static_cast<uint32_t>(b[at + 3]) << 24;
}
void Put32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
void Put64(std::vector<uint8_t>& b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
// Fixes the total size and checksum after an edit, as an attacker would.
void Resign(std::vector<uint8_t>& b) {
  Put64(b, 0x10, b.size());
  Put64(b, 0x18, XXH64(b.data() + 32, b.size() - 32, 0));
}
// Offset of section `i` (0-based: program, fields, consts, rules).
size_t SectionOffset(const std::vector<uint8_t>& b, int i) { return Get32(b, 32 + 12 * i + 4); }

// A program that sets every field of every struct to something non-default.
Program Rich() {
  Program p = MakeProgram(
      {KNull(), KBool(true), KInt(-42), KFloat(2.5), KStr("snapshot.create"), KRegex("^snap"),
       KCidr("2001:db8::/32"), KSet({"a", "b", ""}), KPath({"items", "group"})},
      {});
  p.consts[0].s = "odd but kept";  // unused fields round-trip too
  p.consts[1].i = 7;
  Rule m = MatchRule(
      "snapshot_burst",
      MakeCode({I(Op::LoadField, 0, kAction), I(Op::InSet, 1, 0, 7), I(Op::Return, 1)}, 2));
  m.title = "Burst of snapshot creation";
  m.description = "multi\nline \"quoted\" \xc3\xa9";
  m.severity = Severity::kHigh;
  m.attack = {"T1578.001", "T1578"};
  m.data = {"DS0020 Snapshot Creation"};
  m.references = {"https://attack.mitre.org/techniques/T1578/"};
  m.tags = {"t1578", "aws"};
  m.source_file = "rules/t1578/snapshot_burst.rule";
  m.source_line = 12;
  m.kind = RuleKind::kCount;
  m.by_slots = {kActor};
  m.key_names = {"actor.user.uid"};
  m.within_ns = 600LL * 1000000000;
  m.threshold = 5;
  m.value_slots = {kAction};
  m.learn_ns = 3;
  m.suppress_slots = {kActor, kAction};
  m.suppress_ns = 3600LL * 1000000000;
  m.message = {{TemplatePart::Kind::kField, "", 0, kActor},
               {TemplatePart::Kind::kText, " created ", 0, 0},
               {TemplatePart::Kind::kCount, "", 0, 0}};
  m.max_keys = 1000;
  m.route_actions = {"snapshot.create"};
  m.route_operations = {"CreateSnapshot", "CreateSnapshots"};
  m.index_filters = {{kActor, false, true, {"arn:aws:iam::1:", "arn:aws:iam::2:"}},
                     {kResUids, true, false, {"snap-1"}},
                     {kAction, false, false, {}}};
  Rule s = SequenceRule("snap_then_delete",
                        MakeCode({I(Op::LoadRef, 0, 0, 2), I(Op::LoadField, 1, kAction),
                                  I(Op::Ne, 2, 0, 1), I(Op::Return, 2)},
                                 3));
  s.stages[1].absence = true;
  s.has_until = true;
  s.until_pred = MakeCode({I(Op::LoadField, 0, kIp), I(Op::InCidr, 1, 0, 6), I(Op::Return, 1)}, 2);
  s.until_key_slots = {kActor};
  s.message = {{TemplatePart::Kind::kCapture, "", 1, 3}};
  p.rules = {m, s};
  p.fields.push_back({{"raw", "requestParameters", "x"}, FieldType::kJson});
  return p;
}

TEST_CASE("the rich program is valid") {
  std::string error;
  CHECK_MESSAGE(LoadedPack::Load(Rich(), &error) != nullptr, error);
}

TEST_CASE("ReadPack(WritePack(p)) == p") {
  for (const Program& p : {Program{}, MakeProgram({}, {}), Rich()}) {
    std::vector<uint8_t> bytes = WritePack(p);
    Program back;
    std::string error;
    REQUIRE_MESSAGE(ReadPack(bytes, &back, &error), error);
    CHECK(back == p);
    CHECK(WritePack(back) == bytes);
  }
}

// Found by fuzz_pack_loader: a NaN in a constant's float (even the unused
// float of a string constant) made the round trip compare unequal.
TEST_CASE("ReadPack(WritePack(p)) == p with NaN and signed-zero floats") {
  Program p = MakeProgram({}, {});
  for (double f : {std::nan(""), -std::nan(""), -0.0, 0.0}) {
    Constant k;
    k.kind = ConstKind::kFloat;
    k.f = f;
    p.consts.push_back(k);
    k.kind = ConstKind::kString;
    k.s = "x";
    p.consts.push_back(k);
  }
  Program back;
  std::string error;
  REQUIRE_MESSAGE(ReadPack(WritePack(p), &back, &error), error);
  CHECK(back == p);
  CHECK_FALSE(p.consts[4] == p.consts[6]);  // -0.0 and 0.0 are different constants
}

TEST_CASE("writing is deterministic") {
  std::vector<uint8_t> a = WritePack(Rich());
  std::vector<uint8_t> b = WritePack(Rich());
  CHECK(a == b);
  // Not just equal to itself: one changed field changes the bytes.
  Program p = Rich();
  p.rules[0].threshold = 6;
  CHECK(WritePack(p) != a);
}

TEST_CASE("header layout") {
  std::vector<uint8_t> b = WritePack(Rich());
  CHECK(std::string(b.begin(), b.begin() + 4) == "DRPK");
  CHECK(Get32(b, 4) == (kPackVersionMinor << 16 | kPackVersionMajor));
  CHECK(Get32(b, 8) == 0);          // flags
  CHECK(Get32(b, 12) == 4);         // sections
  CHECK(Get32(b, 16) == b.size());  // total size (low half)
  CHECK(Get32(b, 20) == 0);
  uint64_t sum = XXH64(b.data() + 32, b.size() - 32, 0);
  CHECK(Get32(b, 24) == static_cast<uint32_t>(sum));
  CHECK(Get32(b, 28) == static_cast<uint32_t>(sum >> 32));
  // Section table: ids 1..4, contiguous, ending the file.
  size_t expect = 32 + 4 * 12;
  for (int i = 0; i < 4; ++i) {
    CHECK(Get32(b, 32 + 12 * i) == static_cast<uint32_t>(i + 1));
    CHECK(Get32(b, 32 + 12 * i + 4) == expect);
    expect += Get32(b, 32 + 12 * i + 8);
  }
  CHECK(expect == b.size());
  CHECK(Get32(b, SectionOffset(b, 0)) == (kUid << 16 | kTime));
}

TEST_CASE("the empty pack, byte for byte (docs/pack-format.md)") {
  const std::vector<uint8_t> want = {
      0x44, 0x52, 0x50, 0x4b, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
      0x00, 0x00, 0x60, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x72, 0xae, 0x72, 0xa3,
      0x13, 0x7b, 0xd1, 0x69, 0x01, 0x00, 0x00, 0x00, 0x50, 0x00, 0x00, 0x00, 0x04, 0x00,
      0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x54, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
      0x03, 0x00, 0x00, 0x00, 0x58, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x04, 0x00,
      0x00, 0x00, 0x5c, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  };
  CHECK(WritePack(Program{}) == want);
  // 1.0 and 1.1 packs (no prefilter, no index fields; here no rules
  // either) still read.
  for (uint8_t minor : {0, 1}) {
    std::vector<uint8_t> old = want;
    old[6] = minor;
    Program out;
    std::string error;
    CHECK(ReadPack(old, &out, &error));
  }
}

TEST_CASE("a 1.1 pack with rules reads: no index filters") {
  Program p =
      MakeProgram({KStr("snapshot.create")},
                  {MatchRule("m", MakeCode({I(Op::LoadField, 0, kAction), I(Op::LoadConst, 1, 0),
                                            I(Op::Eq, 2, 0, 1), I(Op::Return, 2)},
                                           3))});
  p.rules[0].route_actions = {"snapshot.create"};
  std::vector<uint8_t> b = WritePack(p);
  // The last rule's last field is its index filter count (0), which ends
  // the pack: a 1.1 writer stopped before it.
  REQUIRE(Get32(b, b.size() - 4) == 0);
  b.resize(b.size() - 4);
  Put32(b, 32 + 12 * 3 + 8, Get32(b, 32 + 12 * 3 + 8) - 4);  // rules section size
  b[6] = 1;
  Resign(b);
  Program back;
  std::string error;
  REQUIRE_MESSAGE(ReadPack(b, &back, &error), error);
  CHECK(back == p);
  // The same bytes as 1.2 are short of the count.
  b[6] = 2;
  Resign(b);
  CHECK_FALSE(ReadPack(b, &back, &error));
}

TEST_CASE("truncation at every byte offset is rejected") {
  std::vector<uint8_t> b = WritePack(Rich());
  Program out;
  std::string error;
  for (size_t n = 0; n < b.size(); ++n) {
    INFO("length ", n);
    REQUIRE_FALSE(ReadPack(std::span(b.data(), n), &out, &error));
    if (n < 32) {
      CHECK(error == fmt::format("offset 0x0 [header]: pack is {} bytes, shorter than the 32-byte "
                                 "header",
                                 n));
    } else {
      CHECK(error == fmt::format("offset 0x10 [header]: header says the pack is {} bytes but it "
                                 "is {} bytes (truncated or padded)",
                                 b.size(), n));
    }
  }
  b.push_back(0);
  CHECK_FALSE(ReadPack(b, &out, &error));
}

TEST_CASE("every single-bit flip is rejected") {
  const std::vector<uint8_t> good = WritePack(Rich());
  Program out;
  std::string error;
  size_t checksum_errors = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> b = good;
      b[i] ^= static_cast<uint8_t>(1 << bit);
      INFO("byte ", i, " bit ", bit);
      REQUIRE_FALSE(ReadPack(b, &out, &error));
      if (i >= 32) checksum_errors += error.starts_with("offset 0x18 [header]: checksum mismatch");
    }
  }
  CHECK(checksum_errors == (good.size() - 32) * 8);
}

TEST_CASE("header errors") {
  const std::vector<uint8_t> good = WritePack(Rich());
  Program out;
  std::string error;
  auto b = good;
  b[0] = 'X';
  CHECK_FALSE(ReadPack(b, &out, &error));
  CHECK(error == "offset 0x0 [header]: bad magic 0x4b505258 (not a .rpk pack; expected \"DRPK\")");
  b = good;
  b[4] = 2;  // major 2
  CHECK_FALSE(ReadPack(b, &out, &error));
  CHECK(error ==
        "offset 0x4 [header]: unsupported pack version 2.2 (this runtime reads 1.0 to 1.2)");
  b = good;
  b[6] = 3;  // minor 3: newer than this reader
  CHECK_FALSE(ReadPack(b, &out, &error));
  CHECK(error ==
        "offset 0x4 [header]: unsupported pack version 1.3 (this runtime reads 1.0 to 1.2)");
  b = good;
  b[8] = 4;
  CHECK_FALSE(ReadPack(b, &out, &error));
  CHECK(error == "offset 0x8 [header]: unknown flags 0x4");
  b = good;
  b[40] ^= 1;
  CHECK_FALSE(ReadPack(b, &out, &error));
  CHECK(error.starts_with("offset 0x18 [header]: checksum mismatch: header 0x"));
  b = good;
  Put32(b, 12, 5);
  CHECK_FALSE(ReadPack(b, &out, &error));
  CHECK(error == "offset 0xc [header]: 5 sections, expected 4");
}

TEST_CASE("section errors name the offset and section") {
  const std::vector<uint8_t> good = WritePack(Rich());
  const size_t fields = SectionOffset(good, 1);
  const size_t consts = SectionOffset(good, 2);
  const size_t rules = SectionOffset(good, 3);
  Program out;
  std::string error;
  auto check = [&](std::vector<uint8_t> b, const std::string& want) {
    Resign(b);
    CHECK_FALSE(ReadPack(b, &out, &error));
    CHECK(error == want);
  };
  auto b = good;
  Put32(b, rules + 4, 0xffffffff);  // first rule's name length
  check(b, fmt::format("offset 0x{:x} [rules]: rule name length 4294967295 past end of section",
                       rules + 4));
  b = good;
  Put32(b, rules, 0xffffffff);  // rule count
  check(b, fmt::format("offset 0x{:x} [rules]: rule count 4294967295 past end of section", rules));
  b = good;
  b[fields + 4] = 9;  // first field's type
  check(b, fmt::format("offset 0x{:x} [fields]: field type 9 out of range (max 7)", fields + 4));
  b = good;
  b[consts + 4] = 200;  // first constant's kind
  check(b,
        fmt::format("offset 0x{:x} [consts]: constant kind 200 out of range (max 8)", consts + 4));
  b = good;
  b[consts + 5] = 2;  // first constant's bool
  check(b, fmt::format("offset 0x{:x} [consts]: constant bool: bool byte 2 is not 0 or 1",
                       consts + 5));
  b = good;
  Put32(b, 32 + 4, 0x31);  // program section offset
  check(b, "offset 0x24 [sections]: section program starts at 0x31, expected 0x50");
  b = good;
  Put32(b, 32 + 12, 3);  // fields section id
  check(b, "offset 0x2c [sections]: section 1 has id 3, expected 2 (fields)");
  b = good;
  Put32(b, 32 + 12 * 3 + 8, 0x7fffffff);  // rules size
  check(b, "offset 0x4c [sections]: section rules size 2147483647 past end of pack");
  // A section one byte longer than its contents.
  b = good;
  b.insert(b.begin() + consts, 0xee);
  Put32(b, 32 + 12 + 8, Get32(b, 32 + 12 + 8) + 1);
  Put32(b, 32 + 24 + 4, Get32(b, 32 + 24 + 4) + 1);
  Put32(b, 32 + 36 + 4, Get32(b, 32 + 36 + 4) + 1);
  check(b, fmt::format("offset 0x{:x} [fields]: 1 unexpected bytes at end of section", consts));
  // A section cut short: the last byte of the program section moved out.
  b = good;
  Put32(b, 32 + 8, 3);
  Put32(b, 32 + 12 + 4, Get32(b, 32 + 12 + 4) - 1);
  Put32(b, 32 + 12 + 8, Get32(b, 32 + 12 + 8) + 1);
  check(b, "offset 0x52 [program]: truncated uid slot (2 bytes needed, 1 left in section)");
}

TEST_CASE("corrupted contents with a valid checksum never crash the loader") {
  // Every byte of every section set to a few hostile values, re-signed: the
  // reader, verifier and load-time builders must reject or accept cleanly.
  const std::vector<uint8_t> good = WritePack(Rich());
  size_t accepted = 0, rejected = 0;
  for (size_t i = 32; i < good.size(); ++i) {
    for (uint8_t v : {0x00, 0x01, 0x7f, 0x80, 0xff}) {
      if (good[i] == v) continue;
      std::vector<uint8_t> b = good;
      b[i] = v;
      Resign(b);
      std::string error;
      auto pack = LoadedPack::LoadBytes(b, &error);
      if (pack) {
        ++accepted;
        // A pack that loads must run: read an event, run every block.
        EventReader reader(pack->program());
        Event event;
        if (reader.Read(Ev(R"("action":"snapshot.create","src_endpoint":{"ip":"2001:db8::1"})"),
                        &event, &error)) {
          Interpreter vm(*pack);
          for (const Rule& r : pack->program().rules) {
            if (r.kind != RuleKind::kSequence) vm.Run(r.pred, event);
            StageRefs refs = {
                {Value::String("e0"), Value::Int(0), Value::String("a"), Value::Null()}};
            for (const Stage& s : r.stages) vm.Run(s.pred, event, &refs);
            if (r.has_until) vm.Run(r.until_pred, event);
          }
        }
      } else {
        ++rejected;
        CHECK_FALSE(error.empty());
      }
    }
  }
  CHECK(rejected > 0);
  CHECK(accepted > 0);  // e.g. edits inside strings
}

TEST_CASE("LoadFile") {
  std::string error;
  CHECK_FALSE(LoadedPack::LoadFile("/nonexistent/x.rpk", &error));
  CHECK(error == "/nonexistent/x.rpk: cannot open: No such file or directory");
  std::string path = std::string(RDL_BINARY_DIR) + "/vm_test_pack.rpk";
  std::vector<uint8_t> bytes = WritePack(Rich());
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }
  auto pack = LoadedPack::LoadFile(path, &error);
  REQUIRE_MESSAGE(pack, error);
  CHECK(pack->program() == Rich());
  bytes.resize(20);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }
  CHECK_FALSE(LoadedPack::LoadFile(path, &error));
  CHECK(error == path + ": offset 0x0 [header]: pack is 20 bytes, shorter than the 32-byte header");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace rdl::test
