// KSA010 self-hosted-missing and KSA014 no-alternative-declaration: an engine or infra-tooling
// module must either declare what it replaces or say, with a reason, that nothing outside exists.
#include <fmt/format.h>

#include "manifest/model.h"
#include "rules/context.h"
#include "support/text.h"

namespace ksa::rules {

bool is_obligated_category(const manifest::Document& document) {
    const toml::node* category = document.root.get("category");
    if (category == nullptr || !category->is_string()) return false;
    const std::string& value = category->as_string()->get();
    return value == "engine" || value == "infra-tooling";
}

void check_obligation(RuleContext& context) {
    const manifest::Document& document = context.document();
    if (document.kind == manifest::ManifestKind::fragment) return; // KSA016 covers module-level keys there
    const toml::node* declaration = document.root.get(manifest::no_alternative_key);
    const bool has_block = document.root.contains(manifest::self_hosted_key);

    if (declaration != nullptr) {
        const toml::table* table = declaration->as_table();
        const toml::node* reason = table != nullptr ? table->get("reason") : nullptr;
        if (table == nullptr) {
            context.report(RuleCode::no_alternative_declaration, manifest::span_of(*declaration),
                           "`no_external_alternative` must be a table with a `reason`",
                           "write `[no_external_alternative]` and below it `reason = \"why nothing outside the "
                           "Stack does this job\"`");
        } else if (reason == nullptr || !reason->is_string() || text::trim(reason->as_string()->get()).empty()) {
            context.report(RuleCode::no_alternative_declaration,
                           manifest::span_of(reason != nullptr ? *reason : *declaration),
                           "[no_external_alternative] needs a non-empty string `reason`",
                           "say why no external tool competes with this module, e.g. "
                           "`reason = \"Koder-internal lock service\"`");
        }
        if (has_block) {
            context.report(RuleCode::no_alternative_declaration, manifest::span_of(*declaration),
                           "[no_external_alternative] contradicts the [self_hosted] block of the same file",
                           "keep [self_hosted] if the module replaces something, otherwise remove it");
        }
        return;
    }
    if (document.kind != manifest::ManifestKind::module || has_block || !is_obligated_category(document)) return;
    if (context.facts().has_fragments) return; // a self-hosted/koder_*.toml fragment declares the block
    const toml::node* category = document.root.get("category");
    // The anti-drift signals that also fire are named here: KSA011 stays silent for this module.
    const std::vector<std::string> signals = anti_drift_signals(context, false);
    std::string hint = "add [self_hosted] with replaces, status, gates_passed and gates_pending; or, when no "
                       "external tool competes, add `[no_external_alternative]` with `reason = \"...\"`";
    if (!signals.empty()) hint += fmt::format(" (the anti-drift heuristic agrees: {})", fmt::join(signals, "; "));
    context.report(RuleCode::self_hosted_missing, manifest::span_of(*category),
                   fmt::format("`category = \"{}\"` requires a [self_hosted] block or an explicit "
                               "[no_external_alternative] declaration",
                               category->as_string()->get()),
                   std::move(hint));
}

} // namespace ksa::rules
