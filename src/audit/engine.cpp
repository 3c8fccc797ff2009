#include "audit/engine.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "audit/precedents.h"
#include "manifest/document.h"
#include "manifest/nesting.h"
#include "manifest/paths.h"
#include "rules/context.h"

namespace ksa::audit {
namespace {

// A file with thousands of findings of one rule (20,000 copies of a gate on one line) shows the
// first ones and a count: output and memory stay bounded by what a person can read.
constexpr std::size_t max_findings_per_rule = 50;

void cap_findings(Diagnostics& diagnostics, std::size_t from, const std::string& path, const SeverityPolicy& policy) {
    std::map<RuleCode, std::size_t> seen;
    std::map<RuleCode, std::size_t> hidden;
    std::size_t kept = from;
    for (std::size_t i = from; i < diagnostics.size(); ++i) {
        Diagnostic& diagnostic = diagnostics[i];
        if (++seen[diagnostic.rule] > max_findings_per_rule) {
            ++hidden[diagnostic.rule];
            continue;
        }
        if (kept != i) diagnostics[kept] = std::move(diagnostic);
        ++kept;
    }
    diagnostics.resize(kept);
    for (const auto& [rule, count] : hidden)
        diagnostics.push_back(make_diagnostic(rule, policy, {path},
                                              fmt::format("{} more {} findings in this file are not shown (only "
                                                          "the first {} are)",
                                                          count, rule_id(rule), max_findings_per_rule),
                                              "fix the findings shown and run again"));
}

// Every rule, or (`anti_drift_only`, for modules re-checked because a precedent list changed)
// KSA011 alone: their other findings belong to the commits that made them.
void audit_one(TreeSource& source, const Candidate& candidate, const AuditConfig& config,
               const rules::PrecedentNames* precedents, bool anti_drift_only, AuditRun& run,
               const DocumentVisitor& visit) {
    Diagnostics ignored;
    ParsedCandidate parsed = read_and_parse(source, candidate, config, anti_drift_only ? ignored : run.diagnostics);
    if (parsed.was_read) ++run.files_checked;
    if (!parsed.document) return;
    const manifest::Document& document = *parsed.document;
    rules::ModuleFacts facts;
    facts.precedents = precedents;
    if (document.kind == manifest::ManifestKind::module) {
        auto fragments = source.has_fragments(document.module_dir);
        facts.has_fragments = fragments.ok() && *fragments;
    }
    const std::size_t first = run.diagnostics.size();
    rules::RuleContext context(document, config, facts, run.diagnostics);
    if (anti_drift_only) {
        rules::check_anti_drift(context);
        cap_findings(run.diagnostics, first, document.path, config.severities());
        return;
    }
    rules::run_manifest_rules(context);
    cap_findings(run.diagnostics, first, document.path, config.severities());
    if (visit) visit(document);
}

bool is_module_manifest(const Candidate& candidate) {
    return manifest::classify_path(candidate.path) == manifest::ManifestKind::module;
}

} // namespace

ParsedCandidate read_and_parse(TreeSource& source, const Candidate& candidate, const AuditConfig& config,
                               Diagnostics& out) {
    ParsedCandidate result;
    const auto unreadable = [&](std::string message, std::string hint) {
        out.push_back(make_diagnostic(RuleCode::manifest_unreadable, config.severities(), {candidate.path},
                                      std::move(message), std::move(hint)));
    };
    if (candidate.kind == EntryKind::missing) {
        unreadable("the change adds or modifies this manifest, but nothing is at this path in the tree",
                   "the tree does not read the same by path as by listing; recreate the commit with git");
        return result;
    }
    if (candidate.kind != EntryKind::file) {
        unreadable(fmt::format("manifest path is {}, expected a regular file", describe(candidate.kind)),
                   "a koder.toml or self-hosted/koder_*.toml must be a plain file committed in the repository");
        return result;
    }
    auto entry = source.stat(candidate.path);
    if (!entry) {
        unreadable(fmt::format("could not be read: {}", entry.failure().message), "");
        return result;
    }
    if (entry->kind != EntryKind::file) {
        unreadable(fmt::format("manifest path is {}, expected a regular file", describe(entry->kind)), "");
        return result;
    }
    if (entry->size > config.max_manifest_bytes) {
        unreadable(fmt::format("manifest is {} bytes, over the limit of {} bytes; it was not read", entry->size,
                               config.max_manifest_bytes),
                   "shrink the file, or raise `audit.max_manifest_bytes` in .koder-spec-audit.toml");
        return result;
    }
    auto content = source.read(candidate.path);
    if (!content) {
        unreadable(fmt::format("could not be read: {}", content.failure().message), "");
        return result;
    }
    if (const auto nul = content->find('\0'); nul != std::string::npos) {
        unreadable(fmt::format("manifest is binary (NUL byte at offset {})", nul), "a manifest must be UTF-8 text");
        return result;
    }
    result.was_read = true;
    // Checked before toml++ sees the text: its parser and the tree it builds recurse per level.
    if (const auto excess = manifest::find_excess_nesting(*content, config.max_nesting_depth)) {
        out.push_back(make_diagnostic(
            RuleCode::manifest_unreadable, config.severities(),
            {candidate.path, SourceSpan{excess->line, excess->column, 0},
             std::string(manifest::line_of(*content, excess->line))},
            fmt::format("nested more than {} levels deep (tables, dotted keys, arrays and inline tables count); "
                        "it was not parsed",
                        config.max_nesting_depth),
            "flatten the structure, or raise the limit (`audit.max_nesting_depth`; on the server "
            "koder-audit.maxNestingDepth), at most 1024"));
        return result;
    }
    const auto kind = manifest::classify_path(candidate.path).value_or(manifest::ManifestKind::module);
    manifest::ParseOutcome parsed = manifest::parse_document(candidate.path, kind, std::move(*content));
    if (!parsed.document) {
        out.push_back(make_diagnostic(RuleCode::toml_syntax, config.severities(),
                                      {candidate.path, parsed.error.span, std::move(parsed.error.source_line)},
                                      fmt::format("invalid TOML: {}", parsed.error.message)));
        return result;
    }
    result.document = std::move(parsed.document);
    return result;
}

bool looks_like_manifest(const std::string& text) {
    if (text.find('\0') != std::string::npos || text.size() > 16 * 1024 * 1024) return false;
    if (manifest::find_excess_nesting(text, AuditConfig{}.max_nesting_depth)) return false;
    manifest::ParseOutcome parsed = manifest::parse_document("koder.toml", manifest::ManifestKind::module, text);
    if (!parsed.document) return false;
    for (const char* key : {"category", "package", "app", "self_hosted", "no_external_alternative"})
        if (parsed.document->root.contains(key)) return true;
    return false;
}

Expected<LoadedSettings> load_settings(TreeSource& source, const SettingOverrides& overrides) {
    LoadedSettings loaded;
    const std::string path(config_file_name);
    auto entry = source.stat(path);
    if (!entry) return entry.failure();
    if (entry->kind == EntryKind::file) {
        if (entry->size > 64 * 1024) return Failure{fmt::format("{} is larger than 64 KiB", path)};
        auto text = source.read(path);
        if (!text) return text.failure();
        if (auto problem = load_file_settings(loaded, *text, path)) return *problem;
    } else if (entry->kind != EntryKind::missing) {
        return Failure{fmt::format("{} is {}, expected a file", path, describe(entry->kind))};
    }
    if (auto problem = apply_overrides(loaded, overrides)) return *problem;
    return loaded;
}

Expected<AuditConfig> load_config(TreeSource& source, const SettingOverrides& overrides) {
    auto loaded = load_settings(source, overrides);
    if (!loaded) return loaded.failure();
    return std::move(loaded->config.audit);
}

Expected<AuditConfig> load_config(const SettingOverrides& overrides) {
    LoadedSettings loaded;
    if (auto problem = apply_overrides(loaded, overrides)) return *problem;
    return std::move(loaded.config.audit);
}

AuditRun audit_candidates(TreeSource& source, const std::vector<Candidate>& candidates, const AuditConfig& config,
                          const std::vector<Candidate>& anti_drift_only, const DocumentVisitor& visit,
                          Progress* progress) {
    AuditRun run;
    // The precedent lists are read only when a module manifest is to be judged.
    std::optional<LoadedPrecedents> precedents;
    const bool any_module = std::any_of(candidates.begin(), candidates.end(), is_module_manifest) ||
                            std::any_of(anti_drift_only.begin(), anti_drift_only.end(), is_module_manifest);
    if (any_module) {
        precedents = load_precedents(source, config);
        for (Diagnostic& problem : precedents->problems)
            run.diagnostics.push_back(std::move(problem));
    }
    const rules::PrecedentNames* names = precedents ? &precedents->names : nullptr;
    if (progress != nullptr) progress->phase("Reading manifests", candidates.size(), "manifests");
    for (const Candidate& candidate : candidates) {
        audit_one(source, candidate, config, names, false, run, visit);
        if (progress != nullptr) progress->advance();
    }
    for (const Candidate& candidate : anti_drift_only)
        if (is_module_manifest(candidate)) audit_one(source, candidate, config, names, true, run, {});
    sort_diagnostics(run.diagnostics);
    return run;
}

bool is_precedent_path(const AuditConfig& config, const std::string& path) {
    return std::any_of(config.precedent_files.begin(), config.precedent_files.end(),
                       [&](const PrecedentFile& file) { return file.path == path; });
}

std::vector<std::string> precedent_paths(const AuditConfig& config) {
    std::vector<std::string> paths;
    for (const PrecedentFile& file : config.precedent_files)
        paths.push_back(file.path);
    return paths;
}

Expected<ChangeAudit> audit_change(TreeSource& source, const std::vector<ChangedPath>& changes,
                                   const AuditConfig& config) {
    ChangeAudit result;
    bool precedents_changed = false;
    for (const ChangedPath& change : changes) {
        if (is_precedent_path(config, change.path))
            precedents_changed = true;
        else if (change.path != config.registry_path)
            result.manifest_changes.push_back(change);
    }
    auto candidates = candidates_for_changes(source, result.manifest_changes);
    if (!candidates) return candidates.failure();
    std::vector<Candidate> others;
    if (precedents_changed) { // a changed list may make any module a candidate: re-judge them all for KSA011
        auto all = source.list_manifests("");
        if (!all) return all.failure();
        std::set<std::string> already;
        for (const Candidate& candidate : *candidates)
            already.insert(candidate.path);
        for (Candidate& candidate : *all)
            if (already.count(candidate.path) == 0 && candidate.kind == EntryKind::file)
                others.push_back(std::move(candidate));
    }
    result.run = audit_candidates(source, *candidates, config, others);
    return result;
}

Expected<std::vector<Candidate>> candidates_for_changes(TreeSource& source, const std::vector<ChangedPath>& changes) {
    std::set<std::string> paths;
    for (const ChangedPath& change : changes) {
        if (change.status != ChangeStatus::deleted) {
            paths.insert(change.path);
        } else if (const auto kind = manifest::classify_path(change.path); kind == manifest::ManifestKind::fragment) {
            paths.insert(manifest::module_manifest_path(manifest::module_dir(change.path, *kind)));
        }
    }
    std::vector<Candidate> candidates;
    for (const std::string& path : paths) {
        auto entry = source.stat(path);
        if (!entry) return entry.failure();
        // A path the change adds or modifies but the tree does not hold is kept as missing: the
        // audit reports it (a tree read one way by the diff and another by the lookup).
        const bool changed_here = std::any_of(changes.begin(), changes.end(), [&](const ChangedPath& change) {
            return change.path == path && change.status != ChangeStatus::deleted;
        });
        if (entry->kind != EntryKind::missing || changed_here) candidates.push_back({path, entry->kind});
    }
    return candidates;
}

Expected<std::vector<Candidate>> module_candidates(TreeSource& source, const std::string& module_dir) {
    std::vector<Candidate> result;
    const std::string manifest_path = manifest::module_manifest_path(module_dir);
    auto entry = source.stat(manifest_path);
    if (!entry) return entry.failure();
    if (entry->kind != EntryKind::missing) result.push_back({manifest_path, entry->kind});
    const std::string fragments_dir = module_dir.empty() ? std::string(manifest::fragment_dir_name)
                                                         : module_dir + "/" + std::string(manifest::fragment_dir_name);
    auto fragments = source.list_manifests(fragments_dir);
    if (!fragments) return fragments.failure();
    for (Candidate& candidate : *fragments)
        if (manifest::classify_path(candidate.path) == manifest::ManifestKind::fragment &&
            manifest::module_dir(candidate.path, manifest::ManifestKind::fragment) == module_dir)
            result.push_back(std::move(candidate));
    return result;
}

} // namespace ksa::audit
