// Semantic analysis: name resolution and type checking of parsed files,
// producing the typed IR (before lowering: `except` clauses are still
// separate and stage repetition is still a count).
//
// Collects every diagnostic it can: an erroneous expression becomes an IR
// node of type `error`, which every later check accepts silently, so one
// mistake is reported once.
#pragma once

#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/ir/ir.h"
#include "compiler/sema/schema.h"

namespace rdl::sema {

struct CheckInput {
  // Every parsed file of the compilation: the inputs and what they import.
  // Lists and macros of all of them share one namespace.
  std::vector<const ast::File*> files;
  // Parallel to `files`: whether the file's rules go into the pack (inputs)
  // or the file was only imported (its rules are ignored).
  std::vector<bool> compile_rules;
};

// Checks `in` and returns the rules of the compiled files, in file then
// declaration order. The result is meaningful only when no error was
// reported.
ir::Pack Check(const CheckInput& in, const SourceManager& sm, DiagnosticSink& sink,
               const Schema& schema = Schema::Stdlib());

// Converts a `like` glob (`*` any run, `?` one character, everything else
// literal) into an anchored RE2 pattern.
std::string GlobToRegex(std::string_view glob, bool icase);

// Parses "10.0.0.0/8", "2001:db8::/32" or a bare address (a /32 or /128);
// returns the canonical "address/len" text, or false.
bool ParseCidr(std::string_view text, std::string* canonical);

// Post-lowering lints that need the final predicates: W0003 (a conjunction
// that can never hold) and W0005 (a condition that always holds).
void Lint(const ir::Pack& pack, DiagnosticSink& sink);

}  // namespace rdl::sema
