#include "git/history_reader.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <thread>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <cerrno>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "git/handles.h"
#include "support/text.h"
#include "git/commit.h"
#include "git/object_reader.h"
#include "git/packed_refs.h"
#include "git/tree_walk.h"
#include "git/repository_state.h"
#include "git/sources.h"
#include "manifest/paths.h"

namespace ksa::git {
namespace {

// Trees kept parsed per thread: a folder's "before" side is the tree read as "after" when it
// last changed, so keeping recent trees halves the reads of a history walk.
constexpr std::size_t history_tree_cache_bytes = 32U << 20;
// Trees the differ keeps per thread (a commit of 200,000 files has 37,000 folders).
constexpr std::size_t history_trees = 1U << 16;

// The manifest paths that differ between two trees, as --history records them.
class ManifestChanges {
public:
    Step operator()(std::string_view path, const TreeEntry*, const TreeEntry* after) {
        if (manifest::classify_path(path)) {
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
};

// The manifest changes of trees[i] against trees[i - 1] (trees[0] against `before`), for i in
// [begin, end), into out[i].
std::optional<Failure> diff_range(git_repository* repository, const std::string& before,
                                  const std::vector<std::string>& trees, std::size_t begin, std::size_t end,
                                  bool newest_first, std::vector<std::vector<ManifestBlobChange>>& out,
                                  Progress* progress) {
    ObjectReader reader(repository, history_cache_bytes, history_trim_bytes);
    TreeCache cache(reader, history_tree_cache_bytes);
    TreeDiffer differ(cache);
    // The differ keeps the trees of the commit compared last: the next comparison's side that
    // is the same commit is at hand, and the other side is most often a delta of it (each tree is
    // then built from its base once, where the object cache alone rebuilt chains of deltas 1.5 to
    // 6 times as often).
    differ.remember_trees(history_trees, newest_first);
    for (std::size_t step = begin; step < end; ++step) {
        const std::size_t i = newest_first ? end - 1 - (step - begin) : step;
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
        ManifestChanges visit;
        std::string folder;
        if (auto problem = differ.diff(old_tree ? &*old_tree : nullptr, &*new_tree, folder, visit)) return problem;
        if (!differ.defects.empty()) return Failure{describe(differ.defects.front())};
        out[i] = std::move(visit.changes);
    }
    return std::nullopt;
}

} // namespace

struct HistoryReader::State {
    git_repository* repository = nullptr;
    std::unique_ptr<ObjectReader> reader;  // for the commit walk and blobs

    ObjectReader& objects() {
        if (!reader) reader = std::make_unique<ObjectReader>(repository, history_cache_bytes);
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
        // Only a parent can be missing here (the tip was resolved): the clone is shallow.
        if (!chain.commits.empty() && !reader.exists(*oid)) {
            chain.shallow_end = true;
            break;
        }
        auto object = reader.read(*oid, ObjectType::commit, fmt::format("commit {}", id));
        if (!object) return object.failure();
        const auto commit = parse_commit((*object)->data);
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
    std::vector<std::vector<ManifestBlobChange>> changes(trees.size());
    // Each commit's comparison is independent: contiguous slices, one per thread, each with its
    // own object reader (libgit2's object database behind them is thread-safe); a slice's first
    // comparison reads its trees cold.
    const std::size_t slices = std::max<std::size_t>(1, std::min<std::size_t>(threads, trees.size() / 256));
    std::vector<std::optional<Failure>> problems(slices);
    git_repository* repository = state_->repository;
    state_->objects();  // opens libgit2's object database before the threads share it
    if (order == Order::automatic) order = chain_order(before_tree, trees);
    const bool newest_first = order == Order::newest_first;
    std::vector<std::thread> workers;
    for (std::size_t slice = 1; slice < slices; ++slice) {
        const std::size_t begin = trees.size() * slice / slices;
        const std::size_t end = trees.size() * (slice + 1) / slices;
        workers.emplace_back([&, slice, begin, end] {
            problems[slice] = diff_range(repository, before_tree, trees, begin, end, newest_first, changes, progress);
        });
    }
    problems[0] = diff_range(repository, before_tree, trees, 0, trees.size() / slices, newest_first, changes, progress);
    for (std::thread& worker : workers) worker.join();
    for (auto& problem : problems)
        if (problem) return *problem;
    return changes;
}

Expected<std::string> HistoryReader::read_blob(const std::string& blob, const std::string& path, std::uint64_t max_bytes) {
    auto oid = parse_object_id(blob);
    if (!oid) return oid.failure();
    ObjectReader& reader = state_->objects();
    auto header = reader.header(*oid, path);
    if (!header) return header.failure();
    if (header->type != ObjectType::blob) return Failure{fmt::format("{} does not point at a blob", path)};
    if (header->size > max_bytes) return Failure{fmt::format("{} is {} bytes, over the {}-byte limit", path, header->size, max_bytes)};
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
            struct stat info{};
            if (::fstatat(::dirfd(stream), entry->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0) return false;
            type = S_ISDIR(info.st_mode) ? DT_DIR : S_ISREG(info.st_mode) ? DT_REG : DT_LNK;
        }
        if (type == DT_DIR) {
            if (depth > 64) return false;
            const int sub = ::openat(::dirfd(stream), entry->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
            if (sub < 0 || !read_loose_tags(sub, prefix + std::string(name) + "/", depth + 1, tags)) return false;
            continue;
        }
        if (type != DT_REG) return false;  // a symbolic ref or something odd: libgit2 decides
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
            if (ref.name.starts_with("refs/tags/")) tags[ref.name] = TagTarget{ref.name.substr(10), ref.target, ref.peeled};
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
