#include "config/server_config.h"

#include "config/settings.h"

namespace ksa {

Expected<ServerConfig> parse_server_config(const ConfigValues& values, const std::string& origin) {
    LoadedSettings loaded;
    if (auto problem = load_server_settings(loaded, values, origin)) return *problem;
    return loaded.config;
}

} // namespace ksa
