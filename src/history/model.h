// What the history pass collects: each component's declarations along the first-parent chain.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ksa::history {

// The part of a manifest the stability gate looks at, at one commit.
struct Snapshot {
    std::string path;    // the manifest's path at that commit
    std::string version; // [package].version, else [app].version; "" when absent
    bool has_block = false;
    std::string status;                            // "" when absent or not a string
    std::optional<std::vector<std::string>> cases; // nullopt: every case
    std::vector<std::string> gates_passed;         // well-formed entries, without " = REF"
    std::vector<std::string> gates_pending;

    bool operator==(const Snapshot&) const = default;
};

// A component's declaration from commit `commit` (an index into MinedHistory::commits) on.
struct Revision {
    std::uint32_t commit = 0;
    bool present = false; // false: no manifest declares the component any more
    Snapshot snapshot{};
};

struct ComponentHistory {
    std::string name;
    std::vector<Revision> revisions; // oldest first; consecutive revisions differ
};

// A manifest version the pass could not use (invalid TOML, unreadable blob): reported, skipped.
struct InvalidManifest {
    std::uint32_t commit = 0;
    std::string path;
    std::string problem; // "line 3, column 7: ..." for syntax errors
};

struct CommitInfo {
    std::string id;
    std::int64_t time = 0;
};

// What a manifest path holds at the tip, so a later pass can continue from there.
struct PathState {
    std::string blob;
    std::string component; // "" when no valid version was ever seen at this path
    Snapshot snapshot{};
};

struct MinedHistory {
    std::vector<CommitInfo> commits; // the first-parent chain, oldest first
    std::string tip_tree;            // the tree of the last commit, where a later pass resumes
    bool shallow = false;            // the chain starts at a shallow clone's boundary
    std::map<std::string, ComponentHistory> components;
    std::vector<InvalidManifest> invalid;
    std::map<std::string, PathState> paths;
};

} // namespace ksa::history
