// Internal plumbing shared by the parser driver (parse.cc) and the AST builder
// (ast_builder.cc): the error collector that orders and de-duplicates syntax
// diagnostics, and the builder entry point. Only compiler/syntax/*.cc include
// this; it names ANTLR types only by forward declaration.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"

namespace antlr4 {
class ParserRuleContext;
}

namespace rdl::syntax {

// Collects the diagnostics of one file while lexing, parsing and building,
// then hands them to the sink in source order. Lexer and parser errors are
// "line exclusive": only the first one on a source line is kept, because the
// rest are almost always cascades of it. Literal errors found by the builder
// are always kept. At most kMaxSyntaxErrorsPerFile diagnostics are emitted.
class ErrorCollector {
 public:
  ErrorCollector(const SourceFile& file, uint32_t file_id) : file_(file), file_id_(file_id) {}

  void Add(DiagCode code, uint32_t begin, uint32_t end, std::string message, bool line_exclusive,
           std::vector<std::string> notes = {});
  // Raw reports so far (before de-duplication); used to stop pathological
  // inputs early.
  size_t raw_count() const { return items_.size(); }
  // Moves the kept diagnostics into `sink`.
  void Flush(DiagnosticSink& sink);

  uint32_t file_id() const { return file_id_; }
  const SourceFile& file() const { return file_; }

  // Start offsets of tokens whose literal error the lexer already reported
  // (unterminated strings and regexes, numbers run into letters): the builder
  // decodes what it can from them without reporting again.
  std::unordered_set<uint32_t> reported_tokens;
  // An unterminated comment or string ran to the end of the file: what the
  // parser then misses at the end (`}` and such) is a cascade, not reported.
  bool eof_swallowed = false;

 private:
  struct Item {
    Diagnostic diag;
    uint32_t begin;
    bool line_exclusive;
  };
  const SourceFile& file_;
  uint32_t file_id_;
  std::vector<Item> items_;
};

// Builds the AST from the parse tree rooted at `root` (a File_Context, possibly
// incomplete after an aborted parse). Malformed literals and clauses the AST
// cannot hold twice are reported into `errors`.
ast::File BuildAst(antlr4::ParserRuleContext* root, ErrorCollector& errors);

}  // namespace rdl::syntax
