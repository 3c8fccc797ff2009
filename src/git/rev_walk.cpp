#include "git/rev_walk.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <queue>
#include <unordered_map>

#include <fmt/format.h>

#include "git/commit.h"

namespace ksa::git {
namespace {

constexpr int slop = 5; // revision.c SLOP: commits to look past a clock skew

struct Node {
    ObjectId id{};
    std::int64_t time = 0;
    std::vector<Node*> parents;
    bool parsed = false;
    bool queued = false;
    bool trusted = false;
    bool listed = false; // popped as not trusted (a candidate)
};

class Walk {
  public:
    Walk(ObjectReader& reader, CommitLinkCache& links) : reader_(reader), links_(links) {}

    Node* node(const ObjectId& id) {
        auto [it, inserted] = nodes_.try_emplace(id, nullptr);
        if (inserted) {
            storage_.emplace_back();
            storage_.back().id = id;
            it->second = &storage_.back();
        }
        return it->second;
    }

    std::optional<Failure> parse(Node* commit) {
        if (commit->parsed) return std::nullopt;
        auto object = reader_.read(commit->id, ObjectType::commit, fmt::format("commit {}", to_hex(commit->id)));
        if (!object) return object.failure();
        const auto parsed = parse_commit((*object)->data);
        if (!parsed) return Failure{fmt::format("commit {} is malformed", to_hex(commit->id))};
        commit->time = parsed->time;
        links_.try_emplace(commit->id, CommitLinks{parsed->tree, parsed->parents});
        commit->parents.reserve(parsed->parents.size());
        for (const ObjectId& parent : parsed->parents)
            commit->parents.push_back(node(parent));
        commit->parsed = true;
        return std::nullopt;
    }

    std::optional<Failure> enqueue(Node* commit) {
        if (commit->queued) return std::nullopt;
        if (auto problem = parse(commit)) return problem;
        commit->queued = true;
        queue_.push(commit);
        if (!commit->trusted) ++untrusted_queued_;
        return std::nullopt;
    }

    // Paints `commit` and everything already parsed below it (revision.c
    // mark_parents_uninteresting); unparsed parents are painted when they are reached.
    void trust(Node* commit) {
        std::vector<Node*> stack{commit};
        while (!stack.empty()) {
            Node* current = stack.back();
            stack.pop_back();
            if (current->trusted) continue;
            current->trusted = true;
            if (current->queued) --untrusted_queued_; // it is still in the queue: now painted
            if (current->listed) --listed_untrusted_;
            for (Node* parent : current->parents)
                stack.push_back(parent);
        }
    }

    std::optional<Failure> run(const std::vector<ObjectId>& tips, const std::vector<ObjectId>& trusted,
                               std::size_t limit, NewCommits& result) {
        for (const ObjectId& id : trusted) {
            Node* commit = node(id);
            trust(commit);
            if (auto problem = enqueue(commit)) return problem;
        }
        for (const ObjectId& id : tips)
            if (auto problem = enqueue(node(id))) return problem;
        int remaining_slop = slop;
        std::int64_t last_listed = std::numeric_limits<std::int64_t>::max();
        while (!queue_.empty()) {
            Node* commit = queue_.top();
            queue_.pop();
            commit->queued = false;
            if (commit->trusted) {
                for (Node* parent : commit->parents) {
                    trust(parent);
                    if (auto problem = enqueue(parent)) return problem;
                }
                // revision.c still_interesting(): go on while anything unpainted is queued, and
                // a few commits more in case a clock skew hides one below.
                if (queue_.empty()) break;
                if (last_listed <= queue_.top()->time || untrusted_queued_ > 0) {
                    remaining_slop = slop;
                    continue;
                }
                if (--remaining_slop == 0) break;
                continue;
            }
            --untrusted_queued_;
            last_listed = commit->time;
            commit->listed = true;
            ++listed_untrusted_;
            listed_.push_back(commit);
            // A push of millions of commits stops here rather than being walked whole.
            if (listed_untrusted_ > 4 * limit + 1000) {
                result.overrun = true;
                return std::nullopt;
            }
            for (Node* parent : commit->parents)
                if (auto problem = enqueue(parent)) return problem;
        }
        std::vector<Node*> fresh;
        for (Node* commit : listed_)
            if (!commit->trusted) fresh.push_back(commit);
        if (fresh.size() > limit) {
            result.overrun = true;
            return std::nullopt;
        }
        result.commits = topological(fresh);
        return std::nullopt;
    }

  private:
    // Parents before children, among `commits` (iterative post-order from the newest).
    static std::vector<ObjectId> topological(const std::vector<Node*>& commits) {
        std::unordered_map<const Node*, int> state; // 0 unvisited, 1 on the stack, 2 done
        for (const Node* commit : commits)
            state[commit] = 0;
        std::vector<ObjectId> order;
        order.reserve(commits.size());
        for (Node* start : commits) {
            if (state[start] != 0) continue;
            std::vector<std::pair<Node*, std::size_t>> stack{{start, 0}};
            state[start] = 1;
            while (!stack.empty()) {
                auto& [commit, next] = stack.back();
                if (next < commit->parents.size()) {
                    Node* parent = commit->parents[next++];
                    const auto found = state.find(parent);
                    if (found != state.end() && found->second == 0) {
                        found->second = 1;
                        stack.emplace_back(parent, 0);
                    }
                    continue;
                }
                state[commit] = 2;
                order.push_back(commit->id);
                stack.pop_back();
            }
        }
        return order;
    }

    struct Newer {
        bool operator()(const Node* a, const Node* b) const { return a->time < b->time; }
    };

    ObjectReader& reader_;
    CommitLinkCache& links_;
    std::unordered_map<ObjectId, Node*, ObjectIdHash> nodes_;
    std::deque<Node> storage_;
    std::priority_queue<Node*, std::vector<Node*>, Newer> queue_;
    std::vector<Node*> listed_;
    std::size_t untrusted_queued_ = 0;
    std::size_t listed_untrusted_ = 0;
};

} // namespace

Expected<NewCommits> find_new_commits(ObjectReader& reader, const std::vector<ObjectId>& tips,
                                      const std::vector<ObjectId>& trusted, std::size_t limit, CommitLinkCache& links) {
    Walk walk(reader, links);
    NewCommits result;
    if (auto problem = walk.run(tips, trusted, limit, result)) return *problem;
    return result;
}

} // namespace ksa::git
