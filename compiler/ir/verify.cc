// The IR verifier: the invariants every pass may rely on and must keep.
// Run by the pass manager after lowering and after each pass; a failure is a
// compiler bug (reported as an internal error), never a user mistake.
#include <fmt/format.h>

#include <algorithm>

#include "compiler/ir/ir.h"

namespace rdl::ir {

namespace {

class Verifier {
 public:
  Verifier(const Rule& rule, std::string* error) : rule_(rule), error_(error) {}

  // `stage` is the index of the stage whose predicate this is, or -1 when
  // stage references are not allowed (non-sequence predicates, `until`).
  bool Pred(const Expr& e, int stage, const char* what) {
    stage_ = stage;
    what_ = what;
    vars_.clear();
    if (e.type != Type::kBool) return Fail(e, "predicate is not boolean");
    return Check(e);
  }

 private:
  bool Fail(const Expr& e, std::string_view msg) {
    *error_ = fmt::format("rule `{}` {}: {} at `{}`", rule_.name, what_, msg, DumpExpr(e));
    return false;
  }

  bool Arity(const Expr& e, size_t n) {
    if (e.kids.size() != n) return Fail(e, fmt::format("{} expects {} operands", OpName(e.op), n));
    return true;
  }

  bool Check(const Expr& e) {
    if (e.type == Type::kError) return Fail(e, "error node left in the IR");
    switch (e.op) {
      case Op::kConst:
        if (!e.kids.empty()) return Fail(e, "constant with operands");
        switch (e.type) {
          case Type::kNull:
          case Type::kBool:
          case Type::kInt:
          case Type::kFloat:
          case Type::kString:
          case Type::kDuration:
          case Type::kTime:
            return true;
          default:
            return Fail(e, "constant of a non-constant type");
        }
      case Op::kField:
        if (e.path.empty()) return Fail(e, "field without a path");
        return Arity(e, 0);
      case Op::kStageRef:
        if (stage_ < 0) return Fail(e, "stage reference outside a sequence stage");
        if (e.stage >= stage_) return Fail(e, "reference to the same or a later stage");
        if (rule_.stages[e.stage].absence) return Fail(e, "reference to an absence stage");
        if (e.path.empty()) return Fail(e, "stage reference without a path");
        return Arity(e, 0);
      case Op::kVar:
        if (std::find(vars_.begin(), vars_.end(), e.var) == vars_.end()) {
          return Fail(e, "quantifier variable out of scope");
        }
        return Arity(e, 0);
      case Op::kGetPath:
        if (e.path.empty()) return Fail(e, "empty dynamic path");
        return Arity(e, 1) && Check(*e.kids[0]);
      case Op::kAnd:
      case Op::kOr:
        if (e.kids.size() < 2) return Fail(e, "and/or with fewer than 2 operands");
        if (e.type != Type::kBool) return Fail(e, "and/or is not boolean");
        for (const ExprPtr& k : e.kids) {
          if (k->type != Type::kBool) return Fail(*k, "and/or operand is not boolean");
          if (!Check(*k)) return false;
        }
        return true;
      case Op::kNot:
        if (e.type != Type::kBool || !Arity(e, 1)) return Fail(e, "malformed not");
        if (e.kids[0]->type != Type::kBool) return Fail(e, "not of a non-boolean");
        return Check(*e.kids[0]);
      case Op::kAny:
      case Op::kAll: {
        if (!Arity(e, 2)) return false;
        if (e.type != Type::kBool || e.kids[1]->type != Type::kBool) {
          return Fail(e, "quantifier body is not boolean");
        }
        if (std::find(vars_.begin(), vars_.end(), e.var) != vars_.end()) {
          return Fail(e, "quantifier variable bound twice");
        }
        if (!Check(*e.kids[0])) return false;
        vars_.push_back(e.var);
        bool ok = Check(*e.kids[1]);
        vars_.pop_back();
        return ok;
      }
      case Op::kInSet: {
        if (!Arity(e, 1)) return false;
        if (!std::is_sorted(e.set.begin(), e.set.end()) ||
            std::adjacent_find(e.set.begin(), e.set.end()) != e.set.end()) {
          return Fail(e, "set not sorted and unique");
        }
        if (e.ci) {
          for (const std::string& m : e.set) {
            for (char c : m) {
              if (c >= 'A' && c <= 'Z') return Fail(e, "case-insensitive set not lower-case");
            }
          }
        }
        return Check(*e.kids[0]);
      }
      case Op::kMatch:
      case Op::kInCidr:
        if (e.op == Op::kInCidr && e.text.empty()) return Fail(e, "empty network");
        [[fallthrough]];
      case Op::kNeg:
      case Op::kExists:
      case Op::kLower:
      case Op::kUpper:
      case Op::kLen:
        return Arity(e, 1) && Check(*e.kids[0]);
      default:  // binary operators
        if (!Arity(e, 2)) return false;
        return Check(*e.kids[0]) && Check(*e.kids[1]);
    }
  }

  const Rule& rule_;
  std::string* error_;
  int stage_ = -1;
  const char* what_ = "";
  std::vector<uint16_t> vars_;
};

bool VerifyRule(const Rule& r, std::string* error) {
  Verifier v(r, error);
  if (!r.excepts.empty()) {
    *error = fmt::format("rule `{}`: except clauses not folded", r.name);
    return false;
  }
  if (r.kind == RuleKind::kSequence) {
    if (r.stages.empty()) {
      *error = fmt::format("rule `{}`: sequence without stages", r.name);
      return false;
    }
    for (size_t i = 0; i < r.stages.size(); ++i) {
      const Stage& s = r.stages[i];
      if (s.repeat != 1) {
        *error = fmt::format("rule `{}`: stage `{}` repetition not unrolled", r.name, s.label);
        return false;
      }
      if (s.keys.size() != r.stages[0].keys.size()) {
        *error = fmt::format("rule `{}`: stage `{}` key count differs", r.name, s.label);
        return false;
      }
      if (!s.pred) {
        *error = fmt::format("rule `{}`: stage `{}` has no predicate", r.name, s.label);
        return false;
      }
      std::string what = fmt::format("stage `{}`", s.label);
      if (!v.Pred(*s.pred, static_cast<int>(i), what.c_str())) return false;
    }
    if (r.until) {
      if (r.until_keys.size() != r.stages[0].keys.size()) {
        *error = fmt::format("rule `{}`: until key count differs", r.name);
        return false;
      }
      if (!v.Pred(*r.until, -1, "until")) return false;
    }
  } else {
    if (!r.pred) {
      *error = fmt::format("rule `{}`: no predicate", r.name);
      return false;
    }
    if (!v.Pred(*r.pred, -1, "predicate")) return false;
    if (!r.stages.empty() || r.until) {
      *error = fmt::format("rule `{}`: stages on a non-sequence rule", r.name);
      return false;
    }
  }
  return true;
}

}  // namespace

bool Verify(const Pack& pack, std::string* error) {
  for (const Rule& r : pack.rules) {
    if (!VerifyRule(r, error)) return false;
  }
  return true;
}

}  // namespace rdl::ir
