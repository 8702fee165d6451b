// A normalized event as the VM sees it: a slot array, one Value per field of
// the loaded pack, filled once per event from the event's JSON and shared by
// every rule. Field paths were resolved to slots by the compiler; the reader
// walks them on simdjson's DOM of the event.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rdl/program.h"
#include "runtime/vm/json_path.h"
#include "runtime/vm/value.h"

namespace rdl {

class Event {
 public:
  Event() = default;
  // Copies re-point their list slots into their own storage; strings and
  // json values still view the reader's parsed document, so a copy is
  // valid only until the next Read() on that reader too.
  Event(const Event& other) { *this = other; }
  Event& operator=(const Event& other);
  Event(Event&&) = default;
  Event& operator=(Event&&) = default;

  const Value& slot(uint16_t i) const { return slots_[i]; }
  size_t num_slots() const { return slots_.size(); }
  int64_t time_ns() const { return time_ns_; }   // event time, ns since the Unix epoch
  std::string_view uid() const { return uid_; }  // metadata.uid, may be empty
  // The whole parsed event (for `raw` access by path and for printing).
  simdjson::dom::element root() const { return root_; }

 private:
  friend class EventReader;
  std::vector<Value> slots_;
  std::vector<Value> list_storage_;  // backing storage for kList slots
  int64_t time_ns_ = 0;
  std::string_view uid_;
  simdjson::dom::element root_;
};

// Parses normalized JSON events into Events for one program. Reuses its
// parser and buffers: no heap allocation per event in steady state. An Event
// stays valid until the next Read() on the same reader. The program is held
// by reference and must outlive the reader; its field table is planned at
// construction (a reader notices fields being added, but not edited).
class EventReader {
 public:
  explicit EventReader(const Program& program);
  // Returns false and sets *error ("invalid JSON: <simdjson's message>",
  // "event is not a JSON object", "missing or unparsable time") when the
  // line is not a usable event.
  //
  // Slots by Field::type: kTime parses RFC 3339 or "YYYY-MM-DD HH:MM:SS"
  // strings (and takes numbers as epoch milliseconds, as OCSF writes them)
  // into int ns, missing when unparsable; kJson keeps arrays and objects as
  // kJson and scalars as scalars; every other type keeps the JSON scalar as
  // it is (numbers as int or float) and turns an array into a kList of its
  // (flattened) elements, so kStringList accepts a single string (a list of
  // one) or an array. A path that crosses an array maps the rest of the
  // path over the elements and yields the kList of the values found
  // (missing when none).
  bool Read(std::string_view json, Event* out, std::string* error);

 private:
  // A kList slot's elements are appended to Event::list_storage_, which may
  // reallocate while later slots are filled; the pointers are set at the end.
  struct ListFixup {
    uint16_t slot;
    uint32_t begin;
  };
  void BuildPlan();
  void FillSlot(uint16_t slot, size_t shared, Event* out);
  PathResult Walk(const std::vector<std::string>& segments, size_t shared, Value* single,
                  std::vector<Value>* list);

  const Program& program_;
  simdjson::dom::parser parser_;
  std::string buffer_;  // the event text plus SIMDJSON_PADDING bytes
  std::vector<ListFixup> fixups_;
  // The extraction plan: fields in path order, so each walk starts from the
  // deepest object it shares with the previous one (actor.user.uid then
  // actor.user.type descend "actor" and "user" once).
  std::vector<uint16_t> order_;               // field indices sorted by path
  std::vector<size_t> shared_;                // leading segments order_[k] shares with order_[k-1]
  std::vector<simdjson::dom::element> walk_;  // [d]: element after d segments of the last walk
  size_t walked_ = 0;                         // valid entries of walk_
};

// Parses RFC 3339 ("2026-01-05T10:00:00Z", fractions, offsets) and the
// "YYYY-MM-DD HH:MM:SS" form; returns false on anything else.
bool ParseTime(std::string_view text, int64_t* ns);
// Formats ns since the epoch as RFC 3339 UTC with millisecond precision when
// there is a fraction ("2026-01-05T10:00:00Z", "2026-01-05T10:00:00.250Z").
std::string FormatTime(int64_t ns);

}  // namespace rdl
