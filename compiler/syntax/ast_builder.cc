// The AST builder: walks the ANTLR parse tree of one file and produces the
// AST of compiler/ast/ast.h, with a byte span on every node and literal
// values decoded. The parse tree may be incomplete after syntax errors, so
// every child is checked; the AST it returns keeps these invariants anyway:
// no null expression inside an expression, every Stage has `where`, every
// MacroDecl has a body (parts that did not parse are left out).
//
// Each builder function sits under the grammar production it builds.
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <optional>

#include "RuleParser.h"
#include "antlr4-runtime.h"
#include "compiler/syntax/literals.h"
#include "compiler/syntax/parse.h"
#include "compiler/syntax/syntax_internal.h"

namespace rdl::syntax {

namespace {

using P = rdl_antlr::RuleParser;
using antlr4::ParserRuleContext;
using antlr4::Token;
using antlr4::tree::TerminalNode;
using ast::Expr;
using ast::ExprKind;
using ast::ExprPtr;
using ast::LitKind;

ExprPtr NewExpr(ExprKind kind, Span span) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->span = span;
  return e;
}

// Frees a possibly very deep expression without recursion.
void DestroyIteratively(ExprPtr e) {
  std::vector<ExprPtr> stack;
  stack.push_back(std::move(e));
  while (!stack.empty()) {
    ExprPtr x = std::move(stack.back());
    stack.pop_back();
    if (!x) continue;
    for (auto& c : x->children) stack.push_back(std::move(c));
  }
}

// Depth of an expression tree, computed without recursion.
size_t ExprDepth(const Expr& root) {
  size_t max_depth = 0;
  std::vector<std::pair<const Expr*, size_t>> stack{{&root, 1}};
  while (!stack.empty()) {
    auto [e, d] = stack.back();
    stack.pop_back();
    max_depth = std::max(max_depth, d);
    for (const auto& c : e->children) {
      if (c) stack.push_back({c.get(), d + 1});
    }
  }
  return max_depth;
}

class Builder {
 public:
  explicit Builder(ErrorCollector& errors)
      : errors_(errors), text_(errors.file().text()), file_id_(errors.file_id()) {}

  ast::File Build(P::File_Context* ctx) {
    ast::File file;
    file.file_id = file_id_;
    if (!ctx) return file;
    for (auto* decl : ctx->topDecl()) {
      if (auto* d = dynamic_cast<P::ImportDeclContext*>(decl)) {
        // topDecl: KW_IMPORT STRING
        if (!Real(d->STRING())) continue;
        file.imports.push_back({Str(d->STRING()), CtxSpan(d)});
      } else if (auto* d = dynamic_cast<P::ListDeclContext*>(decl)) {
        BuildList(d, &file);
      } else if (auto* d = dynamic_cast<P::MacroDeclContext*>(decl)) {
        BuildMacro(d, &file);
      } else if (auto* d = dynamic_cast<P::RuleDeclContext*>(decl)) {
        file.rules.push_back(BuildRule(d));
      }
    }
    return file;
  }

 private:
  // ------------------------------------------------------------ tokens ---
  // Conjured tokens (inserted by error recovery) have no source position.
  bool Real(const Token* t) const {
    return t && t->getType() != Token::EOF && t->getStartIndex() < text_.size() &&
           t->getStopIndex() < text_.size() && t->getStopIndex() >= t->getStartIndex();
  }
  bool Real(TerminalNode* n) const { return n && Real(n->getSymbol()); }

  Span TokSpan(const Token* t) const {
    if (!Real(t)) return Span{file_id_, 0, 0};
    return Span{file_id_, static_cast<uint32_t>(t->getStartIndex()),
                static_cast<uint32_t>(t->getStopIndex() + 1)};
  }
  Span TokSpan(TerminalNode* n) const { return TokSpan(n ? n->getSymbol() : nullptr); }

  // From the context's first token to its last; empty at the start if the
  // context matched nothing (error recovery) or was never finished.
  Span CtxSpan(ParserRuleContext* c) const {
    if (!c) return Span{file_id_, 0, 0};
    const Token* start = c->getStart();
    const Token* stop = c->getStop();
    uint32_t begin = static_cast<uint32_t>(text_.size());
    if (start && start->getStartIndex() < text_.size()) {
      begin = static_cast<uint32_t>(start->getStartIndex());
    }
    uint32_t end = begin;
    if (Real(stop) && stop->getStopIndex() + 1 > begin) {
      end = static_cast<uint32_t>(stop->getStopIndex() + 1);
    }
    return Span{file_id_, begin, end};
  }

  static Span Join(Span a, Span b) {
    return Span{a.file, std::min(a.begin, b.begin), std::max(a.end, b.end)};
  }

  std::string_view SourceText(Span s) const {
    if (s.begin >= s.end || s.end > text_.size()) return {};
    return std::string_view(text_).substr(s.begin, s.end - s.begin);
  }

  void ReportLiteral(const Token* t, uint32_t body_offset, const LiteralError& err) {
    uint32_t base = static_cast<uint32_t>(t->getStartIndex()) + body_offset;
    uint32_t end = std::max(base + err.end, base + err.begin + 1);
    end = std::min<uint32_t>(end, static_cast<uint32_t>(t->getStopIndex() + 1));
    errors_.Add(DiagCode::kBadLiteral, base + err.begin, end, err.message, false);
  }

  bool AlreadyReported(const Token* t) const {
    return errors_.reported_tokens.count(static_cast<uint32_t>(t->getStartIndex())) > 0;
  }

  // STRING token -> decoded value (E0102 on a bad escape).
  std::string Str(TerminalNode* n) {
    if (!Real(n)) return {};
    const Token* t = n->getSymbol();
    std::string_view text = SourceText(TokSpan(t));
    bool unterminated = AlreadyReported(t);
    std::string_view body = text.substr(1);
    if (!unterminated && !body.empty()) body.remove_suffix(1);
    std::string out;
    LiteralError err;
    if (!DecodeString(body, &out, &err) && !unterminated) ReportLiteral(t, 1, err);
    return out;
  }

  // ------------------------------------------------------------- names ---
  // name : IDENT | soft keyword
  std::string Name(P::NameContext* n, Span* span = nullptr) {
    if (span) *span = Span{file_id_, 0, 0};
    if (!n || !Real(n->getStart()) || n->getStart() != n->getStop()) return {};
    if (span) *span = TokSpan(n->getStart());
    return n->getStart()->getText();
  }

  // path : name pathSuffix*   pathSuffix : DOT segment | LBRACK STRING RBRACK
  bool Path(P::PathContext* p, std::vector<std::string>* segs, std::vector<Span>* spans) {
    if (!p) return false;
    Span sp;
    std::string first = Name(p->name(), &sp);
    if (first.empty()) return false;
    segs->push_back(std::move(first));
    spans->push_back(sp);
    for (auto* suffix : p->pathSuffix()) {
      if (auto* d = dynamic_cast<P::DotSegmentContext*>(suffix)) {
        P::SegmentContext* seg = d->segment();
        if (!seg || !Real(seg->getStart()) || seg->getStart() != seg->getStop()) return false;
        segs->push_back(seg->getStart()->getText());
        spans->push_back(TokSpan(seg->getStart()));
      } else if (auto* b = dynamic_cast<P::BracketSegmentContext*>(suffix)) {
        if (!Real(b->STRING())) return false;
        segs->push_back(Str(b->STRING()));
        spans->push_back(CtxSpan(b));
      } else {
        return false;
      }
    }
    return true;
  }

  bool Field(P::PathContext* p, ast::FieldRef* out) {
    std::vector<Span> spans;
    if (!Path(p, &out->path, &spans)) return false;
    out->span = CtxSpan(p);
    return true;
  }

  // fieldList : path (COMMA path)*
  std::vector<ast::FieldRef> Fields(P::FieldListContext* fl) {
    std::vector<ast::FieldRef> out;
    if (!fl) return out;
    for (auto* p : fl->path()) {
      ast::FieldRef f;
      if (Field(p, &f)) out.push_back(std::move(f));
    }
    return out;
  }
  std::vector<ast::FieldRef> By(P::ByClauseContext* by) {
    return by ? Fields(by->fieldList()) : std::vector<ast::FieldRef>{};
  }

  ast::Duration Dur(TerminalNode* n) {
    ast::Duration d;
    if (!Real(n)) return d;
    const Token* t = n->getSymbol();
    d.span = TokSpan(t);
    LiteralError err;
    if (!ParseDuration(t->getText(), &d.ns, &err) && !AlreadyReported(t)) ReportLiteral(t, 0, err);
    return d;
  }

  int64_t Int(TerminalNode* n, Span* span = nullptr) {
    if (span) *span = TokSpan(n);
    if (!Real(n)) return 0;
    const Token* t = n->getSymbol();
    int64_t v = 0;
    LiteralError err;
    if (!ParseInt(t->getText(), &v, &err) && !AlreadyReported(t)) ReportLiteral(t, 0, err);
    return v;
  }

  // ---------------------------------------------------- declarations ---
  // topDecl: KW_LIST name ASSIGN listLiteral
  void BuildList(P::ListDeclContext* d, ast::File* file) {
    ast::ListDecl list;
    list.name = Name(d->name(), &list.name_span);
    list.span = CtxSpan(d);
    if (list.name.empty()) return;
    if (P::ListLiteralContext* lit = d->listLiteral()) {
      for (auto* item : lit->expr()) {
        ExprPtr e = Root(item);
        if (!e) continue;
        if (e->kind != ExprKind::kLiteral) {
          errors_.Add(DiagCode::kSyntax, e->span.begin, e->span.end,
                      "list items must be literals (strings, numbers, durations, booleans)", false);
          DestroyIteratively(std::move(e));
          continue;
        }
        list.items.push_back(std::move(e));
      }
    }
    file->lists.push_back(std::move(list));
  }

  // topDecl: KW_MACRO name macroParams? ASSIGN expr
  void BuildMacro(P::MacroDeclContext* d, ast::File* file) {
    ast::MacroDecl m;
    m.name = Name(d->name(), &m.name_span);
    m.span = CtxSpan(d);
    if (P::MacroParamsContext* params = d->macroParams()) {
      for (auto* p : params->name()) {
        std::string n = Name(p);
        if (!n.empty()) m.params.push_back(std::move(n));
      }
    }
    m.body = Root(d->expr());
    if (m.name.empty() || !m.body) return;
    file->macros.push_back(std::move(m));
  }

  // topDecl: KW_RULE name LBRACE ruleItem* RBRACE
  ast::Rule BuildRule(P::RuleDeclContext* d) {
    ast::Rule r;
    r.name = Name(d->name(), &r.name_span);
    r.span = CtxSpan(d);
    for (auto* item : d->ruleItem()) {
      if (auto* m = dynamic_cast<P::MetaItemContext*>(item)) {
        BuildMeta(m, &r);
      } else if (auto* m = dynamic_cast<P::MatchItemContext*>(item)) {
        BuildMatch(m, &r);
      } else if (auto* s = dynamic_cast<P::SequenceItemContext*>(item)) {
        BuildSequence(s, &r);
      } else if (auto* e = dynamic_cast<P::ExceptItemContext*>(item)) {
        // ruleItem: KW_EXCEPT KW_WHERE expr
        if (ExprPtr x = Root(e->expr())) r.excepts.push_back(std::move(x));
      } else if (auto* s = dynamic_cast<P::SuppressItemContext*>(item)) {
        // ruleItem: KW_SUPPRESS KW_BY fieldList KW_FOR DURATION
        if (!Unique(r.suppress_span, s, "suppress")) continue;
        r.suppress_by = Fields(s->fieldList());
        r.suppress_for = Dur(s->DURATION());
        r.suppress_span = CtxSpan(s);
      } else if (auto* e = dynamic_cast<P::EmitItemContext*>(item)) {
        // ruleItem: KW_EMIT STRING
        if (!Real(e->STRING())) continue;
        if (!Unique(r.emit_span, e, "emit")) continue;
        r.emit = Str(e->STRING());
        r.emit_span = TokSpan(e->STRING());
      } else if (auto* t = dynamic_cast<P::TestItemContext*>(item)) {
        BuildTest(t, &r);
      }
    }
    return r;
  }

  // A clause the AST holds once (match, sequence, suppress, emit): a second
  // one is E0104 here, since sema cannot see it.
  bool Unique(Span existing, ParserRuleContext* item, const char* what) {
    if (existing.end <= existing.begin) return true;
    Span s = TokSpan(item->getStart());
    errors_.Add(DiagCode::kDuplicateClause, s.begin, s.end,
                fmt::format("a rule has at most one `{}` clause", what), false);
    return false;
  }

  // ruleItem: metaKey metaValue (COMMA metaValue)*
  void BuildMeta(P::MetaItemContext* m, ast::Rule* r) {
    ast::Meta meta;
    if (!m->metaKey() || !Real(m->metaKey()->getStart())) return;
    meta.key = m->metaKey()->getStart()->getText();
    meta.key_span = TokSpan(m->metaKey()->getStart());
    for (auto* v : m->metaValue()) {
      ast::MetaValue mv;
      if (auto* q = dynamic_cast<P::QuotedMetaValueContext*>(v)) {
        if (!Real(q->STRING())) continue;
        mv.text = Str(q->STRING());
        mv.quoted = true;
        mv.span = TokSpan(q->STRING());
      } else if (auto* b = dynamic_cast<P::BareMetaValueContext*>(v)) {
        // `high`, or an ATT&CK id `T1578.001` lexed as IDENT DOT INT: the
        // value is the source text, so sema sees exactly what was written.
        if (Name(b->name()).empty()) continue;
        mv.span = CtxSpan(b);
        mv.text = std::string(SourceText(mv.span));
      } else {
        continue;
      }
      meta.values.push_back(std::move(mv));
    }
    r->meta.push_back(std::move(meta));
  }

  // ruleItem: KW_MATCH KW_WHERE expr aggregate?
  void BuildMatch(P::MatchItemContext* m, ast::Rule* r) {
    if (!Unique(r->match_span, m, "match")) return;
    r->match_where = Root(m->expr());
    r->match_span = Join(TokSpan(m->KW_MATCH()), CtxSpan(m->expr()));
    if (P::AggregateContext* agg = m->aggregate()) BuildAggregate(agg, &r->aggregate);
  }

  // aggregate: count [by] within D >= N | distinct f [by] within D >= N
  //          | new f, ... [by] within D learn D
  void BuildAggregate(P::AggregateContext* agg, ast::Aggregate* a) {
    using K = ast::Aggregate::Kind;
    a->span = CtxSpan(agg);
    if (auto* c = dynamic_cast<P::CountAggregateContext*>(agg)) {
      a->kind = K::kCount;
      a->by = By(c->byClause());
      a->within = Dur(c->DURATION());
      a->threshold = Int(c->INT(), &a->threshold_span);
    } else if (auto* d = dynamic_cast<P::DistinctAggregateContext*>(agg)) {
      a->kind = K::kDistinct;
      ast::FieldRef f;
      if (Field(d->path(), &f)) a->fields.push_back(std::move(f));
      a->by = By(d->byClause());
      a->within = Dur(d->DURATION());
      a->threshold = Int(d->INT(), &a->threshold_span);
    } else if (auto* n = dynamic_cast<P::NewAggregateContext*>(agg)) {
      a->kind = K::kNew;
      a->fields = Fields(n->fieldList());
      a->by = By(n->byClause());
      auto durs = n->DURATION();
      if (durs.size() > 0) a->within = Dur(durs[0]);
      if (durs.size() > 1) a->learn = Dur(durs[1]);
    }
  }

  // ruleItem: KW_SEQUENCE byClause? withinClause? stage+ untilClause?
  void BuildSequence(P::SequenceItemContext* s, ast::Rule* r) {
    if (!Unique(r->sequence_span, s, "sequence")) return;
    r->is_sequence = true;
    r->sequence_span = CtxSpan(s);
    r->sequence_by = By(s->byClause());
    if (P::WithinClauseContext* w = s->withinClause()) r->sequence_within = Dur(w->DURATION());
    for (auto* st : s->stage()) {
      ast::Stage stage;
      if (BuildStage(st, &stage)) r->stages.push_back(std::move(stage));
    }
    if (P::UntilClauseContext* u = s->untilClause()) {
      // untilClause: KW_UNTIL byClause? KW_WHERE expr
      r->until_where = Root(u->expr());
      if (r->until_where) {
        r->until_by = By(u->byClause());
        r->until_span = CtxSpan(u);
      }
    }
  }

  // stage: BANG? name repeat? COLON byClause? KW_WHERE expr
  bool BuildStage(P::StageContext* st, ast::Stage* out) {
    out->label = Name(st->name(), &out->label_span);
    out->absence = st->BANG() != nullptr;
    out->span = CtxSpan(st);
    if (P::RepeatContext* rep = st->repeat()) {
      TerminalNode* n = nullptr;
      if (auto* e = dynamic_cast<P::RepeatExactlyContext*>(rep)) {
        n = e->INT();
      } else if (auto* l = dynamic_cast<P::RepeatAtLeastContext*>(rep)) {
        n = l->INT();
        out->repeat_at_least = true;
      }
      // Out-of-range counts are clamped; sema reports them (E0406).
      int64_t v = Int(n);
      out->repeat =
          static_cast<uint32_t>(std::clamp<int64_t>(v, 0, std::numeric_limits<uint32_t>::max()));
      out->repeat_span = CtxSpan(rep);
    }
    out->by = By(st->byClause());
    out->where = Root(st->expr());
    return !out->label.empty() && out->where != nullptr;
  }

  // ruleItem: KW_TEST STRING LBRACE testEvents KW_EXPECT INT RBRACE
  void BuildTest(P::TestItemContext* t, ast::Rule* r) {
    ast::TestBlock tb;
    tb.name = Str(t->STRING());
    tb.span = CtxSpan(t);
    if (auto* in = dynamic_cast<P::InlineEventsContext*>(t->testEvents())) {
      // Raw text between the triple quotes: no escape processing.
      if (Real(in->TRIPLE_STRING())) {
        const Token* tok = in->TRIPLE_STRING()->getSymbol();
        std::string_view text = SourceText(TokSpan(tok));
        std::string_view body = text.substr(3);
        if (!AlreadyReported(tok) && body.size() >= 3) body.remove_suffix(3);
        tb.events_inline = std::string(body);
      }
    } else if (auto* f = dynamic_cast<P::FileEventsContext*>(t->testEvents())) {
      tb.events_file = Str(f->STRING());
    }
    tb.expect_alerts = Int(t->INT());
    r->tests.push_back(std::move(tb));
  }

  // ------------------------------------------------------- expressions ---
  // A root expression (a clause's condition, a macro body, a list item): the
  // depth limit is checked here, once per tree, without recursion.
  ExprPtr Root(P::ExprContext* ctx) {
    ExprPtr e = ExprOf(ctx);
    if (!e) return e;
    size_t depth = ExprDepth(*e);
    if (depth > kMaxExprDepth) {
      errors_.Add(DiagCode::kSyntax, e->span.begin, std::min(e->span.end, e->span.begin + 1),
                  fmt::format("expression is nested too deeply ({} levels; the limit is {})", depth,
                              kMaxExprDepth),
                  false);
      DestroyIteratively(std::move(e));
      return nullptr;
    }
    return e;
  }

  // expr: orExpr
  ExprPtr ExprOf(P::ExprContext* ctx) { return ctx ? Or(ctx->orExpr()) : nullptr; }

  // Left-folds `operand (op operand)*` from the children in order (robust to
  // the partial child lists that error recovery leaves).
  template <typename Operand, typename BuildFn, typename OpFn>
  ExprPtr Chain(ParserRuleContext* ctx, BuildFn build, OpFn op_of) {
    if (!ctx) return nullptr;
    ExprPtr acc;
    const Token* pending_op = nullptr;
    for (auto* child : ctx->children) {
      if (auto* operand = dynamic_cast<Operand*>(child)) {
        ExprPtr rhs = build(operand);
        if (!rhs) {
          DestroyIteratively(std::move(acc));
          return nullptr;
        }
        if (!acc) {
          acc = std::move(rhs);
          continue;
        }
        if (!pending_op) {
          DestroyIteratively(std::move(acc));
          DestroyIteratively(std::move(rhs));
          return nullptr;
        }
        ExprPtr bin = NewExpr(ExprKind::kBinary, Join(acc->span, rhs->span));
        bin->binop = *op_of(pending_op);
        bin->children.push_back(std::move(acc));
        bin->children.push_back(std::move(rhs));
        acc = std::move(bin);
        pending_op = nullptr;
      } else if (auto* term = dynamic_cast<TerminalNode*>(child)) {
        // Error nodes left by recovery are not operators.
        if (Real(term) && op_of(term->getSymbol())) pending_op = term->getSymbol();
      }
    }
    if (pending_op && acc) {
      // A trailing operator without an operand (error recovery).
      DestroyIteratively(std::move(acc));
      return nullptr;
    }
    return acc;
  }

  // orExpr: andExpr (KW_OR andExpr)*
  ExprPtr Or(P::OrExprContext* ctx) {
    return Chain<P::AndExprContext>(
        ctx, [this](P::AndExprContext* c) { return And(c); },
        [](const Token* t) -> std::optional<ast::BinOp> {
          if (t->getType() == P::KW_OR) return ast::BinOp::kOr;
          return std::nullopt;
        });
  }

  // andExpr: notExpr (KW_AND notExpr)*
  ExprPtr And(P::AndExprContext* ctx) {
    return Chain<P::NotExprContext>(
        ctx, [this](P::NotExprContext* c) { return Not(c); },
        [](const Token* t) -> std::optional<ast::BinOp> {
          if (t->getType() == P::KW_AND) return ast::BinOp::kAnd;
          return std::nullopt;
        });
  }

  // notExpr: KW_NOT notExpr | compareExpr
  ExprPtr Not(P::NotExprContext* ctx) {
    if (auto* n = dynamic_cast<P::LogicalNotContext*>(ctx)) {
      ExprPtr inner = Not(n->notExpr());
      if (!inner) return nullptr;
      ExprPtr e = NewExpr(ExprKind::kUnary, Join(TokSpan(n->KW_NOT()), inner->span));
      e->unop = ast::UnOp::kNot;
      e->children.push_back(std::move(inner));
      return e;
    }
    if (auto* p = dynamic_cast<P::NotPassThroughContext*>(ctx)) return Compare(p->compareExpr());
    return nullptr;
  }

  static ast::BinOp CompareOp(size_t type) {
    switch (type) {
      case P::EQ:
        return ast::BinOp::kEq;
      case P::NE:
        return ast::BinOp::kNe;
      case P::LT:
        return ast::BinOp::kLt;
      case P::LE:
        return ast::BinOp::kLe;
      case P::GT:
        return ast::BinOp::kGt;
      case P::GE:
        return ast::BinOp::kGe;
      case P::EQ_CI:
        return ast::BinOp::kEqCI;
      default:
        return ast::BinOp::kNeCI;
    }
  }

  // compareExpr: addExpr compareTail?
  ExprPtr Compare(P::CompareExprContext* ctx) {
    if (!ctx) return nullptr;
    ExprPtr lhs = Add(ctx->addExpr());
    P::CompareTailContext* tail = ctx->compareTail();
    if (!lhs || !tail) return lhs;
    Span span = Join(lhs->span, CtxSpan(tail));
    ExprPtr rhs;
    ExprPtr e;
    if (auto* c = dynamic_cast<P::CompareOpContext*>(tail)) {
      // compareTail: op=(EQ | NE | LT | LE | GT | GE | EQ_CI | NE_CI) addExpr
      if (!Real(c->op)) return nullptr;
      rhs = Add(c->addExpr());
      e = NewExpr(ExprKind::kBinary, span);
      e->binop = CompareOp(c->op->getType());
    } else if (auto* in = dynamic_cast<P::InOpContext*>(tail)) {
      // compareTail: KW_NOT? op=(KW_IN | KW_IN_CI) inTarget
      if (!Real(in->op) || !in->inTarget()) return nullptr;
      if (P::ListLiteralContext* l = in->inTarget()->listLiteral()) {
        rhs = List(l);
      } else {
        rhs = PathExpr(in->inTarget()->path());
      }
      e = NewExpr(ExprKind::kIn, span);
      e->negated = in->KW_NOT() != nullptr;
      e->icase = in->op->getType() == P::KW_IN_CI;
    } else if (auto* m = dynamic_cast<P::MatchesOpContext*>(tail)) {
      // compareTail: KW_NOT? KW_MATCHES pattern=(REGEX | STRING)
      rhs = Regex(m->pattern);
      e = NewExpr(ExprKind::kMatch, span);
      e->negated = m->KW_NOT() != nullptr;
    } else if (auto* l = dynamic_cast<P::LikeOpContext*>(tail)) {
      // compareTail: KW_NOT? op=(KW_LIKE | KW_LIKE_CI) STRING
      if (!Real(l->op) || !Real(l->STRING())) return nullptr;
      rhs = NewExpr(ExprKind::kLiteral, TokSpan(l->STRING()));
      rhs->lit = LitKind::kString;
      rhs->str = Str(l->STRING());
      e = NewExpr(ExprKind::kLike, span);
      e->negated = l->KW_NOT() != nullptr;
      e->icase = l->op->getType() == P::KW_LIKE_CI;
    }
    if (!e || !rhs) {
      DestroyIteratively(std::move(lhs));
      DestroyIteratively(std::move(rhs));
      return nullptr;
    }
    e->children.push_back(std::move(lhs));
    e->children.push_back(std::move(rhs));
    return e;
  }

  // REGEX `/re/flags` or STRING after `matches` -> kLiteral kRegex.
  ExprPtr Regex(const Token* t) {
    // After a failed match the label holds whatever token was there.
    if (!Real(t) || (t->getType() != P::REGEX && t->getType() != P::STRING)) return nullptr;
    ExprPtr e = NewExpr(ExprKind::kLiteral, TokSpan(t));
    e->lit = LitKind::kRegex;
    if (t->getType() == P::STRING) {
      std::string_view text = SourceText(e->span);
      bool unterminated = AlreadyReported(t);
      std::string_view body = text.substr(1);
      if (!unterminated && !body.empty()) body.remove_suffix(1);
      LiteralError err;
      if (!DecodeString(body, &e->str, &err) && !unterminated) ReportLiteral(t, 1, err);
      return e;
    }
    LiteralError err;
    if (!DecodeRegex(SourceText(e->span), &e->str, &e->icase, &err) && !AlreadyReported(t)) {
      ReportLiteral(t, 0, err);
    }
    return e;
  }

  static std::optional<ast::BinOp> ArithOp(const Token* t) {
    switch (t->getType()) {
      case P::PLUS:
        return ast::BinOp::kAdd;
      case P::MINUS:
        return ast::BinOp::kSub;
      case P::STAR:
        return ast::BinOp::kMul;
      case P::SLASH:
        return ast::BinOp::kDiv;
      case P::PERCENT:
        return ast::BinOp::kMod;
      default:
        return std::nullopt;
    }
  }

  // addExpr: mulExpr (ops+=(PLUS | MINUS) mulExpr)*
  ExprPtr Add(P::AddExprContext* ctx) {
    return Chain<P::MulExprContext>(
        ctx, [this](P::MulExprContext* c) { return Mul(c); }, ArithOp);
  }

  // mulExpr: unaryExpr (ops+=(STAR | SLASH | PERCENT) unaryExpr)*
  ExprPtr Mul(P::MulExprContext* ctx) {
    return Chain<P::UnaryExprContext>(
        ctx, [this](P::UnaryExprContext* c) { return Unary(c); }, ArithOp);
  }

  // unaryExpr: MINUS unaryExpr | primary
  ExprPtr Unary(P::UnaryExprContext* ctx) {
    if (auto* n = dynamic_cast<P::NegateContext*>(ctx)) {
      Span minus = TokSpan(n->MINUS());
      if (ExprPtr folded = NegativeLiteral(n, minus)) return folded;
      ExprPtr inner = Unary(n->unaryExpr());
      if (!inner) return nullptr;
      ExprPtr e = NewExpr(ExprKind::kUnary, Join(minus, inner->span));
      e->unop = ast::UnOp::kNeg;
      e->children.push_back(std::move(inner));
      return e;
    }
    if (auto* p = dynamic_cast<P::UnaryPassThroughContext*>(ctx)) return Primary(p->primary());
    return nullptr;
  }

  // `-5` and `-1.5` are literals, so `-9223372036854775808` is expressible
  // and constants need no folding later.
  ExprPtr NegativeLiteral(P::NegateContext* n, Span minus) {
    auto* pass = dynamic_cast<P::UnaryPassThroughContext*>(n->unaryExpr());
    if (!pass) return nullptr;
    auto* lit_expr = dynamic_cast<P::LiteralExprContext*>(pass->primary());
    if (!lit_expr || !lit_expr->literal()) return nullptr;
    const Token* t = lit_expr->literal()->getStart();
    if (!Real(t) || (t->getType() != P::INT && t->getType() != P::FLOAT)) return nullptr;
    ExprPtr e = NewExpr(ExprKind::kLiteral, Join(minus, TokSpan(t)));
    std::string text = t->getText();
    LiteralError err;
    if (t->getType() == P::INT) {
      e->lit = LitKind::kInt;
      if (text == "9223372036854775808") {
        e->i = std::numeric_limits<int64_t>::min();
      } else if (ParseInt(text, &e->i, &err)) {
        e->i = -e->i;
      } else if (!AlreadyReported(t)) {
        ReportLiteral(t, 0, err);
      }
    } else {
      e->lit = LitKind::kFloat;
      if (ParseFloat(text, &e->f, &err)) {
        e->f = -e->f;
      } else if (!AlreadyReported(t)) {
        ReportLiteral(t, 0, err);
      }
    }
    return e;
  }

  // primary: literal | call | path | ( expr ) | list | quantifier
  ExprPtr Primary(P::PrimaryContext* ctx) {
    if (!ctx) return nullptr;
    if (auto* l = dynamic_cast<P::LiteralExprContext*>(ctx)) return Literal(l->literal());
    if (auto* c = dynamic_cast<P::CallExprContext*>(ctx)) {
      // primary: name LPAREN (expr (COMMA expr)*)? RPAREN
      ExprPtr e = NewExpr(ExprKind::kCall, CtxSpan(c));
      e->str = Name(c->name());
      if (e->str.empty() || !Real(c->RPAREN())) return nullptr;
      for (auto* arg : c->expr()) {
        ExprPtr a = ExprOf(arg);
        if (!a) {
          DestroyIteratively(std::move(e));
          return nullptr;
        }
        e->children.push_back(std::move(a));
      }
      return e;
    }
    if (auto* p = dynamic_cast<P::PathExprContext*>(ctx)) return PathExpr(p->path());
    if (auto* p = dynamic_cast<P::ParenExprContext*>(ctx)) {
      // The node keeps the span of the inner expression.
      if (!Real(p->RPAREN())) return nullptr;
      return ExprOf(p->expr());
    }
    if (auto* l = dynamic_cast<P::ListExprContext*>(ctx)) return List(l->listLiteral());
    if (auto* q = dynamic_cast<P::QuantifierExprContext*>(ctx)) {
      // primary: (KW_ANY | KW_ALL) name KW_IN path COLON expr
      ExprPtr e = NewExpr(ExprKind::kQuantifier, CtxSpan(q));
      e->b = q->KW_ALL() != nullptr;
      e->str = Name(q->name());
      ExprPtr coll = PathExpr(q->path());
      ExprPtr body = ExprOf(q->expr());
      if (e->str.empty() || !coll || !body || !Real(q->COLON())) {
        DestroyIteratively(std::move(coll));
        DestroyIteratively(std::move(body));
        return nullptr;
      }
      e->children.push_back(std::move(coll));
      e->children.push_back(std::move(body));
      return e;
    }
    return nullptr;
  }

  ExprPtr PathExpr(P::PathContext* p) {
    if (!p) return nullptr;
    ExprPtr e = NewExpr(ExprKind::kPath, CtxSpan(p));
    if (!Path(p, &e->path, &e->path_spans)) return nullptr;
    return e;
  }

  // listLiteral: LBRACK (expr (COMMA expr)* COMMA?)? RBRACK
  ExprPtr List(P::ListLiteralContext* l) {
    if (!l || !Real(l->RBRACK())) return nullptr;
    ExprPtr e = NewExpr(ExprKind::kList, CtxSpan(l));
    for (auto* item : l->expr()) {
      ExprPtr x = ExprOf(item);
      if (!x) {
        DestroyIteratively(std::move(e));
        return nullptr;
      }
      e->children.push_back(std::move(x));
    }
    return e;
  }

  // literal: STRING | INT | FLOAT | DURATION | KW_TRUE | KW_FALSE | KW_NULL
  ExprPtr Literal(P::LiteralContext* l) {
    if (!l || !Real(l->getStart())) return nullptr;
    const Token* t = l->getStart();
    ExprPtr e = NewExpr(ExprKind::kLiteral, TokSpan(t));
    LiteralError err;
    switch (t->getType()) {
      case P::STRING:
        e->lit = LitKind::kString;
        e->str = Str(l->STRING());
        break;
      case P::INT:
        e->lit = LitKind::kInt;
        e->i = Int(l->INT());
        break;
      case P::FLOAT:
        e->lit = LitKind::kFloat;
        if (!ParseFloat(t->getText(), &e->f, &err) && !AlreadyReported(t)) ReportLiteral(t, 0, err);
        break;
      case P::DURATION:
        e->lit = LitKind::kDuration;
        e->i = Dur(l->DURATION()).ns;
        break;
      case P::KW_TRUE:
      case P::KW_FALSE:
        e->lit = LitKind::kBool;
        e->b = t->getType() == P::KW_TRUE;
        break;
      case P::KW_NULL:
        e->lit = LitKind::kNull;
        break;
      default:
        return nullptr;
    }
    return e;
  }

  ErrorCollector& errors_;
  const std::string& text_;
  uint32_t file_id_;
};

}  // namespace

ast::File BuildAst(antlr4::ParserRuleContext* root, ErrorCollector& errors) {
  Builder b(errors);
  return b.Build(dynamic_cast<P::File_Context*>(root));
}

}  // namespace rdl::syntax
