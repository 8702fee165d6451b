// The abstract syntax tree of rule files: what the parser builds (from the
// ANTLR parse tree, whose types never leave compiler/syntax/) and what
// semantic analysis reads. Every node carries the span of its source text.
//
// Expressions use one node type with a kind tag (like Lua's expdesc): simple
// to build, walk and dump. Which members a kind uses is listed by the kind.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compiler/source/source.h"

namespace rdl::ast {

enum class ExprKind : uint8_t {
  kLiteral,     // lit, str/i/f/b
  kPath,        // path: a.b.c (field, raw path, stage ref `snap.x`, list or macro name,
                //       quantifier variable `x.group`); resolved by sema
  kCall,        // str = function or macro name, children = arguments
  kUnary,       // unop, children[0]
  kBinary,      // binop, children[0], children[1]
  kIn,          // children[0] in children[1] (a kList literal or a kPath naming a list);
                //   negated (`not in`), icase (`in~`)
  kMatch,       // children[0] matches children[1] (kLiteral kRegex); negated
  kLike,        // children[0] like children[1] (kLiteral kString wildcard: * ?); negated, icase
  kList,        // [children...] literal list
  kQuantifier,  // any/all (b: true = all) str = variable, children[0] = collection,
                //   children[1] = body
};

enum class LitKind : uint8_t {
  kString,    // str (escapes decoded)
  kInt,       // i
  kFloat,     // f
  kBool,      // b
  kNull,
  kDuration,  // i = nanoseconds (10m, 30d, 1h30m, 500ms)
  kRegex,     // str = pattern without slashes; icase = /.../i flag
};

enum class BinOp : uint8_t {
  kEq, kNe, kLt, kLe, kGt, kGe,
  kEqCI,  // =~  (case-insensitive equality, KQL spelling)
  kNeCI,  // !~
  kAnd, kOr,
  kAdd, kSub, kMul, kDiv, kMod,
};

enum class UnOp : uint8_t { kNot, kNeg };

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  Span span;
  LitKind lit = LitKind::kNull;
  BinOp binop = BinOp::kEq;
  UnOp unop = UnOp::kNot;
  bool negated = false;
  bool icase = false;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string str;
  std::vector<std::string> path;
  std::vector<Span> path_spans;  // one span per path segment
  std::vector<ExprPtr> children;
};

// A dotted field reference in a clause (`by a.b, c`): a path, not an expression.
struct FieldRef {
  std::vector<std::string> path;
  Span span;
};

struct Duration {
  int64_t ns = 0;
  Span span;
  bool present() const { return span.end > span.begin; }
};

// `title "..."`, `attack T1578.001, T1578.003`, `severity high`, ...
struct MetaValue {
  std::string text;  // decoded string, or the identifier / ATT&CK id as written
  bool quoted = false;
  Span span;
};
struct Meta {
  std::string key;  // title description severity attack data references tags
                    // falsepositives tuning author (sema checks the set)
  Span key_span;
  std::vector<MetaValue> values;
};

// One sequence stage: `label: [by f, ...] where expr`, `!label: where expr`,
// `label[3]: where expr` (exactly 3), `label{3,}: where expr` (at least 3).
struct Stage {
  std::string label;
  Span label_span;
  bool absence = false;
  uint32_t repeat = 1;
  bool repeat_at_least = false;  // `{n,}`
  Span repeat_span;
  std::vector<FieldRef> by;
  ExprPtr where;
  Span span;
};

// The aggregation that may follow `match where`:
//   count [by f, ...] within D >= N
//   distinct f [by f, ...] within D >= N
//   new f[, f...] [by f, ...] within D learn D
struct Aggregate {
  enum class Kind : uint8_t { kNone, kCount, kDistinct, kNew };
  Kind kind = Kind::kNone;
  std::vector<FieldRef> fields;  // distinct: one field; new: one or more
  std::vector<FieldRef> by;
  Duration within;
  int64_t threshold = 0;
  Span threshold_span;
  Duration learn;
  Span span;
};

// Inline test: `test "name" { events """<json lines>""" | events file "path"; expect N }`
struct TestBlock {
  std::string name;
  std::string events_inline;  // JSON lines (normalized events), possibly empty
  std::string events_file;    // path relative to the rule file, possibly empty
  int64_t expect_alerts = 0;
  Span span;
};

struct Rule {
  std::string name;
  Span name_span;
  Span span;
  std::vector<Meta> meta;

  // Exactly one of: match (with optional aggregate), or sequence.
  ExprPtr match_where;
  Span match_span;
  Aggregate aggregate;

  bool is_sequence = false;
  Span sequence_span;
  std::vector<FieldRef> sequence_by;
  Duration sequence_within;
  std::vector<Stage> stages;
  ExprPtr until_where;
  std::vector<FieldRef> until_by;
  Span until_span;

  std::vector<ExprPtr> excepts;  // `except where expr` (any number)

  std::vector<FieldRef> suppress_by;  // `suppress by f, ... for D`
  Duration suppress_for;
  Span suppress_span;

  std::string emit;  // `emit "template {field} {count}"` (decoded)
  Span emit_span;

  std::vector<TestBlock> tests;
};

// `list name = [lit, ...]`
struct ListDecl {
  std::string name;
  Span name_span;
  std::vector<ExprPtr> items;  // literals
  Span span;
};

// `macro name = expr` or `macro name(p, q) = expr`
struct MacroDecl {
  std::string name;
  Span name_span;
  std::vector<std::string> params;
  ExprPtr body;
  Span span;
};

// `import "relative/or/stdlib/path.rules"`
struct Import {
  std::string path;
  Span span;
};

struct File {
  uint32_t file_id = 0;  // SourceManager id
  std::vector<Import> imports;
  std::vector<ListDecl> lists;
  std::vector<MacroDecl> macros;
  std::vector<Rule> rules;
};

// Stable S-expression text of a file, for `rulec explain --stage=ast` and
// golden tests. Spans print as line:col.
std::string Dump(const File& file, const SourceManager& sm);

}  // namespace rdl::ast
