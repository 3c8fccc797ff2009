// Repository operations the pre-receive hook needs: configuration, trusted refs, the walk over
// the pushed commits, and the manifest changes of each commit and of each branch's end state.
#include <algorithm>
#include <cstring>
#include <set>

#include <fnmatch.h>

#include <fmt/format.h>

#include "git/commit.h"
#include "git/handles.h"
#include "git/repository.h"
#include "git/repository_state.h"
#include "git/rev_walk.h"
#include "git/sources.h"
#include "manifest/paths.h"

namespace ksa::git {
namespace {

using ConfigPtr = std::unique_ptr<git_config, Deleter<&git_config_free>>;

// The file a configuration level reads ("" when libgit2 cannot say), for `config --show`.
std::string level_file(git_config_level_t level, git_repository* repository) {
    int (*find)(git_buf*) = nullptr;
    switch (level) {
    case GIT_CONFIG_LEVEL_LOCAL:
        return repository != nullptr ? std::string(git_repository_path(repository)) + "config" : std::string();
    case GIT_CONFIG_LEVEL_GLOBAL: find = git_config_find_global; break;
    case GIT_CONFIG_LEVEL_XDG: find = git_config_find_xdg; break;
    case GIT_CONFIG_LEVEL_SYSTEM: find = git_config_find_system; break;
    case GIT_CONFIG_LEVEL_PROGRAMDATA: find = git_config_find_programdata; break;
    default: return {};
    }
    git_buf found = GIT_BUF_INIT;
    std::string path;
    if (find(&found) == 0 && found.ptr != nullptr) path = found.ptr;
    git_buf_dispose(&found);
    return path;
}

// Every value under `section`, each with the file it came from: `file_of` names a level's file.
template <typename FileOf>
Expected<ConfigValues> collect(git_config* config, std::string_view section, FileOf file_of) {
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
        std::string file = file_of(entry->level);
        // libgit2 1.5 does not say which included file a value comes from, only how deep.
        if (entry->include_depth > 0) file = file.empty() ? "an included file" : "a file included by " + file;
        values[key].emplace_back(entry->value != nullptr ? entry->value : "", std::move(file));
    }
    if (status != GIT_ITEROVER) return last_error("cannot read the configuration");
    return values;
}

constexpr std::string_view unusual_mode_hint =
    "git writes only the modes 100644, 100755, 120000, 040000 and 160000; this tree was made by hand "
    "(git hash-object --literally, git mktree): recreate it with git add and git commit";

// Compares two trees for the push audit: records changed manifest and watched paths, and the
// problems of the new side that would make a checkout differ from what the audit reads.
class PushDiff {
  public:
    explicit PushDiff(const std::vector<std::string>& watched) : watched_(watched) {}

    Step operator()(std::string_view path, const TreeEntry* before, const TreeEntry* after) {
        const bool watched = is_watched(path);
        const bool manifest_named = manifest::classify_path(path).has_value() || watched;
        if (after != nullptr) check_new_entry(path, *after);
        if (manifest_named) {
            if (after == nullptr)
                changes.push_back({std::string(path), ChangeStatus::deleted});
            else
                changes.push_back(
                    {std::string(path), before == nullptr ? ChangeStatus::added : ChangeStatus::modified});
            // A folder at a manifest's path is reported as such: nothing inside is a manifest.
            if (after != nullptr && after->is_tree()) return Step::skip;
        }
        const bool folder = (before != nullptr && before->is_tree()) || (after != nullptr && after->is_tree());
        return folder ? Step::descend : Step::skip;
    }

    std::vector<ChangedPath> changes;
    std::vector<Repository::TreeProblem> problems;

  private:
    void check_new_entry(std::string_view path, const TreeEntry& entry) {
        if (!entry.mode_is_canonical()) {
            problems.push_back({std::string(path),
                                fmt::format("tree entry has mode {:o}, which git checks out as {} (mode {:06o})",
                                            entry.stored, describe(entry.kind()), entry.mode),
                                std::string(unusual_mode_hint)});
        }
        if (entry.kind() != EntryKind::symlink) return;
        if (manifest::base_name(path) == manifest::fragment_dir_name) {
            problems.push_back({std::string(path),
                                "the fragment folder is a symbolic link: a checkout would show the fragments of the "
                                "folder it points to, which the audit does not read",
                                "commit self-hosted/ as a real folder holding its koder_*.toml files"});
        } else if (leads_to_watched(path)) {
            problems.push_back({std::string(path),
                                "a folder on the way to a checked file (the registry or a precedent list) is a "
                                "symbolic link: a checkout would show another file than the one audited",
                                "commit the folder as a real folder"});
        }
    }

    [[nodiscard]] bool is_watched(std::string_view path) const {
        return std::find(watched_.begin(), watched_.end(), path) != watched_.end();
    }
    [[nodiscard]] bool leads_to_watched(std::string_view path) const {
        return std::any_of(watched_.begin(), watched_.end(), [&](const std::string& file) {
            return file == path || (file.size() > path.size() && file.starts_with(path) && file[path.size()] == '/');
        });
    }

    const std::vector<std::string>& watched_;
};

Expected<CommitObject> read_commit(ObjectReader& reader, const ObjectId& id, ObjectData& holder) {
    auto object = reader.read(id, ObjectType::commit, fmt::format("commit {}", to_hex(id)));
    if (!object) return object.failure();
    holder = std::move(*object);
    auto parsed = parse_commit(holder->data);
    if (!parsed) return Failure{fmt::format("commit {} is malformed", to_hex(id))};
    return *parsed;
}

// A commit's tree and parents, from the walk's cache when it parsed the commit.
Expected<CommitLinks> commit_links(ObjectStore& store, const ObjectId& id) {
    if (const auto found = store.commits.find(id); found != store.commits.end()) return found->second;
    ObjectData holder;
    auto commit = read_commit(store.reader, id, holder);
    if (!commit) return commit.failure();
    CommitLinks links{commit->tree, commit->parents};
    store.commits.emplace(id, links);
    return links;
}

// The tree a commit or tree id stands for.
Expected<ObjectId> tree_of(ObjectStore& store, const ObjectId& id) {
    if (const auto found = store.commits.find(id); found != store.commits.end()) return found->second.tree;
    auto header = store.reader.header(id, fmt::format("object {}", to_hex(id)));
    if (!header) return header.failure();
    if (header->type == ObjectType::tree) return id;
    auto commit = commit_links(store, id);
    if (!commit) return commit.failure();
    return commit->tree;
}

Repository::CommitChanges run_diff(TreeDiffer& differ, const ObjectId* before, const ObjectId& after,
                                   const std::vector<std::string>& watched, std::optional<Failure>& failure) {
    differ.defects.clear();
    PushDiff visit(watched);
    std::string folder;
    failure = differ.diff(before, &after, folder, visit);
    Repository::CommitChanges result;
    result.from_first_parent = std::move(visit.changes);
    result.problems = std::move(visit.problems);
    for (const TreeDefect& defect : differ.defects)
        result.problems.push_back({defect.folder.empty() ? std::string("/") : defect.folder,
                                   fmt::format("malformed tree: it {}", defect.problem),
                                   "git fsck refuses this tree and git's checkout would not show what the audit "
                                   "reads; recreate the commit with git add and git commit"});
    return result;
}

// The trees of `before` ("" for none) and `after`, each a commit or tree id.
Expected<std::pair<std::optional<ObjectId>, ObjectId>> tree_pair(ObjectStore& store, const std::string& before,
                                                                 const std::string& after) {
    std::optional<ObjectId> before_tree;
    if (!before.empty()) {
        auto id = parse_object_id(before);
        if (!id) return id.failure();
        auto tree = tree_of(store, *id);
        if (!tree) return tree.failure();
        before_tree = *tree;
    }
    auto after_id = parse_object_id(after);
    if (!after_id) return after_id.failure();
    auto after_tree = tree_of(store, *after_id);
    if (!after_tree) return after_tree.failure();
    return std::pair{before_tree, *after_tree};
}

bool same_entry(const PathLookup& a, const PathLookup& b) {
    if (!a.entry || !b.entry) return !a.entry && !b.entry;
    return a.entry->id == b.entry->id && a.entry->stored == b.entry->stored;
}

} // namespace

Expected<ConfigValues> Repository::config_values(std::string_view section) {
    git_config* raw = nullptr;
    if (git_repository_config_snapshot(&raw, state_->repository.get()) < 0)
        return last_error("cannot read the repository's configuration");
    ConfigPtr config(raw);
    git_repository* repository = state_->repository.get();
    return collect(config.get(), section, [&](git_config_level_t level) { return level_file(level, repository); });
}

Expected<ConfigValues> Repository::config_file_values(const std::string& path, std::string_view section) {
    ensure_initialized();
    git_config* raw = nullptr;
    if (git_config_open_ondisk(&raw, path.c_str()) < 0) return last_error(fmt::format("cannot read {}", path));
    ConfigPtr config(raw);
    return collect(config.get(), section, [&](git_config_level_t) { return path; });
}

Expected<std::pair<ObjectKind, std::string>> Repository::peel(const std::string& id) {
    auto oid = parse_object_id(id);
    if (!oid) return oid.failure();
    ObjectReader& reader = state_->store()->reader;
    ObjectId current = *oid;
    // Follow tags to whatever they finally name (a chain of tags is bounded like git's).
    for (int depth = 0; depth < 64; ++depth) {
        if (!reader.exists(current)) return std::pair{ObjectKind::missing, to_hex(current)};
        auto header = reader.header(current, fmt::format("object {}", to_hex(current)));
        if (!header) return header.failure();
        switch (header->type) {
        case ObjectType::commit: return std::pair{ObjectKind::commit, to_hex(current)};
        case ObjectType::tree: return std::pair{ObjectKind::tree, to_hex(current)};
        case ObjectType::blob: return std::pair{ObjectKind::blob, to_hex(current)};
        case ObjectType::tag: break;
        case ObjectType::none: return Failure{fmt::format("object {} has an unknown type", to_hex(current))};
        }
        auto tag = reader.read(current, ObjectType::tag, fmt::format("tag {}", to_hex(current)));
        if (!tag) return tag.failure();
        const auto parsed = parse_tag((*tag)->data);
        if (!parsed) return Failure{fmt::format("tag {} is malformed", to_hex(current))};
        current = parsed->object;
    }
    return Failure{fmt::format("tag {} leads through more than 64 tags", id)};
}

Expected<std::vector<std::string>> Repository::trusted_commits(const std::vector<std::string>& patterns) {
    git_reference_iterator* raw_refs = nullptr;
    if (git_reference_iterator_new(&raw_refs, state_->repository.get()) < 0)
        return last_error("cannot list references");
    std::unique_ptr<git_reference_iterator, Deleter<&git_reference_iterator_free>> refs(raw_refs);
    std::set<std::string> commits;
    git_reference* reference = nullptr;
    int status = 0;
    while ((status = git_reference_next(&reference, refs.get())) == 0) {
        ReferencePtr held(reference);
        const char* name = git_reference_name(held.get());
        const bool trusted = std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
            return ::fnmatch(pattern.c_str(), name, 0) == 0;
        });
        if (!trusted) continue;
        git_reference* raw_resolved = nullptr;
        if (git_reference_resolve(&raw_resolved, held.get()) < 0) continue; // a dangling symbolic ref
        ReferencePtr resolved(raw_resolved);
        const git_oid* target = git_reference_target(resolved.get());
        if (target == nullptr) continue;
        auto peeled = peel(to_hex(*target));
        if (!peeled) return peeled.failure();
        // Refs to trees and blobs, and broken refs, vouch for no commit.
        if (peeled->first == ObjectKind::commit) commits.insert(peeled->second);
    }
    if (status != GIT_ITEROVER) return last_error("cannot list references");
    return std::vector<std::string>(commits.begin(), commits.end());
}

Expected<Repository::NewCommits> Repository::new_commits(const std::vector<std::string>& tips,
                                                         const std::vector<std::string>& trusted, std::size_t limit) {
    std::vector<ObjectId> tip_ids;
    std::vector<ObjectId> trusted_ids;
    for (auto [from, to] : {std::pair{&tips, &tip_ids}, std::pair{&trusted, &trusted_ids}})
        for (const std::string& id : *from) {
            auto parsed = parse_object_id(id);
            if (!parsed) return parsed.failure();
            to->push_back(*parsed);
        }
    auto store = state_->store();
    auto found = find_new_commits(store->reader, tip_ids, trusted_ids, limit, store->commits);
    if (!found) return found.failure();
    NewCommits result;
    result.overrun = found->overrun;
    result.commits.reserve(found->commits.size());
    for (const ObjectId& id : found->commits)
        result.commits.push_back(to_hex(id));
    return result;
}

Expected<CommitSummary> Repository::commit_summary(const std::string& id) {
    auto oid = parse_object_id(id);
    if (!oid) return oid.failure();
    ObjectData holder;
    auto commit = read_commit(state_->store()->reader, *oid, holder);
    if (!commit) return commit.failure();
    return CommitSummary{id, id.substr(0, 10), commit_subject(commit->message)};
}

Expected<Repository::CommitChanges> Repository::commit_manifest_changes(const std::string& id,
                                                                        const std::vector<std::string>& watched) {
    auto oid = parse_object_id(id);
    if (!oid) return oid.failure();
    auto store = state_->store();
    auto commit = commit_links(*store, *oid);
    if (!commit) return commit.failure();
    std::vector<ObjectId> parent_trees;
    for (const ObjectId& parent : commit->parents) {
        auto parent_commit = commit_links(*store, parent);
        if (!parent_commit) return parent_commit.failure();
        parent_trees.push_back(parent_commit->tree);
    }
    std::optional<Failure> failure;
    CommitChanges result =
        run_diff(store->differ, parent_trees.empty() ? nullptr : &parent_trees.front(), commit->tree, watched, failure);
    if (failure) return *failure;
    if (!commit->parents.empty()) result.first_parent = to_hex(commit->parents.front());
    // The audit reads manifests only; a merge brings nothing new at a path equal to one of its
    // other parents' versions.
    for (const ChangedPath& change : result.from_first_parent) {
        if (!manifest::classify_path(change.path)) continue;
        bool from_a_parent = false;
        if (parent_trees.size() > 1) {
            auto mine = lookup_path(store->trees, commit->tree, change.path);
            if (!mine) return mine.failure();
            for (std::size_t i = 1; i < parent_trees.size() && !from_a_parent; ++i) {
                auto theirs = lookup_path(store->trees, parent_trees[i], change.path);
                if (!theirs) return theirs.failure();
                from_a_parent = !mine->defect && !theirs->defect && same_entry(*mine, *theirs);
            }
        }
        if (!from_a_parent) result.new_content.push_back(change);
    }
    return result;
}

Expected<Repository::CommitChanges> Repository::tree_changes(const std::string& before, const std::string& after,
                                                             const std::vector<std::string>& watched) {
    auto store = state_->store();
    auto trees = tree_pair(*store, before, after);
    if (!trees) return trees.failure();
    const std::optional<ObjectId>& before_tree = trees->first;
    const ObjectId* after_tree = &trees->second;
    std::optional<Failure> failure;
    CommitChanges result =
        run_diff(store->differ, before_tree ? &*before_tree : nullptr, *after_tree, watched, failure);
    if (failure) return *failure;
    result.first_parent = before;
    result.new_content = result.from_first_parent;
    std::erase_if(result.new_content, [](const ChangedPath& change) { return !manifest::classify_path(change.path); });
    return result;
}

Expected<Repository::CommitChanges> Repository::path_changes(const std::string& before, const std::string& after,
                                                             const std::vector<std::string>& paths) {
    auto store = state_->store();
    auto trees = tree_pair(*store, before, after);
    if (!trees) return trees.failure();
    const std::optional<ObjectId>& before_tree = trees->first;
    const ObjectId* after_tree = &trees->second;
    CommitChanges result;
    result.first_parent = before;
    for (const std::string& path : paths) {
        auto now = lookup_path(store->trees, *after_tree, path);
        if (!now) return now.failure();
        PathLookup was;
        if (before_tree) {
            auto found = lookup_path(store->trees, *before_tree, path);
            if (!found) return found.failure();
            was = std::move(*found);
        }
        for (const PathLookup* side : {&*now, &was})
            if (side->defect)
                result.problems.push_back({side->defect->folder.empty() ? std::string("/") : side->defect->folder,
                                           fmt::format("malformed tree: it {}", side->defect->problem), ""});
        if (now->defect || was.defect || same_entry(*now, was)) continue;
        const ChangeStatus status = !now->entry ? ChangeStatus::deleted
                                    : was.entry ? ChangeStatus::modified
                                                : ChangeStatus::added;
        result.from_first_parent.push_back({path, status});
        if (manifest::classify_path(path)) result.new_content.push_back({path, status});
    }
    return result;
}

Expected<std::string> Repository::first_parent_base(const std::string& tip,
                                                    const std::unordered_set<std::string>& fresh) {
    std::string current = tip;
    auto store = state_->store();
    while (fresh.count(current) != 0) {
        auto oid = parse_object_id(current);
        if (!oid) return oid.failure();
        auto commit = commit_links(*store, *oid);
        if (!commit) return commit.failure();
        if (commit->parents.empty()) return std::string();
        current = to_hex(commit->parents.front());
    }
    return current;
}

Expected<std::string> Repository::read_blob(const std::string& id, std::uint64_t max_bytes) {
    auto oid = parse_object_id(id);
    if (!oid) return oid.failure();
    auto& reader = state_->store()->reader;
    const std::string what = fmt::format("blob {}", id.substr(0, 10));
    auto size = blob_size(reader, *oid, what);
    if (!size) return size.failure();
    if (*size > max_bytes) return Failure{fmt::format("{} bytes, over the {}-byte manifest limit", *size, max_bytes)};
    return git::read_blob(reader, *oid, what);
}

Expected<std::string> Repository::resolve_commit(const std::string& revision) {
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, state_->repository.get(), revision.c_str()) < 0) return std::string();
    ObjectPtr object(raw);
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) < 0) return std::string();
    ObjectPtr commit(peeled);
    return to_hex(*git_object_id(commit.get()));
}

Expected<std::unique_ptr<TreeSource>> Repository::object_source(const std::string& id, std::string description) {
    auto oid = parse_object_id(id);
    if (!oid) return oid.failure();
    auto store = state_->store();
    auto tree = tree_of(*store, *oid);
    if (!tree) return tree.failure();
    return std::unique_ptr<TreeSource>(std::make_unique<GitTreeSource>(store, *tree, std::move(description)));
}

} // namespace ksa::git
