// VerifyProgram: the gate between untrusted pack bytes and the interpreter.
// Checks every code block against the operand kinds of opcodes.def (so the
// interpreter's loop can index registers, constants, fields and captures
// without checks) and every rule's structure against what the engine
// assumes (slots in range, thresholds, windows, stage shapes). The first
// problem found is reported, naming the rule, the block and the instruction:
//   rule snapshot_burst: pred: instr 7 (InSet): constant 12 is not a string set
#include <fmt/format.h>

#include <string_view>
#include <unordered_set>

#include "runtime/bytecode/opcode_info.h"
#include "runtime/format/pack.h"
#include "runtime/format/pack_layout.h"

namespace rdl {
namespace {

const char* ConstKindName(ConstKind k) {
  switch (k) {
    case ConstKind::kNull:
      return "null";
    case ConstKind::kBool:
      return "bool";
    case ConstKind::kInt:
      return "int";
    case ConstKind::kFloat:
      return "float";
    case ConstKind::kString:
      return "string";
    case ConstKind::kRegex:
      return "regex";
    case ConstKind::kCidr:
      return "CIDR";
    case ConstKind::kStringSet:
      return "string set";
    case ConstKind::kPath:
      return "path";
  }
  return "?";
}

const char* OperandName(int which) { return which == 0 ? "A" : which == 1 ? "B" : "C"; }

class Verifier {
 public:
  Verifier(const Program& p, std::string* error) : p_(p), error_(error) {}

  bool Run() {
    if (!CheckProgram()) return false;
    std::unordered_set<std::string_view> names;
    for (size_t i = 0; i < p_.rules.size(); ++i) {
      const Rule& r = p_.rules[i];
      cur_ = &r;
      rule_ = r.name.empty() ? fmt::format("rule #{}", i) : fmt::format("rule {}", r.name);
      if (r.name.empty()) return Fail("rule has no name");
      if (!names.insert(r.name).second) return Fail("duplicate rule name");
      if (!CheckRule(r)) return false;
    }
    return true;
  }

 private:
  bool Fail(const std::string& msg) {
    *error_ = rule_.empty() ? msg : rule_ + ": " + msg;
    return false;
  }

  bool CheckProgram() {
    for (size_t i = 0; i < p_.fields.size(); ++i) {
      const Field& f = p_.fields[i];
      if (static_cast<uint8_t>(f.type) > pack_layout::kMaxFieldType) {
        return Fail(fmt::format("field {}: type {} out of range", i, static_cast<int>(f.type)));
      }
      if (f.segments.empty()) return Fail(fmt::format("field {}: empty path", i));
    }
    for (size_t i = 0; i < p_.consts.size(); ++i) {
      if (static_cast<uint8_t>(p_.consts[i].kind) > pack_layout::kMaxConstKind) {
        return Fail(fmt::format("constant {}: kind {} out of range", i,
                                static_cast<int>(p_.consts[i].kind)));
      }
    }
    if (p_.time_slot >= p_.fields.size()) {
      return Fail(
          fmt::format("time slot {} out of range ({} fields)", p_.time_slot, p_.fields.size()));
    }
    if (p_.fields[p_.time_slot].type != FieldType::kTime) {
      return Fail(fmt::format("time slot {} is not a time field", p_.time_slot));
    }
    if (p_.uid_slot >= p_.fields.size()) {
      return Fail(
          fmt::format("uid slot {} out of range ({} fields)", p_.uid_slot, p_.fields.size()));
    }
    return true;
  }

  bool CheckSlots(const std::vector<uint16_t>& slots, const char* what) {
    for (uint16_t s : slots) {
      if (s >= p_.fields.size()) {
        return Fail(fmt::format("{} {} out of range ({} fields)", what, s, p_.fields.size()));
      }
    }
    return true;
  }

  bool CheckRule(const Rule& r) {
    if (static_cast<uint8_t>(r.kind) > pack_layout::kMaxRuleKind) {
      return Fail(fmt::format("kind {} out of range", static_cast<int>(r.kind)));
    }
    if (static_cast<uint8_t>(r.severity) > pack_layout::kMaxSeverity) {
      return Fail(fmt::format("severity {} out of range", static_cast<int>(r.severity)));
    }
    const bool seq = r.kind == RuleKind::kSequence;
    if (!CheckSlots(r.by_slots, "by slot") || !CheckSlots(r.value_slots, "value slot") ||
        !CheckSlots(r.suppress_slots, "suppress slot") ||
        !CheckSlots(r.until_key_slots, "until key slot")) {
      return false;
    }
    for (const IndexFilter& f : r.index_filters) {
      if (f.slot >= p_.fields.size()) {
        return Fail(
            fmt::format("index filter slot {} out of range ({} fields)", f.slot, p_.fields.size()));
      }
      const FieldType t = p_.fields[f.slot].type;
      if (t != FieldType::kString && t != FieldType::kStringList) {
        return Fail(fmt::format("index filter slot {} is not a string field", f.slot));
      }
    }
    if (r.within_ns < 0) return Fail("within must not be negative");
    if (r.suppress_ns < 0) return Fail("suppress span must not be negative");
    if (!r.suppress_slots.empty() && r.suppress_ns == 0) {
      return Fail("suppress slots without a suppress span");
    }
    switch (r.kind) {
      case RuleKind::kMatch:
        break;
      case RuleKind::kCount:
      case RuleKind::kDistinct:
        if (r.threshold < 1) return Fail("threshold must be >= 1");
        if (r.within_ns <= 0) return Fail("within must be > 0");
        if (r.kind == RuleKind::kDistinct && r.value_slots.size() != 1) {
          return Fail(
              fmt::format("distinct needs exactly 1 value slot, has {}", r.value_slots.size()));
        }
        break;
      case RuleKind::kNew:
        if (r.learn_ns < 0) return Fail("learn must be >= 0");
        if (r.within_ns <= 0) return Fail("within must be > 0");
        if (r.value_slots.empty()) return Fail("new needs at least 1 value slot");
        break;
      case RuleKind::kSequence:
        break;
    }
    if (!seq) {
      if (!r.stages.empty()) return Fail("stages in a non-sequence rule");
      if (r.has_until) return Fail("until in a non-sequence rule");
      if (!CheckCode(r.pred, "pred", -1)) return false;
      if (r.key_names.size() != r.by_slots.size()) {
        return Fail(
            fmt::format("{} key names for {} by slots", r.key_names.size(), r.by_slots.size()));
      }
    } else if (!CheckSequence(r)) {
      return false;
    }
    return CheckMessage(r);
  }

  bool CheckSequence(const Rule& r) {
    if (r.stages.empty()) return Fail("sequence without stages");
    if (r.stages[0].absence) return Fail("stage 0: the first stage cannot be an absence");
    size_t nkeys = r.stages[0].key_slots.size();
    for (size_t k = 0; k < r.stages.size(); ++k) {
      const Stage& s = r.stages[k];
      std::string block = fmt::format("stage {} ({})", k, s.label);
      if (s.absence && r.within_ns <= 0) {
        return Fail(block + ": an absence stage needs within > 0");
      }
      if (s.key_slots.size() != nkeys) {
        return Fail(
            fmt::format("{}: {} key slots, stage 0 has {}", block, s.key_slots.size(), nkeys));
      }
      if (!CheckSlots(s.key_slots, "key slot") || !CheckSlots(s.captures, "capture slot")) {
        return false;
      }
      if (s.captures.size() < 2 || s.captures[0] != p_.uid_slot || s.captures[1] != p_.time_slot) {
        return Fail(block + ": captures must start with the uid slot and the time slot");
      }
      if (!CheckCode(s.pred, block, static_cast<int>(k))) return false;
    }
    if (r.has_until) {
      if (r.until_key_slots.size() != nkeys) {
        return Fail(
            fmt::format("until: {} key slots, stage 0 has {}", r.until_key_slots.size(), nkeys));
      }
      if (!CheckCode(r.until_pred, "until", -1)) return false;
    }
    if (!r.pred.instrs.empty() && !CheckCode(r.pred, "pred", -1)) return false;
    if (r.key_names.size() != nkeys) {
      return Fail(fmt::format("{} key names for {} key slots", r.key_names.size(), nkeys));
    }
    return true;
  }

  bool CheckMessage(const Rule& r) {
    for (size_t i = 0; i < r.message.size(); ++i) {
      const TemplatePart& t = r.message[i];
      std::string at = fmt::format("message part {}", i);
      switch (t.kind) {
        case TemplatePart::Kind::kText:
          break;
        case TemplatePart::Kind::kField:
          if (t.index >= p_.fields.size()) {
            return Fail(fmt::format("{}: field slot {} out of range ({} fields)", at, t.index,
                                    p_.fields.size()));
          }
          break;
        case TemplatePart::Kind::kCapture:
          if (t.stage >= r.stages.size()) {
            return Fail(
                fmt::format("{}: stage {} out of range ({} stages)", at, t.stage, r.stages.size()));
          }
          if (t.index >= r.stages[t.stage].captures.size()) {
            return Fail(fmt::format("{}: capture {} out of range (stage {} has {})", at, t.index,
                                    t.stage, r.stages[t.stage].captures.size()));
          }
          break;
        case TemplatePart::Kind::kCount:
          if (r.kind != RuleKind::kCount && r.kind != RuleKind::kDistinct) {
            return Fail(at + ": {count} outside a count or distinct rule");
          }
          break;
        default:
          return Fail(fmt::format("{}: kind {} out of range", at, static_cast<int>(t.kind)));
      }
    }
    return true;
  }

  // `stage` is the index of the sequence stage whose predicate this is, or
  // -1 for code that has no partial match (LoadRef is then refused).
  bool CheckCode(const Code& code, const std::string& block, int stage) {
    block_ = &block;
    if (code.num_regs > 256) {
      return FailBlock(fmt::format("num_regs {} exceeds 256", code.num_regs));
    }
    if (code.instrs.empty()) return FailBlock("empty code (must end in Return)");
    for (size_t i = 0; i < code.instrs.size(); ++i) {
      if (!CheckInstr(code, i, stage)) return false;
    }
    Op last = code.instrs.back().op;
    if (last != Op::Return && last != Op::Jump) {
      return FailInstr(code.instrs.size() - 1,
                       "the last instruction must be Return or Jump (falls off the end)");
    }
    return true;
  }

  bool FailBlock(const std::string& msg) { return Fail(*block_ + ": " + msg); }
  bool FailInstr(size_t i, const std::string& msg) {
    return Fail(fmt::format("{}: instr {} ({}): {}", *block_, i, instr_name_, msg));
  }

  bool CheckInstr(const Code& code, size_t i, int stage) {
    const Instr& in = code.instrs[i];
    const OpInfo* info = FindOpInfo(in.op);
    if (info == nullptr) {
      instr_name_ = "?";
      return FailInstr(i, fmt::format("bad opcode {}", static_cast<int>(in.op)));
    }
    instr_name_ = info->name;
    if (in.pad != 0) return FailInstr(i, fmt::format("pad is {}, must be 0", in.pad));
    const OperandKind kinds[3] = {info->a, info->b, info->c};
    const uint32_t vals[3] = {in.a, in.b, in.c};
    for (int k = 0; k < 3; ++k) {
      uint32_t v = vals[k];
      switch (kinds[k]) {
        case OperandKind::kUnused:
          if (v != 0) {
            return FailInstr(
                i, fmt::format("operand {} is {}, must be 0 (unused)", OperandName(k), v));
          }
          break;
        case OperandKind::kReg:
          if (v >= code.num_regs) {
            return FailInstr(
                i, fmt::format("register R{} out of range (num_regs {})", v, code.num_regs));
          }
          break;
        case OperandKind::kConst:
          if (v >= p_.consts.size()) {
            return FailInstr(
                i, fmt::format("constant {} out of range ({} constants)", v, p_.consts.size()));
          }
          if (!CheckConstKind(in.op, v, i)) return false;
          break;
        case OperandKind::kField:
          if (v >= p_.fields.size()) {
            return FailInstr(
                i, fmt::format("field slot {} out of range ({} fields)", v, p_.fields.size()));
          }
          break;
        case OperandKind::kStage:
          if (stage < 0) return FailInstr(i, "stage reference outside a sequence stage");
          if (v >= static_cast<uint32_t>(stage)) {
            return FailInstr(i,
                             fmt::format("stage {} is not earlier than this stage ({})", v, stage));
          }
          break;
        case OperandKind::kCapture:
          // The S operand precedes N in every opcode that has both, so the
          // stage index was range-checked above.
          if (kinds[1] == OperandKind::kStage) {
            const Stage& s = cur_->stages[in.b];
            if (v >= s.captures.size()) {
              return FailInstr(i, fmt::format("capture {} out of range (stage {} has {})", v, in.b,
                                              s.captures.size()));
            }
          }
          break;
        case OperandKind::kJump:
          if (v >= code.instrs.size()) {
            return FailInstr(
                i, fmt::format("jump target {} past the end ({} instrs)", v, code.instrs.size()));
          }
          if (v == i) return FailInstr(i, "jump to itself");
          if (v < i && code.instrs[v].op != Op::IterNext) {
            return FailInstr(i, fmt::format("backward jump to {} is not onto an IterNext", v));
          }
          break;
      }
    }
    if ((in.op == Op::IterInit || in.op == Op::IterNext) && in.a + 1u >= code.num_regs) {
      return FailInstr(i, fmt::format("iterator uses R{} and R{}, out of range (num_regs {})", in.a,
                                      in.a + 1, code.num_regs));
    }
    return true;
  }

  bool CheckConstKind(Op op, uint32_t k, size_t i) {
    ConstKind kind = p_.consts[k].kind;
    ConstKind need;
    switch (op) {
      case Op::InSet:
      case Op::InSetCI:
        need = ConstKind::kStringSet;
        break;
      case Op::Match:
        need = ConstKind::kRegex;
        break;
      case Op::InCidr:
        need = ConstKind::kCidr;
        break;
      case Op::GetPath:
        need = ConstKind::kPath;
        break;
      case Op::LoadConst:
        if (kind == ConstKind::kRegex || kind == ConstKind::kCidr || kind == ConstKind::kPath) {
          return FailInstr(
              i, fmt::format("constant {} is a {} and cannot be loaded", k, ConstKindName(kind)));
        }
        return true;
      default:
        return true;
    }
    if (kind != need) {
      return FailInstr(i, fmt::format("constant {} is not a {}", k, ConstKindName(need)));
    }
    return true;
  }

  const Program& p_;
  std::string* error_;
  std::string rule_;           // "rule NAME", the prefix of every message about it
  const Rule* cur_ = nullptr;  // the rule being checked
  const std::string* block_ = nullptr;
  const char* instr_name_ = "";
};

}  // namespace

bool VerifyProgram(const Program& program, std::string* error) {
  return Verifier(program, error).Run();
}

}  // namespace rdl
