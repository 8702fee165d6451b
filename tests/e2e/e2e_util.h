// End-to-end helpers: compile rule source text with the real compiler, load
// it, and run it with the engine test runner (tests/engine/engine_test_util.h).
#pragma once

#include <memory>
#include <string>

#include "compiler/driver/compile.h"
#include "tests/engine/engine_test_util.h"

namespace rdl::etest {

inline std::unique_ptr<LoadedPack> CompileRules(const std::string& text) {
  SourceManager sm;
  DiagnosticSink sink;
  const uint32_t id = sm.Add("test.rule", text);
  auto out = Compile(sm, {id}, CompileOptions{}, sink);
  std::string diags;
  for (const Diagnostic& d : sink.diagnostics()) diags += RenderText(d, sm);
  INFO(diags);
  REQUIRE(out.has_value());
  REQUIRE_FALSE(sink.has_errors());
  std::string error;
  auto pack = LoadedPack::Load(std::move(out->program), &error);
  INFO(error);
  REQUIRE(pack != nullptr);
  return pack;
}

}  // namespace rdl::etest
