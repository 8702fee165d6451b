// The LLVM 16 ORC LLJIT tier: translates a verified Code block into one
// native function. The only file that includes LLVM.
//
// Translation (every opcode):
// - Registers are one alloca'd 40-byte Value each, accessed as five i64
//   words (tag in the low byte of word 0; payload in word 1; a string's or
//   list's length in the low half of word 2) and never passed to a call, so
//   SROA turns them into SSA values: a LoadField costs only the loads of the
//   words that are used, a LoadConst folds into the code that reads it.
//   Helpers get a copy in a per-function argument area instead.
// - One basic block per instruction; jumps are branches. Backward jumps
//   (onto IterNext, the only loops the verifier allows) count against the
//   interpreter's budget (kMaxBackwardJumps), with the same result when it
//   runs out.
// - Inline IR for loads, moves, Not, Exists, truthiness, jumps, Return,
//   IterNext, int/int comparisons, and the string fast paths: a test whose
//   operand is a string and whose other side is a string constant (a local
//   constant propagation knows which registers hold which constant) compares
//   lengths first, then bytes against the constant's bytes in the module
//   (Eq, Ne, StartsWith, EndsWith; InSet by a switch on the length; EqCI,
//   InSetCI and Contains call a string helper only when the length fits).
//   Regexes that are literals or the compiler's wildcard translations
//   (`(?s)^LIT.*$`, `(?s)^.*LIT$`, `(?s)^.*LIT.*$`) become literal tests.
// - Everything else (lists, json arrays, mixed types) calls one helper of
//   jit_helpers.h, which are the only symbols the JITDylib defines
//   (absoluteSymbols, no process lookup); Compile refuses a module that
//   declares any other function.
#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Transforms/InstCombine/InstCombine.h>
#include <llvm/Transforms/Scalar/ADCE.h>
#include <llvm/Transforms/Scalar/CorrelatedValuePropagation.h>
#include <llvm/Transforms/Scalar/EarlyCSE.h>
#include <llvm/Transforms/Scalar/JumpThreading.h>
#include <llvm/Transforms/Scalar/SROA.h>
#include <llvm/Transforms/Scalar/SimplifyCFG.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string_view>
#include <type_traits>
#include <vector>

#include "runtime/jit/jit.h"
#include "runtime/jit/jit_helpers.h"
#include "runtime/vm/loaded_pack_impl.h"

namespace rdl {
namespace {

static_assert(std::is_trivially_copyable_v<Value>, "the JIT copies Values as bytes");
static_assert(sizeof(Value) == 40, "the JIT handles a Value as five 64-bit words");

using Tag = Value::Tag;
constexpr unsigned kWords = sizeof(Value) / 8;

// The word layout the translation assumes (checked once in Create; offsetof
// is not guaranteed on a class with a non-trivial member).
bool LayoutAsExpected() {
  Value v;
  auto at = [&](const void* p) {
    return static_cast<size_t>(static_cast<const char*>(p) - reinterpret_cast<const char*>(&v));
  };
  return at(&v.tag) == 0 && at(&v.i) == 8 && at(&v.b) == 8 && at(&v.s.p) == 8 && at(&v.s.n) == 16 &&
         at(&v.list.p) == 8 && at(&v.list.n) == 16;
}

std::string ToString(llvm::Error err) { return llvm::toString(std::move(err)); }

struct Helper {
  const char* name;
  void* addr;
};

#define RDL_HELPER(fn) \
  { #fn, reinterpret_cast < void*>(&fn) }
// The complete list of what JIT'd code may call (docs/jit.md).
const Helper kHelpers[] = {
    RDL_HELPER(rdl_jit_cmp),       RDL_HELPER(rdl_jit_ne),
    RDL_HELPER(rdl_jit_eqci),      RDL_HELPER(rdl_jit_inset),
    RDL_HELPER(rdl_jit_insetci),   RDL_HELPER(rdl_jit_inarray),
    RDL_HELPER(rdl_jit_match),     RDL_HELPER(rdl_jit_strtest),
    RDL_HELPER(rdl_jit_incidr),    RDL_HELPER(rdl_jit_memeq),
    RDL_HELPER(rdl_jit_eqci_mem),  RDL_HELPER(rdl_jit_contains_mem),
    RDL_HELPER(rdl_jit_inset_str), RDL_HELPER(rdl_jit_insetci_str),
    RDL_HELPER(rdl_jit_match_str), RDL_HELPER(rdl_jit_incidr_str),
    RDL_HELPER(rdl_jit_glob_str),  RDL_HELPER(rdl_jit_len),
    RDL_HELPER(rdl_jit_arith),     RDL_HELPER(rdl_jit_neg),
    RDL_HELPER(rdl_jit_loadref),   RDL_HELPER(rdl_jit_scratch_begin),
    RDL_HELPER(rdl_jit_case),      RDL_HELPER(rdl_jit_getpath),
    RDL_HELPER(rdl_jit_iterinit),
};
#undef RDL_HELPER

bool IsHelper(llvm::StringRef name) {
  for (const Helper& h : kHelpers) {
    if (name == h.name) return true;
  }
  return false;
}

// A regex that is a literal test in disguise. RE2 literals match exactly
// their bytes; `.*` (with (?s)) matches any valid UTF-8, which the glob
// helper checks.
enum class LitKind {
  kNone,
  kGlobPrefix,    // (?s)^LIT.*$
  kGlobSuffix,    // (?s)^.*LIT$
  kGlobContains,  // (?s)^.*LIT.*$
  kEquals,        // ^LIT$
  kStartsWith,    // ^LIT
  kEndsWith,      // LIT$
  kContains,      // LIT
};

LitKind ParseLiteralRegex(std::string_view re, std::string* lit) {
  bool dotall = false;
  if (re.starts_with("(?s)")) {
    dotall = true;
    re.remove_prefix(4);
  }
  bool start = false, end = false, pre = false, post = false;
  if (re.starts_with("^")) {
    start = true;
    re.remove_prefix(1);
  }
  if (re.starts_with(".*")) {
    if (!start || !dotall) return LitKind::kNone;
    pre = true;
    re.remove_prefix(2);
  }
  if (re.ends_with("$") && !(re.size() >= 2 && re[re.size() - 2] == '\\')) {
    end = true;
    re.remove_suffix(1);
    if (re.ends_with(".*") && !(re.size() >= 3 && re[re.size() - 3] == '\\')) {
      if (!dotall) return LitKind::kNone;
      post = true;
      re.remove_suffix(2);
    }
  }
  lit->clear();
  for (size_t i = 0; i < re.size(); ++i) {
    const char c = re[i];
    if (c == '\\') {
      if (i + 1 >= re.size()) return LitKind::kNone;
      const char e = re[++i];
      if (e == 'x' && re.substr(i, 3) == "x00") {
        lit->push_back('\0');
        i += 2;
      } else if ((e >= '0' && e <= '9') || (e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') ||
                 static_cast<unsigned char>(e) >= 0x80) {
        return LitKind::kNone;  // \d, \b, \pL, ...
      } else {
        lit->push_back(e);
      }
    } else if (std::strchr(".+*?()|[]{}^$", c) != nullptr) {
      return LitKind::kNone;
    } else {
      lit->push_back(c);
    }
  }
  if (pre || post) {
    if (!start || !end) return LitKind::kNone;
    return pre && post ? LitKind::kGlobContains : pre ? LitKind::kGlobSuffix : LitKind::kGlobPrefix;
  }
  if (start && end) return LitKind::kEquals;
  if (start) return LitKind::kStartsWith;
  if (end) return LitKind::kEndsWith;
  return LitKind::kContains;
}

class LlvmJit final : public JitCompiler {
 public:
  explicit LlvmJit(std::unique_ptr<llvm::orc::LLJIT> jit) : jit_(std::move(jit)) {}
  JitPredicate Compile(const Code& code, const LoadedPack& pack, std::string* why_not) override;
  std::vector<JitPredicate> CompileAll(const std::vector<const Code*>& codes,
                                       const LoadedPack& pack,
                                       std::vector<std::string>* why_not) override;

 private:
  // Compiles codes[k] for k in `batch` into one module (mu_ held). When the
  // module as a whole fails (invalid IR, a call outside the helper list,
  // LLVM errors) and the batch has several blocks, each is retried alone so
  // only the culprit stays on the interpreter.
  void CompileBatch(const std::vector<const Code*>& codes, const std::vector<size_t>& batch,
                    const LoadedPack& pack, std::vector<JitPredicate>* out,
                    std::vector<std::string>* why_not);
  // The module-level steps; false and *why_not set on failure.
  bool FinishModule(std::unique_ptr<llvm::LLVMContext> ctx, std::unique_ptr<llvm::Module> m,
                    const std::vector<std::string>& names, std::vector<JitPredicate>* fns,
                    std::string* why_not);

  std::mutex mu_;
  std::unique_ptr<llvm::orc::LLJIT> jit_;
  uint64_t next_id_ = 0;
};

// Builds the IR of one block into `m`.
class Translator {
 public:
  Translator(llvm::LLVMContext& ctx, llvm::Module& m, const LoadedPack& pack)
      : ctx_(ctx),
        m_(m),
        b_(ctx),
        pack_(pack),
        impl_(pack.impl()),
        consts_(pack.program().consts) {}

  // The function Build created (null if it failed before creating it).
  llvm::Function* function() const { return fn_; }

  bool Build(const Code& code, const std::string& name, std::string* why_not) {
    bool scratch = false;
    std::vector<bool> target(code.instrs.size(), false);
    for (const Instr& in : code.instrs) {
      if (!JitSupportsOp(in.op)) {
        *why_not = std::string("opcode ") + OpName(in.op) + " is not supported by the JIT";
        return false;
      }
      scratch = scratch || in.op == Op::Lower || in.op == Op::Upper || in.op == Op::GetPath ||
                in.op == Op::IterInit;
      if (in.op == Op::Jump || in.op == Op::JumpIfFalse || in.op == Op::JumpIfTrue ||
          in.op == Op::IterNext) {
        target[in.b] = true;
      }
    }
    ptr_ = llvm::PointerType::get(ctx_, 0);
    i8_ = b_.getInt8Ty();
    i32_ = b_.getInt32Ty();
    i64_ = b_.getInt64Ty();
    little_endian_ = m_.getDataLayout().isLittleEndian();
    auto* fty = llvm::FunctionType::get(b_.getInt1Ty(), {ptr_, ptr_}, false);
    fn_ = llvm::Function::Create(fty, llvm::Function::ExternalLinkage, name, m_);
    fn_->addRetAttr(llvm::Attribute::ZExt);
    slots_ = fn_->getArg(0);
    refs_ = fn_->getArg(1);

    auto* entry = llvm::BasicBlock::Create(ctx_, "entry", fn_);
    blocks_.resize(code.instrs.size());
    for (size_t i = 0; i < blocks_.size(); ++i) {
      blocks_[i] = llvm::BasicBlock::Create(ctx_, "i" + std::to_string(i), fn_);
    }
    b_.SetInsertPoint(entry);
    auto value_alloca = [&](unsigned n) {
      llvm::AllocaInst* a = b_.CreateAlloca(llvm::ArrayType::get(i64_, kWords * n));
      a->setAlignment(llvm::Align(8));
      return a;
    };
    regs_.resize(code.num_regs);
    known_.assign(code.num_regs, -1);
    for (auto& r : regs_) {
      r = value_alloca(1);
      for (unsigned k = 0; k < kWords; ++k) StoreW(r, k, b_.getInt64(0));  // missing
    }
    args_[0] = value_alloca(1);
    args_[1] = value_alloca(1);
    dst_ = value_alloca(2);
    backward_ = b_.CreateAlloca(i32_);
    b_.CreateStore(b_.getInt32(0), backward_);
    if (scratch) scratch_ = Call("rdl_jit_scratch_begin", ptr_, {});
    b_.CreateBr(blocks_[0]);

    for (size_t pc = 0; pc < code.instrs.size(); ++pc) {
      const Instr in = code.instrs[pc];
      b_.SetInsertPoint(blocks_[pc]);
      // Constants known in registers hold only along straight-line code.
      if (target[pc]) known_.assign(known_.size(), -1);
      // The verifier proves a block never falls off its end; a next block
      // always exists unless this instruction ends control flow.
      llvm::BasicBlock* next = pc + 1 < blocks_.size() ? blocks_[pc + 1] : nullptr;
      bool falls_through = true;
      int known_after = -1;  // what R[A] holds after this instruction
      switch (in.op) {
        case Op::LoadConst:
          StoreConst(in.a, impl_.values[in.b]);
          known_after = in.b;
          break;
        case Op::LoadField:
          CopyVal(regs_[in.a], SlotPtr(in.b));
          break;
        case Op::LoadRef:
          Call("rdl_jit_loadref", b_.getVoidTy(), {dst_, refs_, I32(in.b), I32(in.c)});
          CopyVal(regs_[in.a], dst_);
          break;
        case Op::Move:
          if (in.a != in.b) CopyVal(regs_[in.a], regs_[in.b]);
          known_after = known_[in.b];
          break;
        case Op::Not:
          StoreBool(in.a, b_.CreateNot(Truthy(in.b)));
          break;
        case Op::Exists:
          StoreBool(in.a, b_.CreateICmpNE(TagOf(in.b), Tag8(Tag::kMissing)));
          break;
        case Op::Eq:
        case Op::Ne:
          StoreBool(in.a, EqualityTest(in));
          break;
        case Op::Lt:
        case Op::Le:
        case Op::Gt:
        case Op::Ge: {
          const uint32_t cmp = in.op == Op::Lt ? 1 : in.op == Op::Le ? 2 : in.op == Op::Gt ? 3 : 4;
          static const llvm::CmpInst::Predicate kPred[] = {
              llvm::CmpInst::ICMP_EQ, llvm::CmpInst::ICMP_SLT, llvm::CmpInst::ICMP_SLE,
              llvm::CmpInst::ICMP_SGT, llvm::CmpInst::ICMP_SGE};
          StoreBool(in.a, IntOrHelper(in, kPred[cmp], [&] {
                      return Test("rdl_jit_cmp", {Arg(0, in.b), Arg(1, in.c), I32(cmp)});
                    }));
          break;
        }
        case Op::EqCI:
          StoreBool(in.a, EqCITest(in));
          break;
        case Op::InSet:
        case Op::InSetCI:
          StoreBool(in.a, SetTest(in));
          break;
        case Op::InArray:
          StoreBool(in.a, Test("rdl_jit_inarray", {Arg(0, in.b), Arg(1, in.c)}));
          break;
        case Op::Match:
          StoreBool(in.a, MatchTest(in));
          break;
        case Op::StartsWith:
        case Op::EndsWith:
        case Op::Contains:
          StoreBool(in.a, SubstringTest(in));
          break;
        case Op::InCidr: {
          const void* net = &impl_.cidrs[in.c];
          StoreBool(in.a, StringDispatch(
                              in.b,
                              [&](llvm::Value* p, llvm::Value* n) {
                                return Test("rdl_jit_incidr_str", {Ptr(net), p, n});
                              },
                              [&] {
                                return Test("rdl_jit_incidr", {Arg(0, in.b), Ptr(net)});
                              }));
          break;
        }
        case Op::Len:
          Call("rdl_jit_len", b_.getVoidTy(), {dst_, Arg(0, in.b)});
          CopyVal(regs_[in.a], dst_);
          break;
        case Op::Add:
        case Op::Sub:
        case Op::Mul:
        case Op::Div:
        case Op::Mod:
          Call("rdl_jit_arith", b_.getVoidTy(),
               {dst_, Arg(0, in.b), Arg(1, in.c), I32(static_cast<uint32_t>(in.op))});
          CopyVal(regs_[in.a], dst_);
          break;
        case Op::Neg:
          Call("rdl_jit_neg", b_.getVoidTy(), {dst_, Arg(0, in.b)});
          CopyVal(regs_[in.a], dst_);
          break;
        case Op::Lower:
        case Op::Upper:
          Call("rdl_jit_case", b_.getVoidTy(),
               {scratch_, dst_, Arg(0, in.b), I32(in.op == Op::Upper ? 1 : 0)});
          CopyVal(regs_[in.a], dst_);
          break;
        case Op::GetPath:
          Call("rdl_jit_getpath", b_.getVoidTy(),
               {scratch_, dst_, Arg(0, in.b), Ptr(&consts_[in.c].set)});
          CopyVal(regs_[in.a], dst_);
          break;
        case Op::IterInit:
          Call("rdl_jit_iterinit", b_.getVoidTy(), {scratch_, dst_, Arg(0, in.b)});
          CopyVal(regs_[in.a], dst_);
          CopyVal(regs_[in.a + 1], ValuePtr(dst_, 1));
          known_[in.a + 1] = -1;
          break;
        case Op::IterNext:
          IterNext(in, pc, next);
          falls_through = false;
          break;
        case Op::Jump:
          b_.CreateBr(Edge(pc, in.b));
          falls_through = false;
          break;
        case Op::JumpIfFalse:
          b_.CreateCondBr(Truthy(in.a), NextOrEnd(next), Edge(pc, in.b));
          falls_through = false;
          break;
        case Op::JumpIfTrue:
          b_.CreateCondBr(Truthy(in.a), Edge(pc, in.b), NextOrEnd(next));
          falls_through = false;
          break;
        case Op::Return:
          b_.CreateRet(Truthy(in.a));
          falls_through = false;
          break;
        case Op::kCount:
          *why_not = "opcode kCount is not supported by the JIT";
          return false;
      }
      if (WritesA(in.op)) known_[in.a] = known_after;
      if (falls_through) b_.CreateBr(NextOrEnd(next));
    }
    return true;
  }

 private:
  static bool WritesA(Op op) {
    return op != Op::Jump && op != Op::JumpIfFalse && op != Op::JumpIfTrue && op != Op::Return &&
           op != Op::IterNext;
  }

  // ------------------------------------------------------------ values ----
  llvm::Value* I32(uint32_t v) { return b_.getInt32(v); }
  llvm::Value* I64(uint64_t v) { return b_.getInt64(v); }
  llvm::Value* Tag8(Tag t) { return b_.getInt8(static_cast<uint8_t>(t)); }
  llvm::Value* Ptr(const void* p) {
    return b_.CreateIntToPtr(I64(reinterpret_cast<uint64_t>(p)), ptr_);
  }
  llvm::Value* ValuePtr(llvm::Value* base, uint64_t index) {
    return index ? b_.CreateConstInBoundsGEP1_64(i8_, base, index * sizeof(Value)) : base;
  }
  llvm::Value* SlotPtr(uint32_t slot) { return ValuePtr(slots_, slot); }
  llvm::Value* WordPtr(llvm::Value* base, unsigned k) {
    return k ? b_.CreateConstInBoundsGEP1_64(i8_, base, k * 8) : base;
  }
  llvm::Value* LoadW(llvm::Value* base, unsigned k) {
    return b_.CreateAlignedLoad(i64_, WordPtr(base, k), llvm::MaybeAlign(8));
  }
  void StoreW(llvm::Value* base, unsigned k, llvm::Value* v) {
    b_.CreateAlignedStore(v, WordPtr(base, k), llvm::MaybeAlign(8));
  }
  void CopyVal(llvm::Value* dst, llvm::Value* src) {
    llvm::Value* w[kWords];
    for (unsigned k = 0; k < kWords; ++k) w[k] = LoadW(src, k);
    for (unsigned k = 0; k < kWords; ++k) StoreW(dst, k, w[k]);
  }
  void StoreConst(uint32_t r, const Value& v) {
    uint64_t words[kWords];
    std::memcpy(words, &v, sizeof(Value));
    // Only the bytes a Value's kind defines are meaningful; the rest are
    // stored as zero so the constant folds the same way every time.
    words[0] &= 0xff;
    for (unsigned k = 0; k < kWords; ++k) StoreW(regs_[r], k, I64(words[k]));
  }
  llvm::Value* TagOf(uint32_t r) { return b_.CreateTrunc(LoadW(regs_[r], 0), i8_); }
  llvm::Value* StrPtr(uint32_t r) { return b_.CreateIntToPtr(LoadW(regs_[r], 1), ptr_); }
  llvm::Value* StrLen(uint32_t r) { return b_.CreateAnd(LoadW(regs_[r], 2), I64(0xffffffff)); }
  // Value::truthy(): tag == kBool && b.
  llvm::Value* Truthy(uint32_t r) {
    llvm::Value* b = b_.CreateTrunc(LoadW(regs_[r], 1), i8_);
    return b_.CreateAnd(b_.CreateICmpEQ(TagOf(r), Tag8(Tag::kBool)),
                        b_.CreateICmpNE(b, b_.getInt8(0)));
  }
  // R[r] := Value::Bool(bit).
  void StoreBool(uint32_t r, llvm::Value* bit) {
    StoreW(regs_[r], 0, I64(static_cast<uint8_t>(Tag::kBool)));
    StoreW(regs_[r], 1, b_.CreateZExt(bit, i64_));
    for (unsigned k = 2; k < kWords; ++k) StoreW(regs_[r], k, I64(0));
  }
  // A copy of R[r] in argument area `i`, for a helper.
  llvm::Value* Arg(unsigned i, uint32_t r) {
    CopyVal(args_[i], regs_[r]);
    return args_[i];
  }
  // The string constant R[r] is known to hold here, if any.
  const std::string* KnownString(uint32_t r) {
    const int k = known_[r];
    if (k < 0 || consts_[k].kind != ConstKind::kString) return nullptr;
    return &consts_[k].s;
  }

  // ------------------------------------------------------------ control ----
  llvm::BasicBlock* NewBlock(const char* name) { return llvm::BasicBlock::Create(ctx_, name, fn_); }
  // i1 that is `cond && then()`, evaluating then() only when cond holds.
  llvm::Value* AndThen(llvm::Value* cond, const std::function<llvm::Value*()>& then) {
    llvm::BasicBlock* from = b_.GetInsertBlock();
    llvm::BasicBlock* yes = NewBlock("then");
    llvm::BasicBlock* join = NewBlock("join");
    b_.CreateCondBr(cond, yes, join);
    b_.SetInsertPoint(yes);
    llvm::Value* v = then();
    llvm::BasicBlock* yes_end = b_.GetInsertBlock();
    b_.CreateBr(join);
    b_.SetInsertPoint(join);
    llvm::PHINode* phi = b_.CreatePHI(b_.getInt1Ty(), 2);
    phi->addIncoming(b_.getFalse(), from);
    phi->addIncoming(v, yes_end);
    return phi;
  }
  // The i1 result of a test of R[x]: `str(p, n)` when it is a string, false
  // when it is missing (every test is), `other()` (the generic helper,
  // "any" lifting and all) for any other kind.
  llvm::Value* StringDispatch(uint32_t x,
                              const std::function<llvm::Value*(llvm::Value*, llvm::Value*)>& str,
                              const std::function<llvm::Value*()>& other,
                              bool missing_result = false) {
    llvm::Value* tag = TagOf(x);
    llvm::BasicBlock* from = b_.GetInsertBlock();
    llvm::BasicBlock* str_bb = NewBlock("str");
    llvm::BasicBlock* other_bb = NewBlock("other");
    llvm::BasicBlock* join = NewBlock("join");
    llvm::SwitchInst* sw = b_.CreateSwitch(tag, other_bb, 2);
    sw->addCase(llvm::cast<llvm::ConstantInt>(Tag8(Tag::kString)), str_bb);
    sw->addCase(llvm::cast<llvm::ConstantInt>(Tag8(Tag::kMissing)), join);
    b_.SetInsertPoint(str_bb);
    llvm::Value* sv = str(StrPtr(x), StrLen(x));
    llvm::BasicBlock* str_end = b_.GetInsertBlock();
    b_.CreateBr(join);
    b_.SetInsertPoint(other_bb);
    llvm::Value* ov = other();
    llvm::BasicBlock* other_end = b_.GetInsertBlock();
    b_.CreateBr(join);
    b_.SetInsertPoint(join);
    llvm::PHINode* phi = b_.CreatePHI(b_.getInt1Ty(), 3);
    phi->addIncoming(b_.getInt1(missing_result), from);
    phi->addIncoming(sv, str_end);
    phi->addIncoming(ov, other_end);
    return phi;
  }
  // The block a jump from `pc` to `target` enters: backward ones (onto
  // IterNext, or itself) spend one unit of the run's budget first.
  llvm::BasicBlock* Edge(size_t pc, uint32_t target) {
    if (target > pc) return blocks_[target];
    llvm::BasicBlock* bb = NewBlock("back");
    llvm::IRBuilder<> tb(bb);
    llvm::Value* n = tb.CreateAdd(tb.CreateLoad(i32_, backward_), tb.getInt32(1));
    tb.CreateStore(n, backward_);
    tb.CreateCondBr(tb.CreateICmpUGT(n, tb.getInt32(kMaxBackwardJumps)), ReturnFalse(),
                    blocks_[target]);
    return bb;
  }
  llvm::BasicBlock* ReturnFalse() {
    if (!ret_false_) {
      ret_false_ = NewBlock("false");
      llvm::IRBuilder<> tb(ret_false_);
      tb.CreateRet(tb.getFalse());
    }
    return ret_false_;
  }
  // Verified code never runs off its end; this keeps the IR well-formed for
  // the last instruction.
  llvm::BasicBlock* NextOrEnd(llvm::BasicBlock* next) { return next ? next : ReturnFalse(); }

  llvm::Value* Call(const char* helper, llvm::Type* ret, std::vector<llvm::Value*> args) {
    std::vector<llvm::Type*> types;
    for (llvm::Value* a : args) types.push_back(a->getType());
    llvm::FunctionCallee callee =
        m_.getOrInsertFunction(helper, llvm::FunctionType::get(ret, types, false));
    return b_.CreateCall(callee, args);
  }
  llvm::Value* Test(const char* helper, std::vector<llvm::Value*> args) {
    return b_.CreateICmpNE(Call(helper, i32_, std::move(args)), I32(0));
  }

  // ------------------------------------------------------------ strings ----
  // The bytes of a string constant as data of this module.
  llvm::Value* ConstBytes(const std::string& s) {
    auto it = strings_.find(s);
    if (it != strings_.end()) return it->second;
    auto* init = llvm::ConstantDataArray::getString(ctx_, s, /*AddNull=*/true);
    auto* gv = new llvm::GlobalVariable(m_, init->getType(), true,
                                        llvm::GlobalValue::PrivateLinkage, init, "k");
    gv->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
    gv->setAlignment(llvm::Align(1));
    strings_.emplace(s, gv);
    return gv;
  }
  // p[0, k.size()) == k, for a p known to hold at least that many bytes:
  // word compares against immediates (overlapping for the tail).
  llvm::Value* EqBytes(llvm::Value* p, const std::string& k) {
    const size_t n = k.size();
    if (n == 0) return b_.getTrue();
    if (n > 64 || !little_endian_) {
      return Test("rdl_jit_memeq", {p, ConstBytes(k), I64(n)});
    }
    llvm::Value* all = nullptr;
    auto piece = [&](size_t off, unsigned width) {
      uint64_t want = 0;
      for (unsigned i = 0; i < width; ++i) {
        want |= uint64_t{static_cast<unsigned char>(k[off + i])} << (8 * i);
      }
      llvm::Type* ty = b_.getIntNTy(width * 8);
      llvm::Value* at = off ? b_.CreateConstInBoundsGEP1_64(i8_, p, off) : p;
      llvm::Value* got = b_.CreateAlignedLoad(ty, at, llvm::MaybeAlign(1));
      llvm::Value* eq = b_.CreateICmpEQ(got, llvm::ConstantInt::get(ty, want));
      all = all ? b_.CreateAnd(all, eq) : eq;
    };
    unsigned width = n >= 8 ? 8 : n >= 4 ? 4 : n >= 2 ? 2 : 1;
    size_t off = 0;
    for (; off + width <= n; off += width) piece(off, width);
    if (off < n) piece(n - width, width);
    return all;
  }
  // Eq / Ne: string constants by length then bytes, ints inline, the rest
  // through the helper.
  llvm::Value* EqualityTest(const Instr& in) {
    const bool ne = in.op == Op::Ne;
    uint32_t x = in.b, y = in.c;
    const std::string* k = KnownString(y);
    if (!k && (k = KnownString(x))) std::swap(x, y);
    auto generic = [&] {
      return ne ? Test("rdl_jit_ne", {Arg(0, in.b), Arg(1, in.c)})
                : Test("rdl_jit_cmp", {Arg(0, in.b), Arg(1, in.c), I32(0)});
    };
    if (k) {
      const std::string& s = *k;
      return StringDispatch(
          x,
          [&](llvm::Value* p, llvm::Value* n) {
            llvm::Value* eq =
                AndThen(b_.CreateICmpEQ(n, I64(s.size())), [&] { return EqBytes(p, s); });
            return ne ? b_.CreateNot(eq) : eq;
          },
          generic);
    }
    return IntOrHelper(in, ne ? llvm::CmpInst::ICMP_NE : llvm::CmpInst::ICMP_EQ, generic);
  }
  // R[B] <pred> R[C] inline when both are ints, else `other`.
  llvm::Value* IntOrHelper(const Instr& in, llvm::CmpInst::Predicate pred,
                           const std::function<llvm::Value*()>& other) {
    llvm::Value* int_tag = Tag8(Tag::kInt);
    llvm::Value* both =
        b_.CreateAnd(b_.CreateICmpEQ(TagOf(in.b), int_tag), b_.CreateICmpEQ(TagOf(in.c), int_tag));
    llvm::BasicBlock* fast = NewBlock("int");
    llvm::BasicBlock* slow = NewBlock("any");
    llvm::BasicBlock* join = NewBlock("join");
    b_.CreateCondBr(both, fast, slow);
    b_.SetInsertPoint(fast);
    llvm::Value* fast_bit = b_.CreateICmp(pred, LoadW(regs_[in.b], 1), LoadW(regs_[in.c], 1));
    b_.CreateBr(join);
    b_.SetInsertPoint(slow);
    llvm::Value* slow_bit = other();
    llvm::BasicBlock* slow_end = b_.GetInsertBlock();
    b_.CreateBr(join);
    b_.SetInsertPoint(join);
    llvm::PHINode* bit = b_.CreatePHI(b_.getInt1Ty(), 2);
    bit->addIncoming(fast_bit, fast);
    bit->addIncoming(slow_bit, slow_end);
    return bit;
  }
  llvm::Value* EqCITest(const Instr& in) {
    uint32_t x = in.b, y = in.c;
    const std::string* k = KnownString(y);
    if (!k && (k = KnownString(x))) std::swap(x, y);
    auto generic = [&] { return Test("rdl_jit_eqci", {Arg(0, in.b), Arg(1, in.c)}); };
    if (!k) return generic();
    const std::string& s = *k;
    return StringDispatch(
        x,
        [&](llvm::Value* p, llvm::Value* n) {
          return AndThen(b_.CreateICmpEQ(n, I64(s.size())), [&] {
            return Test("rdl_jit_eqci_mem", {p, ConstBytes(s), I64(s.size())});
          });
        },
        generic);
  }
  llvm::Value* SubstringTest(const Instr& in) {
    const uint32_t kind = in.op == Op::StartsWith ? 0 : in.op == Op::EndsWith ? 1 : 2;
    auto generic = [&] { return Test("rdl_jit_strtest", {Arg(0, in.b), Arg(1, in.c), I32(kind)}); };
    const std::string* k = KnownString(in.c);
    if (!k) return generic();
    const std::string& s = *k;
    return StringDispatch(
        in.b, [&](llvm::Value* p, llvm::Value* n) { return LiteralTest(kind, p, n, s); }, generic);
  }
  // kind 0: p starts with s, 1: ends with, 2: contains, 3: equals.
  llvm::Value* LiteralTest(uint32_t kind, llvm::Value* p, llvm::Value* n, const std::string& s) {
    const uint64_t kn = s.size();
    if (kind == 3) {
      return AndThen(b_.CreateICmpEQ(n, I64(kn)), [&] { return EqBytes(p, s); });
    }
    if (kn == 0) return b_.getTrue();
    return AndThen(b_.CreateICmpUGE(n, I64(kn)), [&]() -> llvm::Value* {
      switch (kind) {
        case 0:
          return EqBytes(p, s);
        case 1:
          return EqBytes(b_.CreateInBoundsGEP(i8_, p, b_.CreateSub(n, I64(kn))), s);
        default:
          return Test("rdl_jit_contains_mem", {p, n, ConstBytes(s), I64(kn)});
      }
    });
  }
  llvm::Value* SetTest(const Instr& in) {
    const bool ci = in.op == Op::InSetCI;
    const void* set = &impl_.sets[in.c];
    auto generic = [&] {
      return Test(ci ? "rdl_jit_insetci" : "rdl_jit_inset", {Arg(0, in.b), Ptr(set)});
    };
    // Members by length; a case-insensitive set can only match its
    // members without upper-case letters (the operand is lower-cased).
    std::map<size_t, std::vector<std::string>> by_len;
    size_t members = 0;
    for (const std::string& s :
         std::set<std::string>(consts_[in.c].set.begin(), consts_[in.c].set.end())) {
      if (ci && std::any_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
        continue;
      by_len[s.size()].push_back(s);
      ++members;
    }
    size_t widest = 0;
    for (const auto& [len, v] : by_len) widest = std::max(widest, v.size());
    const bool inline_set = members <= 64 && widest <= (ci ? 4 : 8);
    return StringDispatch(
        in.b,
        [&](llvm::Value* p, llvm::Value* n) -> llvm::Value* {
          if (!inline_set)
            return Test(ci ? "rdl_jit_insetci_str" : "rdl_jit_inset_str", {Ptr(set), p, n});
          if (by_len.empty()) return b_.getFalse();
          llvm::BasicBlock* join = NewBlock("set");
          llvm::BasicBlock* none = NewBlock("nolen");
          llvm::SwitchInst* sw = b_.CreateSwitch(n, none, by_len.size());
          std::vector<std::pair<llvm::Value*, llvm::BasicBlock*>> in_phi;
          for (const auto& [len, v] : by_len) {
            llvm::BasicBlock* bb = NewBlock("len");
            sw->addCase(llvm::cast<llvm::ConstantInt>(I64(len)), bb);
            b_.SetInsertPoint(bb);
            llvm::Value* any = nullptr;
            for (const std::string& s : v) {
              llvm::Value* eq =
                  ci ? Test("rdl_jit_eqci_mem", {p, ConstBytes(s), I64(len)}) : EqBytes(p, s);
              any = any ? b_.CreateOr(any, eq) : eq;
            }
            in_phi.emplace_back(any, b_.GetInsertBlock());
            b_.CreateBr(join);
          }
          b_.SetInsertPoint(none);
          b_.CreateBr(join);
          b_.SetInsertPoint(join);
          llvm::PHINode* phi = b_.CreatePHI(b_.getInt1Ty(), in_phi.size() + 1);
          phi->addIncoming(b_.getFalse(), none);
          for (auto& [v, bb] : in_phi) phi->addIncoming(v, bb);
          return phi;
        },
        generic);
  }
  llvm::Value* MatchTest(const Instr& in) {
    const void* re = impl_.regexes[in.c].get();
    auto generic = [&] { return Test("rdl_jit_match", {Arg(0, in.b), Ptr(re)}); };
    std::string lit;
    const LitKind kind = ParseLiteralRegex(consts_[in.c].s, &lit);
    return StringDispatch(
        in.b,
        [&](llvm::Value* p, llvm::Value* n) -> llvm::Value* {
          switch (kind) {
            case LitKind::kNone:
              return Test("rdl_jit_match_str", {Ptr(re), p, n});
            case LitKind::kStartsWith:
              return LiteralTest(0, p, n, lit);
            case LitKind::kEndsWith:
              return LiteralTest(1, p, n, lit);
            case LitKind::kContains:
              return LiteralTest(2, p, n, lit);
            case LitKind::kEquals:
              return LiteralTest(3, p, n, lit);
            case LitKind::kGlobPrefix:
            case LitKind::kGlobSuffix:
            case LitKind::kGlobContains: {
              const uint32_t k = kind == LitKind::kGlobPrefix   ? 0
                                 : kind == LitKind::kGlobSuffix ? 1
                                                                : 2;
              // The literal decides a miss inline; a hit is confirmed by
              // the helper (ASCII, or RE2).
              return AndThen(LiteralTest(k, p, n, lit), [&] {
                return Test("rdl_jit_glob_str",
                            {Ptr(re), p, n, ConstBytes(lit), I64(lit.size()), I32(k)});
              });
            }
          }
          return b_.getFalse();
        },
        generic);
  }
  // if R[A] is a list and R[A+1] an int index inside it: R[A+1].i += 1,
  // R[C] := the element, fall through; else jump to B.
  void IterNext(const Instr& in, size_t pc, llvm::BasicBlock* next) {
    llvm::Value* it = regs_[in.a];
    llvm::Value* pos = regs_[in.a + 1];
    llvm::Value* i = LoadW(pos, 1);
    llvm::Value* live = b_.CreateAnd(
        b_.CreateAnd(b_.CreateICmpEQ(TagOf(in.a), Tag8(Tag::kList)),
                     b_.CreateICmpEQ(b_.CreateTrunc(LoadW(pos, 0), i8_), Tag8(Tag::kInt))),
        b_.CreateICmpULT(i, b_.CreateAnd(LoadW(it, 2), I64(0xffffffff))));  // also i >= 0
    llvm::BasicBlock* step = NewBlock("step");
    b_.CreateCondBr(live, step, Edge(pc, in.b));
    b_.SetInsertPoint(step);
    llvm::Value* elem = b_.CreateInBoundsGEP(i8_, b_.CreateIntToPtr(LoadW(it, 1), ptr_),
                                             b_.CreateMul(i, I64(sizeof(Value))));
    llvm::Value* w[kWords];
    for (unsigned k = 0; k < kWords; ++k) w[k] = LoadW(elem, k);
    StoreW(pos, 1, b_.CreateAdd(i, I64(1)));
    for (unsigned k = 0; k < kWords; ++k) StoreW(regs_[in.c], k, w[k]);
    known_[in.a + 1] = -1;
    known_[in.c] = -1;
    b_.CreateBr(NextOrEnd(next));
  }

  llvm::LLVMContext& ctx_;
  llvm::Module& m_;
  llvm::IRBuilder<> b_;
  const LoadedPack& pack_;
  const LoadedPackImpl& impl_;
  const std::vector<Constant>& consts_;
  llvm::Function* fn_ = nullptr;
  llvm::Value* slots_ = nullptr;
  llvm::Value* refs_ = nullptr;
  llvm::Value* scratch_ = nullptr;
  std::vector<llvm::AllocaInst*> regs_;
  llvm::AllocaInst* args_[2] = {nullptr, nullptr};
  llvm::AllocaInst* dst_ = nullptr;  // two Values (IterInit writes a pair)
  llvm::AllocaInst* backward_ = nullptr;
  std::vector<llvm::BasicBlock*> blocks_;
  std::vector<int> known_;  // constant index R[r] holds at this pc, or -1
  std::map<std::string, llvm::GlobalVariable*> strings_;
  llvm::BasicBlock* ret_false_ = nullptr;
  llvm::PointerType* ptr_ = nullptr;
  llvm::Type* i8_ = nullptr;
  llvm::Type* i32_ = nullptr;
  llvm::Type* i64_ = nullptr;
  bool little_endian_ = true;
};

// Batches of about this many instructions share a module: one pass-manager
// setup, one optimization run and one materialization for all of them,
// without making a module (and the memory LLVM holds while compiling it)
// grow with the pack.
constexpr size_t kBatchInstrs = 20000;

// Code generation is now most of the compile time, but CodeGenOpt::None
// (FastISel, fast register allocation), a third of the cost, makes the
// predicates 1.75x slower; Less costs the same as Default (docs/jit.md).
constexpr llvm::CodeGenOpt::Level kCodeGenLevel = llvm::CodeGenOpt::Default;

// A function pass list instead of the O2 module pipeline: the modules have
// no calls to inline (helpers are external) and no loops worth
// transforming, so what matters is SROA (registers into SSA values),
// constant folding, and threading the short-circuit branches. The code is
// as fast as O2's on jit_bench, for a third of the optimization time.
void Optimize(llvm::Module& m) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb;
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::FunctionPassManager fpm;
  fpm.addPass(llvm::SROAPass(llvm::SROAOptions::ModifyCFG));
  fpm.addPass(llvm::EarlyCSEPass());
  fpm.addPass(llvm::SimplifyCFGPass());
  fpm.addPass(llvm::InstCombinePass());
  fpm.addPass(llvm::JumpThreadingPass());
  fpm.addPass(llvm::CorrelatedValuePropagationPass());
  fpm.addPass(llvm::SimplifyCFGPass());
  fpm.addPass(llvm::InstCombinePass());
  fpm.addPass(llvm::ADCEPass());
  fpm.addPass(llvm::SimplifyCFGPass(
      llvm::SimplifyCFGOptions().hoistCommonInsts(true).sinkCommonInsts(true)));
  llvm::ModulePassManager mpm;
  mpm.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(fpm)));
  mpm.run(m, mam);
}

JitPredicate LlvmJit::Compile(const Code& code, const LoadedPack& pack, std::string* why_not) {
  std::vector<std::string> why;
  JitPredicate fn = CompileAll({&code}, pack, &why)[0];
  if (!fn) *why_not = why[0];
  return fn;
}

std::vector<JitPredicate> LlvmJit::CompileAll(const std::vector<const Code*>& codes,
                                              const LoadedPack& pack,
                                              std::vector<std::string>* why_not) {
  std::vector<JitPredicate> out(codes.size(), nullptr);
  why_not->assign(codes.size(), std::string());
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<size_t> batch;
  size_t instrs = 0;
  for (size_t k = 0; k < codes.size(); ++k) {
    if (codes[k]->instrs.empty()) {
      (*why_not)[k] = "empty code block";
      continue;
    }
    if (!batch.empty() && instrs + codes[k]->instrs.size() > kBatchInstrs) {
      CompileBatch(codes, batch, pack, &out, why_not);
      batch.clear();
      instrs = 0;
    }
    batch.push_back(k);
    instrs += codes[k]->instrs.size();
  }
  if (!batch.empty()) CompileBatch(codes, batch, pack, &out, why_not);
  return out;
}

void LlvmJit::CompileBatch(const std::vector<const Code*>& codes, const std::vector<size_t>& batch,
                           const LoadedPack& pack, std::vector<JitPredicate>* out,
                           std::vector<std::string>* why_not) {
  auto ctx = std::make_unique<llvm::LLVMContext>();
  auto m = std::make_unique<llvm::Module>("rdl_preds", *ctx);
  m->setDataLayout(jit_->getDataLayout());
  m->setTargetTriple(jit_->getTargetTriple().str());
  std::vector<size_t> built;  // indexes into codes
  std::vector<std::string> names;
  for (size_t k : batch) {
    std::string name = "rdl_pred_" + std::to_string(next_id_++);
    Translator t(*ctx, *m, pack);
    if (!t.Build(*codes[k], name, &(*why_not)[k])) {
      if (llvm::Function* f = t.function()) f->eraseFromParent();
      continue;
    }
    built.push_back(k);
    names.push_back(std::move(name));
  }
  if (built.empty()) return;
  std::vector<JitPredicate> fns;
  std::string why;
  if (FinishModule(std::move(ctx), std::move(m), names, &fns, &why)) {
    for (size_t i = 0; i < built.size(); ++i) (*out)[built[i]] = fns[i];
    return;
  }
  if (built.size() == 1) {
    (*why_not)[built[0]] = why;
    return;
  }
  for (size_t k : built) CompileBatch(codes, {k}, pack, out, why_not);
}

bool LlvmJit::FinishModule(std::unique_ptr<llvm::LLVMContext> ctx, std::unique_ptr<llvm::Module> m,
                           const std::vector<std::string>& names, std::vector<JitPredicate>* fns,
                           std::string* why_not) {
  std::string verify_errors;
  llvm::raw_string_ostream os(verify_errors);
  if (llvm::verifyModule(*m, &os)) {
    *why_not = "internal error: invalid IR: " + os.str();
    return false;
  }
  Optimize(*m);
  // JIT'd code reaches only the helper list (intrinsics are expanded inline
  // for the small constant sizes used here).
  for (const llvm::Function& f : *m) {
    if (f.isDeclaration() && !f.isIntrinsic() && !IsHelper(f.getName())) {
      *why_not = "internal error: the module calls " + f.getName().str() + ", not a JIT helper";
      return false;
    }
  }
  if (llvm::Error err =
          jit_->addIRModule(llvm::orc::ThreadSafeModule(std::move(m), std::move(ctx)))) {
    *why_not = "addIRModule: " + ToString(std::move(err));
    return false;
  }
  // One lookup for the whole module: it is materialized (code generation
  // and linking) once.
  llvm::orc::SymbolLookupSet wanted;
  std::vector<llvm::orc::SymbolStringPtr> syms;
  for (const std::string& n : names) {
    syms.push_back(jit_->mangleAndIntern(n));
    wanted.add(syms.back());
  }
  auto found = jit_->getExecutionSession().lookup(
      llvm::orc::makeJITDylibSearchOrder(&jit_->getMainJITDylib()), std::move(wanted));
  if (!found) {
    *why_not = "lookup: " + ToString(found.takeError());
    return false;
  }
  fns->clear();
  for (const auto& sym : syms) {
    auto it = found->find(sym);
    if (it == found->end() || !it->second.getAddress()) {
      *why_not = "lookup: " + (*sym).str() + " not found";
      return false;
    }
    fns->push_back(reinterpret_cast<JitPredicate>(static_cast<uintptr_t>(it->second.getAddress())));
  }
  return true;
}

}  // namespace

JitCompiler::~JitCompiler() = default;

bool JitAvailable() { return true; }

bool JitSupportsOp(Op op) { return static_cast<size_t>(op) < static_cast<size_t>(Op::kCount); }

std::unique_ptr<JitCompiler> JitCompiler::Create(std::string* error) {
  static std::once_flag once;
  static bool target_ok = false;
  std::call_once(once, [] {
    target_ok = !llvm::InitializeNativeTarget() && !llvm::InitializeNativeTargetAsmPrinter();
  });
  if (!target_ok) {
    if (error) *error = "LLVM native target initialization failed";
    return nullptr;
  }
  if (!LayoutAsExpected()) {
    if (error) *error = "unexpected rdl::Value layout";
    return nullptr;
  }
  auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!jtmb) {
    if (error) *error = "JITTargetMachineBuilder: " + ToString(jtmb.takeError());
    return nullptr;
  }
  jtmb->setCodeGenOptLevel(kCodeGenLevel);
  auto jit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*jtmb)).create();
  if (!jit) {
    if (error) *error = "LLJIT: " + ToString(jit.takeError());
    return nullptr;
  }
  // The helpers are the only external symbols JIT'd code can reach.
  llvm::orc::SymbolMap symbols;
  for (const Helper& h : kHelpers) {
    symbols[(*jit)->mangleAndIntern(h.name)] =
        llvm::JITEvaluatedSymbol(llvm::pointerToJITTargetAddress(h.addr),
                                 llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable);
  }
  if (llvm::Error err =
          (*jit)->getMainJITDylib().define(llvm::orc::absoluteSymbols(std::move(symbols)))) {
    if (error) *error = "define helpers: " + ToString(std::move(err));
    return nullptr;
  }
  return std::make_unique<LlvmJit>(std::move(*jit));
}

}  // namespace rdl
