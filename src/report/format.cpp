#include "report/format.h"

#include <array>
#include <cctype>

namespace ksa::report {
namespace {

struct FormatName {
    Format format;
    std::string_view name;
};

constexpr std::array names{FormatName{Format::text, "text"},   FormatName{Format::json, "json"},
                           FormatName{Format::sarif, "sarif"}, FormatName{Format::markdown, "markdown"},
                           FormatName{Format::svg, "svg"},     FormatName{Format::roff, "roff"}};

} // namespace

std::string_view format_name(Format format) {
    for (const FormatName& entry : names)
        if (entry.format == format) return entry.name;
    return "text";
}

std::optional<Format> parse_format(std::string_view name) {
    std::string folded(name);
    for (char& c : folded)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const FormatName& entry : names)
        if (entry.name == folded) return entry.format;
    return std::nullopt;
}

std::string formats_in_words(std::span<const Format> formats) {
    std::string out;
    for (std::size_t i = 0; i < formats.size(); ++i) {
        if (i > 0) out += i + 1 == formats.size() ? " or " : ", ";
        out += format_name(formats[i]);
    }
    return out;
}

} // namespace ksa::report
