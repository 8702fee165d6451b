// constant-fold: evaluates operations whose operands are all constants, and
// simplifies and/or/not with constant operands (`x and true` -> x,
// `x or true` -> true). Folding follows the VM's semantics exactly and
// declines wherever they could differ (integer division, mixed int/float
// arithmetic, null operands): a missed fold is slower, a wrong fold is a bug.
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <optional>

#include "compiler/opt/passes.h"

namespace rdl::opt {

namespace {

using ir::Expr;
using ir::ExprPtr;
using ir::Op;
using ir::Type;

bool IsConst(const Expr& e) { return e.op == Op::kConst; }
bool IsConstOf(const Expr& e, Type t) { return e.op == Op::kConst && e.type == t; }
bool IsIntLike(Type t) { return t == Type::kInt || t == Type::kDuration || t == Type::kTime; }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// -1, 0, 1 or nullopt when the VM would not compare the two constants.
std::optional<int> Compare(const Expr& a, const Expr& b) {
  if (IsIntLike(a.type) && IsIntLike(b.type)) {
    return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
  }
  bool an = IsIntLike(a.type) || a.type == Type::kFloat;
  bool bn = IsIntLike(b.type) || b.type == Type::kFloat;
  if (an && bn) {
    double x = a.type == Type::kFloat ? a.f : static_cast<double>(a.i);
    double y = b.type == Type::kFloat ? b.f : static_cast<double>(b.i);
    if (x != x || y != y) return std::nullopt;  // NaN
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.type == Type::kString && b.type == Type::kString) {
    int c = a.text.compare(b.text);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (a.type == Type::kBool && b.type == Type::kBool) return a.b == b.b ? 0 : 1;
  return std::nullopt;
}

ExprPtr FoldNode(ExprPtr e) {
  const Span span = e->span;
  switch (e->op) {
    case Op::kNot:
      if (IsConstOf(*e->kids[0], Type::kBool)) return ir::MakeBool(!e->kids[0]->b, span);
      return e;
    case Op::kAnd:
    case Op::kOr: {
      // Operands of and/or are proper booleans (sema wraps bare fields), so
      // dropping neutral constants or returning a single operand is exact.
      bool is_and = e->op == Op::kAnd;
      std::vector<ExprPtr> kept;
      for (ExprPtr& k : e->kids) {
        if (IsConstOf(*k, Type::kBool)) {
          if (k->b != is_and) return ir::MakeBool(!is_and, span);  // absorbing
          continue;                                                // neutral
        }
        kept.push_back(std::move(k));
      }
      return ir::MakeLogical(e->op, std::move(kept), span);
    }
    case Op::kEq:
    case Op::kNe:
    case Op::kLt:
    case Op::kLe:
    case Op::kGt:
    case Op::kGe: {
      const Expr& a = *e->kids[0];
      const Expr& b = *e->kids[1];
      if (!IsConst(a) || !IsConst(b)) return e;
      auto c = Compare(a, b);
      if (!c) return e;
      bool ordering = e->op != Op::kEq && e->op != Op::kNe;
      if (ordering && a.type == Type::kBool) return e;
      bool v = false;
      switch (e->op) {
        case Op::kEq:
          v = *c == 0;
          break;
        case Op::kNe:
          v = *c != 0;
          break;
        case Op::kLt:
          v = *c < 0;
          break;
        case Op::kLe:
          v = *c <= 0;
          break;
        case Op::kGt:
          v = *c > 0;
          break;
        default:
          v = *c >= 0;
          break;
      }
      return ir::MakeBool(v, span);
    }
    case Op::kEqCI:
      if (IsConstOf(*e->kids[0], Type::kString) && IsConstOf(*e->kids[1], Type::kString)) {
        return ir::MakeBool(Lower(e->kids[0]->text) == Lower(e->kids[1]->text), span);
      }
      return e;
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul: {
      const Expr& a = *e->kids[0];
      const Expr& b = *e->kids[1];
      if (!IsConst(a) || !IsConst(b)) return e;
      if (IsIntLike(a.type) && IsIntLike(b.type) && IsIntLike(e->type)) {
        // Two's complement wrap-around, as the VM's int arithmetic.
        uint64_t x = static_cast<uint64_t>(a.i), y = static_cast<uint64_t>(b.i);
        uint64_t r = e->op == Op::kAdd ? x + y : e->op == Op::kSub ? x - y : x * y;
        return ir::MakeInt(static_cast<int64_t>(r), e->type, span);
      }
      if (a.type == Type::kFloat && b.type == Type::kFloat) {
        double r = e->op == Op::kAdd ? a.f + b.f : e->op == Op::kSub ? a.f - b.f : a.f * b.f;
        return ir::MakeFloat(r, span);
      }
      return e;
    }
    case Op::kNeg: {
      const Expr& a = *e->kids[0];
      if (IsIntLike(a.type) && IsConst(a) && a.i != std::numeric_limits<int64_t>::min()) {
        return ir::MakeInt(-a.i, a.type, span);
      }
      if (IsConstOf(a, Type::kFloat)) return ir::MakeFloat(-a.f, span);
      return e;
    }
    case Op::kLower:
    case Op::kUpper:
      if (IsConstOf(*e->kids[0], Type::kString)) {
        std::string s = e->kids[0]->text;
        for (char& c : s) {
          c = static_cast<char>(e->op == Op::kLower ? std::tolower(static_cast<unsigned char>(c))
                                                    : std::toupper(static_cast<unsigned char>(c)));
        }
        return ir::MakeString(std::move(s), span);
      }
      return e;
    case Op::kLen:
      if (IsConstOf(*e->kids[0], Type::kString)) {
        return ir::MakeInt(static_cast<int64_t>(e->kids[0]->text.size()), Type::kInt, span);
      }
      return e;
    case Op::kStartsWith:
    case Op::kEndsWith:
    case Op::kContains: {
      if (!IsConstOf(*e->kids[0], Type::kString) || !IsConstOf(*e->kids[1], Type::kString)) {
        return e;
      }
      std::string_view s = e->kids[0]->text, p = e->kids[1]->text;
      bool v = e->op == Op::kStartsWith ? s.substr(0, p.size()) == p
               : e->op == Op::kEndsWith ? s.size() >= p.size() && s.substr(s.size() - p.size()) == p
                                        : s.find(p) != std::string_view::npos;
      return ir::MakeBool(v, span);
    }
    case Op::kInSet:
      if (IsConstOf(*e->kids[0], Type::kString)) {
        std::string v = e->ci ? Lower(e->kids[0]->text) : e->kids[0]->text;
        return ir::MakeBool(std::binary_search(e->set.begin(), e->set.end(), v), span);
      }
      return e;
    case Op::kMatch:
      if (IsConstOf(*e->kids[0], Type::kString)) {
        RE2::Options opts;
        opts.set_log_errors(false);
        RE2 re(e->text, opts);
        if (re.ok()) return ir::MakeBool(RE2::PartialMatch(e->kids[0]->text, re), span);
      }
      return e;
    default:
      return e;
  }
}

}  // namespace

ExprPtr FoldExpr(ExprPtr e) {
  for (ExprPtr& k : e->kids) k = FoldExpr(std::move(k));
  return FoldNode(std::move(e));
}

void ConstantFold(ir::Rule& rule) {
  if (rule.pred) rule.pred = FoldExpr(std::move(rule.pred));
  for (ir::Stage& s : rule.stages) {
    if (s.pred) s.pred = FoldExpr(std::move(s.pred));
  }
  if (rule.until) rule.until = FoldExpr(std::move(rule.until));
}

}  // namespace rdl::opt
