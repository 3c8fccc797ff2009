// A diagnostic is data: what rule, how severe, where, what and how to fix it.
// Rules produce them; renderers in report/ turn them into text, JSON or SARIF.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "diag/rule.h"

namespace ksa {

enum class Severity { warning, error };

std::string_view to_string(Severity severity);

// A 1-based position in a file; line 0 means "the file as a whole".
struct SourceSpan {
    int line = 0;
    int column = 0;
    int end_column = 0; // exclusive; 0 when the extent is unknown
};

// The text of a diagnostic's line: a view into the file's text, which every finding of the file
// shares (a copy per finding made a 240 KB one-line manifest with 20,000 findings cost 4.7 GB).
class SourceLine {
  public:
    SourceLine() = default;
    SourceLine(std::string text) : owner_(std::make_shared<const std::string>(std::move(text))), view_(*owner_) {}
    SourceLine(const char* text) : SourceLine(std::string(text)) {}
    SourceLine(std::shared_ptr<const std::string> file, std::string_view line) : owner_(std::move(file)), view_(line) {}

    operator std::string_view() const { return view_; }
    [[nodiscard]] std::string_view view() const { return view_; }
    [[nodiscard]] bool empty() const { return view_.empty(); }
    friend bool operator==(const SourceLine& a, std::string_view b) { return a.view_ == b; }

  private:
    std::shared_ptr<const std::string> owner_;
    std::string_view view_;
};

std::ostream& operator<<(std::ostream& out, const SourceLine& line);

struct Diagnostic {
    RuleCode rule{};
    Severity severity = Severity::error;
    std::string path; // repository-relative, '/'-separated, raw bytes
    SourceSpan span;
    std::string message;    // may contain raw values: renderers escape them
    std::string hint;       // "help:" line; empty when there is none
    SourceLine source_line; // the text of span.line, for the excerpt
    std::string context;    // where the file came from in a multi-commit run, e.g. a ref and commit
};

using Diagnostics = std::vector<Diagnostic>;

// Where a finding is: the file (repository-relative), the span (line 0: the file as a whole)
// and the text of that line for the excerpt.
struct Location {
    std::string path{};
    SourceSpan span{};
    SourceLine source_line{};
};

// The one way a finding is made: the rule, its severity under `policy`, where, what and how to
// fix it. Every layer that reports (rules, engine, registry, evidence, push audit) calls it.
Diagnostic make_diagnostic(RuleCode rule, const SeverityPolicy& policy, Location where, std::string message,
                           std::string hint = {});

// The source line for machine formats: whole up to `max_bytes`, else a window around the
// column with "…" at each cut (a one-line 240 KB manifest must not be copied per finding).
std::string source_excerpt(const Diagnostic& diagnostic, std::size_t max_bytes = 1024);

bool has_errors(const Diagnostics& diagnostics);

// Orders by path, line, column, rule so every output is deterministic.
void sort_diagnostics(Diagnostics& diagnostics);

} // namespace ksa
