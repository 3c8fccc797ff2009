// The TOML nesting pre-scan (manifest/nesting.h): what counts as a level, where the excess is
// reported, and that strings and comments never count.
#include <string>

#include <catch2/catch.hpp>
#include <toml++/toml.h>

#include "manifest/nesting.h"

using ksa::manifest::find_excess_nesting;

namespace {

// The deepest limit that still reports `text`, i.e. its depth (0 for flat text).
std::uint32_t depth_of(const std::string& text) {
    std::uint32_t limit = 1;
    while (find_excess_nesting(text, limit))
        ++limit;
    return limit == 1 && !find_excess_nesting(text, 0) ? 0 : limit;
}

} // namespace

TEST_CASE("nesting: each kind of container counts one level", "[nesting]") {
    CHECK(depth_of("a = 1\n") == 0);
    CHECK(depth_of("a = [1, 2]\n") == 1);
    CHECK(depth_of("a = [[1], [2]]\n") == 2);
    CHECK(depth_of("a = {b = 1}\n") == 1);
    CHECK(depth_of("a = {b = {c = [1]}}\n") == 3);
    CHECK(depth_of("a.b.c = 1\n") == 2);
    CHECK(depth_of("[a]\nb = 1\n") == 1);
    CHECK(depth_of("[a.b.c]\n") == 3);
    CHECK(depth_of("[[a.b]]\n") == 3);
    CHECK(depth_of("[a.b]\nc.d = [{e.f = [1]}]\n") == 7);
    CHECK(depth_of("[[self_hosted.skipped]]\nexternal = \"x\"\n") == 3);
}

TEST_CASE("nesting: a header resets the depth; closed containers give their levels back", "[nesting]") {
    CHECK(depth_of("[a.b.c.d]\n[e]\nf = 1\n") == 4);
    CHECK(depth_of("a = [[[1]]]\nb = [2]\n") == 3);
    CHECK(depth_of("a = [\n  [1],\n  [2], # a comment [[[[\n]\nb.c = 1\n") == 2);
    CHECK(depth_of("a = {}\nb = { }\nc = {d = 1, e = [1]}\n") == 2);
}

TEST_CASE("nesting: brackets, braces and dots in strings, keys and comments do not count", "[nesting]") {
    CHECK(depth_of("a = \"[[[[{{{{\"\n") == 0);
    CHECK(depth_of("a = '[[[[.{{'\n") == 0);
    CHECK(depth_of("a = \"\"\"\n[[[\n\\\"\"\"[[\n\"\"\"\nb = 1\n") == 0);
    CHECK(depth_of("a = '''\n[[[\n'''\n") == 0);
    CHECK(depth_of("a = \"\"\"x\"\"\"\"\"\nb = 1\n") == 0); // two quotes inside, before the close
    CHECK(depth_of("\"a.b.c\" = 1\n'd.e' = 2\n") == 0);
    CHECK(depth_of("[\"a.b\".c]\n") == 2);
    CHECK(depth_of("# [[[[[\n# a.b.c.d\nx = 1 # [[[\n") == 0);
    CHECK(depth_of("a = \"\\\"[[\"\n") == 0);
    CHECK(depth_of("a = \"\"\nb = [1]\n") == 1); // an empty string is not a multi-line one
}

TEST_CASE("nesting: the excess is reported at the bracket, brace or dot that crosses the limit", "[nesting]") {
    const auto arrays = find_excess_nesting("x = 1\nvalue = [[[1]]]\n", 2);
    REQUIRE(arrays);
    CHECK(arrays->line == 2);
    CHECK(arrays->column == 11);
    const auto dotted = find_excess_nesting("a.b.c = 1\n", 1);
    REQUIRE(dotted);
    CHECK(dotted->line == 1);
    CHECK(dotted->column == 4);
    const auto header = find_excess_nesting("\n\n[a.b]\n", 1);
    REQUIRE(header);
    CHECK(header->line == 3);
    CHECK(header->column == 3);
    // Columns count characters, not bytes.
    const auto utf8 = find_excess_nesting("\"é\" = [[1]]\n", 1);
    REQUIRE(utf8);
    CHECK(utf8->column == 8);
    CHECK_FALSE(find_excess_nesting("a = [[1]]\n", 2));
}

TEST_CASE("nesting: a million levels are refused in one linear pass", "[nesting]") {
    const std::string arrays = "a = " + std::string(1000000, '[');
    const auto excess = find_excess_nesting(arrays, 64);
    REQUIRE(excess);
    CHECK(excess->line == 1);
    CHECK(excess->column == 5 + 64);
    std::string dotted = "a";
    for (int i = 0; i < 500000; ++i)
        dotted += ".a";
    CHECK(find_excess_nesting(dotted + " = 1\n", 64));
    std::string inline_tables = "a = ";
    for (int i = 0; i < 100000; ++i)
        inline_tables += "{b=";
    CHECK(find_excess_nesting(inline_tables, 64));
}

TEST_CASE("nesting: the scan never counts less than toml++ builds", "[nesting]") {
    // Depth of a parsed tree: the root table is 0, each table or array inside adds one.
    const auto tree_depth = [](const toml::node& node, auto& self) -> std::uint32_t {
        std::uint32_t deepest = 0;
        if (const auto* table = node.as_table())
            for (const auto& [key, child] : *table)
                if (child.is_table() || child.is_array()) deepest = std::max(deepest, 1 + self(child, self));
        if (const auto* array = node.as_array())
            for (const auto& child : *array)
                if (child.is_table() || child.is_array()) deepest = std::max(deepest, 1 + self(child, self));
        return deepest;
    };
    const char* documents[] = {
        "a = [[1], [[2]]]\n",
        "[a.b]\nc.d = [{e.f = [1]}]\n",
        "[[x.y]]\nz = 1\n[[x.y]]\nz = {w = [[]]}\n",
        "p.q.r = {s = {t = 1}}\n",
        "category = \"engine\"\n[self_hosted]\nreplaces = [\"a\"]\n[[self_hosted.skipped]]\nexternal = \"b\"\n",
    };
    for (const char* text : documents) {
        INFO(text);
        const toml::table root = toml::parse(text);
        CHECK(depth_of(text) >= tree_depth(root, tree_depth));
    }
}
