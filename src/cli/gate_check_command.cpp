// `self-hosted --gate-check [MODULE...] [--online]`: evidence for every passed gate, reported
// through the same renderers as --validate.
#include <fmt/format.h>

#include "audit/engine.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "evidence/gate_check.h"
#include "evidence/history_oracle.h"
#include "evidence/http_probe.h"

namespace ksa::cli {

int gate_check_command(const CommonOptions& options, const std::vector<std::string>& modules,
                       const GateCheckOptions& gate_check) {
    auto opened = open_source(options);
    if (!opened) return cannot_run(opened.failure().message);
    TreeSource& source = *opened->source;
    auto config = audit::load_config(source, options.settings);
    if (!config) return cannot_run(config.failure().message);
    auto candidates = select_candidates(*opened, Selection::modules, modules);
    if (!candidates) return cannot_run(candidates.failure().message);
    std::vector<std::string> history_notes;
    const evidence::StabilityOracle stability =
        evidence::history_oracle(options.source.revision, *config, history_notes);
    evidence::GateCheckResult result = evidence::check_evidence(source, *candidates, *config, stability);
    result.notes.insert(result.notes.begin(), history_notes.begin(), history_notes.end());
    evidence::ProbeOptions probe;
    probe.timeout = std::chrono::milliseconds(static_cast<long>(gate_check.timeout_seconds * 1000));
    probe.connect_timeout = probe.timeout;
    evidence::check_hosts(result, gate_check.online ? &probe : nullptr, *config);
    report::ReportInput input{source.description(), config->phase, result.manifests_read, result.diagnostics};
    input.notes = result.notes;
    return emit_report(options.output, input, stdout);
}

} // namespace ksa::cli
