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

// `hook pre-commit`: the staged manifests that differ from HEAD, read from the index.
int pre_commit_command(const CommonOptions& options);

// `rules`: the catalogue of rule codes.
int rules_command(const CommonOptions& options);

} // namespace ksa::cli
