// Reading audit logs: files, directories (walked recursively, e.g. the S3
// CloudTrail layout), gzip, stdin; detecting the format per file and per
// record; normalizing provider records (CloudTrail, Azure Activity Log, GCP
// Cloud Audit Logs, OCSF) into the normalized event JSON the engine reads.
// Already-normalized events pass through unchanged.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace rdl {

struct RecordLocation {
  std::string_view file;  // "-" for stdin
  uint64_t line = 0;      // 1-based line of the record's start, 0 when not line-based
  uint64_t record = 0;    // 0-based index of the record in the file
};

struct IngestOptions {
  // auto | cloudtrail | azure | gcp | ocsf | normalized
  std::string format = "auto";
  bool strict = false;  // stop at the first bad record
};

struct ReaderStats {
  std::string reader;  // "cloudtrail", "azure", "gcp", "ocsf", "normalized"
  uint64_t records = 0;
  uint64_t skipped = 0;
};

struct IngestStats {
  uint64_t records = 0;      // normalized and delivered
  uint64_t bad_records = 0;  // counted, reported, skipped
  std::vector<ReaderStats> readers;
};

// Receives each normalized event (one JSON object, no newline).
using EventSink = std::function<void(std::string_view normalized_json, const RecordLocation&)>;
// Receives one message per bad record, naming the file and line or record
// index ("logs/a.json.gz:3: invalid JSON: ...").
using ErrorSink = std::function<void(const std::string& message)>;

// Reads every input in order. Returns false when options.strict and a bad
// record was seen (reading stops there), or when an input cannot be opened.
bool ReadInputs(const std::vector<std::string>& inputs, const IngestOptions& options,
                const EventSink& on_event, const ErrorSink& on_error, IngestStats* stats);

}  // namespace rdl
