// Lints over the checked IR: conditions that can never hold (W0003) and
// rules whose condition holds for every event (W0005). They look at the
// IR so macros and lists are already expanded.
#include <fmt/format.h>

#include <map>
#include <optional>
#include <set>

#include "compiler/opt/passes.h"
#include "compiler/sema/check.h"

namespace rdl::sema {

namespace {

using ir::Expr;
using ir::Op;
using ir::Type;

// A field whose value is a single scalar: two different equalities on it
// cannot both hold. (Lists and json compare any-element: they can.)
bool ScalarField(const Expr& e) {
  if (e.op != Op::kField && e.op != Op::kStageRef) return false;
  return e.ftype != FieldType::kJson && e.ftype != FieldType::kStringList;
}

std::string FieldName(const Expr& e) {
  std::string n = ir::DottedPath(e.path);
  if (e.op == Op::kStageRef) n = fmt::format("@{}.{}", e.stage, n);
  return n;
}

std::string ConstText(const Expr& c) {
  switch (c.type) {
    case Type::kString:
      return fmt::format("\"{}\"", c.text);
    case Type::kInt:
      return fmt::format("{}", c.i);
    case Type::kBool:
      return c.b ? "true" : "false";
    case Type::kFloat:
      return fmt::format("{}", c.f);
    case Type::kDuration:
      return ir::FormatDuration(c.i);
    default:
      return "";
  }
}

struct Constraint {
  std::string field;  // display name
  std::set<std::string> allowed;
  std::vector<std::string> described;
};

// `field == const` or `field in [...]` (exact): the values the field may take.
std::optional<std::pair<std::string, Constraint>> ConstraintOf(const Expr& e) {
  if (e.op == Op::kEq) {
    for (int side = 0; side < 2; ++side) {
      const Expr& f = *e.kids[side];
      const Expr& c = *e.kids[1 - side];
      if (!ScalarField(f) || c.op != Op::kConst) continue;
      std::string v = ConstText(c);
      if (v.empty()) continue;
      Constraint k;
      k.field = ir::DottedPath(f.path);
      k.allowed = {v};
      k.described = {v};
      return std::make_pair(FieldName(f), k);
    }
  }
  if (e.op == Op::kInSet && !e.ci && ScalarField(*e.kids[0])) {
    Constraint k;
    k.field = ir::DottedPath(e.kids[0]->path);
    std::string d = "[";
    for (const std::string& m : e.set) {
      std::string v = fmt::format("\"{}\"", m);
      k.allowed.insert(v);
      d += (d.size() > 1 ? ", " : "") + v;
    }
    k.described = {d + "]"};
    return std::make_pair(FieldName(*e.kids[0]), k);
  }
  return std::nullopt;
}

void NeverMatches(const Expr& e, DiagnosticSink& sink) {
  if (e.op == Op::kAnd) {
    std::map<std::string, Constraint> fields;
    std::vector<std::string> order;
    for (const ir::ExprPtr& k : e.kids) {
      auto c = ConstraintOf(*k);
      if (!c) continue;
      auto it = fields.find(c->first);
      if (it == fields.end()) {
        fields.emplace(c->first, c->second);
        order.push_back(c->first);
        continue;
      }
      std::set<std::string> both;
      for (const std::string& v : it->second.allowed) {
        if (c->second.allowed.count(v)) both.insert(v);
      }
      it->second.allowed = std::move(both);
      for (const std::string& d : c->second.described) it->second.described.push_back(d);
    }
    for (const std::string& name : order) {
      const Constraint& c = fields.at(name);
      if (!c.allowed.empty()) continue;
      std::string what;
      for (size_t i = 0; i < c.described.size(); ++i) {
        if (i) what += i + 1 == c.described.size() ? " and " : ", ";
        what += c.described[i];
      }
      sink.Report(
          DiagCode::kNeverMatches, e.span,
          fmt::format("this condition can never hold: `{}` cannot be {} at once", c.field, what));
      break;
    }
  }
  for (const ir::ExprPtr& k : e.kids) NeverMatches(*k, sink);
}

void AlwaysMatches(const Expr& pred, DiagnosticSink& sink) {
  ir::ExprPtr folded = opt::FoldExpr(ir::Clone(pred));
  if (folded->op == Op::kConst && folded->type == Type::kBool && folded->b) {
    sink.Report(DiagCode::kAlwaysMatches, pred.span, "this condition holds for every event");
  }
}

bool HasErrors(const Expr& e) {
  if (e.type == Type::kError) return true;
  for (const ir::ExprPtr& k : e.kids) {
    if (HasErrors(*k)) return true;
  }
  return false;
}

}  // namespace

void Lint(const ir::Pack& pack, DiagnosticSink& sink) {
  for (const ir::Rule& r : pack.rules) {
    auto lint = [&](const Expr* e, bool positive) {
      if (!e || HasErrors(*e)) return;
      NeverMatches(*e, sink);
      if (positive && r.excepts.empty()) AlwaysMatches(*e, sink);
    };
    lint(r.pred.get(), true);
    for (const ir::Stage& s : r.stages) lint(s.pred.get(), !s.absence);
    lint(r.until.get(), false);
    for (const ir::ExprPtr& ex : r.excepts) lint(ex.get(), false);
  }
}

}  // namespace rdl::sema
