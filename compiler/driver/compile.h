// The compiler's entry points: source files in, a Program (and its text
// dumps) out. Every stage reports into one DiagnosticSink; the driver keeps
// going after errors so one run reports everything it can.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"
#include "rdl/program.h"

namespace rdl {

struct CompileOptions {
  bool warnings_as_errors = false;
  // Optimizer passes to skip, by name (see compiler/opt/passes.def).
  std::vector<std::string> disabled_passes;
};

// An inline `test` block of a rule, resolved for `rulec test`.
struct RuleTest {
  std::string rule;
  std::string name;
  std::string events;       // JSON lines (inline text or the file's content)
  int64_t expect_alerts = 0;
  std::string file;         // the rule file
  uint32_t line = 0;
};

struct CompileOutput {
  Program program;
  std::vector<RuleTest> tests;
  std::string ast_dump;       // rulec explain --stage=ast
  std::string ir_dump;        // rulec explain --stage=ir
  std::string bytecode_dump;  // rulec explain --stage=bytecode
};

// Expands directories (recursively, *.rule files, sorted) and reads every
// file into `sm`; unreadable paths are reported as E0001.
std::vector<uint32_t> LoadSources(const std::vector<std::string>& paths, SourceManager& sm,
                                  DiagnosticSink& sink);

// Compiles the given files (imports are resolved relative to the importing
// file, then to stdlib/). Returns nullopt when any error was reported.
std::optional<CompileOutput> Compile(SourceManager& sm, const std::vector<uint32_t>& files,
                                     const CompileOptions& options, DiagnosticSink& sink);

}  // namespace rdl
