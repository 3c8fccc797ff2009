// The audit engine over a working tree: KSA001 toml-syntax, KSA015 manifest-unreadable, module
// facts, configuration loading and module selection.
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/engine.h"
#include "source/memory_source.h"
#include "source/worktree_source.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace std::string_literals;

using ksa::AuditConfig;
using ksa::Candidate;
using ksa::EntryKind;
using ksa::Phase;
using ksa::RuleCode;
using ksa::Severity;
using ksa::WorktreeSource;
using namespace ksa::test;

namespace {

const char* valid_manifest = R"(category = "engine"

[self_hosted]
replaces = ["nginx"]
status = "stable"
gates_passed = ["feature_parity"]
gates_pending = ["performance"]
)";

ksa::audit::AuditRun audit_path(const fs::path& root, const std::string& path, Phase phase = Phase::advisory,
                                EntryKind kind = EntryKind::file) {
    WorktreeSource source(root);
    AuditConfig config;
    config.phase = phase;
    return ksa::audit::audit_candidates(source, {Candidate{path, kind}}, config);
}

// Lists the tree's manifests the way the validate command does, then audits them.
ksa::audit::AuditRun audit_tree(const fs::path& root, const AuditConfig& config = {}) {
    WorktreeSource source(root);
    auto candidates = source.list_manifests("");
    REQUIRE(candidates.ok());
    return ksa::audit::audit_candidates(source, *candidates, config);
}

void require_unreadable(const ksa::audit::AuditRun& run, const std::string& path) {
    INFO(describe(run.diagnostics));
    REQUIRE(run.diagnostics.size() == 1);
    const ksa::Diagnostic& d = run.diagnostics.front();
    CHECK(d.rule == RuleCode::manifest_unreadable);
    CHECK(d.severity == Severity::error);
    CHECK(d.path == path);
    CHECK(d.span.line == 0);
    CHECK_FALSE(d.message.empty());
}

} // namespace

TEST_CASE("KSA001 toml-syntax: a valid manifest passes", "[audit]") {
    TempDir dir;
    dir.write("engines/demo/koder.toml", valid_manifest);
    const auto run = audit_path(dir.path(), "engines/demo/koder.toml");
    INFO(describe(run.diagnostics));
    CHECK(run.diagnostics.empty());
    CHECK(run.files_checked == 1);
}

TEST_CASE("KSA001 toml-syntax: invalid TOML is an error with line and column", "[audit]") {
    TempDir dir;
    dir.write("engines/demo/koder.toml", R"(category = "engine"

[self_hosted]
replaces = ["nginx"
status = "stable"
)");
    for (Phase phase : {Phase::advisory, Phase::strict}) {
        const auto run = audit_path(dir.path(), "engines/demo/koder.toml", phase);
        INFO(describe(run.diagnostics));
        REQUIRE(run.diagnostics.size() == 1);
        const ksa::Diagnostic& d = run.diagnostics.front();
        CHECK(d.rule == RuleCode::toml_syntax);
        CHECK(d.severity == Severity::error);
        CHECK(d.path == "engines/demo/koder.toml");
        CHECK(d.span.line == 5);
        CHECK(d.span.column == 1);
        CHECK(d.source_line == R"(status = "stable")");
        CHECK_THAT(d.message, Catch::StartsWith("invalid TOML: "));
        CHECK(run.files_checked == 1);
    }
}

TEST_CASE("KSA001 toml-syntax: an unterminated string points at the end of its line", "[audit]") {
    TempDir dir;
    dir.write("koder.toml", "# demo\ncategory = \"engine\n");
    const auto run = audit_path(dir.path(), "koder.toml");
    INFO(describe(run.diagnostics));
    REQUIRE(run.diagnostics.size() == 1);
    CHECK(run.diagnostics.front().rule == RuleCode::toml_syntax);
    CHECK(run.diagnostics.front().span.line == 2);
    CHECK(run.diagnostics.front().span.column == 19);
}

TEST_CASE("KSA001 toml-syntax: a duplicate [self_hosted] table in one file", "[audit]") {
    TempDir dir;
    dir.write("koder.toml", std::string(valid_manifest) + "\n[self_hosted]\nstatus = \"official\"\n");
    const auto run = audit_path(dir.path(), "koder.toml");
    INFO(describe(run.diagnostics));
    REQUIRE(run.diagnostics.size() == 1);
    CHECK(run.diagnostics.front().rule == RuleCode::toml_syntax);
    CHECK(run.diagnostics.front().span.line == 9);
    CHECK(run.diagnostics.front().span.column > 0);
}

TEST_CASE("KSA015 manifest-unreadable: a directory named koder.toml", "[audit]") {
    TempDir dir;
    fs::create_directories(dir.path() / "engines/demo/koder.toml");
    dir.write("engines/demo/koder.toml/inner.txt", "not a manifest");
    const auto listed = audit_tree(dir.path());
    require_unreadable(listed, "engines/demo/koder.toml");
    CHECK_THAT(listed.diagnostics.front().message, Catch::Contains("a directory"));
    // Named as a file by a caller that did not look: stat() still finds the directory.
    require_unreadable(audit_path(dir.path(), "engines/demo/koder.toml"), "engines/demo/koder.toml");
}

TEST_CASE("KSA015 manifest-unreadable: a symlink is never followed", "[audit]") {
    TempDir outside;
    const fs::path target = outside.write("koder.toml", valid_manifest);
    TempDir dir;
    fs::create_directories(dir.path() / "engines/demo");
    fs::create_symlink(target, dir.path() / "engines/demo/koder.toml");
    // A valid manifest behind the link: reading through it would pass.
    REQUIRE(audit_path(outside.path(), "koder.toml").diagnostics.empty());

    const auto listed = audit_tree(dir.path());
    require_unreadable(listed, "engines/demo/koder.toml");
    CHECK_THAT(listed.diagnostics.front().message, Catch::Contains("symbolic link"));
    CHECK(listed.files_checked == 0);
    for (Phase phase : {Phase::advisory, Phase::strict})
        require_unreadable(audit_path(dir.path(), "engines/demo/koder.toml", phase), "engines/demo/koder.toml");
}

TEST_CASE("KSA015 manifest-unreadable: a symlinked folder is not walked", "[audit]") {
    TempDir outside;
    outside.write("engines/demo/koder.toml", "category = \"engin\"\n");
    TempDir dir;
    dir.write("koder.toml", "category = \"product\"\n");
    fs::create_directory_symlink(outside.path() / "engines", dir.path() / "engines");
    WorktreeSource source(dir.path());
    auto candidates = source.list_manifests("");
    REQUIRE(candidates.ok());
    REQUIRE(candidates->size() == 1);
    CHECK(candidates->front().path == "koder.toml");
}

TEST_CASE("KSA015 manifest-unreadable: a file over the size limit is not read", "[audit]") {
    TempDir dir;
    const std::string text = std::string(valid_manifest) + "# padding\n";
    dir.write("koder.toml", text);
    WorktreeSource source(dir.path());
    AuditConfig config;
    config.max_manifest_bytes = text.size() - 1;
    const auto over = ksa::audit::audit_candidates(source, {Candidate{"koder.toml", EntryKind::file}}, config);
    require_unreadable(over, "koder.toml");
    CHECK_THAT(over.diagnostics.front().message, Catch::Contains(std::to_string(text.size())));
    CHECK(over.files_checked == 0);

    config.max_manifest_bytes = text.size(); // at the limit: read and checked
    const auto at_limit = ksa::audit::audit_candidates(source, {Candidate{"koder.toml", EntryKind::file}}, config);
    INFO(describe(at_limit.diagnostics));
    CHECK(at_limit.diagnostics.empty());
    CHECK(at_limit.files_checked == 1);
}

TEST_CASE("KSA015 manifest-unreadable: nesting deeper than the limit is reported where it crosses it", "[audit]") {
    TempDir dir;
    dir.write("koder.toml", "deep = [[[[1]]]]\n" + std::string(valid_manifest));
    WorktreeSource source(dir.path());
    AuditConfig config;
    config.max_nesting_depth = 3;
    const auto over = ksa::audit::audit_candidates(source, {Candidate{"koder.toml", EntryKind::file}}, config);
    INFO(describe(over.diagnostics));
    REQUIRE(over.diagnostics.size() == 1);
    const ksa::Diagnostic& d = over.diagnostics.front();
    CHECK(d.rule == RuleCode::manifest_unreadable);
    CHECK(d.severity == Severity::error);
    CHECK(d.span.line == 1);
    CHECK(d.span.column == 11);
    CHECK(d.source_line == "deep = [[[[1]]]]");
    CHECK_THAT(d.message, Catch::Contains("nested more than 3 levels deep"));
    CHECK_THAT(d.hint, Catch::Contains("max_nesting_depth"));
    CHECK(over.files_checked == 1);

    config.max_nesting_depth = 4; // at the limit: parsed and checked
    const auto at_limit = ksa::audit::audit_candidates(source, {Candidate{"koder.toml", EntryKind::file}}, config);
    INFO(describe(at_limit.diagnostics));
    CHECK(at_limit.diagnostics.empty());
}

TEST_CASE("KSA015 manifest-unreadable: a million nested arrays and 500,000 dotted keys never reach toml++", "[audit]") {
    TempDir dir;
    dir.write("engines/arrays/koder.toml", "category = \"engine\"\nx = " + std::string(1000000, '['));
    std::string dotted = "category = \"engine\"\na";
    for (int i = 0; i < 500000; ++i)
        dotted += ".a";
    dir.write("engines/keys/koder.toml", dotted + " = 1\n");
    AuditConfig config;
    config.max_manifest_bytes = 4 * 1024 * 1024;
    const auto run = audit_tree(dir.path(), config);
    INFO(describe(run.diagnostics));
    REQUIRE(run.diagnostics.size() == 2);
    for (const ksa::Diagnostic& d : run.diagnostics) {
        CHECK(d.rule == RuleCode::manifest_unreadable);
        CHECK(d.span.line == 2);
        CHECK_THAT(d.message, Catch::Contains("nested more than 64 levels deep"));
    }
}

TEST_CASE("KSA015 manifest-unreadable: a file with a NUL byte", "[audit]") {
    TempDir dir;
    dir.write("koder.toml", "category = \"engine\"\n# \0 binary\n"s);
    const auto run = audit_path(dir.path(), "koder.toml");
    require_unreadable(run, "koder.toml");
    CHECK_THAT(run.diagnostics.front().message, Catch::Contains("NUL"));
}

TEST_CASE("KSA015 manifest-unreadable: a FIFO is reported, never opened", "[audit]") {
    TempDir dir;
    fs::create_directories(dir.path() / "engines/demo");
    REQUIRE(::mkfifo((dir.path() / "engines/demo/koder.toml").c_str(), 0600) == 0);
    const auto listed = audit_tree(dir.path());
    require_unreadable(listed, "engines/demo/koder.toml");
    CHECK_THAT(listed.diagnostics.front().message, Catch::Contains("special file"));
    // Named as a file: stat() sees the FIFO before anything reads (and blocks on) it.
    require_unreadable(audit_path(dir.path(), "engines/demo/koder.toml"), "engines/demo/koder.toml");
}

TEST_CASE("KSA015 manifest-unreadable: a manifest path that does not exist", "[audit]") {
    TempDir dir;
    require_unreadable(audit_path(dir.path(), "engines/gone/koder.toml"), "engines/gone/koder.toml");
}

TEST_CASE("audit: a folder the walk cannot open fails the listing instead of shortening it", "[audit]") {
    // BUG (src/source/worktree_source.cpp, list_manifests): when increment(error) cannot open a
    // sub-folder, libstdc++ turns the iterator into the end iterator, so the loop condition ends
    // the walk before `if (error)` is looked at: the listing comes back ok() but silently stops,
    // and every manifest not yet visited is never audited (fail open). Permission-denied folders
    // do this for ordinary users; here a low open-file limit does it for root too, because the
    // walk holds one descriptor per level.
    TempDir dir;
    std::string deep = "deep";
    for (int level = 0; level < 40; ++level)
        deep += "/d";
    dir.write(deep + "/koder.toml", "category = \"engin\"\n");
    dir.write("koder.toml", "category = \"product\"\n");
    WorktreeSource source(dir.path());

    const int probe = ::open("/dev/null", O_RDONLY);
    REQUIRE(probe >= 0);
    ::close(probe);
    rlimit saved{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
    rlimit low = saved;
    low.rlim_cur = static_cast<rlim_t>(probe) + 8;
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
    auto listed = source.list_manifests("");
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &saved) == 0);

    bool saw_deep = false;
    if (listed.ok())
        for (const Candidate& c : *listed)
            saw_deep = saw_deep || c.path == deep + "/koder.toml";
    INFO((listed.ok() ? "listing ok" : "listing failed: " + listed.failure().message));
    CHECK((!listed.ok() || saw_deep));
}

TEST_CASE("audit: a fragment in self-hosted/ satisfies KSA010 for its module", "[audit]") {
    TempDir dir;
    dir.write("engines/demo/koder.toml", "category = \"engine\"\n\n[package]\nname = \"koder-demo\"\n");
    SECTION("without a fragment the module misses its block") {
        const auto run = audit_tree(dir.path());
        require_single(run.diagnostics, RuleCode::self_hosted_missing, Severity::warning, 1, 12);
    }
    SECTION("with a fragment it passes, and the fragment is checked too") {
        dir.write("engines/demo/self-hosted/koder_asm.toml", R"([self_hosted]
replaces = ["nasm"]
status = "experimental"
gates_passed = []
gates_pending = ["performance"]
)");
        const auto run = audit_tree(dir.path());
        INFO(describe(run.diagnostics));
        CHECK(run.diagnostics.empty());
        CHECK(run.files_checked == 2);
    }
}

TEST_CASE("audit: diagnostics of several files come out sorted by path and position", "[audit]") {
    TempDir dir;
    dir.write("b/koder.toml", "category = \"engin\"\n");
    dir.write("a/koder.toml", "[package]\nname = \"a\"\n");
    dir.write("a/self-hosted/koder_x.toml", "category = \"engine\"\n");
    const auto run = audit_tree(dir.path());
    INFO(describe(run.diagnostics));
    REQUIRE(run.diagnostics.size() == 4);
    CHECK(run.diagnostics[0].path == "a/koder.toml");
    CHECK(run.diagnostics[0].rule == RuleCode::category_missing);
    CHECK(run.diagnostics[1].path == "a/self-hosted/koder_x.toml");
    CHECK(run.diagnostics[1].rule == RuleCode::fragment_shape);
    CHECK(run.diagnostics[1].span.line == 1);
    CHECK(run.diagnostics[1].span.column == 1);
    CHECK(run.diagnostics[2].path == "a/self-hosted/koder_x.toml");
    CHECK(run.diagnostics[2].span.column == 12);
    CHECK(run.diagnostics[3].path == "b/koder.toml");
    CHECK(run.diagnostics[3].rule == RuleCode::category_invalid);
    CHECK(run.files_checked == 3);
}

TEST_CASE("audit: list_manifests finds modules and fragments only, skipping .git", "[audit]") {
    TempDir dir;
    dir.write("koder.toml", "category = \"product\"\n");
    dir.write("engines/x/koder.toml", "");
    dir.write("engines/x/self-hosted/koder_a.toml", "");
    dir.write("engines/x/self-hosted/other.toml", "");
    dir.write("engines/x/koder_b.toml", "");
    dir.write(".git/koder.toml", "");
    WorktreeSource source(dir.path());
    auto all = source.list_manifests("");
    REQUIRE(all.ok());
    std::vector<std::string> paths;
    for (const Candidate& c : *all)
        paths.push_back(c.path);
    CHECK(paths ==
          std::vector<std::string>{"engines/x/koder.toml", "engines/x/self-hosted/koder_a.toml", "koder.toml"});

    auto module = ksa::audit::module_candidates(source, "engines/x");
    REQUIRE(module.ok());
    REQUIRE(module->size() == 2);
    CHECK((*module)[0].path == "engines/x/koder.toml");
    CHECK((*module)[1].path == "engines/x/self-hosted/koder_a.toml");

    auto has = source.has_fragments("engines/x");
    REQUIRE(has.ok());
    CHECK(*has);
    auto root_has = source.has_fragments("");
    REQUIRE(root_has.ok());
    CHECK_FALSE(*root_has);
}

TEST_CASE("audit: load_config reads the committed file and lets overrides win", "[audit][config]") {
    TempDir dir;
    WorktreeSource source(dir.path());
    SECTION("defaults without a file") {
        auto config = ksa::audit::load_config(source, {});
        REQUIRE(config.ok());
        CHECK(config->phase == Phase::advisory);
        CHECK(config->max_manifest_bytes == 1024 * 1024);
    }
    SECTION("the file's phase, then the command line's") {
        dir.write(".koder-spec-audit.toml", "[audit]\nphase = 5\nmax_manifest_bytes = 4096\n");
        auto config = ksa::audit::load_config(source, {});
        REQUIRE(config.ok());
        CHECK(config->phase == Phase::strict);
        CHECK(config->max_manifest_bytes == 4096);
        const ksa::SettingOverrides overrides{{"--phase", "4"}};
        auto overridden = ksa::audit::load_config(source, overrides);
        REQUIRE(overridden.ok());
        CHECK(overridden->phase == Phase::advisory);
        CHECK(overridden->max_manifest_bytes == 4096);
    }
    SECTION("a malformed file is a failure, not the defaults") {
        dir.write(".koder-spec-audit.toml", "[audit]\nphase = 3\n");
        auto config = ksa::audit::load_config(source, {});
        REQUIRE_FALSE(config.ok());
        CHECK_THAT(config.failure().message, Catch::StartsWith(".koder-spec-audit.toml:2:9:"));
    }
    SECTION("a symlinked configuration is refused") {
        TempDir outside;
        const fs::path target = outside.write("c.toml", "[audit]\nphase = 4\n");
        fs::create_symlink(target, dir.path() / ".koder-spec-audit.toml");
        auto config = ksa::audit::load_config(source, {});
        REQUIRE_FALSE(config.ok());
        CHECK_THAT(config.failure().message, Catch::Contains("symbolic link"));
    }
}

TEST_CASE("audit_change: a path the change adds but the tree does not hold is KSA015, not nothing", "[engine]") {
    ksa::MemorySource source("a tree read one way by its diff and another by path",
                             {{"engines/b/koder.toml", "category = \"engine\"\n"}});
    ksa::AuditConfig config;
    auto audited = ksa::audit::audit_change(
        source,
        {{"engines/a/koder.toml", ksa::ChangeStatus::added}, {"engines/c/koder.toml", ksa::ChangeStatus::deleted}},
        config);
    REQUIRE(audited.ok());
    const auto& diagnostics = audited->run.diagnostics;
    REQUIRE(diagnostics.size() == 1);
    CHECK(diagnostics.front().rule == ksa::RuleCode::manifest_unreadable);
    CHECK(diagnostics.front().path == "engines/a/koder.toml");
    CHECK_THAT(diagnostics.front().message, Catch::Contains("nothing is at this path"));
}

TEST_CASE("engine: thousands of findings of one rule in one file show 50 and a count", "[engine]") {
    std::string gates;
    for (int i = 0; i < 2000; ++i)
        gates += std::string(i == 0 ? "" : ", ") + "\"perfomanc\"";
    const std::string text = "category = \"engine\"\n[package]\nname = \"big\"\n[self_hosted]\nreplaces = [\"x\"]\n"
                             "status = \"stable\"\ngates_passed = [" +
                             gates + "]\ngates_pending = []\n";
    ksa::MemorySource source("memory", {{"engines/big/koder.toml", text}});
    ksa::AuditConfig config;
    const auto run = ksa::audit::audit_candidates(source, {{"engines/big/koder.toml", ksa::EntryKind::file}}, config);
    std::size_t unknown = 0;
    const ksa::Diagnostic* summary = nullptr;
    for (const ksa::Diagnostic& d : run.diagnostics) {
        if (d.rule != ksa::RuleCode::gate_unknown) continue;
        ++unknown;
        if (d.span.line == 0) summary = &d;
    }
    CHECK(unknown == 51);
    REQUIRE(summary != nullptr);
    CHECK_THAT(summary->message, Catch::Contains("1950 more KSA007 findings"));
    CHECK(summary->severity == ksa::Severity::error);
    // Every finding shares the file's text instead of copying its 24 KB line.
    for (const ksa::Diagnostic& d : run.diagnostics)
        if (d.span.line == 7) CHECK(d.source_line.view().data() == run.diagnostics.back().source_line.view().data());
}
