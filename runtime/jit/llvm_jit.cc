// The LLVM 16 ORC LLJIT tier: translates a verified Code block into one
// native function. The only file that includes LLVM.
//
// Translation: registers are an alloca'd array of Values (zeroed: missing),
// one basic block per instruction, jumps become branches (the verifier only
// allows backward jumps onto IterNext, which is not translated, so the
// translated control flow is acyclic and needs no backward-jump budget).
// Moves, loads, Not, Exists, truthiness tests and Return are inline IR
// (constants are stored as their bytes, so LLVM folds their tags), as are
// comparisons of two ints; every other supported opcode (and comparisons of
// other values) calls one helper of jit_helpers.h, which are the
// only symbols the JITDylib defines (absoluteSymbols, no process lookup).
// Blocks using GetPath, Lower, Upper, IterInit or IterNext (which need the
// interpreter's scratch storage) are not compiled.
#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>

#include <cstring>
#include <mutex>
#include <type_traits>
#include <vector>

#include "runtime/jit/jit.h"
#include "runtime/jit/jit_helpers.h"
#include "runtime/vm/loaded_pack_impl.h"

namespace rdl {
namespace {

static_assert(std::is_trivially_copyable_v<Value>, "the JIT copies Values as bytes");
static_assert(sizeof(Value) % 8 == 0, "the JIT stores constant Values as 64-bit words");

using Tag = Value::Tag;

// Byte offsets of Value's fields, measured (offsetof is not guaranteed on a
// class with a non-trivial member).
size_t OffsetOfPayload() {
  Value v;
  return static_cast<size_t>(reinterpret_cast<const char*>(&v.i) - reinterpret_cast<const char*>(&v));
}
size_t OffsetOfTag() {
  Value v;
  return static_cast<size_t>(reinterpret_cast<const char*>(&v.tag) - reinterpret_cast<const char*>(&v));
}

std::string ToString(llvm::Error err) { return llvm::toString(std::move(err)); }

struct Helper {
  const char* name;
  void* addr;
};

const Helper kHelpers[] = {
    {"rdl_jit_cmp", reinterpret_cast<void*>(&rdl_jit_cmp)},
    {"rdl_jit_ne", reinterpret_cast<void*>(&rdl_jit_ne)},
    {"rdl_jit_eqci", reinterpret_cast<void*>(&rdl_jit_eqci)},
    {"rdl_jit_inset", reinterpret_cast<void*>(&rdl_jit_inset)},
    {"rdl_jit_insetci", reinterpret_cast<void*>(&rdl_jit_insetci)},
    {"rdl_jit_inarray", reinterpret_cast<void*>(&rdl_jit_inarray)},
    {"rdl_jit_match", reinterpret_cast<void*>(&rdl_jit_match)},
    {"rdl_jit_strtest", reinterpret_cast<void*>(&rdl_jit_strtest)},
    {"rdl_jit_incidr", reinterpret_cast<void*>(&rdl_jit_incidr)},
    {"rdl_jit_len", reinterpret_cast<void*>(&rdl_jit_len)},
    {"rdl_jit_arith", reinterpret_cast<void*>(&rdl_jit_arith)},
    {"rdl_jit_neg", reinterpret_cast<void*>(&rdl_jit_neg)},
    {"rdl_jit_loadref", reinterpret_cast<void*>(&rdl_jit_loadref)},
};

class LlvmJit final : public JitCompiler {
 public:
  explicit LlvmJit(std::unique_ptr<llvm::orc::LLJIT> jit) : jit_(std::move(jit)) {}
  JitPredicate Compile(const Code& code, const LoadedPack& pack, std::string* why_not) override;

 private:
  std::unique_ptr<llvm::orc::LLJIT> jit_;
  uint64_t next_id_ = 0;
};

// Builds the IR of one block into `m`; false (and *why_not) when it uses an
// opcode the JIT does not translate.
class Translator {
 public:
  Translator(llvm::LLVMContext& ctx, llvm::Module& m, const LoadedPack& pack)
      : ctx_(ctx), m_(m), b_(ctx), pack_(pack) {}

  bool Build(const Code& code, const std::string& name, std::string* why_not) {
    for (const Instr& in : code.instrs) {
      if (!JitSupportsOp(in.op)) {
        *why_not = std::string("opcode ") + OpName(in.op) + " is not supported by the JIT";
        return false;
      }
    }
    auto* ptr = llvm::PointerType::get(ctx_, 0);
    i8_ = b_.getInt8Ty();
    i32_ = b_.getInt32Ty();
    i64_ = b_.getInt64Ty();
    auto* fty = llvm::FunctionType::get(b_.getInt1Ty(), {ptr, ptr}, false);
    fn_ = llvm::Function::Create(fty, llvm::Function::ExternalLinkage, name, m_);
    fn_->addRetAttr(llvm::Attribute::ZExt);
    llvm::Value* slots = fn_->getArg(0);
    llvm::Value* refs = fn_->getArg(1);

    auto* entry = llvm::BasicBlock::Create(ctx_, "entry", fn_);
    std::vector<llvm::BasicBlock*> blocks(code.instrs.size());
    for (size_t i = 0; i < blocks.size(); ++i) {
      blocks[i] = llvm::BasicBlock::Create(ctx_, "i" + std::to_string(i), fn_);
    }
    b_.SetInsertPoint(entry);
    const uint64_t bytes = uint64_t{code.num_regs} * sizeof(Value);
    regs_ = b_.CreateAlloca(i8_, b_.getInt64(bytes == 0 ? 1 : bytes));
    regs_->setAlignment(llvm::Align(alignof(Value)));
    if (bytes) b_.CreateMemSet(regs_, b_.getInt8(0), bytes, llvm::MaybeAlign(alignof(Value)));
    b_.CreateBr(blocks[0]);

    const LoadedPackImpl& impl = pack_.impl();
    for (size_t pc = 0; pc < code.instrs.size(); ++pc) {
      const Instr in = code.instrs[pc];
      b_.SetInsertPoint(blocks[pc]);
      // The verifier proves a block never falls off its end; a next block
      // always exists unless this instruction ends control flow.
      llvm::BasicBlock* next = pc + 1 < blocks.size() ? blocks[pc + 1] : nullptr;
      bool falls_through = true;
      switch (in.op) {
        case Op::LoadConst:
          StoreConstValue(Reg(in.a), impl.values[in.b]);
          break;
        case Op::LoadField:
          Copy(Reg(in.a), b_.CreateConstInBoundsGEP1_64(i8_, slots, uint64_t{in.b} * sizeof(Value)));
          break;
        case Op::LoadRef:
          Call("rdl_jit_loadref", b_.getVoidTy(), {Reg(in.a), refs, I32(in.b), I32(in.c)});
          break;
        case Op::Move:
          if (in.a != in.b) Copy(Reg(in.a), Reg(in.b));
          break;
        case Op::Not:
          StoreBool(in.a, b_.CreateNot(Truthy(in.b)));
          break;
        case Op::Exists: {
          llvm::Value* tag = b_.CreateLoad(i8_, TagPtr(in.b));
          StoreBool(in.a, b_.CreateICmpNE(tag, b_.getInt8(static_cast<uint8_t>(Tag::kMissing))));
          break;
        }
        case Op::Eq:
        case Op::Lt:
        case Op::Le:
        case Op::Gt:
        case Op::Ge: {
          const uint32_t cmp = in.op == Op::Eq ? 0 : in.op == Op::Lt ? 1 : in.op == Op::Le ? 2
                               : in.op == Op::Gt ? 3 : 4;
          static const llvm::CmpInst::Predicate kPred[] = {
              llvm::CmpInst::ICMP_EQ, llvm::CmpInst::ICMP_SLT, llvm::CmpInst::ICMP_SLE,
              llvm::CmpInst::ICMP_SGT, llvm::CmpInst::ICMP_SGE};
          IntFastPath(in, kPred[cmp], "rdl_jit_cmp", {Reg(in.b), Reg(in.c), I32(cmp)});
          break;
        }
        case Op::Ne:
          IntFastPath(in, llvm::CmpInst::ICMP_NE, "rdl_jit_ne", {Reg(in.b), Reg(in.c)});
          break;
        case Op::EqCI:
          StoreTest(in.a, "rdl_jit_eqci", {Reg(in.b), Reg(in.c)});
          break;
        case Op::InSet:
          StoreTest(in.a, "rdl_jit_inset", {Reg(in.b), Ptr(&impl.sets[in.c])});
          break;
        case Op::InSetCI:
          StoreTest(in.a, "rdl_jit_insetci", {Reg(in.b), Ptr(&impl.sets[in.c])});
          break;
        case Op::InArray:
          StoreTest(in.a, "rdl_jit_inarray", {Reg(in.b), Reg(in.c)});
          break;
        case Op::Match:
          StoreTest(in.a, "rdl_jit_match", {Reg(in.b), Ptr(impl.regexes[in.c].get())});
          break;
        case Op::StartsWith:
          StoreTest(in.a, "rdl_jit_strtest", {Reg(in.b), Reg(in.c), I32(0)});
          break;
        case Op::EndsWith:
          StoreTest(in.a, "rdl_jit_strtest", {Reg(in.b), Reg(in.c), I32(1)});
          break;
        case Op::Contains:
          StoreTest(in.a, "rdl_jit_strtest", {Reg(in.b), Reg(in.c), I32(2)});
          break;
        case Op::InCidr:
          StoreTest(in.a, "rdl_jit_incidr", {Reg(in.b), Ptr(&impl.cidrs[in.c])});
          break;
        case Op::Len:
          Call("rdl_jit_len", b_.getVoidTy(), {Reg(in.a), Reg(in.b)});
          break;
        case Op::Add:
        case Op::Sub:
        case Op::Mul:
        case Op::Div:
        case Op::Mod:
          Call("rdl_jit_arith", b_.getVoidTy(),
               {Reg(in.a), Reg(in.b), Reg(in.c), I32(static_cast<uint32_t>(in.op))});
          break;
        case Op::Neg:
          Call("rdl_jit_neg", b_.getVoidTy(), {Reg(in.a), Reg(in.b)});
          break;
        case Op::Jump:
          b_.CreateBr(blocks[in.b]);
          falls_through = false;
          break;
        case Op::JumpIfFalse:
          b_.CreateCondBr(Truthy(in.a), NextOrTrap(next), blocks[in.b]);
          falls_through = false;
          break;
        case Op::JumpIfTrue:
          b_.CreateCondBr(Truthy(in.a), blocks[in.b], NextOrTrap(next));
          falls_through = false;
          break;
        case Op::Return:
          b_.CreateRet(Truthy(in.a));
          falls_through = false;
          break;
        case Op::GetPath:
        case Op::Lower:
        case Op::Upper:
        case Op::IterInit:
        case Op::IterNext:
        case Op::kCount:
          *why_not = std::string("opcode ") + OpName(in.op) + " is not supported by the JIT";
          return false;
      }
      if (falls_through) b_.CreateBr(NextOrTrap(next));
    }
    return true;
  }

 private:
  llvm::Value* I32(uint32_t v) { return b_.getInt32(v); }
  llvm::Value* Ptr(const void* p) {
    return b_.CreateIntToPtr(b_.getInt64(reinterpret_cast<uint64_t>(p)),
                             llvm::PointerType::get(ctx_, 0));
  }
  llvm::Value* Reg(uint32_t r) {
    return b_.CreateConstInBoundsGEP1_64(i8_, regs_, uint64_t{r} * sizeof(Value));
  }
  llvm::Value* TagPtr(uint32_t r) {
    return b_.CreateConstInBoundsGEP1_64(i8_, regs_, uint64_t{r} * sizeof(Value) + OffsetOfTag());
  }
  llvm::Value* PayloadPtr(uint32_t r) {
    return b_.CreateConstInBoundsGEP1_64(i8_, regs_,
                                         uint64_t{r} * sizeof(Value) + OffsetOfPayload());
  }
  void Copy(llvm::Value* dst, llvm::Value* src) {
    b_.CreateMemCpy(dst, llvm::MaybeAlign(alignof(Value)), src, llvm::MaybeAlign(alignof(Value)),
                    sizeof(Value));
  }
  // Stores the bytes of a constant Value (pointers into the pack included),
  // so later tag tests fold.
  void StoreConstValue(llvm::Value* dst, const Value& v) {
    uint64_t words[sizeof(Value) / 8];
    std::memcpy(words, &v, sizeof(Value));
    for (size_t k = 0; k < sizeof(Value) / 8; ++k) {
      llvm::Value* p = b_.CreateConstInBoundsGEP1_64(i8_, dst, k * 8);
      b_.CreateAlignedStore(b_.getInt64(words[k]), p, llvm::MaybeAlign(8));
    }
  }
  // Value::truthy(): tag == kBool && b.
  llvm::Value* Truthy(uint32_t r) {
    llvm::Value* tag = b_.CreateLoad(i8_, TagPtr(r));
    llvm::Value* b = b_.CreateLoad(i8_, PayloadPtr(r));
    return b_.CreateAnd(b_.CreateICmpEQ(tag, b_.getInt8(static_cast<uint8_t>(Tag::kBool))),
                        b_.CreateICmpNE(b, b_.getInt8(0)));
  }
  // R[r] := Value::Bool(bit): the tag and the 8-byte payload (i = 0, b = bit).
  void StoreBool(uint32_t r, llvm::Value* bit) {
    b_.CreateStore(b_.getInt8(static_cast<uint8_t>(Tag::kBool)), TagPtr(r));
    b_.CreateAlignedStore(b_.CreateZExt(bit, i64_), PayloadPtr(r), llvm::MaybeAlign(8));
  }
  void StoreTest(uint32_t r, const char* helper, std::vector<llvm::Value*> args) {
    llvm::Value* res = Call(helper, i32_, std::move(args));
    StoreBool(r, b_.CreateICmpNE(res, b_.getInt32(0)));
  }
  // R[A] := R[B] <pred> R[C]: inline when both are ints (the common case of
  // numeric guards), else the helper (which handles every other pairing).
  void IntFastPath(const Instr& in, llvm::CmpInst::Predicate pred, const char* helper,
                   std::vector<llvm::Value*> args) {
    llvm::Value* int_tag = b_.getInt8(static_cast<uint8_t>(Tag::kInt));
    llvm::Value* both = b_.CreateAnd(b_.CreateICmpEQ(b_.CreateLoad(i8_, TagPtr(in.b)), int_tag),
                                     b_.CreateICmpEQ(b_.CreateLoad(i8_, TagPtr(in.c)), int_tag));
    auto* fast = llvm::BasicBlock::Create(ctx_, "int", fn_);
    auto* slow = llvm::BasicBlock::Create(ctx_, "any", fn_);
    auto* join = llvm::BasicBlock::Create(ctx_, "join", fn_);
    b_.CreateCondBr(both, fast, slow);
    b_.SetInsertPoint(fast);
    llvm::Value* x = b_.CreateAlignedLoad(i64_, PayloadPtr(in.b), llvm::MaybeAlign(8));
    llvm::Value* y = b_.CreateAlignedLoad(i64_, PayloadPtr(in.c), llvm::MaybeAlign(8));
    llvm::Value* fast_bit = b_.CreateICmp(pred, x, y);
    b_.CreateBr(join);
    b_.SetInsertPoint(slow);
    llvm::Value* slow_bit = b_.CreateICmpNE(Call(helper, i32_, std::move(args)), b_.getInt32(0));
    b_.CreateBr(join);
    b_.SetInsertPoint(join);
    llvm::PHINode* bit = b_.CreatePHI(b_.getInt1Ty(), 2);
    bit->addIncoming(fast_bit, fast);
    bit->addIncoming(slow_bit, slow);
    StoreBool(in.a, bit);
  }
  llvm::Value* Call(const char* helper, llvm::Type* ret, std::vector<llvm::Value*> args) {
    std::vector<llvm::Type*> types;
    for (llvm::Value* a : args) types.push_back(a->getType());
    llvm::FunctionCallee callee =
        m_.getOrInsertFunction(helper, llvm::FunctionType::get(ret, types, false));
    return b_.CreateCall(callee, args);
  }
  // Verified code never runs off its end; an unreachable block keeps the IR
  // well-formed for the last instruction.
  llvm::BasicBlock* NextOrTrap(llvm::BasicBlock* next) {
    if (next) return next;
    if (!trap_) {
      trap_ = llvm::BasicBlock::Create(ctx_, "end", fn_);
      llvm::IRBuilder<> tb(trap_);
      tb.CreateRet(tb.getInt1(false));
    }
    return trap_;
  }

  llvm::LLVMContext& ctx_;
  llvm::Module& m_;
  llvm::IRBuilder<> b_;
  const LoadedPack& pack_;
  llvm::Function* fn_ = nullptr;
  llvm::AllocaInst* regs_ = nullptr;
  llvm::BasicBlock* trap_ = nullptr;
  llvm::Type* i8_ = nullptr;
  llvm::Type* i32_ = nullptr;
  llvm::Type* i64_ = nullptr;
};

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
  llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2);
  mpm.run(m, mam);
}

JitPredicate LlvmJit::Compile(const Code& code, const LoadedPack& pack, std::string* why_not) {
  if (code.instrs.empty()) {
    *why_not = "empty code block";
    return nullptr;
  }
  auto ctx = std::make_unique<llvm::LLVMContext>();
  auto m = std::make_unique<llvm::Module>("rdl_pred", *ctx);
  m->setDataLayout(jit_->getDataLayout());
  m->setTargetTriple(jit_->getTargetTriple().str());
  const std::string name = "rdl_pred_" + std::to_string(next_id_++);
  Translator t(*ctx, *m, pack);
  if (!t.Build(code, name, why_not)) return nullptr;
  std::string verify_errors;
  llvm::raw_string_ostream os(verify_errors);
  if (llvm::verifyModule(*m, &os)) {
    *why_not = "internal error: invalid IR: " + os.str();
    return nullptr;
  }
  Optimize(*m);
  if (llvm::Error err = jit_->addIRModule(llvm::orc::ThreadSafeModule(std::move(m), std::move(ctx)))) {
    *why_not = "addIRModule: " + ToString(std::move(err));
    return nullptr;
  }
  auto addr = jit_->lookup(name);
  if (!addr) {
    *why_not = "lookup: " + ToString(addr.takeError());
    return nullptr;
  }
  return addr->toPtr<JitPredicate>();
}

}  // namespace

JitCompiler::~JitCompiler() = default;

bool JitAvailable() { return true; }

bool JitSupportsOp(Op op) {
  switch (op) {
    case Op::GetPath:
    case Op::Lower:
    case Op::Upper:
    case Op::IterInit:
    case Op::IterNext:
    case Op::kCount:
      return false;
    case Op::LoadConst:
    case Op::LoadField:
    case Op::LoadRef:
    case Op::Move:
    case Op::Not:
    case Op::Eq:
    case Op::Ne:
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
    case Op::EqCI:
    case Op::InSet:
    case Op::InSetCI:
    case Op::InArray:
    case Op::Match:
    case Op::StartsWith:
    case Op::EndsWith:
    case Op::Contains:
    case Op::InCidr:
    case Op::Exists:
    case Op::Len:
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
    case Op::Mod:
    case Op::Neg:
    case Op::Jump:
    case Op::JumpIfFalse:
    case Op::JumpIfTrue:
    case Op::Return:
      return true;
  }
  return false;
}

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
  auto jit = llvm::orc::LLJITBuilder().create();
  if (!jit) {
    if (error) *error = "LLJIT: " + ToString(jit.takeError());
    return nullptr;
  }
  // The helpers are the only external symbols JIT'd code can reach.
  llvm::orc::SymbolMap symbols;
  for (const Helper& h : kHelpers) {
    symbols[(*jit)->mangleAndIntern(h.name)] = llvm::JITEvaluatedSymbol(
        llvm::pointerToJITTargetAddress(h.addr),
        llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable);
  }
  if (llvm::Error err = (*jit)->getMainJITDylib().define(llvm::orc::absoluteSymbols(std::move(symbols)))) {
    if (error) *error = "define helpers: " + ToString(std::move(err));
    return nullptr;
  }
  return std::make_unique<LlvmJit>(std::move(*jit));
}

}  // namespace rdl
