#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <unistd.h>

#include "audit/engine.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "registry/registry.h"
#include "support/line_diff.h"
#include "source/worktree_source.h"
#include "support/text.h"

namespace fs = std::filesystem;

namespace ksa::cli {
namespace {

int cannot_run(const std::string& message) {
    fmt::print(stderr, "koder-spec-audit: error: {}\n", text::escape_for_terminal(message));
    return exit_cannot_run;
}

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

// Writes `content` to `path`. A regular file (or a new one) is replaced atomically; a symlink
// is never written through. An explicit --output naming a device or a FIFO (/dev/null) is
// written into, never replaced (use `--output -` for stdout).
std::optional<Failure> write_file(const fs::path& path, const std::string& content, bool explicit_output) {
    std::error_code error;
    const fs::file_status link_status = fs::symlink_status(path, error);
    const fs::file_status status = fs::status(path, error);
    if (status.type() == fs::file_type::directory) return Failure{fmt::format("{} is a directory: not written", path.string())};
    const bool exists = link_status.type() != fs::file_type::not_found;
    if (link_status.type() == fs::file_type::symlink)
        return Failure{fmt::format("{} is a symbolic link: not written", path.string())};
    if (exists && (link_status.type() != fs::file_type::regular)) {
        if (!explicit_output)
            return Failure{fmt::format("{} is {}: not written", path.string(),
                                       link_status.type() == fs::file_type::symlink ? "a symbolic link"
                                                                                    : "not a regular file")};
        std::ofstream out(path, std::ios::binary);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        if (!out.good()) return Failure{fmt::format("cannot write {}", path.string())};
        return std::nullopt;
    }
    if (!path.parent_path().empty()) {
        fs::create_directories(path.parent_path(), error);
        if (error) return Failure{fmt::format("cannot create {}: {}", path.parent_path().string(), error.message())};
    }
    const fs::path temporary = path.string() + fmt::format(".tmp-{}", ::getpid());
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        if (!out.good()) return Failure{fmt::format("cannot write {}", temporary.string())};
    }
    fs::rename(temporary, path, error);
    if (error) {
        fs::remove(temporary, error);
        return Failure{fmt::format("cannot replace {}", path.string())};
    }
    return std::nullopt;
}

} // namespace

int report_command(const CommonOptions& options, const std::string& output, bool check) {
    auto opened = open_source(options);
    if (!opened) return cannot_run(opened.failure().message);
    TreeSource& source = *opened->source;
    auto config = audit::load_config(source, overrides_from(options));
    if (!config) return cannot_run(config.failure().message);
    auto built = registry::build_registry(source, *config);
    if (!built) return cannot_run(built.failure().message);
    if (!built->problems.empty()) {
        const report::ReportInput input{source.description(), config->phase, built->manifests_read, built->problems};
        OutputOptions text_output = options.output;
        text_output.format = report::Format::text;
        emit_report(text_output, input, stderr);
    }
    if (has_errors(built->problems)) {
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
        if (diff) std::fputs(text::escape_lines_for_terminal(*diff).c_str(), stdout);
        else fmt::print("(the files are too large to show a line diff)\n");
        fmt::print("koder-spec-audit: {} differs from what the manifests generate; fix it with:\n"
                   "  koder-spec-audit self-hosted --report && git add {}\n",
                   text::escape_for_terminal(path), text::escape_for_terminal(path));
        return exit_violations;
    }

    const std::string content = options.output.format == report::Format::json
                                    ? registry::render_json(built->registry, path)
                                    : markdown;
    // Default destination: the registry file of the working tree; stdout for other sources.
    std::string destination = output;
    if (destination.empty()) destination = opened->worktree_root.empty() ? "-" : "";
    if (destination == "-" || (destination.empty() && options.output.format == report::Format::json)) {
        std::fwrite(content.data(), 1, content.size(), stdout);
        return exit_clean;
    }
    const fs::path target = destination.empty() ? fs::path(opened->worktree_root) / path : fs::path(destination);
    // The default destination stays inside the repository: no folder on the way may be a symlink.
    if (destination.empty() && path_crosses_symlink(fs::path(opened->worktree_root), path))
        return cannot_run(fmt::format("a folder on the way to {} is a symbolic link: not written", path));
    if (auto problem = write_file(target, content, !destination.empty())) return cannot_run(problem->message);
    fmt::print(stderr, "koder-spec-audit: wrote {} ({} pairs, {} skipped)\n", text::escape_for_terminal(target.string()),
               built->registry.pairs.size(), built->registry.skipped.size());
    return exit_clean;
}

} // namespace ksa::cli
