// Argument parsing shared by the CLI mains (rulec, rulerun).
#pragma once

#include <string>
#include <vector>

namespace rdl::cli {

// `--name value` or `--name=value` at args[*i]: 1 when taken (*i moves past
// a separate value), -1 when the value is missing, 0 when args[*i] is not
// this flag.
inline int FlagValue(const std::vector<std::string>& args, size_t* i, const std::string& name,
                     std::string* out) {
  const std::string& a = args[*i];
  if (a == name) {
    if (*i + 1 >= args.size()) return -1;
    *out = args[++*i];
    return 1;
  }
  if (a.rfind(name + "=", 0) == 0) {
    *out = a.substr(name.size() + 1);
    return 1;
  }
  return 0;
}

}  // namespace rdl::cli
