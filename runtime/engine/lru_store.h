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

// The recency order of a key store, intrusive: entries carry `older` and
// `newer` pointers; oldest is the least recently touched. Shared by
// LruStore and the window states' KeyStore (windows.cc).
template <class Entry>
struct RecencyList {
  Entry* oldest = nullptr;
  Entry* newest = nullptr;
  void LinkNewest(Entry* e) {
    e->older = newest;
    e->newer = nullptr;
    if (newest != nullptr) newest->newer = e;
    newest = e;
    if (oldest == nullptr) oldest = e;
  }
  // Touching an entry: it becomes the newest.
  void MoveToNewest(Entry* e) {
    if (newest == e) return;
    Unlink(e);
    LinkNewest(e);
  }
  void Unlink(Entry* e) {
    if (e->older != nullptr) e->older->newer = e->newer;
    if (e->newer != nullptr) e->newer->older = e->older;
    if (oldest == e) oldest = e->newer;
    if (newest == e) newest = e->older;
    e->older = e->newer = nullptr;
  }
};

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
    friend struct RecencyList<Entry>;
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
      order_.LinkNewest(e);
    } else {
      Touch(e, e->deadline);
    }
    return e;
  }

  // Marks `e` most recently used and sets its deadline.
  void Touch(Entry* e, int64_t deadline) {
    e->deadline = deadline;
    order_.MoveToNewest(e);
  }

  void Erase(Entry* e) {
    order_.Unlink(e);
    std::string key = *e->key;  // the map owns the key: copy before erasing
    map_.erase(key);
  }

  // The least recently touched (= earliest deadline) entry, or null.
  Entry* Oldest() const { return order_.oldest; }
  size_t size() const { return map_.size(); }
  bool empty() const { return map_.empty(); }
  const std::string& KeyOf(const Entry* e) const { return *e->key; }

  // Oldest to newest.
  template <class F>
  void ForEach(F&& f) const {
    for (Entry* e = order_.oldest; e != nullptr; e = e->newer) f(*e->key, *e);
  }

 private:
  // unordered_map never moves its elements, so Entry pointers stay valid
  // until the entry is erased.
  std::unordered_map<std::string, Entry> map_;
  RecencyList<Entry> order_;
};

}  // namespace rdl::engine_internal
