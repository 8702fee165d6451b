// Record-level work of ingest: unwrapping envelopes (CloudTrail Records,
// Azure records, LookupEvents, JSON arrays, EventBridge, CloudTrailEvent
// strings, Pub/Sub push), detecting each record's format, normalizing it
// with the provider mapping tables and writing the normalized event JSON.
// Byte-level work (files, gzip, framing) is in ingest.cc.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/ingest/event_plan.h"
#include "runtime/ingest/ingest.h"
#include "runtime/ingest/mapping.h"
#include "runtime/util/json_string.h"
#include "runtime/vm/event.h"

namespace rdl::ingest {

enum class Reader { kCloudTrail, kAzure, kGcp, kOcsf, kNormalized, kUnknown };
constexpr int kNumReaders = 6;
const char* ReaderName(Reader r);
// "auto" -> false with *forced untouched; a reader name -> true.
bool ParseFormat(std::string_view format, bool* is_auto, Reader* forced);

// Where records go. `where` locates a record inside its document
// ("Records[3]"; empty for a whole line or document).
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // One event: its normalized JSON, or (when the normalizer has a program:
  // the typed hand-off) `typed`, filled for that program, and empty json.
  virtual void Event(std::string_view json, const rdl::Event* typed, Reader reader, uint64_t line,
                     std::string_view where) = 0;
  virtual void Bad(std::string_view message, Reader reader, uint64_t line,
                   std::string_view where) = 0;
  virtual bool Stopped() const = 0;
};

class Normalizer {
 public:
  // With a program, events are delivered typed: filled for it, straight
  // from the record when its fields allow (event_plan.h), otherwise
  // written as JSON and read back.
  Normalizer(const Mappings& mappings, const IngestOptions& options,
             const Program* program = nullptr);
  ~Normalizer();

  // The size of the text the next document was parsed from: typed events
  // skip measuring records that cannot exceed options.max_record_bytes.
  void set_document_bytes(size_t n) { document_bytes_ = n; }

  // Handles one parsed top-level JSON value starting at `line`.
  void HandleDocument(simdjson::dom::element doc, uint64_t line, RecordSink* sink);
  // Handles one record of a records envelope (Records[3]) parsed alone.
  void HandleEnveloped(simdjson::dom::element record, uint64_t line, const std::string& where,
                       RecordSink* sink) {
    HandleTop(record, line, where, 1, sink);
  }
  // The reader bad records without a format of their own are charged to:
  // the format of the last good record of the current file.
  Reader file_reader() const { return file_reader_; }
  void StartFile() { file_reader_ = forced_ ? forced_reader_ : Reader::kUnknown; }

 private:
  struct Slot;
  class Builder;

  void HandleTop(simdjson::dom::element e, uint64_t line, const std::string& where, int depth,
                 RecordSink* sink);
  void HandleRecord(simdjson::dom::element rec, uint64_t line, const std::string& where, int depth,
                    RecordSink* sink);
  // Normalizes one provider record; false with *error when it is bad.
  bool Normalize(Reader reader, simdjson::dom::element record, bool ci, std::string* error);
  bool PassThrough(simdjson::dom::element record, std::string* error);
  // The typed hand-off: event_ from the builder's slots and the record.
  bool FillTyped(simdjson::dom::element record, std::string* error);
  // The record's size as minified JSON, when it may exceed the limit.
  bool CheckSize(simdjson::dom::element record, std::string* error);
  void Emit(Reader reader, uint64_t line, const std::string& where, RecordSink* sink);
  // Parses JSON text held in a string (CloudTrailEvent, Pub/Sub data,
  // `$json` steps) with a parser of the per-record pool.
  bool ParseEmbedded(std::string_view text, simdjson::dom::element* out, std::string* error);

  const Mappings& mappings_;
  const IngestOptions& options_;
  bool forced_ = false;
  Reader forced_reader_ = Reader::kUnknown;
  Reader file_reader_ = Reader::kUnknown;
  std::vector<std::unique_ptr<simdjson::dom::parser>> pool_;
  size_t pool_used_ = 0;
  std::deque<std::string> scratch_;  // decoded base64 and other per-record text
  std::unique_ptr<Builder> builder_;
  std::string out_;  // the normalized event being written (reused)

  // Typed hand-off (program_ set).
  const Program* program_ = nullptr;
  std::unique_ptr<EventPlan> plan_;
  std::unique_ptr<EventReader> reader_;  // normalized records, and plans not direct
  rdl::Event event_;
  // Per-record scratch kept between records (no allocation per record).
  std::vector<const std::vector<Candidate>*> lists_;
  std::vector<simdjson::dom::element> objs_;
  size_t document_bytes_ = SIZE_MAX;
};

// The size of AppendJson's output for `e`, without writing it.
size_t MinifiedJsonSize(simdjson::dom::element e);

// Appends `e` as minified JSON (numbers re-serialized from their parsed
// value; strings escaped per RFC 8259).
void AppendJson(std::string* out, simdjson::dom::element e);

}  // namespace rdl::ingest
