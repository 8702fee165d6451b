// rulerun: runs a rule pack over audit-log inputs and prints alerts.
//
//   rulerun --pack PACK  [options] INPUT...   run a compiled pack
//   rulerun --rules DIR  [options] INPUT...   compile rules in process, then run
//   rulerun --normalize  [options] INPUT...   print normalized events only
//
// Inputs are files, directories (recursive) or `-` (stdin; the default),
// read and normalized by the ingest layer (runtime/ingest). Alerts go to
// stdout, one JSON object per line; diagnostics, bad-record reports, late
// event warnings and the final summary go to stderr.
//
// Exit codes: 0 ok, 1 bad input under --strict or rule errors, 2 usage or
// I/O errors (unreadable or corrupted pack, unreadable input, bad flags).
// This is the one place where the runtime and the compiler meet.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/driver/compile.h"
#include "compiler/syntax/literals.h"
#include "runtime/engine/engine.h"
#include "runtime/ingest/ingest.h"
#include "runtime/vm/event.h"
#include "runtime/vm/loaded_pack.h"
#include "tools/cli_args.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitBadInput = 1;
constexpr int kExitUsage = 2;
constexpr uint64_t kMaxLateWarnings = 10;

const char kUsage[] =
    "usage: rulerun (--pack PACK | --rules PATH... | --normalize) [options] [INPUT...]\n"
    "\n"
    "  --pack PACK           run a compiled pack (.rpk)\n"
    "  --rules PATH          compile .rule files (file or directory, repeatable) and run them\n"
    "  --normalize           print the normalized events instead of running rules\n"
    "  --format FORMAT       input format: auto (default), cloudtrail, azure, gcp, ocsf,\n"
    "                        normalized\n"
    "  --mapping FILE        extra provider mapping applied over the stdlib (repeatable)\n"
    "  --lateness DURATION   allowed event lateness (default 15m): 0, 500ms, 30s, 15m, 1h30m, 2d\n"
    "  --max-keys N          per-rule state cap when a rule sets none (default 100000)\n"
    "  --strict              a malformed record or event is fatal (exit 1)\n"
    "  --partials            print the live partial matches at the end (stderr)\n"
    "  --jit                 compile predicates to native code (LLVM tier, when built)\n"
    "  --threads N           read and normalize with N threads (default 1); the rules see\n"
    "                        the same events in the same order, so alerts are identical\n"
    "  --explain-prefilter   print the literals the prefilter searches for, and exit\n"
    "  --no-prefilter        parse every record (by default records whose raw text holds\n"
    "                        nothing any rule needs are skipped unparsed; --strict and\n"
    "                        --normalize always parse every record)\n"
    "  --json-handoff        pass events to the rules as normalized JSON, parsed again (the\n"
    "                        path --normalize prints; by default events are handed over\n"
    "                        typed, with only the fields the rules read): for comparisons\n"
    "  -h, --help            show this help\n"
    "\n"
    "INPUT is a file, a directory (read recursively) or - for stdin (the default).\n"
    "Exit status: 0 ok, 1 bad input under --strict or rule errors, 2 usage or I/O errors.\n";

int Usage(const std::string& msg) {
  std::fprintf(stderr, "rulerun: %s\n\n%s", msg.c_str(), kUsage);
  return kExitUsage;
}

// A `--lateness` value: "0", or a duration as rules write it (500ms, 30s,
// 15m, 1h30m, 2d).
bool ParseLateness(const std::string& text, int64_t* ns) {
  if (text == "0") {
    *ns = 0;
    return true;
  }
  rdl::syntax::LiteralError err;
  return rdl::syntax::ParseDuration(text, ns, &err);
}

std::string Where(const rdl::RecordLocation& loc) {
  std::string s(loc.file);
  if (loc.line > 0) return s + ":" + std::to_string(loc.line);
  return s + ": record " + std::to_string(loc.record);
}

void PrintIngestStats(const rdl::IngestStats& s) {
  std::fprintf(
      stderr,
      "ingest: records=%llu bad_records=%llu prefiltered=%llu files=%llu bytes=%llu "
      "input_errors=%llu\n",
      static_cast<unsigned long long>(s.records), static_cast<unsigned long long>(s.bad_records),
      static_cast<unsigned long long>(s.prefiltered), static_cast<unsigned long long>(s.files),
      static_cast<unsigned long long>(s.bytes), static_cast<unsigned long long>(s.input_errors));
  for (const rdl::ReaderStats& r : s.readers) {
    std::fprintf(stderr, "  reader %s: records=%llu skipped=%llu\n", r.reader.c_str(),
                 static_cast<unsigned long long>(r.records),
                 static_cast<unsigned long long>(r.skipped));
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string pack_path;
  std::vector<std::string> rule_paths;
  std::vector<std::string> inputs;
  bool normalize = false, strict = false, partials = false, prefilter = true;
  bool explain_prefilter = false, json_handoff = false;
  int threads = 1;
  rdl::IngestOptions ingest;
  rdl::EngineOptions options;

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
    } else if (a == "--strict") {
      strict = true;
    } else if (a == "--jit") {
      options.jit = true;
      options.on_warning = [](const std::string& msg) {
        std::fprintf(stderr, "rulerun: warning: %s\n", msg.c_str());
      };
    } else if (a == "--explain-prefilter") {
      explain_prefilter = true;
    } else if (a == "--no-prefilter") {
      prefilter = false;
    } else if (a == "--json-handoff") {
      json_handoff = true;
    } else if (a == "--normalize") {
      normalize = true;
    } else if (a == "--partials") {
      partials = true;
    } else if ((r = value("--pack", &pack_path)) != 0) {
      if (r < 0) return Usage("`--pack` needs a pack file");
    } else if ((r = value("--rules", &v)) != 0) {
      if (r < 0) return Usage("`--rules` needs a file or directory");
      rule_paths.push_back(v);
    } else if ((r = value("--format", &ingest.format)) != 0) {
      if (r < 0) return Usage("`--format` needs a format name");
    } else if ((r = value("--mapping", &v)) != 0) {
      if (r < 0) return Usage("`--mapping` needs a file");
      ingest.mapping_files.push_back(v);
    } else if ((r = value("--threads", &v)) != 0) {
      char* end = nullptr;
      long n = r < 0 ? 0 : std::strtol(v.c_str(), &end, 10);
      if (r < 0 || end == v.c_str() || *end != '\0' || n < 1 || n > 64) {
        return Usage("`--threads` needs a number from 1 to 64");
      }
      threads = static_cast<int>(n);
    } else if ((r = value("--lateness", &v)) != 0) {
      if (r < 0 || !ParseLateness(v, &options.lateness_ns)) {
        return Usage("`--lateness` needs a duration like 0, 30s, 15m or 1h");
      }
    } else if ((r = value("--max-keys", &v)) != 0) {
      char* end = nullptr;
      unsigned long long n = r < 0 ? 0 : std::strtoull(v.c_str(), &end, 10);
      if (r < 0 || v.empty() || *end != '\0' || n == 0 || n > 0xffffffffULL) {
        return Usage("`--max-keys` needs a positive integer");
      }
      options.default_max_keys = static_cast<uint32_t>(n);
    } else if (a.size() > 1 && a[0] == '-') {
      return Usage("unknown option `" + a + "`");
    } else {
      inputs.push_back(a);
    }
  }
  static const char* kFormats[] = {"auto", "cloudtrail", "azure", "gcp", "ocsf", "normalized"};
  bool format_ok = false;
  for (const char* f : kFormats) format_ok = format_ok || ingest.format == f;
  if (!format_ok) return Usage("unknown format `" + ingest.format + "`");
  const int modes =
      (pack_path.empty() ? 0 : 1) + (rule_paths.empty() ? 0 : 1) + (normalize ? 1 : 0);
  if (modes != 1) return Usage("give exactly one of --pack, --rules or --normalize");
  if (inputs.empty()) inputs.push_back("-");
  ingest.strict = strict;

  rdl::IngestStats stats;
  bool fatal_input = false;  // --strict and a bad record or event
  uint64_t engine_bad = 0;
  auto on_error = [&](const std::string& message) {
    std::fprintf(stderr, "%s\n", message.c_str());
  };

  // --normalize: the ingest output, nothing else.
  if (normalize) {
    bool ok = rdl::ReadInputs(
        inputs, ingest,
        [&](std::string_view json, const rdl::RecordLocation&) {
          std::fwrite(json.data(), 1, json.size(), stdout);
          std::fputc('\n', stdout);
        },
        on_error, &stats);
    std::fflush(stdout);
    PrintIngestStats(stats);
    if (!ok) return strict && stats.bad_records > 0 ? kExitBadInput : kExitUsage;
    return kExitOk;
  }

  // The pack: from a file, or compiled in process.
  std::unique_ptr<rdl::LoadedPack> pack;
  std::string error;
  if (!pack_path.empty()) {
    pack = rdl::LoadedPack::LoadFile(pack_path, &error);
    if (!pack) {
      std::fprintf(stderr, "rulerun: cannot load pack: %s\n", error.c_str());
      return kExitUsage;
    }
  } else {
    rdl::SourceManager sm;
    rdl::DiagnosticSink sink;
    std::vector<uint32_t> files = rdl::LoadSources(rule_paths, sm, sink);
    bool io_error = sink.has_errors();
    std::optional<rdl::CompileOutput> out;
    if (!io_error) out = rdl::Compile(sm, files, rdl::CompileOptions{}, sink);
    for (const rdl::Diagnostic& d : sink.diagnostics()) {
      if (d.code == rdl::DiagCode::kIoError) io_error = true;
      std::fputs(rdl::RenderText(d, sm).c_str(), stderr);
    }
    if (io_error) return kExitUsage;
    if (!out || sink.has_errors()) {
      std::fprintf(stderr, "rulerun: %zu error(s) in the rules\n", sink.error_count());
      return kExitBadInput;
    }
    pack = rdl::LoadedPack::Load(std::move(out->program), &error);
    if (!pack) {
      std::fprintf(stderr, "rulerun: the compiled program was rejected: %s\n", error.c_str());
      return kExitBadInput;
    }
  }

  // The raw-byte prefilter: on unless a rule needs every record, or every
  // record must be validated (--strict).
  if (prefilter && !strict) {
    const rdl::Program& program = pack->program();
    if (std::optional<rdl::PrefilterSpec> spec = rdl::PrefilterSpecOf(program)) {
      ingest.prefilter = rdl::BuildPrefilter(*spec, ingest, &error);
      if (!ingest.prefilter) {
        std::fprintf(stderr, "rulerun: warning: prefilter off: %s\n", error.c_str());
      }
    } else {
      for (const rdl::Rule& r : program.rules) {
        if (r.prefilter_all) {
          std::fprintf(stderr, "rulerun: prefilter off: rule %s may need any record\n",
                       r.name.c_str());
          break;
        }
      }
    }
  }

  if (explain_prefilter) {
    if (!ingest.prefilter) {
      std::printf("prefilter: off\n");
      return kExitOk;
    }
    for (const std::string& l : rdl::ExplainPrefilter(*ingest.prefilter)) {
      std::printf("%s\n", l.c_str());
    }
    return kExitOk;
  }

  // Run.
  const rdl::RecordLocation* current = nullptr;
  uint64_t late_reported = 0;
  options.on_late = [&](const rdl::LateEvent& e) {
    if (late_reported < kMaxLateWarnings) {
      std::fprintf(stderr, "%s: late event %.*s at %s (watermark %s): counted, not evaluated\n",
                   current != nullptr ? Where(*current).c_str() : "-",
                   static_cast<int>(e.uid.size()), e.uid.data(), rdl::FormatTime(e.time_ns).c_str(),
                   rdl::FormatTime(e.watermark_ns).c_str());
    } else if (late_reported == kMaxLateWarnings) {
      std::fprintf(stderr, "rulerun: further late events are only counted\n");
    }
    ++late_reported;
  };
  rdl::Engine engine(*pack, options, [](const rdl::Alert& a) {
    std::fwrite(a.json.data(), 1, a.json.size(), stdout);
    std::fputc('\n', stdout);
  });
  bool ok;
  if (json_handoff) {
    ok = rdl::ReadInputsParallel(
        inputs, ingest, threads,
        [&](std::string_view json, const rdl::RecordLocation& loc) {
          if (fatal_input) return;  // --strict: stop evaluating after the first bad event
          current = &loc;
          std::string why;
          if (!engine.Push(json, &why)) {
            ++engine_bad;
            std::fprintf(stderr, "%s: %s\n", Where(loc).c_str(), why.c_str());
            if (strict) fatal_input = true;
          }
          current = nullptr;
        },
        on_error, &stats);
  } else {
    // The typed hand-off: unusable events are bad records of the reader.
    ok = rdl::ReadEvents(
        inputs, ingest, pack->program(), threads,
        [&](const rdl::Event& event, const rdl::RecordLocation& loc) {
          if (fatal_input) return;
          current = &loc;
          engine.Push(event);
          current = nullptr;
        },
        on_error, &stats);
  }
  if (strict && stats.bad_records > 0) fatal_input = true;
  if (!fatal_input) engine.Finish();
  std::fflush(stdout);

  const rdl::EngineCounters& c = engine.counters();
  uint64_t evictions = 0, suppressed = 0;
  for (const auto& r : c.rules) {
    evictions += r.evictions;
    suppressed += r.suppressed;
  }
  std::fprintf(
      stderr,
      "summary: events=%llu bad=%llu late=%llu alerts=%llu evictions=%llu "
      "suppressed=%llu forced_releases=%llu\n",
      static_cast<unsigned long long>(c.events),
      static_cast<unsigned long long>(stats.bad_records + engine_bad),
      static_cast<unsigned long long>(c.late_events), static_cast<unsigned long long>(c.alerts),
      static_cast<unsigned long long>(evictions), static_cast<unsigned long long>(suppressed),
      static_cast<unsigned long long>(c.forced_releases));
  for (const auto& r : c.rules) {
    std::fprintf(stderr, "  rule %s: alerts=%llu evictions=%llu suppressed=%llu\n", r.rule.c_str(),
                 static_cast<unsigned long long>(r.alerts),
                 static_cast<unsigned long long>(r.evictions),
                 static_cast<unsigned long long>(r.suppressed));
  }
  PrintIngestStats(stats);
  if (partials) {
    for (const rdl::PartialInfo& p : engine.ListPartials()) {
      std::fprintf(stderr, "partial: rule=%s key=%s stage=%u first=%s expires=%s\n", p.rule.c_str(),
                   p.key.c_str(), p.stage, rdl::FormatTime(p.first_ns).c_str(),
                   rdl::FormatTime(p.expires_ns).c_str());
    }
  }
  if (fatal_input) {
    std::fprintf(stderr, "rulerun: stopped at the first bad record (--strict)\n");
    return kExitBadInput;
  }
  if (!ok) return kExitUsage;  // an input could not be read
  return kExitOk;
}
