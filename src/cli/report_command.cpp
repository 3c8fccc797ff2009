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
    auto config = audit::load_config(source, options.settings);
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
    const std::string& path = config->registry_path;

    if (check) {
        auto committed = committed_registry(source, path);
        if (!committed) return cannot_run(committed.failure().message);
        const report::RegistryComparison comparison{
            path, std::move(*committed), registry::render_markdown(built->registry), built->registry.pairs.size()};
        const std::string out = report::render(options.output.format, comparison, {});
        std::fwrite(out.data(), 1, out.size(), stdout);
        return comparison.committed == comparison.generated ? exit_clean : exit_violations;
    }

    const std::string content = report::render(options.output.format, {built->registry, path}, {});
    // Default destination: the registry file of the working tree (for the Markdown registry);
    // stdout for other sources and formats. An explicit --output may also name a device such as
    // /dev/null.
    const bool registry_file = options.output.format == report::Format::markdown;
    if (output == "-" || (output.empty() && (opened->worktree_root.empty() || !registry_file))) {
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
