#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "audit/engine.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "registry/registry.h"
#include "source/file_writer.h"
#include "support/line_diff.h"
#include "support/progress.h"
#include "support/text.h"

namespace fs = std::filesystem;

namespace ksa::cli {
namespace {

// The committed registry's text from the source: "" when absent; a failure when the path is
// not a regular file (a directory, a symlink, a submodule).
Expected<std::string> committed_registry(TreeSource& source, const std::string& path) {
    auto entry = source.stat(path);
    if (!entry) return entry.failure();
    if (entry->kind == EntryKind::missing) return std::string();
    if (entry->kind != EntryKind::file)
        return Failure{fmt::format("the registry path {} is {}, expected a regular file", path, describe(entry->kind))};
    return source.read(path);
}

} // namespace

int report_command(const CommonOptions& options, const std::string& output, bool check) {
    if (check && !output.empty())
        return cannot_run("--check compares the committed registry and writes nothing: give --output without "
                          "--check to write the registry elsewhere");
    auto opened = open_source(options);
    if (!opened) return cannot_run(opened.failure().message);
    TreeSource& source = *opened->source;
    auto config = audit::load_config(source, overrides_from(options));
    if (!config) return cannot_run(config.failure().message);
    // Validated as --validate would: a manifest the validator rejects never reaches the registry.
    Progress progress(stderr, !options.output.quiet && Progress::stderr_is_terminal());
    auto built = registry::build_validated_registry(source, *config, &progress);
    progress.finish();
    if (!built) return cannot_run(built.failure().message);
    if (has_errors(built->problems)) {
        // The errors stop it; warnings do not (--validate shows them), so only errors are listed.
        Diagnostics errors;
        for (const Diagnostic& problem : built->problems)
            if (problem.severity == Severity::error) errors.push_back(problem);
        const report::ReportInput input{source.description(), config->phase, built->manifests_read, errors};
        OutputOptions text_output = options.output;
        text_output.format = report::Format::text;
        emit_report(text_output, input, stderr);
        fmt::print(stderr, "koder-spec-audit: registry not generated: fix the manifests above first\n");
        return exit_violations;
    }
    const std::string markdown = registry::render_markdown(built->registry);
    const std::string& path = config->registry_path;

    if (check) {
        auto committed = committed_registry(source, path);
        if (!committed) return cannot_run(committed.failure().message);
        if (*committed == markdown) {
            fmt::print("koder-spec-audit: {} is up to date ({} pairs)\n", text::escape_for_terminal(path),
                       built->registry.pairs.size());
            return exit_clean;
        }
        const auto diff = text::unified_diff(*committed, markdown, "a/" + path, "b/" + path);
        if (diff)
            std::fputs(text::escape_lines_for_terminal(*diff).c_str(), stdout);
        else
            fmt::print("(the files are too large to show a line diff)\n");
        fmt::print("koder-spec-audit: {} differs from what the manifests generate; fix it with:\n"
                   "  koder-spec-audit self-hosted --report && git add {}\n",
                   text::escape_for_terminal(path), text::escape_for_terminal(path));
        return exit_violations;
    }

    const std::string content =
        options.output.format == report::Format::json ? registry::render_json(built->registry, path) : markdown;
    // Default destination: the registry file of the working tree; stdout for other sources
    // (and for JSON). An explicit --output may also name a device such as /dev/null.
    const bool json = options.output.format == report::Format::json;
    if (output == "-" || (output.empty() && (opened->worktree_root.empty() || json))) {
        std::fwrite(content.data(), 1, content.size(), stdout);
        return exit_clean;
    }
    const fs::path target = output.empty() ? fs::path(opened->worktree_root) / path : fs::path(output);
    auto problem =
        output.empty() ? write_file_in_tree(opened->worktree_root, path, content) : write_file(target, content, true);
    if (problem) return cannot_run(problem->message);
    fmt::print(stderr, "koder-spec-audit: wrote {} ({} pairs, {} skipped)\n",
               text::escape_for_terminal(target.string()), built->registry.pairs.size(),
               built->registry.skipped.size());
    return exit_clean;
}

} // namespace ksa::cli
