#include "git/sources.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "manifest/paths.h"

namespace ksa::git {

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

namespace {

git_oid to_oid(const ObjectId& id) {
    git_oid oid;
    git_oid_fromraw(&oid, id.data());
    return oid;
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

const IndexEntry* IndexSource::find(const std::string& path) const {
    const auto& entries = snapshot_.entries;
    const auto it = std::lower_bound(entries.begin(), entries.end(), path,
                                     [](const IndexEntry& e, const std::string& p) { return e.path < p; });
    return it != entries.end() && it->path == path ? &*it : nullptr;
}

Expected<std::vector<Candidate>> IndexSource::list_manifests(const std::string& prefix) {
    std::vector<Candidate> found;
    for (const IndexEntry& entry : snapshot_.entries)
        if (manifest::is_under(entry.path, prefix) && manifest::classify_path(entry.path))
            found.push_back({entry.path, kind_of_mode(entry.mode)});
    for (const std::string& folder : snapshot_.manifest_folders)
        if (manifest::is_under(folder, prefix)) found.push_back({folder, EntryKind::directory});
    std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) { return a.path < b.path; });
    return found;
}

Expected<Entry> IndexSource::stat(const std::string& path) {
    const IndexEntry* entry = find(path);
    if (entry == nullptr) {
        const auto& folders = snapshot_.manifest_folders;
        if (std::binary_search(folders.begin(), folders.end(), path)) return Entry{EntryKind::directory, 0};
        return Entry{EntryKind::missing, 0};
    }
    Entry result{kind_of_mode(entry->mode), 0};
    if (result.kind == EntryKind::file) {
        auto size = blob_size(repository_.get(), to_oid(entry->id), path);
        if (!size) return size.failure();
        result.size = *size;
    }
    return result;
}

Expected<std::string> IndexSource::read(const std::string& path) {
    const IndexEntry* entry = find(path);
    if (entry == nullptr) return Failure{fmt::format("{} is not in the index", path)};
    return read_blob(repository_.get(), to_oid(entry->id), path);
}

Expected<bool> IndexSource::has_fragments(const std::string& module_dir) {
    return std::any_of(snapshot_.entries.begin(), snapshot_.entries.end(), [&](const IndexEntry& entry) {
        const auto kind = manifest::classify_path(entry.path);
        return kind == manifest::ManifestKind::fragment && manifest::module_dir(entry.path, *kind) == module_dir;
    });
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
