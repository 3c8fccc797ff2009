// A cheap scan of TOML text for nesting depth, run before toml++ so that a file nested a
// million levels deep is refused in one linear pass instead of reaching the parser's recursion
// (and the recursive destruction of the tree it would build).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ksa::manifest {

// The default and the largest accepted value of the nesting limit.
inline constexpr std::uint32_t default_max_nesting_depth = 64;
inline constexpr std::uint32_t max_max_nesting_depth = 1024;

// Where the text first goes deeper than the limit: the 1-based line and column (in
// characters) of the bracket, brace or dot that opens level `limit + 1`.
struct NestingExcess {
    int line = 0;
    int column = 0;
};

// Depth counts every container toml++ would build: each segment of a table header
// (`[a.b]` is 2, `[[a.b]]` is 3 with the array), each table a dotted key creates (`a.b.c = 1`
// adds 2), each array and inline table. Strings and comments are skipped. The scan never
// under-counts a valid document; on invalid text it may over-count, which only moves a
// rejection from "invalid TOML" to "too deep". Linear time; memory bounded by the limit.
std::optional<NestingExcess> find_excess_nesting(std::string_view text, std::uint32_t limit);

} // namespace ksa::manifest
