// Renderers: one per output format, all from the same diagnostics data.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "diag/diagnostic.h"

namespace ksa::report {

// markdown and svg are --history's own (the CLI refuses them elsewhere).
enum class Format { text, json, sarif, markdown, svg };

struct ReportInput {
    std::string source; // "working tree", "index", "revision HEAD (1a2b3c4d)"
    Phase phase = Phase::advisory;
    std::size_t files_checked = 0;
    const Diagnostics& diagnostics;
    // Set by the pre-receive hook: the push's verdict and how many commits were examined.
    std::string decision{};
    std::size_t commits_checked = 0;
    std::vector<std::string> notes{}; // lines explaining the decision (overrides, overruns)
    std::string registry_checked{};   // the registry's path, when the registry rules looked at it
};

// path:line:col: severity[CODE]: message, the source line with a marker, a help: line,
// and a summary. Every value that came from the input is escaped for the terminal.
std::string render_text(const ReportInput& input, bool color);
std::string render_json(const ReportInput& input);
std::string render_sarif(const ReportInput& input);

std::string render(Format format, const ReportInput& input, bool color);

} // namespace ksa::report
