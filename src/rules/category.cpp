// KSA002 category-invalid, KSA003 category-missing.
#include <algorithm>

#include <fmt/format.h>

#include "manifest/model.h"
#include "rules/context.h"
#include "rules/suggest.h"
#include "support/text.h"

namespace ksa::rules {

void check_category(RuleContext& context) {
    const manifest::Document& document = context.document();
    if (document.kind != manifest::ManifestKind::module) return; // fragments carry no category
    const toml::node* node = document.root.get("category");
    if (node == nullptr) {
        context.report(RuleCode::category_missing, SourceSpan{1, 1, 0}, "`category` is missing",
                       fmt::format("add a top-level line before any table, e.g. `category = \"engine\"` "
                                   "(one of: {})",
                                   join_quoted(manifest::categories)));
        return;
    }
    const auto* value = node->as_string();
    if (value == nullptr) {
        context.report(RuleCode::category_invalid, manifest::span_of(*node),
                       fmt::format("`category` must be a string, found {}", manifest::type_name(*node)),
                       fmt::format("expected one of: {}", join_quoted(manifest::categories)));
        return;
    }
    const std::string& category = value->get();
    if (std::find(manifest::categories.begin(), manifest::categories.end(), category) == manifest::categories.end()) {
        context.report(RuleCode::category_invalid, manifest::span_of(*node),
                       fmt::format("`category = \"{}\"` is not a known category", text::abbreviate(category)),
                       did_you_mean(category, manifest::categories));
    }
}

} // namespace ksa::rules
