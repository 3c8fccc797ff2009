// KSA011 anti-drift: RFC-002 §3.4. A module that looks like a self-hosted candidate (a
// `koder-` name outside products/, a path under engines/sdk/, infra/ or products/dev/, a name
// in a precedent list) must say where it stands. The fourth signal, category engine or
// infra-tooling, is KSA010's obligation: such a module gets KSA010 (whose hint lists the
// other signals), never both, so one missing block is one finding.
#include <fmt/format.h>

#include "manifest/model.h"
#include "rules/context.h"

namespace ksa::rules {
namespace {

std::string lower(std::string_view value) {
    std::string result(value);
    for (char& c : result)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return result;
}

bool under(const std::string& dir, std::string_view prefix) {
    return dir == prefix || dir.starts_with(std::string(prefix) + "/");
}

} // namespace

bool declares_self_hosting(const RuleContext& context) {
    const manifest::Document& document = context.document();
    return document.root.contains(manifest::self_hosted_key) || document.root.contains(manifest::no_alternative_key) ||
           context.facts().has_fragments;
}

std::vector<std::string> anti_drift_signals(const RuleContext& context, bool with_category) {
    const manifest::Document& document = context.document();
    const manifest::Identity identity = manifest::extract_identity(document);
    const std::string& dir = document.module_dir;
    std::vector<std::string> signals;
    if (identity.name.starts_with("koder-") && !under(dir, "products"))
        signals.push_back(fmt::format("its name `{}` starts with `koder-` outside products/", identity.name));
    for (std::string_view prefix : {"engines/sdk", "infra", "products/dev"})
        if (under(dir, prefix)) signals.push_back(fmt::format("its path is under {}/", prefix));
    if (const PrecedentNames* precedents = context.facts().precedents) {
        if (!identity.name.empty())
            if (const auto found = precedents->names.find(lower(identity.name)); found != precedents->names.end())
                signals.push_back(fmt::format("its name `{}` is listed in {}", identity.name, found->second));
        if (const auto found = precedents->paths.find(lower(dir)); found != precedents->paths.end())
            signals.push_back(fmt::format("its folder {}/ is listed in {}", dir, found->second));
    }
    if (with_category && is_obligated_category(document))
        signals.push_back(fmt::format("its category is `{}`", document.root.get("category")->as_string()->get()));
    return signals;
}

void check_anti_drift(RuleContext& context) {
    const manifest::Document& document = context.document();
    if (document.kind != manifest::ManifestKind::module || declares_self_hosting(context)) return;
    if (is_obligated_category(document)) return; // KSA010 reports it, with these signals in its hint
    const std::vector<std::string> signals = anti_drift_signals(context, false);
    if (signals.empty()) return;
    const toml::node* category = document.root.get("category");
    const SourceSpan span = category != nullptr ? manifest::span_of(*category) : SourceSpan{1, 1, 0};
    context.report(RuleCode::anti_drift, span,
                   fmt::format("module looks like a self-hosted candidate but declares no [self_hosted] block: {}",
                               fmt::join(signals, "; ")),
                   "add a [self_hosted] block (replaces, status, gates_passed, gates_pending); or, when no external "
                   "tool competes, `[no_external_alternative]` with `reason = \"...\"`");
}

} // namespace ksa::rules
