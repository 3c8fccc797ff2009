// A streaming reader of git's index file (versions 2, 3 and 4) that keeps only what the audit
// needs: manifest entries, the configuration file's entry, manifest-named folders, and the
// cache-tree extension. It reads through a small buffer, so its cost and memory follow what it
// keeps, not the index size (libgit2 materialises every entry: ~7x slower on 200,000 files).
//
// Format: Documentation/gitformat-index.txt in git's source (the header, entries of versions 2
// to 4 with version 4's prefix-compressed paths, the "TREE" cache-tree, "link" split-index and
// "sdir" sparse-directory extensions). Falls back to nothing: an index it cannot read is a
// Failure naming the problem (the pre-commit hook then refuses to guess). Fuzzed by
// tests/fuzz/fuzz_index.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "git/object_id.h"
#include "support/expected.h"

namespace ksa::git {

struct IndexEntry {
    std::string path;
    ObjectId id{};
    std::uint32_t mode = 0;
};

// One folder of the cache-tree extension, in the extension's pre-order.
struct CacheTreeNode {
    std::string_view name; // the folder's own name ("" for the root), into IndexSnapshot's buffer
    bool valid = false;    // false when a staged change invalidated the cached tree id
    ObjectId id{};
    std::uint32_t end = 0; // one past the node's last descendant
};

struct IndexSnapshot {
    // Move-only: the cache-tree names point into cache_tree_names, which a copy would not own.
    IndexSnapshot() = default;
    IndexSnapshot(IndexSnapshot&&) = default;
    IndexSnapshot& operator=(IndexSnapshot&&) = default;
    IndexSnapshot(const IndexSnapshot&) = delete;
    IndexSnapshot& operator=(const IndexSnapshot&) = delete;

    std::vector<IndexEntry> entries;            // kept entries, stage 0, in index (path) order
    std::vector<std::string> manifest_folders;  // folders named like a manifest, sorted
    std::vector<IndexEntry> sparse_directories; // sparse index: folders stored as one tree entry
    std::vector<CacheTreeNode> cache_tree;      // empty when the index has no cache-tree
    std::vector<char> cache_tree_names;         // storage for CacheTreeNode::name
    std::uint32_t total_entries = 0;

    // The child folder `name` of cache-tree node `node`, or nullopt.
    [[nodiscard]] std::optional<std::uint32_t> cache_tree_child(std::uint32_t node, std::string_view name) const;
};

// Which entry paths to keep (the rest are only counted).
using KeepPath = std::function<bool(std::string_view path)>;

// Reads the index file at `path`. A missing file is an empty index (a new repository). A split
// index's shared part is looked up in `shared_index_dirs` (the git folder, then the common one).
Expected<IndexSnapshot> read_index_file(const std::string& path, const KeepPath& keep,
                                        const std::vector<std::string>& shared_index_dirs = {});

} // namespace ksa::git
