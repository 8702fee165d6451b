// Inline rule tests: see rule_tests.h.
#include "compiler/testing/rule_tests.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>

#include "runtime/engine/engine.h"
#include "runtime/ingest/ingest.h"
#include "runtime/vm/event.h"
#include "runtime/vm/loaded_pack.h"

namespace rdl {

namespace {

std::string XmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Normalizes a test's events through ingest; returns (time, json) pairs in
// input order, or an error.
bool NormalizeEvents(const RuleTest& test, std::vector<std::pair<int64_t, std::string>>* out,
                     std::string* error) {
  IngestOptions opts;
  std::vector<std::string> errors;
  IngestStats stats;
  simdjson::dom::parser parser;
  auto on_event = [&](std::string_view json, const RecordLocation&) {
    int64_t t = 0;
    simdjson::dom::element doc;
    std::string_view time_text;
    if (!parser.parse(json.data(), json.size()).get(doc) && !doc["time"].get(time_text)) {
      ParseTime(time_text, &t);
    }
    out->emplace_back(t, std::string(json));
  };
  auto on_error = [&](const std::string& m) { errors.push_back(m); };
  ReadBuffer(test.events, test.file + ":" + std::to_string(test.line), opts, on_event, on_error,
             &stats);
  if (!errors.empty()) {
    *error = "bad test event: " + errors.front();
    return false;
  }
  return true;
}

int64_t CountAlerts(const LoadedPack& pack, const std::string& rule,
                    const std::vector<std::pair<int64_t, std::string>>& events,
                    const RuleTestOptions& options, std::string* error) {
  EngineOptions eo;
  eo.lateness_ns = options.lateness_ns;
  int64_t n = 0;
  Engine engine(pack, eo, [&](const Alert& a) {
    if (a.rule == rule) ++n;
  });
  for (const auto& [t, json] : events) {
    std::string err;
    if (!engine.Push(json, &err) && error->empty()) *error = "event rejected: " + err;
  }
  engine.Finish();
  return n;
}

}  // namespace

void ShuffleWithinLateness(std::vector<std::pair<int64_t, std::string>>* events, int64_t lateness_ns,
                           uint64_t seed) {
  if (lateness_ns <= 0) return;
  std::stable_sort(events->begin(), events->end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::mt19937_64 rng(seed);
  size_t begin = 0;
  while (begin < events->size()) {
    // Floor division that also works for negative times.
    auto bucket = [&](int64_t t) { return t >= 0 ? t / lateness_ns : -((-t + lateness_ns - 1) / lateness_ns); };
    int64_t b = bucket((*events)[begin].first);
    size_t end = begin;
    while (end < events->size() && bucket((*events)[end].first) == b) ++end;
    std::shuffle(events->begin() + begin, events->begin() + end, rng);
    begin = end;
  }
}

std::vector<RuleTestResult> RunRuleTests(const Program& program, const std::vector<RuleTest>& tests,
                                         const RuleTestOptions& options) {
  std::vector<RuleTestResult> results;
  std::string load_error;
  std::unique_ptr<LoadedPack> pack = LoadedPack::Load(program, &load_error);
  for (const RuleTest& test : tests) {
    auto start = std::chrono::steady_clock::now();
    RuleTestResult r;
    r.test = &test;
    std::vector<std::pair<int64_t, std::string>> events;
    std::string error;
    if (!pack) {
      r.failure = "pack rejected: " + load_error;
    } else if (!NormalizeEvents(test, &events, &error)) {
      r.failure = error;
    } else {
      r.alerts = CountAlerts(*pack, test.rule, events, options, &error);
      r.shuffled_alerts = r.alerts;
      if (options.shuffle && error.empty()) {
        auto shuffled = events;
        ShuffleWithinLateness(&shuffled, options.lateness_ns, options.shuffle_seed);
        r.shuffled_alerts = CountAlerts(*pack, test.rule, shuffled, options, &error);
      }
      if (!error.empty()) {
        r.failure = error;
      } else if (r.alerts != test.expect_alerts) {
        r.failure = fmt::format("expected {} alert(s), got {}", test.expect_alerts, r.alerts);
      } else if (r.shuffled_alerts != r.alerts) {
        r.failure = fmt::format("{} alert(s) in order but {} when shuffled within the lateness",
                                r.alerts, r.shuffled_alerts);
      } else {
        r.passed = true;
      }
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    results.push_back(std::move(r));
  }
  return results;
}

std::string RuleTestsJUnit(const std::vector<RuleTestResult>& results) {
  size_t failures = std::count_if(results.begin(), results.end(), [](auto& r) { return !r.passed; });
  double total = 0;
  for (const auto& r : results) total += r.seconds;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuite name=\"rulec test\" tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n",
                     results.size(), failures, total);
  for (const auto& r : results) {
    out += fmt::format("  <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\" time=\"{:.3f}\"",
                       XmlEscape(r.test->rule), XmlEscape(r.test->name), XmlEscape(r.test->file),
                       r.test->line, r.seconds);
    if (r.passed) {
      out += "/>\n";
    } else {
      out += fmt::format(">\n    <failure message=\"{}\"/>\n  </testcase>\n", XmlEscape(r.failure));
    }
  }
  out += "</testsuite>\n";
  return out;
}

}  // namespace rdl
