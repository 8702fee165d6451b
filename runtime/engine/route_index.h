// Which rules an event can match, decided with a few hash lookups instead
// of running every rule's bytecode: the engine's side of the compiler's
// `route` and `index` passes (docs/architecture.md, "Rules are indexed").
//
// A rule is a candidate for an event when
//  - it is routed on `action` / `api.operation` (Rule::route_actions,
//    route_operations) and the event's value is one of them, or it is not
//    routable (then every event routes to it); and
//  - it has no index filter, or the event's field holds one of the values
//    (or starts with one of the prefixes) of the one filter chosen for it
//    (Rule::index_filters; every filter is a conjunct of every event
//    predicate of the rule, so an event failing it cannot match). Rules
//    sharing a field share one hash table per field: one lookup per field
//    (per prefix length) and event decides for all of them, as a Rete alpha
//    network or Esper's filter index does.
// Both hints are sound by construction (a rule is never denied an event it
// could match), so the candidates get exactly the alerts they would get
// if every rule saw every event.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rdl/program.h"
#include "runtime/vm/event.h"

namespace rdl::engine_internal {

class RouteIndex {
 public:
  // Indexes the rules of `program` (once, before the first Select).
  void Build(const Program& program);

  // The rules `event` may match, in program order, into *out (cleared).
  void Select(const Event& event, std::vector<uint32_t>* out);

  // For tests: the filter chosen for `rule` (its values unset), or false
  // when it has none.
  bool ChosenFilter(uint32_t rule, IndexFilter* filter) const;

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using RulesByValue =
      std::unordered_map<std::string, std::vector<uint32_t>, StringHash, std::equal_to<>>;

  // The chosen filters on one (slot, ci, prefix): value -> rules filtering on it.
  struct FilterTable {
    uint16_t slot = 0;
    bool ci = false;
    bool prefix = false;
    RulesByValue rules;
    std::vector<size_t> lengths;  // prefix: the distinct lengths of the keys
  };
  void MarkPassing(const FilterTable& t, std::string_view value);

  void Add(const std::vector<uint32_t>& rules, std::vector<uint32_t>* out);
  void Route(int32_t slot, const RulesByValue& m, const Event& event, std::vector<uint32_t>* out);

  int32_t action_slot_ = -1;
  int32_t operation_slot_ = -1;
  std::vector<uint32_t> always_;
  RulesByValue by_action_;
  RulesByValue by_operation_;

  std::vector<FilterTable> tables_;
  std::vector<int32_t> chosen_;   // per rule: index into tables_, -1 when unfiltered
  std::vector<uint64_t> passed_;  // per rule: last event seq its filter held for
  std::vector<uint64_t> stamp_;   // per rule: last event seq it was a candidate for
  uint64_t seq_ = 0;
  std::string fold_;  // lower-cased value for case-insensitive tables
};

}  // namespace rdl::engine_internal
