// "did you mean" hints shared by the rules.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace ksa::rules {

// "did you mean `x`?" when a candidate is close, else "expected one of: a, b, c".
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

std::string join_quoted(std::span<const std::string_view> words);

} // namespace ksa::rules
