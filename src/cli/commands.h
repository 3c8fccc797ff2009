// One function per command; each returns the process exit code.
#pragma once

#include <string>
#include <vector>

#include "cli/options.h"

namespace ksa::cli {

enum class Selection { modules, paths };

// `self-hosted --validate [MODULE...]` (Selection::modules) and
// `koder-toml --validate [PATH...]` (Selection::paths).
int validate_command(const CommonOptions& options, Selection selection, const std::vector<std::string>& targets);

// `self-hosted --report [--output PATH|-] [--check]`: generate (or check) the registry.
int report_command(const CommonOptions& options, const std::string& output, bool check);

struct HistoryOptions {
    std::string since;  // --since DATE
    std::string until;  // --until DATE
    bool no_cache = false;
    unsigned jobs = 0;  // --jobs N; 0: one per core (at most 8)
};

// `self-hosted --history [MODULE...]`: the G3 stability verdicts mined from git history.
int history_command(const CommonOptions& options, const HistoryOptions& history_options,
                    const std::vector<std::string>& modules);

// `hook pre-commit`: the staged manifests that differ from HEAD, read from the index.
int pre_commit_command(const CommonOptions& options);

// `hook pre-receive`: every commit a push makes new, read from git's quarantine. Server
// configuration only; `format_given` is true when --format was on the command line.
int pre_receive_command(const CommonOptions& options, bool format_given);

// `rules`: the catalogue of rule codes.
int rules_command(const CommonOptions& options);

} // namespace ksa::cli
