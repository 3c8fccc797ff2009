#include "support/text.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace ksa::text {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80) return 1;
    std::size_t length = 0;
    char32_t code = 0;
    if ((lead & 0xE0) == 0xC0) {
        length = 2;
        code = lead & 0x1Fu;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3;
        code = lead & 0x0Fu;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4;
        code = lead & 0x07u;
    } else
        return 0;
    if (i + length > s.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        code = (code << 6) | (byte(i + k) & 0x3Fu);
    }
    // Reject overlong forms, surrogates and values past U+10FFFF.
    static constexpr char32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < minimum[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
    return length;
}

void append_hex_escape(std::string& out, unsigned char c) { out += fmt::format("\\x{:02x}", c); }

} // namespace

namespace {

// Code points that are not visible text: format characters (Unicode category Cf), line and
// paragraph separators (Zl, Zp), default-ignorable code points (zero-width, fillers, variation
// selectors, tag characters) and noncharacters. Shown raw they hide, join or reorder what the
// reader sees ("Trojan Source", look-alike names); they are printed as \u{XXXX} instead.
constexpr std::pair<char32_t, char32_t> invisible_ranges[] = {
    {0x0080, 0x009F},   // C1 controls: escape introducers on some terminals
    {0x00AD, 0x00AD},   // soft hyphen
    {0x034F, 0x034F},   // combining grapheme joiner
    {0x061C, 0x061C},   // Arabic letter mark
    {0x115F, 0x1160},   // Hangul choseong and jungseong fillers
    {0x17B4, 0x17B5},   // Khmer inherent vowels
    {0x180B, 0x180F},   // Mongolian variation selectors and vowel separator
    {0x200B, 0x200F},   // zero-width space, non-joiner, joiner; LRM, RLM
    {0x2028, 0x202E},   // line and paragraph separators; bidirectional embeddings
    {0x2060, 0x206F},   // word joiner, invisible operators, bidirectional isolates
    {0x3164, 0x3164},   // Hangul filler
    {0xFE00, 0xFE0F},   // variation selectors
    {0xFEFF, 0xFEFF},   // zero-width no-break space (byte order mark)
    {0xFFA0, 0xFFA0},   // halfwidth Hangul filler
    {0xFFF0, 0xFFFB},   // interlinear annotation controls and unassigned specials
    {0xFFFE, 0xFFFF},   // noncharacters
    {0x1BCA0, 0x1BCA3}, // shorthand format controls
    {0x1D173, 0x1D17A}, // musical symbol format controls
    {0xE0000, 0xE0FFF}, // tag characters, variation selectors supplement
};

bool is_invisible(char32_t code) {
    if ((code & 0xFFFE) == 0xFFFE) return true; // the noncharacters of every plane
    for (const auto& [first, last] : invisible_ranges)
        if (code >= first && code <= last) return true;
    return false;
}

char32_t decode(std::string_view raw, std::size_t at, std::size_t length) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(raw[at + i]); };
    switch (length) {
    case 1: return byte(0);
    case 2: return (char32_t{byte(0) & 0x1Fu} << 6) | (byte(1) & 0x3Fu);
    case 3: return (char32_t{byte(0) & 0x0Fu} << 12) | (char32_t{byte(1) & 0x3Fu} << 6) | (byte(2) & 0x3Fu);
    default:
        return (char32_t{byte(0) & 0x07u} << 18) | (char32_t{byte(1) & 0x3Fu} << 12) |
               (char32_t{byte(2) & 0x3Fu} << 6) | (byte(3) & 0x3Fu);
    }
}

} // namespace

bool is_invisible_code_point(char32_t code) { return is_invisible(code); }

std::string escape_for_terminal(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size();) {
        const auto c = static_cast<unsigned char>(raw[i]);
        if (c == '\n') {
            out += "\\n";
            ++i;
            continue;
        }
        if (c == '\t') {
            out += "\\t";
            ++i;
            continue;
        }
        if (c == '\r') {
            out += "\\r";
            ++i;
            continue;
        }
        if (c < 0x20 || c == 0x7F) {
            append_hex_escape(out, c);
            ++i;
            continue;
        }
        const std::size_t length = utf8_sequence_length(raw, i);
        if (length == 0) {
            append_hex_escape(out, c);
            ++i;
            continue;
        }
        if (length > 1) {
            const char32_t code = decode(raw, i, length);
            if (is_invisible(code)) {
                out += fmt::format("\\u{{{:04x}}}", static_cast<std::uint32_t>(code));
                i += length;
                continue;
            }
        }
        out.append(raw.substr(i, length));
        i += length;
    }
    return out;
}

std::string escape_xml(std::string_view raw) {
    const std::string visible = escape_for_terminal(raw);
    std::string out;
    out.reserve(visible.size());
    for (const char c : visible) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string abbreviate(std::string_view raw, std::size_t limit) {
    if (raw.size() <= limit) return std::string(raw);
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(raw[cut]) & 0xC0) == 0x80)
        --cut;
    return std::string(raw.substr(0, cut)) + "…";
}

std::string escape_lines_for_terminal(std::string_view raw) {
    std::string out;
    while (!raw.empty()) {
        const auto newline = raw.find('\n');
        out += escape_for_terminal(raw.substr(0, newline));
        if (newline == std::string_view::npos) break;
        out += '\n';
        raw.remove_prefix(newline + 1);
    }
    return out;
}

bool is_valid_utf8(std::string_view raw) {
    for (std::size_t i = 0; i < raw.size();) {
        const std::size_t length = utf8_sequence_length(raw, i);
        if (length == 0) return false;
        i += length;
    }
    return true;
}

std::string to_valid_utf8(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size();) {
        const std::size_t length = utf8_sequence_length(raw, i);
        if (length == 0) {
            append_hex_escape(out, static_cast<unsigned char>(raw[i]));
            ++i;
        } else {
            out.append(raw.substr(i, length));
            i += length;
        }
    }
    return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    const std::size_t rows = a.size() + 1;
    const std::size_t cols = b.size() + 1;
    std::vector<std::size_t> d(rows * cols);
    const auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * cols + j]; };
    for (std::size_t i = 0; i < rows; ++i)
        at(i, 0) = i;
    for (std::size_t j = 0; j < cols; ++j)
        at(0, j) = j;
    for (std::size_t i = 1; i < rows; ++i) {
        for (std::size_t j = 1; j < cols; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
        }
    }
    return at(rows - 1, cols - 1);
}

std::optional<std::string> closest_match(std::string_view word, std::span<const std::string_view> candidates) {
    // Compare case-insensitively and without separators: "Feature-Parity" ~ "feature_parity".
    const auto fold = [](std::string_view s) {
        std::string folded;
        for (char c : s)
            if (c != '_' && c != '-' && c != ' ')
                folded += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return folded;
    };
    const std::string folded_word = fold(word);
    std::optional<std::string> best;
    std::size_t best_distance = 0;
    for (std::string_view candidate : candidates) {
        // Allow roughly one edit per three characters, at least one, at most four.
        const std::size_t allowed = std::clamp<std::size_t>(candidate.size() / 3, 1, 4);
        // Lengths further apart than the allowed edits cannot match: skip the O(n*m) table.
        const std::size_t folded_size = fold(candidate).size();
        const std::size_t gap =
            folded_word.size() > folded_size ? folded_word.size() - folded_size : folded_size - folded_word.size();
        if (gap > allowed) continue;
        const std::size_t distance = edit_distance(folded_word, fold(candidate));
        if (distance <= allowed && (!best || distance < best_distance)) {
            best = std::string(candidate);
            best_distance = distance;
        }
    }
    return best;
}

std::string_view trim(std::string_view s) {
    const auto is_space = [](char c) { return c == ' ' || c == '\t'; };
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return s;
}

bool is_lower_hex(std::string_view s) {
    bool all = true;
    // No early exit: a branch-free loop the compiler vectorises (ids are 40 bytes).
    for (const char c : s)
        all &= (c >= '0' && c <= '9') | (c >= 'a' && c <= 'f');
    return all;
}

std::size_t display_width(std::string_view s) {
    // UTF-8 continuation bytes (10xxxxxx) do not start a code point.
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

} // namespace ksa::text
