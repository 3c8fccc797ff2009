// git's packed-refs file (internal to git/).
//
// Format: Documentation/gitrepository-layout.txt ("packed-refs") and refs/packed-backend.c: an
// optional "# pack-refs with: <traits>" header, then "<40 hex> SP <refname>" lines, each
// optionally followed by "^<40 hex>": the object an annotated tag peels to ("peeled" trait).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ksa::git {

struct PackedRef {
    std::string name;   // "refs/tags/v1"
    std::string target; // 40 lower-case hex digits
    std::string peeled; // "" unless a "^" line followed
};

// The refs of a packed-refs file, in file order; nullopt when a line is not one git writes (the
// caller then asks libgit2, which knows every layout).
std::optional<std::vector<PackedRef>> parse_packed_refs(std::string_view text);

} // namespace ksa::git
