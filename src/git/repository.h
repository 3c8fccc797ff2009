// A git repository opened as git itself would, and the git-backed manifest sources.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "config/server_config.h"
#include "source/tree_source.h"
#include "support/expected.h"

namespace ksa::git {

struct IndexSnapshot;

// What a pushed id names once tags are peeled.
enum class ObjectKind { commit, tree, blob, missing };

struct CommitSummary {
    std::string id;
    std::string short_id;
    std::string subject; // raw bytes: escape before printing
};

class Repository {
  public:
    // Opens the repository of the current folder, honouring GIT_DIR, GIT_INDEX_FILE,
    // GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES and GIT_CEILING_DIRECTORIES.
    static Expected<Repository> open_from_environment();

    Repository(Repository&&) noexcept;
    Repository& operator=(Repository&&) noexcept;
    ~Repository();

    // The work tree's root ("" for a bare repository).
    [[nodiscard]] std::string workdir() const;

    // True when git ignores `path` (a folder when `is_folder`) in this work tree.
    [[nodiscard]] bool is_ignored(const std::string& path, bool is_folder) const;

    Expected<std::unique_ptr<TreeSource>> index_source();
    Expected<std::unique_ptr<TreeSource>> revision_source(const std::string& revision);

    // Manifest paths (module and fragment) whose staged content differs from HEAD, and the
    // index they were found in; everything staged counts as added before the first commit.
    struct StagedChanges {
        std::vector<ChangedPath> changes;
        std::unique_ptr<TreeSource> index;
    };
    // `watched` paths (the registry) are compared and reported like manifests.
    Expected<StagedChanges> staged_manifest_changes(const std::vector<std::string>& watched = {});

    // Writes `content` to `path` in the work tree and stages it (the pre-commit hook's --fix).
    std::optional<Failure> write_and_stage(const std::string& path, const std::string& content);

    // --- for the pre-receive hook ---

    // The repository's configuration values under `section` (lower-cased keys), and those of a
    // git-config-format file; each value with the file it was read from.
    Expected<ConfigValues> config_values(std::string_view section);
    static Expected<ConfigValues> config_file_values(const std::string& path, std::string_view section);

    // What `id` names after peeling tags, and the peeled id.
    Expected<std::pair<ObjectKind, std::string>> peel(const std::string& id);

    // The commits that refs matching `patterns` (fnmatch, '*' crosses '/') lead to, tags peeled:
    // the commits a push may treat as already checked.
    Expected<std::vector<std::string>> trusted_commits(const std::vector<std::string>& patterns);

    struct NewCommits {
        std::vector<std::string> commits; // parents before children
        bool overrun = false;             // more than the limit
    };
    // Commits reachable from `tips` and from none of `trusted`.
    Expected<NewCommits> new_commits(const std::vector<std::string>& tips, const std::vector<std::string>& trusted,
                                     std::size_t limit);

    Expected<CommitSummary> commit_summary(const std::string& id);

    // Something in a pushed tree that would make a checkout differ from what the audit reads
    // (a malformed tree, a mode git never writes, a symlinked fragment folder).
    struct TreeProblem {
        std::string path;    // the entry or the tree's folder ("/" for the root); raw bytes
        std::string message; // may hold raw names: escape before printing
        std::string hint;
    };

    struct CommitChanges {
        std::vector<ChangedPath> new_content;       // manifests differing from every parent
        std::vector<ChangedPath> from_first_parent; // manifests and watched paths vs the first parent
        std::string first_parent;                   // "" for a root commit
        std::vector<TreeProblem> problems;
    };
    // What a commit changes: against its parent (everything for a root commit); for a merge,
    // `new_content` keeps only paths whose content differs from every parent's.
    Expected<CommitChanges> commit_manifest_changes(const std::string& id,
                                                    const std::vector<std::string>& watched = {});

    // What changes from the tree of `before` (a commit or tree id; "" for no tree) to that of
    // `after`: a branch update's end state.
    Expected<CommitChanges> tree_changes(const std::string& before, const std::string& after,
                                         const std::vector<std::string>& watched = {});

    // Like tree_changes, but only for `paths`: the ones whose entries differ between the two
    // trees (a branch's end state when the commits in between were compared already).
    Expected<CommitChanges> path_changes(const std::string& before, const std::string& after,
                                         const std::vector<std::string>& paths);

    // The first commit on `tip`'s first-parent chain that is not in `fresh` ("" when the chain
    // ends inside it): what a new branch's own commits start from.
    Expected<std::string> first_parent_base(const std::string& tip, const std::unordered_set<std::string>& fresh);

    // A blob's bytes; a Failure when it is not a blob or is larger than `max_bytes`.
    Expected<std::string> read_blob(const std::string& id, std::uint64_t max_bytes);

    // The commit `revision` names (tags peeled), or "" when it names none (an unborn HEAD).
    Expected<std::string> resolve_commit(const std::string& revision);

    // The tree of a commit or tree id, read as checkout would write it.
    Expected<std::unique_ptr<TreeSource>> object_source(const std::string& id, std::string description);

  private:
    friend class HistoryReader; // reads objects through the same libgit2 repository

    [[nodiscard]] std::string index_path() const;
    [[nodiscard]] Expected<IndexSnapshot> read_index(const std::vector<std::string>& watched = {}) const;
    [[nodiscard]] std::vector<std::string> shared_index_dirs() const;

    struct State;
    explicit Repository(std::shared_ptr<State> state);
    std::shared_ptr<State> state_;
};

} // namespace ksa::git
