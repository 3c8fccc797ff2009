// The audit's configuration: committed at the repository root, overridable on the command line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diag/rule.h"
#include "support/expected.h"

namespace ksa {

inline constexpr std::string_view config_file_name = ".koder-spec-audit.toml";

inline constexpr std::string_view default_registry_path = "meta/docs/stack/registries/self-hosted-pairs.md";

// A precedent list of the anti-drift heuristic: a file of the tree and, optionally, the
// Markdown section of it that holds the list ("" = the whole file). Written "PATH#SECTION".
struct PrecedentFile {
    std::string path{};
    std::string section{};
};

// The default lists of RFC-002 §3.4 (SPEC §2).
std::vector<PrecedentFile> default_precedent_files();

// "PATH#SECTION" → {PATH, SECTION}; nullopt when PATH is empty, absolute or leaves the tree.
std::optional<PrecedentFile> parse_precedent_file(std::string_view spec);

// The values themselves are documented, once, in the settings table (config/settings.cpp).
struct AuditConfig {
    Phase phase = Phase::advisory;                                          // [audit] phase
    std::uint64_t max_manifest_bytes = 1024 * 1024;                         // [audit] max_manifest_bytes
    std::uint32_t max_nesting_depth = 64;                                   // [audit] max_nesting_depth
    std::string registry_path{default_registry_path};                       // [registry] path
    bool stale_registry_is_error = false;                                   // [registry] stale = "error"
    std::vector<PrecedentFile> precedent_files = default_precedent_files(); // [heuristic] precedent_files
    bool precedent_files_configured = false; // set explicitly: a missing file is then worth a warning

    [[nodiscard]] SeverityPolicy severities() const { return {phase, stale_registry_is_error}; }
};

// Parses the configuration file's text (config/settings.h). A malformed file is a Failure
// naming path:line:col, because an audit that silently falls back to defaults could pass what
// it should reject.
Expected<AuditConfig> parse_config(std::string_view text, std::string_view path);

// A registry path the settings accept: a Markdown file inside the repository.
bool is_registry_path(std::string_view path);

} // namespace ksa
