// An object's type and bytes as git stores them (no header): what every reader of git/ returns.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ksa::git {

// The numbers are git's own (pack entry types; Documentation/gitformat-pack.txt).
enum class ObjectType : int { none = 0, commit = 1, tree = 2, blob = 3, tag = 4 };

std::string_view describe(ObjectType type);

struct RawObject {
    ObjectType type = ObjectType::none;
    std::string data;
    // Where a pack reader built it (an identity of the pack, never dereferenced, and its cache key
    // there), so that reader can take it back into its cache (PackReader::keep); null otherwise.
    const void* pack = nullptr;
    std::uint64_t pack_key = 0;
};

// Shared, immutable: trees parsed in place keep their object alive through this.
using ObjectData = std::shared_ptr<const RawObject>;

struct ObjectHeader {
    ObjectType type = ObjectType::none;
    std::uint64_t size = 0;
};

} // namespace ksa::git
