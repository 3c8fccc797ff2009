// KSA009 official-with-pending-gate: "official" means every gate clears for the official cases.
#include <algorithm>

#include <fmt/format.h>

#include "manifest/model.h"
#include "rules/context.h"

namespace ksa::rules {

void check_official_pending(RuleContext& context) {
    const auto block = manifest::extract_self_hosted(context.document());
    if (!block || !block->status || block->status->value != "official") return;
    const auto is_official_case = [&](const std::string& name) {
        if (!block->cases) return true; // no `cases`: official for every case
        return std::any_of(block->cases->begin(), block->cases->end(),
                           [&](const manifest::LocatedString& c) { return c.value == name; });
    };
    for (const manifest::LocatedGate& gate : block->gates_pending) {
        if (!gate.well_formed) continue; // KSA007 reports it
        const std::string& case_name = gate.entry.case_name;
        if (!case_name.empty() && !is_official_case(case_name)) continue;
        std::string message;
        if (case_name.empty())
            message = fmt::format("`status = \"official\"` but gate `{}`, which applies to every case, is pending",
                                  gate.entry.key());
        else if (!block->cases)
            message =
                fmt::format("`status = \"official\"` covers every case (no `cases` given) but gate `{}` is pending",
                            gate.entry.key());
        else
            message = fmt::format("`status = \"official\"` but gate `{}` of official case `{}` is pending",
                                  gate.entry.key(), case_name);
        context.report(RuleCode::official_with_pending_gate, gate.span, std::move(message),
                       "close the gate (move it to gates_passed with evidence), narrow `cases`, or use "
                       "`status = \"stable\"` until it closes");
    }
}

} // namespace ksa::rules
