// The command line: parses arguments, dispatches to a command, maps outcomes to exit codes.
#pragma once

namespace ksa::cli {

// Exit codes git and CI read: 0 clean (warnings allowed), 1 violations, 2 could not run.
enum ExitCode : int { exit_clean = 0, exit_violations = 1, exit_cannot_run = 2 };

int run(int argc, char** argv);

} // namespace ksa::cli
