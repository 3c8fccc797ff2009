#include <algorithm>

#include <fmt/format.h>

#include "audit/engine.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "support/text.h"

namespace ksa::cli {
namespace {

int cannot_run(const std::string& message) {
    fmt::print(stderr, "koder-spec-audit: error: {}\n", text::escape_for_terminal(message));
    return exit_cannot_run;
}

// The candidates the user asked for, each target contributing at least one or failing.
Expected<std::vector<Candidate>> select(TreeSource& source, const std::string& prefix, Selection selection,
                                        const std::vector<std::string>& targets) {
    if (targets.empty()) return source.list_manifests(prefix.empty() ? "" : prefix);
    std::vector<Candidate> selected;
    for (const std::string& target : targets) {
        auto path = to_repository_path(prefix, target);
        if (!path) return path.failure();
        auto found = selection == Selection::modules ? audit::module_candidates(source, *path)
                                                     : source.list_manifests(*path);
        if (!found) return found.failure();
        if (found->empty()) {
            const std::string what = selection == Selection::modules ? "no module (koder.toml or fragment)"
                                                                     : "no koder.toml or self-hosted fragment";
            return Failure{fmt::format("{} at '{}' in the {}", what, target, source.description())};
        }
        for (Candidate& candidate : *found) selected.push_back(std::move(candidate));
    }
    std::sort(selected.begin(), selected.end(), [](const Candidate& a, const Candidate& b) { return a.path < b.path; });
    selected.erase(std::unique(selected.begin(), selected.end(),
                               [](const Candidate& a, const Candidate& b) { return a.path == b.path; }),
                   selected.end());
    return selected;
}

} // namespace

int validate_command(const CommonOptions& options, Selection selection, const std::vector<std::string>& targets) {
    auto opened = open_source(options);
    if (!opened) return cannot_run(opened.failure().message);
    TreeSource& source = *opened->source;
    auto config = audit::load_config(source, overrides_from(options));
    if (!config) return cannot_run(config.failure().message);
    auto candidates = select(source, opened->prefix, selection, targets);
    if (!candidates) return cannot_run(candidates.failure().message);
    const audit::AuditRun run = audit::audit_candidates(source, *candidates, *config);
    const report::ReportInput input{source.description(), config->phase, run.files_checked, run.diagnostics};
    return emit_report(options.output, input, stdout);
}

int rules_command(const CommonOptions& options) {
    (void)options;
    for (const RuleInfo& rule : all_rules())
        fmt::print("{}  {:<28} phase 4: {:<7} phase 5: {:<7} {}\n", rule_id(rule.code), rule.name,
                   to_string(rule.phase4), to_string(rule.phase5), rule.summary);
    return exit_clean;
}

} // namespace ksa::cli
