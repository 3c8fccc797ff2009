// KSA005 status-invalid.
#include <algorithm>

#include <fmt/format.h>

#include "manifest/model.h"
#include "rules/context.h"
#include "rules/suggest.h"
#include "support/text.h"

namespace ksa::rules {

void check_status(RuleContext& context) {
    const toml::table* table = context.document().self_hosted();
    if (table == nullptr) return;
    const toml::node* node = table->get("status");
    if (node == nullptr || !node->is_string() || node->as_string()->get().empty()) return; // KSA004's
    const std::string& status = node->as_string()->get();
    if (std::find(manifest::statuses.begin(), manifest::statuses.end(), status) != manifest::statuses.end()) return;
    // The seed registry's "planning" is no misspelling of any status: name the one it means.
    std::string hint = status == "planning"
                           ? fmt::format("did you mean `experimental`? (\"planning\" is not a status: a component not "
                                         "built yet is experimental; expected one of: {})",
                                         join_quoted(manifest::statuses))
                           : did_you_mean(status, manifest::statuses);
    context.report(RuleCode::status_invalid, manifest::span_of(*node),
                   fmt::format("`status = \"{}\"` is not a known status", text::abbreviate(status)), std::move(hint));
}

} // namespace ksa::rules
