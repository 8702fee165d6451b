// route: extracts what an event must carry for a rule to match, so the
// engine can index rules by `action` / `api.operation` instead of running
// every rule on every event.
//
// A predicate routes when it is `action == "x"`, `action in [...]`,
// `api.operation == "x"` / `in [...]` (exact, not case-insensitive), a
// conjunction with at least one routable operand (the smallest is taken),
// or a disjunction whose every operand routes (the union). A sequence routes
// only if every stage (absence stages included: their events must reach the
// rule to cancel it) and `until` route; it gets the union. Otherwise the
// rule's route lists stay empty, meaning "every event".
#include <algorithm>

#include "compiler/opt/passes.h"

namespace rdl::opt {

namespace {

using ir::Expr;
using ir::Op;

enum class RouteField { kNone, kAction, kOperation };

RouteField FieldOf(const Expr& e) {
  if (e.op != Op::kField) return RouteField::kNone;
  if (e.path == std::vector<std::string>{"action"}) return RouteField::kAction;
  if (e.path == std::vector<std::string>{"api", "operation"}) return RouteField::kOperation;
  return RouteField::kNone;
}

void Normalize(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

Routes Leaf(RouteField f, std::vector<std::string> values) {
  Routes r;
  r.ok = true;
  (f == RouteField::kAction ? r.actions : r.operations) = std::move(values);
  return r;
}

}  // namespace

Routes RoutesOf(const Expr& e) {
  switch (e.op) {
    case Op::kEq: {
      for (int side = 0; side < 2; ++side) {
        const Expr& f = *e.kids[side];
        const Expr& c = *e.kids[1 - side];
        RouteField rf = FieldOf(f);
        if (rf != RouteField::kNone && c.op == Op::kConst && c.type == ir::Type::kString) {
          return Leaf(rf, {c.text});
        }
      }
      return {};
    }
    case Op::kInSet: {
      RouteField rf = FieldOf(*e.kids[0]);
      if (rf == RouteField::kNone || e.ci || e.set.empty()) return {};
      return Leaf(rf, e.set);
    }
    case Op::kAnd: {
      Routes best;
      for (const ir::ExprPtr& k : e.kids) {
        Routes r = RoutesOf(*k);
        if (!r.ok) continue;
        size_t n = r.actions.size() + r.operations.size();
        if (!best.ok || n < best.actions.size() + best.operations.size()) best = std::move(r);
      }
      return best;
    }
    case Op::kOr: {
      Routes all;
      all.ok = true;
      for (const ir::ExprPtr& k : e.kids) {
        Routes r = RoutesOf(*k);
        if (!r.ok) return {};
        all.actions.insert(all.actions.end(), r.actions.begin(), r.actions.end());
        all.operations.insert(all.operations.end(), r.operations.begin(), r.operations.end());
      }
      Normalize(all.actions);
      Normalize(all.operations);
      return all;
    }
    default:
      return {};
  }
}

std::vector<const ir::Expr*> EventPredicates(const ir::Rule& rule) {
  std::vector<const ir::Expr*> out;
  if (rule.kind == RuleKind::kSequence) {
    for (const ir::Stage& s : rule.stages) out.push_back(s.pred.get());
    if (rule.until) out.push_back(rule.until.get());
  } else {
    out.push_back(rule.pred.get());
  }
  return out;
}

void Route(ir::Rule& rule) {
  rule.route_actions.clear();
  rule.route_operations.clear();
  Routes all;
  all.ok = true;
  auto add = [&](const Expr* pred) {
    if (!all.ok) return;
    Routes r = pred ? RoutesOf(*pred) : Routes{};
    if (!r.ok) {
      all = Routes{};
      return;
    }
    all.actions.insert(all.actions.end(), r.actions.begin(), r.actions.end());
    all.operations.insert(all.operations.end(), r.operations.begin(), r.operations.end());
  };
  for (const Expr* pred : EventPredicates(rule)) add(pred);
  if (!all.ok) return;
  Normalize(all.actions);
  Normalize(all.operations);
  rule.route_actions = std::move(all.actions);
  rule.route_operations = std::move(all.operations);
}

}  // namespace rdl::opt
