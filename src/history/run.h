// `self-hosted --history`: mine (or resume from the cache), place release tags, judge.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "git/history_reader.h"
#include "history/model.h"
#include "history/stability.h"
#include "support/expected.h"
#include "support/progress.h"

namespace ksa::history {

struct HistoryRequest {
    std::string revision = "HEAD";
    std::optional<std::int64_t> since; // seconds since the epoch, both included
    std::optional<std::int64_t> until;
    std::vector<std::string> modules; // component names or module folders; empty: all
    bool use_cache = true;
    std::uint64_t max_manifest_bytes = 1024 * 1024;
    std::uint32_t max_nesting_depth = 64;
    unsigned threads = 1;         // for the tree comparisons of a long walk
    Progress* progress = nullptr; // shows the walk on a terminal (optional)
};

struct HistoryResult {
    std::string tip;
    MinedHistory history;
    Window window;
    bool empty_window = false; // no commit of the chain falls inside --since/--until
    std::size_t mined = 0;     // commits read in this run (the rest came from the cache)
    bool from_cache = false;
    std::vector<ComponentVerdict> components;
    std::vector<InvalidManifest> invalid; // inside the window, for the selected components' paths
    std::vector<std::string> notes;       // shallow clone, cache problems
};

// True when `module` (a MODULE argument: a component name or a module folder) names the
// verdict's component.
bool names_component(const ComponentVerdict& verdict, std::string_view module);

Expected<HistoryResult> run_history(git::HistoryReader& reader, const HistoryRequest& request);

// Where the cache lives: <git common dir>/koder-spec-audit/history.
std::string cache_dir(const git::HistoryReader& reader);

} // namespace ksa::history
