#include "history/miner.h"

#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "manifest/document.h"
#include "manifest/gate.h"
#include "manifest/model.h"
#include "manifest/nesting.h"
#include "manifest/paths.h"

namespace ksa::history {
namespace {

std::vector<std::string> gate_keys(const std::vector<manifest::LocatedGate>& gates) {
    std::vector<std::string> keys;
    for (const auto& gate : gates)
        if (gate.well_formed) keys.push_back(gate.entry.key());
    return keys;
}

// The component currently declared by its paths: the first path (in path order) holding it.
std::optional<Snapshot> current_snapshot(const MinedHistory& history, const std::set<std::string>& paths) {
    for (const std::string& path : paths) {
        const auto found = history.paths.find(path);
        if (found != history.paths.end()) return found->second.snapshot;
    }
    return std::nullopt;
}

} // namespace

std::string name_from_path(const std::string& path) {
    const auto kind = manifest::classify_path(path);
    std::string name;
    if (kind)
        name = *kind == manifest::ManifestKind::fragment ? manifest::fragment_stem(path)
                                                         : manifest::module_dir(path, *kind);
    return name.empty() ? path : name; // a nameless manifest at the root
}

ParsedVersion parse_version(const std::string& path, std::string text, std::uint32_t max_nesting_depth) {
    ParsedVersion parsed;
    const auto kind = manifest::classify_path(path);
    if (!kind) {
        parsed.problem = "not a manifest path";
        return parsed;
    }
    if (text.find('\0') != std::string::npos) {
        parsed.problem = "binary content (a NUL byte)";
        return parsed;
    }
    // The same guard as the audit's: toml++ recurses, a hostile version must not reach it.
    if (const auto excess = manifest::find_excess_nesting(text, max_nesting_depth)) {
        parsed.problem = fmt::format("line {}, column {}: nested more than {} levels deep: not parsed", excess->line,
                                     excess->column, max_nesting_depth);
        return parsed;
    }
    auto outcome = manifest::parse_document(path, *kind, std::move(text));
    if (!outcome.document) {
        parsed.problem = fmt::format("line {}, column {}: {}", outcome.error.span.line, outcome.error.span.column,
                                     outcome.error.message);
        return parsed;
    }
    const manifest::Document& document = *outcome.document;
    const manifest::Identity identity = manifest::extract_identity(document);
    parsed.component = identity.name;
    // extract_identity names a fragment by its file name too: only [package].name and
    // [app].slug are names written inside the file.
    const auto written = [&](const char* table, const char* key) {
        const auto value = document.root[table][key].value<std::string>();
        return value && !value->empty();
    };
    if (!written("package", "name") && !written("app", "slug")) {
        parsed.component = name_from_path(path);
        parsed.named_by_path = true;
    }
    Snapshot& snapshot = parsed.snapshot;
    snapshot.path = path;
    snapshot.version = identity.version;
    if (const auto block = manifest::extract_self_hosted(document)) {
        snapshot.has_block = true;
        if (block->status) snapshot.status = block->status->value;
        if (block->cases) {
            snapshot.cases.emplace();
            for (const auto& item : *block->cases)
                snapshot.cases->push_back(item.value);
        }
        snapshot.gates_passed = gate_keys(block->gates_passed);
        snapshot.gates_pending = gate_keys(block->gates_pending);
    }
    return parsed;
}

std::optional<Failure> mine(git::HistoryReader& reader, const std::vector<git::ChainCommit>& commits,
                            std::uint64_t max_manifest_bytes, std::uint32_t max_nesting_depth, unsigned threads,
                            MinedHistory& history, Progress* progress) {
    // Which paths declare each component, rebuilt from the carried-over path states.
    std::unordered_map<std::string, std::set<std::string>> paths_of;
    for (const auto& [path, state] : history.paths)
        if (!state.component.empty()) paths_of[state.component].insert(path);
    // Blobs already parsed: a version reverted to, or the same file in two places.
    std::unordered_map<std::string, ParsedVersion> parsed_blobs;
    // The last mined commit's tree is the first comparison's "before" side.
    std::vector<std::string> trees;
    trees.reserve(commits.size());
    for (const git::ChainCommit& commit : commits)
        trees.push_back(commit.tree);
    if (progress != nullptr && !commits.empty()) progress->phase("Comparing trees", commits.size(), "commits");
    auto all_changes = reader.chain_changes(history.tip_tree, trees, threads, progress);
    if (!all_changes) return all_changes.failure();
    for (std::size_t at = 0; at < commits.size(); ++at) {
        const git::ChainCommit& commit = commits[at];
        const auto index = static_cast<std::uint32_t>(history.commits.size());
        history.commits.push_back({commit.id, commit.time});
        history.tip_tree = commit.tree;
        std::set<std::string> touched;
        for (const git::ManifestBlobChange& change : (*all_changes)[at]) {
            auto state = history.paths.find(change.path);
            if (state != history.paths.end() && !state->second.component.empty())
                touched.insert(state->second.component);
            if (change.blob.empty() && change.kind != EntryKind::missing) {
                // A symlink, submodule or folder at a manifest path: reported, and like an
                // invalid version the path keeps its last usable one.
                history.invalid.push_back(
                    {index, change.path, fmt::format("{}, not a regular file", describe(change.kind))});
                continue;
            }
            if (change.blob.empty()) {
                if (state != history.paths.end()) {
                    if (!state->second.component.empty()) paths_of[state->second.component].erase(change.path);
                    history.paths.erase(state);
                }
                continue;
            }
            auto memo = parsed_blobs.find(change.blob);
            ParsedVersion version;
            if (memo != parsed_blobs.end()) {
                version = memo->second;
                // The same bytes at another path: a name taken from the path is this path's.
                if (version.named_by_path) version.component = name_from_path(change.path);
            } else {
                auto text = reader.read_blob(change.blob, change.path, max_manifest_bytes);
                // A blob that cannot be read is not remembered: its message names this path.
                if (!text)
                    version = ParsedVersion{"", {}, text.failure().message};
                else
                    parsed_blobs.emplace(change.blob,
                                         version = parse_version(change.path, std::move(*text), max_nesting_depth));
            }
            if (!version.problem.empty()) {
                // Reported and skipped: the path keeps its last usable version.
                history.invalid.push_back({index, change.path, version.problem});
                if (state == history.paths.end())
                    history.paths[change.path] = PathState{change.blob, "", {}};
                else
                    state->second.blob = change.blob;
                continue;
            }
            version.snapshot.path = change.path;
            if (state != history.paths.end() && !state->second.component.empty() &&
                state->second.component != version.component)
                paths_of[state->second.component].erase(change.path);
            paths_of[version.component].insert(change.path);
            touched.insert(version.component);
            history.paths[change.path] = PathState{change.blob, version.component, std::move(version.snapshot)};
        }
        for (const std::string& name : touched) {
            ComponentHistory& component = history.components[name];
            component.name = name;
            Revision revision{index, false, {}};
            if (auto snapshot = current_snapshot(history, paths_of[name])) {
                revision.present = true;
                revision.snapshot = std::move(*snapshot);
            }
            if (!component.revisions.empty()) {
                const Revision& last = component.revisions.back();
                if (last.present == revision.present && last.snapshot == revision.snapshot) continue;
            } else if (!revision.present) {
                continue;
            }
            component.revisions.push_back(std::move(revision));
        }
    }
    return std::nullopt;
}

} // namespace ksa::history
