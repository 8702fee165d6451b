// Engine internals shared by the engine's .cc files: the Core (reorder
// buffer, watermark, routing, timers, alert publication) and the per-rule
// state machines (RuleState and its kinds). Not part of the public API:
// runtime/engine/engine.h is.
//
// Time model (docs/semantics.md): the engine's clock is event time. Events
// are processed in (time, metadata.uid, content) order once the watermark
// (max event time - lateness) reaches them. Every piece of state has a
// deadline: the last event time at which it is still alive. A deadline d is
// acted on (state dropped, absence alert fired) as soon as the engine knows
// no event with time <= d can still be processed: before an event with time
// > d is processed, or when the watermark moves past d.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "runtime/engine/engine.h"
#include "runtime/engine/lru_store.h"
#include "runtime/engine/route_index.h"
#include "runtime/engine/values.h"
#include "runtime/jit/jit.h"
#include "runtime/vm/event.h"
#include "runtime/vm/interpreter.h"

namespace rdl::engine_internal {

inline constexpr int64_t kNoDeadline = std::numeric_limits<int64_t>::max();
inline constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();

inline int64_t SatAdd(int64_t a, int64_t b) {  // b >= 0
  return a > kNoDeadline - b ? kNoDeadline : a + b;
}
inline int64_t SatSub(int64_t a, int64_t b) {  // b >= 0
  return a < kMinTime + b ? kMinTime : a - b;
}

// Where an alert's field values come from: the event that completed it,
// or (absence timeouts) the captures of the partial match.
class FieldSource {
 public:
  virtual ~FieldSource() = default;
  virtual Value Field(uint16_t slot) = 0;
  virtual Value Capture(uint16_t stage, uint16_t index) = 0;
};

// Everything needed to render one alert.
struct AlertDraft {
  int64_t time_ns = 0;                   // first contributing event
  int64_t end_ns = 0;                    // last contributing event (or the absence deadline)
  std::vector<std::string_view> events;  // uids, in event-time order
  std::vector<Value> key_values;         // parallel to the key slots
  const std::vector<uint16_t>* key_slots = nullptr;
  uint64_t count = 0;  // {count} in templates
};

// Renders the alert JSON line and its id (alert.cc).
std::string RenderAlert(const Program& program, const Rule& rule, const AlertDraft& draft,
                        FieldSource& source, std::string* id);

class Core;

// Per-rule state machine. One instance per rule of the program.
class RuleState {
 public:
  RuleState(Core& core, uint32_t index);
  virtual ~RuleState() = default;
  RuleState(const RuleState&) = delete;
  RuleState& operator=(const RuleState&) = delete;

  // Runs the rule over one event (events arrive in processing order).
  virtual void OnEvent(const Event& event) = 0;
  // Earliest deadline of any state of the rule (kNoDeadline when none).
  int64_t Deadline() const;
  // Acts on every state whose deadline is <= upto (drops it; absence
  // partials fire).
  void ExpireUpTo(int64_t upto);
  virtual void ListPartials(std::vector<PartialInfo>* /*out*/) const {}
  // Live entries of the kind's store (partials, keys) and of the suppression
  // store.
  virtual size_t KindSize() const { return 0; }
  size_t SuppressSize() const { return suppress_.size(); }

 protected:
  virtual int64_t KindDeadline() const = 0;
  virtual void KindExpireUpTo(int64_t upto) = 0;

  // Applies suppression, renders and publishes. `now` is the alert's end time.
  void Emit(AlertDraft& draft, FieldSource& source, int64_t now);
  bool Eval(const Code& code, const Event& event, const StageRefs* refs);
  void CountEviction();
  uint32_t cap() const { return cap_; }

  Core& core_;
  const Program& program_;
  const Rule& rule_;
  uint32_t index_;

 private:
  uint32_t cap_;
  LruStore<int64_t> suppress_;  // suppression key -> time of the last alert
  std::string scratch_key_;
  std::vector<Value> scratch_values_;
};

std::unique_ptr<RuleState> MakeMatchState(Core& core, uint32_t index);
std::unique_ptr<RuleState> MakeCountState(Core& core, uint32_t index);
std::unique_ptr<RuleState> MakeDistinctState(Core& core, uint32_t index);
std::unique_ptr<RuleState> MakeNewState(Core& core, uint32_t index);
std::unique_ptr<RuleState> MakeSequenceState(Core& core, uint32_t index);

// Drops the oldest entries of an LruStore whose deadline is <= upto.
template <class T>
void ExpireStore(LruStore<T>& store, int64_t upto) {
  while (auto* e = store.Oldest()) {
    if (e->deadline > upto) break;
    store.Erase(e);
  }
}
template <class T>
int64_t StoreDeadline(const LruStore<T>& store) {
  auto* e = store.Oldest();
  return e == nullptr ? kNoDeadline : e->deadline;
}

class Core {
 public:
  Core(const LoadedPack& pack, EngineOptions options, AlertCallback on_alert);
  ~Core();

  bool Push(std::string_view json, std::string* error);
  void Push(const Event& event);
  void Finish();
  const EngineCounters& counters() const { return counters_; }
  std::vector<PartialInfo> ListPartials() const;
  std::vector<RuleStateSize> StateSizes() const;

  // For rule states.
  const Program& program() const { return program_; }
  const EngineOptions& options() const { return options_; }
  bool Eval(const Code& code, const Event& event, const StageRefs* refs) {
    if (const JitTable* jitted = jitted_.load(std::memory_order_acquire)) {
      auto it = jitted->find(&code);
      if (it != jitted->end()) return RunJit(it->second, event, refs);
    }
    return interpreter_.Run(code, event, refs);
  }
  EngineCounters& mutable_counters() { return counters_; }
  void Publish(Alert alert);

 private:
  // A buffered event: its slots as an EncodeEvent blob (no re-parsing at
  // release), ordered by (time, uid, blob bytes, arrival).
  struct Buffered {
    int64_t time_ns;
    std::string uid;
    std::string blob;
    uint64_t seq;
  };
  static bool Later(const Buffered& a, const Buffered& b);

  void Release();                  // processes buffered events with time <= watermark
  void FireTimers(int64_t limit);  // acts on deadlines < limit, in deadline order
  void Process(const Event& event);
  void Reschedule(uint32_t rule);
  void BuildRoutes();
  void CompileJit();  // options_.jit: fills jitted_

  // Indexed min-heap of rules by (deadline, index): one entry per rule with
  // state.
  void HeapSiftUp(size_t i);
  void HeapSiftDown(size_t i);
  void HeapRemove(uint32_t rule);
  bool HeapLess(uint32_t a, uint32_t b) const;

  const LoadedPack& pack_;
  const Program& program_;
  EngineOptions options_;
  AlertCallback on_alert_;
  Interpreter interpreter_;
  // JIT tier (options_.jit): native predicates by Code, for the Codes the
  // JIT compiled; every other Code runs on interpreter_.
  // Compiled on jit_thread_ when options_.jit_background (the interpreter
  // runs until then: the same results, earlier), then published in jitted_.
  using JitTable = std::unordered_map<const Code*, JitPredicate>;
  std::unique_ptr<JitCompiler> jit_;
  std::unique_ptr<JitTable> jit_table_;
  std::atomic<const JitTable*> jitted_{nullptr};
  std::thread jit_thread_;
  EventReader reader_;
  EventDecoder decoder_;
  Event event_;
  EngineCounters counters_;
  std::vector<std::unique_ptr<RuleState>> states_;

  // Reorder buffer: min-heap on (time, uid, blob, seq).
  std::vector<Buffered> buffer_;
  uint64_t seq_ = 0;
  bool seen_any_ = false;
  int64_t max_time_ = kMinTime;
  int64_t watermark_ = kMinTime;

  // Timers.
  std::vector<uint32_t> heap_;
  std::vector<int32_t> heap_pos_;       // per rule; -1 when not in the heap
  std::vector<int64_t> heap_deadline_;  // per rule, valid when in the heap

  // Routing (route_index.h): the candidate rules of the event being processed.
  RouteIndex routes_;
  std::vector<uint32_t> candidates_;
};

}  // namespace rdl::engine_internal
