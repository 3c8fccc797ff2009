// --history --format markdown and --format svg on a hand-built history with cases, a
// regression, an absence and hostile names: goldens (tests/data/history/, rewritten with
// KSA_UPDATE_GOLDENS=1), the table's shape, escaping, and the timeline's spans.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "history/render.h"
#include "history/stability.h"
#include "support/text.h"

using namespace ksa::history;
namespace fs = std::filesystem;

namespace {

using Strings = std::vector<std::string>;

const fs::path golden_dir = fs::path(KSA_TEST_DATA_DIR) / "history";

void require_golden(const std::string& name, const std::string& actual) {
    const fs::path path = golden_dir / name;
    const char* update = std::getenv("KSA_UPDATE_GOLDENS");
    if (update != nullptr && *update != '\0') {
        fs::create_directories(golden_dir);
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(actual.data(), static_cast<std::streamsize>(actual.size()));
        REQUIRE(out.good());
        WARN("golden rewritten: " << path.string());
        return;
    }
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    std::stringstream expected;
    expected << in.rdbuf();
    REQUIRE(actual == expected.str());
}

constexpr std::int64_t first_noon = 1767225600 + 43200; // 2026-01-01T12:00:00Z
const std::string hostile_name = "x</text><script>alert(1)</script>|*_[a](b)&amp;";

Snapshot snap(const std::string& path, const std::string& version, const std::string& status, Strings passed,
              Strings pending, std::optional<Strings> cases = std::nullopt) {
    Snapshot s;
    s.path = path;
    s.version = version;
    s.has_block = true;
    s.status = status;
    s.cases = std::move(cases);
    s.gates_passed = std::move(passed);
    s.gates_pending = std::move(pending);
    return s;
}

// Ten commits, one a day. kodec (cases mp3 and mp4, a pending hevc gate) as in
// docs/history.md: stable at 2, a release a commit, performance:mp4 leaves gates_passed at 5
// (a regression for mp4 only), 1.5.0 at 6 claims stability (tagged too). "pipe" appears at 3,
// is gone at 5, comes back at 7. A hostile component appears at 8.
HistoryResult sample_result() {
    HistoryResult result;
    MinedHistory& history = result.history;
    for (std::uint32_t i = 0; i < 10; ++i)
        history.commits.push_back({fmt::format("{:02x}{}", i * 17, std::string(38, 'a' + static_cast<char>(i % 6))),
                                   first_noon + static_cast<std::int64_t>(i) * 86400});
    result.tip = history.commits.back().id;
    const std::string kodec_path = "engines/kodec/koder.toml";
    const Strings cases{"mp3", "mp4"};
    const auto kodec = [&](const std::string& version, const std::string& status, Strings passed, Strings pending) {
        return snap(kodec_path, version, status, std::move(passed), std::move(pending), cases);
    };
    ComponentHistory& k = history.components["kodec"];
    k.name = "kodec";
    k.revisions = {
        {0, true, kodec("1.0.0", "experimental", {"feature_parity"}, {"performance:mp4", "feature_parity:hevc"})},
        {1, true, kodec("1.1.0", "experimental", {"feature_parity"}, {"performance:mp4", "feature_parity:hevc"})},
        {2, true, kodec("1.2.0", "stable", {"feature_parity", "performance:mp4"}, {"feature_parity:hevc"})},
        {3, true, kodec("1.3.0", "stable", {"feature_parity", "performance:mp4"}, {"feature_parity:hevc"})},
        {4, true, kodec("1.4.0", "stable", {"feature_parity", "performance:mp4"}, {"feature_parity:hevc"})},
        {5, true, kodec("1.4.0", "stable", {"feature_parity"}, {"feature_parity:hevc", "performance:mp4"})},
        {6, true,
         kodec("1.5.0", "stable", {"feature_parity", "performance:mp4", "stability"}, {"feature_parity:hevc"})},
    };
    ComponentHistory& pipe = history.components["pipe"];
    pipe.name = "pipe";
    const std::string pipe_path = "services/pipe/koder.toml";
    pipe.revisions = {
        {3, true, snap(pipe_path, "2.0.0", "official", {"feature_parity"}, {})},
        {5, false, {}},
        {7, true, snap(pipe_path, "2.1.0", "official", {"feature_parity"}, {})},
    };
    ComponentHistory& evil = history.components[hostile_name];
    evil.name = hostile_name;
    const std::string evil_path = "services/a<b>&\"c'/koder.toml";
    evil.revisions = {
        {8, true, snap(evil_path, "0.1", "stable", {"feature_parity"}, {"stability"}, Strings{"c&d<e>"})},
        {9, true, snap(evil_path, "0.2\"<b>", "stable", {"feature_parity"}, {"stability"}, Strings{"c&d<e>"})}};
    result.window = {0, 9};
    const std::vector<TagRelease> kodec_tags{{"kodec", "1.5.0", "kodec-v1.5.0", 6}};
    for (const auto& [name, component] : history.components) {
        auto verdict =
            judge_component(component, name == "kodec" ? kodec_tags : std::vector<TagRelease>{}, result.window);
        REQUIRE(verdict);
        result.components.push_back(std::move(*verdict));
    }
    std::sort(result.components.begin(), result.components.end(),
              [](const ComponentVerdict& a, const ComponentVerdict& b) { return a.path < b.path; });
    result.invalid.push_back({4, "engines/kodec/self-hosted/koder_<i>.toml", "line 1, column 2: bad | `key` <x>"});
    result.notes.push_back("a note with <angle> & pipe | characters");
    return result;
}

// The rows of the first table: each split at the | that are not escaped.
std::vector<Strings> table_rows(const std::string& markdown) {
    std::vector<Strings> rows;
    std::istringstream lines(markdown);
    std::string line;
    while (std::getline(lines, line)) {
        if (!line.starts_with("|")) {
            if (!rows.empty()) break;
            continue;
        }
        Strings cells;
        std::string cell;
        for (std::size_t i = 1; i < line.size(); ++i) {
            if (line[i] == '\\' && i + 1 < line.size()) {
                cell += line.substr(i, 2);
                ++i;
            } else if (line[i] == '|') {
                cells.push_back(cell);
                cell.clear();
            } else {
                cell += line[i];
            }
        }
        rows.push_back(cells);
    }
    return rows;
}

} // namespace

TEST_CASE("history render: the Markdown report of a history with cases and a regression matches its golden",
          "[history][render]") {
    const std::string markdown = render_markdown(sample_result());
    require_golden("report.md", markdown);
    const auto rows = table_rows(markdown);
    // Header, delimiter, kodec's three cases, pipe, the hostile component.
    REQUIRE(rows.size() == 7);
    for (const Strings& row : rows)
        CHECK(row.size() == 7);
    CHECK(markdown.find("| **kodec** | `mp3` | stable | 2026-01-03 `22cccccccc` (`1.2.0`) | 3: `1.3.0`, `1.4.0`, "
                        "`1.5.0` | — | **passes G3** |") != std::string::npos);
    CHECK(markdown.find("| **kodec** | `mp4` | stable | 2026-01-03 `22cccccccc` (`1.2.0`) | 1: `1.5.0` | 2026-01-06 "
                        "`55ffffffff`: performance left gates\\_passed | needs 2 more releases |") !=
          std::string::npos);
    CHECK(markdown.find("| **kodec** | `hevc` | experimental | — | — | — | experimental |") != std::string::npos);
    CHECK(markdown.find("3 components, 5 cases: **1 passes G3**, 3 need more releases, 1 experimental; **the "
                        "declared stability gate disagrees in 1 case**.") != std::string::npos);
    CHECK(markdown.find("History covered: 10 commits, from 2026-01-01 `00aaaaaaaa` to 2026-01-10 `99dddddddd`.") !=
          std::string::npos);
    CHECK(markdown.find("- **kodec** (`mp4`), `engines/kodec/koder.toml`: stability is in gates\\_passed but not "
                        "earned") != std::string::npos);
}

TEST_CASE("history render: Markdown escapes every value as the registry does", "[history][render]") {
    const std::string markdown = render_markdown(sample_result());
    // Nothing from the repository reaches the page raw: no tag, no link, no cell break.
    CHECK(markdown.find("<script") == std::string::npos);
    CHECK(markdown.find("<angle>") == std::string::npos);
    CHECK(markdown.find("[a](b)") == std::string::npos);
    CHECK(markdown.find("**x&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;\\|\\*\\_\\[a\\](b)&amp;amp;**") !=
          std::string::npos);
    // What can be a code span is one (shown as written, never as HTML), as in the registry.
    CHECK(markdown.find("| `c&d<e>` |") != std::string::npos);
    CHECK(markdown.find("| 1: `0.2\"<b>` |") != std::string::npos);
    CHECK(markdown.find("> note: a note with &lt;angle&gt; &amp; pipe \\| characters") != std::string::npos);
    CHECK(markdown.find("line 1, column 2: bad \\| \\`key\\` &lt;x&gt;") != std::string::npos);
}

TEST_CASE("history render: Markdown says when the window is empty or nothing is self-hosted", "[history][render]") {
    HistoryResult result = sample_result();
    result.components.clear();
    result.notes.clear();
    result.invalid.clear();
    std::string markdown = render_markdown(result);
    CHECK(markdown.find("No self-hosted component in this history.") != std::string::npos);
    CHECK(markdown.find('|') == std::string::npos);
    result.window = {2, 4};
    markdown = render_markdown(result);
    CHECK(markdown.find("History covered: the --since/--until window, 3 commits of 10, from 2026-01-03 `22cccccccc` "
                        "to 2026-01-05 `44eeeeeeee`.") != std::string::npos);
    result.empty_window = true;
    markdown = render_markdown(result);
    CHECK(markdown.find("No commit of the history falls inside the --since/--until window.") != std::string::npos);
    CHECK(markdown.find("History covered") == std::string::npos);
}

TEST_CASE("history render: the SVG timeline matches its golden", "[history][render]") {
    require_golden("timeline.svg", render_svg(sample_result()));
}

TEST_CASE("history render: the SVG timeline is self-contained and escapes every value", "[history][render]") {
    const std::string svg = render_svg(sample_result());
    CHECK(svg.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""));
    CHECK(svg.ends_with("</svg>\n"));
    for (const char* forbidden : {"<script", "href", "url(", "@import", "<image", "<foreignObject", "<style",
                                  "on"
                                  "load="})
        CHECK(svg.find(forbidden) == std::string::npos);
    // The hostile values appear only escaped.
    CHECK(svg.find("x&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;|*_[a](b)&amp;amp;") != std::string::npos);
    CHECK(svg.find("c&amp;d&lt;e&gt;") != std::string::npos);
    CHECK(svg.find(">0.2&quot;&lt;b&gt;</text>") != std::string::npos);
    CHECK(svg.find("services/a&lt;b&gt;&amp;&quot;c&apos;/koder.toml") != std::string::npos);
    // A lane per component and case, each with its verdict.
    CHECK(svg.find(">passes G3</text>") != std::string::npos);
    CHECK(svg.find(">needs 2 more releases</text>") != std::string::npos);
    CHECK(svg.find(">experimental</text>") != std::string::npos);
    CHECK(svg.find(">declared: not earned</text>") != std::string::npos);
    // Releases labelled with their versions; the regression of mp4 marked once.
    CHECK(svg.find(">1.5.0</text>") != std::string::npos);
    CHECK(svg.find("<title>release 1.5.0 (tag kodec-v1.5.0), 2026-01-07 66aaaaaaaa, counted for G3</title>") !=
          std::string::npos);
    std::size_t regressions = 0;
    for (std::size_t at = svg.find("<title>regression, "); at != std::string::npos;
         at = svg.find("<title>regression, ", at + 1))
        ++regressions;
    CHECK(regressions == 1);
    CHECK(svg.find("<title>regression, 2026-01-06 55ffffffff: performance left gates_passed</title>") !=
          std::string::npos);
}

TEST_CASE("history render: the SVG timeline without lanes says why", "[history][render]") {
    HistoryResult result = sample_result();
    result.components.clear();
    std::string svg = render_svg(result);
    CHECK(svg.find(">no self-hosted component in this history</text>") != std::string::npos);
    CHECK(svg.ends_with("</svg>\n"));
    result.empty_window = true;
    svg = render_svg(result);
    CHECK(svg.find("no commit of the history falls inside the --since/--until window") != std::string::npos);
}

TEST_CASE("history render: a case's timeline has its status spans and every regression in the window",
          "[history][render]") {
    const HistoryResult result = sample_result();
    const ComponentHistory& kodec = result.history.components.at("kodec");
    const CaseTimeline mp4 = case_timeline(kodec, "mp4", {0, 9});
    REQUIRE(mp4.spans.size() == 2);
    CHECK(mp4.spans[0].commit == 0);
    CHECK(mp4.spans[0].status == "experimental");
    CHECK(mp4.spans[1].commit == 2);
    CHECK(mp4.spans[1].status == "stable");
    REQUIRE(mp4.regressions.size() == 1);
    CHECK(mp4.regressions[0].commit == 5);
    CHECK(case_timeline(kodec, "mp3", {0, 9}).regressions.empty());
    // Absence is a span of its own; the status before the window holds at its first commit.
    const CaseTimeline pipe = case_timeline(result.history.components.at("pipe"), "", {0, 9});
    REQUIRE(pipe.spans.size() == 4);
    CHECK(pipe.spans[0].status.empty());
    CHECK(pipe.spans[1].commit == 3);
    CHECK(pipe.spans[1].status == "official");
    CHECK(pipe.spans[2].commit == 5);
    CHECK(pipe.spans[2].status.empty());
    CHECK(pipe.spans[3].commit == 7);
    const CaseTimeline late = case_timeline(result.history.components.at("pipe"), "", {4, 9});
    REQUIRE(late.spans.size() == 3);
    CHECK(late.spans[0].commit == 4);
    CHECK(late.spans[0].status == "official");
    // Two regressions of one case are both kept (the verdict only keeps the last).
    ComponentHistory twice = kodec;
    twice.revisions.push_back({8, true,
                               snap("engines/kodec/koder.toml", "1.6.0", "stable", {"performance:mp4"},
                                    {"feature_parity"}, Strings{"mp3", "mp4"})});
    const CaseTimeline two = case_timeline(twice, "mp4", {0, 9});
    REQUIRE(two.regressions.size() == 2);
    CHECK(two.regressions[1].commit == 8);
    CHECK(two.regressions[1].reason == "feature_parity left gates_passed");
}

TEST_CASE("text: escape_xml leaves only characters XML allows and escapes its specials", "[text]") {
    CHECK(ksa::text::escape_xml("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
    CHECK(ksa::text::escape_xml(std::string("nul\0bell\x07", 9)) == "nul\\x00bell\\x07");
    CHECK(ksa::text::escape_xml("bad \xff utf-8") == "bad \\xff utf-8");
    CHECK(ksa::text::escape_xml("\xef\xbf\xbe") == "\\u{fffe}"); // a noncharacter XML forbids
    CHECK(ksa::text::escape_xml("ünïcödé") == "ünïcödé");
}
