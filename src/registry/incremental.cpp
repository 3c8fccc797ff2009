// Reading a generated registry back into rows, and patching rows: what lets the hooks check a
// commit's registry at the cost of the manifests it changes.
#include <algorithm>
#include <set>

#include "registry/registry.h"

namespace ksa::registry {
namespace {

// The cells of a table line, split at pipes not preceded by a backslash (GFM's rule).
std::vector<std::string_view> split_cells(std::string_view line) {
    std::vector<std::string_view> cells;
    std::size_t start = 1; // after the leading '|'
    for (std::size_t i = 1; i < line.size(); ++i) {
        if (line[i] == '|' && line[i - 1] != '\\') {
            cells.push_back(line.substr(start, i - start));
            start = i + 1;
        }
    }
    return cells;
}

// The raw path of a key cell written by markdown_code; nullopt for any other form.
std::optional<std::string> key_of(std::string_view cell) {
    if (cell.size() < 4 || cell.front() != ' ' || cell.back() != ' ') return std::nullopt;
    cell = cell.substr(1, cell.size() - 2);
    if (cell.size() < 2 || cell.front() != '`' || cell.back() != '`') return std::nullopt;
    cell = cell.substr(1, cell.size() - 2);
    if (cell.find('`') != std::string_view::npos) return std::nullopt;
    std::string key;
    for (std::size_t i = 0; i < cell.size(); ++i) {
        if (cell[i] == '\\' && i + 1 < cell.size() && cell[i + 1] == '|') continue;
        key += cell[i];
    }
    return key;
}

// The status of a pair row's status cell (" **stable** for ..."), as the summary counts it.
std::string status_of(std::string_view cell) {
    if (!cell.starts_with(" **")) return {};
    cell.remove_prefix(3);
    const auto end = cell.find("**");
    return end == std::string_view::npos ? std::string() : std::string(cell.substr(0, end));
}

// Collects the rows of the table that follows `heading`; `key_cell` is the key's cell index.
bool read_table(std::string_view text, std::string_view heading, std::size_t key_cell, std::size_t status_cell,
                std::vector<RenderedRow>& rows) {
    const auto at = text.find(heading);
    if (at == std::string_view::npos) return false;
    std::string_view rest = text.substr(at + heading.size());
    bool in_table = false;
    std::size_t line_number = 0;
    while (!rest.empty()) {
        const auto newline = rest.find('\n');
        if (newline == std::string_view::npos) return false;
        const std::string_view line = rest.substr(0, newline);
        rest.remove_prefix(newline + 1);
        if (!line.starts_with("|")) {
            if (in_table) break;
            continue;
        }
        in_table = true;
        if (++line_number <= 2) continue; // header and delimiter rows
        const auto cells = split_cells(line);
        if (cells.size() <= key_cell) return false;
        const auto key = key_of(cells[key_cell]);
        if (!key) continue; // the "none" placeholder row (verified by the round trip)
        RenderedRow row;
        row.key = *key;
        if (status_cell < cells.size()) row.status = status_of(cells[status_cell]);
        // Everything after the number cell (none for the table without numbers).
        const std::size_t skip = key_cell == 1 ? 0 : line.find('|', 1);
        row.cells = std::string(key_cell == 1 ? line.substr(1) : line.substr(skip + 1));
        rows.push_back(std::move(row));
    }
    return true;
}

} // namespace

std::optional<RenderedRegistry> parse_rendered(std::string_view text) {
    RenderedRegistry registry;
    constexpr std::size_t none = static_cast<std::size_t>(-1);
    if (!read_table(text, "## Active pairs\n\n", 2, 4, registry.pairs) ||
        !read_table(text, "## Skipped pairs (explicit out-of-scope decisions)\n\n", 6, none, registry.skipped) ||
        !read_table(text, "## Modules with no external alternative\n\n", 1, none, registry.no_alternative))
        return std::nullopt;
    if (assemble(registry) != text) return std::nullopt;
    return registry;
}

void replace_rows(RenderedRegistry& base, const std::vector<std::string>& keys, RenderedRegistry fresh) {
    const std::set<std::string> dropped(keys.begin(), keys.end());
    const auto patch = [&](std::vector<RenderedRow>& rows, std::vector<RenderedRow>& added) {
        std::erase_if(rows, [&](const RenderedRow& row) { return dropped.count(row.key) != 0; });
        for (RenderedRow& row : added)
            rows.push_back(std::move(row));
        // Rows of one manifest keep their file order; manifests follow path order.
        std::stable_sort(rows.begin(), rows.end(),
                         [](const RenderedRow& a, const RenderedRow& b) { return a.key < b.key; });
    };
    patch(base.pairs, fresh.pairs);
    patch(base.skipped, fresh.skipped);
    patch(base.no_alternative, fresh.no_alternative);
}

} // namespace ksa::registry
