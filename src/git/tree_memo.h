// The trees a long walk keeps at hand (internal to git/, TreeDiffer::remember_trees): objects by
// id in an open-addressing table (linear probing, deletion by backward shift: no tombstones),
// grown by doubling up to a maximum, then emptied and refilled.
#pragma once

#include <cstddef>
#include <vector>

#include "git/object_id.h"
#include "git/raw_object.h"

namespace ksa::git {

class TreeMemo {
  public:
    explicit TreeMemo(std::size_t max_trees) : max_trees_(max_trees) {}

    [[nodiscard]] const ObjectData* find(const ObjectId& id) const {
        if (slots_.empty()) return nullptr;
        for (std::size_t at = home(id);; at = (at + 1) & mask()) {
            const Slot& slot = slots_[at];
            if (!slot.object) return nullptr;
            if (slot.id == id) return &slot.object;
        }
    }

    void put(const ObjectId& id, ObjectData object) {
        if (size_ >= max_trees_) {
            // Full: start over (a walk only loses reads it would have saved).
            slots_.assign(slots_.size(), Slot{});
            size_ = 0;
        } else if (size_ + 1 > slots_.size() / 2) {
            grow();
        }
        std::size_t at = home(id);
        for (; slots_[at].object; at = (at + 1) & mask())
            if (slots_[at].id == id) return;
        slots_[at] = Slot{id, std::move(object)};
        ++size_;
    }

    void erase(const ObjectId& id) {
        if (slots_.empty()) return;
        std::size_t at = home(id);
        for (; slots_[at].object; at = (at + 1) & mask())
            if (slots_[at].id == id) break;
        if (!slots_[at].object) return;
        // Backward shift: move up every later entry of the run that may sit at `at` instead.
        for (std::size_t next = (at + 1) & mask(); slots_[next].object; next = (next + 1) & mask()) {
            const std::size_t wanted = home(slots_[next].id);
            if (((next - wanted) & mask()) >= ((next - at) & mask())) {
                slots_[at] = std::move(slots_[next]);
                at = next;
            }
        }
        slots_[at] = Slot{};
        --size_;
    }

    [[nodiscard]] std::size_t size() const { return size_; }

  private:
    struct Slot {
        ObjectId id{};
        ObjectData object; // null: empty
    };

    [[nodiscard]] std::size_t mask() const { return slots_.size() - 1; }
    [[nodiscard]] std::size_t home(const ObjectId& id) const { return ObjectIdHash{}(id)&mask(); }

    void grow() {
        std::vector<Slot> old = std::move(slots_);
        slots_ = std::vector<Slot>(old.empty() ? 1024 : old.size() * 2);
        size_ = 0;
        for (Slot& slot : old)
            if (slot.object) put(slot.id, std::move(slot.object));
    }

    std::size_t max_trees_;
    std::vector<Slot> slots_; // a power of two, at most half full
    std::size_t size_ = 0;
};

} // namespace ksa::git
