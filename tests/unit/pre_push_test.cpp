// The pre-push hook's input and plan (receive/pre_push.h): git's "<local ref> <local id>
// <remote ref> <remote id>" lines, and what the remote is known to have.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "receive/pre_push.h"
#include "test_support.h"

using ksa::receive::parse_pushed_refs;
using ksa::receive::plan_pre_push;
using ksa::receive::PushedRef;
using ksa::receive::remote_tracking_pattern;
using ksa::test::GitRepo;

namespace {

const std::string zero40(40, '0');
const std::string a40 = "0123456789abcdef0123456789abcdef01234567";
const std::string b40 = "89abcdef0123456789abcdef0123456789abcdef";

std::string failure_of(const std::string& input) {
    auto result = parse_pushed_refs(input);
    INFO("input: " << input);
    REQUIRE_FALSE(result.ok());
    return result.failure().message;
}

class GitDirScope {
  public:
    explicit GitDirScope(const GitRepo& repo) { ::setenv("GIT_DIR", repo.git_dir().c_str(), 1); }
    ~GitDirScope() { ::unsetenv("GIT_DIR"); }
    GitDirScope(const GitDirScope&) = delete;
    GitDirScope& operator=(const GitDirScope&) = delete;
};

std::string head_of(const GitRepo& repo, const std::string& what = "HEAD") {
    std::string id = repo.git("rev-parse " + what);
    id.resize(40);
    return id;
}

} // namespace

TEST_CASE("pre-push input: four fields, the local ref may hold spaces", "[receive][pre-push]") {
    auto parsed =
        parse_pushed_refs("refs/heads/main " + a40 + " refs/heads/main " + b40 + "\n" + "HEAD^{/fix the bug} " + a40 +
                          " refs/heads/x " + zero40 + "\r\n\n" + "(delete) " + zero40 + " refs/heads/old " + b40);
    REQUIRE(parsed.ok());
    REQUIRE(parsed->size() == 3);
    CHECK((*parsed)[0].local_ref == "refs/heads/main");
    CHECK((*parsed)[0].local_id == a40);
    CHECK((*parsed)[0].remote_ref == "refs/heads/main");
    CHECK((*parsed)[0].remote_id == b40);
    CHECK((*parsed)[1].local_ref == "HEAD^{/fix the bug}");
    CHECK((*parsed)[1].remote_ref == "refs/heads/x");
    CHECK((*parsed)[2].local_ref == "(delete)");
    CHECK((*parsed)[2].local_id == zero40);
    auto empty = parse_pushed_refs("");
    REQUIRE(empty.ok());
    CHECK(empty->empty());
}

TEST_CASE("pre-push input: a malformed line fails with its number and the expected shape", "[receive][pre-push]") {
    const std::string good = "refs/heads/main " + a40 + " refs/heads/main " + b40 + "\n";
    CHECK_THAT(failure_of(good + a40 + " refs/heads/main " + b40),
               Catch::Contains("stdin line 2: fewer than four fields") &&
                   Catch::Contains("<local-ref> <local-id> <remote-ref> <remote-id>"));
    CHECK_THAT(failure_of("main nothex refs/heads/main " + b40), Catch::Contains("not 40 or 64 lower-case hex"));
    CHECK_THAT(failure_of("main " + a40 + " refs/heads/main " + b40 + "0000"),
               Catch::Contains("not 40 or 64 lower-case hex"));
    CHECK_THAT(failure_of("main " + zero40 + " refs/heads/main " + zero40), Catch::Contains("both ids are zero"));
    CHECK_THAT(failure_of(" " + a40 + " refs/heads/main " + b40), Catch::Contains("the local ref is empty"));
    CHECK_THAT(failure_of("main " + a40 + " refs/heads/\x01x " + b40),
               Catch::Contains("remote ref name") && Catch::Contains("\\x01"));
}

TEST_CASE("pre-push: the remote-tracking pattern escapes fnmatch's special characters", "[receive][pre-push]") {
    CHECK(remote_tracking_pattern("origin") == "refs/remotes/origin/*");
    CHECK(remote_tracking_pattern("a*b?[c]\\") == "refs/remotes/a\\*b\\?\\[c]\\\\/*");
}

TEST_CASE("pre-push plan: the remote's known ids and remote-tracking refs are trusted", "[receive][pre-push]") {
    GitRepo repo;
    repo.write("a.txt", "a");
    repo.git("add -A");
    repo.git("-c user.name=T -c user.email=t@x commit -q -m a");
    const std::string base = head_of(repo);
    repo.git("update-ref refs/remotes/origin/main HEAD");
    repo.write("b.txt", "b");
    repo.git("add -A");
    repo.git("-c user.name=T -c user.email=t@x commit -q -m b");
    const std::string tip = head_of(repo);
    GitDirScope scope(repo);
    auto repository = ksa::git::Repository::open_from_environment();
    REQUIRE(repository.ok());

    const std::vector<PushedRef> pushed{{"refs/heads/main", tip, "refs/heads/main", base},
                                        {"refs/heads/main", tip, "refs/heads/new", zero40},
                                        {"refs/heads/main", tip, "refs/heads/moved", a40},
                                        {"(delete)", zero40, "refs/heads/gone", b40}};
    auto plan = plan_pre_push(*repository, pushed, "origin");
    REQUIRE(plan.ok());
    CHECK(plan->trusted.ref_patterns == std::vector<std::string>{"refs/remotes/origin/*"});
    CHECK(plan->trusted.commits == std::vector<std::string>{base});
    // The server's view: old = the remote's id, new = the local id, the remote's ref.
    REQUIRE(plan->updates.size() == 4);
    CHECK(plan->updates[0].old_id == base);
    CHECK(plan->updates[0].new_id == tip);
    CHECK(plan->updates[0].ref == "refs/heads/main");
    CHECK(plan->updates[1].is_creation());
    // An id this repository does not have is judged like a new branch, and said so.
    CHECK(plan->updates[2].ref == "refs/heads/moved");
    CHECK(plan->updates[2].is_creation());
    REQUIRE(plan->notes.size() == 1);
    CHECK_THAT(plan->notes[0], Catch::Contains("refs/heads/moved") && Catch::Contains("does not"));
    // A deletion pushes nothing, whatever the remote had: passed on for the audit to note.
    CHECK(plan->updates[3].is_deletion());
    CHECK(plan->updates[3].ref == "refs/heads/gone");

    auto by_url = plan_pre_push(*repository, pushed, "");
    REQUIRE(by_url.ok());
    CHECK(by_url->trusted.ref_patterns.empty());
}
