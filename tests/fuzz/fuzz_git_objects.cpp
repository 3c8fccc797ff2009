// Fuzz target: arbitrary bytes as the git objects and files the hooks parse themselves: a tree
// (git/tree.h), a commit and a tag (git/commit.h), a packed-refs file (git/packed_refs.h). The
// first byte picks which. A tree either is refused with a defect or parses into entries that are
// in git's order, unique, well named, found again by name, and serialise back to the input.
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "fuzz_support.h"
#include "git/commit.h"
#include "git/packed_refs.h"
#include "git/tree.h"

namespace {

using namespace ksa;

void check_tree(std::string_view bytes) {
    auto object = std::make_shared<git::RawObject>();
    object->type = git::ObjectType::tree;
    object->data = std::string(bytes);
    auto parsed = git::parse_tree(object, "fuzz/");
    if (auto* defect = std::get_if<git::TreeDefect>(&parsed)) {
        if (defect->folder != "fuzz/" || defect->problem.empty()) fuzz::violated("defect without its folder", bytes);
        return;
    }
    const git::Tree& tree = std::get<git::Tree>(parsed);
    std::string again;
    for (std::size_t i = 0; i < tree.entries.size(); ++i) {
        const git::TreeEntry& entry = tree.entries[i];
        if (entry.name.empty() || entry.name.find('/') != std::string_view::npos || entry.name == "." ||
            entry.name == "..")
            fuzz::violated("accepted a bad entry name", bytes);
        if (!git::is_canonical_mode(entry.mode)) fuzz::violated("canonical mode is not canonical", bytes);
        if (i > 0 && git::compare_entries(tree.entries[i - 1], entry) >= 0) fuzz::violated("entries out of order", bytes);
        if (tree.find(entry.name) != &entry) fuzz::violated("an entry is not found by its name", bytes);
        again += fmt::format("{:o} ", entry.stored);
        again.append(entry.name);
        again += '\0';
        again.append(reinterpret_cast<const char*>(entry.id.data()), entry.id.size());
    }
    // Zero-padded modes ("040000") are read as git reads them; everything else round-trips.
    bool padded = false;
    for (std::size_t at = 0; at < bytes.size();) {
        padded = padded || bytes[at] == '0';
        at = bytes.find('\0', at) + 21;
    }
    if (!padded && again != bytes) fuzz::violated("tree does not serialise back", bytes);
}

void check_commit(std::string_view bytes) {
    if (const auto commit = git::parse_commit(bytes)) {
        const std::string subject = git::commit_subject(commit->message);
        if (subject.find('\n') != std::string::npos) fuzz::violated("subject spans lines", bytes);
        if (subject.size() > bytes.size()) fuzz::violated("subject longer than the commit", bytes);
    }
    if (const auto tag = git::parse_tag(bytes))
        if (tag->type == git::ObjectType::none) fuzz::violated("tag without a type", bytes);
}

void check_packed_refs(std::string_view bytes) {
    const auto refs = git::parse_packed_refs(bytes);
    if (!refs) return;
    for (const git::PackedRef& ref : *refs) {
        if (ref.target.size() != 40 || (!ref.peeled.empty() && ref.peeled.size() != 40))
            fuzz::violated("accepted a bad id", bytes);
        if (ref.name.find('\n') != std::string::npos) fuzz::violated("ref name spans lines", bytes);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 3) {
        case 0: check_tree(bytes); break;
        case 1: check_commit(bytes); break;
        default: check_packed_refs(bytes); break;
    }
    return 0;
}
