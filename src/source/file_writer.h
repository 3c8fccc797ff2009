// Writing a file safely: atomically for regular files, never through a symlink.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "support/expected.h"

namespace ksa {

// Writes `content` to `target`. A regular (or new) file is replaced atomically (a temporary
// beside it, then a rename); a symlink is never written through and a folder is refused. With
// `into_special`, a device or FIFO (/dev/null) is written into, never replaced.
std::optional<Failure> write_file(const std::filesystem::path& target, std::string_view content, bool into_special);

// The same for `relative` under `root`, refusing a symlinked folder on the way: the file
// stays inside the tree.
std::optional<Failure> write_file_in_tree(const std::filesystem::path& root, const std::string& relative,
                                          std::string_view content);

} // namespace ksa
