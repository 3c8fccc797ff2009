// The one tree walker and tree differ of the git layer (internal to git/). Pre-commit's walk of
// HEAD, pre-receive's per-commit and end-state diffs, the whole-tree listings of --report and of
// tags, and --history's miner all go through diff(): a merge-walk of two sorted, validated entry
// lists (no lookups by name), skipping equal subtrees, reporting names in git's order with
// canonical modes. A walk of one tree is a diff against nothing.
#pragma once

#include <array>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "git/handles.h"
#include "git/object_reader.h"
#include "git/rev_walk.h"
#include "git/tree.h"
#include "git/tree_memo.h"

namespace ksa::git {

// Parsed trees by id, bounded: a direct-mapped table (a put replaces one slot; eviction never
// walks the table) holding at most `bytes` of tree objects. A tree that failed validation is
// not kept: its defect is reported each time it is met.
class TreeCache {
  public:
    TreeCache(ObjectReader& reader, std::size_t bytes) : reader_(reader), budget_(bytes), slots_(slot_count) {}

    struct Loaded {
        std::shared_ptr<const Tree> tree; // null when `defect` is set
        std::optional<TreeDefect> defect;
    };
    // The tree `id` at `folder` (the folder names it in errors and defects).
    Expected<Loaded> load(const ObjectId& id, std::string_view folder);

    [[nodiscard]] ObjectReader& reader() const { return reader_; }

  private:
    static constexpr std::size_t slot_count = 8192;
    struct Slot {
        ObjectId id{};
        std::shared_ptr<const Tree> tree;
        std::size_t bytes = 0;
    };
    static std::size_t slot_of(const ObjectId& id) { return ObjectIdHash{}(id) & (slot_count - 1); }
    void remember(const ObjectId& id, std::shared_ptr<const Tree> tree);

    ObjectReader& reader_;
    std::size_t budget_;
    std::size_t bytes_ = 0;
    std::vector<Slot> slots_;
};

// What a visitor answers for a differing pair of entries.
enum class Step { skip, descend };

// "folders nested more than 1024 levels deep under a/b/c…: refused"
Failure too_deep_failure(std::string_view folder);

class TreeDiffer {
  public:
    explicit TreeDiffer(TreeCache& cache) : cache_(cache) {}

    // Compares the trees `before` and `after` (null: no tree) found at `folder` ("" for the
    // root, else ending in '/'). `visit(path, before_entry, after_entry)` is called for every
    // name whose entries differ in id or mode, in git's order, with null for a missing side;
    // when it answers Step::descend and a side is a folder, the comparison recurses (the side
    // that is not a folder counts as empty). A tree that fails validation is not descended into:
    // its defect goes to `defects` and the walk goes on. A Failure means an object could not be
    // read.
    template <typename Visit>
    std::optional<Failure> diff(const ObjectId* before, const ObjectId* after, std::string& folder, Visit&& visit) {
        return diff_at(0, before, after, folder, visit);
    }

    // Trees that failed validation during the walks, first met first (each folder once).
    std::vector<TreeDefect> defects;

    // Opt-in, for a walk over consecutive commits (--history): oldest first, keeps the "after"
    // side of every comparison and lets go of its "before" side (newest first, the reverse), so it
    // holds the trees of the commit compared last (at most `max_trees`, then it starts over). The
    // next comparison finds that side there without a read, and the object reader gets it back as
    // the likely base of the same folder's version read next: packs store a folder's versions as
    // deltas of the next older one (git fast-import, and git's pack-objects reusing them) or of
    // the next newer one (git's own delta search), and the object cache alone lets a rarely
    // changed folder's version go, then rebuilds its whole chain of deltas.
    void remember_trees(std::size_t max_trees, bool newest_first) {
        memo_ = std::make_unique<TreeMemo>(max_trees);
        newest_first_ = newest_first;
    }

  private:
    // One level of the comparison: the two trees' bytes are held and their entries parsed into
    // this depth's two reusable lists, so a walk allocates nothing per tree once warm.
    template <typename Visit>
    std::optional<Failure> diff_at(std::size_t depth, const ObjectId* before, const ObjectId* after,
                                   std::string& folder, Visit& visit) {
        if (too_deep(folder)) return too_deep_failure(folder);
        if (before != nullptr && after != nullptr && same_id(*before, *after)) return std::nullopt;
        while (lists_.size() < 2 * depth + 2)
            lists_.emplace_back();
        std::vector<TreeEntry>& a = lists_[2 * depth];
        std::vector<TreeEntry>& b = lists_[2 * depth + 1];
        ObjectData old_bytes;
        ObjectData new_bytes;
        std::array sides{std::tuple{before, &old_bytes, &a, std::size_t{0}},
                         std::tuple{after, &new_bytes, &b, std::size_t{1}}};
        // The side the memo holds first: handed back to the object reader, it is the likely delta
        // base of the other.
        if (memo_ && newest_first_) std::swap(sides[0], sides[1]);
        for (auto [id, out, entries, lane] : sides) {
            entries->clear();
            if (id == nullptr) continue;
            auto loaded = read_tree(*id, folder, lane);
            if (!loaded) return loaded.failure();
            *out = std::move(*loaded);
            if (auto defect = parse_tree_into((*out)->data, folder, *entries)) {
                add_defect(std::move(*defect));
                return std::nullopt;
            }
        }
        if (memo_) {
            const ObjectId* gone = newest_first_ ? after : before;
            const ObjectId* kept = newest_first_ ? before : after;
            if (gone != nullptr) memo_->erase(*gone);
            if (kept != nullptr) memo_->put(*kept, newest_first_ ? old_bytes : new_bytes);
        }
        std::size_t i = 0;
        std::size_t j = 0;
        while (i < a.size() || j < b.size()) {
            const int order = i == a.size() ? 1 : j == b.size() ? -1 : compare_entries(a[i], b[j]);
            const TreeEntry* old_entry = order <= 0 ? &a[i] : nullptr;
            const TreeEntry* new_entry = order >= 0 ? &b[j] : nullptr;
            if (order <= 0) ++i;
            if (order >= 0) ++j;
            if (old_entry != nullptr && new_entry != nullptr && old_entry->stored == new_entry->stored &&
                same_id(old_entry->id, new_entry->id))
                continue;
            const std::size_t folder_size = folder.size();
            folder.append(new_entry != nullptr ? new_entry->name : old_entry->name);
            std::optional<Failure> problem;
            if (visit(std::string_view(folder), old_entry, new_entry) == Step::descend) {
                const ObjectId* below_before = old_entry != nullptr && old_entry->is_tree() ? &old_entry->id : nullptr;
                const ObjectId* below_after = new_entry != nullptr && new_entry->is_tree() ? &new_entry->id : nullptr;
                if (below_before != nullptr || below_after != nullptr) {
                    folder += '/';
                    problem = diff_at(depth + 1, below_before, below_after, folder, visit);
                }
            }
            folder.resize(folder_size);
            if (problem) return problem;
        }
        return std::nullopt;
    }

    Expected<ObjectData> read_tree(const ObjectId& id, std::string_view folder, std::size_t lane);
    void add_defect(TreeDefect defect);

    TreeCache& cache_;
    std::deque<std::vector<TreeEntry>> lists_; // a deque: growing it moves no list a caller holds
    std::unique_ptr<TreeMemo> memo_;           // see remember_trees()
    bool newest_first_ = false;
};

// The entry at `path` below the tree `root`, read component by component through validated
// trees, as checkout would find it.
struct PathLookup {
    std::optional<TreeEntry> entry;     // nullopt: nothing at `path`
    std::optional<TreeDefect> defect;   // a tree on the way failed validation
    std::string non_folder;             // a component on the way that is not a folder ("" if none)
    std::uint32_t non_folder_mode = 0;  // its canonical mode
    std::string odd_mode;               // a folder on the way with a non-canonical stored mode
    std::shared_ptr<const Tree> holder; // keeps entry->name alive
};
Expected<PathLookup> lookup_path(TreeCache& cache, const ObjectId& root, std::string_view path);

} // namespace ksa::git

namespace ksa::git {

// The readers of one repository that a run shares: objects, and parsed trees.
struct ObjectStore {
    ObjectStore(std::shared_ptr<git_repository> repository, std::size_t object_cache_bytes,
                std::size_t tree_cache_bytes)
        : owner(std::move(repository)), reader(owner.get(), object_cache_bytes), trees(reader, tree_cache_bytes),
          differ(trees) {}
    std::shared_ptr<git_repository> owner;
    ObjectReader reader;
    TreeCache trees;
    // One differ for every comparison: its per-depth entry lists stay allocated (a push compares
    // 10,000 commits).
    TreeDiffer differ;
    // Trees and parents of the commits parsed so far (the push's walk fills it).
    CommitLinkCache commits;
};

// "folder 'a/b/' has two entries named 'koder.toml'" (raw names: escape before printing).
std::string describe(const TreeDefect& defect);

} // namespace ksa::git
