// Diagnostics are data: a stable code, a severity, a message, labelled spans
// and notes. Every compiler stage reports into a DiagnosticSink and keeps
// going; renderers turn them into caret text or JSON lines.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/source/source.h"

namespace rdl {


enum class DiagSeverity : uint8_t { kError, kWarning, kNote };

enum class DiagCode : uint16_t {
#define RDL_DIAG(Id, Code, Slug, Sev, Doc) Id,
#include "compiler/diag/diag_codes.def"
#undef RDL_DIAG
  kCount
};

struct DiagInfo {
  const char* code;  // "E0201"
  const char* slug;  // "unknown-field"
  DiagSeverity severity;
  const char* doc;
};
const DiagInfo& GetDiagInfo(DiagCode code);

struct DiagLabel {
  Span span;
  std::string text;  // may be empty
  bool primary = true;
};

struct Diagnostic {
  DiagCode code = DiagCode::kSyntax;
  DiagSeverity severity = DiagSeverity::kError;
  std::string message;  // one sentence, lower-case start, no trailing period
  std::vector<DiagLabel> labels;  // labels[0] is the primary location
  std::vector<std::string> notes;  // "help: did you mean `actor.user.uid`?"
};

// Collects diagnostics. Stages call Report(); the driver renders at the end.
class DiagnosticSink {
 public:
  // Reports a diagnostic with the code's default severity at `span`.
  Diagnostic& Report(DiagCode code, Span span, std::string message);
  void Add(Diagnostic d);
  const std::vector<Diagnostic>& diagnostics() const { return diags_; }
  size_t error_count() const;
  size_t warning_count() const;
  // --Werror: warnings count as errors (and render as errors).
  void set_warnings_as_errors(bool v) { werror_ = v; }
  bool has_errors() const { return error_count() > 0; }
  void SortByLocation();

 private:
  std::vector<Diagnostic> diags_;
  bool werror_ = false;
};

// "FILE:LINE:COL: error[CODE]: message" + source line + caret + notes.
std::string RenderText(const Diagnostic& d, const SourceManager& sm);
// One JSON object, no trailing newline.
std::string RenderJson(const Diagnostic& d, const SourceManager& sm);

// Edit distance suggestion: the closest candidate within a small distance,
// or empty. Used for did-you-mean notes.
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace rdl
