// `man-page`: the manual page koder-spec-audit(1), written from the command line's own CLI11
// objects (the --help texts), the mode, settings and format tables and cli/reference.h.
#include <cctype>
#include <cstdio>

#include <fmt/format.h>

#include "cli/app.h"
#include "cli/command_line.h"
#include "cli/reference.h"
#include "config/settings.h"
#include "report/manual_page.h"

#ifndef KSA_VERSION
#define KSA_VERSION "0.0.0"
#endif

namespace ksa::cli {
namespace {

bool is_help(const CLI::Option& option) { return option.get_name() == "--help"; }

bool is_positional(const CLI::Option& option) { return option.get_positional() && !option.nonpositional(); }

// "MODULE..." for an argument that takes several, else "REMOTE".
std::string positional_label(const CLI::Option& option) {
    return option.get_name(true) + (option.get_expected_max() > 1 ? "..." : "");
}

// "-h, --help".
std::string option_names(const CLI::Option& option) {
    std::string names;
    for (const std::string& name : option.get_snames())
        names += (names.empty() ? "-" : ", -") + name;
    for (const std::string& name : option.get_lnames())
        names += (names.empty() ? "--" : ", --") + name;
    return names;
}

// An option as --help shows it: its names, the kind of value, and what it takes (the part of
// the type name after the colon, set by the option's check).
report::ManualItem option_item(const CLI::Option& option) {
    report::ManualItem item;
    item.description = option.get_description();
    if (is_positional(option)) {
        item.term = positional_label(option);
        return item;
    }
    item.term = option_names(option);
    if (option.get_type_size() == 0) return item;
    const std::string type = option.get_type_name();
    const auto colon = type.find(':');
    item.value = type.substr(0, colon);
    if (colon != std::string::npos) item.description += fmt::format(" (takes {})", type.substr(colon + 1));
    return item;
}

report::ManualCommand command_of(const NamedCommand& named) {
    report::ManualCommand command;
    command.name = std::string(named.name);
    command.description = named.app->get_description();
    for (const CLI::Option* option : named.app->get_options()) {
        if (is_help(*option)) continue;
        command.options.push_back(option_item(*option));
        if (is_positional(*option))
            command.arguments +=
                (command.arguments.empty() ? "" : " ") + fmt::format("[{}]", positional_label(*option));
    }
    return command;
}

report::ManualSection reference_section(std::string title, std::string text, std::span<const ReferenceEntry> table) {
    report::ManualSection section{std::move(title), std::move(text), {}};
    for (const ReferenceEntry& entry : table)
        section.items.push_back({std::string(entry.term), "", std::string(entry.meaning)});
    return section;
}

report::ManualSection formats_section() {
    report::ManualSection section{"OUTPUT FORMATS",
                                  "What each mode writes with --format (the first is the default); any other name is "
                                  "refused with exit 2 and the list.",
                                  {}};
    for (const Mode& mode : all_modes()) {
        std::string formats;
        for (const report::Format format : report::formats_of(mode.output))
            formats += (formats.empty() ? "" : ", ") + std::string(report::format_name(format));
        section.items.push_back({mode_name(mode), "", formats});
    }
    return section;
}

report::ManualSection settings_section() {
    report::ManualSection section{"SETTINGS",
                                  "Each setting, by its key in .koder-spec-audit.toml (else its git config key, "
                                  "read by the pre-receive hook). Command-line options win over the file.",
                                  {}};
    const ServerConfig defaults;
    for (const Setting& setting : all_settings()) {
        std::string text(setting.doc);
        if (!text.empty()) text.front() = static_cast<char>(std::toupper(static_cast<unsigned char>(text.front())));
        if (!setting.server_key.empty() && !setting.file_key.empty())
            text += fmt::format(". Git config: {}", setting.server_key);
        if (!setting.option.empty()) text += fmt::format(". Option: {}", setting.option);
        text += fmt::format(". Takes {}",
                            setting.file_key.empty() ? setting_server_type(setting) : setting_file_type(setting));
        const std::string value = format_setting_value(setting, setting.get(defaults));
        text += value.empty() ? "." : fmt::format("; default {}.", value);
        section.items.push_back({std::string(setting.name()), "", text});
    }
    return section;
}

} // namespace

report::ManualPage manual_page() {
    CLI::App app;
    CommandLine line;
    const std::vector<NamedCommand> commands = define_command_line(app, line);
    report::ManualPage page;
    page.name = app.get_name();
    page.version = KSA_VERSION;
    page.summary = "keeps the koder.toml self-hosting declarations of a monorepo honest";
    page.description =
        "koder-spec-audit validates the koder.toml manifests of a monorepo and their [self_hosted] blocks (RFC-002: "
        "what a module replaces, its status, the gates it passed), generates and checks the registry of self-hosted "
        "pairs, mines git history for the stability gate, checks the evidence behind passed gates and answers the "
        "decision protocol. The same checks run as git hooks: pre-commit on the staged manifests, pre-push on the "
        "commits a push would send, pre-receive on the server. Findings carry a rule code (koder-spec-audit rules "
        "lists them) and are written as text, JSON or SARIF.";
    for (const CLI::Option* option : app.get_options())
        page.global_options.push_back(option_item(*option));
    for (const NamedCommand& command : commands)
        page.commands.push_back(command_of(command));
    page.sections.push_back(formats_section());
    page.sections.push_back(settings_section());
    page.sections.push_back(reference_section("EXIT STATUS", "", exit_code_table()));
    page.sections.push_back(reference_section("ENVIRONMENT", "", environment_table()));
    page.sections.push_back(reference_section("FILES", "", file_table()));
    page.see_also = {"git(1)", "githooks(5)", "pre-commit(1)",
                     "/usr/share/doc/koder-spec-audit/ (the manual, the rules with an example each, the hooks)"};
    return page;
}

int man_page_command(const CommonOptions& options) {
    const std::string out = report::render(options.output.format, manual_page(), {});
    std::fwrite(out.data(), 1, out.size(), stdout);
    return exit_clean;
}

} // namespace ksa::cli
