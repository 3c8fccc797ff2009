// The one object-id type of the git layer: 20 raw bytes (SHA-1; libgit2 1.5 reads nothing else).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "support/expected.h"

namespace ksa::git {

using ObjectId = std::array<unsigned char, 20>;

inline constexpr std::size_t object_id_hex_size = 40;

// "1a2b..." (40 lower-case hex digits).
std::string to_hex(const ObjectId& id);

// An id from 40 hex digits; a SHA-256 id (64 digits) or anything else is a Failure.
Expected<ObjectId> parse_object_id(std::string_view hex);

// An id from 20 raw bytes (as tree entries and index entries store them).
inline ObjectId object_id_from_raw(const unsigned char* raw) {
    ObjectId id;
    std::memcpy(id.data(), raw, id.size());
    return id;
}

inline bool is_zero(const ObjectId& id) {
    for (unsigned char byte : id)
        if (byte != 0) return false;
    return true;
}

// Equality in three loads instead of a memcmp call (the differ compares ids per entry).
inline bool same_id(const ObjectId& a, const ObjectId& b) {
    std::uint64_t a0, b0, a1, b1;
    std::uint32_t a2, b2;
    std::memcpy(&a0, a.data(), 8);
    std::memcpy(&b0, b.data(), 8);
    if (a0 != b0) return false;
    std::memcpy(&a1, a.data() + 8, 8);
    std::memcpy(&b1, b.data() + 8, 8);
    std::memcpy(&a2, a.data() + 16, 4);
    std::memcpy(&b2, b.data() + 16, 4);
    return a1 == b1 && a2 == b2;
}

struct ObjectIdHash {
    std::size_t operator()(const ObjectId& id) const noexcept {
        std::size_t hash = 0;
        std::memcpy(&hash, id.data(), sizeof hash); // ids are uniformly distributed already
        return hash;
    }
};

} // namespace ksa::git
