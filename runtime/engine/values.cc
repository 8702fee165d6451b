// Owned values, state-key encoding and value rendering for the engine.
#include "runtime/engine/values.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

namespace rdl::engine_internal {
namespace {

using Tag = Value::Tag;

OwnedValue OwnElement(simdjson::dom::element e, bool allow_array) {
  OwnedValue o;
  switch (e.type()) {
    case simdjson::dom::element_type::STRING: {
      std::string_view sv;
      if (e.get_string().get(sv) == simdjson::SUCCESS) {
        o.tag = Tag::kString;
        o.s.assign(sv);
      }
      break;
    }
    case simdjson::dom::element_type::INT64:
      o.tag = Tag::kInt;
      o.i = e.get_int64().value_unsafe();
      break;
    case simdjson::dom::element_type::UINT64:
      o.tag = Tag::kFloat;
      o.f = static_cast<double>(e.get_uint64().value_unsafe());
      break;
    case simdjson::dom::element_type::DOUBLE:
      o.tag = Tag::kFloat;
      o.f = e.get_double().value_unsafe();
      break;
    case simdjson::dom::element_type::BOOL:
      o.tag = Tag::kBool;
      o.b = e.get_bool().value_unsafe();
      break;
    case simdjson::dom::element_type::NULL_VALUE:
      o.tag = Tag::kNull;
      break;
    case simdjson::dom::element_type::ARRAY:
      if (allow_array) {
        o.tag = Tag::kList;
        simdjson::dom::array arr;
        if (e.get_array().get(arr) == simdjson::SUCCESS) {
          for (simdjson::dom::element child : arr) {
            o.list.push_back(OwnElement(child, /*allow_array=*/false));
          }
        }
        break;
      }
      [[fallthrough]];
    case simdjson::dom::element_type::OBJECT:
      o.tag = Tag::kJson;
      o.s = simdjson::minify(e);
      break;
  }
  return o;
}

void PutU32(uint32_t v, std::string* out) {
  char b[4];
  std::memcpy(b, &v, 4);
  out->append(b, 4);
}
void PutU64(uint64_t v, std::string* out) {
  char b[8];
  std::memcpy(b, &v, 8);
  out->append(b, 8);
}

void EncodeString(std::string_view s, std::string* out) {
  out->push_back('s');
  PutU32(static_cast<uint32_t>(s.size()), out);
  out->append(s);
}
void EncodeInt(int64_t i, std::string* out) {
  out->push_back('i');
  PutU64(static_cast<uint64_t>(i), out);
}
void EncodeFloat(double f, std::string* out) {
  // Integral floats encode as ints so 3 and 3.0 are the same key, as Eq
  // compares them numerically.
  if (std::isfinite(f) && f == std::trunc(f) && std::fabs(f) < 9.0e18) {
    EncodeInt(static_cast<int64_t>(f), out);
    return;
  }
  out->push_back('f');
  uint64_t bits;
  std::memcpy(&bits, &f, 8);
  PutU64(bits, out);
}

// Scalar JSON element -> key bytes; false for null/array/object.
bool EncodeElementScalar(simdjson::dom::element e, std::string* out) {
  switch (e.type()) {
    case simdjson::dom::element_type::STRING:
      EncodeString(e.get_string().value_unsafe(), out);
      return true;
    case simdjson::dom::element_type::INT64:
      EncodeInt(e.get_int64().value_unsafe(), out);
      return true;
    case simdjson::dom::element_type::UINT64:
      EncodeFloat(static_cast<double>(e.get_uint64().value_unsafe()), out);
      return true;
    case simdjson::dom::element_type::DOUBLE:
      EncodeFloat(e.get_double().value_unsafe(), out);
      return true;
    case simdjson::dom::element_type::BOOL:
      out->push_back('b');
      out->push_back(e.get_bool().value_unsafe() ? 1 : 0);
      return true;
    default:
      return false;
  }
}

// A scalar Value -> key bytes. Lists and JSON containers return false here
// (the callers deal with them).
bool EncodeScalar(const Value& v, std::string* out) {
  switch (v.tag) {
    case Tag::kString:
      EncodeString(v.str(), out);
      return true;
    case Tag::kInt:
      EncodeInt(v.i, out);
      return true;
    case Tag::kFloat:
      EncodeFloat(v.f, out);
      return true;
    case Tag::kBool:
      out->push_back('b');
      out->push_back(v.b ? 1 : 0);
      return true;
    case Tag::kJson:
      return EncodeElementScalar(v.json, out);
    default:
      return false;
  }
}

// Whole-value encoding: lists and JSON containers included.
bool EncodeWhole(const Value& v, std::string* out) {
  if (EncodeScalar(v, out)) return true;
  if (v.tag == Tag::kList) {
    out->push_back('l');
    PutU32(v.list.n, out);
    for (uint32_t k = 0; k < v.list.n; ++k) {
      if (!EncodeWhole(v.list.p[k], out)) out->push_back('n');
    }
    return true;
  }
  if (v.tag == Tag::kJson) {  // array or object: its text
    std::string text = simdjson::minify(v.json);
    out->push_back('j');
    PutU32(static_cast<uint32_t>(text.size()), out);
    out->append(text);
    return true;
  }
  return false;  // missing, null
}

// The element encodings one key position contributes to the candidates.
bool PositionCandidates(const Value& v, std::vector<std::string>* elems) {
  elems->clear();
  std::string one;
  if (v.tag == Tag::kList) {
    for (uint32_t k = 0; k < v.list.n; ++k) {
      one.clear();
      if (EncodeScalar(v.list.p[k], &one)) elems->push_back(one);
    }
  } else if (v.tag == Tag::kJson && v.json.type() == simdjson::dom::element_type::ARRAY) {
    simdjson::dom::array arr;
    if (v.json.get_array().get(arr) == simdjson::SUCCESS) {
      for (simdjson::dom::element child : arr) {
        one.clear();
        if (EncodeElementScalar(child, &one)) elems->push_back(one);
      }
    }
  } else {
    if (!EncodeWhole(v, &one)) return false;
    elems->push_back(one);
  }
  // Dedupe, keeping first occurrence order (the order candidates are tried).
  std::vector<std::string> uniq;
  for (auto& e : *elems) {
    bool seen = false;
    for (auto& u : uniq) seen = seen || u == e;
    if (!seen) uniq.push_back(std::move(e));
  }
  *elems = std::move(uniq);
  return !elems->empty();
}

void AppendFloat(double f, std::string* out) {
  if (!std::isfinite(f)) {
    out->append("null");
    return;
  }
  fmt::format_to(std::back_inserter(*out), "{}", f);
}

}  // namespace

OwnedValue Own(const Value& v) {
  OwnedValue o;
  o.tag = v.tag;
  switch (v.tag) {
    case Tag::kMissing:
    case Tag::kNull:
      break;
    case Tag::kBool:
      o.b = v.b;
      break;
    case Tag::kInt:
      o.i = v.i;
      break;
    case Tag::kFloat:
      o.f = v.f;
      break;
    case Tag::kString:
      o.s.assign(v.str());
      break;
    case Tag::kJson:
      return OwnElement(v.json, /*allow_array=*/true);
    case Tag::kList:
      for (uint32_t k = 0; k < v.list.n; ++k) {
        OwnedValue e = Own(v.list.p[k]);
        if (e.tag == Tag::kList) {  // nested lists are kept as text
          e = OwnedValue{};
          e.tag = Tag::kMissing;
        }
        o.list.push_back(std::move(e));
      }
      break;
  }
  return o;
}

Value ViewArena::View(const OwnedValue& v) {
  switch (v.tag) {
    case Tag::kMissing:
      return Value::Missing();
    case Tag::kNull:
      return Value::Null();
    case Tag::kBool:
      return Value::Bool(v.b);
    case Tag::kInt:
      return Value::Int(v.i);
    case Tag::kFloat:
      return Value::Float(v.f);
    case Tag::kString:
    case Tag::kJson:  // objects travel as their JSON text
      return Value::String(v.s);
    case Tag::kList: {
      if (used_ == lists_.size()) lists_.emplace_back();
      std::vector<Value>& storage = lists_[used_++];
      storage.clear();
      for (const OwnedValue& e : v.list) {
        storage.push_back(e.tag == Tag::kList ? Value::Missing() : View(e));
      }
      // Moving `lists_` on growth keeps each inner buffer in place.
      return Value::List(storage.data(), static_cast<uint32_t>(storage.size()));
    }
  }
  return Value::Missing();
}

std::vector<Value>& ViewArena::NewList() {
  if (used_ == lists_.size()) lists_.emplace_back();
  std::vector<Value>& storage = lists_[used_++];
  storage.clear();
  return storage;
}

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

uint64_t GetVarint(const char** p) {
  uint64_t v = 0;
  int shift = 0;
  const unsigned char* q = reinterpret_cast<const unsigned char*>(*p);
  while (*q & 0x80) {
    v |= static_cast<uint64_t>(*q & 0x7f) << shift;
    shift += 7;
    ++q;
  }
  v |= static_cast<uint64_t>(*q) << shift;
  *p = reinterpret_cast<const char*>(q + 1);
  return v;
}

namespace {

void PackOwned(const OwnedValue& o, std::string* out) {
  out->push_back(static_cast<char>(o.tag));
  switch (o.tag) {
    case Tag::kMissing:
    case Tag::kNull:
      break;
    case Tag::kBool:
      out->push_back(o.b ? 1 : 0);
      break;
    case Tag::kInt:
      PutU64(static_cast<uint64_t>(o.i), out);
      break;
    case Tag::kFloat: {
      uint64_t bits;
      std::memcpy(&bits, &o.f, 8);
      PutU64(bits, out);
      break;
    }
    case Tag::kString:
    case Tag::kJson:
      PutVarint(o.s.size(), out);
      out->append(o.s);
      break;
    case Tag::kList:
      PutVarint(o.list.size(), out);
      for (const OwnedValue& e : o.list) {
        if (e.tag == Tag::kList) {
          out->push_back(static_cast<char>(Tag::kMissing));
        } else {
          PackOwned(e, out);
        }
      }
      break;
  }
}

uint64_t GetU64(const char** p) {
  uint64_t v;
  std::memcpy(&v, *p, 8);
  *p += 8;
  return v;
}

}  // namespace

void PackValue(const Value& v, std::string* out) {
  switch (v.tag) {  // the common scalars without building an OwnedValue
    case Tag::kString:
      out->push_back(static_cast<char>(Tag::kString));
      PutVarint(v.s.n, out);
      out->append(v.s.p, v.s.n);
      return;
    case Tag::kMissing:
    case Tag::kNull:
      out->push_back(static_cast<char>(v.tag));
      return;
    default:
      PackOwned(Own(v), out);
  }
}

Value ViewPacked(const char** p, ViewArena& arena) {
  const Tag tag = static_cast<Tag>(**p);
  ++*p;
  switch (tag) {
    case Tag::kMissing:
      return Value::Missing();
    case Tag::kNull:
      return Value::Null();
    case Tag::kBool: {
      const bool b = **p != 0;
      ++*p;
      return Value::Bool(b);
    }
    case Tag::kInt:
      return Value::Int(static_cast<int64_t>(GetU64(p)));
    case Tag::kFloat: {
      const uint64_t bits = GetU64(p);
      double f;
      std::memcpy(&f, &bits, 8);
      return Value::Float(f);
    }
    case Tag::kString:
    case Tag::kJson: {  // objects travel as their JSON text
      const uint64_t n = GetVarint(p);
      const char* s = *p;
      *p += n;
      return Value::String(std::string_view(s, n));
    }
    case Tag::kList: {
      const uint64_t n = GetVarint(p);
      std::vector<Value>& storage = arena.NewList();
      for (uint64_t k = 0; k < n; ++k) storage.push_back(ViewPacked(p, arena));
      return Value::List(storage.data(), static_cast<uint32_t>(storage.size()));
    }
  }
  return Value::Missing();
}

void SkipPacked(const char** p) {
  const Tag tag = static_cast<Tag>(**p);
  ++*p;
  switch (tag) {
    case Tag::kMissing:
    case Tag::kNull:
      return;
    case Tag::kBool:
      ++*p;
      return;
    case Tag::kInt:
    case Tag::kFloat:
      *p += 8;
      return;
    case Tag::kString:
    case Tag::kJson: {
      const uint64_t n = GetVarint(p);
      *p += n;
      return;
    }
    case Tag::kList: {
      const uint64_t n = GetVarint(p);
      for (uint64_t k = 0; k < n; ++k) SkipPacked(p);
      return;
    }
  }
}

bool DecodeScalarKey(std::string_view key, std::vector<Value>* out) {
  out->clear();
  size_t i = 0;
  while (i < key.size()) {
    const char t = key[i++];
    if (t == 's' && i + 4 <= key.size()) {
      uint32_t n;
      std::memcpy(&n, key.data() + i, 4);
      i += 4;
      if (i + n > key.size()) return false;
      out->push_back(Value::String(key.substr(i, n)));
      i += n;
    } else if (t == 'i' && i + 8 <= key.size()) {
      uint64_t v;
      std::memcpy(&v, key.data() + i, 8);
      i += 8;
      out->push_back(Value::Int(static_cast<int64_t>(v)));
    } else if (t == 'b' && i + 1 <= key.size()) {
      out->push_back(Value::Bool(key[i++] != 0));
    } else {
      return false;
    }
  }
  return true;
}

bool WholeKey(const Event& event, const std::vector<uint16_t>& slots, std::string* out) {
  out->clear();
  for (uint16_t s : slots) {
    if (!EncodeWhole(event.slot(s), out)) {
      out->clear();
      return false;
    }
  }
  return true;
}

void LenientKey(const std::vector<Value>& values, std::string* out) {
  out->clear();
  for (const Value& v : values) {
    if (!EncodeWhole(v, out)) out->push_back(v.tag == Tag::kNull ? 'N' : 'M');
  }
}

bool CandidateKeys(const Event& event, const std::vector<uint16_t>& slots,
                   std::vector<std::string>* out) {
  out->clear();
  out->emplace_back();  // the empty prefix
  std::vector<std::string> elems;
  std::vector<std::string> next;
  for (uint16_t s : slots) {
    if (!PositionCandidates(event.slot(s), &elems)) {
      out->clear();
      return false;
    }
    next.clear();
    for (const std::string& prefix : *out) {
      for (const std::string& e : elems) {
        if (next.size() >= kMaxKeyCandidates) break;
        next.push_back(prefix + e);
      }
    }
    out->swap(next);
  }
  return true;
}

void AppendJsonValue(const Value& v, FieldType type, std::string* out) {
  switch (v.tag) {
    case Tag::kMissing:
    case Tag::kNull:
      out->append("null");
      return;
    case Tag::kBool:
      out->append(v.b ? "true" : "false");
      return;
    case Tag::kInt:
      if (type == FieldType::kTime) {
        AppendJsonString(FormatTime(v.i), out);
      } else {
        fmt::format_to(std::back_inserter(*out), "{}", v.i);
      }
      return;
    case Tag::kFloat:
      AppendFloat(v.f, out);
      return;
    case Tag::kString:
      AppendJsonString(v.str(), out);
      return;
    case Tag::kJson:
      out->append(simdjson::minify(v.json));
      return;
    case Tag::kList:
      out->push_back('[');
      for (uint32_t k = 0; k < v.list.n; ++k) {
        if (k > 0) out->push_back(',');
        AppendJsonValue(v.list.p[k], FieldType::kString, out);
      }
      out->push_back(']');
      return;
  }
}

void AppendTextValue(const Value& v, FieldType type, std::string* out) {
  switch (v.tag) {
    case Tag::kMissing:
      return;
    case Tag::kNull:
      out->append("null");
      return;
    case Tag::kString:
      out->append(v.str());
      return;
    case Tag::kJson:
      if (v.json.type() == simdjson::dom::element_type::STRING) {
        out->append(v.json.get_string().value_unsafe());
      } else {
        out->append(simdjson::minify(v.json));
      }
      return;
    case Tag::kList:
      for (uint32_t k = 0; k < v.list.n; ++k) {
        if (k > 0) out->append(", ");
        AppendTextValue(v.list.p[k], FieldType::kString, out);
      }
      return;
    case Tag::kInt:
      if (type == FieldType::kTime) {
        out->append(FormatTime(v.i));
        return;
      }
      AppendJsonValue(v, type, out);
      return;
    default:
      AppendJsonValue(v, type, out);
      return;
  }
}

std::string FieldName(const Program& program, uint16_t slot) {
  std::string name;
  if (slot >= program.fields.size()) return name;
  for (const std::string& seg : program.fields[slot].segments) {
    if (!name.empty()) name.push_back('.');
    name.append(seg);
  }
  return name;
}

}  // namespace rdl::engine_internal
