// `rulec doc`: Markdown documentation for a compiled rule pack. One page per
// rule (metadata, providers tested and mapped, false positives, tuning,
// source text, inline tests) and a README.md index with a data component x
// provider coverage table. A provider is claimed for a rule only when one of
// the rule's inline tests fires on that provider's events (TestedProviders);
// the providers whose mapping tables merely reach the rule's routes
// (RuleProviders) are shown apart as "mapped, untested". The output depends
// only on the compiled pack and the rule sources (paths are shown relative to
// the rules/ folder), so it can be checked in and compared against a
// regenerated copy.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compiler/driver/compile.h"
#include "compiler/source/source.h"

namespace rdl {

// Markdown pages for a compiled pack: "README.md" (how coverage is claimed, a
// coverage table: data component x tested provider -> rules, and a list of
// rules with severity, ATT&CK ids, tested and mapped-only providers) and one
// "<rule>.md" per rule (title, description, severity, ATT&CK ids with links,
// data components, providers tested and mapped, false positives, tuning, the
// rule's source text, its tests and the providers each positive test fires
// on). Runs the positive tests (see TestedProviders). Deterministic output.
std::map<std::string, std::string> GenerateRuleDocs(const CompileOutput& out,
                                                    const SourceManager& sm);

// The providers ("aws", "azure", "gcp") whose mapping tables
// (stdlib/providers/*.json) produce one of the rule's route actions or
// operations; every provider when the rule has no routes. A claim about what
// the rule can see, not that it can fire there.
std::vector<std::string> RuleProviders(const Rule& rule);

// Per inline test that expects alerts (expect > 0): the providers on whose
// events alone the test raises at least one alert of its rule. The test's
// events are normalized as `rulec test` does, kept in file order, split on
// `cloud.provider`, and each part is run through the engine (default
// lateness) by itself. Tests expecting no alert, and tests whose events do
// not normalize, map to an empty list. Keyed by the test's index in
// out.tests.
std::map<size_t, std::vector<std::string>> TestFiringProviders(const CompileOutput& out);

// Per rule: the union of TestFiringProviders over its tests, in the order
// aws, azure, gcp. Rules without such a test map to an empty list.
std::map<std::string, std::vector<std::string>> TestedProviders(const CompileOutput& out);

}  // namespace rdl
