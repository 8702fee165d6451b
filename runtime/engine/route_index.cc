// The rule index (route_index.h): routes by action / operation, then one
// hash table per filtered field.
#include "runtime/engine/route_index.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "runtime/vm/value_ops.h"

namespace rdl::engine_internal {

namespace {

int32_t FindSlot(const Program& program, const std::vector<std::string>& segments) {
  for (size_t i = 0; i < program.fields.size(); ++i) {
    if (program.fields[i].segments == segments) return static_cast<int32_t>(i);
  }
  return -1;
}

}  // namespace

void RouteIndex::Build(const Program& program) {
  const size_t n = program.rules.size();
  chosen_.assign(n, -1);
  passed_.assign(n, 0);
  stamp_.assign(n, 0);
  action_slot_ = FindSlot(program, {"action"});
  operation_slot_ = FindSlot(program, {"api", "operation"});
  for (uint32_t i = 0; i < n; ++i) {
    const Rule& r = program.rules[i];
    const bool has_hints = !r.route_actions.empty() || !r.route_operations.empty();
    // A hint we cannot read (its slot is not in the pack) makes the rule
    // unroutable: it would miss events that match through that hint.
    const bool routable = has_hints && (r.route_actions.empty() || action_slot_ >= 0) &&
                          (r.route_operations.empty() || operation_slot_ >= 0);
    if (!routable) {
      always_.push_back(i);
    } else {
      for (const std::string& a : r.route_actions) by_action_[a].push_back(i);
      for (const std::string& o : r.route_operations) by_operation_[o].push_back(i);
    }
  }

  // One filter per rule: any one is sound; the most selective saves the
  // most evaluations. Without event statistics, a field's selectivity is
  // estimated by how many distinct values the pack's rules test it against
  // (a region or principal has many, a status two); then the filter with
  // the fewest values. A filter with no values means the rule can never
  // match: the best of all.
  using TableKey = std::tuple<uint16_t, bool, bool>;  // slot, ci, prefix
  auto key_of = [](const IndexFilter& f) { return TableKey{f.slot, f.ci, f.prefix}; };
  std::map<TableKey, std::set<std::string_view>> distinct;
  for (const Rule& r : program.rules) {
    for (const IndexFilter& f : r.index_filters) {
      distinct[key_of(f)].insert(f.values.begin(), f.values.end());
    }
  }
  std::map<TableKey, int32_t> table_of;
  for (uint32_t i = 0; i < n; ++i) {
    const IndexFilter* best = nullptr;
    auto better = [&](const IndexFilter& a, const IndexFilter& b) {
      if (a.values.empty() != b.values.empty()) return a.values.empty();
      const size_t da = distinct[key_of(a)].size(), db = distinct[key_of(b)].size();
      if (da != db) return da > db;
      if (a.prefix != b.prefix) return !a.prefix;  // equality is the narrower test
      return a.values.size() < b.values.size();
    };
    for (const IndexFilter& f : program.rules[i].index_filters) {
      if (f.slot >= program.fields.size()) continue;  // the verifier rejects it; be safe
      if (best == nullptr || better(f, *best)) best = &f;
    }
    if (best == nullptr) continue;
    auto [it, inserted] = table_of.try_emplace(key_of(*best), static_cast<int32_t>(tables_.size()));
    if (inserted) tables_.push_back(FilterTable{best->slot, best->ci, best->prefix, {}, {}});
    chosen_[i] = it->second;
    FilterTable& t = tables_[static_cast<size_t>(it->second)];
    for (const std::string& v : best->values) {
      t.rules[v].push_back(i);
      if (t.prefix) t.lengths.push_back(v.size());
    }
  }
  for (FilterTable& t : tables_) {
    std::sort(t.lengths.begin(), t.lengths.end());
    t.lengths.erase(std::unique(t.lengths.begin(), t.lengths.end()), t.lengths.end());
  }
}

bool RouteIndex::ChosenFilter(uint32_t rule, IndexFilter* filter) const {
  if (rule >= chosen_.size() || chosen_[rule] < 0) return false;
  const FilterTable& t = tables_[static_cast<size_t>(chosen_[rule])];
  *filter = IndexFilter{t.slot, t.ci, t.prefix, {}};
  return true;
}

void RouteIndex::MarkPassing(const FilterTable& t, std::string_view value) {
  auto mark = [&](std::string_view key) {
    auto it = t.rules.find(key);
    if (it == t.rules.end()) return;
    for (uint32_t r : it->second) passed_[r] = seq_;
  };
  if (!t.prefix) {
    mark(value);
    return;
  }
  for (size_t len : t.lengths) {
    if (len > value.size()) break;
    mark(value.substr(0, len));
  }
}

void RouteIndex::Add(const std::vector<uint32_t>& rules, std::vector<uint32_t>* out) {
  for (uint32_t r : rules) {
    if (stamp_[r] == seq_) continue;
    if (chosen_[r] >= 0 && passed_[r] != seq_) continue;  // its filter fails
    stamp_[r] = seq_;
    out->push_back(r);
  }
}

void RouteIndex::Route(int32_t slot, const RulesByValue& m, const Event& event,
                       std::vector<uint32_t>* out) {
  if (slot < 0 || m.empty()) return;
  const Value& v = event.slot(static_cast<uint16_t>(slot));
  if (!v.is_string()) return;
  auto it = m.find(v.str());
  if (it != m.end()) Add(it->second, out);
}

void RouteIndex::Select(const Event& event, std::vector<uint32_t>* out) {
  ++seq_;
  out->clear();
  // Mark the rules whose filter holds, with the VM's `==` / `in` / startswith semantics
  // (vm_ops): any string element of a list or json array counts;
  // non-strings and missing values equal no string.
  for (const FilterTable& t : tables_) {
    vm_ops::AnyOne(event.slot(t.slot), [&](const Value& e) {
      if (e.tag != Value::Tag::kString) return false;
      std::string_view s = e.str();
      if (t.ci) {
        fold_.resize(s.size());
        for (size_t i = 0; i < s.size(); ++i) fold_[i] = vm_ops::AsciiLower(s[i]);
        s = fold_;
      }
      MarkPassing(t, s);
      return false;  // every element: each may pass other rules
    });
  }
  Add(always_, out);
  Route(action_slot_, by_action_, event, out);
  Route(operation_slot_, by_operation_, event, out);
  // Rules run in program order so alerts from one event come out in a
  // fixed order.
  std::sort(out->begin(), out->end());
}

}  // namespace rdl::engine_internal
