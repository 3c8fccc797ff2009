#include "git/sources.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "manifest/paths.h"

namespace ksa::git {

Expected<std::uint64_t> blob_size(ObjectReader& reader, const ObjectId& id, const std::string& path) {
    auto header = reader.header(id, path);
    if (!header) return header.failure();
    if (header->type != ObjectType::blob) return Failure{fmt::format("{} does not point at a blob", path)};
    return header->size;
}

Expected<std::string> read_blob(ObjectReader& reader, const ObjectId& id, const std::string& path) {
    auto object = reader.read(id, ObjectType::blob, path);
    if (!object) return object.failure();
    return (*object)->data;
}

namespace {

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
            found.push_back({entry.path, kind_of(canonical_mode(entry.mode))});
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
    Entry result{kind_of(canonical_mode(entry->mode)), 0};
    if (result.kind == EntryKind::file) {
        auto size = blob_size(store_->reader, entry->id, path);
        if (!size) return size.failure();
        result.size = *size;
    }
    return result;
}

Expected<std::string> IndexSource::read(const std::string& path) {
    const IndexEntry* entry = find(path);
    if (entry == nullptr) return Failure{fmt::format("{} is not in the index", path)};
    return read_blob(store_->reader, entry->id, path);
}

Expected<bool> IndexSource::has_fragments(const std::string& module_dir) {
    return std::any_of(snapshot_.entries.begin(), snapshot_.entries.end(), [&](const IndexEntry& entry) {
        const auto kind = manifest::classify_path(entry.path);
        return kind == manifest::ManifestKind::fragment && manifest::module_dir(entry.path, *kind) == module_dir;
    });
}

// --- git tree ---

Expected<PathLookup> GitTreeSource::lookup(const std::string& path) {
    auto found = lookup_path(store_->trees, root_, path);
    if (!found) return found.failure();
    if (found->defect) return Failure{describe(*found->defect)};
    return found;
}

Expected<std::vector<Candidate>> GitTreeSource::list_manifests(const std::string& prefix) {
    std::vector<Candidate> found;
    ObjectId start = root_;
    std::string folder;
    if (!prefix.empty()) {
        auto at = lookup(prefix);
        if (!at) return at.failure();
        if (!at->entry) return found;
        const EntryKind kind = at->entry->kind();
        if (manifest::classify_path(prefix)) return std::vector<Candidate>{{prefix, kind}};
        if (kind != EntryKind::directory) return found;
        start = at->entry->id;
        folder = prefix + "/";
    }
    // One walk of the tree (a diff against nothing); manifest-named folders are reported, not
    // entered: nothing inside them is a manifest of its own.
    TreeDiffer walker(store_->trees);
    auto problem =
        walker.diff(nullptr, &start, folder, [&](std::string_view path, const TreeEntry*, const TreeEntry* entry) {
            if (manifest::classify_path(path)) {
                found.push_back({std::string(path), entry->kind()});
                return Step::skip;
            }
            return entry->is_tree() ? Step::descend : Step::skip;
        });
    if (problem) return *problem;
    if (!walker.defects.empty()) return Failure{describe(walker.defects.front())};
    std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) { return a.path < b.path; });
    return found;
}

Expected<Entry> GitTreeSource::stat(const std::string& path) {
    auto at = lookup(path);
    if (!at) return at.failure();
    if (!at->entry) return Entry{EntryKind::missing, 0};
    Entry result{at->entry->kind(), 0};
    if (result.kind == EntryKind::file) {
        auto size = blob_size(store_->reader, at->entry->id, path);
        if (!size) return size.failure();
        result.size = *size;
    }
    return result;
}

Expected<std::string> GitTreeSource::read(const std::string& path) {
    auto at = lookup(path);
    if (!at) return at.failure();
    if (!at->entry) return Failure{fmt::format("{} is not in the tree", path)};
    return read_blob(store_->reader, at->entry->id, path);
}

Expected<bool> GitTreeSource::has_fragments(const std::string& module_dir) {
    const std::string folder = with_slash(module_dir) + std::string(manifest::fragment_dir_name);
    auto at = lookup(folder);
    if (!at) return at.failure();
    if (!at->entry || !at->entry->is_tree()) return false;
    auto loaded = store_->trees.load(at->entry->id, folder);
    if (!loaded) return loaded.failure();
    if (loaded->defect) return Failure{describe(*loaded->defect)};
    for (const TreeEntry& entry : loaded->tree->entries)
        if (manifest::classify_path(folder + "/" + std::string(entry.name)) == manifest::ManifestKind::fragment)
            return true;
    return false;
}

} // namespace ksa::git
