// The pass table and the driver loop that runs and verifies each pass.
#include <fmt/format.h>

#include <algorithm>

#include "compiler/opt/passes.h"

namespace rdl::opt {

const std::vector<PassInfo>& Passes() {
  static const std::vector<PassInfo> kPasses = {
#define RDL_PASS(Id, Name, Function, Doc) {Name, Doc, &Function},
#include "compiler/opt/passes.def"
#undef RDL_PASS
  };
  return kPasses;
}

bool IsPass(std::string_view name) {
  for (const PassInfo& p : Passes()) {
    if (name == p.name) return true;
  }
  return false;
}

bool Optimize(ir::Pack& pack, const std::vector<std::string>& disabled, std::string* error) {
  for (const PassInfo& p : Passes()) {
    if (std::find(disabled.begin(), disabled.end(), p.name) != disabled.end()) continue;
    for (ir::Rule& r : pack.rules) p.run(r);
    std::string why;
    if (!ir::Verify(pack, &why)) {
      *error = fmt::format("IR verification failed after pass `{}`: {}", p.name, why);
      return false;
    }
  }
  return true;
}

}  // namespace rdl::opt
