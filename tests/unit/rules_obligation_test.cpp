// KSA010 self-hosted-missing, KSA014 no-alternative-declaration and KSA016 fragment-shape.
#include <string>

#include <catch2/catch.hpp>

#include "test_support.h"

using ksa::RuleCode;
using ksa::Severity;
using namespace ksa::test;

namespace {

const char* block = R"(
[self_hosted]
replaces = ["nginx"]
status = "experimental"
gates_passed = []
gates_pending = ["performance"]
)";

CheckOptions as_fragment(std::string path = std::string(fragment_path)) {
    CheckOptions options;
    options.path = std::move(path);
    return options;
}

} // namespace

TEST_CASE("KSA010 self-hosted-missing: engine and infra-tooling with a [self_hosted] block pass", "[rules]") {
    require_clean(std::string("category = \"engine\"\n") + block);
    require_clean(std::string("category = \"infra-tooling\"\n") + block);
}

TEST_CASE("KSA010 self-hosted-missing: an engine without a block warns in phase 4, fails in phase 5", "[rules]") {
    const char* manifest = R"(category = "engine"

[package]
name = "koder-demo"
version = "0.3.0"
)";
    require_single_in_phases(manifest, RuleCode::self_hosted_missing, Severity::warning, Severity::error, 1, 12);
    const auto diagnostics = check_manifest(manifest);
    CHECK(diagnostics.front().span.end_column == 20);
    CHECK_THAT(diagnostics.front().hint, Catch::Contains("[no_external_alternative]"));
}

TEST_CASE("KSA010 self-hosted-missing: infra-tooling without a block", "[rules]") {
    const char* manifest = R"([package]
name = "koder-flow-hooks"
)";
    // `category` after a table would belong to the table: put it first, after a comment.
    const std::string text = std::string("# infra\ncategory = \"infra-tooling\"\n") + manifest;
    require_single_in_phases(text, RuleCode::self_hosted_missing, Severity::warning, Severity::error, 2, 12);
}

TEST_CASE("KSA010 self-hosted-missing: other categories are not obliged", "[rules]") {
    for (const char* category : {"product", "runtime-lib", "protocol", "sdk-binding"}) {
        INFO(category);
        require_clean(std::string("category = \"") + category + "\"\n\n[app]\nslug = \"demo\"\n");
    }
}

TEST_CASE("KSA010 self-hosted-missing: a self-hosted fragment of the module satisfies it", "[rules]") {
    CheckOptions options;
    options.facts.has_fragments = true;
    require_clean("category = \"engine\"\n\n[package]\nname = \"koder-demo\"\n", options);
}

TEST_CASE("KSA010 self-hosted-missing: [no_external_alternative] with a reason satisfies it", "[rules]") {
    require_clean(R"(category = "infra-tooling"

[package]
name = "koder-lock"

[no_external_alternative]
reason = "Koder-internal lock service: nothing outside the Stack does this job"
)");
}

TEST_CASE("KSA014 no-alternative-declaration: a declaration with a reason passes", "[rules]") {
    require_clean(R"(category = "engine"

[no_external_alternative]
reason = "internal lock service"
)");
    require_clean("category = \"product\"\nno_external_alternative = { reason = \"nothing to replace\" }\n");
}

TEST_CASE("KSA014 no-alternative-declaration: a declaration without a reason", "[rules]") {
    const char* manifest = R"(category = "engine"

[no_external_alternative]
)";
    require_single_in_phases(manifest, RuleCode::no_alternative_declaration, Severity::error, Severity::error, 3, 1);
}

TEST_CASE("KSA014 no-alternative-declaration: an empty or blank reason", "[rules]") {
    for (const char* reason : {R"(reason = "")", R"(reason = "   ")"}) {
        INFO(reason);
        const std::string manifest =
            std::string("category = \"engine\"\n\n[no_external_alternative]\n") + reason + "\n";
        require_single_in_phases(manifest, RuleCode::no_alternative_declaration, Severity::error, Severity::error, 4,
                                 10);
    }
}

TEST_CASE("KSA014 no-alternative-declaration: a reason that is not a string", "[rules]") {
    const char* manifest = R"(category = "engine"

[no_external_alternative]
reason = ["internal"]
)";
    require_single_in_phases(manifest, RuleCode::no_alternative_declaration, Severity::error, Severity::error, 4, 10);
}

TEST_CASE("KSA014 no-alternative-declaration: a declaration that is not a table", "[rules]") {
    const char* manifest = R"(category = "engine"
no_external_alternative = true
)";
    require_single_in_phases(manifest, RuleCode::no_alternative_declaration, Severity::error, Severity::error, 2, 27);
    CHECK_THAT(check_manifest(manifest).front().message, Catch::Contains("must be a table"));
}

TEST_CASE("KSA014 no-alternative-declaration: a declaration together with [self_hosted]", "[rules]") {
    const std::string manifest =
        std::string("category = \"engine\"\n\n[no_external_alternative]\nreason = \"internal\"\n") + block;
    require_single_in_phases(manifest, RuleCode::no_alternative_declaration, Severity::error, Severity::error, 3, 1);
    CHECK_THAT(check_manifest(manifest).front().message, Catch::Contains("contradicts"));
}

TEST_CASE("KSA016 fragment-shape: a fragment with [package] and [self_hosted] passes", "[rules]") {
    require_clean(std::string("[package]\nname = \"koder-asm\"\n") + block, as_fragment());
    require_clean(block, as_fragment("self-hosted/koder_root.toml"));
}

TEST_CASE("KSA016 fragment-shape: a fragment without [self_hosted]", "[rules]") {
    const char* manifest = R"([package]
name = "koder-asm"
)";
    require_single_in_phases(manifest, RuleCode::fragment_shape, Severity::error, Severity::error, 1, 1, as_fragment());
}

TEST_CASE("KSA016 fragment-shape: a fragment with a category", "[rules]") {
    const std::string manifest = std::string("category = \"engine\"\n") + block;
    require_single_in_phases(manifest, RuleCode::fragment_shape, Severity::error, Severity::error, 1, 12,
                             as_fragment());
    const auto diagnostics = check_manifest(manifest, as_fragment());
    CHECK_THAT(diagnostics.front().hint, Catch::Contains("engines/demo/koder.toml"));
}

TEST_CASE("KSA016 fragment-shape: a fragment with [no_external_alternative]", "[rules]") {
    const std::string manifest = std::string("[no_external_alternative]\nreason = \"x\"\n") + block;
    const auto diagnostics = check_manifest(manifest, as_fragment());
    const auto shape = only_rule(diagnostics, RuleCode::fragment_shape);
    INFO(describe(diagnostics));
    REQUIRE(shape.size() == 1);
    CHECK(shape.front().severity == Severity::error);
    CHECK(shape.front().span.line == 1);
    CHECK(shape.front().span.column == 1);
}

TEST_CASE("KSA016 fragment-shape: a fragment at the root points at the root koder.toml", "[rules]") {
    const auto diagnostics =
        check_manifest(std::string("category = \"engine\"\n") + block, as_fragment("self-hosted/koder_root.toml"));
    require_single(diagnostics, RuleCode::fragment_shape, Severity::error, 1, 12);
    CHECK_THAT(diagnostics.front().hint, Catch::EndsWith("move it to koder.toml"));
}
