#include "cli/arguments.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "cli/app.h"
#include "cli/options.h"
#include "support/text.h"

namespace ksa::cli {
namespace {

std::string lower(std::string_view word) {
    std::string folded(word);
    std::transform(folded.begin(), folded.end(), folded.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return folded;
}

// "--format 'xml'": how a message names the option and the word the user gave.
std::string given(const std::string& option, std::string_view value) { return fmt::format("{} '{}'", option, value); }

// The subcommand the parse got deepest into (the top-level app when none was recognised).
CLI::App* deepest(CLI::App* app) {
    for (CLI::App* sub : app->get_subcommands())
        if (sub->parsed()) return deepest(sub);
    return app;
}

// "self-hosted", "hook pre-commit"; "" for the top level.
std::string command_path(const CLI::App* app) {
    std::string path;
    for (const CLI::App* at = app; at != nullptr && at->get_parent() != nullptr; at = at->get_parent())
        path = path.empty() ? at->get_name() : at->get_name() + " " + path;
    return path;
}

std::string help_for(const CLI::App* app) {
    const std::string path = command_path(app);
    return path.empty() ? "koder-spec-audit --help" : fmt::format("koder-spec-audit {} --help", path);
}

// "a, b or c".
std::string in_words(const std::vector<std::string>& items, std::string_view last = "or") {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += i + 1 == items.size() ? fmt::format(" {} ", last) : std::string(", ");
        out += items[i];
    }
    return out;
}

std::vector<std::string> subcommand_names(CLI::App* app) {
    std::vector<std::string> names;
    for (const CLI::App* sub : app->get_subcommands([](const CLI::App*) { return true; }))
        names.push_back(sub->get_name());
    return names;
}

std::vector<std::string> option_names(const CLI::App* app) {
    std::vector<std::string> names;
    for (const CLI::Option* option : app->get_options()) {
        for (const std::string& name : option->get_lnames())
            names.push_back("--" + name);
        for (const std::string& name : option->get_snames())
            names.push_back("-" + name);
    }
    return names;
}

// " (did you mean '--validate'?)" when a name is close to `word`; short names and words are
// too short for a guess to mean anything.
std::string suggestion(std::string_view word, const std::vector<std::string>& names) {
    std::vector<std::string_view> views;
    for (const std::string& name : names)
        if (name.size() > 3) views.emplace_back(name);
    if (word.size() < 4) return {};
    if (auto match = text::closest_match(word, views)) return fmt::format(" (did you mean '{}'?)", *match);
    return {};
}

// The words the parser could not place, and the command they were given to: the deepest one
// holding any (a word before the command stays with the top level).
std::pair<CLI::App*, std::vector<std::string>> leftovers(CLI::App* at) {
    for (CLI::App* level = at; level != nullptr; level = level->get_parent()) {
        std::vector<std::string> words = level->remaining();
        if (!words.empty()) return {level, words};
    }
    return {at, {}};
}

std::string unknown_word(CLI::App* at, const std::string& word) {
    const std::string where = command_path(at);
    if (word.size() > 1 && word.front() == '-') {
        const std::string name = word.substr(0, word.find('='));
        if (where.empty())
            return fmt::format("unknown option '{}'{}: before the command only -C DIR, --help and --version are "
                               "allowed; the other options follow the command (koder-spec-audit self-hosted "
                               "--validate --format json)",
                               name, suggestion(name, option_names(at)));
        return fmt::format("unknown option '{}' for {}{}; {} lists its options", name, where,
                           suggestion(name, option_names(at)), help_for(at));
    }
    const std::vector<std::string> commands = subcommand_names(at);
    if (!commands.empty())
        return fmt::format("unknown command '{}'{}; the commands are {}", word, suggestion(word, commands),
                           in_words(commands, "and"));
    return fmt::format("unexpected argument '{}': {} takes no such argument; {} lists what it takes", word,
                       where.empty() ? "koder-spec-audit" : where, help_for(at));
}

// "--online requires --gate-check" → {"--online", "--gate-check"}.
std::pair<std::string, std::string> split_pair(std::string_view message, std::string_view verb) {
    const auto at = message.find(verb);
    if (at == std::string_view::npos) return {};
    return {std::string(message.substr(0, at)), std::string(message.substr(at + verb.size()))};
}

} // namespace

CLI::Validator one_of(std::string option, std::string what, std::vector<std::pair<std::string, int>> names,
                      std::string allowed) {
    return CLI::Validator(
        [option, what, names, allowed](std::string& value) -> std::string {
            const std::string folded = lower(value);
            for (const auto& [name, number] : names) {
                if (folded != name) continue;
                value = std::to_string(number);
                return {};
            }
            return fmt::format("{}: not {}; use {}", given(option, value), what, allowed);
        },
        allowed);
}

CLI::Validator choice(std::string option, std::string what, std::vector<std::string> words, std::string allowed) {
    return CLI::Validator(
        [option, what, words, allowed](std::string& value) -> std::string {
            const std::string folded = lower(value);
            if (std::find(words.begin(), words.end(), folded) != words.end()) {
                value = folded;
                return {};
            }
            return fmt::format("{}: not {}; use {}", given(option, value), what, allowed);
        },
        allowed);
}

CLI::Validator whole_number(std::string option, std::uint64_t min, std::uint64_t max, std::string allowed) {
    return CLI::Validator(
        [option, min, max, allowed](std::string& value) -> std::string {
            std::uint64_t number = 0;
            const char* end = value.data() + value.size();
            const auto [stop, error] = std::from_chars(value.data(), end, number);
            const bool digits = !value.empty() && value.front() >= '0' && value.front() <= '9';
            if (!digits || stop != end)
                return fmt::format("{}: not a whole number; give {}", given(option, value), allowed);
            if (error == std::errc::result_out_of_range || number < min || number > max)
                return fmt::format("{}: out of range; give {}", given(option, value), allowed);
            return {};
        },
        allowed);
}

CLI::Validator decimal_number(std::string option, double min, double max, std::string allowed) {
    return CLI::Validator(
        [option, min, max, allowed](std::string& value) -> std::string {
            double number = 0;
            const char* end = value.data() + value.size();
            const auto [stop, error] = std::from_chars(value.data(), end, number);
            const bool digits =
                !value.empty() && ((value.front() >= '0' && value.front() <= '9') || value.front() == '.');
            if (!digits || stop != end || error != std::errc())
                return fmt::format("{}: not a number; give {}", given(option, value), allowed);
            if (number < min || number > max)
                return fmt::format("{}: out of range; give {}", given(option, value), allowed);
            return {};
        },
        allowed);
}

CLI::Validator described(std::string allowed) {
    return CLI::Validator([](std::string&) { return std::string(); }, std::move(allowed));
}

CLI::Validator existing_folder(std::string option) {
    return CLI::Validator(
        [option](std::string& value) -> std::string {
            std::error_code error;
            if (std::filesystem::is_directory(value, error)) return {};
            const bool exists = std::filesystem::exists(value, error);
            return fmt::format("{}: {}; give an existing folder", given(option, value),
                               exists ? "not a folder" : "no such folder");
        },
        "an existing folder");
}

std::string explain_parse_error(CLI::App& app, const CLI::ParseError& error) {
    CLI::App* at = deepest(&app);
    const std::string message = error.what();
    if (dynamic_cast<const CLI::ValidationError*>(&error) != nullptr) {
        // Our validators' messages, after CLI11's "NAME: " prefix, say it all.
        const auto colon = message.find(": ");
        return colon == std::string::npos ? message : message.substr(colon + 2);
    }
    if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
        const auto [level, words] = leftovers(at);
        if (!words.empty()) return unknown_word(level, words.front());
    }
    if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
        const std::vector<std::string> words = at->remaining();
        if (!words.empty()) return unknown_word(at, words.front());
        const std::vector<std::string> commands = subcommand_names(at);
        if (at->get_require_subcommand_min() > 0 && !commands.empty()) {
            const std::string where = command_path(at);
            return fmt::format("{} needs a command: {}; {} says more", where.empty() ? "koder-spec-audit" : where,
                               in_words(commands), help_for(at));
        }
        const auto [option, rest] = split_pair(message, " is required");
        if (!option.empty()) return fmt::format("{} needs {}; {} says more", command_path(at), option, help_for(at));
    }
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr) {
        // "--format: 1 required ENUM:value ... missing": the option is named before the colon.
        const std::string option = message.substr(0, message.find(':'));
        if (const CLI::Option* found = at->get_option_no_throw(option); found != nullptr) {
            // CLI11's type name carries our validator's description after a colon: "ENUM:text, json or sarif".
            const std::string type = found->get_type_name();
            const auto colon = type.find(':');
            const std::string allowed = colon == std::string::npos ? std::string() : type.substr(colon + 1);
            return fmt::format("{} needs a value{}", option, allowed.empty() ? std::string() : "; give " + allowed);
        }
    }
    if (dynamic_cast<const CLI::RequiresError*>(&error) != nullptr) {
        const auto [option, needed] = split_pair(message, " requires ");
        if (!option.empty()) return fmt::format("{} works only together with {}", option, needed);
    }
    if (dynamic_cast<const CLI::ExcludesError*>(&error) != nullptr) {
        const auto [option, other] = split_pair(message, " excludes ");
        if (!option.empty()) return fmt::format("{} and {} cannot be used together: give one of them", option, other);
    }
    return fmt::format("{}; {} says more", message, help_for(at));
}

int report_parse_error(CLI::App& app, const CLI::ParseError& error) {
    // --help and --version arrive as "errors" that CLI11 prints itself.
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
        app.exit(error);
        return exit_clean;
    }
    return cannot_run(explain_parse_error(app, error));
}

} // namespace ksa::cli
