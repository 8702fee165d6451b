// The examples of docs/language.md and of the design's language.md are
// compiled here, so the documentation cannot drift from the compiler: every
// ```rule block must compile without errors (warnings allowed).
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "compiler/driver/compile.h"

using namespace rdl;

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The ```rule fenced blocks of a markdown file, with their line numbers.
std::vector<std::pair<int, std::string>> RuleBlocks(const std::string& md) {
  std::vector<std::pair<int, std::string>> blocks;
  std::istringstream in(md);
  std::string line, cur;
  int lineno = 0, start = 0;
  bool inside = false;
  while (std::getline(in, line)) {
    ++lineno;
    std::string trimmed = line.substr(line.find_first_not_of(" \t") == std::string::npos
                                          ? line.size()
                                          : line.find_first_not_of(" \t"));
    if (!inside && trimmed == "```rule") {
      inside = true;
      start = lineno + 1;
      cur.clear();
    } else if (inside && trimmed == "```") {
      inside = false;
      blocks.emplace_back(start, cur);
    } else if (inside) {
      cur += line + "\n";
    }
  }
  return blocks;
}

std::string CompileErrors(const std::string& name, const std::string& text) {
  SourceManager sm;
  DiagnosticSink sink;
  uint32_t id = sm.Add(name, text);
  auto out = Compile(sm, {id}, CompileOptions{}, sink);
  std::string errors;
  for (const auto& d : sink.diagnostics()) {
    if (d.severity == DiagSeverity::kError) errors += RenderText(d, sm);
  }
  if (!out && errors.empty()) errors = "compile failed without an error diagnostic\n";
  return errors;
}

}  // namespace

TEST_CASE("every ```rule example in docs/language.md compiles") {
  std::string md = ReadAll(std::string(RDL_SOURCE_DIR) + "/docs/language.md");
  auto blocks = RuleBlocks(md);
  REQUIRE(blocks.size() >= 8);
  for (const auto& [line, text] : blocks) {
    // Imports resolve relative to the file: name it as if it sat in docs/.
    std::string name = std::string(RDL_SOURCE_DIR) + "/docs/language.md:" + std::to_string(line);
    INFO("docs/language.md block at line " << line);
    CHECK(CompileErrors(name, text) == "");
  }
}

TEST_CASE("the design's examples compile unchanged") {
  std::string path = std::string(RDL_SOURCE_DIR) + "/tests/data/design_language_examples.rule";
  std::string text = ReadAll(path);
  REQUIRE(text.find("rule instance_started_without_ticket") != std::string::npos);
  CHECK(CompileErrors(path, text) == "");
}
