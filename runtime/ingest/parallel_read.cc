// ReadInputsParallel: the same stream as ReadInputs, read by several
// threads. Inputs become units of work (the lines that start in an 8 MB
// range of a plain JSON-lines file, read with pread; or a whole input read
// by ReadInputs);
// workers read units in any order, each collecting its events and messages;
// the calling thread hands each unit's results on in input order. Workers
// stay at most a few units ahead of the consumer, so memory is bounded by
// the units in flight, not by the input.
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "runtime/ingest/delivery.h"
#include "runtime/ingest/ingest.h"
#include "runtime/vm/event.h"

namespace rdl {

namespace {

// pread until `n` bytes or the end of the file; false on an I/O error.
bool ReadAt(int fd, uint64_t offset, size_t n, std::string* out) {
  out->resize(n);
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd, out->data() + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return false;
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  out->resize(got);
  return true;
}

// Where the piece cut at `p` starts: 0 for p == 0; otherwise the start of
// the first non-blank line that starts at or after `p` (blank lines stay
// with the piece before, so no piece is only blanks), or `size`.
uint64_t NextLineStart(int fd, uint64_t size, uint64_t p) {
  if (p == 0) return 0;
  std::string chunk;
  bool at_line_start = false;  // the previous byte was a newline
  for (uint64_t at = p - 1; at < size; at += chunk.size()) {
    if (!ReadAt(fd, at, 64 << 10, &chunk) || chunk.empty()) return size;
    for (size_t i = 0; i < chunk.size(); ++i) {
      char c = chunk[i];
      if (at + i < p) {  // the byte before p
        at_line_start = c == '\n';
        continue;
      }
      if (c == '\n') {
        at_line_start = true;
      } else if (at_line_start && c != ' ' && c != '\t' && c != '\r') {
        // The first non-blank byte of a line: back to that line's start.
        uint64_t q = at + i;
        while (q > p) {
          char b;
          if (::pread(fd, &b, 1, static_cast<off_t>(q - 1)) != 1 || b == '\n') break;
          --q;
        }
        return q;
      }
    }
  }
  return size;
}

struct Unit {
  std::string name;  // the input as messages name it
  // A piece of a JSON-lines file: the lines that start in [begin, end).
  // Otherwise the whole input, read with ReadInputs.
  bool piece = false;
  uint64_t begin = 0, end = 0, size = 0;
  bool first_piece = true;  // counts the file once in the stats
  uint64_t lines = 0;       // newlines in a piece (counted by its worker)
  // Results, in the order ReadInputs would deliver them.
  struct Item {
    bool error = false;
    std::string text;  // normalized event or message
    RecordLocation loc;
  };
  std::vector<Item> items;
  IngestStats stats;
  bool ok = true;
  bool done = false;
};

// "<name>:<line>: ..." -> the same with line + base (messages of a piece).
std::string ShiftLine(const std::string& message, const std::string& name, uint64_t base) {
  if (message.size() <= name.size() + 1 || message.compare(0, name.size(), name) != 0 ||
      message[name.size()] != ':') {
    return message;
  }
  size_t digits = name.size() + 1, end = digits;
  uint64_t line = 0;
  while (end < message.size() && message[end] >= '0' && message[end] <= '9') {
    line = line * 10 + static_cast<uint64_t>(message[end++] - '0');
  }
  if (end == digits || end >= message.size() || message[end] != ':') return message;
  return message.substr(0, digits) + std::to_string(line + base) + message.substr(end);
}

Unit MakeUnit(const std::string& name) {
  Unit u;
  u.name = name;
  return u;
}

void Merge(const IngestStats& from, bool count_file, IngestStats* into) {
  into->records += from.records;
  into->bad_records += from.bad_records;
  into->prefiltered += from.prefiltered;
  into->lines += from.lines;
  if (count_file) into->files += from.files;
  into->bytes += from.bytes;
  into->input_errors += from.input_errors;
  static const std::array<const char*, 6> kOrder = {"cloudtrail", "azure",      "gcp",
                                                    "ocsf",       "normalized", "unknown"};
  for (const ReaderStats& r : from.readers) {
    auto it = std::find_if(into->readers.begin(), into->readers.end(),
                           [&](const ReaderStats& x) { return x.reader == r.reader; });
    if (it == into->readers.end()) {
      into->readers.push_back(r);
    } else {
      it->records += r.records;
      it->skipped += r.skipped;
    }
  }
  auto rank = [&](const ReaderStats& r) {
    return std::find(kOrder.begin(), kOrder.end(), r.reader) - kOrder.begin();
  };
  std::sort(into->readers.begin(), into->readers.end(),
            [&](const ReaderStats& a, const ReaderStats& b) { return rank(a) < rank(b); });
}

}  // namespace

bool ReadInputsParallel(const std::vector<std::string>& inputs, const IngestOptions& options,
                        int threads, const EventSink& on_event, const ErrorSink& on_error,
                        IngestStats* stats) {
  return ingest::ReadParallel(inputs, options, threads, ingest::Delivery{&on_event}, on_error,
                              stats);
}

namespace ingest {

bool ReadParallel(const std::vector<std::string>& inputs, const IngestOptions& options, int threads,
                  const Delivery& delivery, const ErrorSink& on_error, IngestStats* stats) {
  if (threads <= 1) return ReadInputsTo(inputs, options, delivery, on_error, stats);
  IngestStats local;
  if (!stats) stats = &local;
  *stats = IngestStats{};

  // Units, in input order: large plain JSON-lines files in pieces, the
  // rest whole.
  std::vector<Unit> units;
  const uint64_t piece = std::max<uint64_t>(options.piece_bytes, 1);
  for (const std::string& input : inputs) {
    Unit whole = MakeUnit(input);
    int fd = input == "-" ? -1 : ::open(input.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st;
    std::string head;
    bool split = fd >= 0 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                 static_cast<uint64_t>(st.st_size) > piece && ReadAt(fd, 0, 1 << 20, &head) &&
                 !(head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
                   static_cast<unsigned char>(head[1]) == 0x8b) &&
                 StartsWithJsonLine(head);
    if (fd >= 0) ::close(fd);
    if (!split) {
      units.push_back(std::move(whole));
      continue;
    }
    uint64_t size = static_cast<uint64_t>(st.st_size);
    for (uint64_t b = 0; b < size; b += piece) {
      Unit u = MakeUnit(input);
      u.piece = true;
      u.begin = b;
      u.end = std::min(size, b + piece);
      u.size = size;
      u.first_piece = b == 0;
      units.push_back(std::move(u));
    }
  }

  std::mutex mu;
  std::condition_variable cv;
  size_t next = 0, consumed = 0;
  bool stop = false;
  const size_t ahead = static_cast<size_t>(threads) * 2;

  auto work = [&] {
    for (;;) {
      size_t i;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return stop || next >= units.size() || next < consumed + ahead; });
        if (stop || next >= units.size()) return;
        i = next++;
      }
      Unit& u = units[i];
      // A piece is read with line numbers relative to its start (so no
      // thread has to count the lines before it); the consumer adds the
      // lines of the pieces before it.
      const IngestOptions& o = options;
      // Events cross to the consumer as JSON text, or typed as blobs.
      EventSink json = [&u](std::string_view text, const RecordLocation& loc) {
        u.items.push_back(Unit::Item{false, std::string(text), loc});
      };
      TypedEventSink typed = [&u](const Event& e, const RecordLocation& loc) {
        u.items.push_back(Unit::Item{false, {}, loc});
        EncodeEvent(e, &u.items.back().text);
      };
      Delivery to;
      if (delivery.typed) {
        to.typed = &typed;
        to.program = delivery.program;
      } else {
        to.json = &json;
      }
      auto error = [&u](const std::string& m) { u.items.push_back(Unit::Item{true, m, {}}); };
      if (!u.piece) {
        u.ok = ReadInputsTo({u.name}, o, to, error, &u.stats);
      } else {
        // Lines are cut where they start: each piece finds its own first
        // and last line, so no thread scans another's bytes.
        int fd = ::open(u.name.c_str(), O_RDONLY | O_CLOEXEC);
        uint64_t s = 0, e = 0;
        if (fd >= 0) {
          s = NextLineStart(fd, u.size, u.begin);
          e = u.end >= u.size ? u.size : NextLineStart(fd, u.size, u.end);
          ::close(fd);
        }
        if (s < e) {
          u.ok = ReadFileRangeTo(u.name, s, e, o, to, error, &u.stats);
          // Newlines of the piece, for the line numbers of the next one.
          u.lines = u.stats.lines;
        } else if (fd < 0) {
          u.ok = ReadInputsTo({u.name}, o, to, error, &u.stats);  // reports why
        }
      }
      {
        std::lock_guard lock(mu);
        u.done = true;
      }
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(work);

  std::optional<EventDecoder> decoder;
  Event event;
  std::string why;
  if (delivery.typed) decoder.emplace(*delivery.program);
  bool ok = true;
  uint64_t line_base = 0;  // lines of the earlier pieces of the current file
  for (size_t i = 0; i < units.size(); ++i) {
    Unit& u = units[i];
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return u.done; });
    }
    if (u.first_piece) line_base = 0;
    for (Unit::Item& item : u.items) {
      if (item.error) {
        if (on_error) on_error(line_base ? ShiftLine(item.text, u.name, line_base) : item.text);
      } else {
        item.loc.file = u.name;
        if (item.loc.line) item.loc.line += line_base;
        if (!decoder) {
          if (*delivery.json) (*delivery.json)(item.text, item.loc);
        } else if (decoder->Decode(item.text, &event, &why)) {  // encoded from a sealed event
          if (*delivery.typed) (*delivery.typed)(event, item.loc);
        }
      }
    }
    line_base += u.lines;
    Merge(u.stats, u.first_piece, stats);
    u.items = {};
    ok = ok && u.ok;
    bool halt = !u.ok && options.strict;
    {
      std::lock_guard lock(mu);
      consumed = i + 1;
      if (halt) stop = true;
    }
    cv.notify_all();
    if (halt) break;
  }
  {
    std::lock_guard lock(mu);
    stop = true;
  }
  cv.notify_all();
  for (std::thread& t : pool) t.join();
  return ok;
}

}  // namespace ingest
}  // namespace rdl
