// The push's verdict: a pure function of what the audit found (errors, an overrun), what the
// pusher asked for (an override) and what the server allows (onOverrun, overrideUser, mode).
// The hook only gathers these facts and prints the answer.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/server_config.h"

namespace ksa::receive {

struct VerdictInput {
    bool errors = false;                          // findings of error severity
    std::string overrun{};                        // why the audit stopped early; "" when it finished
    std::optional<std::string> override_reason{}; // -o koder-audit.override[=REASON]; nullopt: not asked
    std::string pusher{};                         // the value of koder-audit.pusherVariable's variable
    std::string deploy_key{};                     // GITEA_DEPLOY_KEY_ID; "" or "0": not a deploy key
    bool override_log_failed = false;             // the override could not be appended to overrideLog
    std::string what_to_fix{};                    // what_to_fix(findings), for the closing line
};

struct Verdict {
    bool accept = false;
    std::vector<std::string> lines{}; // why, in order: overrun, override, warn-only mode
    // An override was granted: the caller appends it to koder-audit.overrideLog (when set) and,
    // if that fails, decides again with `override_log_failed`.
    bool override_granted = false;
    std::string closing{}; // the last line for the pusher when the push is rejected
};

Verdict decide_push(const VerdictInput& input, const ServerConfig& config);

// A push the audit could not read: rejected with the reason, or accepted in warn-only mode.
Verdict decide_unreadable_push(std::string_view why, const ServerConfig& config);

// One record of the override log: time, pusher, refs, reason; tab-separated, one line.
std::string override_record(std::string_view time, std::string_view pusher, const std::vector<std::string>& refs,
                            std::string_view reason);

} // namespace ksa::receive
