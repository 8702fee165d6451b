// The parser driver: runs the generated ANTLR lexer and parser over one
// source file and turns their failures into our diagnostics. Owns
//  - the byte input stream (token indexes are byte offsets),
//  - the lexer hook that enters REGEX_MODE after `matches`, and turns the
//    grammar's error tokens into diagnostics,
//  - the error strategy that words syntax errors in our style
//    (`expected `where`, found `wher``) instead of ANTLR's,
//  - the nesting and error-count limits that bound time and stack,
//  - the ErrorCollector that orders and de-duplicates diagnostics.
// The AST is built by ast_builder.cc.
#include "compiler/syntax/parse.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <memory>

#include "RuleLexer.h"
#include "RuleParser.h"
#include "antlr4-runtime.h"
#include "compiler/syntax/literals.h"
#include "compiler/syntax/syntax_internal.h"

namespace rdl {
namespace syntax {

// ------------------------------------------------------------ collector ---

void ErrorCollector::Add(DiagCode code, uint32_t begin, uint32_t end, std::string message,
                         bool line_exclusive, std::vector<std::string> notes) {
  Diagnostic d;
  d.code = code;
  d.severity = GetDiagInfo(code).severity;
  d.message = std::move(message);
  d.labels.push_back({Span{file_id_, begin, std::max(begin, end)}, "", true});
  d.notes = std::move(notes);
  items_.push_back({std::move(d), begin, line_exclusive});
}

void ErrorCollector::Flush(DiagnosticSink& sink) {
  std::stable_sort(items_.begin(), items_.end(),
                   [](const Item& a, const Item& b) { return a.begin < b.begin; });
  std::vector<Diagnostic> kept;
  uint32_t last_line = 0;
  size_t dropped = 0;
  for (Item& item : items_) {
    if (item.line_exclusive) {
      uint32_t line = file_.Locate(item.begin).line;
      if (line == last_line) continue;
      last_line = line;
    }
    if (kept.size() >= kMaxSyntaxErrorsPerFile) {
      ++dropped;
      continue;
    }
    kept.push_back(std::move(item.diag));
  }
  if (dropped > 0) {
    kept.back().notes.push_back(fmt::format("note: {} more error{} in this file not shown", dropped,
                                            dropped == 1 ? "" : "s"));
  }
  for (Diagnostic& d : kept) sink.Add(std::move(d));
  items_.clear();
}

namespace {

using P = rdl_antlr::RuleParser;
using L = rdl_antlr::RuleLexer;
using antlr4::Token;

// Raw error reports after which the parse is abandoned (garbage input).
constexpr size_t kMaxRawErrors = 200;
// Parser rule nesting; one level of parentheses costs about ten rules.
constexpr size_t kMaxRuleDepth = 1500;
// Tokens on this channel are invisible to the parser: error tokens the lexer
// hook already reported.
constexpr size_t kErrorChannel = 2;

struct TooManyErrors {};
struct TooDeep {
  size_t offset;
};

// ----------------------------------------------------------- byte input ---

// Feeds the lexer one byte per symbol, so every token index is a byte offset
// into the UTF-8 source (ANTLRInputStream would decode to code points, and
// throw on invalid UTF-8). Token text is sliced from the original bytes.
class ByteStream : public antlr4::ANTLRInputStream {
 public:
  explicit ByteStream(std::string_view text) : text_(text) {
    _data.resize(text.size());
    for (size_t i = 0; i < text.size(); ++i) _data[i] = static_cast<unsigned char>(text[i]);
    // A UTF-8 byte order mark reads as whitespace; offsets do not move.
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF")
      _data[0] = _data[1] = _data[2] = ' ';
  }

  std::string getText(const antlr4::misc::Interval& interval) override {
    if (interval.a < 0 || interval.b < interval.a) return {};
    size_t a = static_cast<size_t>(interval.a);
    if (a >= text_.size()) return {};
    size_t b = std::min(static_cast<size_t>(interval.b), text_.size() - 1);
    return std::string(text_.substr(a, b - a + 1));
  }

 private:
  std::string_view text_;
};

// ---------------------------------------------------------------- lexer ---

// Shows a token or character in a message: its first line, shortened.
std::string Shorten(std::string_view text) {
  size_t nl = text.find_first_of("\r\n");
  bool cut = nl != std::string_view::npos;
  if (cut) text = text.substr(0, nl);
  if (text.size() > 32) {
    size_t n = 32;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;  // whole UTF-8 chars
    text = text.substr(0, n);
    cut = true;
  }
  return std::string(text) + (cut ? "..." : "");
}

std::string ShowChar(std::string_view text) {
  if (text.size() == 1) {
    unsigned char c = static_cast<unsigned char>(text[0]);
    if (c < 0x20 || c == 0x7F) return fmt::format("U+{:04X}", c);
    if (c >= 0x80) return fmt::format("byte 0x{:02X}", c);
    if (c == '`') return "'`'";
  }
  return fmt::format("`{}`", text);
}

class Lexer final : public L {
 public:
  Lexer(antlr4::CharStream* input, ErrorCollector* errors) : L(input), errors_(errors) {}

  std::unique_ptr<Token> nextToken() override {
    std::unique_ptr<Token> t = L::nextToken();
    auto* w = dynamic_cast<antlr4::WritableToken*>(t.get());
    uint32_t begin = static_cast<uint32_t>(t->getStartIndex());
    uint32_t end = static_cast<uint32_t>(t->getStopIndex() + 1);
    switch (t->getType()) {
      case L::UNTERMINATED_COMMENT:
      case L::UNTERMINATED_STRING:
      case L::UNTERMINATED_TRIPLE_STRING:
      case L::UNTERMINATED_REGEX:
        if (end >= _input->size()) errors_->eof_swallowed = true;
        break;
      default:
        break;
    }
    switch (t->getType()) {
      case L::ERROR_CHAR: {
        std::string text = t->getText();
        size_t bad;
        // Invalid UTF-8 was reported by the up-front check.
        if (ValidUtf8(text, &bad)) {
          std::vector<std::string> notes;
          if (text == "&") notes.push_back("help: use `and`");
          if (text == "|") notes.push_back("help: use `or`");
          if (text == "'") notes.push_back("help: strings are written in double quotes: \"...\"");
          errors_->Add(DiagCode::kSyntax, begin, end,
                       fmt::format("unexpected character {}", ShowChar(text)), true,
                       std::move(notes));
        }
        if (w) w->setChannel(kErrorChannel);
        break;
      }
      case L::UNTERMINATED_COMMENT:
        errors_->Add(DiagCode::kSyntax, begin, begin + 2,
                     "unterminated block comment (missing `*/`)", true);
        break;
      case L::UNTERMINATED_STRING:
        Unterminated(w, begin, end, P::STRING, "unterminated string (missing closing `\"`)");
        break;
      case L::UNTERMINATED_TRIPLE_STRING:
        Unterminated(w, begin, end, P::TRIPLE_STRING,
                     "unterminated `\"\"\"` string (missing closing `\"\"\"`)");
        break;
      case L::UNTERMINATED_REGEX:
        Unterminated(w, begin, end, P::REGEX, "unterminated regex (missing closing `/`)");
        break;
      case L::BAD_NUMBER:
        // Most often a duration with a wrong unit (`5min`); parse on as one.
        Unterminated(w, begin, end, P::DURATION,
                     fmt::format("malformed number or duration `{}` (duration units are ms, s, "
                                 "m, h, d and w)",
                                 Shorten(t->getText())));
        break;
      default:
        break;
    }
    if (t->getChannel() == Token::DEFAULT_CHANNEL) {
      // `matches` starts a regex literal unless it is a path segment (`x.matches`).
      if (t->getType() == L::KW_MATCHES && prev_type_ != L::DOT && NextIsSlash()) {
        pushMode(L::REGEX_MODE);
      }
      prev_type_ = t->getType();
    }
    return t;
  }

 private:
  void Unterminated(antlr4::WritableToken* w, uint32_t begin, uint32_t end, size_t as_type,
                    std::string message) {
    errors_->Add(DiagCode::kBadLiteral, begin, end, std::move(message), true);
    errors_->reported_tokens.insert(begin);
    if (w) w->setType(as_type);
  }

  // True if the next character after spaces and comments is `/` (a regex).
  bool NextIsSlash() {
    antlr4::CharStream* in = _input;
    ssize_t k = 1;
    for (;;) {
      size_t c = in->LA(k);
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') {
        ++k;
      } else if (c == '/' && in->LA(k + 1) == '/') {
        while (in->LA(k) != '\n' && in->LA(k) != Token::EOF) ++k;
      } else if (c == '/' && in->LA(k + 1) == '*') {
        k += 2;
        while (in->LA(k) != Token::EOF && !(in->LA(k) == '*' && in->LA(k + 1) == '/')) ++k;
        if (in->LA(k) == Token::EOF) return false;
        k += 2;
      } else {
        return c == '/';
      }
    }
  }

  ErrorCollector* errors_;
  size_t prev_type_ = Token::INVALID_TYPE;
};

// ---------------------------------------------------------------- names ---

bool IsSoftKeyword(size_t t) {
  switch (t) {
    case P::KW_TITLE:
    case P::KW_DESCRIPTION:
    case P::KW_SEVERITY:
    case P::KW_ATTACK:
    case P::KW_DATA:
    case P::KW_REFERENCES:
    case P::KW_TAGS:
    case P::KW_FALSEPOSITIVES:
    case P::KW_TUNING:
    case P::KW_AUTHOR:
    case P::KW_COUNT:
    case P::KW_DISTINCT:
    case P::KW_NEW:
    case P::KW_LEARN:
      return true;
    default:
      return false;
  }
}

bool IsCompareOp(size_t t) {
  switch (t) {
    case P::EQ:
    case P::NE:
    case P::LT:
    case P::LE:
    case P::GT:
    case P::GE:
    case P::EQ_CI:
    case P::NE_CI:
      return true;
    default:
      return false;
  }
}

// Tokens after which an expression may be complete.
bool EndsOperand(size_t t) {
  switch (t) {
    case P::IDENT:
    case P::STRING:
    case P::INT:
    case P::FLOAT:
    case P::DURATION:
    case P::REGEX:
    case P::RPAREN:
    case P::RBRACK:
    case P::KW_TRUE:
    case P::KW_FALSE:
    case P::KW_NULL:
      return true;
    default:
      return IsSoftKeyword(t);
  }
}

// How an expected token type reads in "expected X".
std::string ExpectedName(size_t type, const antlr4::dfa::Vocabulary& vocab) {
  switch (type) {
    case Token::EOF:
      return "end of file";
    case P::IDENT:
      return "a name";
    case P::STRING:
      return "a string";
    case P::TRIPLE_STRING:
      return "a `\"\"\"` string";
    case P::INT:
      return "an integer";
    case P::FLOAT:
      return "a number";
    case P::DURATION:
      return "a duration like `10m`";
    case P::REGEX:
      return "a regex `/.../`";
    default:
      break;
  }
  std::string lit = vocab.getLiteralName(type);  // 'where'
  if (lit.size() >= 2 && lit.front() == '\'' && lit.back() == '\'') {
    return fmt::format("`{}`", lit.substr(1, lit.size() - 2));
  }
  return vocab.getSymbolicName(type);
}

std::string Found(const Token* t) {
  if (!t || t->getType() == Token::EOF) return "end of file";
  return fmt::format("`{}`", Shorten(t->getText()));
}

std::string JoinAlternatives(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

// The keyword spellings in `expected`, for did-you-mean.
std::vector<std::string> KeywordCandidates(const antlr4::misc::IntervalSet& expected,
                                           const antlr4::dfa::Vocabulary& vocab) {
  std::vector<std::string> out;
  for (ssize_t t : expected.toList()) {
    if (t < 0) continue;
    std::string lit = vocab.getLiteralName(static_cast<size_t>(t));
    if (lit.size() > 2 && lit.front() == '\'' && std::isalpha(static_cast<unsigned char>(lit[1]))) {
      out.push_back(lit.substr(1, lit.size() - 2));
    }
  }
  return out;
}

// ------------------------------------------------------- error strategy ---

// Words ANTLR's four kinds of syntax error (no viable alternative, input
// mismatch, extra token, missing token) as our diagnostics. Recovery itself
// is ANTLR's default (single-token insertion/deletion, then resync on the
// follow sets).
class ErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  explicit ErrorStrategy(ErrorCollector* errors) : errors_(errors) {}

 protected:
  void reportNoViableAlternative(antlr4::Parser* p,
                                 const antlr4::NoViableAltException& e) override {
    Token* offending = e.getOffendingToken();
    Token* start = e.getStartToken();
    // After a stage's expression the parser looks two tokens ahead for the
    // next `label:`; when that fails, the first of the two is the culprit
    // (`x startswith "a"`), unless the second shows a label missing its colon.
    if (start && offending && start != offending &&
        dynamic_cast<P::SequenceItemContext*>(p->getContext()) &&
        offending->getType() != P::KW_WHERE && offending->getType() != P::KW_BY) {
      offending = start;
    }
    Report(p, offending, e.getExpectedTokens());
  }
  void reportInputMismatch(antlr4::Parser* p, const antlr4::InputMismatchException& e) override {
    Report(p, e.getOffendingToken(), e.getExpectedTokens());
  }
  void reportFailedPredicate(antlr4::Parser* p,
                             const antlr4::FailedPredicateException& e) override {
    Report(p, e.getOffendingToken(), e.getExpectedTokens());
  }
  void reportUnwantedToken(antlr4::Parser* p) override {
    if (inErrorRecoveryMode(p)) return;
    beginErrorCondition(p);
    Token* t = p->getCurrentToken();
    Report(p, t, getExpectedTokens(p));
  }
  void reportMissingToken(antlr4::Parser* p) override {
    if (inErrorRecoveryMode(p)) return;
    beginErrorCondition(p);
    Token* t = p->getCurrentToken();
    Report(p, t, getExpectedTokens(p));
  }

 private:
  void Report(antlr4::Parser* p, Token* offending, const antlr4::misc::IntervalSet& expected) {
    if (errors_->eof_swallowed && (!offending || offending->getType() == Token::EOF)) return;
    std::vector<std::string> notes;
    std::string msg;
    Token* op = nullptr;
    if (Token* label = LabelAfterOperator(p, offending, &op)) {
      // `s1: where a == 1 and` + `s2: where ...`: the label was read as the
      // right operand of `and`.
      msg = fmt::format("expected an expression after `{}`, found stage label `{}`", op->getText(),
                        label->getText());
      offending = label;
    } else if (Token* fn = FunctionUsedAsOperator(p, offending)) {
      // `x startswith "a"` (a KQL habit): these are functions here.
      offending = fn;
      msg = fmt::format("`{0}` is a function, not an operator: write `{0}(value, ...)`",
                        fn->getText());
    } else {
      msg = Message(p, offending, expected, &notes);
    }
    size_t size = errors_->file().text().size();
    uint32_t begin = static_cast<uint32_t>(size);
    uint32_t end = begin;
    if (offending && offending->getType() != Token::EOF && offending->getStartIndex() < size) {
      begin = static_cast<uint32_t>(offending->getStartIndex());
      end = static_cast<uint32_t>(std::min(offending->getStopIndex() + 1, size));
    }
    errors_->Add(DiagCode::kSyntax, begin, end, std::move(msg), true, std::move(notes));
    if (errors_->raw_count() > kMaxRawErrors) throw TooManyErrors{};
  }

  static std::string EnclosingRuleName(antlr4::ParserRuleContext* ctx) {
    for (; ctx; ctx = dynamic_cast<antlr4::ParserRuleContext*>(ctx->parent)) {
      if (auto* r = dynamic_cast<P::RuleDeclContext*>(ctx)) {
        if (r->name() && r->name()->getStart()) return r->name()->getStart()->getText();
      }
    }
    return {};
  }

  static bool InStage(antlr4::ParserRuleContext* ctx) {
    return dynamic_cast<P::StageContext*>(ctx) != nullptr ||
           dynamic_cast<P::SequenceItemContext*>(ctx) != nullptr;
  }

  std::string Message(antlr4::Parser* p, Token* offending,
                      const antlr4::misc::IntervalSet& expected, std::vector<std::string>* notes) {
    const antlr4::dfa::Vocabulary& vocab = p->getVocabulary();
    antlr4::ParserRuleContext* ctx = p->getContext();
    size_t type = offending ? offending->getType() : Token::EOF;
    std::string found = Found(offending);
    auto* tokens = dynamic_cast<antlr4::BufferedTokenStream*>(p->getTokenStream());

    // `snap where ...`: a stage label without its colon.
    if (InStage(ctx) && (type == P::KW_WHERE || type == P::KW_BY)) {
      return "missing `:` after stage label";
    }

    Token* prev = nullptr;
    if (tokens && offending && type != Token::EOF && offending->getTokenIndex() > 0) {
      prev = PreviousDefault(tokens, offending->getTokenIndex());
    }
    bool after_operand = prev && EndsOperand(prev->getType());

    // `a == b == c`
    if (IsCompareOp(type) && !expected.contains(type) && after_operand &&
        PrecededByComparison(tokens, offending->getTokenIndex())) {
      return fmt::format(
          "unexpected {}: comparisons do not chain; combine them with `and` or "
          "use parentheses",
          found);
    }

    // A rule that is not closed before the next declaration or the end.
    if (expected.contains(static_cast<size_t>(P::RBRACE)) &&
        (type == Token::EOF || type == P::KW_RULE || type == P::KW_LIST || type == P::KW_MACRO ||
         type == P::KW_IMPORT)) {
      std::string name = EnclosingRuleName(ctx);
      if (!name.empty())
        return fmt::format("expected `}}` to close rule `{}`, found {}", name, found);
    }

    // `a = 1`
    if (type == P::ASSIGN && after_operand) {
      return "unexpected `=`: compare with `==`";
    }

    // A sequence needs at least one stage right after its header.
    if (dynamic_cast<P::SequenceItemContext*>(ctx) &&
        expected.contains(static_cast<size_t>(P::BANG)) &&
        !expected.contains(static_cast<size_t>(P::KW_UNTIL))) {
      return fmt::format("expected a stage (`label: where ...`), found {}", found);
    }

    // Classify the expected set.
    bool expr_start = expected.contains(static_cast<size_t>(P::LPAREN)) &&
                      expected.contains(static_cast<size_t>(P::STRING)) &&
                      expected.contains(static_cast<size_t>(P::INT)) &&
                      expected.contains(static_cast<size_t>(P::MINUS));
    bool rule_items = expected.contains(static_cast<size_t>(P::KW_MATCH)) &&
                      expected.contains(static_cast<size_t>(P::KW_SEQUENCE));
    bool top_level = expected.contains(static_cast<size_t>(P::KW_RULE)) &&
                     expected.contains(static_cast<size_t>(P::KW_IMPORT));

    std::vector<std::string> names;
    bool name_added = false;
    for (ssize_t t : expected.toList()) {
      if (t == -1) t = static_cast<ssize_t>(Token::EOF);
      size_t tt = static_cast<size_t>(t);
      if (tt == P::IDENT || IsSoftKeyword(tt)) {
        if (expected.contains(static_cast<size_t>(P::IDENT))) {
          if (!name_added) names.push_back("a name");
          name_added = true;
          continue;
        }
      }
      names.push_back(ExpectedName(tt, vocab));
    }

    // Did-you-mean for a misspelled keyword.
    if (offending && (type == P::IDENT || IsSoftKeyword(type)) && names.size() > 1 &&
        offending->getText().size() >= 3) {
      std::string guess = ClosestMatch(offending->getText(), KeywordCandidates(expected, vocab));
      if (!guess.empty() && guess != offending->getText()) {
        notes->push_back(fmt::format("help: did you mean `{}`?", guess));
      }
    }

    if (expr_start) return fmt::format("expected an expression, found {}", found);
    if (rule_items) {
      // `attack T1578.001 T1578.003`, unless it is a misspelled item.
      if (notes->empty() && tokens && (type == P::STRING || type == P::IDENT) &&
          AfterMetaValue(tokens, offending->getTokenIndex())) {
        return fmt::format("expected `,` between metadata values, found {}", found);
      }
      notes->push_back(
          "help: a rule holds metadata (`title`, `severity`, `attack`, ...), one `match` or "
          "`sequence`, and `except`, `suppress`, `emit` and `test` clauses");
      return fmt::format("unexpected {} in rule body", found);
    }
    if (top_level) {
      notes->push_back("help: a file holds `rule`, `list`, `macro` and `import` declarations");
      return fmt::format("unexpected {}", found);
    }
    if (!names.empty() && names.size() <= 4) {
      return fmt::format("expected {}, found {}", JoinAlternatives(names), found);
    }
    return fmt::format("unexpected {}", found);
  }

  // The offending token, or in a sequence the token before it (taken for a
  // stage label), if it is a string function name right after an operand.
  static Token* FunctionUsedAsOperator(antlr4::Parser* p, Token* offending) {
    auto* tokens = dynamic_cast<antlr4::BufferedTokenStream*>(p->getTokenStream());
    if (!tokens || !offending || offending->getType() == Token::EOF) return nullptr;
    auto is_fn = [](Token* t) {
      if (!t || t->getType() != P::IDENT) return false;
      std::string w = t->getText();
      return w == "startswith" || w == "endswith" || w == "contains" || w == "cidrmatch";
    };
    Token* cand = offending;
    if (!is_fn(cand) && InStage(p->getContext())) {
      cand = PreviousDefault(tokens, offending->getTokenIndex());
    }
    if (!is_fn(cand)) return nullptr;
    Token* before = PreviousDefault(tokens, cand->getTokenIndex());
    return before && EndsOperand(before->getType()) ? cand : nullptr;
  }

  // True if, walking back from `index` over one operand (balanced brackets
  // skipped), the parser meets a comparison operator before any keyword or
  // separator: the offending operator would chain a second comparison.
  static bool PrecededByComparison(antlr4::BufferedTokenStream* tokens, size_t index) {
    int depth = 0;
    for (Token* t = PreviousDefault(tokens, index); t;
         t = PreviousDefault(tokens, t->getTokenIndex())) {
      size_t type = t->getType();
      if (type == P::RPAREN || type == P::RBRACK) {
        ++depth;
      } else if (type == P::LPAREN || type == P::LBRACK) {
        if (--depth < 0) return false;
      } else if (depth == 0) {
        if (IsCompareOp(type)) return true;
        bool operand_part = type == P::IDENT || type == P::DOT || type == P::STRING ||
                            type == P::INT || type == P::FLOAT || type == P::DURATION ||
                            type == P::KW_TRUE || type == P::KW_FALSE || type == P::KW_NULL ||
                            type == P::PLUS || type == P::MINUS || type == P::STAR ||
                            type == P::SLASH || type == P::PERCENT || IsSoftKeyword(type);
        if (!operand_part) return false;
      }
    }
    return false;
  }

  // For an offending `:` right after a name that follows a binary operator,
  // returns the name (a stage label) and sets `op`.
  static Token* LabelAfterOperator(antlr4::Parser* p, Token* offending, Token** op) {
    auto* tokens = dynamic_cast<antlr4::BufferedTokenStream*>(p->getTokenStream());
    if (!tokens || !offending || offending->getType() != P::COLON) return nullptr;
    Token* label = PreviousDefault(tokens, offending->getTokenIndex());
    if (!label || (label->getType() != P::IDENT && !IsSoftKeyword(label->getType()))) {
      return nullptr;
    }
    Token* before = PreviousDefault(tokens, label->getTokenIndex());
    if (!before) return nullptr;
    size_t t = before->getType();
    bool binary = t == P::KW_AND || t == P::KW_OR || t == P::KW_NOT || IsCompareOp(t) ||
                  t == P::PLUS || t == P::MINUS || t == P::STAR || t == P::SLASH ||
                  t == P::PERCENT || t == P::KW_IN || t == P::KW_IN_CI;
    if (!binary) return nullptr;
    *op = before;
    return label;
  }

  // True if the token before `index` ends a metadata value list
  // (`attack T1578.001 T1578.003`: a missing comma).
  static bool AfterMetaValue(antlr4::BufferedTokenStream* tokens, size_t index) {
    for (Token* t = PreviousDefault(tokens, index); t;
         t = PreviousDefault(tokens, t->getTokenIndex())) {
      switch (t->getType()) {
        case P::KW_TITLE:
        case P::KW_DESCRIPTION:
        case P::KW_SEVERITY:
        case P::KW_ATTACK:
        case P::KW_DATA:
        case P::KW_REFERENCES:
        case P::KW_TAGS:
        case P::KW_FALSEPOSITIVES:
        case P::KW_TUNING:
        case P::KW_AUTHOR:
          return true;
        case P::IDENT:
        case P::STRING:
        case P::DOT:
        case P::INT:
        case P::COMMA:
          continue;
        default:
          return false;
      }
    }
    return false;
  }

  static Token* PreviousDefault(antlr4::BufferedTokenStream* tokens, size_t index) {
    while (index > 0) {
      --index;
      Token* t = tokens->get(index);
      if (t->getChannel() == Token::DEFAULT_CHANNEL) return t;
    }
    return nullptr;
  }

  ErrorCollector* errors_;
};

// ----------------------------------------------------------- depth guard ---

// Bounds the parser's recursion (deeply nested parentheses would otherwise
// overflow the stack) and remembers the root so that an aborted parse still
// yields a partial tree.
class DepthGuard : public antlr4::tree::ParseTreeListener {
 public:
  void enterEveryRule(antlr4::ParserRuleContext* ctx) override {
    if (!root_) root_ = ctx;
    if (++depth_ > kMaxRuleDepth) {
      const Token* t = ctx->getStart();
      throw TooDeep{t ? static_cast<size_t>(t->getStartIndex()) : 0};
    }
  }
  void exitEveryRule(antlr4::ParserRuleContext*) override { --depth_; }
  void visitTerminal(antlr4::tree::TerminalNode*) override {}
  void visitErrorNode(antlr4::tree::ErrorNode*) override {}
  antlr4::ParserRuleContext* root() const { return root_; }

 private:
  size_t depth_ = 0;
  antlr4::ParserRuleContext* root_ = nullptr;
};

void CheckUtf8(std::string_view text, ErrorCollector& errors) {
  size_t base = 0;
  size_t bad = 0;
  while (!ValidUtf8(text.substr(base), &bad)) {
    uint32_t at = static_cast<uint32_t>(base + bad);
    errors.Add(DiagCode::kSyntax, at, at + 1,
               fmt::format("invalid UTF-8 (byte 0x{:02X}); source files must be UTF-8",
                           static_cast<unsigned char>(text[at])),
               true);
    base = at + 1;
  }
}

}  // namespace
}  // namespace syntax

ast::File ParseFile(const SourceManager& sm, uint32_t file_id, DiagnosticSink& sink) {
  ast::File out;
  out.file_id = file_id;
  if (file_id >= sm.size()) {
    sink.Report(DiagCode::kIoError, Span{file_id, 0, 0},
                fmt::format("no source file #{}", file_id));
    return out;
  }
  const SourceFile& src = sm.file(file_id);
  if (src.text().size() > kMaxSourceBytes) {
    sink.Report(DiagCode::kIoError, Span{file_id, 0, 0},
                fmt::format("file is too large to parse ({} bytes; the limit is {} bytes)",
                            src.text().size(), kMaxSourceBytes));
    return out;
  }
  syntax::ErrorCollector errors(src, file_id);
  try {
    syntax::CheckUtf8(src.text(), errors);
    syntax::ByteStream input(src.text());
    input.name = src.name();
    syntax::Lexer lexer(&input, &errors);
    lexer.removeErrorListeners();  // the lexer is total: ERROR_CHAR catches the rest
    antlr4::CommonTokenStream tokens(&lexer);
    tokens.fill();

    rdl_antlr::RuleParser parser(&tokens);
    parser.removeErrorListeners();  // no console output; the strategy reports
    parser.setErrorHandler(std::make_shared<syntax::ErrorStrategy>(&errors));
    syntax::DepthGuard guard;
    parser.addParseListener(&guard);

    antlr4::ParserRuleContext* root = nullptr;
    try {
      root = parser.file_();
    } catch (const syntax::TooDeep& e) {
      uint32_t at = static_cast<uint32_t>(e.offset);
      errors.Add(DiagCode::kSyntax, at, at + 1,
                 "nesting is too deep (too many levels of parentheses, brackets, calls, `not` or "
                 "`-`)",
                 false);
      root = guard.root();
    } catch (const syntax::TooManyErrors&) {
      root = guard.root();
    }
    out = syntax::BuildAst(root, errors);
    out.file_id = file_id;
  } catch (const std::exception& e) {
    errors.Add(DiagCode::kSyntax, 0, 0, fmt::format("internal parser error: {}", e.what()), false);
  } catch (...) {
    errors.Add(DiagCode::kSyntax, 0, 0, "internal parser error", false);
  }
  errors.Flush(sink);
  return out;
}

}  // namespace rdl
