// Helpers shared by the parser tests: parse a string, list its diagnostics
// as "line:col: code: message" lines.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/syntax/parse.h"

namespace rdl::testing {

struct Parsed {
  SourceManager sm;
  DiagnosticSink sink;
  ast::File file;
  uint32_t id = 0;
};

inline std::unique_ptr<Parsed> Parse(std::string_view text, std::string name = "t.rule") {
  auto p = std::make_unique<Parsed>();
  p->id = p->sm.Add(std::move(name), std::string(text));
  p->file = ParseFile(p->sm, p->id, p->sink);
  return p;
}

// One line per diagnostic: "L:C: E0101: message", then "  note" lines if
// `with_notes`.
inline std::string DiagLines(const Parsed& p, bool with_notes = false) {
  std::string out;
  for (const Diagnostic& d : p.sink.diagnostics()) {
    LineCol lc = p.sm.file(p.id).Locate(d.labels.empty() ? 0 : d.labels[0].span.begin);
    out += std::to_string(lc.line) + ":" + std::to_string(lc.col) + ": " +
           GetDiagInfo(d.code).code + ": " + d.message + "\n";
    if (with_notes) {
      for (const std::string& n : d.notes) out += "  " + n + "\n";
    }
  }
  return out;
}

}  // namespace rdl::testing
