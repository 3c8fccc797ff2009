// The one pass over history: each commit's manifest changes, turned into component revisions.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "git/history_reader.h"
#include "history/model.h"
#include "manifest/nesting.h"
#include "support/expected.h"

namespace ksa::history {

// A manifest version reduced to what the stability gate needs, or why it cannot be used.
struct ParsedVersion {
    std::string component; // the component's name ("" when invalid)
    Snapshot snapshot{};
    std::string problem;        // non-empty when the version is invalid
    bool named_by_path = false; // no name inside: `component` comes from the path
};

// The name of a manifest without one: a fragment's file name, else its module folder.
std::string name_from_path(const std::string& path);

// Parses one manifest version. The component is named by [package].name / [app].slug; a
// fragment without one by its file name, a module without one by its folder.
// Text nested deeper than `max_nesting_depth` is refused before the TOML parser sees it.
ParsedVersion parse_version(const std::string& path, std::string text,
                            std::uint32_t max_nesting_depth = manifest::default_max_nesting_depth);

// Extends `history` with `commits` (oldest first), each the first-parent child of the last
// commit already in `history` (the first may be a root commit when `history` is empty). Tree
// comparisons run on up to `threads` threads; `progress` (optional) shows them.
std::optional<Failure> mine(git::HistoryReader& reader, const std::vector<git::ChainCommit>& commits,
                            std::uint64_t max_manifest_bytes, std::uint32_t max_nesting_depth, unsigned threads,
                            MinedHistory& history, Progress* progress = nullptr);

} // namespace ksa::history
