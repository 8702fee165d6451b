// The typed IR: what semantic analysis produces from the AST, what the
// optimizer passes rewrite and what codegen turns into a Program.
//
// Every name is resolved (fields to paths with their schema type, stage
// labels to stage indexes, quantifier variables to ids, macros expanded,
// lists turned into constant sets) and every expression node carries its
// type. Desugaring that makes later stages simpler happens before the IR
// reaches the passes (see lower.h): `except` clauses are folded into the
// predicates, stage repetition is unrolled, `!~` becomes `not =~`, `like`
// globs become anchored RE2 regexes, `tag(k)` becomes the field tags.<k>.
//
// Expressions are trees (each node owns its children) of pure operations:
// and/or have no side effects, so passes may reorder and share freely.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compiler/source/source.h"
#include "rdl/program.h"

namespace rdl::ir {

// Static types. kError marks a node whose checking already reported a
// diagnostic: it is accepted everywhere so one mistake does not cascade; IR
// that reaches the passes never contains it.
enum class Type : uint8_t {
  kError,
  kNull,
  kBool,
  kInt,
  kFloat,
  kString,
  kTime,      // int64 ns since the epoch at run time
  kDuration,  // int64 ns at run time
  kIp,
  kJson,        // dynamic: raw.*, tags.*, quantifier elements
  kStringList,  // a path through an array (resources.uid): any-element semantics
};
const char* TypeName(Type t);
Type TypeOfField(FieldType t);

enum class Op : uint8_t {
  kConst,     // b / i / f / text by `type` (kNull, kBool, kInt, kFloat, kString,
              //   kDuration, kTime)
  kField,     // path: a field slot of the current event, of type `ftype`
  kStageRef,  // stage, path: a field of an earlier stage's event
  kVar,       // var: the current element of a quantifier
  kGetPath,   // kids[0] (json), path: dynamic descent
  kNot,       // kids[0]
  kNeg,       // kids[0]
  kAnd,       // kids (>= 2), short-circuit, no side effects
  kOr,        // kids (>= 2)
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kEqCI,  // ASCII case-insensitive equality
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kInSet,    // kids[0] in `set` (sorted, unique; lower-cased when ci)
  kInArray,  // kids[0] in kids[1] (a json array / string list value)
  kMatch,    // kids[0] matches RE2 regex `text` ((?i) folded in)
  kStartsWith,
  kEndsWith,
  kContains,  // kids[0], kids[1]
  kInCidr,    // kids[0] in network `text` ("10.0.0.0/8")
  kExists,    // kids[0] is present
  kLower,
  kUpper,
  kLen,  // kids[0]
  kAny,
  kAll,  // var bound to each element of kids[0]; kids[1] is the body
};
const char* OpName(Op op);

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  Op op = Op::kConst;
  Type type = Type::kError;
  Span span;
  // kConst payload.
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string text;  // kConst string, kMatch regex, kInCidr network
  // kField / kStageRef / kGetPath.
  std::vector<std::string> path;
  FieldType ftype = FieldType::kJson;  // kField / kStageRef: the slot's type
  uint16_t stage = 0;                  // kStageRef
  uint16_t var = 0;                    // kVar, kAny, kAll
  bool ci = false;                     // kInSet
  std::vector<std::string> set;        // kInSet
  std::vector<ExprPtr> kids;
};

// Constructors (spans and types explicit: the IR never guesses).
ExprPtr MakeBool(bool v, Span span = {});
ExprPtr MakeInt(int64_t v, Type type, Span span = {});  // kInt, kDuration or kTime
ExprPtr MakeFloat(double v, Span span = {});
ExprPtr MakeString(std::string v, Span span = {});
ExprPtr MakeNull(Span span = {});
ExprPtr MakeField(std::vector<std::string> path, FieldType ftype, Span span = {});
ExprPtr MakeUnary(Op op, Type type, ExprPtr kid, Span span);
ExprPtr MakeBinary(Op op, Type type, ExprPtr a, ExprPtr b, Span span);
// kAnd / kOr of `kids`, flattening nested nodes of the same op; one kid is
// returned as is, none gives the neutral constant.
ExprPtr MakeLogical(Op op, std::vector<ExprPtr> kids, Span span);

ExprPtr Clone(const Expr& e);
std::string DottedPath(const std::vector<std::string>& path);

// A key of a rule (`by`, `suppress by`, distinct / new values): a field slot.
struct Key {
  std::vector<std::string> path;
  FieldType ftype = FieldType::kString;
  Span span;
};

struct TemplatePiece {
  TemplatePart::Kind kind = TemplatePart::Kind::kText;
  std::string text;               // kText
  std::vector<std::string> path;  // kField, kCapture
  FieldType ftype = FieldType::kString;
  uint16_t stage = 0;  // kCapture
};

struct Stage {
  std::string label;
  Span span;
  bool absence = false;
  // Before lowering: `label[n]` / `label{n,}` (both mean n consecutive
  // matches, EQL `runs`). After lowering always 1.
  uint32_t repeat = 1;
  std::vector<Key> keys;  // full join key: sequence `by` then stage `by`
  ExprPtr pred;
};

struct Rule {
  std::string name;
  Span span;
  std::string source_file;
  uint32_t source_line = 0;
  std::string title;
  std::string description;
  Severity severity = Severity::kMedium;
  std::vector<std::string> attack, data, references, tags;
  std::vector<std::string> false_positives;  // `falsepositives` (documentation)
  std::string tuning;                        // `tuning` values joined by a space

  RuleKind kind = RuleKind::kMatch;
  ExprPtr pred;  // non-sequence kinds
  std::vector<Key> by;
  int64_t within_ns = 0;
  uint64_t threshold = 1;
  std::vector<Key> values;  // distinct: one; new: one or more
  int64_t learn_ns = 0;

  std::vector<Stage> stages;
  ExprPtr until;  // may be null
  std::vector<Key> until_keys;

  // Before lowering: the `except where` conditions. After lowering: empty
  // (folded as `and not (...)` into pred and every positive stage).
  std::vector<ExprPtr> excepts;

  std::vector<Key> suppress;
  int64_t suppress_ns = 0;
  std::vector<TemplatePiece> message;

  std::vector<std::string> route_actions, route_operations;  // filled by the `route` pass
  // Filled by the `index` pass (see Program's IndexFilter): string fields an
  // event must hold one of the values in (or, `prefix`, start with one of
  // them) for the rule to match.
  struct IndexFilter {
    std::vector<std::string> path;
    FieldType ftype = FieldType::kString;
    bool ci = false;                  // values are ASCII lower-case
    bool prefix = false;              // startswith instead of ==
    std::vector<std::string> values;  // sorted, unique
  };
  std::vector<IndexFilter> index_filters;
  // Filled by the `prefilter` pass (see Program's Rule); all by default.
  bool prefilter_all = true;
  std::vector<std::string> prefilter_actions, prefilter_literals;
};

struct Pack {
  std::vector<Rule> rules;
};

// Fields of stage `s` that later stages (LoadRef) and the template read, in
// first-use order, after the two fixed captures (metadata.uid, time). Shared
// by codegen (capture indexes) and the state estimate.
std::vector<std::vector<std::vector<std::string>>> ComputeCaptures(const Rule& rule);

// The engine's default cap on live keys per rule (EngineOptions).
inline constexpr uint32_t kDefaultMaxKeys = 100000;

// "<= 3 partials/key x 96 B, max keys 100000": the worst-case state one key
// of the rule can hold (see ir.cc for the byte model).
std::string StateEstimate(const Rule& rule);

// "10m", "1h30m", "500ms", "0s".
std::string FormatDuration(int64_t ns);

// The stable text form of `rulec explain --stage=ir`.
std::string DumpExpr(const Expr& e);
std::string Dump(const Pack& pack);
std::string DumpRule(const Rule& rule);

// Checks the IR invariants (types, arity, references in scope, no error
// nodes, lowering done); run after lowering and after every pass. Returns
// false and sets *error naming the rule and the broken invariant.
bool Verify(const Pack& pack, std::string* error);

}  // namespace rdl::ir
