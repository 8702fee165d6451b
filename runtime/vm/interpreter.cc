// The predicate interpreter: one switch over the verified instructions, the
// value semantics of opcodes.def (missing makes comparisons false, "any"
// semantics over lists and json arrays, numeric int/float mixing), the
// disassembler and OpName. No operand is checked here: VerifyProgram
// proved registers, constants, fields, captures and jump targets in range.
// Registers are untyped, so every opcode accepts every kind of value.
#include "runtime/vm/interpreter.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "runtime/bytecode/opcode_info.h"
#include "runtime/vm/json_path.h"
#include "runtime/vm/loaded_pack_impl.h"
#include "runtime/vm/value_ops.h"

namespace rdl {
namespace {

using namespace vm_ops;  // the shared value semantics (Tag, Compare, ...)

}  // namespace

Interpreter::Interpreter(const LoadedPack& pack) : pack_(pack) {}

std::string& Interpreter::NewString() {
  if (strings_used_ == strings_.size()) strings_.emplace_back();
  std::string& s = strings_[strings_used_++];
  s.clear();
  return s;
}

std::vector<Value>& Interpreter::NewList() {
  if (lists_used_ == lists_.size()) lists_.emplace_back();
  std::vector<Value>& l = lists_[lists_used_++];
  l.clear();
  return l;
}

bool Interpreter::Run(const Code& code, const Event& event, const StageRefs* refs) {
  // The one check outside the verifier's promises: a sequence rule's unused
  // `pred` (or an absent until_pred) is empty and never verified.
  if (code.instrs.empty()) return false;
  const LoadedPackImpl& impl = pack_.impl();
  const std::vector<Constant>& consts = pack_.program().consts;
  regs_.assign(code.num_regs, Value::Missing());
  strings_used_ = 0;
  lists_used_ = 0;
  Value* const R = regs_.data();
  const Instr* const begin = code.instrs.data();
  const Instr* ip = begin;
  uint32_t backward_jumps = 0;

  // Maps a string (or each element of a sequence) through `f` into scratch.
  auto map_case = [&](const Value& v, char (*f)(char)) -> Value {
    auto one = [&](const Value& e) -> Value {
      if (e.tag != Tag::kString) return e;
      std::string& s = NewString();
      s.resize(e.s.n);
      for (uint32_t i = 0; i < e.s.n; ++i) s[i] = f(e.s.p[i]);
      return Value::String(s);
    };
    if (!IsSequence(v)) return one(v);
    std::vector<Value>& out = NewList();
    AnyOf(v, [&](const Value& e) {
      out.push_back(one(e));
      return false;
    });
    return Value::List(out.data(), static_cast<uint32_t>(out.size()));
  };

// A taken jump; backward ones count against the per-Run budget.
#define RDL_JUMP(target)                                               \
  do {                                                                 \
    const Instr* to = begin + (target);                                \
    if (to < ip && ++backward_jumps > kMaxBackwardJumps) return false; \
    ip = to;                                                           \
  } while (0)

  for (;;) {
    const Instr in = *ip++;
    switch (in.op) {
      case Op::LoadConst:
        R[in.a] = impl.values[in.b];
        break;
      case Op::LoadField:
        R[in.a] = event.slot(in.b);
        break;
      case Op::LoadRef:
        // The verifier bounds B and C by the program; refs come from the
        // engine at run time, so their shape is checked here.
        if (refs != nullptr && in.b < refs->size() && in.c < (*refs)[in.b].size()) {
          R[in.a] = (*refs)[in.b][in.c];
        } else {
          R[in.a] = Value::Missing();
        }
        break;
      case Op::GetPath: {
        const std::vector<std::string>& path = consts[in.c].set;
        const Value src = R[in.b];
        Value out = Value::Missing();
        if (path.empty()) {
          out = src;
        } else if (src.tag == Tag::kJson) {
          std::vector<Value>& list = NewList();
          switch (WalkPath(src.json, path, &out, &list)) {
            case PathResult::kMissing:
              out = Value::Missing();
              break;
            case PathResult::kValue:
              break;
            case PathResult::kList:
              out = Value::List(list.data(), static_cast<uint32_t>(list.size()));
              break;
          }
        } else if (src.tag == Tag::kList) {
          std::vector<Value>& list = NewList();
          for (uint32_t i = 0; i < src.list.n; ++i) {
            if (src.list.p[i].tag == Tag::kJson) CollectPath(src.list.p[i].json, path, &list);
          }
          if (!list.empty()) out = Value::List(list.data(), static_cast<uint32_t>(list.size()));
        }
        R[in.a] = out;
        break;
      }
      case Op::Move:
        R[in.a] = R[in.b];
        break;
      case Op::Not:
        R[in.a] = Value::Bool(!R[in.b].truthy());
        break;
      case Op::Eq:
        R[in.a] = Value::Bool(Compare(R[in.b], R[in.c], Cmp::kEq));
        break;
      case Op::Ne: {
        const Value& x = R[in.b];
        const Value& y = R[in.c];
        R[in.a] = Value::Bool(!x.missing() && !y.missing() && !Compare(x, y, Cmp::kEq));
        break;
      }
      case Op::Lt:
        R[in.a] = Value::Bool(Compare(R[in.b], R[in.c], Cmp::kLt));
        break;
      case Op::Le:
        R[in.a] = Value::Bool(Compare(R[in.b], R[in.c], Cmp::kLe));
        break;
      case Op::Gt:
        R[in.a] = Value::Bool(Compare(R[in.b], R[in.c], Cmp::kGt));
        break;
      case Op::Ge:
        R[in.a] = Value::Bool(Compare(R[in.b], R[in.c], Cmp::kGe));
        break;
      case Op::EqCI:
        R[in.a] = Value::Bool(StringTest(R[in.b], R[in.c], EqualsCI));
        break;
      case Op::InSet: {
        const auto& set = impl.sets[in.c];
        R[in.a] = Value::Bool(AnyOne(R[in.b], [&](const Value& e) {
          return e.tag == Tag::kString && set.contains(e.str());
        }));
        break;
      }
      case Op::InSetCI: {
        const auto& set = impl.sets[in.c];
        R[in.a] = Value::Bool(AnyOne(R[in.b], [&](const Value& e) {
          if (e.tag != Tag::kString) return false;
          fold_.resize(e.s.n);
          for (uint32_t i = 0; i < e.s.n; ++i) fold_[i] = AsciiLower(e.s.p[i]);
          return set.contains(fold_);
        }));
        break;
      }
      case Op::InArray: {
        const Value& x = R[in.b];
        const Value& arr = R[in.c];
        R[in.a] = Value::Bool(IsSequence(arr) && Compare(x, arr, Cmp::kEq));
        break;
      }
      case Op::Match: {
        const RE2& re = *impl.regexes[in.c];
        R[in.a] = Value::Bool(AnyOne(R[in.b], [&](const Value& e) {
          return e.tag == Tag::kString && RE2::PartialMatch(e.str(), re);
        }));
        break;
      }
      case Op::StartsWith:
        R[in.a] =
            Value::Bool(StringTest(R[in.b], R[in.c], [](std::string_view s, std::string_view p) {
              return s.starts_with(p);
            }));
        break;
      case Op::EndsWith:
        R[in.a] =
            Value::Bool(StringTest(R[in.b], R[in.c], [](std::string_view s, std::string_view p) {
              return s.ends_with(p);
            }));
        break;
      case Op::Contains:
        R[in.a] =
            Value::Bool(StringTest(R[in.b], R[in.c], [](std::string_view s, std::string_view p) {
              return s.find(p) != std::string_view::npos;
            }));
        break;
      case Op::InCidr:
        R[in.a] = Value::Bool(InCidr(R[in.b], impl.cidrs[in.c]));
        break;
      case Op::Exists:
        R[in.a] = Value::Bool(!R[in.b].missing());
        break;
      case Op::Lower:
        R[in.a] = map_case(R[in.b], AsciiLower);
        break;
      case Op::Upper:
        R[in.a] = map_case(R[in.b], AsciiUpper);
        break;
      case Op::Len:
        R[in.a] = Length(R[in.b]);
        break;
      case Op::Add:
      case Op::Sub:
      case Op::Mul:
      case Op::Div:
      case Op::Mod:
        R[in.a] = Arith(in.op, R[in.b], R[in.c]);
        break;
      case Op::Neg: {
        const Value& x = R[in.b];
        if (x.tag == Tag::kInt) {
          R[in.a] = Value::Int(static_cast<int64_t>(0 - static_cast<uint64_t>(x.i)));
        } else if (x.tag == Tag::kFloat) {
          R[in.a] = Value::Float(-x.f);
        } else {
          R[in.a] = Value::Missing();
        }
        break;
      }
      case Op::Jump:
        RDL_JUMP(in.b);
        break;
      case Op::JumpIfFalse:
        if (!R[in.a].truthy()) RDL_JUMP(in.b);
        break;
      case Op::JumpIfTrue:
        if (R[in.a].truthy()) RDL_JUMP(in.b);
        break;
      case Op::IterInit: {
        // R[A] := the list to iterate (json arrays materialized into
        // scratch), R[A+1] := the next index.
        const Value src = R[in.b];
        Value list = Value::List(nullptr, 0);
        if (src.tag == Tag::kList) {
          list = src;
        } else if (src.tag == Tag::kJson && src.json.is_array()) {
          std::vector<Value>& out = NewList();
          AnyOf(src, [&](const Value& e) {
            out.push_back(e);
            return false;
          });
          list = Value::List(out.data(), static_cast<uint32_t>(out.size()));
        }
        R[in.a] = list;
        R[in.a + 1] = Value::Int(0);
        break;
      }
      case Op::IterNext: {
        const Value& it = R[in.a];
        Value& pos = R[in.a + 1];
        // Registers are untyped: anything but a live iterator is exhausted.
        if (it.tag == Tag::kList && pos.tag == Tag::kInt && pos.i >= 0 &&
            static_cast<uint64_t>(pos.i) < it.list.n) {
          Value elem = it.list.p[pos.i];
          ++pos.i;
          R[in.c] = elem;
        } else {
          RDL_JUMP(in.b);
        }
        break;
      }
      case Op::Return:
        return R[in.a].truthy();
      case Op::kCount:
        return false;  // never verified
    }
  }
#undef RDL_JUMP
}

const char* OpName(Op op) {
  const OpInfo* info = FindOpInfo(op);
  return info ? info->name : "?";
}

namespace {

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

std::string DescribeConst(const Constant& k) {
  switch (k.kind) {
    case ConstKind::kNull:
      return "null";
    case ConstKind::kBool:
      return k.b ? "true" : "false";
    case ConstKind::kInt:
      return fmt::format("{}", k.i);
    case ConstKind::kFloat:
      return fmt::format("{}", k.f);
    case ConstKind::kString:
      return Quote(k.s);
    case ConstKind::kRegex:
      return "/" + k.s + "/";
    case ConstKind::kCidr:
      return k.s;
    case ConstKind::kStringSet: {
      std::string out = "[";
      for (size_t i = 0; i < k.set.size() && i < 4; ++i) out += (i ? ", " : "") + Quote(k.set[i]);
      if (k.set.size() > 4) out += fmt::format(", ... {} more", k.set.size() - 4);
      return out + "]";
    }
    case ConstKind::kPath:
      return Join(k.set, ".");
  }
  return "?";
}

}  // namespace

std::string Disassemble(const Code& code, const Program& program) {
  std::string out;
  for (size_t i = 0; i < code.instrs.size(); ++i) {
    const Instr& in = code.instrs[i];
    const OpInfo* info = FindOpInfo(in.op);
    if (info == nullptr) {
      out += fmt::format("{:4}  ?{:<11} {} {} {}\n", i, static_cast<int>(in.op), in.a, in.b, in.c);
      continue;
    }
    std::string operands;
    std::string notes;
    const OperandKind kinds[3] = {info->a, info->b, info->c};
    const uint32_t vals[3] = {in.a, in.b, in.c};
    for (int k = 0; k < 3; ++k) {
      uint32_t v = vals[k];
      std::string text;
      switch (kinds[k]) {
        case OperandKind::kUnused:
          continue;
        case OperandKind::kReg:
          text = fmt::format("R{}", v);
          break;
        case OperandKind::kConst:
          text = fmt::format("K{}", v);
          if (v < program.consts.size()) {
            notes += fmt::format("  K{}={}", v, DescribeConst(program.consts[v]));
          }
          break;
        case OperandKind::kField:
          text = fmt::format("F{}", v);
          if (v < program.fields.size()) {
            notes += fmt::format("  F{}={}", v, Join(program.fields[v].segments, "."));
          }
          break;
        case OperandKind::kStage:
          text = fmt::format("S{}", v);
          break;
        case OperandKind::kCapture:
          text = fmt::format("N{}", v);
          break;
        case OperandKind::kJump:
          text = fmt::format("@{}", v);
          break;
      }
      if (!operands.empty()) operands += ' ';
      operands += text;
    }
    out +=
        fmt::format("{:4}  {:<12}{:<16}; {}{}\n", i, info->name, operands, info->synopsis, notes);
  }
  return out;
}

}  // namespace rdl
