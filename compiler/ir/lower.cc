// Except folding and stage unrolling (see lower.h).
//
// Excepts go into positive stages only: an absence stage's event cancels an
// alert, and `until` cancels partial matches; neither produces an alert that
// an exception could suppress.
#include "compiler/ir/lower.h"

#include <fmt/format.h>

namespace rdl::ir {

namespace {

ExprPtr FoldExcepts(ExprPtr pred, const std::vector<ExprPtr>& excepts) {
  if (excepts.empty()) return pred;
  Span span = pred->span;
  std::vector<ExprPtr> kids;
  kids.push_back(std::move(pred));
  for (const ExprPtr& ex : excepts) {
    kids.push_back(MakeUnary(Op::kNot, Type::kBool, Clone(*ex), ex->span));
  }
  return MakeLogical(Op::kAnd, std::move(kids), span);
}

void RemapStages(Expr& e, const std::vector<uint16_t>& first_copy) {
  if (e.op == Op::kStageRef && e.stage < first_copy.size()) e.stage = first_copy[e.stage];
  for (ExprPtr& k : e.kids) RemapStages(*k, first_copy);
}

}  // namespace

void LowerRule(Rule& r) {
  if (r.kind != RuleKind::kSequence) {
    if (r.pred) r.pred = FoldExcepts(std::move(r.pred), r.excepts);
    r.excepts.clear();
    return;
  }
  for (Stage& s : r.stages) {
    if (!s.absence && s.pred) s.pred = FoldExcepts(std::move(s.pred), r.excepts);
  }
  r.excepts.clear();

  std::vector<uint16_t> first_copy;
  uint16_t next = 0;
  for (const Stage& s : r.stages) {
    first_copy.push_back(next);
    next = static_cast<uint16_t>(next + s.repeat);
  }
  std::vector<Stage> out;
  for (Stage& s : r.stages) {
    if (s.pred) RemapStages(*s.pred, first_copy);
    uint32_t n = s.repeat;
    s.repeat = 1;
    for (uint32_t k = 1; k < n + 1; ++k) {
      Stage c;
      c.label = k == 1 ? s.label : fmt::format("{}#{}", s.label, k);
      c.span = s.span;
      c.absence = s.absence;
      c.keys = s.keys;
      c.pred = s.pred ? Clone(*s.pred) : nullptr;
      out.push_back(std::move(c));
    }
  }
  r.stages = std::move(out);
  for (TemplatePiece& p : r.message) {
    if (p.kind == TemplatePart::Kind::kCapture && p.stage < first_copy.size()) {
      p.stage = first_copy[p.stage];
    }
  }
}

void Lower(Pack& pack) {
  for (Rule& r : pack.rules) LowerRule(r);
}

}  // namespace rdl::ir
