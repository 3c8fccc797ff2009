// The pre-receive hook's configuration: set by the server (the bare repository's git config
// and an optional file it names), never read from the pushed tree, so a push cannot weaken
// its own audit.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config/audit_config.h"
#include "support/expected.h"

namespace ksa {

// The values themselves are documented, once, in the settings table (config/settings.cpp).
struct ServerConfig {
    AuditConfig audit;                                 // the settings the file also has (koder-audit.phase, ...)
    std::uint64_t max_commits = 100000;                // koder-audit.maxCommits
    double time_budget_seconds = 0;                    // koder-audit.timeBudget: 0 = no budget
    bool accept_on_overrun = false;                    // koder-audit.onOverrun = reject (default) | accept
    std::vector<std::string> override_users{};         // koder-audit.overrideUser
    std::string pusher_variable = "GITEA_PUSHER_NAME"; // koder-audit.pusherVariable
    std::string override_log{};                        // koder-audit.overrideLog
    std::string format = "text";                       // koder-audit.format = text | json
    bool warn_only = false;                            // koder-audit.mode = enforce (default) | warn
    // koder-audit.trustedRef: refs whose commits count as already checked. Only refs that pass
    // through this hook belong here: never refs/pull/*, which Forgejo writes without hooks.
    std::vector<std::string> trusted_refs{"refs/heads/*", "refs/tags/*"};
    bool allow_replace_refs = false; // koder-audit.allowReplaceRefs: accept refs/replace/* (judged)
    std::string config_file{};       // koder-audit.configFile: a git-config file with more of these keys
};

// One configuration value and the file it was read from ("" when unknown).
struct ConfigValue {
    std::string value;
    std::string file{};

    ConfigValue(std::string text, std::string from = {}) : value(std::move(text)), file(std::move(from)) {}
    ConfigValue(const char* text) : value(text) {}
};

// Configuration values by lower-cased key ("koder-audit.phase"), each key's values in order.
using ConfigValues = std::map<std::string, std::vector<ConfigValue>>;

// Builds the configuration from `values` through the settings table; `origin` names where they
// came from, for errors.
Expected<ServerConfig> parse_server_config(const ConfigValues& values, const std::string& origin);

inline constexpr std::string_view server_config_section = "koder-audit";

} // namespace ksa
