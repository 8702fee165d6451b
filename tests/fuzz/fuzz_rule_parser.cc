// libFuzzer target for the rule parser: any bytes must parse to an AST plus
// diagnostics, never a crash, hang or sanitizer report. Also dumps the AST
// and renders every diagnostic, so spans are exercised end to end.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/syntax/parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rdl::SourceManager sm;
  uint32_t id = sm.Add("fuzz.rule", std::string(reinterpret_cast<const char*>(data), size));
  rdl::DiagnosticSink sink;
  rdl::ast::File file = rdl::ParseFile(sm, id, sink);
  std::string dump = rdl::ast::Dump(file, sm);
  for (const rdl::Diagnostic& d : sink.diagnostics()) {
    if (d.labels.empty()) __builtin_trap();
    const rdl::Span& s = d.labels[0].span;
    // Every reported span lies inside the file.
    if (s.file != id || s.begin > s.end || s.end > size) __builtin_trap();
    dump += rdl::RenderText(d, sm);
  }
  return 0;
}
