#include "registry/check.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "audit/engine.h"
#include "registry/registry.h"

namespace ksa::registry {
namespace {

// The 1-based number of the first line where `a` and `b` differ.
int first_difference(std::string_view a, std::string_view b) {
    int line = 1;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
        if (a[i] != b[i]) return line;
        if (a[i] == '\n') ++line;
    }
    return line;
}

std::string_view line_at(std::string_view text, int line) {
    for (int current = 1; current < line; ++current) {
        const auto newline = text.find('\n');
        if (newline == std::string_view::npos) return {};
        text.remove_prefix(newline + 1);
    }
    return text.substr(0, text.find('\n'));
}

Diagnostic finding(RuleCode rule, const AuditConfig& config, const std::string& path, int line,
                   std::string_view source_line, std::string message) {
    return make_diagnostic(rule, config.severities(),
                           {path, SourceSpan{line, line > 0 ? 1 : 0, 0}, std::string(source_line)}, std::move(message),
                           fmt::format("edit the manifests instead, then run `koder-spec-audit self-hosted --report` "
                                       "and stage {}",
                                       path));
}

Expected<std::string> full_registry(const RegistryChange& change, const AuditConfig& config) {
    auto full = build_registry(change.tree, config);
    if (!full) return full.failure();
    return render_markdown(full->registry);
}

// What the generator produces for the tree, computed incrementally from the parent's registry
// when that is a generated file (from every manifest otherwise). The incremental answer
// assumes the parent's registry matched the parent's tree; a mismatch is confirmed with a full
// generation before it is reported, since the parent may have been stale (KSA013 is a warning).
Expected<std::string> incremental_registry(const RegistryChange& change, const AuditConfig& config) {
    if (change.parent_registry) {
        if (auto base = parse_rendered(*change.parent_registry)) {
            std::vector<std::string> keys;
            std::vector<Candidate> present;
            for (const ChangedPath& changed : change.manifest_changes) {
                keys.push_back(changed.path);
                if (changed.status == ChangeStatus::deleted) continue;
                auto entry = change.tree.stat(changed.path);
                if (!entry) return entry.failure();
                if (entry->kind != EntryKind::missing) present.push_back({changed.path, entry->kind});
            }
            BuildResult fresh = build_rows(change.tree, present, config);
            replace_rows(*base, keys, render_rows(fresh.registry));
            return assemble(*base);
        }
    }
    return full_registry(change, config);
}

// The rows of `paths` (the manifests a change touches) in `tree`, rendered, by manifest path.
Expected<std::map<std::string, std::string>> rows_of(TreeSource& tree, const std::vector<std::string>& paths,
                                                     const AuditConfig& config) {
    std::vector<Candidate> present;
    for (const std::string& path : paths) {
        auto entry = tree.stat(path);
        if (!entry) return entry.failure();
        if (entry->kind != EntryKind::missing) present.push_back({path, entry->kind});
    }
    const RenderedRegistry rendered = render_rows(build_rows(tree, present, config).registry);
    std::map<std::string, std::string> rows;
    for (const auto* table : {&rendered.pairs, &rendered.skipped, &rendered.no_alternative})
        for (const RenderedRow& row : *table)
            rows[row.key] += row.cells + "\n";
    return rows;
}

// The rows of a rendered registry, by manifest path, as rows_of() keys them.
std::map<std::string, std::string> rows_by_path(const RenderedRegistry& rendered) {
    std::map<std::string, std::string> rows;
    for (const auto* table : {&rendered.pairs, &rendered.skipped, &rendered.no_alternative})
        for (const RenderedRow& row : *table)
            rows[row.key] += row.cells + "\n";
    return rows;
}

// KSA013's message: what is true of the stale registry. The change made it stale when it alters
// the rows of its manifests (compared with the parent's tree); it was stale before when the
// parent's registry is not a generated file, or when its rows for those manifests already
// differed from what the parent's tree generates. Only those rows are compared: a hook's cost
// follows the change, so the parent's other rows are not regenerated to find out more.
Expected<std::string> stale_message(const RegistryChange& change, const AuditConfig& config) {
    std::vector<std::string> paths;
    for (const ChangedPath& changed : change.manifest_changes)
        paths.push_back(changed.path);
    if (change.parent_tree == nullptr)
        return fmt::format("the registry is stale: it is not what the manifests generate after this change to {}",
                           fmt::join(paths, ", "));
    auto before = rows_of(*change.parent_tree, paths, config);
    if (!before) return before.failure();
    auto after = rows_of(change.tree, paths, config);
    if (!after) return after.failure();
    std::vector<std::string> altered;
    for (const std::string& path : paths)
        if ((*before)[path] != (*after)[path]) altered.push_back(path);
    const bool generated = change.parent_registry && change.parent_registry->starts_with(generated_header);
    bool stale_before = !generated;
    if (generated) {
        if (const auto parent = parse_rendered(*change.parent_registry)) {
            auto recorded = rows_by_path(*parent);
            stale_before = std::any_of(paths.begin(), paths.end(),
                                       [&](const std::string& path) { return recorded[path] != (*before)[path]; });
        } else {
            stale_before = true; // the header, but not the generator's bytes: edited by hand
        }
    }
    const std::string before_text =
        generated ? "it already differed from what the manifests generate before this change"
                  : "it is not a generated file (it lacks the generated header), so it already differed from what "
                    "the manifests generate before this change";
    if (altered.empty())
        return fmt::format("the registry is stale, but not because of this change: {}; this change does not alter "
                           "its rows",
                           before_text);
    const std::string edits = fmt::format("this change edits the [self_hosted] {} of {} without regenerating it",
                                          altered.size() == 1 ? "block" : "blocks", fmt::join(altered, ", "));
    if (!stale_before) return "the registry is stale: " + edits;
    return fmt::format("the registry is stale: {}, and {}", edits, before_text);
}

} // namespace

Expected<Diagnostics> check_registry(const RegistryChange& change, const AuditConfig& config) {
    Diagnostics findings;
    if (!change.registry_changed && change.manifest_changes.empty()) return findings;
    const std::string& path = config.registry_path;
    auto entry = change.tree.stat(path);
    if (!entry) return entry.failure();
    // A repository without a registry has not adopted it: nothing is stale then.
    if (entry->kind == EntryKind::missing && !change.registry_changed) return findings;
    if (entry->kind != EntryKind::missing && entry->kind != EntryKind::file) {
        findings.push_back(finding(
            RuleCode::registry_hand_edited, config, path, 0, {},
            fmt::format("the generated registry's path is {}, expected a regular file", describe(entry->kind))));
        return findings;
    }
    if (entry->kind == EntryKind::file && entry->size > max_registry_bytes) {
        findings.push_back(finding(RuleCode::registry_hand_edited, config, path, 0, {},
                                   fmt::format("the generated registry is {} bytes, over the limit of {} bytes; it "
                                               "was not read",
                                               entry->size, max_registry_bytes)));
        return findings;
    }
    auto expected = incremental_registry(change, config);
    if (!expected) return expected.failure();
    if (entry->kind == EntryKind::missing) {
        findings.push_back(
            finding(RuleCode::registry_hand_edited, config, path, 0, {}, "the generated registry was deleted by hand"));
        return findings;
    }
    auto actual = change.tree.read(path);
    if (!actual) return actual.failure();
    // A mismatch of a changed registry is confirmed with a full generation (the parent may have
    // been stale, and this change's registry right). An unchanged registry that differs is
    // stale either way, and stale_message() tells why from the changed rows alone.
    if (*actual != *expected && change.parent_registry && change.registry_changed) {
        expected = full_registry(change, config);
        if (!expected) return expected.failure();
    }
    if (*actual == *expected) return findings;
    const int line = first_difference(*actual, *expected);
    if (change.registry_changed) {
        findings.push_back(finding(RuleCode::registry_hand_edited, config, path, line, line_at(*actual, line),
                                   "generated file edited by hand: its content is not what the manifests generate"));
    } else {
        auto message = stale_message(change, config);
        if (!message) return message.failure();
        Diagnostic stale = finding(RuleCode::registry_stale, config, path, line, line_at(*actual, line), *message);
        stale.hint =
            fmt::format("run `koder-spec-audit self-hosted --report` (or the hook with --fix) and stage {}", path);
        findings.push_back(std::move(stale));
    }
    return findings;
}

std::string commit_fix_advice(const Diagnostics& diagnostics, const std::string& registry) {
    bool manifests = false;
    bool registry_errors = false;
    for (const Diagnostic& diagnostic : diagnostics) {
        if (diagnostic.severity != Severity::error) continue;
        (diagnostic.path == registry ? registry_errors : manifests) = true;
    }
    if (!registry_errors) return "fix the staged manifests";
    if (!manifests)
        return fmt::format("the registry {} is not what the manifests generate: run `koder-spec-audit self-hosted "
                           "--report` (or the hook with --fix) and stage it",
                           registry);
    return fmt::format("fix the staged manifests and regenerate the registry {} (`koder-spec-audit self-hosted "
                       "--report`, then stage it)",
                       registry);
}

} // namespace ksa::registry
