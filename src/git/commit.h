// Commit and tag objects parsed from their raw bytes (internal to git/).
//
// Format: Documentation/gitformat-signature.txt and git's commit.c parse_commit_buffer(): a
// "tree <id>" line, then "parent <id>" lines, then other headers ("author", "committer",
// "gpgsig" with continuation lines, ...), a blank line, the message. Tags (tag.c
// parse_tag_buffer()): "object <id>", "type <type>", "tag <name>", ...
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "git/object_id.h"
#include "git/raw_object.h"

namespace ksa::git {

struct CommitObject {
    ObjectId tree{};
    std::vector<ObjectId> parents;
    std::int64_t time = 0;    // committer time, seconds since the epoch
    std::string_view message; // into the bytes parsed
};

// nullopt when the bytes are not a commit git would read (no leading tree line, a bad id).
std::optional<CommitObject> parse_commit(std::string_view data);

// git_commit_summary()'s rule: the message's first paragraph, lines joined by spaces, trimmed.
std::string commit_subject(std::string_view message);

struct TagObject {
    ObjectId object{};
    ObjectType type = ObjectType::none;
};
std::optional<TagObject> parse_tag(std::string_view data);

} // namespace ksa::git
