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
};

// Shared, immutable: trees parsed in place keep their object alive through this.
using ObjectData = std::shared_ptr<const RawObject>;

struct ObjectHeader {
    ObjectType type = ObjectType::none;
    std::uint64_t size = 0;
};

} // namespace ksa::git
