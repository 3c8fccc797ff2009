#include "cli/app.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <filesystem>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/arguments.h"
#include "cli/command_line.h"
#include "cli/modes.h"
#include "config/settings.h"

#ifndef KSA_VERSION
#define KSA_VERSION "0.0.0"
#endif

namespace ksa::cli {
namespace {

// True when `option` was on the command line (false for an option `command` does not have).
bool given(const CLI::App& command, std::string_view option) {
    const CLI::Option* found = command.get_option_no_throw(std::string(option));
    return found != nullptr && found->count() > 0;
}

// The mode `command`'s options select (the first row whose flag and variant were given); null
// when they select none.
const Mode* selected_mode(const CLI::App& command, std::string_view name) {
    for (const Mode& mode : all_modes()) {
        if (mode.command != name) continue;
        if (!mode.flag.empty() && !given(command, mode.flag)) continue;
        if (!mode.variant.empty() && !given(command, mode.variant)) continue;
        return &mode;
    }
    return nullptr;
}

// The formats the selected mode writes; before one is selected, every format the command's
// modes write.
std::vector<report::Format> writable_formats(const CLI::App& command, std::string_view name) {
    std::vector<report::Format> formats;
    for (const Mode& mode : all_modes()) {
        if (mode.command != name) continue;
        for (report::Format format : report::formats_of(mode.output))
            if (std::find(formats.begin(), formats.end(), format) == formats.end()) formats.push_back(format);
    }
    if (const Mode* mode = selected_mode(command, name)) {
        const auto own = report::formats_of(mode->output);
        formats.assign(own.begin(), own.end());
    }
    return formats;
}

void add_output_options(CLI::App& command, std::string_view name, CommandLine& line) {
    // Which names are allowed depends on the mode: checked after parsing (resolve_format).
    command.add_option("--format", line.format, "Output format (what each mode writes: see the manual)")
        ->type_name_fn(
            [&command, name] { return "FORMAT:" + report::formats_in_words(writable_formats(command, name)); });
    command.add_option("--color", line.common.output.color, "Colour: auto (on a terminal), always or never")
        ->transform(one_of("--color", "a colour setting",
                           {{"auto", static_cast<int>(ColorWhen::automatic)},
                            {"always", static_cast<int>(ColorWhen::always)},
                            {"never", static_cast<int>(ColorWhen::never)}},
                           "auto, always or never"));
}

// One option per setting that has one (config/settings.h), checked as the setting's own parser
// checks it.
void add_setting_options(CLI::App& command, CommandLine& line) {
    for (const Setting& setting : all_settings()) {
        if (setting.option.empty()) continue;
        const std::string option(setting.option);
        std::string help = fmt::format(
            "{}{}", setting.doc, setting.file_key.empty() ? "" : fmt::format(" (overrides {})", setting.file_key));
        help.front() = static_cast<char>(std::toupper(static_cast<unsigned char>(help.front())));
        CLI::Option* added = command.add_option(option, line.setting_values[option], help);
        switch (setting.kind) {
        case SettingKind::choice: {
            std::vector<std::string> words(setting.choices.begin(), setting.choices.end());
            added->transform(choice(option, std::string(setting.option_noun), words, std::string(setting.option_type)));
            break;
        }
        case SettingKind::integer:
            added->transform(whole_number(option, setting.min, setting.max, std::string(setting.option_type)));
            break;
        case SettingKind::seconds:
            added->transform(decimal_number(option, static_cast<double>(setting.min), static_cast<double>(setting.max),
                                            std::string(setting.option_type)));
            break;
        default: added->check(described(std::string(setting.option_type))); break;
        }
    }
}

// A mode's flag, described by its row of the mode table.
void add_mode_flag(CLI::App& command, std::string_view name, std::string_view flag, std::string_view variant = "") {
    const std::string description = mode_summary(name, flag, variant);
    command.add_flag(std::string(variant.empty() ? flag : variant), description);
}

void add_source_options(CLI::App& command, CommonOptions& options) {
    auto* cached = command.add_flag("--cached", options.source.cached, "Read the staged content (the index)");
    command.add_option("--rev", options.source.revision, "Read the tree of a commit, tag or tree (e.g. HEAD~2)")
        ->check(described("a commit, tag or tree (HEAD, HEAD~2, v1.0)"))
        ->excludes(cached);
}

// --format: the mode's default when not given; a name it cannot write is refused with the list.
Expected<report::Format> resolve_format(const Mode& mode, const std::string& given_name) {
    const auto formats = report::formats_of(mode.output);
    if (given_name.empty()) return formats.front();
    const auto format = report::parse_format(given_name);
    if (!format)
        return Failure{
            fmt::format("--format '{}': not an output format; use {}", given_name, report::formats_in_words(formats))};
    if (std::find(formats.begin(), formats.end(), *format) == formats.end())
        return Failure{
            fmt::format("--format '{}': {} writes {}", given_name, mode_name(mode), report::formats_in_words(formats))};
    return *format;
}

// Checks the parsed command line of `command` against the mode table and runs the mode.
int run_mode(const CLI::App& command, std::string_view name, CommandLine& line) {
    for (const ModeOption& option : mode_options())
        if (option.command == name && given(command, option.option) && !given(command, option.needs))
            return cannot_run(fmt::format("{} works only together with {}", option.option, option.needs));
    std::vector<std::string_view> flags; // the command's mode flags, in the table's order
    std::vector<std::string_view> chosen;
    for (const Mode& mode : all_modes()) {
        if (mode.command != name || mode.flag.empty()) continue;
        if (std::find(flags.begin(), flags.end(), mode.flag) != flags.end()) continue;
        flags.push_back(mode.flag);
        if (given(command, mode.flag)) chosen.push_back(mode.flag);
    }
    if (chosen.size() > 1)
        return cannot_run(fmt::format("{} and {} cannot be used together: give one of them", chosen[0], chosen[1]));
    const Mode* mode = selected_mode(command, name);
    if (mode == nullptr) {
        std::string words;
        for (std::size_t i = 0; i < flags.size(); ++i)
            words += (i == 0 ? "" : i + 1 == flags.size() ? " or " : ", ") + std::string(flags[i]);
        return cannot_run(fmt::format("{} needs {} (see --help)", name, words));
    }
    if ((mode->needs & takes_targets) == 0 && !line.targets.empty())
        return cannot_run(
            fmt::format("unexpected argument '{}': {} {}", line.targets.front(), mode->flag, mode->no_targets));
    for (const std::string_view source_option : {"--cached", "--rev"}) {
        const bool applies =
            (mode->needs & reads_tree) != 0 || (source_option == "--rev" && (mode->needs & reads_commits) != 0);
        if (!applies && given(command, source_option)) {
            const std::string full = mode_name(*mode); // "self-hosted --history": named by its flags
            const std::string what = mode->flag.empty() ? full : full.substr(name.size() + 1);
            return cannot_run(fmt::format("{} reads {}; {} does not apply", what, mode->reads, source_option));
        }
    }
    auto format = resolve_format(*mode, line.format);
    if (!format) return cannot_run(format.failure().message);
    line.common.output.format = *format;
    line.common.output.format_given = !line.format.empty();
    for (const Setting& setting : all_settings()) {
        if (setting.option.empty() || !given(command, setting.option)) continue;
        line.common.settings.push_back({std::string(setting.option), line.setting_values[std::string(setting.option)]});
    }
    return mode->run(line);
}

} // namespace

std::vector<NamedCommand> define_command_line(CLI::App& app, CommandLine& line) {
    app.name("koder-spec-audit");
    app.description("koder-spec-audit: keeps koder.toml self-hosting declarations honest");
    app.set_version_flag("--version", std::string("koder-spec-audit ") + KSA_VERSION);
    app.require_subcommand(1);
    CommonOptions& options = line.common;
    app.add_option("-C", options.directory, "Run as if started in this folder")->transform(existing_folder("-C"));

    CLI::App* self_hosted = app.add_subcommand("self-hosted", "The [self_hosted] blocks of modules");
    add_mode_flag(*self_hosted, "self-hosted", "--validate");
    add_mode_flag(*self_hosted, "self-hosted", "--report");
    add_mode_flag(*self_hosted, "self-hosted", "--history");
    self_hosted->add_option("--since", line.history.since, "With --history: count from this date (YYYY-MM-DD)")
        ->check(described("a date (YYYY-MM-DD)"));
    self_hosted->add_option("--until", line.history.until, "With --history: judge as of this date (YYYY-MM-DD)")
        ->check(described("a date (YYYY-MM-DD)"));
    self_hosted->add_flag("--no-cache", line.history.no_cache, "With --history: neither read nor write the cache");
    self_hosted
        ->add_option("--jobs", line.history.jobs, "With --history: threads comparing trees (default: one per core)")
        ->transform(whole_number("--jobs", 1, 64, "a whole number from 1 to 64"));
    add_mode_flag(*self_hosted, "self-hosted", "--report", "--check");
    self_hosted->add_option("--output", line.report_output, "With --report: where to write it (- for stdout)")
        ->check(described("a file path, or - for stdout"));
    add_mode_flag(*self_hosted, "self-hosted", "--gate-check");
    self_hosted->add_flag("--online", line.gate_check.online,
                          "With --gate-check: probe production hosts (HTTPS, then HTTP HEAD)");
    self_hosted
        ->add_option("--timeout", line.gate_check.timeout_seconds,
                     "With --online: seconds per host and scheme (default 3)")
        ->transform(decimal_number("--timeout", 0.1, 60.0, "seconds from 0.1 to 60"));
    self_hosted->add_option("--decide", line.decide_case, mode_summary("self-hosted", "--decide"))
        ->check(described("the case of use, in quotes"));
    self_hosted
        ->add_option("--replaces", line.decide_replaces, "With --decide: the external alternative being replaced")
        ->check(described("the external tool's name"));
    self_hosted->add_option("MODULE", line.targets, "Module folders (default: every module)");
    self_hosted->add_flag("-q,--quiet", options.output.quiet,
                          "No progress display on a terminal (--history, --report)");
    add_source_options(*self_hosted, options);
    add_setting_options(*self_hosted, line);
    add_output_options(*self_hosted, "self-hosted", line);

    CLI::App* koder_toml = app.add_subcommand("koder-toml", "koder.toml files by path");
    add_mode_flag(*koder_toml, "koder-toml", "--validate");
    koder_toml->add_option("PATH", line.targets, "Files or folders (default: the whole tree)");
    add_source_options(*koder_toml, options);
    add_setting_options(*koder_toml, line);
    add_output_options(*koder_toml, "koder-toml", line);

    CLI::App* hook = app.add_subcommand("hook", "Entry points for git hooks");
    hook->require_subcommand(1);
    CLI::App* pre_commit = hook->add_subcommand("pre-commit", mode_summary("hook pre-commit", ""));
    pre_commit->add_flag("--fix", options.fix, "Regenerate and stage the registry when it is stale or edited");
    add_setting_options(*pre_commit, line);
    add_output_options(*pre_commit, "hook pre-commit", line);
    CLI::App* pre_receive = hook->add_subcommand("pre-receive", mode_summary("hook pre-receive", ""));
    add_setting_options(*pre_receive, line);
    add_output_options(*pre_receive, "hook pre-receive", line);

    CLI::App* pre_push = hook->add_subcommand("pre-push", mode_summary("hook pre-push", ""));
    pre_push->add_option("REMOTE", line.pre_push.remote,
                         "The remote's name (or URL), as git passes it (default: $PRE_COMMIT_REMOTE_NAME)");
    pre_push->add_option("URL", line.pre_push.url, "The remote's URL, as git passes it (not used)");
    pre_push
        ->add_option("--from-ref", line.pre_push.from_ref,
                     "Judge one range instead of stdin: the commit the remote has (default: $PRE_COMMIT_FROM_REF)")
        ->check(described("a commit (origin/main, a commit id)"));
    pre_push
        ->add_option("--to-ref", line.pre_push.to_ref,
                     "The commit pushed (default: $PRE_COMMIT_TO_REF, else $PRE_COMMIT_LOCAL_BRANCH)")
        ->check(described("a commit (HEAD, a branch, a commit id)"));
    pre_push
        ->add_option("--remote-ref", line.pre_push.remote_ref,
                     "With a range: the ref pushed to (default: $PRE_COMMIT_REMOTE_BRANCH, else the --to-ref)")
        ->check(described("a ref name (refs/heads/main)"));
    add_setting_options(*pre_push, line);
    add_output_options(*pre_push, "hook pre-push", line);

    CLI::App* rules = app.add_subcommand("rules", mode_summary("rules", ""));

    CLI::App* schema = app.add_subcommand("schema", mode_summary("schema", ""));
    add_mode_flag(*schema, "schema", "", "--fragment");
    add_source_options(*schema, options);
    add_setting_options(*schema, line);
    add_output_options(*schema, "schema", line);

    CLI::App* config = app.add_subcommand("config", "The settings: .koder-spec-audit.toml, git config, command line");
    add_mode_flag(*config, "config", "--show");
    add_mode_flag(*config, "config", "--show", "--server");
    add_source_options(*config, options);
    add_setting_options(*config, line);
    add_output_options(*config, "config", line);

    CLI::App* man_page = app.add_subcommand("man-page", mode_summary("man-page", ""));
    add_output_options(*man_page, "man-page", line);

    return {{self_hosted, "self-hosted"},
            {koder_toml, "koder-toml"},
            {pre_commit, "hook pre-commit"},
            {pre_receive, "hook pre-receive"},
            {pre_push, "hook pre-push"},
            {rules, "rules"},
            {schema, "schema"},
            {config, "config"},
            {man_page, "man-page"}};
}

namespace {

int dispatch(int argc, char** argv) {
    CLI::App app;
    CommandLine line;
    const std::vector<NamedCommand> commands = define_command_line(app, line);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return report_parse_error(app, error);
    }

    std::error_code error;
    std::filesystem::current_path(line.common.directory, error);
    if (error) return cannot_run(fmt::format("cannot enter {}: {}", line.common.directory, error.message()));
    for (const NamedCommand& command : commands)
        if (command.app->parsed()) return run_mode(*command.app, command.name, line);
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
