#include "diag/rule.h"

#include <array>
#include <fmt/format.h>

#include "diag/diagnostic.h"

namespace ksa {
namespace {

constexpr Severity W = Severity::warning;
constexpr Severity E = Severity::error;

constexpr std::array rules{
    RuleInfo{RuleCode::toml_syntax, "toml-syntax", "The file is not valid TOML 1.0.", E, E},
    RuleInfo{RuleCode::category_invalid, "category-invalid", "The top-level `category` is not one of the six values.",
             E, E},
    RuleInfo{RuleCode::category_missing, "category-missing", "The manifest has no top-level `category`.", W, E},
    RuleInfo{RuleCode::self_hosted_field, "self-hosted-field",
             "A field of the [self_hosted] block is missing, empty or of the wrong type.", E, E},
    RuleInfo{RuleCode::status_invalid, "status-invalid", "`status` is not experimental, stable, official or legacy.", E,
             E},
    RuleInfo{RuleCode::gate_in_both_lists, "gate-in-both-lists",
             "The same gate is both in `gates_passed` and in `gates_pending`.", E, E},
    RuleInfo{RuleCode::gate_unknown, "gate-unknown", "A gate entry names no known gate.", E, E},
    RuleInfo{RuleCode::gate_duplicate, "gate-duplicate", "A gate is listed twice in the same list.", W, E},
    RuleInfo{RuleCode::official_with_pending_gate, "official-with-pending-gate",
             "`status = \"official\"` while a gate for an official case is pending.", E, E},
    RuleInfo{RuleCode::self_hosted_missing, "self-hosted-missing",
             "An engine or infra-tooling module declares neither a [self_hosted] block nor "
             "[no_external_alternative].",
             W, E},
    RuleInfo{RuleCode::anti_drift, "anti-drift",
             "A module looks like a self-hosted candidate (RFC-002 §3.4) but declares no [self_hosted] block.", W, E},
    RuleInfo{RuleCode::registry_hand_edited, "registry-hand-edited",
             "The generated registry differs from what the manifests generate for the same tree.", E, E},
    RuleInfo{RuleCode::registry_stale, "registry-stale",
             "A change edits [self_hosted] blocks without regenerating the registry.", W, W},
    RuleInfo{RuleCode::no_alternative_declaration, "no-alternative-declaration",
             "The [no_external_alternative] declaration is malformed or contradicts a "
             "[self_hosted] block.",
             E, E},
    RuleInfo{RuleCode::manifest_unreadable, "manifest-unreadable",
             "A manifest path holds something that is not a readable text file.", E, E},
    RuleInfo{RuleCode::fragment_shape, "fragment-shape",
             "A self-hosted fragment has no [self_hosted] block or carries module-level fields.", E, E},
    RuleInfo{RuleCode::unknown_key, "unknown-key", "A key of [self_hosted] is not part of the schema.", W, E},
    RuleInfo{RuleCode::component_name_duplicate, "component-name-duplicate",
             "Two self-hosted components of the registry share a name.", E, E},
    RuleInfo{RuleCode::precedent_list, "precedent-list",
             "A precedent list of the anti-drift heuristic is missing, unreadable or has no such section.", W, W},
    RuleInfo{RuleCode::benchmark_evidence, "benchmark-evidence",
             "`benchmark_ref` is not a regular file of the tree, or `performance` is passed without it.", E, E},
    RuleInfo{RuleCode::production_evidence, "production-evidence",
             "A `production_ref` module does not exist, or `production_proven` has fewer than 2 consumers.", E, E},
    RuleInfo{RuleCode::changelog_marker, "changelog-marker",
             "The module's CHANGELOG.md carries no koder-status marker for the current status.", E, E},
    RuleInfo{RuleCode::stability_evidence, "stability-evidence",
             "`stability` is passed but the history verdict says the gate is not earned.", E, E},
    RuleInfo{RuleCode::host_unreachable, "host-unreachable",
             "A `production_ref` host answers neither HTTPS nor HTTP (gate-check --online).", E, E},
    RuleInfo{RuleCode::tree_unsafe, "tree-unsafe",
             "A pushed tree would not check out as the audit reads it: malformed (git fsck's order, duplicate, "
             "'/', '.', '..' or '.git' checks), a mode git never writes, or a symlinked folder on a checked path.",
             E, E},
    RuleInfo{RuleCode::ref_refused, "ref-refused",
             "A push updates refs/replace/*, which would make git read other objects than the audited ones.", E, E},
};

} // namespace

std::span<const RuleInfo> all_rules() { return rules; }

const RuleInfo& rule_info(RuleCode code) {
    for (const RuleInfo& info : rules)
        if (info.code == code) return info;
    return rules.front(); // unreachable: every RuleCode has an entry (checked by a unit test)
}

std::string rule_id(RuleCode code) { return fmt::format("KSA{:03}", static_cast<int>(code)); }

std::optional<RuleCode> parse_rule_id(std::string_view id) {
    for (const RuleInfo& info : rules)
        if (id == info.name || id == rule_id(info.code)) return info.code;
    return std::nullopt;
}

Severity severity_in(RuleCode code, Phase phase) {
    const RuleInfo& info = rule_info(code);
    return phase == Phase::strict ? info.phase5 : info.phase4;
}

Severity SeverityPolicy::of(RuleCode code) const {
    if (code == RuleCode::registry_stale && stale_registry_is_error) return Severity::error;
    return severity_in(code, phase);
}

} // namespace ksa
