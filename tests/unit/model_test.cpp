// manifest/model.h and manifest/document.h: identity, the lenient [self_hosted] model, line lookup.
#include <string>

#include <catch2/catch.hpp>

#include "manifest/document.h"
#include "manifest/model.h"

using namespace ksa::manifest;

namespace {

std::unique_ptr<Document> parse(const std::string& path, const std::string& text) {
    ParseOutcome parsed = parse_document(path, classify_path(path).value_or(ManifestKind::module), text);
    INFO(parsed.error.message);
    REQUIRE(parsed.document != nullptr);
    return std::move(parsed.document);
}

} // namespace

TEST_CASE("model: the module's name is [package].name, else [app].slug", "[model]") {
    const auto package = parse("engines/lang/koder.toml",
                               "category = \"engine\"\n[package]\nname = \"koder-lang\"\nversion = \"7.28.0\"\n");
    const Identity lang = extract_identity(*package);
    REQUIRE(lang.category.has_value());
    CHECK(lang.category->value == "engine");
    CHECK(lang.category->span.line == 1);
    CHECK(lang.name == "koder-lang");
    CHECK(lang.display_name == "koder-lang");
    CHECK(lang.version == "7.28.0");
    CHECK(package->module_dir == "engines/lang");

    const auto app =
        parse("products/flow/koder.toml",
              "category = \"product\"\n[app]\nslug = \"flow\"\nname = \"Koder Flow\"\nversion = \"2.0\"\n");
    const Identity flow = extract_identity(*app);
    CHECK(flow.name == "flow");
    CHECK(flow.display_name == "Koder Flow");
    CHECK(flow.version == "2.0");
}

TEST_CASE("model: a fragment without [package] is named after its file", "[model]") {
    const auto fragment = parse("engines/asm/self-hosted/koder_asm_x86.toml", "[self_hosted]\nstatus = \"stable\"\n");
    CHECK(fragment->kind == ManifestKind::fragment);
    CHECK(fragment->module_dir == "engines/asm");
    const Identity identity = extract_identity(*fragment);
    CHECK(identity.name == "asm_x86");
    CHECK_FALSE(identity.category.has_value());
}

TEST_CASE("model: extract_self_hosted keeps what is usable", "[model]") {
    const auto document = parse("koder.toml", R"(category = "engine"
[self_hosted]
replaces = ["rust", 3, "go"]
status = "stable"
cases = ["hot_path_lib"]
gates_passed = ["feature_parity:hot_path_lib", "bogus"]
gates_pending = ["capability:async_runtime = engines/lang/backlog/704.md"]
benchmark_ref = "bench/koda-vs-rust.md"
production_ref = ["engines/kodec", "s.forge"]

[[self_hosted.skipped]]
external = "Google Developer Connect API"
rationale = "products/dev/ci is the canonical CI surface"
ticket = "FLOW-111"
)");
    const auto block = extract_self_hosted(*document);
    REQUIRE(block.has_value());
    CHECK(block->header.line == 2);
    REQUIRE(block->replaces.size() == 2);
    CHECK(block->replaces[1].value == "go");
    CHECK(block->replaces[1].span.column == 24);
    REQUIRE(block->status.has_value());
    CHECK(block->status->value == "stable");
    REQUIRE(block->cases.has_value());
    CHECK(block->cases->size() == 1);
    REQUIRE(block->gates_passed.size() == 2);
    CHECK(block->gates_passed[0].well_formed);
    CHECK(block->gates_passed[0].entry.case_name == "hot_path_lib");
    CHECK_FALSE(block->gates_passed[1].well_formed);
    CHECK(block->gates_passed[1].raw == "bogus");
    REQUIRE(block->gates_pending.size() == 1);
    CHECK(block->gates_pending[0].entry.gate == "capability:async_runtime");
    CHECK(block->gates_pending[0].entry.ref == "engines/lang/backlog/704.md");
    REQUIRE(block->benchmark_ref.has_value());
    CHECK(block->production_ref.size() == 2);
    REQUIRE(block->skipped.size() == 1);
    CHECK(block->skipped[0].external == "Google Developer Connect API");
    CHECK(block->skipped[0].ticket == "FLOW-111");

    const auto without = parse("koder.toml", "category = \"product\"\n");
    CHECK_FALSE(extract_self_hosted(*without).has_value());
    const auto no_cases = parse("koder.toml", "[self_hosted]\nstatus = \"official\"\n");
    CHECK_FALSE(extract_self_hosted(*no_cases)->cases.has_value());
}

TEST_CASE("document: syntax errors carry a position and the offending line", "[model]") {
    const ParseOutcome parsed = parse_document("koder.toml", ManifestKind::module, "a = 1\nb = = 2\n");
    CHECK(parsed.document == nullptr);
    CHECK(parsed.error.span.line == 2);
    CHECK(parsed.error.span.column > 0);
    CHECK(parsed.error.source_line == "b = = 2");
    CHECK_FALSE(parsed.error.message.empty());
}

TEST_CASE("document: line_of returns one line without its line ending", "[model]") {
    const std::string text = "one\r\ntwo\nthree";
    CHECK(line_of(text, 1) == "one");
    CHECK(line_of(text, 2) == "two");
    CHECK(line_of(text, 3) == "three");
    CHECK(line_of(text, 4).empty());
    CHECK(line_of(text, 0).empty());
    CHECK(line_of("", 1).empty());
}
