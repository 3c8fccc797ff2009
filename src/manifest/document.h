// A manifest file parsed: its TOML tree plus what is needed to point into its text.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "diag/diagnostic.h"
#include "manifest/paths.h"

namespace ksa::manifest {

// Top-level keys and tables with a meaning to the audit.
inline constexpr std::string_view self_hosted_key = "self_hosted";
inline constexpr std::string_view no_alternative_key = "no_external_alternative";

struct Document {
    std::string path; // repository-relative
    ManifestKind kind = ManifestKind::module;
    std::string module_dir;
    std::shared_ptr<const std::string> text; // shared with the findings' source lines
    toml::table root;

    [[nodiscard]] const toml::table* self_hosted() const; // nullptr when absent or not a table
    [[nodiscard]] std::string_view line_text(int line) const;
    // The line as a diagnostic's excerpt, sharing the text.
    [[nodiscard]] SourceLine source_line(int line) const { return SourceLine(text, line_text(line)); }
    // A finding's location in this file.
    [[nodiscard]] Location location(SourceSpan span) const { return {path, span, source_line(span.line)}; }
};

struct SyntaxError {
    SourceSpan span;
    std::string message;
    std::string source_line;
};

struct ParseOutcome {
    std::unique_ptr<Document> document; // null on a syntax error
    SyntaxError error;
};

ParseOutcome parse_document(std::string path, ManifestKind kind, std::string text);

// Where a node is: begin line/column and, on a single line, the end column.
SourceSpan span_of(const toml::node& node);
SourceSpan span_of(const toml::key& key);

// "a string", "an array", ... for messages about wrong types.
std::string_view type_name(const toml::node& node);

// The line `line` (1-based) of `text`, without its newline.
std::string_view line_of(std::string_view text, int line);

} // namespace ksa::manifest
