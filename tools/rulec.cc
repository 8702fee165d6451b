// rulec: the rule compiler CLI.
//
//   rulec check   [options] FILES|DIRS          diagnostics only
//   rulec build   [options] FILES|DIRS -o PACK  write a pack (deterministic bytes)
//   rulec explain [options] --stage=ast|ir|bytecode FILES|DIRS
//   rulec test    [options] FILES|DIRS          run the rules' inline tests
//   rulec doc     [options] FILES|DIRS -o DIR   write Markdown rule pages
//
// Exit codes: 0 ok (warnings allowed), 1 rule errors, 2 usage or I/O errors.
// Diagnostics go to stderr (caret text, or JSON lines with --format json);
// dumps and nothing else go to stdout.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "compiler/docgen/rule_docs.h"
#include "compiler/driver/compile.h"
#include "compiler/opt/passes.h"
#include "compiler/testing/rule_tests.h"
#include "runtime/format/pack.h"
#include "tools/cli_args.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitRuleErrors = 1;
constexpr int kExitUsage = 2;

const char kUsage[] =
    "usage: rulec <command> [options] FILES|DIRS\n"
    "\n"
    "commands:\n"
    "  check                   check rules and report diagnostics\n"
    "  build -o PACK           compile rules into a pack file\n"
    "  explain --stage=STAGE   print a compiler stage: ast, ir or bytecode\n"
    "  test                    run the rules' inline tests (each also shuffled within the\n"
    "                          lateness); prints `N passed, M failed`; --junit FILE\n"
    "  doc -o DIR              write Markdown pages (README.md, one per rule) into DIR\n"
    "\n"
    "options:\n"
    "  -o, --output PACK|DIR   the pack (build) or directory (doc) to write\n"
    "  --stage ast|ir|bytecode the dump to print (explain; default ir)\n"
    "  --format text|json      diagnostics as caret text (default) or JSON lines\n"
    "  --Werror                treat warnings as errors\n"
    "  --disable-pass NAME     skip an optimizer pass (repeatable)\n"
    "  -h, --help              show this help\n"
    "\n"
    "Directories are searched recursively for *.rule and *.rules files.\n"
    "Exit status: 0 ok (warnings allowed), 1 rule errors, 2 usage or I/O errors.\n";

int Usage(const std::string& msg) {
  std::fprintf(stderr, "rulec: %s\n\n%s", msg.c_str(), kUsage);
  return kExitUsage;
}

void PrintPasses() {
  std::fprintf(stderr, "passes:\n");
  for (const rdl::opt::PassInfo& p : rdl::opt::Passes()) {
    std::fprintf(stderr, "  %-16s %s\n", p.name, p.doc);
  }
}

// `rulec test`: runs every inline test; one line per failure, then the
// summary line CI tools read.
int RunTests(const rdl::CompileOutput& out, const std::string& junit) {
  std::vector<rdl::RuleTestResult> results =
      rdl::RunRuleTests(out.program, out.tests, rdl::RuleTestOptions{});
  size_t failed = 0;
  for (const rdl::RuleTestResult& r : results) {
    if (r.passed) continue;
    ++failed;
    std::fprintf(stderr, "%s:%u: FAIL rule %s test \"%s\": %s\n", r.test->file.c_str(),
                 r.test->line, r.test->rule.c_str(), r.test->name.c_str(), r.failure.c_str());
  }
  if (!junit.empty()) {
    std::ofstream f(junit, std::ios::trunc);
    f << rdl::RuleTestsJUnit(results);
    if (!f) {
      std::fprintf(stderr, "rulec: cannot write `%s`\n", junit.c_str());
      return kExitUsage;
    }
  }
  std::printf("%zu passed, %zu failed\n", results.size() - failed, failed);
  return failed ? kExitRuleErrors : kExitOk;
}

// `rulec doc`: writes the pages of rdl::GenerateRuleDocs into `dir`.
int WriteDocs(const rdl::CompileOutput& out, const rdl::SourceManager& sm, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "rulec: cannot create `%s`: %s\n", dir.c_str(), ec.message().c_str());
    return kExitUsage;
  }
  for (const auto& [name, text] : rdl::GenerateRuleDocs(out, sm)) {
    std::string path = (std::filesystem::path(dir) / name).string();
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(text.data(), static_cast<std::streamsize>(text.size()));
    f.close();
    if (!f) {
      std::fprintf(stderr, "rulec: cannot write `%s`\n", path.c_str());
      return kExitUsage;
    }
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return Usage("missing command");
  std::string command;
  std::string output, stage = "ir", format = "text", junit;
  std::vector<std::string> inputs;
  rdl::CompileOptions options;

  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* name, std::string* out) {
      return rdl::cli::FlagValue(args, &i, name, out);
    };
    std::string v;
    int r = 0;
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    } else if (a == "--Werror") {
      options.warnings_as_errors = true;
    } else if ((r = value("-o", &output)) != 0 || (r = value("--output", &output)) != 0) {
      if (r < 0) return Usage("`" + a + "` needs a file name");
    } else if ((r = value("--junit", &junit)) != 0) {
      if (r < 0) return Usage("`--junit` needs a file name");
    } else if ((r = value("--stage", &stage)) != 0) {
      if (r < 0) return Usage("`--stage` needs ast, ir or bytecode");
    } else if ((r = value("--format", &format)) != 0) {
      if (r < 0) return Usage("`--format` needs text or json");
    } else if ((r = value("--disable-pass", &v)) != 0) {
      if (r < 0) return Usage("`--disable-pass` needs a pass name");
      if (!rdl::opt::IsPass(v)) {
        PrintPasses();
        return Usage("unknown pass `" + v + "`");
      }
      options.disabled_passes.push_back(v);
    } else if (a.size() > 1 && a[0] == '-') {
      return Usage("unknown option `" + a + "`");
    } else if (command.empty()) {
      command = a;
    } else {
      inputs.push_back(a);
    }
  }

  if (command != "check" && command != "build" && command != "explain" && command != "test" &&
      command != "doc") {
    return Usage(command.empty() ? "missing command" : "unknown command `" + command + "`");
  }
  if (format != "text" && format != "json") return Usage("`--format` must be text or json");
  if (stage != "ast" && stage != "ir" && stage != "bytecode") {
    return Usage("`--stage` must be ast, ir or bytecode");
  }
  if (command == "build" && output.empty()) return Usage("`build` needs `-o PACK`");
  if (command == "doc" && output.empty()) return Usage("`doc` needs `-o DIR`");
  if (inputs.empty()) return Usage("no input files or directories");

  rdl::SourceManager sm;
  rdl::DiagnosticSink sink;
  sink.set_warnings_as_errors(options.warnings_as_errors);
  std::vector<uint32_t> files = rdl::LoadSources(inputs, sm, sink);
  bool io_error = sink.has_errors();
  std::optional<rdl::CompileOutput> out;
  if (!io_error) out = rdl::Compile(sm, files, options, sink);

  for (const rdl::Diagnostic& d : sink.diagnostics()) {
    if (d.code == rdl::DiagCode::kIoError) io_error = true;
    std::string text = format == "json" ? rdl::RenderJson(d, sm) + "\n" : rdl::RenderText(d, sm);
    std::fputs(text.c_str(), stderr);
  }
  size_t errors = sink.error_count(), warnings = sink.warning_count();
  if (format == "text" && (errors || warnings)) {
    std::fprintf(stderr, "%zu error(s), %zu warning(s)\n", errors, warnings);
  }
  if (io_error) return kExitUsage;
  if (!out || errors) return kExitRuleErrors;

  if (command == "explain") {
    const std::string& dump = stage == "ast"  ? out->ast_dump
                              : stage == "ir" ? out->ir_dump
                                              : out->bytecode_dump;
    std::fwrite(dump.data(), 1, dump.size(), stdout);
  } else if (command == "test") {
    return RunTests(*out, junit);
  } else if (command == "doc") {
    return WriteDocs(*out, sm, output);
  } else if (command == "build") {
    std::vector<uint8_t> bytes = rdl::WritePack(out->program);
    std::ofstream f(output, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
    f.close();
    if (!f) {
      std::fprintf(stderr, "rulec: cannot write `%s`\n", output.c_str());
      return kExitUsage;
    }
  }
  return kExitOk;
}
