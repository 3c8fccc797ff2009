// The manual page koder-spec-audit(1): its roff renderer (report/manual_page.h), its content
// from the command line's tables (cli man-page), and the reference tables of docs/manual.md.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli/commands.h"
#include "cli/modes.h"
#include "cli/reference.h"
#include "config/settings.h"
#include "report/manual_page.h"

using ksa::report::ManualCommand;
using ksa::report::ManualItem;
using ksa::report::ManualPage;

namespace {

std::string read_manual() {
    std::ifstream in(std::filesystem::path(KSA_SOURCE_DIR) / "docs" / "manual.md", std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

const ManualCommand* find_command(const ManualPage& page, std::string_view name) {
    for (const ManualCommand& command : page.commands)
        if (command.name == name) return &command;
    return nullptr;
}

bool has_term(const std::vector<ManualItem>& items, std::string_view term) {
    return std::any_of(items.begin(), items.end(), [&](const ManualItem& item) {
        return item.term == term || item.term.find(std::string(term) + ",") != std::string::npos ||
               item.term.ends_with(", " + std::string(term));
    });
}

} // namespace

TEST_CASE("man page: roff escapes what roff would read as requests or escapes", "[man]") {
    ManualPage page;
    page.name = "tool";
    page.version = "1.2";
    page.summary = "does things";
    page.description = ".starts with a dot \\ and a backslash; `--flag` \u2014 RFC \u00a73";
    page.global_options.push_back({"--verbose", "LEVEL", "'quoted start"});
    page.commands.push_back({"check", "[PATH...]", "Checks", {{"--fix", "", "Fixes"}}});
    page.sections.push_back({"EXIT STATUS", "", {{"0", "", "clean"}}});
    page.see_also = {"git(1)"};
    const std::string roff = ksa::report::render_man_page(page);
    CHECK_THAT(roff, Catch::Contains(".TH \"TOOL\" \"1\" \"\" \"tool 1.2\" \"User Commands\"\n"));
    CHECK_THAT(roff, Catch::Contains(".SH NAME\ntool \\- does things\n"));
    CHECK_THAT(roff,
               Catch::Contains("\\&.starts with a dot \\e and a backslash; \\fB\\-\\-flag\\fR \\(em RFC \\(sc3\n"));
    CHECK_THAT(roff, Catch::Contains(".TP\n\\fB\\-\\-verbose\\fR \\fILEVEL\\fR\n\\&'quoted start\n"));
    CHECK_THAT(roff, Catch::Contains("\\fBtool\\fR [\\fB\\-C\\fR \\fIDIR\\fR] \\fBcheck\\fR [\\fIoptions\\fR] "
                                     "\\fI[PATH...]\\fR\n"));
    CHECK_THAT(roff, Catch::Contains(".SS \"check\"\nChecks\n.TP\n\\fB\\-\\-fix\\fR\nFixes\n"));
    CHECK_THAT(roff, Catch::Contains(".SH \"EXIT STATUS\"\n.TP\n\\fB0\\fR\nclean\n"));
    CHECK_THAT(roff, Catch::EndsWith(".SH \"SEE ALSO\"\ngit(1)\n"));
    // No line of the page starts a request it did not mean (every line is a macro or text).
    std::istringstream lines(roff);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty() && line.front() == '\'') FAIL("a line starts with a quote: " << line);
}

TEST_CASE("man page: every command, mode flag, option and setting is on the page", "[man]") {
    const ManualPage page = ksa::cli::manual_page();
    CHECK(page.name == "koder-spec-audit");
    CHECK(page.version == KSA_VERSION);
    CHECK(has_term(page.global_options, "-C"));
    CHECK(has_term(page.global_options, "--version"));
    for (const ksa::cli::Mode& mode : ksa::cli::all_modes()) {
        INFO(ksa::cli::mode_name(mode));
        const ManualCommand* command = find_command(page, mode.command);
        REQUIRE(command != nullptr);
        CHECK_FALSE(command->description.empty());
        if (!mode.flag.empty()) CHECK(has_term(command->options, mode.flag));
        if (!mode.variant.empty()) CHECK(has_term(command->options, mode.variant));
    }
    for (const ksa::cli::ModeOption& option : ksa::cli::mode_options())
        CHECK(has_term(find_command(page, option.command)->options, option.option));
    const ManualCommand* validate = find_command(page, "koder-toml");
    REQUIRE(validate != nullptr);
    CHECK(validate->arguments == "[PATH...]");
    for (const ksa::Setting& setting : ksa::all_settings()) {
        INFO(setting.name());
        if (!setting.option.empty()) CHECK(has_term(validate->options, setting.option));
        const auto& sections = page.sections;
        CHECK(std::any_of(sections.begin(), sections.end(), [&](const ksa::report::ManualSection& section) {
            return section.title == "SETTINGS" && has_term(section.items, setting.name());
        }));
    }
    std::vector<std::string> titles;
    for (const auto& section : page.sections)
        titles.push_back(section.title);
    CHECK(titles == std::vector<std::string>{"OUTPUT FORMATS", "SETTINGS", "EXIT STATUS", "ENVIRONMENT", "FILES"});
    const std::string roff = ksa::report::render_man_page(page);
    CHECK_THAT(roff, Catch::Contains("\\fB\\-\\-format\\fR \\fIFORMAT\\fR\nOutput format"));
    CHECK_THAT(roff, Catch::Contains(".SS \"hook pre\\-push\"\n"));
}

TEST_CASE("man page: docs/manual.md holds the exit codes, files and environment tables", "[man][docs]") {
    const std::string manual = read_manual();
    const std::string exit_codes = ksa::cli::reference_table_markdown("code", ksa::cli::exit_code_table(), true);
    const std::string files = ksa::cli::reference_table_markdown("file", ksa::cli::file_table());
    const std::string environment = ksa::cli::reference_table_markdown("variable", ksa::cli::environment_table());
    INFO("the generated tables (paste them into docs/manual.md, sections Exit codes and Files and environment):\n"
         << exit_codes << "\n"
         << files << "\n"
         << environment);
    CHECK(manual.find(exit_codes) != std::string::npos);
    CHECK(manual.find(files) != std::string::npos);
    CHECK(manual.find(environment) != std::string::npos);
}
