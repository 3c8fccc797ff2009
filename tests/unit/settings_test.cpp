// config/settings.h: the one settings table, its parsers, the origins `config --show` reports
// and the table of docs/manual.md.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "config/settings.h"

using ksa::LoadedSettings;
using ksa::Setting;
using ksa::SettingKind;
using ksa::SettingOrigin;

namespace {

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

const Setting& by_name(std::string_view name) {
    for (const Setting& setting : ksa::all_settings())
        if (setting.name() == name) return setting;
    FAIL("no setting " << name);
    throw std::logic_error("unreachable");
}

std::size_t index_of(std::string_view name) {
    const auto settings = ksa::all_settings();
    for (std::size_t i = 0; i < settings.size(); ++i)
        if (settings[i].name() == name) return i;
    FAIL("no setting " << name);
    return 0;
}

} // namespace

TEST_CASE("settings: docs/manual.md holds the table the settings generate", "[settings][docs]") {
    const std::string manual = read_text(std::filesystem::path(KSA_SOURCE_DIR) / "docs" / "manual.md");
    const std::string table = ksa::settings_table_markdown();
    INFO("the generated table (paste it into docs/manual.md, section Settings):\n" << table);
    CHECK(manual.find(table) != std::string::npos);
}

TEST_CASE("settings: each setting once, with a key, a type, a doc and its setter", "[settings]") {
    std::set<std::string_view> file_keys, server_keys, options;
    for (const Setting& setting : ksa::all_settings()) {
        INFO(setting.name());
        CHECK_FALSE(setting.name().empty());
        CHECK_FALSE(setting.doc.empty());
        CHECK(setting.set != nullptr);
        CHECK(setting.get != nullptr);
        if (!setting.file_key.empty()) CHECK(file_keys.insert(setting.file_key).second);
        if (!setting.server_key.empty()) {
            CHECK(setting.server_key.starts_with("koder-audit."));
            CHECK(server_keys.insert(setting.server_key).second);
        }
        if (!setting.option.empty()) {
            CHECK(options.insert(setting.option).second);
            CHECK_FALSE(setting.option_type.empty());
        }
        if (setting.kind == SettingKind::choice) CHECK_FALSE(setting.choices.empty());
        if (setting.kind == SettingKind::integer) CHECK(setting.min <= setting.max);
        // The default survives a round trip through the setter.
        ksa::ServerConfig config;
        setting.set(config, setting.get(ksa::ServerConfig{}));
        CHECK(ksa::format_setting_value(setting, setting.get(config)) ==
              ksa::format_setting_value(setting, setting.get(ksa::ServerConfig{})));
    }
    CHECK(server_keys.count("koder-audit.trustedRef") == 1);
    CHECK(server_keys.count("koder-audit.allowReplaceRefs") == 1);
}

TEST_CASE("settings: one parser for git config and the command line", "[settings]") {
    const Setting& depth = by_name("audit.max_nesting_depth");
    CHECK(std::get<std::uint64_t>(*ksa::parse_setting_text(depth, "1024")) == 1024);
    for (const char* bad : {"0", "1025", "-1", "8 ", "x"}) {
        INFO(bad);
        auto parsed = ksa::parse_setting_text(depth, bad);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.failure().message == "a nesting depth from 1 to 1024");
    }
    const Setting& replace = by_name("koder-audit.allowReplaceRefs");
    for (const char* yes : {"true", "Yes", "on", "1"})
        CHECK(std::get<bool>(*ksa::parse_setting_text(replace, yes)));
    for (const char* no : {"false", "NO", "off", "0", ""})
        CHECK_FALSE(std::get<bool>(*ksa::parse_setting_text(replace, no)));
    CHECK_FALSE(ksa::parse_setting_text(replace, "maybe").ok());
    const Setting& users = by_name("koder-audit.overrideUser");
    CHECK(std::get<std::vector<std::string>>(*ksa::parse_setting_text(users, " a, b ,,c")) ==
          std::vector<std::string>{"a", "b", "c"});
    const Setting& budget = by_name("koder-audit.timeBudget");
    CHECK(std::get<double>(*ksa::parse_setting_text(budget, "2.5")) == 2.5);
    CHECK_FALSE(ksa::parse_setting_text(budget, "nan").ok());
}

TEST_CASE("settings: the file's values remember their line, the command line's its option", "[settings]") {
    LoadedSettings loaded;
    REQUIRE_FALSE(ksa::load_file_settings(loaded, "# the audit\n[audit]\nphase = 5\n\n[registry]\nstale = \"error\"\n",
                                          ".koder-spec-audit.toml"));
    const SettingOrigin& phase = loaded.origins[index_of("audit.phase")];
    CHECK(phase.kind == SettingOrigin::Kind::file);
    CHECK(phase.describe() == ".koder-spec-audit.toml:3");
    CHECK(loaded.origins[index_of("registry.stale")].describe() == ".koder-spec-audit.toml:6");
    CHECK(loaded.config.audit.stale_registry_is_error);
    CHECK(loaded.origins[index_of("audit.max_manifest_bytes")].describe() == "default");
    REQUIRE_FALSE(ksa::apply_overrides(loaded, {{"--phase", "4"}}));
    CHECK(loaded.config.audit.phase == ksa::Phase::advisory);
    CHECK(loaded.origins[index_of("audit.phase")].describe() == "command line: --phase");
    // The command line's words are checked by the same parser.
    auto refused = ksa::apply_overrides(loaded, {{"--max-nesting-depth", "0"}});
    REQUIRE(refused);
    CHECK(refused->message == "--max-nesting-depth '0': give a whole number from 1 to 1024");
}

TEST_CASE("settings: the server's values remember the file they were read from", "[settings]") {
    LoadedSettings loaded;
    const ksa::ConfigValues values{
        {"koder-audit.mode", {ksa::ConfigValue("warn", "/srv/git/x.git/config")}},
        {"koder-audit.precedentfile", {ksa::ConfigValue("", "/etc/koder-audit.conf")}},
        {"koder-audit.trustedref", {ksa::ConfigValue("refs/heads/*"), ksa::ConfigValue("refs/tags/v*", "/x")}}};
    REQUIRE_FALSE(ksa::load_server_settings(loaded, values, "git config"));
    CHECK(loaded.config.warn_only);
    CHECK(loaded.origins[index_of("koder-audit.mode")].describe() == "/srv/git/x.git/config");
    CHECK(loaded.origins[index_of("koder-audit.mode")].kind == SettingOrigin::Kind::server);
    // A single empty value is an explicit "none".
    CHECK(loaded.config.audit.precedent_files.empty());
    CHECK(loaded.config.audit.precedent_files_configured);
    CHECK(loaded.config.trusted_refs == std::vector<std::string>{"refs/heads/*", "refs/tags/v*"});
    CHECK(loaded.origins[index_of("koder-audit.trustedRef")].describe() == "/x");
}

TEST_CASE("settings: the file's unknown keys name the known ones, from the table", "[settings]") {
    LoadedSettings loaded;
    auto problem = ksa::load_file_settings(loaded, "[registry]\npaht = \"x.md\"\n", ".koder-spec-audit.toml");
    REQUIRE(problem);
    CHECK(problem->message == ".koder-spec-audit.toml:2:1: unknown key `registry.paht` (known: path, stale)");
    problem = ksa::load_file_settings(loaded, "[server]\n", ".koder-spec-audit.toml");
    REQUIRE(problem);
    CHECK(problem->message ==
          ".koder-spec-audit.toml:1:2: unknown table or key `server` (expected [audit], [registry] or [heuristic])");
    // A server-only setting has no file key.
    problem = ksa::load_file_settings(loaded, "[audit]\nmaxCommits = 3\n", ".koder-spec-audit.toml");
    REQUIRE(problem);
    CHECK_THAT(problem->message, Catch::Contains("(known: phase, max_manifest_bytes, max_nesting_depth)"));
}

TEST_CASE("settings: values are shown as TOML writes them", "[settings]") {
    const ksa::ServerConfig defaults;
    CHECK(ksa::format_setting_value(by_name("audit.phase"), by_name("audit.phase").get(defaults)) == "4");
    CHECK(ksa::format_setting_value(by_name("registry.stale"), by_name("registry.stale").get(defaults)) ==
          "\"warning\"");
    CHECK(
        ksa::format_setting_value(by_name("koder-audit.trustedRef"), by_name("koder-audit.trustedRef").get(defaults)) ==
        "[\"refs/heads/*\", \"refs/tags/*\"]");
    CHECK(ksa::format_setting_value(by_name("koder-audit.allowReplaceRefs"),
                                    by_name("koder-audit.allowReplaceRefs").get(defaults)) == "false");
    CHECK(ksa::format_setting_value(by_name("registry.path"), ksa::SettingValue{std::string("a\"b\n.md")}) ==
          "\"a\\\"b\\n.md\"");
}
