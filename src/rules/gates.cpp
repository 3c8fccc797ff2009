// KSA007 gate-unknown, KSA008 gate-duplicate, KSA006 gate-in-both-lists.
#include <map>

#include <fmt/format.h>

#include "manifest/model.h"
#include "rules/context.h"
#include "support/text.h"

namespace ksa::rules {
namespace {

using GateIndex = std::map<std::string, const manifest::LocatedGate*>;

// Reports malformed and repeated entries of one list; returns its well-formed entries by key.
GateIndex index_list(RuleContext& context, const std::vector<manifest::LocatedGate>& gates,
                     std::string_view list_name) {
    GateIndex seen;
    for (const manifest::LocatedGate& gate : gates) {
        if (text::trim(gate.raw).empty()) continue; // KSA004 reports empty entries
        if (!gate.well_formed) {
            const manifest::GateParse parsed = manifest::parse_gate(gate.raw);
            std::string hint = parsed.suggestion.empty()
                                   ? std::string("a gate is feature_parity, performance, stability, "
                                                 "production_proven or capability:NAME, optionally "
                                                 "followed by :CASE and ` = REF`")
                                   : fmt::format("did you mean `{}`?", parsed.suggestion);
            context.report(
                RuleCode::gate_unknown, gate.span,
                fmt::format("unknown gate \"{}\" in `{}`: {}", text::abbreviate(gate.raw), list_name, parsed.problem),
                std::move(hint));
            continue;
        }
        const std::string key = gate.entry.key();
        if (auto earlier = seen.find(key); earlier != seen.end()) {
            context.report(RuleCode::gate_duplicate, gate.span,
                           fmt::format("gate `{}` is listed twice in `{}` (first at {}:{})", text::abbreviate(key),
                                       list_name, earlier->second->span.line, earlier->second->span.column),
                           "remove the repeated entry");
            continue;
        }
        seen.emplace(key, &gate);
    }
    return seen;
}

} // namespace

void check_gates(RuleContext& context) {
    const auto block = manifest::extract_self_hosted(context.document());
    if (!block) return;
    const GateIndex passed = index_list(context, block->gates_passed, "gates_passed");
    const GateIndex pending = index_list(context, block->gates_pending, "gates_pending");
    for (const auto& [key, gate] : pending) {
        const auto in_passed = passed.find(key);
        if (in_passed == passed.end()) continue;
        context.report(RuleCode::gate_in_both_lists, gate->span,
                       fmt::format("gate `{}` is both pending and passed (passed at line {})", text::abbreviate(key),
                                   in_passed->second->span.line),
                       "a gate is either passed or pending: remove it from one of the two lists");
    }
}

} // namespace ksa::rules
