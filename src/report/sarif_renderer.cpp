// SARIF 2.1.0: one run, the rule catalogue as the driver's rules, repository-relative URIs.
#include <fmt/format.h>

#include "report/report.h"
#include "support/json_writer.h"

#ifndef KSA_VERSION
#define KSA_VERSION "0.0.0"
#endif

namespace ksa::report {
namespace {

// A relative URI reference: percent-encode everything but unreserved characters and '/'.
std::string uri_encode(std::string_view path) {
    std::string out;
    for (char ch : path) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~' || c == '/')
            out += ch;
        else
            out += fmt::format("%{:02X}", c);
    }
    return out;
}

std::int64_t rule_index(RuleCode code) {
    const auto rules = all_rules();
    for (std::size_t i = 0; i < rules.size(); ++i)
        if (rules[i].code == code) return static_cast<std::int64_t>(i);
    return -1;
}

} // namespace

std::string render_sarif(const ReportInput& input) {
    JsonWriter json;
    json.begin_object().field("$schema", "https://json.schemastore.org/sarif-2.1.0.json").field("version", "2.1.0");
    json.key("runs").begin_array().begin_object();
    json.key("tool")
        .begin_object()
        .key("driver")
        .begin_object()
        .field("name", "koder-spec-audit")
        .field("version", KSA_VERSION);
    json.key("rules").begin_array();
    for (const RuleInfo& rule : all_rules()) {
        json.begin_object().field("id", rule_id(rule.code)).field("name", rule.name);
        json.key("shortDescription").begin_object().field("text", rule.summary).end_object();
        json.key("defaultConfiguration")
            .begin_object()
            .field("level", rule.phase4 == Severity::error ? "error" : "warning")
            .end_object();
        json.end_object();
    }
    json.end_array().end_object().end_object(); // rules, driver, tool

    json.key("originalUriBaseIds").begin_object().key("%SRCROOT%").begin_object();
    json.key("description").begin_object().field("text", "The repository root.").end_object();
    json.end_object().end_object();

    json.key("results").begin_array();
    for (const Diagnostic& d : input.diagnostics) {
        json.begin_object()
            .field("ruleId", rule_id(d.rule))
            .field("ruleIndex", rule_index(d.rule))
            .field("level", d.severity == Severity::error ? "error" : "warning");
        std::string text = d.message;
        if (!d.hint.empty()) text += fmt::format(" (help: {})", d.hint);
        json.key("message").begin_object().field("text", text).end_object();
        json.key("locations").begin_array().begin_object().key("physicalLocation").begin_object();
        json.key("artifactLocation")
            .begin_object()
            .field("uri", uri_encode(d.path))
            .field("uriBaseId", "%SRCROOT%")
            .end_object();
        if (d.span.line > 0) {
            json.key("region")
                .begin_object()
                .field("startLine", std::int64_t{d.span.line})
                .field("startColumn", std::int64_t{std::max(1, d.span.column)});
            if (d.span.end_column > d.span.column) json.field("endColumn", std::int64_t{d.span.end_column});
            if (!d.source_line.empty())
                json.key("snippet").begin_object().field("text", source_excerpt(d)).end_object();
            json.end_object();
        }
        json.end_object().end_object().end_array(); // physicalLocation, location, locations
        json.end_object();
    }
    json.end_array();
    json.key("properties")
        .begin_object()
        .field("source", input.source)
        .field("phase", static_cast<std::int64_t>(input.phase))
        .field("filesChecked", static_cast<std::int64_t>(input.files_checked));
    if (!input.notes.empty()) {
        json.key("notes").begin_array();
        for (const std::string& note : input.notes)
            json.value(note);
        json.end_array();
    }
    json.end_object();
    json.end_object().end_array().end_object();
    return json.str();
}

} // namespace ksa::report
