#include <cstdio>

#include <fmt/format.h>

#include "audit/engine.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "support/text.h"

namespace ksa::cli {

int validate_command(const CommonOptions& options, Selection selection, const std::vector<std::string>& targets) {
    auto opened = open_source(options);
    if (!opened) return cannot_run(opened.failure().message);
    TreeSource& source = *opened->source;
    auto config = audit::load_config(source, options.settings);
    if (!config) return cannot_run(config.failure().message);
    auto candidates = select_candidates(*opened, selection, targets);
    if (!candidates) return cannot_run(candidates.failure().message);
    const audit::AuditRun run = audit::audit_candidates(source, *candidates, *config);
    const report::ReportInput input{source.description(), config->phase, run.files_checked, run.diagnostics};
    return emit_report(options.output, input, stdout);
}

int rules_command(const CommonOptions& options) {
    const std::string out = report::render(options.output.format, all_rules(), {});
    std::fwrite(out.data(), 1, out.size(), stdout);
    return exit_clean;
}

} // namespace ksa::cli
