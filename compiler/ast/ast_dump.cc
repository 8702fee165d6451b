// ast::Dump: the stable S-expression text of a parsed file, shown by
// `rulec explain --stage=ast` and pinned by golden tests. Changing the format
// changes goldens, so it is documented here once:
//
//   - one node per line, two-space indent per level; a node whose children
//     are all leaves (literals, paths, fields) stays on one line;
//   - `(kind attributes... L:C children...)`, L:C = line:col of the node's
//     first byte; the closing paren ends the node's last line;
//   - top level in this order: imports, lists, macros, rules;
//   - a rule prints meta, then match + aggregation or sequence (+ until),
//     then except, suppress, emit, test, each only if present;
//   - strings are double-quoted with \" \\ \n \t \r and \u00XX escapes;
//     durations print canonically in d h m s ms (`1h30m`, `2w` as `14d`); paths print dotted, with
//     a segment that is not an identifier in brackets: raw.x["@type"].
#include <fmt/format.h>

#include <string>

#include "compiler/source/quote.h"
#include "compiler/ast/ast.h"

namespace rdl::ast {

namespace {

bool IsIdent(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string PathText(const std::vector<std::string>& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (IsIdent(path[i])) {
      if (i > 0) out += '.';
      out += path[i];
    } else {
      out += "[" + QuoteForDump(path[i]) + "]";
    }
  }
  return out;
}

// Same spelling as syntax::FormatDuration; duplicated here so the AST layer
// does not depend on the parser.
std::string DurationText(int64_t ns) {
  if (ns == 0) return "0s";
  std::string out;
  uint64_t v;
  if (ns < 0) {
    out = "-";
    v = static_cast<uint64_t>(-(ns + 1)) + 1;
  } else {
    v = static_cast<uint64_t>(ns);
  }
  static constexpr struct {
    const char* name;
    uint64_t ns;
  } kUnits[] = {{"d", 86400000000000ull},
                {"h", 3600000000000ull},
                {"m", 60000000000ull},
                {"s", 1000000000ull},
                {"ms", 1000000ull},
                {"us", 1000ull},
                {"ns", 1ull}};
  for (const auto& u : kUnits) {
    if (v >= u.ns) {
      out += fmt::format("{}{}", v / u.ns, u.name);
      v %= u.ns;
    }
  }
  return out;
}

const char* BinOpText(BinOp op) {
  switch (op) {
    case BinOp::kEq:
      return "==";
    case BinOp::kNe:
      return "!=";
    case BinOp::kLt:
      return "<";
    case BinOp::kLe:
      return "<=";
    case BinOp::kGt:
      return ">";
    case BinOp::kGe:
      return ">=";
    case BinOp::kEqCI:
      return "=~";
    case BinOp::kNeCI:
      return "!~";
    case BinOp::kAnd:
      return "and";
    case BinOp::kOr:
      return "or";
    case BinOp::kAdd:
      return "+";
    case BinOp::kSub:
      return "-";
    case BinOp::kMul:
      return "*";
    case BinOp::kDiv:
      return "/";
    case BinOp::kMod:
      return "%";
  }
  return "?";
}

bool IsLeaf(const Expr& e) { return e.kind == ExprKind::kLiteral || e.kind == ExprKind::kPath; }

class Dumper {
 public:
  explicit Dumper(const SourceManager& sm) : sm_(sm) {}

  std::string Run(const File& f) {
    for (const Import& im : f.imports)
      Line(0, fmt::format("(import {} {})", QuoteForDump(im.path), Pos(im.span)));
    for (const ListDecl& l : f.lists) {
      Open(0, fmt::format("list {} {}", l.name, Pos(l.span)));
      for (const ExprPtr& item : l.items) Expr(1, *item);
      Close();
    }
    for (const MacroDecl& m : f.macros) {
      std::string params;
      if (!m.params.empty()) {
        params = " (";
        for (size_t i = 0; i < m.params.size(); ++i) params += (i ? " " : "") + m.params[i];
        params += ")";
      }
      Open(0, fmt::format("macro {}{} {}", m.name, params, Pos(m.span)));
      if (m.body) Expr(1, *m.body);
      Close();
    }
    for (const Rule& r : f.rules) RuleNode(r);
    return out_;
  }

 private:
  std::string Pos(Span s) const {
    if (s.file >= sm_.size()) return "?:?";
    LineCol lc = sm_.file(s.file).Locate(s.begin);
    return fmt::format("{}:{}", lc.line, lc.col);
  }

  void Line(int depth, const std::string& text) {
    out_ += std::string(static_cast<size_t>(depth) * 2, ' ');
    out_ += text;
    out_ += '\n';
  }
  // Starts a node whose children follow on their own lines.
  void Open(int depth, const std::string& head) { Line(depth, "(" + head); }
  // Closes the last opened node on the last printed line.
  void Close() {
    if (!out_.empty() && out_.back() == '\n') out_.pop_back();
    out_ += ")\n";
  }

  std::string Field(const FieldRef& f) const {
    return fmt::format("(field {} {})", PathText(f.path), Pos(f.span));
  }
  std::string Fields(const char* head, const std::vector<FieldRef>& fs) const {
    std::string out = fmt::format("({}", head);
    for (const FieldRef& f : fs) out += " " + Field(f);
    return out + ")";
  }
  std::string Dur(const char* head, const Duration& d) const {
    return fmt::format("({} {} {})", head, DurationText(d.ns), Pos(d.span));
  }

  void RuleNode(const Rule& r) {
    Open(0, fmt::format("rule {} {}", r.name, Pos(r.span)));
    for (const Meta& m : r.meta) {
      std::string values;
      for (const MetaValue& v : m.values) values += " " + (v.quoted ? QuoteForDump(v.text) : v.text);
      Line(1, fmt::format("(meta {}{} {})", m.key, values, Pos(m.key_span)));
    }
    if (r.match_where) {
      Open(1, fmt::format("match {}", Pos(r.match_span)));
      Expr(2, *r.match_where);
      Close();
    }
    AggregateNode(r.aggregate);
    if (r.is_sequence) {
      Open(1, fmt::format("sequence {}", Pos(r.sequence_span)));
      if (!r.sequence_by.empty()) Line(2, Fields("by", r.sequence_by));
      if (r.sequence_within.present()) Line(2, Dur("within", r.sequence_within));
      for (const Stage& s : r.stages) StageNode(s);
      if (r.until_where) {
        Open(2, fmt::format("until {}", Pos(r.until_span)));
        if (!r.until_by.empty()) Line(3, Fields("by", r.until_by));
        Expr(3, *r.until_where);
        Close();
      }
      Close();
    }
    for (const ExprPtr& e : r.excepts) {
      Open(1, fmt::format("except {}", Pos(e->span)));
      Expr(2, *e);
      Close();
    }
    if (r.suppress_span.end > r.suppress_span.begin) {
      Line(1, fmt::format("(suppress {} {} {})", Pos(r.suppress_span), Fields("by", r.suppress_by),
                          Dur("for", r.suppress_for)));
    }
    if (r.emit_span.end > r.emit_span.begin) {
      Line(1, fmt::format("(emit {} {})", QuoteForDump(r.emit), Pos(r.emit_span)));
    }
    for (const TestBlock& t : r.tests) {
      std::string events;
      if (!t.events_file.empty()) {
        events = fmt::format("(events file {})", QuoteForDump(t.events_file));
      } else {
        events = fmt::format("(events {})", QuoteForDump(t.events_inline));
      }
      Line(1, fmt::format("(test {} {} {} (expect {}))", QuoteForDump(t.name), Pos(t.span), events,
                          t.expect_alerts));
    }
    Close();
  }

  void AggregateNode(const Aggregate& a) {
    const char* kind = nullptr;
    switch (a.kind) {
      case Aggregate::Kind::kNone:
        return;
      case Aggregate::Kind::kCount:
        kind = "count";
        break;
      case Aggregate::Kind::kDistinct:
        kind = "distinct";
        break;
      case Aggregate::Kind::kNew:
        kind = "new";
        break;
    }
    Open(1, fmt::format("{} {}", kind, Pos(a.span)));
    for (const FieldRef& f : a.fields) Line(2, Field(f));
    if (!a.by.empty()) Line(2, Fields("by", a.by));
    Line(2, Dur("within", a.within));
    if (a.kind == Aggregate::Kind::kNew) {
      Line(2, Dur("learn", a.learn));
    } else {
      Line(2, fmt::format("(threshold {} {})", a.threshold, Pos(a.threshold_span)));
    }
    Close();
  }

  void StageNode(const Stage& s) {
    std::string head = fmt::format("stage {}{}", s.absence ? "!" : "", s.label);
    if (s.repeat_span.end > s.repeat_span.begin) {
      head +=
          s.repeat_at_least ? fmt::format(" {{{},}}", s.repeat) : fmt::format(" [{}]", s.repeat);
    }
    Open(2, fmt::format("{} {}", head, Pos(s.span)));
    if (!s.by.empty()) Line(3, Fields("by", s.by));
    if (s.where) Expr(3, *s.where);
    Close();
  }

  // The head of an expression node: `kind attributes L:C`.
  std::string Head(const ast::Expr& e) const {
    std::string pos = Pos(e.span);
    switch (e.kind) {
      case ExprKind::kLiteral:
        switch (e.lit) {
          case LitKind::kString:
            return fmt::format("string {} {}", QuoteForDump(e.str), pos);
          case LitKind::kInt:
            return fmt::format("int {} {}", e.i, pos);
          case LitKind::kFloat:
            return fmt::format("float {} {}", e.f, pos);
          case LitKind::kBool:
            return fmt::format("bool {} {}", e.b ? "true" : "false", pos);
          case LitKind::kNull:
            return fmt::format("null {}", pos);
          case LitKind::kDuration:
            return fmt::format("duration {} {}", DurationText(e.i), pos);
          case LitKind::kRegex:
            return fmt::format("regex {}{} {}", QuoteForDump(e.str), e.icase ? " i" : "", pos);
        }
        return "literal ?";
      case ExprKind::kPath:
        return fmt::format("path {} {}", PathText(e.path), pos);
      case ExprKind::kCall:
        return fmt::format("call {} {}", e.str, pos);
      case ExprKind::kUnary:
        return fmt::format("{} {}", e.unop == UnOp::kNot ? "not" : "neg", pos);
      case ExprKind::kBinary:
        return fmt::format("binary {} {}", BinOpText(e.binop), pos);
      case ExprKind::kIn:
        return fmt::format("{}in{} {}", e.negated ? "not-" : "", e.icase ? "~" : "", pos);
      case ExprKind::kMatch:
        return fmt::format("{}matches {}", e.negated ? "not-" : "", pos);
      case ExprKind::kLike:
        return fmt::format("{}like{} {}", e.negated ? "not-" : "", e.icase ? "~" : "", pos);
      case ExprKind::kList:
        return fmt::format("list {}", pos);
      case ExprKind::kQuantifier:
        return fmt::format("{} {} {}", e.b ? "all" : "any", e.str, pos);
    }
    return "?";
  }

  std::string Inline(const ast::Expr& e) const {
    std::string out = "(" + Head(e);
    for (const ExprPtr& c : e.children) out += " " + Inline(*c);
    return out + ")";
  }

  void Expr(int depth, const ast::Expr& e) {
    bool all_leaves = true;
    for (const ExprPtr& c : e.children) all_leaves = all_leaves && IsLeaf(*c);
    if (all_leaves) {
      Line(depth, Inline(e));
      return;
    }
    Open(depth, Head(e));
    for (const ExprPtr& c : e.children) Expr(depth + 1, *c);
    Close();
  }

  const SourceManager& sm_;
  std::string out_;
};

}  // namespace

std::string Dump(const File& file, const SourceManager& sm) { return Dumper(sm).Run(file); }

}  // namespace rdl::ast
