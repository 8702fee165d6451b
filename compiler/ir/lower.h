// Lowering: the structural desugaring between the checked IR and the IR the
// passes see. Folds every `except where E` into the rule's predicate (and
// into every positive stage of a sequence) as `and not (E)`, then unrolls
// stage repetition `x[n]` / `x{n,}` into n consecutive copies labelled
// `x`, `x#2`, ... (EQL `runs`: the n-th match completes the stage; references
// to `x` name its first copy).
#pragma once

#include "compiler/ir/ir.h"

namespace rdl::ir {

void Lower(Pack& pack);
void LowerRule(Rule& rule);

}  // namespace rdl::ir
