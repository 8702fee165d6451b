// The C API exercised from C++ (the same calls a C embedder makes; the
// header is also compiled as C by tests/cli/capi_c.sh): opening packs from
// bytes and files, errors with messages, pushing events, alert and late
// callbacks, counters, and misuse (nulls, re-entrant calls).
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "rdl/rdl.h"
#include "runtime/format/pack.h"
#include "tests/engine/engine_test_util.h"

namespace rdl::etest {
namespace {

std::vector<uint8_t> MatchPackBytes() {
  ProgramBuilder b;
  Rule& r = b.AddRule("m", RuleKind::kMatch);
  r.pred = b.ActionIs("a");
  b.Load();  // fills key names; proves it verifies
  return WritePack(b.program());
}

struct Collected {
  std::vector<std::string> alerts;
  std::vector<std::string> ids;
  std::vector<std::string> late;
  rdl_engine* engine = nullptr;
  rdl_status reentrant = RDL_OK;
};

void OnAlert(const rdl_alert* a, void* user) {
  auto* c = static_cast<Collected*>(user);
  c->alerts.emplace_back(a->json, a->json_len);
  c->ids.emplace_back(a->id);
  CHECK(std::string(a->rule) == "m");
  if (c->engine != nullptr) c->reentrant = rdl_engine_push(c->engine, "{}", 2);
}

void OnLate(int64_t, const char* uid, size_t len, int64_t, void* user) {
  static_cast<Collected*>(user)->late.emplace_back(uid, len);
}

TEST_CASE("C API: open from bytes, push, alerts, late events, counters") {
  auto bytes = MatchPackBytes();
  rdl_pack* pack = nullptr;
  char err[256] = "";
  REQUIRE(rdl_pack_open_bytes(bytes.data(), bytes.size(), &pack, err, sizeof err) == RDL_OK);
  CHECK(rdl_pack_rule_count(pack) == 1);
  CHECK(std::string(rdl_pack_rule_name(pack, 0)) == "m");
  CHECK(rdl_pack_rule_name(pack, 1) == nullptr);

  rdl_options opts;
  rdl_options_init(&opts);
  CHECK(opts.lateness_ns == 15LL * 60 * kSec);
  opts.lateness_ns = kMin;
  opts.on_late = OnLate;
  Collected got;
  rdl_engine* engine = nullptr;
  REQUIRE(rdl_engine_new(pack, &opts, OnAlert, &got, &engine) == RDL_OK);
  CHECK(std::string(rdl_last_error(engine)).empty());

  const std::string e1 = Ev(0, "e1", "a"), e2 = Ev(120, "e2", "a"), e3 = Ev(10, "e3", "a");
  CHECK(rdl_engine_push(engine, e1.data(), e1.size()) == RDL_OK);
  CHECK(rdl_engine_push(engine, e2.data(), e2.size()) == RDL_OK);
  CHECK(rdl_engine_push(engine, e3.data(), e3.size()) == RDL_OK);  // late
  CHECK(rdl_engine_push(engine, "{\"time\":1", 9) == RDL_ERR_BAD_EVENT);
  CHECK_FALSE(std::string(rdl_last_error(engine)).empty());
  got.engine = engine;  // the next alert's callback tries to re-enter
  CHECK(rdl_engine_finish(engine) == RDL_OK);
  CHECK(got.reentrant == RDL_ERR_INVALID_ARGUMENT);

  REQUIRE(got.alerts.size() == 2);
  CHECK(got.alerts[0].find("\"events\":[\"e1\"]") != std::string::npos);
  CHECK(got.alerts[1].find("\"events\":[\"e2\"]") != std::string::npos);
  CHECK(got.ids[0].size() == 16);
  CHECK(got.late == std::vector<std::string>{"e3"});

  rdl_counters c;
  REQUIRE(rdl_engine_counters(engine, &c) == RDL_OK);
  CHECK(c.events == 3);
  CHECK(c.bad_events == 1);
  CHECK(c.late_events == 1);
  CHECK(c.alerts == 2);
  rdl_rule_counters rc;
  REQUIRE(rdl_engine_rule_counters(engine, 0, &rc) == RDL_OK);
  CHECK(rc.alerts == 2);
  CHECK(rdl_engine_rule_counters(engine, 1, &rc) == RDL_ERR_INVALID_ARGUMENT);

  rdl_engine_free(engine);
  rdl_pack_close(pack);
}

TEST_CASE("C API: packs from files; unreadable and corrupted packs are errors with messages") {
  auto bytes = MatchPackBytes();
  const std::string path = std::string(RDL_BINARY_DIR) + "/capi_test_pack.rpk";
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }
  rdl_pack* pack = nullptr;
  char err[256] = "";
  REQUIRE(rdl_pack_open(path.c_str(), &pack, err, sizeof err) == RDL_OK);
  rdl_pack_close(pack);

  pack = reinterpret_cast<rdl_pack*>(1);
  CHECK(rdl_pack_open("/nonexistent/x.rpk", &pack, err, sizeof err) == RDL_ERR_IO);
  CHECK(pack == nullptr);
  CHECK(std::string(err).find("/nonexistent/x.rpk") != std::string::npos);

  auto bad = bytes;
  bad.resize(bad.size() / 2);  // truncated
  CHECK(rdl_pack_open_bytes(bad.data(), bad.size(), &pack, err, sizeof err) == RDL_ERR_BAD_PACK);
  CHECK(std::string(err).find("offset") != std::string::npos);
  CHECK(rdl_pack_open_bytes("junk", 4, &pack, err, sizeof err) == RDL_ERR_BAD_PACK);
  // A tiny error buffer is truncated, still NUL-terminated.
  char small[4] = {'x', 'x', 'x', 'x'};
  CHECK(rdl_pack_open_bytes("junk", 4, &pack, small, sizeof small) == RDL_ERR_BAD_PACK);
  CHECK(small[3] == '\0');
  std::remove(path.c_str());
}

TEST_CASE("C API: null handles and pointers are rejected, never dereferenced") {
  rdl_pack* pack = nullptr;
  CHECK(rdl_pack_open(nullptr, &pack, nullptr, 0) == RDL_ERR_INVALID_ARGUMENT);
  CHECK(rdl_pack_open("x", nullptr, nullptr, 0) == RDL_ERR_INVALID_ARGUMENT);
  CHECK(rdl_pack_open_bytes(nullptr, 3, &pack, nullptr, 0) == RDL_ERR_INVALID_ARGUMENT);
  rdl_engine* engine = nullptr;
  CHECK(rdl_engine_new(nullptr, nullptr, nullptr, nullptr, &engine) == RDL_ERR_INVALID_ARGUMENT);
  CHECK(rdl_engine_push(nullptr, "{}", 2) == RDL_ERR_INVALID_ARGUMENT);
  CHECK(rdl_engine_finish(nullptr) == RDL_ERR_INVALID_ARGUMENT);
  CHECK(rdl_engine_counters(nullptr, nullptr) == RDL_ERR_INVALID_ARGUMENT);
  CHECK(std::string(rdl_last_error(nullptr)) == "null engine");
  CHECK(std::string(rdl_status_string(RDL_ERR_BAD_PACK)) == "bad pack");
  CHECK(rdl_pack_rule_count(nullptr) == 0);
  rdl_engine_free(nullptr);
  rdl_pack_close(nullptr);

  auto bytes = MatchPackBytes();
  REQUIRE(rdl_pack_open_bytes(bytes.data(), bytes.size(), &pack, nullptr, 0) == RDL_OK);
  REQUIRE(rdl_engine_new(pack, nullptr, nullptr, nullptr, &engine) == RDL_OK);  // defaults
  CHECK(rdl_engine_push(engine, nullptr, 5) == RDL_ERR_INVALID_ARGUMENT);
  CHECK(rdl_engine_push(engine, nullptr, 0) == RDL_ERR_BAD_EVENT);
  const std::string e = Ev(0, "e1", "a");
  CHECK(rdl_engine_push(engine, e.data(), e.size()) == RDL_OK);
  CHECK(rdl_engine_finish(engine) == RDL_OK);
  rdl_counters c;
  REQUIRE(rdl_engine_counters(engine, &c) == RDL_OK);
  CHECK(c.alerts == 1);  // delivered to no callback, still counted
  rdl_engine_free(engine);
  rdl_pack_close(pack);
}

}  // namespace
}  // namespace rdl::etest
