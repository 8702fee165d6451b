// LoadedPack: verifies a Program and builds the load-time tables of
// loaded_pack_impl.h (RE2 per regex constant, hash set per string set,
// parsed network per CIDR, the Value of every loadable constant). A regex
// RE2 rejects or an unparsable CIDR is a load error; nothing is deferred to
// the first event.
#include "runtime/vm/loaded_pack.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "runtime/format/pack.h"
#include "runtime/vm/loaded_pack_impl.h"

namespace rdl {

bool CidrNet::Contains(const std::array<uint8_t, 16>& ip) const {
  int full = prefix / 8;
  for (int i = 0; i < full; ++i) {
    if (ip[i] != addr[i]) return false;
  }
  int rest = prefix % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (ip[full] & mask) == addr[full];
}

bool ParseIp(std::string_view text, std::array<uint8_t, 16>* out) {
  // inet_pton needs a NUL-terminated string; the longest IPv6 text
  // (with an embedded IPv4 tail) is 45 characters.
  char buf[48];
  if (text.empty() || text.size() >= sizeof(buf)) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  uint8_t v4[4];
  if (inet_pton(AF_INET, buf, v4) == 1) {
    *out = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, v4[0], v4[1], v4[2], v4[3]};
    return true;
  }
  return inet_pton(AF_INET6, buf, out->data()) == 1;
}

bool ParseCidr(std::string_view text, CidrNet* out) {
  size_t slash = text.find('/');
  std::string_view addr = text.substr(0, slash);
  std::array<uint8_t, 16> ip;
  if (!ParseIp(addr, &ip)) return false;
  const bool v4 = addr.find(':') == std::string_view::npos;
  int max = v4 ? 32 : 128;
  int len = max;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return false;
    len = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return false;
      len = len * 10 + (c - '0');
    }
    if (len > max) return false;
  }
  out->prefix = static_cast<uint8_t>(v4 ? len + 96 : len);
  // Clear host bits, so "10.1.2.3/8" means 10.0.0.0/8.
  for (int i = 0; i < 16; ++i) {
    int keep = out->prefix - 8 * i;
    uint8_t mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : static_cast<uint8_t>(0xff << (8 - keep));
    out->addr[i] = ip[i] & mask;
  }
  return true;
}

LoadedPack::~LoadedPack() = default;

std::unique_ptr<LoadedPack> LoadedPack::Load(Program program, std::string* error) {
  if (!VerifyProgram(program, error)) return nullptr;
  std::unique_ptr<LoadedPack> pack(new LoadedPack());
  pack->program_ = std::move(program);
  pack->impl_ = std::make_unique<LoadedPackImpl>();
  // Everything below points into pack->program_, which never changes again.
  const std::vector<Constant>& consts = pack->program_.consts;
  LoadedPackImpl& impl = *pack->impl_;
  size_t n = consts.size();
  impl.regexes.resize(n);
  impl.sets.resize(n);
  impl.cidrs.resize(n);
  impl.values.resize(n);
  impl.lists.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const Constant& k = consts[i];
    switch (k.kind) {
      case ConstKind::kNull:
        impl.values[i] = Value::Null();
        break;
      case ConstKind::kBool:
        impl.values[i] = Value::Bool(k.b);
        break;
      case ConstKind::kInt:
        impl.values[i] = Value::Int(k.i);
        break;
      case ConstKind::kFloat:
        impl.values[i] = Value::Float(k.f);
        break;
      case ConstKind::kString:
        impl.values[i] = Value::String(k.s);
        break;
      case ConstKind::kRegex: {
        RE2::Options options;
        options.set_log_errors(false);  // errors are returned, not printed
        auto re = std::make_unique<RE2>(k.s, options);
        if (!re->ok()) {
          *error = fmt::format("constant {}: bad regex /{}/: {}", i, k.s, re->error());
          return nullptr;
        }
        impl.regexes[i] = std::move(re);
        break;
      }
      case ConstKind::kCidr:
        if (!ParseCidr(k.s, &impl.cidrs[i])) {
          *error = fmt::format("constant {}: bad CIDR \"{}\"", i, k.s);
          return nullptr;
        }
        break;
      case ConstKind::kStringSet: {
        impl.sets[i].reserve(k.set.size());
        impl.lists[i].reserve(k.set.size());
        for (const std::string& m : k.set) {
          impl.sets[i].insert(m);
          impl.lists[i].push_back(Value::String(m));
        }
        impl.values[i] =
            Value::List(impl.lists[i].data(), static_cast<uint32_t>(impl.lists[i].size()));
        break;
      }
      case ConstKind::kPath:
        break;
    }
  }
  return pack;
}

std::unique_ptr<LoadedPack> LoadedPack::LoadBytes(const std::vector<uint8_t>& bytes,
                                                  std::string* error) {
  Program program;
  if (!ReadPack(bytes, &program, error)) return nullptr;
  return Load(std::move(program), error);
}

std::unique_ptr<LoadedPack> LoadedPack::LoadFile(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = fmt::format("{}: cannot open: {}", path, std::strerror(errno));
    return nullptr;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (in.bad()) {
    *error = fmt::format("{}: read error", path);
    return nullptr;
  }
  std::string why;
  auto pack = LoadBytes(bytes, &why);
  if (!pack) *error = fmt::format("{}: {}", path, why);
  return pack;
}

}  // namespace rdl
