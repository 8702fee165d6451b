// Runs the inline `test` blocks of compiled rules (`rulec test`): each test's
// events go through ingest (so raw provider records work as well as
// normalized events) into a fresh engine over the whole pack; the alerts of
// the rule under test are counted against `expect`. Each test runs twice:
// in file order, and shuffled within the allowed lateness (the result must
// not change).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/driver/compile.h"
#include "rdl/program.h"

namespace rdl {

struct RuleTestOptions {
  int64_t lateness_ns = 15LL * 60 * 1000000000;
  uint64_t shuffle_seed = 1;
  bool shuffle = true;
};

struct RuleTestResult {
  const RuleTest* test = nullptr;
  bool passed = false;
  int64_t alerts = 0;           // in file order
  int64_t shuffled_alerts = 0;  // in shuffled order (== alerts when not shuffled)
  std::string failure;          // why it failed (empty when passed)
  double seconds = 0;
};

// Runs every test of `tests` against `program`.
std::vector<RuleTestResult> RunRuleTests(const Program& program, const std::vector<RuleTest>& tests,
                                         const RuleTestOptions& options);

// JUnit XML for CI systems (one testsuite, one testcase per rule test).
std::string RuleTestsJUnit(const std::vector<RuleTestResult>& results);

// Shuffles `lines` (normalized events with their times) so that no event
// arrives after an event more than `lateness_ns` newer than it: events are
// grouped into buckets of width lateness by time and shuffled within each.
// Exposed for tests.
void ShuffleWithinLateness(std::vector<std::pair<int64_t, std::string>>* events, int64_t lateness_ns,
                           uint64_t seed);

}  // namespace rdl
