// Shared by the fuzz targets: an in-memory tree, a reader that turns fuzz bytes into values,
// and invariant checks that abort (so libFuzzer and the replay runner both report a crash).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "source/tree_source.h"

namespace ksa::fuzz {

// Aborts with a message: an invariant of the code under test does not hold.
[[noreturn]] void violated(std::string_view what, std::string_view detail = {});

// Every file of the tree in memory, as a hook would see a commit.
class MemorySource final : public TreeSource {
  public:
    void add(std::string path, std::string content) { files_[std::move(path)] = std::move(content); }

    [[nodiscard]] std::string description() const override { return "fuzz input"; }
    Expected<std::vector<Candidate>> list_manifests(const std::string& prefix) override;
    Expected<Entry> stat(const std::string& path) override;
    Expected<std::string> read(const std::string& path) override;
    Expected<bool> has_fragments(const std::string& module_dir) override;

  private:
    std::map<std::string, std::string> files_;
};

// Consumes fuzz bytes as small integers and length-prefixed strings; past the end it gives
// zeros and empty strings, so every input decodes to something.
class ByteReader {
  public:
    explicit ByteReader(std::string_view data) : data_(data) {}
    std::uint8_t byte();
    std::string string();  // one length byte, then up to that many bytes
    [[nodiscard]] bool empty() const { return data_.empty(); }

  private:
    std::string_view data_;
};

// Text a terminal shows as is: no C0 control but the newline, no DEL, no C1 control, no
// bidirectional control, valid UTF-8.
bool is_terminal_safe(std::string_view text, bool allow_newline = true);

// Aborts unless `text` is terminal-safe (see above).
void require_terminal_safe(std::string_view text, std::string_view what, bool allow_newline = true);

} // namespace ksa::fuzz
