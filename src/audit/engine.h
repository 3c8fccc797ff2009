// The audit of manifests from one source: read each candidate safely, parse, run the rules.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/audit_config.h"
#include "config/settings.h"
#include "diag/diagnostic.h"
#include "manifest/document.h"
#include "source/tree_source.h"
#include "support/progress.h"

namespace ksa::audit {

struct AuditRun {
    Diagnostics diagnostics;
    std::size_t files_checked = 0;
};

// Reads the configuration committed at the root of `source` (defaults when absent), then
// applies the command line's overrides; with where each value came from (`config --show`).
Expected<LoadedSettings> load_settings(TreeSource& source, const SettingOverrides& overrides);
Expected<AuditConfig> load_config(TreeSource& source, const SettingOverrides& overrides);
// The defaults under the command line's values: when there is no tree to read the file from.
Expected<AuditConfig> load_config(const SettingOverrides& overrides);

struct ParsedCandidate {
    bool was_read = false;                        // the bytes were read (they may not parse)
    std::unique_ptr<manifest::Document> document; // null when unreadable or invalid TOML
};

// Reads one candidate the safe way (entry kind, size limit, binary check) and parses it; a
// problem becomes a diagnostic (KSA015, KSA001) in `out`.
ParsedCandidate read_and_parse(TreeSource& source, const Candidate& candidate, const AuditConfig& config,
                               Diagnostics& out);

// True when `text` parses as TOML and has a manifest's top-level keys (category, [package],
// [app], [self_hosted], [no_external_alternative]): how a ref naming a lone blob is judged.
bool looks_like_manifest(const std::string& text);

// Called with each candidate's document once its rules ran (the registry builds its rows from
// the manifests it validates, read once).
using DocumentVisitor = std::function<void(const manifest::Document&)>;

// Validates every candidate. Anything that cannot be read becomes a diagnostic (KSA015), so a
// hook fails closed instead of passing what it could not see.
// `anti_drift_only` candidates get KSA011 alone (see audit_change) and are not visited.
// `progress` (optional) counts each candidate audited.
AuditRun audit_candidates(TreeSource& source, const std::vector<Candidate>& candidates, const AuditConfig& config,
                          const std::vector<Candidate>& anti_drift_only = {}, const DocumentVisitor& visit = {},
                          Progress* progress = nullptr);

// The paths of the configured precedent lists (for the hooks' watched paths).
std::vector<std::string> precedent_paths(const AuditConfig& config);
bool is_precedent_path(const AuditConfig& config, const std::string& path);

struct ChangeAudit {
    AuditRun run;
    std::vector<ChangedPath> manifest_changes; // the changes without the registry and the precedent lists
};

// The hooks' audit of one change (staged or pushed): every rule for the manifests it touches,
// and when it touches a precedent list, KSA011 for every other module manifest of the tree.
Expected<ChangeAudit> audit_change(TreeSource& source, const std::vector<ChangedPath>& changes,
                                   const AuditConfig& config);

// What a change calls for checking: every added or modified manifest, and for each deleted
// fragment its module's koder.toml (the module may now lack the [self_hosted] it needs).
Expected<std::vector<Candidate>> candidates_for_changes(TreeSource& source, const std::vector<ChangedPath>& changes);

// The candidates of a module folder: its koder.toml and its self-hosted/koder_*.toml fragments.
Expected<std::vector<Candidate>> module_candidates(TreeSource& source, const std::string& module_dir);

} // namespace ksa::audit
