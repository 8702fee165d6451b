// cheap-first: orders the operands of every and/or by estimated cost so the
// cheapest test that can decide the result runs first. Sound because and/or
// are pure (no side effects, no errors) and their operands are proper
// booleans: only evaluation order changes, never the result. The sort is
// stable, so equal-cost operands keep their source order.
#include <algorithm>

#include "compiler/opt/passes.h"

namespace rdl::opt {

namespace {

using ir::Expr;
using ir::Op;

bool IsRoutingField(const Expr& e) {
  return e.op == Op::kField && (e.path == std::vector<std::string>{"action"} ||
                                e.path == std::vector<std::string>{"api", "operation"});
}

int SumKids(const Expr& e) {
  int c = 0;
  for (const ir::ExprPtr& k : e.kids) c += Cost(*k);
  return c;
}

void Reorder(Expr& e) {
  for (ir::ExprPtr& k : e.kids) Reorder(*k);
  if (e.op != Op::kAnd && e.op != Op::kOr) return;
  std::vector<std::pair<int, size_t>> order;
  for (size_t i = 0; i < e.kids.size(); ++i) order.push_back({Cost(*e.kids[i]), i});
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<ir::ExprPtr> kids;
  for (const auto& o : order) kids.push_back(std::move(e.kids[o.second]));
  e.kids = std::move(kids);
}

}  // namespace

// Units are rough instruction-equivalents; what matters is the order:
// routing-field equality < other equality / set tests < string functions <
// regexes < quantifiers.
int Cost(const Expr& e) {
  switch (e.op) {
    case Op::kConst:
      return 0;
    case Op::kField:
    case Op::kStageRef:
    case Op::kVar:
      return 1;
    case Op::kGetPath:
      return 3 + SumKids(e);
    case Op::kEq:
    case Op::kInSet:
      // Tests of action / api.operation against constants decide most
      // events for the fewest instructions: always first.
      if (IsRoutingField(*e.kids[0]) && (e.op == Op::kInSet || e.kids[1]->op == Op::kConst)) {
        return 1;
      }
      if (e.op == Op::kEq && IsRoutingField(*e.kids[1]) && e.kids[0]->op == Op::kConst) return 1;
      return (e.op == Op::kInSet ? 3 : 2) + SumKids(e);
    case Op::kNe:
    case Op::kLt:
    case Op::kLe:
    case Op::kGt:
    case Op::kGe:
    case Op::kExists:
    case Op::kNot:
    case Op::kNeg:
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul:
    case Op::kDiv:
    case Op::kMod:
    case Op::kLen:
      return 2 + SumKids(e);
    case Op::kEqCI:
      return 4 + SumKids(e);
    case Op::kInArray:
    case Op::kInCidr:
    case Op::kLower:
    case Op::kUpper:
    case Op::kStartsWith:
    case Op::kEndsWith:
    case Op::kContains:
      return 6 + SumKids(e);
    case Op::kMatch:
      return 25 + SumKids(e);
    case Op::kAny:
    case Op::kAll:
      return 50 + 10 * SumKids(e);
    case Op::kAnd:
    case Op::kOr:
      return 1 + SumKids(e);
  }
  return 10;
}

void CheapFirst(ir::Rule& rule) {
  if (rule.pred) Reorder(*rule.pred);
  for (ir::Stage& s : rule.stages) {
    if (s.pred) Reorder(*s.pred);
  }
  if (rule.until) Reorder(*rule.until);
}

}  // namespace rdl::opt
