// Constants of the .rpk byte layout shared by pack_writer.cc and
// pack_reader.cc (docs/pack-format.md describes every byte). Internal to
// runtime/format/.
#pragma once

#include <cstdint>

namespace rdl::pack_layout {

// Header: magic u32, major u16, minor u16, flags u32, section count u32,
// total size u64, checksum u64 (XXH64, seed 0, of bytes [kHeaderSize, total)).
inline constexpr uint32_t kHeaderSize = 32;
inline constexpr uint32_t kMagicOffset = 0x00;
inline constexpr uint32_t kMajorOffset = 0x04;
inline constexpr uint32_t kMinorOffset = 0x06;
inline constexpr uint32_t kFlagsOffset = 0x08;
inline constexpr uint32_t kSectionCountOffset = 0x0c;
inline constexpr uint32_t kTotalSizeOffset = 0x10;
inline constexpr uint32_t kChecksumOffset = 0x18;
inline constexpr uint64_t kChecksumSeed = 0;

// Section table entry: id u32, offset u32, size u32.
inline constexpr uint32_t kSectionEntrySize = 12;

// Section ids, in the order they must appear. Every section is required.
enum SectionId : uint32_t {
  kSectionProgram = 1,  // time_slot u16, uid_slot u16
  kSectionFields = 2,   // Program::fields
  kSectionConsts = 3,   // Program::consts
  kSectionRules = 4,    // Program::rules
};
inline constexpr uint32_t kNumSections = 4;

inline const char* SectionName(uint32_t id) {
  switch (id) {
    case kSectionProgram:
      return "program";
    case kSectionFields:
      return "fields";
    case kSectionConsts:
      return "consts";
    case kSectionRules:
      return "rules";
  }
  return "unknown";
}

// Packs are addressed with u32 offsets.
inline constexpr uint64_t kMaxPackSize = 0xffffffffu;

// Largest valid value of each serialized enum.
inline constexpr uint8_t kMaxFieldType = 7;     // FieldType::kStringList
inline constexpr uint8_t kMaxConstKind = 8;     // ConstKind::kPath
inline constexpr uint8_t kMaxRuleKind = 4;      // RuleKind::kSequence
inline constexpr uint8_t kMaxSeverity = 4;      // Severity::kCritical
inline constexpr uint8_t kMaxTemplateKind = 3;  // TemplatePart::Kind::kCount

}  // namespace rdl::pack_layout
