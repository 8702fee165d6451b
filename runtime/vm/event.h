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
  // The whole parsed event when it was read from normalized JSON (null
  // otherwise: events filled by ingest's typed hand-off or decoded from a
  // blob have slots only).
  simdjson::dom::element root() const { return root_; }

  // ---- Building an event slot by slot (EventReader, ingest's typed
  // hand-off, EventDecoder): Clear, then Store / StoreList per slot, then
  // Seal. The rules are those of EventReader::Read, so an event built from
  // a record equals the one read from the record's normalized JSON.

  // Starts an event of `num_slots` missing slots.
  void Clear(size_t num_slots);
  // Stores a value found at the path of a field of type `type`: kTime
  // parses strings (numbers are epoch ms), a kJson array becomes a kList of
  // its flattened elements unless the field is kJson, a kStringList takes a
  // single value as a list of one.
  void Store(uint16_t slot, FieldType type, const Value& found);
  // The storage the next list is appended to; StoreList then makes the
  // values appended since `begin` (list_size() before appending) the
  // slot's kList, converted by `type` (times parsed).
  std::vector<Value>* list_storage() { return &list_storage_; }
  uint32_t list_size() const { return static_cast<uint32_t>(list_storage_.size()); }
  void StoreList(uint16_t slot, FieldType type, uint32_t begin);
  // Points list slots at their storage and takes the time and uid from the
  // program's slots. False with *error when the time is missing or
  // unparsable.
  bool Seal(const Program& program, std::string* error);

 private:
  friend class EventReader;
  friend class EventDecoder;
  // A kList's elements are appended to list_storage_, which may reallocate
  // while later slots are filled: the pointers are set by Seal.
  struct ListFixup {
    uint16_t slot;
    uint32_t begin;
  };
  std::vector<Value> slots_;
  std::vector<Value> list_storage_;  // backing storage for kList slots
  std::vector<ListFixup> fixups_;
  int64_t time_ns_ = 0;
  std::string_view uid_;
  simdjson::dom::element root_;
};

// An event as one self-contained byte string: the engine's reorder buffer
// and the queues between reading threads hold events this way. Strings are
// copied in; arrays and objects (kJson) travel as their JSON text.
void EncodeEvent(const Event& event, std::string* out);

// Rebuilds events from EncodeEvent's bytes. A decoded event's strings view
// the blob, and its kJson values this decoder's parser: both must outlive
// the event's use, and the next Decode invalidates the previous event's
// kJson values.
class EventDecoder {
 public:
  explicit EventDecoder(const Program& program) : program_(program) {}
  // False (with *error) only for bytes EncodeEvent did not write for this
  // program.
  bool Decode(std::string_view blob, Event* out, std::string* error);

 private:
  const Program& program_;
  simdjson::dom::parser parser_;
  std::string json_;  // the kJson texts as one padded JSON array
  std::vector<simdjson::dom::element> elems_;
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
  // Read on an already-parsed normalized event (ingest's typed hand-off of
  // normalized input). `root` must outlive the event's use.
  bool Fill(simdjson::dom::element root, Event* out, std::string* error);

 private:
  void BuildPlan();
  void FillSlot(uint16_t slot, size_t shared, Event* out);
  PathResult Walk(const std::vector<std::string>& segments, size_t shared, Value* single,
                  std::vector<Value>* list);

  const Program& program_;
  simdjson::dom::parser parser_;
  std::string buffer_;  // the event text plus SIMDJSON_PADDING bytes
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
