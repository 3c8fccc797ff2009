// KSA004 self-hosted-field, KSA005 status-invalid and KSA017 unknown-key: the shape of [self_hosted].
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "test_support.h"

using ksa::RuleCode;
using ksa::Severity;
using namespace ksa::test;

namespace {

// `category = "engine"` on line 1, `[self_hosted]` on line 3, then `lines` from line 4 on.
std::string self_hosted(const std::vector<std::string>& lines) {
    std::string text = "category = \"engine\"\n\n[self_hosted]\n";
    for (const std::string& line : lines)
        text += line + "\n";
    return text;
}

const std::string replaces = R"(replaces = ["nginx"])"; // line 4 when first
const std::string status = R"(status = "stable")";      // line 5 when second
const std::string passed = R"(gates_passed = ["feature_parity"])";
const std::string pending = R"(gates_pending = ["performance"])";

// The example of SPEC §2.1, which uses every key of the block.
const char* full_example = R"(category = "engine"      # top level

[package]
name = "koder-lang"
version = "7.28.0"

[backlog]
prefix = "LANG"

[self_hosted]
replaces = ["rust", "go", "c", "c++"]
status = "stable"
cases = ["hot_path_lib"]
gates_passed = ["feature_parity:hot_path_lib", "performance:hot_path", "production_proven:kodec"]
gates_pending = ["capability:c_linking", "capability:async_runtime = engines/lang/lang/backlog/704.md"]
benchmark_ref = "engines/lang/lang/bench/koda-vs-rust.md"
production_ref = ["engines/kodec", "s.forge"]
notes = "Tickets #704-#706; RFC: engines/lang/lang/docs/rfcs/RFC-001.kmd"  # optional: one line, shown in the registry

[[self_hosted.skipped]]
external = "Google Developer Connect API"
rationale = "products/dev/ci is the canonical CI surface"
ticket = "FLOW-111"
date = "2026-05-02"      # optional: when the pair was declined
)";

struct FieldCase {
    const char* name;
    std::string text;
    int line;
    int column;
};

} // namespace

TEST_CASE("KSA004 self-hosted-field: the SPEC example with every key passes", "[rules]") {
    require_clean(full_example);
}

TEST_CASE("KSA004 self-hosted-field: empty gate lists and a skipped pair without ticket pass", "[rules]") {
    require_clean(
        self_hosted({replaces, status, "gates_passed = []", "gates_pending = []", "", "[[self_hosted.skipped]]",
                     R"(external = "nginx")", R"(rationale = "declined for now")"}));
}

TEST_CASE("KSA004 self-hosted-field: each malformed field is an error at its value", "[rules]") {
    const std::vector<FieldCase> cases{
        // replaces
        {"replaces missing", self_hosted({status, passed, pending}), 3, 1},
        {"replaces empty", self_hosted({"replaces = []", status, passed, pending}), 4, 12},
        {"replaces not an array", self_hosted({R"(replaces = "nginx")", status, passed, pending}), 4, 12},
        {"replaces holds a non-string", self_hosted({R"(replaces = ["nginx", 3])", status, passed, pending}), 4, 22},
        {"replaces holds an empty string", self_hosted({R"(replaces = ["nginx", ""])", status, passed, pending}), 4,
         22},
        {"replaces holds a blank string", self_hosted({R"(replaces = ["  "])", status, passed, pending}), 4, 13},
        // status
        {"status missing", self_hosted({replaces, passed, pending}), 3, 1},
        {"status not a string", self_hosted({replaces, "status = 1", passed, pending}), 5, 10},
        {"status an array", self_hosted({replaces, R"(status = ["stable"])", passed, pending}), 5, 10},
        {"status empty", self_hosted({replaces, R"(status = "")", passed, pending}), 5, 10},
        // gates_passed / gates_pending
        {"gates_passed missing", self_hosted({replaces, status, pending}), 3, 1},
        {"gates_passed not an array", self_hosted({replaces, status, R"(gates_passed = "feature_parity")", pending}), 6,
         16},
        {"gates_passed holds a non-string",
         self_hosted({replaces, status, R"(gates_passed = ["feature_parity", 2])", pending}), 6, 35},
        {"gates_pending missing", self_hosted({replaces, status, passed}), 3, 1},
        {"gates_pending not an array", self_hosted({replaces, status, passed, "gates_pending = { a = 1 }"}), 7, 17},
        {"gates_pending holds a non-string", self_hosted({replaces, status, passed, "gates_pending = [true]"}), 7, 18},
        // optional fields
        {"cases empty", self_hosted({replaces, status, passed, pending, "cases = []"}), 8, 9},
        {"cases not an array", self_hosted({replaces, status, passed, pending, R"(cases = "hot")"}), 8, 9},
        {"cases holds * (not a case name)", self_hosted({replaces, status, passed, pending, R"(cases = ["*"])"}), 8,
         10},
        {"cases holds upper case", self_hosted({replaces, status, passed, pending, R"(cases = ["mp3", "WAV"])"}), 8,
         17},
        {"cases holds a dash", self_hosted({replaces, status, passed, pending, R"(cases = ["hot-path"])"}), 8, 10},
        {"benchmark_ref not a string", self_hosted({replaces, status, passed, pending, R"(benchmark_ref = ["a.md"])"}),
         8, 17},
        {"benchmark_ref empty", self_hosted({replaces, status, passed, pending, R"(benchmark_ref = "")"}), 8, 17},
        {"production_ref not an array",
         self_hosted({replaces, status, passed, pending, R"(production_ref = "engines/kodec")"}), 8, 18},
        {"production_ref holds a non-string", self_hosted({replaces, status, passed, pending, "production_ref = [1]"}),
         8, 19},
        // skipped pairs
        {"skipped not an array", self_hosted({replaces, status, passed, pending, R"(skipped = "nginx")"}), 8, 11},
        {"skipped holds a non-table", self_hosted({replaces, status, passed, pending, R"(skipped = ["nginx"])"}), 8,
         12},
        {"skipped pair without external",
         self_hosted({replaces, status, passed, pending, "", "[[self_hosted.skipped]]", R"(rationale = "declined")"}),
         9, 1},
        {"skipped pair without rationale",
         self_hosted({replaces, status, passed, pending, "", "[[self_hosted.skipped]]", R"(external = "nginx")"}), 9,
         1},
        {"skipped pair with an empty rationale",
         self_hosted({replaces, status, passed, pending, "", "[[self_hosted.skipped]]", R"(external = "nginx")",
                      R"(rationale = "")"}),
         11, 13},
        {"skipped pair with a non-string external",
         self_hosted({replaces, status, passed, pending, "", "[[self_hosted.skipped]]", "external = 7",
                      R"(rationale = "declined")"}),
         10, 12},
        {"skipped ticket not a string",
         self_hosted({replaces, status, passed, pending, "", "[[self_hosted.skipped]]", R"(external = "nginx")",
                      R"(rationale = "declined")", "ticket = 111"}),
         12, 10},
        // the block itself
        {"self_hosted not a table", "category = \"engine\"\nself_hosted = \"yes\"\n", 2, 15},
        {"self_hosted an array of tables", "category = \"engine\"\n\n[[self_hosted]]\nstatus = \"stable\"\n", 3, 1},
    };
    for (const FieldCase& c : cases) {
        DYNAMIC_SECTION(c.name) {
            require_single_in_phases(c.text, RuleCode::self_hosted_field, Severity::error, Severity::error, c.line,
                                     c.column);
        }
    }
}

TEST_CASE("KSA004 self-hosted-field: a case name that is not an identifier gets a did-you-mean", "[rules]") {
    auto diagnostics = check_manifest(self_hosted({replaces, status, passed, pending, R"(cases = ["Hot-Path"])"}));
    require_single(diagnostics, RuleCode::self_hosted_field, Severity::error, 8, 10);
    CHECK_THAT(diagnostics.front().message, Catch::Contains("case name \"Hot-Path\" in `cases`"));
    CHECK_THAT(diagnostics.front().hint, Catch::StartsWith("did you mean `hot_path`?"));
    diagnostics = check_manifest(self_hosted({replaces, status, passed, pending, R"(cases = ["*"])"}));
    CHECK_THAT(diagnostics.front().hint, Catch::Contains("to mean every case, remove `cases`"));
}

TEST_CASE("KSA004 self-hosted-field: notes is one line of at most 500 characters", "[rules]") {
    const auto with = [](const std::string& line) { return self_hosted({replaces, status, passed, pending, line}); };
    require_clean(with(R"(notes = "Tickets #704-#706 | RFC: <docs/rfc.kmd>; owner may promote on PR review")"));
    require_clean(with("notes = \"" + std::string(500, 'x') + "\""));
    require_clean(with("notes = \"" + std::string(499, 'x') + "\xc3\xa9\"")); // 500 code points, 501 bytes
    const std::vector<FieldCase> cases{
        {"notes not a string", with("notes = 3"), 8, 9},
        {"notes empty", with(R"(notes = "  ")"), 8, 9},
        {"notes with a line break", with(R"(notes = "first\nsecond")"), 8, 9},
        {"notes in a multi-line string", self_hosted({replaces, status, passed, pending, "notes = \"\"\"a", "b\"\"\""}),
         8, 9},
        {"notes with a control character", with(R"(notes = "bell\u0007")"), 8, 9},
        {"notes with a C1 control character", with(R"(notes = "csi\u009b2J")"), 8, 9},
        {"notes over 500 characters", with("notes = \"" + std::string(501, 'x') + "\""), 8, 9},
    };
    for (const FieldCase& c : cases) {
        DYNAMIC_SECTION(c.name) {
            require_single_in_phases(c.text, RuleCode::self_hosted_field, Severity::error, Severity::error, c.line,
                                     c.column);
        }
    }
    CHECK_THAT(check_manifest(with(R"(notes = "a\nb")")).front().message, Catch::Contains("must be one line"));
    CHECK_THAT(check_manifest(with("notes = \"" + std::string(501, 'x') + "\"")).front().message,
               Catch::Contains("501 characters long, over the limit of 500"));
}

TEST_CASE("KSA004 self-hosted-field: a skipped pair's date is a real day, as a string or a TOML date", "[rules]") {
    const auto with = [](const std::string& date) {
        return self_hosted({replaces, status, passed, pending, "", "[[self_hosted.skipped]]", R"(external = "nginx")",
                            R"(rationale = "declined")", "date = " + date});
    };
    require_clean(with(R"("2026-05-02")"));
    require_clean(with("2026-05-02"));
    require_clean(with(R"("2024-02-29")"));
    for (const char* bad : {R"("2026-13-01")", R"("2025-02-29")", R"("yesterday")", R"("2026-5-2")", R"("")",
                            "20260502", "2026-05-02T10:00:00Z", "10:00:00"}) {
        DYNAMIC_SECTION(bad) {
            require_single_in_phases(with(bad), RuleCode::self_hosted_field, Severity::error, Severity::error, 12, 8);
        }
    }
    CHECK_THAT(check_manifest(with(R"("2026-13-01")")).front().message,
               Catch::Contains("`date` of a skipped pair is \"2026-13-01\", not a date"));
}

TEST_CASE("KSA017 unknown-key: a key outside a skipped pair's schema", "[rules]") {
    const std::string manifest =
        self_hosted({replaces, status, passed, pending, "", "[[self_hosted.skipped]]", R"(external = "nginx")",
                     R"(rationale = "declined")", R"(tiket = "X-1")"});
    require_single_in_phases(manifest, RuleCode::unknown_key, Severity::warning, Severity::error, 12, 1);
    const auto diagnostics = check_manifest(manifest);
    CHECK_THAT(diagnostics.front().message, Catch::Contains("unknown key `tiket` in [[self_hosted.skipped]]"));
    CHECK_THAT(diagnostics.front().hint, Catch::StartsWith("did you mean `ticket`?"));
}

TEST_CASE("KSA004 self-hosted-field: a block with nothing reports each required key", "[rules]") {
    const auto diagnostics = check_manifest(self_hosted({}));
    INFO(describe(diagnostics));
    REQUIRE(diagnostics.size() == 4);
    for (const ksa::Diagnostic& d : diagnostics) {
        CHECK(d.rule == RuleCode::self_hosted_field);
        CHECK(d.severity == Severity::error);
        CHECK(d.span.line == 3);
        CHECK(d.span.column == 1);
    }
    std::string messages;
    for (const ksa::Diagnostic& d : diagnostics)
        messages += d.message + "\n";
    for (const char* key : {"`replaces`", "`status`", "`gates_passed`", "`gates_pending`"})
        CHECK_THAT(messages, Catch::Contains(key));
}

TEST_CASE("KSA004 self-hosted-field: a misspelt required key is named in the hint", "[rules]") {
    const auto diagnostics = check_manifest(self_hosted({R"(replace = ["nginx"])", status, passed, pending}));
    INFO(describe(diagnostics));
    REQUIRE(diagnostics.size() == 2);
    const auto field = only_rule(diagnostics, RuleCode::self_hosted_field);
    REQUIRE(field.size() == 1);
    CHECK(field.front().span.line == 3);
    CHECK_THAT(field.front().hint, Catch::Contains("`replace` looks like a misspelling of `replaces`"));
    const auto unknown = only_rule(diagnostics, RuleCode::unknown_key);
    REQUIRE(unknown.size() == 1);
    CHECK(unknown.front().span.line == 4);
    CHECK(unknown.front().span.column == 1);
}

TEST_CASE("KSA004 self-hosted-field: an empty gate string is reported as a field problem", "[rules]") {
    const auto diagnostics = check_manifest(self_hosted({replaces, status, R"(gates_passed = [""])", pending}));
    const auto field = only_rule(diagnostics, RuleCode::self_hosted_field);
    INFO(describe(diagnostics));
    REQUIRE(field.size() == 1);
    CHECK(field.front().span.line == 6);
    CHECK(field.front().span.column == 17);
}

TEST_CASE("KSA005 status-invalid: every status of the enum passes", "[rules]") {
    for (const char* value : {"experimental", "stable", "official", "legacy"}) {
        INFO(value);
        require_clean(self_hosted({replaces, std::string("status = \"") + value + "\"", passed, "gates_pending = []"}));
    }
}

TEST_CASE("KSA005 status-invalid: a typo is an error with a did-you-mean hint", "[rules]") {
    const std::string manifest = self_hosted({replaces, R"(status = "stabel")", passed, pending});
    require_single_in_phases(manifest, RuleCode::status_invalid, Severity::error, Severity::error, 5, 10);
    const auto diagnostics = check_manifest(manifest);
    CHECK(diagnostics.front().span.end_column == 18);
    CHECK_THAT(diagnostics.front().message, Catch::Contains("stabel"));
    CHECK_THAT(diagnostics.front().hint, Catch::StartsWith("did you mean `stable`?"));
}

TEST_CASE("KSA005 status-invalid: capitalised and transposed values suggest the enum value", "[rules]") {
    const auto diagnostics = check_manifest(self_hosted({replaces, R"(status = "Offical")", passed, pending}));
    require_single(diagnostics, RuleCode::status_invalid, Severity::error, 5, 10);
    CHECK_THAT(diagnostics.front().hint, Catch::StartsWith("did you mean `official`?"));
    const auto swapped = check_manifest(self_hosted({replaces, R"(status = "lgeacy")", passed, pending}));
    require_single(swapped, RuleCode::status_invalid, Severity::error, 5, 10);
    CHECK_THAT(swapped.front().hint, Catch::StartsWith("did you mean `legacy`?"));
}

TEST_CASE("KSA005 status-invalid: a value far from the enum lists the choices without a guess", "[rules]") {
    const auto diagnostics = check_manifest(self_hosted({replaces, R"(status = "done")", passed, pending}));
    require_single(diagnostics, RuleCode::status_invalid, Severity::error, 5, 10);
    CHECK_THAT(diagnostics.front().hint, !Catch::Contains("did you mean"));
    CHECK_THAT(diagnostics.front().hint, Catch::Contains("`experimental`, `stable`, `official`, `legacy`"));
}

TEST_CASE("KSA005 status-invalid: the seed registry's \"planning\" suggests experimental", "[rules]") {
    const auto diagnostics = check_manifest(self_hosted({replaces, R"(status = "planning")", passed, pending}));
    require_single(diagnostics, RuleCode::status_invalid, Severity::error, 5, 10);
    CHECK_THAT(diagnostics.front().hint, Catch::StartsWith("did you mean `experimental`?"));
}

TEST_CASE("KSA005 status-invalid: a status of the wrong type is KSA004's, not KSA005's", "[rules]") {
    const auto diagnostics = check_manifest(self_hosted({replaces, "status = true", passed, pending}));
    require_single(diagnostics, RuleCode::self_hosted_field, Severity::error, 5, 10);
}

TEST_CASE("KSA017 unknown-key: every key of the schema is known", "[rules]") {
    const auto diagnostics = check_manifest(full_example);
    CHECK(only_rule(diagnostics, RuleCode::unknown_key).empty());
}

TEST_CASE("KSA017 unknown-key: a key outside the schema warns in phase 4, fails in phase 5", "[rules]") {
    const std::string manifest = self_hosted({replaces, status, passed, pending, R"(speed = "fast")"});
    require_single_in_phases(manifest, RuleCode::unknown_key, Severity::warning, Severity::error, 8, 1);
    const auto diagnostics = check_manifest(manifest);
    CHECK(diagnostics.front().span.end_column == 6);
    CHECK_THAT(diagnostics.front().message, Catch::Contains("`speed`"));
}

TEST_CASE("KSA017 unknown-key: a near miss gets a did-you-mean hint", "[rules]") {
    const std::string manifest = self_hosted({replaces, status, passed, pending, R"(benchmark_rf = "b.md")"});
    require_single_in_phases(manifest, RuleCode::unknown_key, Severity::warning, Severity::error, 8, 1);
    CHECK_THAT(check_manifest(manifest).front().hint, Catch::StartsWith("did you mean `benchmark_ref`?"));
}

TEST_CASE("KSA017 unknown-key: a dotted key is reported at the key", "[rules]") {
    const std::string manifest = self_hosted({replaces, status, passed, pending, "  extra.depth = 1"});
    require_single_in_phases(manifest, RuleCode::unknown_key, Severity::warning, Severity::error, 8, 3);
}
