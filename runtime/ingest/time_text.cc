// Time parsing for normalization; see time_text.h.
#include "runtime/ingest/time_text.h"

#include <cmath>
#include <cstdint>

namespace rdl::ingest {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days: exact for every
// proleptic Gregorian date, no time zone database needed.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool DaysInMonthOk(int64_t y, unsigned m, unsigned d) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  unsigned max = kDays[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) max = 29;
  return d <= max;
}

// Reads exactly n digits at *p.
bool Digits(std::string_view s, size_t* p, int n, int* v) {
  if (*p + n > s.size()) return false;
  int x = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[*p + i];
    if (c < '0' || c > '9') return false;
    x = x * 10 + (c - '0');
  }
  *p += n;
  *v = x;
  return true;
}

void Put(std::string* out, int64_t v, int width) {
  char buf[24];
  int n = 0;
  uint64_t u = static_cast<uint64_t>(v);
  do {
    buf[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u);
  while (n < width) buf[n++] = '0';
  while (n) out->push_back(buf[--n]);
}

bool Emit(int64_t epoch_seconds, std::string_view fraction, std::string* out) {
  // The engine keeps times as int64 nanoseconds (1677-09-21 to 2262-04-11):
  // a time outside is unparsable here, not a surprise later.
  constexpr int64_t kNanos = 1000000000;
  if (epoch_seconds <= INT64_MIN / kNanos || epoch_seconds >= INT64_MAX / kNanos) return false;
  int64_t days = epoch_seconds >= 0 ? epoch_seconds / 86400 : -((-epoch_seconds + 86399) / 86400);
  int64_t secs = epoch_seconds - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  if (y < 0 || y > 9999) return false;
  out->clear();
  Put(out, y, 4);
  out->push_back('-');
  Put(out, m, 2);
  out->push_back('-');
  Put(out, d, 2);
  out->push_back('T');
  Put(out, secs / 3600, 2);
  out->push_back(':');
  Put(out, secs / 60 % 60, 2);
  out->push_back(':');
  Put(out, secs % 60, 2);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  if (!fraction.empty()) {
    out->push_back('.');
    out->append(fraction);
  }
  out->push_back('Z');
  return true;
}

}  // namespace

bool ParseTimeText(std::string_view s, std::string* out) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  size_t p = 0;
  int year, mon, day, hour, min, sec = 0;
  if (!Digits(s, &p, 4, &year) || p >= s.size() || s[p++] != '-') return false;
  if (!Digits(s, &p, 2, &mon) || p >= s.size() || s[p++] != '-') return false;
  if (!Digits(s, &p, 2, &day) || p >= s.size()) return false;
  char sep = s[p++];
  if (sep != 'T' && sep != 't' && sep != ' ') return false;
  if (!Digits(s, &p, 2, &hour) || p >= s.size() || s[p++] != ':') return false;
  if (!Digits(s, &p, 2, &min)) return false;
  if (p < s.size() && s[p] == ':') {
    ++p;
    if (!Digits(s, &p, 2, &sec)) return false;
  }
  std::string_view fraction;
  if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
    size_t start = ++p;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
    if (p == start) return false;
    fraction = s.substr(start, std::min<size_t>(p - start, 9));  // ns precision is plenty
  }
  int64_t offset = 0;  // seconds east of UTC
  if (p < s.size()) {
    char z = s[p];
    if (z == 'Z' || z == 'z') {
      ++p;
    } else if (z == '+' || z == '-') {
      ++p;
      int oh, om = 0;
      if (!Digits(s, &p, 2, &oh)) return false;
      if (p < s.size() && s[p] == ':') ++p;
      if (p < s.size() && !Digits(s, &p, 2, &om)) return false;
      if (oh > 23 || om > 59) return false;
      offset = (oh * 3600 + om * 60) * (z == '-' ? -1 : 1);
    } else if (s.substr(p) == " UTC" || s.substr(p) == " +0000 UTC") {
      p = s.size();
    }
  }
  if (p != s.size()) return false;
  if (!DaysInMonthOk(year, mon, day) || hour > 23 || min > 59 || sec > 59) return false;
  int64_t epoch = DaysFromCivil(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec - offset;
  return Emit(epoch, fraction, out);
}

bool FormatEpochMillis(double millis, std::string* out) {
  if (!std::isfinite(millis) || millis < -62135596800000.0 || millis > 253402300799999.0) {
    return false;
  }
  int64_t ms = static_cast<int64_t>(std::floor(millis));
  int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  int64_t rem = ms - secs * 1000;
  char frac[3] = {static_cast<char>('0' + rem / 100), static_cast<char>('0' + rem / 10 % 10),
                  static_cast<char>('0' + rem % 10)};
  return Emit(secs, std::string_view(frac, 3), out);
}

}  // namespace rdl::ingest
