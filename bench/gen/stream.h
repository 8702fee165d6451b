// The time-ordered record stream shared by the three provider generators:
// ambient traffic is produced on the fly at random (exponential) intervals
// and merged, by event time, with records scheduled ahead (attack and decoy
// episodes, bursts); ground-truth findings are collected alongside.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <queue>
#include <string>
#include <vector>

#include "json_writer.h"

namespace benchgen {

// One alert the reference detections must raise on the stream.
struct Finding {
  std::string provider;  // aws | azure | gcp
  std::string rule;      // rule name in rules/t1578
  std::string scenario;  // generator scenario id (A1, B2, ...)
  std::string key;       // the rule's key value (principal, instance...)
  std::string event;     // id of the event that completes the alert ("" when the provider has none)
  int64_t time = 0;      // time of that event (us)
};

struct Truth {
  std::vector<Finding> findings;
  std::map<std::string, int> decoys;  // near-miss scenario -> episodes generated
  std::map<std::string, int> attacks;  // attack scenario -> episodes generated
};

class Stream {
 public:
  using Emit = std::function<void(std::string* out)>;

  Stream(FILE* f, uint64_t seed) : rng(seed), f_(f) { buf_.reserve(kFlush + (1 << 20)); }
  ~Stream() { Flush(); }

  // Schedules a record at time t (us).
  void At(int64_t t, Emit emit) {
    queue_.push(Item{t, seq_++, std::move(emit)});
    ++scheduled_;
  }
  uint64_t scheduled() const { return scheduled_; }

  // Runs the stream: `ambient(t, budget)` writes ambient records at time t
  // (it may also schedule some with At) and returns how many it produced or
  // scheduled (<= budget). Ends when `ambient_total` ambient records and
  // every scheduled record have been written.
  void Run(int64_t start, int64_t span, uint64_t ambient_total,
           const std::function<uint64_t(int64_t, uint64_t)>& ambient) {
    const double mean = ambient_total > 0 ? static_cast<double>(span) / ambient_total : 1.0;
    int64_t t = start;
    uint64_t left = ambient_total;
    while (left > 0 || !queue_.empty()) {
      int64_t next = INT64_MAX;
      if (left > 0) next = t + 1 + static_cast<int64_t>(rng.Exp(mean));
      while (!queue_.empty() && queue_.top().t <= next) {
        Item it = queue_.top();
        queue_.pop();
        now_ = it.t;
        it.emit(&buf_);
        buf_.push_back('\n');
        ++written_;
        MaybeFlush();
      }
      if (left == 0) break;
      t = next;
      now_ = t;
      const size_t before = buf_.size();
      const uint64_t used = ambient(t, left);
      // Count the lines written now; the rest of `used` was scheduled.
      for (size_t i = before; i < buf_.size(); ++i) written_ += buf_[i] == '\n';
      left -= std::min(used, left);
      MaybeFlush();
    }
    Flush();
  }

  // Writes one ambient record line (called from the ambient callback).
  std::string* out() { return &buf_; }
  int64_t now() const { return now_; }
  uint64_t written() const { return written_; }
  uint64_t bytes() const { return bytes_; }

  Rng rng;  // ambient randomness (emission order is deterministic)

 private:
  struct Item {
    int64_t t;
    uint64_t seq;
    Emit emit;
  };
  struct Later {
    bool operator()(const Item& a, const Item& b) const {
      return a.t != b.t ? a.t > b.t : a.seq > b.seq;
    }
  };
  static constexpr size_t kFlush = 8 << 20;
  void MaybeFlush() {
    if (buf_.size() >= kFlush) Flush();
  }
  void Flush() {
    if (!buf_.empty()) {
      std::fwrite(buf_.data(), 1, buf_.size(), f_);
      bytes_ += buf_.size();
      buf_.clear();
    }
  }

  FILE* f_;
  std::string buf_;
  std::priority_queue<Item, std::vector<Item>, Later> queue_;
  uint64_t seq_ = 0;
  uint64_t scheduled_ = 0;
  uint64_t written_ = 0;
  uint64_t bytes_ = 0;
  int64_t now_ = 0;
};

// Parameters shared by the provider generators.
struct GenConfig {
  uint64_t records = 1000;  // per provider
  uint64_t seed = 1578;
  int64_t start = 0;        // us since the epoch
  int64_t span = 0;         // us
  uint64_t rounds = 1;      // episode rounds (each: every attack and decoy variant once)
};

// Each returns the number of records written; findings go to `truth`.
uint64_t GenerateCloudTrail(const GenConfig& cfg, FILE* f, Truth* truth);
uint64_t GenerateAzure(const GenConfig& cfg, FILE* f, Truth* truth);
uint64_t GenerateGcp(const GenConfig& cfg, FILE* f, Truth* truth);

}  // namespace benchgen
