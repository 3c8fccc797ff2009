#include "evidence/gate_check.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "audit/engine.h"
#include "evidence/changelog.h"
#include "manifest/model.h"
#include "manifest/paths.h"

namespace ksa::evidence {
namespace {

// A path the manifest gives that must stay inside the repository; the reason when it does not.
std::optional<std::string> escapes_repository(std::string_view path) {
    if (path.empty()) return "is empty";
    if (path.front() == '/') return "is absolute: evidence must be a path inside the repository";
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        if (path.substr(start, end - start) == "..") return "leaves the repository through `..`";
        start = end + 1;
    }
    return std::nullopt;
}

// "./a/b/" → "a/b": how a tree source names the entry (sources do not resolve `.` segments).
std::string tree_path(std::string_view path) {
    while (path.starts_with("./"))
        path.remove_prefix(2);
    while (path.size() > 1 && path.back() == '/')
        path.remove_suffix(1);
    return std::string(path);
}

class ComponentCheck {
  public:
    ComponentCheck(TreeSource& source, const AuditConfig& config, const manifest::Document& document,
                   const manifest::SelfHosted& block, std::string name, GateCheckResult& out)
        : source_(source), config_(config), document_(document), block_(block), name_(std::move(name)), out_(out) {}

    void run(const StabilityOracle& stability) {
        check_benchmark();
        check_production();
        check_changelog();
        check_stability(stability);
        check_official();
    }

  private:
    void report(RuleCode rule, SourceSpan span, std::string message, std::string hint = {}) {
        out_.diagnostics.push_back(
            make_diagnostic(rule, config_.severities(), document_.location(span), std::move(message), std::move(hint)));
    }

    const manifest::LocatedGate* passed(std::string_view gate) const {
        for (const manifest::LocatedGate& entry : block_.gates_passed)
            if (entry.well_formed && entry.entry.gate == gate) return &entry;
        return nullptr;
    }

    void check_benchmark() {
        const manifest::LocatedGate* performance = passed("performance");
        if (!block_.benchmark_ref) {
            if (performance != nullptr)
                report(RuleCode::benchmark_evidence, performance->span,
                       fmt::format("gate `{}` is passed but no `benchmark_ref` backs it", performance->raw),
                       "add `benchmark_ref = \"path/to/benchmark.md\"` (a file committed in this repository)");
            return;
        }
        const manifest::LocatedString& ref = *block_.benchmark_ref;
        if (const auto problem = escapes_repository(ref.value)) {
            report(RuleCode::benchmark_evidence, ref.span,
                   fmt::format("`benchmark_ref = \"{}\"` {}", ref.value, *problem),
                   "give a repository-relative path, e.g. \"engines/x/bench/x-vs-y.md\"");
            return;
        }
        auto entry = source_.stat(tree_path(ref.value));
        if (!entry) {
            report(RuleCode::benchmark_evidence, ref.span,
                   fmt::format("`benchmark_ref` {} could not be read: {}", ref.value, entry.failure().message));
        } else if (entry->kind == EntryKind::missing) {
            report(RuleCode::benchmark_evidence, ref.span,
                   fmt::format("`benchmark_ref` {} does not exist in the {}", ref.value, source_.description()),
                   "commit the benchmark report at that path, or correct the path");
        } else if (entry->kind != EntryKind::file) {
            report(RuleCode::benchmark_evidence, ref.span,
                   fmt::format("`benchmark_ref` {} is {}, expected a regular file", ref.value, describe(entry->kind)),
                   "point at the benchmark report itself, committed as a plain file");
        }
    }

    void check_production() {
        std::set<std::string> consumers;
        for (const manifest::LocatedString& ref : block_.production_ref) {
            if (is_host(ref.value)) {
                out_.hosts.push_back({name_, ref.value, document_.location(ref.span)});
                continue;
            }
            std::string module(ref.value);
            while (module.size() > 1 && module.back() == '/')
                module.pop_back();
            if (const auto problem = escapes_repository(module)) {
                report(RuleCode::production_evidence, ref.span,
                       fmt::format("`production_ref` entry \"{}\" {}", ref.value, *problem));
                continue;
            }
            auto entry = source_.stat(manifest::module_manifest_path(module));
            if (!entry || entry->kind != EntryKind::file) {
                report(RuleCode::production_evidence, ref.span,
                       fmt::format("`production_ref` entry \"{}\" names no module: there is no {} in the {}", ref.value,
                                   manifest::module_manifest_path(module), source_.description()),
                       "name a consuming module by its folder (e.g. \"products/dev/flow/engine\") or a host by its "
                       "name (e.g. \"s.forge\")");
                continue;
            }
            if (module == document_.module_dir) {
                out_.notes.push_back(fmt::format("{}: production_ref \"{}\" is the module itself and does not count "
                                                 "as a consumer",
                                                 name_, ref.value));
                continue;
            }
            consumers.insert(module);
        }
        const manifest::LocatedGate* proven = passed("production_proven");
        if (proven != nullptr && consumers.size() < 2)
            report(RuleCode::production_evidence, proven->span,
                   fmt::format("gate `{}` needs at least 2 consuming modules in `production_ref`; found {}{}",
                               proven->raw, consumers.size(),
                               consumers.empty() ? "" : fmt::format(" ({})", fmt::join(consumers, ", "))),
                   "list the consuming modules' folders in `production_ref` (hosts show where it runs, not who "
                   "consumes it)");
    }

    void check_changelog() {
        if (!block_.status) return; // KSA004 in --validate
        const std::string& status = block_.status->value;
        const std::string path = document_.module_dir.empty() ? "CHANGELOG.md" : document_.module_dir + "/CHANGELOG.md";
        // A fragment shares its module's CHANGELOG: its marker names the component.
        const std::string wanted = document_.kind == manifest::ManifestKind::fragment
                                       ? fmt::format("<!-- koder-status({}): {} -->", name_, status)
                                       : fmt::format("<!-- koder-status: {} -->", status);
        auto entry = source_.stat(path);
        if (!entry || entry->kind != EntryKind::file) {
            const std::string what = !entry                              ? entry.failure().message
                                     : entry->kind == EntryKind::missing ? std::string("does not exist")
                                                                         : fmt::format("is {}", describe(entry->kind));
            report(RuleCode::changelog_marker, block_.status->span,
                   fmt::format("`status = \"{}\"` is not backed: {} {}", status, path, what),
                   fmt::format("add {} with a line `{}` in the entry that made the change", path, wanted));
            return;
        }
        auto text = source_.read(path);
        if (!text) {
            report(RuleCode::changelog_marker, block_.status->span,
                   fmt::format("{} could not be read: {}", path, text.failure().message));
            return;
        }
        const auto marker = current_marker(parse_status_markers(*text), name_);
        if (!marker) {
            report(RuleCode::changelog_marker, block_.status->span,
                   fmt::format("`status = \"{}\"` is not backed: {} has no koder-status marker", status, path),
                   fmt::format("add the line `{}` to the newest entry of {}", wanted, path));
        } else if (marker->status != status) {
            report(RuleCode::changelog_marker, block_.status->span,
                   fmt::format("`status = \"{}\"` but the newest koder-status marker of {} (line {}) says `{}`", status,
                               path, marker->line, marker->status),
                   fmt::format("add the line `{}` to the entry that made the change (newest first)", wanted));
        }
    }

    // The cases a `stability` entry speaks for, from the audited block (never from the history:
    // a claim made in the working tree or the index must be judged as made there). With a case,
    // that case; without one, the declared `cases`, or every case plus each case a gate names.
    std::vector<std::string> claimed_cases(const manifest::LocatedGate& gate) const {
        if (!gate.entry.case_name.empty()) return {gate.entry.case_name};
        std::vector<std::string> cases;
        if (block_.cases) {
            for (const manifest::LocatedString& item : *block_.cases)
                if (std::find(cases.begin(), cases.end(), item.value) == cases.end()) cases.push_back(item.value);
            return cases;
        }
        cases.emplace_back();
        for (const auto* list : {&block_.gates_passed, &block_.gates_pending})
            for (const manifest::LocatedGate& entry : *list)
                if (entry.well_formed && !entry.entry.case_name.empty() &&
                    std::find(cases.begin(), cases.end(), entry.entry.case_name) == cases.end())
                    cases.push_back(entry.entry.case_name);
        return cases;
    }

    void check_stability(const StabilityOracle& stability) {
        for (const manifest::LocatedGate& gate : block_.gates_passed) {
            if (!gate.well_formed || gate.entry.gate != "stability") continue;
            if (block_.status && block_.status->value == "experimental") {
                report(RuleCode::stability_evidence, gate.span,
                       fmt::format("gate `{}` is passed while `status = \"experimental\"` (G3 fails for experimental)",
                                   gate.raw),
                       "move `stability` to gates_pending, or promote the status once --history confirms it");
                continue;
            }
            const std::string case_label = gate.entry.case_name.empty() ? "every case" : gate.entry.case_name;
            // Earned when every case the claim speaks for earned it; the details name the others.
            bool unchecked = !stability;
            bool earned = true;
            int releases = 0;
            int needed = 0;
            std::vector<std::string> details;
            for (const std::string& case_name : claimed_cases(gate)) {
                if (unchecked) break;
                const auto verdict = stability(name_, case_name);
                if (!verdict) {
                    unchecked = true;
                    break;
                }
                needed = std::max(needed, verdict->needed);
                if (verdict->earned) continue;
                releases = earned ? verdict->releases : std::min(releases, verdict->releases);
                earned = false;
                details.push_back(fmt::format("{}: {}", case_name.empty() ? "every case" : case_name, verdict->detail));
            }
            if (unchecked) {
                out_.notes.push_back(
                    fmt::format("{}: `{}` ({}) not checked (no history verdict)", name_, gate.raw, case_label));
            } else if (!earned) {
                report(RuleCode::stability_evidence, gate.span,
                       fmt::format("gate `{}` is passed but the history verdict says it is not earned: {} of {} "
                                   "releases; {}",
                                   gate.raw, releases, needed, fmt::join(details, "; ")),
                       "move `stability` to gates_pending until `self-hosted --history` confirms it");
            }
        }
    }

    // The same promise as KSA009: official cases have no pending gate (a gate without a case,
    // or with no `cases`, applies to every case).
    void check_official() {
        if (!block_.status || block_.status->value != "official") return;
        std::set<std::string> cases;
        if (block_.cases)
            for (const auto& item : *block_.cases)
                cases.insert(item.value);
        for (const manifest::LocatedGate& gate : block_.gates_pending) {
            if (!gate.well_formed) continue;
            const std::string& case_name = gate.entry.case_name;
            if (block_.cases && !case_name.empty() && cases.count(case_name) == 0) continue;
            report(RuleCode::official_with_pending_gate, gate.span,
                   fmt::format("`status = \"official\"` but gate `{}` is pending for {}", gate.entry.key(),
                               case_name.empty() ? std::string("every case") : "the official case " + case_name),
                   "close the gate, narrow `cases`, or use `status = \"stable\"` until it closes");
        }
    }

    TreeSource& source_;
    const AuditConfig& config_;
    const manifest::Document& document_;
    const manifest::SelfHosted& block_;
    std::string name_;
    GateCheckResult& out_;
};

} // namespace

bool is_host(std::string_view entry) {
    return entry.find('.') != std::string_view::npos && entry.find('/') == std::string_view::npos;
}

GateCheckResult check_evidence(TreeSource& source, const std::vector<Candidate>& candidates, const AuditConfig& config,
                               const StabilityOracle& stability) {
    GateCheckResult result;
    for (const Candidate& candidate : candidates) {
        audit::ParsedCandidate parsed = audit::read_and_parse(source, candidate, config, result.diagnostics);
        if (parsed.was_read) ++result.manifests_read;
        if (!parsed.document) continue;
        const auto block = manifest::extract_self_hosted(*parsed.document);
        if (!block) continue;
        ++result.components;
        std::string name = manifest::extract_identity(*parsed.document).name;
        if (name.empty()) name = parsed.document->module_dir;
        ComponentCheck(source, config, *parsed.document, *block, std::move(name), result).run(stability);
    }
    sort_diagnostics(result.diagnostics);
    return result;
}

void add_probe_results(GateCheckResult& result, const std::vector<ProbeResult>& answers, const AuditConfig& config) {
    for (std::size_t i = 0; i < answers.size() && i < result.hosts.size(); ++i) {
        const HostClaim& claim = result.hosts[i];
        if (answers[i].reachable) {
            result.notes.push_back(
                fmt::format("{}: production host {} answers: {}", claim.component, claim.host, answers[i].answer));
            continue;
        }
        result.diagnostics.push_back(
            make_diagnostic(RuleCode::host_unreachable, config.severities(), claim.at,
                            fmt::format("production host {} does not answer: {}", claim.host, answers[i].problem),
                            "check the host name in `production_ref`, or that the service runs"));
    }
    sort_diagnostics(result.diagnostics);
}

void check_hosts(GateCheckResult& result, const ProbeOptions* probe, const AuditConfig& config) {
    if (probe == nullptr) {
        if (!result.hosts.empty())
            result.notes.push_back(fmt::format("{} production host(s) not probed (use --online)", result.hosts.size()));
        return;
    }
    std::vector<std::string> hosts;
    for (const HostClaim& claim : result.hosts)
        hosts.push_back(claim.host);
    add_probe_results(result, probe_hosts(hosts, *probe), config);
}

} // namespace ksa::evidence
