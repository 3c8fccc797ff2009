// The command line's values and its errors in plain words: every option value is checked by a
// validator that names the word and what is allowed, and every CLI11 parse error is rewritten
// into one line "koder-spec-audit: error: ..." that names the offending word (exit 2).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

namespace ksa::cli {

// A value from a fixed list of names (any case) for an enum option: the name is replaced by
// the number CLI11 converts to the enum. Anything else, numbers included, is refused:
// "--format 'xml': not an output format; use text, json or sarif".
CLI::Validator one_of(std::string option, std::string what, std::vector<std::pair<std::string, int>> names,
                      std::string allowed);

// A word from `words` (any case; the value is lower-cased) for a setting's option; anything
// else is refused: "--phase '3': not a rollout phase; use 4 (advisory) or 5 (strict)".
CLI::Validator choice(std::string option, std::string what, std::vector<std::string> words, std::string allowed);

// A whole number in [min, max] written in decimal digits; `allowed` says so in words
// ("a whole number of bytes, at least 1").
CLI::Validator whole_number(std::string option, std::uint64_t min, std::uint64_t max, std::string allowed);

// A decimal number in [min, max]; `allowed` says so in words ("seconds from 0.1 to 60").
CLI::Validator decimal_number(std::string option, double min, double max, std::string allowed);

// Any value; `allowed` describes it for "--rev needs a value; give a commit, tag or tree".
CLI::Validator described(std::string allowed);

// -C DIR: an existing folder.
CLI::Validator existing_folder(std::string option);

// Prints the explanation of a parse error (or the help and version texts CLI11 raises as
// errors) and returns the exit code: 0 for --help and --version, 2 otherwise.
int report_parse_error(CLI::App& app, const CLI::ParseError& error);

// The one-line explanation of a parse error, without the "koder-spec-audit: error: " prefix.
std::string explain_parse_error(CLI::App& app, const CLI::ParseError& error);

} // namespace ksa::cli
