#include "config/server_config.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>

#include "support/text.h"

namespace ksa {
namespace {

Failure bad_value(const std::string& origin, std::string_view key, std::string_view value, std::string_view expected) {
    return Failure{fmt::format("{}: {} = \"{}\": expected {}", origin, key, text::abbreviate(value, 80), expected)};
}

std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// git's boolean spellings (git-config(1) "bool").
std::optional<bool> parse_bool(std::string_view text) {
    std::string lower(text);
    for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "true" || lower == "yes" || lower == "on" || lower == "1") return true;
    if (lower == "false" || lower == "no" || lower == "off" || lower == "0" || lower.empty()) return false;
    return std::nullopt;
}

} // namespace

Expected<ServerConfig> parse_server_config(const ConfigValues& values, const std::string& origin) {
    ServerConfig config;
    for (const auto& [key, list] : values) {
        if (list.empty()) continue;
        const std::string& value = list.back(); // the last one wins, as in git
        const std::string_view full = key;
        if (!full.starts_with(server_config_section) || full.size() <= server_config_section.size() ||
            full[server_config_section.size()] != '.')
            return Failure{fmt::format("{}: unknown key {} (see docs/pre-receive.md)", origin, key)};
        const std::string_view name = full.substr(server_config_section.size() + 1);
        if (name == "phase") {
            const auto number = parse_unsigned(value);
            const auto phase = number ? parse_phase(static_cast<std::int64_t>(*number)) : std::nullopt;
            if (!phase) return bad_value(origin, key, value, "4 or 5");
            config.audit.phase = *phase;
        } else if (name == "maxmanifestbytes") {
            const auto number = parse_unsigned(value);
            if (!number || *number == 0) return bad_value(origin, key, value, "a positive number of bytes");
            config.audit.max_manifest_bytes = *number;
        } else if (name == "maxnestingdepth") {
            const auto number = parse_unsigned(value);
            const auto depth =
                number && *number <= 1024 ? parse_nesting_depth(static_cast<std::int64_t>(*number)) : std::nullopt;
            if (!depth) return bad_value(origin, key, value, "a nesting depth from 1 to 1024");
            config.audit.max_nesting_depth = *depth;
        } else if (name == "maxcommits") {
            const auto number = parse_unsigned(value);
            if (!number || *number == 0) return bad_value(origin, key, value, "a positive number of commits");
            config.max_commits = *number;
        } else if (name == "timebudget") {
            char* end = nullptr;
            const double seconds = std::strtod(value.c_str(), &end);
            if (value.empty() || end != value.c_str() + value.size() || !(seconds >= 0) || seconds > 1e9)
                return bad_value(origin, key, value, "a number of seconds, e.g. 30 or 2.5 (0 for none)");
            config.time_budget_seconds = seconds;
        } else if (name == "onoverrun") {
            if (value != "reject" && value != "accept") return bad_value(origin, key, value, "reject or accept");
            config.accept_on_overrun = value == "accept";
        } else if (name == "overrideuser") {
            for (const std::string& item : list) {
                std::string_view rest = item;
                while (!rest.empty()) {
                    const auto comma = rest.find(',');
                    const std::string_view user = text::trim(rest.substr(0, comma));
                    if (!user.empty()) config.override_users.emplace_back(user);
                    if (comma == std::string_view::npos) break;
                    rest.remove_prefix(comma + 1);
                }
            }
        } else if (name == "pushervariable") {
            if (value.empty()) return bad_value(origin, key, value, "an environment variable name");
            config.pusher_variable = value;
        } else if (name == "overridelog") {
            config.override_log = value;
        } else if (name == "format") {
            if (value != "text" && value != "json") return bad_value(origin, key, value, "text or json");
            config.format = value;
        } else if (name == "registrypath") {
            if (value.empty() || value.front() == '/' || value.find("..") != std::string::npos ||
                !value.ends_with(".md"))
                return bad_value(origin, key, value, "a Markdown file path inside the repository");
            config.audit.registry_path = value;
        } else if (name == "precedentfile") {
            // Repeatable: every value is one list (PATH or PATH#SECTION); "" alone means none.
            config.audit.precedent_files.clear();
            config.audit.precedent_files_configured = true;
            for (const std::string& item : list) {
                if (item.empty()) continue;
                const auto file = parse_precedent_file(item);
                if (!file) return bad_value(origin, key, item, "PATH or PATH#SECTION inside the repository");
                config.audit.precedent_files.push_back(*file);
            }
        } else if (name == "staleregistry") {
            if (value != "warning" && value != "error") return bad_value(origin, key, value, "warning or error");
            config.audit.stale_registry_is_error = value == "error";
        } else if (name == "mode") {
            if (value != "enforce" && value != "warn") return bad_value(origin, key, value, "enforce or warn");
            config.warn_only = value == "warn";
        } else if (name == "trustedref") {
            // Repeatable: every value is one pattern; "" alone means none (every pushed commit is new).
            config.trusted_refs.clear();
            for (const std::string& item : list) {
                if (item.empty()) continue;
                if (!item.starts_with("refs/") || item.find_first_of(" \t\n") != std::string::npos)
                    return bad_value(origin, key, item, "a ref pattern such as refs/heads/* or refs/tags/v*");
                config.trusted_refs.push_back(item);
            }
        } else if (name == "allowreplacerefs") {
            const auto allowed = parse_bool(value);
            if (!allowed) return bad_value(origin, key, value, "true or false");
            config.allow_replace_refs = *allowed;
        } else if (name == "configfile") {
            // Handled by the caller, which loads that file first.
        } else {
            return Failure{fmt::format("{}: unknown key {} (see docs/pre-receive.md)", origin, key)};
        }
    }
    return config;
}

} // namespace ksa
