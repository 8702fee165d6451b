// Record-level work of ingest: unwrapping envelopes (CloudTrail Records,
// Azure records, LookupEvents, JSON arrays, EventBridge, CloudTrailEvent
// strings, Pub/Sub push), detecting each record's format, normalizing it
// with the provider mapping tables and writing the normalized event JSON.
// Byte-level work (files, gzip, framing) is in ingest.cc.
#pragma once

#include "runtime/util/json_string.h"

#include <simdjson.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/ingest/ingest.h"
#include "runtime/ingest/mapping.h"

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
  virtual void Event(std::string_view json, Reader reader, uint64_t line,
                     std::string_view where) = 0;
  virtual void Bad(std::string_view message, Reader reader, uint64_t line,
                   std::string_view where) = 0;
  virtual bool Stopped() const = 0;
};

class Normalizer {
 public:
  Normalizer(const Mappings& mappings, const IngestOptions& options);
  ~Normalizer();

  // Handles one parsed top-level JSON value starting at `line`.
  void HandleDocument(simdjson::dom::element doc, uint64_t line, RecordSink* sink);
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
};

// Appends `e` as minified JSON (numbers re-serialized from their parsed
// value; strings escaped per RFC 8259).
void AppendJson(std::string* out, simdjson::dom::element e);

}  // namespace rdl::ingest
