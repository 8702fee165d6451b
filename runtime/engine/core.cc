// The engine core: reorder buffer and watermark, routing of events to
// candidate rules, the timer heap that expires state and fires absence
// alerts in deadline order, and the RuleState base (suppression, eviction
// counting, publication). Also the public Engine facade.
#include "runtime/engine/core.h"

#include <algorithm>
#include <utility>

namespace rdl {
namespace engine_internal {

// ------------------------------------------------------------- RuleState --

RuleState::RuleState(Core& core, uint32_t index)
    : core_(core),
      program_(core.program()),
      rule_(core.program().rules[index]),
      index_(index),
      cap_(rule_.max_keys != 0 ? rule_.max_keys
                               : std::max<uint32_t>(1, core.options().default_max_keys)) {}

int64_t RuleState::Deadline() const { return std::min(KindDeadline(), StoreDeadline(suppress_)); }

void RuleState::ExpireUpTo(int64_t upto) {
  ExpireStore(suppress_, upto);
  KindExpireUpTo(upto);
}

bool RuleState::Eval(const Code& code, const Event& event, const StageRefs* refs) {
  return core_.Eval(code, event, refs);
}

void RuleState::CountEviction() { core_.mutable_counters().rules[index_].evictions++; }

void RuleState::Emit(AlertDraft& draft, FieldSource& source, int64_t now) {
  if (rule_.suppress_ns > 0) {
    scratch_values_.clear();
    for (uint16_t s : rule_.suppress_slots) scratch_values_.push_back(source.Field(s));
    LenientKey(scratch_values_, &scratch_key_);
    auto* e = suppress_.Find(scratch_key_);
    if (e != nullptr && e->deadline >= now) {
      core_.mutable_counters().rules[index_].suppressed++;
      return;
    }
    if (e == nullptr) {
      if (suppress_.size() >= cap_) {
        suppress_.Erase(suppress_.Oldest());
        CountEviction();
      }
      e = suppress_.Insert(scratch_key_);
    }
    e->value = now;
    // Suppressed while now < last alert + span.
    suppress_.Touch(e, SatAdd(now, rule_.suppress_ns - 1));
  }
  Alert alert;
  alert.rule = rule_.name;
  alert.time_ns = draft.time_ns;
  alert.json = RenderAlert(program_, rule_, draft, source, &alert.id);
  core_.mutable_counters().rules[index_].alerts++;
  core_.Publish(std::move(alert));
}

// ------------------------------------------------------------------ Core --

Core::Core(const LoadedPack& pack, EngineOptions options, AlertCallback on_alert)
    : pack_(pack),
      program_(pack.program()),
      options_(std::move(options)),
      on_alert_(std::move(on_alert)),
      interpreter_(pack),
      reader_(pack.program()),
      decoder_(pack.program()) {
  if (options_.lateness_ns < 0) options_.lateness_ns = 0;
  if (options_.max_buffered_events == 0) options_.max_buffered_events = 1;
  const size_t n = program_.rules.size();
  counters_.rules.resize(n);
  for (size_t i = 0; i < n; ++i) counters_.rules[i].rule = program_.rules[i].name;
  heap_pos_.assign(n, -1);
  heap_deadline_.assign(n, kNoDeadline);
  for (uint32_t i = 0; i < n; ++i) {
    switch (program_.rules[i].kind) {
      case RuleKind::kMatch:
        states_.push_back(MakeMatchState(*this, i));
        break;
      case RuleKind::kCount:
        states_.push_back(MakeCountState(*this, i));
        break;
      case RuleKind::kDistinct:
        states_.push_back(MakeDistinctState(*this, i));
        break;
      case RuleKind::kNew:
        states_.push_back(MakeNewState(*this, i));
        break;
      case RuleKind::kSequence:
        states_.push_back(MakeSequenceState(*this, i));
        break;
    }
  }
  BuildRoutes();
  if (options_.jit) CompileJit();
}

Core::~Core() {
  // The compiling thread uses jit_ and the program: it must end first.
  if (jit_thread_.joinable()) jit_thread_.join();
}

void Core::CompileJit() {
  auto warn = [this](const std::string& msg) {
    if (options_.on_warning) options_.on_warning("jit: " + msg);
  };
  std::string error;
  jit_ = JitCompiler::Create(&error);
  if (!jit_) {
    warn("unavailable (" + error + "); using the interpreter");
    return;
  }
  // Every predicate in one CompileAll (batched: much faster than one
  // Compile each).
  std::vector<const Code*> codes;
  std::vector<const Rule*> owners;
  auto add = [&](const Rule& rule, const Code& code) {
    if (code.instrs.empty()) return;  // never run (or trivially false)
    codes.push_back(&code);
    owners.push_back(&rule);
  };
  for (const Rule& rule : program_.rules) {
    add(rule, rule.pred);
    for (const Stage& st : rule.stages) add(rule, st.pred);
    if (rule.has_until) add(rule, rule.until_pred);
  }
  auto compile = [this, warn, codes = std::move(codes), owners = std::move(owners)] {
    std::vector<std::string> why;
    const std::vector<JitPredicate> fns = jit_->CompileAll(codes, pack_, &why);
    auto table = std::make_unique<JitTable>();
    size_t fallbacks = 0;
    std::string first_reason;
    for (size_t i = 0; i < codes.size(); ++i) {
      if (fns[i]) {
        table->emplace(codes[i], fns[i]);
      } else if (fallbacks++ == 0) {
        first_reason = "rule " + owners[i]->name + ": " + why[i];
      }
    }
    if (fallbacks > 0) {
      warn(std::to_string(fallbacks) + " of " + std::to_string(codes.size()) +
           " predicates stay on the interpreter (first: " + first_reason + ")");
    }
    // Published whole: Eval sees no table or the finished one.
    jit_table_ = std::move(table);
    jitted_.store(jit_table_.get(), std::memory_order_release);
  };
  if (options_.jit_background) {
    jit_thread_ = std::thread(std::move(compile));
  } else {
    compile();
  }
}

void Core::BuildRoutes() { routes_.Build(program_); }

bool Core::Later(const Buffered& a, const Buffered& b) {
  if (a.time_ns != b.time_ns) return a.time_ns > b.time_ns;
  if (a.uid != b.uid) return a.uid > b.uid;
  if (a.blob != b.blob) return a.blob > b.blob;
  return a.seq > b.seq;
}

bool Core::Push(std::string_view json, std::string* error) {
  std::string local_error;
  if (!reader_.Read(json, &event_, error != nullptr ? error : &local_error)) {
    counters_.bad_events++;
    return false;
  }
  Push(event_);
  return true;
}

void Core::Push(const Event& event) {
  counters_.events++;
  const int64_t t = event.time_ns();
  if (t < watermark_) {
    counters_.late_events++;
    if (options_.on_late) options_.on_late(LateEvent{t, event.uid(), watermark_});
    return;
  }
  max_time_ = seen_any_ ? std::max(max_time_, t) : t;
  seen_any_ = true;
  watermark_ = std::max(watermark_, SatSub(max_time_, options_.lateness_ns));
  if (buffer_.empty() && t <= watermark_) {
    // Fast path (in-order input, or lateness 0): nothing buffered precedes
    // this event, so processing it now is what the buffer would do.
    FireTimers(t);
    Process(event);
  } else {
    Buffered b{t, std::string(event.uid()), {}, seq_++};
    EncodeEvent(event, &b.blob);
    buffer_.push_back(std::move(b));
    std::push_heap(buffer_.begin(), buffer_.end(), Later);
  }
  Release();
  FireTimers(watermark_);
  if (buffer_.size() > options_.max_buffered_events) {
    counters_.forced_releases++;
    watermark_ = std::max(watermark_, buffer_.front().time_ns);
    Release();
    FireTimers(watermark_);
  }
}

void Core::Release() {
  std::string error;
  while (!buffer_.empty() && buffer_.front().time_ns <= watermark_) {
    std::pop_heap(buffer_.begin(), buffer_.end(), Later);
    Buffered b = std::move(buffer_.back());
    buffer_.pop_back();
    FireTimers(b.time_ns);
    // The blob was encoded from a sealed event: it decodes. The event views
    // `b`, alive until the end of this iteration.
    if (decoder_.Decode(b.blob, &event_, &error)) Process(event_);
  }
}

void Core::Finish() {
  if (!seen_any_) return;
  watermark_ = std::max(watermark_, max_time_);
  Release();
  // Every event has been processed: deadlines up to the last event time
  // are decided; later ones are not (the input may continue elsewhere).
  const int64_t end = SatAdd(max_time_, 1);
  FireTimers(end);
  watermark_ = std::max(watermark_, end);
}

void Core::Process(const Event& event) {
  routes_.Select(event, &candidates_);  // in program order
  for (uint32_t r : candidates_) {
    states_[r]->OnEvent(event);
    Reschedule(r);
  }
}

void Core::FireTimers(int64_t limit) {
  while (!heap_.empty()) {
    const uint32_t r = heap_.front();
    const int64_t d = heap_deadline_[r];
    if (d >= limit) break;
    states_[r]->ExpireUpTo(d);
    Reschedule(r);
    if (heap_pos_[r] >= 0 && heap_deadline_[r] <= d) HeapRemove(r);  // never loop
  }
}

void Core::Publish(Alert alert) {
  counters_.alerts++;
  if (on_alert_) on_alert_(alert);
}

std::vector<PartialInfo> Core::ListPartials() const {
  std::vector<PartialInfo> out;
  for (const auto& s : states_) s->ListPartials(&out);
  return out;
}

std::vector<RuleStateSize> Core::StateSizes() const {
  std::vector<RuleStateSize> out;
  out.reserve(states_.size());
  for (const auto& s : states_) out.push_back(RuleStateSize{s->KindSize(), s->SuppressSize()});
  return out;
}

// Timer heap ---------------------------------------------------------------

bool Core::HeapLess(uint32_t a, uint32_t b) const {
  if (heap_deadline_[a] != heap_deadline_[b]) return heap_deadline_[a] < heap_deadline_[b];
  return a < b;
}

void Core::HeapSiftUp(size_t i) {
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (!HeapLess(heap_[i], heap_[p])) break;
    std::swap(heap_[i], heap_[p]);
    heap_pos_[heap_[i]] = static_cast<int32_t>(i);
    heap_pos_[heap_[p]] = static_cast<int32_t>(p);
    i = p;
  }
}

void Core::HeapSiftDown(size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < heap_.size() && HeapLess(heap_[l], heap_[m])) m = l;
    if (r < heap_.size() && HeapLess(heap_[r], heap_[m])) m = r;
    if (m == i) break;
    std::swap(heap_[i], heap_[m]);
    heap_pos_[heap_[i]] = static_cast<int32_t>(i);
    heap_pos_[heap_[m]] = static_cast<int32_t>(m);
    i = m;
  }
}

void Core::HeapRemove(uint32_t rule) {
  int32_t pos = heap_pos_[rule];
  if (pos < 0) return;
  size_t i = static_cast<size_t>(pos);
  uint32_t last = heap_.back();
  heap_.pop_back();
  heap_pos_[rule] = -1;
  if (last != rule) {
    heap_[i] = last;
    heap_pos_[last] = static_cast<int32_t>(i);
    HeapSiftDown(i);
    HeapSiftUp(static_cast<size_t>(heap_pos_[last]));
  }
}

void Core::Reschedule(uint32_t rule) {
  const int64_t d = states_[rule]->Deadline();
  if (d == kNoDeadline) {
    HeapRemove(rule);
    return;
  }
  if (heap_pos_[rule] < 0) {
    heap_deadline_[rule] = d;
    heap_.push_back(rule);
    heap_pos_[rule] = static_cast<int32_t>(heap_.size() - 1);
    HeapSiftUp(heap_.size() - 1);
    return;
  }
  if (heap_deadline_[rule] == d) return;
  heap_deadline_[rule] = d;
  const size_t i = static_cast<size_t>(heap_pos_[rule]);
  HeapSiftUp(i);
  HeapSiftDown(static_cast<size_t>(heap_pos_[rule]));
}

}  // namespace engine_internal

// ---------------------------------------------------------------- Engine --

struct Engine::Impl {
  Impl(const LoadedPack& pack, EngineOptions options, AlertCallback on_alert)
      : core(pack, std::move(options), std::move(on_alert)) {}
  engine_internal::Core core;
};

Engine::Engine(const LoadedPack& pack, EngineOptions options, AlertCallback on_alert)
    : impl_(std::make_unique<Impl>(pack, std::move(options), std::move(on_alert))) {}
Engine::~Engine() = default;
bool Engine::Push(std::string_view json, std::string* error) {
  return impl_->core.Push(json, error);
}
void Engine::Push(const Event& event) { impl_->core.Push(event); }
void Engine::Finish() { impl_->core.Finish(); }
const EngineCounters& Engine::counters() const { return impl_->core.counters(); }
std::vector<PartialInfo> Engine::ListPartials() const { return impl_->core.ListPartials(); }
std::vector<RuleStateSize> Engine::StateSizes() const { return impl_->core.StateSizes(); }

}  // namespace rdl
