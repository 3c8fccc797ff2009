// KSA006 gate-in-both-lists, KSA007 gate-unknown, KSA008 gate-duplicate and
// KSA009 official-with-pending-gate.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "test_support.h"

using ksa::RuleCode;
using ksa::Severity;
using namespace ksa::test;

namespace {

// replaces on line 4, status on line 5, gates_passed on line 6 (list at column 16),
// gates_pending on line 7 (list at column 17).
std::string with_gates(const std::string& passed, const std::string& pending, const std::string& status = "stable") {
    return "category = \"engine\"\n\n[self_hosted]\nreplaces = [\"nginx\"]\nstatus = \"" + status +
           "\"\ngates_passed = " + passed + "\ngates_pending = " + pending + "\n";
}

// An official block with `cases` on line 6, gates_passed on line 7 and gates_pending on line 8
// (list at column 17). `cases` is left out when empty.
std::string official(const std::string& cases, const std::string& pending) {
    std::string text = "category = \"engine\"\n\n[self_hosted]\nreplaces = [\"nginx\"]\nstatus = \"official\"\n";
    if (!cases.empty()) text += "cases = " + cases + "\n";
    text += "gates_passed = [\"feature_parity\"]\ngates_pending = " + pending + "\n";
    return text;
}

} // namespace

TEST_CASE("KSA006 gate-in-both-lists: the same gate for different cases passes", "[rules]") {
    require_clean(with_gates(R"(["performance:hot", "capability:tls:edge"])",
                             R"(["performance:cold", "capability:tls:core = LANG-9"])"));
}

TEST_CASE("KSA006 gate-in-both-lists: a gate passed and pending is an error, ignoring its REF", "[rules]") {
    const std::string manifest = with_gates(R"(["feature_parity", "performance"])", R"(["performance = LANG-1"])");
    require_single_in_phases(manifest, RuleCode::gate_in_both_lists, Severity::error, Severity::error, 7, 18);
    const auto diagnostics = check_manifest(manifest);
    CHECK_THAT(diagnostics.front().message, Catch::Contains("`performance`"));
    CHECK(diagnostics.front().source_line == R"(gates_pending = ["performance = LANG-1"])");
}

TEST_CASE("KSA006 gate-in-both-lists: per-case capability gates with different REFs overlap", "[rules]") {
    const std::string manifest =
        with_gates(R"(["capability:tls:edge = RFC-1"])", R"(["stability", "capability:tls:edge = LANG-2"])");
    require_single_in_phases(manifest, RuleCode::gate_in_both_lists, Severity::error, Severity::error, 7, 31);
}

TEST_CASE("KSA007 gate-unknown: every gate form of the grammar passes", "[rules]") {
    require_clean(with_gates(
        R"(["feature_parity", "performance:hot_path", "stability:v1_2", "production_proven:kodec", )"
        R"("capability:tls", "capability:c-linking:edge"])",
        R"(["capability:async_runtime = engines/lang/lang/backlog/704.md", "production_proven:s_forge = FLOW-1"])"));
}

TEST_CASE("KSA007 gate-unknown: malformed entries are errors at the entry", "[rules]") {
    struct GateCase {
        const char* entry;
        const char* problem;    // part of the message
        const char* suggestion; // the did-you-mean, or "" for the generic hint
    };
    const std::vector<GateCase> cases{
        {"feature_parityy", "not a known gate", "feature_parity"},
        {"Performance", "not a known gate", "performance"},
        {"speed", "not a known gate", ""},
        {"capability", "`capability` needs a name", ""},
        {"capability:", "separates nothing", ""},
        {"capability:tls:edge:extra", "too many `:` parts", ""},
        {"performance:hot:cold", "too many `:` parts", ""},
        {"perf ormance", "only letters, digits", "performance"},
        {"performance:hot path", "not a lower-case identifier", "performance:hot_path"},
        {"performance:MP3", "the case `MP3` is not a lower-case identifier", "performance:mp3"},
        {"stability:*", "the case `*` is not a lower-case identifier", ""},
        {"capability:tl$", "only letters, digits", ""},
        {"stability = ", "nothing follows ` = `", ""},
        {"performance:", "separates nothing", ""},
    };
    for (const GateCase& c : cases) {
        DYNAMIC_SECTION(c.entry) {
            const std::string manifest = with_gates(std::string("[\"") + c.entry + "\"]", "[]");
            require_single_in_phases(manifest, RuleCode::gate_unknown, Severity::error, Severity::error, 6, 17);
            const auto diagnostics = check_manifest(manifest);
            CHECK_THAT(diagnostics.front().message, Catch::Contains(c.problem));
            CHECK_THAT(diagnostics.front().message, Catch::Contains("gates_passed"));
            if (*c.suggestion != '\0')
                CHECK(diagnostics.front().hint == std::string("did you mean `") + c.suggestion + "`?");
            else
                CHECK_THAT(diagnostics.front().hint, Catch::Contains("capability:NAME"));
        }
    }
}

TEST_CASE("KSA007 gate-unknown: a REF with nothing after ` = ` in gates_pending", "[rules]") {
    const std::string manifest = with_gates("[]", R"(["performance", "capability:tls = "])");
    require_single_in_phases(manifest, RuleCode::gate_unknown, Severity::error, Severity::error, 7, 33);
    CHECK_THAT(check_manifest(manifest).front().message, Catch::Contains("gates_pending"));
}

TEST_CASE("KSA008 gate-duplicate: the same gate for two cases is no duplicate", "[rules]") {
    require_clean(with_gates(R"(["performance:hot", "performance:cold", "performance"])", R"(["stability"])"));
}

TEST_CASE("KSA008 gate-duplicate: a repeated entry warns in phase 4 and fails in phase 5", "[rules]") {
    const std::string manifest = with_gates(R"(["performance", "stability", "performance"])", "[]");
    require_single_in_phases(manifest, RuleCode::gate_duplicate, Severity::warning, Severity::error, 6, 45);
    CHECK_THAT(check_manifest(manifest).front().message, Catch::Contains("`performance`"));
}

TEST_CASE("KSA008 gate-duplicate: entries differing only in REF are duplicates", "[rules]") {
    const std::string manifest = with_gates("[]", R"(["capability:tls = A-1", "capability:tls = A-2"])");
    require_single_in_phases(manifest, RuleCode::gate_duplicate, Severity::warning, Severity::error, 7, 42);
}

TEST_CASE("KSA009 official-with-pending-gate: official with nothing pending passes", "[rules]") {
    require_clean(official("", "[]"));
    require_clean(official(R"(["hot"])", "[]"));
}

TEST_CASE("KSA009 official-with-pending-gate: a non-official status may have pending gates", "[rules]") {
    for (const char* status : {"experimental", "stable", "legacy"}) {
        INFO(status);
        require_clean(with_gates("[]", R"(["performance", "capability:tls:hot"])", status));
    }
}

TEST_CASE("KSA009 official-with-pending-gate: without `cases` every pending gate applies", "[rules]") {
    const std::string manifest = official("", R"(["performance:cold"])");
    // No `cases` line: gates_pending is on line 7.
    require_single_in_phases(manifest, RuleCode::official_with_pending_gate, Severity::error, Severity::error, 7, 18);
    CHECK_THAT(check_manifest(manifest).front().message, Catch::Contains("performance:cold"));

    const auto both = check_manifest(official("", R"(["stability", "capability:tls:edge"])"));
    INFO(describe(both));
    REQUIRE(both.size() == 2);
    CHECK(both[0].rule == RuleCode::official_with_pending_gate);
    CHECK(both[0].span.column == 18);
    CHECK(both[1].rule == RuleCode::official_with_pending_gate);
    CHECK(both[1].span.column == 31);
}

TEST_CASE("KSA009 official-with-pending-gate: a pending gate of a case outside `cases` does not apply", "[rules]") {
    require_clean(official(R"(["hot"])", R"(["performance:cold", "capability:tls:edge = LANG-3"])"));
}

TEST_CASE("KSA009 official-with-pending-gate: a pending gate without a case applies to the official cases", "[rules]") {
    const std::string manifest = official(R"(["hot"])", R"(["performance"])");
    require_single_in_phases(manifest, RuleCode::official_with_pending_gate, Severity::error, Severity::error, 8, 18);
    const std::string capability = official(R"(["hot"])", R"(["capability:tls = LANG-4"])");
    require_single_in_phases(capability, RuleCode::official_with_pending_gate, Severity::error, Severity::error, 8, 18);
}

TEST_CASE("KSA009 official-with-pending-gate: capability:NAME:CASE applies only to its case", "[rules]") {
    const std::string manifest =
        official(R"(["hot", "cold"])", R"(["capability:tls:edge", "capability:tls:cold = A-1"])");
    require_single_in_phases(manifest, RuleCode::official_with_pending_gate, Severity::error, Severity::error, 8, 41);
    CHECK_THAT(check_manifest(manifest).front().message, Catch::Contains("capability:tls:cold"));
}

TEST_CASE("KSA009 official-with-pending-gate: a malformed pending gate is left to KSA007", "[rules]") {
    const auto diagnostics = check_manifest(official("", R"(["capabilty:tls"])"));
    require_single(diagnostics, RuleCode::gate_unknown, Severity::error, 7, 18);
}
