#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "registry/registry.h"
#include "support/text.h"

namespace ksa::registry {
namespace {

std::string join_cells(const std::vector<std::string>& values,
                       std::string (*format)(std::string_view) = markdown_cell) {
    std::string joined;
    for (const std::string& value : values) {
        if (!joined.empty()) joined += ", ";
        joined += format(value);
    }
    return joined;
}

std::string counted(const std::vector<std::string>& gates) {
    if (gates.empty()) return "0";
    return fmt::format("{}: {}", gates.size(), join_cells(gates, markdown_code));
}

std::string status_cell(const PairRow& row) {
    std::string cell = row.status.empty() ? std::string("—") : fmt::format("**{}**", markdown_cell(row.status));
    if (row.cases && !row.cases->empty()) cell += fmt::format(" for {}", join_cells(*row.cases, markdown_code));
    return cell;
}

std::string evidence_cell(const PairRow& row) {
    std::vector<std::string> parts;
    if (!row.benchmark_ref.empty()) parts.push_back("benchmark: " + markdown_code(row.benchmark_ref));
    if (!row.production_ref.empty()) parts.push_back("production: " + join_cells(row.production_ref, markdown_code));
    if (parts.empty()) return "—";
    std::string cell = parts.front();
    for (std::size_t i = 1; i < parts.size(); ++i)
        cell += "; " + parts[i];
    return cell;
}

std::string or_dash(const std::string& cell) { return cell.empty() ? std::string("—") : cell; }

void summary(std::string& out, const RenderedRegistry& registry) {
    std::map<std::string, std::size_t> by_status;
    for (const RenderedRow& row : registry.pairs)
        ++by_status[row.status];
    std::string counts;
    std::size_t known = 0;
    for (std::string_view status : {"official", "stable", "experimental", "legacy"}) {
        if (!counts.empty()) counts += ", ";
        const auto found = by_status.find(std::string(status));
        const std::size_t count = found == by_status.end() ? 0 : found->second;
        known += count;
        counts += fmt::format("{} {}", count, status);
    }
    // Rows whose status is not in the enum (their manifests fail KSA005) are counted apart.
    if (known < registry.pairs.size()) counts += fmt::format(", {} other", registry.pairs.size() - known);
    out += fmt::format("{} active pair{} ({}), {} skipped pair{}, {} module{} declaring no external alternative.\n\n",
                       registry.pairs.size(), registry.pairs.size() == 1 ? "" : "s", counts, registry.skipped.size(),
                       registry.skipped.size() == 1 ? "" : "s", registry.no_alternative.size(),
                       registry.no_alternative.size() == 1 ? "" : "s");
}

constexpr std::string_view pairs_heading = "## Active pairs\n\n";
constexpr std::string_view skipped_heading = "\n## Skipped pairs (explicit out-of-scope decisions)\n\n";
constexpr std::string_view no_alternative_heading = "\n## Modules with no external alternative\n\n";

constexpr std::string_view status_enum = R"(## Status enum

| Status | Meaning | Effect on the decision |
|---|---|---|
| experimental | Public API may change; gate G3 fails. | Prefer the external alternative; document the gap and, optionally, open a promotion ticket on the candidate. |
| stable | API stable; gate G3 passes for the documented cases. | The Koder candidate may be preferred when the other gates close for the case. |
| official | Stack default for the documented cases; the gates clear for those cases. | New code MUST prefer the Koder candidate unless an explicit gate fails for the case at hand. |
| legacy | Superseded by another self-hosted component. | New code MUST NOT use it; existing uses follow runtime-lib-first.kmd § Strict SemVer deprecation cycles. |

)";

constexpr std::string_view how_to_add = R"(## Adding a new pair

1. Open the candidate Koder component's `koder.toml` (or add a `self-hosted/koder_<name>.toml` fragment for a second axis of the same module).
2. Add a `[self_hosted]` block with `replaces`, `status`, `gates_passed`, `gates_pending`, the evidence pointers (`benchmark_ref`, `production_ref`) and, optionally, a one-line `notes` remark (tickets, RFCs, sister modules) for the Notes column.
3. Validate it: `koder-spec-audit self-hosted --validate <module>`.
4. Regenerate this file: `koder-spec-audit self-hosted --report`, and commit both.
5. Open the PR. Hand edits to this file are rejected by the hooks.

A module with category `engine` or `infra-tooling` that competes with nothing outside the Stack declares `[no_external_alternative]` with a `reason` instead.

## Cross-references

- `policies/self-hosted-first.kmd`: decision protocol and gates.
- `rfcs/policies-RFC-002-self-hosted-first.md`: design and migration plan.
- `policies/web-server.kmd`: applied case (Koder Jet).
- `policies/code-first.kmd`: orthogonal sibling (mechanical vs analytical axis).
- `policies/reuse-first.kmd`: orthogonal sibling (cross-cutting reuse axis).
)";

} // namespace

std::string markdown_cell(std::string_view value) {
    // Controls, C1 and bidi controls and invalid UTF-8 become visible escapes first (the same
    // rule as for terminals), then Markdown and HTML specials are neutralised.
    std::string spaced(value);
    std::replace_if(
        spaced.begin(), spaced.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
    const std::string safe = text::escape_for_terminal(spaced);
    std::string cell;
    cell.reserve(safe.size());
    for (char c : safe) {
        switch (c) {
        case '|':
        case '\\':
        case '`':
        case '*':
        case '_':
        case '[':
        case ']':
        case '#':
        case '~':
        case '!':
            cell += '\\';
            cell += c;
            break;
        case '<': cell += "&lt;"; break;
        case '>': cell += "&gt;"; break;
        case '&': cell += "&amp;"; break;
        default: cell += c;
        }
    }
    return cell;
}

std::string markdown_code(std::string_view value) {
    const bool plain = !value.empty() && value.front() != ' ' && value.back() != ' ' &&
                       value.find('`') == std::string_view::npos && text::escape_for_terminal(value) == value;
    if (!plain) return markdown_cell(value);
    std::string span = "`";
    for (char c : value) {
        if (c == '|') span += '\\'; // GFM splits cells at | even inside code spans
        span += c;
    }
    span += '`';
    return span;
}

RenderedRegistry render_rows(const Registry& registry) {
    RenderedRegistry rendered;
    for (const PairRow& row : registry.pairs) {
        std::string name = fmt::format("**{}**", markdown_cell(row.display_name));
        if (!row.name.empty() && row.name != row.display_name) name += fmt::format(" ({})", markdown_cell(row.name));
        rendered.pairs.push_back(
            {row.manifest_path, row.status,
             fmt::format(" {} | {} | {} | {} | {} | {} | {} | {} |", name, markdown_code(row.manifest_path),
                         or_dash(join_cells(row.replaces)), status_cell(row), counted(row.gates_passed),
                         counted(row.gates_pending), evidence_cell(row), or_dash(markdown_cell(row.notes)))});
    }
    for (const SkippedRow& row : registry.skipped)
        rendered.skipped.push_back(
            {row.manifest_path,
             {},
             fmt::format(" {} | {} | **skip**{} | {} | {} | {} |", or_dash(markdown_cell(row.external)),
                         markdown_code(row.module_dir.empty() ? row.manifest_path : row.module_dir),
                         row.date.empty() ? std::string() : fmt::format(" ({})", markdown_cell(row.date)),
                         or_dash(markdown_cell(row.rationale)), or_dash(markdown_cell(row.ticket)),
                         markdown_code(row.manifest_path))});
    for (const NoAlternativeRow& row : registry.no_alternative)
        rendered.no_alternative.push_back(
            {row.manifest_path,
             {},
             fmt::format(" **{}** | {} | {} |", markdown_cell(row.display_name), markdown_code(row.manifest_path),
                         or_dash(markdown_cell(row.reason)))});
    return rendered;
}

std::string assemble(const RenderedRegistry& registry) {
    std::string out;
    out += generated_header;
    out += "\n\n# Registry: self-hosted ↔ external pairs\n\n";
    out += "Generated by `koder-spec-audit self-hosted --report` from every `[self_hosted]` block of the "
           "monorepo's `koder.toml` files and `self-hosted/koder_*.toml` fragments. Do not edit it: edit the "
           "manifests and regenerate. AI sessions and people applying the decision protocol of "
           "`policies/self-hosted-first.kmd` read this file, not the policy text.\n\n";
    summary(out, registry);

    out += std::string(pairs_heading);
    out += "Rows follow the manifests' paths (a module's fragments after its `koder.toml`), so a new module moves "
           "the numbers after it: cite a component by its name and manifest path, as `self-hosted --decide` does.\n\n";
    out += "| # | Self-hosted (Koder) | koder.toml location | Replaces | Status | Gates passed | Gates pending | "
           "Evidence | Notes |\n";
    out += "|---|---|---|---|---|---|---|---|---|\n";
    std::size_t number = 0;
    for (const RenderedRow& row : registry.pairs)
        out += fmt::format("| {} |{}\n", ++number, row.cells);
    if (registry.pairs.empty()) out += "| — | no `[self_hosted]` block in this tree | — | — | — | — | — | — | — |\n";

    out += std::string(skipped_heading);
    out += "Pairs reviewed and explicitly declined (`[[self_hosted.skipped]]`), so later sweeps do not bootstrap "
           "them again. A skip is reversible: when demand surfaces, open a ticket and remove the entry.\n\n";
    out += "| # | External | Bootstrapped against | Decision | Rationale | Source ticket | Declared in |\n";
    out += "|---|---|---|---|---|---|---|\n";
    number = 0;
    for (const RenderedRow& row : registry.skipped)
        out += fmt::format("| S{} |{}\n", ++number, row.cells);
    if (registry.skipped.empty()) out += "| — | none | — | — | — | — | — |\n";

    out += std::string(no_alternative_heading);
    out += "Engines and infra-tooling that declared `[no_external_alternative]`: nothing outside the Stack "
           "competes with them, so the obligation to declare `[self_hosted]` does not apply.\n\n";
    out += "| Module | koder.toml location | Reason |\n|---|---|---|\n";
    for (const RenderedRow& row : registry.no_alternative)
        out += fmt::format("|{}\n", row.cells);
    if (registry.no_alternative.empty()) out += "| none | — | — |\n";
    out += "\n";
    out += status_enum;
    out += how_to_add;
    return out;
}

std::string render_markdown(const Registry& registry) { return assemble(render_rows(registry)); }

} // namespace ksa::registry
