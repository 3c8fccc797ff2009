// The git layer's readers of raw objects: tree parsing and validation as git's fsck and
// checkout see trees (git/tree.h), commits and tags (git/commit.h), packed-refs
// (git/packed_refs.h). Each defect fsck reports must be a defect here too.
#include <catch2/catch.hpp>

#include <string>

#include "git/commit.h"
#include "git/packed_refs.h"
#include "git/tree.h"

using namespace ksa::git;

namespace {

std::string entry(const std::string& mode, const std::string& name, unsigned char fill = 0x11) {
    std::string bytes = mode + " " + name;
    bytes += '\0';
    bytes.append(20, static_cast<char>(fill));
    return bytes;
}

std::variant<Tree, TreeDefect> parse(const std::string& bytes) {
    auto object = std::make_shared<RawObject>();
    object->type = ObjectType::tree;
    object->data = bytes;
    return parse_tree(object, "engines/web/");
}

std::string defect_of(const std::string& bytes) {
    auto parsed = parse(bytes);
    const auto* defect = std::get_if<TreeDefect>(&parsed);
    if (defect == nullptr) return "";
    CHECK(defect->folder == "engines/web/");
    return defect->problem;
}

} // namespace

TEST_CASE("git tree: canonical modes are what checkout makes of a stored mode", "[git][tree]") {
    CHECK(canonical_mode(0100644) == mode_file);
    CHECK(canonical_mode(0100664) == mode_file);
    CHECK(canonical_mode(0100600) == mode_file);
    CHECK(canonical_mode(0100755) == mode_executable);
    CHECK(canonical_mode(0100700) == mode_executable);
    CHECK(canonical_mode(0120755) == mode_symlink); // libgit2 reads this as an executable file
    CHECK(canonical_mode(0040755) == mode_tree);
    CHECK(canonical_mode(0160755) == mode_gitlink);
    CHECK(canonical_mode(0) == mode_gitlink);
    CHECK(is_canonical_mode(0100644));
    CHECK_FALSE(is_canonical_mode(0100664));
    CHECK_FALSE(is_canonical_mode(0120755));
    CHECK(kind_of(canonical_mode(0120755)) == ksa::EntryKind::symlink);
}

TEST_CASE("git tree: a well-formed tree parses in git's order and finds files and folders", "[git][tree]") {
    // A folder sorts as if its name ended in '/': "a" (file) < "a-b" < "a" (folder) is not
    // possible together, but "a-b" (file) < "a" (folder, as "a/") < "a0" is git's order.
    const std::string bytes = entry("100644", "a-b") + entry("40000", "a") + entry("100644", "a0") +
                              entry("120000", "link") + entry("100755", "run.sh") + entry("160000", "sub");
    auto parsed = parse(bytes);
    REQUIRE(std::holds_alternative<Tree>(parsed));
    const Tree& tree = std::get<Tree>(parsed);
    REQUIRE(tree.entries.size() == 6);
    CHECK(tree.entries[1].is_tree());
    CHECK(tree.find("a") == &tree.entries[1]);
    CHECK(tree.find("a0") == &tree.entries[2]);
    CHECK(tree.find("sub")->kind() == ksa::EntryKind::submodule);
    CHECK(tree.find("missing") == nullptr);
    // Zero-padded modes (very old git) are read as git reads them.
    CHECK(std::holds_alternative<Tree>(parse(entry("040000", "dir") + entry("0100644", "file"))));
}

TEST_CASE("git tree: every fsck defect is refused with the tree's folder", "[git][tree]") {
    CHECK_THAT(defect_of(entry("100644", "zz") + entry("100644", "koder.toml")), Catch::Contains("out of git's order"));
    CHECK_THAT(defect_of(entry("100644", "koder.toml") + entry("100644", "koder.toml")),
               Catch::Contains("two entries named 'koder.toml'"));
    // A file and a folder of one name, with a name sorting between them (fsck's verify_ordered).
    CHECK_THAT(defect_of(entry("100644", "a") + entry("100644", "a-b") + entry("40000", "a")),
               Catch::Contains("two entries named 'a'"));
    CHECK_THAT(defect_of(entry("100644", "infra/x/koder.toml")), Catch::Contains("contains '/'"));
    CHECK_THAT(defect_of(entry("100644", "")), Catch::Contains("empty name"));
    CHECK_THAT(defect_of(entry("40000", ".")), Catch::Contains("named '.'"));
    CHECK_THAT(defect_of(entry("40000", "..")), Catch::Contains("named '..'"));
    for (const char* name : {".git", ".GIT", ".Git", "git~1", "GIT~1", ".git ", ".git.", "x\\.git", "\xe2\x80\x8c.git",
                             ".g\xe2\x80\x8dit"})
        CHECK_THAT(defect_of(entry("40000", name)), Catch::Contains("git refuses to check it out"));
    CHECK(defect_of(entry("40000", ".github") + entry("100644", ".gitignore")).empty());
    CHECK_THAT(defect_of("100644 koder.toml"), Catch::Contains("truncated"));
    CHECK_THAT(defect_of(entry("100644", "a").substr(0, 20)), Catch::Contains("truncated"));
    CHECK_THAT(defect_of(entry("10x644", "a")), Catch::Contains("malformed mode"));
    CHECK_THAT(defect_of(entry("", "a")), Catch::Contains("malformed mode"));
    CHECK_THAT(defect_of(entry("123456701", "a")), Catch::Contains("malformed mode"));
}

TEST_CASE("git tree: compare_entries is git's base_name_compare", "[git][tree]") {
    const auto make = [](std::string_view name, std::uint32_t mode) {
        TreeEntry e;
        e.name = name;
        e.mode = mode;
        return e;
    };
    CHECK(compare_entries(make("a", mode_file), make("a-b", mode_file)) < 0);
    CHECK(compare_entries(make("a-b", mode_file), make("a", mode_tree)) < 0);
    CHECK(compare_entries(make("a", mode_tree), make("a0", mode_file)) < 0);
    CHECK(compare_entries(make("a", mode_file), make("a", mode_tree)) < 0);
    CHECK(compare_entries(make("b", mode_file), make("b", mode_file)) == 0);
}

TEST_CASE("git commit: tree, parents, committer time and subject; malformed commits refused", "[git][commit]") {
    const std::string tree(40, 'a');
    const std::string parent(40, 'b');
    const std::string text = "tree " + tree + "\nparent " + parent + "\nparent " + std::string(40, 'c') +
                             "\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 1700000000 +0100\ngpgsig -----BEGIN\n "
                             "more\n\n  First line\nsecond line  \n\nbody\n";
    const auto commit = parse_commit(text);
    REQUIRE(commit.has_value());
    CHECK(to_hex(commit->tree) == tree);
    REQUIRE(commit->parents.size() == 2);
    CHECK(to_hex(commit->parents[0]) == parent);
    CHECK(commit->time == 1700000000);
    CHECK(commit_subject(commit->message) == "First line second line");
    CHECK_FALSE(parse_commit("parent " + parent + "\ntree " + tree + "\n\nx").has_value());
    CHECK_FALSE(parse_commit("tree nothex\n\nx").has_value());
    CHECK_FALSE(parse_commit("tree " + tree + "\nparent zz\n\nx").has_value());
    CHECK_FALSE(parse_commit("tree " + tree).has_value());
    // A parent line after other headers is not a parent to git.
    const auto late = parse_commit("tree " + tree + "\nauthor A <a@x> 1 +0000\nparent " + parent + "\n\nx");
    REQUIRE(late.has_value());
    CHECK(late->parents.empty());
}

TEST_CASE("git tag: object and type", "[git][commit]") {
    const std::string id(40, 'd');
    const auto tag = parse_tag("object " + id + "\ntype tree\ntag v1\ntagger T <t@x> 1 +0000\n\nmsg\n");
    REQUIRE(tag.has_value());
    CHECK(to_hex(tag->object) == id);
    CHECK(tag->type == ObjectType::tree);
    CHECK_FALSE(parse_tag("type tree\nobject " + id + "\n\n").has_value());
    CHECK_FALSE(parse_tag("object " + id + "\ntype wat\n\n").has_value());
}

TEST_CASE("git packed-refs: refs with peeled lines; a line git does not write is refused", "[git][refs]") {
    const std::string a(40, 'a');
    const std::string b(40, 'b');
    const auto refs = parse_packed_refs("# pack-refs with: peeled fully-peeled sorted \n" + a + " refs/heads/main\n" +
                                        a + " refs/tags/v1\n^" + b + "\n" + b + " refs/pull/1/head\n");
    REQUIRE(refs.has_value());
    REQUIRE(refs->size() == 3);
    CHECK((*refs)[1].name == "refs/tags/v1");
    CHECK((*refs)[1].peeled == b);
    CHECK((*refs)[2].peeled.empty());
    CHECK_FALSE(parse_packed_refs("^" + b + "\n").has_value());
    CHECK_FALSE(parse_packed_refs(a + "refs/heads/x\n").has_value());
    CHECK_FALSE(parse_packed_refs(std::string(40, 'A') + " refs/heads/x\n").has_value());
    CHECK_FALSE(parse_packed_refs(a + " refs/heads/x\r\n").has_value());
}

TEST_CASE("object ids: hex round trip, SHA-256 and garbage refused", "[git]") {
    const std::string hex = "0123456789abcdef0123456789abcdef01234567";
    const auto id = parse_object_id(hex);
    REQUIRE(id.ok());
    CHECK(to_hex(*id) == hex);
    CHECK(to_hex(*parse_object_id("0123456789ABCDEF0123456789ABCDEF01234567")) == hex);
    CHECK_THAT(parse_object_id(std::string(64, 'a')).failure().message, Catch::Contains("SHA-256"));
    CHECK_FALSE(parse_object_id("xyz").ok());
    CHECK_FALSE(parse_object_id(std::string(39, 'a') + "g").ok());
}
