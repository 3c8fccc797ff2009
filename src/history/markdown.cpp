// --history --format markdown: GitHub-flavoured Markdown to paste into a pull request comment
// or a wiki page. Every value from the repository goes through the registry's escaping
// (registry::markdown_cell / markdown_code), so a hostile name cannot break the table or inject
// links or HTML.
#include <fmt/format.h>

#include "history/render.h"
#include "registry/registry.h"

namespace ksa::history {
namespace {

using registry::markdown_cell;
using registry::markdown_code;

std::string commit_cell(const HistoryResult& result, std::uint32_t commit) {
    const CommitInfo& info = result.history.commits.at(commit);
    return fmt::format("{} {}", format_date(info.time), markdown_code(short_id(info.id)));
}

std::string case_cell(const std::string& name) {
    return name.empty() ? std::string("(every case)") : markdown_code(name);
}

std::string left_cell(const HistoryResult& result, const CaseVerdict& verdict) {
    if (!verdict.left_experimental) return "—";
    std::string cell = commit_cell(result, *verdict.left_experimental);
    if (verdict.left_before_window)
        cell += ", before the window";
    else if (!verdict.left_version.empty())
        cell += fmt::format(" ({})", markdown_code(verdict.left_version));
    return cell;
}

std::string releases_cell(const CaseVerdict& verdict) {
    if (!verdict.left_experimental) return "—";
    std::string cell = std::to_string(verdict.releases.size());
    if (verdict.releases.empty()) return cell;
    cell += ": ";
    if (shown_releases < verdict.releases.size()) cell += "…, ";
    const auto versions = newest_versions(verdict);
    for (std::size_t i = 0; i < versions.size(); ++i)
        cell += (i > 0 ? ", " : "") + markdown_code(versions[i]);
    return cell;
}

std::string regression_cell(const HistoryResult& result, const CaseVerdict& verdict) {
    if (!verdict.last_regression) return "—";
    return fmt::format("{}: {}", commit_cell(result, verdict.last_regression->commit),
                       markdown_cell(verdict.last_regression->reason));
}

std::string verdict_cell(const CaseVerdict& verdict) {
    return verdict.passes ? fmt::format("**{}**", verdict_label(verdict)) : verdict_label(verdict);
}

std::string plural(std::size_t count, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", count, count == 1 ? one : many);
}

void summary(std::string& out, const HistoryResult& result) {
    const VerdictCounts counts = count_verdicts(result);
    out += fmt::format("{}, {}: **{} G3**, {} more releases, {} experimental",
                       plural(counts.components, "component", "components"), plural(counts.cases, "case", "cases"),
                       plural(counts.passing, "passes", "pass"), plural(counts.waiting, "needs", "need"),
                       counts.experimental);
    if (counts.disagreeing == 0)
        out += "; every declared stability gate agrees.\n\n";
    else
        out += fmt::format("; **the declared stability gate disagrees in {}**.\n\n",
                           plural(counts.disagreeing, "case", "cases"));
}

void window(std::string& out, const HistoryResult& result) {
    const auto& commits = result.history.commits;
    const std::string end =
        fmt::format("from {} to {}", commit_cell(result, result.window.first), commit_cell(result, result.window.last));
    if (result.window.first == 0 && result.window.last + 1 == commits.size()) {
        out += fmt::format("History covered: {}, {}", plural(commits.size(), "commit", "commits"), end);
    } else {
        out +=
            fmt::format("History covered: the --since/--until window, {} of {}, {}",
                        plural(result.window.last - result.window.first + 1, "commit", "commits"), commits.size(), end);
    }
    if (result.history.shallow) out += " (a shallow clone: older history is not seen)";
    out += ".\n\n";
}

} // namespace

std::string render_markdown(const HistoryResult& result) {
    std::string out;
    out += fmt::format("### G3 stability from the first-parent history of {}\n\n", markdown_code(short_id(result.tip)));
    if (result.empty_window) {
        out += "No commit of the history falls inside the --since/--until window.\n";
        for (const std::string& note : result.notes)
            out += fmt::format("\n> note: {}\n", markdown_cell(note));
        return out;
    }
    if (!result.components.empty()) summary(out, result);
    window(out, result);
    out += fmt::format("G3: the component left experimental and held for at least {} releases without a regression "
                       "affecting the case.\n\n",
                       required_releases);
    if (result.components.empty()) {
        out += "No self-hosted component in this history.\n";
    } else {
        out += "| Component | Case | Status | Left experimental | Releases since | Last regression | G3 |\n";
        out += "|---|---|---|---|---|---|---|\n";
        for (const ComponentVerdict& component : result.components)
            for (const CaseVerdict& verdict : component.cases)
                out +=
                    fmt::format("| **{}** | {} | {} | {} | {} | {} | {} |\n", markdown_cell(component.name),
                                case_cell(verdict.case_name), markdown_cell(verdict.status), left_cell(result, verdict),
                                releases_cell(verdict), regression_cell(result, verdict), verdict_cell(verdict));
    }
    bool titled = false;
    for (const ComponentVerdict& component : result.components)
        for (const CaseVerdict& verdict : component.cases) {
            if (verdict.disagreement.empty()) continue;
            if (!titled) out += "\n#### The declared stability gate disagrees\n\n";
            titled = true;
            out += fmt::format("- **{}** ({}), {}: {}\n", markdown_cell(component.name), case_cell(verdict.case_name),
                               markdown_code(component.path), markdown_cell(verdict.disagreement));
        }
    if (!result.invalid.empty()) {
        out += "\n#### Manifest versions that could not be used (skipped)\n\n";
        for (const InvalidManifest& invalid : result.invalid)
            out += fmt::format("- {}, {}: {}\n", commit_cell(result, invalid.commit), markdown_code(invalid.path),
                               markdown_cell(invalid.problem));
    }
    if (!result.notes.empty()) {
        out += "\n";
        for (const std::string& note : result.notes)
            out += fmt::format("> note: {}\n", markdown_cell(note));
    }
    return out;
}

} // namespace ksa::history
