// The audit of a push: every commit it makes new to the repository, each through its diff
// against its parents, with the same engine and rules as the pre-commit hook.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "config/server_config.h"
#include "diag/diagnostic.h"
#include "git/repository.h"
#include "receive/ref_update.h"

namespace ksa::receive {

struct PushAudit {
    Diagnostics diagnostics; // in commit order, each with its ref/commit context
    std::size_t commits_checked = 0;
    std::size_t manifests_checked = 0;
    std::size_t refs_updated = 0;
    std::vector<std::string> notes; // informational lines (deletions, tags to blobs)
    std::string overrun;            // why the audit stopped early, "" when it did not
    bool registry_checked = false;  // the registry rules looked at the registry (it changed, or has findings)
};

using Clock = std::chrono::steady_clock;

// What a pusher must fix, in a few words, from the errors found: "the manifests", "the
// registry", "the trees and refs" (for the closing line of a rejection).
std::string what_to_fix(const Diagnostics& diagnostics);

// What a push may count as already checked: the commits that refs matching `ref_patterns` lead
// to (Repository::trusted_commits), and `commits` themselves.
struct TrustedTips {
    std::vector<std::string> ref_patterns;
    std::vector<std::string> commits{};
};

// Runs the audit. A Failure means something could not be read: the caller rejects the push.
// The server trusts its own refs (`config.trusted_refs`); the pre-push hook trusts what it
// knows the remote has (`trusted`).
Expected<PushAudit> audit_push(git::Repository& repository, const std::vector<RefUpdate>& updates,
                               const ServerConfig& config, Clock::time_point started);
Expected<PushAudit> audit_push(git::Repository& repository, const std::vector<RefUpdate>& updates,
                               const ServerConfig& config, const TrustedTips& trusted, Clock::time_point started);

} // namespace ksa::receive
