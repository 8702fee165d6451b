// Parses the embedded stdlib schema (simdjson DOM) and action taxonomy, and
// holds the builtin function table.
#include "compiler/sema/schema.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "stdlib/embedded.h"

namespace rdl::sema {

namespace {

[[noreturn]] void Die(const char* what) {
  // The schema is build-time data; a malformed one is a build defect.
  std::fprintf(stderr, "rdl: malformed embedded stdlib schema: %s\n", what);
  std::abort();
}

FieldType ParseType(std::string_view t) {
  if (t == "string") return FieldType::kString;
  if (t == "int") return FieldType::kInt;
  if (t == "float") return FieldType::kFloat;
  if (t == "bool") return FieldType::kBool;
  if (t == "time") return FieldType::kTime;
  if (t == "ip") return FieldType::kIp;
  if (t == "json") return FieldType::kJson;
  if (t == "string_list") return FieldType::kStringList;
  Die("unknown field type");
}

std::vector<std::string> Split(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    out.emplace_back(s.substr(start, dot == std::string_view::npos ? s.npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

}  // namespace

Schema Schema::Parse(std::string_view schema_json, std::string_view actions_txt) {
  Schema s;
  simdjson::dom::parser parser;
  simdjson::padded_string text(schema_json);
  simdjson::dom::element root;
  if (parser.parse(text).get(root)) Die("invalid JSON");
  simdjson::dom::array fields;
  if (root["fields"].get_array().get(fields)) Die("no fields array");
  for (simdjson::dom::element f : fields) {
    std::string_view name, type, doc;
    if (f["name"].get_string().get(name) || f["type"].get_string().get(type)) {
      Die("field without name or type");
    }
    if (f["doc"].get_string().get(doc)) doc = "";
    SchemaField sf;
    sf.name = std::string(name);
    sf.segments = Split(name);
    sf.type = ParseType(type);
    sf.doc = std::string(doc);
    if (std::find(s.roots_.begin(), s.roots_.end(), sf.segments[0]) == s.roots_.end()) {
      s.roots_.push_back(sf.segments[0]);
    }
    s.fields_.push_back(std::move(sf));
  }
  size_t pos = 0;
  while (pos < actions_txt.size()) {
    size_t nl = actions_txt.find('\n', pos);
    if (nl == std::string_view::npos) nl = actions_txt.size();
    std::string_view line = actions_txt.substr(pos, nl - pos);
    pos = nl + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    s.actions_.emplace_back(line);
  }
  return s;
}

const Schema& Schema::Stdlib() {
  static const Schema* schema = new Schema(Parse(embedded::schema_json(), embedded::actions_txt()));
  return *schema;
}

const SchemaField* Schema::Find(std::string_view dotted) const {
  for (const SchemaField& f : fields_) {
    if (f.name == dotted) return &f;
  }
  return nullptr;
}

const SchemaField* Schema::FindJsonPrefix(const std::vector<std::string>& segments) const {
  const SchemaField* best = nullptr;
  for (const SchemaField& f : fields_) {
    if (f.type != FieldType::kJson || f.segments.size() >= segments.size()) continue;
    if (!std::equal(f.segments.begin(), f.segments.end(), segments.begin())) continue;
    if (!best || f.segments.size() > best->segments.size()) best = &f;
  }
  return best;
}

std::vector<std::string> Schema::FieldNames() const {
  std::vector<std::string> names;
  for (const SchemaField& f : fields_) names.push_back(f.name);
  return names;
}

bool Schema::IsRoot(std::string_view name) const {
  return std::find(roots_.begin(), roots_.end(), name) != roots_.end();
}

bool Schema::IsAction(std::string_view action) const {
  return std::find(actions_.begin(), actions_.end(), action) != actions_.end();
}

const std::vector<Builtin>& Builtins() {
  static const std::vector<Builtin> kBuiltins = {
      {"exists", 1, 1, "exists(path) -> bool"},
      {"tag", 1, 1, "tag(\"key\") -> json (the field tags.<key>)"},
      {"lower", 1, 1, "lower(string) -> string"},
      {"upper", 1, 1, "upper(string) -> string"},
      {"length", 1, 1, "length(string | list) -> int"},
      {"startswith", 2, 2, "startswith(string, string) -> bool"},
      {"endswith", 2, 2, "endswith(string, string) -> bool"},
      {"contains", 2, 2, "contains(string, string) -> bool"},
      {"cidrmatch", 2, -1, "cidrmatch(ip, \"cidr\", ...) -> bool"},
  };
  return kBuiltins;
}

const Builtin* FindBuiltin(std::string_view name) {
  for (const Builtin& b : Builtins()) {
    if (name == b.name) return &b;
  }
  return nullptr;
}

}  // namespace rdl::sema
