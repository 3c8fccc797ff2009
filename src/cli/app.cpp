#include "cli/app.h"

#include <exception>
#include <filesystem>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/arguments.h"
#include "cli/commands.h"

#ifndef KSA_VERSION
#define KSA_VERSION "0.0.0"
#endif

namespace ksa::cli {
namespace {

// `reports`: the command also writes --history's Markdown and SVG reports.
void add_output_options(CLI::App& command, CommonOptions& options, bool reports = false) {
    std::vector<std::pair<std::string, int>> formats{{"text", static_cast<int>(report::Format::text)},
                                                     {"json", static_cast<int>(report::Format::json)},
                                                     {"sarif", static_cast<int>(report::Format::sarif)}};
    if (reports) {
        formats.emplace_back("markdown", static_cast<int>(report::Format::markdown));
        formats.emplace_back("svg", static_cast<int>(report::Format::svg));
    }
    command
        .add_option("--format", options.output.format,
                    reports ? "Output format: text, json or sarif; with --history also markdown or svg"
                            : "Output format: text, json or sarif")
        ->transform(one_of("--format", "an output format", std::move(formats),
                           reports ? "text, json, sarif, markdown or svg" : "text, json or sarif"));
    command.add_option("--color", options.output.color, "Colour: auto (on a terminal), always or never")
        ->transform(one_of("--color", "a colour setting",
                           {{"auto", static_cast<int>(ColorWhen::automatic)},
                            {"always", static_cast<int>(ColorWhen::always)},
                            {"never", static_cast<int>(ColorWhen::never)}},
                           "auto, always or never"));
}

void add_config_options(CLI::App& command, CommonOptions& options) {
    command.add_option("--phase", options.phase, "Rollout phase: 4 (advisory) or 5 (strict); overrides the file")
        ->transform(one_of("--phase", "a rollout phase", {{"4", 4}, {"5", 5}}, "4 (advisory) or 5 (strict)"));
    command
        .add_option("--max-manifest-bytes", options.max_manifest_bytes,
                    "Largest manifest read, in bytes; larger ones are reported unread")
        ->transform(whole_number("--max-manifest-bytes", 1, UINT64_MAX, "a whole number of bytes, at least 1"));
    command
        .add_option("--max-nesting-depth", options.max_nesting_depth,
                    "Deepest TOML nesting parsed (1-1024, default 64); deeper manifests are reported unparsed")
        ->transform(whole_number("--max-nesting-depth", 1, 1024, "a whole number from 1 to 1024"));
}

void add_source_options(CLI::App& command, CommonOptions& options) {
    auto* cached = command.add_flag("--cached", options.source.cached, "Read the staged content (the index)");
    command.add_option("--rev", options.source.revision, "Read the tree of a commit, tag or tree (e.g. HEAD~2)")
        ->check(described("a commit, tag or tree (HEAD, HEAD~2, v1.0)"))
        ->excludes(cached);
}

int dispatch(int argc, char** argv) {
    CLI::App app{"koder-spec-audit: keeps koder.toml self-hosting declarations honest", "koder-spec-audit"};
    app.set_version_flag("--version", std::string("koder-spec-audit ") + KSA_VERSION);
    app.require_subcommand(1);
    CommonOptions options;
    app.add_option("-C", options.directory, "Run as if started in this folder")->transform(existing_folder("-C"));

    CLI::App* self_hosted = app.add_subcommand("self-hosted", "The [self_hosted] blocks of modules");
    bool self_hosted_validate = false;
    bool self_hosted_report = false;
    bool report_check = false;
    std::string report_output;
    std::vector<std::string> modules;
    auto* validate_flag =
        self_hosted->add_flag("--validate", self_hosted_validate, "Validate the modules' manifests and fragments");
    auto* report_flag = self_hosted->add_flag("--report", self_hosted_report,
                                              "Generate the registry of self-hosted pairs from every manifest");
    report_flag->excludes(validate_flag);
    HistoryOptions history_options;
    bool self_hosted_history = false;
    auto* history_flag = self_hosted->add_flag("--history", self_hosted_history,
                                               "Mine git history for the stability gate (G3) of every component");
    history_flag->excludes(validate_flag)->excludes(report_flag);
    self_hosted->add_option("--since", history_options.since, "With --history: count from this date (YYYY-MM-DD)")
        ->check(described("a date (YYYY-MM-DD)"))
        ->needs(history_flag);
    self_hosted->add_option("--until", history_options.until, "With --history: judge as of this date (YYYY-MM-DD)")
        ->check(described("a date (YYYY-MM-DD)"))
        ->needs(history_flag);
    self_hosted->add_flag("--no-cache", history_options.no_cache, "With --history: neither read nor write the cache")
        ->needs(history_flag);
    self_hosted
        ->add_option("--jobs", history_options.jobs, "With --history: threads comparing trees (default: one per core)")
        ->transform(whole_number("--jobs", 1, 64, "a whole number from 1 to 64"))
        ->needs(history_flag);
    self_hosted->add_flag("--check", report_check, "With --report: exit 1 when the committed registry differs")
        ->needs(report_flag);
    self_hosted->add_option("--output", report_output, "With --report: where to write it (- for stdout)")
        ->check(described("a file path, or - for stdout"))
        ->needs(report_flag);
    bool gate_check = false;
    GateCheckOptions gate_check_options;
    std::string decide_case;
    std::string decide_replaces;
    auto* gate_check_flag = self_hosted->add_flag("--gate-check", gate_check,
                                                  "Check that every passed gate is backed by evidence in the tree");
    gate_check_flag->excludes(validate_flag)->excludes(report_flag)->excludes(history_flag);
    auto* online_flag = self_hosted->add_flag("--online", gate_check_options.online,
                                              "With --gate-check: probe production hosts (HTTPS, then HTTP HEAD)");
    online_flag->needs(gate_check_flag);
    self_hosted
        ->add_option("--timeout", gate_check_options.timeout_seconds,
                     "With --online: seconds per host and scheme (default 3)")
        ->transform(decimal_number("--timeout", 0.1, 60.0, "seconds from 0.1 to 60"))
        ->needs(online_flag);
    auto* decide_option = self_hosted->add_option(
        "--decide", decide_case, "RFC-002 §3.5 question 2: which Koder component, if any, for this case of use");
    decide_option->check(described("the case of use, in quotes"));
    decide_option->excludes(validate_flag)->excludes(report_flag)->excludes(gate_check_flag)->excludes(history_flag);
    self_hosted->add_option("--replaces", decide_replaces, "With --decide: the external alternative being replaced")
        ->check(described("the external tool's name"))
        ->needs(decide_option);
    self_hosted->add_option("MODULE", modules, "Module folders (default: every module)");
    self_hosted->add_flag("-q,--quiet", options.output.quiet,
                          "No progress display on a terminal (--history, --report)");
    add_source_options(*self_hosted, options);
    add_config_options(*self_hosted, options);
    add_output_options(*self_hosted, options, true);

    CLI::App* koder_toml = app.add_subcommand("koder-toml", "koder.toml files by path");
    bool koder_toml_validate = false;
    std::vector<std::string> paths;
    koder_toml->add_flag("--validate", koder_toml_validate, "Validate the manifests at or under the paths")->required();
    koder_toml->add_option("PATH", paths, "Files or folders (default: the whole tree)");
    add_source_options(*koder_toml, options);
    add_config_options(*koder_toml, options);
    add_output_options(*koder_toml, options);

    CLI::App* hook = app.add_subcommand("hook", "Entry points for git hooks");
    hook->require_subcommand(1);
    CLI::App* pre_commit = hook->add_subcommand("pre-commit", "Check the staged manifests that differ from HEAD");
    pre_commit->add_flag("--fix", options.fix, "Regenerate and stage the registry when it is stale or edited");
    add_config_options(*pre_commit, options);
    add_output_options(*pre_commit, options);

    CLI::App* pre_receive =
        hook->add_subcommand("pre-receive", "Check every commit a push makes new (reads <old> <new> <ref> on stdin)");
    add_config_options(*pre_receive, options);
    add_output_options(*pre_receive, options);

    CLI::App* rules = app.add_subcommand("rules", "List the rule codes and their severity per phase");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return report_parse_error(app, error);
    }

    std::error_code error;
    std::filesystem::current_path(options.directory, error);
    if (error) {
        fmt::print(stderr, "koder-spec-audit: error: cannot enter {}: {}\n", options.directory, error.message());
        return exit_cannot_run;
    }
    // Markdown and SVG are --history's reports; the other commands' formats are their own.
    const bool history_format =
        options.output.format == report::Format::markdown || options.output.format == report::Format::svg;
    if (history_format && !(self_hosted->parsed() && self_hosted_history))
        return cannot_run(fmt::format("--format {} applies to self-hosted --history only{}",
                                      options.output.format == report::Format::svg ? "svg" : "markdown",
                                      self_hosted_report ? " (--report writes Markdown unless --format json)" : ""));
    if (self_hosted->parsed()) {
        if (self_hosted_report) {
            if (!modules.empty()) {
                return cannot_run(fmt::format("unexpected argument '{}': --report covers the whole tree and takes no "
                                              "MODULE",
                                              modules.front()));
            }
            return report_command(options, report_output, report_check);
        }
        if (self_hosted_history) return history_command(options, history_options, modules);
        if (gate_check) return gate_check_command(options, modules, gate_check_options);
        if (self_hosted->count("--decide") > 0) {
            if (!modules.empty()) {
                return cannot_run(fmt::format("unexpected argument '{}': --decide reads the whole registry and takes "
                                              "no MODULE (quote a case of use of several words)",
                                              modules.front()));
            }
            return decide_command(options, decide_case, decide_replaces);
        }
        if (!self_hosted_validate) {
            fmt::print(stderr,
                       "koder-spec-audit: error: self-hosted needs --validate, --report, --history, --gate-check or "
                       "--decide (see --help)\n");
            return exit_cannot_run;
        }
        return validate_command(options, Selection::modules, modules);
    }
    if (koder_toml->parsed()) return validate_command(options, Selection::paths, paths);
    if (pre_commit->parsed()) return pre_commit_command(options);
    if (pre_receive->parsed()) return pre_receive_command(options, pre_receive->count("--format") > 0);
    if (rules->parsed()) return rules_command(options);
    return exit_cannot_run;
}

} // namespace

int run(int argc, char** argv) {
    // The one catch at the top: anything unexpected is "could not run", never a pass.
    try {
        return dispatch(argc, argv);
    } catch (const std::exception& error) {
        fmt::print(stderr, "koder-spec-audit: internal error: {}\n", error.what());
    } catch (...) {
        fmt::print(stderr, "koder-spec-audit: internal error\n");
    }
    return exit_cannot_run;
}

} // namespace ksa::cli
