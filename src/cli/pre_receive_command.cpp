#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include <cerrno>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/app.h"
#include "cli/commands.h"
#include "git/repository.h"
#include "receive/push_audit.h"
#include "receive/ref_update.h"
#include "receive/server_settings.h"
#include "receive/verdict.h"
#include "support/text.h"

namespace ksa::cli {
namespace {

constexpr std::string_view prefix = "koder-spec-audit";

// Every line to the pusher goes through here: git relays stderr to their terminal.
void say(std::string_view message) { fmt::print(stderr, "{}: {}\n", prefix, message); }

int reject(std::string_view why) {
    say(fmt::format("push rejected: {}", text::escape_for_terminal(why)));
    return exit_cannot_run;
}

// The reason given with `git push -o koder-audit.override="reason"`, if any.
std::optional<std::string> override_request() {
    const char* count_text = std::getenv("GIT_PUSH_OPTION_COUNT");
    if (count_text == nullptr) return std::nullopt;
    const long count = std::strtol(count_text, nullptr, 10);
    std::optional<std::string> reason;
    constexpr std::string_view key = "koder-audit.override";
    for (long i = 0; i < count && i < 1000; ++i) {
        const char* option = std::getenv(fmt::format("GIT_PUSH_OPTION_{}", i).c_str());
        if (option == nullptr) continue;
        const std::string_view text = option;
        if (text == key)
            reason = std::string();
        else if (text.starts_with(key) && text[key.size()] == '=')
            reason = std::string(text.substr(key.size() + 1));
    }
    return reason;
}

// Appends one record whole. Concurrent pushes run concurrent hooks: O_APPEND puts each write at
// the end, and the exclusive lock keeps a record that needs several writes (a short write, a
// long reason) from interleaving with another hook's.
bool append_override_log(const std::string& path, const std::string& line) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    bool written = ::flock(fd, LOCK_EX) == 0;
    for (std::size_t done = 0; written && done < line.size();) {
        const ssize_t got = ::write(fd, line.data() + done, line.size() - done);
        if (got < 0 && errno == EINTR) continue;
        written = got > 0;
        if (written) done += static_cast<std::size_t>(got);
    }
    return ::close(fd) == 0 && written; // closing releases the lock
}

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm parts{};
    gmtime_r(&now, &parts);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return buffer;
}

std::string environment(const std::string& name) {
    const char* value = std::getenv(name.c_str());
    return value != nullptr ? value : "";
}

} // namespace

int pre_receive_command(const CommonOptions& options) {
    const auto started = receive::Clock::now();
    auto input = read_ref_lines();
    if (!input) return reject(input.failure().message);
    auto updates = receive::parse_ref_updates(*input);
    if (!updates) return reject(updates.failure().message);

    auto repository = git::Repository::open_from_environment();
    if (!repository) return reject(repository.failure().message);
    auto settings = receive::read_server_settings(*repository, options.settings);
    if (!settings) return reject(fmt::format("bad server configuration: {}", settings.failure().message));
    const ServerConfig& config = settings->config;

    auto audit = receive::audit_push(*repository, *updates, config, started);
    if (!audit) {
        const receive::Verdict verdict = receive::decide_unreadable_push(
            fmt::format("could not read the push: {}", audit.failure().message), config);
        for (const std::string& line : verdict.lines)
            say(line);
        if (!verdict.accept) say(verdict.closing);
        return verdict.accept ? exit_clean : exit_cannot_run;
    }

    receive::VerdictInput facts;
    facts.errors = has_errors(audit->diagnostics);
    facts.overrun = audit->overrun;
    facts.override_reason = override_request();
    facts.pusher = environment(config.pusher_variable);
    facts.deploy_key = environment("GITEA_DEPLOY_KEY_ID");
    facts.what_to_fix = receive::what_to_fix(audit->diagnostics);
    receive::Verdict verdict = receive::decide_push(facts, config);
    if (verdict.override_granted && !config.override_log.empty()) {
        std::vector<std::string> refs;
        for (const receive::RefUpdate& update : *updates)
            refs.push_back(update.ref);
        if (!append_override_log(config.override_log,
                                 receive::override_record(utc_now(), facts.pusher, refs, *facts.override_reason))) {
            facts.override_log_failed = true;
            verdict = receive::decide_push(facts, config);
        }
    }

    OutputOptions output = options.output;
    if (!output.format_given && config.format == "json") output.format = report::Format::json;
    const std::string source =
        fmt::format("push ({} new commit{} on {} ref{})", audit->commits_checked,
                    audit->commits_checked == 1 ? "" : "s", audit->refs_updated, audit->refs_updated == 1 ? "" : "s");
    report::ReportInput report{source,
                               config.audit.phase,
                               audit->manifests_checked,
                               audit->diagnostics,
                               verdict.accept ? "accepted" : "rejected",
                               audit->commits_checked,
                               audit->notes};
    report.notes.insert(report.notes.end(), verdict.lines.begin(), verdict.lines.end());
    if (audit->registry_checked) report.registry_checked = config.audit.registry_path;
    const bool quiet = audit->diagnostics.empty() && audit->manifests_checked == 0 && verdict.lines.empty();
    if (output.format != report::Format::text || !quiet) emit_report(output, report, stderr);
    if (output.format == report::Format::text) {
        for (const std::string& line : verdict.lines)
            say(line);
        if (!verdict.accept) say(verdict.closing);
    }
    return verdict.accept ? exit_clean : exit_violations;
}

} // namespace ksa::cli
