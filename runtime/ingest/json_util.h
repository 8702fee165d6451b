// Small simdjson DOM helpers for ingest. They copy results out of
// simdjson_result temporaries: `for (x : e.get_array().value_unsafe())`
// would iterate a reference into a temporary that dies before the loop body.
#pragma once

#include <simdjson.h>

#include <string_view>

namespace rdl::ingest {

// The caller has checked the element's type.
inline simdjson::dom::array AsArray(simdjson::dom::element e) {
  return e.get_array().value_unsafe();
}
inline simdjson::dom::object AsObject(simdjson::dom::element e) {
  return e.get_object().value_unsafe();
}
inline std::string_view AsString(simdjson::dom::element e) { return e.get_string().value_unsafe(); }

// obj[key] when it is a string, else `fallback`.
inline std::string_view StringOr(simdjson::dom::element obj, std::string_view key,
                                 std::string_view fallback) {
  std::string_view s;
  if (obj[key].get_string().get(s)) return fallback;
  return s;
}

inline std::string_view StringOr(simdjson::dom::object obj, std::string_view key,
                                 std::string_view fallback) {
  std::string_view s;
  if (obj[key].get_string().get(s)) return fallback;
  return s;
}

}  // namespace rdl::ingest
