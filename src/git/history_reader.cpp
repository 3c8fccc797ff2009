#include "git/history_reader.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <thread>

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>

#include <fmt/format.h>

#include "git/commit.h"
#include "git/handles.h"
#include "git/object_reader.h"
#include "git/packed_refs.h"
#include "git/repository_state.h"
#include "git/sources.h"
#include "git/tree_walk.h"
#include "manifest/paths.h"
#include "support/text.h"

namespace ksa::git {
namespace {

// Trees kept parsed per thread: a folder's "before" side is the tree read as "after" when it
// last changed, so keeping recent trees halves the reads of a history walk.
constexpr std::size_t history_tree_cache_bytes = 32U << 20;
// Trees the differ keeps per thread (a commit of 200,000 files has 37,000 folders).
constexpr std::size_t history_trees = 1U << 16;

// How the threads share a walk: each compares every commit, but below the folders at `depth`
// (1: the root's) only those whose path hashes to `index` modulo `count`. What lies above is
// compared by every thread (a few trees per commit), its manifests recorded by share 0. So each
// thread keeps its own part of the tree in its memo and reads it from its bases once, where
// splitting the commits in ranges made every range but the first start cold: building one
// version of every folder from its chain of deltas cost as much as walking half the history.
struct Share {
    std::size_t depth = 0; // 0: the whole tree
    std::size_t index = 0;
    std::size_t count = 1;

    // Whether this share compares below, or records, the entry at `path`.
    [[nodiscard]] bool covers(std::string_view path, bool is_manifest) const {
        if (depth == 0) return true;
        const auto entry_depth = static_cast<std::size_t>(std::count(path.begin(), path.end(), '/')) + 1;
        if (entry_depth < depth) return !is_manifest || index == 0;
        if (entry_depth > depth) return true; // reached only below a folder of this share
        return std::hash<std::string_view>{}(path) % count == index;
    }
};

// The manifest paths that differ between two trees, as --history records them.
class ManifestChanges {
  public:
    explicit ManifestChanges(const Share& share) : share_(share) {}

    Step operator()(std::string_view path, const TreeEntry*, const TreeEntry* after) {
        const bool is_manifest = manifest::classify_path(path).has_value();
        if (!share_.covers(path, is_manifest)) return Step::skip;
        if (is_manifest) {
            // A manifest path: only a regular file is a manifest; anything else is reported as gone.
            ManifestBlobChange change{std::string(path), "", EntryKind::missing};
            if (after != nullptr) {
                change.kind = after->kind();
                if (change.kind == EntryKind::file) change.blob = to_hex(after->id);
            }
            // A file and a folder of one name are two entries in git's order ("koder.toml" sorts
            // before "koder.toml/"): where one replaces the other, the path is visited twice, and
            // what the new tree holds there is the change, not the removal of the other entry.
            const auto same = std::find_if(changes.rbegin(), changes.rend(),
                                           [&](const ManifestBlobChange& other) { return other.path == path; });
            if (same == changes.rend())
                changes.push_back(std::move(change));
            else if (after != nullptr)
                *same = std::move(change);
            return Step::skip;
        }
        return Step::descend;
    }
    std::vector<ManifestBlobChange> changes;

  private:
    const Share& share_;
};

// The manifest changes of `share` in trees[i] against trees[i - 1] (trees[0] against `before`),
// into out[i]; share 0 counts the comparisons in `progress`.
std::optional<Failure> diff_share(git_repository* repository, const std::string& before,
                                  const std::vector<std::string>& trees, bool newest_first, const Share& share,
                                  std::vector<std::vector<ManifestBlobChange>>& out, Progress* progress) {
    ObjectReader reader(repository, history_cache_bytes, history_trim_bytes, history_stream_above_bytes);
    TreeCache cache(reader, history_tree_cache_bytes);
    TreeDiffer differ(cache);
    // The differ keeps the trees of the commit compared last: the next comparison's side that
    // is the same commit is at hand, and the other side is most often a delta of it (each tree is
    // then built from its base once, where the object cache alone rebuilt chains of deltas 1.5 to
    // 6 times as often).
    differ.remember_trees(history_trees, newest_first);
    if (share.index != 0) progress = nullptr;
    for (std::size_t step = 0; step < trees.size(); ++step) {
        const std::size_t i = newest_first ? trees.size() - 1 - step : step;
        const std::string& old_id = i == 0 ? before : trees[i - 1];
        std::optional<ObjectId> old_tree;
        if (!old_id.empty()) {
            auto id = parse_object_id(old_id);
            if (!id) return id.failure();
            old_tree = *id;
        }
        if (progress != nullptr) progress->advance();
        auto new_tree = parse_object_id(trees[i]);
        if (!new_tree) return new_tree.failure();
        if (old_tree && *old_tree == *new_tree) continue;
        ManifestChanges visit(share);
        std::string folder;
        if (auto problem = differ.diff(old_tree ? &*old_tree : nullptr, &*new_tree, folder, visit)) return problem;
        if (!differ.defects.empty()) return Failure{describe(differ.defects.front())};
        out[i] = std::move(visit.changes);
    }
    return std::nullopt;
}

// The shallowest depth (1: the root's folders, at most 3) at which `root` has at least `wanted`
// folders; 0 when none has (or a tree cannot be read: the walk will say why).
std::size_t share_depth(ObjectReader& reader, const ObjectId& root, std::size_t wanted) {
    std::vector<ObjectId> level{root};
    std::vector<TreeEntry> entries;
    for (std::size_t depth = 1; depth <= 3; ++depth) {
        std::vector<ObjectId> next;
        for (const ObjectId& id : level) {
            const ObjectData object = reader.try_read(id);
            if (!object || object->type != ObjectType::tree || parse_tree_into(object->data, "", entries)) return 0;
            for (const TreeEntry& entry : entries)
                if (entry.is_tree()) next.push_back(entry.id);
        }
        if (next.size() >= wanted) return depth;
        level = std::move(next);
    }
    return 0;
}

} // namespace

struct HistoryReader::State {
    git_repository* repository = nullptr;
    std::unique_ptr<ObjectReader> reader; // for the commit walk and blobs

    ObjectReader& objects() {
        if (!reader)
            reader = std::make_unique<ObjectReader>(repository, chain_cache_bytes, hook_trim_bytes,
                                                    history_stream_above_bytes);
        return *reader;
    }
};

HistoryReader::HistoryReader(Repository& repository) : state_(std::make_unique<State>()) {
    state_->repository = repository.state_->repository.get();
    // The reader keeps the trees it needs itself; libgit2's object cache would only add a
    // second copy of every tree and commit of the history.
    git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
}
HistoryReader::HistoryReader(HistoryReader&&) noexcept = default;
HistoryReader::~HistoryReader() = default;

Expected<std::string> HistoryReader::resolve_commit(const std::string& revision) {
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, state_->repository, revision.c_str()) < 0)
        return last_error(fmt::format("unknown revision '{}'", revision));
    ObjectPtr object(raw);
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) < 0)
        return last_error(fmt::format("'{}' does not name a commit", revision));
    ObjectPtr commit(peeled);
    return to_hex(*git_object_id(commit.get()));
}

Expected<FirstParentChain> HistoryReader::first_parent_chain(const std::string& tip,
                                                             const std::function<bool(const std::string&)>& stop_at,
                                                             Progress* progress) {
    ObjectReader& reader = state_->objects();
    FirstParentChain chain;
    std::string id = tip;
    while (true) {
        if (stop_at && stop_at(id)) {
            chain.stopped = true;
            chain.stop_id = id;
            break;
        }
        auto oid = parse_object_id(id);
        if (!oid) return oid.failure();
        // The fast path first: one index lookup, no message built (50,000 commits are read).
        ObjectData object = reader.try_read(*oid);
        if (!object || object->type != ObjectType::commit) {
            // Only a parent can be missing here (the tip was resolved): the clone is shallow.
            if (!chain.commits.empty() && !reader.exists(*oid)) {
                chain.shallow_end = true;
                break;
            }
            auto failed = reader.read(*oid, ObjectType::commit, fmt::format("commit {}", id)); // for its message
            if (!failed) return failed.failure();
            object = std::move(*failed);
        }
        const auto commit = parse_commit(object->data);
        if (!commit) return Failure{fmt::format("corrupt commit object {}", id)};
        chain.commits.push_back(
            {id, to_hex(commit->tree), commit->time, static_cast<unsigned>(commit->parents.size())});
        if (progress != nullptr) progress->advance();
        if (commit->parents.empty()) break;
        id = to_hex(commit->parents.front());
    }
    return chain;
}

HistoryReader::Order HistoryReader::chain_order(const std::string& before_tree, const std::vector<std::string>& trees) {
    ObjectReader& reader = state_->objects();
    int newer_bases = 0;
    int older_bases = 0;
    const std::size_t samples = std::min<std::size_t>(64, trees.size());
    for (std::size_t sample = 0; sample < samples; ++sample) {
        const std::size_t i = trees.size() * sample / samples;
        const std::string& older_hex = i == 0 ? before_tree : trees[i - 1];
        if (older_hex.empty()) continue;
        auto older = parse_object_id(older_hex);
        auto newer = parse_object_id(trees[i]);
        if (!older || !newer || *older == *newer) continue;
        if (reader.is_delta_of(*older, *newer))
            ++newer_bases;
        else if (reader.is_delta_of(*newer, *older))
            ++older_bases;
    }
    return newer_bases > older_bases ? Order::newest_first : Order::oldest_first;
}

Expected<std::vector<std::vector<ManifestBlobChange>>>
HistoryReader::chain_changes(const std::string& before_tree, const std::vector<std::string>& trees, unsigned threads,
                             Progress* progress, Order order) {
    git_repository* repository = state_->repository;
    ObjectReader& reader = state_->objects(); // also opens libgit2's object database before threads share it
    if (order == Order::automatic) order = chain_order(before_tree, trees);
    const bool newest_first = order == Order::newest_first;
    // One share per thread (each with its own object reader; libgit2's object database behind
    // them is thread-safe), split at the shallowest depth with 16 folders per thread in the newest
    // tree; a short or small history is walked by one thread.
    std::size_t shares = trees.size() >= 256 ? std::max(1U, threads) : 1;
    std::size_t depth = 0;
    if (shares > 1) {
        auto newest = parse_object_id(trees.back());
        if (newest) depth = share_depth(reader, *newest, 16 * shares);
        if (depth == 0) shares = 1;
    }
    std::vector<std::vector<std::vector<ManifestBlobChange>>> found(shares);
    std::vector<std::optional<Failure>> problems(shares);
    std::vector<Share> plan(shares);
    for (std::size_t index = 0; index < shares; ++index) {
        plan[index] = Share{shares > 1 ? depth : 0, index, shares};
        found[index].resize(trees.size());
    }
    std::vector<std::thread> workers;
    for (std::size_t index = 1; index < shares; ++index)
        workers.emplace_back([&, index] {
            problems[index] =
                diff_share(repository, before_tree, trees, newest_first, plan[index], found[index], nullptr);
        });
    problems[0] = diff_share(repository, before_tree, trees, newest_first, plan[0], found[0], progress);
    for (std::thread& worker : workers)
        worker.join();
    for (auto& problem : problems)
        if (problem) return *problem;
    std::vector<std::vector<ManifestBlobChange>> changes = std::move(found[0]);
    for (std::size_t index = 1; index < shares; ++index)
        for (std::size_t i = 0; i < trees.size(); ++i) {
            auto& more = found[index][i];
            if (more.empty()) continue;
            // In path order, as one thread lists them (a full path's byte order is git's order).
            changes[i].insert(changes[i].end(), std::make_move_iterator(more.begin()),
                              std::make_move_iterator(more.end()));
            std::sort(changes[i].begin(), changes[i].end(),
                      [](const ManifestBlobChange& a, const ManifestBlobChange& b) { return a.path < b.path; });
        }
    return changes;
}

Expected<std::string> HistoryReader::read_blob(const std::string& blob, const std::string& path,
                                               std::uint64_t max_bytes) {
    auto oid = parse_object_id(blob);
    if (!oid) return oid.failure();
    ObjectReader& reader = state_->objects();
    auto header = reader.header(*oid, path);
    if (!header) return header.failure();
    if (header->type != ObjectType::blob) return Failure{fmt::format("{} does not point at a blob", path)};
    if (header->size > max_bytes)
        return Failure{fmt::format("{} is {} bytes, over the {}-byte limit", path, header->size, max_bytes)};
    auto object = reader.read(*oid, ObjectType::blob, path);
    if (!object) return object.failure();
    return (*object)->data;
}

namespace {

bool is_object_id(std::string_view text) { return text.size() == GIT_OID_HEXSZ && text::is_lower_hex(text); }

// Loose refs under the folder `dir` (a descriptor it closes), named `prefix` + file name:
// readdir's entry types and openat, so 1,500 loose tags cost three system calls each.
bool read_loose_tags(int dir, const std::string& prefix, int depth, std::map<std::string, TagTarget>& tags) {
    DIR* stream = ::fdopendir(dir);
    if (stream == nullptr) {
        ::close(dir);
        return false;
    }
    std::unique_ptr<DIR, int (*)(DIR*)> held(stream, ::closedir);
    while (const dirent* entry = ::readdir(stream)) {
        const std::string_view name = entry->d_name;
        if (name == "." || name == "..") continue;
        unsigned char type = entry->d_type;
        if (type == DT_UNKNOWN) {
            struct stat info {};
            if (::fstatat(::dirfd(stream), entry->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0) return false;
            type = S_ISDIR(info.st_mode) ? DT_DIR : S_ISREG(info.st_mode) ? DT_REG : DT_LNK;
        }
        if (type == DT_DIR) {
            if (depth > 64) return false;
            const int sub = ::openat(::dirfd(stream), entry->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
            if (sub < 0 || !read_loose_tags(sub, prefix + std::string(name) + "/", depth + 1, tags)) return false;
            continue;
        }
        if (type != DT_REG) return false; // a symbolic ref or something odd: libgit2 decides
        const int fd = ::openat(::dirfd(stream), entry->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) return false;
        char content[GIT_OID_HEXSZ + 2] = {};
        const ssize_t got = ::read(fd, content, sizeof content);
        ::close(fd);
        if (got < GIT_OID_HEXSZ || !is_object_id(std::string_view(content, GIT_OID_HEXSZ))) return false;
        const std::string full = prefix + std::string(name);
        tags[full] = TagTarget{full.substr(10), std::string(content, GIT_OID_HEXSZ), ""};
    }
    return true;
}

// Reads refs/tags/ the way git stores them (packed-refs, then loose files, which win), with the
// peeled commit git records for annotated tags. nullopt when the layout is not one this reads
// (a reftable, an unreadable file): libgit2 lists the tags then.
std::optional<std::map<std::string, TagTarget>> read_tag_files(const std::string& common_dir) {
    namespace fs = std::filesystem;
    if (fs::exists(fs::path(common_dir) / "reftable")) return std::nullopt;
    std::map<std::string, TagTarget> tags;
    std::ifstream packed(fs::path(common_dir) / "packed-refs", std::ios::binary);
    if (packed) {
        const std::string text((std::istreambuf_iterator<char>(packed)), std::istreambuf_iterator<char>());
        const auto refs = parse_packed_refs(text);
        if (!refs) return std::nullopt;
        for (const PackedRef& ref : *refs)
            if (ref.name.starts_with("refs/tags/"))
                tags[ref.name] = TagTarget{ref.name.substr(10), ref.target, ref.peeled};
    }
    const std::string loose = common_dir + "refs/tags";
    const int root = ::open(loose.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) return errno == ENOENT ? std::optional(std::move(tags)) : std::nullopt;
    if (!read_loose_tags(root, "refs/tags/", 0, tags)) return std::nullopt;
    return tags;
}

} // namespace

Expected<std::vector<TagTarget>> HistoryReader::tags(const std::function<bool(std::string_view)>& wanted) {
    std::vector<TagTarget> found;
    // git's own files first: through libgit2, listing 1,500 tags cost a fifth of a cached run.
    if (auto files = read_tag_files(common_dir())) {
        for (auto& [name, tag] : *files)
            if (!wanted || wanted(tag.name)) found.push_back(std::move(tag));
        return found;
    }
    git_reference_iterator* raw_iterator = nullptr;
    if (git_reference_iterator_new(&raw_iterator, state_->repository) < 0) return last_error("cannot list tags");
    std::unique_ptr<git_reference_iterator, Deleter<&git_reference_iterator_free>> iterator(raw_iterator);
    git_reference* reference = nullptr;
    constexpr std::string_view prefix = "refs/tags/";
    while (git_reference_next(&reference, iterator.get()) == 0) {
        ReferencePtr held(reference);
        const std::string_view full = git_reference_name(held.get());
        if (!full.starts_with(prefix)) continue;
        const std::string_view name = full.substr(prefix.size());
        if (wanted && !wanted(name)) continue;
        git_reference* resolved = nullptr;
        if (git_reference_resolve(&resolved, held.get()) < 0) continue;
        ReferencePtr direct(resolved);
        if (const git_oid* target = git_reference_target(direct.get()))
            found.push_back({std::string(name), to_hex(*target), ""});
    }
    std::sort(found.begin(), found.end(), [](const TagTarget& a, const TagTarget& b) { return a.name < b.name; });
    return found;
}

Expected<std::string> HistoryReader::peel_to_commit(const std::string& id) {
    auto oid = parse_object_id(id);
    if (!oid) return oid.failure();
    const git_oid lookup_id = to_oid(*oid);
    git_object* raw = nullptr;
    if (git_object_lookup(&raw, state_->repository, &lookup_id, GIT_OBJECT_ANY) < 0) return std::string();
    ObjectPtr object(raw);
    git_object* peeled = nullptr;
    // Tags of trees and blobs name no release.
    if (git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) < 0) return std::string();
    ObjectPtr commit(peeled);
    return to_hex(*git_object_id(commit.get()));
}

Expected<bool> HistoryReader::is_ancestor(const std::string& ancestor, const std::string& descendant) {
    if (ancestor == descendant) return true;
    auto a = parse_object_id(ancestor);
    if (!a) return a.failure();
    auto d = parse_object_id(descendant);
    if (!d) return d.failure();
    const git_oid descendant_id = to_oid(*d);
    const git_oid ancestor_id = to_oid(*a);
    const int result = git_graph_descendant_of(state_->repository, &descendant_id, &ancestor_id);
    if (result < 0) return last_error("cannot compare commits");
    return result == 1;
}

std::string HistoryReader::common_dir() const {
    const char* dir = git_repository_commondir(state_->repository);
    return dir != nullptr ? dir : "";
}

bool HistoryReader::is_shallow() const { return git_repository_is_shallow(state_->repository) == 1; }

} // namespace ksa::git
