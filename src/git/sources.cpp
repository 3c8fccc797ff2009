#include "git/sources.h"

#include <algorithm>
#include <cstring>
#include <optional>
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

// Walks a tree object's raw bytes ("<octal mode> <name>\0<20-byte id>" per entry), recording
// manifest-named entries; `folder` is the path prefix ("" or ending in '/').
std::optional<Failure> walk_raw_tree(git_odb* odb, const git_oid& id, std::string& folder, std::vector<Candidate>& found,
                                     std::map<std::string, CommitTreeSource::KnownEntry>& listed) {
    if (too_deep(folder)) return Failure{fmt::format("folders nested more than {} levels deep under {}…: refused", max_tree_depth, std::string_view(folder).substr(0, 80))};
    git_odb_object* raw = nullptr;
    if (git_odb_read(&raw, odb, &id) < 0) return last_error(fmt::format("cannot read folder {}", folder));
    OdbObjectPtr object(raw);
    if (git_odb_object_type(object.get()) != GIT_OBJECT_TREE) return Failure{fmt::format("{} is not a tree", folder)};
    const auto* data = static_cast<const char*>(git_odb_object_data(object.get()));
    const std::size_t size = git_odb_object_size(object.get());
    std::size_t at = 0;
    while (at < size) {
        std::uint32_t mode = 0;
        while (at < size && data[at] != ' ') {
            if (data[at] < '0' || data[at] > '7') return Failure{fmt::format("corrupt tree object in {}", folder)};
            mode = mode * 8 + static_cast<std::uint32_t>(data[at++] - '0');
        }
        const std::size_t name_start = ++at;
        const void* nul = std::memchr(data + name_start, 0, size > name_start ? size - name_start : 0);
        if (nul == nullptr) return Failure{fmt::format("corrupt tree object in {}", folder)};
        const std::size_t name_end = static_cast<std::size_t>(static_cast<const char*>(nul) - data);
        if (name_end + 1 + GIT_OID_RAWSZ > size) return Failure{fmt::format("corrupt tree object in {}", folder)};
        git_oid entry_id;
        git_oid_fromraw(&entry_id, reinterpret_cast<const unsigned char*>(data + name_end + 1));
        at = name_end + 1 + GIT_OID_RAWSZ;
        const std::size_t folder_size = folder.size();
        folder.append(data + name_start, name_end - name_start);
        const EntryKind kind = kind_of_mode(mode);
        const bool named = manifest::classify_path(folder).has_value();
        if (named) {
            found.push_back({folder, kind});
            listed.emplace(folder, CommitTreeSource::KnownEntry{entry_id, mode});
        }
        if (kind == EntryKind::directory && !named) {
            folder += '/';
            if (auto problem = walk_raw_tree(odb, entry_id, folder, found, listed)) return problem;
        }
        folder.resize(folder_size);
    }
    return std::nullopt;
}

} // namespace

Expected<std::vector<Candidate>> CommitTreeSource::list_manifests(const std::string& prefix) {
    std::vector<Candidate> found;
    const git_tree* start = tree_.get();
    TreePtr subtree;
    std::string root;
    if (!prefix.empty()) {
        git_tree_entry* raw = nullptr;
        if (git_tree_entry_bypath(&raw, tree_.get(), prefix.c_str()) < 0) return found;
        TreeEntryPtr entry(raw);
        const EntryKind kind = kind_of_mode(git_tree_entry_filemode(entry.get()));
        if (kind != EntryKind::directory) {
            if (manifest::classify_path(prefix)) found.push_back({prefix, kind});
            return found;
        }
        if (manifest::classify_path(prefix)) return std::vector<Candidate>{{prefix, EntryKind::directory}};
        git_object* object = nullptr;
        if (git_tree_entry_to_object(&object, repository_.get(), entry.get()) < 0)
            return last_error(fmt::format("cannot read folder {}", prefix));
        subtree.reset(reinterpret_cast<git_tree*>(object));
        start = subtree.get();
        root = prefix + "/";
    }
    // Trees are read straight from the object database and parsed in place: no tree object,
    // no entry array and no object cache per folder (the whole-tree walk of --report and of
    // a tag to a tree is dominated by this).
    git_odb* raw_odb = nullptr;
    if (git_repository_odb(&raw_odb, repository_.get()) < 0) return last_error("cannot open the object database");
    OdbPtr odb(raw_odb);
    std::string folder = root;
    if (auto problem = walk_raw_tree(odb.get(), *git_tree_id(start), folder, found, listed_)) return *problem;
    std::sort(found.begin(), found.end(),
              [](const Candidate& a, const Candidate& b) { return a.path < b.path; });
    return found;
}

Expected<Entry> CommitTreeSource::stat(const std::string& path) {
    if (const auto found = listed_.find(path); found != listed_.end()) {
        Entry listed{kind_of_mode(found->second.mode), 0};
        if (listed.kind == EntryKind::file) {
            auto size = blob_size(repository_.get(), found->second.id, path);
            if (!size) return size.failure();
            listed.size = *size;
        }
        return listed;
    }
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
    if (const auto found = listed_.find(path); found != listed_.end()) return read_blob(repository_.get(), found->second.id, path);
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
