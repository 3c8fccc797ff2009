// support/line_diff.h: text::unified_diff, checked both on exact outputs and by applying every
// diff it produces back onto the old text (a small strict patch applier below).
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "support/line_diff.h"

using ksa::text::unified_diff;

namespace {

// "1\n2\n...n\n"
std::string numbered(int from, int to, std::string_view prefix = "") {
    std::string text;
    for (int i = from; i <= to; ++i)
        text += std::string(prefix) + std::to_string(i) + "\n";
    return text;
}

std::vector<std::string> split_keep(std::string_view text) {
    std::vector<std::string> lines;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        const std::size_t length = newline == std::string_view::npos ? text.size() : newline + 1;
        lines.emplace_back(text.substr(0, length));
        text.remove_prefix(length);
    }
    return lines;
}

struct Hunk {
    std::size_t old_start, old_count, new_start, new_count;
};

std::optional<Hunk> parse_header(const std::string& line) {
    Hunk h{};
    if (std::sscanf(line.c_str(), "@@ -%zu,%zu +%zu,%zu @@", &h.old_start, &h.old_count, &h.new_start, &h.new_count) !=
        4)
        return std::nullopt;
    return h;
}

// Applies `diff` to `before` strictly (context and removed lines must match, the counts and
// line numbers of each hunk header must be right, hunks in order and not overlapping).
// Returns the new text, or nullopt with `error` set.
std::optional<std::string> apply(const std::string& before, const std::string& diff, std::string& error) {
    const std::vector<std::string> old_lines = split_keep(before);
    const std::vector<std::string> patch = split_keep(diff);
    if (patch.size() < 2 || !patch[0].starts_with("--- ") || !patch[1].starts_with("+++ ")) {
        error = "no ---/+++ header";
        return std::nullopt;
    }
    std::string out;
    std::size_t old_index = 0; // 0-based next old line to copy
    std::size_t new_lines_so_far = 0;
    std::size_t p = 2;
    if (p == patch.size()) {
        error = "no hunk";
        return std::nullopt;
    }
    while (p < patch.size()) {
        const auto hunk = parse_header(patch[p]);
        if (!hunk) {
            error = "bad hunk header: " + patch[p];
            return std::nullopt;
        }
        ++p;
        // A zero-length range names the line before it.
        const std::size_t first_old = hunk->old_count == 0 ? hunk->old_start : hunk->old_start - 1;
        if (first_old < old_index || first_old > old_lines.size()) {
            error = "hunk out of order or out of range: " + patch[p - 1];
            return std::nullopt;
        }
        while (old_index < first_old) {
            out += old_lines[old_index++];
            ++new_lines_so_far;
        }
        const std::size_t first_new = hunk->new_count == 0 ? hunk->new_start : hunk->new_start - 1;
        if (first_new != new_lines_so_far) {
            error =
                "new start line is wrong: " + patch[p - 1] + " (expected " + std::to_string(new_lines_so_far + 1) + ")";
            return std::nullopt;
        }
        std::size_t seen_old = 0;
        std::size_t seen_new = 0;
        while (p < patch.size() && !patch[p].starts_with("@@ ")) {
            std::string line = patch[p].substr(1);
            const char mark = patch[p][0];
            ++p;
            // "\ No newline at end of file" takes the newline off the line before it.
            if (p < patch.size() && patch[p] == "\\ No newline at end of file\n") {
                if (!line.ends_with('\n')) {
                    error = "no-newline marker after a line without newline";
                    return std::nullopt;
                }
                line.pop_back();
                ++p;
            }
            if (mark == ' ' || mark == '-') {
                if (old_index >= old_lines.size() || old_lines[old_index] != line) {
                    error = "context or removed line does not match: " + line;
                    return std::nullopt;
                }
                ++old_index;
                ++seen_old;
            }
            if (mark == ' ' || mark == '+') {
                out += line;
                ++seen_new;
                ++new_lines_so_far;
            }
            if (mark != ' ' && mark != '-' && mark != '+') {
                error = "bad line mark in: " + patch[p - 1];
                return std::nullopt;
            }
        }
        if (seen_old != hunk->old_count || seen_new != hunk->new_count) {
            error = "hunk counts do not match its lines";
            return std::nullopt;
        }
    }
    while (old_index < old_lines.size())
        out += old_lines[old_index++];
    return out;
}

// The diff exists, is not empty, and turns `before` into `after`.
std::string require_valid_diff(const std::string& before, const std::string& after) {
    const auto diff = unified_diff(before, after, "a/reg.md", "b/reg.md");
    REQUIRE(diff.has_value());
    REQUIRE_FALSE(diff->empty());
    INFO("diff:\n" << *diff);
    std::string error;
    const auto applied = apply(before, *diff, error);
    INFO("apply error: " << error);
    REQUIRE(applied.has_value());
    CHECK(*applied == after);
    return *diff;
}

std::size_t count_of(const std::string& text, std::string_view needle) {
    std::size_t count = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size()))
        ++count;
    return count;
}

} // namespace

TEST_CASE("line diff: equal texts give an empty diff", "[line_diff]") {
    CHECK(unified_diff("", "", "a", "b") == std::optional<std::string>(""));
    CHECK(unified_diff("a\nb\n", "a\nb\n", "a", "b") == std::optional<std::string>(""));
    CHECK(unified_diff("no newline", "no newline", "a", "b") == std::optional<std::string>(""));
}

TEST_CASE("line diff: one line changed", "[line_diff]") {
    const std::string before = numbered(1, 10);
    std::string after = before;
    after.replace(after.find("5\n"), 2, "five\n");
    const std::string diff = require_valid_diff(before, after);
    CHECK(diff.starts_with("--- a/reg.md\n+++ b/reg.md\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n"));
    CHECK(diff.ends_with(" 6\n 7\n 8\n"));
    CHECK(diff.find("-5\n") != std::string::npos);
    CHECK(diff.find("+five\n") != std::string::npos);
    CHECK(count_of(diff, "@@ -") == 1);
}

TEST_CASE("line diff: a changed line shows the removal before the addition", "[line_diff]") {
    // BUG (src/support/line_diff.cpp, unified_diff): on a tie the backtrack prefers Op::add
    // (`at(i, j + 1) >= at(i + 1, j)`), so a replaced line prints "+new" before "-old" — valid
    // for patch(1), but the reverse of diff -u and git diff, which --check users compare it
    // with. Fix: prefer the removal on a tie: `else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1)))`
    // emit Op::remove, else Op::add.
    const auto diff = unified_diff("a\nold\nz\n", "a\nnew\nz\n", "a/f", "b/f");
    REQUIRE(diff.has_value());
    CHECK(*diff == "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-old\n+new\n z\n");
}

TEST_CASE("line diff: insertion at the start and at the end", "[line_diff]") {
    const std::string before = numbered(1, 5);
    {
        const std::string diff = require_valid_diff(before, "0\n" + before);
        CHECK(diff == "--- a/reg.md\n+++ b/reg.md\n@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n");
    }
    {
        const std::string diff = require_valid_diff(before, before + "6\n");
        CHECK(diff == "--- a/reg.md\n+++ b/reg.md\n@@ -3,3 +3,4 @@\n 3\n 4\n 5\n+6\n");
    }
    {
        // Into an empty file: the old range is 0,0.
        const std::string diff = require_valid_diff("", "x\ny\n");
        CHECK(diff == "--- a/reg.md\n+++ b/reg.md\n@@ -0,0 +1,2 @@\n+x\n+y\n");
    }
}

TEST_CASE("line diff: deletion", "[line_diff]") {
    const std::string before = numbered(1, 9);
    std::string after = before;
    after.erase(after.find("5\n"), 2);
    const std::string diff = require_valid_diff(before, after);
    CHECK(diff == "--- a/reg.md\n+++ b/reg.md\n@@ -2,7 +2,6 @@\n 2\n 3\n 4\n-5\n 6\n 7\n 8\n");
    // Everything deleted: the new range is 0,0.
    CHECK(require_valid_diff("x\ny\n", "") == "--- a/reg.md\n+++ b/reg.md\n@@ -1,2 +0,0 @@\n-x\n-y\n");
}

TEST_CASE("line diff: a missing final newline is marked", "[line_diff]") {
    {
        const std::string diff = require_valid_diff("a\nb\n", "a\nb");
        CHECK(diff.starts_with("--- a/reg.md\n+++ b/reg.md\n@@ -1,2 +1,2 @@\n a\n"));
        CHECK(diff.find("\n-b\n") != std::string::npos);
        CHECK(diff.find("\n+b\n\\ No newline at end of file\n") != std::string::npos);
        CHECK(count_of(diff, "\\ No newline at end of file\n") == 1);
    }
    {
        const std::string diff = require_valid_diff("a\nb", "a\nb\n");
        CHECK(count_of(diff, "\\ No newline at end of file\n") == 1);
        CHECK(diff.find("-b\n\\ No newline at end of file\n") != std::string::npos);
        CHECK(diff.find("+b\n") != std::string::npos);
    }
    {
        // Both sides without one: the unchanged last line carries the marker as context.
        const std::string diff = require_valid_diff("a\nb\nc", "A\nb\nc");
        CHECK(diff.ends_with(" c\n\\ No newline at end of file\n"));
        CHECK(count_of(diff, "\\ No newline") == 1);
    }
    require_valid_diff("only", "other");
}

TEST_CASE("line diff: changes within 6 lines share a hunk, further apart they split", "[line_diff]") {
    const std::string before = numbered(1, 30);
    const auto changed = [&](int first, int second) {
        std::string after;
        for (int i = 1; i <= 30; ++i)
            after += (i == first || i == second ? "x" : "") + std::to_string(i) + "\n";
        return after;
    };
    SECTION("6 unchanged lines between: one hunk") {
        const std::string diff = require_valid_diff(before, changed(10, 17));
        CHECK(count_of(diff, "@@ -") == 1);
        CHECK(diff.find("@@ -7,14 +7,14 @@\n") != std::string::npos);
    }
    SECTION("7 unchanged lines between: two hunks") {
        const std::string diff = require_valid_diff(before, changed(10, 18));
        CHECK(count_of(diff, "@@ -") == 2);
        CHECK(diff.find("@@ -7,7 +7,7 @@\n") != std::string::npos);
        CHECK(diff.find("@@ -15,7 +15,7 @@\n") != std::string::npos);
    }
    SECTION("far apart: two hunks, nothing between them shown") {
        const std::string diff = require_valid_diff(before, changed(3, 27));
        CHECK(count_of(diff, "@@ -") == 2);
        CHECK(diff.find(" 15\n") == std::string::npos);
    }
    SECTION("a change in the first and the last line") {
        const std::string diff = require_valid_diff(before, changed(1, 30));
        CHECK(count_of(diff, "@@ -") == 2);
        CHECK(diff.find("@@ -1,4 +1,4 @@\n") != std::string::npos);
        CHECK(diff.find("@@ -27,4 +27,4 @@\n") != std::string::npos);
    }
}

TEST_CASE("line diff: mixed edits always apply back", "[line_diff]") {
    require_valid_diff(numbered(1, 40),
                       numbered(1, 12) + "new a\nnew b\n" + numbered(15, 33) + numbered(36, 40) + "tail\n");
    require_valid_diff(numbered(1, 20), numbered(1, 20, "p"));
    require_valid_diff("a\na\na\nb\na\n", "a\nb\na\na\na\n");
    require_valid_diff("\n\n\n", "\n\nx\n\n");
    require_valid_diff("| 1 | a |\n| 2 | b |\n", "| 1 | a |\n| 2 | c |\n| 3 | d |");
}

TEST_CASE("line diff: texts too large to compare give nullopt, quickly", "[line_diff]") {
    const std::string before = numbered(1, 10'000, "old ");
    const std::string after = numbered(1, 10'000, "new ");
    CHECK_FALSE(unified_diff(before, after, "a", "b").has_value());
    // A large file with a small change is fine: the common head and tail are cut first.
    std::string edited = before;
    edited.replace(edited.find("old 5000\n"), 9, "changed 5000\n");
    const auto diff = unified_diff(before, edited, "a", "b");
    REQUIRE(diff.has_value());
    CHECK(count_of(*diff, "@@ -") == 1);
    CHECK(diff->find("@@ -4997,7 +4997,7 @@\n") != std::string::npos);
}
