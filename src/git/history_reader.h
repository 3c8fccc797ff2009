// What `self-hosted --history` reads from git: the first-parent chain of a branch, the
// manifest blobs each commit changes, blobs by id, and release tags.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "git/repository.h"
#include "source/tree_source.h"
#include "support/expected.h"
#include "support/progress.h"

namespace ksa::git {

struct ChainCommit {
    std::string id;
    std::string tree;
    std::int64_t time = 0; // committer time, seconds since the epoch
    unsigned parents = 0;
};

struct FirstParentChain {
    std::vector<ChainCommit> commits; // newest first
    bool stopped = false;             // the walk met a commit `stop_at` accepted (not in `commits`)
    std::string stop_id;              // that commit
    bool shallow_end = false;         // the oldest commit's parent is missing (a shallow clone)
};

// A manifest path whose entry differs between two trees. `blob` is the new content's id, ""
// when the path is gone or holds something other than a regular file (`kind` says what).
struct ManifestBlobChange {
    std::string path;
    std::string blob;
    EntryKind kind = EntryKind::missing;
};

struct TagTarget {
    std::string name;   // without refs/tags/
    std::string target; // what the ref points at: a commit, or an annotated tag object
    std::string peeled; // the commit an annotated tag leads to when git recorded it, else ""
};

class HistoryReader {
  public:
    explicit HistoryReader(Repository& repository);
    HistoryReader(HistoryReader&&) noexcept;
    ~HistoryReader();

    // The commit `revision` names (tags peeled).
    Expected<std::string> resolve_commit(const std::string& revision);

    // First parents from `tip` back to the root, or to the first commit `stop_at` accepts.
    // `progress` (optional) counts each commit read.
    Expected<FirstParentChain> first_parent_chain(const std::string& tip,
                                                  const std::function<bool(const std::string&)>& stop_at,
                                                  Progress* progress = nullptr);

    // The order chain_changes compares trees in: the one the packs' deltas favour (see
    // chain_order()), or a given one (for tests).
    enum class Order { automatic, oldest_first, newest_first };

    // For each tree of a first-parent chain (oldest first), the manifest paths (module and
    // fragment) that differ from the tree before it; the first is compared with `before_tree`
    // ("" is the empty tree). Uses up to `threads` threads; `progress` (optional) counts each
    // comparison.
    Expected<std::vector<std::vector<ManifestBlobChange>>> chain_changes(const std::string& before_tree,
                                                                         const std::vector<std::string>& trees,
                                                                         unsigned threads, Progress* progress = nullptr,
                                                                         Order order = Order::automatic);

    // Which way the packs' deltas point between consecutive versions of a tree, voted by the root
    // trees of up to 64 commits of the chain: newest first when more are stored as deltas of the
    // next newer version (what git's own delta search mostly writes), oldest first otherwise (git
    // fast-import writes deltas of the next older one, and git keeps them when it repacks or
    // serves a clone). Walking the way the deltas point builds each tree from its base once.
    Order chain_order(const std::string& before_tree, const std::vector<std::string>& trees);

    // A blob's bytes; a Failure names `path` when it cannot be read or exceeds `max_bytes`.
    Expected<std::string> read_blob(const std::string& blob, const std::string& path, std::uint64_t max_bytes);

    // The refs/tags/* whose name (without refs/tags/) `wanted` accepts, with their direct targets.
    Expected<std::vector<TagTarget>> tags(const std::function<bool(std::string_view)>& wanted);

    // The commit `id` leads to through annotated tags; "" when it leads to a tree or blob.
    Expected<std::string> peel_to_commit(const std::string& id);

    // True when `ancestor` is reachable from `descendant` (or is it).
    Expected<bool> is_ancestor(const std::string& ancestor, const std::string& descendant);

    // The folder shared by all work trees of the repository (where caches live).
    [[nodiscard]] std::string common_dir() const;
    [[nodiscard]] bool is_shallow() const;

    struct State; // defined in history_reader.cpp only

  private:
    std::unique_ptr<State> state_;
};

} // namespace ksa::git
