// EventReader (paths, arrays, types, time) and ParseTime / FormatTime.
#include <climits>

#include "tests/event_diff.h"
#include "tests/vm/vm_test_util.h"

namespace rdl::test {
namespace {

// A reader over the standard fields plus a few extra paths.
Program FixtureProgram() {
  Program program = MakeProgram({}, {});
  program.fields.push_back({{"raw", "a", "b"}, FieldType::kJson});        // 12
  program.fields.push_back({{"raw", "times"}, FieldType::kTime});         // 13
  program.fields.push_back({{"resources"}, FieldType::kJson});            // 14
  program.fields.push_back({{"resources", "type"}, FieldType::kString});  // 15
  return program;
}

struct Fixture {
  bool Read(const std::string& json) { return reader.Read(json, &event, &error); }
  const Value& slot(uint16_t i) const { return event.slot(i); }
  std::vector<std::string> Strings(uint16_t i) const {
    std::vector<std::string> out;
    const Value& v = event.slot(i);
    REQUIRE(v.tag == Value::Tag::kList);
    for (uint32_t k = 0; k < v.list.n; ++k) {
      out.push_back(v.list.p[k].is_string() ? std::string(v.list.p[k].str()) : "<non-string>");
    }
    return out;
  }
  Program program = FixtureProgram();
  EventReader reader{program};
  Event event;
  std::string error;
};

constexpr int64_t kEventNs = 1767607200000000000;  // 2026-01-05T10:00:00Z

TEST_CASE("nested paths, time and uid") {
  Fixture f;
  REQUIRE_MESSAGE(f.Read(Ev(R"("action":"snapshot.create","actor":{"user":{"uid":"arn:a"}},
      "src_endpoint":{"ip":"10.0.0.1"},"num":7,"quota":{"value":1.5})")),
                  f.error);
  CHECK(f.event.num_slots() == 16);
  CHECK(f.event.time_ns() == kEventNs);
  CHECK(f.event.uid() == "e1");
  CHECK(f.slot(kTime).tag == Value::Tag::kInt);
  CHECK(f.slot(kTime).i == kEventNs);
  CHECK(f.slot(kAction).str() == "snapshot.create");
  CHECK(f.slot(kActor).str() == "arn:a");
  CHECK(f.slot(kIp).str() == "10.0.0.1");
  CHECK(f.slot(kNum).tag == Value::Tag::kInt);
  CHECK(f.slot(kNum).i == 7);
  CHECK(f.slot(kQuota).tag == Value::Tag::kFloat);
  CHECK(f.slot(kQuota).f == 1.5);
  CHECK(f.slot(kOp).missing());
  CHECK(f.slot(kRaw).missing());
  CHECK(f.event.root().is_object());
}

TEST_CASE("a path through an array is the list of the elements' values") {
  Fixture f;
  REQUIRE(
      f.Read(Ev(R"("resources":[{"uid":"a","type":"volume"},{"type":"snapshot"},{"uid":"b"}])")));
  CHECK(f.Strings(kResUids) == std::vector<std::string>{"a", "b"});
  CHECK(f.Strings(15) == std::vector<std::string>{"volume", "snapshot"});
  CHECK(f.slot(14).tag == Value::Tag::kJson);  // kJson keeps the array
  CHECK(f.slot(14).json.is_array());
  // Nothing found through the array: missing, not an empty list.
  REQUIRE(f.Read(Ev(R"("resources":[{"type":"volume"}])")));
  CHECK(f.slot(kResUids).missing());
  REQUIRE(f.Read(Ev(R"("resources":[])")));
  CHECK(f.slot(kResUids).missing());
  // Nested arrays are flattened, non-objects skipped.
  REQUIRE(f.Read(Ev(R"("raw":{"a":[[{"b":1}],[{"b":2},{"b":[3,4]}],"x",{"c":5}]})")));
  const Value& v = f.slot(12);
  REQUIRE(v.tag == Value::Tag::kList);
  REQUIRE(v.list.n == 4);
  for (int64_t i = 0; i < 4; ++i) {
    CHECK(v.list.p[i].tag == Value::Tag::kInt);
    CHECK(v.list.p[i].i == i + 1);
  }
}

TEST_CASE("string lists accept an array or a single string") {
  Fixture f;
  REQUIRE(f.Read(Ev(R"("share":{"accounts":["1","2"]})")));
  CHECK(f.Strings(kShare) == std::vector<std::string>{"1", "2"});
  REQUIRE(f.Read(Ev(R"("share":{"accounts":"all"})")));
  CHECK(f.Strings(kShare) == std::vector<std::string>{"all"});
  REQUIRE(f.Read(Ev(R"("share":{"accounts":[]})")));
  CHECK(f.slot(kShare).tag == Value::Tag::kList);  // present, empty
  CHECK(f.slot(kShare).list.n == 0);
}

TEST_CASE("json fields keep objects and scalars") {
  Fixture f;
  REQUIRE(f.Read(Ev(R"("raw":{"items":{"k":1}})")));
  CHECK(f.slot(kRaw).tag == Value::Tag::kJson);
  CHECK(f.slot(kRaw).json.is_object());
  CHECK(f.slot(kItems).tag == Value::Tag::kJson);
  REQUIRE(f.Read(Ev(R"("raw":{"items":"text"})")));
  CHECK(f.slot(kItems).str() == "text");
  REQUIRE(f.Read(Ev(R"("raw":{"items":null})")));
  CHECK(f.slot(kItems).tag == Value::Tag::kNull);
  REQUIRE(f.Read(Ev(R"("raw":{"items":18446744073709551615})")));
  CHECK(f.slot(kItems).tag == Value::Tag::kFloat);
  // A path into a scalar is missing.
  REQUIRE(f.Read(Ev(R"("raw":{"a":"scalar"})")));
  CHECK(f.slot(12).missing());
  // Type mismatches are kept as they are (comparisons then fail by type).
  REQUIRE(f.Read(Ev(R"("action":42,"num":"seven")")));
  CHECK(f.slot(kAction).tag == Value::Tag::kInt);
  CHECK(f.slot(kNum).str() == "seven");
}

TEST_CASE("slots are reset between events") {
  Fixture f;
  REQUIRE(f.Read(Ev(R"("action":"a","resources":[{"uid":"x"}])")));
  REQUIRE(f.Read(Ev(R"("api":{"operation":"Op"})")));
  CHECK(f.slot(kAction).missing());
  CHECK(f.slot(kResUids).missing());
  CHECK(f.slot(kOp).str() == "Op");
  REQUIRE(f.Read(R"({"time":"2026-01-05T10:00:00Z"})"));
  CHECK(f.event.uid().empty());
}

TEST_CASE("a copied event owns its lists") {
  Fixture f;
  REQUIRE(f.Read(Ev(R"("resources":[{"uid":"a"},{"uid":"b"}],"share":{"accounts":"x"})")));
  Event copy = f.event;
  Event assigned;
  assigned = f.event;
  for (const Event* e : {&copy, &assigned}) {
    const Value& v = e->slot(kResUids);
    REQUIRE(v.tag == Value::Tag::kList);
    REQUIRE(v.list.n == 2);
    CHECK(v.list.p != f.event.slot(kResUids).list.p);
    CHECK(v.list.p[1].str() == "b");
    CHECK(e->slot(kShare).list.p[0].str() == "x");
    CHECK(e->time_ns() == kEventNs);
    CHECK(e->uid() == "e1");
  }
  Event moved = std::move(copy);
  CHECK(moved.slot(kResUids).list.p[0].str() == "a");
}

TEST_CASE("fields sharing a prefix, in any order, duplicated, or added later") {
  Program p = MakeProgram({}, {});
  p.fields = {{{"time"}, FieldType::kTime},     {{"a", "b", "c"}, FieldType::kString},
              {{"a"}, FieldType::kJson},        {{"a", "b", "d"}, FieldType::kString},
              {{"a", "x"}, FieldType::kString}, {{"a", "b", "c"}, FieldType::kString},
              {{"a", "b"}, FieldType::kJson},   {{"a", "bb", "c"}, FieldType::kString}};
  EventReader reader(p);
  Event e;
  std::string error;
  REQUIRE(reader.Read(
      R"({"time":"2026-01-05T10:00:00Z","a":{"b":{"c":"1","d":"2"},"x":"3","bb":{"c":"4"}}})", &e,
      &error));
  CHECK(e.slot(1).str() == "1");
  CHECK(e.slot(2).json.is_object());
  CHECK(e.slot(3).str() == "2");
  CHECK(e.slot(4).str() == "3");
  CHECK(e.slot(5).str() == "1");
  CHECK(e.slot(6).json.is_object());
  CHECK(e.slot(7).str() == "4");
  // A walk that stopped early must not leave a stale prefix behind.
  REQUIRE(
      reader.Read(R"({"time":"2026-01-05T10:00:00Z","a":{"x":"3","bb":{"c":"4"}}})", &e, &error));
  CHECK(e.slot(1).missing());
  CHECK(e.slot(3).missing());
  CHECK(e.slot(4).str() == "3");
  CHECK(e.slot(7).str() == "4");
  // A deeper field added after the reader was built is still read.
  p.fields.push_back({{"a", "bb", "c", "d", "e"}, FieldType::kString});
  REQUIRE(reader.Read(R"({"time":"2026-01-05T10:00:00Z","a":{"bb":{"c":{"d":{"e":"5"}}}}})", &e,
                      &error));
  REQUIRE(e.num_slots() == 9);
  CHECK(e.slot(8).str() == "5");
}

TEST_CASE("time fields") {
  Fixture f;
  REQUIRE(f.Read(Ev(R"("raw":{"times":["2026-01-05T10:00:01Z","garbage",1767607200000]})")));
  const Value& t = f.slot(13);
  REQUIRE(t.tag == Value::Tag::kList);
  REQUIRE(t.list.n == 3);
  CHECK(t.list.p[0].i == kEventNs + 1000000000);
  CHECK(t.list.p[1].missing());
  CHECK(t.list.p[2].i == kEventNs);
  // OCSF writes time as epoch milliseconds.
  REQUIRE(f.Read(R"({"time":1767607200250})"));
  CHECK(f.event.time_ns() == kEventNs + 250000000);
  REQUIRE(f.Read(R"({"time":1767607200250.5})"));
  CHECK(f.event.time_ns() == kEventNs + 250500000);
}

TEST_CASE("unusable events") {
  Fixture f;
  CHECK_FALSE(f.Read(R"({"time":"2026-01-05T10:00:00Z")"));
  CHECK(f.error.starts_with("invalid JSON: "));
  CHECK(f.error.size() > 14);
  CHECK_FALSE(f.Read(""));
  CHECK(f.error.starts_with("invalid JSON: "));
  CHECK_FALSE(f.Read("{\"time\":\"2026-01-05T10:00:00Z\"} x"));
  CHECK(f.error.starts_with("invalid JSON: "));
  CHECK_FALSE(f.Read(R"([{"time":"2026-01-05T10:00:00Z"}])"));
  CHECK(f.error == "event is not a JSON object");
  CHECK_FALSE(f.Read(R"("x")"));
  CHECK(f.error == "event is not a JSON object");
  CHECK_FALSE(f.Read(R"({"action":"x"})"));
  CHECK(f.error == "missing or unparsable time");
  CHECK_FALSE(f.Read(R"({"time":"yesterday"})"));
  CHECK(f.error == "missing or unparsable time");
  CHECK_FALSE(f.Read(R"({"time":["2026-01-05T10:00:00Z"]})"));
  CHECK(f.error == "missing or unparsable time");
  CHECK_FALSE(f.Read(R"({"time":true})"));
  CHECK(f.error == "missing or unparsable time");
  // The reader recovers after errors.
  CHECK(f.Read(Ev("")));
  // A line with an embedded NUL and bytes past it is not read past its length.
  std::string with_nul = Ev("") + std::string("\0garbage", 8);
  CHECK_FALSE(f.Read(with_nul));
}

TEST_CASE("an event survives EncodeEvent / EventDecoder unchanged") {
  Fixture f;
  EventDecoder decoder(f.program);
  std::string blob;
  Event decoded;
  for (
      const std::string& body : {
          std::string(R"("action":"snapshot.create","actor":{"user":{"uid":"arn:a"}},
               "num":-7,"quota":{"value":1.5e300},"flag":true,"nothing":null)"),
          std::string(
              R"("raw":{"a":{"b":{"k":[1,"x",{"y":null}]}},"times":["2026-01-05T10:00:00Z",1767607200000]},
               "resources":[{"type":"volume","uid":"vol-1"},{"uid":"vol-2"},{"type":"snap","uid":"s"}])"),
          std::string(
              R"("raw":{"a":{"b":"scalar \u00e9 \"q\""}},"resources":[],"num":18446744073709551615)"),
          std::string(R"("raw":{"a":[{"b":[1,[2,3]]},{"b":{"deep":[]}}]})"),
      }) {
    CAPTURE(body);
    REQUIRE_MESSAGE(f.Read(Ev(body)), f.error);
    EncodeEvent(f.event, &blob);
    std::string error;
    REQUIRE_MESSAGE(decoder.Decode(blob, &decoded, &error), error);
    CHECK(EventDiff(f.event, decoded) == "");
  }
}

TEST_CASE("EventDecoder rejects bytes EncodeEvent did not write") {
  Fixture f;
  REQUIRE(f.Read(Ev(R"("action":"x")")));
  std::string blob;
  EncodeEvent(f.event, &blob);
  EventDecoder decoder(f.program);
  Event out;
  std::string error;
  CHECK_FALSE(decoder.Decode(blob.substr(0, blob.size() - 1), &out, &error));
  CHECK(error == "corrupt event blob");
  CHECK_FALSE(decoder.Decode(blob + "x", &out, &error));
  std::string bad_tag = blob;
  bad_tag[0] = 42;
  CHECK_FALSE(decoder.Decode(bad_tag, &out, &error));
  CHECK(decoder.Decode(blob, &out, &error));
}

TEST_CASE("ParseTime accepts RFC 3339 and the space form") {
  struct Ok {
    const char* text;
    int64_t ns;
  };
  const Ok oks[] = {
      {"2026-01-05T10:00:00Z", kEventNs},
      {"2026-01-05t10:00:00z", kEventNs},
      {"2026-01-05 10:00:00", kEventNs},
      {"2026-01-05 10:00:00Z", kEventNs},
      {"2026-01-05T12:00:00+02:00", kEventNs},
      {"2026-01-05T04:30:00-05:30", kEventNs},
      {"2026-01-05T10:00:00.5Z", kEventNs + 500000000},
      {"2026-01-05T10:00:00.250Z", kEventNs + 250000000},
      {"2026-01-05T10:00:00.123456789Z", kEventNs + 123456789},
      {"2026-01-05T10:00:00.1234567891234Z", kEventNs + 123456789},
      {"2026-01-05 10:00:00.000001", kEventNs + 1000},
      {"1970-01-01T00:00:00Z", 0},
      {"1969-12-31T23:59:59.9Z", -100000000},
      {"2024-02-29T00:00:00Z", 1709164800000000000},
      {"2000-02-29T00:00:00Z", 951782400000000000},
      {"2016-12-31T23:59:60Z", 1483228800000000000},  // leap second: the next second
      {"2262-04-11T00:00:00Z", 9223286400000000000},
      {"1677-09-22T00:00:00Z", -9223286400000000000},
  };
  for (const Ok& ok : oks) {
    int64_t ns = 0;
    INFO(ok.text);
    CHECK(ParseTime(ok.text, &ns));
    CHECK(ns == ok.ns);
  }
}

TEST_CASE("ParseTime rejects everything else") {
  for (const char* bad : {"",
                          "2026-01-05",
                          "2026-01-05T10:00:00",
                          "2026-01-05T10:00Z",
                          "2026-01-05T10:00:00.Z",
                          "2026-01-05T10:00:00ZZ",
                          "2026-01-05T10:00:00 Z",
                          "2026-13-05T10:00:00Z",
                          "2026-00-05T10:00:00Z",
                          "2026-01-32T10:00:00Z",
                          "2023-02-29T00:00:00Z",
                          "1900-02-29T00:00:00Z",
                          "2026-04-31T00:00:00Z",
                          "2026-01-05T24:00:00Z",
                          "2026-01-05T10:60:00Z",
                          "2026-01-05T10:00:61Z",
                          "2026-01-05T10:00:00+2:00",
                          "2026-01-05T10:00:00+0200",
                          "2026-01-05T10:00:00+24:00",
                          "2026-01-05X10:00:00Z",
                          "26-01-05T10:00:00Z",
                          "2026-1-05T10:00:00Z",
                          "+2026-01-05T10:00:00Z",
                          "2026-01-05T10:00:00Z\n",
                          "2263-01-01T00:00:00Z",
                          "1600-01-01T00:00:00Z",
                          "2026-01-05T1a:00:00Z"}) {
    int64_t ns = 7;
    INFO(bad);
    CHECK_FALSE(ParseTime(bad, &ns));
    CHECK(ns == 7);
  }
}

TEST_CASE("FormatTime") {
  CHECK(FormatTime(kEventNs) == "2026-01-05T10:00:00Z");
  CHECK(FormatTime(kEventNs + 250000000) == "2026-01-05T10:00:00.250Z");
  CHECK(FormatTime(kEventNs + 1) == "2026-01-05T10:00:00.000Z");
  CHECK(FormatTime(0) == "1970-01-01T00:00:00Z");
  CHECK(FormatTime(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(FormatTime(1709164800000000000) == "2024-02-29T00:00:00Z");
  CHECK(FormatTime(INT64_MAX) == "2262-04-11T23:47:16.854Z");
  CHECK(FormatTime(INT64_MIN) == "1677-09-21T00:12:43.145Z");
  // Round trip through ParseTime at millisecond precision.
  for (int64_t ns :
       {kEventNs, kEventNs + 999000000, int64_t{-86400000000000}, int64_t{123000000}}) {
    int64_t back = 0;
    REQUIRE(ParseTime(FormatTime(ns), &back));
    CHECK(back == ns);
  }
}

}  // namespace
}  // namespace rdl::test
