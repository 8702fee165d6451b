// Provider mapping tables: the data (stdlib/providers/{aws,azure,gcp}.json,
// the OCSF table in ocsf_mapping.cc, and user --mappings files) that says
// where each normalized field comes from in a provider record and which
// action each operation is. This file owns their in-memory form, the
// loader, merging of override files and validation against the schema and
// the action taxonomy. docs/inputs.md documents the format.
#pragma once

#include <re2/re2.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rdl::ingest {

// Schema field types (stdlib/schema.json).
enum class FieldType { kString, kTime, kIp, kBool, kFloat, kStringList, kJson };

struct SchemaField {
  std::string name;                   // dotted: "actor.user.uid"
  std::vector<std::string> segments;  // {"actor", "user", "uid"}
  FieldType type;
  bool derived = false;  // a view of another field (resources.uid): never written
};

// The normalized fields in output order, and the action taxonomy.
struct Schema {
  std::vector<SchemaField> fields;
  std::unordered_map<std::string, int> index;  // name -> position in fields
  std::vector<std::string> actions;
  int Find(std::string_view name) const;
};
// Parses the embedded stdlib/schema.json and stdlib/actions.txt once.
const Schema& GetSchema();

// A source path in a record: dot-separated keys, `["key.with.dots"]` for
// keys that contain dots, `$json` to parse the string reached so far as JSON
// and go on inside it, and the single-segment virtual path `$operation` (the
// record's operation after table lookup). Crossing an array visits every
// element.
struct JsonPath {
  std::string text;
  std::vector<std::string> segments;  // "$json" marks an embedded-JSON step
  bool is_operation = false;
};
bool ParseJsonPath(std::string_view text, JsonPath* out, std::string* error);

// A constant a rule can produce.
struct Constant {
  enum Kind { kString, kBool, kNumber } kind = kString;
  std::string s;  // kString (also the text of kBool/kNumber)
  bool b = false;
  double d = 0;
};

// One candidate source of a field: a constant, or a path whose values may be
// filtered (regex, equals) and transformed (regex capture, map, value,
// lower). See docs/inputs.md.
struct Candidate {
  std::optional<Constant> constant;  // {"const": x} or a bare string
  JsonPath path;
  std::unique_ptr<RE2> regex;       // keep values that match; group 1 replaces the value
  std::vector<std::string> equals;  // keep values equal (ASCII case-insensitive) to one
  std::unordered_map<std::string, Constant> map;  // lowercased value -> output
  std::optional<Constant> map_default;            // output when a value is not in map
  std::optional<Constant> value;                  // output this when a value passed
  bool lower = false;                             // lowercase the output
};

// A field's rule: candidates tried in order, first that yields wins.
struct FieldRule {
  int field = -1;
  std::vector<Candidate> candidates;
};

// One group of `resources`: a constant type and the uid candidates (every
// value of the first candidate that yields any), or objects found at a path
// whose members name the uid and type.
struct ResourceGroup {
  std::string type;
  std::vector<Candidate> uid;
  JsonPath objects;  // set when this group reads {uid_key, type_key} objects
  std::string uid_key, type_key;
};

// One source of `tags`: objects at `path`. With `key` set, each object is a
// {key: k, value: v} pair; otherwise every member of each object is a tag.
struct TagSource {
  JsonPath path;
  std::string key, value;
};

// The rules of one operation, or the provider's common rules.
struct RuleSet {
  std::map<int, FieldRule> fields;  // by field index; ordered for determinism
  std::vector<ResourceGroup> resources;
  bool has_resources = false;
  std::vector<TagSource> tags;
  bool has_tags = false;
};

struct ProviderMapping {
  std::string provider;                     // aws | azure | gcp | ocsf
  bool case_insensitive = false;            // operation names match ignoring case
  std::vector<std::string> strip_prefixes;  // removed before lookup ("v1.")
  std::vector<int> required;                // fields a record must have
  RuleSet common;
  // Operations by the name written in the table ("RunInstances",
  // "ec2.amazonaws.com:CreateSnapshot", "Microsoft.Compute/disks/write").
  std::map<std::string, RuleSet> operations;
  // Normalized name (lowercased when case_insensitive) -> written name.
  std::unordered_map<std::string, std::string> lookup;

  std::string LookupKey(std::string_view name) const;
  // The operation's written name and rules, trying "service:operation"
  // before "operation", after strip_prefixes; nullptr when not mapped.
  const std::pair<const std::string, RuleSet>* Find(std::string_view service,
                                                    std::string_view operation) const;
};

// All provider tables, after overrides.
struct Mappings {
  ProviderMapping aws, azure, gcp, ocsf;
  ProviderMapping* Get(std::string_view provider);
  const ProviderMapping* Get(std::string_view provider) const {
    return const_cast<Mappings*>(this)->Get(provider);
  }
};

// Loads the embedded tables, then applies each override file in order.
// False with *error naming the file and the offending entry.
bool LoadMappings(const std::vector<std::string>& override_files, Mappings* out,
                  std::string* error);
// Applies one mapping document (JSON text) to the table its "provider" key
// names (or `provider` when the document has none). `source` names it in
// errors.
bool ApplyMappingText(std::string_view json, std::string_view source, std::string_view provider,
                      Mappings* all, std::string* error);

// The OCSF API Activity table (no stdlib file: OCSF names match ours).
std::string_view OcsfMappingJson();

std::string LowerAscii(std::string_view s);

}  // namespace rdl::ingest
