// What a rule sees: one parsed manifest, the configuration, facts about its module, and
// where to put its findings. Rules never print.
#pragma once

#include <string>

#include "config/audit_config.h"
#include "diag/diagnostic.h"
#include "manifest/document.h"

namespace ksa::rules {

// Facts about the manifest's module that live outside the file itself.
struct ModuleFacts {
    bool has_fragments = false;  // <module>/self-hosted/koder_*.toml exists
};

class RuleContext {
public:
    RuleContext(const manifest::Document& document, const AuditConfig& config, ModuleFacts facts,
                Diagnostics& out)
        : document_(document), config_(config), facts_(facts), out_(out) {}

    [[nodiscard]] const manifest::Document& document() const { return document_; }
    [[nodiscard]] const AuditConfig& config() const { return config_; }
    [[nodiscard]] const ModuleFacts& facts() const { return facts_; }

    // Records a finding at `span`, with the severity the configured phase gives the rule.
    void report(RuleCode rule, SourceSpan span, std::string message, std::string hint = {});

private:
    const manifest::Document& document_;
    const AuditConfig& config_;
    ModuleFacts facts_;
    Diagnostics& out_;
};

// Every rule of SPEC §2.2 that judges a single parsed manifest.
void run_manifest_rules(RuleContext& context);

// One function per rule family; each lives in its own file.
void check_category(RuleContext& context);
void check_self_hosted_fields(RuleContext& context);
void check_status(RuleContext& context);
void check_gates(RuleContext& context);
void check_official_pending(RuleContext& context);
void check_obligation(RuleContext& context);
void check_fragment_shape(RuleContext& context);

} // namespace ksa::rules
