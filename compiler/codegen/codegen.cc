// IR -> Program: tables, register allocation and instruction selection.
//
// Each predicate is compiled by a tree walk that evaluates a node into a
// destination register chosen by its parent. Temporaries are allocated
// above it and freed when the node is done (a stack), so the register count
// is the tree's depth-weighted width, not its size.
//
//   and/or      R := a; JumpIfFalse/True R -> end; R := b; ... end:
//   any x in c  K := c; IterInit it, K; R := false
//               L: IterNext it -> end, x; T := body; JumpIfTrue T -> found; Jump L
//               found: R := true; end:           (all: the mirror image)
//   stage ref   LoadRef R, stage, capture  (captures: ir::ComputeCaptures)
#include "compiler/codegen/codegen.h"

#include <fmt/format.h>

#include <bit>
#include <map>
#include <optional>
#include <tuple>

namespace rdl::codegen {

namespace {

constexpr size_t kMaxRegs = 256;
constexpr size_t kMaxIndex = 65535;  // uint16 operands: instructions, consts, slots

class Tables {
 public:
  explicit Tables(Program& p) : p_(p) {
    p_.time_slot = Slot({"time"}, FieldType::kTime);
    p_.uid_slot = Slot({"metadata", "uid"}, FieldType::kString);
  }

  uint16_t Slot(const std::vector<std::string>& path, FieldType type) {
    auto it = slots_.find(path);
    if (it != slots_.end()) {
      if (p_.fields[it->second].type != type) {
        internal_ = fmt::format("field `{}` used with two types", ir::DottedPath(path));
      }
      return it->second;
    }
    if (p_.fields.size() > kMaxIndex) {
      overflow_ = "more than 65536 field slots";
      return 0;
    }
    uint16_t slot = static_cast<uint16_t>(p_.fields.size());
    p_.fields.push_back(Field{path, type});
    slots_.emplace(path, slot);
    return slot;
  }

  uint16_t Const(const Constant& c) {
    Key key{static_cast<int>(c.kind), c.b, c.i, std::bit_cast<uint64_t>(c.f), c.s, c.set};
    auto it = consts_.find(key);
    if (it != consts_.end()) return it->second;
    if (p_.consts.size() > kMaxIndex) {
      overflow_ = "more than 65536 constants";
      return 0;
    }
    uint16_t idx = static_cast<uint16_t>(p_.consts.size());
    p_.consts.push_back(c);
    consts_.emplace(std::move(key), idx);
    return idx;
  }

  uint16_t Bool(bool b) {
    Constant c;
    c.kind = ConstKind::kBool;
    c.b = b;
    return Const(c);
  }

  std::string overflow_;
  std::string internal_;

 private:
  using Key = std::tuple<int, bool, int64_t, uint64_t, std::string, std::vector<std::string>>;
  Program& p_;
  std::map<std::vector<std::string>, uint16_t> slots_;
  std::map<Key, uint16_t> consts_;
};

using CaptureIndex = std::vector<std::map<std::vector<std::string>, uint16_t>>;

class Emitter {
 public:
  Emitter(Tables& t, const CaptureIndex* caps) : t_(t), caps_(caps) {}

  // Compiles `pred` into *out; on failure sets *overflow (a limit) or
  // *internal (a bug).
  void Run(const ir::Expr& pred, Code* out) {
    uint8_t r = Alloc();
    Gen(pred, r);
    Emit(Op::Return, r, 0, 0);
    if (code_.size() > kMaxIndex) overflow_ = "more than 65535 instructions in one predicate";
    out->instrs = std::move(code_);
    out->num_regs = static_cast<uint16_t>(max_);
  }

  std::string overflow_;
  std::string internal_;

 private:
  uint8_t Alloc() {
    if (next_ >= kMaxRegs) {
      overflow_ = "more than 256 registers in one predicate";
      return static_cast<uint8_t>(kMaxRegs - 1);
    }
    uint8_t r = static_cast<uint8_t>(next_++);
    max_ = std::max(max_, next_);
    return r;
  }

  size_t Emit(Op op, uint8_t a, uint16_t b, uint16_t c) {
    code_.push_back(Instr{op, a, b, c, 0});
    return code_.size() - 1;
  }

  uint16_t Here() const { return static_cast<uint16_t>(code_.size()); }
  void PatchTo(size_t at, uint16_t target) { code_[at].b = target; }

  uint16_t ConstOf(const ir::Expr& e) {
    Constant c;
    switch (e.type) {
      case ir::Type::kNull:
        c.kind = ConstKind::kNull;
        break;
      case ir::Type::kBool:
        c.kind = ConstKind::kBool;
        c.b = e.b;
        break;
      case ir::Type::kInt:
      case ir::Type::kDuration:
      case ir::Type::kTime:
        c.kind = ConstKind::kInt;
        c.i = e.i;
        break;
      case ir::Type::kFloat:
        c.kind = ConstKind::kFloat;
        c.f = e.f;
        break;
      case ir::Type::kString:
        c.kind = ConstKind::kString;
        c.s = e.text;
        break;
      default:
        internal_ = "constant of a non-constant type";
        break;
    }
    return t_.Const(c);
  }

  uint16_t TextConst(ConstKind kind, const std::string& s) {
    Constant c;
    c.kind = kind;
    c.s = s;
    return t_.Const(c);
  }

  uint16_t SetConst(ConstKind kind, const std::vector<std::string>& set) {
    Constant c;
    c.kind = kind;
    c.set = set;
    return t_.Const(c);
  }

  void Binary(Op op, const ir::Expr& e, uint8_t dst) {
    Gen(*e.kids[0], dst);
    size_t mark = next_;
    uint8_t t = Alloc();
    Gen(*e.kids[1], t);
    Emit(op, dst, dst, t);
    next_ = mark;
  }

  void Unary(Op op, const ir::Expr& e, uint8_t dst) {
    Gen(*e.kids[0], dst);
    Emit(op, dst, dst, 0);
  }

  void Gen(const ir::Expr& e, uint8_t dst) {
    switch (e.op) {
      case ir::Op::kConst:
        Emit(Op::LoadConst, dst, ConstOf(e), 0);
        return;
      case ir::Op::kField:
        Emit(Op::LoadField, dst, t_.Slot(e.path, e.ftype), 0);
        return;
      case ir::Op::kStageRef: {
        uint16_t cap = 0;
        if (!caps_ || e.stage >= caps_->size() || !(*caps_)[e.stage].count(e.path)) {
          internal_ =
              fmt::format("no capture for stage {} field {}", e.stage, ir::DottedPath(e.path));
        } else {
          cap = (*caps_)[e.stage].at(e.path);
        }
        Emit(Op::LoadRef, dst, e.stage, cap);
        return;
      }
      case ir::Op::kVar: {
        auto it = vars_.find(e.var);
        if (it == vars_.end()) {
          internal_ = "quantifier variable out of scope";
          return;
        }
        Emit(Op::Move, dst, it->second, 0);
        return;
      }
      case ir::Op::kGetPath:
        Gen(*e.kids[0], dst);
        Emit(Op::GetPath, dst, dst, SetConst(ConstKind::kPath, e.path));
        return;
      case ir::Op::kNot:
        Unary(Op::Not, e, dst);
        return;
      case ir::Op::kNeg:
        Unary(Op::Neg, e, dst);
        return;
      case ir::Op::kExists:
        Unary(Op::Exists, e, dst);
        return;
      case ir::Op::kLower:
        Unary(Op::Lower, e, dst);
        return;
      case ir::Op::kUpper:
        Unary(Op::Upper, e, dst);
        return;
      case ir::Op::kLen:
        Unary(Op::Len, e, dst);
        return;
      case ir::Op::kAnd:
      case ir::Op::kOr: {
        std::vector<size_t> exits;
        Op jump = e.op == ir::Op::kAnd ? Op::JumpIfFalse : Op::JumpIfTrue;
        for (size_t i = 0; i < e.kids.size(); ++i) {
          if (i) exits.push_back(Emit(jump, dst, 0, 0));
          Gen(*e.kids[i], dst);
        }
        for (size_t at : exits) PatchTo(at, Here());
        return;
      }
      case ir::Op::kEq:
        Binary(Op::Eq, e, dst);
        return;
      case ir::Op::kNe:
        Binary(Op::Ne, e, dst);
        return;
      case ir::Op::kLt:
        Binary(Op::Lt, e, dst);
        return;
      case ir::Op::kLe:
        Binary(Op::Le, e, dst);
        return;
      case ir::Op::kGt:
        Binary(Op::Gt, e, dst);
        return;
      case ir::Op::kGe:
        Binary(Op::Ge, e, dst);
        return;
      case ir::Op::kEqCI:
        Binary(Op::EqCI, e, dst);
        return;
      case ir::Op::kAdd:
        Binary(Op::Add, e, dst);
        return;
      case ir::Op::kSub:
        Binary(Op::Sub, e, dst);
        return;
      case ir::Op::kMul:
        Binary(Op::Mul, e, dst);
        return;
      case ir::Op::kDiv:
        Binary(Op::Div, e, dst);
        return;
      case ir::Op::kMod:
        Binary(Op::Mod, e, dst);
        return;
      case ir::Op::kInArray:
        Binary(Op::InArray, e, dst);
        return;
      case ir::Op::kStartsWith:
        Binary(Op::StartsWith, e, dst);
        return;
      case ir::Op::kEndsWith:
        Binary(Op::EndsWith, e, dst);
        return;
      case ir::Op::kContains:
        Binary(Op::Contains, e, dst);
        return;
      case ir::Op::kInSet: {
        Gen(*e.kids[0], dst);
        Emit(e.ci ? Op::InSetCI : Op::InSet, dst, dst, SetConst(ConstKind::kStringSet, e.set));
        return;
      }
      case ir::Op::kMatch:
        Gen(*e.kids[0], dst);
        Emit(Op::Match, dst, dst, TextConst(ConstKind::kRegex, e.text));
        return;
      case ir::Op::kInCidr:
        Gen(*e.kids[0], dst);
        Emit(Op::InCidr, dst, dst, TextConst(ConstKind::kCidr, e.text));
        return;
      case ir::Op::kAny:
      case ir::Op::kAll: {
        bool any = e.op == ir::Op::kAny;
        size_t mark = next_;
        uint8_t coll = Alloc();
        Gen(*e.kids[0], coll);
        uint8_t it = Alloc();
        Alloc();  // IterInit uses R[it] and R[it + 1]
        Emit(Op::IterInit, it, coll, 0);
        uint8_t elem = Alloc();
        vars_[e.var] = elem;
        Emit(Op::LoadConst, dst, t_.Bool(!any), 0);
        uint16_t loop = Here();
        size_t next = Emit(Op::IterNext, it, 0, elem);
        uint8_t body = Alloc();
        Gen(*e.kids[1], body);
        size_t found = Emit(any ? Op::JumpIfTrue : Op::JumpIfFalse, body, 0, 0);
        Emit(Op::Jump, 0, loop, 0);
        PatchTo(found, Here());
        Emit(Op::LoadConst, dst, t_.Bool(any), 0);
        PatchTo(next, Here());
        vars_.erase(e.var);
        next_ = mark;
        return;
      }
    }
    internal_ = fmt::format("no code for IR op {}", ir::OpName(e.op));
  }

  Tables& t_;
  const CaptureIndex* caps_;
  std::vector<Instr> code_;
  size_t next_ = 0;
  size_t max_ = 0;
  std::map<uint16_t, uint8_t> vars_;
};

// Types of the fields a rule's captures name, from the nodes that name them.
void CaptureTypes(const ir::Expr& e, std::map<std::vector<std::string>, FieldType>& out) {
  if (e.op == ir::Op::kStageRef) out.emplace(e.path, e.ftype);
  for (const ir::ExprPtr& k : e.kids) CaptureTypes(*k, out);
}

class RuleGen {
 public:
  RuleGen(Tables& t, const ir::Rule& r) : t_(t), r_(r) {}

  Rule Run() {
    Rule out;
    out.name = r_.name;
    out.title = r_.title;
    out.description = r_.description;
    out.severity = r_.severity;
    out.attack = r_.attack;
    out.data = r_.data;
    out.references = r_.references;
    out.tags = r_.tags;
    out.false_positives = r_.false_positives;
    out.tuning = r_.tuning;
    out.source_file = r_.source_file;
    out.source_line = r_.source_line;
    out.kind = r_.kind;
    out.within_ns = r_.within_ns;

    auto caps = ir::ComputeCaptures(r_);
    CaptureIndex index(caps.size());
    for (size_t s = 0; s < caps.size(); ++s) {
      for (size_t i = 0; i < caps[s].size(); ++i) index[s][caps[s][i]] = static_cast<uint16_t>(i);
    }

    if (r_.kind == RuleKind::kSequence) {
      for (const ir::Stage& s : r_.stages) {
        Stage st;
        st.label = s.label;
        st.absence = s.absence;
        Compile(*s.pred, &st.pred, &index);
        st.key_slots = Slots(s.keys);
        out.stages.push_back(std::move(st));
      }
      if (r_.until) {
        out.has_until = true;
        Compile(*r_.until, &out.until_pred, nullptr);
        out.until_key_slots = Slots(r_.until_keys);
      }
      std::map<std::vector<std::string>, FieldType> types = {
          {{"metadata", "uid"}, FieldType::kString}, {{"time"}, FieldType::kTime}};
      for (const ir::Stage& s : r_.stages) CaptureTypes(*s.pred, types);
      for (const ir::TemplatePiece& p : r_.message) {
        if (p.kind == TemplatePart::Kind::kCapture) types.emplace(p.path, p.ftype);
      }
      for (size_t s = 0; s < caps.size(); ++s) {
        for (const auto& path : caps[s])
          out.stages[s].captures.push_back(t_.Slot(path, types[path]));
      }
      if (!r_.stages.empty()) {
        for (const ir::Key& k : r_.stages[0].keys) out.key_names.push_back(ir::DottedPath(k.path));
      }
    } else {
      Compile(*r_.pred, &out.pred, nullptr);
      out.by_slots = Slots(r_.by);
      out.threshold = r_.threshold;
      out.value_slots = Slots(r_.values);
      out.learn_ns = r_.learn_ns;
      for (const ir::Key& k : r_.by) out.key_names.push_back(ir::DottedPath(k.path));
    }
    out.suppress_slots = Slots(r_.suppress);
    out.suppress_ns = r_.suppress_ns;
    for (const ir::TemplatePiece& p : r_.message) {
      TemplatePart part;
      part.kind = p.kind;
      switch (p.kind) {
        case TemplatePart::Kind::kText:
          part.text = p.text;
          break;
        case TemplatePart::Kind::kField:
          part.index = t_.Slot(p.path, p.ftype);
          break;
        case TemplatePart::Kind::kCapture:
          part.stage = p.stage;
          if (p.stage < index.size() && index[p.stage].count(p.path)) {
            part.index = index[p.stage].at(p.path);
          } else {
            internal_ = "template capture without a capture slot";
          }
          break;
        case TemplatePart::Kind::kCount:
          break;
      }
      out.message.push_back(std::move(part));
    }
    out.route_actions = r_.route_actions;
    out.route_operations = r_.route_operations;
    out.prefilter_all = r_.prefilter_all;
    out.prefilter_actions = r_.prefilter_actions;
    out.prefilter_literals = r_.prefilter_literals;
    for (const ir::Rule::IndexFilter& f : r_.index_filters) {
      out.index_filters.push_back(IndexFilter{t_.Slot(f.path, f.ftype), f.ci, f.prefix, f.values});
    }
    return out;
  }

  std::string overflow_;
  std::string internal_;

 private:
  void Compile(const ir::Expr& pred, Code* code, const CaptureIndex* caps) {
    Emitter em(t_, caps);
    em.Run(pred, code);
    if (!em.overflow_.empty()) overflow_ = em.overflow_;
    if (!em.internal_.empty()) internal_ = em.internal_;
  }

  std::vector<uint16_t> Slots(const std::vector<ir::Key>& keys) {
    std::vector<uint16_t> out;
    for (const ir::Key& k : keys) out.push_back(t_.Slot(k.path, k.ftype));
    return out;
  }

  Tables& t_;
  const ir::Rule& r_;
};

}  // namespace

bool Generate(const ir::Pack& pack, Program* out, DiagnosticSink& sink) {
  Program p;
  Tables t(p);
  bool ok = true;
  for (const ir::Rule& r : pack.rules) {
    RuleGen g(t, r);
    p.rules.push_back(g.Run());
    std::string overflow = !g.overflow_.empty() ? g.overflow_ : t.overflow_;
    std::string internal = !g.internal_.empty() ? g.internal_ : t.internal_;
    if (!overflow.empty()) {
      sink.Report(DiagCode::kTooComplex, r.span,
                  fmt::format("rule `{}` is too complex: {}", r.name, overflow));
      ok = false;
    }
    if (!internal.empty()) {
      sink.Report(DiagCode::kInternal, r.span,
                  fmt::format("internal compiler error in rule `{}`: {}", r.name, internal));
      ok = false;
    }
    t.overflow_.clear();
    t.internal_.clear();
  }
  *out = std::move(p);
  return ok;
}

}  // namespace rdl::codegen
