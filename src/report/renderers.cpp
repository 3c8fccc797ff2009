#include "report/renderers.h"

#include <array>

#include <fmt/format.h>

#include "history/render.h"
#include "manifest/schema.h"
#include "support/line_diff.h"
#include "support/text.h"

namespace ksa::report {
namespace {

template <typename Input> struct Renderer {
    Format format;
    std::string (*write)(const Input&, const RenderOptions&);
};

// --- the table: one array per output, the default format first ------------------------------

constexpr Renderer<ReportInput> diagnostics[] = {
    {Format::text, [](const ReportInput& in, const RenderOptions& o) { return render_text(in, o.color); }},
    {Format::json, [](const ReportInput& in, const RenderOptions&) { return render_json(in); }},
    {Format::sarif, [](const ReportInput& in, const RenderOptions&) { return render_sarif(in); }},
};

constexpr Renderer<RegistryDocument> registries[] = {
    {Format::markdown,
     [](const RegistryDocument& in, const RenderOptions&) { return registry::render_markdown(in.registry); }},
    {Format::json,
     [](const RegistryDocument& in, const RenderOptions&) { return registry::render_json(in.registry, in.path); }},
};

std::string comparison_text(const RegistryComparison& in, const RenderOptions&) {
    const std::string path = text::escape_for_terminal(in.path);
    if (in.committed == in.generated)
        return fmt::format("koder-spec-audit: {} is up to date ({} pairs)\n", path, in.pairs);
    const auto diff = text::unified_diff(in.committed, in.generated, "a/" + in.path, "b/" + in.path);
    std::string out = diff ? text::escape_lines_for_terminal(*diff) : "(the files are too large to show a line diff)\n";
    out += fmt::format("koder-spec-audit: {} differs from what the manifests generate; fix it with:\n"
                       "  koder-spec-audit self-hosted --report && git add {}\n",
                       path, path);
    return out;
}

constexpr Renderer<RegistryComparison> comparisons[] = {{Format::text, comparison_text}};

constexpr Renderer<history::HistoryResult> histories[] = {
    {Format::text, [](const history::HistoryResult& in, const RenderOptions&) { return history::render_text(in); }},
    {Format::json, [](const history::HistoryResult& in, const RenderOptions&) { return history::render_json(in); }},
    {Format::markdown,
     [](const history::HistoryResult& in, const RenderOptions&) { return history::render_markdown(in); }},
    {Format::svg, [](const history::HistoryResult& in, const RenderOptions&) { return history::render_svg(in); }},
};

constexpr Renderer<decision::Decision> decisions[] = {
    {Format::text, [](const decision::Decision& in,
                      const RenderOptions&) { return text::escape_lines_for_terminal(decision::render_text(in)); }},
    {Format::json, [](const decision::Decision& in, const RenderOptions&) { return decision::render_json(in); }},
};

constexpr Renderer<SettingsReport> settings_outputs[] = {
    {Format::text, [](const SettingsReport& in, const RenderOptions&) { return render_settings_text(in); }},
    {Format::json, [](const SettingsReport& in, const RenderOptions&) { return render_settings_json(in); }},
};

std::string catalogue_text(const std::span<const RuleInfo>& rules, const RenderOptions&) {
    std::string out;
    for (const RuleInfo& rule : rules)
        out += fmt::format("{}  {:<28} phase 4: {:<7} phase 5: {:<7} {}\n", rule_id(rule.code), rule.name,
                           to_string(rule.phase4), to_string(rule.phase5), rule.summary);
    return out;
}

constexpr Renderer<std::span<const RuleInfo>> catalogues[] = {{Format::text, catalogue_text}};

constexpr Renderer<SchemaRequest> schemas[] = {
    {Format::json,
     [](const SchemaRequest& in, const RenderOptions&) { return manifest::koder_toml_schema(in.kind, in.phase); }},
};

constexpr Renderer<ManualPage> manuals[] = {
    {Format::roff, [](const ManualPage& in, const RenderOptions&) { return render_man_page(in); }},
};

// --- lookups -----------------------------------------------------------------------------------

template <typename Input, std::size_t N> constexpr std::array<Format, N> formats(const Renderer<Input> (&table)[N]) {
    std::array<Format, N> out{};
    for (std::size_t i = 0; i < N; ++i)
        out[i] = table[i].format;
    return out;
}

constexpr auto diagnostics_formats = formats(diagnostics);
constexpr auto registry_formats = formats(registries);
constexpr auto comparison_formats = formats(comparisons);
constexpr auto history_formats = formats(histories);
constexpr auto decision_formats = formats(decisions);
constexpr auto settings_formats = formats(settings_outputs);
constexpr auto catalogue_formats = formats(catalogues);
constexpr auto schema_formats = formats(schemas);
constexpr auto manual_formats = formats(manuals);

template <typename Input, std::size_t N>
std::string pick(const Renderer<Input> (&table)[N], Format format, const Input& input, const RenderOptions& options) {
    for (const Renderer<Input>& row : table)
        if (row.format == format) return row.write(input, options);
    return table[0].write(input, options); // not reached: the command line refuses other formats
}

} // namespace

std::span<const Format> formats_of(Output output) {
    switch (output) {
    case Output::diagnostics: return diagnostics_formats;
    case Output::registry: return registry_formats;
    case Output::comparison: return comparison_formats;
    case Output::history: return history_formats;
    case Output::decision: return decision_formats;
    case Output::settings: return settings_formats;
    case Output::catalogue: return catalogue_formats;
    case Output::schema: return schema_formats;
    case Output::manual: return manual_formats;
    }
    return diagnostics_formats;
}

std::string render(Format format, const ReportInput& input, const RenderOptions& options) {
    return pick(diagnostics, format, input, options);
}
std::string render(Format format, const RegistryDocument& input, const RenderOptions& options) {
    return pick(registries, format, input, options);
}
std::string render(Format format, const RegistryComparison& input, const RenderOptions& options) {
    return pick(comparisons, format, input, options);
}
std::string render(Format format, const history::HistoryResult& input, const RenderOptions& options) {
    return pick(histories, format, input, options);
}
std::string render(Format format, const decision::Decision& input, const RenderOptions& options) {
    return pick(decisions, format, input, options);
}
std::string render(Format format, const SettingsReport& input, const RenderOptions& options) {
    return pick(settings_outputs, format, input, options);
}
std::string render(Format format, std::span<const RuleInfo> input, const RenderOptions& options) {
    return pick(catalogues, format, input, options);
}
std::string render(Format format, const SchemaRequest& input, const RenderOptions& options) {
    return pick(schemas, format, input, options);
}
std::string render(Format format, const ManualPage& input, const RenderOptions& options) {
    return pick(manuals, format, input, options);
}

} // namespace ksa::report
