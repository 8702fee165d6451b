// Helpers shared by the ingest tests: run ReadInputs/ReadBuffer collecting
// events, errors and stats; read fields of a normalized event by dotted
// path; golden-file comparison with RDL_UPDATE_GOLDEN=1 rewriting.
#pragma once

#include <doctest/doctest.h>
#include <simdjson.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/ingest/ingest.h"

namespace rdl::testing {

inline std::string SourcePath(const std::string& rel) {
  return std::string(RDL_SOURCE_DIR) + "/" + rel;
}

inline std::string ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteFileText(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

struct Collected {
  std::vector<std::string> events;
  std::vector<uint64_t> lines, records;
  std::vector<std::string> files;
  std::vector<std::string> errors;
  IngestStats stats;
  bool ok = false;

  const ReaderStats* Reader(std::string_view name) const {
    for (const ReaderStats& r : stats.readers) {
      if (r.reader == name) return &r;
    }
    return nullptr;
  }
};

inline EventSink Collect(Collected* c) {
  return [c](std::string_view json, const RecordLocation& loc) {
    c->events.emplace_back(json);
    c->lines.push_back(loc.line);
    c->records.push_back(loc.record);
    c->files.emplace_back(loc.file);
  };
}

inline Collected ReadPaths(const std::vector<std::string>& paths, IngestOptions options = {}) {
  Collected c;
  c.ok = ReadInputs(
      paths, options, Collect(&c), [&c](const std::string& m) { c.errors.push_back(m); }, &c.stats);
  return c;
}

inline Collected ReadText(std::string_view data, std::string_view name = "t.json",
                          IngestOptions options = {}) {
  Collected c;
  c.ok = ReadBuffer(
      data, name, options, Collect(&c), [&c](const std::string& m) { c.errors.push_back(m); },
      &c.stats);
  return c;
}

// The value at a dotted path of a normalized event: strings as they are,
// other values as minified JSON; "<missing>" when absent. Fails the test
// when the event is not valid JSON.
inline std::string Field(const std::string& event, std::string_view dotted) {
  static simdjson::dom::parser parser;
  simdjson::dom::element e;
  auto err = parser.parse(event).get(e);
  REQUIRE_MESSAGE(!err, "normalized event is not valid JSON: " << event);
  size_t start = 0;
  while (start <= dotted.size()) {
    size_t dot = dotted.find('.', start);
    std::string_view key =
        dotted.substr(start, dot == std::string_view::npos ? dotted.npos : dot - start);
    if (e.type() != simdjson::dom::element_type::OBJECT || e[key].get(e)) return "<missing>";
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  std::string_view s;
  if (!e.get_string().get(s)) return std::string(s);
  return simdjson::minify(e);
}

inline bool UpdateGolden() {
  const char* v = std::getenv("RDL_UPDATE_GOLDEN");
  return v && std::string(v) == "1";
}

// Compares `actual` with the golden file (path relative to the source
// tree); RDL_UPDATE_GOLDEN=1 rewrites it instead.
inline void CheckGolden(const std::string& rel, const std::string& actual) {
  std::string path = SourcePath(rel);
  if (UpdateGolden()) {
    WriteFileText(path, actual);
    MESSAGE("updated " << rel);
    return;
  }
  std::string expected = ReadFileText(path);
  INFO("golden file " << rel << " differs; rerun with RDL_UPDATE_GOLDEN=1 to rewrite it");
  CHECK(actual == expected);
}

}  // namespace rdl::testing
