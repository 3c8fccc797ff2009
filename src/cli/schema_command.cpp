// `schema [--fragment]`: the JSON Schema of koder.toml for editors (taplo, Even Better TOML).
#include <cstdio>

#include "audit/engine.h"
#include "cli/app.h"
#include "cli/commands.h"

namespace ksa::cli {

int schema_command(const CommonOptions& options, bool fragment) {
    // The phase decides which findings are errors, so it is read as every command reads it.
    auto opened = open_source(options);
    if (!opened) return cannot_run(opened.failure().message);
    auto config = audit::load_config(*opened->source, options.settings);
    if (!config) return cannot_run(config.failure().message);
    const report::SchemaRequest request{fragment ? manifest::ManifestKind::fragment : manifest::ManifestKind::module,
                                        config->phase};
    const std::string out = report::render(options.output.format, request, {});
    std::fwrite(out.data(), 1, out.size(), stdout);
    return exit_clean;
}

} // namespace ksa::cli
