// Which pushed commits are new (internal to git/): reachable from the pushed tips and from none
// of the trusted tips, as `git rev-list <tips> --not <trusted>` computes it (revision.c
// limit_list(): a walk in committer-date order that paints commits reachable from a trusted
// tip, and stops once only painted commits are queued, with git's slop for clock skew).
#pragma once

#include <cstddef>
#include <unordered_map>
#include <vector>

#include "git/object_id.h"
#include "git/object_reader.h"
#include "support/expected.h"

namespace ksa::git {

// A parsed commit's tree and parents, kept so that the per-commit comparisons after the walk
// do not read the commits again.
struct CommitLinks {
    ObjectId tree{};
    std::vector<ObjectId> parents;
};
using CommitLinkCache = std::unordered_map<ObjectId, CommitLinks, ObjectIdHash>;

struct NewCommits {
    std::vector<ObjectId> commits; // parents before children
    bool overrun = false;          // more than the limit: `commits` is incomplete
};

// Commits reachable from `tips` and from none of `trusted`, parents first. Stops with
// `overrun` once more than `limit` are certain to be new.
// Every commit the walk parses goes to `links`.
Expected<NewCommits> find_new_commits(ObjectReader& reader, const std::vector<ObjectId>& tips,
                                      const std::vector<ObjectId>& trusted, std::size_t limit, CommitLinkCache& links);

} // namespace ksa::git
