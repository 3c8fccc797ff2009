#include "rules/context.h"

namespace ksa::rules {

void RuleContext::report(RuleCode rule, SourceSpan span, std::string message, std::string hint) {
    Diagnostic diagnostic;
    diagnostic.rule = rule;
    diagnostic.severity = severity_in(rule, config_.phase);
    diagnostic.path = document_.path;
    diagnostic.span = span;
    diagnostic.message = std::move(message);
    diagnostic.hint = std::move(hint);
    diagnostic.source_line = document_.source_line(span.line);
    out_.push_back(std::move(diagnostic));
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
