#include "git/repository.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "git/handles.h"
#include "git/sources.h"
#include "manifest/paths.h"

namespace ksa::git {

struct Repository::State {
    RepositoryPtr repository;
};

Repository::Repository(std::shared_ptr<State> state) : state_(std::move(state)) {}
Repository::Repository(Repository&&) noexcept = default;
Repository& Repository::operator=(Repository&&) noexcept = default;
Repository::~Repository() = default;

Expected<Repository> Repository::open_from_environment(const std::string& start_dir) {
    ensure_initialized();
    git_repository* raw = nullptr;
    if (git_repository_open_ext(&raw, start_dir.c_str(), GIT_REPOSITORY_OPEN_FROM_ENV, nullptr) < 0)
        return Failure{fmt::format("not a git repository (or any parent up to the root): {}",
                                   last_error("open").message)};
    auto state = std::make_shared<State>();
    state->repository.reset(raw);
    return Repository(std::move(state));
}

std::string Repository::workdir() const {
    const char* dir = git_repository_workdir(state_->repository.get());
    return dir != nullptr ? std::string(dir) : std::string();
}

Expected<std::unique_ptr<TreeSource>> Repository::index_source() {
    git_index* raw = nullptr;
    if (git_repository_index(&raw, state_->repository.get()) < 0) return last_error("cannot read the index");
    IndexPtr index(raw);
    // Shared ownership keeps the repository alive as long as the source.
    std::shared_ptr<git_repository> repository(state_, state_->repository.get());
    return std::unique_ptr<TreeSource>(std::make_unique<IndexSource>(std::move(repository), std::move(index)));
}

Expected<std::unique_ptr<TreeSource>> Repository::revision_source(const std::string& revision) {
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, state_->repository.get(), revision.c_str()) < 0)
        return last_error(fmt::format("cannot resolve revision '{}'", revision));
    ObjectPtr object(raw);
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, object.get(), GIT_OBJECT_TREE) < 0)
        return last_error(fmt::format("revision '{}' does not name a tree", revision));
    TreePtr tree(reinterpret_cast<git_tree*>(peeled));
    char short_id[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(short_id, 8, git_object_id(object.get()));
    std::shared_ptr<git_repository> repository(state_, state_->repository.get());
    return std::unique_ptr<TreeSource>(std::make_unique<CommitTreeSource>(
        std::move(repository), std::move(tree), fmt::format("revision {} ({})", revision, short_id)));
}

Expected<std::vector<ChangedPath>> Repository::staged_manifest_changes() {
    git_repository* repository = state_->repository.get();
    git_index* raw_index = nullptr;
    if (git_repository_index(&raw_index, repository) < 0) return last_error("cannot read the index");
    IndexPtr index(raw_index);

    // An unborn HEAD (first commit) diffs against nothing: every staged file is added.
    TreePtr head_tree;
    git_object* head = nullptr;
    const int head_status = git_revparse_single(&head, repository, "HEAD^{tree}");
    if (head_status == 0) {
        head_tree.reset(reinterpret_cast<git_tree*>(head));
    } else if (head_status != GIT_ENOTFOUND && git_repository_head_unborn(repository) != 1) {
        return last_error("cannot read HEAD");
    }

    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    options.flags = GIT_DIFF_INCLUDE_TYPECHANGE | GIT_DIFF_SKIP_BINARY_CHECK;
    git_diff* raw_diff = nullptr;
    if (git_diff_tree_to_index(&raw_diff, repository, head_tree.get(), index.get(), &options) < 0)
        return last_error("cannot compare the index with HEAD");
    DiffPtr diff(raw_diff);

    std::vector<ChangedPath> changes;
    std::set<std::string> folders;
    const std::size_t count = git_diff_num_deltas(diff.get());
    for (std::size_t i = 0; i < count; ++i) {
        const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
        const bool deleted = delta->status == GIT_DELTA_DELETED;
        const std::string_view path = deleted ? delta->old_file.path : delta->new_file.path;
        // A folder named like a manifest (e.g. "koder.toml/x") is reported as such.
        if (!deleted) {
            for (auto slash = path.find('/'); slash != std::string_view::npos; slash = path.find('/', slash + 1)) {
                const std::string_view folder = path.substr(0, slash);
                if (manifest::classify_path(folder) && folders.insert(std::string(folder)).second)
                    changes.push_back({std::string(folder), ChangeStatus::added});
            }
        }
        if (!manifest::classify_path(path)) continue;
        const ChangeStatus status = deleted                              ? ChangeStatus::deleted
                                    : delta->status == GIT_DELTA_ADDED ? ChangeStatus::added
                                                                       : ChangeStatus::modified;
        changes.push_back({std::string(path), status});
    }
    return changes;
}

} // namespace ksa::git
