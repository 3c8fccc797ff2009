#include "receive/push_audit.h"

#include <set>

#include <fmt/format.h>

#include "audit/engine.h"
#include "registry/check.h"

namespace ksa::receive {
namespace {

class PushAuditor {
public:
    PushAuditor(git::Repository& repository, const ServerConfig& config, Clock::time_point started)
        : repository_(repository), config_(config), started_(started) {}

    std::optional<Failure> audit_update(const RefUpdate& update) {
        if (update.is_deletion()) {
            result.notes.push_back(fmt::format("{}: deleted, nothing to check", update.ref));
            return std::nullopt;
        }
        ++result.refs_updated;
        auto peeled = repository_.peel(update.new_id);
        if (!peeled) return peeled.failure();
        const auto& [kind, id] = *peeled;
        switch (kind) {
            case git::ObjectKind::missing:
                return Failure{fmt::format("{}: pushed object {} cannot be read", update.ref, update.new_id)};
            case git::ObjectKind::blob:
                result.notes.push_back(fmt::format("{}: points at a blob, no manifest to check", update.ref));
                return std::nullopt;
            case git::ObjectKind::tree:
                return audit_tree(update.ref, id);
            case git::ObjectKind::commit:
                return audit_commits(update.ref, id);
        }
        return std::nullopt;
    }

    PushAudit result;

private:
    bool over_budget() {
        if (config_.time_budget_seconds <= 0) return false;
        const std::chrono::duration<double> elapsed = Clock::now() - started_;
        if (elapsed.count() <= config_.time_budget_seconds) return false;
        result.overrun = fmt::format("the audit ran out of its time budget of {} s (koder-audit.timeBudget) after {} "
                                     "commits",
                                     config_.time_budget_seconds, result.commits_checked);
        return true;
    }

    // A tag may name a tree: every manifest in it is checked.
    std::optional<Failure> audit_tree(const std::string& ref, const std::string& tree_id) {
        auto source = repository_.revision_source(tree_id);
        if (!source) return source.failure();
        auto candidates = (*source)->list_manifests("");
        if (!candidates) return candidates.failure();
        audit_source(**source, *candidates, fmt::format("{} (tree {})", ref, tree_id.substr(0, 10)));
        return std::nullopt;
    }

    std::optional<Failure> audit_commits(const std::string& ref, const std::string& tip) {
        const std::size_t remaining = config_.max_commits > checked_.size() ? config_.max_commits - checked_.size() : 0;
        auto commits = repository_.new_commits({tip}, remaining, walked_tips_);
        walked_tips_.push_back(tip);
        if (!commits) return commits.failure();
        if (commits->size() > remaining) {
            result.overrun = fmt::format("the push brings more than {} new commits (koder-audit.maxCommits)",
                                         config_.max_commits);
            return std::nullopt;
        }
        for (const std::string& id : *commits) {
            if (!checked_.insert(id).second) continue;  // already checked for another ref
            if (over_budget()) return std::nullopt;
            ++result.commits_checked;
            auto changes = repository_.commit_manifest_changes(id, watched());
            if (!changes) return changes.failure();
            if (changes->from_first_parent.empty()) continue;  // nothing the audit governs: nothing read
            auto source = repository_.revision_source(id);
            if (!source) return source.failure();
            auto summary = repository_.commit_summary(id);
            if (!summary) return summary.failure();
            const std::string context = fmt::format("{}, commit {} \"{}\"", ref, summary->short_id, summary->subject);
            std::vector<ChangedPath> to_audit = changes->new_content;  // plus a changed precedent list
            for (const ChangedPath& changed : changes->from_first_parent)
                if (audit::is_precedent_path(config_.audit, changed.path)) to_audit.push_back(changed);
            auto audited = audit::audit_change(**source, to_audit, config_.audit);
            if (!audited) return audited.failure();
            add_run(audited->run, context);
            if (auto problem = check_registry(**source, *changes, context)) return problem;
        }
        return std::nullopt;
    }

    // KSA012/KSA013 against the first parent's registry (the whole tree for a root commit).
    std::optional<Failure> check_registry(TreeSource& tree, const git::Repository::CommitChanges& changes,
                                          const std::string& context) {
        registry::RegistryChange change{tree, {}, false, std::nullopt};
        for (const ChangedPath& changed : changes.from_first_parent) {
            if (changed.path == config_.audit.registry_path) change.registry_changed = true;
            else if (!audit::is_precedent_path(config_.audit, changed.path)) change.manifest_changes.push_back(changed);
        }
        Expected<std::unique_ptr<TreeSource>> parent{std::unique_ptr<TreeSource>()};
        if (!changes.first_parent.empty()) {
            parent = repository_.revision_source(changes.first_parent);
            if (!parent) return parent.failure();
            change.parent_tree = parent->get();
            auto entry = (*parent)->stat(config_.audit.registry_path);
            if (!entry) return entry.failure();
            if (entry->kind == EntryKind::file && entry->size <= registry::max_registry_bytes) {
                auto text = (*parent)->read(config_.audit.registry_path);
                if (!text) return text.failure();
                change.parent_registry = std::move(*text);
            }
        }
        auto findings = registry::check_registry(change, config_.audit);
        if (!findings) return findings.failure();
        for (Diagnostic& diagnostic : *findings) {
            diagnostic.context = context;
            result.diagnostics.push_back(std::move(diagnostic));
        }
        return std::nullopt;
    }

    // The registry and the precedent lists are compared like manifests.
    [[nodiscard]] std::vector<std::string> watched() const {
        std::vector<std::string> paths = audit::precedent_paths(config_.audit);
        paths.push_back(config_.audit.registry_path);
        return paths;
    }

    void audit_source(TreeSource& source, const std::vector<Candidate>& candidates, const std::string& context) {
        audit::AuditRun run = audit::audit_candidates(source, candidates, config_.audit);
        add_run(run, context);
    }

    void add_run(audit::AuditRun& run, const std::string& context) {
        result.manifests_checked += run.files_checked;
        for (Diagnostic& diagnostic : run.diagnostics) {
            diagnostic.context = context;
            result.diagnostics.push_back(std::move(diagnostic));
        }
    }

    git::Repository& repository_;
    const ServerConfig& config_;
    Clock::time_point started_;
    std::set<std::string> checked_;
    std::vector<std::string> walked_tips_;
};

} // namespace

Expected<PushAudit> audit_push(git::Repository& repository, const std::vector<RefUpdate>& updates,
                               const ServerConfig& config, Clock::time_point started) {
    PushAuditor auditor(repository, config, started);
    for (const RefUpdate& update : updates) {
        if (auto problem = auditor.audit_update(update)) return *problem;
        if (!auditor.result.overrun.empty()) break;
    }
    return std::move(auditor.result);
}

} // namespace ksa::receive
