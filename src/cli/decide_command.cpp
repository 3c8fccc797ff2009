// `self-hosted --decide "CASE" [--replaces NAME]`: the decision protocol from the registry data
// of the chosen tree (the same rows, and row numbers, as the generated registry).
#include <cstdio>

#include <fmt/format.h>

#include "audit/engine.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "decision/decide.h"
#include "registry/registry.h"
#include "support/text.h"

namespace ksa::cli {

int decide_command(const CommonOptions& options, const std::string& case_of_use, const std::string& replaces) {
    const auto cannot_run = [](const std::string& message) {
        fmt::print(stderr, "koder-spec-audit: error: {}\n", text::escape_for_terminal(message));
        return exit_cannot_run;
    };
    if (decision::words_of(case_of_use).empty() && decision::words_of(replaces).empty())
        return cannot_run("--decide needs a case of use with at least one word");
    auto opened = open_source(options);
    if (!opened) return cannot_run(opened.failure().message);
    TreeSource& source = *opened->source;
    auto config = audit::load_config(source, options.settings);
    if (!config) return cannot_run(config.failure().message);
    auto built = registry::build_registry(source, *config);
    if (!built) return cannot_run(built.failure().message);
    if (has_errors(built->problems)) {
        // Decide from the usable rows, but say that some manifests could not be used.
        OutputOptions text_output = options.output;
        text_output.format = report::Format::text;
        const report::ReportInput input{source.description(), config->phase, built->manifests_read, built->problems};
        emit_report(text_output, input, stderr);
    }
    const decision::Decision decision = decision::decide(built->registry, case_of_use, replaces);
    const std::string out = report::render(options.output.format, decision, {});
    std::fwrite(out.data(), 1, out.size(), stdout);
    return exit_clean;
}

} // namespace ksa::cli
