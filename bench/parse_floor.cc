// parse_floor: the JSON parse floor of the benchmark. Reads a JSON-lines
// file in 4 MB chunks (as the ingest layer does: bounded memory, no mmap)
// and parses every record with simdjson, touching one field per record
// (eventName for CloudTrail, operationName for Azure, protoPayload.methodName
// for GCP) and counting records by its value, so the parser cannot skip the
// work. Prints one JSON line: records, bytes, seconds and the distinct values.
//
//   parse_floor [--dom] [--field a.b.c] FILE
//
// Default mode: simdjson On-Demand over the lines of each chunk
// (iterate_many), which only materialises the field asked for: the floor
// any JSON-lines reader that looks at every record pays. --dom parses every
// record into a full DOM tree (what runtime/ingest does before normalizing).
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

constexpr size_t kChunk = 4 << 20;

std::vector<std::string> SplitPath(const std::string& p) {
  std::vector<std::string> out;
  size_t b = 0;
  while (b <= p.size()) {
    size_t e = p.find('.', b);
    if (e == std::string::npos) e = p.size();
    out.push_back(p.substr(b, e - b));
    b = e + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  bool dom = false;
  std::string field;
  const char* path = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--dom") == 0) {
      dom = true;
    } else if (std::strcmp(argv[i], "--field") == 0 && i + 1 < argc) {
      field = argv[++i];
    } else {
      path = argv[i];
    }
  }
  if (path == nullptr) {
    std::fprintf(stderr, "usage: parse_floor [--dom] [--field a.b.c] FILE\n");
    return 2;
  }
  FILE* f = std::fopen(path, "rb");
  if (f == nullptr) {
    std::perror(path);
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  // Buffer: carried tail + chunk + padding.
  std::vector<char> buf(2 * kChunk + simdjson::SIMDJSON_PADDING);
  size_t have = 0;
  uint64_t records = 0, bytes = 0, errors = 0;
  std::unordered_map<std::string, uint64_t> counts;
  std::vector<std::string> keys;
  simdjson::ondemand::parser od;
#ifdef SIMDJSON_THREADS_ENABLED
  od.threaded = false;  // iterate_many would run stage 1 on a second thread: keep the floor single-threaded
#endif
  simdjson::dom::parser dp;
  std::string_view value;

  auto field_of_first_record = [&](std::string_view line) {
    if (!field.empty()) return;
    if (line.find("\"protoPayload\"") != std::string_view::npos) {
      field = "protoPayload.methodName";
    } else if (line.find("\"operationName\"") != std::string_view::npos) {
      field = "operationName";
    } else {
      field = "eventName";
    }
  };

  auto count = [&](std::string_view v) {
    auto it = counts.find(std::string(v));  // small map: a handful of names
    if (it == counts.end()) {
      counts.emplace(std::string(v), 1);
    } else {
      ++it->second;
    }
  };

  // Parses the complete lines in [0, n).
  auto parse_lines = [&](size_t n) {
    if (n == 0) return;
    if (keys.empty()) {
      field_of_first_record(std::string_view(buf.data(), std::min<size_t>(n, 65536)));
      keys = SplitPath(field);
    }
    if (dom) {
      size_t b = 0;
      while (b < n) {
        const char* nl = static_cast<const char*>(std::memchr(buf.data() + b, '\n', n - b));
        const size_t e = nl ? nl - buf.data() : n;
        if (e > b) {
          simdjson::dom::element doc;
          if (dp.parse(buf.data() + b, e - b, false).get(doc)) {
            ++errors;
          } else {
            simdjson::dom::element x = doc;
            bool ok = true;
            for (const auto& k : keys) ok = ok && !x[k].get(x);
            if (ok && !x.get_string().get(value)) count(value);
            ++records;
          }
        }
        b = e + 1;
      }
      return;
    }
    simdjson::ondemand::document_stream stream;
    if (od.iterate_many(buf.data(), n, 1 << 20).get(stream)) {
      ++errors;
      return;
    }
    for (auto doc : stream) {
      simdjson::ondemand::value x;
      simdjson::error_code err = doc[keys[0]].get(x);
      for (size_t i = 1; !err && i < keys.size(); ++i) err = x[keys[i]].get(x);
      if (!err) err = x.get_string().get(value);
      if (err) {
        ++errors;
      } else {
        count(value);
      }
      ++records;
    }
  };

  for (;;) {
    const size_t got = std::fread(buf.data() + have, 1, kChunk, f);
    bytes += got;
    have += got;
    if (got == 0) {
      std::memset(buf.data() + have, 0, simdjson::SIMDJSON_PADDING);
      parse_lines(have);
      break;
    }
    // Parse up to the last newline; carry the rest.
    size_t end = have;
    while (end > 0 && buf[end - 1] != '\n') --end;
    if (end == 0) {
      if (have + kChunk + simdjson::SIMDJSON_PADDING > buf.size()) buf.resize(buf.size() * 2);
      continue;
    }
    // The parsed span needs SIMDJSON_PADDING readable bytes after it: set
    // the tail aside and blank them.
    std::string tail(buf.data() + end, have - end);
    std::memset(buf.data() + end, ' ', simdjson::SIMDJSON_PADDING);
    parse_lines(end);
    std::memcpy(buf.data(), tail.data(), tail.size());
    have = tail.size();
  }
  std::fclose(f);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("{\"tool\":\"parse_floor%s\",\"field\":\"%s\",\"records\":%llu,\"bytes\":%llu,\"errors\":%llu,"
              "\"seconds\":%.3f,\"distinct\":%zu}\n",
              dom ? "_dom" : "", field.c_str(), static_cast<unsigned long long>(records),
              static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(errors), secs, counts.size());
  return errors == 0 ? 0 : 1;
}
