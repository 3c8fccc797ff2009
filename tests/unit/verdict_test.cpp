// receive/verdict.h: the push's verdict for every combination of findings, override, overrun
// and mode.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "receive/verdict.h"

using ksa::ServerConfig;
using ksa::receive::decide_push;
using ksa::receive::Verdict;
using ksa::receive::VerdictInput;

namespace {

enum class Overrun { none, rejected, accepted };
enum class Override { none, no_reason, deploy_key, not_listed, listed, listed_log_fails, listed_no_pusher };

ServerConfig server(Overrun overrun, bool warn_only) {
    ServerConfig config;
    config.accept_on_overrun = overrun == Overrun::accepted;
    config.warn_only = warn_only;
    config.override_users = {"alice", "bob"};
    config.override_log = "/var/log/overrides.log";
    return config;
}

VerdictInput facts(bool errors, Overrun overrun, Override request) {
    VerdictInput input;
    input.errors = errors;
    if (overrun != Overrun::none) input.overrun = "the push brings more than 5 new commits (koder-audit.maxCommits)";
    input.what_to_fix = "the manifests";
    input.pusher = "alice";
    switch (request) {
    case Override::none: input.pusher = ""; break;
    case Override::no_reason: input.override_reason = ""; break;
    case Override::deploy_key:
        input.override_reason = "hotfix";
        input.deploy_key = "12";
        break;
    case Override::not_listed:
        input.override_reason = "hotfix";
        input.pusher = "mallory";
        break;
    case Override::listed: input.override_reason = "hotfix"; break;
    case Override::listed_log_fails:
        input.override_reason = "hotfix";
        input.override_log_failed = true;
        break;
    case Override::listed_no_pusher:
        input.override_reason = "hotfix";
        input.pusher = "";
        break;
    }
    return input;
}

bool contains(const std::vector<std::string>& lines, const std::string& text) {
    for (const std::string& line : lines)
        if (line.find(text) != std::string::npos) return true;
    return false;
}

} // namespace

TEST_CASE("verdict: every combination of findings, overrun, override and mode", "[receive][verdict]") {
    for (const bool errors : {false, true})
        for (const Overrun overrun : {Overrun::none, Overrun::rejected, Overrun::accepted})
            for (const Override request :
                 {Override::none, Override::no_reason, Override::deploy_key, Override::not_listed, Override::listed,
                  Override::listed_log_fails, Override::listed_no_pusher})
                for (const bool warn_only : {false, true}) {
                    INFO("errors " << errors << ", overrun " << static_cast<int>(overrun) << ", override "
                                   << static_cast<int>(request) << ", warn-only " << warn_only);
                    const Verdict verdict = decide_push(facts(errors, overrun, request), server(overrun, warn_only));
                    // Accepted on its own: no error, and no overrun unless the server accepts one.
                    const bool clean = !errors && overrun != Overrun::rejected;
                    const bool granted = !clean && request == Override::listed;
                    const bool expected = clean || granted || warn_only;
                    CHECK(verdict.accept == expected);
                    CHECK(verdict.override_granted == granted);
                    // An override is looked at only when the push would otherwise be refused.
                    const bool looked_at = !clean && request != Override::none;
                    CHECK((contains(verdict.lines, "override") || contains(verdict.lines, "OVERRIDE")) == looked_at);
                    CHECK(contains(verdict.lines, "WARN-ONLY MODE") == (warn_only && !clean && !granted));
                    CHECK(contains(verdict.lines, "WARNING: ") == (overrun == Overrun::accepted));
                    CHECK(contains(verdict.lines, "rejected because the audit is incomplete") ==
                          (overrun == Overrun::rejected));
                    if (verdict.accept) {
                        CHECK(verdict.closing.empty());
                    } else if (errors) {
                        CHECK(verdict.closing ==
                              "push rejected: fix the manifests named above in new commits and push again");
                    } else {
                        CHECK(verdict.closing == "push rejected: the audit could not finish (see above); split the "
                                                 "push or ask an admin");
                    }
                }
}

TEST_CASE("verdict: the lines say why, in order: overrun, override, warn-only mode", "[receive][verdict]") {
    SECTION("an override by a listed pusher accepts an incomplete audit with errors") {
        const Verdict verdict =
            decide_push(facts(true, Overrun::rejected, Override::listed), server(Overrun::rejected, false));
        CHECK(verdict.accept);
        REQUIRE(verdict.lines.size() == 2);
        CHECK(verdict.lines[0] == "the push brings more than 5 new commits (koder-audit.maxCommits); rejected because "
                                  "the audit is incomplete (koder-audit.onOverrun = reject)");
        CHECK(verdict.lines[1] == "OVERRIDE by 'alice': \"hotfix\"; push accepted despite the findings above");
    }
    SECTION("each refused override says why") {
        const ServerConfig config = server(Overrun::none, false);
        CHECK(decide_push(facts(true, Overrun::none, Override::no_reason), config).lines ==
              std::vector<std::string>{"override ignored: give a reason, e.g. -o koder-audit.override=\"why\""});
        CHECK(decide_push(facts(true, Overrun::none, Override::deploy_key), config).lines ==
              std::vector<std::string>{"override ignored: the push comes from a deploy key (GITEA_DEPLOY_KEY_ID=12), "
                                       "which Forgejo reports as the repository's owner; overrides need a person's "
                                       "own push"});
        CHECK(decide_push(facts(true, Overrun::none, Override::not_listed), config).lines ==
              std::vector<std::string>{"override ignored: pusher 'mallory' is not listed in koder-audit.overrideUser"});
        CHECK(decide_push(facts(true, Overrun::none, Override::listed_no_pusher), config).lines ==
              std::vector<std::string>{"override ignored: pusher '' is not listed in koder-audit.overrideUser"});
        CHECK(decide_push(facts(true, Overrun::none, Override::listed_log_fails), config).lines ==
              std::vector<std::string>{"override refused: cannot write the override log /var/log/overrides.log"});
    }
    SECTION("a deploy key id of 0 is no deploy key") {
        VerdictInput input = facts(true, Overrun::none, Override::deploy_key);
        input.deploy_key = "0";
        CHECK(decide_push(input, server(Overrun::none, false)).accept);
    }
    SECTION("warn-only mode accepts what would be rejected, and says so last") {
        const Verdict verdict =
            decide_push(facts(true, Overrun::none, Override::not_listed), server(Overrun::none, true));
        CHECK(verdict.accept);
        REQUIRE(verdict.lines.size() == 2);
        CHECK(verdict.lines[1] ==
              "WARN-ONLY MODE (koder-audit.mode = warn): this push would have been rejected; accepted");
    }
    SECTION("values from the pusher are escaped") {
        VerdictInput input = facts(true, Overrun::none, Override::listed);
        input.override_reason = "why\x1b[31m";
        const Verdict verdict = decide_push(input, server(Overrun::none, false));
        CHECK(verdict.lines.back() ==
              "OVERRIDE by 'alice': \"why\\x1b[31m\"; push accepted despite the findings above");
    }
}

TEST_CASE("verdict: a push that could not be read is rejected, or accepted in warn-only mode", "[receive][verdict]") {
    const Verdict rejected =
        ksa::receive::decide_unreadable_push("could not read the push: gone", server(Overrun::none, false));
    CHECK_FALSE(rejected.accept);
    CHECK(rejected.lines.empty());
    CHECK(rejected.closing == "push rejected: could not read the push: gone");
    const Verdict accepted =
        ksa::receive::decide_unreadable_push("could not read the push: gone", server(Overrun::none, true));
    CHECK(accepted.accept);
    CHECK(accepted.lines == std::vector<std::string>{
                                "WARN-ONLY MODE (koder-audit.mode = warn): could not read the push: gone; accepted"});
}

TEST_CASE("verdict: an override record is one escaped line", "[receive][verdict]") {
    CHECK(ksa::receive::override_record("2026-01-02T03:04:05Z", "alice", {"refs/heads/main", "refs/tags/v1"},
                                        "hot\tfix\n") ==
          "2026-01-02T03:04:05Z\talice\trefs/heads/main,refs/tags/v1\thot\\tfix\\n\n");
}
