// The optimizer: named, switchable passes over the typed IR (passes.def),
// each followed by the IR verifier. Passes only rewrite pure expressions or
// fill derived rule data; they never change what a rule matches.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/ir/ir.h"

namespace rdl::opt {

struct PassInfo {
  const char* name;
  const char* doc;
  void (*run)(ir::Rule& rule);
};
const std::vector<PassInfo>& Passes();
bool IsPass(std::string_view name);

// Runs every pass not named in `disabled`, in table order, verifying the IR
// after each. Returns false and sets *error (naming the pass) when the
// verifier rejects the result: a compiler bug.
bool Optimize(ir::Pack& pack, const std::vector<std::string>& disabled, std::string* error);

// The predicates an event can be tested against in `rule` (the event
// predicate; or every stage's, absence stages included, and `until`), in
// order; null for a missing one. Route and prefilter take their union.
std::vector<const ir::Expr*> EventPredicates(const ir::Rule& rule);

// The passes, one rule at a time.
void ConstantFold(ir::Rule& rule);
void CheapFirst(ir::Rule& rule);
void Route(ir::Rule& rule);
void Index(ir::Rule& rule);
void Prefilter(ir::Rule& rule);

// Expression-level entry points (also used by lints and tests).
ir::ExprPtr FoldExpr(ir::ExprPtr e);
int Cost(const ir::Expr& e);

struct Routes {
  bool ok = false;                               // false: any event may match
  std::vector<std::string> actions, operations;  // sorted, unique
};
Routes RoutesOf(const ir::Expr& pred);

// What a record's raw text must contain for a predicate to match (see
// prefilter.cc): one of `actions` (through the provider tables) or one of
// `literals` (ASCII case-insensitive substrings).
struct Needs {
  bool ok = false;                             // false: any record may match
  std::vector<std::string> actions, literals;  // sorted, unique
};
Needs NeedsOfExpr(const ir::Expr& pred);
// The longest run of `text` that JSON writes verbatim (no quote, backslash
// or control character), or "" when shorter than the prefilter's minimum.
std::string PrefilterLiteral(std::string_view text);
// A literal every match of the RE2 pattern contains ("" when none is
// certain): the longest run of literal characters outside groups, classes
// and optional atoms; "" for a top-level alternation.
std::string RegexRequiredLiteral(std::string_view re);

}  // namespace rdl::opt
