// Minimal streaming JSON writer and deterministic helpers (PRNG, time
// formatting, ids) for the benchmark stream generator (gen_stream.cc).
// Everything here is deterministic: no wall clock, no std:: distributions
// (their output differs between standard libraries).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace benchgen {

// xoshiro256** seeded through splitmix64.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& s : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      s = z ^ (z >> 31);
    }
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // [0, n)
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }
  // [lo, hi]
  int64_t Range(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Below(hi - lo + 1)); }
  double Unit() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }
  bool Chance(double p) { return Unit() < p; }
  double Exp(double mean) { return -std::log(1.0 - Unit()) * mean; }
  template <class T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

inline void AppendHex(Rng& r, int n, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  uint64_t bits = 0;
  for (int i = 0; i < n; ++i) {
    if (i % 16 == 0) bits = r.Next();
    out->push_back(kHex[bits & 15]);
    bits >>= 4;
  }
}
inline std::string Hex(Rng& r, int n) {
  std::string s;
  AppendHex(r, n, &s);
  return s;
}
inline std::string Alnum(Rng& r, int n, std::string_view chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(chars[r.Below(chars.size())]);
  return s;
}
// Random (version 4) UUID, lower case.
inline std::string Uuid(Rng& r) {
  std::string h = Hex(r, 32);
  h[12] = '4';
  h[16] = "89ab"[r.Below(4)];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
         h.substr(20, 12);
}

// ----------------------------------------------------------------- time --

// Days since 1970-01-01 -> y, m, d (Howard Hinnant's civil_from_days).
inline void CivilFromDays(int64_t z, int* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(yy + (*m <= 2));
}

// Times are microseconds since the epoch. `frac`: 0 (whole seconds,
// CloudTrail), 6 (GCP) or 7 (Azure, the 7th digit is 0).
inline void AppendTime(int64_t us, int frac, std::string* out) {
  const int64_t secs = us / 1000000;
  const int64_t days = secs / 86400;
  const int64_t sod = secs % 86400;
  int y;
  unsigned mo, d;
  CivilFromDays(days, &y, &mo, &d);
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", y, mo, d,
                        static_cast<int>(sod / 3600), static_cast<int>(sod % 3600 / 60),
                        static_cast<int>(sod % 60));
  out->append(buf, n);
  if (frac > 0) {
    n = std::snprintf(buf, sizeof buf, ".%06d", static_cast<int>(us % 1000000));
    out->append(buf, n);
    for (int i = 6; i < frac; ++i) out->push_back('0');
  }
  out->push_back('Z');
}
inline std::string Time(int64_t us, int frac = 0) {
  std::string s;
  AppendTime(us, frac, &s);
  return s;
}

constexpr int64_t kSec = 1000000;
constexpr int64_t kMin = 60 * kSec;
constexpr int64_t kHour = 60 * kMin;

// ----------------------------------------------------------------- JSON --

// Appends JSON to a string: objects, arrays, keys and scalars, commas
// handled. Strings are escaped for quotes, backslashes and control bytes.
class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  JsonWriter& Obj() {
    Sep();
    out_->push_back('{');
    first_.push_back(true);
    return *this;
  }
  JsonWriter& Arr() {
    Sep();
    out_->push_back('[');
    first_.push_back(true);
    return *this;
  }
  JsonWriter& EndObj() {
    out_->push_back('}');
    first_.pop_back();
    return *this;
  }
  JsonWriter& EndArr() {
    out_->push_back(']');
    first_.pop_back();
    return *this;
  }
  JsonWriter& K(std::string_view k) {
    Sep();
    out_->push_back('"');
    out_->append(k);
    out_->append("\":");
    after_key_ = true;
    return *this;
  }
  JsonWriter& S(std::string_view v) {
    Sep();
    Quote(v, out_);
    return *this;
  }
  JsonWriter& N(int64_t v) {
    Sep();
    out_->append(std::to_string(v));
    return *this;
  }
  JsonWriter& D(double v) {
    Sep();
    char buf[32];
    out_->append(buf, std::snprintf(buf, sizeof buf, "%.1f", v));
    return *this;
  }
  JsonWriter& B(bool v) {
    Sep();
    out_->append(v ? "true" : "false");
    return *this;
  }
  JsonWriter& Null() {
    Sep();
    out_->append("null");
    return *this;
  }
  JsonWriter& Raw(std::string_view json) {
    Sep();
    out_->append(json);
    return *this;
  }
  JsonWriter& T(int64_t us, int frac) {
    Sep();
    out_->push_back('"');
    AppendTime(us, frac, out_);
    out_->push_back('"');
    return *this;
  }
  // key + value shorthands
  JsonWriter& KS(std::string_view k, std::string_view v) { return K(k).S(v); }
  JsonWriter& KN(std::string_view k, int64_t v) { return K(k).N(v); }
  JsonWriter& KB(std::string_view k, bool v) { return K(k).B(v); }
  JsonWriter& KT(std::string_view k, int64_t us, int frac) { return K(k).T(us, frac); }

  static void Quote(std::string_view v, std::string* out) {
    out->push_back('"');
    for (char c : v) {
      if (c == '"' || c == '\\') {
        out->push_back('\\');
        out->push_back(c);
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        out->append(buf, std::snprintf(buf, sizeof buf, "\\u%04x", c));
      } else {
        out->push_back(c);
      }
    }
    out->push_back('"');
  }

 private:
  void Sep() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) out_->push_back(',');
    first_.back() = false;
  }
  std::string* out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace benchgen
