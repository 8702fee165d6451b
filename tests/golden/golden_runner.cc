// Golden tests of the compiler, run in-process:
//   tests/golden/diag/CODE_name.rule     -> .expected (rendered diagnostics + summary)
//   tests/golden/explain/name.rule       -> .ast, .ir, .bc (the three dumps)
// plus the meta tests: every diagnostic code the compiler can emit has a
// golden that emits it, and docs/diagnostics.md matches the code table.
//
// A first line `// flags: --Werror --disable-pass NAME` sets compile
// options. With RDL_UPDATE_GOLDEN=1 (`make golden-update`) mismatching or
// missing expectations are rewritten instead of failing; review the diff.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/driver/compile.h"

namespace fs = std::filesystem;
using namespace rdl;

namespace {

// Codes no input can trigger, with the reason. Keep this list short.
const std::map<std::string, std::string> kUntriggerable = {
    {"E0002", "internal errors are compiler bugs: no valid or invalid rule reaches one"},
};

bool UpdateMode() {
  const char* v = std::getenv("RDL_UPDATE_GOLDEN");
  return v && std::string(v) == "1";
}

// Paths in messages and dumps are relative to the source tree.
void EnterSourceDir() { fs::current_path(RDL_SOURCE_DIR); }

bool ReadText(const fs::path& p, std::string* out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

void WriteText(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

std::vector<fs::path> RuleFiles(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".rule") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

CompileOptions OptionsFrom(const std::string& source) {
  CompileOptions o;
  std::string first = source.substr(0, source.find('\n'));
  const std::string prefix = "// flags:";
  if (first.rfind(prefix, 0) != 0) return o;
  std::istringstream words(first.substr(prefix.size()));
  std::string w;
  while (words >> w) {
    if (w == "--Werror") {
      o.warnings_as_errors = true;
    } else if (w == "--disable-pass") {
      std::string name;
      words >> name;
      o.disabled_passes.push_back(name);
    } else {
      FAIL("unknown flag in golden: " << w);
    }
  }
  return o;
}

struct Compiled {
  std::string diagnostics;  // rendered as `rulec` prints them in text mode
  std::optional<CompileOutput> out;
};

Compiled CompileFile(const fs::path& rel) {
  std::string source;
  REQUIRE(ReadText(rel, &source));
  CompileOptions options = OptionsFrom(source);
  SourceManager sm;
  DiagnosticSink sink;
  sink.set_warnings_as_errors(options.warnings_as_errors);
  std::vector<uint32_t> ids = LoadSources({rel.generic_string()}, sm, sink);
  Compiled c;
  c.out = Compile(sm, ids, options, sink);
  for (const Diagnostic& d : sink.diagnostics()) c.diagnostics += RenderText(d, sm);
  if (sink.error_count() || sink.warning_count()) {
    c.diagnostics += std::to_string(sink.error_count()) + " error(s), " +
                     std::to_string(sink.warning_count()) + " warning(s)\n";
  }
  return c;
}

// Compares `actual` with the golden file, or rewrites it in update mode.
void Golden(const fs::path& expected_path, const std::string& actual) {
  std::string expected;
  bool have = ReadText(expected_path, &expected);
  if (UpdateMode()) {
    if (!have || expected != actual) {
      WriteText(expected_path, actual);
      MESSAGE("updated " << expected_path.generic_string());
    }
    return;
  }
  if (!have) {
    FAIL_CHECK("missing golden " << expected_path.generic_string()
                                 << " (run `make golden-update` and review it)");
    return;
  }
  INFO("golden: " << expected_path.generic_string());
  CHECK(expected == actual);
}

std::string DiagnosticsMarkdown() {
  std::string md =
      "# Diagnostics\n\n"
      "<!-- Generated from compiler/diag/diag_codes.def and tests/golden/diag/ by\n"
      "     tests/golden/golden_runner.cc: `make golden-update` rewrites it. Do not edit. -->\n\n"
      "Every diagnostic `rulec` reports has a stable code (never renumbered), a slug and a\n"
      "default severity. Ranges: E00xx input and driver, E01xx syntax, E02xx names, E03xx\n"
      "types, E04xx rule structure, W0xxx warnings. `--Werror` reports warnings as errors;\n"
      "`--format json` prints one JSON object per diagnostic (code, slug, severity,\n"
      "message, labels with file/line/col, notes). Exit status: 0 when there are no\n"
      "errors (warnings allowed), 1 on rule errors, 2 on usage or I/O errors.\n\n"
      "| code | slug | severity | meaning |\n|---|---|---|---|\n";
  std::vector<const DiagInfo*> infos;
  for (size_t i = 0; i < static_cast<size_t>(DiagCode::kCount); ++i) {
    infos.push_back(&GetDiagInfo(static_cast<DiagCode>(i)));
  }
  std::stable_sort(infos.begin(), infos.end(), [](const DiagInfo* a, const DiagInfo* b) {
    return std::string(a->code) < std::string(b->code);
  });
  auto sev = [](DiagSeverity s) {
    return s == DiagSeverity::kError ? "error" : s == DiagSeverity::kWarning ? "warning" : "note";
  };
  for (const DiagInfo* d : infos) {
    std::string anchor = d->code;
    std::transform(anchor.begin(), anchor.end(), anchor.begin(), ::tolower);
    md += std::string("| [") + d->code + "](#" + anchor + "-" + d->slug + ") | " + d->slug + " | " +
          sev(d->severity) + " | " + d->doc + " |\n";
  }
  std::vector<fs::path> goldens = RuleFiles("tests/golden/diag");
  for (const DiagInfo* d : infos) {
    md += std::string("\n## ") + d->code + " " + d->slug + "\n\n" + sev(d->severity) + ": " +
          d->doc + "\n";
    auto untriggerable = kUntriggerable.find(d->code);
    if (untriggerable != kUntriggerable.end()) {
      md += "\nNo rule triggers it: " + untriggerable->second + ".\n";
    }
    for (const fs::path& g : goldens) {
      if (g.filename().string().rfind(std::string(d->code) + "_", 0) != 0) continue;
      std::string source, expected;
      ReadText(g, &source);
      fs::path e = g;
      e.replace_extension(".expected");
      ReadText(e, &expected);
      md += "\n```\n" + source + "```\n\n```text\n$ rulec check " + g.generic_string() + "\n" +
            expected + "```\n";
    }
  }
  return md;
}

}  // namespace

TEST_CASE("diagnostic goldens") {
  EnterSourceDir();
  std::vector<fs::path> files = RuleFiles("tests/golden/diag");
  REQUIRE(!files.empty());
  for (const fs::path& f : files) {
    CAPTURE(f.generic_string());
    Compiled c = CompileFile(f);
    fs::path expected = f;
    expected.replace_extension(".expected");
    Golden(expected, c.diagnostics);
  }
}

TEST_CASE("every diagnostic code has a golden that emits it") {
  EnterSourceDir();
  std::vector<fs::path> files = RuleFiles("tests/golden/diag");
  std::vector<std::string> missing, silent;
  for (size_t i = 0; i < static_cast<size_t>(DiagCode::kCount); ++i) {
    std::string code = GetDiagInfo(static_cast<DiagCode>(i)).code;
    if (kUntriggerable.count(code)) continue;
    bool found = false;
    for (const fs::path& f : files) {
      if (f.filename().string().rfind(code + "_", 0) != 0) continue;
      found = true;
      // The golden must really produce its code.
      fs::path e = f;
      e.replace_extension(".expected");
      std::string expected;
      ReadText(e, &expected);
      std::string tag = "[" + code + "]";
      if (expected.find(tag) == std::string::npos) silent.push_back(f.generic_string());
    }
    if (!found) missing.push_back(code);
  }
  std::string m, s;
  for (const std::string& c : missing) m += c + " ";
  for (const std::string& c : silent) s += c + " ";
  INFO("codes without a golden in tests/golden/diag: " << m);
  CHECK(missing.empty());
  INFO("goldens that do not emit their code: " << s);
  CHECK(silent.empty());
}

TEST_CASE("explain goldens: ast, ir and bytecode dumps") {
  EnterSourceDir();
  std::vector<fs::path> files = RuleFiles("tests/golden/explain");
  REQUIRE(!files.empty());
  for (const fs::path& f : files) {
    CAPTURE(f.generic_string());
    Compiled c = CompileFile(f);
    INFO(c.diagnostics);
    REQUIRE(c.out.has_value());
    for (const auto& [ext, text] :
         std::vector<std::pair<const char*, const std::string*>>{{".ast", &c.out->ast_dump},
                                                                 {".ir", &c.out->ir_dump},
                                                                 {".bc", &c.out->bytecode_dump}}) {
      fs::path p = f;
      p.replace_extension(ext);
      Golden(p, *text);
    }
  }
}

TEST_CASE("docs/diagnostics.md is generated from the code table") {
  EnterSourceDir();
  Golden("docs/diagnostics.md", DiagnosticsMarkdown());
}
