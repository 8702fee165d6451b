// The runtime's one JSON string escaper (runtime/util/json_string.h):
// every byte comes back unchanged through a JSON parser, the escapes are
// the short ones where JSON has them, and JsonStringSize is exact.
#include <doctest/doctest.h>
#include <simdjson.h>

#include <string>

#include "runtime/util/json_string.h"

namespace rdl {
namespace {

TEST_CASE("AppendJsonString escapes what JSON requires and JsonStringSize measures it") {
  std::string all;
  for (int c = 1; c < 0x80; ++c) all.push_back(static_cast<char>(c));
  all += "\xC3\xA9 \xE2\x82\xAC";  // UTF-8 passes through
  std::string out;
  AppendJsonString(&out, all);
  CHECK(out.size() == JsonStringSize(all));
  simdjson::dom::parser parser;
  std::string_view back;
  REQUIRE(parser.parse(out).get_string().get(back) == simdjson::SUCCESS);
  CHECK(back == all);

  out.clear();
  AppendJsonString(&out, std::string("a\"b\\c\n\r\t\b\f\x01\x1f/", 13));
  CHECK(out == R"("a\"b\\c\n\r\t\b\f\u0001\u001f/")");
  CHECK(out.size() == JsonStringSize(std::string("a\"b\\c\n\r\t\b\f\x01\x1f/", 13)));
  CHECK(JsonStringSize("") == 2);
}

}  // namespace
}  // namespace rdl
