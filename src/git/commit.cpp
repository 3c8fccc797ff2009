#include "git/commit.h"

namespace ksa::git {
namespace {

std::optional<ObjectId> id_after(std::string_view line, std::string_view prefix) {
    if (!line.starts_with(prefix)) return std::nullopt;
    auto id = parse_object_id(line.substr(prefix.size()));
    if (!id) return std::nullopt;
    return *id;
}

// "committer Name <email> 1700000000 +0000": the number after the last '>'.
std::int64_t committer_time(std::string_view line) {
    const std::size_t close = line.rfind('>');
    if (close == std::string_view::npos) return 0;
    std::int64_t value = 0;
    std::size_t at = close + 1;
    while (at < line.size() && line[at] == ' ')
        ++at;
    for (; at < line.size() && line[at] >= '0' && line[at] <= '9'; ++at) {
        value = value * 10 + (line[at] - '0');
        if (value > (std::int64_t{1} << 50)) return 0;
    }
    return value;
}

} // namespace

std::optional<CommitObject> parse_commit(std::string_view data) {
    CommitObject commit;
    bool has_tree = false;
    bool in_parents = true;
    while (!data.empty()) {
        const std::size_t end = data.find('\n');
        if (end == std::string_view::npos) return std::nullopt; // headers end with a blank line
        const std::string_view line = data.substr(0, end);
        data.remove_prefix(end + 1);
        if (line.empty()) {
            commit.message = data;
            break;
        }
        if (!has_tree) {
            const auto tree = id_after(line, "tree ");
            if (!tree) return std::nullopt;
            commit.tree = *tree;
            has_tree = true;
        } else if (in_parents && line.starts_with("parent ")) {
            const auto parent = id_after(line, "parent ");
            if (!parent) return std::nullopt;
            commit.parents.push_back(*parent);
        } else {
            in_parents = false; // git reads parents only right after the tree line
            if (line.starts_with("committer ")) commit.time = committer_time(line);
        }
    }
    if (!has_tree) return std::nullopt;
    return commit;
}

std::string commit_subject(std::string_view message) {
    std::string subject;
    while (!message.empty()) {
        const std::size_t end = message.find('\n');
        std::string_view line = message.substr(0, end);
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string_view::npos) {
            if (!subject.empty()) break; // the first paragraph ends at a blank line
        } else {
            line = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
            if (!subject.empty()) subject += ' ';
            subject.append(line);
        }
        if (end == std::string_view::npos) break;
        message.remove_prefix(end + 1);
    }
    return subject;
}

std::optional<TagObject> parse_tag(std::string_view data) {
    TagObject tag;
    bool has_object = false;
    while (!data.empty()) {
        const std::size_t end = data.find('\n');
        const std::string_view line = data.substr(0, end);
        if (line.empty()) break;
        if (!has_object) {
            const auto object = id_after(line, "object ");
            if (!object) return std::nullopt;
            tag.object = *object;
            has_object = true;
        } else if (line.starts_with("type ")) {
            const std::string_view type = line.substr(5);
            tag.type = type == "commit" ? ObjectType::commit
                       : type == "tree" ? ObjectType::tree
                       : type == "blob" ? ObjectType::blob
                       : type == "tag"  ? ObjectType::tag
                                        : ObjectType::none;
        }
        if (end == std::string_view::npos) break;
        data.remove_prefix(end + 1);
    }
    if (!has_object || tag.type == ObjectType::none) return std::nullopt;
    return tag;
}

} // namespace ksa::git
