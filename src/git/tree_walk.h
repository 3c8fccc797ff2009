// The one tree walker and tree differ of the git layer (internal to git/). Pre-commit's walk of
// HEAD, pre-receive's per-commit and end-state diffs, the whole-tree listings of --report and of
// tags, and --history's miner all go through diff(): a merge-walk of two sorted, validated entry
// lists (no lookups by name), skipping equal subtrees, reporting names in git's order with
// canonical modes. A walk of one tree is a diff against nothing.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "git/handles.h"
#include "git/object_reader.h"
#include "git/tree.h"

namespace ksa::git {

// Parsed trees by id, bounded: two generations of `bytes` / 2 each. A tree that failed
// validation is remembered as its defect.
class TreeCache {
public:
    TreeCache(ObjectReader& reader, std::size_t bytes) : reader_(reader), generation_bytes_(bytes / 2) {}

    struct Loaded {
        std::shared_ptr<const Tree> tree;  // null when `defect` is set
        std::optional<TreeDefect> defect;
    };
    // The tree `id` at `folder` (the folder names it in errors and defects).
    Expected<Loaded> load(const ObjectId& id, std::string_view folder);

    [[nodiscard]] ObjectReader& reader() const { return reader_; }

private:
    using Map = std::unordered_map<ObjectId, std::shared_ptr<const Tree>, ObjectIdHash>;
    void remember(const ObjectId& id, std::shared_ptr<const Tree> tree);

    ObjectReader& reader_;
    std::size_t generation_bytes_;
    Map young_;
    Map old_;
    std::size_t young_bytes_ = 0;
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
        if (too_deep(folder)) return too_deep_failure(folder);
        if (before != nullptr && after != nullptr && *before == *after) return std::nullopt;
        std::shared_ptr<const Tree> old_tree;
        std::shared_ptr<const Tree> new_tree;
        for (auto [id, out] : {std::pair{before, &old_tree}, std::pair{after, &new_tree}}) {
            if (id == nullptr) continue;
            auto loaded = cache_.load(*id, folder);
            if (!loaded) return loaded.failure();
            if (loaded->defect) {
                add_defect(std::move(*loaded->defect));
                return std::nullopt;
            }
            *out = std::move(loaded->tree);
        }
        static const std::vector<TreeEntry> none;
        const auto& a = old_tree ? old_tree->entries : none;
        const auto& b = new_tree ? new_tree->entries : none;
        std::size_t i = 0;
        std::size_t j = 0;
        while (i < a.size() || j < b.size()) {
            const int order = i == a.size() ? 1 : j == b.size() ? -1 : compare_entries(a[i], b[j]);
            const TreeEntry* old_entry = order <= 0 ? &a[i] : nullptr;
            const TreeEntry* new_entry = order >= 0 ? &b[j] : nullptr;
            if (order <= 0) ++i;
            if (order >= 0) ++j;
            if (old_entry != nullptr && new_entry != nullptr && old_entry->stored == new_entry->stored &&
                old_entry->id == new_entry->id)
                continue;
            const std::size_t folder_size = folder.size();
            folder.append(new_entry != nullptr ? new_entry->name : old_entry->name);
            std::optional<Failure> problem;
            if (visit(std::string_view(folder), old_entry, new_entry) == Step::descend) {
                const ObjectId* below_before = old_entry != nullptr && old_entry->is_tree() ? &old_entry->id : nullptr;
                const ObjectId* below_after = new_entry != nullptr && new_entry->is_tree() ? &new_entry->id : nullptr;
                if (below_before != nullptr || below_after != nullptr) {
                    folder += '/';
                    problem = diff(below_before, below_after, folder, visit);
                }
            }
            folder.resize(folder_size);
            if (problem) return problem;
        }
        return std::nullopt;
    }

    // Trees that failed validation during the walks, first met first (each folder once).
    std::vector<TreeDefect> defects;

private:
    void add_defect(TreeDefect defect);
    TreeCache& cache_;
};

// The entry at `path` below the tree `root`, read component by component through validated
// trees, as checkout would find it.
struct PathLookup {
    std::optional<TreeEntry> entry;      // nullopt: nothing at `path`
    std::optional<TreeDefect> defect;    // a tree on the way failed validation
    std::string non_folder;              // a component on the way that is not a folder ("" if none)
    std::uint32_t non_folder_mode = 0;   // its canonical mode
    std::string odd_mode;                // a folder on the way with a non-canonical stored mode
    std::shared_ptr<const Tree> holder;  // keeps entry->name alive
};
Expected<PathLookup> lookup_path(TreeCache& cache, const ObjectId& root, std::string_view path);

} // namespace ksa::git

namespace ksa::git {

// The readers of one repository that a run shares: objects, and parsed trees.
struct ObjectStore {
    ObjectStore(std::shared_ptr<git_repository> repository, std::size_t object_cache_bytes, std::size_t tree_cache_bytes)
        : owner(std::move(repository)), reader(owner.get(), object_cache_bytes), trees(reader, tree_cache_bytes) {}
    std::shared_ptr<git_repository> owner;
    ObjectReader reader;
    TreeCache trees;
};

// "folder 'a/b/' has two entries named 'koder.toml'" (raw names: escape before printing).
std::string describe(const TreeDefect& defect);

} // namespace ksa::git
