// `config --show`: every setting of a view, its effective value and where it came from, the
// way `ccache --show-config` and `git config --show-origin` print them.
#include <variant>

#include <fmt/format.h>

#include "report/renderers.h"
#include "support/json_writer.h"
#include "support/text.h"

namespace ksa::report {
namespace {

// The settings of the view: the file's (with a file key) or the server's (with a git key).
bool in_view(const Setting& setting, bool server) {
    return server ? !setting.server_key.empty() : !setting.file_key.empty();
}

std::string_view key_in_view(const Setting& setting, bool server) {
    return server ? setting.server_key : setting.file_key;
}

std::string_view origin_kind(SettingOrigin::Kind kind) {
    switch (kind) {
    case SettingOrigin::Kind::default_value: return "default";
    case SettingOrigin::Kind::file: return "file";
    case SettingOrigin::Kind::server: return "git-config";
    case SettingOrigin::Kind::command_line: return "command-line";
    }
    return "default";
}

void write_value(JsonWriter& json, const Setting& setting, const SettingValue& value) {
    if (setting.kind == SettingKind::choice) {
        const std::string_view word = setting.choices[std::get<std::uint64_t>(value)];
        if (setting.numeric)
            json.value(static_cast<std::int64_t>(std::stoll(std::string(word))));
        else
            json.value(word);
        return;
    }
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                json.begin_array();
                for (const std::string& item : v)
                    json.value(item);
                json.end_array();
            } else {
                json.value(v);
            }
        },
        value);
}

} // namespace

std::string render_settings_text(const SettingsReport& input) {
    std::string out;
    const auto settings = all_settings();
    for (std::size_t i = 0; i < settings.size(); ++i) {
        const Setting& setting = settings[i];
        if (!in_view(setting, input.server)) continue;
        const std::string line =
            fmt::format("({}) {} = {}", input.settings.origins[i].describe(), key_in_view(setting, input.server),
                        format_setting_value(setting, setting.get(input.settings.config)));
        out += text::escape_for_terminal(line) + "\n";
    }
    return out;
}

std::string render_settings_json(const SettingsReport& input) {
    JsonWriter json;
    json.begin_object()
        .field("version", std::int64_t{1})
        .field("tool", "koder-spec-audit")
        .field("view", input.server ? "server" : "file")
        .field("source", input.source);
    json.key("settings").begin_array();
    const auto settings = all_settings();
    for (std::size_t i = 0; i < settings.size(); ++i) {
        const Setting& setting = settings[i];
        if (!in_view(setting, input.server)) continue;
        const SettingOrigin& origin = input.settings.origins[i];
        json.begin_object().field("key", key_in_view(setting, input.server));
        if (!setting.file_key.empty()) json.field("file_key", setting.file_key);
        if (!setting.server_key.empty()) json.field("server_key", setting.server_key);
        if (!setting.option.empty()) json.field("option", setting.option);
        json.key("value");
        write_value(json, setting, setting.get(input.settings.config));
        json.key("origin").begin_object().field("kind", origin_kind(origin.kind));
        if (!origin.file.empty()) json.field("file", origin.file);
        if (origin.line > 0) json.field("line", std::int64_t{origin.line});
        if (!origin.key.empty()) json.field("key", origin.key);
        json.end_object().end_object();
    }
    json.end_array().end_object();
    return json.str() + "\n";
}

} // namespace ksa::report
