// `self-hosted --gate-check [MODULE...] [--online]`: evidence for every passed gate, reported
// through the same renderers as --validate.
#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "audit/engine.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "evidence/gate_check.h"
#include "evidence/http_probe.h"
#include "git/history_reader.h"
#include "git/repository.h"
#include "history/run.h"
#include "support/text.h"

namespace ksa::cli {
namespace {

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

// The G3 verdicts of `--history` for the revision audited (HEAD for the working tree and the
// index): gate-check asks it about every `stability` in gates_passed. When the history cannot
// be read (no commits yet, not a repository), a note says so and the claims stay unchecked.
evidence::StabilityOracle history_oracle(const CommonOptions& options, const AuditConfig& config,
                                         std::vector<std::string>& notes) {
    auto repository = git::Repository::open_from_environment();
    if (!repository) {
        notes.push_back(fmt::format("stability claims not checked: {}", repository.failure().message));
        return {};
    }
    git::HistoryReader reader(*repository);
    history::HistoryRequest request;
    if (!options.source.revision.empty()) request.revision = options.source.revision;
    // The same limits as the rest of the check (the configuration of the audited tree).
    request.max_manifest_bytes = config.max_manifest_bytes;
    request.max_nesting_depth = config.max_nesting_depth;
    auto result = history::run_history(reader, request);
    if (!result) {
        notes.push_back(fmt::format("stability claims not checked: {}", result.failure().message));
        return {};
    }
    if (result->history.shallow) notes.push_back("stability verdicts come from a shallow clone and may be incomplete");
    if (options.source.revision.empty())
        notes.push_back(
            fmt::format("stability verdicts are those of the history up to HEAD ({})", result->tip.substr(0, 10)));
    auto mined = std::make_shared<history::HistoryResult>(std::move(*result));
    const std::string revision = request.revision;
    // One case at a time, as the audited tree claims it: a component or a case the history does
    // not hold (the claim is new in the working tree or the index) has earned nothing.
    return [mined, revision](std::string_view component,
                             std::string_view case_name) -> std::optional<evidence::StabilityVerdict> {
        evidence::StabilityVerdict answer;
        answer.needed = history::required_releases;
        const auto& verdicts = mined->components;
        const auto found = std::find_if(verdicts.begin(), verdicts.end(),
                                        [&](const history::ComponentVerdict& v) { return v.name == component; });
        const auto mined_component = mined->history.components.find(std::string(component));
        if (found == verdicts.end() || mined_component == mined->history.components.end()) {
            answer.detail = fmt::format("no [self_hosted] block of {} in the history up to {}", component, revision);
            return answer;
        }
        const auto known = std::find_if(found->cases.begin(), found->cases.end(),
                                        [&](const history::CaseVerdict& v) { return v.case_name == case_name; });
        const history::CaseVerdict verdict =
            known != found->cases.end()
                ? *known
                : history::judge_case(mined_component->second, found->releases, std::string(case_name), mined->window);
        answer.earned = verdict.passes;
        answer.releases = static_cast<int>(verdict.releases.size());
        if (verdict.passes) return answer;
        if (!verdict.left_experimental)
            answer.detail = fmt::format("still experimental in the history up to {}", revision);
        else if (verdict.last_regression)
            answer.detail = fmt::format("{} release(s) since the regression at {} ({})", verdict.releases.size(),
                                        mined->history.commits.at(verdict.last_regression->commit).id.substr(0, 10),
                                        verdict.last_regression->reason);
        else
            answer.detail = fmt::format("{} release(s) since it left experimental", verdict.releases.size());
        return answer;
    };
}

} // namespace

int gate_check_command(const CommonOptions& options, const std::vector<std::string>& modules,
                       const GateCheckOptions& gate_check) {
    auto opened = open_source(options);
    if (!opened) return cannot_run(opened.failure().message);
    TreeSource& source = *opened->source;
    auto config = audit::load_config(source, overrides_from(options));
    if (!config) return cannot_run(config.failure().message);
    auto candidates = select_candidates(*opened, Selection::modules, modules);
    if (!candidates) return cannot_run(candidates.failure().message);
    std::vector<std::string> history_notes;
    const evidence::StabilityOracle stability = history_oracle(options, *config, history_notes);
    evidence::GateCheckResult result = evidence::check_evidence(source, *candidates, *config, stability);
    result.notes.insert(result.notes.begin(), history_notes.begin(), history_notes.end());
    if (gate_check.online)
        probe(result, gate_check);
    else if (!result.hosts.empty())
        result.notes.push_back(fmt::format("{} production host(s) not probed (use --online)", result.hosts.size()));
    report::ReportInput input{source.description(), config->phase, result.manifests_read, result.diagnostics};
    input.notes = result.notes;
    return emit_report(options.output, input, stdout);
}

} // namespace ksa::cli
