#include "manifest/paths.h"

namespace ksa::manifest {

std::string_view parent_dir(std::string_view path) {
    const auto slash = path.rfind('/');
    return slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash);
}

std::string_view base_name(std::string_view path) {
    const auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::optional<ManifestKind> classify_path(std::string_view path) {
    const std::string_view name = base_name(path);
    if (name == module_file_name) return ManifestKind::module;
    constexpr std::string_view prefix = "koder_";
    constexpr std::string_view suffix = ".toml";
    if (name.size() > prefix.size() + suffix.size() && name.starts_with(prefix) && name.ends_with(suffix) &&
        base_name(parent_dir(path)) == fragment_dir_name)
        return ManifestKind::fragment;
    return std::nullopt;
}

std::string module_dir(std::string_view path, ManifestKind kind) {
    std::string_view dir = parent_dir(path);
    if (kind == ManifestKind::fragment) dir = parent_dir(dir);
    return std::string(dir);
}

std::string module_manifest_path(std::string_view dir) {
    return dir.empty() ? std::string(module_file_name) : std::string(dir) + "/" + std::string(module_file_name);
}

std::string fragment_stem(std::string_view path) {
    std::string_view name = base_name(path);
    name.remove_prefix(6); // "koder_"
    name.remove_suffix(5); // ".toml"
    return std::string(name);
}

bool is_under(std::string_view path, std::string_view prefix) {
    if (prefix.empty()) return true;
    if (!path.starts_with(prefix)) return false;
    return path.size() == prefix.size() || path[prefix.size()] == '/';
}

} // namespace ksa::manifest
