// The hooks' registry rules: KSA012 (the generated registry edited by hand) and KSA013 (a
// commit changes [self_hosted] blocks without regenerating the registry).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/audit_config.h"
#include "diag/diagnostic.h"
#include "source/tree_source.h"

namespace ksa::registry {

// A generated registry is about 500 bytes per pair; a larger file at its path is refused unread
// (KSA012), and a parent's that large is not read back (the check then regenerates in full).
inline constexpr std::uint64_t max_registry_bytes = 16 * 1024 * 1024;

struct RegistryChange {
    TreeSource& tree;                           // the tree being committed (index or commit)
    std::vector<ChangedPath> manifest_changes;  // against the parent
    bool registry_changed = false;              // the registry path differs from the parent's
    std::optional<std::string> parent_registry; // the parent's registry text, if it had one
    // The parent's tree, read only to word a KSA013 finding (was the registry stale before this
    // change, or made stale by it?); null for a root commit, or when the caller has none.
    TreeSource* parent_tree = nullptr;
};

// Checks the registry of `change.tree` against what the generator produces for that tree.
// When the parent's registry is a generated file, the expected text is the parent's with the
// rows of the changed manifests re-rendered (cost follows the change); otherwise every
// manifest is read. Returns the findings; a failure means something could not be read.
Expected<Diagnostics> check_registry(const RegistryChange& change, const AuditConfig& config);

// What a rejected commit needs, for the pre-commit hook's closing line: the staged manifests
// fixed, the registry (`registry_path`) regenerated, or both.
std::string commit_fix_advice(const Diagnostics& diagnostics, const std::string& registry_path);

} // namespace ksa::registry
