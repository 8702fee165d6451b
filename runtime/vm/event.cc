// EventReader: one normalized event's JSON -> the slot array of a program
// (simdjson DOM, parser and buffers reused across events), plus the time
// parsing and formatting every layer shares (ParseTime, FormatTime).
#include "runtime/vm/event.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "runtime/vm/json_path.h"

namespace rdl {
namespace {

constexpr int64_t kNanos = 1000000000;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// The inverse (civil_from_days).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// A time-typed slot: strings are parsed, numbers are epoch milliseconds.
Value ToTime(const Value& v) {
  int64_t ns;
  switch (v.tag) {
    case Value::Tag::kString:
      return ParseTime(v.str(), &ns) ? Value::Int(ns) : Value::Missing();
    case Value::Tag::kInt:
      // Beyond ±9.2e12 ms the nanoseconds would not fit in int64.
      if (v.i > INT64_MAX / 1000000 || v.i < INT64_MIN / 1000000) return Value::Missing();
      return Value::Int(v.i * 1000000);
    case Value::Tag::kFloat: {
      if (!(v.f > -9.2e12 && v.f < 9.2e12)) return Value::Missing();
      // Whole and fractional milliseconds apart: v.f * 1e6 would round
      // 1767607200250.5 ms to ...250500096 ns.
      double whole = std::floor(v.f);
      return Value::Int(static_cast<int64_t>(whole) * 1000000 + std::llround((v.f - whole) * 1e6));
    }
    default:
      return Value::Missing();
  }
}

}  // namespace

bool ParseTime(std::string_view t, int64_t* ns) {
  size_t i = 0;
  auto digits = [&](int n, int* out) {
    if (i + n > t.size()) return false;
    int v = 0;
    for (int k = 0; k < n; ++k) {
      char c = t[i + k];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    i += n;
    *out = v;
    return true;
  };
  auto lit = [&](char c) {
    if (i < t.size() && t[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  int year, month, day, hour, minute, second;
  if (!digits(4, &year) || !lit('-') || !digits(2, &month) || !lit('-') || !digits(2, &day)) {
    return false;
  }
  if (i >= t.size()) return false;
  const char sep = t[i++];
  const bool space_form = sep == ' ';
  if (sep != 'T' && sep != 't' && !space_form) return false;
  if (!digits(2, &hour) || !lit(':') || !digits(2, &minute) || !lit(':') || !digits(2, &second)) {
    return false;
  }
  int64_t frac = 0;
  if (lit('.')) {
    int n = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      if (n < 9) frac = frac * 10 + (t[i] - '0');  // digits past ns are dropped
      ++n;
      ++i;
    }
    if (n == 0) return false;
    for (int k = n; k < 9; ++k) frac *= 10;
  }
  int64_t offset = 0;
  if (i == t.size()) {
    if (!space_form) return false;  // RFC 3339 requires a zone; the space form means UTC
  } else if (t[i] == 'Z' || t[i] == 'z') {
    ++i;
  } else if (t[i] == '+' || t[i] == '-') {
    const int64_t sign = t[i] == '-' ? -1 : 1;
    ++i;
    int oh, om;
    if (!digits(2, &oh) || !lit(':') || !digits(2, &om) || oh > 23 || om > 59) return false;
    offset = sign * (oh * 3600 + om * 60);
  } else {
    return false;
  }
  if (i != t.size()) return false;
  if (month < 1 || month > 12 || day < 1 || static_cast<unsigned>(day) > DaysInMonth(year, month) ||
      hour > 23 || minute > 59 || second > 60) {
    return false;
  }
  int64_t secs =
      DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  // int64 ns spans 1677-09-21 to 2262-04-11.
  if (secs <= INT64_MIN / kNanos || secs >= INT64_MAX / kNanos) return false;
  *ns = secs * kNanos + frac;
  return true;
}

std::string FormatTime(int64_t ns) {
  int64_t secs = ns / kNanos;
  int64_t rem = ns % kNanos;
  if (rem < 0) {
    rem += kNanos;
    --secs;
  }
  int64_t days = secs / 86400;
  int64_t sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", y, m, d, sod / 3600,
                                sod / 60 % 60, sod % 60);
  if (rem != 0) out += fmt::format(".{:03}", rem / 1000000);
  out += 'Z';
  return out;
}

Event& Event::operator=(const Event& other) {
  if (this == &other) return *this;
  slots_ = other.slots_;
  list_storage_ = other.list_storage_;
  fixups_.clear();
  time_ns_ = other.time_ns_;
  uid_ = other.uid_;
  root_ = other.root_;
  const auto begin = reinterpret_cast<uintptr_t>(other.list_storage_.data());
  const auto end = begin + other.list_storage_.size() * sizeof(Value);
  for (Value& v : slots_) {
    const auto p = reinterpret_cast<uintptr_t>(v.list.p);
    if (v.tag == Value::Tag::kList && p >= begin && p <= end && begin != 0) {
      v.list.p = list_storage_.data() + (p - begin) / sizeof(Value);
    }
  }
  return *this;
}

EventReader::EventReader(const Program& program) : program_(program) { BuildPlan(); }

void EventReader::BuildPlan() {
  const Program& program = program_;
  order_.resize(program.fields.size());
  size_t depth = 0;
  for (size_t i = 0; i < order_.size(); ++i) {
    order_[i] = static_cast<uint16_t>(i);
    depth = std::max(depth, program.fields[i].segments.size());
  }
  std::stable_sort(order_.begin(), order_.end(), [&](uint16_t a, uint16_t b) {
    return program.fields[a].segments < program.fields[b].segments;
  });
  shared_.assign(order_.size(), 0);
  for (size_t k = 1; k < order_.size(); ++k) {
    const auto& prev = program.fields[order_[k - 1]].segments;
    const auto& cur = program.fields[order_[k]].segments;
    size_t n = 0;
    while (n < prev.size() && n < cur.size() && prev[n] == cur[n]) ++n;
    shared_[k] = n;
  }
  walk_.resize(depth + 1);
}

// WalkPath (json_path.h) starting from the deepest element the previous walk
// reached along the `shared` leading segments.
PathResult EventReader::Walk(const std::vector<std::string>& segments, size_t shared, Value* single,
                             std::vector<Value>* list) {
  size_t d = std::min(shared, walked_ - 1);
  simdjson::dom::element e = walk_[d];
  walked_ = d + 1;
  for (; d < segments.size(); ++d) {
    simdjson::dom::object obj;
    if (!e.get_object().get(obj)) {
      simdjson::dom::element child;
      if (obj.at_key(segments[d]).get(child)) return PathResult::kMissing;
      e = child;
      if (d + 1 < walk_.size()) {  // always, unless the program changed
        walk_[d + 1] = e;
        walked_ = d + 2;
      }
      continue;
    }
    if (e.is_array()) {
      size_t before = list->size();
      CollectPath(e, std::span(segments).subspan(d), list);
      return list->size() > before ? PathResult::kList : PathResult::kMissing;
    }
    return PathResult::kMissing;  // a scalar with path left
  }
  *single = FromJson(e);
  return PathResult::kValue;
}

void Event::Clear(size_t num_slots) {
  slots_.assign(num_slots, Value::Missing());
  list_storage_.clear();
  fixups_.clear();
  uid_ = {};
  time_ns_ = 0;
  root_ = simdjson::dom::element();
}

void Event::Store(uint16_t slot, FieldType type, const Value& found) {
  if (type == FieldType::kJson) {
    slots_[slot] = found;
    return;
  }
  if (found.tag == Value::Tag::kJson && found.json.is_array()) {
    const uint32_t begin = list_size();
    CollectPath(found.json, {}, &list_storage_);
    return StoreList(slot, type, begin);  // a kList, possibly empty
  }
  if (type == FieldType::kTime) {
    slots_[slot] = ToTime(found);
  } else if (type == FieldType::kStringList) {
    const uint32_t begin = list_size();
    list_storage_.push_back(found);  // a single string is a list of one
    StoreList(slot, type, begin);
  } else {
    slots_[slot] = found;
  }
}

void Event::StoreList(uint16_t slot, FieldType type, uint32_t begin) {
  if (type == FieldType::kTime) {
    for (size_t i = begin; i < list_storage_.size(); ++i) {
      list_storage_[i] = ToTime(list_storage_[i]);
    }
  }
  slots_[slot] = Value::List(nullptr, static_cast<uint32_t>(list_storage_.size() - begin));
  fixups_.push_back({slot, begin});
}

bool Event::Seal(const Program& program, std::string* error) {
  for (const ListFixup& f : fixups_) slots_[f.slot].list.p = list_storage_.data() + f.begin;
  fixups_.clear();
  if (program.time_slot >= slots_.size() || slots_[program.time_slot].tag != Value::Tag::kInt) {
    *error = "missing or unparsable time";
    return false;
  }
  time_ns_ = slots_[program.time_slot].i;
  uid_ = {};
  if (program.uid_slot < slots_.size() && slots_[program.uid_slot].is_string()) {
    uid_ = slots_[program.uid_slot].str();
  }
  return true;
}

void EventReader::FillSlot(uint16_t slot, size_t shared, Event* out) {
  const Field& field = program_.fields[slot];
  Value single;
  const uint32_t begin = out->list_size();
  switch (Walk(field.segments, shared, &single, &out->list_storage_)) {
    case PathResult::kMissing:
      return;
    case PathResult::kValue:
      return out->Store(slot, field.type, single);
    case PathResult::kList:
      return out->StoreList(slot, field.type, begin);
  }
}

bool EventReader::Read(std::string_view json, Event* out, std::string* error) {
  // simdjson reads up to SIMDJSON_PADDING bytes past the end: copy into a
  // reused, padded buffer rather than let it allocate per event.
  buffer_.resize(json.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(buffer_.data(), json.data(), json.size());
  std::memset(buffer_.data() + json.size(), 0, simdjson::SIMDJSON_PADDING);
  simdjson::dom::element root;
  if (auto err = parser_.parse(buffer_.data(), json.size(), false).get(root)) {
    *error = fmt::format("invalid JSON: {}", simdjson::error_message(err));
    return false;
  }
  return Fill(root, out, error);
}

bool EventReader::Fill(simdjson::dom::element root, Event* out, std::string* error) {
  if (!root.is_object()) {
    *error = "event is not a JSON object";
    return false;
  }
  out->Clear(program_.fields.size());
  out->root_ = root;
  if (order_.size() != program_.fields.size()) BuildPlan();  // the program changed
  walk_[0] = root;
  walked_ = 1;
  for (size_t k = 0; k < order_.size(); ++k) FillSlot(order_[k], shared_[k], out);
  return out->Seal(program_, error);
}

// ------------------------------------------------------------- event blobs
//
// Layout: per slot, a tag byte and its payload: kBool one byte; kInt and
// kFloat eight (host order: blobs never leave the process); kString a u32
// length and the bytes; kJson a u32 length and the JSON text; kList a u32
// count and its elements the same way (elements are never lists).

namespace {

template <typename T>
void Put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(v));
}

void EncodeValue(const Value& v, std::string* out) {
  out->push_back(static_cast<char>(v.tag));
  switch (v.tag) {
    case Value::Tag::kMissing:
    case Value::Tag::kNull:
      break;
    case Value::Tag::kBool:
      out->push_back(v.b ? 1 : 0);
      break;
    case Value::Tag::kInt:
      Put(out, v.i);
      break;
    case Value::Tag::kFloat:
      Put(out, v.f);
      break;
    case Value::Tag::kString:
      Put(out, v.s.n);
      out->append(v.s.p, v.s.n);
      break;
    case Value::Tag::kJson: {
      const std::string text = simdjson::to_string(v.json);
      Put(out, static_cast<uint32_t>(text.size()));
      out->append(text);
      break;
    }
    case Value::Tag::kList:
      Put(out, v.list.n);
      for (uint32_t i = 0; i < v.list.n; ++i) {
        // Lists are flat (CollectPath flattens arrays): an element that is a
        // list cannot occur; encode it as missing rather than recurse.
        const Value& e = v.list.p[i];
        if (e.tag == Value::Tag::kList) {
          EncodeValue(Value::Missing(), out);
        } else {
          EncodeValue(e, out);
        }
      }
      break;
  }
}

// Reads EncodeValue's bytes; kJson texts are appended to *json (as elements
// of one array) and the value keeps their index in json.i until the array
// is parsed.
class BlobReader {
 public:
  explicit BlobReader(std::string_view b) : b_(b) {}
  bool Value(rdl::Value* v, std::string* json, uint32_t* num_json) {
    uint8_t tag;
    if (!Get(&tag) || tag > static_cast<uint8_t>(Value::Tag::kList)) return false;
    switch (static_cast<Value::Tag>(tag)) {
      case Value::Tag::kMissing:
        *v = Value::Missing();
        return true;
      case Value::Tag::kNull:
        *v = Value::Null();
        return true;
      case Value::Tag::kBool: {
        uint8_t x;
        if (!Get(&x)) return false;
        *v = Value::Bool(x != 0);
        return true;
      }
      case Value::Tag::kInt: {
        int64_t x;
        if (!Get(&x)) return false;
        *v = Value::Int(x);
        return true;
      }
      case Value::Tag::kFloat: {
        double x;
        if (!Get(&x)) return false;
        *v = Value::Float(x);
        return true;
      }
      case Value::Tag::kString: {
        std::string_view s;
        if (!Bytes(&s)) return false;
        *v = Value::String(s);
        return true;
      }
      case Value::Tag::kJson: {
        std::string_view s;
        if (!Bytes(&s)) return false;
        json->push_back(*num_json == 0 ? '[' : ',');
        json->append(s);
        v->tag = Value::Tag::kJson;
        v->i = (*num_json)++;
        return true;
      }
      case Value::Tag::kList:
        return false;  // handled by the caller
    }
    return false;
  }
  template <typename T>
  bool Get(T* x) {
    if (b_.size() < sizeof(T)) return false;
    std::memcpy(x, b_.data(), sizeof(T));
    b_.remove_prefix(sizeof(T));
    return true;
  }
  bool Bytes(std::string_view* s) {
    uint32_t n;
    if (!Get(&n) || b_.size() < n) return false;
    *s = b_.substr(0, n);
    b_.remove_prefix(n);
    return true;
  }
  bool Peek(uint8_t* tag) const {
    if (b_.empty()) return false;
    *tag = static_cast<uint8_t>(b_[0]);
    return true;
  }
  bool done() const { return b_.empty(); }

 private:
  std::string_view b_;
};

}  // namespace

void EncodeEvent(const Event& event, std::string* out) {
  out->clear();
  for (size_t i = 0; i < event.num_slots(); ++i)
    EncodeValue(event.slot(static_cast<uint16_t>(i)), out);
}

bool EventDecoder::Decode(std::string_view blob, Event* out, std::string* error) {
  const size_t n = program_.fields.size();
  out->Clear(n);
  BlobReader r(blob);
  json_.clear();
  uint32_t num_json = 0;
  auto fail = [&] {
    *error = "corrupt event blob";
    return false;
  };
  std::vector<Value>& list = *out->list_storage();
  for (size_t slot = 0; slot < n; ++slot) {
    uint8_t tag;
    if (!r.Peek(&tag)) return fail();
    if (tag != static_cast<uint8_t>(Value::Tag::kList)) {
      if (!r.Value(&out->slots_[slot], &json_, &num_json)) return fail();
      continue;
    }
    uint8_t skip;
    uint32_t count;
    if (!r.Get(&skip) || !r.Get(&count)) return fail();
    const uint32_t begin = out->list_size();
    for (uint32_t k = 0; k < count; ++k) {
      list.emplace_back();
      if (!r.Value(&list.back(), &json_, &num_json)) return fail();
    }
    // Stored as they were: no conversion (FieldType::kJson converts nothing).
    out->StoreList(static_cast<uint16_t>(slot), FieldType::kJson, begin);
  }
  if (!r.done()) return fail();
  if (num_json > 0) {
    // One parse for every array and object of the event.
    json_.push_back(']');
    const size_t len = json_.size();
    json_.resize(len + simdjson::SIMDJSON_PADDING);
    simdjson::dom::element doc;
    if (parser_.parse(json_.data(), len, false).get(doc)) return fail();
    simdjson::dom::array arr = doc.get_array().value_unsafe();
    std::vector<simdjson::dom::element>& elems = elems_;
    elems.assign(arr.begin(), arr.end());
    auto bind = [&](Value& v) {
      if (v.tag != Value::Tag::kJson) return true;
      if (v.i < 0 || static_cast<size_t>(v.i) >= elems.size()) return false;
      v.json = elems[static_cast<size_t>(v.i)];
      v.i = 0;
      return true;
    };
    for (Value& v : out->slots_) {
      if (!bind(v)) return fail();
    }
    for (Value& v : list) {
      if (!bind(v)) return fail();
    }
  }
  return out->Seal(program_, error);
}

}  // namespace rdl
