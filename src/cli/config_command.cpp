// `config --show [--server]`: every setting, its effective value and where it came from.
#include <cstdio>

#include "audit/engine.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "git/repository.h"
#include "receive/server_settings.h"

namespace ksa::cli {

int config_command(const CommonOptions& options, bool server) {
    Expected<LoadedSettings> settings = Failure{""};
    std::string source = "git config";
    if (server) {
        auto repository = git::Repository::open_from_environment();
        if (!repository) return cannot_run(repository.failure().message);
        settings = receive::read_server_settings(*repository, options.settings);
    } else {
        auto opened = open_source(options);
        if (!opened) return cannot_run(opened.failure().message);
        source = opened->source->description();
        settings = audit::load_settings(*opened->source, options.settings);
    }
    if (!settings) return cannot_run(settings.failure().message);
    const report::SettingsReport input{*settings, server, source};
    const std::string out = report::render(options.output.format, input, {use_color(options.output.color, stdout)});
    std::fwrite(out.data(), 1, out.size(), stdout);
    return exit_clean;
}

} // namespace ksa::cli
