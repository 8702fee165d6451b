#include "runtime/ingest/prefilter.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <set>

#if RDL_HAVE_HYPERSCAN
#include <hs/hs.h>
#endif

namespace rdl {

std::optional<PrefilterSpec> PrefilterSpecOf(const Program& program) {
  PrefilterSpec spec;
  for (const Rule& r : program.rules) {
    if (r.prefilter_all) return std::nullopt;
    spec.actions.insert(spec.actions.end(), r.prefilter_actions.begin(), r.prefilter_actions.end());
    spec.literals.insert(spec.literals.end(), r.prefilter_literals.begin(),
                         r.prefilter_literals.end());
  }
  return spec;
}

namespace ingest {

namespace {

// Text that can stand for a literal without containing it: JSON escapes
// (`\u0041`, `\/`) and the base64 payload of a Pub/Sub push envelope.
const char* const kTriggers[] = {"\\u", "\\/", "\"data\""};
// Keys of normalized events and OCSF records that name the operation.
const char* const kNormalizedKeys[] = {"operation", "action"};

char Fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Whether `rule` (a field's candidates) can produce one of `wanted`.
bool MayYield(const FieldRule& rule, const std::set<std::string>& wanted) {
  for (const Candidate& c : rule.candidates) {
    auto hit = [&](const std::optional<Constant>& k) {
      return k && k->kind == Constant::kString && wanted.count(k->s);
    };
    if (c.constant) {
      if (hit(c.constant)) return true;
      continue;
    }
    if (c.value) {
      if (hit(c.value)) return true;
      continue;
    }
    if (!c.map.empty() || c.map_default) {
      for (const auto& [from, to] : c.map) {
        if (to.kind == Constant::kString && wanted.count(to.s)) return true;
      }
      if (hit(c.map_default)) return true;
      // Values not in the map and without a default pass through unchanged.
      if (!c.map_default) return true;
      continue;
    }
    return true;  // a value read from the record: anything
  }
  return false;
}

const std::vector<const ProviderMapping*> Tables(const Mappings& m) {
  return {&m.aws, &m.azure, &m.gcp, &m.ocsf};
}

// The operation names of `pm` (after any "service:") whose action may be wanted.
std::vector<std::string> WantedOperations(const ProviderMapping& pm,
                                          const std::set<std::string>& wanted, bool* common_may) {
  const int f_action = GetSchema().Find("action");
  auto common = pm.common.fields.find(f_action);
  *common_may = common != pm.common.fields.end() && MayYield(common->second, wanted);
  std::vector<std::string> out;
  for (const auto& [name, rules] : pm.operations) {
    auto it = rules.fields.find(f_action);
    bool may = it != rules.fields.end() ? MayYield(it->second, wanted) : *common_may;
    if (!may) continue;
    std::string_view op = name;
    if (size_t colon = op.rfind(':'); colon != std::string_view::npos) op = op.substr(colon + 1);
    out.emplace_back(op);
  }
  return out;
}

// The key a provider's operation is read from when it is one plain
// top-level string (CloudTrail: "eventName"), or "" when the operation may
// come from elsewhere (nested paths, regex captures, maps, constants).
std::string AnchorKey(const ProviderMapping& pm) {
  auto it = pm.common.fields.find(GetSchema().Find("api.operation"));
  if (it == pm.common.fields.end() || it->second.candidates.size() != 1) return "";
  const Candidate& c = it->second.candidates[0];
  if (c.constant || c.regex || !c.equals.empty() || !c.map.empty() || c.map_default || c.value ||
      c.path.is_operation || c.path.segments.size() != 1 || c.path.segments[0] == "$json") {
    return "";
  }
  return c.path.segments[0];
}

// The first key of every path a provider may read its operation from.
void OperationKeys(const ProviderMapping& pm, std::set<std::string>* keys) {
  auto it = pm.common.fields.find(GetSchema().Find("api.operation"));
  if (it == pm.common.fields.end()) return;
  for (const Candidate& c : it->second.candidates) {
    if (!c.path.segments.empty() && c.path.segments[0] != "$json") keys->insert(c.path.segments[0]);
  }
}

std::string Quoted(std::string_view key) { return "\"" + LowerAscii(key) + "\""; }

}  // namespace

std::vector<std::string> PrefilterLiterals(const PrefilterSpec& spec, const Mappings& mappings) {
  std::set<std::string> out;
  for (const std::string& l : spec.literals) out.insert(LowerAscii(l));
  std::set<std::string> wanted(spec.actions.begin(), spec.actions.end());
  for (const std::string& a : spec.actions) out.insert(LowerAscii(a));
  for (const ProviderMapping* pm : Tables(mappings)) {
    bool common_may = false;
    for (const std::string& op : WantedOperations(*pm, wanted, &common_may)) {
      out.insert(LowerAscii(op));
    }
    // Unmapped operations get the common action too: nothing to anchor on.
    if (common_may) out.insert("");
  }
  for (const char* t : kTriggers) out.insert(t);
  return {out.begin(), out.end()};
}

// ------------------------------------------------------------ LiteralSet --

struct LiteralSet::Impl {
#if RDL_HAVE_HYPERSCAN
  hs_database_t* db = nullptr;
  hs_scratch_t* prototype = nullptr;
#else
  using Searcher =
      std::boyer_moore_horspool_searcher<std::string::const_iterator, std::function<size_t(char)>,
                                         std::function<bool(char, char)> >;
  std::vector<Searcher> searchers;
#endif
};

std::unique_ptr<LiteralSet> LiteralSet::Compile(std::vector<std::string> literals,
                                                std::string* error) {
  std::unique_ptr<LiteralSet> set(new LiteralSet());
  set->impl_ = std::make_unique<Impl>();
  for (std::string& l : literals) l = LowerAscii(l);
  set->literals_ = std::move(literals);
  Impl& impl = *set->impl_;
  for (const std::string& l : set->literals_) {
    if (l.empty()) {
      *error = "prefilter: empty literal";
      return nullptr;
    }
  }
#if RDL_HAVE_HYPERSCAN
  if (!set->literals_.empty()) {
    std::vector<const char*> exprs;
    std::vector<size_t> lens;
    std::vector<unsigned> flags, ids;
    for (size_t i = 0; i < set->literals_.size(); ++i) {
      exprs.push_back(set->literals_[i].data());
      lens.push_back(set->literals_[i].size());
      flags.push_back(HS_FLAG_CASELESS);
      ids.push_back(static_cast<unsigned>(i));
    }
    hs_compile_error_t* err = nullptr;
    if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(),
                             static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr, &impl.db,
                             &err) != HS_SUCCESS) {
      *error = std::string("prefilter: hyperscan: ") + (err ? err->message : "compile failed");
      if (err) hs_free_compile_error(err);
      return nullptr;
    }
    if (hs_alloc_scratch(impl.db, &impl.prototype) != HS_SUCCESS) {
      *error = "prefilter: hyperscan: cannot allocate scratch";
      return nullptr;
    }
  }
#else
  for (const std::string& l : set->literals_) {
    impl.searchers.emplace_back(
        l.begin(), l.end(), [](char c) { return std::hash<char>()(Fold(c)); },
        [](char a, char b) { return Fold(a) == Fold(b); });
  }
#endif
  return set;
}

LiteralSet::~LiteralSet() {
#if RDL_HAVE_HYPERSCAN
  if (impl_ && impl_->prototype) hs_free_scratch(impl_->prototype);
  if (impl_ && impl_->db) hs_free_database(impl_->db);
#endif
}

const char* LiteralSet::Engine() {
#if RDL_HAVE_HYPERSCAN
  return "hyperscan";
#else
  return "searchers";
#endif
}

LiteralSet::Scratch::Scratch(const LiteralSet& set) {
#if RDL_HAVE_HYPERSCAN
  if (set.impl_->prototype) {
    hs_scratch_t* s = nullptr;
    if (hs_clone_scratch(set.impl_->prototype, &s) == HS_SUCCESS) hs_ = s;
  }
#else
  (void)set;
#endif
}

LiteralSet::Scratch::~Scratch() {
#if RDL_HAVE_HYPERSCAN
  if (hs_) hs_free_scratch(static_cast<hs_scratch_t*>(hs_));
#endif
}

bool LiteralSet::ScanImpl(std::string_view text, Scratch& scratch, Callback cb, void* ctx) const {
  if (literals_.empty()) return true;
#if RDL_HAVE_HYPERSCAN
  if (!scratch.hs_ || text.size() > 0xffffffffu) return false;
  struct Ctx {
    Callback cb;
    void* ctx;
  } c{cb, ctx};
  auto on_match = [](unsigned id, unsigned long long, unsigned long long to, unsigned,
                     void* p) -> int {
    Ctx* k = static_cast<Ctx*>(p);
    return k->cb(k->ctx, id, static_cast<size_t>(to)) ? 0 : 1;
  };
  hs_error_t rc = hs_scan(impl_->db, text.data(), static_cast<unsigned>(text.size()), 0,
                          static_cast<hs_scratch_t*>(scratch.hs_), on_match, &c);
  return rc == HS_SUCCESS || rc == HS_SCAN_TERMINATED;
#else
  (void)scratch;
  for (size_t i = 0; i < impl_->searchers.size(); ++i) {
    for (auto it = text.begin();;) {
      it = std::search(it, text.end(), impl_->searchers[i]);
      if (it == text.end()) break;
      size_t end = static_cast<size_t>(it - text.begin()) + literals_[i].size();
      if (!cb(ctx, static_cast<unsigned>(i), end)) return true;
      ++it;
    }
  }
  return true;
#endif
}

// ---------------------------------------------------------- RecordFilter --

std::shared_ptr<const RecordFilter> RecordFilter::Build(const PrefilterSpec& spec,
                                                        const Mappings& mappings,
                                                        std::string* error) {
  std::shared_ptr<RecordFilter> f(new RecordFilter());
  std::vector<std::string> full = PrefilterLiterals(spec, mappings);
  if (!full.empty() && full.front().empty()) {
    f->everything_ = true;
    return f;
  }
  // Quick set: forcing literals, then anchor keys, then other operation keys.
  std::vector<std::string> quick;
  for (const std::string& l : spec.literals) quick.push_back(LowerAscii(l));
  for (const char* t : kTriggers) quick.push_back(t);
  std::sort(quick.begin(), quick.end());
  quick.erase(std::unique(quick.begin(), quick.end()), quick.end());
  f->num_forcing_ = static_cast<unsigned>(quick.size());

  std::set<std::string> wanted(spec.actions.begin(), spec.actions.end());
  std::set<std::string> anchor_keys, other_keys;
  for (const ProviderMapping* pm : Tables(mappings)) {
    std::string key = AnchorKey(*pm);
    bool common_may = false;
    std::vector<std::string> ops = WantedOperations(*pm, wanted, &common_may);
    if (!key.empty() && pm->strip_prefixes.empty()) {
      anchor_keys.insert(LowerAscii(key));
      for (const std::string& op : ops) f->anchored_ops_.insert(LowerAscii(op));
    } else {
      OperationKeys(*pm, &other_keys);
    }
  }
  for (const char* k : kNormalizedKeys) other_keys.insert(k);
  for (const std::string& k : anchor_keys) other_keys.erase(k);
  // Two providers reading the same key could not be told apart: no anchor.
  if (anchor_keys.size() > 1) {
    other_keys.insert(anchor_keys.begin(), anchor_keys.end());
    anchor_keys.clear();
    f->anchored_ops_.clear();
  }
  for (const std::string& k : anchor_keys) quick.push_back(Quoted(k));
  f->num_anchor_keys_ = static_cast<unsigned>(anchor_keys.size());
  for (const std::string& k : other_keys) quick.push_back(Quoted(k));

  f->quick_ = LiteralSet::Compile(std::move(quick), error);
  if (!f->quick_) return nullptr;
  f->full_ = LiteralSet::Compile(std::move(full), error);
  if (!f->full_) return nullptr;
  return f;
}

std::vector<std::string> RecordFilter::Explain() const {
  std::vector<std::string> out;
  if (everything_) {
    out.push_back("every record (an operation no table maps may carry a needed action)");
    return out;
  }
  out.push_back(std::string("engine: ") + LiteralSet::Engine());
  const std::vector<std::string>& q = quick_->literals();
  for (unsigned i = 0; i < q.size(); ++i) {
    const char* tag = i < num_forcing_                      ? "parse if present"
                      : i < num_forcing_ + num_anchor_keys_ ? "anchor key"
                                                            : "operation key (full scan)";
    out.push_back("quick " + q[i] + "  (" + tag + ")");
  }
  std::vector<std::string> ops(anchored_ops_.begin(), anchored_ops_.end());
  std::sort(ops.begin(), ops.end());
  for (const std::string& op : ops) out.push_back("anchored " + op);
  for (const std::string& l : full_->literals()) out.push_back("full " + l);
  return out;
}

RecordFilter::Scanner::Scanner(std::shared_ptr<const RecordFilter> filter)
    : f_(std::move(filter)),
      quick_(f_->quick_ ? *f_->quick_ : *LiteralSet::Compile({}, &lower_)),
      full_(f_->full_ ? *f_->full_ : *LiteralSet::Compile({}, &lower_)) {}

bool RecordFilter::Scanner::MayMatter(std::string_view text) {
  const RecordFilter& f = *f_;
  if (f.everything_) return true;
  bool force = false, other_key = false;
  key_ends_.clear();
  bool scanned = f.quick_->Scan(text, quick_, [&](unsigned id, size_t end) {
    if (id < f.num_forcing_) {
      force = true;
      return false;
    }
    if (id < f.num_forcing_ + f.num_anchor_keys_) {
      key_ends_.push_back(end);
    } else {
      other_key = true;
    }
    return true;
  });
  if (!scanned || force) return true;
  if (!other_key && !key_ends_.empty()) {
    // Every operation this record can have is the value of an anchor key.
    for (size_t end : key_ends_) {
      size_t i = end;
      auto blank = [&](size_t k) {
        return k < text.size() &&
               (text[k] == ' ' || text[k] == '\t' || text[k] == '\n' || text[k] == '\r');
      };
      while (blank(i)) ++i;
      if (i >= text.size() || text[i] != ':') continue;  // a string value, not a key
      ++i;
      while (blank(i)) ++i;
      if (i >= text.size() || text[i] != '"') return true;  // not a string: parse
      ++i;
      const void* q = std::memchr(text.data() + i, '"', text.size() - i);
      if (!q) return true;
      std::string_view v = text.substr(i, static_cast<const char*>(q) - (text.data() + i));
      if (v.find('\\') != std::string_view::npos) return true;
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      lower_.assign(v);
      for (char& c : lower_) c = Fold(c);
      if (f.anchored_ops_.count(lower_)) return true;
    }
    return false;
  }
  bool found = false;
  scanned = f.full_->Scan(text, full_, [&](unsigned, size_t) {
    found = true;
    return false;
  });
  return found || !scanned;
}

}  // namespace ingest
}  // namespace rdl
