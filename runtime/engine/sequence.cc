// The sequence state machine (EQL's, docs/semantics.md "Sequences"): per
// wait position w a map pending[w]: join key -> partial match, at most one
// partial per (position, key); stages tried last to first; a new first-stage
// event replaces the older partial of its key; `within` measured from the
// first event; `until` clears a key; absence stages pass only by timing out.
// Join keys whose values are lists index a partial under each element.
#include <malloc.h>
#include <xxhash.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "runtime/engine/core.h"

namespace rdl::engine_internal {
namespace {

// A partial match: a fixed header and, in the same allocation, its owned
// data (docs/semantics.md, section 9 "Bounded state", for the size):
//
//   keys     nkeys x (varint length, key bytes): the keys it is indexed
//            under in pending[wait]
//   values   the first stage's key values (the alert key), packed
//            (PackValue), one per key slot; absent when `kv_in_key` (one
//            key made of strings/ints/bools: the values are decoded from it)
//   records  per matched stage, in stage order: varint stage, varint uid
//            length, uid bytes, 8-byte time, the stage's captures packed
//
// The data is only rewritten while the partial is not indexed (after
// Unindex, before Place), so moving it to a bigger block only has to
// relink the two lists.
struct Partial {
  // Recency (eviction) and creation (= deadline) order.
  Partial* lru_prev = nullptr;
  Partial* lru_next = nullptr;
  Partial* fifo_prev = nullptr;
  Partial* fifo_next = nullptr;
  int64_t first_ns = 0;
  // The position the partial waits at: stages [0, wait) are decided (the
  // positive ones matched), stage `wait` is next. When stages wait.. are
  // absences, the next positive stage after them can match it directly.
  uint32_t wait = 0;
  uint32_t size = 0;     // bytes of data used
  uint32_t cap = 0;      // bytes of data allocated
  uint32_t records = 0;  // offset of the stage records in data
  uint16_t nkeys = 0;
  bool kv_in_key = false;
  bool indexed = false;

  char* data() { return reinterpret_cast<char*>(this + 1); }
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  std::string_view bytes() const { return {data(), size}; }
};
static_assert(sizeof(Partial) == 64);

Partial* AllocPartial(size_t data_size) {
  void* mem = std::malloc(sizeof(Partial) + data_size);
  if (mem == nullptr) throw std::bad_alloc();
  auto* p = new (mem) Partial;
  const size_t usable = malloc_usable_size(mem);
  p->cap = static_cast<uint32_t>(std::max(usable, sizeof(Partial) + data_size) - sizeof(Partial));
  return p;
}
void FreePartial(Partial* p) {
  p->~Partial();
  std::free(p);
}

// Key i of a partial's keys section.
std::string_view KeyAt(const Partial& p, uint32_t i) {
  const char* q = p.data();
  for (uint32_t k = 0;; ++k) {
    const uint64_t n = GetVarint(&q);
    if (k == i) return {q, n};
    q += n;
  }
}

// A matched stage, decoded from the records section.
struct StageRecord {
  bool matched = false;
  std::string_view uid;
  int64_t time = 0;
  const char* caps = nullptr;  // packed captures
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
  // `to` is a copy of `from` (same links) at a new address.
  void Moved(Partial* from, Partial* to) {
    if (to->*Prev != nullptr) {
      (to->*Prev)->*Next = to;
    } else if (head == from) {
      head = to;
    }
    if (to->*Next != nullptr) {
      (to->*Next)->*Prev = to;
    } else if (tail == from) {
      tail = to;
    }
  }
};

// A record's captures are packed values, except that a capture equal to
// the record's own event uid (a string) or time (an int) is one marker byte:
// every stage captures metadata.uid and time.
constexpr unsigned char kCapUid = 0xF0;
constexpr unsigned char kCapTime = 0xF1;

Value ViewCap(const char** q, const StageRecord& r, ViewArena& arena) {
  const auto b = static_cast<unsigned char>(**q);
  if (b == kCapUid || b == kCapTime) {
    ++*q;
    return b == kCapUid ? Value::String(r.uid) : Value::Int(r.time);
  }
  return ViewPacked(q, arena);
}
void SkipCap(const char** q) {
  const auto b = static_cast<unsigned char>(**q);
  if (b == kCapUid || b == kCapTime) {
    ++*q;
    return;
  }
  SkipPacked(q);
}

// Event uids in the canonical lowercase UUID form (CloudTrail eventID, ...)
// are kept as their 16 bytes.
int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
bool PackUuid(std::string_view u, unsigned char out[16]) {
  if (u.size() != 36) return false;
  int n = 0;
  for (size_t i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (u[i] != '-') return false;
      continue;
    }
    const int d = HexDigit(u[i]);
    if (d < 0) return false;
    if (n % 2 == 0) {
      out[n / 2] = static_cast<unsigned char>(d << 4);
    } else {
      out[n / 2] |= static_cast<unsigned char>(d);
    }
    ++n;
  }
  return true;
}
void UnpackUuid(const char* in, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->clear();
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out->push_back('-');
    const auto b = static_cast<unsigned char>(in[i]);
    out->push_back(kHex[b >> 4]);
    out->push_back(kHex[b & 15]);
  }
}

static_assert(kMaxKeyCandidates <= 256);  // key indexes fit the slot's 8 bits

// pending: (position, key) -> partial, an open-addressing table (linear probing,
// backward-shift deletion) of 12-byte slots that point at the partial and
// hold the index of the key in its keys section (< kMaxKeyCandidates): the key bytes are stored
// once, in the partial.
class PendingMap {
 public:
  explicit PendingMap(uint32_t positions) : at_(positions, 0) {}
  bool empty(uint32_t w) const { return at_[w] == 0; }

  Partial* Find(uint32_t w, std::string_view key) const {
    if (at_[w] == 0) return nullptr;
    const uint64_t h = Hash(w, key);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.p == nullptr) return nullptr;
      if (SameHash(s, h) && s.p->wait == w && KeyAt(*s.p, KeyIndex(s)) == key) return s.p;
    }
  }

  // `key` (key number `index` of p, which waits at p->wait) must not be present.
  void Insert(std::string_view key, Partial* p, uint32_t index) {
    if ((count_ + 1) * 8 > slots_.size() * 7) Grow();
    ++at_[p->wait];
    const uint64_t h = Hash(p->wait, key);
    size_t i = h & mask_;
    while (slots_[i].p != nullptr) i = (i + 1) & mask_;
    slots_[i] = Slot{p, static_cast<uint32_t>(h >> 40) << 8 | index};
    ++count_;
  }

  // Removes `key` at p->wait when it maps to p.
  void Erase(std::string_view key, const Partial* p) {
    if (count_ == 0) return;
    const uint64_t h = Hash(p->wait, key);
    size_t i = h & mask_;
    for (;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.p == nullptr) return;
      if (s.p == p && SameHash(s, h) && KeyAt(*s.p, KeyIndex(s)) == key) break;
    }
    --at_[p->wait];
    // Backward shift: pull later entries of the cluster into the hole when
    // their home position is not after it.
    size_t hole = i;
    for (size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
      Slot& s = slots_[j];
      if (s.p == nullptr) break;
      const size_t home = Hash(s.p->wait, KeyAt(*s.p, KeyIndex(s))) & mask_;
      // Move s when home is cyclically outside (hole, j].
      const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (!stays) {
        slots_[hole] = s;
        hole = j;
      }
    }
    slots_[hole] = Slot{};
    --count_;
  }

  size_t memory() const { return slots_.capacity() * sizeof(Slot); }

 private:
#pragma pack(push, 4)
  struct Slot {  // 12 bytes
    Partial* p = nullptr;
    uint32_t hash = 0;  // top 24 bits of the (position, key) hash, then the key's index in p
  };
#pragma pack(pop)
  static bool SameHash(const Slot& s, uint64_t h) {
    return (s.hash >> 8) == static_cast<uint32_t>(h >> 40);
  }
  static uint32_t KeyIndex(const Slot& s) { return s.hash & 0xff; }
  static uint64_t Hash(uint32_t w, std::string_view key) {
    return XXH3_64bits_withSeed(key.data(), key.size(), w);
  }
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    const size_t n = old.empty() ? 16 : old.size() * 2;
    slots_.assign(n, Slot{});
    mask_ = n - 1;
    for (const Slot& s : old) {
      if (s.p == nullptr) continue;
      size_t i = Hash(s.p->wait, KeyAt(*s.p, KeyIndex(s))) & mask_;
      while (slots_[i].p != nullptr) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
  std::vector<size_t> at_;  // entries per position
};

class SequenceState;

// Field values for an alert of a partial: the completing event when there
// is one, else (absence timeouts) the partial's captures.
class PartialSource : public FieldSource {
 public:
  PartialSource(const Rule& rule, const Partial& p, const std::vector<StageRecord>& recs,
                const std::vector<Value>& key_values, const Event* event, ViewArena& arena)
      : rule_(rule), p_(p), recs_(recs), key_values_(key_values), event_(event), arena_(arena) {}

  Value Field(uint16_t slot) override {
    if (event_ != nullptr)
      return slot < event_->num_slots() ? event_->slot(slot) : Value::Missing();
    for (size_t s = recs_.size(); s-- > 0;) {
      const auto& m = recs_[s];
      if (!m.matched) continue;
      const auto& caps = rule_.stages[s].captures;
      const char* q = m.caps;
      for (size_t i = 0; i < caps.size(); ++i) {
        if (caps[i] == slot) return ViewCap(&q, m, arena_);
        SkipCap(&q);
      }
    }
    (void)p_;
    return KeyField(slot);
  }
  Value Capture(uint16_t stage, uint16_t index) override {
    if (stage >= recs_.size() || !recs_[stage].matched) return Value::Missing();
    const auto& caps = rule_.stages[stage].captures;
    if (index >= caps.size()) return Value::Missing();
    const char* q = recs_[stage].caps;
    for (uint16_t i = 0; i < index; ++i) SkipCap(&q);
    return ViewCap(&q, recs_[stage], arena_);
  }

  void SetKeySlots(const std::vector<uint16_t>* slots) { key_slots_ = slots; }

 private:
  Value KeyField(uint16_t slot) {
    if (key_slots_ == nullptr) return Value::Missing();
    const auto& ks = *key_slots_;
    for (size_t i = 0; i < ks.size() && i < key_values_.size(); ++i) {
      if (ks[i] == slot) return key_values_[i];
    }
    return Value::Missing();
  }

  const Rule& rule_;
  const Partial& p_;
  const std::vector<StageRecord>& recs_;
  const std::vector<Value>& key_values_;
  const Event* event_;
  ViewArena& arena_;
  const std::vector<uint16_t>* key_slots_ = nullptr;
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
    pending_ = std::make_unique<PendingMap>(n_);
    uid_text_.resize(n_);
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
    recs_.resize(n_);
    if (p0_ < n_) {
      until_slots_ =
          rule_.until_key_slots.empty() ? &rule_.stages[p0_].key_slots : &rule_.until_key_slots;
    }
  }

  ~SequenceState() override {
    while (fifo_.head != nullptr) {
      Partial* p = fifo_.head;
      fifo_.Remove(p);
      FreePartial(p);
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
      info.expires_ns = DeadlineOf(*p);
      out->push_back(std::move(info));
    }
  }

 protected:
  size_t KindSize() const override { return live_; }
  int64_t KindDeadline() const override {
    return fifo_.head != nullptr ? DeadlineOf(*fifo_.head) : kNoDeadline;
  }

  void KindExpireUpTo(int64_t upto) override {
    while (fifo_.head != nullptr && DeadlineOf(*fifo_.head) <= upto) {
      Partial* p = fifo_.head;
      // Only absences remain and the span ended without them: that is the
      // alert. Anything else past its span is dropped.
      if (p->wait < n_ && terminal_absence_[p->wait]) EmitAbsence(p);
      Destroy(p);
    }
  }

 private:
  // first + within: the last time the partial can progress.
  int64_t DeadlineOf(const Partial& p) const {
    return rule_.within_ns > 0 ? SatAdd(p.first_ns, rule_.within_ns) : kNoDeadline;
  }

  void ApplyUntil(const Event& e) {
    if (!CandidateKeys(e, *until_slots_, &keys_)) return;
    victims_.clear();
    for (const std::string& key : keys_) {
      for (uint32_t w = p0_ + 1; w < n_; ++w) {
        Partial* p = pending_->Find(w, key);
        if (p == nullptr) continue;
        if (std::find(victims_.begin(), victims_.end(), p) == victims_.end()) {
          victims_.push_back(p);
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
    // The data: keys, key values (unless decodable from the one key), the
    // first stage's record.
    scratch_.clear();
    for (const std::string& key : keys_) {
      PutVarint(key.size(), &scratch_);
      scratch_.append(key);
    }
    bool kv_in_key = keys_.size() == 1;
    for (uint16_t s : st.key_slots) {
      const Value::Tag tag = e.slot(s).tag;
      kv_in_key = kv_in_key && (tag == Value::Tag::kString || tag == Value::Tag::kInt ||
                                tag == Value::Tag::kBool);
    }
    if (!kv_in_key) {
      for (uint16_t s : st.key_slots) PackValue(e.slot(s), &scratch_);
    }
    const size_t records = scratch_.size();
    AppendRecord(p0_, e, t, &scratch_);
    Partial* p = AllocPartial(scratch_.size());
    std::memcpy(p->data(), scratch_.data(), scratch_.size());
    p->size = static_cast<uint32_t>(scratch_.size());
    p->records = static_cast<uint32_t>(records);
    p->nkeys = static_cast<uint16_t>(keys_.size());
    p->kv_in_key = kv_in_key;
    p->wait = p0_;
    p->first_ns = t;
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
    if (pending_->empty(w)) return;
    const Stage& st = rule_.stages[k];
    if (!CandidateKeys(e, st.key_slots, &keys_)) return;
    hits_.clear();
    for (const std::string& key : keys_) {
      Partial* found = pending_->Find(w, key);
      if (found == nullptr) continue;
      auto h = std::find_if(hits_.begin(), hits_.end(),
                            [&](const Hit& x) { return x.partial == found; });
      if (h == hits_.end()) {
        hits_.push_back(Hit{found, {key}});
      } else {
        h->keys.push_back(key);
      }
    }
    const int64_t t = e.time_ns();
    for (Hit& hit : hits_) {
      Partial* p = hit.partial;
      if (DeadlineOf(*p) < t) continue;  // past its span (timers drop it first)
      Materialize(*p);
      if (!Eval(st.pred, e, &refs_)) continue;
      if (st.absence) {  // seen before the deadline: the partial can never fire
        Destroy(p);
        continue;
      }
      Unindex(p);
      p = RecordMatch(p, k, e);
      // The partial moves on under the keys this event matched it by (for
      // list keys: the intersection).
      Place(p, k + 1, hit.keys, e);
    }
  }

  // Puts `p` (not indexed) at position `next` under `keys`, replacing any
  // partial already there for one of them, or completes it.
  void Place(Partial* p, uint32_t next, const std::vector<std::string>& keys, const Event& e) {
    if (next >= n_) {
      EmitCompletion(p, e);
      Destroy(p);
      return;
    }
    PendingMap& map = *pending_;
    for (const std::string& key : keys) {
      Partial* other = map.Find(next, key);
      if (other != nullptr && other != p) Destroy(other);
    }
    p = SetKeys(p, keys);
    p->wait = next;
    for (uint32_t i = 0; i < keys.size(); ++i) map.Insert(keys[i], p, i);
    p->indexed = true;
    lru_.Remove(p);
    lru_.PushBack(p);
  }

  // Rewrites p's keys section when `keys` differ from it (list keys).
  Partial* SetKeys(Partial* p, const std::vector<std::string>& keys) {
    bool same = keys.size() == p->nkeys;
    for (uint32_t i = 0; same && i < keys.size(); ++i) same = KeyAt(*p, i) == keys[i];
    if (same) return p;
    scratch_.clear();
    for (const std::string& key : keys) {
      PutVarint(key.size(), &scratch_);
      scratch_.append(key);
    }
    if (p->kv_in_key) {  // the values no longer come from the (one) key: pack them
      DecodeScalarKey(KeyAt(*p, 0), &kv_scratch_);
      for (const Value& v : kv_scratch_) PackValue(v, &scratch_);
    } else {
      const char* q = p->data();
      for (uint32_t i = 0; i < p->nkeys; ++i) q += GetVarint(&q);
      scratch_.append(q, static_cast<size_t>(p->data() + p->records - q));
    }
    const size_t records = scratch_.size();
    scratch_.append(p->data() + p->records, p->size - p->records);
    p = Resize(p, scratch_.size());
    std::memcpy(p->data(), scratch_.data(), scratch_.size());
    p->size = static_cast<uint32_t>(scratch_.size());
    p->records = static_cast<uint32_t>(records);
    p->nkeys = static_cast<uint16_t>(keys.size());
    p->kv_in_key = false;
    return p;
  }

  // Stage k's record: varint stage; the uid (varint 1 + 16 bytes for a
  // canonical UUID, else varint 2*length + bytes); the time as a zigzag
  // varint of time - first; the captures (PackValue or a marker byte).
  void AppendRecord(uint32_t k, const Event& e, int64_t first_ns, std::string* out) {
    PutVarint(k, out);
    const std::string_view uid = e.uid();
    unsigned char uuid[16];
    if (PackUuid(uid, uuid)) {
      PutVarint(1, out);
      out->append(reinterpret_cast<const char*>(uuid), 16);
    } else {
      PutVarint(uid.size() * 2, out);
      out->append(uid);
    }
    const int64_t t = e.time_ns();
    const uint64_t d = static_cast<uint64_t>(t) - static_cast<uint64_t>(first_ns);
    PutVarint((d << 1) ^ static_cast<uint64_t>(static_cast<int64_t>(d) >> 63), out);
    for (uint16_t s : rule_.stages[k].captures) {
      const Value& v = e.slot(s);
      if (v.tag == Value::Tag::kString && v.str() == uid) {
        out->push_back(static_cast<char>(kCapUid));
      } else if (v.tag == Value::Tag::kInt && v.i == t) {
        out->push_back(static_cast<char>(kCapTime));
      } else {
        PackValue(v, out);
      }
    }
  }

  // Appends stage k's record to p (not indexed); returns p, maybe moved.
  Partial* RecordMatch(Partial* p, uint32_t k, const Event& e) {
    scratch_.clear();
    AppendRecord(k, e, p->first_ns, &scratch_);
    p = Resize(p, p->size + scratch_.size());
    std::memcpy(p->data() + p->size, scratch_.data(), scratch_.size());
    p->size += static_cast<uint32_t>(scratch_.size());
    return p;
  }

  // Makes room for `need` data bytes; p must not be indexed.
  Partial* Resize(Partial* p, size_t need) {
    if (need <= p->cap) return p;
    Partial* q = AllocPartial(need);
    const uint32_t cap = q->cap;
    std::memcpy(static_cast<void*>(q), p, sizeof(Partial) + p->size);
    q->cap = cap;
    lru_.Moved(p, q);
    fifo_.Moved(p, q);
    FreePartial(p);
    return q;
  }

  void Unindex(Partial* p) {
    if (p->indexed && p->wait < n_) {
      for (uint32_t i = 0; i < p->nkeys; ++i) pending_->Erase(KeyAt(*p, i), p);
    }
    p->indexed = false;
  }

  void Destroy(Partial* p) {
    Unindex(p);
    lru_.Remove(p);
    fifo_.Remove(p);
    --live_;
    FreePartial(p);
  }

  // recs_ <- the partial's stage records.
  // UUID uids are spelled out in uid_text_ (valid until the next call).
  void DecodeRecords(const Partial& p, std::vector<StageRecord>* out) {
    for (auto& r : *out) r = StageRecord{};
    const char* q = p.data() + p.records;
    const char* end = p.data() + p.size;
    while (q < end) {
      const uint64_t stage = GetVarint(&q);
      const uint64_t u = GetVarint(&q);
      StageRecord r;
      r.matched = true;
      if (u == 1) {
        UnpackUuid(q, &uid_text_[stage]);
        r.uid = uid_text_[stage];
        q += 16;
      } else {
        r.uid = std::string_view(q, u / 2);
        q += u / 2;
      }
      const uint64_t z = GetVarint(&q);
      const uint64_t d = (z >> 1) ^ (~(z & 1) + 1);
      r.time = static_cast<int64_t>(static_cast<uint64_t>(p.first_ns) + d);
      r.caps = q;
      for (size_t i = 0; i < rule_.stages[stage].captures.size(); ++i) SkipCap(&q);
      (*out)[stage] = r;
    }
  }

  // The first stage's key values, viewing p's data.
  void KeyValues(const Partial& p, ViewArena& arena, std::vector<Value>* out) const {
    out->clear();
    if (p.kv_in_key) {
      DecodeScalarKey(KeyAt(p, 0), out);
      return;
    }
    const char* q = p.data();
    for (uint32_t i = 0; i < p.nkeys; ++i) q += GetVarint(&q);
    const char* end = p.data() + p.records;
    while (q < end) out->push_back(ViewPacked(&q, arena));
  }

  void Materialize(const Partial& p) {
    arena_.Reset();
    DecodeRecords(p, &recs_);
    refs_.resize(n_);
    for (uint32_t s = 0; s < n_; ++s) {
      const size_t ncap = rule_.stages[s].captures.size();
      refs_[s].assign(ncap, Value::Missing());
      const auto& m = recs_[s];
      if (!m.matched) continue;
      const char* q = m.caps;
      for (size_t i = 0; i < ncap; ++i) refs_[s][i] = ViewCap(&q, m, arena_);
    }
  }

  void FillDraft(const Partial& p, AlertDraft* d) {
    d->time_ns = p.first_ns;
    DecodeRecords(p, &recs_);
    for (const auto& m : recs_) {
      if (m.matched) d->events.push_back(m.uid);
    }
    d->key_slots = &rule_.stages[p0_].key_slots;
    KeyValues(p, emit_arena_, &key_values_);
    for (const Value& v : key_values_) d->key_values.push_back(v);
    d->count = d->events.size();
  }

  void EmitCompletion(Partial* p, const Event& e) {
    emit_arena_.Reset();
    AlertDraft d;
    FillDraft(*p, &d);
    d.end_ns = e.time_ns();
    PartialSource src(rule_, *p, recs_, key_values_, &e, emit_arena_);
    src.SetKeySlots(&rule_.stages[p0_].key_slots);
    Emit(d, src, e.time_ns());
  }

  void EmitAbsence(Partial* p) {
    emit_arena_.Reset();
    AlertDraft d;
    FillDraft(*p, &d);
    d.end_ns = DeadlineOf(*p);
    PartialSource src(rule_, *p, recs_, key_values_, nullptr, emit_arena_);
    src.SetKeySlots(&rule_.stages[p0_].key_slots);
    Emit(d, src, DeadlineOf(*p));
  }

  std::string RenderKey(const Partial& p) const {
    const auto& slots = rule_.stages[p0_].key_slots;
    ViewArena arena;
    std::vector<Value> values;
    KeyValues(p, arena, &values);
    std::string out = "{";
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out.push_back(',');
      const bool named = rule_.key_names.size() == values.size();
      const uint16_t slot = i < slots.size() ? slots[i] : 0;
      AppendJsonString(named ? rule_.key_names[i] : FieldName(program_, slot), &out);
      out.push_back(':');
      const FieldType type =
          slot < program_.fields.size() ? program_.fields[slot].type : FieldType::kString;
      AppendJsonValue(values[i], type, &out);
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
  std::unique_ptr<PendingMap> pending_;
  std::vector<std::string> uid_text_;  // per stage: a decoded UUID uid
  PartialList<&Partial::lru_prev, &Partial::lru_next> lru_;
  PartialList<&Partial::fifo_prev, &Partial::fifo_next> fifo_;
  size_t live_ = 0;
  const std::vector<uint16_t>* until_slots_ = nullptr;

  StageRefs blank_refs_;
  StageRefs refs_;
  ViewArena arena_;
  ViewArena emit_arena_;
  std::vector<StageRecord> recs_;
  std::vector<Value> key_values_;
  std::vector<Value> kv_scratch_;
  std::string scratch_;
  std::vector<std::string> keys_;
  std::vector<Hit> hits_;
  std::vector<Partial*> victims_;
};

}  // namespace

std::unique_ptr<RuleState> MakeSequenceState(Core& core, uint32_t index) {
  return std::make_unique<SequenceState>(core, index);
}

}  // namespace rdl::engine_internal
