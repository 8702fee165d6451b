// Source line tables and diagnostic rendering.
#include <doctest/doctest.h>

#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"

using namespace rdl;

TEST_CASE("SourceFile locates offsets as 1-based line and column") {
  SourceFile f("a.rule", "ab\ncd\n");
  CHECK(f.Locate(0).line == 1);
  CHECK(f.Locate(0).col == 1);
  CHECK(f.Locate(4).line == 2);
  CHECK(f.Locate(4).col == 2);
  CHECK(f.Line(2) == "cd");
}

TEST_CASE("text rendering shows file:line:col, code, source line and caret") {
  SourceManager sm;
  uint32_t id = sm.Add("r.rule", "rule x {\n  match where acton == 1\n}\n");
  DiagnosticSink sink;
  sink.Report(DiagCode::kUnknownField, Span{id, 23, 28}, "unknown field `acton`")
      .notes.push_back("help: did you mean `action`?");
  std::string text = RenderText(sink.diagnostics()[0], sm);
  CHECK(text ==
        "r.rule:2:15: error[E0201]: unknown field `acton`\n"
        " 2 |   match where acton == 1\n"
        "   |               ^^^^^\n"
        "  = help: did you mean `action`?\n");
  std::string json = RenderJson(sink.diagnostics()[0], sm);
  CHECK(json.find(R"("code":"E0201")") != std::string::npos);
  CHECK(json.find(R"("line":2,"col":15)") != std::string::npos);
}

TEST_CASE("did-you-mean picks the closest candidate within a small distance") {
  CHECK(ClosestMatch("acton", {"action", "actor.user.uid"}) == "action");
  CHECK(ClosestMatch("zzzzzz", {"action"}).empty());
}

TEST_CASE("--Werror turns warnings into errors") {
  DiagnosticSink sink;
  sink.set_warnings_as_errors(true);
  sink.Report(DiagCode::kUnusedList, Span{}, "list `x` is never used");
  CHECK(sink.error_count() == 1);
}
