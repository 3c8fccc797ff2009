// The JSON Schema of koder.toml (manifest/schema.h): its patterns agree with the parsers they
// stand for, and its enums and keys come from the tables the rules read.
#include <regex>
#include <string>

#include <catch2/catch.hpp>

#include "manifest/fields.h"
#include "manifest/gate.h"
#include "manifest/model.h"
#include "manifest/schema.h"

using ksa::Phase;
using ksa::manifest::ManifestKind;

namespace {

bool matches(const std::string& pattern, const std::string& text) {
    // JSON Schema's `pattern` is an ECMAScript regular expression, searched (not anchored).
    return std::regex_search(text, std::regex(pattern, std::regex::ECMAScript));
}

// The schema without the writer's indentation: every space, tab and newline outside strings.
std::string compact(const std::string& json) {
    std::string out;
    bool in_string = false;
    for (std::size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (in_string && c == '\\') {
            out += c;
            out += json[++i];
            continue;
        }
        if (c == '"') in_string = !in_string;
        if (!in_string && (c == ' ' || c == '\n' || c == '\t')) continue;
        out += c;
    }
    return out;
}

// Entries parse_gate accepts and refuses, with and without a case.
const char* const gate_entries[] = {
    "feature_parity",
    "performance",
    "stability",
    "production_proven",
    "feature_parity:hot_path",
    "performance:h264 = bench/x.md",
    "  stability  =  FLOW-1  ",
    "\tproduction_proven:a1\t= engines/kodec",
    "capability:tls",
    "capability:tls-1.3",
    "capability:TLS_v1.3:hot_path = KODEC-2",
    "feature_parity = a = b",
    "feature_parity =",
    "feature_parity =  \t ",
    "= FLOW-1",
    "",
    "  ",
    "perfomance",
    "Feature_parity",
    "feature_parity:Hot-Path",
    "feature_parity:",
    "feature_parity:a:b",
    "capability",
    "capability:",
    "capability:tls:Hot",
    "capability:tls:a:b",
    "capability:t ls",
    "feature parity",
    "feature_parity\n= x",
    "feature_parity = \n",
    "::",
    "stability:hot_path =\tx\ny",
};

} // namespace

TEST_CASE("schema: the gate pattern accepts exactly what parse_gate accepts", "[schema]") {
    const std::string any = ksa::manifest::gate_pattern(false);
    const std::string with_case = ksa::manifest::gate_pattern(true);
    for (const char* entry : gate_entries) {
        INFO("entry: \"" << entry << "\"");
        const auto parsed = ksa::manifest::parse_gate(entry);
        CHECK(matches(any, entry) == parsed.entry.has_value());
        CHECK(matches(with_case, entry) == (parsed.entry.has_value() && !parsed.entry->case_name.empty()));
    }
}

TEST_CASE("schema: the case-name pattern is is_case_name", "[schema]") {
    for (const char* name : {"hot_path", "a1", "_", "0", "", "Hot", "hot-path", "hot path", "é", "a\n"}) {
        INFO("name: \"" << name << "\"");
        CHECK(matches(std::string(ksa::manifest::case_name_pattern), name) == ksa::manifest::is_case_name(name));
    }
}

TEST_CASE("schema: enums and keys come from the rules' tables", "[schema]") {
    const std::string schema = compact(ksa::manifest::koder_toml_schema(ManifestKind::module, Phase::advisory));
    CHECK_THAT(schema, Catch::StartsWith("{\"$schema\":\"http://json-schema.org/draft-07/schema#\""));
    std::string categories;
    for (const std::string_view category : ksa::manifest::categories)
        categories += (categories.empty() ? "" : ",") + ("\"" + std::string(category) + "\"");
    CHECK_THAT(schema, Catch::Contains("\"enum\":[" + categories + "]"));
    std::string statuses;
    for (const std::string_view status : ksa::manifest::statuses)
        statuses += (statuses.empty() ? "" : ",") + ("\"" + std::string(status) + "\"");
    CHECK_THAT(schema, Catch::Contains("\"enum\":[" + statuses + "]"));
    for (const auto& field : ksa::manifest::self_hosted_fields)
        CHECK_THAT(schema, Catch::Contains("\"" + std::string(field.key) + "\":{\"description\""));
    for (const auto& field : ksa::manifest::skipped_fields)
        CHECK_THAT(schema, Catch::Contains("\"" + std::string(field.key) + "\":{\"description\""));
    CHECK_THAT(schema, Catch::Contains("\"required\":[\"replaces\",\"status\",\"gates_passed\",\"gates_pending\"]"));
    CHECK_THAT(schema, Catch::Contains("\"required\":[\"external\",\"rationale\"]"));
    CHECK_THAT(schema, Catch::Contains("\"maxLength\":" + std::to_string(ksa::manifest::max_notes_length)));
}

TEST_CASE("schema: the phase decides what is refused, as the rules' severities do", "[schema]") {
    const std::string advisory = compact(ksa::manifest::koder_toml_schema(ManifestKind::module, Phase::advisory));
    const std::string strict = compact(ksa::manifest::koder_toml_schema(ManifestKind::module, Phase::strict));
    // KSA003 (no category), KSA017 (unknown key), KSA008 (a gate twice): warnings in phase 4.
    CHECK_THAT(advisory, Catch::Contains("\"additionalProperties\":true"));
    CHECK_THAT(advisory, !Catch::Contains("\"additionalProperties\":false"));
    CHECK_THAT(advisory, !Catch::Contains("uniqueItems"));
    CHECK_THAT(advisory, Catch::EndsWith("\"required\":[],\"not\":{\"required\":[\"self_hosted\","
                                         "\"no_external_alternative\"]}}"));
    CHECK_THAT(strict, !Catch::Contains("\"additionalProperties\":true"));
    CHECK_THAT(strict, Catch::Contains("\"uniqueItems\":true"));
    CHECK_THAT(strict, Catch::Contains("\"required\":[\"category\"]"));
}

TEST_CASE("schema: a fragment requires [self_hosted] and refuses the module-wide keys", "[schema]") {
    const std::string fragment = compact(ksa::manifest::koder_toml_schema(ManifestKind::fragment, Phase::advisory));
    CHECK_THAT(fragment, Catch::Contains("\"category\":{\"description\":\"Belongs in the module's koder.toml, not in a "
                                         "fragment.\",\"not\":{}}"));
    CHECK_THAT(fragment, Catch::Contains("\"required\":[\"self_hosted\"]"));
    CHECK_THAT(fragment, !Catch::Contains("\"enum\":[\"product\""));
}
