#include "source/memory_source.h"

#include <fmt/format.h>

#include "manifest/paths.h"

namespace ksa {

Expected<std::vector<Candidate>> MemorySource::list_manifests(const std::string& prefix) {
    std::vector<Candidate> found;
    for (const auto& [path, bytes] : files_)
        if (manifest::is_under(path, prefix) && manifest::classify_path(path)) found.push_back({path, EntryKind::file});
    return found;
}

Expected<Entry> MemorySource::stat(const std::string& path) {
    const auto found = files_.find(path);
    if (found == files_.end()) return Entry{EntryKind::missing, 0};
    return Entry{EntryKind::file, found->second.size()};
}

Expected<std::string> MemorySource::read(const std::string& path) {
    const auto found = files_.find(path);
    if (found == files_.end()) return Failure{fmt::format("{} is not in {}", path, description_)};
    return found->second;
}

Expected<bool> MemorySource::has_fragments(const std::string& module_dir) {
    for (const auto& [path, bytes] : files_) {
        const auto kind = manifest::classify_path(path);
        if (kind == manifest::ManifestKind::fragment && manifest::module_dir(path, *kind) == module_dir) return true;
    }
    return false;
}

} // namespace ksa
