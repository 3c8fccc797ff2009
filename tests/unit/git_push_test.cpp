// The git layer as the pre-receive hook uses it, on real repositories: which commits are new
// (reachable from the pushed tip and from no trusted ref), the trusted refs, and the changes a
// commit or a branch's end state makes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "git/repository.h"
#include "test_support.h"

using ksa::test::GitRepo;

namespace {

// GIT_DIR for the time of one test, as git sets it for hooks.
class GitDirScope {
  public:
    explicit GitDirScope(const GitRepo& repo) { ::setenv("GIT_DIR", repo.git_dir().c_str(), 1); }
    ~GitDirScope() { ::unsetenv("GIT_DIR"); }
    GitDirScope(const GitDirScope&) = delete;
    GitDirScope& operator=(const GitDirScope&) = delete;
};

std::string commit(const GitRepo& repo, const std::string& path, const std::string& content, const std::string& date) {
    repo.write(path, content);
    repo.git("add -A");
    repo.git("-c user.name=T -c user.email=t@x commit -q -m '" + path + "' --date='" + date + "'");
    std::string id = repo.git("rev-parse HEAD");
    id.resize(40);
    return id;
}

std::string rev(const GitRepo& repo, const std::string& what) {
    std::string id = repo.git("rev-parse " + what);
    id.resize(40);
    return id;
}

bool contains(const std::vector<std::string>& list, const std::string& id) {
    return std::find(list.begin(), list.end(), id) != list.end();
}

} // namespace

TEST_CASE("git push: new commits are those no trusted ref reaches, parents first", "[git][push]") {
    GitRepo repo;
    const std::string base = commit(repo, "a.txt", "a", "2026-01-01T00:00:00Z");
    repo.git("branch trusted");
    // Side commits reachable only from an untrusted namespace (a pull request's head).
    repo.git("checkout -q -b pr");
    const std::string pr = commit(repo, "b.txt", "b", "2026-01-02T00:00:00Z");
    repo.git("update-ref refs/pull/1/head HEAD");
    repo.git("checkout -q main");
    const std::string mine = commit(repo, "c.txt", "c", "2026-01-03T00:00:00Z");
    repo.git("-c user.name=T -c user.email=t@x merge -q --no-ff -m merge pr");
    const std::string merge = rev(repo, "HEAD");
    repo.git("checkout -q --detach");
    repo.git("branch -f main " + base); // the server's main is still at base
    GitDirScope scope(repo);
    auto repository = ksa::git::Repository::open_from_environment();
    REQUIRE(repository.ok());
    auto trusted = repository->trusted_commits({"refs/heads/*", "refs/tags/*"});
    REQUIRE(trusted.ok());
    CHECK(contains(*trusted, base));
    CHECK(contains(*trusted, pr)); // refs/heads/pr still exists in this repository
    repository = ksa::git::Repository::open_from_environment();
    repo.git("branch -D pr");
    auto branches_only = repository->trusted_commits({"refs/heads/*"});
    REQUIRE(branches_only.ok());
    CHECK_FALSE(contains(*branches_only, pr)); // refs/pull/1/head is not trusted
    auto fresh = repository->new_commits({merge}, *branches_only, 100);
    REQUIRE(fresh.ok());
    CHECK_FALSE(fresh->overrun);
    REQUIRE(fresh->commits.size() == 3);
    CHECK(fresh->commits.back() == merge); // children after parents
    CHECK(contains(fresh->commits, pr));
    CHECK(contains(fresh->commits, mine));
    CHECK_FALSE(contains(fresh->commits, base));
    // With everything trusted but refs/pull, the pull request's commit is still new.
    auto over = repository->new_commits({merge}, *branches_only, 2);
    REQUIRE(over.ok());
    CHECK(over->overrun);
}

TEST_CASE("git push: a trusted tip newer than the pushed commits, and clock skew, hide what they reach",
          "[git][push]") {
    GitRepo repo;
    const std::string base = commit(repo, "a.txt", "a", "2026-01-01T00:00:00Z");
    // An older-dated commit on top of a newer one (a skewed clock), then more on main.
    const std::string skewed = commit(repo, "b.txt", "b", "2020-01-01T00:00:00Z");
    const std::string later = commit(repo, "c.txt", "c", "2026-02-01T00:00:00Z");
    repo.git("checkout -q -b feature " + skewed);
    const std::string feature = commit(repo, "d.txt", "d", "2021-01-01T00:00:00Z");
    GitDirScope scope(repo);
    auto repository = ksa::git::Repository::open_from_environment();
    REQUIRE(repository.ok());
    auto fresh = repository->new_commits({feature}, {later}, 100);
    REQUIRE(fresh.ok());
    REQUIRE(fresh->commits.size() == 1);
    CHECK(fresh->commits.front() == feature);
    (void)base;
}

TEST_CASE("git push: a commit's changes against its parent, a merge's new content, the end state", "[git][push]") {
    GitRepo repo;
    commit(repo, "engines/a/koder.toml", "category = \"engine\"\n", "2026-01-01T00:00:00Z");
    const std::string base = commit(repo, "docs/x.md", "x", "2026-01-02T00:00:00Z");
    repo.git("checkout -q -b side");
    const std::string side = commit(repo, "engines/b/koder.toml", "category = \"engine\"\n", "2026-01-03T00:00:00Z");
    repo.git("checkout -q main");
    const std::string own =
        commit(repo, "engines/a/koder.toml", "category = \"infra-tooling\"\n", "2026-01-04T00:00:00Z");
    repo.git("-c user.name=T -c user.email=t@x merge -q --no-ff -m merge side");
    const std::string merge = rev(repo, "HEAD");
    GitDirScope scope(repo);
    auto repository = ksa::git::Repository::open_from_environment();
    REQUIRE(repository.ok());
    auto changes = repository->commit_manifest_changes(own);
    REQUIRE(changes.ok());
    REQUIRE(changes->from_first_parent.size() == 1);
    CHECK(changes->from_first_parent.front().path == "engines/a/koder.toml");
    CHECK(changes->from_first_parent.front().status == ksa::ChangeStatus::modified);
    CHECK(changes->first_parent == base);
    // The merge brings engines/b from its second parent: changed against the first, not new.
    auto merged = repository->commit_manifest_changes(merge);
    REQUIRE(merged.ok());
    REQUIRE(merged->from_first_parent.size() == 1);
    CHECK(merged->from_first_parent.front().path == "engines/b/koder.toml");
    CHECK(merged->new_content.empty());
    // The end state from base to the merge: both manifests, whole-tree and path-only alike.
    auto whole = repository->tree_changes(base, merge);
    REQUIRE(whole.ok());
    auto by_path = repository->path_changes(base, merge, {"engines/a/koder.toml", "engines/b/koder.toml", "docs/x.md"});
    REQUIRE(by_path.ok());
    for (const auto* result : {&*whole, &*by_path}) {
        REQUIRE(result->new_content.size() == 2);
        CHECK(result->new_content[0].path == "engines/a/koder.toml");
        CHECK(result->new_content[1].path == "engines/b/koder.toml");
        CHECK(result->new_content[1].status == ksa::ChangeStatus::added);
    }
    // The first commit on the merge's first-parent chain outside the fresh set.
    auto start = repository->first_parent_base(merge, {merge, own});
    REQUIRE(start.ok());
    CHECK(*start == base);
    (void)side;
}

TEST_CASE("git push: peel follows tags to commits, trees and blobs; an absent id is missing", "[git][push]") {
    GitRepo repo;
    const std::string head = commit(repo, "a.txt", "a", "2026-01-01T00:00:00Z");
    repo.git("-c user.name=T -c user.email=t@x tag -a -m one v1");
    repo.git("-c user.name=T -c user.email=t@x tag -a -m tree vt HEAD^{tree}");
    GitDirScope scope(repo);
    auto repository = ksa::git::Repository::open_from_environment();
    REQUIRE(repository.ok());
    auto commit_kind = repository->peel(rev(repo, "v1"));
    REQUIRE(commit_kind.ok());
    CHECK(commit_kind->first == ksa::git::ObjectKind::commit);
    CHECK(commit_kind->second == head);
    auto tree_kind = repository->peel(rev(repo, "vt"));
    REQUIRE(tree_kind.ok());
    CHECK(tree_kind->first == ksa::git::ObjectKind::tree);
    auto blob_kind = repository->peel(rev(repo, "HEAD:a.txt"));
    REQUIRE(blob_kind.ok());
    CHECK(blob_kind->first == ksa::git::ObjectKind::blob);
    auto missing = repository->peel(std::string(40, 'e'));
    REQUIRE(missing.ok());
    CHECK(missing->first == ksa::git::ObjectKind::missing);
}
