#include <fmt/format.h>

#include "report/report.h"
#include "support/text.h"

namespace ksa::report {
namespace {

struct Palette {
    std::string_view bold, red, yellow, cyan, reset;
};

constexpr Palette colored{"\x1b[1m", "\x1b[1;31m", "\x1b[1;33m", "\x1b[1;36m", "\x1b[0m"};
constexpr Palette plain{"", "", "", "", ""};

// Number of code points in `s` (the marker counts columns the way toml++ does).
std::size_t code_points(std::string_view s) {
    std::size_t count = 0;
    for (char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
    return count;
}

// The byte offset of the 1-based code-point column `column` in `line`.
std::size_t byte_offset(std::string_view line, int column) {
    std::size_t offset = 0;
    for (int current = 1; current < column && offset < line.size(); ++current) {
        ++offset;
        while (offset < line.size() && (static_cast<unsigned char>(line[offset]) & 0xC0) == 0x80)
            ++offset;
    }
    return offset;
}

void render_excerpt(std::string& out, const Diagnostic& d, const Palette& p) {
    if (d.span.line <= 0 || d.source_line.empty()) return;
    const std::string number = std::to_string(d.span.line);
    const std::string gutter(number.size(), ' ');
    std::string_view line = d.source_line;
    std::size_t start = byte_offset(line, d.span.column);
    std::size_t end = d.span.end_column > d.span.column ? byte_offset(line, d.span.end_column) : start + 1;
    // A long line (a 1 MiB value) is shown as a window around the marker, cut with "…".
    constexpr std::size_t window = 160;
    std::string_view ellipsis_before;
    std::string_view ellipsis_after;
    if (line.size() > window) {
        std::size_t from = start > 40 ? start - 40 : 0;
        while (from > 0 && (static_cast<unsigned char>(line[from]) & 0xC0) == 0x80)
            --from;
        std::size_t to = std::min(line.size(), from + window);
        while (to < line.size() && (static_cast<unsigned char>(line[to]) & 0xC0) == 0x80)
            ++to;
        if (from > 0) ellipsis_before = "…";
        if (to < line.size()) ellipsis_after = "…";
        line = line.substr(from, to - from);
        start -= from;
        end = std::min(end - from, line.size());
    }
    // Escaping can widen characters, so the marker is measured on the escaped text.
    const std::string before = std::string(ellipsis_before) + text::escape_for_terminal(line.substr(0, start));
    const std::string marked = text::escape_for_terminal(line.substr(start, end > start ? end - start : 1));
    const std::size_t width = std::max<std::size_t>(1, code_points(marked));
    out += fmt::format(" {}{} |{} {}{}{}\n", p.cyan, number, p.reset, ellipsis_before, text::escape_for_terminal(line),
                       ellipsis_after);
    out += fmt::format(" {}{} |{} {}{}^{}{}\n", p.cyan, gutter, p.reset, std::string(code_points(before), ' '),
                       d.severity == Severity::error ? p.red : p.yellow, std::string(width - 1, '~'), p.reset);
}

} // namespace

std::string render_text(const ReportInput& input, bool color) {
    const Palette& p = color ? colored : plain;
    std::string out;
    std::size_t errors = 0;
    std::size_t warnings = 0;
    const std::string* context = nullptr; // diagnostics of one commit share one heading
    for (const Diagnostic& d : input.diagnostics) {
        (d.severity == Severity::error ? errors : warnings) += 1;
        if (!d.context.empty() && (context == nullptr || *context != d.context))
            out += fmt::format("{}{}:{}\n", p.bold, text::escape_for_terminal(d.context), p.reset);
        context = &d.context;
        std::string location = text::escape_for_terminal(d.path);
        if (d.span.line > 0) location += fmt::format(":{}:{}", d.span.line, d.span.column);
        out += fmt::format("{}{}:{} {}{}[{}]{}: {}{}{}\n", p.bold, location, p.reset,
                           d.severity == Severity::error ? p.red : p.yellow, to_string(d.severity), rule_id(d.rule),
                           p.reset, p.bold, text::escape_for_terminal(d.message), p.reset);
        render_excerpt(out, d, p);
        if (!d.hint.empty()) out += fmt::format("  {}help:{} {}\n", p.cyan, p.reset, text::escape_for_terminal(d.hint));
    }
    // A push report's notes are the hook's own lines (printed by the command); others go here.
    if (input.decision.empty())
        for (const std::string& note : input.notes)
            out += fmt::format("{}note:{} {}\n", p.cyan, p.reset, text::escape_for_terminal(note));
    const int phase = static_cast<int>(input.phase);
    const std::size_t checked = input.files_checked;
    std::string files = checked == 1 ? "manifest" : "manifests";
    if (!input.registry_checked.empty())
        files += fmt::format(" and the registry {}", text::escape_for_terminal(input.registry_checked));
    if (errors == 0 && warnings == 0) {
        out += fmt::format("koder-spec-audit: {} {} checked in the {}, no problems (phase {})\n", checked, files,
                           text::escape_for_terminal(input.source), phase);
    } else {
        out += fmt::format("koder-spec-audit: {} error{}, {} warning{} in {} {} checked in the {} (phase {})\n", errors,
                           errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s", checked, files,
                           text::escape_for_terminal(input.source), phase);
    }
    return out;
}

std::string render(Format format, const ReportInput& input, bool color) {
    switch (format) {
    case Format::json: return render_json(input);
    case Format::sarif: return render_sarif(input);
    case Format::text:
    case Format::markdown: // not for diagnostics: the CLI refuses them before
    case Format::svg: break;
    }
    return render_text(input, color);
}

} // namespace ksa::report
