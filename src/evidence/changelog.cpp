#include "evidence/changelog.h"

#include "support/text.h"

namespace ksa::evidence {
namespace {

// Drops `prefix` from the front of `rest` when it is there.
bool consume(std::string_view& rest, std::string_view prefix) {
    if (!rest.starts_with(prefix)) return false;
    rest.remove_prefix(prefix.size());
    return true;
}

// One marker per line and nothing else on it, so prose that quotes the syntax is not a marker.
std::optional<StatusMarker> parse_line(std::string_view line) {
    std::string_view rest = text::trim(line);
    if (!consume(rest, "<!--")) return std::nullopt;
    rest = text::trim(rest);
    if (!consume(rest, "koder-status")) return std::nullopt;
    StatusMarker marker;
    if (consume(rest, "(")) {
        const auto close = rest.find(')');
        if (close == std::string_view::npos) return std::nullopt;
        marker.component = std::string(text::trim(rest.substr(0, close)));
        rest.remove_prefix(close + 1);
    }
    rest = text::trim(rest);
    if (!consume(rest, ":")) return std::nullopt;
    const auto end = rest.find("-->");
    if (end == std::string_view::npos || !text::trim(rest.substr(end + 3)).empty()) return std::nullopt;
    marker.status = std::string(text::trim(rest.substr(0, end)));
    if (marker.status.empty()) return std::nullopt;
    return marker;
}

} // namespace

std::vector<StatusMarker> parse_status_markers(std::string_view changelog) {
    std::vector<StatusMarker> markers;
    int number = 0;
    std::size_t start = 0;
    while (start < changelog.size()) {
        std::size_t end = changelog.find('\n', start);
        if (end == std::string_view::npos) end = changelog.size();
        ++number;
        if (auto marker = parse_line(changelog.substr(start, end - start))) {
            marker->line = number;
            markers.push_back(std::move(*marker));
        }
        start = end + 1;
    }
    return markers;
}

// Newest first: the first marker that applies is the current one, the rest is history.
std::optional<StatusMarker> current_marker(const std::vector<StatusMarker>& markers, std::string_view component) {
    for (const StatusMarker& marker : markers)
        if (!marker.component.empty() && marker.component == component) return marker;
    for (const StatusMarker& marker : markers)
        if (marker.component.empty()) return marker;
    return std::nullopt;
}

} // namespace ksa::evidence
