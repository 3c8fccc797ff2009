#include <fmt/format.h>

#include "audit/engine.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "git/repository.h"
#include "registry/check.h"
#include "registry/registry.h"
#include "support/text.h"

namespace ksa::cli {
namespace {

int hook_cannot_run(const std::string& message) {
    fmt::print(stderr, "koder-spec-audit pre-commit: error: {}\n", text::escape_for_terminal(message));
    return exit_cannot_run;
}

// --fix: write the registry the manifests generate and stage it, as `--report && git add` would.
std::optional<Failure> regenerate_and_stage(git::Repository& repository, TreeSource& index, const AuditConfig& config) {
    auto built = registry::build_registry(index, config);
    if (!built) return built.failure();
    if (has_errors(built->problems))
        return Failure{"the manifests have errors: fix them before --fix can regenerate the registry"};
    const std::string content = registry::render_markdown(built->registry);
    if (auto problem = repository.write_and_stage(config.registry_path, content)) return problem;
    fmt::print(stderr, "koder-spec-audit: regenerated and staged {}\n",
               text::escape_for_terminal(config.registry_path));
    return std::nullopt;
}

} // namespace

int pre_commit_command(const CommonOptions& options) {
    auto repository = git::Repository::open_from_environment();
    if (!repository) return hook_cannot_run(repository.failure().message);
    // Watched besides the manifests: the registry and the anti-drift precedent lists.
    const AuditConfig defaults;
    std::vector<std::string> default_watch = audit::precedent_paths(defaults);
    default_watch.push_back(std::string(default_registry_path));
    auto staged = repository->staged_manifest_changes(default_watch);
    if (!staged) return hook_cannot_run(staged.failure().message);
    if (staged->changes.empty()) {
        // Nothing governed is staged, unless a configured path changed: look only when the
        // index holds a configuration file (otherwise no blob is read at all).
        auto config_entry = staged->index->stat(std::string(config_file_name));
        if (!config_entry || config_entry->kind != EntryKind::file) return exit_clean;
    }
    auto config = audit::load_config(*staged->index, options.settings);
    if (!config) return hook_cannot_run(config.failure().message);
    std::vector<std::string> watch = audit::precedent_paths(*config);
    watch.push_back(config->registry_path);
    if (watch != default_watch) { // configured paths: watch those
        staged = repository->staged_manifest_changes(watch);
        if (!staged) return hook_cannot_run(staged.failure().message);
    }
    if (staged->changes.empty()) return exit_clean;
    TreeSource& source = *staged->index;

    auto audited = audit::audit_change(source, staged->changes, *config);
    if (!audited) return hook_cannot_run(audited.failure().message);
    audit::AuditRun& run = audited->run;
    registry::RegistryChange change{source, audited->manifest_changes, false, std::nullopt};
    for (const ChangedPath& changed : staged->changes)
        if (changed.path == config->registry_path) change.registry_changed = true;

    auto head = repository->revision_source("HEAD");
    if (head) {
        change.parent_tree = head->get();
        auto entry = (*head)->stat(config->registry_path);
        if (entry && entry->kind == EntryKind::file && entry->size <= registry::max_registry_bytes) {
            auto text = (*head)->read(config->registry_path);
            if (!text) return hook_cannot_run(text.failure().message);
            change.parent_registry = std::move(*text);
        }
    }
    auto findings = registry::check_registry(change, *config);
    if (!findings) return hook_cannot_run(findings.failure().message);
    // --fix regenerates only a commit that is otherwise acceptable: errors are reported as usual.
    if (options.fix && !findings->empty() && !has_errors(run.diagnostics)) {
        if (auto problem = regenerate_and_stage(*repository, source, *config)) return hook_cannot_run(problem->message);
        findings->clear();
    }
    const bool registry_findings = !findings->empty();
    for (Diagnostic& finding : *findings)
        run.diagnostics.push_back(std::move(finding));

    report::ReportInput input{"staged changes", config->phase, run.files_checked, run.diagnostics};
    // The summary names the registry when the commit changes it or it has a finding.
    if (change.registry_changed || registry_findings) input.registry_checked = config->registry_path;
    const int code = emit_report(options.output, input, stderr);
    if (code == exit_violations && options.output.format == report::Format::text)
        fmt::print(stderr, "koder-spec-audit: commit rejected; {} (or bypass with `git commit --no-verify`)\n",
                   text::escape_for_terminal(registry::commit_fix_advice(run.diagnostics, config->registry_path)));
    return code;
}

} // namespace ksa::cli
