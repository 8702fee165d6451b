// `rulec doc`: Markdown documentation for a compiled rule pack. One page per
// rule (metadata, providers covered, false positives, tuning, source text,
// inline tests) and a README.md index with a data component x provider
// coverage table. The output depends only on the compiled pack and the rule
// sources (paths are shown relative to the rules/ folder), so it can be
// checked in and compared against a regenerated copy.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compiler/driver/compile.h"
#include "compiler/source/source.h"

namespace rdl {

// Markdown pages for a compiled pack: "README.md" (a coverage table: data
// component x provider -> rules, and a list of rules with severity and ATT&CK
// ids) and one "<rule>.md" per rule (title, description, severity, ATT&CK ids
// with links, data components, providers covered, false positives, tuning,
// the rule's source text, its tests). Deterministic output.
std::map<std::string, std::string> GenerateRuleDocs(const CompileOutput& out,
                                                    const SourceManager& sm);

// The providers ("aws", "azure", "gcp") whose mapping tables
// (stdlib/providers/*.json) produce one of the rule's route actions or
// operations; every provider when the rule has no routes.
std::vector<std::string> RuleProviders(const Rule& rule);

}  // namespace rdl
