#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "audit/engine.h"
#include "manifest/document.h"
#include "manifest/model.h"
#include "registry/registry.h"

namespace ksa::registry {
namespace {

std::vector<std::string> values_of(const std::vector<manifest::LocatedString>& items) {
    std::vector<std::string> values;
    for (const auto& item : items)
        values.push_back(item.value);
    return values;
}

std::vector<std::string> raw_gates(const std::vector<manifest::LocatedGate>& gates) {
    std::vector<std::string> values;
    for (const auto& gate : gates)
        values.push_back(gate.raw);
    return values;
}

// [app].name, else the module name, else the module folder, else (a nameless root manifest)
// its path: never an empty cell.
std::string display_name(const manifest::Identity& identity, const manifest::Document& document) {
    if (!identity.display_name.empty()) return identity.display_name;
    return document.module_dir.empty() ? document.path : document.module_dir;
}

// Adds one manifest's rows to `result`; `claimed` maps component names to the first manifest
// declaring them, for the duplicate check (KSA018).
void add_rows(const manifest::Document& document, const AuditConfig& config,
              std::map<std::string, std::string>& claimed, BuildResult& result) {
    const manifest::Identity identity = manifest::extract_identity(document);
    if (const toml::table* declaration = document.root[manifest::no_alternative_key].as_table()) {
        const toml::node* reason = declaration->get("reason");
        result.registry.no_alternative.push_back(
            {display_name(identity, document), document.path,
             reason != nullptr && reason->is_string() ? reason->as_string()->get() : std::string()});
    }
    const auto block = manifest::extract_self_hosted(document);
    if (!block) return;
    PairRow row;
    row.display_name = display_name(identity, document);
    row.name = identity.name;
    row.manifest_path = document.path;
    row.module_dir = document.module_dir;
    row.replaces = values_of(block->replaces);
    row.status = block->status ? block->status->value : std::string();
    if (block->cases) row.cases = values_of(*block->cases);
    row.gates_passed = raw_gates(block->gates_passed);
    row.gates_pending = raw_gates(block->gates_pending);
    row.benchmark_ref = block->benchmark_ref ? block->benchmark_ref->value : std::string();
    row.production_ref = values_of(block->production_ref);
    row.notes = block->notes ? block->notes->value : std::string();
    for (const manifest::SkippedPair& skipped : block->skipped)
        result.registry.skipped.push_back(
            {skipped.external, document.module_dir, document.path, skipped.rationale, skipped.ticket, skipped.date});
    if (!row.name.empty()) {
        const auto [first, inserted] = claimed.emplace(row.name, row.manifest_path);
        if (!inserted) {
            result.problems.push_back(
                make_diagnostic(RuleCode::component_name_duplicate, config.severities(), {row.manifest_path},
                                fmt::format("component name \"{}\" is already declared by {}", row.name, first->second),
                                "give each self-hosted component its own [package].name (or [app].slug)"));
        }
    }
    result.registry.pairs.push_back(std::move(row));
}

} // namespace

Expected<BuildResult> build_registry(TreeSource& source, const AuditConfig& config) {
    auto candidates = source.list_manifests("");
    if (!candidates) return candidates.failure();
    return build_rows(source, *candidates, config);
}

Expected<BuildResult> build_validated_registry(TreeSource& source, const AuditConfig& config, Progress* progress) {
    if (progress != nullptr) progress->phase("Finding manifests", 0, "");
    auto candidates = source.list_manifests("");
    if (!candidates) return candidates.failure();
    BuildResult result;
    std::map<std::string, std::string> claimed;
    audit::AuditRun run = audit::audit_candidates(
        source, *candidates, config, {},
        [&](const manifest::Document& document) { add_rows(document, config, claimed, result); }, progress);
    if (progress != nullptr) progress->finish();
    result.manifests_read = run.files_checked;
    for (Diagnostic& diagnostic : run.diagnostics)
        result.problems.push_back(std::move(diagnostic));
    sort_diagnostics(result.problems);
    return result;
}

BuildResult build_rows(TreeSource& source, const std::vector<Candidate>& candidates, const AuditConfig& config) {
    BuildResult result;
    // Component name -> first manifest claiming it, for the duplicate check.
    std::map<std::string, std::string> claimed;
    for (const Candidate& candidate : candidates) {
        // The manifest must pass the same reading checks as the audit (kind, size, binary, TOML).
        audit::ParsedCandidate parsed = audit::read_and_parse(source, candidate, config, result.problems);
        if (parsed.was_read) ++result.manifests_read;
        if (parsed.document) add_rows(*parsed.document, config, claimed, result);
    }
    sort_diagnostics(result.problems);
    return result;
}

} // namespace ksa::registry
