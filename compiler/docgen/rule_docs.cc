// GenerateRuleDocs: renders a compiled pack as Markdown pages (see
// rule_docs.h). Two provider claims per rule:
//  - tested: one of the rule's positive inline tests fires on that
//    provider's events alone (the events are normalized, split on
//    cloud.provider and run through the engine part by part);
//  - mapped: the embedded provider mapping tables
//    (stdlib/providers/{aws,azure,gcp}.json) reach the rule's routes: an
//    action counts for a provider when its table maps some operation to it,
//    an operation when the table has it.
// Only tested providers enter the coverage table. Everything is sorted, so
// the same pack gives the same bytes.
#include "compiler/docgen/rule_docs.h"

#include <simdjson.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string_view>
#include <utility>

#include "runtime/engine/engine.h"
#include "runtime/ingest/ingest.h"
#include "runtime/vm/loaded_pack.h"
#include "stdlib/embedded.h"

namespace rdl {
namespace {

constexpr const char* kProviders[] = {"aws", "azure", "gcp"};

struct ProviderTable {
  std::set<std::string> actions;
  std::set<std::string> operations;  // as keyed, and without a "service:" prefix
};

// Every action string an operation entry can produce: a plain string, or a
// list of candidates each with a `value` or `const`.
void CollectActions(simdjson::dom::element e, std::set<std::string>* out) {
  std::string_view s;
  if (!e.get_string().get(s)) {
    out->insert(std::string(s));
    return;
  }
  simdjson::dom::array arr;
  if (!e.get_array().get(arr)) {
    for (simdjson::dom::element c : arr) CollectActions(c, out);
    return;
  }
  simdjson::dom::object obj;
  if (!e.get_object().get(obj)) {
    for (const char* k : {"value", "const"}) {
      simdjson::dom::element v;
      if (!obj[k].get(v)) CollectActions(v, out);
    }
  }
}

ProviderTable ParseTable(std::string_view json) {
  ProviderTable t;
  simdjson::dom::parser parser;
  simdjson::padded_string text(json);
  simdjson::dom::element root;
  if (parser.parse(text).get(root)) return t;
  simdjson::dom::object ops;
  if (root["operations"].get_object().get(ops)) return t;
  for (auto [key, value] : ops) {
    std::string name(key);
    t.operations.insert(name);
    size_t colon = name.rfind(':');
    if (colon != std::string::npos) t.operations.insert(name.substr(colon + 1));
    simdjson::dom::element action;
    if (!value["action"].get(action)) CollectActions(action, &t.actions);
  }
  return t;
}

const std::map<std::string, ProviderTable>& Tables() {
  static const std::map<std::string, ProviderTable> tables = {
      {"aws", ParseTable(embedded::aws_json())},
      {"azure", ParseTable(embedded::azure_json())},
      {"gcp", ParseTable(embedded::gcp_json())},
  };
  return tables;
}

// The test's events normalized (as `rulec test` reads them), in file order,
// grouped by cloud.provider. False when an event does not normalize.
bool EventsByProvider(const RuleTest& test, std::map<std::string, std::vector<std::string>>* out) {
  bool ok = true;
  simdjson::dom::parser parser;
  IngestStats stats;
  auto on_event = [&](std::string_view json, const RecordLocation&) {
    simdjson::dom::element doc;
    std::string_view provider;
    if (parser.parse(json.data(), json.size()).get(doc) ||
        doc["cloud"]["provider"].get_string().get(provider)) {
      provider = {};
    }
    (*out)[std::string(provider)].emplace_back(json);
  };
  auto on_error = [&](const std::string&) { ok = false; };
  ReadBuffer(test.events, test.file + ":" + std::to_string(test.line), IngestOptions{}, on_event,
             on_error, &stats);
  return ok;
}

// Alerts of `rule` raised by `events` pushed in order (default lateness).
int64_t RuleAlerts(const LoadedPack& pack, const std::string& rule,
                   const std::vector<std::string>& events) {
  int64_t n = 0;
  Engine engine(pack, EngineOptions{}, [&](const Alert& a) {
    if (a.rule == rule) ++n;
  });
  for (const std::string& json : events) {
    std::string err;
    engine.Push(json, &err);
  }
  engine.Finish();
  return n;
}

std::string Duration(int64_t ns) {
  if (ns <= 0) return "0s";
  constexpr int64_t kS = 1000000000;
  struct Unit {
    int64_t ns;
    const char* name;
  };
  for (Unit u : {Unit{86400 * kS, "d"}, Unit{3600 * kS, "h"}, Unit{60 * kS, "m"}, Unit{kS, "s"},
                 Unit{1000000, "ms"}}) {
    if (ns % u.ns == 0) return std::to_string(ns / u.ns) + u.name;
  }
  return std::to_string(ns) + "ns";
}

std::string KindText(const Rule& r) {
  switch (r.kind) {
    case RuleKind::kMatch:
      return "single event (`match`): every matching event alerts";
    case RuleKind::kCount:
      return "threshold (`count`): >= " + std::to_string(r.threshold) +
             " matching events per key within " + Duration(r.within_ns);
    case RuleKind::kDistinct:
      return "threshold (`distinct`): >= " + std::to_string(r.threshold) +
             " distinct values per key within " + Duration(r.within_ns);
    case RuleKind::kNew:
      return "baseline (`new`): a value not seen in " + Duration(r.within_ns) +
             ", after learning for " + Duration(r.learn_ns) + " (no alerts while learning)";
    case RuleKind::kSequence:
      return "sequence: " + std::to_string(r.stages.size()) + " stages within " +
             Duration(r.within_ns);
  }
  return "";
}

// A path shown in the docs: relative to the rules/ folder when it has one,
// so absolute and relative invocations render the same.
std::string DisplayPath(const std::string& path) {
  size_t at = path.rfind("rules/");
  if (at != std::string::npos && (at == 0 || path[at - 1] == '/')) return path.substr(at);
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string Cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string AttackLink(const std::string& id) {
  std::string path = id;
  std::replace(path.begin(), path.end(), '.', '/');
  return "[" + id + "](https://attack.mitre.org/techniques/" + path + "/)";
}

std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

// The text of `rule NAME { ... }` starting at the 1-based line `line`:
// braces are matched outside "strings", """triple strings""" and comments.
std::string RuleSource(const std::string& text, uint32_t line) {
  size_t pos = 0;
  for (uint32_t l = 1; l < line && pos != std::string::npos; ++l) {
    pos = text.find('\n', pos);
    if (pos != std::string::npos) ++pos;
  }
  if (pos == std::string::npos || pos >= text.size()) return "";
  size_t start = text.find("rule", pos);
  if (start == std::string::npos) return "";
  int depth = 0;
  bool opened = false;
  size_t i = start;
  while (i < text.size()) {
    if (text.compare(i, 3, "\"\"\"") == 0) {
      size_t end = text.find("\"\"\"", i + 3);
      i = end == std::string::npos ? text.size() : end + 3;
      continue;
    }
    char c = text[i];
    if (c == '"') {
      ++i;
      while (i < text.size() && text[i] != '"' && text[i] != '\n') i += text[i] == '\\' ? 2 : 1;
      ++i;
      continue;
    }
    if (text.compare(i, 2, "//") == 0) {
      size_t end = text.find('\n', i);
      i = end == std::string::npos ? text.size() : end;
      continue;
    }
    if (text.compare(i, 2, "/*") == 0) {
      size_t end = text.find("*/", i + 2);
      i = end == std::string::npos ? text.size() : end + 2;
      continue;
    }
    if (c == '{') {
      ++depth;
      opened = true;
    } else if (c == '}') {
      if (--depth == 0 && opened) return text.substr(start, i + 1 - start);
    }
    ++i;
  }
  return text.substr(start);
}

const SourceFile* FindFile(const SourceManager& sm, const std::string& name) {
  for (size_t i = 0; i < sm.size(); ++i) {
    if (sm.file(static_cast<uint32_t>(i)).name() == name) return &sm.file(static_cast<uint32_t>(i));
  }
  return nullptr;
}

size_t CountEvents(const std::string& events) {
  size_t n = 0, pos = 0;
  while (pos < events.size()) {
    size_t nl = events.find('\n', pos);
    if (nl == std::string::npos) nl = events.size();
    if (events.find_first_not_of(" \t\r", pos) < nl) ++n;
    pos = nl + 1;
  }
  return n;
}

std::vector<std::string> Minus(const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
  std::vector<std::string> out;
  for (const std::string& x : a) {
    if (std::find(b.begin(), b.end(), x) == b.end()) out.push_back(x);
  }
  return out;
}

std::string ListOrDash(const std::vector<std::string>& v) {
  return v.empty() ? std::string("-") : Join(v, ", ");
}

std::string RulePage(const Rule& r,
                     const std::vector<std::pair<const RuleTest*, std::vector<std::string>>>& tests,
                     const std::vector<std::string>& tested, const SourceManager& sm) {
  std::string md;
  md += "# " + (r.title.empty() ? r.name : r.title) + "\n\n";
  md += "<!-- generated by `rulec doc`; do not edit -->\n\n";
  md += "| | |\n|---|---|\n";
  md += "| rule | `" + r.name + "` |\n";
  md += "| source | `" + DisplayPath(r.source_file) + ":" + std::to_string(r.source_line) + "` |\n";
  md += std::string("| severity | ") + SeverityName(r.severity) + " |\n";
  std::vector<std::string> attack;
  for (const std::string& a : r.attack) attack.push_back(AttackLink(a));
  md += "| ATT&CK | " + (attack.empty() ? "-" : Join(attack, ", ")) + " |\n";
  md += "| data components | " + (r.data.empty() ? "-" : Cell(Join(r.data, ", "))) + " |\n";
  md += "| providers, tested | " + ListOrDash(tested) +
        " (a test of this rule fires on that provider's events) |\n";
  md += "| providers, mapped, untested | " + ListOrDash(Minus(RuleProviders(r), tested)) +
        " (the mappings reach the rule's routes; no test shows it firing) |\n";
  md += "| kind | " + KindText(r) + " |\n";
  if (!r.tags.empty()) md += "| tags | " + Cell(Join(r.tags, ", ")) + " |\n";
  if (!r.route_actions.empty()) {
    md += "| routed on actions | `" + Join(r.route_actions, "`, `") + "` |\n";
  }
  if (!r.route_operations.empty()) {
    md += "| routed on operations | `" + Join(r.route_operations, "`, `") + "` |\n";
  }
  md += "\n## Description\n\n" + (r.description.empty() ? "-" : r.description) + "\n";
  md += "\n## False positives\n\n";
  if (r.false_positives.empty()) md += "- none listed\n";
  for (const std::string& f : r.false_positives) md += "- " + f + "\n";
  md += "\n## Tuning\n\n" + (r.tuning.empty() ? "-" : r.tuning) + "\n";
  if (!r.references.empty()) {
    md += "\n## References\n\n";
    for (const std::string& ref : r.references) md += "- <" + ref + ">\n";
  }
  md += "\n## Source\n\n";
  const SourceFile* file = FindFile(sm, r.source_file);
  std::string src = file ? RuleSource(file->text(), r.source_line) : "";
  md += "```\n" + src + (src.empty() || src.back() == '\n' ? "" : "\n") + "```\n";
  md += "\n## Tests\n\n";
  if (tests.empty()) {
    md += "none\n";
  } else {
    md +=
        "| test | events | expected alerts | fires on its own on | line |\n"
        "|---|---|---|---|---|\n";
    for (const auto& [t, fires] : tests) {
      md += "| " + Cell(t->name) + " | " + std::to_string(CountEvents(t->events)) + " | " +
            std::to_string(t->expect_alerts) + " | " +
            (t->expect_alerts > 0 ? ListOrDash(fires) : std::string("(negative test)")) + " | " +
            std::to_string(t->line) + " |\n";
    }
  }
  return md;
}

}  // namespace

std::vector<std::string> RuleProviders(const Rule& rule) {
  std::vector<std::string> out;
  bool all = rule.route_actions.empty() && rule.route_operations.empty();
  for (const char* p : kProviders) {
    const ProviderTable& t = Tables().at(p);
    bool covers = all;
    for (const std::string& a : rule.route_actions) covers = covers || t.actions.count(a) > 0;
    for (const std::string& o : rule.route_operations) {
      covers = covers || t.operations.count(o) > 0;
    }
    if (covers) out.push_back(p);
  }
  return out;
}

std::map<size_t, std::vector<std::string>> TestFiringProviders(const CompileOutput& out) {
  std::map<size_t, std::vector<std::string>> fires;
  std::string error;
  std::unique_ptr<LoadedPack> pack = LoadedPack::Load(out.program, &error);
  for (size_t i = 0; i < out.tests.size(); ++i) {
    const RuleTest& t = out.tests[i];
    std::vector<std::string>& list = fires[i];
    std::map<std::string, std::vector<std::string>> by_provider;
    if (!pack || t.expect_alerts <= 0 || !EventsByProvider(t, &by_provider)) continue;
    for (const char* p : kProviders) {
      auto it = by_provider.find(p);
      if (it != by_provider.end() && RuleAlerts(*pack, t.rule, it->second) > 0) list.push_back(p);
    }
  }
  return fires;
}

std::map<std::string, std::vector<std::string>> TestedProviders(const CompileOutput& out) {
  std::map<std::string, std::set<std::string>> seen;
  for (const auto& [i, providers] : TestFiringProviders(out)) {
    seen[out.tests[i].rule].insert(providers.begin(), providers.end());
  }
  std::map<std::string, std::vector<std::string>> tested;
  for (const Rule& r : out.program.rules) {
    std::vector<std::string>& list = tested[r.name];
    for (const char* p : kProviders) {
      if (seen[r.name].count(p)) list.push_back(p);
    }
  }
  return tested;
}

std::map<std::string, std::string> GenerateRuleDocs(const CompileOutput& out,
                                                    const SourceManager& sm) {
  std::map<std::string, std::string> pages;
  std::vector<const Rule*> rules;
  for (const Rule& r : out.program.rules) rules.push_back(&r);
  std::sort(rules.begin(), rules.end(),
            [](const Rule* a, const Rule* b) { return a->name < b->name; });

  std::map<size_t, std::vector<std::string>> fires = TestFiringProviders(out);
  std::map<std::string, std::set<std::string>> tested_set;
  for (const auto& [i, list] : fires)
    tested_set[out.tests[i].rule].insert(list.begin(), list.end());

  // data component -> provider -> rule names (tested providers only).
  std::map<std::string, std::map<std::string, std::set<std::string>>> coverage;
  std::map<std::string, std::vector<std::string>> tested, mapped_only;
  for (const Rule* r : rules) {
    for (const char* p : kProviders) {
      if (tested_set[r->name].count(p)) tested[r->name].push_back(p);
    }
    mapped_only[r->name] = Minus(RuleProviders(*r), tested[r->name]);
    std::vector<std::string> data = r->data.empty() ? std::vector<std::string>{"(none)"} : r->data;
    for (const std::string& d : data) {
      for (const std::string& p : tested[r->name]) coverage[d][p].insert(r->name);
      coverage[d];  // keep a row even when no provider is covered
    }
  }

  std::string md;
  md += "# Rule pack documentation\n\n";
  md += "<!-- generated by `rulec doc`; do not edit -->\n\n";
  md += std::to_string(rules.size()) + " rules.\n\n";
  md += "## How provider coverage is claimed\n\n";
  md +=
      "- **tested**: a provider counts for a rule only when one of the rule's inline tests "
      "that expects alerts (`expect N`, N > 0) raises an alert of that rule on the test's "
      "events of that provider alone: the events are normalized as `rulec test` reads them "
      "(raw provider records go through `stdlib/providers/<provider>.json`), split on "
      "`cloud.provider`, and each part is run through the engine by itself, in file order, "
      "with the default 15m lateness. This is evidence that the rule's whole condition "
      "(not only its action) can hold on that cloud's events. Tests whose events are written "
      "already normalized by hand are only as good as that normalization; the rule pages "
      "list, per test, the providers it fires on.\n";
  md +=
      "- **mapped, untested**: the provider's mapping table maps some operation to an "
      "action the rule routes on (or has an operation it routes on; a rule without routes "
      "counts every provider), but no test shows the rule firing there. The rule sees such "
      "events; whether its other conditions (shares, related snapshots, request bodies...) "
      "can hold on them is unproven. Treat these as gaps, not coverage.\n\n";
  md += "The coverage table counts **tested** providers only.\n\n";
  md += "## Coverage: data component x provider (tested)\n\n";
  md += "| data component | aws | azure | gcp |\n|---|---|---|---|\n";
  for (const auto& [data, by_provider] : coverage) {
    md += "| " + Cell(data);
    for (const char* p : kProviders) {
      auto it = by_provider.find(p);
      std::vector<std::string> links;
      if (it != by_provider.end()) {
        for (const std::string& n : it->second) links.push_back("[" + n + "](" + n + ".md)");
      }
      md += " | " + (links.empty() ? std::string("-") : Join(links, "<br>"));
    }
    md += " |\n";
  }
  md += "\n## Rules\n\n";
  md +=
      "| rule | title | severity | ATT&CK | tested on | mapped, untested | kind |\n"
      "|---|---|---|---|---|---|---|\n";
  for (const Rule* r : rules) {
    std::string kind = r->kind == RuleKind::kMatch      ? "match"
                       : r->kind == RuleKind::kCount    ? "count"
                       : r->kind == RuleKind::kDistinct ? "distinct"
                       : r->kind == RuleKind::kNew      ? "new (baseline)"
                                                        : "sequence";
    md += "| [" + r->name + "](" + r->name + ".md) | " + Cell(r->title) + " | " +
          SeverityName(r->severity) + " | " + Join(r->attack, ", ") + " | " +
          ListOrDash(tested[r->name]) + " | " + ListOrDash(mapped_only[r->name]) + " | " + kind +
          " |\n";
  }
  pages["README.md"] = md;

  for (const Rule* r : rules) {
    std::vector<std::pair<const RuleTest*, std::vector<std::string>>> tests;
    for (size_t i = 0; i < out.tests.size(); ++i) {
      if (out.tests[i].rule == r->name) tests.emplace_back(&out.tests[i], fires[i]);
    }
    pages[r->name + ".md"] = RulePage(*r, tests, tested[r->name], sm);
  }
  return pages;
}

}  // namespace rdl
