// KSA002 category-invalid and KSA003 category-missing.
#include <catch2/catch.hpp>

#include "test_support.h"

using ksa::RuleCode;
using ksa::Severity;
using namespace ksa::test;

TEST_CASE("KSA002 category-invalid: each of the six categories passes", "[rules]") {
    for (const char* category : {"product", "runtime-lib", "protocol", "sdk-binding"}) {
        INFO(category);
        require_clean(std::string("category = \"") + category + "\"\n\n[package]\nname = \"demo\"\n");
    }
    // engine and infra-tooling also need a [self_hosted] block or a declaration (KSA010).
    for (const char* category : {"engine", "infra-tooling"}) {
        INFO(category);
        require_clean(std::string("category = \"") + category +
                      "\"\n\n[no_external_alternative]\nreason = \"nothing outside competes\"\n");
    }
}

TEST_CASE("KSA002 category-invalid: an unknown value is an error in both phases, with a hint", "[rules]") {
    const char* manifest = R"(category = "engin"

[package]
name = "demo"
)";
    require_single_in_phases(manifest, RuleCode::category_invalid, Severity::error, Severity::error, 1, 12);
    const auto diagnostics = check_manifest(manifest);
    CHECK(diagnostics.front().span.end_column == 19);
    CHECK_THAT(diagnostics.front().hint, Catch::Contains("did you mean `engine`?"));
    CHECK(diagnostics.front().source_line == "category = \"engin\"");
}

TEST_CASE("KSA002 category-invalid: a category that is not a string", "[rules]") {
    const char* manifest = R"(# a comment first
category = ["engine"]
)";
    require_single_in_phases(manifest, RuleCode::category_invalid, Severity::error, Severity::error, 2, 12);
    CHECK_THAT(check_manifest(manifest).front().message, Catch::Contains("an array"));
}

TEST_CASE("KSA002 category-invalid: values are case-sensitive", "[rules]") {
    require_single_in_phases("category = \"Product\"\n", RuleCode::category_invalid, Severity::error, Severity::error,
                             1, 12);
    CHECK_THAT(check_manifest("category = \"Product\"\n").front().hint, Catch::Contains("`product`"));
}

TEST_CASE("KSA003 category-missing: a top-level category passes, wherever it sits before the tables", "[rules]") {
    require_clean(R"(# Koder demo module
# owned by the platform team

category = "product"

[app]
slug = "demo"
name = "Demo"
)");
}

TEST_CASE("KSA003 category-missing: a warning in phase 4, an error in phase 5", "[rules]") {
    const char* manifest = R"([package]
name = "demo"
version = "1.0.0"
)";
    require_single_in_phases(manifest, RuleCode::category_missing, Severity::warning, Severity::error, 1, 1);
}

TEST_CASE("KSA003 category-missing: a category inside a table is not the top-level one", "[rules]") {
    const char* manifest = R"([package]
name = "demo"
category = "engine"
)";
    require_single_in_phases(manifest, RuleCode::category_missing, Severity::warning, Severity::error, 1, 1);
}

TEST_CASE("KSA003 category-missing: fragments carry no category and are not asked for one", "[rules]") {
    CheckOptions options;
    options.path = std::string(fragment_path);
    require_clean(R"([self_hosted]
replaces = ["nasm"]
status = "experimental"
gates_passed = []
gates_pending = ["performance"]
)",
                  options);
}
