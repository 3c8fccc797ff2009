#include "rules/suggest.h"

#include <fmt/format.h>

#include "support/text.h"

namespace ksa::rules {

std::string join_quoted(std::span<const std::string_view> words) {
    std::string joined;
    for (std::string_view word : words) {
        if (!joined.empty()) joined += ", ";
        joined += fmt::format("`{}`", word);
    }
    return joined;
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
    if (auto match = text::closest_match(word, candidates))
        return fmt::format("did you mean `{}`? (expected one of: {})", *match, join_quoted(candidates));
    return fmt::format("expected one of: {}", join_quoted(candidates));
}

} // namespace ksa::rules
