// Byte-level ingest: inputs (files, directories walked in sorted order,
// stdin, memory), gzip (by magic bytes, multi-member, truncation reported),
// framing (JSON lines or whole documents), counting and error reporting.
// Records are handed to the Normalizer (normalizer.h).
#include "runtime/ingest/ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

#include "runtime/ingest/delivery.h"
#include "runtime/ingest/mapping.h"
#include "runtime/ingest/normalizer.h"
#include "runtime/ingest/prefilter.h"

namespace rdl {
namespace {

namespace dom = simdjson::dom;
using ingest::Reader;

// Bytes per read() / inflate round: small first (most inputs are small
// files, and an embedder may push one event at a time), then up to 1 MiB.
constexpr size_t kFirstChunk = 64 << 10;
constexpr size_t kReadChunk = 1 << 20;

// ------------------------------------------------------------------ inputs

// Raw bytes of one input.
class RawInput {
 public:
  virtual ~RawInput() = default;
  // Bytes read (0 at end); -1 with *error set on failure.
  virtual ssize_t Read(char* buf, size_t n, std::string* error) = 0;
};

class FdInput : public RawInput {
 public:
  explicit FdInput(int fd) : fd_(fd) {}
  ssize_t Read(char* buf, size_t n, std::string* error) override {
    for (;;) {
      ssize_t r = ::read(fd_, buf, n);
      if (r >= 0) return r;
      if (errno == EINTR) continue;
      *error = std::string("read error: ") + std::strerror(errno);
      return -1;
    }
  }

 private:
  int fd_;
};

// The bytes [begin, end) of a file (a piece of a JSON-lines file read by
// one thread of ReadInputsParallel).
class RangeInput : public RawInput {
 public:
  RangeInput(int fd, uint64_t begin, uint64_t end) : fd_(fd), at_(begin), end_(end) {}
  ssize_t Read(char* buf, size_t n, std::string* error) override {
    n = static_cast<size_t>(std::min<uint64_t>(n, end_ - at_));
    if (n == 0) return 0;
    for (;;) {
      ssize_t r = ::pread(fd_, buf, n, static_cast<off_t>(at_));
      if (r >= 0) {
        at_ += static_cast<uint64_t>(r);
        return r;
      }
      if (errno == EINTR) continue;
      *error = std::string("read error: ") + std::strerror(errno);
      return -1;
    }
  }

 private:
  int fd_;
  uint64_t at_, end_;
};

class MemoryInput : public RawInput {
 public:
  explicit MemoryInput(std::string_view data) : data_(data) {}
  ssize_t Read(char* buf, size_t n, std::string*) override {
    n = std::min(n, data_.size());
    std::memcpy(buf, data_.data(), n);
    data_.remove_prefix(n);
    return static_cast<ssize_t>(n);
  }

 private:
  std::string_view data_;
};

// The decompressed bytes of an input: gzip when it starts with the gzip
// magic (1f 8b), plain otherwise. Concatenated gzip members (what `cat
// a.gz b.gz` and some log shippers produce) are read as one stream.
class Decoder {
 public:
  explicit Decoder(RawInput* in) : in_(in), inbuf_(kFirstChunk) {}
  ~Decoder() {
    if (gzip_) inflateEnd(&z_);
  }

  // Bytes decoded into buf (0 at the end, or after an error: see error()).
  size_t Read(char* buf, size_t n) {
    if (done_) return 0;
    if (!started_) Start();
    if (done_) return 0;
    if (!gzip_) {
      if (in_pos_ < in_len_) {
        size_t k = std::min(n, in_len_ - in_pos_);
        std::memcpy(buf, inbuf_.data() + in_pos_, k);
        in_pos_ += k;
        return k;
      }
      ssize_t r = in_->Read(buf, n, &error_);
      if (r <= 0) {
        done_ = true;
        return 0;
      }
      return static_cast<size_t>(r);
    }
    return Inflate(buf, n);
  }

  const std::string& error() const { return error_; }

 private:
  bool Refill() {
    if (raw_eof_) return false;
    if (inbuf_.size() < kReadChunk) inbuf_.resize(std::min(kReadChunk, inbuf_.size() * 4));
    ssize_t r = in_->Read(inbuf_.data(), inbuf_.size(), &error_);
    if (r <= 0) {
      raw_eof_ = true;
      return false;
    }
    in_pos_ = 0;
    in_len_ = static_cast<size_t>(r);
    return true;
  }

  void Start() {
    started_ = true;
    // Two bytes decide; a short first read (a pipe) must not hide them.
    while (in_len_ < 2 && !raw_eof_) {
      ssize_t r = in_->Read(inbuf_.data() + in_len_, inbuf_.size() - in_len_, &error_);
      if (r <= 0) {
        raw_eof_ = true;
        break;
      }
      in_len_ += static_cast<size_t>(r);
    }
    if (!error_.empty()) {
      done_ = true;
      return;
    }
    if (in_len_ >= 2 && static_cast<unsigned char>(inbuf_[0]) == 0x1f &&
        static_cast<unsigned char>(inbuf_[1]) == 0x8b) {
      std::memset(&z_, 0, sizeof(z_));
      if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK) {
        error_ = "cannot initialize zlib";
        done_ = true;
        return;
      }
      gzip_ = true;
    }
  }

  size_t Inflate(char* buf, size_t n) {
    z_.next_out = reinterpret_cast<Bytef*>(buf);
    z_.avail_out = static_cast<uInt>(n);
    while (z_.avail_out > 0) {
      if (in_pos_ == in_len_ && !Refill()) {
        if (!error_.empty()) {
          done_ = true;
        } else if (in_member_) {
          error_ = "truncated gzip stream (the records before the cut were read)";
          done_ = true;
        } else {
          done_ = true;
        }
        break;
      }
      if (!in_member_) {
        // Between members: another member, or the end. Anything else is
        // damage we must not hide.
        if (in_len_ - in_pos_ < 2 && !raw_eof_) {
          // Need both magic bytes; move the lone byte to the front.
          std::memmove(inbuf_.data(), inbuf_.data() + in_pos_, in_len_ - in_pos_);
          in_len_ -= in_pos_;
          in_pos_ = 0;
          ssize_t r = in_->Read(inbuf_.data() + in_len_, inbuf_.size() - in_len_, &error_);
          if (r <= 0) raw_eof_ = true;
          if (r > 0) in_len_ += static_cast<size_t>(r);
          continue;
        }
        if (in_len_ - in_pos_ >= 2 && static_cast<unsigned char>(inbuf_[in_pos_]) == 0x1f &&
            static_cast<unsigned char>(inbuf_[in_pos_ + 1]) == 0x8b) {
          inflateReset(&z_);
          in_member_ = true;
        } else {
          error_ = "unexpected data after the end of the gzip stream";
          done_ = true;
          break;
        }
      }
      z_.next_in = reinterpret_cast<Bytef*>(inbuf_.data() + in_pos_);
      z_.avail_in = static_cast<uInt>(in_len_ - in_pos_);
      int rc = inflate(&z_, Z_NO_FLUSH);
      in_pos_ = in_len_ - z_.avail_in;
      if (rc == Z_STREAM_END) {
        in_member_ = false;
      } else if (rc == Z_BUF_ERROR && z_.avail_in == 0) {
        continue;  // needs more input: refilled at the loop top
      } else if (rc != Z_OK) {
        error_ = std::string("corrupt gzip data: ") + (z_.msg ? z_.msg : zError(rc));
        done_ = true;
        break;
      }
    }
    return n - z_.avail_out;
  }

  RawInput* in_;
  std::vector<char> inbuf_;
  size_t in_pos_ = 0, in_len_ = 0;
  bool started_ = false, raw_eof_ = false, done_ = false;
  bool gzip_ = false, in_member_ = true;
  z_stream z_{};
  std::string error_;
};

// --------------------------------------------------------------- framing

// End of the JSON value starting at buf[pos], scanning no further than
// `limit`; npos when it does not end there. Only brackets and strings are
// tracked: the parser judges the rest.
// The end of the string whose opening quote is at buf[pos] (one past its
// closing quote), or npos before `limit`. Jumps from quote to quote
// (memchr): a quote is escaped when an odd run of backslashes precedes it.
size_t StringEnd(const char* buf, size_t pos, size_t limit) {
  size_t i = pos + 1;
  for (;;) {
    const void* q = i < limit ? std::memchr(buf + i, '"', limit - i) : nullptr;
    if (!q) return std::string_view::npos;
    const size_t at = static_cast<const char*>(q) - buf;
    size_t slashes = 0;
    while (at - slashes > pos + 1 && buf[at - slashes - 1] == '\\') ++slashes;
    if (slashes % 2 == 0) return at + 1;
    i = at + 1;
  }
}

size_t ScanValue(const char* buf, size_t pos, size_t limit) {
  char c = buf[pos];
  if (c == '{' || c == '[') {
    int depth = 0;
    for (size_t i = pos; i < limit; ++i) {
      char x = buf[i];
      if (x == '"') {
        const size_t end = StringEnd(buf, i, limit);
        if (end == std::string_view::npos) return end;
        i = end - 1;
      } else if (x == '{' || x == '[') {
        ++depth;
      } else if (x == '}' || x == ']') {
        if (--depth == 0) return i + 1;
      }
    }
    return std::string_view::npos;
  }
  if (c == '"') return StringEnd(buf, pos, limit);
  size_t i = pos;
  while (i < limit && !std::strchr(" \t\r\n,[]{}", buf[i])) ++i;
  return i;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// -------------------------------------------------------------- the run

// The big buffers of a run (input bytes, simdjson's document), kept per
// thread between runs: fresh multi-megabyte allocations cost more than the
// parsing itself (first-touch page faults), and embedders call ReadBuffer
// once per batch.
struct Scratch {
  dom::parser parser;
  std::unique_ptr<char[]> buf;
  size_t capacity = 0;
  bool in_use = false;
};

class Run : public ingest::RecordSink {
 public:
  Run(const IngestOptions& options, const ingest::Mappings& mappings,
      const ingest::Delivery& delivery, const ErrorSink& on_error, IngestStats* stats)
      : options_(options),
        delivery_(delivery),
        on_error_(on_error),
        stats_(stats),
        normalizer_(mappings, options, delivery.typed ? delivery.program : nullptr) {
    static thread_local Scratch cached;
    // A sink that starts another run on this thread gets its own buffers.
    scratch_ = cached.in_use ? &own_ : &cached;
    scratch_->in_use = true;
    if (options.prefilter) prefilter_.emplace(options.prefilter);
  }
  ~Run() override { scratch_->in_use = false; }

  // ---- RecordSink
  void Event(std::string_view json, const rdl::Event* typed, Reader reader, uint64_t line,
             std::string_view) override {
    ++stats_->records;
    ++readers_[static_cast<int>(reader)].records;
    RecordLocation loc{file_, line, record_++};
    if (typed) {
      if (*delivery_.typed) (*delivery_.typed)(*typed, loc);
    } else if (delivery_.json && *delivery_.json) {
      (*delivery_.json)(json, loc);
    }
  }
  void Bad(std::string_view message, Reader reader, uint64_t line,
           std::string_view where) override {
    ++stats_->bad_records;
    ++readers_[static_cast<int>(reader)].skipped;
    ++record_;
    std::string msg(file_);
    msg += ':';
    msg += std::to_string(line);
    msg += ": ";
    if (!where.empty()) {
      msg += where;
      msg += ": ";
    }
    msg += message;
    if (on_error_) on_error_(msg);
    if (options_.strict) stopped_ = true;
  }
  bool Stopped() const override { return stopped_; }

  void InputError(std::string_view file, const std::string& message, bool fatal) {
    ++stats_->input_errors;
    if (on_error_) on_error_(std::string(file) + ": " + message);
    if (fatal) failed_ = true;
    if (options_.strict) stopped_ = true;
  }

  bool failed() const { return failed_ || stopped_; }

  void Finish() {
    stats_->readers.clear();
    for (int i = 0; i < ingest::kNumReaders; ++i) {
      ReaderStats& r = readers_[i];
      if (r.records == 0 && r.skipped == 0) continue;
      r.reader = ingest::ReaderName(static_cast<Reader>(i));
      stats_->readers.push_back(r);
    }
  }

  // Reads one input to its end (or to the stop).
  // `lines`: the input is known to be JSON lines (a piece of a file that
  // starts with one), whatever its first line looks like.
  void ReadOne(std::string_view name, RawInput* raw, bool lines = false) {
    file_ = name;
    record_ = 0;
    ++stats_->files;
    normalizer_.StartFile();
    Decoder dec(raw);
    size_ = 0;  // the buffer's capacity is kept for the next input
    pos_ = 0;
    consumed_ = 0;
    eof_ = false;
    decoder_ = &dec;

    // The first value decides the framing: complete on its first line ->
    // JSON lines (one record or document per line, streamed); otherwise one
    // or more (pretty-printed) documents, read whole.
    while (size() < 3 && Fill()) {
    }
    if (size() >= 3 && std::memcmp(data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;  // UTF-8 BOM
    size_t line_end = std::string_view::npos;
    for (;;) {
      while (pos_ < size() && IsSpace(data()[pos_])) ++pos_;
      if (pos_ < size()) {
        line_end = Find('\n', pos_);
        if (line_end != std::string_view::npos) break;
      }
      if (!Fill()) break;
    }
    if (pos_ >= size()) {
      if (!dec.error().empty()) {
        InputError(name, dec.error(), false);
      } else {
        InputError(name, "empty input (no records)", false);
      }
      return;
    }
    // Lines skipped before the first value (blank lines, BOM line).
    uint64_t line = 1 + std::count(data(), data() + pos_, '\n');
    size_t first_line_end = line_end == std::string_view::npos ? size() : line_end;
    size_t end = ScanValue(data(), pos_, first_line_end);
    bool line_mode = lines || end != std::string_view::npos;
    if (line_mode && !lines) {
      for (size_t i = end; i < first_line_end; ++i) {
        if (!IsSpace(data()[i])) line_mode = false;
      }
    }
    if (line_mode) {
      stats_->lines += ReadLines(line) - 1;
    } else {
      ReadDocuments(line);
    }
    stats_->bytes += consumed_ + size();
    consumed_ = 0;
    if (!dec.error().empty()) InputError(name, dec.error(), false);
  }

 private:
  const char* data() const { return scratch_->buf.get(); }
  size_t size() const { return size_; }
  size_t Find(char c, size_t from) const {
    const void* p = std::memchr(data() + from, c, size() - from);
    return p ? static_cast<const char*>(p) - data() : std::string_view::npos;
  }

  // Appends decoded bytes; keeps SIMDJSON_PADDING bytes of slack after the
  // data so records can be parsed in place. False at the end.
  bool Fill() {
    if (eof_) return false;
    size_t chunk = std::clamp(size_, kFirstChunk, kReadChunk);
    Scratch& sc = *scratch_;
    if (sc.capacity < size_ + chunk + simdjson::SIMDJSON_PADDING) {
      // Uninitialized growth: the bytes are about to be overwritten.
      size_t cap = std::max(sc.capacity * 2, size_ + chunk + simdjson::SIMDJSON_PADDING);
      std::unique_ptr<char[]> bigger(new char[cap]);
      if (size_) std::memcpy(bigger.get(), sc.buf.get(), size_);
      sc.buf = std::move(bigger);
      sc.capacity = cap;
    }
    size_t n = decoder_->Read(sc.buf.get() + size_, chunk);
    if (n == 0) {
      eof_ = true;
      return false;
    }
    size_ += n;
    std::memset(sc.buf.get() + size_, 0, simdjson::SIMDJSON_PADDING);
    return true;
  }

  // Drops consumed bytes before pos_ so the buffer does not grow with the
  // input in line mode.
  void Compact() {
    if (pos_ == 0) return;
    std::memmove(scratch_->buf.get(), scratch_->buf.get() + pos_, size_ - pos_);
    consumed_ += pos_;
    size_ -= pos_;
    pos_ = 0;
  }

  // True (and counted) when the prefilter proves no rule cares about the
  // record or document in [p, p + n) (blanks trimmed). Only its framing is
  // checked: text that is not one object (a truncated or garbled line) is
  // parsed, so it is reported as a bad record.
  bool Skippable(const char* p, size_t n) {
    if (!prefilter_ || n < 2 || p[0] != '{' || p[n - 1] != '}') return false;
    if (prefilter_->MayMatter(std::string_view(p, n))) return false;
    ++stats_->prefiltered;
    return true;
  }

  // A complete document [p, p + n) whose first key is a records envelope
  // ({"Records": [...]}, as CloudTrail delivers to S3, Azure's {"records":
  // [...]}, LookupEvents' {"Events": [...]}) is read one record at a time:
  // each is prefiltered and parsed alone (a delivery file of thousands of
  // records is usually one line, and some record of it always matters).
  // False, with nothing read, when the document is not one.
  bool ReadEnvelope(const char* p, size_t n, uint64_t line) {
    size_t i = 0;
    auto blanks = [&] {
      while (i < n && IsSpace(p[i])) ++i;
    };
    if (n < 2 || p[0] != '{') return false;
    ++i;
    blanks();
    std::string_view key;
    for (std::string_view k : {"\"Records\"", "\"records\"", "\"Events\""}) {
      if (n - i >= k.size() && std::string_view(p + i, k.size()) == k) key = k;
    }
    if (key.empty()) return false;
    i += key.size();
    blanks();
    if (i >= n || p[i] != ':') return false;
    ++i;
    blanks();
    if (i >= n || p[i] != '[') return false;
    ++i;
    const std::string name(key.substr(1, key.size() - 2));
    std::string where;
    for (size_t index = 0; !stopped_; ++index) {
      blanks();
      if (i < n && p[i] == ']') break;
      if (index > 0) {
        if (i >= n || p[i] != ',') {
          Bad("invalid JSON: expected , or ] after a record", normalizer_.file_reader(), line,
              name + "[" + std::to_string(index) + "]");
          break;
        }
        ++i;
        blanks();
      }
      where = name + "[" + std::to_string(index) + "]";
      const size_t end = i < n ? ScanValue(p, i, n) : std::string_view::npos;
      if (end == std::string_view::npos || end == i) {
        Bad("invalid JSON: the records array is cut off", normalizer_.file_reader(), line, where);
        break;
      }
      if (Skippable(p + i, end - i)) {
        ++record_;
      } else {
        dom::element doc;
        // Parsed in place: the input buffer has SIMDJSON_PADDING readable
        // bytes after any record in it.
        if (auto err = scratch_->parser.parse(p + i, end - i, false).get(doc)) {
          Bad(std::string("invalid JSON: ") + simdjson::error_message(err),
              normalizer_.file_reader(), line, where);
        } else {
          normalizer_.set_document_bytes(end - i);
          normalizer_.HandleEnveloped(doc, line, where, this);
        }
      }
      i = end;
    }
    return true;
  }

  void ParseAndHandle(const char* p, size_t n, uint64_t line, bool last_and_cut) {
    normalizer_.set_document_bytes(n);
    dom::element doc;
    if (auto err = scratch_->parser.parse(p, n, false).get(doc)) {
      if (last_and_cut) {
        Bad("record cut off by the end of a damaged input", normalizer_.file_reader(), line, "");
      } else {
        Bad(std::string("invalid JSON: ") + simdjson::error_message(err), normalizer_.file_reader(),
            line, "");
      }
      return;
    }
    normalizer_.HandleDocument(doc, line, this);
  }

  // Returns the number of the line after the last newline read.
  uint64_t ReadLines(uint64_t line) {
    while (!stopped_) {
      size_t nl = Find('\n', pos_);
      if (nl == std::string_view::npos && !eof_) {
        Compact();
        if (Fill()) continue;
        nl = std::string_view::npos;
      }
      size_t end = nl == std::string_view::npos ? size() : nl;
      size_t b = pos_, e = end;
      while (b < e && IsSpace(data()[b])) ++b;
      while (e > b && IsSpace(data()[e - 1])) --e;
      if (b < e) {
        bool cut = nl == std::string_view::npos && !decoder_->error().empty();
        if (ReadEnvelope(data() + b, e - b, line)) {
          // read record by record
        } else if (Skippable(data() + b, e - b)) {
          ++record_;
        } else {
          ParseAndHandle(data() + b, e - b, line, cut);
        }
      }
      if (nl == std::string_view::npos) {
        pos_ = size();
        break;
      }
      pos_ = nl + 1;
      ++line;
    }
    return line;
  }

  void ReadDocuments(uint64_t line) {
    while (Fill()) {
    }
    size_t counted = pos_;  // newlines before `counted` are in `line`
    while (!stopped_) {
      while (pos_ < size() && IsSpace(data()[pos_])) ++pos_;
      if (pos_ >= size()) break;
      line += std::count(data() + counted, data() + pos_, '\n');
      counted = pos_;
      size_t end = ScanValue(data(), pos_, size());
      if (end != std::string_view::npos &&
          (ReadEnvelope(data() + pos_, end - pos_, line) || Skippable(data() + pos_, end - pos_))) {
        pos_ = end;
        continue;
      }
      dom::element doc;
      simdjson::error_code err = simdjson::SUCCESS;
      if (end == std::string_view::npos) {
        err = scratch_->parser.parse(data() + pos_, size() - pos_, false).error();
        if (!err) err = simdjson::TAPE_ERROR;
      } else {
        err = scratch_->parser.parse(data() + pos_, end - pos_, false).get(doc);
      }
      if (!err) {
        normalizer_.set_document_bytes(end - pos_);
        normalizer_.HandleDocument(doc, line, this);
        pos_ = end;
        continue;
      }
      bool cut = end == std::string_view::npos && !decoder_->error().empty();
      Bad(cut ? std::string("record cut off by the end of a damaged input")
              : std::string("invalid JSON: ") + simdjson::error_message(err),
          normalizer_.file_reader(), line, "");
      // Resynchronize at the next line that starts a value in column 0 (a
      // JSON-lines record after a broken one); nested, indented content of
      // a broken document is not mistaken for records.
      size_t next = Find('\n', pos_);
      while (next != std::string_view::npos && next + 1 < size() && data()[next + 1] != '{' &&
             data()[next + 1] != '[') {
        next = Find('\n', next + 1);
      }
      if (next == std::string_view::npos || next + 1 >= size()) break;
      pos_ = next + 1;
    }
  }

  const IngestOptions& options_;
  const ingest::Delivery& delivery_;
  const ErrorSink& on_error_;
  IngestStats* stats_;
  ingest::Normalizer normalizer_;
  std::array<ReaderStats, ingest::kNumReaders> readers_{};
  std::string_view file_;
  uint64_t record_ = 0;
  bool stopped_ = false, failed_ = false;

  std::optional<ingest::RecordFilter::Scanner> prefilter_;
  Scratch own_;
  Scratch* scratch_;
  Decoder* decoder_ = nullptr;
  size_t size_ = 0, pos_ = 0, consumed_ = 0;
  bool eof_ = false;
};

// Regular files under `dir`, depth first, entries in byte order of their
// names (ReadAll then orders them by PathTimeKey). Hidden entries and
// CloudTrail digest folders (signatures, not events) are left out.
//
// Files that document a log folder rather than hold records (README.md,
// notes, checksums, scripts) are skipped in directory walks, so a sample
// folder with a README reads cleanly; a file named explicitly is always read.
bool IsDocumentationFile(const std::string& name) {
  static const char* const kSuffixes[] = {".md", ".txt",  ".csv", ".yml",    ".yaml", ".sh",
                                          ".py", ".html", ".sig", ".sha256", ".pdf"};
  for (const char* suffix : kSuffixes) {
    size_t n = std::char_traits<char>::length(suffix);
    if (name.size() >= n && name.compare(name.size() - n, n, suffix) == 0) return true;
  }
  return false;
}

void WalkDirectory(const std::filesystem::path& dir, std::vector<std::string>* files,
                   std::vector<std::pair<std::string, std::string>>* errors) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::directory_entry> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    entries.push_back(*it);
  }
  if (ec) {
    errors->emplace_back(dir.string(), "cannot read directory: " + ec.message());
    return;
  }
  std::sort(entries.begin(), entries.end(),
            [](const fs::directory_entry& a, const fs::directory_entry& b) {
              return a.path().filename().string() < b.path().filename().string();
            });
  for (const fs::directory_entry& e : entries) {
    std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    if (e.is_symlink(ec) ? false : e.is_directory(ec)) {
      if (name == "CloudTrail-Digest") continue;
      WalkDirectory(e.path(), files, errors);
    } else if (e.is_regular_file(ec) && !IsDocumentationFile(name)) {
      files->push_back(e.path().string());
    }
  }
}

// The mapping tables for a run: the embedded ones are parsed once per
// process and shared (read-only); override files make a run its own copy.
const ingest::Mappings* Prepare(const IngestOptions& options,
                                std::unique_ptr<ingest::Mappings>* owned,
                                const ErrorSink& on_error) {
  bool is_auto;
  Reader forced;
  if (!ingest::ParseFormat(options.format, &is_auto, &forced)) {
    if (on_error) {
      on_error("unknown input format \"" + options.format +
               "\" (expected auto, cloudtrail, azure, gcp, ocsf or normalized)");
    }
    return nullptr;
  }
  std::string error;
  if (options.mapping_files.empty()) {
    static const std::pair<std::unique_ptr<ingest::Mappings>, std::string> embedded = [] {
      auto m = std::make_unique<ingest::Mappings>();
      std::string err;
      if (!ingest::LoadMappings({}, m.get(), &err)) m.reset();
      return std::make_pair(std::move(m), err);
    }();
    if (!embedded.first && on_error) on_error(embedded.second);
    return embedded.first.get();
  }
  *owned = std::make_unique<ingest::Mappings>();
  if (!ingest::LoadMappings(options.mapping_files, owned->get(), &error)) {
    if (on_error) on_error(error);
    return nullptr;
  }
  return owned->get();
}

// The files of a walked directory in time order: by the time their path
// names (PathTimeKey), then by path. A directory of several regions,
// subscriptions or clouds then reads as one roughly time-ordered stream,
// which the engine's lateness can absorb, instead of one region after
// another. Files whose path names no time come first, in path order.
void OrderByPathTime(std::vector<std::string>* files) {
  std::vector<std::pair<std::string, std::string>> keyed;
  keyed.reserve(files->size());
  for (std::string& f : *files) keyed.emplace_back(ingest::PathTimeKey(f), std::move(f));
  std::stable_sort(keyed.begin(), keyed.end());
  files->clear();
  for (auto& [key, f] : keyed) files->push_back(std::move(f));
}

}  // namespace

namespace ingest {

std::string PathTimeKey(std::string_view path) {
  auto digits = [&](size_t at, size_t n) {
    if (at + n > path.size()) return false;
    for (size_t i = 0; i < n; ++i) {
      if (path[at + i] < '0' || path[at + i] > '9') return false;
    }
    return true;
  };
  // CloudTrail file names: <account>_CloudTrail_<region>_YYYYMMDDTHHMMZ_<id>.json.gz
  const size_t slash = path.rfind('/');
  const std::string_view name = path.substr(slash == std::string_view::npos ? 0 : slash + 1);
  for (size_t i = name.find("_CloudTrail_"); i != std::string_view::npos;
       i = name.find('_', i + 1)) {
    const size_t at = (name.data() - path.data()) + i + 1;
    if (digits(at, 8) && at + 14 <= path.size() && path[at + 8] == 'T' && digits(at + 9, 4) &&
        path[at + 13] == 'Z') {
      return std::string(path.substr(at, 8)) + std::string(path.substr(at + 9, 4));
    }
  }
  // Azure diagnostic exports: .../y=YYYY/m=MM/d=DD/h=HH/m=MM/PT1H.json
  if (size_t y = path.find("/y="); y != std::string_view::npos && digits(y + 3, 4)) {
    std::string key(path.substr(y + 3, 4));
    size_t at = y + 7;
    for (const char* part : {"/m=", "/d=", "/h=", "/m="}) {
      if (path.substr(at, 3) != part || !digits(at + 3, 2)) break;
      key += path.substr(at + 3, 2);
      at += 5;
    }
    key.resize(12, '0');
    return key;
  }
  // Date folders (CloudTrail's YYYY/MM/DD, GCP log sinks' YYYY/MM/DD/HH:MM:SS_...):
  // the last /YYYY/MM/DD/ in the path, and an HH:MM that starts the name.
  for (size_t i = path.size(); i-- > 0;) {
    if (path[i] != '/' || !digits(i + 1, 4) || path.substr(i + 5, 1) != "/" || !digits(i + 6, 2) ||
        path.substr(i + 8, 1) != "/" || !digits(i + 9, 2) || path.substr(i + 11, 1) != "/") {
      continue;
    }
    std::string key = std::string(path.substr(i + 1, 4)) + std::string(path.substr(i + 6, 2)) +
                      std::string(path.substr(i + 9, 2));
    const size_t n = i + 12;
    if (digits(n, 2) && path.substr(n + 2, 1) == ":" && digits(n + 3, 2)) {
      key += std::string(path.substr(n, 2)) + std::string(path.substr(n + 3, 2));
    } else {
      key += "0000";
    }
    return key;
  }
  return "";
}

}  // namespace ingest

bool StartsWithJsonLine(std::string_view data) {
  size_t pos = 0;
  if (data.size() >= 3 && data.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  while (pos < data.size() && IsSpace(data[pos])) ++pos;
  if (pos >= data.size()) return false;
  size_t nl = data.find('\n', pos);
  size_t line_end = nl == std::string_view::npos ? data.size() : nl;
  size_t end = ScanValue(data.data(), pos, line_end);
  if (end == std::string_view::npos) return false;
  for (size_t i = end; i < line_end; ++i) {
    if (!IsSpace(data[i])) return false;
  }
  return true;
}

std::shared_ptr<const ingest::RecordFilter> BuildPrefilter(const PrefilterSpec& spec,
                                                           const IngestOptions& options,
                                                           std::string* error) {
  std::unique_ptr<ingest::Mappings> owned;
  std::string message;
  const ingest::Mappings* mappings =
      Prepare(options, &owned, [&](const std::string& m) { message = m; });
  if (!mappings) {
    *error = message;
    return nullptr;
  }
  return ingest::RecordFilter::Build(spec, *mappings, error);
}

std::vector<std::string> ExplainPrefilter(const ingest::RecordFilter& filter) {
  return filter.Explain();
}

namespace {

// The frame of every public reader: stats reset, mapping tables, one Run
// that `read` feeds, its result.
template <typename ReadFn>
bool WithRun(const IngestOptions& options, const ingest::Delivery& delivery,
             const ErrorSink& on_error, IngestStats* stats, ReadFn read) {
  IngestStats local;
  if (!stats) stats = &local;
  *stats = IngestStats{};
  std::unique_ptr<ingest::Mappings> owned;
  const ingest::Mappings* mappings = Prepare(options, &owned, on_error);
  if (!mappings) return false;
  Run run(options, *mappings, delivery, on_error, stats);
  read(run);
  run.Finish();
  return !run.failed();
}

void ReadAll(Run& run, const std::vector<std::string>& inputs) {
  for (const std::string& input : inputs) {
    if (run.Stopped()) break;
    if (input == "-") {
      FdInput in(0);
      run.ReadOne("-", &in);
      continue;
    }
    std::error_code ec;
    std::vector<std::string> files;
    if (std::filesystem::is_directory(input, ec)) {
      std::vector<std::pair<std::string, std::string>> errors;
      WalkDirectory(input, &files, &errors);
      OrderByPathTime(&files);
      for (const auto& [path, message] : errors) run.InputError(path, message, true);
    } else {
      files.push_back(input);
    }
    for (const std::string& file : files) {
      if (run.Stopped()) break;
      int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        run.InputError(file, std::string("cannot open: ") + std::strerror(errno), true);
        continue;
      }
      FdInput in(fd);
      run.ReadOne(file, &in);
      ::close(fd);
    }
  }
}

}  // namespace

bool ReadInputs(const std::vector<std::string>& inputs, const IngestOptions& options,
                const EventSink& on_event, const ErrorSink& on_error, IngestStats* stats) {
  return ingest::ReadInputsTo(inputs, options, ingest::Delivery{&on_event}, on_error, stats);
}

bool ReadFileRange(const std::string& path, uint64_t begin, uint64_t end,
                   const IngestOptions& options, const EventSink& on_event,
                   const ErrorSink& on_error, IngestStats* stats) {
  return ingest::ReadFileRangeTo(path, begin, end, options, ingest::Delivery{&on_event}, on_error,
                                 stats);
}

bool ReadBuffer(std::string_view data, std::string_view name, const IngestOptions& options,
                const EventSink& on_event, const ErrorSink& on_error, IngestStats* stats) {
  return WithRun(options, ingest::Delivery{&on_event}, on_error, stats, [&](Run& run) {
    MemoryInput in(data);
    run.ReadOne(name, &in);
  });
}

bool ReadBufferEvents(std::string_view data, std::string_view name, const IngestOptions& options,
                      const Program& program, const TypedEventSink& on_event,
                      const ErrorSink& on_error, IngestStats* stats) {
  ingest::Delivery delivery;
  delivery.typed = &on_event;
  delivery.program = &program;
  return WithRun(options, delivery, on_error, stats, [&](Run& run) {
    MemoryInput in(data);
    run.ReadOne(name, &in);
  });
}

bool ReadEvents(const std::vector<std::string>& inputs, const IngestOptions& options,
                const Program& program, int threads, const TypedEventSink& on_event,
                const ErrorSink& on_error, IngestStats* stats) {
  ingest::Delivery delivery;
  delivery.typed = &on_event;
  delivery.program = &program;
  return ingest::ReadParallel(inputs, options, threads, delivery, on_error, stats);
}

namespace ingest {

bool ReadInputsTo(const std::vector<std::string>& inputs, const IngestOptions& options,
                  const Delivery& delivery, const ErrorSink& on_error, IngestStats* stats) {
  return WithRun(options, delivery, on_error, stats, [&](Run& run) { ReadAll(run, inputs); });
}

bool ReadFileRangeTo(const std::string& path, uint64_t begin, uint64_t end,
                     const IngestOptions& options, const Delivery& delivery,
                     const ErrorSink& on_error, IngestStats* stats) {
  return WithRun(options, delivery, on_error, stats, [&](Run& run) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      run.InputError(path, std::string("cannot open: ") + std::strerror(errno), true);
      return;
    }
    RangeInput in(fd, begin, end);
    run.ReadOne(path, &in, /*lines=*/true);
    ::close(fd);
  });
}

}  // namespace ingest

}  // namespace rdl
