// What LoadedPack builds from a verified Program at load time, indexed by
// constant number so the interpreter reaches it in O(1): compiled regexes,
// hashed string sets, parsed CIDR networks and the ready-made Value of every
// loadable constant. Internal to runtime/vm/ (the interpreter reads it).
#pragma once

#include <re2/re2.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "runtime/vm/value.h"

namespace rdl {

// An IPv4 or IPv6 network as 16 bytes: IPv4 is held IPv4-mapped
// (::ffff:a.b.c.d, prefix + 96), so one comparison serves both families and
// an IPv4-mapped IPv6 address matches an IPv4 network.
struct CidrNet {
  std::array<uint8_t, 16> addr{};  // host bits cleared
  uint8_t prefix = 0;              // 0..128
  bool Contains(const std::array<uint8_t, 16>& ip) const;
};

// Parses an IPv4 or IPv6 address (no brackets, no zone) into the 16-byte
// form above.
bool ParseIp(std::string_view text, std::array<uint8_t, 16>* out);
// Parses "addr/len" or a bare address (a host network).
bool ParseCidr(std::string_view text, CidrNet* out);

struct LoadedPackImpl {
  // All parallel to Program::consts.
  std::vector<std::unique_ptr<RE2>> regexes;               // kRegex, else null
  std::vector<std::unordered_set<std::string_view>> sets;  // kStringSet members
  std::vector<CidrNet> cidrs;                              // kCidr
  std::vector<Value> values;                               // what LoadConst loads
  std::vector<std::vector<Value>> lists;                   // kStringSet as Values
};

}  // namespace rdl
