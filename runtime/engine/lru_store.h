// LruStore: the bounded key -> state map behind every per-rule store of the
// engine (count/distinct windows, first-seen baselines, suppression memory,
// leading-absence memory). Entries sit on an intrusive recency list so the
// least recently touched entry is found and evicted in O(1).
//
// Every store in the engine touches an entry only while processing an event
// (or a timer) at the engine's current time, and sets the entry's deadline to
// "now + a constant span" at that moment. Touch order is therefore also
// deadline order, so the least recently touched entry is also the first to
// expire: the same list serves eviction (at the cap) and expiry (as the
// watermark advances), with no separate timer structure.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>

namespace rdl::engine_internal {

template <class T>
class LruStore {
 public:
  struct Entry {
    T value{};
    // The last event time at which the entry is still alive; the engine
    // drops it once the watermark (or the current event) is past it.
    int64_t deadline = std::numeric_limits<int64_t>::max();

   private:
    friend class LruStore;
    const std::string* key = nullptr;
    Entry* newer = nullptr;
    Entry* older = nullptr;
  };

  LruStore() = default;
  LruStore(const LruStore&) = delete;
  LruStore& operator=(const LruStore&) = delete;

  // Null when absent. Does not change recency.
  Entry* Find(const std::string& key) {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second;
  }

  // Inserts a default entry (most recent). The caller has made room.
  Entry* Insert(const std::string& key) {
    auto [it, inserted] = map_.try_emplace(key);
    Entry* e = &it->second;
    if (inserted) {
      e->key = &it->first;
      LinkNewest(e);
    } else {
      Touch(e, e->deadline);
    }
    return e;
  }

  // Marks `e` most recently used and sets its deadline.
  void Touch(Entry* e, int64_t deadline) {
    e->deadline = deadline;
    if (newest_ == e) return;
    Unlink(e);
    LinkNewest(e);
  }

  void Erase(Entry* e) {
    Unlink(e);
    std::string key = *e->key;  // the map owns the key: copy before erasing
    map_.erase(key);
  }

  // The least recently touched (= earliest deadline) entry, or null.
  Entry* Oldest() const { return oldest_; }
  size_t size() const { return map_.size(); }
  bool empty() const { return map_.empty(); }
  const std::string& KeyOf(const Entry* e) const { return *e->key; }

  // Oldest to newest.
  template <class F>
  void ForEach(F&& f) const {
    for (Entry* e = oldest_; e != nullptr; e = e->newer) f(*e->key, *e);
  }

 private:
  void LinkNewest(Entry* e) {
    e->older = newest_;
    e->newer = nullptr;
    if (newest_ != nullptr) newest_->newer = e;
    newest_ = e;
    if (oldest_ == nullptr) oldest_ = e;
  }
  void Unlink(Entry* e) {
    if (e->older != nullptr) e->older->newer = e->newer;
    if (e->newer != nullptr) e->newer->older = e->older;
    if (oldest_ == e) oldest_ = e->newer;
    if (newest_ == e) newest_ = e->older;
    e->older = e->newer = nullptr;
  }

  // unordered_map never moves its elements, so Entry pointers stay valid
  // until the entry is erased.
  std::unordered_map<std::string, Entry> map_;
  Entry* oldest_ = nullptr;
  Entry* newest_ = nullptr;
};

}  // namespace rdl::engine_internal
