#include "diag/diagnostic.h"

#include <algorithm>
#include <ostream>
#include <tuple>

namespace ksa {

std::string_view to_string(Severity severity) { return severity == Severity::error ? "error" : "warning"; }

std::ostream& operator<<(std::ostream& out, const SourceLine& line) { return out << line.view(); }

std::string source_excerpt(const Diagnostic& diagnostic, std::size_t max_bytes) {
    const std::string_view line = diagnostic.source_line;
    if (line.size() <= max_bytes) return std::string(line);
    const auto continuation = [&](std::size_t at) {
        return at < line.size() && (static_cast<unsigned char>(line[at]) & 0xC0) == 0x80;
    };
    // The column counts code points; find its byte offset.
    std::size_t at = 0;
    for (int column = 1; column < diagnostic.span.column && at < line.size(); ++column) {
        ++at;
        while (continuation(at))
            ++at;
    }
    std::size_t from = at > max_bytes / 4 ? at - max_bytes / 4 : 0;
    while (from > 0 && continuation(from))
        --from;
    std::size_t to = std::min(line.size(), from + max_bytes);
    while (to < line.size() && continuation(to))
        ++to;
    return std::string(from > 0 ? "…" : "") + std::string(line.substr(from, to - from)) +
           std::string(to < line.size() ? "…" : "");
}

Diagnostic make_diagnostic(RuleCode rule, const SeverityPolicy& policy, Location where, std::string message,
                           std::string hint) {
    Diagnostic diagnostic;
    diagnostic.rule = rule;
    diagnostic.severity = policy.of(rule);
    diagnostic.path = std::move(where.path);
    diagnostic.span = where.span;
    diagnostic.source_line = std::move(where.source_line);
    diagnostic.message = std::move(message);
    diagnostic.hint = std::move(hint);
    return diagnostic;
}

bool has_errors(const Diagnostics& diagnostics) {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::error; });
}

void sort_diagnostics(Diagnostics& diagnostics) {
    std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::tie(a.context, a.path, a.span.line, a.span.column, a.rule) <
               std::tie(b.context, b.path, b.span.line, b.span.column, b.rule);
    });
}

} // namespace ksa
