// One function per command; each returns the process exit code.
#pragma once

#include <string>
#include <vector>

#include "cli/options.h"
#include "report/manual_page.h"

namespace ksa::cli {

enum class Selection { modules, paths };

// `self-hosted --validate [MODULE...]` (Selection::modules) and
// `koder-toml --validate [PATH...]` (Selection::paths).
int validate_command(const CommonOptions& options, Selection selection, const std::vector<std::string>& targets);

// `self-hosted --report [--output PATH|-] [--check]`: generate (or check) the registry.
int report_command(const CommonOptions& options, const std::string& output, bool check);

struct HistoryOptions {
    std::string since; // --since DATE
    std::string until; // --until DATE
    bool no_cache = false;
    unsigned jobs = 0; // --jobs N; 0: one per core (at most 8)
};

// `self-hosted --history [MODULE...]`: the G3 stability verdicts mined from git history.
int history_command(const CommonOptions& options, const HistoryOptions& history_options,
                    const std::vector<std::string>& modules);

struct GateCheckOptions {
    bool online = false;        // probe production hosts (never in a hook)
    double timeout_seconds = 3; // per host and scheme
};

// `self-hosted --gate-check [MODULE...]`: is every claim of gates_passed backed?
int gate_check_command(const CommonOptions& options, const std::vector<std::string>& modules,
                       const GateCheckOptions& gate_check);

// `self-hosted --decide "CASE" [--replaces NAME]`: RFC-002 §3.5 question 2 from the registry data.
int decide_command(const CommonOptions& options, const std::string& case_of_use, const std::string& replaces);

// The candidates the user asked for: each target (a module folder, or a path) contributes at
// least one manifest or fails; no target is every manifest below the current folder.
Expected<std::vector<Candidate>> select_candidates(const OpenedSource& opened, Selection selection,
                                                   const std::vector<std::string>& targets);

// `hook pre-commit`: the staged manifests that differ from HEAD, read from the index.
int pre_commit_command(const CommonOptions& options);

// `hook pre-receive`: every commit a push makes new, read from git's quarantine. Server
// configuration only (koder-audit.format unless --format was given).
int pre_receive_command(const CommonOptions& options);

struct PrePushOptions {
    std::string remote;     // git's first argument: the remote's name, or its URL when the push names none
    std::string url;        // git's second argument (unused: the remote-tracking refs are the remote's name's)
    std::string from_ref;   // --from-ref: what the remote has (the pre-commit framework's PRE_COMMIT_FROM_REF)
    std::string to_ref;     // --to-ref: what is pushed (PRE_COMMIT_TO_REF)
    std::string remote_ref; // --remote-ref: the ref pushed to (PRE_COMMIT_REMOTE_BRANCH)
};

// `hook pre-push`: every commit a push would send that the remote does not have (as known
// here), judged as the pre-receive hook would, before anything is sent. Reads git's
// "<local ref> <local id> <remote ref> <remote id>" lines, or one range from the options (or
// from the pre-commit framework's variables). The configuration is the repository's file, read
// from the index as the pre-commit hook reads it.
int pre_push_command(const CommonOptions& options, const PrePushOptions& push);

// `schema [--fragment]`: the JSON Schema of koder.toml (or of a fragment) on stdout, as strict
// as the configured phase makes the rules.
int schema_command(const CommonOptions& options, bool fragment);

// `man-page`: the manual page koder-spec-audit(1) (man_page_command.cpp).
int man_page_command(const CommonOptions& options);

// The manual page's content: the --help texts of every command and option, and the tables.
report::ManualPage manual_page();

// `rules`: the catalogue of rule codes.
int rules_command(const CommonOptions& options);

// `config --show [--server]`: every setting, its effective value and where it came from; the
// file's settings (read from the chosen tree) or, with --server, the pre-receive hook's.
int config_command(const CommonOptions& options, bool server);

} // namespace ksa::cli
