// The whole command line as CLI11 objects: every command, option and help text. The dispatcher
// (app.cpp) parses with it; the manual page (man_page_command.cpp) is written from it, so the
// page and --help say the same.
#pragma once

#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/modes.h"

namespace ksa::cli {

// A command that runs modes of the mode table: its CLI11 object and its name there.
struct NamedCommand {
    CLI::App* app = nullptr;
    std::string_view name; // "self-hosted", "hook pre-push"
};

// Declares every command and option on `app`, storing what is parsed into `line` (which must
// outlive `app`); returns the commands, in the order of --help.
std::vector<NamedCommand> define_command_line(CLI::App& app, CommandLine& line);

} // namespace ksa::cli
