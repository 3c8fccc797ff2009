#include "config/audit_config.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include "manifest/nesting.h"

namespace ksa {
namespace {

Failure failure_at(std::string_view path, const toml::source_region& where, std::string_view message) {
    return Failure{fmt::format("{}:{}:{}: {}", path, where.begin.line, where.begin.column, message)};
}

} // namespace

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

std::optional<Phase> parse_phase(std::int64_t number) {
    if (number == 4) return Phase::advisory;
    if (number == 5) return Phase::strict;
    return std::nullopt;
}

std::optional<std::uint32_t> parse_nesting_depth(std::int64_t number) {
    if (number < 1 || number > static_cast<std::int64_t>(manifest::max_max_nesting_depth)) return std::nullopt;
    return static_cast<std::uint32_t>(number);
}

Expected<AuditConfig> parse_config(std::string_view text, std::string_view path) {
    AuditConfig config;
    // The file comes from the repository too: the same pre-scan keeps a deep one from toml++.
    if (const auto excess = manifest::find_excess_nesting(text, manifest::default_max_nesting_depth))
        return Failure{fmt::format("{}:{}:{}: nested more than {} levels deep; not parsed", path, excess->line,
                                   excess->column, manifest::default_max_nesting_depth)};
    toml::table root;
    try {
        root = toml::parse(text, path);
    } catch (const toml::parse_error& error) {
        return failure_at(path, error.source(), fmt::format("invalid TOML: {}", error.description()));
    }
    for (const auto& [key, node] : root) {
        if (key.str() != "audit" && key.str() != "registry" && key.str() != "heuristic")
            return failure_at(
                path, key.source(),
                fmt::format("unknown table or key `{}` (expected [audit], [registry] or [heuristic])", key.str()));
    }
    if (const toml::node* heuristic_node = root.get("heuristic")) {
        const toml::table* heuristic = heuristic_node->as_table();
        if (heuristic == nullptr)
            return failure_at(path, heuristic_node->source(), "`heuristic` must be a table ([heuristic])");
        for (const auto& [key, node] : *heuristic) {
            if (key.str() != "precedent_files")
                return failure_at(path, key.source(),
                                  fmt::format("unknown key `heuristic.{}` (known: precedent_files)", key.str()));
            const toml::array* files = node.as_array();
            if (files == nullptr)
                return failure_at(path, node.source(), "`heuristic.precedent_files` must be an array of strings");
            config.precedent_files.clear();
            config.precedent_files_configured = true;
            for (const toml::node& item : *files) {
                const auto* value = item.as_string();
                const auto file = value != nullptr ? parse_precedent_file(value->get()) : std::nullopt;
                if (!file)
                    return failure_at(path, item.source(),
                                      "each `heuristic.precedent_files` entry is \"PATH\" or \"PATH#SECTION\" with "
                                      "PATH inside the repository");
                config.precedent_files.push_back(*file);
            }
        }
    }
    if (const toml::node* registry_node = root.get("registry")) {
        const toml::table* registry = registry_node->as_table();
        if (registry == nullptr)
            return failure_at(path, registry_node->source(), "`registry` must be a table ([registry])");
        for (const auto& [key, node] : *registry) {
            if (key.str() == "stale") {
                const auto* value = node.as_string();
                if (value == nullptr || (value->get() != "warning" && value->get() != "error"))
                    return failure_at(path, node.source(), "`registry.stale` must be \"warning\" or \"error\"");
                config.stale_registry_is_error = value->get() == "error";
                continue;
            }
            if (key.str() != "path")
                return failure_at(path, key.source(),
                                  fmt::format("unknown key `registry.{}` (known: path, stale)", key.str()));
            const auto* value = node.as_string();
            const std::string_view given = value != nullptr ? std::string_view(value->get()) : std::string_view();
            if (given.empty() || given.front() == '/' || given.find("..") != std::string_view::npos ||
                !given.ends_with(".md"))
                return failure_at(path, node.source(),
                                  "`registry.path` must be a Markdown file path inside the repository, e.g. "
                                  "\"meta/docs/stack/registries/self-hosted-pairs.md\"");
            config.registry_path = std::string(given);
        }
    }
    const toml::node* audit_node = root.get("audit");
    if (audit_node == nullptr) return config;
    const toml::table* audit = audit_node->as_table();
    if (audit == nullptr) return failure_at(path, audit_node->source(), "`audit` must be a table ([audit])");
    for (const auto& [key, node] : *audit) {
        if (key.str() == "phase") {
            const auto* number = node.as_integer();
            const auto phase = number != nullptr ? parse_phase(number->get()) : std::nullopt;
            if (!phase) return failure_at(path, node.source(), "`audit.phase` must be the integer 4 or 5");
            config.phase = *phase;
        } else if (key.str() == "max_manifest_bytes") {
            const auto* number = node.as_integer();
            if (number == nullptr || number->get() <= 0)
                return failure_at(path, node.source(), "`audit.max_manifest_bytes` must be a positive integer");
            config.max_manifest_bytes = static_cast<std::uint64_t>(number->get());
        } else if (key.str() == "max_nesting_depth") {
            const auto* number = node.as_integer();
            const auto depth = number != nullptr ? parse_nesting_depth(number->get()) : std::nullopt;
            if (!depth)
                return failure_at(path, node.source(), "`audit.max_nesting_depth` must be an integer from 1 to 1024");
            config.max_nesting_depth = *depth;
        } else {
            return failure_at(
                path, key.source(),
                fmt::format("unknown key `audit.{}` (known: phase, max_manifest_bytes, max_nesting_depth)", key.str()));
        }
    }
    return config;
}

void apply_overrides(AuditConfig& config, const ConfigOverrides& overrides) {
    if (overrides.phase) config.phase = *overrides.phase;
    if (overrides.max_manifest_bytes) config.max_manifest_bytes = *overrides.max_manifest_bytes;
    if (overrides.max_nesting_depth) config.max_nesting_depth = *overrides.max_nesting_depth;
    if (overrides.registry_path) config.registry_path = *overrides.registry_path;
    if (overrides.stale_registry_is_error) config.stale_registry_is_error = *overrides.stale_registry_is_error;
}

} // namespace ksa
