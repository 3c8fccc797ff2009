#include <algorithm>
#include <cstdio>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "audit/engine.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "git/history_reader.h"
#include "git/repository.h"
#include "history/render.h"
#include "history/run.h"
#include "support/progress.h"
#include "support/text.h"

namespace ksa::cli {

int history_command(const CommonOptions& options, const HistoryOptions& history_options,
                    const std::vector<std::string>& modules) {
    history::HistoryRequest request;
    if (!options.source.revision.empty()) request.revision = options.source.revision;
    request.use_cache = !history_options.no_cache;
    request.threads = history_options.jobs != 0 ? history_options.jobs
                                                : std::max(1U, std::min(8U, std::thread::hardware_concurrency()));
    if (!history_options.since.empty()) {
        request.since = history::parse_date(history_options.since, false);
        if (!request.since)
            return cannot_run(
                fmt::format("--since '{}' is not a date (YYYY-MM-DD[THH:MM[:SS]][Z|±hh:mm])", history_options.since));
    }
    if (!history_options.until.empty()) {
        request.until = history::parse_date(history_options.until, true);
        if (!request.until)
            return cannot_run(
                fmt::format("--until '{}' is not a date (YYYY-MM-DD[THH:MM[:SS]][Z|±hh:mm])", history_options.until));
    }
    auto repository = git::Repository::open_from_environment();
    if (!repository) return cannot_run(repository.failure().message);
    // The limits of docs/history.md: the [audit] values of the .koder-spec-audit.toml committed
    // at the audited revision, under the command line's. (An unknown revision is reported by
    // run_history.)
    auto tip = repository->revision_source(request.revision);
    auto config = tip ? audit::load_config(**tip, options.settings) : audit::load_config(options.settings);
    if (!config) return cannot_run(config.failure().message);
    request.max_manifest_bytes = config->max_manifest_bytes;
    request.max_nesting_depth = config->max_nesting_depth;
    // A MODULE is a component name, or a folder relative to the current folder (as for
    // --validate): both readings select.
    const std::string workdir = repository->workdir();
    const std::string prefix = workdir.empty() ? std::string() : relative_prefix(workdir);
    std::vector<std::vector<std::string>> readings;
    for (const std::string& module : modules) {
        readings.push_back({module});
        if (auto folder = to_repository_path(workdir, prefix, module); folder && !folder->empty() && *folder != module)
            readings.back().push_back(*folder);
        request.modules.insert(request.modules.end(), readings.back().begin(), readings.back().end());
    }
    git::HistoryReader reader(*repository);
    Progress progress(stderr, !options.output.quiet && Progress::stderr_is_terminal());
    request.progress = &progress;
    auto result = history::run_history(reader, request);
    progress.finish();
    if (!result) return cannot_run(result.failure().message);
    // Each MODULE must name something: a typo next to a good name is still a typo.
    for (std::size_t i = 0; i < modules.size() && !result->empty_window; ++i) {
        const auto names = [&](const history::ComponentVerdict& c) {
            return std::any_of(readings[i].begin(), readings[i].end(),
                               [&](const std::string& reading) { return history::names_component(c, reading); });
        };
        const bool named = std::any_of(result->components.begin(), result->components.end(), names);
        if (!named) return cannot_run(fmt::format("no self-hosted component is named {} or lies under it", modules[i]));
    }
    const std::string out = report::render(options.output.format, *result, {});
    std::fwrite(out.data(), 1, out.size(), stdout);
    return exit_clean;
}

} // namespace ksa::cli
