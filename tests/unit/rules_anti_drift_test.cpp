// KSA011 anti-drift (RFC-002 §3.4), its interplay with KSA010, and the precedent-list parser.
#include <string>

#include <catch2/catch.hpp>

#include "audit/precedents.h"
#include "source/worktree_source.h"
#include "test_support.h"

using ksa::RuleCode;
using ksa::Severity;
using namespace ksa::test;

namespace {

std::string app(const char* slug, const char* category = "product") {
    return std::string("category = \"") + category + "\"\n\n[app]\nslug = \"" + slug + "\"\n";
}

CheckOptions at(std::string path) {
    CheckOptions options;
    options.path = std::move(path);
    return options;
}

} // namespace

TEST_CASE("KSA011 anti-drift: a koder- name outside products/ warns in phase 4, fails in phase 5", "[rules]") {
    require_single_in_phases(app("koder-cache", "runtime-lib"), RuleCode::anti_drift, Severity::warning,
                             Severity::error, 1, 12, at("libs/cache/koder.toml"));
    const auto diagnostics = check_manifest(app("koder-cache", "runtime-lib"), at("libs/cache/koder.toml"));
    CHECK_THAT(diagnostics.front().message, Catch::Contains("`koder-cache` starts with `koder-`"));
}

TEST_CASE("KSA011 anti-drift: a koder- name under products/ is a product, not a candidate", "[rules]") {
    require_clean(app("koder-notes"), at("products/horizontal/notes/koder.toml"));
}

TEST_CASE("KSA011 anti-drift: each candidate path alone fires", "[rules]") {
    for (const char* path : {"engines/sdk/kt/koder.toml", "infra/cron/koder.toml", "products/dev/ide/koder.toml"}) {
        INFO(path);
        const auto diagnostics = check_manifest(app("plain"), at(path));
        require_single(diagnostics, RuleCode::anti_drift, Severity::warning, 1, 12);
        CHECK_THAT(diagnostics.front().message, Catch::Contains("its path is under"));
    }
    // Near misses: engines/sdkx, infrastructure/, products/device are no candidate paths.
    for (const char* path : {"engines/sdkx/koder.toml", "infrastructure/a/koder.toml", "products/device/koder.toml"}) {
        INFO(path);
        require_clean(app("plain"), at(path));
    }
}

TEST_CASE("KSA011 anti-drift: a name or folder in a precedent list fires", "[rules]") {
    ksa::rules::PrecedentNames precedents;
    precedents.names["kicon"] = "meta/context/CLAUDE.md (section \"Arquitetura de Referência\")";
    precedents.paths["tools/iconer"] = "web-server.kmd";
    CheckOptions options = at("tools/icons/koder.toml");
    options.facts.precedents = &precedents;
    auto diagnostics = check_manifest(app("KICON"), options); // names compare case-insensitively
    require_single(diagnostics, RuleCode::anti_drift, Severity::warning, 1, 12);
    CHECK_THAT(diagnostics.front().message, Catch::Contains("is listed in meta/context/CLAUDE.md"));
    options.path = "tools/iconer/koder.toml";
    diagnostics = check_manifest(app("other"), options);
    require_single(diagnostics, RuleCode::anti_drift, Severity::warning, 1, 12);
    CHECK_THAT(diagnostics.front().message, Catch::Contains("its folder tools/iconer/ is listed in web-server.kmd"));
    options.path = "tools/icons/koder.toml";
    require_clean(app("kicon2"), options);
}

TEST_CASE("KSA011 anti-drift: a declaration or a fragment silences it", "[rules]") {
    const std::string declared =
        app("koder-cache", "runtime-lib") + "\n[no_external_alternative]\nreason = \"internal\"\n";
    require_clean(declared, at("infra/cache/koder.toml"));
    const std::string with_block = app("koder-cache", "runtime-lib") +
                                   "\n[self_hosted]\nreplaces = [\"redis\"]\nstatus = \"experimental\"\n"
                                   "gates_passed = []\ngates_pending = [\"stability\"]\n";
    require_clean(with_block, at("infra/cache/koder.toml"));
    CheckOptions options = at("infra/cache/koder.toml");
    options.facts.has_fragments = true;
    require_clean(app("koder-cache", "runtime-lib"), options);
}

TEST_CASE("KSA011 anti-drift: with category engine, KSA010 alone reports it and names the signals", "[rules]") {
    const auto diagnostics = check_manifest(app("koder-cache", "infra-tooling"), at("infra/cache/koder.toml"));
    require_single(diagnostics, RuleCode::self_hosted_missing, Severity::warning, 1, 12);
    CHECK_THAT(diagnostics.front().hint, Catch::Contains("the anti-drift heuristic agrees"));
    CHECK_THAT(diagnostics.front().hint, Catch::Contains("its path is under infra/"));
    // Category alone: KSA010 without the note.
    const auto alone = check_manifest(app("cache", "engine"), at("libs/cache/koder.toml"));
    require_single(alone, RuleCode::self_hosted_missing, Severity::warning, 1, 12);
    CHECK_THAT(alone.front().hint, !Catch::Contains("anti-drift"));
}

TEST_CASE("KSA011 anti-drift: no category puts the finding at 1:1; fragments are never judged", "[rules]") {
    const auto diagnostics = check_manifest("[app]\nslug = \"x\"\n", at("infra/x/koder.toml"));
    const auto found = only_rule(diagnostics, RuleCode::anti_drift);
    REQUIRE(found.size() == 1);
    CHECK(found.front().span.line == 1);
    require_clean("[self_hosted]\nreplaces = [\"a\"]\nstatus = \"experimental\"\ngates_passed = []\n"
                  "gates_pending = []\n",
                  at("infra/x/self-hosted/koder_y.toml"));
}

TEST_CASE("precedent lists: code spans of the named section, headings end it, fences are skipped", "[precedents]") {
    const char* text = R"(# Context
`outside` is not cited.

## Arquitetura de Referência (2026)

- kodec Flipping Point: `kodec`, Rust crates in `engines/kodec/` are legacy.
- `Koder-Jet` serves `s.forge`; `not a name` and `a|b` are skipped.

```
`fenced` is an example
```

### Sub-section still inside
- `kicon`

## Convenções
- `koder-talk` is outside again.
)";
    ksa::rules::PrecedentNames names;
    CHECK(ksa::audit::parse_precedent_list(text, "arquitetura de referência", "CLAUDE.md", names));
    CHECK(names.names.count("kodec") == 1);
    CHECK(names.names.count("koder-jet") == 1);
    CHECK(names.names.count("s.forge") == 1);
    CHECK(names.names.count("kicon") == 1);
    CHECK(names.paths.count("engines/kodec") == 1);
    CHECK(names.names.count("outside") == 0);
    CHECK(names.names.count("fenced") == 0);
    CHECK(names.names.count("koder-talk") == 0);
    CHECK(names.names.count("not a name") == 0);
    CHECK(names.names.at("kodec") == "CLAUDE.md");

    ksa::rules::PrecedentNames none;
    CHECK_FALSE(ksa::audit::parse_precedent_list(text, "Precedents", "x", none));
    CHECK(none.names.empty());
    ksa::rules::PrecedentNames whole;
    CHECK(ksa::audit::parse_precedent_list(text, "", "x", whole));
    CHECK(whole.names.count("outside") == 1);
    CHECK(whole.names.count("koder-talk") == 1);
}

TEST_CASE("precedent lists: configuration entries PATH#SECTION", "[precedents]") {
    const auto file = ksa::parse_precedent_file("meta/x.md#Precedents");
    REQUIRE(file);
    CHECK(file->path == "meta/x.md");
    CHECK(file->section == "Precedents");
    CHECK(ksa::parse_precedent_file("meta/x.md")->section.empty());
    CHECK_FALSE(ksa::parse_precedent_file("/etc/passwd"));
    CHECK_FALSE(ksa::parse_precedent_file("../x.md"));
    CHECK_FALSE(ksa::parse_precedent_file("a/../../x.md"));
    CHECK_FALSE(ksa::parse_precedent_file("#section"));
    auto parsed = ksa::parse_config("[heuristic]\nprecedent_files = [\"docs/p.md#List\"]\n", "c.toml");
    REQUIRE(parsed.ok());
    REQUIRE(parsed->precedent_files.size() == 1);
    CHECK(parsed->precedent_files_configured);
    CHECK_FALSE(ksa::parse_config("[heuristic]\nprecedent_files = [\"../p.md\"]\n", "c.toml").ok());
    CHECK_FALSE(ksa::parse_config("[heuristic]\nprecedent_files = \"p.md\"\n", "c.toml").ok());
    CHECK_FALSE(ksa::parse_config("[heuristic]\nfiles = []\n", "c.toml").ok());
    CHECK(ksa::AuditConfig{}.precedent_files.size() == 2);
}

TEST_CASE("precedent lists: loading from a tree warns about bad files, skips absent defaults", "[precedents]") {
    TempDir dir;
    ksa::WorktreeSource source(dir.path());
    ksa::AuditConfig config;
    auto loaded = ksa::audit::load_precedents(source, config);
    CHECK(loaded.problems.empty()); // default lists absent: nothing to say
    dir.write("meta/context/CLAUDE.md", "# no such section\n`kodec`\n");
    dir.write("meta/docs/stack/policies/web-server.kmd", std::string("bin\0ary", 7));
    loaded = ksa::audit::load_precedents(source, config);
    REQUIRE(loaded.problems.size() == 2);
    CHECK(loaded.problems[0].rule == RuleCode::precedent_list);
    CHECK(loaded.problems[0].severity == Severity::warning);
    CHECK_THAT(loaded.problems[0].message, Catch::Contains("no section headed"));
    CHECK_THAT(loaded.problems[1].message, Catch::Contains("binary"));
    config.precedent_files = {{"docs/missing.md", ""}};
    config.precedent_files_configured = true;
    loaded = ksa::audit::load_precedents(source, config);
    REQUIRE(loaded.problems.size() == 1);
    CHECK_THAT(loaded.problems[0].message, Catch::Contains("does not exist"));
    dir.write("docs/big.md", std::string(4 * 1024 * 1024 + 1, 'x'));
    config.precedent_files = {{"docs/big.md", ""}};
    loaded = ksa::audit::load_precedents(source, config);
    REQUIRE(loaded.problems.size() == 1);
    CHECK_THAT(loaded.problems[0].message, Catch::Contains("over the limit"));
    std::filesystem::create_directories(dir.path() / "docs/dir.md");
    config.precedent_files = {{"docs/dir.md", ""}};
    loaded = ksa::audit::load_precedents(source, config);
    REQUIRE(loaded.problems.size() == 1);
    CHECK_THAT(loaded.problems[0].message, Catch::Contains("expected a regular file"));
}
