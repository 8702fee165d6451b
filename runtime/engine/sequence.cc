// The sequence state machine (EQL's, docs/semantics.md "Sequences"): per
// wait position w a map pending[w]: join key -> partial match, at most one
// partial per (position, key); stages tried last to first; a new first-stage
// event replaces the older partial of its key; `within` measured from the
// first event; `until` clears a key; absence stages pass only by timing out.
// Join keys whose values are lists index a partial under each element.
#include <algorithm>

#include "runtime/engine/core.h"

namespace rdl::engine_internal {
namespace {

struct Partial {
  // The position the partial waits at: stages [0, wait) are decided (the
  // positive ones matched), stage `wait` is next. When stages wait.. are
  // absences, the next positive stage after them can match it directly.
  uint32_t wait = 0;
  int64_t first_ns = 0;
  int64_t deadline = 0;                // first + within: last time it can progress
  std::vector<std::string> keys;       // the keys it is indexed under in pending[wait]
  std::vector<OwnedValue> key_values;  // first stage's key values (the alert key)
  struct Match {
    bool matched = false;
    std::string uid;
    int64_t time = 0;
    std::vector<OwnedValue> caps;  // parallel to Stage::captures
  };
  std::vector<Match> stages;
  // Recency (eviction) and creation (= deadline) order.
  Partial* lru_prev = nullptr;
  Partial* lru_next = nullptr;
  Partial* fifo_prev = nullptr;
  Partial* fifo_next = nullptr;
};

template <Partial* Partial::*Prev, Partial* Partial::*Next>
struct PartialList {
  Partial* head = nullptr;
  Partial* tail = nullptr;
  void PushBack(Partial* p) {
    p->*Prev = tail;
    p->*Next = nullptr;
    if (tail != nullptr) {
      tail->*Next = p;
    } else {
      head = p;
    }
    tail = p;
  }
  void Remove(Partial* p) {
    if (p->*Prev != nullptr) {
      (p->*Prev)->*Next = p->*Next;
    } else {
      head = p->*Next;
    }
    if (p->*Next != nullptr) {
      (p->*Next)->*Prev = p->*Prev;
    } else {
      tail = p->*Prev;
    }
    p->*Prev = nullptr;
    p->*Next = nullptr;
  }
};

// Field values for an alert of a partial: the completing event when there
// is one, else (absence timeouts) the partial's captures.
class PartialSource : public FieldSource {
 public:
  PartialSource(const Rule& rule, const Partial& p, const Event* event, ViewArena& arena,
                uint32_t first_stage)
      : rule_(rule), p_(p), event_(event), arena_(arena), first_stage_(first_stage) {}

  Value Field(uint16_t slot) override {
    if (event_ != nullptr)
      return slot < event_->num_slots() ? event_->slot(slot) : Value::Missing();
    for (size_t s = p_.stages.size(); s-- > 0;) {
      const auto& m = p_.stages[s];
      if (!m.matched) continue;
      const auto& caps = rule_.stages[s].captures;
      for (size_t i = 0; i < caps.size() && i < m.caps.size(); ++i) {
        if (caps[i] == slot) return arena_.View(m.caps[i]);
      }
    }
    const auto& ks = rule_.stages[first_stage_].key_slots;
    for (size_t i = 0; i < ks.size() && i < p_.key_values.size(); ++i) {
      if (ks[i] == slot) return arena_.View(p_.key_values[i]);
    }
    return Value::Missing();
  }
  Value Capture(uint16_t stage, uint16_t index) override {
    if (stage >= p_.stages.size() || !p_.stages[stage].matched) return Value::Missing();
    const auto& caps = p_.stages[stage].caps;
    return index < caps.size() ? arena_.View(caps[index]) : Value::Missing();
  }

 private:
  const Rule& rule_;
  const Partial& p_;
  const Event* event_;
  ViewArena& arena_;
  uint32_t first_stage_;
};

class SequenceState : public RuleState {
 public:
  SequenceState(Core& core, uint32_t index) : RuleState(core, index) {
    n_ = static_cast<uint32_t>(rule_.stages.size());
    // The verifier guarantees stage 0 is positive; p0_ is kept general so a
    // program without a positive stage simply never matches.
    p0_ = n_;
    for (uint32_t k = 0; k < n_; ++k) {
      if (!rule_.stages[k].absence) {
        p0_ = k;
        break;
      }
    }
    pending_.resize(n_);
    wait_of_.assign(n_, 0);
    for (uint32_t k = p0_ + 1; k < n_; ++k) {
      uint32_t j = k;
      while (j - 1 > p0_ && rule_.stages[j - 1].absence) --j;
      wait_of_[k] = j;
    }
    terminal_absence_.assign(n_ + 1, false);
    for (uint32_t w = n_; w-- > 0;) {
      terminal_absence_[w] = rule_.stages[w].absence && (w + 1 == n_ || terminal_absence_[w + 1]);
    }
    blank_refs_.resize(n_);
    for (uint32_t k = 0; k < n_; ++k) {
      blank_refs_[k].assign(rule_.stages[k].captures.size(), Value::Missing());
    }
    if (p0_ < n_) {
      until_slots_ =
          rule_.until_key_slots.empty() ? &rule_.stages[p0_].key_slots : &rule_.until_key_slots;
    }
  }

  ~SequenceState() override {
    while (fifo_.head != nullptr) {
      Partial* p = fifo_.head;
      fifo_.Remove(p);
      delete p;
    }
  }

  void OnEvent(const Event& e) override {
    if (p0_ >= n_) return;  // no positive stage: nothing can ever match
    if (rule_.has_until && Eval(rule_.until_pred, e, &blank_refs_)) ApplyUntil(e);
    // Last to first: an event that advances a partial into position k+1 is
    // not looked at again for stage k+1, so it never fills two consecutive
    // stages of one partial.
    for (uint32_t k = n_; k-- > p0_;) {
      if (k == p0_) {
        Start(e);
      } else {
        AdvanceOrCancel(k, e);
      }
    }
  }

  void ListPartials(std::vector<PartialInfo>* out) const override {
    for (Partial* p = fifo_.head; p != nullptr; p = p->fifo_next) {
      PartialInfo info;
      info.rule = rule_.name;
      info.key = RenderKey(*p);
      info.stage = p->wait;
      info.first_ns = p->first_ns;
      info.expires_ns = p->deadline;
      out->push_back(std::move(info));
    }
  }

 protected:
  int64_t KindDeadline() const override {
    return fifo_.head != nullptr ? fifo_.head->deadline : kNoDeadline;
  }

  void KindExpireUpTo(int64_t upto) override {
    while (fifo_.head != nullptr && fifo_.head->deadline <= upto) {
      Partial* p = fifo_.head;
      // Only absences remain and the span ended without them: that is the
      // alert. Anything else past its span is dropped.
      if (p->wait < n_ && terminal_absence_[p->wait]) EmitAbsence(p);
      Destroy(p);
    }
  }

 private:
  void ApplyUntil(const Event& e) {
    if (!CandidateKeys(e, *until_slots_, &keys_)) return;
    victims_.clear();
    for (const std::string& key : keys_) {
      for (uint32_t w = p0_ + 1; w < n_; ++w) {
        auto it = pending_[w].find(key);
        if (it == pending_[w].end()) continue;
        if (std::find(victims_.begin(), victims_.end(), it->second) == victims_.end()) {
          victims_.push_back(it->second);
        }
      }
    }
    for (Partial* p : victims_) Destroy(p);
  }

  void Start(const Event& e) {
    const Stage& st = rule_.stages[p0_];
    if (!Eval(st.pred, e, &blank_refs_)) return;
    if (!CandidateKeys(e, st.key_slots, &keys_)) return;
    const int64_t t = e.time_ns();
    auto* p = new Partial;
    p->wait = p0_;
    p->first_ns = t;
    p->deadline = rule_.within_ns > 0 ? SatAdd(t, rule_.within_ns) : kNoDeadline;
    p->stages.resize(n_);
    for (uint16_t s : st.key_slots) p->key_values.push_back(Own(e.slot(s)));
    RecordMatch(p, p0_, e);
    fifo_.PushBack(p);
    lru_.PushBack(p);
    ++live_;
    Place(p, p0_ + 1, keys_, e);
    while (live_ > cap() && lru_.head != nullptr) {
      Destroy(lru_.head);
      CountEviction();
    }
  }

  void AdvanceOrCancel(uint32_t k, const Event& e) {
    const uint32_t w = wait_of_[k];
    if (pending_[w].empty()) return;
    const Stage& st = rule_.stages[k];
    if (!CandidateKeys(e, st.key_slots, &keys_)) return;
    hits_.clear();
    for (const std::string& key : keys_) {
      auto it = pending_[w].find(key);
      if (it == pending_[w].end()) continue;
      auto h = std::find_if(hits_.begin(), hits_.end(),
                            [&](const Hit& x) { return x.partial == it->second; });
      if (h == hits_.end()) {
        hits_.push_back(Hit{it->second, {key}});
      } else {
        h->keys.push_back(key);
      }
    }
    const int64_t t = e.time_ns();
    for (Hit& hit : hits_) {
      Partial* p = hit.partial;
      if (p->deadline < t) continue;  // past its span (timers drop it first)
      Materialize(*p);
      if (!Eval(st.pred, e, &refs_)) continue;
      if (st.absence) {  // seen before the deadline: the partial can never fire
        Destroy(p);
        continue;
      }
      RecordMatch(p, k, e);
      Unindex(p);
      // The partial moves on under the keys this event matched it by (for
      // list keys: the intersection).
      Place(p, k + 1, hit.keys, e);
    }
  }

  // Puts `p` at position `next` under `keys`, replacing any partial already
  // there for one of them, or completes it.
  void Place(Partial* p, uint32_t next, const std::vector<std::string>& keys, const Event& e) {
    if (next >= n_) {
      EmitCompletion(p, e);
      Destroy(p);
      return;
    }
    auto& map = pending_[next];
    for (const std::string& key : keys) {
      auto it = map.find(key);
      if (it != map.end() && it->second != p) Destroy(it->second);
    }
    p->wait = next;
    p->keys = keys;
    for (const std::string& key : keys) map[key] = p;
    lru_.Remove(p);
    lru_.PushBack(p);
  }

  void RecordMatch(Partial* p, uint32_t k, const Event& e) {
    auto& m = p->stages[k];
    m.matched = true;
    m.uid.assign(e.uid());
    m.time = e.time_ns();
    m.caps.clear();
    for (uint16_t s : rule_.stages[k].captures) m.caps.push_back(Own(e.slot(s)));
  }

  void Unindex(Partial* p) {
    if (p->wait < n_) {
      auto& map = pending_[p->wait];
      for (const std::string& key : p->keys) {
        auto it = map.find(key);
        if (it != map.end() && it->second == p) map.erase(it);
      }
    }
    p->keys.clear();
  }

  void Destroy(Partial* p) {
    Unindex(p);
    lru_.Remove(p);
    fifo_.Remove(p);
    --live_;
    delete p;
  }

  void Materialize(const Partial& p) {
    arena_.Reset();
    refs_.resize(n_);
    for (uint32_t s = 0; s < n_; ++s) {
      const size_t ncap = rule_.stages[s].captures.size();
      refs_[s].assign(ncap, Value::Missing());
      const auto& m = p.stages[s];
      if (!m.matched) continue;
      for (size_t i = 0; i < ncap && i < m.caps.size(); ++i) refs_[s][i] = arena_.View(m.caps[i]);
    }
  }

  void FillDraft(const Partial& p, AlertDraft* d) {
    d->time_ns = p.first_ns;
    for (const auto& m : p.stages) {
      if (m.matched) d->events.push_back(m.uid);
    }
    d->key_slots = &rule_.stages[p0_].key_slots;
    for (const OwnedValue& v : p.key_values) d->key_values.push_back(emit_arena_.View(v));
    d->count = d->events.size();
  }

  void EmitCompletion(Partial* p, const Event& e) {
    emit_arena_.Reset();
    AlertDraft d;
    FillDraft(*p, &d);
    d.end_ns = e.time_ns();
    PartialSource src(rule_, *p, &e, emit_arena_, p0_);
    Emit(d, src, e.time_ns());
  }

  void EmitAbsence(Partial* p) {
    emit_arena_.Reset();
    AlertDraft d;
    FillDraft(*p, &d);
    d.end_ns = p->deadline;
    PartialSource src(rule_, *p, nullptr, emit_arena_, p0_);
    Emit(d, src, p->deadline);
  }

  std::string RenderKey(const Partial& p) const {
    const auto& slots = rule_.stages[p0_].key_slots;
    ViewArena arena;
    std::string out = "{";
    for (size_t i = 0; i < p.key_values.size(); ++i) {
      if (i > 0) out.push_back(',');
      const bool named = rule_.key_names.size() == p.key_values.size();
      const uint16_t slot = i < slots.size() ? slots[i] : 0;
      AppendJsonString(named ? rule_.key_names[i] : FieldName(program_, slot), &out);
      out.push_back(':');
      const FieldType type =
          slot < program_.fields.size() ? program_.fields[slot].type : FieldType::kString;
      AppendJsonValue(arena.View(p.key_values[i]), type, &out);
    }
    out.push_back('}');
    return out;
  }

  struct Hit {
    Partial* partial;
    std::vector<std::string> keys;
  };

  uint32_t n_ = 0;
  uint32_t p0_ = 0;                     // first positive stage
  std::vector<uint32_t> wait_of_;       // positive/absence stage k -> position it reads
  std::vector<bool> terminal_absence_;  // position w: stages w.. are all absences
  std::vector<std::unordered_map<std::string, Partial*>> pending_;
  PartialList<&Partial::lru_prev, &Partial::lru_next> lru_;
  PartialList<&Partial::fifo_prev, &Partial::fifo_next> fifo_;
  size_t live_ = 0;
  const std::vector<uint16_t>* until_slots_ = nullptr;

  StageRefs blank_refs_;
  StageRefs refs_;
  ViewArena arena_;
  ViewArena emit_arena_;
  std::vector<std::string> keys_;
  std::vector<Hit> hits_;
  std::vector<Partial*> victims_;
};

}  // namespace

std::unique_ptr<RuleState> MakeSequenceState(Core& core, uint32_t index) {
  return std::make_unique<SequenceState>(core, index);
}

}  // namespace rdl::engine_internal
