// The compile driver: loads sources, parses them, resolves imports, checks,
// lowers, optimizes and generates the Program, verifies it with the
// runtime's verifier, and fills the text dumps and the inline test list.
//
// Diagnostics of one compilation are collected in a local sink, then
// deduplicated (a macro body checked at each use reports its mistake once),
// sorted by location and handed to the caller's sink.
#include "compiler/driver/compile.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <tuple>

#include "compiler/ast/ast.h"
#include "compiler/codegen/codegen.h"
#include "compiler/ir/ir.h"
#include "compiler/ir/lower.h"
#include "compiler/opt/passes.h"
#include "compiler/sema/check.h"
#include "compiler/syntax/parse.h"
#include "runtime/format/pack.h"

namespace rdl {

namespace fs = std::filesystem;

namespace {

// Spans of diagnostics that have no source location.
constexpr Span kNoSpan{UINT32_MAX, 0, 0};

bool ReadFile(const fs::path& p, std::string* out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return false;
  *out = ss.str();
  return true;
}

bool IsRuleFile(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".rule" || ext == ".rules";
}

std::string Canonical(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  return ec ? p.lexically_normal().string() : c.string();
}

// The stdlib directory for imports: $RDL_STDLIB, else ../../stdlib or
// ../stdlib next to the running executable (build/bin/rulec -> stdlib/).
std::vector<fs::path> StdlibDirs() {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("RDL_STDLIB"); env && *env) dirs.emplace_back(env);
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const char* rel : {"../../stdlib", "../stdlib", "../share/rdl/stdlib"}) {
      fs::path d = (exe.parent_path() / rel).lexically_normal();
      if (fs::is_directory(d, ec)) dirs.push_back(d);
    }
  }
  return dirs;
}

struct Unit {
  uint32_t file_id;
  std::unique_ptr<ast::File> ast;
  bool input;  // its rules go into the pack
};

class Driver {
 public:
  Driver(SourceManager& sm, const CompileOptions& options, DiagnosticSink& sink)
      : sm_(sm), options_(options), sink_(sink) {}

  std::optional<CompileOutput> Run(const std::vector<uint32_t>& files) {
    for (uint32_t id : files) {
      std::string key = Canonical(sm_.file(id).name());
      if (loaded_.count(key)) continue;  // the same file named twice
      loaded_.emplace(key, id);
      Parse(id, true);
    }
    // Imports, breadth-first; each file is parsed once however often it is
    // imported (cycles included).
    for (size_t i = 0; i < units_.size(); ++i) ResolveImports(i);
    // Do not check a broken parse or a missing import: sema would report
    // the holes as unknown names. (A duplicate clause, E0104, leaves a
    // sound AST and is checked on.)
    for (const Diagnostic& d : sink_.diagnostics()) {
      if (d.severity == DiagSeverity::kError &&
          (d.code == DiagCode::kSyntax || d.code == DiagCode::kBadLiteral ||
           d.code == DiagCode::kIoError || d.code == DiagCode::kImportNotFound)) {
        return std::nullopt;
      }
    }

    sema::CheckInput in;
    for (const Unit& u : units_) {
      in.files.push_back(u.ast.get());
      in.compile_rules.push_back(u.input);
    }
    ir::Pack pack = sema::Check(in, sm_, sink_);
    sema::Lint(pack, sink_);
    if (sink_.has_errors()) return std::nullopt;

    CompileOutput out;
    for (const Unit& u : units_) {
      if (u.input) out.ast_dump += ast::Dump(*u.ast, sm_);
    }
    ir::Lower(pack);
    std::string why;
    if (!ir::Verify(pack, &why)) return Internal("IR verification failed after lowering: " + why);
    if (!opt::Optimize(pack, options_.disabled_passes, &why)) return Internal(why);
    out.ir_dump = ir::Dump(pack);

    if (!codegen::Generate(pack, &out.program, sink_)) return std::nullopt;
    if (!VerifyProgram(out.program, &why)) {
      return Internal("the generated program fails verification: " + why);
    }
    out.bytecode_dump = codegen::DumpBytecode(out.program);
    CollectTests(out);
    if (sink_.has_errors()) return std::nullopt;
    return out;
  }

 private:
  std::nullopt_t Internal(const std::string& what) {
    sink_.Report(DiagCode::kInternal, kNoSpan, "internal compiler error: " + what)
        .notes.push_back("note: this is a compiler bug; please report it with the rules");
    return std::nullopt;
  }

  void Parse(uint32_t id, bool input) {
    Unit u;
    u.file_id = id;
    u.ast = std::make_unique<ast::File>(ParseFile(sm_, id, sink_));
    u.input = input;
    units_.push_back(std::move(u));
  }

  void ResolveImports(size_t index) {
    // Copy what we need: Parse() below may reallocate units_.
    uint32_t from = units_[index].file_id;
    std::vector<ast::Import> imports;
    for (const ast::Import& imp : units_[index].ast->imports) imports.push_back(imp);
    fs::path dir = fs::path(sm_.file(from).name()).parent_path();
    for (const ast::Import& imp : imports) {
      std::vector<fs::path> tried;
      std::optional<fs::path> found;
      std::error_code ec;
      tried.push_back((dir / imp.path).lexically_normal());
      if (fs::path(imp.path).is_absolute())
        tried.back() = fs::path(imp.path);
      else {
        for (const fs::path& d : StdlibDirs()) tried.push_back((d / imp.path).lexically_normal());
      }
      for (const fs::path& p : tried) {
        if (fs::is_regular_file(p, ec)) {
          found = p;
          break;
        }
      }
      if (!found) {
        Diagnostic& d = sink_.Report(DiagCode::kImportNotFound, imp.span,
                                     fmt::format("cannot find imported file \"{}\"", imp.path));
        std::string where;
        for (const fs::path& p : tried) {
          // Relative to the working directory when below it: stable messages.
          std::error_code rec;
          fs::path shown = p.is_absolute() ? fs::proximate(p, rec) : p;
          if (rec || shown.empty() || *shown.begin() == "..") shown = p;
          where += (where.empty() ? "" : ", ") + shown.string();
        }
        d.notes.push_back("note: looked in " + where);
        if (tried.size() == 1) {
          d.notes.push_back("help: set RDL_STDLIB to the stdlib directory");
        }
        continue;
      }
      std::string key = Canonical(*found);
      if (loaded_.count(key)) continue;
      std::string text;
      if (!ReadFile(*found, &text)) {
        sink_.Report(DiagCode::kIoError, imp.span,
                     fmt::format("cannot read imported file `{}`", found->string()));
        continue;
      }
      uint32_t id = sm_.Add(found->string(), std::move(text));
      loaded_.emplace(key, id);
      Parse(id, false);
    }
  }

  void CollectTests(CompileOutput& out) {
    for (const Unit& u : units_) {
      if (!u.input) continue;
      const SourceFile& f = sm_.file(u.file_id);
      fs::path dir = fs::path(f.name()).parent_path();
      for (const ast::Rule& r : u.ast->rules) {
        for (const ast::TestBlock& t : r.tests) {
          RuleTest rt;
          rt.rule = r.name;
          rt.name = t.name;
          rt.expect_alerts = t.expect_alerts;
          rt.file = f.name();
          rt.line = f.Locate(t.span.begin).line;
          rt.events = t.events_inline;
          if (!t.events_file.empty()) {
            fs::path p = (dir / t.events_file).lexically_normal();
            if (!ReadFile(p, &rt.events)) {
              sink_.Report(DiagCode::kIoError, t.span,
                           fmt::format("cannot read test events file `{}`", p.string()));
              continue;
            }
          }
          out.tests.push_back(std::move(rt));
        }
      }
    }
  }

  SourceManager& sm_;
  const CompileOptions& options_;
  DiagnosticSink& sink_;
  std::vector<Unit> units_;
  std::map<std::string, uint32_t> loaded_;
};

// Identical diagnostics (same code, location and message) are reported once.
void Transfer(const DiagnosticSink& from, DiagnosticSink& to) {
  std::set<std::tuple<uint16_t, uint32_t, uint32_t, uint32_t, std::string>> seen;
  for (const Diagnostic& d : from.diagnostics()) {
    Span s = d.labels.empty() ? kNoSpan : d.labels[0].span;
    if (!seen.emplace(static_cast<uint16_t>(d.code), s.file, s.begin, s.end, d.message).second) {
      continue;
    }
    to.Add(d);
  }
}

}  // namespace

std::vector<uint32_t> LoadSources(const std::vector<std::string>& paths, SourceManager& sm,
                                  DiagnosticSink& sink) {
  std::vector<uint32_t> ids;
  std::set<std::string> seen;
  auto add = [&](const fs::path& p) {
    std::string key = Canonical(p);
    if (!seen.insert(key).second) return;
    std::string text;
    if (!ReadFile(p, &text)) {
      sink.Report(DiagCode::kIoError, kNoSpan, fmt::format("cannot read `{}`", p.string()));
      return;
    }
    ids.push_back(sm.Add(p.string(), std::move(text)));
  };
  for (const std::string& path : paths) {
    std::error_code ec;
    fs::path p(path);
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (fs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && IsRuleFile(it->path())) found.push_back(it->path());
      }
      if (ec) {
        sink.Report(DiagCode::kIoError, kNoSpan,
                    fmt::format("cannot read directory `{}`: {}", path, ec.message()));
      }
      std::sort(found.begin(), found.end());
      for (const fs::path& f : found) add(f);
    } else if (fs::exists(p, ec)) {
      add(p);
    } else {
      sink.Report(DiagCode::kIoError, kNoSpan,
                  fmt::format("cannot read `{}`: no such file or directory", path));
    }
  }
  return ids;
}

std::optional<CompileOutput> Compile(SourceManager& sm, const std::vector<uint32_t>& files,
                                     const CompileOptions& options, DiagnosticSink& sink) {
  DiagnosticSink local;
  local.set_warnings_as_errors(options.warnings_as_errors);
  std::optional<CompileOutput> out = Driver(sm, options, local).Run(files);
  local.SortByLocation();
  Transfer(local, sink);
  if (local.has_errors()) return std::nullopt;
  return out;
}

}  // namespace rdl
