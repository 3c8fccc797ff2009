// registry/registry.h: build_registry over a working tree in a temporary folder.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "registry/check.h"
#include "registry/registry.h"
#include "source/worktree_source.h"
#include "test_support.h"

using ksa::AuditConfig;
using ksa::RuleCode;
using ksa::Severity;
using ksa::WorktreeSource;
using ksa::registry::build_registry;
using ksa::registry::BuildResult;
using ksa::registry::PairRow;
using ksa::registry::render_markdown;
using namespace ksa::test;

namespace {

std::string pair_manifest(const std::string& identity, const std::string& status = "stable",
                          const std::string& extra = "") {
    return "category = \"engine\"\n\n" + identity + "\n[self_hosted]\nreplaces = [\"nginx\"]\nstatus = \"" + status +
           "\"\ngates_passed = [\"feature_parity\"]\ngates_pending = [\"performance = RFC-1.md\"]\n" + extra;
}

// A fragment: no category, one [self_hosted] block.
std::string fragment_manifest(const std::string& identity, const std::string& replaces = "nasm") {
    return identity + "\n[self_hosted]\nreplaces = [\"" + replaces +
           "\"]\nstatus = \"experimental\"\ngates_passed = []\ngates_pending = [\"stability\"]\n";
}

std::string package(const std::string& name) { return "[package]\nname = \"" + name + "\"\nversion = \"1.0.0\"\n"; }

BuildResult build(const TempDir& dir, WorktreeSource::IgnoreCheck ignored = {}) {
    WorktreeSource source(dir.path(), std::move(ignored));
    const AuditConfig config;
    auto built = build_registry(source, config);
    REQUIRE(built.ok());
    return std::move(*built);
}

std::vector<std::string> manifests_of(const BuildResult& result) {
    std::vector<std::string> paths;
    for (const PairRow& row : result.registry.pairs)
        paths.push_back(row.manifest_path);
    return paths;
}

const PairRow& row_at(const BuildResult& result, const std::string& manifest) {
    const PairRow* found = nullptr;
    for (const PairRow& row : result.registry.pairs)
        if (row.manifest_path == manifest) found = &row;
    INFO("the row of " << manifest);
    REQUIRE(found != nullptr);
    return *found;
}

} // namespace

TEST_CASE("registry build: an empty tree gives an empty registry", "[registry][build]") {
    TempDir dir;
    const BuildResult result = build(dir);
    CHECK(result.registry.pairs.empty());
    CHECK(result.registry.skipped.empty());
    CHECK(result.registry.no_alternative.empty());
    CHECK(result.problems.empty());
    CHECK(result.manifests_read == 0);
    // Modules without a [self_hosted] block add no row either.
    dir.write("products/app/koder.toml", "category = \"product\"\n[app]\nslug = \"app\"\n");
    const BuildResult plain = build(dir);
    CHECK(plain.registry.pairs.empty());
    CHECK(plain.problems.empty());
    CHECK(plain.manifests_read == 1);
}

TEST_CASE("registry build: rows are sorted by manifest path whatever the creation order", "[registry][build]") {
    TempDir dir;
    // Created in an order that is neither sorted nor reverse-sorted.
    dir.write("products/dev/hub/koder.toml", pair_manifest(package("hub")));
    dir.write("engines/lang/lang/self-hosted/koder_asm.toml", fragment_manifest("[package]\nname = \"kasm\"\n"));
    dir.write("infra/net/jet/koder.toml", pair_manifest(package("jet")));
    dir.write("engines/kodec/koder.toml", pair_manifest(package("kodec")));
    dir.write("engines/lang/lang/koder.toml", pair_manifest(package("koder-lang")));
    dir.write("engines/lang-x/koder.toml", pair_manifest(package("lang-x")));
    dir.write("Zeta/koder.toml", pair_manifest(package("zeta")));
    const BuildResult result = build(dir);
    INFO(describe(result.problems));
    CHECK(result.problems.empty());
    CHECK(manifests_of(result) == std::vector<std::string>{
                                      "Zeta/koder.toml", // byte order: upper case first
                                      "engines/kodec/koder.toml",
                                      "engines/lang-x/koder.toml", // '-' sorts before '/'
                                      "engines/lang/lang/koder.toml",
                                      "engines/lang/lang/self-hosted/koder_asm.toml",
                                      "infra/net/jet/koder.toml",
                                      "products/dev/hub/koder.toml",
                                  });
    CHECK(result.manifests_read == 7);
    // The rendering follows the same order, and two builds render the same bytes.
    CHECK(render_markdown(result.registry) == render_markdown(build(dir).registry));
}

TEST_CASE("registry build: display name is [app].name, else the module's name", "[registry][build]") {
    TempDir dir;
    dir.write("infra/net/jet/koder.toml",
              pair_manifest("[app]\nslug = \"koder-jet\"\nname = \"Koder Jet\"\nversion = \"2.0.0\"\n"));
    dir.write("engines/lang/lang/koder.toml",
              pair_manifest(package("koder-lang") + "\n[app]\nname = \"Koder Koda\"\n"));
    dir.write("engines/kodec/koder.toml", pair_manifest(package("kodec")));
    dir.write("products/talk/koder.toml", pair_manifest("[app]\nslug = \"talk\"\nversion = \"0.4.0\"\n"));
    dir.write("engines/pkg-and-slug/koder.toml",
              pair_manifest(package("from-package") + "\n[app]\nslug = \"from-slug\"\n"));
    const BuildResult result = build(dir);
    INFO(describe(result.problems));
    CHECK(result.problems.empty());
    REQUIRE(result.registry.pairs.size() == 5);

    const PairRow& jet = row_at(result, "infra/net/jet/koder.toml");
    CHECK(jet.display_name == "Koder Jet");
    CHECK(jet.name == "koder-jet");
    CHECK(jet.module_dir == "infra/net/jet");
    const PairRow& koda = row_at(result, "engines/lang/lang/koder.toml");
    CHECK(koda.display_name == "Koder Koda");
    CHECK(koda.name == "koder-lang");
    const PairRow& kodec = row_at(result, "engines/kodec/koder.toml");
    CHECK(kodec.display_name == "kodec");
    CHECK(kodec.name == "kodec");
    const PairRow& talk = row_at(result, "products/talk/koder.toml");
    CHECK(talk.display_name == "talk");
    CHECK(talk.name == "talk");
    const PairRow& both = row_at(result, "engines/pkg-and-slug/koder.toml");
    CHECK(both.name == "from-package");
    CHECK(both.display_name == "from-package");
}

TEST_CASE("registry build: a module without any name is shown by its folder", "[registry][build]") {
    TempDir dir;
    dir.write("engines/anonymous/koder.toml", pair_manifest(""));
    const BuildResult result = build(dir);
    REQUIRE(result.registry.pairs.size() == 1);
    CHECK(result.registry.pairs[0].display_name == "engines/anonymous");
    CHECK(result.registry.pairs[0].name.empty());
}

TEST_CASE("registry build: a nameless koder.toml at the repository root still gets a display name",
          "[registry][build]") {
    // BUG (src/registry/build.cpp, build_registry): the fallback display name is
    // document.module_dir, which is "" for the root koder.toml, so the row renders as "| 1 | **** |"
    // (an empty, unreadable name). Fix: fall back to the manifest path (or "(repository root)")
    // when module_dir is empty, in both the pair and the no_alternative rows.
    TempDir dir;
    dir.write("koder.toml", pair_manifest(""));
    const BuildResult result = build(dir);
    REQUIRE(result.registry.pairs.size() == 1);
    CHECK_FALSE(result.registry.pairs[0].display_name.empty());
    CHECK(render_markdown(result.registry).find("| 1 | **** |") == std::string::npos);
}

TEST_CASE("registry build: every field of the block is carried to the row", "[registry][build]") {
    TempDir dir;
    dir.write("engines/kodec/koder.toml", R"(category = "engine"

[package]
name = "kodec"

[self_hosted]
replaces = ["ffmpeg", "gstreamer"]
status = "stable"
cases = ["mp3", "mp4"]
gates_passed = ["feature_parity:mp3", "performance:mp3"]
gates_pending = ["feature_parity:hevc", "capability:av1 = engines/kodec/backlog/12.md"]
benchmark_ref = "engines/kodec/bench/vs-ffmpeg.md"
production_ref = ["engines/lang/lang", "s.forge"]
)");
    dir.write("engines/jet/koder.toml", pair_manifest(package("jet")));
    const BuildResult result = build(dir);
    INFO(describe(result.problems));
    CHECK(result.problems.empty());
    const PairRow& row = row_at(result, "engines/kodec/koder.toml");
    CHECK(row.module_dir == "engines/kodec");
    CHECK(row.replaces == std::vector<std::string>{"ffmpeg", "gstreamer"});
    CHECK(row.status == "stable");
    REQUIRE(row.cases.has_value());
    CHECK(*row.cases == std::vector<std::string>{"mp3", "mp4"});
    CHECK(row.gates_passed == std::vector<std::string>{"feature_parity:mp3", "performance:mp3"});
    // Gates keep their " = REF" as written.
    CHECK(row.gates_pending ==
          std::vector<std::string>{"feature_parity:hevc", "capability:av1 = engines/kodec/backlog/12.md"});
    CHECK(row.benchmark_ref == "engines/kodec/bench/vs-ffmpeg.md");
    CHECK(row.production_ref == std::vector<std::string>{"engines/lang/lang", "s.forge"});
    const PairRow& jet = row_at(result, "engines/jet/koder.toml");
    CHECK_FALSE(jet.cases.has_value()); // absent: every case
    CHECK(jet.benchmark_ref.empty());
    CHECK(jet.production_ref.empty());
}

TEST_CASE("registry build: fragments are rows of their own, attached to their module", "[registry][build]") {
    TempDir dir;
    dir.write("engines/lang/lang/koder.toml", pair_manifest(package("koder-lang") + "[app]\nname = \"Koder Koda\"\n"));
    dir.write("engines/lang/lang/self-hosted/koder_asm.toml",
              "[package]\nname = \"kasm\"\n\n[self_hosted]\nreplaces = [\"nasm\"]\nstatus = \"experimental\"\n"
              "gates_passed = []\ngates_pending = [\"stability\"]\n");
    // Without [package].name the fragment is named after its file.
    dir.write("engines/lang/lang/self-hosted/koder_link.toml",
              "[self_hosted]\nreplaces = [\"ld\"]\nstatus = \"experimental\"\ngates_passed = []\ngates_pending = []\n");
    // Not a fragment: wrong folder or wrong name.
    dir.write("engines/lang/lang/other/koder_x.toml", pair_manifest(package("not-a-fragment")));
    dir.write("engines/lang/lang/self-hosted/x.toml", pair_manifest(package("not-a-fragment-2")));
    const BuildResult result = build(dir);
    INFO(describe(result.problems));
    CHECK(result.problems.empty());
    CHECK(manifests_of(result) == std::vector<std::string>{"engines/lang/lang/koder.toml",
                                                           "engines/lang/lang/self-hosted/koder_asm.toml",
                                                           "engines/lang/lang/self-hosted/koder_link.toml"});
    const PairRow& kasm = row_at(result, "engines/lang/lang/self-hosted/koder_asm.toml");
    CHECK(kasm.name == "kasm");
    CHECK(kasm.display_name == "kasm");
    CHECK(kasm.module_dir == "engines/lang/lang");
    CHECK(kasm.gates_passed.empty());
    const PairRow& link = row_at(result, "engines/lang/lang/self-hosted/koder_link.toml");
    CHECK(link.name == "link");
    CHECK(link.display_name == "link");
    CHECK(link.module_dir == "engines/lang/lang");
}

TEST_CASE("registry build: skipped pairs in manifest order, then file order", "[registry][build]") {
    TempDir dir;
    dir.write("products/dev/flow/engine/koder.toml",
              pair_manifest("[app]\nslug = \"koder-flow\"\nname = \"Koder Flow\"\n", "stable", R"(
[[self_hosted.skipped]]
external = "Google Developer Connect API"
rationale = "products/dev/ci is the canonical CI surface"
ticket = "FLOW-111"

[[self_hosted.skipped]]
external = "Second"
rationale = "later in the file"
ticket = "FLOW-112"
)"));
    dir.write("engines/a/koder.toml", pair_manifest(package("a"), "stable", R"(
[[self_hosted.skipped]]
external = "First by path"
rationale = "r"
ticket = "A-1"
)"));
    const BuildResult result = build(dir);
    INFO(describe(result.problems));
    CHECK(result.problems.empty());
    const auto& skipped = result.registry.skipped;
    REQUIRE(skipped.size() == 3);
    CHECK(skipped[0].external == "First by path");
    CHECK(skipped[0].module_dir == "engines/a");
    CHECK(skipped[1].external == "Google Developer Connect API");
    CHECK(skipped[1].module_dir == "products/dev/flow/engine");
    CHECK(skipped[1].manifest_path == "products/dev/flow/engine/koder.toml");
    CHECK(skipped[1].rationale == "products/dev/ci is the canonical CI surface");
    CHECK(skipped[1].ticket == "FLOW-111");
    CHECK(skipped[2].external == "Second");
    CHECK(skipped[2].ticket == "FLOW-112");
    CHECK(result.registry.pairs.size() == 2);
}

TEST_CASE("registry build: [no_external_alternative] modules are listed with their reason", "[registry][build]") {
    TempDir dir;
    dir.write("infra/lock/koder.toml", R"(category = "infra-tooling"

[app]
slug = "koder-lock"

[no_external_alternative]
reason = "Koder-internal tooling"
)");
    dir.write("products/dev/kterm/koder.toml", R"(category = "product"

[app]
slug = "kterm"
name = "Koder Term"

[no_external_alternative]
reason = "the product itself"
)");
    const BuildResult result = build(dir);
    INFO(describe(result.problems));
    CHECK(result.problems.empty());
    CHECK(result.registry.pairs.empty());
    const auto& rows = result.registry.no_alternative;
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].display_name == "koder-lock");
    CHECK(rows[0].manifest_path == "infra/lock/koder.toml");
    CHECK(rows[0].reason == "Koder-internal tooling");
    CHECK(rows[1].display_name == "Koder Term");
    CHECK(rows[1].manifest_path == "products/dev/kterm/koder.toml");
    CHECK(rows[1].reason == "the product itself");
}

TEST_CASE("registry build: a manifest with invalid TOML is a KSA001 problem and no row", "[registry][build]") {
    TempDir dir;
    dir.write("engines/good/koder.toml", pair_manifest(package("good")));
    dir.write("engines/bad/koder.toml", "category = \"engine\"\n[self_hosted\nreplaces = [\"x\"]\n");
    const BuildResult result = build(dir);
    CHECK(manifests_of(result) == std::vector<std::string>{"engines/good/koder.toml"});
    REQUIRE(result.problems.size() == 1);
    const ksa::Diagnostic& problem = result.problems.front();
    CHECK(problem.rule == RuleCode::toml_syntax);
    CHECK(problem.severity == Severity::error);
    CHECK(problem.path == "engines/bad/koder.toml");
    CHECK(problem.span.line == 2);
    CHECK(result.manifests_read == 2); // read, even though it does not parse
}

TEST_CASE("registry build: an unreadable manifest path is a KSA015 problem", "[registry][build]") {
    TempDir dir;
    dir.write("engines/good/koder.toml", pair_manifest(package("good")));
    dir.write("engines/folder/koder.toml/inside.txt", "a folder named like a manifest\n");
    const BuildResult result = build(dir);
    CHECK(manifests_of(result) == std::vector<std::string>{"engines/good/koder.toml"});
    REQUIRE(result.problems.size() == 1);
    CHECK(result.problems.front().rule == RuleCode::manifest_unreadable);
    CHECK(result.problems.front().path == "engines/folder/koder.toml");
}

TEST_CASE("registry build: two components with the same name are KSA018", "[registry][build]") {
    TempDir dir;
    dir.write("engines/one/koder.toml", pair_manifest(package("kodec")));
    dir.write("infra/two/koder.toml", pair_manifest("[app]\nslug = \"kodec\"\nname = \"Another Kodec\"\n"));
    dir.write("engines/three/koder.toml", pair_manifest(package("unique")));
    const BuildResult result = build(dir);
    INFO(describe(result.problems));
    REQUIRE(result.problems.size() == 1);
    const ksa::Diagnostic& problem = result.problems.front();
    CHECK(problem.rule == RuleCode::component_name_duplicate);
    CHECK(problem.severity == Severity::error);
    CHECK(problem.path == "infra/two/koder.toml"); // the second by path
    CHECK(problem.message.find("kodec") != std::string::npos);
    CHECK(problem.message.find("engines/one/koder.toml") != std::string::npos);

    // A fragment named like its own module's component collides too.
    TempDir fragments;
    fragments.write("engines/lang/koder.toml", pair_manifest(package("kasm")));
    fragments.write("engines/lang/self-hosted/koder_asm.toml",
                    "[self_hosted]\nreplaces = [\"nasm\"]\nstatus = \"experimental\"\ngates_passed = []\n"
                    "gates_pending = []\n"); // named "asm" after its file: no clash
    fragments.write("engines/lang/self-hosted/koder_kasm.toml",
                    "[self_hosted]\nreplaces = [\"gas\"]\nstatus = \"experimental\"\ngates_passed = []\n"
                    "gates_pending = []\n"); // named "kasm": clash
    const BuildResult second = build(fragments);
    INFO(describe(second.problems));
    REQUIRE(second.problems.size() == 1);
    CHECK(second.problems.front().rule == RuleCode::component_name_duplicate);
    CHECK(second.problems.front().path == "engines/lang/self-hosted/koder_kasm.toml");

    // Modules without a [self_hosted] block are not components: the same name is no clash.
    TempDir plain;
    plain.write("a/koder.toml", "category = \"product\"\n[package]\nname = \"same\"\n");
    plain.write("b/koder.toml", pair_manifest(package("same")));
    CHECK(build(plain).problems.empty());
}

TEST_CASE("registry build: ignored folders are not part of the tree", "[registry][build]") {
    TempDir dir;
    dir.write("engines/kept/koder.toml", pair_manifest(package("kept")));
    dir.write("build/engines/kept/koder.toml", pair_manifest(package("kept"))); // a build copy
    dir.write("engines/kept/ignored-fragment/koder.toml", pair_manifest(package("ignored-file")));
    const BuildResult result = build(dir, [](const std::string& path, bool is_folder) {
        return (is_folder && path == "build") || path == "engines/kept/ignored-fragment/koder.toml";
    });
    INFO(describe(result.problems));
    CHECK(result.problems.empty()); // the copy in build/ would be a KSA018 duplicate
    CHECK(manifests_of(result) == std::vector<std::string>{"engines/kept/koder.toml"});
}

TEST_CASE("registry build, validated: the rules' findings are problems, each manifest read once", "[registry]") {
    TempDir dir;
    dir.write("engines/a/koder.toml", pair_manifest(package("a"), "planning"));
    dir.write("engines/b/koder.toml", pair_manifest(package("b"), "stable", "colour = \"blue\"\n"));
    dir.write("engines/c/koder.toml", pair_manifest(package("a")));
    WorktreeSource source(dir.path());
    AuditConfig config;
    auto built = ksa::registry::build_validated_registry(source, config);
    REQUIRE(built.ok());
    CHECK(built->manifests_read == 3);
    CHECK(built->registry.pairs.size() == 3);
    CHECK(only_rule(built->problems, RuleCode::status_invalid).size() == 1);
    CHECK(only_rule(built->problems, RuleCode::component_name_duplicate).size() == 1);
    const auto unknown = only_rule(built->problems, RuleCode::unknown_key);
    REQUIRE(unknown.size() == 1);
    CHECK(unknown.front().severity == Severity::warning);
    // The unvalidated build sees only what stops reading (and the duplicate name).
    const BuildResult plain = build(dir);
    CHECK(only_rule(plain.problems, RuleCode::status_invalid).empty());
    CHECK(only_rule(plain.problems, RuleCode::component_name_duplicate).size() == 1);
}

TEST_CASE("registry: a rejected commit is told to fix the manifests, regenerate the registry, or both", "[registry]") {
    const std::string registry = "meta/r.md";
    const auto finding = [](const std::string& path, ksa::Severity severity) {
        ksa::Diagnostic d;
        d.path = path;
        d.severity = severity;
        return d;
    };
    using ksa::registry::commit_fix_advice;
    CHECK(commit_fix_advice({finding("a/koder.toml", ksa::Severity::error)}, registry) == "fix the staged manifests");
    CHECK(commit_fix_advice({finding(registry, ksa::Severity::error), finding("a/koder.toml", ksa::Severity::warning)},
                            registry) ==
          "the registry meta/r.md is not what the manifests generate: run `koder-spec-audit self-hosted --report` (or "
          "the hook with --fix) and stage it");
    CHECK(commit_fix_advice({finding(registry, ksa::Severity::error), finding("a/koder.toml", ksa::Severity::error)},
                            registry) ==
          "fix the staged manifests and regenerate the registry meta/r.md (`koder-spec-audit self-hosted --report`, "
          "then stage it)");
}
