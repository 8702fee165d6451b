// Where a reading run delivers its events: as normalized JSON (EventSink)
// or typed, filled for a program (TypedEventSink). Internal to ingest: the
// public entry points of ingest.h wrap these.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/ingest/ingest.h"

namespace rdl::ingest {

struct Delivery {
  const EventSink* json = nullptr;
  const TypedEventSink* typed = nullptr;  // with program
  const Program* program = nullptr;
};

bool ReadInputsTo(const std::vector<std::string>& inputs, const IngestOptions& options,
                  const Delivery& delivery, const ErrorSink& on_error, IngestStats* stats);
bool ReadFileRangeTo(const std::string& path, uint64_t begin, uint64_t end,
                     const IngestOptions& options, const Delivery& delivery,
                     const ErrorSink& on_error, IngestStats* stats);
bool ReadParallel(const std::vector<std::string>& inputs, const IngestOptions& options, int threads,
                  const Delivery& delivery, const ErrorSink& on_error, IngestStats* stats);

// The time a log file's path names, as "YYYYMMDDHHMM" (empty when none):
// CloudTrail's file names (_CloudTrail_<region>_20260114T0605Z_), Azure
// exports' y=/m=/d=/h=/m= folders, date folders (YYYY/MM/DD, with GCP log
// sinks' HH:MM:SS_ file names). Directories are read in this order.
std::string PathTimeKey(std::string_view path);

}  // namespace rdl::ingest
