#include "history/run.h"

#include <algorithm>
#include <optional>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "history/cache.h"
#include "history/miner.h"
#include "manifest/paths.h"

namespace ksa::history {
namespace {

constexpr std::size_t rewrite_threshold = 500;

// Where `ids` sit on the chain (nullopt: not on it), in one pass over the chain with a map of
// the ids only: a map of every commit of a 50,000-commit chain cost more than reading the tags.
std::vector<std::optional<std::uint32_t>> chain_positions(const MinedHistory& history,
                                                          const std::vector<std::string>& ids) {
    std::unordered_map<std::string_view, std::optional<std::uint32_t>> wanted;
    for (const std::string& id : ids)
        if (!id.empty()) wanted.emplace(id, std::nullopt);
    if (!wanted.empty())
        for (std::uint32_t i = 0; i < history.commits.size(); ++i)
            if (const auto found = wanted.find(history.commits[i].id); found != wanted.end()) found->second = i;
    std::vector<std::optional<std::uint32_t>> positions;
    positions.reserve(ids.size());
    for (const std::string& id : ids)
        positions.push_back(id.empty() ? std::nullopt : wanted[id]);
    return positions;
}

// Release tags of known components, each placed at the first chain commit containing it.
Expected<std::vector<TagRelease>> place_tags(git::HistoryReader& reader, const MinedHistory& history) {
    auto tags = reader.tags([&](std::string_view name) {
        const auto split = split_release_tag(name);
        return split && history.components.contains(split->first);
    });
    if (!tags) return tags.failure();
    // The commit each tag names: its target, or the commit git recorded it peels to.
    std::vector<std::string> commits;
    for (const git::TagTarget& tag : *tags)
        commits.push_back(tag.peeled.empty() ? tag.target : tag.peeled);
    auto positions = chain_positions(history, commits);
    // An annotated tag git recorded no peeled commit for, or a commit off the first-parent line.
    bool peeled_any = false;
    for (std::size_t i = 0; i < commits.size(); ++i) {
        if (positions[i]) continue;
        auto peeled = reader.peel_to_commit(commits[i]);
        if (!peeled) return peeled.failure();
        peeled_any = peeled_any || *peeled != commits[i];
        commits[i] = *peeled; // "" for a tag of a tree or a blob: no release
    }
    if (peeled_any) {
        const auto again = chain_positions(history, commits);
        for (std::size_t i = 0; i < commits.size(); ++i)
            if (!positions[i]) positions[i] = again[i];
    }
    std::vector<TagRelease> placed;
    for (std::size_t i = 0; i < tags->size(); ++i) {
        const git::TagTarget& tag = (*tags)[i];
        const std::string& commit = commits[i];
        if (commit.empty()) continue;
        const auto split = split_release_tag(tag.name);
        if (positions[i]) {
            placed.push_back({split->first, split->second, tag.name, *positions[i]});
            continue;
        }
        // A tag of a commit the audited branch does not contain (a later or unmerged commit).
        auto reachable = reader.is_ancestor(commit, history.commits.back().id);
        if (!reachable) return reachable.failure();
        if (!*reachable) continue;
        // Off the first-parent line (a side branch): the first chain commit that contains it,
        // found by bisection (containment only grows along the chain).
        std::size_t low = 0;
        std::size_t high = history.commits.size();
        while (low < high) {
            const std::size_t middle = low + (high - low) / 2;
            auto contains = reader.is_ancestor(commit, history.commits[middle].id);
            if (!contains) return contains.failure();
            if (*contains)
                high = middle;
            else
                low = middle + 1;
        }
        if (low < history.commits.size())
            placed.push_back({split->first, split->second, tag.name, static_cast<std::uint32_t>(low)});
    }
    return placed;
}

bool selected(const ComponentVerdict& verdict, const std::vector<std::string>& modules) {
    if (modules.empty()) return true;
    return std::any_of(modules.begin(), modules.end(),
                       [&](const std::string& wanted) { return names_component(verdict, wanted); });
}

Window window_of(const MinedHistory& history, const HistoryRequest& request, bool& empty) {
    Window window{0, static_cast<std::uint32_t>(history.commits.size() - 1)};
    const auto& commits = history.commits;
    if (request.since) {
        const auto first =
            std::find_if(commits.begin(), commits.end(), [&](const CommitInfo& c) { return c.time >= *request.since; });
        window.first = static_cast<std::uint32_t>(first - commits.begin());
    }
    if (request.until) {
        const auto last = std::find_if(commits.rbegin(), commits.rend(),
                                       [&](const CommitInfo& c) { return c.time <= *request.until; });
        if (last == commits.rend())
            empty = true;
        else
            window.last = static_cast<std::uint32_t>(commits.rend() - last - 1);
    }
    if (window.first >= commits.size() || window.first > window.last) empty = true;
    return window;
}

} // namespace

bool names_component(const ComponentVerdict& verdict, std::string_view module) {
    const auto kind = manifest::classify_path(verdict.path);
    const std::string folder = kind ? manifest::module_dir(verdict.path, *kind) : std::string();
    while (module.size() > 1 && module.back() == '/')
        module.remove_suffix(1);
    return verdict.name == module || manifest::is_under(folder, module);
}

std::string cache_dir(const git::HistoryReader& reader) {
    std::string dir = reader.common_dir();
    if (!dir.empty() && dir.back() != '/') dir += '/';
    return dir + "koder-spec-audit/history";
}

Expected<HistoryResult> run_history(git::HistoryReader& reader, const HistoryRequest& request) {
    HistoryResult result;
    auto tip = reader.resolve_commit(request.revision);
    if (!tip) return tip.failure();
    result.tip = *tip;
    // The tool's version is part of the key: a fixed bug must not live on in a cache.
    const HistoryCache cache(cache_dir(reader),
                             fmt::format("version={};max_manifest_bytes={};max_nesting_depth={}", KSA_VERSION,
                                         request.max_manifest_bytes, request.max_nesting_depth));
    const std::set<std::string> cached = request.use_cache ? cache.tips() : std::set<std::string>{};
    if (request.progress != nullptr) request.progress->phase("Reading commits", 0, "commits");
    auto chain = reader.first_parent_chain(
        *tip, [&](const std::string& id) { return cached.contains(id); }, request.progress);
    if (!chain) return chain.failure();
    std::optional<MinedHistory> loaded;
    if (chain->stopped) {
        // The walk stopped at a cached commit: resume from it, or start over if it is unusable.
        const std::string stop = chain->stop_id;
        loaded = cache.load(stop);
        if (!loaded)
            result.notes.push_back(
                fmt::format("the history cache for {} is unusable; mining from the start", stop.substr(0, 10)));
        if (loaded && loaded->shallow) {
            // Mined in a shallow clone that has been deepened since (git fetch --unshallow): the
            // cached history lacks the older commits, so it is mined again.
            const std::string oldest = loaded->commits.front().id;
            auto boundary = reader.first_parent_chain(oldest, [&](const std::string& id) { return id != oldest; });
            if (!boundary) return boundary.failure();
            if (!boundary->shallow_end) loaded.reset();
        }
        if (!loaded) {
            if (request.progress != nullptr) request.progress->phase("Reading commits", 0, "commits");
            chain = reader.first_parent_chain(
                *tip, [](const std::string&) { return false; }, request.progress);
            if (!chain) return chain.failure();
        }
    }
    if (loaded) {
        result.history = std::move(*loaded);
        result.from_cache = true;
    }
    if (chain->shallow_end) result.history.shallow = true;
    std::vector<git::ChainCommit> commits(chain->commits.rbegin(), chain->commits.rend());
    result.mined = commits.size();
    if (auto problem = mine(reader, commits, request.max_manifest_bytes, request.max_nesting_depth, request.threads,
                            result.history, request.progress))
        return *problem;
    if (request.progress != nullptr) request.progress->finish();
    // Rewriting the cache costs about what mining a few hundred commits does: a run that
    // resumed from a cache and read fewer keeps it as it is.
    const bool worth_writing = !result.from_cache || commits.size() >= rewrite_threshold;
    if (request.use_cache && !commits.empty() && worth_writing)
        if (auto problem = cache.store(result.history))
            result.notes.push_back(fmt::format("the history cache was not written: {}", problem->message));
    if (result.history.shallow)
        result.notes.push_back(
            fmt::format("shallow clone: history starts at {} — releases and regressions before it are not seen, so a "
                        "verdict may be incomplete (run `git fetch --unshallow` for a complete one)",
                        result.history.commits.front().id.substr(0, 10)));
    auto tags = place_tags(reader, result.history);
    if (!tags) return tags.failure();
    result.window = window_of(result.history, request, result.empty_window);
    if (result.empty_window) return result;
    std::unordered_map<std::string, std::vector<TagRelease>> tags_of;
    for (TagRelease& tag : *tags)
        tags_of[tag.component].push_back(std::move(tag));
    static const std::vector<TagRelease> no_tags;
    std::set<std::string> paths;
    for (const auto& [name, component] : result.history.components) {
        const auto own = tags_of.find(name);
        auto verdict = judge_component(component, own != tags_of.end() ? own->second : no_tags, result.window);
        if (!verdict || !selected(*verdict, request.modules)) continue;
        for (const Revision& revision : component.revisions)
            paths.insert(revision.snapshot.path);
        result.components.push_back(std::move(*verdict));
    }
    std::sort(result.components.begin(), result.components.end(),
              [](const ComponentVerdict& a, const ComponentVerdict& b) {
                  return a.path < b.path || (a.path == b.path && a.name < b.name);
              });
    for (const InvalidManifest& invalid : result.history.invalid) {
        if (invalid.commit < result.window.first || invalid.commit > result.window.last) continue;
        const bool wanted = request.modules.empty() || paths.contains(invalid.path) ||
                            std::any_of(request.modules.begin(), request.modules.end(),
                                        [&](const std::string& m) { return manifest::is_under(invalid.path, m); });
        if (wanted) result.invalid.push_back(invalid);
    }
    return result;
}

} // namespace ksa::history
