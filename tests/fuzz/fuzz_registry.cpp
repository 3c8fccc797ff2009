// Fuzz target: the registry renderer on arbitrary manifest values (any bytes in every field).
// The output must stay valid Markdown that no value can reshape: each table row has exactly
// its table's column count of unescaped `|`, no cell holds a raw line break, control or bidi
// character, no raw `<` can open HTML and every `&` is one of the three entities the renderer
// writes. A generated registry must also read back into the same rows (the hooks' incremental
// check relies on it), at least when every manifest path can be written as a code span.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "registry/registry.h"
#include "support/text.h"

namespace {

using namespace ksa;

std::string status_value(fuzz::ByteReader& in) {
    static constexpr std::string_view known[] = {"stable", "official", "experimental", "legacy"};
    const std::uint8_t pick = in.byte();
    return pick < 0x80 ? std::string(known[pick % 4]) : in.string();
}

std::vector<std::string> strings(fuzz::ByteReader& in, unsigned most) {
    std::vector<std::string> values(in.byte() % (most + 1));
    for (std::string& value : values)
        value = in.string();
    return values;
}

registry::Registry decode(fuzz::ByteReader& in) {
    registry::Registry result;
    result.pairs.resize(in.byte() % 5);
    result.skipped.resize(in.byte() % 4);
    result.no_alternative.resize(in.byte() % 4);
    for (registry::PairRow& row : result.pairs) {
        row.display_name = in.string();
        row.name = in.string();
        row.manifest_path = in.string();
        row.module_dir = in.string();
        row.replaces = strings(in, 3);
        row.status = status_value(in);
        if (in.byte() % 2 == 1) row.cases = strings(in, 2);
        row.gates_passed = strings(in, 3);
        row.gates_pending = strings(in, 3);
        row.benchmark_ref = in.string();
        row.production_ref = strings(in, 2);
    }
    for (registry::SkippedRow& row : result.skipped) {
        row.external = in.string();
        row.module_dir = in.string();
        row.manifest_path = in.string();
        row.rationale = in.string();
        row.ticket = in.string();
    }
    for (registry::NoAlternativeRow& row : result.no_alternative) {
        row.display_name = in.string();
        row.manifest_path = in.string();
        row.reason = in.string();
    }
    // Read last, so the corpus written before these fields existed decodes as it did.
    for (registry::PairRow& row : result.pairs)
        row.notes = in.string();
    for (registry::SkippedRow& row : result.skipped)
        row.date = in.string();
    return result;
}

// The count of `|` that GFM splits a row at: those not preceded by a backslash.
std::size_t separators(std::string_view line) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < line.size(); ++i)
        if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++count;
    return count;
}

// Outside code spans: no `<`, and `&` only as &lt; &gt; &amp;. Code spans must close.
void check_html(std::string_view line) {
    bool in_code = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (in_code) {
            if (c == '`') in_code = false;
            continue;
        }
        if (c == '\\') {
            ++i; // an escaped character is literal
        } else if (c == '`') {
            in_code = true;
        } else if (c == '<') {
            fuzz::violated("raw `<` outside a code span in a table row", line);
        } else if (c == '&') {
            const std::string_view rest = line.substr(i + 1);
            if (!rest.starts_with("lt;") && !rest.starts_with("gt;") && !rest.starts_with("amp;"))
                fuzz::violated("raw `&` outside a code span in a table row", line);
        }
    }
    if (in_code) fuzz::violated("a code span does not close on its row", line);
}

// The number of separators a row of the table under `heading` has (columns + 1), 0 for none.
std::size_t expected_separators(std::string_view heading) {
    if (heading.starts_with("## Active pairs")) return 10;
    if (heading.starts_with("## Skipped pairs")) return 8;
    if (heading.starts_with("## Modules with no external alternative")) return 4;
    if (heading.starts_with("## Status enum")) return 4;
    return 0;
}

void check_markdown(const std::string& markdown, const registry::Registry& input) {
    if (!text::is_valid_utf8(markdown)) fuzz::violated("registry is not valid UTF-8", markdown);
    if (!markdown.starts_with(registry::generated_header)) fuzz::violated("registry lost its header", markdown);
    std::size_t expected = 0;
    std::string_view heading;
    std::size_t rows[3] = {0, 0, 0};
    std::string_view rest = markdown;
    while (!rest.empty()) {
        const auto newline = rest.find('\n');
        if (newline == std::string_view::npos) fuzz::violated("registry does not end with a newline", markdown);
        const std::string_view line = rest.substr(0, newline);
        rest.remove_prefix(newline + 1);
        fuzz::require_terminal_safe(line, "registry line holds a control or bidi character", false);
        if (line.starts_with("## ")) {
            heading = line;
            expected = expected_separators(line);
            continue;
        }
        if (!line.starts_with("|")) continue;
        if (expected == 0) fuzz::violated("a table row outside the known tables", line);
        if (separators(line) != expected) fuzz::violated("a table row has the wrong number of cells", line);
        check_html(line);
        if (heading.starts_with("## Active pairs")) ++rows[0];
        if (heading.starts_with("## Skipped pairs")) ++rows[1];
        if (heading.starts_with("## Modules with no external")) ++rows[2];
    }
    const std::size_t want[3] = {input.pairs.size(), input.skipped.size(), input.no_alternative.size()};
    for (int table = 0; table < 3; ++table)
        if (rows[table] != 2 + std::max<std::size_t>(want[table], 1)) // header, delimiter, rows or "none"
            fuzz::violated("a table has the wrong number of rows", markdown);
}

// True when markdown_code writes `value` as a code span (the form a row key must have).
bool plain_key(const std::string& value) {
    return !value.empty() && value.front() != ' ' && value.back() != ' ' && value.find('`') == std::string::npos &&
           text::escape_for_terminal(value) == value;
}

void check_read_back(const std::string& markdown, const registry::Registry& input) {
    const registry::RenderedRegistry rendered = registry::render_rows(input);
    const auto parsed = registry::parse_rendered(markdown);
    bool all_plain = true;
    for (const auto& row : input.pairs)
        all_plain = all_plain && plain_key(row.manifest_path);
    for (const auto& row : input.skipped)
        all_plain = all_plain && plain_key(row.manifest_path);
    for (const auto& row : input.no_alternative)
        all_plain = all_plain && plain_key(row.manifest_path);
    if (!parsed) {
        if (all_plain) fuzz::violated("a generated registry is not read back", markdown);
        return;
    }
    const auto same = [&](const std::vector<registry::RenderedRow>& a, const std::vector<registry::RenderedRow>& b) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (a[i].key != b[i].key || a[i].cells != b[i].cells) return false;
        return true;
    };
    if (!same(parsed->pairs, rendered.pairs) || !same(parsed->skipped, rendered.skipped) ||
        !same(parsed->no_alternative, rendered.no_alternative))
        fuzz::violated("a registry read back gives other rows than were rendered", markdown);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::ByteReader in(std::string_view(reinterpret_cast<const char*>(data), size));
    const registry::Registry input = decode(in);
    const std::string markdown = registry::render_markdown(input);
    check_markdown(markdown, input);
    check_read_back(markdown, input);
    return 0;
}
