// `self-hosted --gate-check [MODULE...] [--online]`: evidence for every passed gate, reported
// through the same renderers as --validate.
#include <fmt/format.h>

#include "audit/engine.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "evidence/gate_check.h"
#include "evidence/http_probe.h"
#include "support/text.h"

namespace ksa::cli {
namespace {

int cannot_run(const std::string& message) {
    fmt::print(stderr, "koder-spec-audit: error: {}\n", text::escape_for_terminal(message));
    return exit_cannot_run;
}

// --online: one finding per host that answers neither scheme, a note per host that does.
void probe(evidence::GateCheckResult& result, const GateCheckOptions& gate_check) {
    std::vector<std::string> hosts;
    for (const evidence::HostClaim& claim : result.hosts)
        hosts.push_back(claim.host);
    evidence::ProbeOptions options;
    options.timeout = std::chrono::milliseconds(static_cast<long>(gate_check.timeout_seconds * 1000));
    const std::vector<evidence::ProbeResult> answers = evidence::probe_hosts(hosts, options);
    for (std::size_t i = 0; i < answers.size(); ++i) {
        const evidence::HostClaim& claim = result.hosts[i];
        if (answers[i].reachable) {
            result.notes.push_back(
                fmt::format("{}: production host {} answers: {}", claim.component, claim.host, answers[i].answer));
            continue;
        }
        Diagnostic diagnostic = claim.at;
        diagnostic.message = fmt::format("production host {} does not answer: {}", claim.host, answers[i].problem);
        diagnostic.hint = "check the host name in `production_ref`, or that the service runs";
        result.diagnostics.push_back(std::move(diagnostic));
    }
    sort_diagnostics(result.diagnostics);
}

} // namespace

int gate_check_command(const CommonOptions& options, const std::vector<std::string>& modules,
                       const GateCheckOptions& gate_check) {
    auto opened = open_source(options);
    if (!opened) return cannot_run(opened.failure().message);
    TreeSource& source = *opened->source;
    auto config = audit::load_config(source, overrides_from(options));
    if (!config) return cannot_run(config.failure().message);
    auto candidates = select_candidates(source, opened->prefix, Selection::modules, modules);
    if (!candidates) return cannot_run(candidates.failure().message);
    // No history verdict is wired yet: every stability claim is reported as not checked.
    const evidence::StabilityOracle no_history;
    evidence::GateCheckResult result = evidence::check_evidence(source, *candidates, *config, no_history);
    if (gate_check.online)
        probe(result, gate_check);
    else if (!result.hosts.empty())
        result.notes.push_back(fmt::format("{} production host(s) not probed (use --online)", result.hosts.size()));
    report::ReportInput input{source.description(), config->phase, result.manifests_read, result.diagnostics};
    input.notes = result.notes;
    return emit_report(options.output, input, stdout);
}

} // namespace ksa::cli
