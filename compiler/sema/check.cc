// Name resolution and type checking: AST -> typed IR.
//
// A path resolves, in order, to: a quantifier variable (the rest is a
// dynamic json sub-path), the label of an earlier stage of the same sequence
// (the rest is a field of that stage's event), a zero-argument macro or a
// list name (lists only on the right of `in`), a schema field, a path below
// a json field (raw.*, tags.*, resources.*), or an error with a
// did-you-mean. Macros expand at each use with their parameters substituted
// (the expansion is checked in the caller's context); lists become constant
// sets.
//
// Every check reports and continues: a bad node gets type `error`, which the
// checks of enclosing nodes accept silently.
#include "compiler/sema/check.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>

namespace rdl::sema {

namespace {

using ir::ExprPtr;
using ir::Op;
using ir::Type;

// Top-level names a stage label may not take (they would shadow fields);
// the schema's own roots are added to this list.
constexpr const char* kReservedRoots[] = {
    "time",  "metadata", "cloud",    "actor",     "src_endpoint", "http_request",
    "api",   "action",   "resource", "resources", "related",      "share",
    "quota", "instance", "status",   "error",     "tags",         "raw",
};

constexpr const char* kMetaKeys[] = {"title",  "description", "severity", "attack",
                                     "data",   "references",  "tags",     "falsepositives",
                                     "tuning", "author"};

constexpr const char* kSeverities[] = {"info", "low", "medium", "high", "critical"};

bool IsNumeric(Type t) { return t == Type::kInt || t == Type::kFloat; }
bool IsStringLike(Type t) {
  return t == Type::kString || t == Type::kJson || t == Type::kStringList || t == Type::kIp;
}

void Help(Diagnostic& d, const std::string& suggestion) {
  if (!suggestion.empty()) d.notes.push_back(fmt::format("help: did you mean `{}`?", suggestion));
}

ExprPtr ErrorNode(Span span) {
  auto e = std::make_unique<ir::Expr>();
  e->op = Op::kConst;
  e->type = Type::kError;
  e->span = span;
  return e;
}

// ------------------------------------------------------------- AST clone --

ast::ExprPtr CloneAst(const ast::Expr& e) {
  auto c = std::make_unique<ast::Expr>();
  c->kind = e.kind;
  c->span = e.span;
  c->lit = e.lit;
  c->binop = e.binop;
  c->unop = e.unop;
  c->negated = e.negated;
  c->icase = e.icase;
  c->b = e.b;
  c->i = e.i;
  c->f = e.f;
  c->str = e.str;
  c->path = e.path;
  c->path_spans = e.path_spans;
  for (const ast::ExprPtr& k : e.children) c->children.push_back(CloneAst(*k));
  return c;
}

// Clones a macro body, replacing its parameters by the call's arguments.
// A parameter used as a path prefix (`p.resource.uid`) takes the argument's
// path when the argument is a path; otherwise `*bad` names the parameter.
ast::ExprPtr Substitute(const ast::Expr& e, const std::map<std::string, const ast::Expr*>& args,
                        std::string* bad) {
  if (e.kind == ast::ExprKind::kPath && !e.path.empty()) {
    auto it = args.find(e.path[0]);
    if (it != args.end()) {
      const ast::Expr& arg = *it->second;
      if (e.path.size() == 1) return CloneAst(arg);
      if (arg.kind == ast::ExprKind::kPath) {
        auto c = CloneAst(arg);
        c->path.insert(c->path.end(), e.path.begin() + 1, e.path.end());
        c->path_spans.insert(c->path_spans.end(), e.path_spans.begin() + 1, e.path_spans.end());
        c->span = e.span;
        return c;
      }
      *bad = e.path[0];
      return CloneAst(e);
    }
  }
  if (e.kind == ast::ExprKind::kQuantifier && args.count(e.str)) {
    // The quantifier rebinds the name: do not substitute inside its body.
    std::map<std::string, const ast::Expr*> inner = args;
    inner.erase(e.str);
    auto c = CloneAst(e);
    c->children.clear();
    c->children.push_back(Substitute(*e.children[0], args, bad));
    c->children.push_back(Substitute(*e.children[1], inner, bad));
    return c;
  }
  auto c = CloneAst(e);
  c->children.clear();
  for (const ast::ExprPtr& k : e.children) c->children.push_back(Substitute(*k, args, bad));
  return c;
}

// ---------------------------------------------------------------- checker --

struct StageInfo {
  std::string label;
  bool absence = false;
  Span span;
};

struct Scope {
  enum class Ctx { kMatch, kStage, kUntil, kExcept };
  Ctx ctx = Ctx::kMatch;
  const std::vector<StageInfo>* stages = nullptr;  // sequence rules only
  int current = -1;                                // stage being checked
  struct Var {
    std::string name;
    uint16_t id;
    Type elem;
  };
  std::vector<Var> vars;
  std::vector<std::string> macro_stack;
  uint16_t* next_var = nullptr;
};

struct FieldRes {
  std::vector<std::string> path;
  FieldType ftype;
};

class Checker {
 public:
  Checker(const CheckInput& in, const SourceManager& sm, DiagnosticSink& sink, const Schema& schema)
      : in_(in), sm_(sm), sink_(sink), schema_(schema) {
    for (const char* r : kReservedRoots) reserved_.insert(r);
  }

  ir::Pack Run() {
    CollectDecls();
    FindMacroCycles();
    ir::Pack pack;
    std::map<std::string, Span> rule_names;
    for (size_t f = 0; f < in_.files.size(); ++f) {
      if (!in_.compile_rules[f]) continue;
      for (const ast::Rule& r : in_.files[f]->rules) {
        auto [it, inserted] = rule_names.emplace(r.name, r.name_span);
        if (!inserted) {
          Duplicate("rule", r.name, r.name_span, it->second);
        }
        pack.rules.push_back(CheckRule(r));
      }
    }
    ReportUnused();
    return pack;
  }

 private:
  struct ListInfo {
    const ast::ListDecl* decl;
    bool used = false;
    bool warn_unused = false;
  };
  struct MacroInfo {
    const ast::MacroDecl* decl;
    bool used = false;
    bool warn_unused = false;
    bool in_cycle = false;
  };

  Diagnostic& Report(DiagCode code, Span span, std::string msg) {
    return sink_.Report(code, span, std::move(msg));
  }

  void Duplicate(const char* what, const std::string& name, Span span, Span first) {
    Diagnostic& d =
        Report(DiagCode::kDuplicateName, span, fmt::format("{} `{}` is defined twice", what, name));
    d.labels.push_back({first, "first defined here", false});
  }

  // ----------------------------------------------------------- declarations

  void CollectDecls() {
    for (size_t f = 0; f < in_.files.size(); ++f) {
      const ast::File& file = *in_.files[f];
      // Library files (no rules) and imported files may declare more than
      // one rule file uses: only files with rules warn about unused names.
      bool warn = in_.compile_rules[f] && !file.rules.empty();
      for (const ast::ListDecl& l : file.lists) {
        if (lists_.count(l.name)) {
          Duplicate("list", l.name, l.name_span, lists_.at(l.name).decl->name_span);
          continue;
        }
        if (macros_.count(l.name)) {
          Duplicate("name", l.name, l.name_span, macros_.at(l.name).decl->name_span);
          continue;
        }
        lists_.emplace(l.name, ListInfo{&l, false, warn});
        list_order_.push_back(l.name);
      }
      for (const ast::MacroDecl& m : file.macros) {
        if (macros_.count(m.name)) {
          Duplicate("macro", m.name, m.name_span, macros_.at(m.name).decl->name_span);
          continue;
        }
        if (lists_.count(m.name)) {
          Duplicate("name", m.name, m.name_span, lists_.at(m.name).decl->name_span);
          continue;
        }
        macros_.emplace(m.name, MacroInfo{&m, false, warn, false});
        macro_order_.push_back(m.name);
      }
    }
  }

  void MacroRefs(const ast::Expr& e, const std::vector<std::string>& params,
                 std::vector<std::string>& out) {
    auto add = [&](const std::string& n) {
      if (macros_.count(n) && std::find(params.begin(), params.end(), n) == params.end() &&
          std::find(out.begin(), out.end(), n) == out.end()) {
        out.push_back(n);
      }
    };
    if (e.kind == ast::ExprKind::kPath && e.path.size() == 1) add(e.path[0]);
    if (e.kind == ast::ExprKind::kCall) add(e.str);
    for (const ast::ExprPtr& k : e.children) MacroRefs(*k, params, out);
  }

  // Depth-first search in declaration order; each cycle is reported once,
  // at the macro where the search enters it.
  void FindMacroCycles() {
    std::map<std::string, std::vector<std::string>>& edges = macro_edges_;
    for (const std::string& name : macro_order_) {
      const ast::MacroDecl& m = *macros_.at(name).decl;
      if (m.body) MacroRefs(*m.body, m.params, edges[name]);
    }
    std::map<std::string, int> color;  // 0 new, 1 on stack, 2 done
    std::vector<std::string> stack;
    std::function<void(const std::string&)> visit = [&](const std::string& n) {
      color[n] = 1;
      stack.push_back(n);
      for (const std::string& next : edges[n]) {
        if (color[next] == 1) {
          auto it = std::find(stack.begin(), stack.end(), next);
          std::string chain;
          for (auto j = it; j != stack.end(); ++j) {
            chain += *j + " -> ";
            macros_.at(*j).in_cycle = true;
          }
          chain += next;
          Report(DiagCode::kMacroCycle, macros_.at(next).decl->name_span,
                 fmt::format("macro `{}` expands into itself: {}", next, chain));
        } else if (color[next] == 0) {
          visit(next);
        }
      }
      stack.pop_back();
      color[n] = 2;
    };
    for (const std::string& name : macro_order_) {
      if (color[name] == 0) visit(name);
    }
  }

  void ReportUnused() {
    for (const std::string& name : list_order_) {
      const ListInfo& l = lists_.at(name);
      if (l.warn_unused && !l.used) {
        Report(DiagCode::kUnusedList, l.decl->name_span,
               fmt::format("list `{}` is never used", name));
      }
    }
    for (const std::string& name : macro_order_) {
      const MacroInfo& m = macros_.at(name);
      if (m.warn_unused && !m.used && !m.in_cycle) {
        Report(DiagCode::kUnusedMacro, m.decl->name_span,
               fmt::format("macro `{}` is never used", name));
      }
    }
  }

  // --------------------------------------------------------------- fields

  std::optional<FieldRes> ResolveField(const std::vector<std::string>& path) const {
    if (path.empty()) return std::nullopt;
    std::string dotted = ir::DottedPath(path);
    if (const SchemaField* f = schema_.Find(dotted)) return FieldRes{f->segments, f->type};
    if (schema_.FindJsonPrefix(path)) return FieldRes{path, FieldType::kJson};
    return std::nullopt;
  }

  static Span PathSpan(const std::vector<Span>& spans, size_t from, Span whole) {
    if (from >= spans.size()) return whole;
    return Span{spans[from].file, spans[from].begin, spans.back().end};
  }

  void UnknownField(const std::vector<std::string>& path, Span span, bool single_name_ok) {
    std::string dotted = ir::DottedPath(path);
    std::vector<std::string> cands = schema_.FieldNames();
    if (single_name_ok && path.size() == 1) {
      for (const std::string& m : macro_order_) cands.push_back(m);
      for (const std::string& l : list_order_) cands.push_back(l);
    }
    std::string best = ClosestMatch(dotted, cands);
    DiagCode code = DiagCode::kUnknownField;
    std::string msg = fmt::format("unknown field `{}`", dotted);
    if (!best.empty() && macros_.count(best)) {
      code = DiagCode::kUnknownMacro;
      msg = fmt::format("unknown macro or field `{}`", dotted);
    } else if (!best.empty() && lists_.count(best)) {
      code = DiagCode::kUnknownList;
      msg = fmt::format("unknown list or field `{}`", dotted);
    }
    Help(Report(code, span, msg), best);
  }

  // A key (`by`, `suppress by`, distinct / new values): a scalar field or a
  // string list.
  std::optional<ir::Key> ResolveKey(const ast::FieldRef& ref, const char* what) {
    auto res = ResolveField(ref.path);
    if (!res) {
      UnknownField(ref.path, ref.span, false);
      return std::nullopt;
    }
    if (res->ftype == FieldType::kJson) {
      Report(DiagCode::kBadKey, ref.span,
             fmt::format("{} `{}` is json; keys must be scalar fields or string lists", what,
                         ir::DottedPath(ref.path)));
      return std::nullopt;
    }
    return ir::Key{res->path, res->ftype, ref.span};
  }

  std::vector<ir::Key> ResolveKeys(const std::vector<ast::FieldRef>& refs, const char* what) {
    std::vector<ir::Key> keys;
    for (const ast::FieldRef& r : refs) {
      if (auto k = ResolveKey(r, what)) keys.push_back(std::move(*k));
    }
    return keys;
  }

  // ---------------------------------------------------------- expressions

  ExprPtr Cond(const ast::Expr& e, Scope& s) {
    ExprPtr r = Expr(e, s);
    return AsCondition(std::move(r), e.span);
  }

  // Every condition node evaluates to a real boolean (never missing), so
  // the passes may fold and reorder and/or/not exactly: a bare field (bool
  // or json) becomes `field == true`.
  ExprPtr AsCondition(ExprPtr r, Span span) {
    bool leaf =
        r->op == Op::kField || r->op == Op::kStageRef || r->op == Op::kVar || r->op == Op::kGetPath;
    if (r->type == Type::kError || (r->type == Type::kBool && !leaf)) return r;
    if (r->type == Type::kJson || r->type == Type::kBool) {
      // A dynamic value holds when it is JSON `true`.
      return ir::MakeBinary(Op::kEq, Type::kBool, std::move(r), ir::MakeBool(true, span), span);
    }
    Report(DiagCode::kNotBoolean, span,
           fmt::format("condition must be boolean, found {}", ir::TypeName(r->type)));
    return ErrorNode(span);
  }

  ExprPtr Expr(const ast::Expr& e, Scope& s) {
    switch (e.kind) {
      case ast::ExprKind::kLiteral:
        return Literal(e);
      case ast::ExprKind::kPath:
        return Path(e, s);
      case ast::ExprKind::kCall:
        return Call(e, s);
      case ast::ExprKind::kUnary:
        return Unary(e, s);
      case ast::ExprKind::kBinary:
        return Binary(e, s);
      case ast::ExprKind::kIn:
        return In(e, s);
      case ast::ExprKind::kMatch:
        return Matches(e, s);
      case ast::ExprKind::kLike:
        return Like(e, s);
      case ast::ExprKind::kList:
        Report(DiagCode::kTypeMismatch, e.span,
               "a list literal can only be used on the right of `in`");
        return ErrorNode(e.span);
      case ast::ExprKind::kQuantifier:
        return Quantifier(e, s);
    }
    return ErrorNode(e.span);
  }

  ExprPtr Literal(const ast::Expr& e) {
    switch (e.lit) {
      case ast::LitKind::kString:
        return ir::MakeString(e.str, e.span);
      case ast::LitKind::kInt:
        return ir::MakeInt(e.i, Type::kInt, e.span);
      case ast::LitKind::kFloat:
        return ir::MakeFloat(e.f, e.span);
      case ast::LitKind::kBool:
        return ir::MakeBool(e.b, e.span);
      case ast::LitKind::kNull:
        return ir::MakeNull(e.span);
      case ast::LitKind::kDuration:
        return ir::MakeInt(e.i, Type::kDuration, e.span);
      case ast::LitKind::kRegex:
        Report(DiagCode::kTypeMismatch, e.span, "a regex literal can only follow `matches`");
        return ErrorNode(e.span);
    }
    return ErrorNode(e.span);
  }

  ExprPtr Path(const ast::Expr& e, Scope& s) {
    const std::vector<std::string>& path = e.path;
    if (path.empty()) return ErrorNode(e.span);
    // 1. Quantifier variables, innermost first.
    for (auto it = s.vars.rbegin(); it != s.vars.rend(); ++it) {
      if (it->name != path[0]) continue;
      auto v = std::make_unique<ir::Expr>();
      v->op = Op::kVar;
      v->var = it->id;
      v->type = it->elem;
      v->span = e.span;
      if (path.size() == 1) return v;
      if (it->elem != Type::kJson) {
        Report(DiagCode::kTypeMismatch, PathSpan(e.path_spans, 1, e.span),
               fmt::format("`{}` is a {}; it has no field `{}`", path[0], ir::TypeName(it->elem),
                           ir::DottedPath({path.begin() + 1, path.end()})));
        return ErrorNode(e.span);
      }
      auto g = ir::MakeUnary(Op::kGetPath, Type::kJson, std::move(v), e.span);
      g->path.assign(path.begin() + 1, path.end());
      return g;
    }
    // 2. Stage labels of the sequence.
    if (s.stages) {
      for (size_t i = 0; i < s.stages->size(); ++i) {
        const StageInfo& st = (*s.stages)[i];
        if (st.label != path[0]) continue;
        Span label_span = e.path_spans.empty() ? e.span : e.path_spans[0];
        if (s.ctx == Scope::Ctx::kExcept || s.ctx == Scope::Ctx::kUntil) {
          Report(DiagCode::kLaterStage, label_span,
                 fmt::format("{} cannot refer to stage `{}`: it applies to events of every stage",
                             s.ctx == Scope::Ctx::kExcept ? "`except`" : "`until`", st.label));
          return ErrorNode(e.span);
        }
        if (static_cast<int>(i) >= s.current) {
          Diagnostic& d = Report(
              DiagCode::kLaterStage, label_span,
              fmt::format("stage `{}` cannot refer to {} stage `{}`", (*s.stages)[s.current].label,
                          static_cast<int>(i) == s.current ? "its own" : "the later", st.label));
          d.notes.push_back("note: a stage can only use fields of earlier stages' events");
          return ErrorNode(e.span);
        }
        if (st.absence) {
          Report(DiagCode::kLaterStage, label_span,
                 fmt::format("`{}` is an absence stage: it has no event to refer to", st.label));
          return ErrorNode(e.span);
        }
        if (path.size() == 1) {
          Report(DiagCode::kUnknownField, e.span,
                 fmt::format(
                     "stage `{}` names an event; use one of its fields, e.g. `{}.resource.uid`",
                     st.label, st.label));
          return ErrorNode(e.span);
        }
        std::vector<std::string> rest(path.begin() + 1, path.end());
        auto res = ResolveField(rest);
        if (!res) {
          UnknownField(rest, PathSpan(e.path_spans, 1, e.span), false);
          return ErrorNode(e.span);
        }
        auto r = std::make_unique<ir::Expr>();
        r->op = Op::kStageRef;
        r->stage = static_cast<uint16_t>(i);
        r->path = res->path;
        r->ftype = res->ftype;
        r->type = ir::TypeOfField(res->ftype);
        r->span = e.span;
        return r;
      }
    }
    // 3. Macros and lists.
    if (path.size() == 1) {
      if (macros_.count(path[0])) return ExpandMacro(path[0], {}, e.span, s);
      if (lists_.count(path[0])) {
        lists_.at(path[0]).used = true;
        Report(DiagCode::kTypeMismatch, e.span,
               fmt::format("list `{}` can only be used on the right of `in`", path[0]));
        return ErrorNode(e.span);
      }
    }
    // 4. Fields.
    if (auto res = ResolveField(path)) return ir::MakeField(res->path, res->ftype, e.span);
    // 5. Errors: a misspelled stage label, or an unknown field.
    if (path.size() >= 2 && !schema_.IsRoot(path[0]) &&
        ResolveField({path.begin() + 1, path.end()})) {
      Span label_span = e.path_spans.empty() ? e.span : e.path_spans[0];
      std::vector<std::string> labels;
      if (s.stages) {
        for (const StageInfo& st : *s.stages) labels.push_back(st.label);
      }
      Diagnostic& d =
          Report(DiagCode::kUnknownStage, label_span, fmt::format("unknown stage `{}`", path[0]));
      if (!s.stages) d.notes.push_back("note: stage labels exist only in `sequence` rules");
      Help(d, ClosestMatch(path[0], labels));
      return ErrorNode(e.span);
    }
    UnknownField(path, e.span, true);
    return ErrorNode(e.span);
  }

  ExprPtr ExpandMacro(const std::string& name, const std::vector<const ast::Expr*>& args, Span use,
                      Scope& s) {
    MacroInfo& m = macros_.at(name);
    m.used = true;
    if (m.in_cycle) {
      // Never expanded: count what it names as used, or they would warn too.
      std::vector<std::string> todo = {name};
      while (!todo.empty()) {
        std::string n = todo.back();
        todo.pop_back();
        for (const std::string& next : macro_edges_[n]) {
          if (!macros_.at(next).used) {
            macros_.at(next).used = true;
            todo.push_back(next);
          }
        }
      }
    }
    if (m.in_cycle ||
        std::find(s.macro_stack.begin(), s.macro_stack.end(), name) != s.macro_stack.end()) {
      return ErrorNode(use);  // reported once by FindMacroCycles
    }
    if (args.size() != m.decl->params.size()) {
      Diagnostic& d =
          Report(DiagCode::kBadArgument, use,
                 fmt::format("macro `{}` takes {} argument{}, got {}", name, m.decl->params.size(),
                             m.decl->params.size() == 1 ? "" : "s", args.size()));
      d.labels.push_back({m.decl->name_span, "macro defined here", false});
      return ErrorNode(use);
    }
    if (!m.decl->body) return ErrorNode(use);
    std::map<std::string, const ast::Expr*> subst;
    for (size_t i = 0; i < args.size(); ++i) subst[m.decl->params[i]] = args[i];
    std::string bad;
    ast::ExprPtr body = Substitute(*m.decl->body, subst, &bad);
    if (!bad.empty()) {
      Report(DiagCode::kBadArgument, use,
             fmt::format("macro `{}` uses parameter `{}` as a path: pass a field or stage path",
                         name, bad));
      return ErrorNode(use);
    }
    s.macro_stack.push_back(name);
    ExprPtr r = Expr(*body, s);
    s.macro_stack.pop_back();
    return r;
  }

  // --------------------------------------------------------------- calls

  ExprPtr Call(const ast::Expr& e, Scope& s) {
    const std::string& name = e.str;
    const Builtin* b = FindBuiltin(name);
    if (!b) {
      if (macros_.count(name)) {
        std::vector<const ast::Expr*> args;
        for (const ast::ExprPtr& a : e.children) args.push_back(a.get());
        return ExpandMacro(name, args, e.span, s);
      }
      std::vector<std::string> cands;
      for (const Builtin& x : Builtins()) cands.push_back(x.name);
      for (const std::string& m : macro_order_) cands.push_back(m);
      std::string best = ClosestMatch(name, cands);
      if (!best.empty() && macros_.count(best)) {
        Help(Report(DiagCode::kUnknownMacro, e.span, fmt::format("unknown macro `{}`", name)),
             best);
      } else {
        Help(Report(DiagCode::kUnknownFunction, e.span, fmt::format("unknown function `{}`", name)),
             best);
      }
      return ErrorNode(e.span);
    }
    int n = static_cast<int>(e.children.size());
    if (n < b->min_args || (b->max_args >= 0 && n > b->max_args)) {
      std::string want = b->min_args == b->max_args ? fmt::format("{}", b->min_args)
                         : b->max_args < 0          ? fmt::format("at least {}", b->min_args)
                                           : fmt::format("{} to {}", b->min_args, b->max_args);
      Diagnostic& d = Report(DiagCode::kBadArgument, e.span,
                             fmt::format("`{}` takes {} argument{}, got {}", name, want,
                                         (b->min_args == 1 && b->max_args == 1) ? "" : "s", n));
      d.notes.push_back(fmt::format("note: {}", b->signature));
      return ErrorNode(e.span);
    }
    std::string_view fn = name;
    if (fn == "tag") {
      const ast::Expr& a = *e.children[0];
      if (a.kind != ast::ExprKind::kLiteral || a.lit != ast::LitKind::kString || a.str.empty()) {
        Report(DiagCode::kBadArgument, a.span, "`tag` takes a non-empty string literal key");
        return ErrorNode(e.span);
      }
      return ir::MakeField({"tags", a.str}, FieldType::kJson, e.span);
    }
    if (fn == "exists") {
      ExprPtr a = Expr(*e.children[0], s);
      if (a->type == Type::kError) return ErrorNode(e.span);
      if (a->op != Op::kField && a->op != Op::kStageRef && a->op != Op::kVar &&
          a->op != Op::kGetPath) {
        Report(DiagCode::kBadArgument, e.children[0]->span, "`exists` takes a field path");
        return ErrorNode(e.span);
      }
      return ir::MakeUnary(Op::kExists, Type::kBool, std::move(a), e.span);
    }
    if (fn == "cidrmatch") {
      ExprPtr ip = Expr(*e.children[0], s);
      bool ok = ArgType(ip, e.children[0]->span, name, 1,
                        {Type::kIp, Type::kString, Type::kJson, Type::kStringList});
      std::vector<ExprPtr> tests;
      for (size_t i = 1; i < e.children.size(); ++i) {
        const ast::Expr& a = *e.children[i];
        if (a.kind != ast::ExprKind::kLiteral || a.lit != ast::LitKind::kString) {
          Report(DiagCode::kBadArgument, a.span, "`cidrmatch` networks must be string literals");
          ok = false;
          continue;
        }
        std::string canon;
        if (!ParseCidr(a.str, &canon)) {
          Report(DiagCode::kBadCidr, a.span, fmt::format("invalid CIDR network \"{}\"", a.str));
          ok = false;
          continue;
        }
        if (!ok) continue;
        auto t = ir::MakeUnary(Op::kInCidr, Type::kBool, ir::Clone(*ip), e.span);
        t->text = canon;
        tests.push_back(std::move(t));
      }
      if (!ok) return ErrorNode(e.span);
      return ir::MakeLogical(Op::kOr, std::move(tests), e.span);
    }
    std::vector<ExprPtr> args;
    for (const ast::ExprPtr& a : e.children) args.push_back(Expr(*a, s));
    if (fn == "lower" || fn == "upper") {
      if (!ArgType(args[0], e.children[0]->span, name, 1, {Type::kString, Type::kJson})) {
        return ErrorNode(e.span);
      }
      Type t = args[0]->type == Type::kJson ? Type::kJson : Type::kString;
      return ir::MakeUnary(fn == "lower" ? Op::kLower : Op::kUpper, t, std::move(args[0]), e.span);
    }
    if (fn == "length") {
      if (!ArgType(args[0], e.children[0]->span, name, 1,
                   {Type::kString, Type::kJson, Type::kStringList})) {
        return ErrorNode(e.span);
      }
      return ir::MakeUnary(Op::kLen, Type::kInt, std::move(args[0]), e.span);
    }
    // startswith / endswith / contains
    bool ok = ArgType(args[0], e.children[0]->span, name, 1,
                      {Type::kString, Type::kJson, Type::kStringList, Type::kIp});
    ok = ArgType(args[1], e.children[1]->span, name, 2, {Type::kString, Type::kJson}) && ok;
    if (!ok) return ErrorNode(e.span);
    Op op = fn == "startswith" ? Op::kStartsWith : fn == "endswith" ? Op::kEndsWith : Op::kContains;
    return ir::MakeBinary(op, Type::kBool, std::move(args[0]), std::move(args[1]), e.span);
  }

  // Checks that argument `index` (1-based) has one of `allowed` types.
  bool ArgType(const ExprPtr& a, Span span, const std::string& fn, int index,
               std::initializer_list<Type> allowed) {
    if (a->type == Type::kError) return false;
    for (Type t : allowed) {
      if (a->type == t) return true;
    }
    std::string want;
    for (Type t : allowed) {
      if (t == Type::kJson) continue;
      if (!want.empty()) want += " or ";
      want += ir::TypeName(t);
    }
    Report(DiagCode::kBadArgument, span,
           fmt::format("argument {} of `{}` must be {}, found {}", index, fn, want,
                       ir::TypeName(a->type)));
    return false;
  }

  // ------------------------------------------------------------- operators

  ExprPtr Unary(const ast::Expr& e, Scope& s) {
    if (e.unop == ast::UnOp::kNot) {
      ExprPtr a = Cond(*e.children[0], s);
      return ir::MakeUnary(Op::kNot, Type::kBool, std::move(a), e.span);
    }
    ExprPtr a = Expr(*e.children[0], s);
    if (a->type == Type::kError) return ErrorNode(e.span);
    if (!IsNumeric(a->type) && a->type != Type::kDuration && a->type != Type::kJson) {
      Report(DiagCode::kTypeMismatch, e.span,
             fmt::format("cannot negate a {}", ir::TypeName(a->type)));
      return ErrorNode(e.span);
    }
    Type t = a->type;
    return ir::MakeUnary(Op::kNeg, t, std::move(a), e.span);
  }

  static bool Comparable(Type a, Type b, bool ordering) {
    if (a == Type::kJson || b == Type::kJson) return true;
    if (ordering) {
      if (IsNumeric(a) && IsNumeric(b)) return true;
      return a == b && (a == Type::kString || a == Type::kTime || a == Type::kDuration);
    }
    if (a == Type::kNull || b == Type::kNull) return true;
    if (a == b) return true;
    if (IsNumeric(a) && IsNumeric(b)) return true;
    auto strlike = [](Type t) {
      return t == Type::kString || t == Type::kIp || t == Type::kStringList;
    };
    return strlike(a) && strlike(b);
  }

  // `action == "x"`: the literal must be a taxonomy verb.
  void CheckAction(const ir::Expr& field, const ir::Expr& lit, bool ci) {
    if (field.op != Op::kField || field.path != std::vector<std::string>{"action"}) return;
    if (lit.op != Op::kConst || lit.type != Type::kString) return;
    std::string v = lit.text;
    if (ci) {
      for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (schema_.IsAction(v)) return;
    Diagnostic& d =
        Report(DiagCode::kUnknownAction, lit.span, fmt::format("unknown action \"{}\"", lit.text));
    Help(d, ClosestMatch(v, schema_.actions()));
  }

  void CheckActionPair(const ir::Expr& a, const ir::Expr& b, bool ci) {
    CheckAction(a, b, ci);
    CheckAction(b, a, ci);
  }

  ExprPtr Binary(const ast::Expr& e, Scope& s) {
    using B = ast::BinOp;
    B op = e.binop;
    if (op == B::kAnd || op == B::kOr) {
      std::vector<ExprPtr> kids;
      kids.push_back(Cond(*e.children[0], s));
      kids.push_back(Cond(*e.children[1], s));
      return ir::MakeLogical(op == B::kAnd ? Op::kAnd : Op::kOr, std::move(kids), e.span);
    }
    ExprPtr a = Expr(*e.children[0], s);
    ExprPtr b = Expr(*e.children[1], s);
    if (a->type == Type::kError || b->type == Type::kError) return ErrorNode(e.span);
    switch (op) {
      case B::kEq:
      case B::kNe:
      case B::kLt:
      case B::kLe:
      case B::kGt:
      case B::kGe: {
        bool ordering = op != B::kEq && op != B::kNe;
        if (!Comparable(a->type, b->type, ordering)) {
          Report(DiagCode::kTypeMismatch, e.span,
                 fmt::format("cannot {} {} with {}", ordering ? "order" : "compare",
                             ir::TypeName(a->type), ir::TypeName(b->type)));
          return ErrorNode(e.span);
        }
        if (!ordering) CheckActionPair(*a, *b, false);
        Op o = op == B::kEq   ? Op::kEq
               : op == B::kNe ? Op::kNe
               : op == B::kLt ? Op::kLt
               : op == B::kLe ? Op::kLe
               : op == B::kGt ? Op::kGt
                              : Op::kGe;
        return ir::MakeBinary(o, Type::kBool, std::move(a), std::move(b), e.span);
      }
      case B::kEqCI:
      case B::kNeCI: {
        if (!IsStringLike(a->type) || !IsStringLike(b->type)) {
          Report(DiagCode::kTypeMismatch, e.span,
                 fmt::format("`{}` compares strings, found {} and {}", op == B::kEqCI ? "=~" : "!~",
                             ir::TypeName(a->type), ir::TypeName(b->type)));
          return ErrorNode(e.span);
        }
        CheckActionPair(*a, *b, true);
        if (op == B::kEqCI) {
          return ir::MakeBinary(Op::kEqCI, Type::kBool, std::move(a), std::move(b), e.span);
        }
        // `a !~ b` keeps the `!=` rule that a missing operand never
        // compares: exists(a) and exists(b) and not (a =~ b).
        std::vector<ExprPtr> kids;
        for (const ExprPtr* side : {&a, &b}) {
          if ((*side)->op != Op::kConst) {
            kids.push_back(ir::MakeUnary(Op::kExists, Type::kBool, ir::Clone(**side), e.span));
          }
        }
        kids.push_back(ir::MakeUnary(
            Op::kNot, Type::kBool,
            ir::MakeBinary(Op::kEqCI, Type::kBool, std::move(a), std::move(b), e.span), e.span));
        return ir::MakeLogical(Op::kAnd, std::move(kids), e.span);
      }
      default:
        return Arithmetic(e, std::move(a), std::move(b));
    }
  }

  ExprPtr Arithmetic(const ast::Expr& e, ExprPtr a, ExprPtr b) {
    using B = ast::BinOp;
    Type ta = a->type, tb = b->type;
    std::optional<Type> t;
    if (ta == Type::kJson || tb == Type::kJson) {
      Type other = ta == Type::kJson ? tb : ta;
      if (other == Type::kJson || IsNumeric(other) || other == Type::kDuration ||
          other == Type::kTime) {
        t = Type::kJson;
      }
    } else if (IsNumeric(ta) && IsNumeric(tb)) {
      if (e.binop == B::kMod) {
        if (ta == Type::kInt && tb == Type::kInt) t = Type::kInt;
      } else {
        t = (ta == Type::kInt && tb == Type::kInt) ? Type::kInt : Type::kFloat;
      }
    } else if (e.binop == B::kSub && ta == Type::kTime && tb == Type::kTime) {
      t = Type::kDuration;
    } else if ((e.binop == B::kAdd || e.binop == B::kSub) && ta == Type::kTime &&
               tb == Type::kDuration) {
      t = Type::kTime;
    } else if (e.binop == B::kAdd && ta == Type::kDuration && tb == Type::kTime) {
      t = Type::kTime;
    } else if ((e.binop == B::kAdd || e.binop == B::kSub) && ta == Type::kDuration &&
               tb == Type::kDuration) {
      t = Type::kDuration;
    } else if (e.binop == B::kMul && ((ta == Type::kDuration && tb == Type::kInt) ||
                                      (ta == Type::kInt && tb == Type::kDuration))) {
      t = Type::kDuration;
    } else if (e.binop == B::kDiv && ta == Type::kDuration && tb == Type::kInt) {
      t = Type::kDuration;
    }
    const char* sym = e.binop == B::kAdd   ? "+"
                      : e.binop == B::kSub ? "-"
                      : e.binop == B::kMul ? "*"
                      : e.binop == B::kDiv ? "/"
                                           : "%";
    if (!t) {
      Report(
          DiagCode::kTypeMismatch, e.span,
          fmt::format("cannot apply `{}` to {} and {}", sym, ir::TypeName(ta), ir::TypeName(tb)));
      return ErrorNode(e.span);
    }
    Op o = e.binop == B::kAdd   ? Op::kAdd
           : e.binop == B::kSub ? Op::kSub
           : e.binop == B::kMul ? Op::kMul
           : e.binop == B::kDiv ? Op::kDiv
                                : Op::kMod;
    return ir::MakeBinary(o, *t, std::move(a), std::move(b), e.span);
  }

  // ---------------------------------------------------- in / matches / like

  ExprPtr In(const ast::Expr& e, Scope& s) {
    ExprPtr lhs = Expr(*e.children[0], s);
    const ast::Expr& target = *e.children[1];
    std::vector<ExprPtr> items;
    bool bad = lhs->type == Type::kError;
    auto wrap = [&](ExprPtr r) {
      if (!e.negated) return r;
      return ir::MakeUnary(Op::kNot, Type::kBool, std::move(r), e.span);
    };
    if (target.kind == ast::ExprKind::kList) {
      for (const ast::ExprPtr& it : target.children) items.push_back(Expr(*it, s));
    } else if (target.kind == ast::ExprKind::kPath && target.path.size() == 1 &&
               lists_.count(target.path[0]) &&
               std::none_of(s.vars.begin(), s.vars.end(),
                            [&](const Scope::Var& v) { return v.name == target.path[0]; })) {
      ListInfo& l = lists_.at(target.path[0]);
      l.used = true;
      Scope empty;
      uint16_t dummy = 0;
      empty.next_var = &dummy;
      for (const ast::ExprPtr& it : l.decl->items) items.push_back(Expr(*it, empty));
    } else if (target.kind == ast::ExprKind::kPath) {
      bool is_name =
          target.path.size() == 1 && !macros_.count(target.path[0]) && !ResolveField(target.path) &&
          std::none_of(s.vars.begin(), s.vars.end(),
                       [&](const Scope::Var& v) { return v.name == target.path[0]; }) &&
          !(s.stages && std::any_of(s.stages->begin(), s.stages->end(), [&](const StageInfo& st) {
              return st.label == target.path[0];
            }));
      if (is_name) {
        Help(Report(DiagCode::kUnknownList, target.span,
                    fmt::format("unknown list `{}`", target.path[0])),
             ClosestMatch(target.path[0], list_order_));
        return ErrorNode(e.span);
      }
      ExprPtr rhs = Expr(target, s);
      if (rhs->type == Type::kError || bad) return ErrorNode(e.span);
      if (rhs->type != Type::kJson && rhs->type != Type::kStringList) {
        Report(DiagCode::kTypeMismatch, target.span,
               fmt::format("the right side of `in` must be a list, found {}",
                           ir::TypeName(rhs->type)));
        return ErrorNode(e.span);
      }
      if (e.icase) {
        Report(DiagCode::kTypeMismatch, e.span,
               "`in~` needs a list literal or a declared list on its right");
        return ErrorNode(e.span);
      }
      return wrap(
          ir::MakeBinary(Op::kInArray, Type::kBool, std::move(lhs), std::move(rhs), e.span));
    } else {
      Report(DiagCode::kTypeMismatch, target.span,
             "the right side of `in` must be a list literal, a list name or a list field");
      return ErrorNode(e.span);
    }
    for (const ExprPtr& it : items) bad = bad || it->type == Type::kError;
    if (bad) return ErrorNode(e.span);
    bool all_strings = true;
    for (const ExprPtr& it : items) {
      if (!Comparable(lhs->type, it->type, false) || (e.icase && !IsStringLike(it->type))) {
        Report(DiagCode::kTypeMismatch, it->span,
               fmt::format("cannot compare {} with {}", ir::TypeName(lhs->type),
                           ir::TypeName(it->type)));
        bad = true;
      }
      if (it->op != Op::kConst || it->type != Type::kString) all_strings = false;
      CheckActionPair(*lhs, *it, e.icase);
    }
    if (bad) return ErrorNode(e.span);
    if (e.icase && !IsStringLike(lhs->type)) {
      Report(DiagCode::kTypeMismatch, e.children[0]->span,
             fmt::format("`in~` compares strings, found {}", ir::TypeName(lhs->type)));
      return ErrorNode(e.span);
    }
    if (items.empty()) return wrap(ir::MakeBool(false, e.span));
    if (all_strings && IsStringLike(lhs->type)) {
      std::vector<std::string> set;
      for (const ExprPtr& it : items) {
        std::string v = it->text;
        if (e.icase) {
          for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        set.push_back(std::move(v));
      }
      std::sort(set.begin(), set.end());
      set.erase(std::unique(set.begin(), set.end()), set.end());
      auto r = ir::MakeUnary(Op::kInSet, Type::kBool, std::move(lhs), e.span);
      r->set = std::move(set);
      r->ci = e.icase;
      return wrap(std::move(r));
    }
    std::vector<ExprPtr> tests;
    for (ExprPtr& it : items) {
      tests.push_back(ir::MakeBinary(e.icase ? Op::kEqCI : Op::kEq, Type::kBool, ir::Clone(*lhs),
                                     std::move(it), e.span));
    }
    return wrap(ir::MakeLogical(Op::kOr, std::move(tests), e.span));
  }

  bool StringOperand(const ExprPtr& a, Span span, const char* what) {
    if (a->type == Type::kError) return false;
    if (IsStringLike(a->type)) return true;
    Report(DiagCode::kTypeMismatch, span,
           fmt::format("`{}` needs a string on its left, found {}", what, ir::TypeName(a->type)));
    return false;
  }

  ExprPtr MatchNode(ExprPtr lhs, std::string regex, Span span, bool negated) {
    auto r = ir::MakeUnary(Op::kMatch, Type::kBool, std::move(lhs), span);
    r->text = std::move(regex);
    if (!negated) return r;
    return ir::MakeUnary(Op::kNot, Type::kBool, std::move(r), span);
  }

  ExprPtr Matches(const ast::Expr& e, Scope& s) {
    ExprPtr lhs = Expr(*e.children[0], s);
    const ast::Expr& pat = *e.children[1];
    bool ok = StringOperand(lhs, e.children[0]->span, "matches");
    std::string regex = (pat.icase || e.icase ? "(?i)" : "") + pat.str;
    RE2::Options opts;
    opts.set_log_errors(false);
    RE2 re(regex, opts);
    if (!re.ok()) {
      Report(DiagCode::kBadRegex, pat.span, fmt::format("invalid regex: {}", re.error()));
      return ErrorNode(e.span);
    }
    if (!ok) return ErrorNode(e.span);
    return MatchNode(std::move(lhs), std::move(regex), e.span, e.negated);
  }

  ExprPtr Like(const ast::Expr& e, Scope& s) {
    ExprPtr lhs = Expr(*e.children[0], s);
    if (!StringOperand(lhs, e.children[0]->span, "like")) return ErrorNode(e.span);
    const ast::Expr& pat = *e.children[1];
    return MatchNode(std::move(lhs), GlobToRegex(pat.str, e.icase), e.span, e.negated);
  }

  ExprPtr Quantifier(const ast::Expr& e, Scope& s) {
    ExprPtr coll = Expr(*e.children[0], s);
    if (coll->type == Type::kError) return ErrorNode(e.span);
    if (coll->type != Type::kJson && coll->type != Type::kStringList) {
      Report(DiagCode::kTypeMismatch, e.children[0]->span,
             fmt::format("`{}` iterates a list, found {}", e.b ? "all" : "any",
                         ir::TypeName(coll->type)));
      return ErrorNode(e.span);
    }
    uint16_t id = (*s.next_var)++;
    Type elem = coll->type == Type::kStringList ? Type::kString : Type::kJson;
    s.vars.push_back({e.str, id, elem});
    ExprPtr body = Cond(*e.children[1], s);
    s.vars.pop_back();
    auto q = ir::MakeBinary(e.b ? Op::kAll : Op::kAny, Type::kBool, std::move(coll),
                            std::move(body), e.span);
    q->var = id;
    return q;
  }

  // ------------------------------------------------------------------ rules

  bool WindowOk(const ast::Duration& d, Span fallback, const char* what) {
    if (!d.present()) {
      Report(DiagCode::kBadWindow, fallback, fmt::format("{} needs a span", what));
      return false;
    }
    if (d.ns <= 0) {
      Report(DiagCode::kBadWindow, d.span, fmt::format("{} must be longer than 0", what));
      return false;
    }
    return true;
  }

  void Meta(const ast::Rule& r, ir::Rule& out, bool* has_title) {
    std::map<std::string, Span> seen;
    for (const ast::Meta& m : r.meta) {
      if (std::find(std::begin(kMetaKeys), std::end(kMetaKeys), m.key) == std::end(kMetaKeys)) {
        std::vector<std::string> keys(std::begin(kMetaKeys), std::end(kMetaKeys));
        Help(Report(DiagCode::kSyntax, m.key_span, fmt::format("unknown metadata `{}`", m.key)),
             ClosestMatch(m.key, keys));
        continue;
      }
      auto [it, inserted] = seen.emplace(m.key, m.key_span);
      if (!inserted) {
        Diagnostic& d =
            Report(DiagCode::kDuplicateClause, m.key_span, fmt::format("`{}` is set twice", m.key));
        d.labels.push_back({it->second, "first set here", false});
        continue;
      }
      std::vector<std::string> texts;
      for (const ast::MetaValue& v : m.values) texts.push_back(v.text);
      bool single = m.key == "title" || m.key == "description" || m.key == "severity";
      if (single && m.values.size() != 1) {
        Report(DiagCode::kSyntax, m.key_span, fmt::format("`{}` takes one value", m.key));
        continue;
      }
      if (m.key == "title") {
        out.title = texts[0];
        *has_title = true;
      } else if (m.key == "description") {
        out.description = texts[0];
      } else if (m.key == "severity") {
        const std::string& v = texts[0];
        auto sev = std::find(std::begin(kSeverities), std::end(kSeverities), v);
        if (sev == std::end(kSeverities)) {
          std::vector<std::string> all(std::begin(kSeverities), std::end(kSeverities));
          Help(Report(DiagCode::kUnknownSeverity, m.values[0].span,
                      fmt::format("unknown severity `{}`", v)),
               ClosestMatch(v, all));
        } else {
          out.severity = static_cast<Severity>(sev - std::begin(kSeverities));
        }
      } else if (m.key == "attack") {
        static const std::regex kAttack("T[0-9]{4}(\\.[0-9]{3})?");
        for (const ast::MetaValue& v : m.values) {
          if (!std::regex_match(v.text, kAttack)) {
            Diagnostic& d = Report(DiagCode::kBadAttackId, v.span,
                                   fmt::format("`{}` is not an ATT&CK technique id", v.text));
            d.notes.push_back("note: expected T1234 or T1234.001");
          } else {
            out.attack.push_back(v.text);
          }
        }
      } else if (m.key == "data") {
        out.data = texts;
      } else if (m.key == "references") {
        out.references = texts;
      } else if (m.key == "tags") {
        out.tags = texts;
      } else if (m.key == "falsepositives") {
        out.false_positives = texts;
      } else if (m.key == "tuning") {
        out.tuning.clear();
        for (const std::string& t : texts) out.tuning += (out.tuning.empty() ? "" : " ") + t;
      }
      // author: documentation only.
    }
  }

  ir::Rule CheckRule(const ast::Rule& r) {
    ir::Rule out;
    out.name = r.name;
    out.span = r.span;
    const SourceFile& file = sm_.file(r.span.file);
    out.source_file = file.name();
    out.source_line = file.Locate(r.span.begin).line;
    bool has_title = false;
    Meta(r, out, &has_title);
    if (!has_title) {
      Report(DiagCode::kNoTitle, r.name_span,
             fmt::format("rule `{}` has no title; alerts will use its name", r.name));
    }

    uint16_t next_var = 0;
    std::vector<StageInfo> stage_infos;
    bool is_match = r.match_where != nullptr;
    if (is_match && r.is_sequence) {
      Report(DiagCode::kDuplicateClause, r.sequence_span,
             "a rule has either `match` or `sequence`, not both");
    } else if (!is_match && !r.is_sequence) {
      Report(DiagCode::kSyntax, r.name_span,
             fmt::format("rule `{}` needs a `match where` or a `sequence`", r.name));
    }

    if (is_match && !r.is_sequence) {
      Scope s;
      s.next_var = &next_var;
      out.pred = Cond(*r.match_where, s);
      const ast::Aggregate& agg = r.aggregate;
      switch (agg.kind) {
        case ast::Aggregate::Kind::kNone:
          out.kind = RuleKind::kMatch;
          break;
        case ast::Aggregate::Kind::kCount:
          out.kind = RuleKind::kCount;
          break;
        case ast::Aggregate::Kind::kDistinct:
          out.kind = RuleKind::kDistinct;
          break;
        case ast::Aggregate::Kind::kNew:
          out.kind = RuleKind::kNew;
          break;
      }
      if (agg.kind != ast::Aggregate::Kind::kNone) {
        out.by = ResolveKeys(agg.by, "key");
        if (WindowOk(agg.within, agg.span, "`within`")) out.within_ns = agg.within.ns;
        if (agg.kind == ast::Aggregate::Kind::kNew) {
          out.values = ResolveKeys(agg.fields, "value");
          if (WindowOk(agg.learn, agg.span, "`learn`")) out.learn_ns = agg.learn.ns;
        } else {
          if (agg.kind == ast::Aggregate::Kind::kDistinct) {
            out.values = ResolveKeys(agg.fields, "value");
          }
          if (agg.threshold < 1) {
            Report(
                DiagCode::kBadThreshold,
                agg.threshold_span.end > agg.threshold_span.begin ? agg.threshold_span : agg.span,
                fmt::format("threshold must be at least 1, found {}", agg.threshold));
          } else {
            out.threshold = static_cast<uint64_t>(agg.threshold);
          }
        }
      }
    } else if (r.is_sequence) {
      out.kind = RuleKind::kSequence;
      CheckSequence(r, out, stage_infos, next_var);
    }

    for (const ast::ExprPtr& ex : r.excepts) {
      Scope s;
      s.ctx = Scope::Ctx::kExcept;
      s.stages = r.is_sequence ? &stage_infos : nullptr;
      s.next_var = &next_var;
      out.excepts.push_back(Cond(*ex, s));
    }

    if (!r.suppress_by.empty() || r.suppress_for.present()) {
      out.suppress = ResolveKeys(r.suppress_by, "suppress key");
      if (WindowOk(r.suppress_for, r.suppress_span, "`suppress ... for`")) {
        out.suppress_ns = r.suppress_for.ns;
      }
    }
    if (r.emit_span.end > r.emit_span.begin || !r.emit.empty()) {
      out.message = Template(r, out.kind, stage_infos);
    }
    return out;
  }

  void CheckSequence(const ast::Rule& r, ir::Rule& out, std::vector<StageInfo>& infos,
                     uint16_t& next_var) {
    std::map<std::string, Span> labels;
    size_t unrolled = 0;
    bool any_positive = false;
    for (const ast::Stage& st : r.stages) {
      infos.push_back({st.label, st.absence, st.label_span});
      auto [it, inserted] = labels.emplace(st.label, st.label_span);
      if (!inserted) Duplicate("stage", st.label, st.label_span, it->second);
      if (reserved_.count(st.label) || schema_.IsRoot(st.label)) {
        Diagnostic& d =
            Report(DiagCode::kLabelCollision, st.label_span,
                   fmt::format("stage label `{}` is the name of a top-level field", st.label));
        d.notes.push_back("help: rename the stage, e.g. `" + st.label + "_ev`");
      }
      if (st.repeat < 1 || st.repeat > 100) {
        Report(DiagCode::kBadRepeat,
               st.repeat_span.end > st.repeat_span.begin ? st.repeat_span : st.label_span,
               fmt::format("stage `{}` repeats {} times; the count must be 1 to 100", st.label,
                           st.repeat));
      } else if (st.absence && st.repeat != 1) {
        Report(DiagCode::kBadRepeat, st.repeat_span, "an absence stage cannot repeat");
      }
      unrolled += std::clamp<uint32_t>(st.repeat, 1, 100);
      if (!st.absence) any_positive = true;
    }
    if (r.sequence_within.present()) {
      if (WindowOk(r.sequence_within, r.sequence_span, "`within`")) {
        out.within_ns = r.sequence_within.ns;
      }
    }
    if (!r.stages.empty() && r.stages[0].absence) {
      Report(
          DiagCode::kBadSequence, r.stages[0].label_span,
          fmt::format("a sequence cannot start with the absence stage `!{}`", r.stages[0].label));
    } else if (!r.stages.empty() && !any_positive) {
      Report(DiagCode::kBadSequence, r.sequence_span, "a sequence needs a positive stage");
    } else if (unrolled < 2) {
      Diagnostic& d =
          Report(DiagCode::kBadSequence, r.sequence_span, "a sequence needs at least 2 stages");
      d.notes.push_back("help: use `match where` for a single event");
    }
    for (const ast::Stage& st : r.stages) {
      if (st.absence && !r.sequence_within.present()) {
        Report(DiagCode::kUnboundedAbsence, st.label_span,
               fmt::format("absence stage `!{}` needs the sequence to have `within`", st.label));
      }
    }
    std::vector<ir::Key> seq_by = ResolveKeys(r.sequence_by, "join key");
    size_t first_keys = 0;
    for (size_t i = 0; i < r.stages.size(); ++i) {
      const ast::Stage& st = r.stages[i];
      ir::Stage stage;
      stage.label = st.label;
      stage.span = st.span;
      stage.absence = st.absence;
      stage.repeat = std::clamp<uint32_t>(st.repeat, 1, 100);
      stage.keys = seq_by;
      for (ir::Key& k : ResolveKeys(st.by, "join key")) stage.keys.push_back(std::move(k));
      size_t nkeys = r.sequence_by.size() + st.by.size();
      if (i == 0) {
        first_keys = nkeys;
      } else if (nkeys != first_keys) {
        Report(DiagCode::kBadKey, st.label_span,
               fmt::format("stage `{}` joins on {} key{}, the first stage on {}", st.label, nkeys,
                           nkeys == 1 ? "" : "s", first_keys));
      }
      Scope s;
      s.ctx = Scope::Ctx::kStage;
      s.stages = &infos;
      s.current = static_cast<int>(i);
      s.next_var = &next_var;
      if (st.where)
        stage.pred = Cond(*st.where, s);
      else
        stage.pred = ErrorNode(st.span);
      out.stages.push_back(std::move(stage));
    }
    if (r.until_where) {
      out.until_keys = seq_by;
      for (ir::Key& k : ResolveKeys(r.until_by, "join key")) out.until_keys.push_back(std::move(k));
      size_t nkeys = r.sequence_by.size() + r.until_by.size();
      if (!r.stages.empty() && nkeys != first_keys) {
        Report(DiagCode::kBadKey, r.until_span,
               fmt::format("`until` joins on {} key{}, the first stage on {}", nkeys,
                           nkeys == 1 ? "" : "s", first_keys));
      }
      Scope s;
      s.ctx = Scope::Ctx::kUntil;
      s.stages = &infos;
      s.next_var = &next_var;
      out.until = Cond(*r.until_where, s);
    }
  }

  // `emit "text {field} {stage.field} {count}"`; `{{` and `}}` are braces.
  std::vector<ir::TemplatePiece> Template(const ast::Rule& r, RuleKind kind,
                                          const std::vector<StageInfo>& stages) {
    std::vector<ir::TemplatePiece> out;
    const std::string& t = r.emit;
    std::string_view raw;
    if (r.emit_span.file < sm_.size() && r.emit_span.end > r.emit_span.begin) {
      const std::string& text = sm_.file(r.emit_span.file).text();
      if (r.emit_span.end <= text.size()) {
        raw = std::string_view(text).substr(r.emit_span.begin, r.emit_span.end - r.emit_span.begin);
      }
    }
    size_t raw_cursor = 0;
    auto span_of = [&](std::string_view needle) {
      size_t p = raw.find(needle, raw_cursor);
      if (p == std::string_view::npos) return r.emit_span;
      raw_cursor = p + needle.size();
      return Span{r.emit_span.file, r.emit_span.begin + static_cast<uint32_t>(p),
                  r.emit_span.begin + static_cast<uint32_t>(p + needle.size())};
    };
    std::string text;
    auto flush = [&] {
      if (text.empty()) return;
      ir::TemplatePiece p;
      p.kind = TemplatePart::Kind::kText;
      p.text = std::move(text);
      text.clear();
      out.push_back(std::move(p));
    };
    for (size_t i = 0; i < t.size(); ++i) {
      char c = t[i];
      if (c == '{' && i + 1 < t.size() && t[i + 1] == '{') {
        text += '{';
        ++i;
        continue;
      }
      if (c == '}' && i + 1 < t.size() && t[i + 1] == '}') {
        text += '}';
        ++i;
        continue;
      }
      if (c == '}') {
        Report(DiagCode::kBadTemplate, span_of("}"), "unmatched `}` in template (write `}}`)");
        continue;
      }
      if (c != '{') {
        text += c;
        continue;
      }
      size_t close = t.find('}', i + 1);
      if (close == std::string::npos) {
        Report(DiagCode::kBadTemplate, span_of(t.substr(i)),
               "unterminated `{` in template (write `{{` for a brace)");
        break;
      }
      std::string name = t.substr(i + 1, close - i - 1);
      Span sp = span_of("{" + name + "}");
      i = close;
      flush();
      if (auto piece = Placeholder(name, sp, kind, stages)) out.push_back(std::move(*piece));
    }
    flush();
    return out;
  }

  std::optional<ir::TemplatePiece> Placeholder(const std::string& name, Span sp, RuleKind kind,
                                               const std::vector<StageInfo>& stages) {
    ir::TemplatePiece p;
    if (name == "count") {
      if (kind != RuleKind::kCount && kind != RuleKind::kDistinct) {
        Report(DiagCode::kBadTemplate, sp,
               "`{count}` is only available in `count` and `distinct` rules");
        return std::nullopt;
      }
      p.kind = TemplatePart::Kind::kCount;
      return p;
    }
    std::vector<std::string> path;
    {
      size_t start = 0;
      while (true) {
        size_t dot = name.find('.', start);
        path.push_back(name.substr(start, dot == std::string::npos ? dot : dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
      }
    }
    bool well_formed = !name.empty();
    for (const std::string& seg : path) {
      if (seg.empty()) well_formed = false;
      for (char c : seg) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '@') {
          well_formed = false;
        }
      }
    }
    if (!well_formed) {
      Report(DiagCode::kBadTemplate, sp,
             fmt::format("malformed placeholder `{{{}}}`: expected a field, `stage.field` or "
                         "`count`",
                         name));
      return std::nullopt;
    }
    for (size_t i = 0; i < stages.size(); ++i) {
      if (stages[i].label != path[0]) continue;
      if (stages[i].absence) {
        Report(DiagCode::kBadTemplate, sp,
               fmt::format("`{}` is an absence stage: it has no event to print", path[0]));
        return std::nullopt;
      }
      std::vector<std::string> rest(path.begin() + 1, path.end());
      auto res = ResolveField(rest);
      if (!res) {
        Diagnostic& d =
            Report(DiagCode::kBadTemplate, sp,
                   fmt::format("placeholder `{{{}}}` names no field of stage `{}`", name, path[0]));
        if (!rest.empty()) Help(d, ClosestMatch(ir::DottedPath(rest), schema_.FieldNames()));
        return std::nullopt;
      }
      p.kind = TemplatePart::Kind::kCapture;
      p.stage = static_cast<uint16_t>(i);
      p.path = res->path;
      p.ftype = res->ftype;
      return p;
    }
    auto res = ResolveField(path);
    if (!res) {
      std::vector<std::string> cands = schema_.FieldNames();
      cands.push_back("count");
      Diagnostic& d = Report(DiagCode::kBadTemplate, sp,
                             fmt::format("placeholder `{{{}}}` names no field", name));
      Help(d, ClosestMatch(name, cands));
      return std::nullopt;
    }
    p.kind = TemplatePart::Kind::kField;
    p.path = res->path;
    p.ftype = res->ftype;
    return p;
  }

  const CheckInput& in_;
  const SourceManager& sm_;
  DiagnosticSink& sink_;
  const Schema& schema_;
  std::set<std::string> reserved_;
  std::map<std::string, ListInfo> lists_;
  std::map<std::string, MacroInfo> macros_;
  std::vector<std::string> list_order_, macro_order_;
  std::map<std::string, std::vector<std::string>> macro_edges_;  // macro -> macros it names
};

}  // namespace

ir::Pack Check(const CheckInput& in, const SourceManager& sm, DiagnosticSink& sink,
               const Schema& schema) {
  return Checker(in, sm, sink, schema).Run();
}

std::string GlobToRegex(std::string_view glob, bool icase) {
  std::string re = icase ? "(?is)^" : "(?s)^";
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) re += RE2::QuoteMeta(literal);
    literal.clear();
  };
  for (char c : glob) {
    if (c == '*') {
      flush();
      re += ".*";
    } else if (c == '?') {
      flush();
      re += ".";
    } else {
      literal += c;
    }
  }
  flush();
  re += "$";
  return re;
}

bool ParseCidr(std::string_view text, std::string* canonical) {
  std::string s(text);
  std::string addr = s;
  int len = -1;
  size_t slash = s.find('/');
  if (slash != std::string::npos) {
    addr = s.substr(0, slash);
    std::string bits = s.substr(slash + 1);
    if (bits.empty() || bits.size() > 3) return false;
    len = 0;
    for (char c : bits) {
      if (c < '0' || c > '9') return false;
      len = len * 10 + (c - '0');
    }
  }
  unsigned char buf[16];
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, addr.c_str(), buf) == 1) {
    if (len < 0) len = 32;
    if (len > 32) return false;
    inet_ntop(AF_INET, buf, out, sizeof(out));
  } else if (inet_pton(AF_INET6, addr.c_str(), buf) == 1) {
    if (len < 0) len = 128;
    if (len > 128) return false;
    inet_ntop(AF_INET6, buf, out, sizeof(out));
  } else {
    return false;
  }
  *canonical = fmt::format("{}/{}", out, len);
  return true;
}

}  // namespace rdl::sema
