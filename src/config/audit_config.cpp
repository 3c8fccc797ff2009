#include "config/audit_config.h"

#include "config/settings.h"

namespace ksa {

std::vector<PrecedentFile> default_precedent_files() {
    return {{"meta/context/CLAUDE.md", "Arquitetura de Referência"},
            {"meta/docs/stack/policies/web-server.kmd", "Precedents"}};
}

std::optional<PrecedentFile> parse_precedent_file(std::string_view spec) {
    PrecedentFile file;
    const auto hash = spec.find('#');
    file.path = std::string(spec.substr(0, hash));
    if (hash != std::string_view::npos) file.section = std::string(spec.substr(hash + 1));
    const std::string& path = file.path;
    if (path.empty() || path.front() == '/' || path == ".." || path.starts_with("../") ||
        path.find("/../") != std::string::npos || path.ends_with("/..") || path.ends_with('/'))
        return std::nullopt;
    return file;
}

bool is_registry_path(std::string_view path) {
    return !path.empty() && path.front() != '/' && path.find("..") == std::string_view::npos && path.ends_with(".md");
}

Expected<AuditConfig> parse_config(std::string_view text, std::string_view path) {
    LoadedSettings loaded;
    if (auto problem = load_file_settings(loaded, text, path)) return *problem;
    return loaded.config.audit;
}

} // namespace ksa
