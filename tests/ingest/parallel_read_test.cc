// ReadInputsParallel delivers exactly what ReadInputs delivers, in the same
// order, with the same locations and messages, however files are cut.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>

#include "tests/ingest/ingest_test_util.h"

using namespace rdl;
using namespace rdl::testing;

namespace {

Collected ReadParallel(const std::vector<std::string>& paths, IngestOptions options, int threads) {
  Collected c;
  c.ok = ReadInputsParallel(
      paths, options, threads, Collect(&c), [&c](const std::string& m) { c.errors.push_back(m); },
      &c.stats);
  return c;
}

}  // namespace

TEST_CASE("parallel reading: same events, order, lines and messages as sequential") {
  // A JSON-lines file with blank lines, a broken line and long and short
  // records, cut into pieces far smaller than a record.
  std::string dir = std::filesystem::temp_directory_path() / "rdl_parallel_read_test";
  std::filesystem::create_directories(dir);
  std::string lines = ReadFileText(SourcePath("tests/data/formats/cloudtrail_lines.jsonl"));
  std::string text;
  for (int i = 0; i < 20; ++i) {
    text += lines;
    if (i == 7) text += "\n{\"broken\": \n\n";
  }
  std::string big = dir + "/big.jsonl";
  WriteFileText(big, text);
  std::vector<std::string> inputs = {big, SourcePath("tests/data/formats/cloudtrail_records.json"),
                                     SourcePath("tests/data/formats/azure_diagnostic_lines.jsonl"),
                                     big};
  IngestOptions options;
  Collected seq = ReadPaths(inputs, options);
  REQUIRE(seq.events.size() > 50);
  REQUIRE(!seq.errors.empty());
  for (uint64_t piece : {uint64_t{1}, uint64_t{100}, uint64_t{4096}, uint64_t{1} << 20}) {
    for (int threads : {2, 3}) {
      INFO("piece " << piece << " threads " << threads);
      options.piece_bytes = piece;
      Collected par = ReadParallel(inputs, options, threads);
      CHECK(par.ok == seq.ok);
      CHECK(par.events == seq.events);
      CHECK(par.lines == seq.lines);
      CHECK(par.files == seq.files);
      CHECK(par.errors == seq.errors);
      CHECK(par.stats.records == seq.stats.records);
      CHECK(par.stats.bad_records == seq.stats.bad_records);
      CHECK(par.stats.files == seq.stats.files);
      CHECK(par.stats.bytes == seq.stats.bytes);
      CHECK(par.stats.lines == seq.stats.lines);
      // Good records per reader. (A bad line that opens a piece is charged
      // to "unknown": its piece has not seen a good record of the file.)
      for (const ReaderStats& r : seq.stats.readers) {
        const ReaderStats* p = par.Reader(r.reader);
        REQUIRE(p);
        CHECK(p->records == r.records);
      }
    }
  }
  // --strict stops at the same record.
  options.strict = true;
  options.piece_bytes = 100;
  Collected seq_strict = ReadPaths(inputs, options);
  Collected par_strict = ReadParallel(inputs, options, 2);
  CHECK_FALSE(par_strict.ok);
  CHECK(par_strict.events == seq_strict.events);
  CHECK(par_strict.errors == seq_strict.errors);
  std::filesystem::remove_all(dir);
}
