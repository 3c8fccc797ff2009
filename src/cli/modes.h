// The command modes as one table, like ninja's tool table: each mode's command and flag, what
// it needs, what it writes (and so which --format values it takes) and the function that runs
// it. The dispatcher (app.cpp) finds the mode the command line names and checks it against the
// table; nothing else in cli/ decides which options go together.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "report/renderers.h"

namespace ksa::cli {

// Everything the command line gave, parsed.
struct CommandLine {
    CommonOptions common;
    std::vector<std::string> targets;                  // MODULE... or PATH...
    std::string format;                                // --format as given ("": the mode's default)
    std::map<std::string, std::string> setting_values; // --phase 5, ...: by option (config/settings.h)
    std::string report_output;                         // --report --output
    HistoryOptions history;                            // --history's options
    PrePushOptions pre_push;                           // hook pre-push's arguments and options
    GateCheckOptions gate_check;                       // --gate-check's options
    std::string decide_case;                           // --decide CASE
    std::string decide_replaces;                       // --replaces NAME
};

enum Need : unsigned {
    needs_nothing = 0,
    takes_targets = 1U << 0, // MODULE or PATH arguments
    reads_tree = 1U << 1,    // a tree: the working tree, the index (--cached) or a revision (--rev)
    reads_commits = 1U << 2, // a revision's history (--rev; --cached does not apply)
};

struct Mode {
    std::string_view command{}; // "self-hosted", "hook pre-commit"
    std::string_view flag{};    // "--validate"; "" when the command has a single mode
    std::string_view variant{}; // an option that makes another mode of the same flag ("--check")
    std::string_view summary{}; // its --help line
    unsigned needs = needs_nothing;
    std::string_view no_targets{}; // without takes_targets: why arguments are refused
    std::string_view reads{};      // without reads_tree: what it reads instead, for "--cached does not apply"
    report::Output output =
        report::Output::diagnostics; // what it writes: formats_of(output) are the --format values it takes
    int (*run)(const CommandLine&) = nullptr;
};

// An option that works only together with another (a mode's flag, or another option).
struct ModeOption {
    std::string_view command{};
    std::string_view option{};
    std::string_view needs{};
};

std::span<const Mode> all_modes();
std::span<const ModeOption> mode_options();

// The formats each mode writes, as the table of docs/manual.md (a unit test compares them).
std::string formats_table_markdown();

// "self-hosted --report --check", "hook pre-commit".
std::string mode_name(const Mode& mode);

// The --help line of `command`'s mode `flag` (with `variant`: of that variant).
std::string mode_summary(std::string_view command, std::string_view flag, std::string_view variant = "");

} // namespace ksa::cli
