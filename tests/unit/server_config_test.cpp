// The pre-receive hook's configuration from git config values (config/server_config.h).
#include <catch2/catch.hpp>

#include <string>

#include "config/server_config.h"

using ksa::ConfigValues;
using ksa::parse_server_config;
using ksa::Phase;
using ksa::ServerConfig;

namespace {

const std::string origin = "git config";

ServerConfig parsed(const ConfigValues& values) {
    auto result = parse_server_config(values, origin);
    if (!result.ok()) FAIL("unexpected failure: " << result.failure().message);
    return std::move(result).value();
}

std::string failure_of(const ConfigValues& values) {
    auto result = parse_server_config(values, origin);
    REQUIRE_FALSE(result.ok());
    return result.failure().message;
}

// One key with one value.
ConfigValues one(const std::string& key, const std::string& value) { return ConfigValues{{key, {value}}}; }

} // namespace

TEST_CASE("server config: no keys gives the defaults", "[config][server]") {
    const ServerConfig config = parsed({});
    CHECK(config.audit.phase == Phase::advisory);
    CHECK(config.audit.max_manifest_bytes == 1024 * 1024);
    CHECK(config.max_commits == 100000);
    CHECK(config.time_budget_seconds == 0);
    CHECK_FALSE(config.accept_on_overrun);
    CHECK(config.override_users.empty());
    CHECK(config.pusher_variable == "GITEA_PUSHER_NAME");
    CHECK(config.override_log.empty());
    CHECK(config.format == "text");
}

TEST_CASE("server config: each key sets its value", "[config][server]") {
    SECTION("phase") {
        CHECK(parsed(one("koder-audit.phase", "4")).audit.phase == Phase::advisory);
        CHECK(parsed(one("koder-audit.phase", "5")).audit.phase == Phase::strict);
    }
    SECTION("maxmanifestbytes") {
        CHECK(parsed(one("koder-audit.maxmanifestbytes", "2048")).audit.max_manifest_bytes == 2048);
        CHECK(parsed(one("koder-audit.maxmanifestbytes", "1")).audit.max_manifest_bytes == 1);
        CHECK(parsed(one("koder-audit.maxmanifestbytes", "18446744073709551615")).audit.max_manifest_bytes ==
              18446744073709551615ULL);
    }
    SECTION("maxnestingdepth") {
        CHECK(parsed({}).audit.max_nesting_depth == 64);
        CHECK(parsed(one("koder-audit.maxnestingdepth", "1")).audit.max_nesting_depth == 1);
        CHECK(parsed(one("koder-audit.maxnestingdepth", "1024")).audit.max_nesting_depth == 1024);
    }
    SECTION("maxcommits") {
        CHECK(parsed(one("koder-audit.maxcommits", "7")).max_commits == 7);
        CHECK(parsed(one("koder-audit.maxcommits", "1000000")).max_commits == 1000000);
    }
    SECTION("timebudget") {
        CHECK(parsed(one("koder-audit.timebudget", "30")).time_budget_seconds == 30.0);
        CHECK(parsed(one("koder-audit.timebudget", "0")).time_budget_seconds == 0.0);
    }
    SECTION("onoverrun") {
        CHECK(parsed(one("koder-audit.onoverrun", "accept")).accept_on_overrun);
        CHECK_FALSE(parsed(one("koder-audit.onoverrun", "reject")).accept_on_overrun);
    }
    SECTION("pushervariable") {
        CHECK(parsed(one("koder-audit.pushervariable", "REMOTE_USER")).pusher_variable == "REMOTE_USER");
    }
    SECTION("overridelog") {
        CHECK(parsed(one("koder-audit.overridelog", "/var/log/koder-audit/overrides.log")).override_log ==
              "/var/log/koder-audit/overrides.log");
        CHECK(parsed(one("koder-audit.overridelog", "")).override_log.empty());
    }
    SECTION("format") {
        CHECK(parsed(one("koder-audit.format", "json")).format == "json");
        CHECK(parsed(one("koder-audit.format", "text")).format == "text");
    }
    SECTION("configfile is left to the caller") {
        const ServerConfig config = parsed(one("koder-audit.configfile", "/does/not/exist.conf"));
        CHECK(config.audit.phase == Phase::advisory);
        CHECK(config.format == "text");
    }
}

TEST_CASE("server config: several keys together", "[config][server]") {
    const ServerConfig config = parsed(ConfigValues{
        {"koder-audit.phase", {"5"}},
        {"koder-audit.maxmanifestbytes", {"4096"}},
        {"koder-audit.maxcommits", {"50"}},
        {"koder-audit.timebudget", {"20"}},
        {"koder-audit.onoverrun", {"accept"}},
        {"koder-audit.overrideuser", {"root"}},
        {"koder-audit.pushervariable", {"GL_USERNAME"}},
        {"koder-audit.overridelog", {"overrides.log"}},
        {"koder-audit.format", {"json"}},
        {"koder-audit.configfile", {"/etc/koder-audit.conf"}},
    });
    CHECK(config.audit.phase == Phase::strict);
    CHECK(config.audit.max_manifest_bytes == 4096);
    CHECK(config.max_commits == 50);
    CHECK(config.time_budget_seconds == 20.0);
    CHECK(config.accept_on_overrun);
    CHECK(config.override_users == std::vector<std::string>{"root"});
    CHECK(config.pusher_variable == "GL_USERNAME");
    CHECK(config.override_log == "overrides.log");
    CHECK(config.format == "json");
}

TEST_CASE("server config: overrideUser is repeatable and comma-separated", "[config][server]") {
    SECTION("repeated") {
        CHECK(parsed(ConfigValues{{"koder-audit.overrideuser", {"alice", "bob"}}}).override_users ==
              std::vector<std::string>{"alice", "bob"});
    }
    SECTION("comma-separated with spaces") {
        CHECK(parsed(one("koder-audit.overrideuser", " alice ,bob,  carol\t")).override_users ==
              std::vector<std::string>{"alice", "bob", "carol"});
    }
    SECTION("both, with empty items dropped, in order") {
        CHECK(parsed(ConfigValues{{"koder-audit.overrideuser", {"alice, bob", ",,", "", " carol ,", "dave"}}})
                  .override_users == std::vector<std::string>{"alice", "bob", "carol", "dave"});
    }
    SECTION("only empty items: nobody") {
        CHECK(parsed(ConfigValues{{"koder-audit.overrideuser", {" , ", ""}}}).override_users.empty());
    }
}

TEST_CASE("server config: the last value of a repeated key wins", "[config][server]") {
    CHECK(parsed(ConfigValues{{"koder-audit.phase", {"5", "4"}}}).audit.phase == Phase::advisory);
    CHECK(parsed(ConfigValues{{"koder-audit.phase", {"4", "5"}}}).audit.phase == Phase::strict);
    CHECK(parsed(ConfigValues{{"koder-audit.format", {"json", "text"}}}).format == "text");
    CHECK(parsed(ConfigValues{{"koder-audit.maxcommits", {"1", "2", "3"}}}).max_commits == 3);
    CHECK(parsed(ConfigValues{{"koder-audit.onoverrun", {"accept", "reject"}}}).accept_on_overrun == false);
    // As in git, an earlier bad value that a later one overrides is not looked at...
    CHECK(parsed(ConfigValues{{"koder-audit.phase", {"6", "5"}}}).audit.phase == Phase::strict);
    // ...but a bad last value is an error even after good ones.
    CHECK_THAT(failure_of(ConfigValues{{"koder-audit.phase", {"5", "6"}}}), Catch::Contains("\"6\""));
}

TEST_CASE("server config: bad values are rejected with the origin and the key", "[config][server]") {
    struct Case {
        const char* key;
        const char* value;
        const char* expected;
    };
    const Case cases[] = {
        {"koder-audit.phase", "6", "4 or 5"},
        {"koder-audit.phase", "3", "4 or 5"},
        {"koder-audit.phase", "0", "4 or 5"},
        {"koder-audit.phase", "-5", "4 or 5"},
        {"koder-audit.phase", "five", "4 or 5"},
        {"koder-audit.phase", "", "4 or 5"},
        {"koder-audit.phase", " 5", "4 or 5"},
        {"koder-audit.phase", "5 ", "4 or 5"},
        {"koder-audit.phase", "+5", "4 or 5"},
        {"koder-audit.phase", "18446744073709551620", "4 or 5"},
        {"koder-audit.maxmanifestbytes", "0", "a positive number of bytes"},
        {"koder-audit.maxnestingdepth", "0", "a nesting depth from 1 to 1024"},
        {"koder-audit.maxnestingdepth", "1025", "a nesting depth from 1 to 1024"},
        {"koder-audit.maxnestingdepth", "-3", "a nesting depth from 1 to 1024"},
        {"koder-audit.maxnestingdepth", "18446744073709551615", "a nesting depth from 1 to 1024"},
        {"koder-audit.maxmanifestbytes", "-1", "a positive number of bytes"},
        {"koder-audit.maxmanifestbytes", "10k", "a positive number of bytes"},
        {"koder-audit.maxmanifestbytes", "1.5", "a positive number of bytes"},
        {"koder-audit.maxmanifestbytes", "", "a positive number of bytes"},
        {"koder-audit.maxmanifestbytes", "99999999999999999999999", "a positive number of bytes"},
        {"koder-audit.maxcommits", "0", "a positive number of commits"},
        {"koder-audit.maxcommits", "-3", "a positive number of commits"},
        {"koder-audit.maxcommits", "10k", "a positive number of commits"},
        {"koder-audit.timebudget", "-1", "a number of seconds"},
        {"koder-audit.timebudget", "10k", "a number of seconds"},
        {"koder-audit.timebudget", "", "a number of seconds"},
        {"koder-audit.onoverrun", "maybe", "reject or accept"},
        {"koder-audit.onoverrun", "", "reject or accept"},
        {"koder-audit.onoverrun", "true", "reject or accept"},
        {"koder-audit.format", "xml", "text or json"},
        {"koder-audit.format", "sarif", "text or json"},
        {"koder-audit.format", "", "text or json"},
        {"koder-audit.pushervariable", "", "an environment variable name"},
    };
    for (const Case& c : cases) {
        INFO(c.key << " = \"" << c.value << "\"");
        CHECK_THAT(failure_of(one(c.key, c.value)),
                   Catch::StartsWith(origin + ": " + c.key + " = \"" + c.value + "\": expected ") &&
                       Catch::Contains(c.expected));
    }
}

TEST_CASE("server config: the origin in the message is the caller's", "[config][server]") {
    auto result = parse_server_config(one("koder-audit.phase", "6"), "git config or /etc/koder-audit.conf");
    REQUIRE_FALSE(result.ok());
    CHECK_THAT(result.failure().message, Catch::StartsWith("git config or /etc/koder-audit.conf: koder-audit.phase"));
}

TEST_CASE("server config: a long bad value is abbreviated in the message", "[config][server]") {
    const std::string message = failure_of(one("koder-audit.format", std::string(10000, 'x')));
    CHECK(message.size() < 300);
    CHECK_THAT(message, Catch::StartsWith("git config: koder-audit.format = \"xxx") && Catch::Contains("text or json"));
}

TEST_CASE("server config: an unknown key is rejected", "[config][server]") {
    CHECK_THAT(failure_of(one("koder-audit.phasee", "5")),
               Catch::StartsWith("git config: ") && Catch::Contains("unknown key koder-audit.phasee"));
    CHECK_THAT(failure_of(one("koder-audit.override", "yes")), Catch::Contains("unknown key koder-audit.override"));
    // A key in a subsection ([koder-audit "x"] phase = 5) is not the section's key.
    CHECK_THAT(failure_of(one("koder-audit.x.phase", "5")), Catch::Contains("unknown key koder-audit.x.phase"));
    // One unknown key among good ones still fails.
    CHECK_THAT(failure_of(ConfigValues{{"koder-audit.phase", {"5"}}, {"koder-audit.typo", {"1"}}}),
               Catch::Contains("koder-audit.typo"));
}

// parse_server_config() trusts every key to start with "koder-audit." (the git layer filters
// on it); a key from another section, or a short one, should be an error, not a misread key
// or an exception (std::string_view::substr throws std::out_of_range on a key shorter than
// "koder-audit.").
TEST_CASE("server config: keys outside the koder-audit section are rejected", "[config][server]") {
    auto short_key = ConfigValues{{"core.bare", {"true"}}};
    CHECK_NOTHROW(parse_server_config(short_key, origin));
    auto other_section = ConfigValues{{"other-secti.phase", {"5"}}}; // as long as "koder-audit."
    auto result = parse_server_config(other_section, origin);
    CHECK_FALSE(result.ok());
}

TEST_CASE("server config: koder-audit.precedentFile lists the anti-drift precedent lists", "[config][server]") {
    CHECK(parsed({}).audit.precedent_files.size() == 2);
    const ServerConfig two = parsed({{"koder-audit.precedentfile", {"docs/a.md#List", "docs/b.md"}}});
    REQUIRE(two.audit.precedent_files.size() == 2);
    CHECK(two.audit.precedent_files[0].path == "docs/a.md");
    CHECK(two.audit.precedent_files[0].section == "List");
    CHECK(two.audit.precedent_files[1].section.empty());
    CHECK(two.audit.precedent_files_configured);
    CHECK(parsed({{"koder-audit.precedentfile", {""}}}).audit.precedent_files.empty());
    CHECK_THAT(failure_of({{"koder-audit.precedentfile", {"../x.md"}}}), Catch::Contains("PATH or PATH#SECTION"));
}
