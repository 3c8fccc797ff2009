#include "history/render.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "support/json_writer.h"
#include "support/text.h"

namespace ksa::history {
namespace {

// Howard Hinnant's civil-date algorithms: no time zone database, no locale.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::string civil_from_days(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return fmt::format("{:04}-{:02}-{:02}", y + (m <= 2), m, d);
}

std::string safe(std::string_view raw) { return text::escape_for_terminal(raw); }

std::string commit_label(const HistoryResult& result, std::uint32_t commit) {
    const CommitInfo& info = result.history.commits.at(commit);
    return fmt::format("{} {}", format_date(info.time), safe(short_id(info.id)));
}

std::string_view claim_name(Claim claim) {
    switch (claim) {
    case Claim::claimed: return "passed";
    case Claim::pending: return "pending";
    case Claim::undeclared: break;
    }
    return "undeclared";
}

void write_commit(JsonWriter& json, const HistoryResult& result, std::uint32_t commit) {
    const CommitInfo& info = result.history.commits.at(commit);
    json.begin_object().field("commit", info.id).field("date", format_date(info.time));
    json.field("time", static_cast<std::int64_t>(info.time));
}

} // namespace

std::string short_id(const std::string& id) { return id.substr(0, 10); }

std::string case_label(const std::string& name) { return name.empty() ? "(every case)" : name; }

std::string verdict_label(const CaseVerdict& verdict) {
    if (verdict.passes) return "passes G3";
    if (!verdict.left_experimental) return "experimental";
    return fmt::format("needs {} more release{}", verdict.needed, verdict.needed == 1 ? "" : "s");
}

std::vector<std::string> newest_versions(const CaseVerdict& verdict) {
    std::vector<std::string> versions;
    const std::size_t shown = std::min<std::size_t>(verdict.releases.size(), shown_releases);
    for (std::size_t i = verdict.releases.size() - shown; i < verdict.releases.size(); ++i)
        versions.push_back(verdict.releases[i].version);
    return versions;
}

std::string releases_label(const CaseVerdict& verdict) {
    if (!verdict.left_experimental) return "-";
    std::string label = std::to_string(verdict.releases.size());
    if (verdict.releases.empty()) return label;
    label += " (";
    if (shown_releases < verdict.releases.size()) label += "…, ";
    const auto versions = newest_versions(verdict);
    for (std::size_t i = 0; i < versions.size(); ++i)
        label += versions[i] + (i + 1 < versions.size() ? ", " : "");
    return label + ")";
}

VerdictCounts count_verdicts(const HistoryResult& result) {
    VerdictCounts counts;
    counts.components = result.components.size();
    for (const ComponentVerdict& component : result.components)
        for (const CaseVerdict& verdict : component.cases) {
            ++counts.cases;
            if (verdict.passes)
                ++counts.passing;
            else if (verdict.left_experimental)
                ++counts.waiting;
            else
                ++counts.experimental;
            if (!verdict.disagreement.empty()) ++counts.disagreeing;
        }
    return counts;
}

std::string format_date(std::int64_t seconds) {
    const std::int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
    return civil_from_days(days);
}

std::optional<std::int64_t> parse_date(std::string_view text, bool end_of_day) {
    const auto number = [&](std::size_t at, std::size_t width) -> std::optional<unsigned> {
        unsigned value = 0;
        if (at + width > text.size()) return std::nullopt;
        const auto [end, error] = std::from_chars(text.data() + at, text.data() + at + width, value);
        if (error != std::errc() || end != text.data() + at + width) return std::nullopt;
        return value;
    };
    if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    const auto year = number(0, 4);
    const auto month = number(5, 2);
    const auto day = number(8, 2);
    if (!year || !month || !day || *month < 1 || *month > 12 || *day < 1) return std::nullopt;
    // A day the month does not have (2026-02-30) is not a date.
    const bool leap = *year % 4 == 0 && (*year % 100 != 0 || *year % 400 == 0);
    constexpr unsigned month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (*day > month_days[*month - 1] + (*month == 2 && leap ? 1 : 0)) return std::nullopt;
    std::int64_t seconds = days_from_civil(*year, *month, *day) * 86400;
    if (text.size() == 10) return seconds + (end_of_day ? 86399 : 0);
    if (text[10] != 'T' && text[10] != ' ') return std::nullopt;
    const auto hour = number(11, 2);
    const auto minute = number(14, 2);
    if (!hour || !minute || text.size() < 16 || text[13] != ':' || *hour > 23 || *minute > 59) return std::nullopt;
    seconds += *hour * 3600 + *minute * 60;
    std::size_t at = 16;
    if (at < text.size() && text[at] == ':') {
        const auto second = number(at + 1, 2);
        if (!second || *second > 60) return std::nullopt;
        seconds += *second;
        at += 3;
    }
    const std::string_view zone = text.substr(at);
    if (zone.empty() || zone == "Z") return seconds;
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return std::nullopt;
    const auto zone_hours = number(at + 1, 2);
    const auto zone_minutes = number(at + 4, 2);
    if (!zone_hours || !zone_minutes || *zone_hours > 23 || *zone_minutes > 59) return std::nullopt;
    const std::int64_t offset = *zone_hours * 3600 + *zone_minutes * 60;
    return zone[0] == '+' ? seconds - offset : seconds + offset;
}

std::string render_text(const HistoryResult& result) {
    std::string out;
    const auto& commits = result.history.commits;
    out += fmt::format("G3 stability from the first-parent history of {} ({} commit{}", short_id(result.tip),
                       commits.size(), commits.size() == 1 ? "" : "s");
    if (result.from_cache && result.mined == 0)
        out += "; all from the cache";
    else if (result.from_cache)
        out += fmt::format("; {} read, the rest from the cache", result.mined);
    out += ")\n";
    out += "G3: the component left experimental and held for at least 3 releases without a regression affecting the "
           "case\n";
    for (const std::string& note : result.notes)
        out += fmt::format("note: {}\n", safe(note));
    if (result.empty_window) {
        out += "no commit of the history falls inside the --since/--until window\n";
        return out;
    }
    if (result.window.first != 0 || result.window.last + 1 != commits.size())
        out += fmt::format("window: {} .. {} ({} commits)\n", commit_label(result, result.window.first),
                           commit_label(result, result.window.last), result.window.last - result.window.first + 1);
    out += '\n';
    if (result.components.empty()) {
        out += "no self-hosted component in this history\n";
    } else {
        std::vector<std::array<std::string, 7>> rows;
        rows.push_back({"COMPONENT", "CASE", "STATUS", "LEFT EXPERIMENTAL", "RELEASES SINCE", "LAST REGRESSION", "G3"});
        for (const ComponentVerdict& component : result.components) {
            for (const CaseVerdict& verdict : component.cases) {
                std::string left = "-";
                if (verdict.left_experimental) {
                    left = commit_label(result, *verdict.left_experimental);
                    if (verdict.left_before_window)
                        left += " (before the window)";
                    else if (!verdict.left_version.empty())
                        left += " " + verdict.left_version;
                }
                std::string regression = "-";
                if (verdict.last_regression)
                    regression =
                        commit_label(result, verdict.last_regression->commit) + " " + verdict.last_regression->reason;
                rows.push_back({safe(component.name), safe(case_label(verdict.case_name)), safe(verdict.status),
                                safe(left), safe(releases_label(verdict)), safe(regression), verdict_label(verdict)});
            }
        }
        std::array<std::size_t, 7> widths{};
        for (const auto& row : rows)
            for (std::size_t i = 0; i < row.size(); ++i)
                widths[i] = std::max(widths[i], text::display_width(row[i]));
        for (const auto& row : rows) {
            std::string line;
            for (std::size_t i = 0; i < row.size(); ++i) {
                line += row[i];
                if (i + 1 < row.size()) line += std::string(widths[i] - text::display_width(row[i]) + 2, ' ');
            }
            out += line + "\n";
        }
    }
    bool titled = false;
    for (const ComponentVerdict& component : result.components)
        for (const CaseVerdict& verdict : component.cases) {
            if (verdict.disagreement.empty()) continue;
            if (!titled) out += "\nthe declared stability gate disagrees:\n";
            titled = true;
            out += fmt::format("  {} ({}), {}: {}\n", safe(component.name), safe(case_label(verdict.case_name)),
                               safe(component.path), verdict.disagreement);
        }
    if (!result.invalid.empty()) {
        out += "\nmanifest versions that could not be used (skipped):\n";
        for (const InvalidManifest& invalid : result.invalid)
            out += fmt::format("  {} {}: {}\n", commit_label(result, invalid.commit), safe(invalid.path),
                               safe(invalid.problem));
    }
    return out;
}

std::string render_json(const HistoryResult& result) {
    JsonWriter json;
    json.begin_object();
    json.field("tool", "koder-spec-audit").field("tip", result.tip);
    json.field("commits", static_cast<std::int64_t>(result.history.commits.size()));
    json.field("commits_read", static_cast<std::int64_t>(result.mined));
    json.field("from_cache", result.from_cache).field("shallow", result.history.shallow);
    json.field("required_releases", static_cast<std::int64_t>(required_releases));
    json.key("window");
    if (result.empty_window) {
        json.null();
    } else {
        json.begin_object().key("first");
        write_commit(json, result, result.window.first);
        json.end_object().key("last");
        write_commit(json, result, result.window.last);
        json.end_object().end_object();
    }
    json.key("notes").begin_array();
    for (const std::string& note : result.notes)
        json.value(note);
    json.end_array();
    json.key("components").begin_array();
    for (const ComponentVerdict& component : result.components) {
        json.begin_object().field("name", component.name).field("path", component.path);
        json.field("status", component.status).field("version", component.version);
        json.key("releases").begin_array();
        for (const Release& release : component.releases) {
            json.begin_object().field("version", release.version).field("from_version_change", release.from_version);
            json.key("tag");
            if (release.tag.empty())
                json.null();
            else
                json.value(release.tag);
            json.key("at");
            write_commit(json, result, release.commit);
            json.end_object().end_object();
        }
        json.end_array().key("cases").begin_array();
        for (const CaseVerdict& verdict : component.cases) {
            json.begin_object().key("case");
            if (verdict.case_name.empty())
                json.null();
            else
                json.value(verdict.case_name);
            json.field("status", verdict.status).key("left_experimental");
            if (!verdict.left_experimental) {
                json.null();
            } else {
                write_commit(json, result, *verdict.left_experimental);
                json.field("version", verdict.left_version).field("before_window", verdict.left_before_window);
                json.end_object();
            }
            json.key("releases_since").begin_array();
            for (const Release& release : verdict.releases)
                json.value(release.version);
            json.end_array().key("last_regression");
            if (!verdict.last_regression) {
                json.null();
            } else {
                write_commit(json, result, verdict.last_regression->commit);
                json.field("reason", verdict.last_regression->reason).end_object();
            }
            json.field("passes", verdict.passes).field("releases_needed", static_cast<std::int64_t>(verdict.needed));
            json.field("stability_declared", claim_name(verdict.claim)).key("disagreement");
            if (verdict.disagreement.empty())
                json.null();
            else
                json.value(verdict.disagreement);
            json.end_object();
        }
        json.end_array().end_object();
    }
    json.end_array().key("invalid_manifests").begin_array();
    for (const InvalidManifest& invalid : result.invalid) {
        write_commit(json, result, invalid.commit);
        json.field("path", invalid.path).field("problem", invalid.problem).end_object();
    }
    json.end_array().end_object();
    return json.str() + "\n";
}

} // namespace ksa::history
