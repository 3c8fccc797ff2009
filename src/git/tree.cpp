#include "git/tree.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace ksa::git {
namespace {

constexpr std::uint32_t type_mask = 0170000;

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

// git's utf8.c is_hfs_dotgit(): HFS+ ignores these code points when it compares names.
bool is_hfs_ignorable(std::uint32_t c) {
    return (c >= 0x200c && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x206a && c <= 0x206f) || c == 0xfeff;
}

bool is_hfs_dotgit(std::string_view name) {
    std::string folded;
    for (std::size_t i = 0; i < name.size();) {
        const auto byte = static_cast<unsigned char>(name[i]);
        if (byte < 0x80) {
            folded += lower(static_cast<char>(byte));
            ++i;
            continue;
        }
        // Only three-byte sequences can be ignorable (U+200C..U+FEFF); anything else stays.
        if ((byte & 0xf0) == 0xe0 && i + 2 < name.size()) {
            const std::uint32_t c = ((byte & 0x0fU) << 12) | ((static_cast<unsigned char>(name[i + 1]) & 0x3fU) << 6) |
                                    (static_cast<unsigned char>(name[i + 2]) & 0x3fU);
            if (is_hfs_ignorable(c)) {
                i += 3;
                continue;
            }
        }
        folded += static_cast<char>(byte);
        ++i;
    }
    return folded == ".git";
}

// git's path.c is_ntfs_dotgit(): ".git" or its 8.3 name "git~1", then only spaces and dots,
// in any backslash-separated part of the name.
bool is_ntfs_dotgit(std::string_view name) {
    const auto only_spaces_and_dots = [](std::string_view part, std::size_t skip) {
        if (part.size() < skip) return false;
        return std::all_of(part.begin() + static_cast<std::ptrdiff_t>(skip), part.end(),
                           [](char c) { return c == ' ' || c == '.'; });
    };
    while (true) {
        const std::size_t end = name.find('\\');
        const std::string_view part = name.substr(0, end);
        if (only_spaces_and_dots(part, 4) && equals_ignoring_case(part.substr(0, 4), ".git")) return true;
        if (only_spaces_and_dots(part, 5) && equals_ignoring_case(part.substr(0, 5), "git~1")) return true;
        if (end == std::string_view::npos) return false;
        name.remove_prefix(end + 1);
    }
}

std::string quoted(std::string_view name) { return fmt::format("'{}'", name); }

} // namespace

std::uint32_t canonical_mode(std::uint32_t stored) {
    switch (stored & type_mask) {
    case 0100000: return (stored & 0100) != 0 ? mode_executable : mode_file;
    case mode_symlink: return mode_symlink;
    case mode_tree: return mode_tree;
    default: return mode_gitlink;
    }
}

bool is_canonical_mode(std::uint32_t stored) {
    return stored == mode_file || stored == mode_executable || stored == mode_symlink || stored == mode_tree ||
           stored == mode_gitlink;
}

EntryKind kind_of(std::uint32_t canonical) {
    switch (canonical) {
    case mode_file:
    case mode_executable: return EntryKind::file;
    case mode_symlink: return EntryKind::symlink;
    case mode_tree: return EntryKind::directory;
    case mode_gitlink: return EntryKind::submodule;
    default: return EntryKind::other;
    }
}

int compare_entries(const TreeEntry& a, const TreeEntry& b) {
    const std::size_t common = std::min(a.name.size(), b.name.size());
    // Names of one folder mostly differ at their first byte: decide there without a call.
    if (common > 0 && a.name[0] != b.name[0])
        return static_cast<int>(static_cast<unsigned char>(a.name[0])) - static_cast<unsigned char>(b.name[0]);
    if (const int c = std::memcmp(a.name.data(), b.name.data(), common); c != 0) return c;
    const auto next = [&](const TreeEntry& e) -> unsigned char {
        if (e.name.size() > common) return static_cast<unsigned char>(e.name[common]);
        return e.is_tree() ? '/' : '\0';
    };
    return static_cast<int>(next(a)) - static_cast<int>(next(b));
}

const TreeEntry* Tree::find(std::string_view name) const {
    // The name sorts at one of two places: as a file ("name\0") or as a folder ("name/").
    for (const std::uint32_t mode : {mode_file, mode_tree}) {
        TreeEntry probe;
        probe.name = name;
        probe.mode = mode;
        const auto at =
            std::lower_bound(entries.begin(), entries.end(), probe,
                             [](const TreeEntry& a, const TreeEntry& b) { return compare_entries(a, b) < 0; });
        if (at != entries.end() && at->name == name) return &*at;
    }
    return nullptr;
}

std::variant<Tree, TreeDefect> parse_tree(ObjectData object, std::string_view folder) {
    if (!object || object->type != ObjectType::tree) return TreeDefect{std::string(folder), "is not a tree object"};
    Tree tree;
    if (auto defect = parse_tree_into(object->data, folder, tree.entries)) return std::move(*defect);
    tree.object = std::move(object);
    return tree;
}

std::optional<TreeDefect> parse_tree_into(std::string_view data, std::string_view folder,
                                          std::vector<TreeEntry>& entries) {
    const auto defect = [&](std::string problem) { return TreeDefect{std::string(folder), std::move(problem)}; };
    entries.clear();
    std::size_t at = 0;
    while (at < data.size()) {
        TreeEntry entry;
        std::size_t digits = 0;
        while (at < data.size() && data[at] != ' ') {
            if (data[at] < '0' || data[at] > '7' || ++digits > 7) return defect("has an entry with a malformed mode");
            entry.stored = entry.stored * 8 + static_cast<std::uint32_t>(data[at++] - '0');
        }
        if (digits == 0 || at == data.size()) return defect("has an entry with a malformed mode");
        const std::size_t name_start = ++at;
        // One pass over the name: its end, and whether it holds a '/' or a '\\'.
        bool slash = false;
        bool backslash = false;
        std::size_t name_end = name_start;
        while (name_end < data.size() && data[name_end] != '\0') {
            slash = slash || data[name_end] == '/';
            backslash = backslash || data[name_end] == '\\';
            ++name_end;
        }
        if (name_end == data.size() || data.size() - name_end - 1 < 20)
            return defect("is truncated (an entry without its name or object id)");
        entry.name = data.substr(name_start, name_end - name_start);
        entry.mode = canonical_mode(entry.stored);
        entry.id = object_id_from_raw(reinterpret_cast<const unsigned char*>(data.data() + name_end + 1));
        at = name_end + 1 + 20;

        if (entry.name.empty()) return defect("has an entry with an empty name");
        if (slash) return defect(fmt::format("has an entry whose name contains '/': {}", quoted(entry.name)));
        // Only names starting so, or holding a backslash, can be one of those (a fast test first).
        if (entry.name[0] == '.' || entry.name[0] == 'g' || entry.name[0] == 'G' ||
            static_cast<unsigned char>(entry.name[0]) >= 0x80 || backslash) {
            if (entry.name == "." || entry.name == "..")
                return defect(fmt::format("has an entry named {}", quoted(entry.name)));
            if (equals_ignoring_case(entry.name, ".git") || is_hfs_dotgit(entry.name) || is_ntfs_dotgit(entry.name))
                return defect(fmt::format("has an entry named {} (git refuses to check it out)", quoted(entry.name)));
        }

        if (!entries.empty()) {
            const TreeEntry& previous = entries.back();
            if (previous.name == entry.name) return defect(fmt::format("has two entries named {}", quoted(entry.name)));
            if (compare_entries(previous, entry) > 0)
                return defect(fmt::format("has entries out of git's order: {} before {}", quoted(previous.name),
                                          quoted(entry.name)));
            // A file "a" and a folder "a" are not adjacent when names like "a-b" or "a.c" sort
            // between them (fsck.c verify_ordered()): look back over those.
            if (entry.is_tree()) {
                for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
                    if (!it->name.starts_with(entry.name)) break;
                    if (it->name.size() == entry.name.size())
                        return defect(fmt::format("has two entries named {}", quoted(entry.name)));
                    if (static_cast<unsigned char>(it->name[entry.name.size()]) >= '/') break;
                }
            }
        }
        entries.push_back(entry);
    }
    return std::nullopt;
}

} // namespace ksa::git
