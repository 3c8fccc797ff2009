#include "cli/modes.h"

#include <fmt/format.h>

#include "config/settings.h"

namespace ksa::cli {
namespace {

using report::Output;

constexpr std::string_view whole_tree = "covers the whole tree and takes no MODULE";

constexpr Mode modes[] = {
    {"self-hosted", "--validate", "", "Validate the modules' manifests and fragments", takes_targets | reads_tree, "",
     "", Output::diagnostics,
     [](const CommandLine& line) { return validate_command(line.common, Selection::modules, line.targets); }},
    {"self-hosted", "--report", "--check", "With --report: exit 1 when the committed registry differs", reads_tree,
     whole_tree, "", Output::comparison,
     [](const CommandLine& line) { return report_command(line.common, line.report_output, true); }},
    {"self-hosted", "--report", "", "Generate the registry of self-hosted pairs from every manifest", reads_tree,
     whole_tree, "", Output::registry,
     [](const CommandLine& line) { return report_command(line.common, line.report_output, false); }},
    {"self-hosted", "--history", "", "Mine git history for the stability gate (G3) of every component",
     takes_targets | reads_commits, "", "commits", Output::history,
     [](const CommandLine& line) { return history_command(line.common, line.history, line.targets); }},
    {"self-hosted", "--gate-check", "", "Check that every passed gate is backed by evidence in the tree",
     takes_targets | reads_tree, "", "", Output::diagnostics,
     [](const CommandLine& line) { return gate_check_command(line.common, line.targets, line.gate_check); }},
    {"self-hosted", "--decide", "", "RFC-002 §3.5 question 2: which Koder component, if any, for this case of use",
     reads_tree, "reads the whole registry and takes no MODULE (quote a case of use of several words)", "",
     Output::decision,
     [](const CommandLine& line) { return decide_command(line.common, line.decide_case, line.decide_replaces); }},
    {"koder-toml", "--validate", "", "Validate the manifests at or under the paths", takes_targets | reads_tree, "", "",
     Output::diagnostics,
     [](const CommandLine& line) { return validate_command(line.common, Selection::paths, line.targets); }},
    {"hook pre-commit", "", "", "Check the staged manifests that differ from HEAD", needs_nothing, "", "",
     Output::diagnostics, [](const CommandLine& line) { return pre_commit_command(line.common); }},
    {"hook pre-receive", "", "", "Check every commit a push makes new (reads <old> <new> <ref> on stdin)",
     needs_nothing, "", "", Output::diagnostics,
     [](const CommandLine& line) { return pre_receive_command(line.common); }},
    {"hook pre-push", "", "",
     "Before a push is sent, check every commit the remote does not have as the server would (reads <local ref> "
     "<local id> <remote ref> <remote id> on stdin)",
     needs_nothing, "", "", Output::diagnostics,
     [](const CommandLine& line) { return pre_push_command(line.common, line.pre_push); }},
    {"rules", "", "", "List the rule codes and their severity per phase", needs_nothing, "", "", Output::catalogue,
     [](const CommandLine& line) { return rules_command(line.common); }},
    {"schema", "", "--fragment", "The JSON Schema of a self-hosted fragment (self-hosted/koder_*.toml)", reads_tree,
     "takes no argument (redirect the output to a file)", "", Output::schema,
     [](const CommandLine& line) { return schema_command(line.common, true); }},
    {"schema", "", "", "The JSON Schema (draft-07) of koder.toml, for editors and taplo", reads_tree,
     "takes no argument (redirect the output to a file)", "", Output::schema,
     [](const CommandLine& line) { return schema_command(line.common, false); }},
    {"config", "--show", "--server", "With --show: the pre-receive hook's settings (git config) instead of the file's",
     needs_nothing, "", "the server's git config", Output::settings,
     [](const CommandLine& line) { return config_command(line.common, true); }},
    {"config", "--show", "", "Every setting, its effective value and where it came from", reads_tree, "", "",
     Output::settings, [](const CommandLine& line) { return config_command(line.common, false); }},
    {"man-page", "", "", "The manual page koder-spec-audit(1) in roff, from the --help texts and tables (man -l)",
     needs_nothing, "takes no argument (redirect the output to a file)", "its own tables", Output::manual,
     [](const CommandLine& line) { return man_page_command(line.common); }},
};

constexpr ModeOption options[] = {
    {"self-hosted", "--since", "--history"},     {"self-hosted", "--until", "--history"},
    {"self-hosted", "--no-cache", "--history"},  {"self-hosted", "--jobs", "--history"},
    {"self-hosted", "--check", "--report"},      {"self-hosted", "--output", "--report"},
    {"self-hosted", "--online", "--gate-check"}, {"self-hosted", "--timeout", "--online"},
    {"self-hosted", "--replaces", "--decide"},   {"config", "--server", "--show"},
};

} // namespace

std::span<const Mode> all_modes() { return modes; }
std::span<const ModeOption> mode_options() { return options; }

std::string mode_name(const Mode& mode) {
    std::string name(mode.command);
    if (!mode.flag.empty()) name += " " + std::string(mode.flag);
    if (!mode.variant.empty()) name += " " + std::string(mode.variant);
    return name;
}

std::string formats_table_markdown() {
    std::string out = "| mode | --format (the first is the default) |\n|---|---|\n";
    for (const Mode& mode : modes) {
        std::string formats;
        for (const report::Format format : report::formats_of(mode.output))
            formats += (formats.empty() ? "" : ", ") + fmt::format("`{}`", report::format_name(format));
        out += fmt::format("| `{}` | {} |\n", mode_name(mode), formats);
    }
    return out;
}

std::string mode_summary(std::string_view command, std::string_view flag, std::string_view variant) {
    for (const Mode& mode : modes)
        if (mode.command == command && mode.flag == flag && mode.variant == variant) return std::string(mode.summary);
    return {};
}

} // namespace ksa::cli
