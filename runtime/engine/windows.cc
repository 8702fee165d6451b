// The single-event rule kinds and their state: match (stateless), count and
// distinct (sliding windows on event time that fire once per key and re-arm
// when the key's window clears) and new (first-seen baselines with a
// learning period and forgetting).
#include <xxhash.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

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

// ------------------------------------------------------------ key store --

// Memory per live key is the point here (docs/performance.md, "State and
// memory"): an LruStore key costs an unordered_map node, a bucket and a
// heap-allocated key string on top of the value. KeyStore keeps each key in
// one heap block (LRU links, deadline, hash, value, then the key bytes),
// indexed by an open-addressing table of pointers. Same semantics as
// LruStore: exact key match, recency order = touch order, Oldest() is the
// least recently touched entry.
template <class T>
class KeyStore {
 public:
  struct Entry {
    T value{};
    int64_t deadline = kNoDeadline;

   private:
    friend class KeyStore;
    friend struct RecencyList<Entry>;
    std::string_view key() const { return {reinterpret_cast<const char*>(this + 1), key_len}; }
    Entry* newer = nullptr;
    Entry* older = nullptr;
    uint32_t hash = 0;  // 32 bits: shares a word with key_len (8 bytes less a key)
    uint32_t key_len = 0;
  };

  KeyStore() = default;
  KeyStore(const KeyStore&) = delete;
  KeyStore& operator=(const KeyStore&) = delete;
  ~KeyStore() {
    for (Entry* e = order_.oldest; e != nullptr;) {
      Entry* next = e->newer;
      Free(e);
      e = next;
    }
  }

  // Null when absent. Does not change recency.
  Entry* Find(std::string_view key) const {
    if (slots_.empty()) return nullptr;
    const uint32_t h = Hash(key);
    for (size_t i = h & mask(); slots_[i] != nullptr; i = (i + 1) & mask()) {
      Entry* e = slots_[i];
      if (e->hash == h && e->key() == key) return e;
    }
    return nullptr;
  }

  // Inserts a default entry (most recent) for a key that is absent. The
  // caller has made room.
  Entry* Insert(std::string_view key) {
    if ((size_ + 1) * 4 > slots_.size() * 3) Rehash(std::max<size_t>(16, slots_.size() * 2));
    void* mem = ::operator new(sizeof(Entry) + key.size());
    Entry* e = new (mem) Entry();
    e->hash = Hash(key);
    e->key_len = static_cast<uint32_t>(key.size());
    if (!key.empty()) std::memcpy(reinterpret_cast<char*>(e + 1), key.data(), key.size());
    Place(e);
    ++size_;
    order_.LinkNewest(e);
    return e;
  }

  // Marks `e` most recently used and sets its deadline.
  void Touch(Entry* e, int64_t deadline) {
    e->deadline = deadline;
    order_.MoveToNewest(e);
  }

  void Erase(Entry* e) {
    size_t i = e->hash & mask();
    while (slots_[i] != e) i = (i + 1) & mask();
    // Backward-shift deletion: no tombstones, probes stay short.
    for (size_t j = i;;) {
      j = (j + 1) & mask();
      if (slots_[j] == nullptr) break;
      const size_t home = slots_[j]->hash & mask();
      // slots_[j] may move to i unless its home lies cyclically in (i, j].
      const bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
      if (!stays) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i] = nullptr;
    --size_;
    order_.Unlink(e);
    Free(e);
  }

  Entry* Oldest() const { return order_.oldest; }
  size_t size() const { return size_; }

  int64_t Deadline() const {
    return order_.oldest == nullptr ? kNoDeadline : order_.oldest->deadline;
  }
  // Drops the oldest entries whose deadline is <= upto.
  void ExpireUpTo(int64_t upto) {
    while (order_.oldest != nullptr && order_.oldest->deadline <= upto) Erase(order_.oldest);
  }

 private:
  static uint32_t Hash(std::string_view key) {
    return static_cast<uint32_t>(XXH3_64bits(key.data(), key.size()));
  }
  size_t mask() const { return slots_.size() - 1; }
  static void Free(Entry* e) {
    e->~Entry();
    ::operator delete(static_cast<void*>(e));
  }
  void Place(Entry* e) {
    size_t i = e->hash & mask();
    while (slots_[i] != nullptr) i = (i + 1) & mask();
    slots_[i] = e;
  }
  void Rehash(size_t n) {  // n: a power of two
    std::vector<Entry*> old(n, nullptr);
    old.swap(slots_);
    for (Entry* e : old) {
      if (e != nullptr) Place(e);
    }
  }

  std::vector<Entry*> slots_;  // power-of-two size, load <= 3/4
  size_t size_ = 0;
  RecencyList<Entry> order_;
};

// A malloc'd byte block sized exactly (or, when it grows, geometrically):
// one heap block, 16 bytes inline, instead of a vector of records each
// owning strings.
class Blob {
 public:
  Blob() = default;
  Blob(const Blob&) = delete;
  Blob& operator=(const Blob&) = delete;
  ~Blob() { std::free(data_); }

  char* data() { return data_; }
  const char* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return cap_; }
  void Reserve(size_t n) {
    if (n <= cap_) return;
    void* p = std::realloc(data_, n);
    if (p == nullptr) throw std::bad_alloc();
    data_ = static_cast<char*>(p);
    cap_ = static_cast<uint32_t>(n);
  }
  void Resize(size_t n) {
    Reserve(n);
    size_ = static_cast<uint32_t>(n);
  }
  void Release() {  // frees the memory
    std::free(data_);
    data_ = nullptr;
    size_ = cap_ = 0;
  }

 private:
  char* data_ = nullptr;
  uint32_t size_ = 0;
  uint32_t cap_ = 0;
};

// Records in blobs: fixed 8-byte times, LEB128 lengths before strings.
size_t VarSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
char* PutVar(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}
const char* GetVar(const char* p, uint64_t* v) {
  uint64_t r = 0;
  for (int shift = 0;; shift += 7) {
    const auto b = static_cast<unsigned char>(*p++);
    r |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) break;
  }
  *v = r;
  return p;
}
char* PutTime(char* p, int64_t t) {
  std::memcpy(p, &t, sizeof t);
  return p + sizeof t;
}
const char* GetTime(const char* p, int64_t* t) {
  std::memcpy(t, p, sizeof *t);
  return p + sizeof *t;
}
char* PutStr(char* p, std::string_view s) {
  p = PutVar(p, s.size());
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  return p + s.size();
}
const char* GetStr(const char* p, std::string_view* s) {
  uint64_t n = 0;
  p = GetVar(p, &n);
  *s = {p, static_cast<size_t>(n)};
  return p + n;
}
size_t StrSize(std::string_view s) { return VarSize(s.size()) + s.size(); }

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
// the window is empty (its newest event has left). Records (time, uid) are
// packed in one blob from byte `begin_`; popping advances `begin_` and the
// live bytes move back to the start only when at least as many bytes were
// popped (amortized O(1)), so a key with one event costs one small block.
class EventRing {
 public:
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  int64_t front_time() const {
    int64_t t = 0;
    GetTime(buf_.data() + begin_, &t);
    return t;
  }
  void pop_front() {
    int64_t t = 0;
    std::string_view uid;
    const char* p = GetStr(GetTime(buf_.data() + begin_, &t), &uid);
    begin_ = static_cast<uint32_t>(p - buf_.data());
    if (--n_ == 0) {
      begin_ = 0;
      buf_.Resize(0);
    }
  }
  // Appends; when `limit` events are held the oldest is dropped first.
  void push_back(int64_t t, std::string_view uid, size_t limit) {
    if (n_ >= limit) pop_front();
    const size_t need = sizeof t + StrSize(uid);
    const size_t live = buf_.size() - begin_;
    if (buf_.size() + need > buf_.capacity()) {
      if (begin_ > 0) {  // compact: the popped bytes pay for the move
        std::memmove(buf_.data(), buf_.data() + begin_, live);
        buf_.Resize(live);
        begin_ = 0;
      }
      if (live + need > buf_.capacity()) {
        buf_.Reserve(std::max(live + need, buf_.capacity() + buf_.capacity() / 2));
      }
    }
    const size_t end = buf_.size();
    buf_.Resize(end + need);
    PutStr(PutTime(buf_.data() + end, t), uid);
    ++n_;
  }
  // Calls f(time, uid) oldest first.
  template <class F>
  void ForEach(F&& f) const {
    const char* p = buf_.data() + begin_;
    for (uint32_t i = 0; i < n_; ++i) {
      int64_t t = 0;
      std::string_view uid;
      p = GetStr(GetTime(p, &t), &uid);
      f(t, uid);
    }
  }

 private:
  Blob buf_;
  uint32_t begin_ = 0;
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
    while (!c.window.empty() && !InWindow(c.window.front_time(), t, rule_.within_ns)) {
      c.window.pop_front();
    }
    const uint64_t threshold = std::max<uint64_t>(1, rule_.threshold);
    c.window.push_back(t, e.uid(), threshold);
    store_.Touch(entry, WindowDeadline(t, rule_.within_ns));
    if (!c.fired && c.window.size() >= threshold) {
      c.fired = true;
      AlertDraft d;
      d.time_ns = c.window.front_time();
      d.end_ns = t;
      c.window.ForEach([&](int64_t, std::string_view uid) { d.events.push_back(uid); });
      FillKey(e, rule_.by_slots, &d);
      d.count = c.window.size();
      EventSource src(e);
      Emit(d, src, t);
    }
  }

 protected:
  // A key whose newest event left the window is dropped: that is the re-arm.
  size_t KindSize() const override { return store_.size(); }
  int64_t KindDeadline() const override { return store_.Deadline(); }
  void KindExpireUpTo(int64_t upto) override { store_.ExpireUpTo(upto); }

 private:
  KeyStore<CountEntry> store_;
  std::string key_;
};

// --------------------------------------------------------------- distinct --

struct DistinctEntry {
  // Values seen in the window, fewer than `threshold` while not fired, as
  // records (last time, encoded value, uid of the event that last carried
  // it) in one blob, in first-seen order; released once fired (then only the
  // key's deadline matters, for the re-arm). Values are stored exactly, so
  // the distinct count is exact.
  Blob values;
  uint32_t n = 0;
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
    // Rebuild the records into scratch_: drop those out of the window,
    // refresh the one with this value in place (keeping its position, the
    // tie-break of the alert's order), else append it.
    const std::string_view uid = e.uid();
    scratch_.clear();
    uint32_t n = 0;
    bool found = false;
    auto append = [&](int64_t time, std::string_view value, std::string_view u) {
      const size_t at = scratch_.size();
      scratch_.resize(at + sizeof time + StrSize(value) + StrSize(u));
      PutStr(PutStr(PutTime(scratch_.data() + at, time), value), u);
      ++n;
    };
    const char* p = de.values.data();
    for (uint32_t i = 0; i < de.n; ++i) {
      int64_t time = 0;
      std::string_view value, u;
      p = GetStr(GetStr(GetTime(p, &time), &value), &u);
      if (!InWindow(time, t, rule_.within_ns)) continue;
      if (value == value_) {
        found = true;
        append(t, value, uid);
      } else {
        append(time, value, u);
      }
    }
    if (!found) append(t, value_, uid);
    de.values.Resize(scratch_.size());
    std::memcpy(de.values.data(), scratch_.data(), scratch_.size());
    de.n = n;
    const uint64_t threshold = std::max<uint64_t>(1, rule_.threshold);
    if (n < threshold) return;
    de.fired = true;
    struct Rec {
      int64_t time;
      std::string_view uid;
    };
    std::vector<Rec> order;
    order.reserve(n);
    p = de.values.data();
    for (uint32_t i = 0; i < n; ++i) {
      Rec r{};
      std::string_view value;
      p = GetStr(GetStr(GetTime(p, &r.time), &value), &r.uid);
      order.push_back(r);
    }
    std::stable_sort(order.begin(), order.end(),
                     [](const Rec& a, const Rec& b) { return a.time < b.time; });
    AlertDraft d;
    d.time_ns = order.front().time;
    d.end_ns = t;
    for (const Rec& r : order) d.events.push_back(r.uid);
    FillKey(e, rule_.by_slots, &d);
    d.count = n;
    EventSource src(e);
    Emit(d, src, t);
    de.values.Release();
    de.n = 0;
  }

 protected:
  size_t KindSize() const override { return store_.size(); }
  int64_t KindDeadline() const override { return store_.Deadline(); }
  void KindExpireUpTo(int64_t upto) override { store_.ExpireUpTo(upto); }

 private:
  KeyStore<DistinctEntry> store_;
  std::string key_;
  std::string value_;
  std::string scratch_;
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
