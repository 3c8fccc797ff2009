#include "source/worktree_source.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <system_error>

#include <fmt/format.h>

#include "manifest/paths.h"

namespace fs = std::filesystem;

namespace ksa {
namespace {

EntryKind kind_of(const fs::file_status& status) {
    switch (status.type()) {
    case fs::file_type::not_found: return EntryKind::missing;
    case fs::file_type::regular: return EntryKind::file;
    case fs::file_type::directory: return EntryKind::directory;
    case fs::file_type::symlink: return EntryKind::symlink;
    default: return EntryKind::other;
    }
}

} // namespace

fs::path WorktreeSource::full_path(const std::string& path) const {
    return path.empty() ? root_ : root_ / fs::path(path);
}

bool path_crosses_symlink(const fs::path& root, const std::string& relative) {
    fs::path current = root;
    const fs::path steps(relative);
    for (auto it = steps.begin(); it != steps.end() && std::next(it) != steps.end(); ++it) {
        current /= *it;
        std::error_code error;
        if (fs::symlink_status(current, error).type() == fs::file_type::symlink) return true;
    }
    return false;
}

bool WorktreeSource::crosses_symlink(const std::string& path) const { return path_crosses_symlink(root_, path); }

Expected<std::vector<Candidate>> WorktreeSource::list_manifests(const std::string& prefix) {
    std::vector<Candidate> found;
    if (crosses_symlink(prefix)) return found;
    const fs::path start = full_path(prefix);
    std::error_code error;
    const fs::file_status start_status = fs::symlink_status(start, error);
    if (start_status.type() == fs::file_type::not_found) return found;
    if (start_status.type() != fs::file_type::directory) {
        if (manifest::classify_path(prefix)) found.push_back({prefix, kind_of(start_status)});
        return found;
    }
    // Directory symlinks are not followed, so the walk never leaves the root.
    fs::recursive_directory_iterator it(start, fs::directory_options::none, error);
    if (error) return Failure{fmt::format("cannot read {}: {}", start.string(), error.message())};
    // A failed increment turns the iterator into the end: check the error after each step, or
    // an unreadable folder would silently shorten the list of manifests to audit.
    for (; it != fs::recursive_directory_iterator();) {
        const fs::path entry = it->path();
        std::string relative = entry.lexically_relative(root_).generic_string();
        const bool is_folder = it->is_directory(error) && !it->is_symlink(error);
        // The ignore check costs a lookup per path: ask only for folders (to prune them) and
        // for manifest-named entries, not for every file of the tree.
        const bool ask = is_folder || manifest::classify_path(relative).has_value();
        if (entry.filename() == ".git" || (ignored_ && ask && ignored_(relative, is_folder))) {
            // Ignored files (build output, caches) are not part of the tree being audited.
            if (is_folder) it.disable_recursion_pending();
        } else if (manifest::classify_path(relative)) {
            const EntryKind kind = kind_of(it->symlink_status(error));
            if (kind == EntryKind::directory) it.disable_recursion_pending();
            found.push_back({std::move(relative), kind});
        }
        it.increment(error);
        if (error) return Failure{fmt::format("cannot read below {}: {}", entry.string(), error.message())};
    }
    std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) { return a.path < b.path; });
    return found;
}

Expected<Entry> WorktreeSource::stat(const std::string& path) {
    std::error_code error;
    if (crosses_symlink(path)) return Entry{EntryKind::symlink, 0};
    const fs::path full = full_path(path);
    const fs::file_status status = fs::symlink_status(full, error);
    Entry entry{kind_of(status), 0};
    if (entry.kind == EntryKind::file) {
        entry.size = fs::file_size(full, error);
        if (error) return Failure{fmt::format("cannot read {}: {}", path, error.message())};
    }
    return entry;
}

Expected<std::string> WorktreeSource::read(const std::string& path) {
    if (crosses_symlink(path)) return Failure{fmt::format("{} lies behind a symbolic link", path)};
    std::ifstream in(full_path(path), std::ios::binary);
    if (!in) return Failure{fmt::format("cannot open {}", path)};
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return Failure{fmt::format("cannot read {}", path)};
    return content;
}

Expected<bool> WorktreeSource::has_fragments(const std::string& module_dir) {
    const fs::path dir = full_path(module_dir) / manifest::fragment_dir_name;
    std::error_code error;
    if (!module_dir.empty() && crosses_symlink(module_dir + "/x")) return false;
    if (fs::symlink_status(dir, error).type() != fs::file_type::directory) return false;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
        const std::string relative = entry.path().lexically_relative(root_).generic_string();
        if (manifest::classify_path(relative) == manifest::ManifestKind::fragment) return true;
    }
    return false;
}

} // namespace ksa
