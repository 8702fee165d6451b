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

// The passes, one rule at a time.
void ConstantFold(ir::Rule& rule);
void CheapFirst(ir::Rule& rule);
void Route(ir::Rule& rule);

// Expression-level entry points (also used by lints and tests).
ir::ExprPtr FoldExpr(ir::ExprPtr e);
int Cost(const ir::Expr& e);

struct Routes {
  bool ok = false;                               // false: any event may match
  std::vector<std::string> actions, operations;  // sorted, unique
};
Routes RoutesOf(const ir::Expr& pred);

}  // namespace rdl::opt
