// Count and distinct windows against a direct model of their semantics
// (std containers, the layout windows.cc used before its state was packed),
// over random streams: many keys of varied lengths (the key store's table
// grows, entries are evicted at the cap and expire from the middle of probe
// chains), uids of varied lengths (the count ring's records wrap and
// compact), values refreshed and leaving the window.
#include <algorithm>
#include <deque>
#include <list>
#include <map>
#include <random>

#include "tests/engine/engine_test_util.h"

namespace rdl::etest {
namespace {

struct Ev1 {
  int64_t t;  // seconds after kBase, strictly increasing
  std::string uid, actor, value;
};

std::vector<Ev1> RandomStream(uint32_t seed, size_t n, size_t actors, size_t values) {
  std::mt19937 rng(seed);
  std::vector<Ev1> out;
  int64_t t = 0;
  for (size_t i = 0; i < n; ++i) {
    t += 1 + static_cast<int64_t>(rng() % 12);
    // A few hot actors and a long tail; names and uids of varied lengths.
    const size_t a = rng() % 4 == 0 ? rng() % 3 : rng() % actors;
    Ev1 e;
    e.t = t;
    e.uid = "e" + std::to_string(i) + std::string(rng() % 150, 'u');
    e.actor = "actor-" + std::to_string(a) + std::string(a % 40, 'x');
    e.value = "v" + std::to_string(rng() % values) + std::string(rng() % 20, 'y');
    out.push_back(std::move(e));
  }
  return out;
}

std::string Line(const Ev1& e) {
  return Ev(e.t, e.uid, "go", Actor(e.actor) + ",\"cloud\":{\"region\":\"" + e.value + "\"}");
}

std::string Summary(const std::string& rule, const std::vector<std::string>& uids, int64_t t0,
                    int64_t t1) {
  std::string s = rule + " [";
  for (size_t i = 0; i < uids.size(); ++i) s += (i ? "," : "") + uids[i];
  return s + "] +" + std::to_string(t0) + "s..+" + std::to_string(t1) + "s";
}

// Keys in touch order (front = least recent) with expiry by deadline and
// eviction at the cap, as the engine's stores do.
template <class S>
struct ModelStore {
  std::list<std::string> order;
  std::map<std::string, std::pair<S, int64_t>> states;  // key -> (state, last time)
  uint64_t evictions = 0;

  S& Get(const std::string& key, int64_t t, int64_t within, size_t cap) {
    // Drop keys whose deadline (last + within - 1) is before t.
    while (!order.empty() && states[order.front()].second + within - 1 < t) {
      states.erase(order.front());
      order.pop_front();
    }
    if (!states.count(key)) {
      if (states.size() >= cap) {
        states.erase(order.front());
        order.pop_front();
        ++evictions;
      }
      states[key];
    } else {
      order.remove(key);
    }
    order.push_back(key);
    states[key].second = t;
    return states[key].first;
  }
};

Strings ModelCount(const std::vector<Ev1>& evs, size_t threshold, int64_t within, size_t cap,
                   uint64_t* evictions) {
  struct C {
    std::deque<std::pair<int64_t, std::string>> w;
    bool fired = false;
  };
  ModelStore<C> store;
  Strings out;
  for (const Ev1& e : evs) {
    C& c = store.Get(e.actor, e.t, within, cap);
    while (!c.w.empty() && c.w.front().first <= e.t - within) c.w.pop_front();
    c.w.emplace_back(e.t, e.uid);
    if (c.w.size() > threshold) c.w.pop_front();
    if (!c.fired && c.w.size() >= threshold) {
      c.fired = true;
      std::vector<std::string> uids;
      for (const auto& [t, u] : c.w) uids.push_back(u);
      out.push_back(Summary("n", uids, c.w.front().first, e.t));
    }
  }
  *evictions = store.evictions;
  return out;
}

Strings ModelDistinct(const std::vector<Ev1>& evs, size_t threshold, int64_t within, size_t cap,
                      uint64_t* evictions) {
  struct V {
    std::string value;
    int64_t t;
    std::string uid;
  };
  struct D {
    std::vector<V> vals;
    bool fired = false;
  };
  ModelStore<D> store;
  Strings out;
  for (const Ev1& e : evs) {
    D& d = store.Get(e.actor, e.t, within, cap);
    if (d.fired) continue;
    std::erase_if(d.vals, [&](const V& v) { return v.t <= e.t - within; });
    auto it =
        std::find_if(d.vals.begin(), d.vals.end(), [&](const V& v) { return v.value == e.value; });
    if (it != d.vals.end()) {
      it->t = e.t;
      it->uid = e.uid;
    } else {
      d.vals.push_back(V{e.value, e.t, e.uid});
    }
    if (d.vals.size() < threshold) continue;
    d.fired = true;
    std::vector<V> sorted = d.vals;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const V& a, const V& b) { return a.t < b.t; });
    std::vector<std::string> uids;
    for (const V& v : sorted) uids.push_back(v.uid);
    out.push_back(Summary("n", uids, sorted.front().t, e.t));
    d.vals.clear();
  }
  *evictions = store.evictions;
  return out;
}

std::unique_ptr<LoadedPack> Pack(RuleKind kind, uint64_t threshold, int64_t within_s,
                                 uint32_t max_keys) {
  ProgramBuilder b;
  Rule& r = b.AddRule("n", kind);
  r.pred = b.ActionIs("go");
  r.by_slots = {kActor};
  if (kind == RuleKind::kDistinct) r.value_slots = {kRegion};
  r.threshold = threshold;
  r.within_ns = within_s * kSec;
  r.max_keys = max_keys;
  return b.Load();
}

TEST_CASE("count and distinct windows match the model over random streams") {
  struct Shape {
    uint64_t threshold;
    int64_t within_s;
    uint32_t cap;
    size_t actors, values;
  };
  const Shape shapes[] = {
      {3, 60, 1000, 50, 6},      // small windows, many re-arms
      {7, 300, 40, 200, 12},     // evictions at the cap
      {25, 3600, 1000, 30, 60},  // long rings: wrap and compaction
      {1, 30, 1000, 400, 3},     // threshold 1; many keys: the table grows
  };
  uint32_t seed = 1;
  for (const Shape& s : shapes) {
    for (int round = 0; round < 2; ++round, ++seed) {
      const auto evs = RandomStream(seed, 3000, s.actors, s.values);
      std::vector<std::string> lines;
      for (const Ev1& e : evs) lines.push_back(Line(e));
      for (RuleKind kind : {RuleKind::kCount, RuleKind::kDistinct}) {
        INFO("seed " << seed << " threshold " << s.threshold << " distinct "
                     << (kind == RuleKind::kDistinct));
        uint64_t evictions = 0;
        const Strings want = kind == RuleKind::kCount
                                 ? ModelCount(evs, s.threshold, s.within_s, s.cap, &evictions)
                                 : ModelDistinct(evs, s.threshold, s.within_s, s.cap, &evictions);
        auto pack = Pack(kind, s.threshold, s.within_s, s.cap);
        auto res = Run(*pack, lines);
        CHECK(res.summary == want);
        CHECK(res.counters.rules[0].evictions == evictions);
        CHECK(!want.empty());
      }
    }
  }
}

}  // namespace
}  // namespace rdl::etest
