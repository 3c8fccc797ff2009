// diag/rule.h and diag/diagnostic.h: the rule catalogue and diagnostic helpers.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "diag/diagnostic.h"
#include "diag/rule.h"

using ksa::Phase;
using ksa::RuleCode;
using ksa::Severity;

namespace {

// Every RuleCode the enum declares; checked against the catalogue, docs/rules.md and the tests below.
constexpr RuleCode every_code[] = {
    RuleCode::toml_syntax,
    RuleCode::category_invalid,
    RuleCode::category_missing,
    RuleCode::self_hosted_field,
    RuleCode::status_invalid,
    RuleCode::gate_in_both_lists,
    RuleCode::gate_unknown,
    RuleCode::gate_duplicate,
    RuleCode::official_with_pending_gate,
    RuleCode::self_hosted_missing,
    RuleCode::anti_drift,
    RuleCode::registry_hand_edited,
    RuleCode::registry_stale,
    RuleCode::no_alternative_declaration,
    RuleCode::manifest_unreadable,
    RuleCode::fragment_shape,
    RuleCode::unknown_key,
    RuleCode::component_name_duplicate,
    RuleCode::precedent_list,
    RuleCode::benchmark_evidence,
    RuleCode::production_evidence,
    RuleCode::changelog_marker,
    RuleCode::stability_evidence,
    RuleCode::host_unreachable,
    RuleCode::tree_unsafe,
    RuleCode::ref_refused,
};

} // namespace

TEST_CASE("rule catalogue: every RuleCode has one entry with a distinct id and name", "[catalogue]") {
    CHECK(ksa::all_rules().size() == std::size(every_code));
    std::set<std::string> ids;
    std::set<std::string_view> names;
    for (RuleCode code : every_code) {
        const ksa::RuleInfo& info = ksa::rule_info(code);
        INFO(ksa::rule_id(code));
        CHECK(info.code == code);
        CHECK_FALSE(info.name.empty());
        CHECK_FALSE(info.summary.empty());
        CHECK(info.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") == std::string_view::npos);
        ids.insert(ksa::rule_id(code));
        names.insert(info.name);
    }
    CHECK(ids.size() == std::size(every_code));
    CHECK(names.size() == std::size(every_code));
}

TEST_CASE("rule catalogue: ids are KSA and three digits", "[catalogue]") {
    CHECK(ksa::rule_id(RuleCode::toml_syntax) == "KSA001");
    CHECK(ksa::rule_id(RuleCode::status_invalid) == "KSA005");
    CHECK(ksa::rule_id(RuleCode::self_hosted_missing) == "KSA010");
    CHECK(ksa::rule_id(RuleCode::unknown_key) == "KSA017");
    CHECK(ksa::rule_info(RuleCode::gate_unknown).name == "gate-unknown");
    CHECK(ksa::rule_info(RuleCode::manifest_unreadable).name == "manifest-unreadable");
}

TEST_CASE("rule catalogue: parse_rule_id round-trips ids and names", "[catalogue]") {
    for (RuleCode code : every_code) {
        INFO(ksa::rule_id(code));
        CHECK(ksa::parse_rule_id(ksa::rule_id(code)) == code);
        CHECK(ksa::parse_rule_id(ksa::rule_info(code).name) == code);
    }
    CHECK_FALSE(ksa::parse_rule_id("").has_value());
    CHECK_FALSE(ksa::parse_rule_id("KSA000").has_value());
    CHECK_FALSE(ksa::parse_rule_id("KSA999").has_value());
    CHECK_FALSE(ksa::parse_rule_id("KSA7").has_value());
    CHECK_FALSE(ksa::parse_rule_id("gate_unknown").has_value());
}

TEST_CASE("rule catalogue: severities per phase follow SPEC §2.2", "[catalogue]") {
    const std::set<RuleCode> advisory_warnings{RuleCode::category_missing, RuleCode::gate_duplicate,
                                               RuleCode::self_hosted_missing, RuleCode::unknown_key,
                                               RuleCode::anti_drift};
    for (RuleCode code : every_code) {
        INFO(ksa::rule_id(code));
        // The stale registry stays a warning in phase 5 (configurable to an error: [registry] stale).
        if (code == RuleCode::registry_stale || code == RuleCode::precedent_list) {
            CHECK(ksa::severity_in(code, Phase::advisory) == Severity::warning);
            CHECK(ksa::severity_in(code, Phase::strict) == Severity::warning);
            continue;
        }
        const Severity expected4 = advisory_warnings.count(code) != 0 ? Severity::warning : Severity::error;
        CHECK(ksa::severity_in(code, Phase::advisory) == expected4);
        CHECK(ksa::severity_in(code, Phase::strict) == Severity::error);
    }
    CHECK(static_cast<int>(Phase::advisory) == 4);
    CHECK(static_cast<int>(Phase::strict) == 5);
}

TEST_CASE("diagnostics: has_errors ignores warnings, sort orders by path, line, column, rule", "[catalogue]") {
    ksa::Diagnostics list(4);
    list[0] = {RuleCode::gate_unknown, Severity::warning, "b/koder.toml", {2, 5, 0}, "m", "", "", ""};
    list[1] = {RuleCode::status_invalid, Severity::warning, "a/koder.toml", {3, 1, 0}, "m", "", "", ""};
    list[2] = {RuleCode::category_missing, Severity::warning, "a/koder.toml", {1, 1, 0}, "m", "", "", ""};
    list[3] = {RuleCode::category_invalid, Severity::warning, "a/koder.toml", {1, 1, 0}, "m", "", "", ""};
    CHECK_FALSE(ksa::has_errors(list));
    CHECK_FALSE(ksa::has_errors({}));
    ksa::sort_diagnostics(list);
    CHECK(list[0].rule == RuleCode::category_invalid);
    CHECK(list[1].rule == RuleCode::category_missing);
    CHECK(list[2].rule == RuleCode::status_invalid);
    CHECK(list[3].path == "b/koder.toml");
    list[3].severity = Severity::error;
    CHECK(ksa::has_errors(list));
    CHECK(ksa::to_string(Severity::error) == "error");
    CHECK(ksa::to_string(Severity::warning) == "warning");
}

namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    INFO(path.string());
    REQUIRE(in.good());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> cells(const std::string& row) {
    std::vector<std::string> out;
    std::size_t at = 1;
    while (at < row.size()) {
        const std::size_t bar = row.find('|', at);
        if (bar == std::string::npos) break;
        std::string cell = row.substr(at, bar - at);
        while (!cell.empty() && cell.front() == ' ')
            cell.erase(0, 1);
        while (!cell.empty() && cell.back() == ' ')
            cell.pop_back();
        out.push_back(cell);
        at = bar + 1;
    }
    return out;
}

} // namespace

TEST_CASE("rule catalogue: docs/rules.md lists every rule with its name and severities, and nothing else",
          "[catalogue][docs]") {
    const std::string rules_md = read_text(fs::path(KSA_SOURCE_DIR) / "docs" / "rules.md");
    std::map<std::string, std::vector<std::string>> documented; // "KSA001" → cells of its table row
    std::istringstream lines(rules_md);
    for (std::string line; std::getline(lines, line);)
        if (line.starts_with("| KSA")) {
            const std::vector<std::string> row = cells(line);
            INFO(line);
            CHECK(documented.emplace(row.at(0), row).second); // each code once
        }
    CHECK(documented.size() == ksa::all_rules().size());
    for (const ksa::RuleInfo& info : ksa::all_rules()) {
        const std::string id = ksa::rule_id(info.code);
        INFO(id << " " << info.name);
        const auto found = documented.find(id);
        REQUIRE(found != documented.end());
        const std::vector<std::string>& row = found->second;
        REQUIRE(row.size() >= 5);
        CHECK(row[1] == info.name);
        CHECK(row[2] == ksa::to_string(info.phase4));
        CHECK(row[3] == ksa::to_string(info.phase5));
        // And a section with an example: a heading that names the code.
        bool has_section = false;
        std::istringstream again(rules_md);
        for (std::string line; std::getline(again, line);)
            if (line.starts_with("## ") && line.find(id) != std::string::npos) has_section = true;
        CHECK(has_section);
    }
}

TEST_CASE("rule catalogue: every rule is exercised by a test (unit or integration)", "[catalogue][docs]") {
    std::string tests;
    for (const char* folder : {"tests/unit", "tests/integration"})
        for (const auto& entry : fs::directory_iterator(fs::path(KSA_SOURCE_DIR) / folder))
            if (entry.path().extension() == ".cpp" || entry.path().extension() == ".sh")
                if (entry.path().filename() != "rule_catalogue_test.cpp") tests += read_text(entry.path());
    // The enumerator names, as a test writes them (RuleCode::gate_unknown).
    const std::map<RuleCode, std::string> enumerators{
        {RuleCode::toml_syntax, "toml_syntax"},
        {RuleCode::category_invalid, "category_invalid"},
        {RuleCode::category_missing, "category_missing"},
        {RuleCode::self_hosted_field, "self_hosted_field"},
        {RuleCode::status_invalid, "status_invalid"},
        {RuleCode::gate_in_both_lists, "gate_in_both_lists"},
        {RuleCode::gate_unknown, "gate_unknown"},
        {RuleCode::gate_duplicate, "gate_duplicate"},
        {RuleCode::official_with_pending_gate, "official_with_pending_gate"},
        {RuleCode::self_hosted_missing, "self_hosted_missing"},
        {RuleCode::anti_drift, "anti_drift"},
        {RuleCode::registry_hand_edited, "registry_hand_edited"},
        {RuleCode::registry_stale, "registry_stale"},
        {RuleCode::no_alternative_declaration, "no_alternative_declaration"},
        {RuleCode::manifest_unreadable, "manifest_unreadable"},
        {RuleCode::fragment_shape, "fragment_shape"},
        {RuleCode::unknown_key, "unknown_key"},
        {RuleCode::component_name_duplicate, "component_name_duplicate"},
        {RuleCode::precedent_list, "precedent_list"},
        {RuleCode::benchmark_evidence, "benchmark_evidence"},
        {RuleCode::production_evidence, "production_evidence"},
        {RuleCode::changelog_marker, "changelog_marker"},
        {RuleCode::stability_evidence, "stability_evidence"},
        {RuleCode::host_unreachable, "host_unreachable"},
        {RuleCode::tree_unsafe, "tree_unsafe"},
        {RuleCode::ref_refused, "ref_refused"},
    };
    CHECK(enumerators.size() == std::size(every_code));
    for (RuleCode code : every_code) {
        INFO(ksa::rule_id(code));
        const auto name = enumerators.find(code);
        REQUIRE(name != enumerators.end());
        const bool tested = tests.find(ksa::rule_id(code)) != std::string::npos ||
                            tests.find("RuleCode::" + name->second) != std::string::npos;
        CHECK(tested);
    }
}

TEST_CASE("diagnostics: make_diagnostic takes the severity from the rule, the phase and the stale setting",
          "[catalogue]") {
    const ksa::SeverityPolicy advisory{Phase::advisory, false};
    const ksa::SeverityPolicy strict{Phase::strict, false};
    const ksa::Diagnostic d = ksa::make_diagnostic(RuleCode::category_missing, advisory,
                                                   {"a/koder.toml", {3, 2, 5}, "category = 1"}, "message", "hint");
    CHECK(d.rule == RuleCode::category_missing);
    CHECK(d.severity == Severity::warning);
    CHECK(d.path == "a/koder.toml");
    CHECK(d.span.line == 3);
    CHECK(d.span.column == 2);
    CHECK(d.span.end_column == 5);
    CHECK(d.source_line == "category = 1");
    CHECK(d.message == "message");
    CHECK(d.hint == "hint");
    CHECK(d.context.empty());
    CHECK(ksa::make_diagnostic(RuleCode::category_missing, strict, {"a"}, "m").severity == Severity::error);
    CHECK(ksa::make_diagnostic(RuleCode::category_missing, strict, {"a"}, "m").hint.empty());
    // KSA013 is a warning in both phases unless the configuration makes it an error.
    CHECK(ksa::make_diagnostic(RuleCode::registry_stale, strict, {"r.md"}, "m").severity == Severity::warning);
    CHECK(ksa::make_diagnostic(RuleCode::registry_stale, {Phase::advisory, true}, {"r.md"}, "m").severity ==
          Severity::error);
    // The setting raises KSA013 only.
    CHECK(ksa::make_diagnostic(RuleCode::precedent_list, {Phase::strict, true}, {"p.md"}, "m").severity ==
          Severity::warning);
}
