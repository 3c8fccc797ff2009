// The one object-id type of the git layer: 20 raw bytes (SHA-1; libgit2 1.5 reads nothing else).
#pragma once

#include <array>
#include <cstddef>
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

struct ObjectIdHash {
    std::size_t operator()(const ObjectId& id) const noexcept {
        std::size_t hash = 0;
        std::memcpy(&hash, id.data(), sizeof hash); // ids are uniformly distributed already
        return hash;
    }
};

} // namespace ksa::git
