// A diagnostic is data: what rule, how severe, where, what and how to fix it.
// Rules produce them; renderers in report/ turn them into text, JSON or SARIF.
#pragma once

#include <string>
#include <vector>

#include "diag/rule.h"

namespace ksa {

enum class Severity { warning, error };

std::string_view to_string(Severity severity);

// A 1-based position in a file; line 0 means "the file as a whole".
struct SourceSpan {
    int line = 0;
    int column = 0;
    int end_column = 0;  // exclusive; 0 when the extent is unknown
};

struct Diagnostic {
    RuleCode rule{};
    Severity severity = Severity::error;
    std::string path;         // repository-relative, '/'-separated, raw bytes
    SourceSpan span;
    std::string message;      // may contain raw values: renderers escape them
    std::string hint;         // "help:" line; empty when there is none
    std::string source_line;  // the text of span.line, for the excerpt
    std::string context;      // where the file came from in a multi-commit run, e.g. a ref and commit
};

using Diagnostics = std::vector<Diagnostic>;

bool has_errors(const Diagnostics& diagnostics);

// Orders by path, line, column, rule so every output is deterministic.
void sort_diagnostics(Diagnostics& diagnostics);

} // namespace ksa
