#include "diag/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace ksa {

std::string_view to_string(Severity severity) {
    return severity == Severity::error ? "error" : "warning";
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
