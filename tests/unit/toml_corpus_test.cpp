// Every invalid file of the toml-test suite (files-toml-1.0.0), audited as a koder.toml: exactly one
// KSA001 with a line and a column (KSA015 for the files with a NUL byte), never a crash, and
// reports that stay printable and valid JSON whatever bytes the file holds.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "audit/engine.h"
#include "report/report.h"
#include "source/worktree_source.h"
#include "support/text.h"
#include "test_support.h"

namespace fs = std::filesystem;

using namespace ksa::test;

namespace {

const fs::path corpus_dir = fs::path(KSA_TEST_DATA_DIR) / "toml-test" / "invalid";

std::vector<fs::path> corpus_files() {
    std::vector<fs::path> files;
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(corpus_dir))
        if (entry.is_regular_file() && entry.path().extension() == ".toml") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

// Only newlines separate lines; no other C0 control, DEL, C1 control or invalid UTF-8 is printed.
bool is_printable_text(const std::string& text) {
    if (!ksa::text::is_valid_utf8(text)) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\n') || c == 0x7F) return false;
        if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0) return false;
    }
    return true;
}

} // namespace

TEST_CASE("toml-test: every invalid TOML 1.0.0 file is KSA001 with a position, or KSA015", "[audit][corpus]") {
    const std::vector<fs::path> files = corpus_files();
    // The number of invalid/*.toml entries in toml-test's tests/files-toml-1.0.0.
    REQUIRE(files.size() == 499);

    TempDir dir;
    ksa::WorktreeSource source(dir.path());
    const std::vector<ksa::Candidate> candidates{{"koder.toml", ksa::EntryKind::file}};
    std::size_t with_nul = 0;
    for (const fs::path& file : files) {
        const std::string name = file.lexically_relative(corpus_dir).generic_string();
        const std::string content = read_file(file);
        dir.write("koder.toml", content);
        const bool has_nul = content.find('\0') != std::string::npos;
        with_nul += has_nul ? 1 : 0;

        const ksa::AuditConfig config;
        const ksa::audit::AuditRun run = ksa::audit::audit_candidates(source, candidates, config);
        INFO("toml-test invalid/" << name);
        INFO(describe(run.diagnostics));
        REQUIRE(run.diagnostics.size() == 1);
        const ksa::Diagnostic& d = run.diagnostics.front();
        CHECK(d.severity == ksa::Severity::error);
        CHECK(d.path == "koder.toml");
        if (has_nul) {
            CHECK(d.rule == ksa::RuleCode::manifest_unreadable);
        } else {
            CHECK(d.rule == ksa::RuleCode::toml_syntax);
            CHECK(d.span.line > 0);
            CHECK(d.span.column > 0);
        }

        const ksa::report::ReportInput input{"working tree", config.phase, run.files_checked, run.diagnostics};
        CHECK(is_printable_text(ksa::report::render_text(input, false)));
        std::string json_error;
        const bool json_ok = is_valid_json(ksa::report::render_json(input), &json_error);
        std::string sarif_error;
        const bool sarif_ok = is_valid_json(ksa::report::render_sarif(input), &sarif_error);
        INFO("json: " << json_error << "; sarif: " << sarif_error);
        CHECK(json_ok);
        CHECK(sarif_ok);
    }
    CHECK(with_nul == 11); // control/*-null.toml, encoding/utf16-*.toml and bad-utf8-in-array.toml
}
