#include "rules/context.h"

namespace ksa::rules {

void RuleContext::report(RuleCode rule, SourceSpan span, std::string message, std::string hint) {
    out_.push_back(
        make_diagnostic(rule, config_.severities(), document_.location(span), std::move(message), std::move(hint)));
}

void run_manifest_rules(RuleContext& context) {
    check_fragment_shape(context);
    check_category(context);
    check_self_hosted_fields(context);
    check_status(context);
    check_gates(context);
    check_official_pending(context);
    check_obligation(context);
    check_anti_drift(context);
}

} // namespace ksa::rules
