// The compiler's view of the stdlib: the normalized event schema (field
// names and types, from stdlib/schema.json), the action taxonomy (from
// stdlib/actions.txt) and the builtin function table. Both data files are
// embedded in the binary, so the compiler needs no files at run time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rdl/program.h"

namespace rdl::sema {

struct SchemaField {
  std::string name;                   // "actor.user.uid"
  std::vector<std::string> segments;  // {"actor","user","uid"}
  FieldType type = FieldType::kString;
  std::string doc;
};

class Schema {
 public:
  // The embedded stdlib schema and taxonomy (parsed once).
  static const Schema& Stdlib();
  // For tests: a schema from the given texts. Malformed input aborts (the
  // texts are ours, embedded at build time).
  static Schema Parse(std::string_view schema_json, std::string_view actions_txt);

  const SchemaField* Find(std::string_view dotted) const;
  // The longest proper prefix of `segments` that is a json field
  // (`raw`, `tags`, `resources`): paths below it are dynamic.
  const SchemaField* FindJsonPrefix(const std::vector<std::string>& segments) const;
  const std::vector<SchemaField>& fields() const { return fields_; }
  std::vector<std::string> FieldNames() const;
  // First segments of every field: `time`, `actor`, `cloud`, ...
  bool IsRoot(std::string_view name) const;

  bool IsAction(std::string_view action) const;
  const std::vector<std::string>& actions() const { return actions_; }

 private:
  std::vector<SchemaField> fields_;
  std::vector<std::string> roots_;
  std::vector<std::string> actions_;
};

// Builtin functions (`exists`, `tag`, ...). Arity is checked from this
// table; argument types by the checker.
struct Builtin {
  const char* name;
  int min_args;
  int max_args;  // -1: unbounded
  const char* signature;
};
const std::vector<Builtin>& Builtins();
const Builtin* FindBuiltin(std::string_view name);

}  // namespace rdl::sema
