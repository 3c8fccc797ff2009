#include <cstdlib>

#include <fmt/format.h>

#include "audit/engine.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "git/repository.h"
#include "receive/pre_push.h"
#include "receive/push_audit.h"
#include "receive/verdict.h"
#include "support/text.h"

namespace ksa::cli {
namespace {

constexpr std::string_view bypass = "or bypass once with `git push --no-verify`";

void say(std::string_view message) { fmt::print(stderr, "koder-spec-audit: {}\n", message); }

int stop(std::string_view why) {
    say(fmt::format("push stopped: {}; {}", text::escape_for_terminal(why), bypass));
    return exit_cannot_run;
}

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr ? value : "";
}

// One range to judge instead of git's stdin: from the options, else from the variables the
// pre-commit framework sets for its pre-push stage (it reads git's stdin itself, and sets no
// range when the push brings a root commit: then the local ref is what is pushed).
struct Range {
    std::string from;
    std::string to;
    std::string remote_ref;
    std::string remote;
};

Range requested_range(const PrePushOptions& push) {
    Range range{push.from_ref, push.to_ref, push.remote_ref, push.remote};
    if (range.to.empty() && range.from.empty()) {
        range.from = environment("PRE_COMMIT_FROM_REF");
        range.to = environment("PRE_COMMIT_TO_REF");
        if (range.to.empty()) range.to = environment("PRE_COMMIT_LOCAL_BRANCH");
    }
    if (range.remote_ref.empty()) range.remote_ref = environment("PRE_COMMIT_REMOTE_BRANCH");
    if (range.remote.empty()) range.remote = environment("PRE_COMMIT_REMOTE_NAME");
    return range;
}

Expected<std::vector<receive::PushedRef>> range_refs(git::Repository& repository, const Range& range) {
    auto to = repository.resolve_commit(range.to);
    if (!to) return to.failure();
    if (to->empty()) return Failure{fmt::format("--to-ref '{}' names no commit", range.to)};
    std::string from(to->size(), '0');
    if (!range.from.empty()) {
        auto resolved = repository.resolve_commit(range.from);
        if (!resolved) return resolved.failure();
        if (resolved->empty()) return Failure{fmt::format("--from-ref '{}' names no commit", range.from)};
        from = *resolved;
    }
    std::string remote_ref = range.remote_ref;
    if (remote_ref.empty()) remote_ref = range.to.starts_with("refs/") ? range.to : "HEAD";
    return std::vector<receive::PushedRef>{{range.to, *to, remote_ref, from}};
}

// The pre-commit hook's configuration: the file as staged (a bare repository: HEAD's).
Expected<AuditConfig> developer_config(git::Repository& repository, const SettingOverrides& overrides) {
    if (!repository.workdir().empty()) {
        auto index = repository.index_source();
        if (!index) return index.failure();
        return audit::load_config(**index, overrides);
    }
    auto head = repository.resolve_commit("HEAD");
    if (!head) return head.failure();
    if (head->empty()) return audit::load_config(overrides);
    auto tree = repository.revision_source("HEAD");
    if (!tree) return tree.failure();
    return audit::load_config(**tree, overrides);
}

} // namespace

int pre_push_command(const CommonOptions& options, const PrePushOptions& push) {
    const auto started = receive::Clock::now();
    const Range range = requested_range(push);
    if (!range.from.empty() && range.to.empty()) return cannot_run("--from-ref works only together with --to-ref");

    auto repository = git::Repository::open_from_environment();
    if (!repository) return stop(repository.failure().message);
    Expected<std::vector<receive::PushedRef>> pushed{std::vector<receive::PushedRef>()};
    if (range.to.empty()) {
        auto input = read_ref_lines();
        if (!input) return stop(input.failure().message);
        pushed = receive::parse_pushed_refs(*input);
    } else {
        pushed = range_refs(*repository, range);
    }
    if (!pushed) return stop(pushed.failure().message);
    auto plan = receive::plan_pre_push(*repository, *pushed, range.remote);
    if (!plan) return stop(plan.failure().message);
    if (plan->updates.empty()) return exit_clean;

    auto config = developer_config(*repository, options.settings);
    if (!config) return stop(fmt::format("bad configuration: {}", config.failure().message));
    // The server's own settings cannot be known here: its defaults, with the file's audit settings.
    ServerConfig server;
    server.audit = std::move(*config);

    auto audit = receive::audit_push(*repository, plan->updates, server, plan->trusted, started);
    if (!audit) return stop(fmt::format("could not read the push: {}", audit.failure().message));

    receive::VerdictInput facts;
    facts.errors = has_errors(audit->diagnostics);
    facts.overrun = audit->overrun;
    facts.what_to_fix = receive::what_to_fix(audit->diagnostics);
    const receive::Verdict verdict = receive::decide_push(facts, server);

    const std::string remote = range.remote.empty() ? std::string("the remote") : range.remote;
    const std::string source =
        fmt::format("push to {} ({} new commit{} on {} ref{})", remote, audit->commits_checked,
                    audit->commits_checked == 1 ? "" : "s", audit->refs_updated, audit->refs_updated == 1 ? "" : "s");
    report::ReportInput report{source,
                               server.audit.phase,
                               audit->manifests_checked,
                               audit->diagnostics,
                               verdict.accept ? "accepted" : "stopped",
                               audit->commits_checked,
                               plan->notes};
    report.notes.insert(report.notes.end(), audit->notes.begin(), audit->notes.end());
    report.notes.insert(report.notes.end(), verdict.lines.begin(), verdict.lines.end());
    if (audit->registry_checked) report.registry_checked = server.audit.registry_path;
    const bool quiet =
        audit->diagnostics.empty() && audit->manifests_checked == 0 && verdict.lines.empty() && plan->notes.empty();
    if (options.output.format != report::Format::text || !quiet) emit_report(options.output, report, stderr);
    if (options.output.format == report::Format::text) {
        for (const std::string& line : plan->notes)
            say(text::escape_for_terminal(line));
        for (const std::string& line : verdict.lines)
            say(line);
        if (!verdict.accept)
            say(facts.errors ? fmt::format("push stopped before sending: the server's pre-receive hook would refuse "
                                           "it; fix {} named above in new commits and push again ({})",
                                           facts.what_to_fix, bypass)
                             : fmt::format("push stopped before sending: the audit could not finish (see above); "
                                           "split the push ({})",
                                           bypass));
    }
    return verdict.accept ? exit_clean : exit_violations;
}

} // namespace ksa::cli
