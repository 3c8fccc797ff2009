// A git repository opened as git itself would, and the git-backed manifest sources.
#pragma once

#include <memory>
#include <optional>
#include <string>
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
    std::string subject;  // raw bytes: escape before printing
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
    // git-config-format file.
    Expected<ConfigValues> config_values(std::string_view section);
    static Expected<ConfigValues> config_file_values(const std::string& path, std::string_view section);

    // What `id` names after peeling tags, and the peeled id.
    Expected<std::pair<ObjectKind, std::string>> peel(const std::string& id);

    // Commits reachable from `tips` but from no existing reference and none of `seen_tips`,
    // parents before children; stops after `limit` + 1 commits so the caller can tell an overrun.
    Expected<std::vector<std::string>> new_commits(const std::vector<std::string>& tips, std::size_t limit,
                                                   const std::vector<std::string>& seen_tips = {});

    Expected<CommitSummary> commit_summary(const std::string& id);

    struct CommitChanges {
        std::vector<ChangedPath> new_content;         // manifests differing from every parent
        std::vector<ChangedPath> from_first_parent;   // manifests and watched paths vs the first parent
        std::string first_parent;                     // "" for a root commit
    };
    // What a commit changes: against its parent (everything for a root commit); for a merge,
    // `new_content` keeps only paths whose content differs from every parent's.
    Expected<CommitChanges> commit_manifest_changes(const std::string& id, const std::vector<std::string>& watched = {});

private:
    friend class HistoryReader;  // reads objects through the same libgit2 repository

    [[nodiscard]] std::string index_path() const;
    [[nodiscard]] Expected<IndexSnapshot> read_index(const std::vector<std::string>& watched = {}) const;
    [[nodiscard]] std::vector<std::string> shared_index_dirs() const;

    struct State;
    explicit Repository(std::shared_ptr<State> state);
    std::shared_ptr<State> state_;
};

} // namespace ksa::git
