// Text helpers shared by every layer: safe echoing, UTF-8 checks, fuzzy matching.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ksa::text {

// Escapes control characters, escape sequences and invalid UTF-8 so the result can be
// printed to a terminal without side effects ("\x1b", "\n", "\xff").
std::string escape_for_terminal(std::string_view raw);

// True for a code point that is not visible text (format characters, separators, zero-width
// and filler characters, tag characters, noncharacters): escape_for_terminal spells these out.
bool is_invisible_code_point(char32_t code);

// Text for XML content and attribute values (SVG): escape_for_terminal first, so only
// characters XML allows remain and nothing invisible hides, then & < > " ' as entities.
std::string escape_xml(std::string_view raw);

// escape_for_terminal applied to each line, keeping the line breaks.
std::string escape_lines_for_terminal(std::string_view raw);

bool is_valid_utf8(std::string_view raw);

// `raw` cut to at most `limit` bytes (on a UTF-8 boundary) with "…" appended when cut, so a
// 1 MiB value does not become a 1 MiB message.
std::string abbreviate(std::string_view raw, std::size_t limit = 120);

// Replaces invalid UTF-8 bytes with "\xNN" so the result is valid UTF-8 (for JSON/SARIF).
std::string to_valid_utf8(std::string_view raw);

// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word` when it is close enough to be a plausible typo.
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string_view> candidates);

std::string_view trim(std::string_view s);

// True when every byte of `s` is 0-9 or a-f (git's object ids); a plain loop, as
// find_first_not_of with a 16-byte set costs a memchr per byte.
bool is_lower_hex(std::string_view s);

// Columns `s` takes on a terminal, counting one per code point (for aligned tables).
std::size_t display_width(std::string_view s);

} // namespace ksa::text
