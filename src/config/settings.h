// The one table of settings (like ccache's k_config_key_table): each setting once, with its key
// in .koder-spec-audit.toml, its git-config key on the server (koder-audit.*), its command-line
// option, its type, range, default and one line of documentation. The configuration file's
// parser, the server configuration's parser, the command line's options, `config --show` and
// the settings table of docs/manual.md all come from it; each value goes through one setter.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/server_config.h"
#include "support/expected.h"

namespace ksa {

enum class SettingKind {
    integer, // a whole number from `min` to `max`
    choice,  // one word of `choices` (the value is its index); `numeric`: written as a TOML integer
    seconds, // a decimal number of seconds from `min` to `max`
    flag,    // true or false (git's spellings on the server)
    text,    // a string `valid` accepts
    list,    // strings `valid` accepts each: a TOML array, a repeatable git key
};

// A parsed value: integer → uint64, choice → its index (uint64), seconds → double, flag → bool,
// text → string, list → vector of strings.
using SettingValue = std::variant<std::uint64_t, double, bool, std::string, std::vector<std::string>>;

struct Setting {
    std::string_view file_key{};   // "audit.phase" in .koder-spec-audit.toml; "" when the file has none
    std::string_view server_key{}; // "koder-audit.phase" in git config (any case); "" when the server has none
    std::string_view option{};     // "--phase"; "" when the command line has none
    SettingKind kind = SettingKind::text;
    std::uint64_t min = 0;
    std::uint64_t max = 0;
    std::span<const std::string_view> choices{};
    bool numeric = false;                      // a choice written as a TOML integer (phase = 5)
    bool (*valid)(std::string_view) = nullptr; // text, and each item of a list; null: anything
    bool comma_separated = false;              // a list whose git values may hold several items
    std::string_view type{};                   // what the file takes: "the integer 4 or 5" (list: each item)
    std::string_view server_type{};            // what git config takes: "4 or 5"
    std::string_view option_type{};            // what the option takes: "4 (advisory) or 5 (strict)"
    std::string_view option_noun{};            // for a choice's option: "a rollout phase"
    std::string_view doc{};                    // one line: what it does
    void (*set)(ServerConfig&, const SettingValue&) = nullptr;
    SettingValue (*get)(const ServerConfig&) = nullptr;

    // The key `config --show` names it by: the file's key, else the server's.
    [[nodiscard]] std::string_view name() const { return file_key.empty() ? server_key : file_key; }
};

std::span<const Setting> all_settings();
const Setting* find_setting_by_option(std::string_view option);
const Setting* find_setting_by_server_key(std::string_view key); // any case

// Where a setting's effective value came from.
struct SettingOrigin {
    enum class Kind { default_value, file, server, command_line };
    Kind kind = Kind::default_value;
    std::string file{}; // the configuration file, or the git config file the value was read from
    int line = 0;       // in the configuration file (0 for git config files)
    std::string key{};  // the key or the option as the user wrote it

    // "default", ".koder-spec-audit.toml:3", "/srv/git/x.git/config", "command line: --phase".
    [[nodiscard]] std::string describe() const;
};

// A configuration and, per setting of all_settings() (same index), where its value came from.
struct LoadedSettings {
    ServerConfig config{};
    std::vector<SettingOrigin> origins = std::vector<SettingOrigin>(all_settings().size());
};

// One value from the command line: the setting's option and the word given.
struct SettingOverride {
    std::string option;
    std::string value;
};
using SettingOverrides = std::vector<SettingOverride>;

// The file's settings over `into`. A malformed file is a Failure naming path:line:col, because
// an audit that silently fell back to defaults could pass what it should reject.
std::optional<Failure> load_file_settings(LoadedSettings& into, std::string_view text, std::string_view path);

// The server's koder-audit.* values over `into`; `origin` names where they came from, for errors.
std::optional<Failure> load_server_settings(LoadedSettings& into, const ConfigValues& values,
                                            const std::string& origin);

// The command line's values over `into`: they win over the file and the server.
std::optional<Failure> apply_overrides(LoadedSettings& into, const SettingOverrides& overrides);

// Parses one textual value (git config's and the command line's spelling); the failure says
// what is expected, without the origin.
Expected<SettingValue> parse_setting_text(const Setting& setting, std::string_view text);

// The value as TOML would write it: 5, "warning", ["a", "b"], true.
std::string format_setting_value(const Setting& setting, const SettingValue& value);

// What a setting takes, in words: in the file ("the integer 4 or 5") and in git config ("4 or 5").
std::string setting_file_type(const Setting& setting);
std::string setting_server_type(const Setting& setting);

// The settings table of docs/manual.md, generated (a unit test checks the manual against it).
std::string settings_table_markdown();

} // namespace ksa
