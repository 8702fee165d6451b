// The raw-byte prefilter: decides, from a record's text alone, whether any
// rule of the pack could care about it, so the reader skips the others
// before it parses them (most of an audit log is read-only noise).
//
// The compiler derives per rule what a record must carry (Rule::
// prefilter_actions / prefilter_literals, compiler/opt/prefilter.cc); here
// the actions become the operation names the provider tables map to them.
// A record is skipped only when its text provably holds none of them:
//
//  1. The quick scan (one pass, Hyperscan when the build has it) looks for
//     the rules' own literals, for text that could hide a literal (a `\u` or
//     `\/` escape, a `"data"` key: a base64 Pub/Sub payload) and for the keys
//     that carry a record's operation in every provider table. Any of the
//     first two: the record is parsed.
//  2. When the only operation keys found are those of a provider whose
//     operation is a plain top-level string (CloudTrail's "eventName"), the
//     record is decided by those values: parsed when one of them is an
//     operation some rule needs (a nested key of the same name can only add
//     candidates, never hide one).
//  3. Otherwise (other providers, normalized events, unknown shapes) the
//     full scan looks for every needed operation name and action anywhere in
//     the text, ASCII case-insensitively.
//
// Records of unknown shape therefore still reach the parser and are counted
// as bad there.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "runtime/ingest/ingest.h"
#include "runtime/ingest/mapping.h"

namespace rdl::ingest {

// A compiled set of literals, matched ASCII case-insensitively. Immutable
// and shareable across threads; each thread scans with its own Scratch.
class LiteralSet {
 public:
  static std::unique_ptr<LiteralSet> Compile(std::vector<std::string> literals, std::string* error);
  ~LiteralSet();
  const std::vector<std::string>& literals() const { return literals_; }  // lower-cased
  static const char* Engine();  // "hyperscan" or "searchers"

  class Scratch {
   public:
    explicit Scratch(const LiteralSet& set);
    ~Scratch();
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

   private:
    friend class LiteralSet;
    void* hs_ = nullptr;  // hs_scratch_t*
  };
  // Calls on_match(literal index, end offset) for matches in `text` until it
  // returns false. Returns false when the text could not be scanned (then
  // the caller must assume anything matched).
  template <typename F>
  bool Scan(std::string_view text, Scratch& scratch, F&& on_match) const {
    return ScanImpl(text, scratch, &Trampoline<F>, &on_match);
  }

 private:
  LiteralSet() = default;
  using Callback = bool (*)(void* ctx, unsigned id, size_t end);
  template <typename F>
  static bool Trampoline(void* ctx, unsigned id, size_t end) {
    return (*static_cast<F*>(ctx))(id, end);
  }
  bool ScanImpl(std::string_view text, Scratch& scratch, Callback cb, void* ctx) const;
  struct Impl;
  std::vector<std::string> literals_;
  std::unique_ptr<Impl> impl_;
};

class RecordFilter {
 public:
  static std::shared_ptr<const RecordFilter> Build(const PrefilterSpec& spec,
                                                   const Mappings& mappings, std::string* error);
  // For `rulerun --explain-prefilter`: one line per literal or key, tagged.
  std::vector<std::string> Explain() const;

  // One per thread.
  class Scanner {
   public:
    explicit Scanner(std::shared_ptr<const RecordFilter> filter);
    // False when no rule can care about the record (or document) `text`.
    bool MayMatter(std::string_view text);

   private:
    std::shared_ptr<const RecordFilter> f_;
    LiteralSet::Scratch quick_, full_;
    std::vector<size_t> key_ends_;  // anchor-key matches of the current text
    std::string lower_;
  };

 private:
  RecordFilter() = default;
  // Literal ids of the quick set: [0, num_forcing_) force a parse,
  // [num_forcing_, num_forcing_ + num_anchor_keys_) are anchor keys, the
  // rest are other operation keys.
  std::unique_ptr<LiteralSet> quick_, full_;
  unsigned num_forcing_ = 0, num_anchor_keys_ = 0;
  std::unordered_set<std::string> anchored_ops_;  // lower-cased operation names
  bool everything_ = false;                       // some record shape needs all
};

// The literals a record must contain (one of) for a rule to care: the
// rules' literals, the actions themselves (normalized events carry them) and
// the operation names (after any "service:") whose `action` rule can yield
// one of the actions, plus the escape triggers. Sorted, unique,
// lower-cased; "" when an unmapped operation could yield a needed action.
std::vector<std::string> PrefilterLiterals(const PrefilterSpec& spec, const Mappings& mappings);

}  // namespace rdl::ingest
