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
#include "runtime/vm/value.h"

namespace rdl {

class Event {
 public:
  const Value& slot(uint16_t i) const { return slots_[i]; }
  size_t num_slots() const { return slots_.size(); }
  int64_t time_ns() const { return time_ns_; }  // event time, ns since the Unix epoch
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
// stays valid until the next Read() on the same reader.
class EventReader {
 public:
  explicit EventReader(const Program& program);
  // Returns false and sets *error (e.g. "invalid JSON", "missing time",
  // "time is not RFC 3339") when the line is not a usable event.
  bool Read(std::string_view json, Event* out, std::string* error);

 private:
  const Program& program_;
  simdjson::dom::parser parser_;
  std::string buffer_;
};

// Parses RFC 3339 ("2026-01-05T10:00:00Z", fractions, offsets) and the
// "YYYY-MM-DD HH:MM:SS" form; returns false on anything else.
bool ParseTime(std::string_view text, int64_t* ns);
// Formats ns since the epoch as RFC 3339 UTC with millisecond precision when
// there is a fraction ("2026-01-05T10:00:00Z", "2026-01-05T10:00:00.250Z").
std::string FormatTime(int64_t ns);

}  // namespace rdl
