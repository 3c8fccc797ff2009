// report/report.h: the text, JSON and SARIF renderers.
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "report/renderers.h"
#include "report/report.h"
#include "support/text.h"
#include "test_support.h"

using ksa::Diagnostic;
using ksa::Diagnostics;
using ksa::Phase;
using ksa::RuleCode;
using ksa::Severity;
using ksa::report::ReportInput;
using namespace ksa::test;

namespace {

// status = "stabel" on line 5, value at columns 10-17.
const char* typo_manifest = R"(category = "engine"

[self_hosted]
replaces = ["nginx"]
status = "stabel"
gates_passed = ["feature_parity"]
gates_pending = ["performance"]
)";

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

// Code points before byte offset `offset` of `line`: the on-screen column, 0-based.
std::size_t screen_column(const std::string& line, std::size_t offset) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < offset && i < line.size(); ++i)
        if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++count;
    return count;
}

// True when `text` holds no byte a terminal would act on: C0 controls but '\n', DEL, C1 controls,
// invalid UTF-8.
bool is_inert(const std::string& text) {
    if (!ksa::text::is_valid_utf8(text)) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\n') || c == 0x7F) return false;
        if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0) return false;
    }
    return true;
}

Diagnostic file_level(std::string path) {
    Diagnostic d;
    d.rule = RuleCode::manifest_unreadable;
    d.severity = Severity::error;
    d.path = std::move(path);
    d.message = "manifest path is a symbolic link, expected a regular file";
    return d;
}

} // namespace

TEST_CASE("text report: location, severity and code, excerpt with marker, help, summary", "[report]") {
    const Diagnostics diagnostics = check_manifest(typo_manifest);
    REQUIRE(diagnostics.size() == 1);
    const ReportInput input{"working tree", Phase::advisory, 1, diagnostics};
    const std::string text = ksa::report::render_text(input, false);
    const auto lines = lines_of(text);
    INFO(text);
    REQUIRE(lines.size() == 5);
    CHECK(lines[0] == "engines/demo/koder.toml:5:10: error[KSA005]: `status = \"stabel\"` is not a known status");
    CHECK(lines[1] == " 5 | status = \"stabel\"");
    CHECK(lines[2] == "   | " + std::string(9, ' ') + "^" + std::string(7, '~'));
    CHECK_THAT(lines[3], Catch::StartsWith("  help: did you mean `stable`?"));
    CHECK(lines[4] == "koder-spec-audit: 1 error, 0 warnings in 1 manifest checked in the working tree (phase 4)");
    // The marker starts under the value's opening quote.
    CHECK(lines[2].find('^') == lines[1].find('"'));
    CHECK(text.find('\x1b') == std::string::npos);
}

TEST_CASE("text report: the marker counts columns in code points", "[report]") {
    const Diagnostics diagnostics = check_manifest("category = \"engine\"\n\n[self_hosted]\n"
                                                   "replaces = [\"caf\xc3\xa9 \xc3\xa0 la carte\", 3]\n"
                                                   "status = \"stable\"\ngates_passed = []\ngates_pending = []\n");
    REQUIRE(diagnostics.size() == 1);
    const ReportInput input{"index", Phase::advisory, 1, diagnostics};
    const auto lines = lines_of(ksa::report::render_text(input, false));
    REQUIRE(lines.size() >= 3);
    CHECK_THAT(lines[0], Catch::StartsWith("engines/demo/koder.toml:4:"));
    const std::size_t value = lines[1].find(", 3]") + 2;
    CHECK(screen_column(lines[2], lines[2].find('^')) == screen_column(lines[1], value));
    CHECK(lines[2].substr(lines[2].find('^')) == "^");
}

TEST_CASE("text report: colour only when asked", "[report]") {
    const Diagnostics diagnostics = check_manifest(typo_manifest);
    const ReportInput input{"working tree", Phase::advisory, 1, diagnostics};
    CHECK(ksa::report::render_text(input, false).find('\x1b') == std::string::npos);
    const std::string colored = ksa::report::render_text(input, true);
    CHECK_THAT(colored, Catch::Contains("\x1b[1;31m"));
    CHECK_THAT(colored, Catch::Contains("\x1b[0m"));
}

TEST_CASE("text report: control characters in values are escaped, never printed raw", "[report]") {
    // TOML escapes put a raw ESC, a CSI (U+009B) and DEL into the parsed value.
    const Diagnostics parsed = check_manifest(R"(category = "engine"

[self_hosted]
replaces = ["nginx"]
status = "st\u001b[2J\u009b31mable\u007f"
gates_passed = []
gates_pending = []
)");
    REQUIRE(parsed.size() == 1);
    REQUIRE(parsed.front().message.find('\x1b') != std::string::npos);
    const ReportInput input{"working tree", Phase::strict, 1, parsed};
    const std::string text = ksa::report::render_text(input, false);
    INFO(text);
    CHECK(is_inert(text));
    CHECK_THAT(text, Catch::Contains("st\\x1b[2J\\u{009b}31mable\\x7f"));

    // Every field a diagnostic carries, hostile.
    Diagnostic d = file_level("evil\x1b]0;title\x07/\nkoder.toml");
    d.message = "bad\rvalue\xc2\x9b\xff";
    d.hint = "hint\x1b[5m";
    d.context = "refs/heads/\x1b[31mmain";
    d.span = {1, 1, 4};
    d.source_line = "a\x1b[1mb\tc";
    const Diagnostics hostile{d};
    const std::string rendered = ksa::report::render_text({"revision \x1b[0m", Phase::advisory, 1, hostile}, false);
    INFO(rendered);
    CHECK(is_inert(rendered));
    CHECK_THAT(rendered, Catch::Contains("evil\\x1b]0;title\\x07/\\nkoder.toml:1:1: error[KSA015]: "));
}

TEST_CASE("text report: a file-level diagnostic has no line, column or excerpt", "[report]") {
    const Diagnostics diagnostics{file_level("engines/demo/koder.toml")};
    const auto lines = lines_of(ksa::report::render_text({"working tree", Phase::advisory, 0, diagnostics}, false));
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] ==
          "engines/demo/koder.toml: error[KSA015]: manifest path is a symbolic link, expected a regular file");
    CHECK(lines[1] == "koder-spec-audit: 1 error, 0 warnings in 0 manifests checked in the working tree (phase 4)");
}

TEST_CASE("text report: summary lines", "[report]") {
    const Diagnostics none;
    CHECK(ksa::report::render_text({"working tree", Phase::strict, 2, none}, false) ==
          "koder-spec-audit: 2 manifests checked in the working tree, no problems (phase 5)\n");
    CHECK(ksa::report::render_text({"index", Phase::advisory, 1, none}, false) ==
          "koder-spec-audit: 1 manifest checked in the index, no problems (phase 4)\n");
    const Diagnostics mixed = check_manifest("[package]\nname = \"x\"\n\n[self_hosted]\nreplaces = [\"a\"]\n"
                                             "status = \"stable\"\ngates_passed = []\ngates_pending = []\n"
                                             "extra = 1\nmore = 2\n",
                                             {});
    REQUIRE(mixed.size() == 3);
    const auto lines = lines_of(ksa::report::render_text({"working tree", Phase::advisory, 3, mixed}, false));
    CHECK(lines.back() ==
          "koder-spec-audit: 0 errors, 3 warnings in 3 manifests checked in the working tree (phase 4)");
}

TEST_CASE("json report: valid JSON with the diagnostic's fields", "[report]") {
    const Diagnostics diagnostics = check_manifest(typo_manifest);
    const std::string json = ksa::report::render_json({"working tree", Phase::advisory, 1, diagnostics});
    INFO(json);
    CHECK(json_problem(json).empty());
    for (const char* field :
         {R"("version": 1)", R"("tool": "koder-spec-audit")", R"("source": "working tree")", R"("phase": 4)",
          R"("files_checked": 1)", R"("errors": 1)", R"("warnings": 0)", R"("rule": "KSA005")",
          R"("name": "status-invalid")", R"("severity": "error")", R"("path": "engines/demo/koder.toml")",
          R"("line": 5)", R"("column": 10)", R"("end_column": 18)", R"("source_line": "status = \"stabel\"")"})
        CHECK_THAT(json, Catch::Contains(field));
    CHECK(json.find("\"context\"") == std::string::npos); // only when set
    const ReportInput input{"working tree", Phase::advisory, 1, diagnostics};
    CHECK(ksa::report::render(ksa::report::Format::json, input, {true}) == json);
}

TEST_CASE("json report: hostile bytes still make valid JSON", "[report]") {
    Diagnostic d = file_level("bad\xff/\"quoted\"\\/koder.toml");
    d.message = "ctl\x01\x1b\n";
    d.context = "ref \xc3";
    const Diagnostics diagnostics{d};
    const std::string json = ksa::report::render_json({"index", Phase::strict, 0, diagnostics});
    CHECK(json_problem(json).empty());
    CHECK_THAT(json, Catch::Contains(R"("context": "ref \\xc3")"));
    const Diagnostics none;
    CHECK(is_valid_json(ksa::report::render_json({"index", Phase::strict, 0, none})));
}

TEST_CASE("sarif report: version 2.1.0, rule ids, regions and relative URIs", "[report]") {
    const Diagnostics diagnostics = check_manifest(typo_manifest);
    const std::string sarif = ksa::report::render_sarif({"working tree", Phase::advisory, 1, diagnostics});
    INFO(sarif);
    CHECK(json_problem(sarif).empty());
    for (const char* field :
         {R"("version": "2.1.0")", R"("ruleId": "KSA005")", R"("ruleIndex": 4)", R"("level": "error")",
          R"("startLine": 5)", R"("startColumn": 10)", R"("endColumn": 18)", R"("uri": "engines/demo/koder.toml")",
          R"("uriBaseId": "%SRCROOT%")", R"("%SRCROOT%": {)", R"("id": "KSA017")", R"("name": "koder-spec-audit")"})
        CHECK_THAT(sarif, Catch::Contains(field));
    CHECK(sarif.find("file:") == std::string::npos);
    CHECK(sarif.find("\"uri\": \"/") == std::string::npos);
    const ReportInput input{"working tree", Phase::advisory, 1, diagnostics};
    CHECK(ksa::report::render(ksa::report::Format::sarif, input, {false}) == sarif);
}

TEST_CASE("sarif report: URIs are percent-encoded, file-level results have no region", "[report]") {
    const Diagnostics diagnostics{file_level("my module/caf\xc3\xa9#1/koder.toml")};
    const std::string sarif = ksa::report::render_sarif({"working tree", Phase::strict, 0, diagnostics});
    CHECK(json_problem(sarif).empty());
    CHECK_THAT(sarif, Catch::Contains(R"("uri": "my%20module/caf%C3%A9%231/koder.toml")"));
    CHECK(sarif.find("\"region\"") == std::string::npos);
    CHECK_THAT(sarif, Catch::Contains(R"("ruleId": "KSA015")"));
}

TEST_CASE("text report: a very long source line is shown as a window around the marker", "[report]") {
    Diagnostic d;
    d.rule = RuleCode::status_invalid;
    d.severity = Severity::error;
    d.path = "engines/x/koder.toml";
    const std::string value(100000, 'v');
    d.source_line = "status = \"" + value + "\" # tail";
    d.span = {3, 500, 600};
    const Diagnostics list{d};
    const std::string rendered = ksa::report::render_text(ReportInput{"working tree", Phase::advisory, 1, list}, false);
    std::istringstream lines(rendered);
    std::string line;
    std::string excerpt;
    std::string marker;
    while (std::getline(lines, line)) {
        if (line.rfind(" 3 |", 0) == 0) excerpt = line;
        if (line.rfind("   |", 0) == 0) marker = line;
    }
    REQUIRE_FALSE(excerpt.empty());
    CHECK(excerpt.size() < 400);
    CHECK(excerpt.find("…") != std::string::npos);
    // The marker still sits under the value: the caret's column points at a 'v'.
    const auto caret = marker.find('^');
    REQUIRE(caret != std::string::npos);
    CHECK(excerpt.size() > caret);
    CHECK(rendered.size() < 2000);
}
