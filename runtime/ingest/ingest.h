// Reading audit logs: files, directories (walked recursively, e.g. the S3
// CloudTrail layout), gzip, stdin; detecting the format per file and per
// record; normalizing provider records (CloudTrail, Azure Activity Log, GCP
// Cloud Audit Logs, OCSF) into the normalized event JSON the engine reads.
// Already-normalized events pass through unchanged.
//
// The operation -> action taxonomy and the per-provider extraction rules are
// data (stdlib/providers/*.json, embedded; format in docs/inputs.md), which
// IngestOptions::mapping_files extends or overrides at run time.
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
  // Mapping files (same format as stdlib/providers/*.json, with a
  // "provider" key) applied over the embedded tables in order: a field or an
  // operation they name replaces the embedded one; null removes it.
  std::vector<std::string> mapping_files;
  // A record without any time is normally a bad record (the engine orders
  // by event time). When set, it is delivered without `time` instead (rule
  // test fixtures often omit it). An unparsable time is always bad.
  bool allow_missing_time = false;
  // Records whose minified JSON exceeds this are bad records (skipped).
  uint64_t max_record_bytes = 1 << 20;
};

struct ReaderStats {
  std::string reader;  // "cloudtrail", "azure", "gcp", "ocsf", "normalized", "unknown"
  uint64_t records = 0;
  uint64_t skipped = 0;  // bad records attributed to this reader
};

struct IngestStats {
  uint64_t records = 0;      // normalized and delivered
  uint64_t bad_records = 0;  // counted, reported, skipped
  // Readers that saw at least one record, in the fixed order cloudtrail,
  // azure, gcp, ocsf, normalized, unknown ("unknown": bad records whose
  // format could not be told, e.g. invalid JSON before any good record).
  std::vector<ReaderStats> readers;
  uint64_t files = 0;         // inputs opened (a directory counts its files)
  uint64_t bytes = 0;         // bytes read after decompression
  uint64_t input_errors = 0;  // inputs that could not be opened, ended early
                              // (truncated or corrupt gzip) or held no records
};

// Receives each normalized event (one JSON object, no newline).
using EventSink = std::function<void(std::string_view normalized_json, const RecordLocation&)>;
// Receives one message per bad record, naming the file and line or record
// index ("logs/a.json.gz:3: invalid JSON: ...", "a.json:1: Records[4]: ...").
using ErrorSink = std::function<void(const std::string& message)>;

// Reads every input in order. Returns false when options.strict and a bad
// record was seen (reading stops there), or when an input cannot be opened.
bool ReadInputs(const std::vector<std::string>& inputs, const IngestOptions& options,
                const EventSink& on_event, const ErrorSink& on_error, IngestStats* stats);

// Reads one in-memory input (plain or gzip bytes) named `name` in messages:
// what ReadInputs does per file, for embedders and fuzzers.
bool ReadBuffer(std::string_view data, std::string_view name, const IngestOptions& options,
                const EventSink& on_event, const ErrorSink& on_error, IngestStats* stats);

}  // namespace rdl
