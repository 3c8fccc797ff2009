#include "receive/server_settings.h"

namespace ksa::receive {

Expected<LoadedSettings> read_server_settings(git::Repository& repository, const SettingOverrides& overrides) {
    auto values = repository.config_values(server_config_section);
    if (!values) return values.failure();
    ConfigValues merged;
    std::string origin = "git config";
    // A server-wide file named by koder-audit.configFile; the repository's own keys win.
    if (const auto file = values->find("koder-audit.configfile"); file != values->end() && !file->second.empty()) {
        const std::string& path = file->second.back().value;
        auto from_file = git::Repository::config_file_values(path, server_config_section);
        if (!from_file) return from_file.failure();
        merged = std::move(*from_file);
        origin = "git config or " + path;
    }
    for (auto& [key, list] : *values)
        merged[key] = std::move(list);
    LoadedSettings loaded;
    if (auto problem = load_server_settings(loaded, merged, origin)) return *problem;
    if (auto problem = apply_overrides(loaded, overrides)) return *problem;
    return loaded;
}

} // namespace ksa::receive
