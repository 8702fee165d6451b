// The in-memory form of a compiled rule pack: the contract between the
// compiler (which fills it and hands it to the pack writer) and the runtime
// (which gets it back from the pack reader, verifies it and runs it).
//
// It is plain data: no pointers, no compiled regexes; the runtime builds its
// own load-time structures (regexes, hashed sets, CIDR tables, field slot
// extractors) from it. Everything here is serialized by runtime/format/.
#pragma once

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

namespace rdl {

// ---------------------------------------------------------------- bytecode --

enum class Op : uint8_t {
#define RDL_OP(Name, A, B, C, Synopsis, Doc) Name,
#include "runtime/bytecode/opcodes.def"
#undef RDL_OP
  kCount
};

// One instruction, 8 bytes. Operand meanings per opcode in opcodes.def.
struct Instr {
  Op op = Op::Return;
  uint8_t a = 0;     // register (destination or tested)
  uint16_t b = 0;    // register, constant, field slot, stage or jump target
  uint16_t c = 0;    // register, constant or capture index
  uint16_t pad = 0;  // always 0 (verified)
  bool operator==(const Instr&) const = default;
};
static_assert(sizeof(Instr) == 8);

// A pure predicate: runs over one event (plus, for sequence stages, the
// captures of the partial match it would extend) and returns a boolean.
struct Code {
  std::vector<Instr> instrs;
  uint16_t num_regs = 0;  // registers used: every R operand < num_regs <= 256
  bool operator==(const Code&) const = default;
};

// ---------------------------------------------------------------- constants -

enum class ConstKind : uint8_t {
  kNull = 0,
  kBool = 1,
  kInt = 2,  // also durations and times, as int64 nanoseconds
  kFloat = 3,
  kString = 4,
  kRegex = 5,      // RE2 pattern text (case-insensitivity folded in as (?i))
  kCidr = 6,       // "10.0.0.0/8" or "2001:db8::/32"
  kStringSet = 7,  // `set` holds the members (already lower-cased for *CI ops)
  kPath = 8,       // dotted json path for GetPath, in `set` as segments
};

struct Constant {
  ConstKind kind = ConstKind::kNull;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;                 // kString, kRegex, kCidr
  std::vector<std::string> set;  // kStringSet members, kPath segments
  // Equal when the pack bytes are: `f` compares by bit pattern (a NaN equals
  // itself, 0.0 and -0.0 differ), as codegen's constant table keys it, so
  // ReadPack(WritePack(p)) == p holds for every float.
  bool operator==(const Constant& o) const {
    return kind == o.kind && b == o.b && i == o.i &&
           std::bit_cast<uint64_t>(f) == std::bit_cast<uint64_t>(o.f) && s == o.s && set == o.set;
  }
};

// ------------------------------------------------------------------ fields --

// Types of normalized fields (from stdlib/schema.json); kJson for raw.* paths.
enum class FieldType : uint8_t {
  kString = 0,
  kInt = 1,
  kFloat = 2,
  kBool = 3,
  kTime = 4,
  kIp = 5,
  kJson = 6,
  kStringList = 7,
};

// A field slot: one path into the normalized event JSON, extracted at most
// once per event and shared by all rules of the pack.
struct Field {
  std::vector<std::string> segments;  // {"actor","user","uid"} or {"raw","requestParameters","x"}
  FieldType type = FieldType::kString;
  bool operator==(const Field&) const = default;
};

// ------------------------------------------------------------------- rules --

enum class RuleKind : uint8_t {
  kMatch = 0,     // every matching event alerts
  kCount = 1,     // count of matching events per key in a sliding window >= threshold
  kDistinct = 2,  // distinct values of a field per key in a sliding window >= threshold
  kNew = 3,       // first-seen value(s) per key, after a learning period
  kSequence = 4,  // ordered stages per join key within a span
};

enum class Severity : uint8_t { kInfo = 0, kLow = 1, kMedium = 2, kHigh = 3, kCritical = 4 };

// Names as written in rules and alerts ("high", "sequence").
inline const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "info";
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "medium";
}
inline const char* RuleKindName(RuleKind k) {
  switch (k) {
    case RuleKind::kMatch:
      return "match";
    case RuleKind::kCount:
      return "count";
    case RuleKind::kDistinct:
      return "distinct";
    case RuleKind::kNew:
      return "new";
    case RuleKind::kSequence:
      return "sequence";
  }
  return "match";
}

// A piece of an `emit` template.
struct TemplatePart {
  enum class Kind : uint8_t {
    kText = 0,     // literal text
    kField = 1,    // field slot `index` of the event that completed the alert
    kCapture = 2,  // capture `index` of stage `stage` (sequences)
    kCount = 3,    // the count (count rules) / distinct count (distinct rules)
  };
  Kind kind = Kind::kText;
  std::string text;
  uint16_t stage = 0;
  uint16_t index = 0;
  bool operator==(const TemplatePart&) const = default;
};

// One stage of a sequence.
struct Stage {
  std::string label;
  Code pred;                        // `except` clauses are already folded in
  std::vector<uint16_t> key_slots;  // full join key: sequence `by` then stage `by`
  bool absence = false;             // `!label`: fires when the span ends without it
  // (Repetition `label[n]` / `{n,}` is desugared by the compiler into n
  // consecutive copies of the stage, as EQL does with `runs`.)
  // Field slots captured from this stage's event when it matches: what later
  // stages reference (LoadRef), what templates print. Capture 0 is always
  // metadata.uid and capture 1 is time (for the alert's `events` and times).
  std::vector<uint16_t> captures;
  bool operator==(const Stage&) const = default;
};

// A value filter computed by the compiler (`index` pass): the rule's event
// can only match when field slot `slot` holds (any element of a list
// counting) a string equal to one of `values` (`prefix`: starting with one
// of them), ASCII case-insensitively when `ci` (then `values` are
// lower-case). The engine indexes rules by these so a hash lookup per field
// decides which rules an event can reach.
struct IndexFilter {
  uint16_t slot = 0;  // a string or string_list field
  bool ci = false;
  bool prefix = false;
  std::vector<std::string> values;  // sorted, unique
  bool operator==(const IndexFilter&) const = default;
};

struct Rule {
  // Metadata.
  std::string name;
  std::string title;
  std::string description;
  Severity severity = Severity::kMedium;
  std::vector<std::string> attack;  // "T1578.001"
  std::vector<std::string> data;    // "DS0020 Snapshot Creation"
  std::vector<std::string> references;
  std::vector<std::string> tags;
  std::string source_file;  // for messages
  uint32_t source_line = 0;

  RuleKind kind = RuleKind::kMatch;

  // kMatch/kCount/kDistinct/kNew: the event predicate (`except` folded in).
  Code pred;
  // kCount/kDistinct/kNew: `by` key slots (may be empty: one global key).
  std::vector<uint16_t> by_slots;
  // kCount/kDistinct/kSequence/kNew: window span (`within`), ns.
  int64_t within_ns = 0;
  // kCount/kDistinct: alert when the count reaches this (>= 1).
  uint64_t threshold = 1;
  // kDistinct: the slot whose distinct values are counted.
  // kNew: the slots whose value combination must be new.
  std::vector<uint16_t> value_slots;
  // kNew: learning period from the first event the rule sees, ns.
  int64_t learn_ns = 0;

  // kSequence.
  std::vector<Stage> stages;
  bool has_until = false;
  Code until_pred;
  std::vector<uint16_t> until_key_slots;

  // All kinds: `suppress by <slots> for <span>` (span 0 = none). The slots
  // are read from the event that completes the alert.
  std::vector<uint16_t> suppress_slots;
  int64_t suppress_ns = 0;

  // Alert shaping: the key object reported in alerts (names of the by slots,
  // parallel to by_slots or the first stage's key_slots).
  std::vector<std::string> key_names;
  std::vector<TemplatePart> message;  // empty: a default message

  // Bounds on state (0 = engine default). Evictions are counted.
  uint32_t max_keys = 0;

  // Routing hints computed by the compiler: the event can only match when its
  // `action` is one of route_actions or its `api.operation` is one of
  // route_operations. Both empty = the rule needs every event.
  std::vector<std::string> route_actions;
  std::vector<std::string> route_operations;

  // Prefilter hints computed by the compiler (`prefilter` pass): a raw
  // record can only matter to the rule when its operation maps to one of
  // prefilter_actions (through the provider tables) or its text contains,
  // ASCII case-insensitively, one of prefilter_literals. prefilter_all: the
  // rule may need any record (then no record is skipped unparsed).
  bool prefilter_all = true;
  std::vector<std::string> prefilter_actions;
  std::vector<std::string> prefilter_literals;

  // Value filters (`index` pass): every one must hold for the event to match
  // (each is a conjunct of every event predicate). Empty = none known.
  std::vector<IndexFilter> index_filters;

  // Documentation metadata (`falsepositives`, `tuning`), for `rulec doc`
  // and alert consumers; the engine does not read them. Multiple `tuning`
  // values are joined with a space.
  std::vector<std::string> false_positives;
  std::string tuning;

  bool operator==(const Rule&) const = default;
};

// A whole pack. Fields and constants are shared by every rule.
struct Program {
  std::vector<Field> fields;
  std::vector<Constant> consts;
  std::vector<Rule> rules;
  // Slots the engine itself needs (always present, set by the compiler):
  uint16_t time_slot = 0;  // "time"
  uint16_t uid_slot = 0;   // "metadata.uid"
  bool operator==(const Program&) const = default;
};

}  // namespace rdl
