#include "support/line_diff.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace ksa::text {
namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        lines.push_back(text.substr(0, newline == std::string_view::npos ? text.size() : newline + 1));
        text.remove_prefix(lines.back().size());
    }
    return lines;
}

enum class Op { keep, remove, add };

constexpr std::size_t max_cells = 40'000'000; // LCS table limit: ~160 MB of uint32 at worst
constexpr std::size_t context = 3;

} // namespace

std::optional<std::string> unified_diff(std::string_view before, std::string_view after, std::string_view before_name,
                                        std::string_view after_name) {
    if (before == after) return std::string();
    std::vector<std::string_view> a = split_lines(before);
    std::vector<std::string_view> b = split_lines(after);
    // Common head and tail cost nothing; only the middle needs the table.
    std::size_t head = 0;
    while (head < a.size() && head < b.size() && a[head] == b[head])
        ++head;
    std::size_t tail = 0;
    while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail])
        ++tail;
    const std::size_t n = a.size() - head - tail;
    const std::size_t m = b.size() - head - tail;
    if ((n + 1) * (m + 1) > max_cells) return std::nullopt;
    std::vector<std::uint32_t> lcs((n + 1) * (m + 1), 0);
    const auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return lcs[i * (m + 1) + j]; };
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t j = m; j-- > 0;)
            at(i, j) = a[head + i] == b[head + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    std::vector<std::pair<Op, std::string_view>> script;
    for (std::size_t i = 0; i < head; ++i)
        script.emplace_back(Op::keep, a[i]);
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[head + i] == b[head + j]) {
            script.emplace_back(Op::keep, a[head + i]);
            ++i;
            ++j;
        } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
            script.emplace_back(Op::remove, a[head + i++]); // removals first, as diff -u prints them
        } else {
            script.emplace_back(Op::add, b[head + j++]);
        }
    }
    for (std::size_t k = a.size() - tail; k < a.size(); ++k)
        script.emplace_back(Op::keep, a[k]);

    std::string out = fmt::format("--- {}\n+++ {}\n", before_name, after_name);
    // Group changes into hunks with `context` lines around them.
    std::size_t k = 0;
    while (k < script.size()) {
        if (script[k].first == Op::keep) {
            ++k;
            continue;
        }
        std::size_t start = k >= context ? k - context : 0;
        std::size_t end = k;
        std::size_t last_change = k;
        while (end < script.size()) {
            if (script[end].first != Op::keep)
                last_change = end;
            else if (end - last_change > 2 * context)
                break;
            ++end;
        }
        end = std::min(script.size(), last_change + context + 1);
        std::size_t old_line = 1;
        std::size_t new_line = 1;
        for (std::size_t x = 0; x < start; ++x) {
            if (script[x].first != Op::add) ++old_line;
            if (script[x].first != Op::remove) ++new_line;
        }
        std::size_t old_count = 0;
        std::size_t new_count = 0;
        std::string body;
        for (std::size_t x = start; x < end; ++x) {
            const auto& [op, line] = script[x];
            const char mark = op == Op::keep ? ' ' : op == Op::add ? '+' : '-';
            if (op != Op::add) ++old_count;
            if (op != Op::remove) ++new_count;
            body += mark;
            body += line;
            if (!line.ends_with('\n')) body += "\n\\ No newline at end of file\n";
        }
        out += fmt::format("@@ -{},{} +{},{} @@\n", old_count ? old_line : old_line - 1, old_count,
                           new_count ? new_line : new_line - 1, new_count);
        out += body;
        k = end;
    }
    return out;
}

} // namespace ksa::text
