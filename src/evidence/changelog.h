// The status markers of a module's CHANGELOG.md, the evidence gate-check wants for `status`.
//
//   <!-- koder-status: stable -->          the module's components (any component)
//   <!-- koder-status(kasm): experimental -->   one component, by its registry name
//
// A marker is a line of its own (surrounding spaces allowed). Changelogs are newest first, so the
// first marker that applies to a component is its current one; later ones are history.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ksa::evidence {

struct StatusMarker {
    std::string component{}; // "" when the marker names no component
    std::string status{};
    int line = 0;
};

std::vector<StatusMarker> parse_status_markers(std::string_view changelog);

// The first marker naming `component`, else the first naming none.
std::optional<StatusMarker> current_marker(const std::vector<StatusMarker>& markers, std::string_view component);

} // namespace ksa::evidence
