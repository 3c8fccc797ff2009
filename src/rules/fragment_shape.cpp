// KSA016 fragment-shape: a fragment exists to hold one [self_hosted] block, nothing module-wide.
#include <fmt/format.h>

#include "manifest/model.h"
#include "rules/context.h"

namespace ksa::rules {

void check_fragment_shape(RuleContext& context) {
    const manifest::Document& document = context.document();
    if (document.kind != manifest::ManifestKind::fragment) return;
    if (!document.root.contains(manifest::self_hosted_key)) {
        context.report(RuleCode::fragment_shape, SourceSpan{1, 1, 0}, "self-hosted fragment has no [self_hosted] block",
                       "a file under self-hosted/ holds one [self_hosted] block for one more axis of its "
                       "module; add it or move the file");
    }
    for (std::string_view key : {std::string_view("category"), manifest::no_alternative_key}) {
        if (const toml::node* node = document.root.get(key)) {
            context.report(RuleCode::fragment_shape, manifest::span_of(*node),
                           fmt::format("`{}` belongs in the module's koder.toml, not in a fragment", key),
                           fmt::format("move it to {}", manifest::module_manifest_path(document.module_dir)));
        }
    }
}

} // namespace ksa::rules
