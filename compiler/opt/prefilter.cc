// prefilter: derives what the raw text of a record must contain for the
// rule to care about it, so the reader can skip other records before it
// parses them (runtime/ingest/prefilter.h). The result is a disjunction:
// the record matters when its operation maps to one of `actions` (the
// runtime turns them into operation names with the provider tables) or its
// text contains one of `literals` (ASCII case-insensitively).
//
// Soundness rests on one property: a value the rule tests is written
// verbatim in the record's text. That holds for `api.operation` (the
// provider's own operation name, in any case), for `raw.*` (the record
// itself) and for keys that `exists(raw...)` needs, except where JSON
// escapes the value; so only the longest run of characters JSON never has
// to escape is taken, and the reader parses every record whose text holds
// an escape that could hide one (`\u`, `\/`) or an encoded payload.
//
// A predicate yields a need when it is an equality, `in`, prefix / suffix /
// substring test, `=~` or a regex with a required literal on one of those
// values, `action ==` / `in`, `exists(raw.x)`, `any` over a raw array whose
// body needs one; a conjunction takes its smallest operand need; a
// disjunction the union of its operands' needs (all must have one). A
// sequence needs the union of its stages and `until`. Anything else (a
// negation, a comparison of normalized fields, `all`) leaves the rule
// needing every record (Rule::prefilter_all).
#include <algorithm>
#include <cctype>
#include <set>

#include "compiler/opt/passes.h"

namespace rdl::opt {

namespace {

using ir::Expr;
using ir::Op;

// Shorter literals match nearly every record and make the scan slower.
constexpr size_t kMinLiteral = 3;

void Normalize(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// What the tested value is, for the prefilter.
enum class Source { kNone, kAction, kVerbatim };

Source SourceOf(const Expr& e, const std::set<uint16_t>& raw_vars) {
  if (e.op == Op::kVar) return raw_vars.count(e.var) ? Source::kVerbatim : Source::kNone;
  if (e.op != Op::kField) return Source::kNone;
  if (e.path == std::vector<std::string>{"action"}) return Source::kAction;
  if (e.path == std::vector<std::string>{"api", "operation"}) return Source::kVerbatim;
  if (!e.path.empty() && e.path[0] == "raw") return Source::kVerbatim;
  return Source::kNone;
}

Needs Literal(const std::string& text) {
  std::string lit = PrefilterLiteral(text);
  if (lit.empty()) return {};
  Needs n;
  n.ok = true;
  n.literals.push_back(std::move(lit));
  return n;
}

Needs Action(const std::string& action) {
  Needs n;
  n.ok = true;
  n.actions.push_back(action);
  return n;
}

Needs Union(Needs a, const Needs& b) {
  if (!a.ok || !b.ok) return {};
  a.actions.insert(a.actions.end(), b.actions.begin(), b.actions.end());
  a.literals.insert(a.literals.end(), b.literals.begin(), b.literals.end());
  return a;
}

const Expr* StringConst(const Expr& e) {
  return e.op == Op::kConst && e.type == ir::Type::kString ? &e : nullptr;
}

Needs NeedsOf(const Expr& e, std::set<uint16_t>& raw_vars) {
  switch (e.op) {
    case Op::kEq:
    case Op::kEqCI:
    case Op::kStartsWith:
    case Op::kEndsWith:
    case Op::kContains: {
      bool symmetric = e.op == Op::kEq || e.op == Op::kEqCI;
      for (int side = 0; side < (symmetric ? 2 : 1); ++side) {
        const Expr* c = StringConst(*e.kids[1 - side]);
        if (!c) continue;
        Source s = SourceOf(*e.kids[side], raw_vars);
        if (s == Source::kAction && e.op == Op::kEq) return Action(c->text);
        if (s == Source::kVerbatim) return Literal(c->text);
      }
      return {};
    }
    case Op::kInSet: {
      Source s = SourceOf(*e.kids[0], raw_vars);
      if (s == Source::kNone || e.set.empty() || (s == Source::kAction && e.ci)) return {};
      Needs all;
      all.ok = true;
      for (const std::string& v : e.set) {
        all = Union(std::move(all), s == Source::kAction ? Action(v) : Literal(v));
      }
      return all;
    }
    case Op::kMatch:
      if (SourceOf(*e.kids[0], raw_vars) != Source::kVerbatim) return {};
      return Literal(RegexRequiredLiteral(e.text));
    case Op::kExists: {
      const Expr& f = *e.kids[0];
      // The key itself is in the text; `raw` alone is always present.
      if (f.op == Op::kField && f.path.size() >= 2 && f.path[0] == "raw") {
        return Literal(f.path.back());
      }
      return {};
    }
    case Op::kAny: {
      const Expr& coll = *e.kids[0];
      bool raw = SourceOf(coll, raw_vars) == Source::kVerbatim;
      if (raw) raw_vars.insert(e.var);
      Needs n = NeedsOf(*e.kids[1], raw_vars);
      if (raw) raw_vars.erase(e.var);
      return n;
    }
    case Op::kAnd: {
      Needs best;
      for (const ir::ExprPtr& k : e.kids) {
        Needs n = NeedsOf(*k, raw_vars);
        if (!n.ok) continue;
        // Fewer alternatives first; at a tie, actions (exact) over literals.
        auto weight = [](const Needs& x) { return 2 * x.literals.size() + x.actions.size(); };
        if (!best.ok || weight(n) < weight(best)) best = std::move(n);
      }
      return best;
    }
    case Op::kOr: {
      Needs all;
      all.ok = true;
      for (const ir::ExprPtr& k : e.kids) {
        all = Union(std::move(all), NeedsOf(*k, raw_vars));
        if (!all.ok) return {};
      }
      return all;
    }
    case Op::kConst:
      // `false` can never match: it needs nothing (the empty disjunction).
      if (e.type == ir::Type::kBool && !e.b) {
        Needs n;
        n.ok = true;
        return n;
      }
      return {};
    default:
      return {};
  }
}

}  // namespace

std::string PrefilterLiteral(std::string_view text) {
  // Characters JSON may write escaped: the quote, the backslash, control
  // characters. (`/` and non-ASCII may be escaped too; the reader parses
  // every record holding `\/` or `\u`.)
  std::string_view best;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    unsigned char c = i < text.size() ? static_cast<unsigned char>(text[i]) : '"';
    if (c == '"' || c == '\\' || c < 0x20) {
      if (i - start > best.size()) best = text.substr(start, i - start);
      start = i + 1;
    }
  }
  if (best.size() < kMinLiteral) return "";
  return std::string(best);
}

std::string RegexRequiredLiteral(std::string_view re) {
  // A conservative reading of RE2 syntax: the longest run of literal
  // characters every match must contain. Top-level alternation gives up;
  // groups, classes, escapes that are classes (\d, \w...), `.` and anchors
  // end a run; an atom followed by `?`, `*` or `{0` is optional (ends the
  // run without itself), by `+` or `{n` required once (ends the run after).
  auto skip_group = [&](size_t i) {  // i at '(' -> index after the matching ')'
    int depth = 0;
    bool in_class = false;
    for (; i < re.size(); ++i) {
      char c = re[i];
      if (c == '\\') {
        ++i;
      } else if (in_class) {
        if (c == ']') in_class = false;
      } else if (c == '[') {
        in_class = true;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')' && --depth == 0) {
        return i + 1;
      }
    }
    return re.size();
  };
  auto skip_class = [&](size_t i) {  // i at '[' -> index after the closing ']'
    ++i;
    if (i < re.size() && re[i] == '^') ++i;
    if (i < re.size() && re[i] == ']') ++i;
    for (; i < re.size(); ++i) {
      if (re[i] == '\\') {
        ++i;
      } else if (re[i] == ']') {
        return i + 1;
      }
    }
    return re.size();
  };
  // Top-level alternation: no single literal is required.
  for (size_t i = 0; i < re.size();) {
    if (re[i] == '\\') {
      i += 2;
    } else if (re[i] == '(') {
      i = skip_group(i);
    } else if (re[i] == '[') {
      i = skip_class(i);
    } else if (re[i] == '|') {
      return "";
    } else {
      ++i;
    }
  }
  std::string best, cur;
  auto end_run = [&] {
    if (cur.size() > best.size()) best = cur;
    cur.clear();
  };
  for (size_t i = 0; i < re.size();) {
    bool literal = false;
    char ch = 0;
    size_t next = i + 1;
    char c = re[i];
    if (c == '\\' && i + 1 < re.size()) {
      char e = re[i + 1];
      next = i + 2;
      if (std::ispunct(static_cast<unsigned char>(e))) {
        literal = true;
        ch = e;
      } else if (e == 'Q') {  // \Q...\E: literal text
        size_t stop = re.find("\\E", i + 2);
        std::string_view q =
            re.substr(i + 2, stop == std::string_view::npos ? re.npos : stop - i - 2);
        cur += q;
        i = stop == std::string_view::npos ? re.size() : stop + 2;
        end_run();
        continue;
      }
    } else if (c == '(') {
      next = skip_group(i);
    } else if (c == '[') {
      next = skip_class(i);
    } else if (c == '.' || c == '^' || c == '$' || c == '|') {
    } else {
      literal = true;
      ch = c;
    }
    // A quantifier after the atom.
    char q = next < re.size() ? re[next] : 0;
    bool optional =
        q == '?' || q == '*' || (q == '{' && next + 1 < re.size() && re[next + 1] == '0');
    bool repeated = q == '+' || (q == '{' && !optional);
    if (literal && !optional) cur += ch;
    if (!literal || optional || repeated) end_run();
    i = next;
    if (optional || repeated) {
      // Skip the quantifier (and a lazy `?`).
      if (q == '{') {
        size_t close = re.find('}', i);
        i = close == std::string_view::npos ? re.size() : close + 1;
      } else {
        ++i;
      }
      if (i < re.size() && re[i] == '?') ++i;
    }
  }
  end_run();
  return best;
}

Needs NeedsOfExpr(const ir::Expr& pred) {
  std::set<uint16_t> raw_vars;
  Needs n = NeedsOf(pred, raw_vars);
  if (n.ok) {
    Normalize(n.actions);
    Normalize(n.literals);
  }
  return n;
}

void Prefilter(ir::Rule& rule) {
  rule.prefilter_all = true;
  rule.prefilter_actions.clear();
  rule.prefilter_literals.clear();
  Needs all;
  all.ok = true;
  auto add = [&](const Expr* pred) {
    all = Union(std::move(all), pred ? NeedsOfExpr(*pred) : Needs{});
  };
  for (const Expr* pred : EventPredicates(rule)) add(pred);
  if (!all.ok) return;
  Normalize(all.actions);
  Normalize(all.literals);
  rule.prefilter_all = false;
  rule.prefilter_actions = std::move(all.actions);
  rule.prefilter_literals = std::move(all.literals);
}

}  // namespace rdl::opt
