// A verified program plus what the runtime builds from it once, at load
// time: compiled RE2 regexes, hashed string sets, parsed CIDR networks.
// Immutable after Load(); shared by engines (and threads).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rdl/program.h"

namespace rdl {

struct LoadedPackImpl;  // regexes, sets, cidrs (runtime/vm/loaded_pack_impl.h)

class LoadedPack {
 public:
  // Verifies `program` (VerifyProgram) and builds the load-time tables.
  // Returns null and sets *error when the program is rejected.
  static std::unique_ptr<LoadedPack> Load(Program program, std::string* error);
  // Reads a .rpk file's bytes, then Load().
  static std::unique_ptr<LoadedPack> LoadBytes(const std::vector<uint8_t>& bytes,
                                               std::string* error);
  static std::unique_ptr<LoadedPack> LoadFile(const std::string& path, std::string* error);
  ~LoadedPack();

  const Program& program() const { return program_; }
  const LoadedPackImpl& impl() const { return *impl_; }

 private:
  LoadedPack() = default;
  Program program_;
  std::unique_ptr<LoadedPackImpl> impl_;
};

}  // namespace rdl
