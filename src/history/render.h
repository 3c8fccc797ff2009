// The --history report: a table for people, JSON for tools.
#pragma once

#include <cstdint>
#include <string>

#include "history/run.h"

namespace ksa::history {

std::string render_text(const HistoryResult& result);
std::string render_json(const HistoryResult& result);

// "2026-03-01" (UTC) for seconds since the epoch.
std::string format_date(std::int64_t seconds);

// "2026-03-01" or "2026-03-01T12:00:00Z" (or with +hh:mm) -> seconds; `end_of_day` makes a
// date without a time mean its last second (for --until).
std::optional<std::int64_t> parse_date(std::string_view text, bool end_of_day);

} // namespace ksa::history
