// Repository operations the pre-receive hook needs: configuration, the walk over the pushed
// commits, and the manifest changes of each commit.
#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "git/handles.h"
#include "git/repository.h"
#include "git/repository_state.h"
#include "manifest/paths.h"

namespace ksa::git {
namespace {

using RevwalkPtr = std::unique_ptr<git_revwalk, Deleter<&git_revwalk_free>>;
using ConfigPtr = std::unique_ptr<git_config, Deleter<&git_config_free>>;

Expected<ConfigValues> collect(git_config* config, std::string_view section) {
    ConfigValues values;
    const std::string prefix = std::string(section) + ".";
    // A plain iterator filtered here: libgit2's glob iterator leaks its regex match data.
    git_config_iterator* raw = nullptr;
    if (git_config_iterator_new(&raw, config) < 0) return last_error("cannot read the configuration");
    std::unique_ptr<git_config_iterator, Deleter<&git_config_iterator_free>> iterator(raw);
    git_config_entry* entry = nullptr;
    int status = 0;
    while ((status = git_config_next(&entry, iterator.get())) == 0) {
        std::string key = entry->name;
        std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
        if (!key.starts_with(prefix)) continue;
        values[key].emplace_back(entry->value != nullptr ? entry->value : "");
    }
    if (status != GIT_ITEROVER) return last_error("cannot read the configuration");
    return values;
}



// One side of a tree comparison: the entry of a name in a tree, if any.
struct Side {
    const git_tree_entry* entry = nullptr;
    [[nodiscard]] bool is_tree() const { return entry != nullptr && git_tree_entry_type(entry) == GIT_OBJECT_TREE; }
};

class TreeDiff {
public:
    TreeDiff(git_repository* repository, const std::vector<std::string>& watched)
        : repository_(repository), watched_(watched) {}

    // Records manifest paths that differ between `before` and `after` (either may be null),
    // descending only into subtrees whose ids differ.
    std::optional<Failure> compare(const git_tree* before, const git_tree* after, const std::string& folder) {
        if (too_deep(folder)) return Failure{fmt::format("folders nested more than {} levels deep under {}…: refused", max_tree_depth, std::string_view(folder).substr(0, 80))};
        if (before != nullptr && after != nullptr && git_oid_equal(git_tree_id(before), git_tree_id(after)))
            return std::nullopt;
        if (after != nullptr) {
            for (std::size_t i = 0, n = git_tree_entrycount(after); i < n; ++i) {
                const git_tree_entry* entry = git_tree_entry_byindex(after, i);
                const git_tree_entry* old = before != nullptr ? git_tree_entry_byname(before, git_tree_entry_name(entry)) : nullptr;
                if (auto problem = compare_entry(Side{old}, Side{entry}, folder)) return problem;
            }
        }
        if (before != nullptr) {
            for (std::size_t i = 0, n = git_tree_entrycount(before); i < n; ++i) {
                const git_tree_entry* entry = git_tree_entry_byindex(before, i);
                if (after != nullptr && git_tree_entry_byname(after, git_tree_entry_name(entry)) != nullptr) continue;
                if (auto problem = compare_entry(Side{entry}, Side{}, folder)) return problem;
            }
        }
        return std::nullopt;
    }

    std::vector<ChangedPath> changes;

private:
    Expected<TreePtr> load(const Side& side, const std::string& path) {
        if (!side.is_tree()) return TreePtr();
        git_tree* raw = nullptr;
        if (git_tree_lookup(&raw, repository_, git_tree_entry_id(side.entry)) < 0)
            return last_error(fmt::format("cannot read folder {}", path));
        return TreePtr(raw);
    }

    std::optional<Failure> compare_entry(const Side& old, const Side& now, const std::string& folder) {
        const git_tree_entry* any = now.entry != nullptr ? now.entry : old.entry;
        const std::string path = folder.empty() ? std::string(git_tree_entry_name(any))
                                                : folder + "/" + git_tree_entry_name(any);
        if (old.entry != nullptr && now.entry != nullptr && git_oid_equal(git_tree_entry_id(old.entry), git_tree_entry_id(now.entry)) &&
            git_tree_entry_filemode(old.entry) == git_tree_entry_filemode(now.entry))
            return std::nullopt;
        const bool manifest_named = manifest::classify_path(path).has_value() ||
                                    std::find(watched_.begin(), watched_.end(), path) != watched_.end();
        // A folder (or anything that is not a blob) named like a manifest is itself a finding.
        if (manifest_named) {
            if (now.entry == nullptr) changes.push_back({path, ChangeStatus::deleted});
            else changes.push_back({path, old.entry == nullptr ? ChangeStatus::added : ChangeStatus::modified});
        }
        if (!old.is_tree() && !now.is_tree()) return std::nullopt;
        if (manifest_named && now.is_tree()) return std::nullopt;  // reported; nothing inside is a manifest of its own
        auto old_tree = load(old, path);
        if (!old_tree) return old_tree.failure();
        auto new_tree = load(now, path);
        if (!new_tree) return new_tree.failure();
        return compare(old_tree->get(), new_tree->get(), path);
    }

    git_repository* repository_;
    const std::vector<std::string>& watched_;
};

Expected<CommitPtr> lookup_commit(git_repository* repository, const std::string& id) {
    auto oid = parse_object_id(id);
    if (!oid) return oid.failure();
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repository, &*oid) < 0) return last_error(fmt::format("cannot read commit {}", id));
    return CommitPtr(raw);
}

Expected<TreePtr> commit_tree(git_commit* commit) {
    git_tree* raw = nullptr;
    if (git_commit_tree(&raw, commit) < 0) return last_error("cannot read a commit's tree");
    return TreePtr(raw);
}

// True when `path` has the same entry (or is absent in both) in `tree` and in `other`.
bool same_entry(git_tree* tree, git_tree* other, const std::string& path) {
    git_tree_entry* a = nullptr;
    git_tree_entry* b = nullptr;
    const bool has_a = git_tree_entry_bypath(&a, tree, path.c_str()) == 0;
    const bool has_b = git_tree_entry_bypath(&b, other, path.c_str()) == 0;
    TreeEntryPtr hold_a(a);
    TreeEntryPtr hold_b(b);
    if (!has_a || !has_b) return has_a == has_b;
    return git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b)) &&
           git_tree_entry_filemode(a) == git_tree_entry_filemode(b);
}

} // namespace

Expected<ConfigValues> Repository::config_values(std::string_view section) {
    git_config* raw = nullptr;
    if (git_repository_config_snapshot(&raw, state_->repository.get()) < 0)
        return last_error("cannot read the repository's configuration");
    ConfigPtr config(raw);
    return collect(config.get(), section);
}

Expected<ConfigValues> Repository::config_file_values(const std::string& path, std::string_view section) {
    ensure_initialized();
    git_config* raw = nullptr;
    if (git_config_open_ondisk(&raw, path.c_str()) < 0) return last_error(fmt::format("cannot read {}", path));
    ConfigPtr config(raw);
    return collect(config.get(), section);
}

Expected<std::pair<ObjectKind, std::string>> Repository::peel(const std::string& id) {
    auto oid = parse_object_id(id);
    if (!oid) return oid.failure();
    git_object* raw = nullptr;
    if (git_object_lookup(&raw, state_->repository.get(), &*oid, GIT_OBJECT_ANY) < 0)
        return std::pair{ObjectKind::missing, id};
    ObjectPtr object(raw);
    // Follow tags to whatever they finally name.
    while (git_object_type(object.get()) == GIT_OBJECT_TAG) {
        git_object* target = nullptr;
        if (git_tag_target(&target, reinterpret_cast<git_tag*>(object.get())) < 0)
            return last_error(fmt::format("cannot read the target of tag {}", id));
        object.reset(target);
    }
    const std::string peeled = to_hex(*git_object_id(object.get()));
    switch (git_object_type(object.get())) {
        case GIT_OBJECT_COMMIT: return std::pair{ObjectKind::commit, peeled};
        case GIT_OBJECT_TREE: return std::pair{ObjectKind::tree, peeled};
        default: return std::pair{ObjectKind::blob, peeled};
    }
}

Expected<std::vector<std::string>> Repository::new_commits(const std::vector<std::string>& tips, std::size_t limit,
                                                       const std::vector<std::string>& seen_tips) {
    git_repository* repository = state_->repository.get();
    git_revwalk* raw = nullptr;
    if (git_revwalk_new(&raw, repository) < 0) return last_error("cannot walk the history");
    RevwalkPtr walk(raw);
    git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
    for (const std::string& tip : tips) {
        auto oid = parse_object_id(tip);
        if (!oid) return oid.failure();
        if (git_revwalk_push(walk.get(), &*oid) < 0) return last_error(fmt::format("cannot walk from {}", tip));
    }
    // Everything reachable from an existing reference is already in the repository (and was
    // checked when it arrived). Refs that do not lead to a commit hide nothing.
    git_reference_iterator* raw_refs = nullptr;
    if (git_reference_iterator_new(&raw_refs, repository) < 0) return last_error("cannot list references");
    std::unique_ptr<git_reference_iterator, Deleter<&git_reference_iterator_free>> refs(raw_refs);
    git_reference* reference = nullptr;
    while (git_reference_next(&reference, refs.get()) == 0) {
        ReferencePtr held(reference);
        git_object* target = nullptr;
        if (git_reference_peel(&target, held.get(), GIT_OBJECT_COMMIT) < 0) continue;
        ObjectPtr commit(target);
        git_revwalk_hide(walk.get(), git_object_id(commit.get()));
    }
    // Tips of this push already walked: their commits were counted and checked.
    for (const std::string& tip : seen_tips) {
        auto oid = parse_object_id(tip);
        if (!oid) return oid.failure();
        if (git_revwalk_hide(walk.get(), &*oid) < 0) return last_error(fmt::format("cannot walk from {}", tip));
    }
    std::vector<std::string> commits;
    git_oid oid;
    int status = 0;
    while ((status = git_revwalk_next(&oid, walk.get())) == 0) {
        commits.push_back(to_hex(oid));
        if (commits.size() > limit) break;
    }
    if (status < 0 && status != GIT_ITEROVER) return last_error("cannot walk the pushed commits");
    return commits;
}

Expected<CommitSummary> Repository::commit_summary(const std::string& id) {
    auto commit = lookup_commit(state_->repository.get(), id);
    if (!commit) return commit.failure();
    const char* summary = git_commit_summary(commit->get());
    return CommitSummary{id, id.substr(0, 10), summary != nullptr ? summary : ""};
}

Expected<Repository::CommitChanges> Repository::commit_manifest_changes(const std::string& id,
                                                                      const std::vector<std::string>& watched) {
    git_repository* repository = state_->repository.get();
    auto commit = lookup_commit(repository, id);
    if (!commit) return commit.failure();
    auto tree = commit_tree(commit->get());
    if (!tree) return tree.failure();
    const unsigned parents = git_commit_parentcount(commit->get());
    std::vector<TreePtr> parent_trees;
    CommitChanges result;
    for (unsigned i = 0; i < parents; ++i) {
        git_commit* raw = nullptr;
        if (git_commit_parent(&raw, commit->get(), i) < 0) return last_error(fmt::format("cannot read a parent of {}", id));
        CommitPtr parent(raw);
        if (i == 0) result.first_parent = to_hex(*git_commit_id(parent.get()));
        auto parent_tree = commit_tree(parent.get());
        if (!parent_tree) return parent_tree.failure();
        parent_trees.push_back(std::move(*parent_tree));
    }
    TreeDiff diff(repository, watched);
    if (auto problem = diff.compare(parent_trees.empty() ? nullptr : parent_trees.front().get(), tree->get(), ""))
        return *problem;
    result.from_first_parent = diff.changes;
    // The audit reads manifests only; a merge brings nothing new at a path equal to one of its
    // other parents' versions.
    for (ChangedPath& change : diff.changes) {
        if (!manifest::classify_path(change.path)) continue;
        const bool from_a_parent =
            parent_trees.size() > 1 && std::any_of(parent_trees.begin() + 1, parent_trees.end(), [&](const TreePtr& parent) {
                return same_entry(tree->get(), parent.get(), change.path);
            });
        if (!from_a_parent) result.new_content.push_back(std::move(change));
    }
    return result;
}

} // namespace ksa::git
