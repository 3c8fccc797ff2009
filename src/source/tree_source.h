// Where manifests are read from: the working tree, the index or a commit's tree.
// The audit engine sees only this interface; git/ implements the git-backed sources.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "support/expected.h"

namespace ksa {

enum class EntryKind { missing, file, directory, symlink, submodule, other };

std::string_view describe(EntryKind kind);

struct Entry {
    EntryKind kind = EntryKind::missing;
    std::uint64_t size = 0; // bytes, for files
};

// A path named like a manifest (module or fragment), with what is at that path.
struct Candidate {
    std::string path;
    EntryKind kind = EntryKind::file;
};

enum class ChangeStatus { added, modified, deleted };

// A manifest path a change (a staged diff, a pushed commit) touches.
struct ChangedPath {
    std::string path;
    ChangeStatus status = ChangeStatus::modified;
};

class TreeSource {
  public:
    virtual ~TreeSource() = default;

    // "working tree", "index", "commit 1a2b3c4"
    [[nodiscard]] virtual std::string description() const = 0;

    // Every path under `prefix` ("" is everything) whose name is a manifest's, sorted.
    virtual Expected<std::vector<Candidate>> list_manifests(const std::string& prefix) = 0;

    virtual Expected<Entry> stat(const std::string& path) = 0;

    // The content of a regular file; the caller has checked its size with stat().
    virtual Expected<std::string> read(const std::string& path) = 0;

    // True when <module>/self-hosted/ holds at least one koder_*.toml.
    virtual Expected<bool> has_fragments(const std::string& module_dir) = 0;
};

} // namespace ksa
