// Fuzz target: arbitrary bytes as a manifest, through the audit engine the way a hook calls it
// (read checks, nesting pre-scan, toml++, every rule), as a module manifest (phase 4) and as a
// fragment (phase 5); then the three report formats, the registry rows of the same file, and the
// bytes as the repository's .koder-spec-audit.toml.
#include <cstdint>
#include <string>
#include <string_view>

#include "audit/engine.h"
#include "config/audit_config.h"
#include "fuzz_support.h"
#include "registry/registry.h"
#include "report/report.h"
#include "support/text.h"

namespace {

using namespace ksa;

constexpr std::string_view module_path = "engines/fuzz/koder.toml";
constexpr std::string_view fragment_path = "engines/fuzz/self-hosted/koder_fuzz.toml";

void check_reports(const audit::AuditRun& run, Phase phase) {
    const report::ReportInput input{"fuzz input", phase, run.files_checked, run.diagnostics};
    // Text without colour: what a pusher's terminal receives; nothing raw may reach it.
    fuzz::require_terminal_safe(report::render_text(input, false), "text report holds a raw control character");
    for (const std::string& machine : {report::render_json(input), report::render_sarif(input)}) {
        if (!text::is_valid_utf8(machine)) fuzz::violated("JSON/SARIF report is not valid UTF-8", machine);
        for (char c : machine)
            if (static_cast<unsigned char>(c) < 0x20 && c != '\n')
                fuzz::violated("JSON/SARIF report holds a raw C0 control character", machine);
    }
    for (const Diagnostic& diagnostic : run.diagnostics) {
        if (diagnostic.path != module_path && diagnostic.path != fragment_path)
            fuzz::violated("a diagnostic names a file that was not audited", diagnostic.path);
        if (diagnostic.span.line < 0 || diagnostic.span.column < 0) fuzz::violated("negative position");
    }
}

void audit_as(std::string_view path, const std::string& bytes, Phase phase) {
    fuzz::MemorySource source;
    source.add(std::string(path), bytes);
    AuditConfig config;
    config.phase = phase;
    const std::vector<Candidate> candidates{{std::string(path), EntryKind::file}};
    const audit::AuditRun run = audit::audit_candidates(source, candidates, config);
    check_reports(run, phase);

    // The registry rows of the same manifest, rendered and read back.
    const registry::BuildResult built = registry::build_rows(source, candidates, config);
    const std::string markdown = registry::render_markdown(built.registry);
    if (!text::is_valid_utf8(markdown)) fuzz::violated("registry is not valid UTF-8", markdown);
    (void)registry::render_json(built.registry, "meta/registry.md");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    // One phase per kind keeps the target fast; the phase changes severities, not code paths.
    audit_as(module_path, bytes, Phase::advisory);
    audit_as(fragment_path, bytes, Phase::strict);
    // The same bytes as the configuration file: a value or a Failure, never a crash.
    auto config = parse_config(bytes, ".koder-spec-audit.toml");
    if (!config) fuzz::require_terminal_safe(text::escape_for_terminal(config.failure().message), "config failure");
    return 0;
}
