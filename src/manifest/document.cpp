#include "manifest/document.h"

namespace ksa::manifest {
namespace {

SourceSpan span_from(const toml::source_region& region) {
    SourceSpan span;
    span.line = static_cast<int>(region.begin.line);
    span.column = static_cast<int>(region.begin.column);
    if (region.end.line == region.begin.line && region.end.column > region.begin.column)
        span.end_column = static_cast<int>(region.end.column);
    return span;
}

} // namespace

const toml::table* Document::self_hosted() const { return root[self_hosted_key].as_table(); }

std::string_view Document::line_text(int line) const { return line_of(*text, line); }

std::string_view line_of(std::string_view text, int line) {
    if (line <= 0) return {};
    std::size_t start = 0;
    for (int current = 1; current < line; ++current) {
        const auto newline = text.find('\n', start);
        if (newline == std::string_view::npos) return {};
        start = newline + 1;
    }
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view result = text.substr(start, end - start);
    if (result.ends_with('\r')) result.remove_suffix(1);
    return result;
}

std::string_view type_name(const toml::node& node) {
    switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
    }
}

SourceSpan span_of(const toml::node& node) { return span_from(node.source()); }
SourceSpan span_of(const toml::key& key) { return span_from(key.source()); }

ParseOutcome parse_document(std::string path, ManifestKind kind, std::string text) {
    ParseOutcome outcome;
    try {
        auto document = std::make_unique<Document>();
        document->root = toml::parse(std::string_view(text), std::string_view(path));
        document->path = std::move(path);
        document->kind = kind;
        document->module_dir = manifest::module_dir(document->path, kind);
        document->text = std::make_shared<const std::string>(std::move(text));
        outcome.document = std::move(document);
    } catch (const toml::parse_error& error) {
        outcome.error.span = span_from(error.source());
        outcome.error.message = std::string(error.description());
        outcome.error.source_line = std::string(line_of(text, outcome.error.span.line));
    }
    return outcome;
}

} // namespace ksa::manifest
