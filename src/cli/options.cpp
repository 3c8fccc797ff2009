#include "cli/options.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include <fmt/format.h>

#include "audit/engine.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "git/repository.h"
#include "source/worktree_source.h"
#include "support/text.h"

namespace fs = std::filesystem;

namespace ksa::cli {
std::string relative_prefix(const fs::path& root) {
    std::error_code error;
    const fs::path cwd = fs::weakly_canonical(fs::current_path(error), error);
    const fs::path base = fs::weakly_canonical(root, error);
    const fs::path relative = cwd.lexically_relative(base);
    if (relative.empty() || relative == "." || relative.begin()->string() == "..") return {};
    return relative.generic_string();
}

Expected<OpenedSource> open_source(const CommonOptions& options) {
    OpenedSource opened;
    auto repository = git::Repository::open_from_environment();
    const bool needs_git = options.source.cached || !options.source.revision.empty();
    if (!repository) {
        if (needs_git) return repository.failure();
        // Outside any repository the working tree is simply the current folder.
        opened.source = std::make_unique<WorktreeSource>(fs::current_path());
        opened.worktree_root = fs::current_path().string();
        opened.root = opened.worktree_root;
        return opened;
    }
    const std::string workdir = repository->workdir();
    if (!options.source.revision.empty()) {
        auto source = repository->revision_source(options.source.revision);
        if (!source) return source.failure();
        opened.source = std::move(*source);
    } else if (options.source.cached) {
        auto source = repository->index_source();
        if (!source) return source.failure();
        opened.source = std::move(*source);
    } else {
        if (workdir.empty()) return Failure{"a bare repository has no working tree: use --rev REV"};
        auto shared = std::make_shared<git::Repository>(std::move(*repository));
        opened.source =
            std::make_unique<WorktreeSource>(fs::path(workdir), [shared](const std::string& path, bool is_folder) {
                return shared->is_ignored(path, is_folder);
            });
        opened.worktree_root = workdir;
    }
    if (!workdir.empty()) opened.prefix = relative_prefix(workdir);
    opened.root = workdir;
    return opened;
}

namespace {

// `path` relative to `root` when it lies inside it ("" for the root itself).
std::optional<std::string> inside(const fs::path& path, const fs::path& root) {
    const fs::path relative = path.lexically_relative(root);
    if (relative.empty() || *relative.begin() == "..") return std::nullopt;
    std::string normal = relative.generic_string();
    return normal == "." ? std::string() : normal;
}

Expected<std::string> absolute_repository_path(const std::string& root, const std::string& user_path) {
    if (root.empty())
        return Failure{fmt::format("'{}' is absolute, and a bare repository has no working tree: give the path "
                                   "inside the repository",
                                   user_path)};
    const fs::path path = fs::path(user_path).lexically_normal();
    std::string trimmed = root;
    while (trimmed.size() > 1 && trimmed.back() == '/')
        trimmed.pop_back();
    const fs::path base = fs::path(trimmed).lexically_normal();
    if (auto found = inside(path, base)) return *found;
    // Through symlinked folders ($PWD of a shell that entered a symlink): compare real folders.
    // The last component is kept as written, so a symlink named like a manifest stays one.
    std::error_code error;
    const fs::path real_base = fs::weakly_canonical(base, error);
    fs::path parent = path.parent_path();
    const fs::path name = path.filename();
    fs::path real = fs::weakly_canonical(parent, error);
    if (!error) {
        if (!name.empty()) real /= name;
        if (auto found = inside(real.lexically_normal(), real_base)) return *found;
    }
    return Failure{fmt::format("'{}' is outside the repository ({})", user_path, root)};
}

} // namespace

Expected<std::string> to_repository_path(const std::string& root, const std::string& prefix,
                                         const std::string& user_path) {
    if (!user_path.empty() && user_path.front() == '/') {
        auto found = absolute_repository_path(root, user_path);
        if (!found) return found;
        std::string normal = *found;
        while (!normal.empty() && normal.back() == '/')
            normal.pop_back();
        return normal;
    }
    const fs::path joined = (fs::path(prefix) / fs::path(user_path)).lexically_normal();
    std::string normal = joined.generic_string();
    if (normal == ".") normal.clear();
    while (!normal.empty() && normal.back() == '/')
        normal.pop_back();
    if (normal == ".." || normal.starts_with("../"))
        return Failure{fmt::format("'{}' is outside the repository", user_path)};
    return normal;
}

// The candidates the user asked for, each target contributing at least one or failing.
Expected<std::vector<Candidate>> select_candidates(const OpenedSource& opened, Selection selection,
                                                   const std::vector<std::string>& targets) {
    TreeSource& source = *opened.source;
    const std::string& prefix = opened.prefix;
    if (targets.empty()) return source.list_manifests(prefix.empty() ? "" : prefix);
    std::vector<Candidate> selected;
    for (const std::string& target : targets) {
        auto path = to_repository_path(opened.root, prefix, target);
        if (!path) return path.failure();
        auto found =
            selection == Selection::modules ? audit::module_candidates(source, *path) : source.list_manifests(*path);
        if (!found) return found.failure();
        if (found->empty()) {
            const std::string what = selection == Selection::modules ? "no module (koder.toml or fragment)"
                                                                     : "no koder.toml or self-hosted fragment";
            return Failure{fmt::format("{} at '{}' in the {}", what, target, source.description())};
        }
        for (Candidate& candidate : *found)
            selected.push_back(std::move(candidate));
    }
    std::sort(selected.begin(), selected.end(), [](const Candidate& a, const Candidate& b) { return a.path < b.path; });
    selected.erase(std::unique(selected.begin(), selected.end(),
                               [](const Candidate& a, const Candidate& b) { return a.path == b.path; }),
                   selected.end());
    return selected;
}

bool use_color(ColorWhen when, std::FILE* stream) {
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color != nullptr && *no_color != '\0') return false;
    if (when == ColorWhen::never) return false;
    if (when == ColorWhen::always) return true;
    return isatty(fileno(stream)) != 0;
}

int emit_report(const OutputOptions& output, const report::ReportInput& input, std::FILE* stream) {
    const std::string rendered = report::render(output.format, input, {use_color(output.color, stream)});
    std::fwrite(rendered.data(), 1, rendered.size(), stream);
    std::fflush(stream);
    return has_errors(input.diagnostics) ? exit_violations : exit_clean;
}

Expected<std::string> read_ref_lines() {
    constexpr std::size_t max_input_bytes = 16 * 1024 * 1024;
    std::string input;
    char buffer[65536];
    for (;;) {
        const std::size_t got = std::fread(buffer, 1, sizeof buffer, stdin);
        input.append(buffer, got);
        if (input.size() > max_input_bytes) return Failure{"more than 16 MiB of ref updates on stdin"};
        if (got < sizeof buffer) break;
    }
    if (std::ferror(stdin)) return Failure{"cannot read the ref updates from stdin"};
    return input;
}

int cannot_run(const std::string& message) {
    fmt::print(stderr, "koder-spec-audit: error: {}\n", text::escape_for_terminal(message));
    return exit_cannot_run;
}

} // namespace ksa::cli
