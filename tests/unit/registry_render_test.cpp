// registry/registry.h: render_markdown and render_json on hand-built registries (golden files
// under tests/data/registry/), hostile values, markdown_cell and markdown_code.
//
// To rewrite the goldens after an intended change of the output, run the tests with
// KSA_UPDATE_GOLDENS=1 and review the diff of tests/data/registry/ before committing it.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "registry/registry.h"
#include "support/line_diff.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace std::string_literals;

using ksa::registry::markdown_cell;
using ksa::registry::markdown_code;
using ksa::registry::NoAlternativeRow;
using ksa::registry::PairRow;
using ksa::registry::Registry;
using ksa::registry::render_json;
using ksa::registry::render_markdown;
using ksa::registry::SkippedRow;
using namespace ksa::test;

namespace {

const fs::path golden_dir = fs::path(KSA_TEST_DATA_DIR) / "registry";

// Compares `actual` with the golden file `name`; with KSA_UPDATE_GOLDENS set, rewrites it.
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
    REQUIRE(fs::exists(path));
    const std::string expected = read_file(path);
    const auto diff = ksa::text::unified_diff(expected, actual, "golden/" + name, "actual/" + name);
    INFO("golden " << path.string() << " (rewrite with KSA_UPDATE_GOLDENS=1):\n"
                   << diff.value_or("(too large to diff)"));
    CHECK(actual == expected);
}

std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> lines;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        lines.emplace_back(text.substr(0, newline));
        text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    }
    return lines;
}

// The cells of a GFM table line "| a | b |": its pipes that are not escaped (cmark-gfm treats
// a pipe right after a backslash as part of the cell, inside code spans too), minus one.
std::size_t cell_count(std::string_view line) {
    std::size_t pipes = 0;
    for (std::size_t i = 0; i < line.size(); ++i)
        if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++pipes;
    return pipes == 0 ? 0 : pipes - 1;
}

struct Table {
    std::size_t header_line = 0; // 0-based
    std::size_t columns = 0;
    std::size_t rows = 0; // data rows
};

// Checks every table of `markdown`: each line from the header to the first line that is not a
// table line has as many cells as the header, starts with "| " and ends with " |". A table
// line outside any table (a row that broke loose) fails too.
std::vector<Table> check_tables(const std::string& markdown) {
    std::vector<Table> tables;
    const std::vector<std::string> lines = lines_of(markdown);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        if (!line.starts_with("|")) continue;
        INFO("line " << i + 1 << ": " << line);
        // A table starts at a header followed by a delimiter row.
        REQUIRE(i + 1 < lines.size());
        REQUIRE(lines[i + 1].starts_with("|---"));
        Table table{i, cell_count(line), 0};
        CHECK(table.columns >= 3);
        CHECK(cell_count(lines[i + 1]) == table.columns);
        std::size_t j = i + 2;
        for (; j < lines.size() && lines[j].starts_with("|"); ++j) {
            INFO("table row, line " << j + 1 << ": " << lines[j]);
            CHECK(cell_count(lines[j]) == table.columns);
            CHECK(lines[j].starts_with("| "));
            CHECK(lines[j].ends_with(" |"));
            ++table.rows;
        }
        // A table ends at a blank line: a row that lost its leading pipe would continue it.
        if (j < lines.size()) CHECK(lines[j].empty());
        tables.push_back(table);
        i = j;
    }
    return tables;
}

// The text with its code spans (`...`, no backtick inside) removed.
std::string without_code_spans(std::string_view line) {
    std::string out;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '`' && (i == 0 || line[i - 1] != '\\')) {
            const auto close = line.find('`', i + 1);
            if (close != std::string_view::npos) {
                i = close;
                continue;
            }
        }
        out += line[i];
    }
    return out;
}

// No raw C0 control but '\n', no DEL, no C1 control (UTF-8 C2 80..C2 9F).
std::string first_control_byte(const std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\n') || c == 0x7F) return "byte " + std::to_string(c) + " at " + std::to_string(i);
        if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
            static_cast<unsigned char>(text[i + 1]) <= 0x9F)
            return "C1 control at " + std::to_string(i);
    }
    return "";
}

bool has_c0_or_del(const std::string& text) {
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && c != '\n') || c == 0x7F) return true;
    }
    return false;
}

Registry typical_registry() {
    Registry registry;
    PairRow jet;
    jet.display_name = "Koder Jet";
    jet.name = "koder-jet";
    jet.manifest_path = "infra/net/jet/koder.toml";
    jet.module_dir = "infra/net/jet";
    jet.replaces = {"nginx", "caddy", "apache"};
    jet.status = "official";
    jet.gates_passed = {"feature_parity", "performance", "capability:tls", "production_proven"};
    jet.benchmark_ref = "infra/net/jet/bench/jet-vs-nginx.md";
    jet.production_ref = {"s.forge", "s.poc.vivver.com"};

    PairRow kodec;
    kodec.display_name = "kodec";
    kodec.name = "kodec";
    kodec.manifest_path = "engines/kodec/koder.toml";
    kodec.module_dir = "engines/kodec";
    kodec.replaces = {"ffmpeg", "gstreamer"};
    kodec.status = "stable";
    kodec.cases = std::vector<std::string>{"mp3", "mp4"};
    kodec.gates_passed = {"feature_parity:mp3", "performance:mp3", "stability"};
    kodec.gates_pending = {"feature_parity:hevc", "capability:av1 = engines/kodec/backlog/12.md"};

    PairRow kasm;
    kasm.display_name = "kasm";
    kasm.name = "kasm";
    kasm.manifest_path = "engines/lang/lang/self-hosted/koder_asm.toml";
    kasm.module_dir = "engines/lang/lang";
    kasm.replaces = {"nasm", "gas"};
    kasm.status = "experimental";
    kasm.gates_pending = {"stability = rfcs/RFC-7.md", "production_proven"};
    kasm.production_ref = {"engines/kodec"};

    PairRow koda;
    koda.display_name = "Koder Koda";
    koda.name = "koder-lang";
    koda.manifest_path = "engines/lang/lang/koder.toml";
    koda.module_dir = "engines/lang/lang";
    koda.replaces = {"rust", "c++"};
    koda.status = "stable";
    koda.cases = std::vector<std::string>{"hot_path_lib"};
    koda.gates_passed = {"feature_parity:hot_path_lib"};
    koda.gates_pending = {"capability:c_linking"};
    koda.notes = "Tickets #704-#706; RFC: engines/lang/lang/docs/rfcs/RFC-001.kmd";

    // Sorted by manifest path, as build_registry gives them.
    registry.pairs = {kodec, koda, kasm, jet};
    registry.skipped.push_back({"Google Developer Connect API", "products/dev/flow/engine",
                                "products/dev/flow/engine/koder.toml", "products/dev/ci is the canonical CI surface",
                                "FLOW-111", "2026-05-02"});
    registry.no_alternative.push_back(
        {"koder-lock", "infra/lock/koder.toml", "Koder-internal tooling, no external counterpart"});
    return registry;
}

const std::string long_value(20'000, 'x');

Registry hostile_registry() {
    Registry registry;
    PairRow pipe;
    pipe.display_name = "Evil|Name";
    pipe.name = "evil|name\\";
    pipe.manifest_path = "engines/a|b/koder.toml";
    pipe.module_dir = "engines/a|b";
    pipe.replaces = {"**bold**",    "[link](x)",    "<script>alert(1)</script>", "&amp;", "a|b",
                     "back\\slash", "_u_ ~s~ #h !i"};
    pipe.status = "stable|official";
    pipe.cases = std::vector<std::string>{"case|1", "<b>", "`tick`", " spaced "};
    pipe.gates_passed = {"feature_parity:`rm -rf`", "capability:a|b", "capability:<img src=x>", "stability\\"};
    pipe.gates_pending = {"performance = line1\nline2", "stability = tab\there", "capability:x = \x1b[31mred\x1b[0m"};
    pipe.benchmark_ref = "bench/<evil>.md|x";
    pipe.production_ref = {"host`1", "host\r\n2",
                           "\x07"
                           "bell",
                           "del\x7f",
                           "c1\xc2\x9b"
                           "31m"};
    pipe.notes = "see <b>RFC</b> | #1 **now**\n| 98 | forged row |\x1b[2J";

    PairRow controls;
    controls.display_name = "esc\x1b[2Jname\x01\x02";
    controls.name = "ctl";
    controls.manifest_path = "engines/ctl/koder.toml";
    controls.module_dir = "engines/ctl";
    controls.replaces = {long_value, "tab\tand\vvt\fff"};
    controls.status = "experimental\n| 99 | forged row |";
    controls.gates_pending = {long_value};

    registry.pairs = {pipe, controls};
    registry.skipped.push_back({"Ext|ernal <b>", "products/x|y", "products/x|y/koder.toml",
                                "first line\nsecond line | with pipe\r\n| S9 | forged |", "T-1 `x`",
                                "2026|<i>\n| S8 |"});
    registry.skipped.push_back({"", "", "koder.toml", "", ""});
    registry.no_alternative.push_back({"lock|<i>", "infra/lo`ck/koder.toml", "reason\nwith | pipe & <tag>"});
    return registry;
}

} // namespace

TEST_CASE("registry render: a typical registry matches the golden Markdown", "[registry][render]") {
    const std::string markdown = render_markdown(typical_registry());
    require_golden("typical.md", markdown);
    CHECK(markdown.starts_with(std::string(ksa::registry::generated_header) + "\n"));
    const auto tables = check_tables(markdown);
    REQUIRE(tables.size() == 4);   // active pairs, skipped, no alternative, status enum
    CHECK(tables[0].columns == 9); // with the Notes column
    CHECK(tables[0].rows == 4);
    CHECK(tables[1].columns >= 6); // #, external, against, decision, rationale, ticket (+ where declared)
    CHECK(tables[1].rows == 1);
    CHECK(tables[2].columns == 3);
    CHECK(tables[2].rows == 1);
    CHECK(tables[3].rows == 4);
    // Rows keep the order they were given in, numbered from 1.
    CHECK(markdown.find("| 1 | **kodec** |") != std::string::npos);
    CHECK(markdown.find("| 2 | **Koder Koda** (koder-lang) |") != std::string::npos);
    CHECK(markdown.find("| 3 | **kasm** |") != std::string::npos);
    CHECK(markdown.find("| 4 | **Koder Jet** (koder-jet) |") != std::string::npos);
    CHECK(markdown.find("| S1 | Google Developer Connect API | `products/dev/flow/engine` | **skip** (2026-05-02) |") !=
          std::string::npos);
    CHECK(markdown.find("| Tickets \\#704-\\#706; RFC: engines/lang/lang/docs/rfcs/RFC-001.kmd |") !=
          std::string::npos);
    CHECK(markdown.find("`capability:av1 = engines/kodec/backlog/12.md`") != std::string::npos);
    CHECK(markdown.find("**stable** for `mp3`, `mp4`") != std::string::npos);
    CHECK(markdown.find("4 active pairs (1 official, 2 stable, 1 experimental, 0 legacy), 1 skipped pair, 1 module") !=
          std::string::npos);
    CHECK(first_control_byte(markdown).empty());
    CHECK(markdown.ends_with("\n"));
    CHECK_FALSE(markdown.ends_with("\n\n"));
}

TEST_CASE("registry render: a typical registry matches the golden JSON", "[registry][render]") {
    const std::string json = render_json(typical_registry(), "meta/docs/stack/registries/self-hosted-pairs.md");
    CHECK(json_problem(json).empty());
    require_golden("typical.json", json);
    CHECK(json.find(R"("cases": null)") != std::string::npos);
    CHECK(json.find("\"cases\": [\n        \"mp3\",\n        \"mp4\"\n      ]") != std::string::npos);
    CHECK(json.find(R"("row": "S1")") != std::string::npos);
}

TEST_CASE("registry render: an empty registry still renders every section", "[registry][render]") {
    const Registry empty;
    const std::string markdown = render_markdown(empty);
    require_golden("empty.md", markdown);
    const auto tables = check_tables(markdown);
    REQUIRE(tables.size() == 4);
    CHECK(tables[0].rows == 1); // the "none" placeholder rows
    CHECK(tables[1].rows == 1);
    CHECK(tables[2].rows == 1);
    CHECK(
        markdown.find("0 active pairs (0 official, 0 stable, 0 experimental, 0 legacy), 0 skipped pairs, 0 modules") !=
        std::string::npos);
    CHECK(markdown.find("## Status enum") != std::string::npos);
    CHECK(markdown.find("## Adding a new pair") != std::string::npos);
    CHECK(markdown.find("## Cross-references") != std::string::npos);

    const std::string json = render_json(empty, "reg.md");
    CHECK(json_problem(json).empty());
    require_golden("empty.json", json);
}

TEST_CASE("registry render: rendering is deterministic", "[registry][render]") {
    CHECK(render_markdown(typical_registry()) == render_markdown(typical_registry()));
    CHECK(render_json(typical_registry(), "r.md") == render_json(typical_registry(), "r.md"));
    CHECK(render_markdown(hostile_registry()) == render_markdown(hostile_registry()));
    const Registry registry = typical_registry();
    const std::string once = render_markdown(registry);
    CHECK(render_markdown(registry) == once);
}

TEST_CASE("registry render: hostile values keep every table row intact", "[registry][render][hostile]") {
    const std::string markdown = render_markdown(hostile_registry());
    const auto tables = check_tables(markdown);
    REQUIRE(tables.size() == 4);
    CHECK(tables[0].columns == 9);
    CHECK(tables[0].rows == 2); // no forged "| 99 |" or "| 98 |" row
    CHECK(tables[1].columns >= 6);
    CHECK(tables[1].rows == 2); // no forged "| S9 |" row
    CHECK(tables[2].columns == 3);
    CHECK(tables[2].rows == 1);

    const std::vector<std::string> lines = lines_of(markdown);
    std::size_t row_lines = 0;
    for (const std::string& line : lines)
        if (line.starts_with("| 1 |") || line.starts_with("| 2 |") || line.starts_with("| S1 |") ||
            line.starts_with("| S2 |"))
            ++row_lines;
    CHECK(row_lines == 4);
    CHECK(markdown.find("| 99 |") == std::string::npos);
    CHECK(markdown.find("| 98 |") == std::string::npos);
    CHECK(markdown.find("\n| S9 |") == std::string::npos);
    CHECK(markdown.find("\n| S8 |") == std::string::npos);
    // notes and date are cells like any other value: escaped, on one line.
    CHECK(markdown.find("see &lt;b&gt;RFC&lt;/b&gt; \\| \\#1 \\*\\*now\\*\\* \\| 98 \\| forged row \\|\\\\x1b\\[2J") !=
          std::string::npos);
    CHECK(markdown.find("**skip** (2026\\|&lt;i&gt; \\| S8 \\|)") != std::string::npos);

    // Escaped, not interpreted.
    CHECK(markdown.find("**Evil\\|Name** (evil\\|name\\\\)") != std::string::npos);
    CHECK(markdown.find("`engines/a\\|b/koder.toml`") != std::string::npos);
    CHECK(markdown.find("\\*\\*bold\\*\\*") != std::string::npos);
    CHECK(markdown.find("\\[link\\](x)") != std::string::npos);
    CHECK(markdown.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(markdown.find("&amp;amp;") != std::string::npos);
    CHECK(markdown.find("back\\\\slash") != std::string::npos);
    CHECK(markdown.find("feature\\_parity:\\`rm -rf\\`") != std::string::npos); // a backtick: no code span
    CHECK(markdown.find("`capability:a\\|b`") != std::string::npos);
    CHECK(markdown.find("performance = line1 line2") != std::string::npos);
    CHECK(markdown.find("first line second line \\| with pipe  \\| S9 \\| forged \\|") != std::string::npos);
    CHECK(markdown.find("esc\\\\x1b\\[2Jname\\\\x01\\\\x02") != std::string::npos);
    // The very long value is there whole, on its row.
    CHECK(markdown.find(long_value) != std::string::npos);

    // No raw '<' outside code spans (the generated header comment is the one exception), and
    // no raw C0 control or DEL anywhere.
    for (std::size_t i = 1; i < lines.size(); ++i) {
        INFO("line " << i + 1 << ": " << lines[i]);
        CHECK(without_code_spans(lines[i]).find('<') == std::string::npos);
    }
    CHECK_FALSE(has_c0_or_del(markdown));
}

TEST_CASE("registry render: C1 control characters are neutralised too", "[registry][render][hostile]") {
    // BUG (src/registry/markdown.cpp, markdown_cell): it neutralises C0 controls and DEL but lets
    // C1 controls (U+0080..U+009F, UTF-8 C2 80..C2 9F) through raw, although its contract says
    // "control characters neutralised". `--output -` prints them to a terminal, where U+009B is
    // CSI (the 8-bit ESC [). Fix: in markdown_cell, when byte == 0xC2 and the next byte is in
    // 0x80..0x9F, emit the same "\\\\u{00XX}"-style escape as text::escape_for_terminal (and
    // make markdown_code fall back to markdown_cell for such values, as it does for C0).
    Registry registry;
    PairRow row;
    row.display_name = "name\xc2\x9b"
                       "31m";
    row.manifest_path = "engines/c1/koder.toml";
    row.replaces = {"csi\xc2\x9b"
                    "2J"};
    row.status = "stable";
    row.production_ref = {"nel\xc2\x85"};
    registry.pairs.push_back(row);
    const std::string markdown = render_markdown(registry);
    CHECK(first_control_byte(markdown).empty());
    CHECK(first_control_byte(markdown_cell("a\xc2\x9b"
                                           "b"))
              .empty());
    CHECK(first_control_byte(markdown_code("a\xc2\x9b"
                                           "b"))
              .empty());
}

TEST_CASE("registry render: hostile values give valid JSON with the values intact", "[registry][render][hostile]") {
    const Registry registry = hostile_registry();
    const std::string json = render_json(registry, "path|with\"quote\n");
    CHECK(json_problem(json).empty());
    CHECK_FALSE(has_c0_or_del(json));
    CHECK(json.find(R"("registry_path": "path|with\"quote\n")") != std::string::npos);
    CHECK(json.find(R"("display_name": "Evil|Name")") != std::string::npos);
    CHECK(json.find(R"("status": "experimental\n| 99 | forged row |")") != std::string::npos);
    CHECK(json.find(long_value) != std::string::npos);
    CHECK(json.find("\\u001b[31mred") != std::string::npos);
}

TEST_CASE("registry render: markdown_cell escapes Markdown and HTML specials", "[registry][render]") {
    CHECK(markdown_cell("") == "");
    CHECK(markdown_cell("plain text, 1.0 (x) - y: z/w.md") == "plain text, 1.0 (x) - y: z/w.md");
    CHECK(markdown_cell("caf\xc3\xa9 \xe2\x9c\x93") == "caf\xc3\xa9 \xe2\x9c\x93");
    CHECK(markdown_cell("a|b") == "a\\|b");
    CHECK(markdown_cell("a\\b") == "a\\\\b");
    CHECK(markdown_cell("a\\|b") == "a\\\\\\|b");
    CHECK(markdown_cell("`code`") == "\\`code\\`");
    CHECK(markdown_cell("**bold** _it_ ~~s~~") == "\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~");
    CHECK(markdown_cell("[link](x) ![img](y)") == "\\[link\\](x) \\!\\[img\\](y)");
    CHECK(markdown_cell("# h") == "\\# h");
    CHECK(markdown_cell("<script>") == "&lt;script&gt;");
    CHECK(markdown_cell("&amp; &lt;") == "&amp;amp; &amp;lt;");
    CHECK(markdown_cell("a\nb") == "a b");
    CHECK(markdown_cell("a\r\nb\tc") == "a  b c");
    CHECK(markdown_cell("\x1b[31m") == "\\\\x1b\\[31m");
    CHECK(markdown_cell("\x01\x1f\x7f") == "\\\\x01\\\\x1f\\\\x7f");
    CHECK(markdown_cell("nul\0end"s) == "nul\\\\x00end");
    CHECK(markdown_cell(long_value) == long_value);
    // Never a raw pipe, '<', '>' or control byte, whatever comes in.
    std::string every_byte;
    for (int c = 1; c < 0x80; ++c)
        every_byte += static_cast<char>(c);
    const std::string cell = markdown_cell(every_byte);
    CHECK(cell_count("|" + cell + "|") == 1);
    CHECK(cell.find('<') == std::string::npos);
    CHECK(cell.find('>') == std::string::npos);
    CHECK_FALSE(has_c0_or_del(cell));
}

TEST_CASE("registry render: markdown_code makes code spans when it can", "[registry][render]") {
    CHECK(markdown_code("engines/kodec") == "`engines/kodec`");
    CHECK(markdown_code("capability:x = RFC-1.md") == "`capability:x = RFC-1.md`");
    CHECK(markdown_code("*x* _y_ [z]") == "`*x* _y_ [z]`"); // literal inside a code span
    CHECK(markdown_code("<script>") == "`<script>`");       // literal inside a code span
    CHECK(markdown_code("a|b") == "`a\\|b`");               // GFM splits cells at | in code spans
    CHECK(markdown_code("a\\|b") == "`a\\\\|b`");
    // Falls back to an escaped cell when a code span cannot hold the value.
    CHECK(markdown_code("") == "");
    CHECK(markdown_code("a`b") == "a\\`b");
    CHECK(markdown_code(" lead") == " lead");
    CHECK(markdown_code("trail ") == "trail ");
    CHECK(markdown_code("a\nb|c") == "a b\\|c");
    CHECK(markdown_code("\x1b[2J") == "\\\\x1b\\[2J");
    CHECK(markdown_code("del\x7f") == "del\\\\x7f");
    CHECK(cell_count("| " + markdown_code("|||") + " |") == 1);
}
