#include "git/sources.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "manifest/paths.h"

namespace ksa::git {
namespace {

EntryKind kind_of_mode(std::uint32_t mode) {
    switch (mode) {
        case GIT_FILEMODE_BLOB:
        case GIT_FILEMODE_BLOB_EXECUTABLE: return EntryKind::file;
        case GIT_FILEMODE_LINK: return EntryKind::symlink;
        case GIT_FILEMODE_COMMIT: return EntryKind::submodule;
        case GIT_FILEMODE_TREE: return EntryKind::directory;
        default: return EntryKind::other;
    }
}

// Size from the object header: the blob itself is not inflated.
Expected<std::uint64_t> blob_size(git_repository* repository, const git_oid& id, const std::string& path) {
    git_odb* raw_odb = nullptr;
    if (git_repository_odb(&raw_odb, repository) < 0) return last_error("cannot open the object database");
    OdbPtr odb(raw_odb);
    std::size_t size = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    if (git_odb_read_header(&size, &type, odb.get(), &id) < 0)
        return last_error(fmt::format("cannot read the object of {}", path));
    if (type != GIT_OBJECT_BLOB) return Failure{fmt::format("{} does not point at a blob", path)};
    return static_cast<std::uint64_t>(size);
}

Expected<std::string> read_blob(git_repository* repository, const git_oid& id, const std::string& path) {
    git_blob* raw = nullptr;
    if (git_blob_lookup(&raw, repository, &id) < 0) return last_error(fmt::format("cannot read {}", path));
    BlobPtr blob(raw);
    const auto* bytes = static_cast<const char*>(git_blob_rawcontent(blob.get()));
    return std::string(bytes, static_cast<std::size_t>(git_blob_rawsize(blob.get())));
}

std::string with_slash(const std::string& dir) { return dir.empty() ? dir : dir + "/"; }

} // namespace

// --- index ---

Expected<std::vector<Candidate>> IndexSource::list_manifests(const std::string& prefix) {
    std::vector<Candidate> found;
    std::set<std::string> directories;  // manifest names used as folder names
    const std::size_t count = git_index_entrycount(index_.get());
    for (std::size_t i = 0; i < count; ++i) {
        const git_index_entry* entry = git_index_get_byindex(index_.get(), i);
        if (git_index_entry_stage(entry) != 0) continue;  // unmerged entries are not content yet
        const std::string_view path = entry->path;
        if (!manifest::is_under(path, prefix)) continue;
        for (std::size_t slash = path.find('/'); slash != std::string_view::npos; slash = path.find('/', slash + 1)) {
            const std::string_view folder = path.substr(0, slash);
            if (manifest::classify_path(folder)) directories.emplace(folder);
        }
        if (manifest::classify_path(path)) found.push_back({std::string(path), kind_of_mode(entry->mode)});
    }
    for (const std::string& folder : directories) found.push_back({folder, EntryKind::directory});
    std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) { return a.path < b.path; });
    return found;
}

Expected<Entry> IndexSource::stat(const std::string& path) {
    const git_index_entry* entry = git_index_get_bypath(index_.get(), path.c_str(), 0);
    if (entry == nullptr) {
        std::size_t position = 0;
        const std::string folder = path + "/";
        if (git_index_find_prefix(&position, index_.get(), folder.c_str()) == 0) return Entry{EntryKind::directory, 0};
        return Entry{EntryKind::missing, 0};
    }
    Entry result{kind_of_mode(entry->mode), 0};
    if (result.kind == EntryKind::file) {
        auto size = blob_size(repository_.get(), entry->id, path);
        if (!size) return size.failure();
        result.size = *size;
    }
    return result;
}

Expected<std::string> IndexSource::read(const std::string& path) {
    const git_index_entry* entry = git_index_get_bypath(index_.get(), path.c_str(), 0);
    if (entry == nullptr) return Failure{fmt::format("{} is not in the index", path)};
    return read_blob(repository_.get(), entry->id, path);
}

Expected<bool> IndexSource::has_fragments(const std::string& module_dir) {
    const std::string folder = with_slash(module_dir) + std::string(manifest::fragment_dir_name) + "/";
    std::size_t position = 0;
    if (git_index_find_prefix(&position, index_.get(), folder.c_str()) != 0) return false;
    const std::size_t count = git_index_entrycount(index_.get());
    for (; position < count; ++position) {
        const git_index_entry* entry = git_index_get_byindex(index_.get(), position);
        const std::string_view path = entry->path;
        if (!path.starts_with(folder)) break;
        if (manifest::classify_path(path) == manifest::ManifestKind::fragment) return true;
    }
    return false;
}

// --- commit tree ---

namespace {

struct WalkState {
    std::vector<Candidate> found;
};

int collect_manifests(const char* root, const git_tree_entry* entry, void* payload) {
    auto& state = *static_cast<WalkState*>(payload);
    std::string path = std::string(root) + git_tree_entry_name(entry);
    if (!manifest::classify_path(path)) return 0;
    const EntryKind kind = kind_of_mode(git_tree_entry_filemode(entry));
    state.found.push_back({std::move(path), kind});
    return kind == EntryKind::directory ? 1 : 0;  // do not descend into a folder named koder.toml
}

} // namespace

Expected<std::vector<Candidate>> CommitTreeSource::list_manifests(const std::string& prefix) {
    WalkState state;
    const git_tree* start = tree_.get();
    TreePtr subtree;
    std::string root;
    if (!prefix.empty()) {
        git_tree_entry* raw = nullptr;
        if (git_tree_entry_bypath(&raw, tree_.get(), prefix.c_str()) < 0) return state.found;
        TreeEntryPtr entry(raw);
        const EntryKind kind = kind_of_mode(git_tree_entry_filemode(entry.get()));
        if (kind != EntryKind::directory) {
            if (manifest::classify_path(prefix)) state.found.push_back({prefix, kind});
            return state.found;
        }
        if (manifest::classify_path(prefix)) return std::vector<Candidate>{{prefix, EntryKind::directory}};
        git_object* object = nullptr;
        if (git_tree_entry_to_object(&object, repository_.get(), entry.get()) < 0)
            return last_error(fmt::format("cannot read folder {}", prefix));
        subtree.reset(reinterpret_cast<git_tree*>(object));
        start = subtree.get();
        root = prefix + "/";
    }
    if (git_tree_walk(start, GIT_TREEWALK_PRE, collect_manifests, &state) < 0)
        return last_error("cannot walk the tree");
    if (!root.empty())
        for (Candidate& candidate : state.found) candidate.path = root + candidate.path;
    std::sort(state.found.begin(), state.found.end(),
              [](const Candidate& a, const Candidate& b) { return a.path < b.path; });
    return state.found;
}

Expected<Entry> CommitTreeSource::stat(const std::string& path) {
    git_tree_entry* raw = nullptr;
    const int status = git_tree_entry_bypath(&raw, tree_.get(), path.c_str());
    if (status == GIT_ENOTFOUND) return Entry{EntryKind::missing, 0};
    if (status < 0) return last_error(fmt::format("cannot look up {}", path));
    TreeEntryPtr entry(raw);
    Entry result{kind_of_mode(git_tree_entry_filemode(entry.get())), 0};
    if (result.kind == EntryKind::file) {
        auto size = blob_size(repository_.get(), *git_tree_entry_id(entry.get()), path);
        if (!size) return size.failure();
        result.size = *size;
    }
    return result;
}

Expected<std::string> CommitTreeSource::read(const std::string& path) {
    git_tree_entry* raw = nullptr;
    if (git_tree_entry_bypath(&raw, tree_.get(), path.c_str()) < 0)
        return last_error(fmt::format("cannot look up {}", path));
    TreeEntryPtr entry(raw);
    return read_blob(repository_.get(), *git_tree_entry_id(entry.get()), path);
}

Expected<bool> CommitTreeSource::has_fragments(const std::string& module_dir) {
    const std::string folder = with_slash(module_dir) + std::string(manifest::fragment_dir_name);
    git_tree_entry* raw = nullptr;
    if (git_tree_entry_bypath(&raw, tree_.get(), folder.c_str()) < 0) return false;
    TreeEntryPtr entry(raw);
    if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) return false;
    git_object* object = nullptr;
    if (git_tree_entry_to_object(&object, repository_.get(), entry.get()) < 0)
        return last_error(fmt::format("cannot read folder {}", folder));
    TreePtr tree(reinterpret_cast<git_tree*>(object));
    const std::size_t count = git_tree_entrycount(tree.get());
    for (std::size_t i = 0; i < count; ++i) {
        const std::string path = folder + "/" + git_tree_entry_name(git_tree_entry_byindex(tree.get(), i));
        if (manifest::classify_path(path) == manifest::ManifestKind::fragment) return true;
    }
    return false;
}

} // namespace ksa::git
