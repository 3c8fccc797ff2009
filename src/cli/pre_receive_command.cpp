#include <algorithm>
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
#include "support/text.h"

namespace ksa::cli {
namespace {

constexpr std::size_t max_input_bytes = 16 * 1024 * 1024;
constexpr std::string_view prefix = "koder-spec-audit";

// Every line to the pusher goes through here: git relays stderr to their terminal.
void say(std::string_view message) { fmt::print(stderr, "{}: {}\n", prefix, message); }

int reject(std::string_view why) {
    say(fmt::format("push rejected: {}", text::escape_for_terminal(why)));
    return exit_cannot_run;
}

Expected<std::string> read_stdin() {
    std::string input;
    char buffer[65536];
    for (;;) {
        const std::size_t got = std::fread(buffer, 1, sizeof buffer, stdin);
        input.append(buffer, got);
        if (input.size() > max_input_bytes) return Failure{"more than 16 MiB of ref updates on stdin"};
        if (got < sizeof buffer) break;
    }
    if (std::ferror(stdin)) return Failure{"cannot read the ref updates from stdin"};
    return input;
}

Expected<ServerConfig> load_server_config(git::Repository& repository, const CommonOptions& options) {
    auto values = repository.config_values(server_config_section);
    if (!values) return values.failure();
    ConfigValues merged;
    std::string origin = "git config";
    // A server-wide file named by koder-audit.configFile; the repository's own keys win.
    if (const auto file = values->find("koder-audit.configfile"); file != values->end() && !file->second.empty()) {
        auto from_file = git::Repository::config_file_values(file->second.back(), server_config_section);
        if (!from_file) return from_file.failure();
        merged = std::move(*from_file);
        origin = "git config or " + file->second.back();
    }
    for (auto& [key, list] : *values)
        merged[key] = std::move(list);
    auto config = parse_server_config(merged, origin);
    if (!config) return config.failure();
    apply_overrides(config->audit, overrides_from(options));
    return config;
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

} // namespace

int pre_receive_command(const CommonOptions& options, bool format_given) {
    const auto started = receive::Clock::now();
    auto input = read_stdin();
    if (!input) return reject(input.failure().message);
    auto updates = receive::parse_ref_updates(*input);
    if (!updates) return reject(updates.failure().message);

    auto repository = git::Repository::open_from_environment();
    if (!repository) return reject(repository.failure().message);
    auto config = load_server_config(*repository, options);
    if (!config) return reject(fmt::format("bad server configuration: {}", config.failure().message));

    auto audit = receive::audit_push(*repository, *updates, *config, started);
    if (!audit) {
        const std::string why = fmt::format("could not read the push: {}", audit.failure().message);
        if (!config->warn_only) return reject(why);
        say(fmt::format("WARN-ONLY MODE (koder-audit.mode = warn): {}; accepted", text::escape_for_terminal(why)));
        return exit_clean;
    }

    const bool errors = has_errors(audit->diagnostics);
    std::vector<std::string> verdict; // the lines that explain the decision
    bool accept = !errors;
    if (!audit->overrun.empty()) {
        if (config->accept_on_overrun) {
            verdict.push_back(fmt::format("WARNING: {}; the rest of the push was NOT audited and is accepted "
                                          "(koder-audit.onOverrun = accept)",
                                          audit->overrun));
        } else {
            accept = false;
            verdict.push_back(fmt::format(
                "{}; rejected because the audit is incomplete (koder-audit.onOverrun = reject)", audit->overrun));
        }
    }
    if (const auto reason = override_request(); reason && !accept) {
        const char* pusher_value = std::getenv(config->pusher_variable.c_str());
        const std::string pusher = pusher_value != nullptr ? pusher_value : "";
        const bool listed = !pusher.empty() && std::find(config->override_users.begin(), config->override_users.end(),
                                                         pusher) != config->override_users.end();
        // Forgejo names the repository's owner as the pusher of a deploy key's push
        // (GITEA_PUSHER_NAME), so such a push cannot claim the owner's override right.
        const char* deploy_key = std::getenv("GITEA_DEPLOY_KEY_ID");
        const bool from_deploy_key =
            deploy_key != nullptr && *deploy_key != '\0' && std::string_view(deploy_key) != "0";
        if (reason->empty()) {
            verdict.push_back("override ignored: give a reason, e.g. -o koder-audit.override=\"why\"");
        } else if (from_deploy_key) {
            verdict.push_back(
                fmt::format("override ignored: the push comes from a deploy key (GITEA_DEPLOY_KEY_ID={}), "
                            "which Forgejo reports as the repository's owner; overrides need a person's "
                            "own push",
                            text::escape_for_terminal(deploy_key)));
        } else if (!listed) {
            verdict.push_back(fmt::format("override ignored: pusher '{}' is not listed in koder-audit.overrideUser",
                                          text::escape_for_terminal(pusher)));
        } else {
            std::string refs;
            for (const receive::RefUpdate& update : *updates)
                refs += (refs.empty() ? "" : ",") + update.ref;
            const std::string record = fmt::format("{}\t{}\t{}\t{}\n", utc_now(), text::escape_for_terminal(pusher),
                                                   text::escape_for_terminal(refs), text::escape_for_terminal(*reason));
            if (!config->override_log.empty() && !append_override_log(config->override_log, record)) {
                verdict.push_back(
                    fmt::format("override refused: cannot write the override log {}", config->override_log));
            } else {
                accept = true;
                verdict.push_back(fmt::format("OVERRIDE by '{}': \"{}\"; push accepted despite the findings above",
                                              text::escape_for_terminal(pusher), text::escape_for_terminal(*reason)));
            }
        }
    }

    // Warn-only rollout: everything above is reported, nothing is refused.
    if (config->warn_only && !accept) {
        accept = true;
        verdict.push_back("WARN-ONLY MODE (koder-audit.mode = warn): this push would have been rejected; accepted");
    }

    CommonOptions output = options;
    if (!format_given && config->format == "json") output.output.format = report::Format::json;
    const std::string source =
        fmt::format("push ({} new commit{} on {} ref{})", audit->commits_checked,
                    audit->commits_checked == 1 ? "" : "s", audit->refs_updated, audit->refs_updated == 1 ? "" : "s");
    report::ReportInput report{source,
                               config->audit.phase,
                               audit->manifests_checked,
                               audit->diagnostics,
                               accept ? "accepted" : "rejected",
                               audit->commits_checked,
                               audit->notes};
    report.notes.insert(report.notes.end(), verdict.begin(), verdict.end());
    if (audit->registry_checked) report.registry_checked = config->audit.registry_path;
    const bool quiet = audit->diagnostics.empty() && audit->manifests_checked == 0 && verdict.empty();
    if (output.output.format != report::Format::text || !quiet) emit_report(output.output, report, stderr);
    if (output.output.format == report::Format::text) {
        for (const std::string& line : verdict)
            say(line);
        if (!accept && errors)
            say(fmt::format("push rejected: fix {} named above in new commits and push again",
                            receive::what_to_fix(audit->diagnostics)));
        else if (!accept)
            say("push rejected: the audit could not finish (see above); split the push or ask an admin");
    }
    return accept ? exit_clean : exit_violations;
}

} // namespace ksa::cli
