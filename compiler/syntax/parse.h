// The parser's public entry point: rule source text in, AST and syntax
// diagnostics out. ANTLR is an implementation detail of compiler/syntax/*.cc;
// nothing here (or in the AST) exposes its types.
#pragma once

#include <cstddef>
#include <cstdint>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"

namespace rdl {

// At most this many syntax errors (E0101) are reported per file; the last one
// then carries a note that more were suppressed.
inline constexpr size_t kMaxSyntaxErrorsPerFile = 20;
// Larger files are rejected before lexing (E0001).
inline constexpr size_t kMaxSourceBytes = 16u << 20;
// Expressions nested deeper than this (parentheses, `not`, operator chains)
// are rejected (E0101) so that no later pass can overflow the stack.
inline constexpr size_t kMaxExprDepth = 256;

// Parses file `file_id` of `sm`. Syntax errors are reported as E0101 (kSyntax)
// and malformed literals as E0102 (kBadLiteral) into `sink`, each with the
// span of the offending token, in source order. Parsing recovers and goes on,
// so one run reports several errors, but at most one syntax error per line
// (later ones on a line are usually cascades) and at most
// kMaxSyntaxErrorsPerFile. Returns the AST of what parsed, possibly partial
// when there were errors (nodes whose text was missing are left out or have
// empty names). Never throws.
//
// A second `match`, `sequence`, `suppress` or `emit` in one rule is E0104
// (kDuplicateClause) here, since the AST holds one of each; repeated metadata
// keys are kept (Rule::meta is a list) for sema to judge.
//
// Guarantees on the returned AST, even after errors: no null expression
// inside an expression; every Stage has `where`; every MacroDecl has a body;
// Rule::match_where, Rule::until_where may be null (absent clause).
//
// Spans are byte offsets into the file's UTF-8 text. Rule::emit_span is the
// span of the template string token (quotes included), Stage::span runs from
// `!`/label to the end of its condition, Aggregate::span covers the whole
// aggregation clause, Rule::match_span is `match where EXPR`.
ast::File ParseFile(const SourceManager& sm, uint32_t file_id, DiagnosticSink& sink);

}  // namespace rdl
