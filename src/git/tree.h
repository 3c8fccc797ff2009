// Tree objects read the way git checks them out (internal to git/).
//
// Format (git documents it in no Documentation/ file; tree-walk.c decode_tree_entry() and
// Documentation/technical/hash-function-transition.txt's description of tree objects are the
// references): entries of "<octal mode> SP <name> NUL <20-byte id>", nothing else. Git reads
// each entry in stored order and turns its mode into one of five canonical modes (cache.h
// canon_mode(): a regular file 100644 or 100755, a symlink 120000, a folder 040000, anything
// else a gitlink 160000); checkout writes what those canonical entries say.
//
// parse_tree() validates every tree as `git fsck` does (fsck.c fsck_tree(), the checks that are
// errors when receive.fsckObjects is on): entries in git's order (a folder sorts as if its name
// ended in '/'), no duplicate names (also a file and a folder of the same name), no '/' in a
// name, no empty name, no ".", "..", or ".git" (as git compares it on case-insensitive, HFS+
// and NTFS file systems). A tree that fails is a TreeDefect, never a partial list: libgit2
// reads such trees by binary search and would see something else than a checkout.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "git/object_id.h"
#include "git/raw_object.h"
#include "source/tree_source.h"
#include "support/expected.h"

namespace ksa::git {

// The five modes git writes (S_IFDIR etc. as git stores them).
inline constexpr std::uint32_t mode_tree = 0040000;
inline constexpr std::uint32_t mode_file = 0100644;
inline constexpr std::uint32_t mode_executable = 0100755;
inline constexpr std::uint32_t mode_symlink = 0120000;
inline constexpr std::uint32_t mode_gitlink = 0160000;

// git's canon_mode(): what checkout makes of a stored mode.
std::uint32_t canonical_mode(std::uint32_t stored);
// True for the five modes above (fsck's badFilemode check, without its 100664 leniency).
bool is_canonical_mode(std::uint32_t stored);
// What a canonical mode is in the working tree.
EntryKind kind_of(std::uint32_t canonical);

struct TreeEntry {
    std::string_view name;    // into the tree object's bytes
    std::uint32_t mode = 0;   // canonical
    std::uint32_t stored = 0; // as written in the object
    ObjectId id{};

    [[nodiscard]] bool is_tree() const { return mode == mode_tree; }
    [[nodiscard]] EntryKind kind() const { return kind_of(mode); }
    [[nodiscard]] bool mode_is_canonical() const { return stored == mode; }
};

// A tree parsed in place: `entries` point into `object`, which it keeps alive.
struct Tree {
    ObjectData object;
    std::vector<TreeEntry> entries;

    // The entry named `name`, by binary search (valid because parse_tree proved the order).
    [[nodiscard]] const TreeEntry* find(std::string_view name) const;
};

// Why a tree is refused; `folder` is the tree's path ("" for the root).
struct TreeDefect {
    std::string folder;
    std::string problem; // "entries out of git's order: 'b' before 'a'", may hold raw names
};

// git's tree order of two entries (memcmp of the names, a folder as if it ended in '/').
int compare_entries(const TreeEntry& a, const TreeEntry& b);

// Parses and validates a tree object's bytes. `folder` only names the tree in a defect.
std::variant<Tree, TreeDefect> parse_tree(ObjectData object, std::string_view folder);

// The same into `entries` (cleared first, its capacity reused), pointing into `bytes`, which
// the caller keeps alive: the differ's allocation-free path.
std::optional<TreeDefect> parse_tree_into(std::string_view bytes, std::string_view folder,
                                          std::vector<TreeEntry>& entries);

} // namespace ksa::git
