// Output formats by name. Which command writes which format is the renderer table's business
// (report/renderers.h); this is only the list of names.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ksa::report {

enum class Format { text, json, sarif, markdown, svg, roff };

std::string_view format_name(Format format);

// "json" → Format::json; any case. nullopt for a name no command writes.
std::optional<Format> parse_format(std::string_view name);

// "text, json or sarif".
std::string formats_in_words(std::span<const Format> formats);

} // namespace ksa::report
