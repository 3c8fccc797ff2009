// What a rule sees: one parsed manifest, the configuration, facts about its module, and
// where to put its findings. Rules never print.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/audit_config.h"
#include "diag/diagnostic.h"
#include "manifest/document.h"

namespace ksa::rules {

// The names and module paths the precedent lists of the anti-drift heuristic cite, read by
// the engine from the audited tree (rules never read files). Keys are lower-cased.
struct PrecedentNames {
    std::map<std::string, std::string> names{}; // module name → "file (section)" it is listed in
    std::map<std::string, std::string> paths{}; // module folder → "file (section)"
};

// Facts about the manifest's module that live outside the file itself.
struct ModuleFacts {
    bool has_fragments = false;                 // <module>/self-hosted/koder_*.toml exists
    const PrecedentNames* precedents = nullptr; // null: no precedent list was read
};

class RuleContext {
  public:
    RuleContext(const manifest::Document& document, const AuditConfig& config, ModuleFacts facts, Diagnostics& out)
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
void check_anti_drift(RuleContext& context);

// The RFC-002 §3.4 signals a module manifest shows, in words ("its path is under infra/");
// `with_category` adds the category signal. Shared by KSA011 and KSA010's hint.
std::vector<std::string> anti_drift_signals(const RuleContext& context, bool with_category);

// True when the module's `category` is engine or infra-tooling: such a module must declare
// where it stands (KSA010). Shared by KSA010 and KSA011, which defers to it.
bool is_obligated_category(const manifest::Document& document);

// True when the module declares where it stands: a [self_hosted] block (in the file or a
// fragment) or [no_external_alternative].
bool declares_self_hosting(const RuleContext& context);

} // namespace ksa::rules
