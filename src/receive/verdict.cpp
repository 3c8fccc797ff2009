#include "receive/verdict.h"

#include <algorithm>

#include <fmt/format.h>

#include "support/text.h"

namespace ksa::receive {
namespace {

// Forgejo names the repository's owner as the pusher of a deploy key's push
// (GITEA_PUSHER_NAME), so such a push cannot claim the owner's override right.
bool from_deploy_key(std::string_view deploy_key) { return !deploy_key.empty() && deploy_key != "0"; }

} // namespace

Verdict decide_push(const VerdictInput& input, const ServerConfig& config) {
    Verdict verdict;
    verdict.accept = !input.errors;
    if (!input.overrun.empty()) {
        if (config.accept_on_overrun) {
            verdict.lines.push_back(fmt::format("WARNING: {}; the rest of the push was NOT audited and is accepted "
                                                "(koder-audit.onOverrun = accept)",
                                                input.overrun));
        } else {
            verdict.accept = false;
            verdict.lines.push_back(fmt::format(
                "{}; rejected because the audit is incomplete (koder-audit.onOverrun = reject)", input.overrun));
        }
    }
    if (input.override_reason && !verdict.accept) {
        const std::string& reason = *input.override_reason;
        const bool listed = !input.pusher.empty() &&
                            std::find(config.override_users.begin(), config.override_users.end(), input.pusher) !=
                                config.override_users.end();
        if (reason.empty()) {
            verdict.lines.emplace_back("override ignored: give a reason, e.g. -o koder-audit.override=\"why\"");
        } else if (from_deploy_key(input.deploy_key)) {
            verdict.lines.push_back(fmt::format("override ignored: the push comes from a deploy key "
                                                "(GITEA_DEPLOY_KEY_ID={}), which Forgejo reports as the repository's "
                                                "owner; overrides need a person's own push",
                                                text::escape_for_terminal(input.deploy_key)));
        } else if (!listed) {
            verdict.lines.push_back(
                fmt::format("override ignored: pusher '{}' is not listed in koder-audit.overrideUser",
                            text::escape_for_terminal(input.pusher)));
        } else if (input.override_log_failed) {
            verdict.lines.push_back(
                fmt::format("override refused: cannot write the override log {}", config.override_log));
        } else {
            verdict.accept = true;
            verdict.override_granted = true;
            verdict.lines.push_back(fmt::format("OVERRIDE by '{}': \"{}\"; push accepted despite the findings above",
                                                text::escape_for_terminal(input.pusher),
                                                text::escape_for_terminal(reason)));
        }
    }
    // Warn-only rollout: everything above is reported, nothing is refused.
    if (config.warn_only && !verdict.accept) {
        verdict.accept = true;
        verdict.lines.emplace_back("WARN-ONLY MODE (koder-audit.mode = warn): this push would have been rejected; "
                                   "accepted");
    }
    if (!verdict.accept)
        verdict.closing =
            input.errors
                ? fmt::format("push rejected: fix {} named above in new commits and push again", input.what_to_fix)
                : "push rejected: the audit could not finish (see above); split the push or ask an admin";
    return verdict;
}

Verdict decide_unreadable_push(std::string_view why, const ServerConfig& config) {
    Verdict verdict;
    const std::string reason = text::escape_for_terminal(why);
    if (config.warn_only) {
        verdict.accept = true;
        verdict.lines.push_back(fmt::format("WARN-ONLY MODE (koder-audit.mode = warn): {}; accepted", reason));
    } else {
        verdict.closing = fmt::format("push rejected: {}", reason);
    }
    return verdict;
}

std::string override_record(std::string_view time, std::string_view pusher, const std::vector<std::string>& refs,
                            std::string_view reason) {
    std::string joined;
    for (const std::string& ref : refs)
        joined += (joined.empty() ? "" : ",") + ref;
    return fmt::format("{}\t{}\t{}\t{}\n", time, text::escape_for_terminal(pusher), text::escape_for_terminal(joined),
                       text::escape_for_terminal(reason));
}

} // namespace ksa::receive
