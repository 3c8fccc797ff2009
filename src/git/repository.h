// A git repository opened as git itself would, and the git-backed manifest sources.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "source/tree_source.h"
#include "support/expected.h"

namespace ksa::git {

struct IndexSnapshot;

enum class ChangeStatus { added, modified, deleted };

struct ChangedPath {
    std::string path;
    ChangeStatus status = ChangeStatus::modified;
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

    Expected<std::unique_ptr<TreeSource>> index_source();
    Expected<std::unique_ptr<TreeSource>> revision_source(const std::string& revision);

    // Manifest paths (module and fragment) whose staged content differs from HEAD, and the
    // index they were found in; everything staged counts as added before the first commit.
    struct StagedChanges {
        std::vector<ChangedPath> changes;
        std::unique_ptr<TreeSource> index;
    };
    Expected<StagedChanges> staged_manifest_changes();

private:
    [[nodiscard]] std::string index_path() const;
    [[nodiscard]] Expected<IndexSnapshot> read_index() const;

    struct State;
    explicit Repository(std::shared_ptr<State> state);
    std::shared_ptr<State> state_;
};

} // namespace ksa::git
