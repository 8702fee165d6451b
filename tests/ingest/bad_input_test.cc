// Bad input never crashes and never disappears silently: each case is
// counted (IngestStats, per reader), reported with file and line or record
// index, the rest of the input is still read, and `strict` stops.
#include <doctest/doctest.h>
#include <zlib.h>

#include <filesystem>

#include "tests/ingest/ingest_test_util.h"

namespace rdl::testing {
namespace {

namespace fs = std::filesystem;

std::string Record(int i) {
  // Distinct ids so that gzip cannot squeeze many records into a few bytes.
  char id[32];
  std::snprintf(id, sizeof(id), "%08x%08x", i * 2654435761u, i * 40503u + 7u);
  return std::string(R"({"eventVersion":"1.08","eventID":")") + id +
         R"(","eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com",)"
         R"("eventName":"DeleteSnapshot","awsRegion":"us-east-1","recipientAccountId":"111122223333",)"
         R"("requestParameters":{"snapshotId":"snap-)" +
         id + R"("}})";
}

std::string Lines(int from, int to) {
  std::string s;
  for (int i = from; i < to; ++i) s += Record(i) + "\n";
  return s;
}

std::string Gzip(std::string_view data) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) ==
          Z_OK);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

const char kTapeError[] =
    "invalid JSON: The JSON document has an improper structure: missing or superfluous commas, "
    "braces, missing keys, etc.";

TEST_CASE("invalid JSON line: reported with its line, the rest is read") {
  std::string text = Record(0) + "\n" + R"({"eventName": )" + "\n" + Record(1) + "\n";
  Collected c = ReadText(text, "logs/a.jsonl");
  CHECK(c.ok);
  CHECK(c.events.size() == 2);
  CHECK(c.lines == std::vector<uint64_t>{1, 3});
  CHECK(c.records == std::vector<uint64_t>{0, 2});
  REQUIRE(c.errors.size() == 1);
  CHECK(c.errors[0] == std::string("logs/a.jsonl:2: ") + kTapeError);
  CHECK(c.stats.records == 2);
  CHECK(c.stats.bad_records == 1);
  REQUIRE(c.stats.readers.size() == 1);
  CHECK(c.stats.readers[0].reader == "cloudtrail");
  CHECK(c.stats.readers[0].records == 2);
  CHECK(c.stats.readers[0].skipped == 1);  // charged to the file's format
}

TEST_CASE("invalid JSON before any good record is charged to `unknown`") {
  Collected c = ReadText("{oops\n" + Record(0) + "\n", "b.jsonl");
  REQUIRE(c.errors.size() == 1);
  CHECK(c.errors[0].rfind("b.jsonl:1: invalid JSON: ", 0) == 0);
  CHECK(c.events.size() == 1);
  REQUIRE(c.stats.readers.size() == 2);
  CHECK(c.stats.readers[0].reader == "cloudtrail");
  CHECK(c.stats.readers[1].reader == "unknown");
  CHECK(c.stats.readers[1].skipped == 1);
}

TEST_CASE(
    "a broken pretty-printed document is one error; JSON lines after a broken first line are "
    "read") {
  Collected doc =
      ReadText("{\n  \"Records\": [\n    " + Record(0) + ",\n    {\"eventName\": \n", "d.json");
  CHECK(doc.events.empty());
  REQUIRE(doc.errors.size() == 1);
  CHECK(doc.errors[0].rfind("d.json:1: invalid JSON: ", 0) == 0);
  CHECK(doc.stats.bad_records == 1);

  Collected lines = ReadText("{\"eventName\": \n" + Lines(0, 3), "l.jsonl");
  CHECK(lines.events.size() == 3);
  CHECK(lines.lines == std::vector<uint64_t>{2, 3, 4});
  REQUIRE(lines.errors.size() == 1);
  CHECK(lines.errors[0].rfind("l.jsonl:1: invalid JSON: ", 0) == 0);
}

TEST_CASE("truncated gzip: reported, the records before the cut count") {
  std::string full = Gzip(Lines(0, 200));
  std::string cut = full.substr(0, full.size() / 2);
  Collected c = ReadText(cut, "logs/t.json.gz");
  CHECK(c.ok);  // not strict: reported, reading goes on
  CHECK(c.events.size() > 10);
  CHECK(c.events.size() < 200);
  REQUIRE(c.errors.size() == 2);
  CHECK(c.errors[0] == "logs/t.json.gz:" + std::to_string(c.events.size() + 1) +
                           ": record cut off by the end of a damaged input");
  CHECK(c.errors[1] ==
        "logs/t.json.gz: truncated gzip stream (the records before the cut were read)");
  CHECK(c.stats.bad_records == 1);
  CHECK(c.stats.input_errors == 1);
  for (size_t i = 0; i < c.events.size(); ++i) {
    CHECK(Field(c.events[i], "resource.uid") == "snap-" + Field(c.events[i], "metadata.uid"));
  }

  IngestOptions strict;
  strict.strict = true;
  Collected s = ReadText(cut, "logs/t.json.gz", strict);
  CHECK(!s.ok);
  CHECK(s.errors.size() >= 1);
}

TEST_CASE("corrupt gzip data and garbage after the stream are reported") {
  std::string gz = Gzip(Lines(0, 50));
  std::string corrupt = gz;
  for (size_t i = 20; i < 60; ++i) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
  Collected c = ReadText(corrupt, "c.gz");
  REQUIRE(!c.errors.empty());
  CHECK(c.errors.back().rfind("c.gz: corrupt gzip data: ", 0) == 0);
  CHECK(c.stats.input_errors == 1);

  Collected g = ReadText(Gzip(Lines(0, 2)) + "trailing", "g.gz");
  CHECK(g.events.size() == 2);
  REQUIRE(g.errors.size() == 1);
  CHECK(g.errors[0] == "g.gz: unexpected data after the end of the gzip stream");
}

TEST_CASE("empty inputs are reported") {
  for (std::string_view data :
       {std::string_view(""), std::string_view("  \n\n \t\n"), std::string_view("\xEF\xBB\xBF")}) {
    Collected c = ReadText(data, "e.json");
    CHECK(c.ok);
    CHECK(c.events.empty());
    REQUIRE(c.errors.size() == 1);
    CHECK(c.errors[0] == "e.json: empty input (no records)");
    CHECK(c.stats.input_errors == 1);
    CHECK(c.stats.bad_records == 0);
  }
  Collected gz = ReadText(Gzip(""), "e.json.gz");
  REQUIRE(gz.errors.size() == 1);
  CHECK(gz.errors[0] == "e.json.gz: empty input (no records)");
  IngestOptions strict;
  strict.strict = true;
  CHECK(!ReadText("", "e.json", strict).ok);
}

TEST_CASE("a UTF-8 byte order mark is skipped, for lines and documents") {
  Collected lines = ReadText("\xEF\xBB\xBF" + Lines(0, 2), "bom.jsonl");
  CHECK(lines.errors.empty());
  CHECK(lines.events.size() == 2);
  Collected doc = ReadText("\xEF\xBB\xBF{\n\"Records\": [" + Record(0) + "]\n}\n", "bom.json");
  CHECK(doc.errors.empty());
  CHECK(doc.events.size() == 1);
}

TEST_CASE("invalid UTF-8 is a bad record") {
  std::string bad = Record(0);
  bad.replace(bad.find("DeleteSnapshot"), 6, "Del\xff\xfe");
  Collected c = ReadText(bad + "\n" + Record(1) + "\n", "u.jsonl");
  CHECK(c.events.size() == 1);
  REQUIRE(c.errors.size() == 1);
  CHECK(c.errors[0] == "u.jsonl:1: invalid JSON: The input is not valid UTF-8");
}

TEST_CASE("a record over the size limit is skipped") {
  std::string big = Record(0);
  big.insert(big.size() - 2, ",\"pad\":\"" + std::string(1100000, 'x') + "\"");
  Collected c = ReadText(big + "\n" + Record(1) + "\n", "big.jsonl");
  CHECK(c.events.size() == 1);
  REQUIRE(c.errors.size() == 1);
  CHECK(c.errors[0] == "big.jsonl:1: record of " + std::to_string(big.size()) +
                           " bytes exceeds the limit of 1048576 bytes");
  IngestOptions o;
  o.max_record_bytes = 2 << 20;
  CHECK(ReadText(big, "big.jsonl", o).events.size() == 1);
  // Inside a delivery file the limit is per record, not per file.
  std::string file = "{\"Records\":[" + Record(2) + "," + big + "," + Record(3) + "]}";
  Collected r = ReadText(file, "r.json");
  CHECK(r.events.size() == 2);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].rfind("r.json:1: Records[1]: record of ", 0) == 0);
}

TEST_CASE("missing, unparsable and wrongly typed required fields") {
  const char* text =
      R"({"eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":42})"
      "\n"
      R"({"eventTime":"yesterday","eventSource":"ec2.amazonaws.com","eventName":"X"})"
      "\n"
      R"({"eventSource":"ec2.amazonaws.com","eventName":"X","awsRegion":"us-east-1"})"
      "\n"
      R"({"eventTime":{"t":1},"eventSource":"ec2.amazonaws.com","eventName":"X"})"
      "\n"
      R"({"eventTime":"2024-02-30T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"X"})"
      "\n"
      R"({"eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"  "})"
      "\n"
      R"({"time":"2024-01-01T00:00:00Z","resourceId":"/subscriptions/s/x","operationName":{"value":7}})"
      "\n"
      R"({"timestamp":"2024-01-01T00:00:00Z","insertId":"i","logName":"projects/p/logs/x","protoPayload":{"methodName":"m"}})"
      "\n";
  Collected c = ReadText(text, "f.jsonl");
  CHECK(c.ok);
  REQUIRE(c.events.size() == 1);  // the GCP one: a fine record
  std::vector<std::string> want = {
      "f.jsonl:1: eventName is a number, expected a string",
      "f.jsonl:2: unparsable time \"yesterday\"",
      "f.jsonl:3: missing time (eventTime)",
      "f.jsonl:4: eventTime is an object, expected a string",
      "f.jsonl:5: unparsable time \"2024-02-30T00:00:00Z\"",
      "f.jsonl:6: missing api.operation (eventName)",
      "f.jsonl:7: operationName.value is a number, expected a string",
  };
  CHECK(c.errors == want);
  CHECK(c.stats.bad_records == 7);
  REQUIRE(c.stats.readers.size() == 3);
  CHECK(c.stats.readers[0].reader == "cloudtrail");
  CHECK(c.stats.readers[0].skipped == 6);
  CHECK(c.stats.readers[1].reader == "azure");
  CHECK(c.stats.readers[1].skipped == 1);
  CHECK(c.stats.readers[2].reader == "gcp");
  CHECK(c.stats.readers[2].records == 1);
}

TEST_CASE("wrong types in optional fields are ignored, the record is kept") {
  Collected c = ReadText(
      R"({"eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"CreateSnapshot",)"
      R"("awsRegion":["us-east-1"],"recipientAccountId":111122223333,"sourceIPAddress":{"ip":"1.2.3.4"},)"
      R"("userIdentity":"root","responseElements":{"snapshotId":17}})");
  REQUIRE(c.events.size() == 1);
  CHECK(c.errors.empty());
  CHECK(Field(c.events[0], "cloud.region") == "us-east-1");          // a one-element list
  CHECK(Field(c.events[0], "cloud.account.uid") == "111122223333");  // a number, as text
  CHECK(Field(c.events[0], "src_endpoint.ip") == "<missing>");
  CHECK(Field(c.events[0], "actor.user.uid") == "<missing>");
  CHECK(Field(c.events[0], "resource.uid") == "17");
}

TEST_CASE("records that are not objects, unknown formats, bad envelopes") {
  std::string arr = "[\n  " + Record(0) + ",\n  {\"foo\": 1},\n  3\n]\n";
  Collected c = ReadText(arr, "a.json");
  CHECK(c.events.size() == 1);
  std::vector<std::string> want = {
      "a.json:1: [1]: unrecognized record format (not CloudTrail, Azure Activity Log, GCP audit "
      "log, OCSF or normalized)",
      "a.json:1: [2]: expected a JSON object, got a number"};
  CHECK(c.errors == want);
  CHECK(c.records == std::vector<uint64_t>{0});

  Collected ct = ReadText(R"({"EventId":"e","CloudTrailEvent":"{not json"})", "l.json");
  REQUIRE(ct.errors.size() == 1);
  CHECK(ct.errors[0].rfind("l.json:1: invalid JSON in CloudTrailEvent: ", 0) == 0);
  Collected ct2 = ReadText(R"({"EventId":"e","CloudTrailEvent":{"eventName":"x"}})", "l.json");
  REQUIRE(ct2.errors.size() == 1);
  CHECK(ct2.errors[0] == "l.json:1: CloudTrailEvent is an object, expected a JSON string");
}

TEST_CASE("strict stops at the first bad record") {
  IngestOptions o;
  o.strict = true;
  std::string text = Lines(0, 2) + "{bad\n" + Lines(2, 5);
  Collected c = ReadText(text, "s.jsonl", o);
  CHECK(!c.ok);
  CHECK(c.events.size() == 2);
  CHECK(c.errors.size() == 1);
  CHECK(c.stats.bad_records == 1);
  Collected lenient = ReadText(text, "s.jsonl");
  CHECK(lenient.ok);
  CHECK(lenient.events.size() == 5);

  // Strict also stops inside a Records array and across inputs.
  std::string rec = "{\"Records\":[" + Record(0) + ",{\"x\":1}," + Record(1) + "]}";
  CHECK(ReadText(rec, "r.json", o).events.size() == 1);
}

TEST_CASE("inputs that cannot be opened fail the run but the others are read") {
  fs::path dir = fs::temp_directory_path() / "rdl_ingest_missing";
  fs::create_directories(dir);
  std::string good = (dir / "good.jsonl").string();
  WriteFileText(good, Lines(0, 3));
  std::string missing = (dir / "nope.json").string();
  Collected c = ReadPaths({missing, good});
  CHECK(!c.ok);
  CHECK(c.events.size() == 3);
  REQUIRE(c.errors.size() == 1);
  CHECK(c.errors[0] == missing + ": cannot open: No such file or directory");
  CHECK(c.stats.input_errors == 1);
  CHECK(c.stats.files == 1);
  fs::remove_all(dir);
}

TEST_CASE("arbitrary bytes never crash") {
  std::string junk;
  uint32_t x = 12345;
  for (int i = 0; i < 20000; ++i) {
    x = x * 1103515245 + 12345;
    junk.push_back(static_cast<char>(x >> 16));
    if (i % 97 == 0) junk += "{\"eventName\":[\"\\u0000\"],\"Records\":[[[{";
  }
  Collected c = ReadText(junk, "junk.bin");
  CHECK(c.events.empty());
  CHECK(c.stats.bad_records + c.stats.input_errors >= 1);
  Collected gz = ReadText(Gzip(junk), "junk.gz");
  CHECK(gz.events.empty());
  CHECK(gz.stats.bad_records + gz.stats.input_errors >= 1);
}

TEST_CASE("a records envelope is read record by record: a broken record spoils only itself") {
  for (const char* sep : {"", "\n  "}) {  // one line (as S3 delivers), or pretty-printed
    CAPTURE(sep);
    std::string doc = std::string("{\"Records\": [") + sep + Record(0) + "," + sep +
                      R"({"eventName":tru})" + "," + sep + Record(2) + "," + sep + "3" + sep +
                      "]}\n" + Record(4) + "\n";
    Collected c = ReadText(doc, "d.json");
    CHECK(c.events.size() == 3);
    REQUIRE(c.errors.size() == 2);
    CHECK(c.errors[0].rfind("d.json:1: Records[1]: invalid JSON: ", 0) == 0);
    CHECK(c.errors[1] == "d.json:1: Records[3]: expected a JSON object, got a number");
    CHECK(c.records == std::vector<uint64_t>{0, 2, 4});
    CHECK(c.stats.bad_records == 2);
  }
  // Structure broken between records: the rest of the array is not guessed at.
  Collected c = ReadText("{\"Records\":[" + Record(0) + " " + Record(1) + "]}", "e.json");
  CHECK(c.events.size() == 1);
  CHECK(c.errors == std::vector<std::string>{
                        "e.json:1: Records[1]: invalid JSON: expected , or ] after a record"});
}

}  // namespace
}  // namespace rdl::testing
