// Rule-level checks: metadata, windows and thresholds, sequence structure,
// templates, keys, macro cycles, warnings and --Werror.
#include <doctest/doctest.h>

#include "tests/unit/sema_test_util.h"

using namespace rdl;
using namespace rdl::testing;

namespace {

std::vector<std::string> CodesOf(const std::string& text) { return CompileText(text).Codes(); }

using Codes = std::vector<std::string>;

}  // namespace

TEST_CASE("metadata: severity, ATT&CK ids, duplicates, unknown keys, title warning") {
  Result ok = CompileText(
      "rule r {\n  title \"T\"\n  description \"D\"\n  severity critical\n"
      "  attack T1578, T1578.001\n  data \"DS0020\", \"DS0030\"\n  references \"https://x\"\n"
      "  tags \"aws\"\n  author \"me\"\n  falsepositives \"backups\"\n  tuning \"t\"\n"
      "  match where action == \"snapshot.create\"\n}\n");
  INFO(ok.Text());
  REQUIRE(ok.out.has_value());
  const Rule& r = ok.program().rules[0];
  CHECK(r.title == "T");
  CHECK(r.description == "D");
  CHECK(r.severity == Severity::kCritical);
  CHECK(r.attack == std::vector<std::string>{"T1578", "T1578.001"});
  CHECK(r.data == std::vector<std::string>{"DS0020", "DS0030"});
  CHECK(r.references == std::vector<std::string>{"https://x"});
  CHECK(r.tags == std::vector<std::string>{"aws"});

  CHECK(CodesOf(RuleText("severity urgent\n match where true")) == Codes{"E0212", "W0005"});
  CHECK(CodesOf(RuleText("attack T157, T1578.01, \"T1578.001x\"\n match where true")) ==
        Codes{"E0213", "E0213", "E0213", "W0005"});
  CHECK(CodesOf(
            RuleText("severity low\n severity high\n match where action == \"snapshot.create\"")) ==
        Codes{"E0104"});
  Result notitle = CompileText("rule r {\n  match where action == \"snapshot.create\"\n}\n");
  CHECK(notitle.Codes() == Codes{"W0004"});
  CHECK(notitle.out.has_value());  // warnings do not fail the build
  CHECK(notitle.program().rules[0].title.empty());
}

TEST_CASE("--Werror: warnings are errors and the compile fails") {
  CompileOptions o;
  o.warnings_as_errors = true;
  Result r = CompileText("rule r {\n  match where action == \"snapshot.create\"\n}\n", o);
  CHECK(r.Codes() == Codes{"W0004"});
  CHECK(r.sink.diagnostics()[0].severity == DiagSeverity::kError);
  CHECK(r.sink.error_count() == 1);
  CHECK(!r.out.has_value());
}

TEST_CASE("windows, thresholds and spans") {
  std::string pred = "match where action == \"snapshot.create\"\n ";
  CHECK(CodesOf(RuleText(pred + "count within 0s >= 1")) == Codes{"E0401"});
  CHECK(CodesOf(RuleText(pred + "count within 1m >= 0")) == Codes{"E0402"});
  CHECK(CodesOf(RuleText(pred + "distinct resource.uid within 1m >= 0")) == Codes{"E0402"});
  CHECK(CodesOf(RuleText(pred + "new actor.user.uid within 1d learn 0s")) == Codes{"E0401"});
  CHECK(CodesOf(RuleText(pred + "suppress by actor.user.uid for 0s")) == Codes{"E0401"});
  CHECK(CodesOf(RuleText("sequence within 0s\n a: where action == \"snapshot.create\"\n"
                         " b: where action == \"snapshot.delete\"")) == Codes{"E0401"});
  Result ok = CompileText(RuleText(pred + "count by actor.user.uid within 10m >= 5\n"
                                          " suppress by actor.user.uid for 1h"));
  REQUIRE(ok.out.has_value());
  const Rule& r = ok.program().rules[0];
  CHECK(r.kind == RuleKind::kCount);
  CHECK(r.within_ns == 600LL * 1000000000);
  CHECK(r.threshold == 5);
  CHECK(r.suppress_ns == 3600LL * 1000000000);
}

TEST_CASE("sequence structure: stage count, absence placement, within, repeat, labels") {
  auto seq = [](const std::string& head, const std::string& stages) {
    return CodesOf(RuleText("sequence " + head + "\n" + stages));
  };
  CHECK(seq("within 1h", " a: where action == \"snapshot.create\"") == Codes{"E0404"});
  CHECK(seq("within 1h",
            " !a: where action == \"snapshot.create\"\n b: where action == \"snapshot.delete\"") ==
        Codes{"E0404"});
  // One stage repeated twice is a two-stage sequence.
  CHECK(seq("within 1h", " a[2]: where action == \"snapshot.create\"") == Codes{});
  CHECK(seq("by resource.uid",
            " a: where action == \"instance.start\"\n !b: where api.operation == \"X\"") ==
        Codes{"E0403"});
  CHECK(
      seq("within 1h",
          " a[0]: where action == \"snapshot.create\"\n b: where action == \"snapshot.delete\"") ==
      Codes{"E0406"});
  CHECK(seq("within 1h",
            " a{101,}: where action == \"snapshot.create\"\n b: where action == \"x.y\"") ==
        Codes{"E0406", "E0205"});
  CHECK(
      seq("within 1h",
          " a: where action == \"snapshot.create\"\n !b[2]: where action == \"snapshot.delete\"") ==
      Codes{"E0406"});
  CHECK(
      seq("within 1h",
          " actor: where action == \"snapshot.create\"\n b: where action == \"snapshot.delete\"") ==
      Codes{"E0208"});
  CHECK(seq("within 1h",
            " a: where action == \"snapshot.create\"\n a: where action == \"snapshot.delete\"") ==
        Codes{"E0209"});
}

TEST_CASE("keys: scalar fields or string lists, the same count on every stage and until") {
  std::string pred = "match where action == \"snapshot.create\"\n ";
  CHECK(CodesOf(RuleText(pred + "count by raw.x within 1m >= 1")) == Codes{"E0408"});
  CHECK(CodesOf(RuleText(pred + "count by tags within 1m >= 1")) == Codes{"E0408"});
  CHECK(CodesOf(RuleText(pred + "count by resources.uid within 1m >= 1")) == Codes{});
  CHECK(CodesOf(RuleText(pred + "count by actor.user.nam within 1m >= 1")) == Codes{"E0201"});
  CHECK(CodesOf(RuleText(pred + "distinct raw.x within 1m >= 2")) == Codes{"E0408"});
  CHECK(CodesOf(RuleText(pred + "suppress by raw.x for 1h")) == Codes{"E0408"});
  CHECK(CodesOf(RuleText("sequence by actor.user.uid within 1h\n"
                         " a: where action == \"snapshot.create\"\n"
                         " b: where action == \"snapshot.delete\"\n"
                         " until by resource.uid where action == \"volume.delete\"")) ==
        Codes{"E0408"});
  Result ok =
      CompileText(RuleText("sequence by actor.user.uid within 1h\n"
                           " a: by resource.uid where action == \"snapshot.create\"\n"
                           " b: by related.snapshot.uid where action == \"volume.create\"\n"
                           " until by resource.uid where action == \"snapshot.delete\""));
  INFO(ok.Text());
  REQUIRE(ok.out.has_value());
  const Program& p = ok.program();
  const Rule& r = p.rules[0];
  auto name = [&](uint16_t slot) { return ir::DottedPath(p.fields[slot].segments); };
  REQUIRE(r.stages[1].key_slots.size() == 2);
  CHECK(name(r.stages[1].key_slots[0]) == "actor.user.uid");
  CHECK(name(r.stages[1].key_slots[1]) == "related.snapshot.uid");
  CHECK(name(r.until_key_slots[1]) == "resource.uid");
  CHECK(r.key_names == std::vector<std::string>{"actor.user.uid", "resource.uid"});
}

TEST_CASE("emit templates: fields, stage fields, count, braces, and their errors") {
  Result ok =
      CompileText(RuleText("sequence within 1h\n a: where action == \"snapshot.create\"\n"
                           " b: where action == \"volume.create\"\n"
                           " emit \"{{x}} {a.resource.uid} -> {resource.uid}\""));
  INFO(ok.Text());
  REQUIRE(ok.out.has_value());
  const Rule& r = ok.program().rules[0];
  REQUIRE(r.message.size() == 4);
  CHECK(r.message[0].kind == TemplatePart::Kind::kText);
  CHECK(r.message[0].text == "{x} ");
  CHECK(r.message[1].kind == TemplatePart::Kind::kCapture);
  CHECK(r.message[1].stage == 0);
  // Captures 0 and 1 are metadata.uid and time; resource.uid is the third.
  CHECK(r.message[1].index == 2);
  CHECK(r.message[2].text == " -> ");
  CHECK(r.message[3].kind == TemplatePart::Kind::kField);

  std::string count = "match where action == \"snapshot.create\"\n count within 1m >= 2\n ";
  Result c = CompileText(RuleText(count + "emit \"{count} by {actor.user.uid}\""));
  REQUIRE(c.out.has_value());
  CHECK(c.program().rules[0].message[0].kind == TemplatePart::Kind::kCount);

  std::string m = "match where action == \"snapshot.create\"\n ";
  CHECK(CodesOf(RuleText(m + "emit \"{count}\"")) == Codes{"E0405"});
  CHECK(CodesOf(RuleText(m + "emit \"{}\"")) == Codes{"E0405"});
  CHECK(CodesOf(RuleText(m + "emit \"x}\"")) == Codes{"E0405"});
  CHECK(CodesOf(RuleText(m + "emit \"{resource.uid\"")) == Codes{"E0405"});
  CHECK(CodesOf(RuleText(m + "emit \"{a b}\"")) == Codes{"E0405"});
  CHECK(CodesOf(RuleText(m + "emit \"{resource.uuid}\"")) == Codes{"E0405"});
  CHECK(CodesOf(RuleText(m + "emit \"{raw.anything.goes}\"")) == Codes{});
  CHECK(CodesOf(RuleText("sequence within 1h\n a: where action == \"snapshot.create\"\n"
                         " !b: where action == \"volume.create\"\n emit \"{b.resource.uid}\"")) ==
        Codes{"E0405"});
  // The placeholder's own span is reported.
  Result bad = CompileText(RuleText(m + "emit \"ok {resource.uuid}\""));
  REQUIRE(bad.sink.diagnostics().size() == 1);
  LineCol lc = bad.sm.file(0).Locate(bad.sink.diagnostics()[0].labels[0].span.begin);
  CHECK(lc.line == 4);
  CHECK(lc.col == 11);
}

TEST_CASE("macro cycles are reported once per cycle, and do not cascade") {
  Result r = CompileText("macro a = b\nmacro b = c or a\nmacro c = true\nmacro self = self\n" +
                         MatchRule("a or self"));
  CHECK(r.Codes() == Codes{"E0211", "E0211"});
  CHECK(r.sink.diagnostics()[0].message == "macro `a` expands into itself: a -> b -> a");
  CHECK(r.sink.diagnostics()[1].message == "macro `self` expands into itself: self -> self");
}

TEST_CASE("unused lists and macros warn only in files that have rules") {
  CHECK(CodesOf("list l = [\"x\"]\nmacro m = true\n" +
                MatchRule("action == \"snapshot.create\"")) == Codes{"W0001", "W0002"});
  // A library file: no rules, no warnings.
  CHECK(CodesOf("list l = [\"x\"]\nmacro m = true\n") == Codes{});
  // Used through another macro.
  CHECK(CodesOf("list l = [\"x\"]\nmacro m = resource.uid in l\nmacro n = m\n" + MatchRule("n")) ==
        Codes{});
  CHECK(CodesOf("list l = [\"x\"]\nlist l = [\"y\"]\n") == Codes{"E0209"});
  CHECK(CodesOf("list l = [\"x\"]\nmacro l = true\n") == Codes{"E0209"});
}

TEST_CASE("W0003: one scalar field equal to two different constants in a conjunction") {
  CHECK(CodesOf(MatchRule("action == \"snapshot.create\" and action == \"snapshot.delete\"")) ==
        Codes{"W0003"});
  CHECK(CodesOf(MatchRule("action in [\"snapshot.create\", \"volume.create\"] and "
                          "action == \"snapshot.delete\"")) == Codes{"W0003"});
  CHECK(CodesOf(MatchRule("status == \"a\" and (action == \"snapshot.create\" and "
                          "action == \"snapshot.create\")")) == Codes{});
  CHECK(CodesOf(MatchRule("action in [\"snapshot.create\", \"volume.create\"] and "
                          "action == \"volume.create\"")) == Codes{});
  // Disjunctions and string lists (any-element semantics) can hold.
  CHECK(CodesOf(MatchRule("action == \"snapshot.create\" or action == \"snapshot.delete\"")) ==
        Codes{});
  CHECK(CodesOf(MatchRule("share.accounts == \"1\" and share.accounts == \"2\"")) == Codes{});
  // Nested inside an `or`, in a stage.
  CHECK(CodesOf(RuleText("sequence within 1h\n a: where action == \"snapshot.create\"\n"
                         " b: where status == \"x\" or (quota.value == 1 and quota.value == 2)")) ==
        Codes{"W0003"});
  Result r =
      CompileText(MatchRule("action == \"snapshot.create\" and action == \"snapshot.delete\""));
  CHECK(r.sink.diagnostics()[0].message ==
        "this condition can never hold: `action` cannot be \"snapshot.create\" and "
        "\"snapshot.delete\" at once");
}

TEST_CASE("W0005: a condition that holds for every event") {
  CHECK(CodesOf(MatchRule("true")) == Codes{"W0005"});
  CHECK(CodesOf(MatchRule("1 + 1 == 2 or action == \"snapshot.create\"")) == Codes{"W0005"});
  CHECK(CodesOf(MatchRule("true and action == \"snapshot.create\"")) == Codes{});
  // An except clause narrows it: no warning.
  CHECK(CodesOf(RuleText("match where true\n except where status == \"failure\"")) == Codes{});
}

TEST_CASE("a rule needs exactly one of match and sequence") {
  CHECK(CodesOf("rule r {\n  title \"T\"\n}\n") == Codes{"E0101"});
  CHECK(CodesOf(RuleText(
            "match where true\n sequence within 1h\n a: where action == \"snapshot.create\"\n"
            " b: where action == \"snapshot.delete\"")) == Codes{"E0104"});
}

TEST_CASE("inline tests are collected with their events, inline or from a file") {
  Result r = CompileText(
      RuleText("match where action == \"snapshot.create\"\n"
               " test \"one\" {\n  events \"\"\"{\"a\":1}\n{\"a\":2}\"\"\"\n  expect 2\n }"));
  INFO(r.Text());
  REQUIRE(r.out.has_value());
  REQUIRE(r.out->tests.size() == 1);
  const RuleTest& t = r.out->tests[0];
  CHECK(t.rule == "r");
  CHECK(t.name == "one");
  CHECK(t.expect_alerts == 2);
  CHECK(t.file == "t.rule");
  CHECK(t.line == 4);
  CHECK(t.events.find("{\"a\":2}") != std::string::npos);
  Result missing =
      CompileText(RuleText("match where action == \"snapshot.create\"\n"
                           " test \"f\" {\n  events file \"nope/none.jsonl\"\n  expect 1\n }"));
  CHECK(missing.Codes() == Codes{"E0001"});
  CHECK(!missing.out.has_value());
}
