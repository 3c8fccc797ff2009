#include "config/settings.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "manifest/nesting.h"
#include "support/text.h"

namespace ksa {
namespace {

constexpr std::uint64_t unlimited = std::numeric_limits<std::uint64_t>::max();

constexpr std::string_view phases[] = {"4", "5"};
constexpr std::string_view stale_severities[] = {"warning", "error"};
constexpr std::string_view overrun_policies[] = {"reject", "accept"};
constexpr std::string_view modes[] = {"enforce", "warn"};
constexpr std::string_view hook_formats[] = {"text", "json"};

bool valid_precedent_file(std::string_view item) { return parse_precedent_file(item).has_value(); }
bool non_empty(std::string_view text) { return !text.empty(); }
bool valid_ref_pattern(std::string_view item) {
    return item.starts_with("refs/") && item.find_first_of(" \t\n") == std::string_view::npos;
}

std::uint64_t as_number(const SettingValue& value) { return std::get<std::uint64_t>(value); }
const std::string& as_text(const SettingValue& value) { return std::get<std::string>(value); }
const std::vector<std::string>& as_list(const SettingValue& value) { return std::get<std::vector<std::string>>(value); }

// The table. Order matters twice: `config --show` and docs/manual.md list the settings in it,
// and the file's "known:" lists follow it.
constexpr Setting settings[] = {
    {.file_key = "audit.phase",
     .server_key = "koder-audit.phase",
     .option = "--phase",
     .kind = SettingKind::choice,
     .choices = phases,
     .numeric = true,
     .option_type = "4 (advisory) or 5 (strict)",
     .option_noun = "a rollout phase",
     .doc = "the rollout phase of RFC-002: 4 advisory, 5 strict; it sets each rule's severity (docs/rules.md)",
     .set = [](ServerConfig& c,
               const SettingValue& v) { c.audit.phase = as_number(v) == 1 ? Phase::strict : Phase::advisory; },
     .get = [](const ServerConfig& c) -> SettingValue {
         return std::uint64_t{c.audit.phase == Phase::strict ? 1U : 0U};
     }},
    {.file_key = "audit.max_manifest_bytes",
     .server_key = "koder-audit.maxManifestBytes",
     .option = "--max-manifest-bytes",
     .kind = SettingKind::integer,
     .min = 1,
     .max = unlimited,
     .server_type = "a positive number of bytes",
     .option_type = "a whole number of bytes, at least 1",
     .doc = "larger manifests are reported (KSA015), not read",
     .set = [](ServerConfig& c, const SettingValue& v) { c.audit.max_manifest_bytes = as_number(v); },
     .get = [](const ServerConfig& c) -> SettingValue { return c.audit.max_manifest_bytes; }},
    {.file_key = "audit.max_nesting_depth",
     .server_key = "koder-audit.maxNestingDepth",
     .option = "--max-nesting-depth",
     .kind = SettingKind::integer,
     .min = 1,
     .max = manifest::max_max_nesting_depth,
     .server_type = "a nesting depth from 1 to 1024",
     .option_type = "a whole number from 1 to 1024",
     .doc = "manifests nested deeper (tables, dotted keys, arrays and inline tables count) are reported (KSA015) at "
            "the line and column that crosses it, not parsed",
     .set = [](ServerConfig& c,
               const SettingValue& v) { c.audit.max_nesting_depth = static_cast<std::uint32_t>(as_number(v)); },
     .get = [](const ServerConfig& c) -> SettingValue { return std::uint64_t{c.audit.max_nesting_depth}; }},
    {.file_key = "registry.path",
     .server_key = "koder-audit.registryPath",
     .kind = SettingKind::text,
     .valid = is_registry_path,
     .type = "a Markdown file path inside the repository (ending in .md)",
     .server_type = "a Markdown file path inside the repository",
     .doc = "the generated registry, protected by KSA012 and KSA013 (docs/registry.md)",
     .set = [](ServerConfig& c, const SettingValue& v) { c.audit.registry_path = as_text(v); },
     .get = [](const ServerConfig& c) -> SettingValue { return c.audit.registry_path; }},
    {.file_key = "registry.stale",
     .server_key = "koder-audit.staleRegistry",
     .kind = SettingKind::choice,
     .choices = stale_severities,
     .doc = "the severity of KSA013, a registry the change did not regenerate: `error` rejects",
     .set = [](ServerConfig& c, const SettingValue& v) { c.audit.stale_registry_is_error = as_number(v) == 1; },
     .get = [](const ServerConfig& c) -> SettingValue {
         return std::uint64_t{c.audit.stale_registry_is_error ? 1U : 0U};
     }},
    {.file_key = "heuristic.precedent_files",
     .server_key = "koder-audit.precedentFile",
     .kind = SettingKind::list,
     .valid = valid_precedent_file,
     .type = "\"PATH\" or \"PATH#SECTION\" with PATH inside the repository",
     .server_type = "PATH or PATH#SECTION inside the repository",
     .doc = "the anti-drift heuristic's precedent lists (KSA011); once set, a listed file that does not exist is a "
            "warning (KSA019); a single empty server value means none",
     .set =
         [](ServerConfig& c, const SettingValue& v) {
             c.audit.precedent_files.clear();
             c.audit.precedent_files_configured = true;
             for (const std::string& item : as_list(v))
                 if (auto file = parse_precedent_file(item)) c.audit.precedent_files.push_back(*file);
         },
     .get = [](const ServerConfig& c) -> SettingValue {
         std::vector<std::string> items;
         for (const PrecedentFile& file : c.audit.precedent_files)
             items.push_back(file.section.empty() ? file.path : file.path + "#" + file.section);
         return items;
     }},
    {.server_key = "koder-audit.maxCommits",
     .kind = SettingKind::integer,
     .min = 1,
     .max = unlimited,
     .server_type = "a positive number of commits",
     .doc = "more new commits than this in one push: the audit stops (see onOverrun)",
     .set = [](ServerConfig& c, const SettingValue& v) { c.max_commits = as_number(v); },
     .get = [](const ServerConfig& c) -> SettingValue { return c.max_commits; }},
    {.server_key = "koder-audit.timeBudget",
     .kind = SettingKind::seconds,
     .min = 0,
     .max = 1000000000,
     .type = "a number of seconds (0 for none)",
     .server_type = "a number of seconds, e.g. 30 or 2.5 (0 for none)",
     .doc = "seconds the audit may take, checked between commits (see onOverrun); 0: no budget",
     .set = [](ServerConfig& c, const SettingValue& v) { c.time_budget_seconds = std::get<double>(v); },
     .get = [](const ServerConfig& c) -> SettingValue { return c.time_budget_seconds; }},
    {.server_key = "koder-audit.onOverrun",
     .kind = SettingKind::choice,
     .choices = overrun_policies,
     .doc = "`reject`: an audit that stopped early refuses the push (fail closed); `accept`: accepted with a loud "
            "warning that the rest was not audited",
     .set = [](ServerConfig& c, const SettingValue& v) { c.accept_on_overrun = as_number(v) == 1; },
     .get = [](const ServerConfig& c) -> SettingValue { return std::uint64_t{c.accept_on_overrun ? 1U : 0U}; }},
    {.server_key = "koder-audit.mode",
     .kind = SettingKind::choice,
     .choices = modes,
     .doc = "`warn`: report everything and accept every push (for a first roll-out)",
     .set = [](ServerConfig& c, const SettingValue& v) { c.warn_only = as_number(v) == 1; },
     .get = [](const ServerConfig& c) -> SettingValue { return std::uint64_t{c.warn_only ? 1U : 0U}; }},
    {.server_key = "koder-audit.overrideUser",
     .kind = SettingKind::list,
     .comma_separated = true,
     .type = "user names",
     .server_type = "user names, comma-separated",
     .doc = "pushers allowed to override (`git push -o koder-audit.override=\"why\"`); repeat the key or separate "
            "names with commas",
     .set = [](ServerConfig& c, const SettingValue& v) { c.override_users = as_list(v); },
     .get = [](const ServerConfig& c) -> SettingValue { return c.override_users; }},
    {.server_key = "koder-audit.pusherVariable",
     .kind = SettingKind::text,
     .valid = non_empty,
     .type = "an environment variable name",
     .server_type = "an environment variable name",
     .doc = "the environment variable naming the pusher (Forgejo sets `GITEA_PUSHER_NAME`; a plain git server "
            "over HTTP may use `REMOTE_USER`)",
     .set = [](ServerConfig& c, const SettingValue& v) { c.pusher_variable = as_text(v); },
     .get = [](const ServerConfig& c) -> SettingValue { return c.pusher_variable; }},
    {.server_key = "koder-audit.overrideLog",
     .kind = SettingKind::text,
     .type = "a file path",
     .server_type = "a file path",
     .doc = "the file each accepted override is appended to (time, pusher, refs, reason); when it cannot be "
            "written the override is refused",
     .set = [](ServerConfig& c, const SettingValue& v) { c.override_log = as_text(v); },
     .get = [](const ServerConfig& c) -> SettingValue { return c.override_log; }},
    {.server_key = "koder-audit.format",
     .kind = SettingKind::choice,
     .choices = hook_formats,
     .doc = "the pre-receive report on stderr: `json` for log collection (`hook pre-receive --format` wins)",
     .set = [](ServerConfig& c, const SettingValue& v) { c.format = std::string(hook_formats[as_number(v)]); },
     .get = [](const ServerConfig& c) -> SettingValue { return std::uint64_t{c.format == "json" ? 1U : 0U}; }},
    {.server_key = "koder-audit.trustedRef",
     .kind = SettingKind::list,
     .valid = valid_ref_pattern,
     .type = "ref patterns",
     .server_type = "a ref pattern such as refs/heads/* or refs/tags/v*",
     .doc = "refs whose commits count as already checked: only refs every update of which passes this hook (never "
            "`refs/pull/*`); repeat the key; a single empty value means none",
     .set = [](ServerConfig& c, const SettingValue& v) { c.trusted_refs = as_list(v); },
     .get = [](const ServerConfig& c) -> SettingValue { return c.trusted_refs; }},
    {.server_key = "koder-audit.allowReplaceRefs",
     .kind = SettingKind::flag,
     .type = "true or false",
     .server_type = "true or false",
     .doc = "accept pushes to `refs/replace/*` and judge the replacements, instead of refusing them (KSA026)",
     .set = [](ServerConfig& c, const SettingValue& v) { c.allow_replace_refs = std::get<bool>(v); },
     .get = [](const ServerConfig& c) -> SettingValue { return c.allow_replace_refs; }},
    {.server_key = "koder-audit.configFile",
     .kind = SettingKind::text,
     .type = "a file path",
     .server_type = "a file path",
     .doc = "a git-config file with more `koder-audit.*` keys, e.g. one for the whole server; the repository's own "
            "keys win",
     .set = [](ServerConfig& c, const SettingValue& v) { c.config_file = as_text(v); },
     .get = [](const ServerConfig& c) -> SettingValue { return c.config_file; }},
};

std::string lower(std::string_view text) {
    std::string folded(text);
    for (char& c : folded)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return folded;
}

// "a, b or c", each item quoted with `quote`.
std::string in_words(std::span<const std::string_view> items, std::string_view quote = "") {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
        out += fmt::format("{}{}{}", quote, items[i], quote);
    }
    return out;
}

// What the file takes, in words (the list kind: each item).
std::string file_type(const Setting& setting) {
    if (!setting.type.empty()) return std::string(setting.type);
    switch (setting.kind) {
    case SettingKind::choice:
        return setting.numeric ? "the integer " + in_words(setting.choices) : in_words(setting.choices, "\"");
    case SettingKind::integer:
        if (setting.max == unlimited)
            return setting.min == 1 ? "a positive integer" : fmt::format("an integer of at least {}", setting.min);
        return fmt::format("an integer from {} to {}", setting.min, setting.max);
    default: return "a value";
    }
}

std::string server_type(const Setting& setting) {
    if (!setting.server_type.empty()) return std::string(setting.server_type);
    if (setting.kind == SettingKind::choice) return in_words(setting.choices);
    return file_type(setting);
}

std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// git's boolean spellings (git-config(1) "bool").
std::optional<bool> parse_bool(std::string_view text) {
    const std::string folded = lower(text);
    if (folded == "true" || folded == "yes" || folded == "on" || folded == "1") return true;
    if (folded == "false" || folded == "no" || folded == "off" || folded == "0" || folded.empty()) return false;
    return std::nullopt;
}

std::optional<std::uint64_t> choice_index(const Setting& setting, std::string_view word) {
    for (std::size_t i = 0; i < setting.choices.size(); ++i)
        if (setting.choices[i] == word) return i;
    return std::nullopt;
}

// The items of one textual list value: "" alone is none; a comma-separated list is split.
std::vector<std::string> list_items(const Setting& setting, std::string_view text) {
    std::vector<std::string> items;
    if (!setting.comma_separated) {
        if (!text.empty()) items.emplace_back(text);
        return items;
    }
    while (!text.empty()) {
        const auto comma = text.find(',');
        const std::string_view item = text::trim(text.substr(0, comma));
        if (!item.empty()) items.emplace_back(item);
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return items;
}

bool item_valid(const Setting& setting, std::string_view item) {
    return setting.valid == nullptr || setting.valid(item);
}

std::size_t index_of(const Setting& setting) { return static_cast<std::size_t>(&setting - settings); }

Failure failure_at(std::string_view path, const toml::source_region& where, std::string_view message) {
    return Failure{fmt::format("{}:{}:{}: {}", path, where.begin.line, where.begin.column, message)};
}

// A value of the configuration file; the failure names the node it is about.
std::optional<Failure> parse_node(const Setting& setting, const toml::node& node, std::string_view path,
                                  SettingValue& out) {
    const auto wrong = [&](const toml::node& at) {
        return failure_at(path, at.source(), fmt::format("`{}` must be {}", setting.file_key, file_type(setting)));
    };
    switch (setting.kind) {
    case SettingKind::integer: {
        const auto* number = node.as_integer();
        if (number == nullptr || number->get() < 0) return wrong(node);
        const auto value = static_cast<std::uint64_t>(number->get());
        if (value < setting.min || value > setting.max) return wrong(node);
        out = value;
        return std::nullopt;
    }
    case SettingKind::choice: {
        std::optional<std::uint64_t> index;
        if (setting.numeric) {
            if (const auto* number = node.as_integer()) index = choice_index(setting, std::to_string(number->get()));
        } else if (const auto* word = node.as_string()) {
            index = choice_index(setting, word->get());
        }
        if (!index) return wrong(node);
        out = *index;
        return std::nullopt;
    }
    case SettingKind::seconds: {
        const std::optional<double> seconds = node.value<double>();
        if (!seconds || !(*seconds >= static_cast<double>(setting.min)) || *seconds > static_cast<double>(setting.max))
            return wrong(node);
        out = *seconds;
        return std::nullopt;
    }
    case SettingKind::flag: {
        const auto* flag = node.as_boolean();
        if (flag == nullptr) return wrong(node);
        out = flag->get();
        return std::nullopt;
    }
    case SettingKind::text: {
        const auto* text = node.as_string();
        if (text == nullptr || !item_valid(setting, text->get())) return wrong(node);
        out = text->get();
        return std::nullopt;
    }
    case SettingKind::list: {
        const toml::array* array = node.as_array();
        if (array == nullptr)
            return failure_at(path, node.source(), fmt::format("`{}` must be an array of strings", setting.file_key));
        std::vector<std::string> items;
        for (const toml::node& item : *array) {
            const auto* text = item.as_string();
            if (text == nullptr || !item_valid(setting, text->get()))
                return failure_at(path, item.source(),
                                  fmt::format("each `{}` entry is {}", setting.file_key, file_type(setting)));
            items.push_back(text->get());
        }
        out = std::move(items);
        return std::nullopt;
    }
    }
    return wrong(node);
}

// "[audit], [registry] or [heuristic]": the file's tables, in the table's order.
std::vector<std::string_view> file_sections() {
    std::vector<std::string_view> sections;
    for (const Setting& setting : settings) {
        if (setting.file_key.empty()) continue;
        const std::string_view section = setting.file_key.substr(0, setting.file_key.find('.'));
        if (std::find(sections.begin(), sections.end(), section) == sections.end()) sections.push_back(section);
    }
    return sections;
}

std::string quoted(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (byte < 0x20 || byte == 0x7F) {
            out += fmt::format("\\u{:04X}", static_cast<unsigned>(byte));
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string markdown_cell(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '|') out += '\\';
        out += c;
    }
    return out;
}

} // namespace

std::span<const Setting> all_settings() { return settings; }

const Setting* find_setting_by_option(std::string_view option) {
    for (const Setting& setting : settings)
        if (!setting.option.empty() && setting.option == option) return &setting;
    return nullptr;
}

const Setting* find_setting_by_server_key(std::string_view key) {
    const std::string folded = lower(key);
    for (const Setting& setting : settings)
        if (!setting.server_key.empty() && lower(setting.server_key) == folded) return &setting;
    return nullptr;
}

std::string SettingOrigin::describe() const {
    switch (kind) {
    case Kind::default_value: return "default";
    case Kind::file: return fmt::format("{}:{}", file, line);
    case Kind::server: return file.empty() ? key : file;
    case Kind::command_line: return fmt::format("command line: {}", key);
    }
    return "default";
}

Expected<SettingValue> parse_setting_text(const Setting& setting, std::string_view text) {
    const Failure expected{server_type(setting)};
    switch (setting.kind) {
    case SettingKind::integer: {
        const auto number = parse_unsigned(text);
        if (!number || *number < setting.min || *number > setting.max) return expected;
        return SettingValue{*number};
    }
    case SettingKind::choice: {
        std::optional<std::uint64_t> index;
        if (setting.numeric) {
            if (const auto number = parse_unsigned(text)) index = choice_index(setting, std::to_string(*number));
        } else {
            index = choice_index(setting, text);
        }
        if (!index) return expected;
        return SettingValue{*index};
    }
    case SettingKind::seconds: {
        const std::string copy(text);
        char* end = nullptr;
        const double seconds = std::strtod(copy.c_str(), &end);
        if (copy.empty() || end != copy.c_str() + copy.size() || !(seconds >= static_cast<double>(setting.min)) ||
            seconds > static_cast<double>(setting.max))
            return expected;
        return SettingValue{seconds};
    }
    case SettingKind::flag: {
        const auto flag = parse_bool(text);
        if (!flag) return expected;
        return SettingValue{*flag};
    }
    case SettingKind::text:
        if (!item_valid(setting, text)) return expected;
        return SettingValue{std::string(text)};
    case SettingKind::list: {
        std::vector<std::string> items = list_items(setting, text);
        for (const std::string& item : items)
            if (!item_valid(setting, item)) return expected;
        return SettingValue{std::move(items)};
    }
    }
    return expected;
}

std::optional<Failure> load_file_settings(LoadedSettings& into, std::string_view text, std::string_view path) {
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
    const std::vector<std::string_view> sections = file_sections();
    for (const auto& [key, node] : root) {
        if (std::find(sections.begin(), sections.end(), key.str()) == sections.end()) {
            std::string expected;
            for (std::size_t i = 0; i < sections.size(); ++i)
                expected += fmt::format("{}[{}]", i == 0 ? "" : i + 1 == sections.size() ? " or " : ", ", sections[i]);
            return failure_at(path, key.source(),
                              fmt::format("unknown table or key `{}` (expected {})", key.str(), expected));
        }
        const toml::table* table = node.as_table();
        if (table == nullptr)
            return failure_at(path, node.source(), fmt::format("`{}` must be a table ([{}])", key.str(), key.str()));
        for (const auto& [name, value] : *table) {
            const std::string file_key = fmt::format("{}.{}", key.str(), name.str());
            const auto found = std::find_if(std::begin(settings), std::end(settings),
                                            [&](const Setting& s) { return s.file_key == file_key; });
            if (found == std::end(settings)) {
                std::string known;
                for (const Setting& setting : settings)
                    if (setting.file_key.starts_with(fmt::format("{}.", key.str())))
                        known +=
                            (known.empty() ? "" : ", ") + std::string(setting.file_key.substr(key.str().size() + 1));
                return failure_at(path, name.source(), fmt::format("unknown key `{}` (known: {})", file_key, known));
            }
            SettingValue parsed;
            if (auto problem = parse_node(*found, value, path, parsed)) return problem;
            found->set(into.config, parsed);
            into.origins[index_of(*found)] = {SettingOrigin::Kind::file, std::string(path),
                                              static_cast<int>(name.source().begin.line), file_key};
        }
    }
    return std::nullopt;
}

std::optional<Failure> load_server_settings(LoadedSettings& into, const ConfigValues& values,
                                            const std::string& origin) {
    const auto bad_value = [&](std::string_view key, std::string_view value, const std::string& expected) {
        return Failure{fmt::format("{}: {} = \"{}\": expected {}", origin, key, text::abbreviate(value, 80), expected)};
    };
    for (const auto& [key, list] : values) {
        if (list.empty()) continue;
        const Setting* setting = find_setting_by_server_key(key);
        if (setting == nullptr)
            return Failure{fmt::format("{}: unknown key {} (see docs/manual.md#settings)", origin, key)};
        SettingValue parsed;
        if (setting->kind == SettingKind::list) {
            // Repeatable: every value counts, in order.
            std::vector<std::string> items;
            for (const ConfigValue& value : list) {
                for (std::string& item : list_items(*setting, value.value)) {
                    if (!item_valid(*setting, item)) return bad_value(key, item, server_type(*setting));
                    items.push_back(std::move(item));
                }
            }
            parsed = std::move(items);
        } else {
            auto value = parse_setting_text(*setting, list.back().value); // the last one wins, as in git
            if (!value) return bad_value(key, list.back().value, value.failure().message);
            parsed = std::move(*value);
        }
        setting->set(into.config, parsed);
        into.origins[index_of(*setting)] = {SettingOrigin::Kind::server, list.back().file, 0, key};
    }
    return std::nullopt;
}

std::optional<Failure> apply_overrides(LoadedSettings& into, const SettingOverrides& overrides) {
    for (const SettingOverride& given : overrides) {
        const Setting* setting = find_setting_by_option(given.option);
        if (setting == nullptr) return Failure{fmt::format("{} is no setting", given.option)};
        // Names are accepted in any case on the command line, as --format's are.
        auto value =
            parse_setting_text(*setting, setting->kind == SettingKind::choice ? lower(given.value) : given.value);
        if (!value) return Failure{fmt::format("{} '{}': give {}", given.option, given.value, setting->option_type)};
        setting->set(into.config, *value);
        into.origins[index_of(*setting)] = {SettingOrigin::Kind::command_line, "", 0, given.option};
    }
    return std::nullopt;
}

std::string format_setting_value(const Setting& setting, const SettingValue& value) {
    switch (setting.kind) {
    case SettingKind::integer: return std::to_string(std::get<std::uint64_t>(value));
    case SettingKind::choice: {
        const std::string_view word = setting.choices[std::get<std::uint64_t>(value)];
        return setting.numeric ? std::string(word) : quoted(word);
    }
    case SettingKind::seconds: return fmt::format("{}", std::get<double>(value));
    case SettingKind::flag: return std::get<bool>(value) ? "true" : "false";
    case SettingKind::text: return quoted(std::get<std::string>(value));
    case SettingKind::list: {
        std::string out = "[";
        for (const std::string& item : std::get<std::vector<std::string>>(value))
            out += (out.size() > 1 ? ", " : "") + quoted(item);
        return out + "]";
    }
    }
    return {};
}

std::string setting_file_type(const Setting& setting) { return file_type(setting); }
std::string setting_server_type(const Setting& setting) { return server_type(setting); }

std::string settings_table_markdown() {
    std::string out = "| file (`.koder-spec-audit.toml`) | server (git config) | option | type | default | meaning |\n"
                      "|---|---|---|---|---|---|\n";
    const ServerConfig defaults;
    const auto code = [](std::string_view text) { return text.empty() ? std::string("—") : fmt::format("`{}`", text); };
    for (const Setting& setting : settings) {
        const SettingValue value = setting.get(defaults);
        const bool none = (std::holds_alternative<std::string>(value) && std::get<std::string>(value).empty()) ||
                          (std::holds_alternative<std::vector<std::string>>(value) &&
                           std::get<std::vector<std::string>>(value).empty());
        std::string type = file_type(setting);
        if (setting.kind == SettingKind::list) type = "a list of " + type;
        out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", code(setting.file_key), code(setting.server_key),
                           code(setting.option), markdown_cell(type),
                           none ? std::string("none") : markdown_cell(code(format_setting_value(setting, value))),
                           markdown_cell(setting.doc));
    }
    return out;
}

} // namespace ksa
