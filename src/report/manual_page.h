// The manual page koder-spec-audit(1) as data, and its roff renderer. cli/man_page_command.cpp
// fills it from the tables that also make --help and docs/manual.md (the CLI11 commands and
// options, the mode table, the settings table, the formats, the exit codes, files and
// environment of cli/reference.h), so the page is never written by hand.
#pragma once

#include <string>
#include <vector>

namespace ksa::report {

// One item of a list: a term (an option with its value, a key, a code) and what it means.
struct ManualItem {
    std::string term;        // shown in bold: "--rev", "audit.phase", "0"
    std::string value;       // shown in italics after the term: "REV", ""
    std::string description; // one paragraph of plain text
};

struct ManualCommand {
    std::string name;                // "self-hosted", "hook pre-push"
    std::string arguments;           // "[MODULE...]"
    std::string description;         // the command's --help line
    std::vector<ManualItem> options; // its options and arguments, as --help lists them
};

struct ManualSection {
    std::string title; // "EXIT STATUS"
    std::string text;  // a paragraph before the items (may be empty)
    std::vector<ManualItem> items;
};

struct ManualPage {
    std::string name;    // "koder-spec-audit"
    std::string version; // "0.1.0"
    std::string summary; // the NAME line's text after the dash
    std::string description;
    std::vector<ManualItem> global_options;
    std::vector<ManualCommand> commands;
    std::vector<ManualSection> sections; // after COMMANDS, in order
    std::vector<std::string> see_also;   // "git(1)"
};

// The page in roff with the man macros (man -l renders it). Text is escaped: backslashes, a
// leading dot or quote, hyphens of options; a few non-ASCII signs become groff's names.
std::string render_man_page(const ManualPage& page);

} // namespace ksa::report
