// Source files and spans: byte offsets into a file's text, mapped to
// 1-based line and column for messages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rdl {

// A half-open byte range [begin, end) in one source file.
struct Span {
  uint32_t file = 0;  // index into SourceManager::files()
  uint32_t begin = 0;
  uint32_t end = 0;
  bool operator==(const Span&) const = default;
};

struct LineCol {
  uint32_t line = 1;  // 1-based
  uint32_t col = 1;   // 1-based, in bytes
};

class SourceFile {
 public:
  SourceFile(std::string name, std::string text);
  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  LineCol Locate(uint32_t offset) const;
  // The text of 1-based line `line`, without its newline.
  std::string_view Line(uint32_t line) const;

 private:
  std::string name_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

// Owns every file of one compilation; file ids are indexes.
class SourceManager {
 public:
  uint32_t Add(std::string name, std::string text);
  const SourceFile& file(uint32_t id) const { return files_[id]; }
  size_t size() const { return files_.size(); }

 private:
  std::vector<SourceFile> files_;
};

}  // namespace rdl
