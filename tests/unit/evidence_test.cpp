// self-hosted --gate-check: each evidence check (KSA020-KSA023, KSA009), the changelog marker
// grammar, the stability interface (a lambda standing in for the history verdict).
#include <string>

#include <catch2/catch.hpp>

#include "evidence/changelog.h"
#include "evidence/gate_check.h"
#include "source/worktree_source.h"
#include "test_support.h"

using ksa::RuleCode;
using namespace ksa::test;
using ksa::evidence::StabilityVerdict;

namespace {

std::string block(const std::string& status, const std::string& passed, const std::string& extra = "") {
    return "category = \"engine\"\n\n[package]\nname = \"kx\"\n\n[self_hosted]\nreplaces = [\"ffmpeg\"]\nstatus = \"" +
           status + "\"\ngates_passed = [" + passed + "]\ngates_pending = []\n" + extra;
}

struct Tree {
    TempDir dir;
    ksa::AuditConfig config;

    Tree() {
        dir.write("libs/a/koder.toml", "category = \"product\"\n[app]\nslug = \"a\"\n");
        dir.write("libs/b/koder.toml", "category = \"product\"\n[app]\nslug = \"b\"\n");
    }
    ksa::evidence::GateCheckResult check(const ksa::evidence::StabilityOracle& oracle = {}) {
        ksa::WorktreeSource source(dir.path());
        return ksa::evidence::check_evidence(source, {{"engines/kx/koder.toml", ksa::EntryKind::file}}, config, oracle);
    }
    void manifest(const std::string& text, const std::string& status_marker = "stable") {
        dir.write("engines/kx/koder.toml", text);
        if (!status_marker.empty())
            dir.write("engines/kx/CHANGELOG.md", "# kx\n\n## 1.0\n<!-- koder-status: " + status_marker + " -->\n");
    }
};

} // namespace

TEST_CASE("gate-check: a fully backed component has no finding", "[evidence]") {
    Tree tree;
    tree.dir.write("engines/kx/bench/r.md", "numbers");
    tree.manifest(block(
        "stable", "\"performance\", \"production_proven\"",
        "benchmark_ref = \"./engines/kx/bench/r.md\"\nproduction_ref = [\"./libs/a\", \"libs/b/\", \"s.forge\"]\n"));
    const auto result = tree.check();
    INFO(describe(result.diagnostics));
    CHECK(result.diagnostics.empty());
    CHECK(result.components == 1);
    REQUIRE(result.hosts.size() == 1);
    CHECK(result.hosts[0].host == "s.forge");
}

TEST_CASE("gate-check KSA020: benchmark_ref missing, absolute, ../, a directory, a symlink; performance without it",
          "[evidence]") {
    Tree tree;
    tree.dir.write("engines/kx/bench/dir/x", "");
    std::filesystem::create_symlink("/etc/hostname", tree.dir.path() / "engines/kx/link.md");
    for (const auto& [ref, message] : std::vector<std::pair<std::string, std::string>>{
             {"engines/kx/none.md", "does not exist in the working tree"},
             {"/etc/passwd", "is absolute"},
             {"engines/../../outside.md", "leaves the repository through `..`"},
             {"engines/kx/bench/dir", "is a directory, expected a regular file"},
             {"engines/kx/link.md", "is a symbolic link, expected a regular file"}}) {
        INFO(ref);
        tree.manifest(block("stable", "", "benchmark_ref = \"" + ref + "\"\n"));
        const auto found = only_rule(tree.check().diagnostics, RuleCode::benchmark_evidence);
        REQUIRE(found.size() == 1);
        CHECK_THAT(found[0].message, Catch::Contains(message));
        CHECK(found[0].span.line == 11);
    }
    tree.manifest(block("stable", "\"performance:mp3\""));
    const auto found = only_rule(tree.check().diagnostics, RuleCode::benchmark_evidence);
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message, Catch::Contains("gate `performance:mp3` is passed but no `benchmark_ref` backs it"));
}

TEST_CASE("gate-check KSA021: production_ref modules must exist; production_proven needs 2 consumers", "[evidence]") {
    Tree tree;
    tree.manifest(block("stable", "", "production_ref = [\"libs/none\", \"../x\", \"libs/a\"]\n"));
    auto found = only_rule(tree.check().diagnostics, RuleCode::production_evidence);
    REQUIRE(found.size() == 2);
    CHECK_THAT(found[0].message, Catch::Contains("\"libs/none\" names no module"));
    CHECK_THAT(found[1].message, Catch::Contains("leaves the repository"));

    tree.manifest(
        block("stable", "\"production_proven\"", "production_ref = [\"libs/a\", \"s.forge\", \"engines/kx\"]\n"));
    const auto result = tree.check();
    found = only_rule(result.diagnostics, RuleCode::production_evidence);
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message,
               Catch::Contains("needs at least 2 consuming modules in `production_ref`; found 1 (libs/a)"));
    CHECK_THAT(result.notes.front(), Catch::Contains("is the module itself"));

    tree.manifest(block("stable", "\"production_proven:mp3\"", "production_ref = [\"libs/a\", \"libs/b\"]\n"));
    CHECK(only_rule(tree.check().diagnostics, RuleCode::production_evidence).empty());
}

TEST_CASE("gate-check KSA022: the CHANGELOG marker for the current status", "[evidence]") {
    Tree tree;
    tree.manifest(block("stable", ""), "");
    auto found = only_rule(tree.check().diagnostics, RuleCode::changelog_marker);
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message, Catch::Contains("engines/kx/CHANGELOG.md does not exist"));
    CHECK(found[0].span.line == 8);

    tree.dir.write("engines/kx/CHANGELOG.md", "# kx\nStatus: stable\n");
    found = only_rule(tree.check().diagnostics, RuleCode::changelog_marker);
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message, Catch::Contains("has no koder-status marker"));

    tree.dir.write("engines/kx/CHANGELOG.md",
                   "## 2\n<!-- koder-status: experimental -->\n## 1\n<!-- koder-status: stable -->\n");
    found = only_rule(tree.check().diagnostics, RuleCode::changelog_marker);
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message, Catch::Contains("(line 2) says `experimental`"));

    // A marker naming the component wins over an unnamed one.
    tree.dir.write("engines/kx/CHANGELOG.md",
                   "<!-- koder-status: experimental -->\n<!-- koder-status(kx): stable -->\n");
    CHECK(only_rule(tree.check().diagnostics, RuleCode::changelog_marker).empty());
}

TEST_CASE("gate-check: marker grammar", "[evidence]") {
    const auto markers = ksa::evidence::parse_status_markers(
        "  <!--koder-status:stable-->  \n<!-- koder-status(kasm): experimental -->\n"
        "text <!-- koder-status: official -->\n<!-- koder-status: -->\n<!-- koder-status: legacy --> x\n");
    REQUIRE(markers.size() == 2);
    CHECK(markers[0].status == "stable");
    CHECK(markers[0].line == 1);
    CHECK(markers[1].component == "kasm");
    CHECK(ksa::evidence::current_marker(markers, "kasm")->status == "experimental");
    CHECK(ksa::evidence::current_marker(markers, "other")->status == "stable");
    CHECK_FALSE(ksa::evidence::current_marker({}, "x"));
}

TEST_CASE("gate-check KSA023: stability agrees with the history verdict", "[evidence]") {
    Tree tree;
    tree.manifest(block("stable", "\"stability:mp3\""));
    // No verdict at all (empty function) and a verdict-less answer: a note, not an error.
    auto result = tree.check();
    CHECK(result.diagnostics.empty());
    REQUIRE(result.notes.size() == 1);
    CHECK(result.notes[0] == "kx: `stability:mp3` (mp3) not checked (no history verdict)");
    result = tree.check([](std::string_view, std::string_view) { return std::optional<StabilityVerdict>(); });
    CHECK(result.diagnostics.empty());
    CHECK(result.notes.size() == 1);

    std::string asked_component;
    std::string asked_case;
    result = tree.check([&](std::string_view component, std::string_view case_name) {
        asked_component = component;
        asked_case = case_name;
        return std::optional<StabilityVerdict>(StabilityVerdict{false, 1, 3, "regressed at 1a2b3c4"});
    });
    CHECK(asked_component == "kx");
    CHECK(asked_case == "mp3");
    auto found = only_rule(result.diagnostics, RuleCode::stability_evidence);
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message, Catch::Contains("not earned: 1 of 3 releases; mp3: regressed at 1a2b3c4"));

    result = tree.check([](std::string_view, std::string_view) {
        return std::optional<StabilityVerdict>(StabilityVerdict{true, 4, 3, ""});
    });
    CHECK(result.diagnostics.empty());
    CHECK(result.notes.empty());

    // A caseless `stability` speaks for the cases the audited block declares, each asked alone.
    std::string text = block("stable", "\"stability\"");
    text.replace(text.find("gates_passed"), 0, "cases = [\"mp3\", \"wav\"]\n");
    tree.manifest(text);
    std::vector<std::string> asked;
    result = tree.check([&](std::string_view, std::string_view case_name) {
        asked.emplace_back(case_name);
        return std::optional<StabilityVerdict>(StabilityVerdict{case_name == "mp3", 2, 3, "2 release(s)"});
    });
    CHECK(asked == std::vector<std::string>{"mp3", "wav"});
    found = only_rule(result.diagnostics, RuleCode::stability_evidence);
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message, Catch::Contains("not earned: 2 of 3 releases; wav: 2 release(s)"));

    tree.manifest(block("experimental", "\"stability\""), "experimental");
    found = only_rule(tree.check().diagnostics, RuleCode::stability_evidence);
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message, Catch::Contains("while `status = \"experimental\"`"));
}

TEST_CASE("gate-check KSA009: official has no pending gate for its cases", "[evidence]") {
    Tree tree;
    std::string text = block("official", "");
    text.replace(text.find("gates_pending = []"), 18, "gates_pending = [\"performance:hevc\", \"capability:x\"]");
    tree.manifest(text + "cases = [\"mp3\"]\n", "official");
    auto found = only_rule(tree.check().diagnostics, RuleCode::official_with_pending_gate);
    REQUIRE(found.size() == 1); // performance:hevc is not an official case
    CHECK_THAT(found[0].message, Catch::Contains("gate `capability:x` is pending for every case"));
}

TEST_CASE("gate-check: hosts are entries with a dot and no slash", "[evidence]") {
    CHECK(ksa::evidence::is_host("s.forge"));
    CHECK(ksa::evidence::is_host("127.0.0.1:8080"));
    CHECK_FALSE(ksa::evidence::is_host("engines/kodec"));
    CHECK_FALSE(ksa::evidence::is_host("kodec"));
    CHECK_FALSE(ksa::evidence::is_host("infra/net/s.forge"));
}

TEST_CASE("gate-check KSA022: a fragment's hint names its component", "[evidence]") {
    TempDir dir;
    dir.write("engines/kx/koder.toml", "category = \"engine\"\n[package]\nname = \"kx\"\n");
    dir.write(
        "engines/kx/self-hosted/koder_asm.toml",
        "[self_hosted]\nreplaces = [\"nasm\"]\nstatus = \"experimental\"\ngates_passed = []\ngates_pending = []\n");
    ksa::WorktreeSource source(dir.path());
    const auto result = ksa::evidence::check_evidence(
        source, {{"engines/kx/self-hosted/koder_asm.toml", ksa::EntryKind::file}}, ksa::AuditConfig{}, {});
    const auto found = only_rule(result.diagnostics, RuleCode::changelog_marker);
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].hint, Catch::Contains("<!-- koder-status(asm): experimental -->"));
}

TEST_CASE("gate-check KSA024: a host that answers is a note, one that does not a finding at its entry", "[evidence]") {
    Tree tree;
    tree.manifest(
        block("stable", "\"feature_parity\"", "production_ref = [\"libs/a\", \"a.example\", \"b.example\"]\n"));
    auto result = tree.check();
    REQUIRE(result.hosts.size() == 2);
    ksa::evidence::add_probe_results(
        result, {{true, "HTTPS 200 (certificate verified)", ""}, {false, "", "https: x; http: y"}}, tree.config);
    REQUIRE(result.notes.size() == 1);
    CHECK(result.notes[0] == "kx: production host a.example answers: HTTPS 200 (certificate verified)");
    const auto found = only_rule(result.diagnostics, RuleCode::host_unreachable);
    REQUIRE(found.size() == 1);
    CHECK(found[0].message == "production host b.example does not answer: https: x; http: y");
    CHECK(found[0].hint == "check the host name in `production_ref`, or that the service runs");
    CHECK(found[0].severity == ksa::Severity::error);
    CHECK(found[0].path == "engines/kx/koder.toml");
    CHECK(found[0].span.line == 11);
    CHECK(found[0].source_line == "production_ref = [\"libs/a\", \"a.example\", \"b.example\"]");
}

TEST_CASE("gate-check: without --online the hosts are counted in a note, not probed", "[evidence]") {
    Tree tree;
    tree.manifest(block("stable", "\"feature_parity\"", "production_ref = [\"libs/a\", \"a.example\"]\n"));
    auto result = tree.check();
    ksa::evidence::check_hosts(result, nullptr, tree.config);
    CHECK(result.notes == std::vector<std::string>{"1 production host(s) not probed (use --online)"});
    CHECK(result.diagnostics.empty());
}
