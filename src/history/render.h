// The --history report: a table for people, JSON for tools.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "history/run.h"

namespace ksa::history {

std::string render_text(const HistoryResult& result);
std::string render_json(const HistoryResult& result);
// GitHub-flavoured Markdown for a pull request or a wiki page (history/markdown.cpp).
std::string render_markdown(const HistoryResult& result);
// One self-contained SVG timeline, a lane per component and case (history/timeline_svg.cpp).
std::string render_svg(const HistoryResult& result);

// Labels shared by the renderers (raw values: each renderer escapes them for its format).
std::string short_id(const std::string& id);           // the first 10 hex digits
std::string case_label(const std::string& name);       // "(every case)" for ""
std::string verdict_label(const CaseVerdict& verdict); // "passes G3", "needs 2 more releases", "experimental"
// The newest releases counted (the three newest are enough to recognise them; JSON has them all).
inline constexpr std::size_t shown_releases = 3;
std::vector<std::string> newest_versions(const CaseVerdict& verdict);
std::string releases_label(const CaseVerdict& verdict); // "3 (1.2.0, 1.3.0, 1.4.0)", "…, " when more

// How the reported cases stand, for a summary line.
struct VerdictCounts {
    std::size_t components = 0;
    std::size_t cases = 0;
    std::size_t passing = 0;
    std::size_t waiting = 0; // left experimental, need more releases
    std::size_t experimental = 0;
    std::size_t disagreeing = 0; // the declared stability gate disagrees
};
VerdictCounts count_verdicts(const HistoryResult& result);

// "2026-03-01" (UTC) for seconds since the epoch.
std::string format_date(std::int64_t seconds);

// "2026-03-01" or "2026-03-01T12:00:00Z" (or with +hh:mm) -> seconds; `end_of_day` makes a
// date without a time mean its last second (for --until).
std::optional<std::int64_t> parse_date(std::string_view text, bool end_of_day);

} // namespace ksa::history
