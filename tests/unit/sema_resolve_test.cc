// Name resolution: the order in which a path resolves (quantifier variable,
// earlier stage, macro / list, schema field, json sub-path), macro
// expansion, lists, and the did-you-mean diagnostics of unknown names.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/sema_test_util.h"

using namespace rdl;
using namespace rdl::testing;

namespace {

std::string PredOf(const std::string& text) {
  Checked c = CheckText(text);
  INFO(c.sink.diagnostics().size());
  REQUIRE(c.pack.rules.size() == 1);
  REQUIRE(c.pack.rules[0].pred);
  return ir::DumpExpr(*c.pack.rules[0].pred);
}

}  // namespace

TEST_CASE("schema fields resolve with their types; raw, tags and json prefixes are json") {
  CHECK(PredOf(MatchRule("actor.user.uid == \"a\"")) == "(== actor.user.uid:string \"a\")");
  CHECK(PredOf(MatchRule("src_endpoint.ip == \"10.0.0.1\"")) ==
        "(== src_endpoint.ip:ip \"10.0.0.1\")");
  CHECK(PredOf(MatchRule("raw.requestParameters.x == 1")) == "(== raw.requestParameters.x:json 1)");
  CHECK(PredOf(MatchRule("tag(\"change-ticket\") == \"CHG1\"")) ==
        "(== tags.change-ticket:json \"CHG1\")");
  CHECK(PredOf(MatchRule("tags.owner == \"x\"")) == "(== tags.owner:json \"x\")");
  CHECK(PredOf(MatchRule("resources.uid == \"i-1\"")) == "(== resources.uid:string_list \"i-1\")");
  // A path below the json field `resources` that is not itself in the schema.
  CHECK(PredOf(MatchRule("resources.type == \"x\"")) == "(== resources.type:json \"x\")");
}

TEST_CASE("a quantifier variable shadows a field of the same name") {
  // `action` here is the element, so the action taxonomy check does not apply.
  Checked c = CheckText(MatchRule("any action in raw.items: action == \"not.a.verb\""));
  CHECK(c.sink.diagnostics().empty());
  CHECK(ir::DumpExpr(*c.pack.rules[0].pred) ==
        "(any %0 in raw.items:json: (== %0 \"not.a.verb\"))");
  // Sub-paths of the variable are dynamic.
  CHECK(PredOf(MatchRule("any x in raw.items: x.group.name == \"all\"")) ==
        "(any %0 in raw.items:json: (== (path %0 group.name) \"all\"))");
  // Nested quantifiers get distinct variables; the inner body sees both.
  CHECK(PredOf(MatchRule("any x in raw.a: any y in x.b: y == x.c")) ==
        "(any %0 in raw.a:json: (any %1 in (path %0 b): (== %1 (path %0 c))))");
  // Elements of a string list are strings: they have no fields.
  Checked bad = CheckText(MatchRule("any a in share.accounts: a.id == \"x\""));
  CHECK(bad.sink.diagnostics().size() == 1);
  CHECK(bad.sink.diagnostics()[0].code == DiagCode::kTypeMismatch);
  CHECK(bad.sink.diagnostics()[0].message == "`a` is a string; it has no field `id`");
}

TEST_CASE("stage labels name earlier stages' events") {
  Checked c = CheckText(RuleText(
      "sequence by actor.user.uid within 1h\n"
      "    snap: where action == \"snapshot.create\"\n"
      "    vol:  where action == \"volume.create\" and related.snapshot.uid == snap.resource.uid\n"
      "    mnt:  where action == \"volume.attach\" and resource.uid == vol.resource.uid and "
      "time - snap.time < 10m"));
  INFO(c.sink.diagnostics().size());
  REQUIRE(c.sink.diagnostics().empty());
  const ir::Rule& r = c.pack.rules[0];
  REQUIRE(r.stages.size() == 3);
  CHECK(ir::DumpExpr(*r.stages[1].pred) ==
        "(and (== action:string \"volume.create\") (== related.snapshot.uid:string "
        "@0.resource.uid:string))");
  CHECK(ir::DumpExpr(*r.stages[2].pred) ==
        "(and (== action:string \"volume.attach\") (== resource.uid:string @1.resource.uid:string) "
        "(< (- time:time @0.time:time) 10m))");
}

TEST_CASE("stage references to the own, a later or an absence stage, or from except/until") {
  auto first = [](const std::string& text) {
    Checked c = CheckText(text);
    REQUIRE(!c.sink.diagnostics().empty());
    return c.sink.diagnostics()[0];
  };
  Diagnostic own = first(RuleText(
      "sequence within 1h\n a: where action == \"snapshot.create\" and a.resource.uid == \"x\"\n"
      " b: where action == \"volume.create\""));
  CHECK(own.code == DiagCode::kLaterStage);
  CHECK(own.message == "stage `a` cannot refer to its own stage `a`");
  Diagnostic later = first(RuleText(
      "sequence within 1h\n a: where action == \"snapshot.create\" and b.resource.uid == \"x\"\n"
      " b: where action == \"volume.create\""));
  CHECK(later.code == DiagCode::kLaterStage);
  CHECK(later.message == "stage `a` cannot refer to the later stage `b`");
  Diagnostic absent = first(
      RuleText("sequence within 1h\n a: where action == \"snapshot.create\"\n"
               " !b: where action == \"volume.create\"\n c: where resource.uid == b.resource.uid"));
  CHECK(absent.code == DiagCode::kLaterStage);
  CHECK(absent.message == "`b` is an absence stage: it has no event to refer to");
  Diagnostic except = first(
      RuleText("sequence within 1h\n a: where action == \"snapshot.create\"\n"
               " b: where action == \"volume.create\"\n except where a.resource.uid == \"x\""));
  CHECK(except.code == DiagCode::kLaterStage);
  Diagnostic until = first(
      RuleText("sequence within 1h\n a: where action == \"snapshot.create\"\n"
               " b: where action == \"volume.create\"\n until where a.resource.uid == \"x\""));
  CHECK(until.code == DiagCode::kLaterStage);
  CHECK(until.message == "`until` cannot refer to stage `a`: it applies to events of every stage");
}

TEST_CASE("a label-like prefix that is not a stage is E0206, in sequences and elsewhere") {
  Checked seq =
      CheckText(RuleText("sequence within 1h\n snap: where action == \"snapshot.create\"\n"
                         " vol: where resource.uid == snp.resource.uid"));
  REQUIRE(seq.sink.diagnostics().size() == 1);
  CHECK(seq.sink.diagnostics()[0].code == DiagCode::kUnknownStage);
  CHECK(seq.sink.diagnostics()[0].notes == std::vector<std::string>{"help: did you mean `snap`?"});
  Checked match = CheckText(MatchRule("resource.uid == snap.resource.uid"));
  REQUIRE(match.sink.diagnostics().size() == 1);
  CHECK(match.sink.diagnostics()[0].code == DiagCode::kUnknownStage);
  CHECK(match.sink.diagnostics()[0].notes ==
        std::vector<std::string>{"note: stage labels exist only in `sequence` rules"});
}

TEST_CASE("macros expand at each use, with parameters substituted") {
  std::string decls =
      "macro ok = status == \"success\"\n"
      "macro is_id(v, p) = startswith(v, p)\n"
      "macro uid_of(e) = e.resource.uid\n";
  CHECK(PredOf(decls + MatchRule("ok and is_id(resource.uid, \"snap-\")")) ==
        "(and (== status:string \"success\") (startswith resource.uid:string \"snap-\"))");
  // A zero-argument macro may also be called with ().
  CHECK(PredOf(decls + MatchRule("ok()")) == "(== status:string \"success\")");
  // A parameter used as a path prefix takes the argument's path.
  Checked c =
      CheckText(decls + RuleText("sequence within 1h\n s: where action == \"snapshot.create\"\n"
                                 " v: where related.snapshot.uid == uid_of(s)"));
  REQUIRE(c.sink.error_count() == 0);  // (W0002: `ok` and `is_id` are unused here)
  CHECK(ir::DumpExpr(*c.pack.rules[0].stages[1].pred) ==
        "(== related.snapshot.uid:string @0.resource.uid:string)");
  // Arity.
  Checked bad = CheckText(decls + MatchRule("is_id(resource.uid)"));
  REQUIRE(bad.sink.error_count() == 1);  // first; W0002 for the unused ones follow
  CHECK(bad.sink.diagnostics()[0].code == DiagCode::kBadArgument);
  CHECK(bad.sink.diagnostics()[0].message == "macro `is_id` takes 2 arguments, got 1");
}

TEST_CASE("an error inside a macro body is reported once, at the body") {
  Result r = CompileText("macro bad = actor.user.uuid == \"x\"\n" + MatchRule("bad") +
                         RuleText("match where bad or status == \"success\"", "r2"));
  CHECK(r.Codes() == std::vector<std::string>{"E0201"});
  CHECK(r.Text().find("t.rule:1:13: error[E0201]: unknown field `actor.user.uuid`") == 0);
}

TEST_CASE("lists: constant sets on the right of `in`, an error anywhere else") {
  std::string decl = "list admins = [\"Bob\", \"alice\", \"bob\"]\n";
  CHECK(PredOf(decl + MatchRule("actor.user.name in admins")) ==
        "(in actor.user.name:string [\"Bob\" \"alice\" \"bob\"])");
  CHECK(PredOf(decl + MatchRule("actor.user.name in~ admins")) ==
        "(in~ actor.user.name:string [\"alice\" \"bob\"])");
  CHECK(PredOf(decl + MatchRule("actor.user.name not in admins")) ==
        "(not (in actor.user.name:string [\"Bob\" \"alice\" \"bob\"]))");
  Checked misuse = CheckText(decl + MatchRule("admins == \"x\""));
  REQUIRE(misuse.sink.diagnostics().size() == 1);
  CHECK(misuse.sink.diagnostics()[0].code == DiagCode::kTypeMismatch);
  CHECK(misuse.sink.diagnostics()[0].message ==
        "list `admins` can only be used on the right of `in`");
  Checked unknown = CheckText(decl + MatchRule("actor.user.name in admin"));
  // The unknown use, then (reported after all rules) W0001: the list is unused.
  REQUIRE(unknown.sink.diagnostics().size() == 2);
  CHECK(unknown.sink.diagnostics()[1].code == DiagCode::kUnusedList);
  CHECK(unknown.sink.diagnostics()[0].code == DiagCode::kUnknownList);
  CHECK(unknown.sink.diagnostics()[0].notes ==
        std::vector<std::string>{"help: did you mean `admins`?"});
  // A list of non-strings becomes a disjunction of equalities.
  CHECK(PredOf("list ports = [22, 3389]\n" + MatchRule("raw.port in ports")) ==
        "(or (== raw.port:json 22) (== raw.port:json 3389))");
  // A field on the right of `in` is an array membership test.
  CHECK(PredOf(MatchRule("\"111122223333\" in share.accounts")) ==
        "(in-array \"111122223333\" share.accounts:string_list)");
}

TEST_CASE("unknown names: fields, functions, macros, lists, with did-you-mean") {
  Checked f = CheckText(MatchRule("actor.user.nme == \"x\""));
  REQUIRE(f.sink.diagnostics().size() == 1);
  CHECK(f.sink.diagnostics()[0].code == DiagCode::kUnknownField);
  CHECK(f.sink.diagnostics()[0].message == "unknown field `actor.user.nme`");
  CHECK(f.sink.diagnostics()[0].notes ==
        std::vector<std::string>{"help: did you mean `actor.user.name`?"});
  Checked far = CheckText(MatchRule("zzzzzz.qqqq == \"x\""));
  REQUIRE(far.sink.diagnostics().size() == 1);
  CHECK(far.sink.diagnostics()[0].notes.empty());
  Checked fn = CheckText(MatchRule("lowr(resource.uid) == \"x\""));
  REQUIRE(fn.sink.diagnostics().size() == 1);
  CHECK(fn.sink.diagnostics()[0].code == DiagCode::kUnknownFunction);
  CHECK(fn.sink.diagnostics()[0].notes == std::vector<std::string>{"help: did you mean `lower`?"});
  Checked mac = CheckText("macro succeeded = status == \"success\"\n" + MatchRule("succeded"));
  REQUIRE(mac.sink.diagnostics().size() == 2);  // and W0002: `succeeded` is unused
  CHECK(mac.sink.diagnostics()[1].code == DiagCode::kUnusedMacro);
  CHECK(mac.sink.diagnostics()[0].code == DiagCode::kUnknownMacro);
  CHECK(mac.sink.diagnostics()[0].notes ==
        std::vector<std::string>{"help: did you mean `succeeded`?"});
}

TEST_CASE("action literals are checked against the taxonomy, case-folded for =~ and in~") {
  CHECK(CheckText(MatchRule("action =~ \"Snapshot.Create\"")).sink.diagnostics().empty());
  CHECK(CheckText(MatchRule("action in~ [\"SNAPSHOT.CREATE\"]")).sink.diagnostics().empty());
  CHECK(CheckText(MatchRule("\"snapshot.create\" == action")).sink.diagnostics().empty());
  Checked ne = CheckText(MatchRule("action != \"snapshot.creat\""));
  REQUIRE(ne.sink.diagnostics().size() == 1);
  CHECK(ne.sink.diagnostics()[0].code == DiagCode::kUnknownAction);
  CHECK(ne.sink.diagnostics()[0].message == "unknown action \"snapshot.creat\"");
  CHECK(ne.sink.diagnostics()[0].notes ==
        std::vector<std::string>{"help: did you mean `snapshot.create`?"});
  // Items of a declared list are checked at the list's items.
  Checked list = CheckText("list acts = [\"volume.attach\", \"volume.atach\"]\n" +
                           MatchRule("action in acts"));
  REQUIRE(list.sink.diagnostics().size() == 1);
  CHECK(list.sink.diagnostics()[0].code == DiagCode::kUnknownAction);
  LineCol lc = list.sm.file(0).Locate(list.sink.diagnostics()[0].labels[0].span.begin);
  CHECK(lc.line == 1);
  CHECK(lc.col == 31);
  // Other fields are not actions.
  CHECK(CheckText(MatchRule("status == \"snapshot.creat\"")).sink.diagnostics().empty());
}

TEST_CASE("imports: relative to the file, then the stdlib; imported rules are not compiled") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "rdl_sema_import_test";
  fs::remove_all(dir);
  fs::create_directories(dir / "lib");
  auto write = [&](const fs::path& p, const std::string& text) { std::ofstream(p) << text; };
  write(dir / "lib" / "shared.rules",
        "import \"../main.rule\"\n"  // a cycle back to the importer is harmless
        "macro ok = status == \"success\"\n"
        "rule lib_rule {\n  title \"not compiled\"\n  match where ok\n}\n");
  write(dir / "main.rule",
        "import \"lib/shared.rules\"\n"
        "import \"lists/change_management.rules\"\n"  // from the stdlib
        "rule main {\n  title \"M\"\n  match where ok and not change_approved\n}\n");
  SourceManager sm;
  DiagnosticSink sink;
  std::vector<uint32_t> ids = LoadSources({(dir / "main.rule").string()}, sm, sink);
  auto out = Compile(sm, ids, {}, sink);
  std::string text;
  for (const Diagnostic& d : sink.diagnostics()) text += RenderText(d, sm);
  INFO(text);
  REQUIRE(out.has_value());
  REQUIRE(out->program.rules.size() == 1);
  CHECK(out->program.rules[0].name == "main");

  write(dir / "main.rule", "import \"lib/missing.rules\"\n" + MatchRule("true"));
  SourceManager sm2;
  DiagnosticSink sink2;
  ids = LoadSources({(dir / "main.rule").string()}, sm2, sink2);
  CHECK(!Compile(sm2, ids, {}, sink2).has_value());
  REQUIRE(sink2.diagnostics().size() == 1);
  CHECK(sink2.diagnostics()[0].code == DiagCode::kImportNotFound);
  fs::remove_all(dir);
}
