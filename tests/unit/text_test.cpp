// support/text.h: terminal escaping, UTF-8 checks, edit distance and did-you-mean.
#include <array>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "support/text.h"

using namespace std::string_literals;
using namespace ksa::text;

TEST_CASE("text: escape_for_terminal leaves plain text and valid UTF-8 alone", "[text]") {
    CHECK(escape_for_terminal("engines/lang/koder.toml") == "engines/lang/koder.toml");
    CHECK(escape_for_terminal("") == "");
    CHECK(escape_for_terminal("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x9a\x80") ==
          "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x9a\x80");
    CHECK(escape_for_terminal("\xc2\xa0nbsp") == "\xc2\xa0nbsp"); // U+00A0 is printable
}

TEST_CASE("text: escape_for_terminal escapes ESC, newlines and other C0 controls", "[text]") {
    CHECK(escape_for_terminal("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m");
    CHECK(escape_for_terminal("a\nb") == "a\\nb");
    CHECK(escape_for_terminal("a\r\nb\tc") == "a\\r\\nb\\tc");
    CHECK(escape_for_terminal("bell\x07") == "bell\\x07");
    CHECK(escape_for_terminal("del\x7f") == "del\\x7f");
    CHECK(escape_for_terminal("nul\0end"s) == "nul\\x00end");
}

TEST_CASE("text: escape_for_terminal escapes C1 controls such as U+009B (CSI)", "[text]") {
    const std::string escaped = escape_for_terminal("a\xc2\x9b"
                                                    "31mb");
    CHECK(escaped == "a\\u{009b}31mb");
    CHECK(escaped.find("\xc2\x9b") == std::string::npos);
    CHECK(escape_for_terminal("\xc2\x80\xc2\x85\xc2\x9f") == "\\u{0080}\\u{0085}\\u{009f}");
}

TEST_CASE("text: escape_for_terminal escapes every bidirectional control, U+061C included", "[text]") {
    // Found by fuzz_registry: the Arabic letter mark went through raw.
    CHECK(escape_for_terminal("a\u061Cb") == "a\\u{061c}b");
    CHECK(escape_for_terminal("\u202A\u202E\u2066\u2069\u200E\u200F") ==
          "\\u{202a}\\u{202e}\\u{2066}\\u{2069}\\u{200e}\\u{200f}");
    CHECK(escape_for_terminal("\u061B\u061D") ==
          "\u061B\u061D"); // its neighbours (semicolon, end-of-text mark) are kept
}

TEST_CASE("text: escape_for_terminal turns invalid UTF-8 into \\xNN", "[text]") {
    CHECK(escape_for_terminal("\xff") == "\\xff");
    CHECK(escape_for_terminal("a\xfe"
                              "b") == "a\\xfeb");
    CHECK(escape_for_terminal("\xc3") == "\\xc3");                            // truncated sequence
    CHECK(escape_for_terminal("\xc3(") == "\\xc3(");                          // bad continuation
    CHECK(escape_for_terminal("\xc0\xaf") == "\\xc0\\xaf");                   // overlong '/'
    CHECK(escape_for_terminal("\xed\xa0\x80") == "\\xed\\xa0\\x80");          // UTF-16 surrogate
    CHECK(escape_for_terminal("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80"); // past U+10FFFF
    CHECK(escape_for_terminal("\x80") == "\\x80");                            // lone continuation
    // The result is always valid UTF-8 without control characters.
    const std::string nasty = "\x1b\xff\xc2\x9b\n\xe2\x82";
    CHECK(is_valid_utf8(escape_for_terminal(nasty)));
}

TEST_CASE("text: is_valid_utf8 and to_valid_utf8", "[text]") {
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("plain"));
    CHECK(is_valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x90\x8d\x88"));
    CHECK(is_valid_utf8("\x1b\n")); // controls are valid UTF-8
    CHECK_FALSE(is_valid_utf8("\xff"));
    CHECK_FALSE(is_valid_utf8("\xe2\x82"));
    CHECK_FALSE(is_valid_utf8("\xc1\xbf"));
    CHECK_FALSE(is_valid_utf8("\xed\xbf\xbf"));
    CHECK_FALSE(is_valid_utf8("\xf5\x80\x80\x80"));
    CHECK(to_valid_utf8("ok\xff\xc3\xa9") == "ok\\xff\xc3\xa9");
    CHECK(to_valid_utf8("\x1b") == "\x1b"); // only invalid bytes change
}

TEST_CASE("text: edit_distance counts insertions, deletions, substitutions and transpositions", "[text]") {
    CHECK(edit_distance("", "") == 0);
    CHECK(edit_distance("", "abc") == 3);
    CHECK(edit_distance("abc", "") == 3);
    CHECK(edit_distance("stable", "stable") == 0);
    CHECK(edit_distance("kitten", "sitting") == 3);
    CHECK(edit_distance("stable", "stabel") == 1); // one transposition, not two substitutions
    CHECK(edit_distance("ab", "ba") == 1);
    CHECK(edit_distance("official", "offical") == 1);
    CHECK(edit_distance("legacy", "lgeacy") == 1);
    CHECK(edit_distance("performance", "perfromance") == 1);
    CHECK(edit_distance("abc", "ca") == 3); // optimal string alignment, not full Damerau
}

TEST_CASE("text: closest_match finds plausible typos only", "[text]") {
    constexpr std::array<std::string_view, 4> statuses{"experimental", "stable", "official", "legacy"};
    CHECK(closest_match("stabel", statuses) == std::optional<std::string>("stable"));
    CHECK(closest_match("Official", statuses) == std::optional<std::string>("official"));
    CHECK(closest_match("experimantal", statuses) == std::optional<std::string>("experimental"));
    CHECK_FALSE(closest_match("done", statuses).has_value());
    CHECK_FALSE(closest_match("", statuses).has_value());
    constexpr std::array<std::string_view, 2> gates{"feature_parity", "production_proven"};
    CHECK(closest_match("Feature-Parity", gates) == std::optional<std::string>("feature_parity"));
    CHECK(closest_match("production proven", gates) == std::optional<std::string>("production_proven"));
    CHECK_FALSE(closest_match("stable", std::span<const std::string_view>{}).has_value());
}

TEST_CASE("text: trim removes spaces and tabs at both ends", "[text]") {
    CHECK(trim("  a b\t") == "a b");
    CHECK(trim("\t \t").empty());
    CHECK(trim("x") == "x");
}
