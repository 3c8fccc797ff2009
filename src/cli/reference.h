// What the tool promises beyond its options: exit codes, the files it reads and writes, the
// environment variables it reads. One table each, read by the manual page (man-page) and
// pasted into docs/manual.md (tests/unit/reference_test.cpp prints the tables when they differ).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace ksa::cli {

struct ReferenceEntry {
    std::string_view term;
    std::string_view meaning;
};

std::span<const ReferenceEntry> exit_code_table();
std::span<const ReferenceEntry> file_table();
std::span<const ReferenceEntry> environment_table();

// A two-column Markdown table of `entries`, the term in code unless `plain_term`.
std::string reference_table_markdown(std::string_view term_heading, std::span<const ReferenceEntry> entries,
                                     bool plain_term = false);

} // namespace ksa::cli
