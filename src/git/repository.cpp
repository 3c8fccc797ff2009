#include "git/repository.h"
#include "git/repository_state.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "config/audit_config.h"
#include "git/handles.h"
#include "git/index_file.h"
#include "git/sources.h"
#include "git/tree_walk.h"
#include "manifest/paths.h"
#include "source/file_writer.h"

namespace ksa::git {

Repository::Repository(std::shared_ptr<State> state) : state_(std::move(state)) {}
Repository::Repository(Repository&&) noexcept = default;
Repository& Repository::operator=(Repository&&) noexcept = default;
Repository::~Repository() = default;

Expected<Repository> Repository::open_from_environment() {
    ensure_initialized();
    auto state = std::make_shared<State>();
    // Two variables git sets that libgit2 1.5 mishandles at open: GIT_INDEX_FILE makes it load
    // the whole index (the audit reads the index itself) and GIT_WORK_TREE is "unimplemented".
    // Both are hidden while opening and applied by hand.
    const auto take = [](const char* name) {
        const char* value = std::getenv(name);
        std::string taken = value != nullptr ? value : "";
        if (!taken.empty()) ::unsetenv(name);
        return taken;
    };
    state->index_file = take("GIT_INDEX_FILE");
    const std::string work_tree = take("GIT_WORK_TREE");
    git_repository* raw = nullptr;
    // A null start path lets libgit2 honour GIT_DIR (`-C` has already changed folder).
    const int status = git_repository_open_ext(&raw, nullptr, GIT_REPOSITORY_OPEN_FROM_ENV, nullptr);
    if (!state->index_file.empty()) ::setenv("GIT_INDEX_FILE", state->index_file.c_str(), 1);
    if (!work_tree.empty()) ::setenv("GIT_WORK_TREE", work_tree.c_str(), 1);
    if (status < 0) {
        const std::string reason = last_error("open").message;
        if (reason.find("objectformat") != std::string::npos)
            return Failure{"SHA-256 repositories are not supported (libgit2 1.5 reads SHA-1 repositories only)"};
        return Failure{fmt::format("not a git repository (or any parent up to the root): {}", reason)};
    }
    RepositoryPtr repository(raw);
    if (!work_tree.empty() && git_repository_set_workdir(repository.get(), work_tree.c_str(), 0) < 0)
        return last_error(fmt::format("cannot use GIT_WORK_TREE={}", work_tree));
    state->repository = std::move(repository);
    return Repository(std::move(state));
}

std::string Repository::workdir() const {
    const char* dir = git_repository_workdir(state_->repository.get());
    return dir != nullptr ? std::string(dir) : std::string();
}

namespace {

// The index keeps manifests and the configuration file: all the audit reads from it.
bool audit_relevant(std::string_view path) {
    return path == config_file_name || manifest::classify_path(path).has_value();
}

struct HeadEntry {
    ObjectId id;
    std::uint32_t mode; // as stored
};

// Walks HEAD's tree looking for manifests, skipping every folder whose tree the index's
// cache-tree proves unchanged; so the cost follows the staged change, not the repository.
class HeadWalker {
  public:
    HeadWalker(TreeCache& trees, const IndexSnapshot& index, const std::vector<std::string>& watched)
        : trees_(trees), index_(index), watched_(watched) {}

    std::optional<Failure> walk(const ObjectId& root) {
        std::optional<std::uint32_t> root_node;
        if (!index_.cache_tree.empty()) root_node = 0;
        if (unchanged(root_node, root)) {
            unchanged_folders.insert("");
            return std::nullopt;
        }
        nodes_[""] = root_node;
        TreeDiffer differ(trees_);
        std::string folder;
        auto problem =
            differ.diff(nullptr, &root, folder, [&](std::string_view path, const TreeEntry*, const TreeEntry* entry) {
                if (entry->is_tree()) return descend_into(path, *entry) ? Step::descend : Step::skip;
                if (manifest::classify_path(path) || is_watched(path))
                    manifests.emplace(std::string(path), HeadEntry{entry->id, entry->stored});
                return Step::skip;
            });
        if (problem) return problem;
        if (!differ.defects.empty()) return Failure{fmt::format("HEAD: {}", describe(differ.defects.front()))};
        return std::nullopt;
    }

    // True when a folder holding `path` was proven unchanged.
    [[nodiscard]] bool is_unchanged(std::string_view path) const {
        if (unchanged_folders.empty()) return false;
        for (std::string_view folder = manifest::parent_dir(path);; folder = manifest::parent_dir(folder)) {
            if (unchanged_folders.count(std::string(folder)) != 0) return true;
            if (folder.empty()) return false;
        }
    }

    std::map<std::string, HeadEntry> manifests;
    std::set<std::string> unchanged_folders;

  private:
    [[nodiscard]] bool unchanged(std::optional<std::uint32_t> node, const ObjectId& id) const {
        return node && index_.cache_tree[*node].valid && index_.cache_tree[*node].id == id;
    }

    bool descend_into(std::string_view path, const TreeEntry& entry) {
        const std::string folder(path);
        if (unchanged_folders.count(folder) != 0) return false; // a sparse folder equal to HEAD's
        const auto parent = nodes_.find(std::string(manifest::parent_dir(path)));
        std::optional<std::uint32_t> node;
        if (parent != nodes_.end() && parent->second)
            node = index_.cache_tree_child(*parent->second, manifest::base_name(path));
        if (unchanged(node, entry.id)) {
            unchanged_folders.insert(folder);
            return false;
        }
        nodes_[folder] = node;
        return true;
    }

    [[nodiscard]] bool is_watched(std::string_view path) const {
        return std::find(watched_.begin(), watched_.end(), path) != watched_.end();
    }

    TreeCache& trees_;
    const IndexSnapshot& index_;
    const std::vector<std::string>& watched_;
    std::map<std::string, std::optional<std::uint32_t>> nodes_; // cache-tree node of each folder entered
};

} // namespace

namespace {

// A sparse index stores a folder outside the sparse cone as one tree entry: list the
// manifests inside it from the tree, as if the index had them.
std::optional<Failure> expand_sparse_directory(TreeCache& trees, const IndexEntry& folder,
                                               std::vector<IndexEntry>& entries) {
    TreeDiffer walker(trees);
    std::string prefix = folder.path + "/";
    auto problem =
        walker.diff(nullptr, &folder.id, prefix, [&](std::string_view path, const TreeEntry*, const TreeEntry* entry) {
            if (entry->is_tree()) return Step::descend;
            if (audit_relevant(path)) entries.push_back(IndexEntry{std::string(path), entry->id, entry->stored});
            return Step::skip;
        });
    if (problem) return problem;
    if (!walker.defects.empty())
        return Failure{fmt::format("sparse folder {}: {}", folder.path, describe(walker.defects.front()))};
    return std::nullopt;
}

void sort_entries(std::vector<IndexEntry>& entries) {
    std::sort(entries.begin(), entries.end(), [](const IndexEntry& a, const IndexEntry& b) { return a.path < b.path; });
}

} // namespace

Expected<IndexSnapshot> Repository::read_index(const std::vector<std::string>& watched) const {
    const auto keep = [&watched](std::string_view path) {
        return audit_relevant(path) || std::find(watched.begin(), watched.end(), path) != watched.end();
    };
    return read_index_file(index_path(), keep, shared_index_dirs());
}

std::vector<std::string> Repository::shared_index_dirs() const {
    git_repository* repository = state_->repository.get();
    std::vector<std::string> dirs{git_repository_path(repository)};
    if (const char* common = git_repository_commondir(repository)) dirs.emplace_back(common);
    return dirs;
}

std::string Repository::index_path() const {
    // Hooks run with GIT_INDEX_FILE set when git commits from a temporary index.
    if (!state_->index_file.empty()) return state_->index_file;
    return std::string(git_repository_path(state_->repository.get())) + "index";
}

bool Repository::is_ignored(const std::string& path, bool is_folder) const {
    int ignored = 0;
    // libgit2 treats a trailing slash as "this is a folder" for folder-only patterns (build/).
    const std::string query = is_folder ? path + "/" : path;
    if (git_ignore_path_is_ignored(&ignored, state_->repository.get(), query.c_str()) < 0) return false;
    return ignored == 1;
}

std::optional<Failure> Repository::write_and_stage(const std::string& path, const std::string& content) {
    git_repository* repository = state_->repository.get();
    const char* workdir = git_repository_workdir(repository);
    if (workdir == nullptr) return Failure{"a bare repository has no work tree to write the registry to"};
    // Same rules as --report: inside the work tree, never through a symlink.
    if (auto problem = write_file_in_tree(workdir, path, content)) return problem;
    // Stage through libgit2's index (loaded whole: --fix is the rare path), into the index file
    // git is committing from.
    git_index* raw = nullptr;
    if (git_index_open(&raw, index_path().c_str()) < 0) return last_error("cannot open the index");
    IndexPtr index(raw);
    git_oid blob;
    if (git_blob_create_from_buffer(&blob, repository, content.data(), content.size()) < 0)
        return last_error("cannot store the registry");
    git_index_entry entry{};
    entry.mode = GIT_FILEMODE_BLOB;
    entry.id = blob;
    entry.path = path.c_str();
    entry.file_size = static_cast<std::uint32_t>(content.size());
    if (git_index_add(index.get(), &entry) < 0 || git_index_write(index.get()) < 0)
        return last_error(fmt::format("cannot stage {}", path));
    return std::nullopt;
}

Expected<std::unique_ptr<TreeSource>> Repository::index_source() {
    // Markdown files too: the registry (whose configured path must end in .md) is read from it.
    auto snapshot = read_index_file(
        index_path(), [](std::string_view path) { return audit_relevant(path) || path.ends_with(".md"); },
        shared_index_dirs());
    if (!snapshot) return snapshot.failure();
    auto store = state_->store();
    for (const IndexEntry& folder : snapshot->sparse_directories)
        if (auto problem = expand_sparse_directory(store->trees, folder, snapshot->entries)) return *problem;
    if (!snapshot->sparse_directories.empty()) sort_entries(snapshot->entries);
    return std::unique_ptr<TreeSource>(std::make_unique<IndexSource>(std::move(store), std::move(*snapshot)));
}

Expected<std::unique_ptr<TreeSource>> Repository::revision_source(const std::string& revision) {
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, state_->repository.get(), revision.c_str()) < 0)
        return last_error(fmt::format("cannot resolve revision '{}'", revision));
    ObjectPtr object(raw);
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, object.get(), GIT_OBJECT_TREE) < 0)
        return last_error(fmt::format("revision '{}' does not name a tree", revision));
    const ObjectId tree = from_oid(*git_object_id(peeled));
    git_object_free(peeled);
    const std::string short_id = to_hex(*git_object_id(object.get())).substr(0, 7);
    return std::unique_ptr<TreeSource>(
        std::make_unique<GitTreeSource>(state_->store(), tree, fmt::format("revision {} ({})", revision, short_id)));
}

Expected<Repository::StagedChanges> Repository::staged_manifest_changes(const std::vector<std::string>& watched) {
    git_repository* repository = state_->repository.get();
    auto snapshot = read_index(watched);
    if (!snapshot) return snapshot.failure();

    // An unborn HEAD (first commit) compares with nothing: every staged file is added.
    std::optional<ObjectId> head_tree;
    git_object* head = nullptr;
    const int head_status = git_revparse_single(&head, repository, "HEAD^{tree}");
    if (head_status == 0) {
        head_tree = from_oid(*git_object_id(head));
        git_object_free(head);
    } else if (git_repository_head_unborn(repository) != 1) {
        return last_error("cannot read HEAD");
    }

    auto store = state_->store();
    HeadWalker walker(store->trees, *snapshot, watched);
    // Sparse folders equal to HEAD's hold no change; the others are expanded from their trees.
    for (const IndexEntry& folder : snapshot->sparse_directories) {
        std::optional<ObjectId> in_head;
        if (head_tree) {
            auto found = lookup_path(store->trees, *head_tree, folder.path);
            if (!found) return found.failure();
            if (found->entry && found->entry->is_tree()) in_head = found->entry->id;
        }
        if (in_head && *in_head == folder.id) {
            walker.unchanged_folders.insert(folder.path);
        } else if (auto problem = expand_sparse_directory(store->trees, folder, snapshot->entries)) {
            return *problem;
        }
    }
    if (!snapshot->sparse_directories.empty()) sort_entries(snapshot->entries);
    if (head_tree)
        if (auto problem = walker.walk(*head_tree)) return *problem;

    StagedChanges staged;
    std::set<std::string> staged_manifests;
    for (const IndexEntry& entry : snapshot->entries) {
        if (!manifest::classify_path(entry.path) &&
            std::find(watched.begin(), watched.end(), entry.path) == watched.end())
            continue;
        staged_manifests.insert(entry.path);
        if (walker.is_unchanged(entry.path)) continue;
        const auto in_head = walker.manifests.find(entry.path);
        if (in_head == walker.manifests.end())
            staged.changes.push_back({entry.path, ChangeStatus::added});
        else if (entry.id != in_head->second.id || canonical_mode(entry.mode) != canonical_mode(in_head->second.mode))
            staged.changes.push_back({entry.path, ChangeStatus::modified});
    }
    for (const auto& [path, entry] : walker.manifests)
        if (staged_manifests.count(path) == 0) staged.changes.push_back({path, ChangeStatus::deleted});
    // A folder named like a manifest (e.g. "koder.toml/x") is reported as such when new.
    for (const std::string& folder : snapshot->manifest_folders)
        if (!walker.is_unchanged(folder + "/x")) staged.changes.push_back({folder, ChangeStatus::added});

    staged.index = std::make_unique<IndexSource>(std::move(store), std::move(*snapshot));
    return staged;
}

} // namespace ksa::git
