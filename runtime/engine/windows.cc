// The single-event rule kinds and their state: match (stateless), count and
// distinct (sliding windows on event time that fire once per key and re-arm
// when the key's window clears) and new (first-seen baselines with a
// learning period and forgetting).
#include <algorithm>

#include "runtime/engine/core.h"

namespace rdl::engine_internal {
namespace {

class EventSource : public FieldSource {
 public:
  explicit EventSource(const Event& e) : e_(e) {}
  Value Field(uint16_t slot) override {
    return slot < e_.num_slots() ? e_.slot(slot) : Value::Missing();
  }
  Value Capture(uint16_t, uint16_t) override { return Value::Missing(); }

 private:
  const Event& e_;
};

void FillKey(const Event& e, const std::vector<uint16_t>& slots, AlertDraft* d) {
  d->key_slots = &slots;
  for (uint16_t s : slots) d->key_values.push_back(e.slot(s));
}

// Windows hold events with time > now - within. within <= 0 means "no
// window": state never expires by time (only by eviction).
int64_t WindowDeadline(int64_t last, int64_t within) {
  return within > 0 ? SatAdd(last, within - 1) : kNoDeadline;
}
bool InWindow(int64_t t, int64_t now, int64_t within) {
  return within <= 0 || t > SatSub(now, within);
}

// ------------------------------------------------------------------ match --

class MatchState : public RuleState {
 public:
  using RuleState::RuleState;
  void OnEvent(const Event& e) override {
    if (!Eval(rule_.pred, e, nullptr)) return;
    AlertDraft d;
    d.time_ns = d.end_ns = e.time_ns();
    d.events.push_back(e.uid());
    FillKey(e, rule_.by_slots, &d);
    d.count = 1;
    EventSource src(e);
    Emit(d, src, e.time_ns());
  }

 protected:
  int64_t KindDeadline() const override { return kNoDeadline; }
  void KindExpireUpTo(int64_t) override {}
};

// ------------------------------------------------------------------ count --

// The latest matching events of a key inside the window, oldest first, at
// most `threshold` of them: enough to know when the count reaches the
// threshold (the window is full and all of it is in the window) and when
// the window is empty (its newest event has left). A ring in a vector that
// grows to at most `threshold` (a std::deque costs a 512-byte block per key).
class EventRing {
 public:
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  const std::pair<int64_t, std::string>& front() const { return items_[head_]; }
  const std::pair<int64_t, std::string>& at(size_t i) const {
    return items_[(head_ + i) % items_.size()];
  }
  void pop_front() {
    head_ = (head_ + 1) % items_.size();
    --n_;
  }
  // Appends; when `limit` events are held the oldest is dropped first.
  void push_back(int64_t t, std::string_view uid, size_t limit) {
    if (n_ == items_.size() && n_ >= limit) pop_front();
    if (n_ == items_.size()) {  // grow: unroll the ring first
      std::rotate(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_),
                  items_.end());
      head_ = 0;
      items_.emplace_back();
    }
    auto& slot = items_[(head_ + n_) % items_.size()];
    slot.first = t;
    slot.second.assign(uid);
    ++n_;
  }

 private:
  std::vector<std::pair<int64_t, std::string>> items_;
  uint32_t head_ = 0;
  uint32_t n_ = 0;
};

struct CountEntry {
  EventRing window;
  bool fired = false;
};

class CountState : public RuleState {
 public:
  using RuleState::RuleState;
  void OnEvent(const Event& e) override {
    if (!Eval(rule_.pred, e, nullptr)) return;
    if (!WholeKey(e, rule_.by_slots, &key_)) return;
    const int64_t t = e.time_ns();
    auto* entry = store_.Find(key_);
    if (entry == nullptr) {
      if (store_.size() >= cap()) {
        store_.Erase(store_.Oldest());
        CountEviction();
      }
      entry = store_.Insert(key_);
    }
    CountEntry& c = entry->value;
    while (!c.window.empty() && !InWindow(c.window.front().first, t, rule_.within_ns)) {
      c.window.pop_front();
    }
    const uint64_t threshold = std::max<uint64_t>(1, rule_.threshold);
    c.window.push_back(t, e.uid(), threshold);
    store_.Touch(entry, WindowDeadline(t, rule_.within_ns));
    if (!c.fired && c.window.size() >= threshold) {
      c.fired = true;
      AlertDraft d;
      d.time_ns = c.window.front().first;
      d.end_ns = t;
      for (size_t i = 0; i < c.window.size(); ++i) d.events.push_back(c.window.at(i).second);
      FillKey(e, rule_.by_slots, &d);
      d.count = c.window.size();
      EventSource src(e);
      Emit(d, src, t);
    }
  }

 protected:
  // A key whose newest event left the window is dropped: that is the re-arm.
  size_t KindSize() const override { return store_.size(); }
  int64_t KindDeadline() const override { return StoreDeadline(store_); }
  void KindExpireUpTo(int64_t upto) override { ExpireStore(store_, upto); }

 private:
  LruStore<CountEntry> store_;
  std::string key_;
};

// --------------------------------------------------------------- distinct --

struct DistinctValue {
  std::string value;  // encoded
  int64_t time = 0;   // last seen
  std::string uid;    // event that last carried it
};
struct DistinctEntry {
  // Values seen in the window (each with its last time), fewer than
  // `threshold` while not fired; cleared once fired (then only the key's
  // deadline matters, for the re-arm).
  std::vector<DistinctValue> values;
  bool fired = false;
};

class DistinctState : public RuleState {
 public:
  using RuleState::RuleState;
  void OnEvent(const Event& e) override {
    if (!Eval(rule_.pred, e, nullptr)) return;
    if (!WholeKey(e, rule_.by_slots, &key_)) return;
    if (!WholeKey(e, rule_.value_slots, &value_)) return;
    const int64_t t = e.time_ns();
    auto* entry = store_.Find(key_);
    if (entry == nullptr) {
      if (store_.size() >= cap()) {
        store_.Erase(store_.Oldest());
        CountEviction();
      }
      entry = store_.Insert(key_);
    }
    DistinctEntry& de = entry->value;
    store_.Touch(entry, WindowDeadline(t, rule_.within_ns));
    if (de.fired) return;
    auto& vals = de.values;
    vals.erase(std::remove_if(
                   vals.begin(), vals.end(),
                   [&](const DistinctValue& v) { return !InWindow(v.time, t, rule_.within_ns); }),
               vals.end());
    auto it = std::find_if(vals.begin(), vals.end(),
                           [&](const DistinctValue& v) { return v.value == value_; });
    if (it != vals.end()) {
      it->time = t;
      it->uid.assign(e.uid());
    } else {
      vals.push_back(DistinctValue{value_, t, std::string(e.uid())});
    }
    const uint64_t threshold = std::max<uint64_t>(1, rule_.threshold);
    if (vals.size() < threshold) return;
    de.fired = true;
    std::vector<const DistinctValue*> order;
    for (const auto& v : vals) order.push_back(&v);
    std::stable_sort(
        order.begin(), order.end(),
        [](const DistinctValue* a, const DistinctValue* b) { return a->time < b->time; });
    AlertDraft d;
    d.time_ns = order.front()->time;
    d.end_ns = t;
    for (const auto* v : order) d.events.push_back(v->uid);
    FillKey(e, rule_.by_slots, &d);
    d.count = vals.size();
    EventSource src(e);
    Emit(d, src, t);
    vals.clear();
    vals.shrink_to_fit();
  }

 protected:
  size_t KindSize() const override { return store_.size(); }
  int64_t KindDeadline() const override { return StoreDeadline(store_); }
  void KindExpireUpTo(int64_t upto) override { ExpireStore(store_, upto); }

 private:
  LruStore<DistinctEntry> store_;
  std::string key_;
  std::string value_;
};

// -------------------------------------------------------------------- new --

class NewState : public RuleState {
 public:
  using RuleState::RuleState;
  void OnEvent(const Event& e) override {
    if (!Eval(rule_.pred, e, nullptr)) return;
    const int64_t t = e.time_ns();
    if (!started_) {  // learning starts at the first event the predicate accepts
      started_ = true;
      learn_end_ = SatAdd(t, std::max<int64_t>(0, rule_.learn_ns));
    }
    if (!WholeKey(e, rule_.by_slots, &key_)) return;
    if (!WholeKey(e, rule_.value_slots, &value_)) return;
    key_.append(value_);
    auto* entry = store_.Find(key_);
    const bool known = entry != nullptr && InWindow(entry->value, t, rule_.within_ns);
    if (!known && t >= learn_end_) {
      AlertDraft d;
      d.time_ns = d.end_ns = t;
      d.events.push_back(e.uid());
      FillKey(e, rule_.by_slots, &d);
      d.count = 1;
      EventSource src(e);
      Emit(d, src, t);
    }
    if (entry == nullptr) {
      if (store_.size() >= cap()) {
        store_.Erase(store_.Oldest());
        CountEviction();
      }
      entry = store_.Insert(key_);
    }
    entry->value = t;
    store_.Touch(entry, WindowDeadline(t, rule_.within_ns));
  }

 protected:
  size_t KindSize() const override { return store_.size(); }
  int64_t KindDeadline() const override { return StoreDeadline(store_); }
  void KindExpireUpTo(int64_t upto) override { ExpireStore(store_, upto); }

 private:
  LruStore<int64_t> store_;  // by key + value combination -> last seen
  bool started_ = false;
  int64_t learn_end_ = 0;
  std::string key_;
  std::string value_;
};

}  // namespace

std::unique_ptr<RuleState> MakeMatchState(Core& core, uint32_t index) {
  return std::make_unique<MatchState>(core, index);
}
std::unique_ptr<RuleState> MakeCountState(Core& core, uint32_t index) {
  return std::make_unique<CountState>(core, index);
}
std::unique_ptr<RuleState> MakeDistinctState(Core& core, uint32_t index) {
  return std::make_unique<DistinctState>(core, index);
}
std::unique_ptr<RuleState> MakeNewState(Core& core, uint32_t index) {
  return std::make_unique<NewState>(core, index);
}

}  // namespace rdl::engine_internal
