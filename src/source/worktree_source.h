// Manifests read from the files on disk under a root folder, never following symlinks.
#pragma once

#include <filesystem>
#include <functional>

#include "source/tree_source.h"

namespace ksa {

// True when a folder between `root` and `relative` (the last component excluded) is a symlink.
bool path_crosses_symlink(const std::filesystem::path& root, const std::string& relative);

class WorktreeSource final : public TreeSource {
  public:
    // Says whether a repository path (a folder when `is_folder`) is ignored, e.g. by .gitignore.
    using IgnoreCheck = std::function<bool(const std::string& path, bool is_folder)>;

    explicit WorktreeSource(std::filesystem::path root, IgnoreCheck ignored = {})
        : root_(std::move(root)), ignored_(std::move(ignored)) {}

    [[nodiscard]] std::string description() const override { return "working tree"; }
    Expected<std::vector<Candidate>> list_manifests(const std::string& prefix) override;
    Expected<Entry> stat(const std::string& path) override;
    Expected<std::string> read(const std::string& path) override;
    Expected<bool> has_fragments(const std::string& module_dir) override;

  private:
    [[nodiscard]] std::filesystem::path full_path(const std::string& path) const;
    // True when a folder on the way to `path` is a symlink: what lies past it is outside the tree.
    [[nodiscard]] bool crosses_symlink(const std::string& path) const;

    std::filesystem::path root_;
    IgnoreCheck ignored_;
};

} // namespace ksa
