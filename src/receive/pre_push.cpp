#include "receive/pre_push.h"

#include <fmt/format.h>

namespace ksa::receive {

Expected<std::vector<PushedRef>> parse_pushed_refs(std::string_view input) {
    std::vector<PushedRef> pushed;
    for (const InputLine& numbered : input_lines(input)) {
        const std::string_view line = numbered.text;
        const auto bad = [&](std::string_view why) {
            return bad_input_line(numbered, why, "<local-ref> <local-id> <remote-ref> <remote-id>");
        };
        std::string_view fields[3];
        std::string_view rest = line;
        for (int i = 2; i >= 0; --i) {
            const auto space = rest.rfind(' ');
            if (space == std::string_view::npos) return bad("fewer than four fields");
            fields[i] = rest.substr(space + 1);
            rest = rest.substr(0, space);
        }
        PushedRef ref{std::string(rest), std::string(fields[0]), std::string(fields[1]), std::string(fields[2])};
        if (ref.local_ref.empty()) return bad("the local ref is empty");
        if (!is_hex_id(ref.local_id) || !is_hex_id(ref.remote_id))
            return bad("an id is not 40 or 64 lower-case hex digits");
        if (ref.local_id.size() != ref.remote_id.size()) return bad("the two ids have different lengths");
        if (!is_valid_ref(ref.remote_ref))
            return bad("the remote ref name is empty, too long or holds control characters");
        if (is_zero_id(ref.local_id) && is_zero_id(ref.remote_id)) return bad("both ids are zero");
        pushed.push_back(std::move(ref));
    }
    return pushed;
}

std::string remote_tracking_pattern(std::string_view remote) {
    std::string pattern = "refs/remotes/";
    for (const char c : remote) {
        if (c == '*' || c == '?' || c == '[' || c == '\\') pattern += '\\';
        pattern += c;
    }
    return pattern + "/*";
}

Expected<PrePushPlan> plan_pre_push(git::Repository& repository, const std::vector<PushedRef>& pushed,
                                    std::string_view remote) {
    PrePushPlan plan;
    if (!remote.empty()) plan.trusted.ref_patterns.push_back(remote_tracking_pattern(remote));
    for (const PushedRef& ref : pushed) {
        RefUpdate update{ref.remote_id, ref.local_id, ref.remote_ref};
        if (update.is_deletion()) { // pushes nothing: the audit only notes it
            plan.updates.push_back(std::move(update));
            continue;
        }
        if (!is_zero_id(ref.remote_id)) {
            auto peeled = repository.peel(ref.remote_id);
            if (!peeled) return peeled.failure();
            if (peeled->first == git::ObjectKind::missing) {
                plan.notes.push_back(fmt::format("{}: the remote has {}, which this repository does not; judged "
                                                 "like a new branch (fetch to compare with it)",
                                                 ref.remote_ref, ref.remote_id.substr(0, 10)));
                update.old_id = std::string(ref.remote_id.size(), '0');
            } else if (peeled->first == git::ObjectKind::commit) {
                plan.trusted.commits.push_back(peeled->second);
            }
        }
        plan.updates.push_back(std::move(update));
    }
    return plan;
}

} // namespace ksa::receive
