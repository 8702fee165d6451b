// Test helpers for the sema / lowering / codegen unit tests: compile rule
// text in memory and look at the diagnostics, the IR and the Program.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/driver/compile.h"
#include "compiler/ir/ir.h"
#include "compiler/sema/check.h"
#include "compiler/syntax/parse.h"

namespace rdl::testing {

struct Result {
  SourceManager sm;
  DiagnosticSink sink;
  std::optional<CompileOutput> out;

  std::vector<std::string> Codes() const {
    std::vector<std::string> codes;
    for (const Diagnostic& d : sink.diagnostics()) codes.push_back(GetDiagInfo(d.code).code);
    return codes;
  }
  bool Has(const std::string& code) const {
    for (const std::string& c : Codes()) {
      if (c == code) return true;
    }
    return false;
  }
  // Every diagnostic rendered, for failure messages and exact checks.
  std::string Text() const {
    std::string t;
    for (const Diagnostic& d : sink.diagnostics()) t += RenderText(d, sm);
    return t;
  }
  const Program& program() const { return out->program; }
};

// Compiles one in-memory file named "t.rule" through the whole driver.
inline Result CompileText(const std::string& text, CompileOptions options = {}) {
  Result r;
  r.sink.set_warnings_as_errors(options.warnings_as_errors);
  uint32_t id = r.sm.Add("t.rule", text);
  r.out = Compile(r.sm, {id}, options, r.sink);
  return r;
}

// Parses and checks one file (no lowering, no passes): the checked IR.
struct Checked {
  SourceManager sm;
  DiagnosticSink sink;
  ast::File file;
  ir::Pack pack;
};
inline Checked CheckText(const std::string& text) {
  Checked c;
  uint32_t id = c.sm.Add("t.rule", text);
  c.file = ParseFile(c.sm, id, c.sink);
  sema::CheckInput in;
  in.files.push_back(&c.file);
  in.compile_rules.push_back(true);
  c.pack = sema::Check(in, c.sm, c.sink);
  return c;
}

// A rule with a title around `body` (so W0004 stays out of the way).
inline std::string RuleText(const std::string& body, const std::string& name = "r") {
  return "rule " + name + " {\n  title \"T\"\n  " + body + "\n}\n";
}
inline std::string MatchRule(const std::string& cond) { return RuleText("match where " + cond); }

}  // namespace rdl::testing
