// IR construction helpers, cloning, the capture analysis shared by codegen
// and the state estimate, and the stable text dump (`--stage=ir`).
#include "compiler/ir/ir.h"

#include <fmt/format.h>

#include <algorithm>

#include "compiler/source/quote.h"

namespace rdl::ir {

const char* TypeName(Type t) {
  switch (t) {
    case Type::kError:
      return "error";
    case Type::kNull:
      return "null";
    case Type::kBool:
      return "bool";
    case Type::kInt:
      return "int";
    case Type::kFloat:
      return "float";
    case Type::kString:
      return "string";
    case Type::kTime:
      return "time";
    case Type::kDuration:
      return "duration";
    case Type::kIp:
      return "ip";
    case Type::kJson:
      return "json";
    case Type::kStringList:
      return "string_list";
  }
  return "?";
}

Type TypeOfField(FieldType t) {
  switch (t) {
    case FieldType::kString:
      return Type::kString;
    case FieldType::kInt:
      return Type::kInt;
    case FieldType::kFloat:
      return Type::kFloat;
    case FieldType::kBool:
      return Type::kBool;
    case FieldType::kTime:
      return Type::kTime;
    case FieldType::kIp:
      return Type::kIp;
    case FieldType::kJson:
      return Type::kJson;
    case FieldType::kStringList:
      return Type::kStringList;
  }
  return Type::kJson;
}

const char* OpName(Op op) {
  switch (op) {
    case Op::kConst:
      return "const";
    case Op::kField:
      return "field";
    case Op::kStageRef:
      return "ref";
    case Op::kVar:
      return "var";
    case Op::kGetPath:
      return "path";
    case Op::kNot:
      return "not";
    case Op::kNeg:
      return "neg";
    case Op::kAnd:
      return "and";
    case Op::kOr:
      return "or";
    case Op::kEq:
      return "==";
    case Op::kNe:
      return "!=";
    case Op::kLt:
      return "<";
    case Op::kLe:
      return "<=";
    case Op::kGt:
      return ">";
    case Op::kGe:
      return ">=";
    case Op::kEqCI:
      return "=~";
    case Op::kAdd:
      return "+";
    case Op::kSub:
      return "-";
    case Op::kMul:
      return "*";
    case Op::kDiv:
      return "/";
    case Op::kMod:
      return "%";
    case Op::kInSet:
      return "in";
    case Op::kInArray:
      return "in-array";
    case Op::kMatch:
      return "matches";
    case Op::kStartsWith:
      return "startswith";
    case Op::kEndsWith:
      return "endswith";
    case Op::kContains:
      return "contains";
    case Op::kInCidr:
      return "cidr";
    case Op::kExists:
      return "exists";
    case Op::kLower:
      return "lower";
    case Op::kUpper:
      return "upper";
    case Op::kLen:
      return "length";
    case Op::kAny:
      return "any";
    case Op::kAll:
      return "all";
  }
  return "?";
}

// ------------------------------------------------------------ construction --

ExprPtr MakeBool(bool v, Span span) {
  auto e = std::make_unique<Expr>();
  e->op = Op::kConst;
  e->type = Type::kBool;
  e->b = v;
  e->span = span;
  return e;
}

ExprPtr MakeInt(int64_t v, Type type, Span span) {
  auto e = std::make_unique<Expr>();
  e->op = Op::kConst;
  e->type = type;
  e->i = v;
  e->span = span;
  return e;
}

ExprPtr MakeFloat(double v, Span span) {
  auto e = std::make_unique<Expr>();
  e->op = Op::kConst;
  e->type = Type::kFloat;
  e->f = v;
  e->span = span;
  return e;
}

ExprPtr MakeString(std::string v, Span span) {
  auto e = std::make_unique<Expr>();
  e->op = Op::kConst;
  e->type = Type::kString;
  e->text = std::move(v);
  e->span = span;
  return e;
}

ExprPtr MakeNull(Span span) {
  auto e = std::make_unique<Expr>();
  e->op = Op::kConst;
  e->type = Type::kNull;
  e->span = span;
  return e;
}

ExprPtr MakeField(std::vector<std::string> path, FieldType ftype, Span span) {
  auto e = std::make_unique<Expr>();
  e->op = Op::kField;
  e->type = TypeOfField(ftype);
  e->ftype = ftype;
  e->path = std::move(path);
  e->span = span;
  return e;
}

ExprPtr MakeUnary(Op op, Type type, ExprPtr kid, Span span) {
  auto e = std::make_unique<Expr>();
  e->op = op;
  e->type = type;
  e->span = span;
  e->kids.push_back(std::move(kid));
  return e;
}

ExprPtr MakeBinary(Op op, Type type, ExprPtr a, ExprPtr b, Span span) {
  auto e = std::make_unique<Expr>();
  e->op = op;
  e->type = type;
  e->span = span;
  e->kids.push_back(std::move(a));
  e->kids.push_back(std::move(b));
  return e;
}

ExprPtr MakeLogical(Op op, std::vector<ExprPtr> kids, Span span) {
  std::vector<ExprPtr> flat;
  for (ExprPtr& k : kids) {
    if (k->op == op) {
      for (ExprPtr& kk : k->kids) flat.push_back(std::move(kk));
    } else {
      flat.push_back(std::move(k));
    }
  }
  if (flat.empty()) return MakeBool(op == Op::kAnd, span);
  if (flat.size() == 1) return std::move(flat[0]);
  auto e = std::make_unique<Expr>();
  e->op = op;
  e->type = Type::kBool;
  e->span = span;
  e->kids = std::move(flat);
  return e;
}

ExprPtr Clone(const Expr& e) {
  auto c = std::make_unique<Expr>();
  c->op = e.op;
  c->type = e.type;
  c->span = e.span;
  c->b = e.b;
  c->i = e.i;
  c->f = e.f;
  c->text = e.text;
  c->path = e.path;
  c->ftype = e.ftype;
  c->stage = e.stage;
  c->var = e.var;
  c->ci = e.ci;
  c->set = e.set;
  c->kids.reserve(e.kids.size());
  for (const ExprPtr& k : e.kids) c->kids.push_back(Clone(*k));
  return c;
}

std::string DottedPath(const std::vector<std::string>& path) {
  std::string s;
  for (size_t i = 0; i < path.size(); ++i) {
    if (i) s += '.';
    s += path[i];
  }
  return s;
}

// --------------------------------------------------------------- captures --

namespace {

void CollectRefs(const Expr& e, std::vector<std::vector<std::vector<std::string>>>& caps) {
  if (e.op == Op::kStageRef && e.stage < caps.size()) {
    auto& list = caps[e.stage];
    if (std::find(list.begin(), list.end(), e.path) == list.end()) list.push_back(e.path);
  }
  for (const ExprPtr& k : e.kids) CollectRefs(*k, caps);
}

}  // namespace

std::vector<std::vector<std::vector<std::string>>> ComputeCaptures(const Rule& rule) {
  std::vector<std::vector<std::vector<std::string>>> caps(rule.stages.size());
  for (auto& list : caps) {
    // Fixed captures: the engine reports each stage's event id and time.
    list.push_back({"metadata", "uid"});
    list.push_back({"time"});
  }
  for (const Stage& s : rule.stages) {
    if (s.pred) CollectRefs(*s.pred, caps);
  }
  for (const TemplatePiece& p : rule.message) {
    if (p.kind != TemplatePart::Kind::kCapture || p.stage >= caps.size()) continue;
    auto& list = caps[p.stage];
    if (std::find(list.begin(), list.end(), p.path) == list.end()) list.push_back(p.path);
  }
  return caps;
}

// ----------------------------------------------------------- state model --
//
// The byte model is deliberately simple and documented here so the numbers
// in `--stage=ir` can be checked by hand:
//   a captured or remembered value      32 B (tag + inline string storage)
//   a timestamp                          8 B
//   a partial match header              16 B (first event time + stage)
// sequence: at most one partial per stage but the last (EQL), each holding
//   the captures of the stages before the last;
// count: at most `threshold` timestamps (older ones leave the window);
// distinct: at most `threshold` values with their last-seen time;
// new: one first-seen entry per key (the key is `by` + the new values);
// suppress: one timestamp per suppress key.

namespace {
constexpr uint64_t kValueBytes = 32;
constexpr uint64_t kTimeBytes = 8;
constexpr uint64_t kPartialHeaderBytes = 16;
}  // namespace

std::string StateEstimate(const Rule& rule) {
  std::string s;
  switch (rule.kind) {
    case RuleKind::kMatch:
      s = "none";
      break;
    case RuleKind::kCount:
      s = fmt::format("<= {} timestamps/key x {} B", rule.threshold, kTimeBytes);
      break;
    case RuleKind::kDistinct:
      s = fmt::format("<= {} values/key x {} B", rule.threshold, kValueBytes + kTimeBytes);
      break;
    case RuleKind::kNew:
      s = fmt::format("<= 1 first-seen/key x {} B",
                      kTimeBytes + kValueBytes * std::max<size_t>(1, rule.values.size()));
      break;
    case RuleKind::kSequence: {
      auto caps = ComputeCaptures(rule);
      uint64_t bytes = kPartialHeaderBytes;
      for (size_t i = 0; i + 1 < caps.size(); ++i) bytes += kValueBytes * caps[i].size();
      size_t partials = rule.stages.empty() ? 0 : rule.stages.size() - 1;
      s = fmt::format("<= {} partials/key x {} B", partials, bytes);
      break;
    }
  }
  if (rule.kind != RuleKind::kMatch) s += fmt::format(", max keys {}", kDefaultMaxKeys);
  if (rule.suppress_ns > 0) {
    s += fmt::format("; suppress <= 1 timestamp/key x {} B, max keys {}", kTimeBytes,
                     kDefaultMaxKeys);
  }
  return s;
}

// ------------------------------------------------------------------- dump --

std::string FormatDuration(int64_t ns) {
  if (ns == 0) return "0s";
  std::string out;
  if (ns < 0) {
    out = "-";
    ns = -ns;
  }
  struct Unit {
    int64_t ns;
    const char* name;
  };
  static constexpr Unit kUnits[] = {
      {86400LL * 1000000000, "d"},
      {3600LL * 1000000000, "h"},
      {60LL * 1000000000, "m"},
      {1000000000LL, "s"},
      {1000000LL, "ms"},
      {1000LL, "us"},
      {1LL, "ns"},
  };
  for (const Unit& u : kUnits) {
    if (ns >= u.ns) {
      out += fmt::format("{}{}", ns / u.ns, u.name);
      ns %= u.ns;
    }
  }
  return out;
}

namespace {

const char* FieldTypeName(FieldType t) { return TypeName(TypeOfField(t)); }

struct Dumper {
  const std::vector<std::string>* labels = nullptr;

  std::string Label(uint16_t stage) const {
    if (labels && stage < labels->size()) return (*labels)[stage];
    return fmt::format("{}", stage);
  }

  std::string Const(const Expr& e) const {
    switch (e.type) {
      case Type::kNull:
        return "null";
      case Type::kBool:
        return e.b ? "true" : "false";
      case Type::kInt:
        return fmt::format("{}", e.i);
      case Type::kFloat:
        return fmt::format("{}", e.f);
      case Type::kString:
        return QuoteForDump(e.text);
      case Type::kDuration:
        return FormatDuration(e.i);
      case Type::kTime:
        return fmt::format("time({})", e.i);
      default:
        return fmt::format("<const {}>", TypeName(e.type));
    }
  }

  std::string Expr(const ir::Expr& e) const {
    switch (e.op) {
      case Op::kConst:
        return Const(e);
      case Op::kField:
        return fmt::format("{}:{}", DottedPath(e.path), FieldTypeName(e.ftype));
      case Op::kStageRef:
        return fmt::format("@{}.{}:{}", Label(e.stage), DottedPath(e.path), FieldTypeName(e.ftype));
      case Op::kVar:
        return fmt::format("%{}", e.var);
      case Op::kGetPath:
        return fmt::format("(path {} {})", Expr(*e.kids[0]), DottedPath(e.path));
      case Op::kInSet: {
        std::string s = fmt::format("({} {} [", e.ci ? "in~" : "in", Expr(*e.kids[0]));
        for (size_t i = 0; i < e.set.size(); ++i) s += (i ? " " : "") + QuoteForDump(e.set[i]);
        return s + "])";
      }
      case Op::kMatch:
        return fmt::format("(matches {} /{}/)", Expr(*e.kids[0]), e.text);
      case Op::kInCidr:
        return fmt::format("(cidr {} {})", Expr(*e.kids[0]), e.text);
      case Op::kAny:
      case Op::kAll:
        return fmt::format("({} %{} in {}: {})", OpName(e.op), e.var, Expr(*e.kids[0]),
                           Expr(*e.kids[1]));
      default: {
        std::string s = fmt::format("({}", OpName(e.op));
        for (const ExprPtr& k : e.kids) s += " " + Expr(*k);
        return s + ")";
      }
    }
  }
};

std::string Keys(const std::vector<Key>& keys) {
  std::string s = "[";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i) s += ", ";
    s += fmt::format("{}:{}", DottedPath(keys[i].path), FieldTypeName(keys[i].ftype));
  }
  return s + "]";
}

std::string List(const std::vector<std::string>& v, bool quote) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += ", ";
    s += quote ? QuoteForDump(v[i]) : v[i];
  }
  return s;
}

}  // namespace

std::string DumpExpr(const Expr& e) { return Dumper{}.Expr(e); }

std::string DumpRule(const Rule& r) {
  std::vector<std::string> labels;
  for (const Stage& s : r.stages) labels.push_back(s.label);
  Dumper d{&labels};
  std::string out = fmt::format("rule {} @ {}:{}\n", r.name, r.source_file, r.source_line);
  out += fmt::format("  kind: {}\n", RuleKindName(r.kind));
  if (!r.title.empty()) out += fmt::format("  title: {}\n", QuoteForDump(r.title));
  if (!r.description.empty())
    out += fmt::format("  description: {}\n", QuoteForDump(r.description));
  out += fmt::format("  severity: {}\n", SeverityName(r.severity));
  if (!r.attack.empty()) out += fmt::format("  attack: {}\n", List(r.attack, false));
  if (!r.data.empty()) out += fmt::format("  data: {}\n", List(r.data, true));
  if (!r.references.empty()) out += fmt::format("  references: {}\n", List(r.references, true));
  if (!r.tags.empty()) out += fmt::format("  tags: {}\n", List(r.tags, true));
  if (r.kind == RuleKind::kSequence) {
    if (r.within_ns > 0) out += fmt::format("  within: {}\n", FormatDuration(r.within_ns));
    auto caps = ComputeCaptures(r);
    for (size_t i = 0; i < r.stages.size(); ++i) {
      const Stage& s = r.stages[i];
      out += fmt::format("  stage {} {}{}", i, s.absence ? "!" : "", s.label);
      if (s.repeat != 1) out += fmt::format("[{}]", s.repeat);
      out += fmt::format(": keys {}\n", Keys(s.keys));
      out += fmt::format("    pred: {}\n", s.pred ? d.Expr(*s.pred) : "<none>");
      std::vector<std::string> names;
      for (const auto& p : caps[i]) names.push_back(DottedPath(p));
      out += fmt::format("    captures: {}\n", List(names, false));
    }
    if (r.until) {
      out += fmt::format("  until: keys {}\n", Keys(r.until_keys));
      out += fmt::format("    pred: {}\n", d.Expr(*r.until));
    }
  } else {
    out += fmt::format("  pred: {}\n", r.pred ? d.Expr(*r.pred) : "<none>");
    if (r.kind != RuleKind::kMatch) {
      out += fmt::format("  by: {}\n", Keys(r.by));
      out += fmt::format("  within: {}\n", FormatDuration(r.within_ns));
    }
    if (r.kind == RuleKind::kCount || r.kind == RuleKind::kDistinct) {
      out += fmt::format("  threshold: {}\n", r.threshold);
    }
    if (r.kind == RuleKind::kDistinct || r.kind == RuleKind::kNew) {
      out += fmt::format("  values: {}\n", Keys(r.values));
    }
    if (r.kind == RuleKind::kNew) out += fmt::format("  learn: {}\n", FormatDuration(r.learn_ns));
  }
  for (const ExprPtr& e : r.excepts) out += fmt::format("  except: {}\n", d.Expr(*e));
  if (r.suppress_ns > 0) {
    out += fmt::format("  suppress: {} for {}\n", Keys(r.suppress), FormatDuration(r.suppress_ns));
  }
  if (!r.message.empty()) {
    std::string t;
    for (const TemplatePiece& p : r.message) {
      switch (p.kind) {
        case TemplatePart::Kind::kText:
          for (char c : p.text) t += (c == '{' || c == '}') ? std::string(2, c) : std::string(1, c);
          break;
        case TemplatePart::Kind::kField:
          t += "{" + DottedPath(p.path) + "}";
          break;
        case TemplatePart::Kind::kCapture:
          t += "{" + d.Label(p.stage) + "." + DottedPath(p.path) + "}";
          break;
        case TemplatePart::Kind::kCount:
          t += "{count}";
          break;
      }
    }
    out += fmt::format("  emit: {}\n", QuoteForDump(t));
  }
  out += fmt::format("  route: actions [{}] operations [{}]\n", List(r.route_actions, false),
                     List(r.route_operations, false));
  for (const Rule::IndexFilter& f : r.index_filters) {
    out += fmt::format("  index: {} {} [{}]\n", DottedPath(f.path),
                       f.prefix ? "startswith"
                       : f.ci   ? "in~"
                                : "in",
                       List(f.values, true));
  }
  if (r.prefilter_all) {
    out += "  prefilter: every record\n";
  } else {
    out += fmt::format("  prefilter: actions [{}] literals [{}]\n",
                       List(r.prefilter_actions, false), List(r.prefilter_literals, true));
  }
  out += fmt::format("  state: {}\n", StateEstimate(r));
  return out;
}

std::string Dump(const Pack& pack) {
  std::string out;
  for (size_t i = 0; i < pack.rules.size(); ++i) {
    if (i) out += "\n";
    out += DumpRule(pack.rules[i]);
  }
  return out;
}

}  // namespace rdl::ir
