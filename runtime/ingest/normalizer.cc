// Envelope unwrapping, format detection, mapping evaluation and normalized
// JSON writing; see normalizer.h. The rules themselves are data (mapping.h).
#include "runtime/ingest/normalizer.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "runtime/ingest/base64.h"
#include "runtime/ingest/json_util.h"
#include "runtime/ingest/time_text.h"
#include "runtime/vm/json_path.h"

namespace rdl::ingest {
namespace dom = simdjson::dom;

namespace {

constexpr int kMaxEnvelopeDepth = 3;       // Pub/Sub in a Records array in a JSON array...
constexpr size_t kMaxLeaves = 4096;        // values one path may collect
constexpr size_t kMaxResources = 1024;     // entries of `resources`
constexpr size_t kMaxEmbeddedParses = 32;  // `$json` and wrapper parses per record

const char* TypeName(dom::element_type t) {
  switch (t) {
    case dom::element_type::ARRAY:
      return "an array";
    case dom::element_type::OBJECT:
      return "an object";
    case dom::element_type::STRING:
      return "a string";
    case dom::element_type::BOOL:
      return "a bool";
    case dom::element_type::NULL_VALUE:
      return "null";
    default:
      return "a number";
  }
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool IsIp(std::string_view s) {
  char buf[64];
  if (s.empty() || s.size() >= sizeof(buf)) return false;
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = 0;
  unsigned char addr[16];
  return inet_pton(AF_INET, buf, addr) == 1 || inet_pton(AF_INET6, buf, addr) == 1;
}

// The shortest form that reads back as the same double, and as a double:
// an integral value gets ".0" (1.6e12 in a record stays a float, as the
// typed hand-off, which never writes it, sees it).
void AppendDouble(std::string* out, double d) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), d);
  std::string_view text(buf, static_cast<size_t>(r.ptr - buf));
  out->append(text);
  if (text.find_first_of(".eEni") == std::string_view::npos) out->append(".0");
}

}  // namespace

void AppendJson(std::string* out, dom::element e) {
  switch (e.type()) {
    case dom::element_type::ARRAY: {
      out->push_back('[');
      bool first = true;
      for (dom::element x : AsArray(e)) {
        if (!first) out->push_back(',');
        first = false;
        AppendJson(out, x);
      }
      out->push_back(']');
      break;
    }
    case dom::element_type::OBJECT: {
      out->push_back('{');
      bool first = true;
      for (auto [k, v] : AsObject(e)) {
        if (!first) out->push_back(',');
        first = false;
        AppendJsonString(out, k);
        out->push_back(':');
        AppendJson(out, v);
      }
      out->push_back('}');
      break;
    }
    case dom::element_type::STRING:
      AppendJsonString(out, AsString(e));
      break;
    case dom::element_type::INT64: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof(buf), e.get_int64().value_unsafe());
      out->append(buf, r.ptr);
      break;
    }
    case dom::element_type::UINT64: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof(buf), e.get_uint64().value_unsafe());
      out->append(buf, r.ptr);
      break;
    }
    case dom::element_type::DOUBLE:
      AppendDouble(out, e.get_double().value_unsafe());
      break;
    case dom::element_type::BOOL:
      out->append(e.get_bool().value_unsafe() ? "true" : "false");
      break;
    case dom::element_type::NULL_VALUE:
      out->append("null");
      break;
  }
}

size_t MinifiedJsonSize(dom::element e) {
  switch (e.type()) {
    case dom::element_type::ARRAY: {
      size_t n = 2;
      bool first = true;
      for (dom::element x : AsArray(e)) {
        n += (first ? 0 : 1) + MinifiedJsonSize(x);
        first = false;
      }
      return n;
    }
    case dom::element_type::OBJECT: {
      size_t n = 2;
      bool first = true;
      for (auto [k, v] : AsObject(e)) {
        n += (first ? 0 : 1) + JsonStringSize(k) + 1 + MinifiedJsonSize(v);
        first = false;
      }
      return n;
    }
    case dom::element_type::STRING:
      return JsonStringSize(AsString(e));
    default: {
      std::string text;  // numbers, booleans, null: short
      AppendJson(&text, e);
      return text.size();
    }
  }
}

const char* ReaderName(Reader r) {
  switch (r) {
    case Reader::kCloudTrail:
      return "cloudtrail";
    case Reader::kAzure:
      return "azure";
    case Reader::kGcp:
      return "gcp";
    case Reader::kOcsf:
      return "ocsf";
    case Reader::kNormalized:
      return "normalized";
    case Reader::kUnknown:
      return "unknown";
  }
  return "unknown";
}

bool ParseFormat(std::string_view format, bool* is_auto, Reader* forced) {
  *is_auto = format == "auto" || format.empty();
  if (*is_auto) return true;
  for (Reader r :
       {Reader::kCloudTrail, Reader::kAzure, Reader::kGcp, Reader::kOcsf, Reader::kNormalized}) {
    if (format == ReaderName(r)) {
      *forced = r;
      return true;
    }
  }
  return false;
}

// ------------------------------------------------------------------ builder

// One normalized value. Strings point into the parsed record, the mapping
// tables or the builder's scratch, all alive until the event is written.
struct Normalizer::Slot {
  bool set = false;
  std::string_view s;
  bool b = false;
  double d = 0;
  std::vector<std::string_view> list;
};

// A value read from a record (or a rule constant) before conversion to the
// field's type.
struct Scalar {
  enum Kind { kString, kBool, kNumber } kind = kString;
  std::string_view text;
  bool b = false;
  double d = 0;
  bool from_record = false;
};

// Evaluates rules of one record into slots and writes the event.
class Normalizer::Builder {
 public:
  explicit Builder(Normalizer* n) : n_(n), slots_(GetSchema().fields.size()) {}

  void Reset(dom::element record, bool ci) {
    record_ = record;
    ci_ = ci;
    for (Slot& s : slots_) {
      s.set = false;
      s.list.clear();
    }
    resources_.clear();
    tags_.clear();
    scratch_.clear();
    embedded_.clear();
    operation_ = {};
    time_text_.clear();
    bad_time_ = {};
    wrong_path_ = nullptr;
  }

  Slot& slot(int f) { return slots_[f]; }
  void leaves_swap(std::vector<dom::element>* v) { leaves_.swap(*v); }
  void set_operation(std::string_view op) { operation_ = op; }

  // Collects the values at `path` (arrays crossed) into leaves_.
  void Collect(const JsonPath& path) {
    leaves_.clear();
    Walk(record_, path, 0);
  }

  // Tries `candidates` in order on field f; single-valued fields stop at the
  // first accepted value, string lists take the values of every candidate
  // (each value once, in order). `strict`: a required field, where a value of
  // the wrong JSON type is an error, not a fall-through.
  bool EvalField(int f, const std::vector<const std::vector<Candidate>*>& lists, bool strict) {
    const SchemaField& field = GetSchema().fields[f];
    bool multi = field.type == FieldType::kStringList;
    Slot& slot = slots_[f];
    for (const std::vector<Candidate>* list : lists) {
      for (const Candidate& c : *list) {
        ForEachValue(c, strict, [&](const Scalar& v) { return Accept(field, v, &slot); });
        if (!multi && slot.set) return true;
      }
    }
    if (multi && !slot.list.empty()) slot.set = true;
    return slot.set;
  }

  // Every value candidate `c` yields, until `fn` returns true.
  template <typename Fn>
  void ForEachValue(const Candidate& c, bool strict, Fn fn) {
    if (c.constant) {
      fn(FromConstant(*c.constant));
      return;
    }
    std::vector<dom::element> leaves;
    if (c.path.is_operation) {
      if (operation_.empty()) return;
      Scalar s;
      s.text = operation_;
      if (Filter(c, &s)) fn(s);
      return;
    }
    Collect(c.path);
    leaves.swap(leaves_);  // fn may Collect again (nested evaluation)
    for (dom::element leaf : leaves) {
      Scalar s;
      if (!ToScalar(leaf, &s)) {
        // A present object (protoPayload) can still select a constant.
        if (c.value && leaf.type() == dom::element_type::OBJECT && !c.regex && c.equals.empty() &&
            c.map.empty()) {
          if (fn(FromConstant(*c.value))) break;
          continue;
        }
        if (strict && !wrong_path_ && leaf.type() != dom::element_type::NULL_VALUE) {
          wrong_path_ = &c.path;
          wrong_type_ = leaf.type();
        }
        continue;
      }
      if (strict && s.kind != Scalar::kString && !wrong_path_ && field_wants_string_) {
        wrong_path_ = &c.path;
        wrong_type_ = leaf.type();
        continue;
      }
      if (!Filter(c, &s)) continue;
      if (fn(s)) break;
    }
    if (leaves_.empty()) leaves_.swap(leaves);
  }

  // Applies regex/equals/map/value/lower; false when the value is dropped.
  bool Filter(const Candidate& c, Scalar* s) {
    if (c.regex) {
      re2::StringPiece cap;
      re2::StringPiece in(s->text.data(), s->text.size());
      if (c.regex->NumberOfCapturingGroups() == 1) {
        if (!RE2::PartialMatch(in, *c.regex, &cap)) return false;
        *s = Scalar{Scalar::kString, std::string_view(cap.data(), cap.size()), false, 0, false};
        if (s->text.empty()) return false;
      } else if (!RE2::PartialMatch(in, *c.regex)) {
        return false;
      }
    }
    if (!c.equals.empty()) {
      bool any = false;
      for (const std::string& e : c.equals) any = any || EqualsIgnoreCase(e, s->text);
      if (!any) return false;
    }
    if (!c.map.empty()) {
      auto it = c.map.find(LowerAscii(s->text));
      if (it != c.map.end()) {
        *s = FromConstant(it->second);
      } else if (c.map_default) {
        *s = FromConstant(*c.map_default);
      } else {
        return false;
      }
    }
    if (c.value) *s = FromConstant(*c.value);
    if (c.lower) {
      scratch_.push_back(LowerAscii(s->text));
      s->text = scratch_.back();
    }
    return true;
  }

  Scalar FromConstant(const Constant& k) {
    Scalar s;
    s.kind = k.kind == Constant::kString ? Scalar::kString
             : k.kind == Constant::kBool ? Scalar::kBool
                                         : Scalar::kNumber;
    s.text = k.s;
    s.b = k.b;
    s.d = k.d;
    return s;
  }

  // A leaf as a scalar; false for null, "" and containers (not values).
  bool ToScalar(dom::element e, Scalar* s) {
    s->from_record = true;
    switch (e.type()) {
      case dom::element_type::STRING:
        s->kind = Scalar::kString;
        s->text = AsString(e);
        return !s->text.empty();
      case dom::element_type::BOOL:
        s->kind = Scalar::kBool;
        s->b = e.get_bool().value_unsafe();
        s->text = s->b ? "true" : "false";
        return true;
      case dom::element_type::INT64:
      case dom::element_type::UINT64:
      case dom::element_type::DOUBLE: {
        s->kind = Scalar::kNumber;
        s->d = e.get_double().value_unsafe();
        std::string text;
        AppendJson(&text, e);
        scratch_.push_back(std::move(text));
        s->text = scratch_.back();
        return true;
      }
      default:
        return false;
    }
  }

  // Converts to the field's type and stores; true when stored (a
  // single-valued field is then complete).
  bool Accept(const SchemaField& field, const Scalar& v, Slot* slot) {
    switch (field.type) {
      case FieldType::kString:
        slot->s = v.text;
        slot->set = true;
        return true;
      case FieldType::kIp:
        if (!IsIp(v.text)) return false;
        slot->s = v.text;
        slot->set = true;
        return true;
      case FieldType::kTime: {
        // Written into a kept buffer, then swapped in: no allocation per record.
        std::string& canonical = time_scratch_;
        bool ok = v.kind == Scalar::kNumber ? FormatEpochMillis(v.d, &canonical)
                                            : ParseTimeText(v.text, &canonical);
        if (!ok) {
          if (bad_time_.empty()) bad_time_ = v.text;
          return false;
        }
        time_text_.swap(canonical);
        slot->s = time_text_;
        original_time_ = v.text;
        slot->set = true;
        return true;
      }
      case FieldType::kBool:
        if (v.kind == Scalar::kBool) {
          slot->b = v.b;
        } else if (EqualsIgnoreCase(v.text, "true")) {
          slot->b = true;
        } else if (EqualsIgnoreCase(v.text, "false")) {
          slot->b = false;
        } else {
          return false;
        }
        slot->set = true;
        return true;
      case FieldType::kFloat: {
        if (v.kind == Scalar::kNumber) {
          slot->d = v.d;
        } else if (v.kind == Scalar::kString) {
          std::string tmp(v.text);
          char* end = nullptr;
          double d = std::strtod(tmp.c_str(), &end);
          if (end != tmp.c_str() + tmp.size() || !std::isfinite(d)) return false;
          slot->d = d;
        } else {
          return false;
        }
        slot->set = true;
        return true;
      }
      case FieldType::kStringList:
        if (slot->list.size() < kMaxLeaves &&
            std::find(slot->list.begin(), slot->list.end(), v.text) == slot->list.end()) {
          slot->list.push_back(v.text);
        }
        return false;  // keep collecting
      case FieldType::kJson:
        return false;
    }
    return false;
  }

  void Walk(dom::element e, const JsonPath& p, size_t i) {
    if (leaves_.size() >= kMaxLeaves) return;
    if (e.type() == dom::element_type::ARRAY) {
      for (dom::element x : AsArray(e)) Walk(x, p, i);
      return;
    }
    if (i == p.segments.size()) {
      leaves_.push_back(e);
      return;
    }
    const std::string& seg = p.segments[i];
    if (seg == "$json") {
      if (e.type() != dom::element_type::STRING) return;
      dom::element inner;
      if (!Embedded(AsString(e), &inner)) return;
      Walk(inner, p, i + 1);
      return;
    }
    if (e.type() != dom::element_type::OBJECT) return;
    dom::object obj = AsObject(e);
    dom::element next;
    if (!obj.at_key(seg).get(next) || (ci_ && !obj.at_key_case_insensitive(seg).get(next))) {
      Walk(next, p, i + 1);
    }
  }

  // `$json`: parses a string once per record (the same request body feeds
  // several fields).
  bool Embedded(std::string_view text, dom::element* out) {
    for (const auto& [ptr, el] : embedded_) {
      if (ptr == text.data()) {
        if (!el) return false;
        *out = *el;
        return true;
      }
    }
    std::string ignored;
    dom::element el;
    bool ok = n_->ParseEmbedded(text, &el, &ignored);
    embedded_.emplace_back(text.data(), ok ? std::optional<dom::element>(el) : std::nullopt);
    if (ok) *out = el;
    return ok;
  }

  bool field_wants_string_ = false;
  const JsonPath* wrong_path_ = nullptr;
  dom::element_type wrong_type_ = dom::element_type::NULL_VALUE;
  std::string_view bad_time_;
  std::string_view original_time_;
  std::vector<std::pair<std::string_view, std::string_view>> resources_;  // type, uid
  std::vector<std::pair<std::string_view, std::string_view>> tags_;

 private:
  Normalizer* n_;
  std::vector<Slot> slots_;
  dom::element record_;
  bool ci_ = false;
  std::string_view operation_;
  std::vector<dom::element> leaves_;
  std::deque<std::string> scratch_;
  std::vector<std::pair<const char*, std::optional<dom::element>>> embedded_;
  std::string time_text_;
  std::string time_scratch_;
};

// --------------------------------------------------------------- normalizer

Normalizer::Normalizer(const Mappings& mappings, const IngestOptions& options,
                       const Program* program)
    : mappings_(mappings),
      options_(options),
      builder_(std::make_unique<Builder>(this)),
      program_(program) {
  if (program_) {
    plan_ = std::make_unique<EventPlan>(PlanEvent(*program_, GetSchema()));
    reader_ = std::make_unique<EventReader>(*program_);
  }
  bool is_auto = true;
  Reader forced = Reader::kUnknown;
  if (ParseFormat(options.format, &is_auto, &forced) && !is_auto) {
    forced_ = true;
    forced_reader_ = forced;
  }
  file_reader_ = forced_ ? forced_reader_ : Reader::kUnknown;
}

Normalizer::~Normalizer() = default;

bool Normalizer::ParseEmbedded(std::string_view text, dom::element* out, std::string* error) {
  if (pool_used_ >= kMaxEmbeddedParses) {
    *error = "too many embedded JSON documents in one record";
    return false;
  }
  if (pool_used_ == pool_.size()) pool_.push_back(std::make_unique<dom::parser>());
  dom::parser& p = *pool_[pool_used_++];
  // realloc_if_needed: the text lives inside another document's string
  // buffer, without the padding simdjson reads past the end.
  if (auto err = p.parse(text.data(), text.size(), true).get(*out)) {
    *error = simdjson::error_message(err);
    return false;
  }
  return true;
}

void Normalizer::HandleDocument(dom::element doc, uint64_t line, RecordSink* sink) {
  if (doc.type() == dom::element_type::ARRAY) {
    size_t i = 0;
    for (dom::element e : AsArray(doc)) {
      if (sink->Stopped()) return;
      HandleTop(e, line, "[" + std::to_string(i++) + "]", 0, sink);
    }
    return;
  }
  HandleTop(doc, line, "", 0, sink);
}

void Normalizer::HandleTop(dom::element e, uint64_t line, const std::string& where, int depth,
                           RecordSink* sink) {
  if (e.type() != dom::element_type::OBJECT) {
    sink->Bad(std::string("expected a JSON object, got ") + TypeName(e.type()), file_reader_, line,
              where);
    return;
  }
  HandleRecord(e, line, where, depth, sink);
}

namespace {

// What one pass over a record's top-level keys says about its format.
struct KeyScan {
  bool event_source = false, event_name = false, aws_region = false;
  bool class_uid = false, cloud = false;
  bool proto_payload = false, log_name = false, insert_id = false, resource = false;
  bool operation_name = false, azure_id = false;
  bool cloudtrail_event = false, detail = false, detail_type = false, message = false;
  bool ci = false;  // a signature key matched only ignoring case
};

KeyScan ScanKeys(dom::object obj) {
  struct Sig {
    std::string_view key;
    bool KeyScan::*flag;
  };
  static const Sig kSigs[] = {
      {"eventSource", &KeyScan::event_source},
      {"eventName", &KeyScan::event_name},
      {"awsRegion", &KeyScan::aws_region},
      {"class_uid", &KeyScan::class_uid},
      {"cloud", &KeyScan::cloud},
      {"protoPayload", &KeyScan::proto_payload},
      {"logName", &KeyScan::log_name},
      {"insertId", &KeyScan::insert_id},
      {"resource", &KeyScan::resource},
      {"operationName", &KeyScan::operation_name},
      {"operation_name", &KeyScan::operation_name},
      {"resourceId", &KeyScan::azure_id},
      {"resource_id", &KeyScan::azure_id},
      {"subscriptionId", &KeyScan::azure_id},
      {"subscription_id", &KeyScan::azure_id},
      {"correlationId", &KeyScan::azure_id},
      {"correlation_id", &KeyScan::azure_id},
      {"eventDataId", &KeyScan::azure_id},
      {"event_data_id", &KeyScan::azure_id},
      {"CloudTrailEvent", &KeyScan::cloudtrail_event},
      {"detail", &KeyScan::detail},
      {"detail-type", &KeyScan::detail_type},
      {"message", &KeyScan::message},
  };
  // By length: a key is compared only with signatures as long as it (this
  // runs on every key of every record).
  constexpr size_t kMaxLen = 24;
  static const auto kByLength = [] {
    std::array<std::vector<const Sig*>, kMaxLen> t;
    for (const Sig& sig : kSigs) t[sig.key.size()].push_back(&sig);
    return t;
  }();
  KeyScan s;
  for (auto [key, value] : obj) {
    (void)value;
    if (key.size() >= kMaxLen) continue;
    for (const Sig* sig : kByLength[key.size()]) {
      if (key == sig->key) {
        s.*sig->flag = true;
      } else if (EqualsIgnoreCase(key, sig->key)) {
        s.*sig->flag = true;
        s.ci = true;
      }
    }
  }
  return s;
}

bool Has(dom::object obj, std::string_view key, bool ci, dom::element* out) {
  return !obj.at_key(key).get(*out) || (ci && !obj.at_key_case_insensitive(key).get(*out));
}

}  // namespace

void Normalizer::HandleRecord(dom::element rec, uint64_t line, const std::string& where, int depth,
                              RecordSink* sink) {
  // Embedded documents parsed for this record live until it is done; the
  // enclosing record's (Pub/Sub data) stay intact.
  struct PoolMark {
    size_t* used;
    size_t mark;
    ~PoolMark() { *used = mark; }
  } pool_mark{&pool_used_, pool_used_};
  dom::object obj = AsObject(rec);
  KeyScan k = ScanKeys(obj);
  auto bad = [&](Reader r, const std::string& msg) { sink->Bad(msg, r, line, where); };
  auto want = [&](Reader r) { return !forced_ || forced_reader_ == r; };
  dom::element inner;

  // Wrappers around a CloudTrail record.
  if (k.cloudtrail_event && want(Reader::kCloudTrail) &&
      Has(obj, "CloudTrailEvent", k.ci, &inner)) {
    if (inner.type() != dom::element_type::STRING) {
      return bad(Reader::kCloudTrail, std::string("CloudTrailEvent is ") + TypeName(inner.type()) +
                                          ", expected a JSON string");
    }
    std::string err;
    dom::element decoded;
    if (!ParseEmbedded(AsString(inner), &decoded, &err)) {
      return bad(Reader::kCloudTrail, "invalid JSON in CloudTrailEvent: " + err);
    }
    if (decoded.type() != dom::element_type::OBJECT) {
      return bad(Reader::kCloudTrail, "CloudTrailEvent does not hold a JSON object");
    }
    std::string error;
    if (!Normalize(Reader::kCloudTrail, decoded, ScanKeys(AsObject(decoded)).ci, &error)) {
      return bad(Reader::kCloudTrail, error);
    }
    file_reader_ = Reader::kCloudTrail;
    return Emit(Reader::kCloudTrail, line, where, sink);
  }
  if (k.detail && k.detail_type && want(Reader::kCloudTrail)) {
    dom::element type;
    std::string_view type_text;
    if (Has(obj, "detail-type", k.ci, &type) && !type.get_string().get(type_text) &&
        Has(obj, "detail", k.ci, &inner) && inner.type() == dom::element_type::OBJECT) {
      // "AWS API Call via CloudTrail", "AWS Console Sign In via
      // CloudTrail", "AWS Service Event via CloudTrail": the detail is a
      // CloudTrail record. Other detail types are not audit records.
      if (type_text.size() < 14 || type_text.substr(type_text.size() - 14) != "via CloudTrail") {
        return bad(file_reader_, "unsupported EventBridge event (detail-type \"" +
                                     std::string(type_text) + "\")");
      }
      std::string error;
      if (!Normalize(Reader::kCloudTrail, inner, ScanKeys(AsObject(inner)).ci, &error)) {
        return bad(Reader::kCloudTrail, error);
      }
      file_reader_ = Reader::kCloudTrail;
      return Emit(Reader::kCloudTrail, line, where, sink);
    }
  }
  // Pub/Sub push envelope: message.data is the LogEntry, base64 (as Pub/Sub
  // sends it) or already decoded (as some exporters and docs show it).
  if (k.message && want(Reader::kGcp) && depth < kMaxEnvelopeDepth &&
      Has(obj, "message", k.ci, &inner) && inner.type() == dom::element_type::OBJECT) {
    dom::element data;
    if (Has(AsObject(inner), "data", k.ci, &data)) {
      if (data.type() == dom::element_type::STRING) {
        scratch_.clear();
        scratch_.emplace_back();
        if (!DecodeBase64(AsString(data), &scratch_.back())) {
          return bad(Reader::kGcp, "Pub/Sub message.data is not valid base64");
        }
        std::string err;
        dom::element decoded;
        if (!ParseEmbedded(scratch_.back(), &decoded, &err)) {
          return bad(Reader::kGcp, "invalid JSON in Pub/Sub message.data: " + err);
        }
        return HandleTop(decoded, line, where, depth + 1, sink);
      }
      if (data.type() == dom::element_type::OBJECT) {
        return HandleTop(data, line, where, depth + 1, sink);
      }
      return bad(Reader::kGcp, std::string("Pub/Sub message.data is ") + TypeName(data.type()) +
                                   ", expected base64 text or an object");
    }
  }

  // A record: by its characteristic keys, or as forced.
  Reader reader = Reader::kUnknown;
  if (forced_) {
    reader = forced_reader_;
  } else if (k.class_uid) {
    reader = Reader::kOcsf;
  } else if (k.cloud && Has(obj, "cloud", k.ci, &inner) &&
             inner.type() == dom::element_type::OBJECT &&
             Has(AsObject(inner), "provider", k.ci, &inner)) {
    reader = Reader::kNormalized;
  } else if (k.event_name && (k.event_source || k.aws_region)) {
    reader = Reader::kCloudTrail;
  } else if (k.proto_payload || (k.log_name && (k.insert_id || k.resource))) {
    reader = Reader::kGcp;
  } else if (k.operation_name && k.azure_id) {
    reader = Reader::kAzure;
  }
  // Envelopes: a CloudTrail delivery file, an Azure export, LookupEvents
  // output. Only when the object is not itself a record.
  bool record_signature = reader != Reader::kUnknown && !forced_;
  if (!record_signature && depth < kMaxEnvelopeDepth) {
    for (std::string_view key : {"Records", "records", "Events"}) {
      dom::element arr;
      if (!obj.at_key(key).get(arr) && arr.type() == dom::element_type::ARRAY) {
        size_t i = 0;
        for (dom::element e : AsArray(arr)) {
          if (sink->Stopped()) return;
          std::string w = where.empty() ? std::string(key) : where + "." + std::string(key);
          HandleTop(e, line, w + "[" + std::to_string(i++) + "]", depth + 1, sink);
        }
        return;
      }
    }
  }
  if (reader == Reader::kUnknown) {
    return bad(file_reader_,
               "unrecognized record format (not CloudTrail, Azure Activity Log, "
               "GCP audit log, OCSF or normalized)");
  }
  std::string error;
  bool ok = reader == Reader::kNormalized ? PassThrough(rec, &error)
                                          : Normalize(reader, rec, k.ci, &error);
  if (!ok) return bad(reader, error);
  file_reader_ = reader;
  Emit(reader, line, where, sink);
}

void Normalizer::Emit(Reader reader, uint64_t line, const std::string& where, RecordSink* sink) {
  if (program_) {
    sink->Event({}, &event_, reader, line, where);
  } else {
    sink->Event(out_, nullptr, reader, line, where);
  }
}

bool Normalizer::CheckSize(dom::element record, std::string* error) {
  // Minified, a record is at most about as long as the text it was parsed
  // from (a number such as 1e9 grows to 1e+09): below half the limit, no
  // need to measure.
  if (document_bytes_ <= options_.max_record_bytes / 2) return true;
  const size_t bytes = MinifiedJsonSize(record);
  if (bytes <= options_.max_record_bytes) return true;
  *error = "record of " + std::to_string(bytes) + " bytes exceeds the limit of " +
           std::to_string(options_.max_record_bytes) + " bytes";
  return false;
}

bool Normalizer::PassThrough(dom::element record, std::string* error) {
  dom::element t;
  std::string canonical;
  if (record["time"].get(t)) {
    if (!options_.allow_missing_time) {
      *error = "missing time (time)";
      return false;
    }
  } else {
    std::string_view text;
    bool ok = t.type() == dom::element_type::STRING
                  ? (!t.get_string().get(text) && ParseTimeText(text, &canonical))
                  : (t.is_number() && FormatEpochMillis(t.get_double().value_unsafe(), &canonical));
    if (!ok) {
      std::string shown;
      AppendJson(&shown, t);
      *error = "unparsable time " + shown + " (time)";
      return false;
    }
  }
  if (program_) return CheckSize(record, error) && reader_->Fill(record, &event_, error);
  out_.clear();
  AppendJson(&out_, record);
  if (out_.size() > options_.max_record_bytes) {
    *error = "record of " + std::to_string(out_.size()) + " bytes exceeds the limit of " +
             std::to_string(options_.max_record_bytes) + " bytes";
    return false;
  }
  return true;
}

bool Normalizer::Normalize(Reader reader, dom::element record, bool ci, std::string* error) {
  const Schema& schema = GetSchema();
  const ProviderMapping* pm = nullptr;
  switch (reader) {
    case Reader::kCloudTrail:
      pm = &mappings_.aws;
      break;
    case Reader::kAzure:
      pm = &mappings_.azure;
      break;
    case Reader::kGcp:
      pm = &mappings_.gcp;
      break;
    case Reader::kOcsf:
      pm = &mappings_.ocsf;
      break;
    default:
      return PassThrough(record, error);
  }
  Builder& b = *builder_;
  b.Reset(record, ci);
  // Looked up once: the schema is fixed for the process.
  static const struct {
    int time, original_time, provider, service, operation, status, resource_type, resource_uid,
        action, error_code, error_message;
  } kF = {schema.Find("time"),           schema.Find("metadata.original_time"),
          schema.Find("cloud.provider"), schema.Find("api.service.name"),
          schema.Find("api.operation"),  schema.Find("status"),
          schema.Find("resource.type"),  schema.Find("resource.uid"),
          schema.Find("action"),         schema.Find("error.code"),
          schema.Find("error.message")};
  const int f_time = kF.time;
  const int f_original_time = kF.original_time;
  const int f_provider = kF.provider;
  const int f_service = kF.service;
  const int f_operation = kF.operation;
  const int f_status = kF.status;
  const int f_resource_type = kF.resource_type;
  const int f_resource_uid = kF.resource_uid;
  const int f_action = kF.action;

  auto is_required = [&](int f) {
    for (int r : pm->required) {
      if (r == f) return true;
    }
    return false;
  };
  auto common_list = [&](int f) -> const std::vector<Candidate>* {
    auto it = pm->common.fields.find(f);
    return it == pm->common.fields.end() ? nullptr : &it->second.candidates;
  };
  // Reports a required field that is missing or of the wrong type.
  auto missing = [&](int f, const std::vector<const std::vector<Candidate>*>& lists) {
    const std::string& name = schema.fields[f].name;
    if (b.wrong_path_) {
      *error = b.wrong_path_->text + " is " + TypeName(b.wrong_type_) + ", expected a string";
      return false;
    }
    if (f == f_time && !b.bad_time_.empty()) {
      std::string shown;
      AppendJsonString(&shown, b.bad_time_);
      *error = "unparsable time " + shown;
      return false;
    }
    if (f == f_time && options_.allow_missing_time) return true;
    std::string paths;
    for (const auto* list : lists) {
      for (const Candidate& c : *list) {
        if (c.constant) continue;
        if (!paths.empty()) paths += ", ";
        paths += c.path.text;
      }
    }
    *error = "missing " + name + (paths.empty() ? "" : " (" + paths + ")");
    return false;
  };
  auto eval = [&](int f, const std::vector<const std::vector<Candidate>*>& lists) {
    bool strict = is_required(f);
    b.wrong_path_ = nullptr;
    b.field_wants_string_ = strict && schema.fields[f].type == FieldType::kString;
    bool found = b.EvalField(f, lists, strict);
    b.field_wants_string_ = false;
    if (!found && strict) return missing(f, lists);
    return true;
  };

  // The typed hand-off evaluates only the schema fields it needs.
  const bool direct = program_ && plan_->direct;

  // 1. The operation (and service, provider) decide which rules apply.
  std::vector<const std::vector<Candidate>*>& lists = lists_;  // kept: no allocation per record
  lists.clear();
  if (const auto* l = common_list(f_operation)) lists.push_back(l);
  if (!eval(f_operation, lists)) return false;
  if (b.slot(f_operation).set) {
    // Operation names are identifiers: stray blanks (a documentation
    // sample has "SendSSHPublicKey ") must not defeat the lookup.
    std::string_view& op = b.slot(f_operation).s;
    while (!op.empty() && (op.front() == ' ' || op.front() == '\t')) op.remove_prefix(1);
    while (!op.empty() && (op.back() == ' ' || op.back() == '\t')) op.remove_suffix(1);
    if (op.empty()) {
      b.slot(f_operation).set = false;
      if (is_required(f_operation)) {
        lists.clear();
        if (const auto* l = common_list(f_operation)) lists.push_back(l);
        b.wrong_path_ = nullptr;
        return missing(f_operation, lists);
      }
    }
  }
  b.set_operation(b.slot(f_operation).set ? b.slot(f_operation).s : "");
  for (int f : {f_service, f_provider}) {
    lists.clear();
    if (const auto* l = common_list(f)) lists.push_back(l);
    if (!eval(f, lists)) return false;
  }
  std::string_view operation = b.slot(f_operation).set ? b.slot(f_operation).s : "";
  std::string_view service = b.slot(f_service).set ? b.slot(f_service).s : "";
  const ProviderMapping* table = pm;
  if (reader == Reader::kOcsf && b.slot(f_provider).set) {
    // OCSF records carry the provider's own operation names.
    const ProviderMapping* p = mappings_.Get(b.slot(f_provider).s);
    if (p && p != &mappings_.ocsf) table = p;
  }
  const std::pair<const std::string, RuleSet>* entry = table->Find(service, operation);
  if (entry && table->case_insensitive) {
    // Report the operation as the table spells it: rules compare one
    // spelling, raw keeps the original.
    std::string_view name = entry->first;
    size_t colon = name.find(':');
    if (colon != std::string_view::npos) name.remove_prefix(colon + 1);
    b.slot(f_operation).s = name;
  }
  b.set_operation(b.slot(f_operation).set ? b.slot(f_operation).s : "");
  const RuleSet* ops = entry ? &entry->second : nullptr;

  // 2. Every other field: the operation's candidates, then the common ones.
  for (size_t f = 0; f < schema.fields.size(); ++f) {
    const SchemaField& field = schema.fields[f];
    if (field.derived || field.type == FieldType::kJson) continue;  // resources, tags, raw
    if (static_cast<int>(f) == f_operation || static_cast<int>(f) == f_original_time) continue;
    // Typed: only what the program reads, what decides validity (required
    // fields) and what other fields derive from.
    if (direct && !plan_->schema_needed[f] && !is_required(static_cast<int>(f))) continue;
    lists.clear();
    // An OCSF record takes only `action` from the provider's table: the
    // table's other paths are the provider's record layout, not OCSF's.
    if (ops && (table == pm || static_cast<int>(f) == f_action)) {
      auto it = ops->fields.find(static_cast<int>(f));
      if (it != ops->fields.end()) lists.push_back(&it->second.candidates);
    }
    if (static_cast<int>(f) == f_provider) {
      if (lists.empty()) continue;  // already evaluated from the common rules
      b.slot(f).set = false;
    }
    // The service again: it may derive from the operation's table spelling.
    if (static_cast<int>(f) == f_service) b.slot(f).set = false;
    if (const auto* l = common_list(static_cast<int>(f))) lists.push_back(l);
    if (lists.empty()) {
      if (is_required(static_cast<int>(f)) &&
          !(static_cast<int>(f) == f_time && options_.allow_missing_time)) {
        *error = "missing " + field.name;
        return false;
      }
      continue;
    }
    if (!eval(static_cast<int>(f), lists)) return false;
  }
  if (b.slot(f_time).set && f_original_time >= 0) {
    b.slot(f_original_time).s = b.original_time_;
    b.slot(f_original_time).set = true;
  }
  // Errors describe failures only (Azure writes a statusCode on success).
  if (!b.slot(f_status).set || b.slot(f_status).s != "failure") {
    b.slot(kF.error_code).set = false;
    b.slot(kF.error_message).set = false;
  }

  if (direct && !plan_->needs_resources && !plan_->needs_tags) {
    return CheckSize(record, error) && FillTyped(record, error);
  }

  // 3. resources: the primary resource, then every group.
  auto add_resource = [&](std::string_view type, std::string_view uid) {
    if (uid.empty() || b.resources_.size() >= kMaxResources) return;
    for (const auto& [t, u] : b.resources_) {
      if (t == type && u == uid) return;
    }
    b.resources_.emplace_back(type, uid);
  };
  if (b.slot(f_resource_uid).set) {
    add_resource(b.slot(f_resource_type).set ? b.slot(f_resource_type).s : "",
                 b.slot(f_resource_uid).s);
  }
  for (const RuleSet* rs : {table == pm ? ops : nullptr, &pm->common}) {
    if (!rs) continue;
    for (const ResourceGroup& g : rs->resources) {
      if (!g.objects.segments.empty()) {
        b.Collect(g.objects);
        std::vector<dom::element>& objs = objs_;  // swapped with the builder's: both keep capacity
        b.leaves_swap(&objs);
        for (dom::element o : objs) {
          if (o.type() != dom::element_type::OBJECT) continue;
          std::string_view uid;
          if (o[g.uid_key].get_string().get(uid)) continue;
          add_resource(StringOr(o, g.type_key, ""), uid);
        }
        continue;
      }
      for (const Candidate& c : g.uid) {
        size_t before = b.resources_.size();
        bool any = false;
        b.ForEachValue(c, false, [&](const Scalar& v) {
          any = true;
          add_resource(g.type, v.text);
          return false;
        });
        if (any || b.resources_.size() > before) break;
      }
    }
  }

  // 4. tags: from the operation's sources if it has any, else the common
  // ones; the first source that yields a tag wins (the same labels come as
  // a map or as a list of {key, value} depending on the exporter), and the
  // first value of a key.
  const RuleSet* tag_rules = ops && table == pm && ops->has_tags ? ops : &pm->common;
  for (const TagSource& src : tag_rules->tags) {
    if (!b.tags_.empty()) break;
    b.Collect(src.path);
    std::vector<dom::element>& objs = objs_;
    b.leaves_swap(&objs);
    auto add_tag = [&](std::string_view key, dom::element v) {
      if (key.empty()) return;
      for (const auto& [k, val] : b.tags_) {
        if (k == key) return;
      }
      Scalar s;
      if (!b.ToScalar(v, &s)) return;
      b.tags_.emplace_back(key, s.text);
    };
    for (dom::element o : objs) {
      if (o.type() != dom::element_type::OBJECT) continue;
      dom::object obj = AsObject(o);
      if (!src.key.empty()) {
        std::string_view key;
        dom::element v;
        if (obj[src.key].get_string().get(key) || obj[src.value].get(v)) continue;
        add_tag(key, v);
      } else {
        for (auto [key, v] : obj) add_tag(key, v);
      }
    }
  }

  if (direct) return CheckSize(record, error) && FillTyped(record, error);

  // 5. Write the event in schema order, nesting along the dots.
  out_.clear();
  out_.push_back('{');
  size_t raw_bytes = 0;                // the record's size as minified JSON
  std::vector<std::string_view> open;  // object names currently open
  bool first_in_object = true;
  auto begin_field = [&](const SchemaField& field) {
    const auto& segs = field.segments;
    size_t common = 0;
    while (common < open.size() && common + 1 < segs.size() && open[common] == segs[common]) {
      ++common;
    }
    while (open.size() > common) {
      out_.push_back('}');
      open.pop_back();
      first_in_object = false;
    }
    for (size_t i = common; i + 1 < segs.size(); ++i) {
      if (!first_in_object) out_.push_back(',');
      AppendJsonString(&out_, segs[i]);
      out_.append(":{");
      open.push_back(segs[i]);
      first_in_object = true;
    }
    if (!first_in_object) out_.push_back(',');
    AppendJsonString(&out_, segs.back());
    out_.push_back(':');
    first_in_object = false;
  };
  for (const SchemaField& field : schema.fields) {
    if (field.derived) continue;
    int f = static_cast<int>(&field - schema.fields.data());
    if (field.name == "raw") {
      begin_field(field);
      size_t raw_start = out_.size();
      AppendJson(&out_, record);
      raw_bytes = out_.size() - raw_start;
      continue;
    }
    if (field.name == "resources") {
      if (b.resources_.empty()) continue;
      begin_field(field);
      out_.push_back('[');
      for (size_t i = 0; i < b.resources_.size(); ++i) {
        if (i) out_.push_back(',');
        out_.push_back('{');
        if (!b.resources_[i].first.empty()) {
          out_.append("\"type\":");
          AppendJsonString(&out_, b.resources_[i].first);
          out_.push_back(',');
        }
        out_.append("\"uid\":");
        AppendJsonString(&out_, b.resources_[i].second);
        out_.push_back('}');
      }
      out_.push_back(']');
      continue;
    }
    if (field.name == "tags") {
      if (b.tags_.empty()) continue;
      begin_field(field);
      out_.push_back('{');
      for (size_t i = 0; i < b.tags_.size(); ++i) {
        if (i) out_.push_back(',');
        AppendJsonString(&out_, b.tags_[i].first);
        out_.push_back(':');
        AppendJsonString(&out_, b.tags_[i].second);
      }
      out_.push_back('}');
      continue;
    }
    const Slot& s = b.slot(f);
    if (!s.set) continue;
    begin_field(field);
    switch (field.type) {
      case FieldType::kBool:
        out_.append(s.b ? "true" : "false");
        break;
      case FieldType::kFloat:
        AppendDouble(&out_, s.d);
        break;
      case FieldType::kStringList:
        out_.push_back('[');
        for (size_t i = 0; i < s.list.size(); ++i) {
          if (i) out_.push_back(',');
          AppendJsonString(&out_, s.list[i]);
        }
        out_.push_back(']');
        break;
      default:
        AppendJsonString(&out_, s.s);
    }
  }
  while (!open.empty()) {
    out_.push_back('}');
    open.pop_back();
  }
  out_.push_back('}');
  if (raw_bytes > options_.max_record_bytes) {
    *error = "record of " + std::to_string(raw_bytes) + " bytes exceeds the limit of " +
             std::to_string(options_.max_record_bytes) + " bytes";
    return false;
  }
  // Typed, with a field the plan cannot fill directly: read the JSON back.
  if (program_) return reader_->Read(out_, &event_, error);
  return true;
}

bool Normalizer::FillTyped(dom::element record, std::string* error) {
  const Schema& schema = GetSchema();
  Builder& b = *builder_;
  const size_t n = plan_->slots.size();
  event_.Clear(n);
  std::vector<Value>* list = event_.list_storage();
  for (size_t i = 0; i < n; ++i) {
    const SlotSource& src = plan_->slots[i];
    const uint16_t slot = static_cast<uint16_t>(i);
    const uint32_t begin = event_.list_size();
    switch (src.kind) {
      case SlotSource::Kind::kNone:
        break;
      case SlotSource::Kind::kSchema: {
        const Slot& s = b.slot(src.schema_field);
        if (!s.set) break;
        switch (schema.fields[src.schema_field].type) {
          case FieldType::kBool:
            event_.Store(slot, src.type, Value::Bool(s.b));
            break;
          case FieldType::kFloat:
            event_.Store(slot, src.type, Value::Float(s.d));
            break;
          case FieldType::kStringList:
            for (std::string_view v : s.list) list->push_back(Value::String(v));
            event_.StoreList(slot, src.type, begin);
            break;
          default:
            event_.Store(slot, src.type, Value::String(s.s));
        }
        break;
      }
      case SlotSource::Kind::kRaw: {
        Value single;
        switch (WalkPath(record, src.raw_path, &single, list)) {
          case PathResult::kMissing:
            break;
          case PathResult::kValue:
            event_.Store(slot, src.type, single);
            break;
          case PathResult::kList:
            event_.StoreList(slot, src.type, begin);
            break;
        }
        break;
      }
      case SlotSource::Kind::kResourceUids:
      case SlotSource::Kind::kResourceTypes: {
        const bool uids = src.kind == SlotSource::Kind::kResourceUids;
        for (const auto& [type, uid] : b.resources_) {
          // Entries without a type have no "type" key.
          if (uids || !type.empty()) list->push_back(Value::String(uids ? uid : type));
        }
        if (event_.list_size() > begin) event_.StoreList(slot, src.type, begin);
        break;
      }
      case SlotSource::Kind::kTag:
        for (const auto& [key, value] : b.tags_) {
          if (key == src.tag) {
            event_.Store(slot, src.type, Value::String(value));
            break;
          }
        }
        break;
    }
  }
  return event_.Seal(*program_, error);
}

}  // namespace rdl::ingest
