#include <algorithm>

#include <fmt/format.h>

#include "audit/engine.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "support/text.h"

namespace ksa::cli {
namespace {} // namespace

int validate_command(const CommonOptions& options, Selection selection, const std::vector<std::string>& targets) {
    auto opened = open_source(options);
    if (!opened) return cannot_run(opened.failure().message);
    TreeSource& source = *opened->source;
    auto config = audit::load_config(source, overrides_from(options));
    if (!config) return cannot_run(config.failure().message);
    auto candidates = select_candidates(*opened, selection, targets);
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
