// The one renderer table: for each kind of output a command writes, the formats it can be
// written in and the function that writes each. A command declares its output (cli/modes.cpp);
// the formats its --format accepts follow from here, and any other is refused with this list.
// Adding a format: a row in the table of each output that can take it (renderers.cpp).
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "config/settings.h"
#include "decision/decide.h"
#include "diag/rule.h"
#include "history/run.h"
#include "manifest/paths.h"
#include "registry/registry.h"
#include "report/format.h"
#include "report/manual_page.h"
#include "report/report.h"

namespace ksa::report {

enum class Output {
    diagnostics, // findings: --validate, --gate-check, the hooks
    registry,    // the registry of self-hosted pairs: --report
    comparison,  // the committed registry against the generated one: --report --check
    history,     // the stability verdicts: --history
    decision,    // the decision protocol's answer: --decide
    settings,    // every setting and where its value came from: config --show
    catalogue,   // the rule codes: rules
    schema,      // the JSON Schema of koder.toml: schema
    manual,      // the manual page: man-page
};

// The formats `output` can be written in; the first is the default.
std::span<const Format> formats_of(Output output);

struct RenderOptions {
    bool color = false; // ANSI colours (text on a terminal)
};

struct RegistryDocument {
    const registry::Registry& registry;
    std::string path; // where the registry lives in the tree (the JSON names it)
};

struct RegistryComparison {
    std::string path;
    std::string committed; // the file in the tree ("" when absent)
    std::string generated; // what the manifests generate
    std::size_t pairs = 0;
};

struct SettingsReport {
    const LoadedSettings& settings;
    bool server = false; // the pre-receive hook's settings (git config) rather than the file's
    std::string source;  // where the file was read: "working tree", "revision HEAD"; or "git config"
};

struct SchemaRequest {
    manifest::ManifestKind kind = manifest::ManifestKind::module;
    Phase phase = Phase::advisory;
};

// Each writes `input` in `format`, which must be one of formats_of() for its output.
std::string render(Format format, const ReportInput& input, const RenderOptions& options);
std::string render(Format format, const RegistryDocument& input, const RenderOptions& options);
std::string render(Format format, const RegistryComparison& input, const RenderOptions& options);
std::string render(Format format, const history::HistoryResult& input, const RenderOptions& options);
std::string render(Format format, const decision::Decision& input, const RenderOptions& options);
std::string render(Format format, const SettingsReport& input, const RenderOptions& options);
std::string render(Format format, std::span<const RuleInfo> input, const RenderOptions& options);
std::string render(Format format, const SchemaRequest& input, const RenderOptions& options);
std::string render(Format format, const ManualPage& input, const RenderOptions& options);

// The settings' renderers (settings_renderer.cpp).
std::string render_settings_text(const SettingsReport& input);
std::string render_settings_json(const SettingsReport& input);

} // namespace ksa::report
