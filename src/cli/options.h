// Options shared by the commands, and the helpers that turn them into sources and output.
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/audit_config.h"
#include "config/settings.h"
#include "report/renderers.h"
#include "source/tree_source.h"
#include "support/expected.h"

namespace ksa::cli {

enum class ColorWhen { automatic, always, never };

struct OutputOptions {
    report::Format format = report::Format::text; // one its mode can write (cli/modes.h)
    bool format_given = false;                    // --format was on the command line
    ColorWhen color = ColorWhen::automatic;
    bool quiet = false; // -q: no progress display on a terminal
};

struct SourceOptions {
    bool cached = false;
    std::string revision; // empty: the working tree (or the index when `cached`)
};

struct CommonOptions {
    std::string directory = "."; // -C
    OutputOptions output;
    SourceOptions source;
    SettingOverrides settings; // --phase 5, --max-manifest-bytes N, ... (config/settings.h)
    bool fix = false;          // hook pre-commit --fix: regenerate and stage the registry
};

// A source to read from plus how to turn user-given paths into repository paths.
struct OpenedSource {
    std::unique_ptr<TreeSource> source;
    std::string prefix;        // the current folder relative to the root ("" at the root)
    std::string worktree_root; // set when the source is the working tree
    std::string root;          // the work tree's folder, for absolute paths ("" in a bare repository)
};

Expected<OpenedSource> open_source(const CommonOptions& options);

// The current folder relative to the work tree `root` ("" at the root or outside it).
std::string relative_prefix(const std::filesystem::path& root);

// Turns a user path into a repository path: a relative one is taken from the current folder
// (`prefix`), an absolute one must lie inside `root` (the work tree; symlinks in the folders
// leading to it are resolved, so a path through a symlinked folder names the same place).
// Fails for paths that leave the repository, and for absolute paths when `root` is "".
Expected<std::string> to_repository_path(const std::string& root, const std::string& prefix,
                                         const std::string& user_path);

// A hook's stdin: the ref lines git writes (at most 16 MiB).
Expected<std::string> read_ref_lines();

// Prints "koder-spec-audit: error: MESSAGE" (escaped) and returns exit_cannot_run.
int cannot_run(const std::string& message);

// Colour only on a terminal and never when NO_COLOR is set.
bool use_color(ColorWhen when, std::FILE* stream);

// Writes the report to `stream` and returns the exit code its diagnostics call for.
int emit_report(const OutputOptions& output, const report::ReportInput& input, std::FILE* stream);

} // namespace ksa::cli
