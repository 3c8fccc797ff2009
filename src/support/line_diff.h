// A unified diff of two texts, line by line (for `--check` outputs).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ksa::text {

// The unified diff from `before` to `after` with 3 lines of context, "" when they are equal;
// nullopt when the texts are too large to compare line by line cheaply.
std::optional<std::string> unified_diff(std::string_view before, std::string_view after, std::string_view before_name,
                                        std::string_view after_name);

} // namespace ksa::text
