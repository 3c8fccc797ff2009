#include "git/tree_walk.h"

#include <algorithm>

namespace ksa::git {

Failure too_deep_failure(std::string_view folder) {
    return Failure{fmt::format("folders nested more than {} levels deep under {}…: refused", max_tree_depth,
                               folder.substr(0, 80))};
}

Expected<TreeCache::Loaded> TreeCache::load(const ObjectId& id, std::string_view folder) {
    if (const Slot& slot = slots_[slot_of(id)]; slot.tree && slot.id == id) return Loaded{slot.tree, std::nullopt};
    ObjectData object = reader_.try_read(id);
    if (!object || object->type != ObjectType::tree) {
        // The slow path, for its message.
        auto failed = reader_.read(id, ObjectType::tree, fmt::format("folder '{}'", folder.empty() ? "/" : folder));
        if (!failed) return failed.failure();
        object = std::move(*failed);
    }
    auto parsed = parse_tree(std::move(object), folder);
    if (auto* defect = std::get_if<TreeDefect>(&parsed)) return Loaded{nullptr, std::move(*defect)};
    auto tree = std::make_shared<const Tree>(std::move(std::get<Tree>(parsed)));
    remember(id, tree);
    return Loaded{std::move(tree), std::nullopt};
}

void TreeCache::remember(const ObjectId& id, std::shared_ptr<const Tree> tree) {
    const std::size_t bytes = tree->object->data.size() + tree->entries.size() * sizeof(TreeEntry) + 96;
    if (bytes > budget_ / 4) return; // one tree must not flush everything
    Slot& slot = slots_[slot_of(id)];
    bytes_ -= slot.bytes;
    if (bytes_ + bytes > budget_) {
        for (Slot& other : slots_)
            other = Slot{}; // rare: the table holds far less than the budget
        bytes_ = 0;
    }
    slot = Slot{id, std::move(tree), bytes};
    bytes_ += bytes;
}

Expected<ObjectData> TreeDiffer::read_tree(const ObjectId& id, std::string_view folder, std::size_t lane) {
    ObjectReader& reader = cache_.reader();
    if (memo_) {
        if (const ObjectData* kept = memo_->find(id)) {
            reader.keep(*kept); // the likely base of the version read next at this folder
            return *kept;
        }
    }
    if (ObjectData object = reader.try_read(id, lane); object && object->type == ObjectType::tree) return object;
    return reader.read(id, ObjectType::tree,
                       fmt::format("folder '{}'", folder.empty() ? "/" : folder)); // for its message
}

void TreeDiffer::add_defect(TreeDefect defect) {
    const bool known = std::any_of(defects.begin(), defects.end(),
                                   [&](const TreeDefect& other) { return other.folder == defect.folder; });
    if (!known) defects.push_back(std::move(defect));
}

Expected<PathLookup> lookup_path(TreeCache& cache, const ObjectId& root, std::string_view path) {
    PathLookup result;
    ObjectId current = root;
    std::string folder;
    while (true) {
        if (too_deep(folder)) return too_deep_failure(folder);
        auto loaded = cache.load(current, folder);
        if (!loaded) return loaded.failure();
        if (loaded->defect) {
            result.defect = std::move(loaded->defect);
            return result;
        }
        const std::size_t slash = path.find('/');
        const std::string_view name = path.substr(0, slash);
        const TreeEntry* entry = loaded->tree->find(name);
        if (entry == nullptr) return result;
        if (slash == std::string_view::npos) {
            result.entry = *entry;
            result.holder = std::move(loaded->tree);
            return result;
        }
        folder.append(name);
        if (!entry->is_tree()) {
            result.non_folder = folder;
            result.non_folder_mode = entry->mode;
            return result;
        }
        if (!entry->mode_is_canonical() && result.odd_mode.empty()) result.odd_mode = folder;
        folder += '/';
        current = entry->id;
        path.remove_prefix(slash + 1);
    }
}

} // namespace ksa::git

namespace ksa::git {

std::string describe(const TreeDefect& defect) {
    return fmt::format("malformed tree at '{}': it {}", defect.folder.empty() ? "/" : defect.folder, defect.problem);
}

} // namespace ksa::git
