// Diagnostic sink and the text / JSON renderers.
#include "compiler/diag/diagnostic.h"

#include <fmt/format.h>

#include <algorithm>

namespace rdl {

namespace {
const DiagInfo kDiagInfo[] = {
#define RDL_DIAG(Id, Code, Slug, Sev, Doc) {Code, Slug, DiagSeverity::k##Sev, Doc},
#include "compiler/diag/diag_codes.def"
#undef RDL_DIAG
};

const char* SeverityName(DiagSeverity s) {
  switch (s) {
    case DiagSeverity::kError: return "error";
    case DiagSeverity::kWarning: return "warning";
    case DiagSeverity::kNote: return "note";
  }
  return "error";
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out += static_cast<char>(c);
    }
  }
  return out;
}
}  // namespace

const DiagInfo& GetDiagInfo(DiagCode code) { return kDiagInfo[static_cast<size_t>(code)]; }

Diagnostic& DiagnosticSink::Report(DiagCode code, Span span, std::string message) {
  Diagnostic d;
  d.code = code;
  d.severity = GetDiagInfo(code).severity;
  if (werror_ && d.severity == DiagSeverity::kWarning) d.severity = DiagSeverity::kError;
  d.message = std::move(message);
  d.labels.push_back({span, "", true});
  diags_.push_back(std::move(d));
  return diags_.back();
}

void DiagnosticSink::Add(Diagnostic d) {
  if (werror_ && d.severity == DiagSeverity::kWarning) d.severity = DiagSeverity::kError;
  diags_.push_back(std::move(d));
}

size_t DiagnosticSink::error_count() const {
  return std::count_if(diags_.begin(), diags_.end(),
                       [](const Diagnostic& d) { return d.severity == DiagSeverity::kError; });
}

size_t DiagnosticSink::warning_count() const {
  return std::count_if(diags_.begin(), diags_.end(),
                       [](const Diagnostic& d) { return d.severity == DiagSeverity::kWarning; });
}

void DiagnosticSink::SortByLocation() {
  std::stable_sort(diags_.begin(), diags_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    Span sa = a.labels.empty() ? Span{} : a.labels[0].span;
    Span sb = b.labels.empty() ? Span{} : b.labels[0].span;
    if (sa.file != sb.file) return sa.file < sb.file;
    return sa.begin < sb.begin;
  });
}

std::string RenderText(const Diagnostic& d, const SourceManager& sm) {
  const DiagInfo& info = GetDiagInfo(d.code);
  std::string out;
  if (d.labels.empty() || d.labels[0].span.file >= sm.size()) {
    out = fmt::format("{}[{}]: {}\n", SeverityName(d.severity), info.code, d.message);
  } else {
    const Span sp = d.labels[0].span;
    const SourceFile& f = sm.file(sp.file);
    LineCol lc = f.Locate(sp.begin);
    out = fmt::format("{}:{}:{}: {}[{}]: {}\n", f.name(), lc.line, lc.col, SeverityName(d.severity),
                      info.code, d.message);
    std::string_view line = f.Line(lc.line);
    std::string gutter = fmt::format("{}", lc.line);
    out += fmt::format(" {} | {}\n", gutter, line);
    uint32_t width = 1;
    if (sp.end > sp.begin) {
      LineCol le = f.Locate(sp.end);
      width = le.line == lc.line ? le.col - lc.col : static_cast<uint32_t>(line.size()) + 1 - lc.col;
      if (width == 0) width = 1;
    }
    std::string pad;
    for (uint32_t i = 1; i < lc.col && i - 1 < line.size(); ++i) pad += line[i - 1] == '\t' ? '\t' : ' ';
    out += fmt::format(" {} | {}{}", std::string(gutter.size(), ' '), pad, std::string(width, '^'));
    if (!d.labels[0].text.empty()) out += " " + d.labels[0].text;
    out += "\n";
    for (size_t i = 1; i < d.labels.size(); ++i) {
      const Span s2 = d.labels[i].span;
      if (s2.file >= sm.size()) continue;
      LineCol l2 = sm.file(s2.file).Locate(s2.begin);
      out += fmt::format(" {} = note: {}:{}:{}: {}\n", std::string(gutter.size(), ' '),
                         sm.file(s2.file).name(), l2.line, l2.col, d.labels[i].text);
    }
  }
  for (const std::string& n : d.notes) out += fmt::format("  = {}\n", n);
  return out;
}

std::string RenderJson(const Diagnostic& d, const SourceManager& sm) {
  const DiagInfo& info = GetDiagInfo(d.code);
  std::string out = fmt::format(R"({{"code":"{}","slug":"{}","severity":"{}","message":"{}")",
                                info.code, info.slug, SeverityName(d.severity), JsonEscape(d.message));
  out += R"(,"labels":[)";
  bool first = true;
  for (const DiagLabel& l : d.labels) {
    if (l.span.file >= sm.size()) continue;
    const SourceFile& f = sm.file(l.span.file);
    LineCol b = f.Locate(l.span.begin), e = f.Locate(l.span.end);
    if (!first) out += ",";
    first = false;
    out += fmt::format(
        R"({{"file":"{}","line":{},"col":{},"end_line":{},"end_col":{},"primary":{},"text":"{}"}})",
        JsonEscape(f.name()), b.line, b.col, e.line, e.col, l.primary ? "true" : "false",
        JsonEscape(l.text));
  }
  out += R"(],"notes":[)";
  for (size_t i = 0; i < d.notes.size(); ++i) {
    if (i) out += ",";
    out += "\"" + JsonEscape(d.notes[i]) + "\"";
  }
  out += "]}";
  return out;
}

std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      }
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  std::string best;
  size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;
  for (const std::string& c : candidates) {
    size_t dd = distance(word, c);
    if (dd < best_d) {
      best_d = dd;
      best = c;
    }
  }
  return best;
}

}  // namespace rdl
