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
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rdl/program.h"

namespace rdl {

class Event;  // runtime/vm/event.h

namespace ingest {
class RecordFilter;
}

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
  // The raw-byte prefilter (BuildPrefilter; null: every record is parsed).
  // A line of JSON lines, or a whole document otherwise, is skipped unparsed
  // when its text holds none of the literals; skipped records are counted
  // in IngestStats::prefiltered, and not checked for validity.
  std::shared_ptr<const ingest::RecordFilter> prefilter;
  // ReadInputsParallel: JSON-lines files larger than this are read in
  // pieces of about this size.
  uint64_t piece_bytes = 8u << 20;
};

// What a pack needs records to carry (the union of its rules' prefilter
// hints), or nullopt when some rule may need any record.
struct PrefilterSpec {
  std::vector<std::string> actions;   // a record matters when its operation maps to one
  std::vector<std::string> literals;  // ... or its text contains one (case-insensitive)
};
std::optional<PrefilterSpec> PrefilterSpecOf(const Program& program);

// Compiles the prefilter for `spec` against the mapping tables `options`
// selects (embedded plus options.mapping_files): the literal set of
// runtime/ingest/prefilter.h. Null with *error when a table does not load.
std::shared_ptr<const ingest::RecordFilter> BuildPrefilter(const PrefilterSpec& spec,
                                                           const IngestOptions& options,
                                                           std::string* error);
// What the prefilter searches for, one line each, for `rulerun
// --explain-prefilter` and tests.
std::vector<std::string> ExplainPrefilter(const ingest::RecordFilter& filter);

struct ReaderStats {
  std::string reader;  // "cloudtrail", "azure", "gcp", "ocsf", "normalized", "unknown"
  uint64_t records = 0;
  uint64_t skipped = 0;  // bad records attributed to this reader
};

struct IngestStats {
  uint64_t records = 0;      // normalized and delivered
  uint64_t bad_records = 0;  // counted, reported, skipped
  uint64_t prefiltered = 0;  // lines / documents skipped unparsed by the prefilter
  uint64_t lines = 0;        // newlines read in inputs framed as JSON lines
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
// Receives each event filled for the program given to ReadEvents (the
// typed hand-off: no normalized JSON is written or parsed). The event is
// valid during the call only.
using TypedEventSink = std::function<void(const Event& event, const RecordLocation&)>;
// Receives one message per bad record, naming the file and line or record
// index ("logs/a.json.gz:3: invalid JSON: ...", "a.json:1: Records[4]: ...").
using ErrorSink = std::function<void(const std::string& message)>;

// Reads every input in order. Returns false when options.strict and a bad
// record was seen (reading stops there), or when an input cannot be opened.
bool ReadInputs(const std::vector<std::string>& inputs, const IngestOptions& options,
                const EventSink& on_event, const ErrorSink& on_error, IngestStats* stats);

// ReadInputs with `threads` threads: JSON-lines files are cut into pieces at
// line ends, and pieces, compressed files and other inputs are read
// (decompressed, prefiltered, parsed, normalized) in parallel, while
// on_event and on_error are still called on the calling thread in the order
// ReadInputs would call them: a consumer sees the same stream. Directories
// and stdin are read by one thread each. threads <= 1 is ReadInputs.
bool ReadInputsParallel(const std::vector<std::string>& inputs, const IngestOptions& options,
                        int threads, const EventSink& on_event, const ErrorSink& on_error,
                        IngestStats* stats);

// ReadInputsParallel delivering events filled for `program` (the slots its
// rules read) instead of normalized JSON: what the engine's Push(const
// Event&) takes. Only the normalized fields the program reads are
// evaluated, and when no field needs the normalized event's objects
// (`resources` or `tags` as a whole) the event is filled straight from the
// record. The events, messages and stats are those of reading the JSON and
// pushing it; an event whose time the engine could not use is a bad record
// here ("missing or unparsable time").
bool ReadEvents(const std::vector<std::string>& inputs, const IngestOptions& options,
                const Program& program, int threads, const TypedEventSink& on_event,
                const ErrorSink& on_error, IngestStats* stats);

// ReadBuffer with the typed hand-off of ReadEvents.
bool ReadBufferEvents(std::string_view data, std::string_view name, const IngestOptions& options,
                      const Program& program, const TypedEventSink& on_event,
                      const ErrorSink& on_error, IngestStats* stats);

// Reads the bytes [begin, end) of the file `path`, a piece of a JSON-lines
// file, as one JSON-lines input (messages count lines from `begin`).
bool ReadFileRange(const std::string& path, uint64_t begin, uint64_t end,
                   const IngestOptions& options, const EventSink& on_event,
                   const ErrorSink& on_error, IngestStats* stats);

// True when `data` (after blanks and a UTF-8 BOM) starts with one complete
// JSON value on its first line: ReadInputs then reads it as JSON lines.
bool StartsWithJsonLine(std::string_view data);

// Reads one in-memory input (plain or gzip bytes) named `name` in messages:
// what ReadInputs does per file, for embedders and fuzzers.
bool ReadBuffer(std::string_view data, std::string_view name, const IngestOptions& options,
                const EventSink& on_event, const ErrorSink& on_error, IngestStats* stats);

}  // namespace rdl
