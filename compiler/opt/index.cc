// index: extracts the string-field values an event must hold for a rule to
// match (Rule::index_filters), so the engine can index rules by (field,
// value), as a Rete alpha network or Esper's filter index does: one hash
// lookup of the event's region, principal or error code then decides which
// of the thousands of rules testing that field can match, instead of each
// rule running its own bytecode to find out.
//
// A predicate gives a filter on field f when it is `f == "x"`, `f =~ "x"`
// (case-insensitive: the value is lower-cased), `f in [...]`, `f in~ [...]`
// or `startswith(f, "x")` (a prefix filter) with f a string or string_list
// field (`any element` semantics, as the VM compares lists); a conjunction
// keeps every operand's filters (intersecting the values of one field; of
// two prefix filters on one field, the one with fewer prefixes); a
// disjunction keeps the filters every operand has (uniting the values). A sequence keeps the fields
// every stage (absence stages included: their events must reach the rule)
// and `until` filter. Exact tests of `action` and `api.operation` are the
// route pass's (the engine routes on them already); case-insensitive ones,
// which it declines, are filters here. Anything else (negations, other comparisons, functions)
// gives no filter, which only costs speed: the rule then runs on every routed event.
#include <algorithm>
#include <map>
#include <utility>

#include "compiler/opt/passes.h"

namespace rdl::opt {

namespace {

using ir::Expr;
using ir::Op;

// One field and comparison; the value of a Filters entry is the set of
// values one of which the field must hold (or start with).
struct FilterKey {
  std::vector<std::string> path;
  bool ci = false;
  bool prefix = false;
  auto operator<=>(const FilterKey&) const = default;
};
struct FilterValues {
  FieldType ftype = FieldType::kString;
  std::vector<std::string> values;  // sorted, unique
};
using Filters = std::map<FilterKey, FilterValues>;

std::string AsciiLower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::vector<std::string> SortedUnique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// A field of the current event the engine can index: a string or a list of
// strings, not one the route pass already indexes for this test.
bool Indexable(const Expr& e, bool ci) {
  if (e.op != Op::kField || e.path.empty()) return false;
  if (e.ftype != FieldType::kString && e.ftype != FieldType::kStringList) return false;
  return ci || (e.path != std::vector<std::string>{"action"} &&
                e.path != std::vector<std::string>{"api", "operation"});
}

Filters One(const Expr& field, bool ci, bool prefix, std::vector<std::string> values) {
  if (ci) {
    for (std::string& v : values) v = AsciiLower(std::move(v));
  }
  Filters f;
  f[FilterKey{field.path, ci, prefix}] = FilterValues{field.ftype, SortedUnique(std::move(values))};
  return f;
}

// Both hold: every filter of either, in both sets where both have one.
Filters Intersect(Filters a, Filters b) {
  for (auto& [key, fv] : b) {
    auto it = a.find(key);
    if (it == a.end()) {
      a.emplace(key, std::move(fv));
      continue;
    }
    if (key.prefix) {
      // "ab" and "abc" both hold for "abcd": the sets do not intersect as
      // strings. Either filter alone is sound; keep the narrower.
      if (fv.values.size() < it->second.values.size()) it->second = std::move(fv);
      continue;
    }
    std::vector<std::string> both;
    std::set_intersection(it->second.values.begin(), it->second.values.end(), fv.values.begin(),
                          fv.values.end(), std::back_inserter(both));
    it->second.values = std::move(both);
  }
  return a;
}

// Either holds: the fields both filter, in either set.
Filters Unite(Filters a, const Filters& b) {
  for (auto it = a.begin(); it != a.end();) {
    auto other = b.find(it->first);
    if (other == b.end()) {
      it = a.erase(it);
      continue;
    }
    std::vector<std::string>& v = it->second.values;
    v.insert(v.end(), other->second.values.begin(), other->second.values.end());
    v = SortedUnique(std::move(v));
    ++it;
  }
  return a;
}

Filters FiltersOf(const Expr& e) {
  switch (e.op) {
    case Op::kEq:
    case Op::kEqCI:
      for (int side = 0; side < 2; ++side) {
        const Expr& f = *e.kids[side];
        const Expr& c = *e.kids[1 - side];
        if (Indexable(f, e.op == Op::kEqCI) && c.op == Op::kConst && c.type == ir::Type::kString) {
          return One(f, e.op == Op::kEqCI, false, {c.text});
        }
      }
      return {};
    case Op::kInSet:
      if (!Indexable(*e.kids[0], e.ci)) return {};
      return One(*e.kids[0], e.ci, false, e.set);
    case Op::kStartsWith: {
      const Expr& c = *e.kids[1];
      if (!Indexable(*e.kids[0], false) || c.op != Op::kConst || c.type != ir::Type::kString) {
        return {};
      }
      return One(*e.kids[0], false, true, {c.text});
    }
    case Op::kAnd: {
      Filters all;
      for (const ir::ExprPtr& k : e.kids) all = Intersect(std::move(all), FiltersOf(*k));
      return all;
    }
    case Op::kOr: {
      Filters all = FiltersOf(*e.kids[0]);
      for (size_t i = 1; i < e.kids.size() && !all.empty(); ++i) {
        all = Unite(std::move(all), FiltersOf(*e.kids[i]));
      }
      return all;
    }
    default:
      return {};
  }
}

}  // namespace

void Index(ir::Rule& rule) {
  rule.index_filters.clear();
  const std::vector<const Expr*> preds = EventPredicates(rule);
  Filters all;
  for (size_t i = 0; i < preds.size(); ++i) {
    if (preds[i] == nullptr) return;  // a predicate we know nothing of: any event
    // The event may match any one of the predicates.
    all = i == 0 ? FiltersOf(*preds[i]) : Unite(std::move(all), FiltersOf(*preds[i]));
  }
  for (auto& [key, fv] : all) {
    rule.index_filters.push_back(
        ir::Rule::IndexFilter{key.path, fv.ftype, key.ci, key.prefix, std::move(fv.values)});
  }
}

}  // namespace rdl::opt
