// Loading, merging and validating provider mapping tables; see mapping.h and
// docs/inputs.md for the format.
#include "runtime/ingest/mapping.h"

#include <simdjson.h>

#include <fstream>
#include <set>
#include <sstream>

#include "runtime/ingest/json_util.h"
#include "stdlib/embedded.h"

namespace rdl::ingest {
namespace dom = simdjson::dom;

std::string LowerAscii(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return r;
}

int Schema::Find(std::string_view name) const {
  auto it = index.find(std::string(name));
  return it == index.end() ? -1 : it->second;
}

namespace {

FieldType ParseType(std::string_view t, bool* ok) {
  *ok = true;
  if (t == "string") return FieldType::kString;
  if (t == "time") return FieldType::kTime;
  if (t == "ip") return FieldType::kIp;
  if (t == "bool") return FieldType::kBool;
  if (t == "float") return FieldType::kFloat;
  if (t == "string_list") return FieldType::kStringList;
  if (t == "json") return FieldType::kJson;
  *ok = false;
  return FieldType::kString;
}

std::vector<std::string> SplitDots(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '.') {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

Schema BuildSchema() {
  Schema schema;
  dom::parser parser;
  dom::element doc;
  std::string_view text = rdl::embedded::schema_json();
  // The embedded schema is ours and checked by tests; a broken one is a
  // build defect, so an empty schema (every field unknown) is enough here.
  if (parser.parse(text.data(), text.size()).get(doc)) return schema;
  dom::array fields;
  if (doc["fields"].get_array().get(fields)) return schema;
  for (dom::element f : fields) {
    std::string_view name, type;
    if (f["name"].get_string().get(name) || f["type"].get_string().get(type)) continue;
    bool ok;
    SchemaField sf{std::string(name), SplitDots(name), ParseType(type, &ok)};
    schema.index[sf.name] = static_cast<int>(schema.fields.size());
    schema.fields.push_back(std::move(sf));
  }
  // A field under another field (resources.uid under resources) is a view
  // the engine derives; the normalizer never writes it.
  for (SchemaField& f : schema.fields) {
    for (size_t i = 1; i < f.segments.size(); ++i) {
      std::string prefix;
      for (size_t j = 0; j < i; ++j) prefix += (j ? "." : "") + f.segments[j];
      if (schema.index.count(prefix)) f.derived = true;
    }
  }
  std::istringstream actions{std::string(rdl::embedded::actions_txt())};
  std::string line;
  while (std::getline(actions, line)) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    schema.actions.push_back(line);
  }
  return schema;
}

const char* TypeName(dom::element_type t) {
  switch (t) {
    case dom::element_type::ARRAY:
      return "array";
    case dom::element_type::OBJECT:
      return "object";
    case dom::element_type::STRING:
      return "string";
    case dom::element_type::BOOL:
      return "bool";
    case dom::element_type::NULL_VALUE:
      return "null";
    default:
      return "number";
  }
}

// Parses one table document into a ProviderMapping; errors carry a
// JSON-pointer-like location.
class Loader {
 public:
  Loader(std::string_view source, std::string* error) : source_(source), error_(error) {}

  bool Fail(const std::string& where, const std::string& msg) {
    *error_ = std::string(source_) + ": " + where + ": " + msg;
    return false;
  }

  bool ParseConstant(dom::element e, const std::string& where, Constant* out) {
    switch (e.type()) {
      case dom::element_type::STRING:
        out->kind = Constant::kString;
        out->s = std::string(AsString(e));
        return true;
      case dom::element_type::BOOL:
        out->kind = Constant::kBool;
        out->b = e.get_bool().value_unsafe();
        out->s = out->b ? "true" : "false";
        return true;
      case dom::element_type::INT64:
      case dom::element_type::UINT64:
      case dom::element_type::DOUBLE: {
        out->kind = Constant::kNumber;
        out->d = e.get_double().value_unsafe();
        out->s = simdjson::minify(e);
        return true;
      }
      default:
        return Fail(where, std::string("expected a string, bool or number constant, got ") +
                               TypeName(e.type()));
    }
  }

  bool ParsePath(std::string_view text, const std::string& where, JsonPath* out) {
    std::string err;
    if (!ParseJsonPath(text, out, &err)) return Fail(where, err);
    return true;
  }

  bool ParseCandidate(dom::element e, const std::string& where, Candidate* c) {
    if (e.type() == dom::element_type::STRING) {
      return ParsePath(AsString(e), where, &c->path);
    }
    if (e.type() != dom::element_type::OBJECT) {
      return Fail(where, std::string("a candidate is a path string or an object, got ") +
                             TypeName(e.type()));
    }
    bool has_path = false;
    for (auto [key, v] : AsObject(e)) {
      std::string w = where + "." + std::string(key);
      if (key == "path") {
        if (v.type() != dom::element_type::STRING) return Fail(w, "expected a string");
        if (!ParsePath(AsString(v), w, &c->path)) return false;
        has_path = true;
      } else if (key == "const") {
        c->constant.emplace();
        if (!ParseConstant(v, w, &*c->constant)) return false;
      } else if (key == "regex") {
        if (v.type() != dom::element_type::STRING) return Fail(w, "expected a string");
        RE2::Options opts;
        opts.set_log_errors(false);
        c->regex = std::make_unique<RE2>(AsString(v), opts);
        if (!c->regex->ok()) return Fail(w, "bad regex: " + c->regex->error());
        if (c->regex->NumberOfCapturingGroups() > 1) {
          return Fail(w, "a regex may have at most one capturing group");
        }
      } else if (key == "equals") {
        if (v.type() == dom::element_type::STRING) {
          c->equals.push_back(LowerAscii(AsString(v)));
        } else if (v.type() == dom::element_type::ARRAY) {
          for (dom::element x : AsArray(v)) {
            if (x.type() != dom::element_type::STRING) return Fail(w, "expected strings");
            c->equals.push_back(LowerAscii(AsString(x)));
          }
        } else {
          return Fail(w, "expected a string or an array of strings");
        }
      } else if (key == "map") {
        if (v.type() != dom::element_type::OBJECT) return Fail(w, "expected an object");
        for (auto [mk, mv] : AsObject(v)) {
          Constant k;
          if (!ParseConstant(mv, w + "." + std::string(mk), &k)) return false;
          c->map[LowerAscii(mk)] = std::move(k);
        }
      } else if (key == "default") {
        c->map_default.emplace();
        if (!ParseConstant(v, w, &*c->map_default)) return false;
      } else if (key == "value") {
        c->value.emplace();
        if (!ParseConstant(v, w, &*c->value)) return false;
      } else if (key == "lower") {
        if (v.type() != dom::element_type::BOOL) return Fail(w, "expected a bool");
        c->lower = v.get_bool().value_unsafe();
      } else if (key == "comment") {
      } else {
        return Fail(w,
                    "unknown candidate key (path, const, regex, equals, map, default, "
                    "value, lower)");
      }
    }
    if (has_path == c->constant.has_value()) {
      return Fail(where, "a candidate needs exactly one of `path` and `const`");
    }
    if (c->map_default && c->map.empty()) return Fail(where, "`default` needs `map`");
    return true;
  }

  // A field spec: bare constant, one candidate object, or a list of them.
  bool ParseCandidates(dom::element e, const std::string& where, std::vector<Candidate>* out) {
    out->clear();
    if (e.type() == dom::element_type::ARRAY) {
      size_t i = 0;
      for (dom::element x : AsArray(e)) {
        out->emplace_back();
        if (!ParseCandidate(x, where + "[" + std::to_string(i++) + "]", &out->back())) {
          return false;
        }
      }
      return true;
    }
    out->emplace_back();
    if (e.type() == dom::element_type::OBJECT) return ParseCandidate(e, where, &out->back());
    out->back().constant.emplace();
    return ParseConstant(e, where, &*out->back().constant);
  }

  bool ParseResources(dom::element e, const std::string& where, RuleSet* rs) {
    if (e.type() != dom::element_type::ARRAY) return Fail(where, "expected an array of groups");
    rs->resources.clear();
    rs->has_resources = true;
    size_t i = 0;
    for (dom::element g : AsArray(e)) {
      std::string w = where + "[" + std::to_string(i++) + "]";
      if (g.type() != dom::element_type::OBJECT) return Fail(w, "expected an object");
      ResourceGroup group;
      dom::object obj = AsObject(g);
      std::string_view objects;
      if (!obj["objects"].get_string().get(objects)) {
        if (!ParsePath(objects, w + ".objects", &group.objects)) return false;
        group.uid_key = std::string(StringOr(obj, "uid", "uid"));
        group.type_key = std::string(StringOr(obj, "type", "type"));
      } else {
        std::string_view type;
        if (obj["type"].get_string().get(type)) return Fail(w, "a group needs a string `type`");
        group.type = std::string(type);
        dom::element uid;
        if (obj["uid"].get(uid)) return Fail(w, "a group needs `uid` candidates");
        if (uid.type() == dom::element_type::STRING) {
          group.uid.emplace_back();
          if (!ParsePath(AsString(uid), w + ".uid", &group.uid.back().path)) {
            return false;
          }
        } else if (!ParseCandidates(uid, w + ".uid", &group.uid)) {
          return false;
        }
      }
      rs->resources.push_back(std::move(group));
    }
    return true;
  }

  bool ParseTags(dom::element e, const std::string& where, RuleSet* rs) {
    if (e.type() != dom::element_type::ARRAY) return Fail(where, "expected an array of sources");
    rs->tags.clear();
    rs->has_tags = true;
    size_t i = 0;
    for (dom::element t : AsArray(e)) {
      std::string w = where + "[" + std::to_string(i++) + "]";
      TagSource src;
      std::string_view path;
      if (t.type() == dom::element_type::STRING) {
        path = AsString(t);
      } else if (t.type() == dom::element_type::OBJECT) {
        if (t["path"].get_string().get(path)) return Fail(w, "a tag source needs `path`");
        std::string_view k;
        if (!t["key"].get_string().get(k)) {
          src.key = std::string(k);
          src.value = std::string(StringOr(t, "value", "value"));
        }
      } else {
        return Fail(w, "expected a path or an object");
      }
      if (!ParsePath(path, w, &src.path)) return false;
      rs->tags.push_back(std::move(src));
    }
    return true;
  }

  // Applies {field: spec|null, ...} to *rs; `where` prefixes messages.
  bool ParseRuleSet(dom::object obj, const std::string& where, RuleSet* rs) {
    const Schema& schema = GetSchema();
    for (auto [key, v] : obj) {
      std::string w = where + "." + std::string(key);
      if (key == "comment") continue;
      int f = schema.Find(key);
      if (f < 0 || schema.fields[f].derived) {
        return Fail(w, "not a normalized field (see stdlib/schema.json)");
      }
      const SchemaField& field = schema.fields[f];
      bool is_null = v.type() == dom::element_type::NULL_VALUE;
      if (field.name == "resources") {
        if (is_null) {
          rs->resources.clear();
          rs->has_resources = false;
        } else if (!ParseResources(v, w, rs)) {
          return false;
        }
        continue;
      }
      if (field.name == "tags") {
        if (is_null) {
          rs->tags.clear();
          rs->has_tags = false;
        } else if (!ParseTags(v, w, rs)) {
          return false;
        }
        continue;
      }
      if (field.name == "raw") return Fail(w, "raw is always the original record");
      if (is_null) {
        rs->fields.erase(f);
        continue;
      }
      FieldRule rule;
      rule.field = f;
      if (!ParseCandidates(v, w, &rule.candidates)) return false;
      if (field.name == "action" && !CheckActions(rule, w)) return false;
      rs->fields[f] = std::move(rule);
    }
    return true;
  }

  bool CheckActions(const FieldRule& rule, const std::string& where) {
    const Schema& schema = GetSchema();
    auto check = [&](const Constant& c) {
      for (const std::string& a : schema.actions) {
        if (a == c.s) return true;
      }
      return Fail(where, "unknown action \"" + c.s + "\" (see stdlib/actions.txt)");
    };
    for (const Candidate& c : rule.candidates) {
      if (c.constant && !check(*c.constant)) return false;
      if (c.value && !check(*c.value)) return false;
      if (c.map_default && !check(*c.map_default)) return false;
      for (const auto& [k, v] : c.map) {
        if (!check(v)) return false;
      }
    }
    return true;
  }

  bool Apply(dom::element doc, std::string_view default_provider, Mappings* all) {
    if (doc.type() != dom::element_type::OBJECT) return Fail("(top)", "expected an object");
    dom::object top = AsObject(doc);
    std::string_view provider = StringOr(top, "provider", default_provider);
    ProviderMapping* pm = all->Get(provider);
    if (!pm) {
      return Fail("provider", "expected \"aws\", \"azure\", \"gcp\" or \"ocsf\", got \"" +
                                  std::string(provider) + "\"");
    }
    pm->provider = std::string(provider);
    // `match` first: it decides how operation names are keyed below.
    dom::object match;
    if (!top["match"].get_object().get(match)) {
      for (auto [key, v] : match) {
        std::string w = "match." + std::string(key);
        if (key == "case_insensitive") {
          if (v.type() != dom::element_type::BOOL) return Fail(w, "expected a bool");
          pm->case_insensitive = v.get_bool().value_unsafe();
        } else if (key == "strip_prefixes") {
          if (v.type() != dom::element_type::ARRAY) return Fail(w, "expected an array");
          pm->strip_prefixes.clear();
          for (dom::element x : AsArray(v)) {
            if (x.type() != dom::element_type::STRING) return Fail(w, "expected strings");
            pm->strip_prefixes.emplace_back(AsString(x));
          }
        } else if (key != "comment") {
          return Fail(w, "unknown key (case_insensitive, strip_prefixes)");
        }
      }
    }
    for (auto [key, v] : top) {
      std::string w(key);
      if (key == "comment" || key == "provider" || key == "match") continue;
      if (key == "required") {
        if (v.type() != dom::element_type::ARRAY) return Fail(w, "expected an array");
        pm->required.clear();
        for (dom::element x : AsArray(v)) {
          std::string_view name;
          if (x.get_string().get(name)) return Fail(w, "expected field names");
          int f = GetSchema().Find(name);
          if (f < 0) return Fail(w, "unknown field \"" + std::string(name) + "\"");
          pm->required.push_back(f);
        }
      } else if (key == "fields") {
        if (v.type() != dom::element_type::OBJECT) return Fail(w, "expected an object");
        if (!ParseRuleSet(AsObject(v), "fields", &pm->common)) return false;
      } else if (key == "operations") {
        if (v.type() != dom::element_type::OBJECT) return Fail(w, "expected an object");
        for (auto [op, entry] : AsObject(v)) {
          std::string ow = "operations." + std::string(op);
          // Replace any entry the lookup would confuse with this one
          // (Azure names differing only in case).
          std::string norm = pm->LookupKey(op);
          for (auto it = pm->operations.begin(); it != pm->operations.end();) {
            it = pm->LookupKey(it->first) == norm ? pm->operations.erase(it) : std::next(it);
          }
          if (entry.type() == dom::element_type::NULL_VALUE) continue;
          if (entry.type() != dom::element_type::OBJECT) return Fail(ow, "expected an object");
          RuleSet rs;
          if (!ParseRuleSet(AsObject(entry), ow, &rs)) return false;
          pm->operations[std::string(op)] = std::move(rs);
        }
      } else {
        return Fail(w, "unknown key (provider, match, required, fields, operations)");
      }
    }
    // Constants of the common rules are validated by ParseRuleSet; rebuild
    // the lookup now that names and case rules are final.
    pm->lookup.clear();
    for (const auto& [name, rs] : pm->operations) pm->lookup[pm->LookupKey(name)] = name;
    return true;
  }

 private:
  std::string_view source_;
  std::string* error_;
};

}  // namespace

const Schema& GetSchema() {
  static const Schema schema = BuildSchema();
  return schema;
}

bool ParseJsonPath(std::string_view text, JsonPath* out, std::string* error) {
  out->text = std::string(text);
  out->segments.clear();
  out->is_operation = false;
  if (text == "$operation") {
    out->is_operation = true;
    return true;
  }
  size_t i = 0;
  std::string seg;
  bool expect_segment = true;
  while (i < text.size()) {
    if (text[i] == '[') {
      // ["key.with.dots"] (or ['...']); a bare [] is decoration: arrays are
      // always crossed.
      if (i + 1 < text.size() && text[i + 1] == ']') {
        i += 2;
        continue;
      }
      if (i + 1 >= text.size() || (text[i + 1] != '"' && text[i + 1] != '\'')) {
        *error = "bad path \"" + std::string(text) + "\": expected [\"key\"]";
        return false;
      }
      char q = text[i + 1];
      size_t end = text.find(q, i + 2);
      if (end == std::string_view::npos || end + 1 >= text.size() || text[end + 1] != ']') {
        *error = "bad path \"" + std::string(text) + "\": unterminated [\"key\"]";
        return false;
      }
      if (!seg.empty()) out->segments.push_back(std::move(seg));
      seg.clear();
      out->segments.emplace_back(text.substr(i + 2, end - i - 2));
      i = end + 2;
      expect_segment = false;
      continue;
    }
    if (text[i] == '.') {
      if (!seg.empty()) {
        out->segments.push_back(std::move(seg));
        seg.clear();
      } else if (expect_segment) {
        *error = "bad path \"" + std::string(text) + "\": empty segment";
        return false;
      }
      expect_segment = true;
      ++i;
      continue;
    }
    seg.push_back(text[i++]);
    expect_segment = false;
  }
  if (!seg.empty()) out->segments.push_back(std::move(seg));
  if (out->segments.empty() || expect_segment) {
    *error = "bad path \"" + std::string(text) + "\"";
    return false;
  }
  for (const std::string& s : out->segments) {
    if (s[0] == '$' && s != "$json") {
      *error = "bad path \"" + std::string(text) + "\": unknown step " + s;
      return false;
    }
  }
  return true;
}

std::string ProviderMapping::LookupKey(std::string_view name) const {
  return case_insensitive ? LowerAscii(name) : std::string(name);
}

const std::pair<const std::string, RuleSet>* ProviderMapping::Find(
    std::string_view service, std::string_view operation) const {
  if (operation.empty()) return nullptr;
  for (const std::string& p : strip_prefixes) {
    if (operation.size() > p.size() && operation.substr(0, p.size()) == p) {
      operation.remove_prefix(p.size());
      break;
    }
  }
  // The key is built in a kept buffer: this runs once per record.
  thread_local std::string key;
  auto find = [&]() -> const std::pair<const std::string, RuleSet>* {
    if (case_insensitive) {
      for (char& c : key) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
    }
    auto it = lookup.find(key);
    if (it == lookup.end()) return nullptr;
    auto op = operations.find(it->second);
    return op == operations.end() ? nullptr : &*op;
  };
  if (!service.empty()) {
    key.assign(service);
    key.push_back(':');
    key.append(operation);
    if (auto* r = find()) return r;
  }
  key.assign(operation);
  return find();
}

ProviderMapping* Mappings::Get(std::string_view provider) {
  if (provider == "aws") return &aws;
  if (provider == "azure") return &azure;
  if (provider == "gcp") return &gcp;
  if (provider == "ocsf") return &ocsf;
  return nullptr;
}

bool ApplyMappingText(std::string_view json, std::string_view source, std::string_view provider,
                      Mappings* all, std::string* error) {
  dom::parser parser;
  dom::element doc;
  if (auto err = parser.parse(json.data(), json.size()).get(doc)) {
    *error = std::string(source) + ": invalid JSON: " + simdjson::error_message(err);
    return false;
  }
  Loader loader(source, error);
  return loader.Apply(doc, provider, all);
}

bool LoadMappings(const std::vector<std::string>& override_files, Mappings* out,
                  std::string* error) {
  *out = Mappings();
  struct Builtin {
    std::string_view provider, source, text;
  };
  const Builtin builtins[] = {
      {"aws", "stdlib/providers/aws.json", rdl::embedded::aws_json()},
      {"azure", "stdlib/providers/azure.json", rdl::embedded::azure_json()},
      {"gcp", "stdlib/providers/gcp.json", rdl::embedded::gcp_json()},
      {"ocsf", "(builtin OCSF table)", OcsfMappingJson()},
  };
  for (const Builtin& b : builtins) {
    if (!ApplyMappingText(b.text, b.source, b.provider, out, error)) return false;
    // The embedded file decides its provider by its place, not its content.
    out->Get(b.provider)->provider = std::string(b.provider);
  }
  for (const std::string& file : override_files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      *error = file + ": cannot open mapping file";
      return false;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    dom::parser probe;
    dom::element doc;
    std::string_view provider;
    if (!probe.parse(text).get(doc) &&
        (doc.type() != dom::element_type::OBJECT || doc["provider"].get_string().get(provider))) {
      *error =
          file + ": a mapping file needs \"provider\": \"aws\" | \"azure\" | \"gcp\" | \"ocsf\"";
      return false;
    }
    if (!ApplyMappingText(text, file, "", out, error)) return false;
  }
  return true;
}

}  // namespace rdl::ingest
