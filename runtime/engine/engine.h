// The engine: runs a loaded pack over a stream of normalized events and
// emits alerts. Owns the reorder buffer and watermark (event time, allowed
// lateness), the per-rule state machines (sequences, count/distinct
// windows, first-seen baselines), suppression and the bounded state stores.
// Single-threaded: one Engine per thread; the LoadedPack is shared.
// The exact semantics are specified in docs/semantics.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/vm/loaded_pack.h"

namespace rdl {

class Event;

// An event that arrived behind the watermark: counted, reported, not evaluated.
struct LateEvent {
  int64_t time_ns = 0;
  std::string_view uid;      // valid during the callback
  int64_t watermark_ns = 0;  // the watermark it was behind
};
using LateCallback = std::function<void(const LateEvent&)>;

struct EngineOptions {
  int64_t lateness_ns = 15LL * 60 * 1000000000;  // watermark = max event time - lateness
  uint32_t default_max_keys = 100000;            // per rule, when the rule sets none
  // Upper bound on events held in the reorder buffer. When exceeded, the
  // watermark is forced up to the oldest buffered event (counted in
  // EngineCounters::forced_releases) so memory stays bounded.
  size_t max_buffered_events = 1000000;
  // Optional side channel for late events (called during Push).
  LateCallback on_late;
  // Compile predicates to native code with the LLVM JIT tier (runtime/jit/)
  // when the build has it. Predicates the JIT cannot compile, and every
  // predicate when the JIT is unavailable, keep the interpreter; each such
  // degradation is reported once through on_warning (when set).
  bool jit = false;
  // Compile on a background thread while the interpreter evaluates (alerts
  // are the same; long runs switch to native code when it is ready, short
  // ones do not wait for it, but the engine's destructor does). False:
  // compile before the first event.
  bool jit_background = true;
  std::function<void(const std::string&)> on_warning;
};

// One alert, rendered. `json` is the alert's JSON object (one line, no newline)
// with at least: id, rule, title, severity, attack, data, time, end_time,
// key, events, message.
struct Alert {
  std::string rule;
  std::string id;
  int64_t time_ns = 0;  // the alert's `time`: its first contributing event
  std::string json;
};

struct RuleCounters {
  std::string rule;
  uint64_t alerts = 0;
  uint64_t evictions = 0;   // keys or partial matches dropped at a cap
  uint64_t suppressed = 0;  // alerts dropped by `suppress`
};

struct EngineCounters {
  uint64_t events = 0;       // events accepted (usable JSON events, late ones included)
  uint64_t bad_events = 0;   // lines that were not usable events
  uint64_t late_events = 0;  // older than the watermark: counted, not evaluated
  uint64_t alerts = 0;
  uint64_t forced_releases = 0;     // watermark forced up by max_buffered_events
  std::vector<RuleCounters> rules;  // parallel to program().rules
};

// A live partial match, for "why didn't it fire?".
struct PartialInfo {
  std::string rule;
  std::string key;       // rendered join key (the alert's `key` object)
  uint32_t stage = 0;    // stages matched so far
  int64_t first_ns = 0;  // time of its first event
  int64_t expires_ns = 0;
};

// Live state of one rule (docs/semantics.md section 9): entries in its main
// store (sequence partials, count/distinct window keys, `new` baseline
// combinations; 0 for match rules) and in its suppression store. Each is at
// most the rule's cap.
struct RuleStateSize {
  uint64_t keys = 0;
  uint64_t suppress_keys = 0;
};

using AlertCallback = std::function<void(const Alert&)>;

class Engine {
 public:
  Engine(const LoadedPack& pack, EngineOptions options, AlertCallback on_alert);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Pushes one normalized event (a JSON object). Returns false and sets
  // *error when it is not a usable event (it is then counted in bad_events).
  // Alerts may be emitted during the call (for events the watermark releases).
  // A late event returns true (it was usable) and is reported via on_late.
  bool Push(std::string_view json, std::string* error);
  // Pushes one event already read or filled for this engine's pack
  // (EventReader, or ingest's typed hand-off with the pack's program): the
  // same as pushing its JSON, without parsing. The event is only read
  // during the call.
  void Push(const Event& event);
  // End of input: releases every buffered event, advances the watermark to
  // the last event time (deadlines beyond it do not fire) and fires what is due.
  void Finish();

  const EngineCounters& counters() const;
  std::vector<PartialInfo> ListPartials() const;
  // Per rule, parallel to program().rules. O(rules), no allocation per entry.
  std::vector<RuleStateSize> StateSizes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rdl
