#include "report/report.h"
#include "support/json_writer.h"

namespace ksa::report {

std::string render_json(const ReportInput& input) {
    std::int64_t errors = 0;
    std::int64_t warnings = 0;
    for (const Diagnostic& d : input.diagnostics)
        (d.severity == Severity::error ? errors : warnings) += 1;

    JsonWriter json;
    json.begin_object()
        .field("version", std::int64_t{1})
        .field("tool", "koder-spec-audit")
        .field("source", input.source)
        .field("phase", static_cast<std::int64_t>(input.phase))
        .field("files_checked", static_cast<std::int64_t>(input.files_checked))
        .field("errors", errors)
        .field("warnings", warnings);
    if (!input.decision.empty())
        json.field("decision", input.decision)
            .field("commits_checked", static_cast<std::int64_t>(input.commits_checked));
    if (!input.notes.empty()) {
        json.key("notes").begin_array();
        for (const std::string& note : input.notes)
            json.value(note);
        json.end_array();
    }
    json.key("diagnostics").begin_array();
    for (const Diagnostic& d : input.diagnostics) {
        json.begin_object()
            .field("rule", rule_id(d.rule))
            .field("name", rule_info(d.rule).name)
            .field("severity", to_string(d.severity))
            .field("path", d.path)
            .field("line", std::int64_t{d.span.line})
            .field("column", std::int64_t{d.span.column})
            .field("end_column", std::int64_t{d.span.end_column})
            .field("message", d.message)
            .field("hint", d.hint)
            .field("source_line", source_excerpt(d));
        if (!d.context.empty()) json.field("context", d.context);
        json.end_object();
    }
    json.end_array();
    json.end_object();
    return json.str();
}

} // namespace ksa::report
