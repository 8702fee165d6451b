// Time text normalization and the base64 decoder.
#include "runtime/ingest/time_text.h"

#include <doctest/doctest.h>

#include "runtime/ingest/base64.h"

namespace rdl::ingest {
namespace {

std::string T(std::string_view in) {
  std::string out;
  return ParseTimeText(in, &out) ? out : "<bad>";
}

TEST_CASE("provider time spellings become RFC 3339 UTC") {
  CHECK(T("2024-01-02T03:04:05Z") == "2024-01-02T03:04:05Z");
  CHECK(T("2024-01-02T03:04:05.000Z") == "2024-01-02T03:04:05Z");
  CHECK(T("2015-01-21T22:14:26.9792776Z") == "2015-01-21T22:14:26.9792776Z");
  CHECK(T("2021-10-19T02:04:00.272384509Z") == "2021-10-19T02:04:00.272384509Z");
  CHECK(T("2021-10-19T02:04:00.2723845091234Z") == "2021-10-19T02:04:00.272384509Z");
  // Panther: a space and no zone means UTC.
  CHECK(T("2022-09-29 22:28:40") == "2022-09-29T22:28:40Z");
  CHECK(T("2024-04-02 15:13:06.000000000") == "2024-04-02T15:13:06Z");
  // LookupEvents: local time with an offset.
  CHECK(T("2022-02-08 09:19:07+11:00") == "2022-02-07T22:19:07Z");
  CHECK(T("2017-11-22T12:57:40.084-08:00") == "2017-11-22T20:57:40.084Z");
  CHECK(T("2024-12-31T23:30:00-0100") == "2025-01-01T00:30:00Z");
  CHECK(T("2024-02-29t00:00:00z") == "2024-02-29T00:00:00Z");
  CHECK(T("2024-03-01T00:00Z") == "2024-03-01T00:00:00Z");
  CHECK(T(" 2024-03-01T00:00:00Z ") == "2024-03-01T00:00:00Z");
  CHECK(T("2024-03-01 00:00:00 UTC") == "2024-03-01T00:00:00Z");
  CHECK(T("2023-02-29T00:00:00Z") == "<bad>");
  CHECK(T("2024-13-01T00:00:00Z") == "<bad>");
  CHECK(T("2024-01-01T24:00:00Z") == "<bad>");
  CHECK(T("2024-01-01T00:00:00.Z") == "<bad>");
  CHECK(T("2024-01-01T00:00:00+25:00") == "<bad>");
  CHECK(T("2024-01-01T00:00:00Zjunk") == "<bad>");
  CHECK(T("Jan 24, 2022 5:00:15 PM") == "<bad>");
  CHECK(T("") == "<bad>");
  CHECK(T("0000-01-01T00:00:00+01:00") == "<bad>");  // before year 0
}

TEST_CASE("epoch milliseconds (OCSF)") {
  std::string out;
  REQUIRE(FormatEpochMillis(1704067200000.0, &out));
  CHECK(out == "2024-01-01T00:00:00Z");
  REQUIRE(FormatEpochMillis(1704067500250.0, &out));
  CHECK(out == "2024-01-01T00:05:00.25Z");
  REQUIRE(FormatEpochMillis(-1.0, &out));
  CHECK(out == "1969-12-31T23:59:59.999Z");
  CHECK(!FormatEpochMillis(1e300, &out));
}

TEST_CASE("base64") {
  std::string out;
  REQUIRE(DecodeBase64("eyJhIjoxfQ==", &out));
  CHECK(out == "{\"a\":1}");
  out.clear();
  REQUIRE(DecodeBase64("eyJhIjoxfQ", &out));  // unpadded
  CHECK(out == "{\"a\":1}");
  out.clear();
  REQUIRE(DecodeBase64("eyJh\nIjox fQ==", &out));  // wrapped
  CHECK(out == "{\"a\":1}");
  out.clear();
  REQUIRE(DecodeBase64("-_8=", &out));  // URL-safe
  CHECK(out == "\xfb\xff");
  out.clear();
  CHECK(!DecodeBase64("e", &out));
  CHECK(!DecodeBase64("ab*c", &out));
  CHECK(!DecodeBase64("ab==cd", &out));
}

}  // namespace
}  // namespace rdl::ingest
