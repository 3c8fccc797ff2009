// The pre-push hook's view of a push: git's "<local ref> <local id> <remote ref> <remote id>"
// lines turned into the pre-receive audit's ref updates and trusted tips, so the developer's
// side judges a push with the server's engine and rules before it is sent.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "git/repository.h"
#include "receive/push_audit.h"
#include "receive/ref_update.h"
#include "support/expected.h"

namespace ksa::receive {

struct PushedRef {
    std::string local_ref; // as the refspec named it ("refs/heads/main", "HEAD", "(delete)"); raw bytes
    std::string local_id;  // all zeros for a deletion
    std::string remote_ref;
    std::string remote_id; // all zeros when the remote does not have the ref
};

// Parses every line strictly, like parse_ref_updates; the local ref may hold spaces (it is
// whatever the refspec's source was), so the three other fields are taken from the right.
Expected<std::vector<PushedRef>> parse_pushed_refs(std::string_view input);

struct PrePushPlan {
    std::vector<RefUpdate> updates; // the server's view: "<remote id> <local id> <remote ref>"
    TrustedTips trusted;            // what the remote is known to have
    std::vector<std::string> notes; // remote ids this repository does not have
};

// The remote has the commits of its remote-tracking refs (refs/remotes/REMOTE/*) and, when
// this repository has them, the ids the lines say its refs hold. A remote id this repository
// does not have is not trusted, and its update is judged like a new branch (against what the
// remote-tracking refs hold). `remote` is git's first hook argument: a remote's name, or a URL
// when the push names none (then only the known remote ids are trusted).
Expected<PrePushPlan> plan_pre_push(git::Repository& repository, const std::vector<PushedRef>& pushed,
                                    std::string_view remote);

// `refs/remotes/REMOTE/*` with fnmatch's special characters of REMOTE escaped.
std::string remote_tracking_pattern(std::string_view remote);

} // namespace ksa::receive
