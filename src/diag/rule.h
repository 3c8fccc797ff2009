// The catalogue of rules: stable codes, names, and severity per rollout phase.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace ksa {

// Codes are stable: never renumber, only append. Documented in docs/rules.md.
enum class RuleCode {
    toml_syntax = 1,
    category_invalid = 2,
    category_missing = 3,
    self_hosted_field = 4,
    status_invalid = 5,
    gate_in_both_lists = 6,
    gate_unknown = 7,
    gate_duplicate = 8,
    official_with_pending_gate = 9,
    self_hosted_missing = 10,
    anti_drift = 11,
    registry_hand_edited = 12,
    registry_stale = 13,
    no_alternative_declaration = 14,
    manifest_unreadable = 15,
    fragment_shape = 16,
    unknown_key = 17,
    component_name_duplicate = 18,
    precedent_list = 19,
    benchmark_evidence = 20,
    production_evidence = 21,
    changelog_marker = 22,
    stability_evidence = 23,
    host_unreachable = 24,
    tree_unsafe = 25,
    ref_refused = 26,
};

enum class Phase { advisory = 4, strict = 5 };

enum class Severity;

struct RuleInfo {
    RuleCode code;
    std::string_view name;    // kebab-case, e.g. "gate-unknown"
    std::string_view summary; // one sentence, for SARIF and --list-rules
    Severity phase4;
    Severity phase5;
};

std::span<const RuleInfo> all_rules();
const RuleInfo& rule_info(RuleCode code);
std::optional<RuleCode> parse_rule_id(std::string_view id); // "KSA007" or "gate-unknown"

// "KSA007"
std::string rule_id(RuleCode code);

Severity severity_in(RuleCode code, Phase phase);

// How severe each rule is in one run: its catalogue severity in the phase, and KSA013 raised to
// an error when the configuration asks for it (`[registry] stale = "error"`).
struct SeverityPolicy {
    Phase phase = Phase::advisory;
    bool stale_registry_is_error = false;

    [[nodiscard]] Severity of(RuleCode code) const;
};

} // namespace ksa
