#include <fmt/format.h>

#include "audit/engine.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "git/repository.h"
#include "support/text.h"

namespace ksa::cli {
namespace {

int cannot_run(const std::string& message) {
    fmt::print(stderr, "koder-spec-audit pre-commit: error: {}\n", text::escape_for_terminal(message));
    return exit_cannot_run;
}

} // namespace

int pre_commit_command(const CommonOptions& options) {
    auto repository = git::Repository::open_from_environment();
    if (!repository) return cannot_run(repository.failure().message);
    auto staged = repository->staged_manifest_changes();
    if (!staged) return cannot_run(staged.failure().message);
    if (staged->changes.empty()) return exit_clean;  // nothing the audit governs is staged: no blob read

    TreeSource& source = *staged->index;
    auto config = audit::load_config(source, overrides_from(options));
    if (!config) return cannot_run(config.failure().message);

    auto candidates = audit::candidates_for_changes(source, staged->changes);
    if (!candidates) return cannot_run(candidates.failure().message);
    const audit::AuditRun run = audit::audit_candidates(source, *candidates, *config);
    const report::ReportInput input{"staged changes", config->phase, run.files_checked, run.diagnostics};
    const int code = emit_report(options.output, input, stderr);
    if (code == exit_violations && options.output.format == report::Format::text)
        fmt::print(stderr, "koder-spec-audit: commit rejected; fix the staged manifests (or bypass with "
                           "`git commit --no-verify`)\n");
    return code;
}

} // namespace ksa::cli
