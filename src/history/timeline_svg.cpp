// --history --format svg: one self-contained SVG timeline. A lane per component and case: the
// status for the case as coloured bands over time, the component's releases as ticks labelled
// with their versions (those counted for G3 dark), regressions as red triangles, and the verdict
// at the end of the lane. No scripts, no external fonts, images or links; every value from the
// repository is XML-escaped (text::escape_xml). Details sit in <title> elements, which browsers
// show as tooltips.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "history/render.h"
#include "support/text.h"

namespace ksa::history {
namespace {

// The page: a label column, the timeline, a verdict column (pixels at 100%).
constexpr double page_width = 1100;
constexpr double label_width = 230;
constexpr double verdict_width = 200;
constexpr double timeline_left = label_width + 10;
constexpr double timeline_right = page_width - verdict_width - 10;
constexpr double header_height = 112;
constexpr double lane_height = 38;
constexpr double footer_height = 44;
// Average advance of a character of the sans-serif font, per pixel of font size (for cutting
// labels and spacing version labels; browsers' sans-serif fonts are close to it).
constexpr double char_advance = 0.6;

std::string xml(std::string_view raw) { return text::escape_xml(raw); }

// At most `limit` characters, cut with "…" (counting code points, as the text is drawn).
std::string fit(const std::string& raw, double pixels, double font_size) {
    const auto limit = static_cast<std::size_t>(std::max(4.0, pixels / (font_size * char_advance)));
    if (text::display_width(raw) <= limit) return raw;
    std::string cut;
    std::size_t count = 0;
    for (std::size_t i = 0; i < raw.size() && count + 1 < limit; ++count) {
        std::size_t length = 1;
        while (i + length < raw.size() && (static_cast<unsigned char>(raw[i + length]) & 0xC0) == 0x80)
            ++length;
        cut.append(raw, i, length);
        i += length;
    }
    return cut + "…";
}

struct StatusStyle {
    std::string_view status;
    std::string_view fill;
    std::string_view stroke;
};
constexpr StatusStyle styles[] = {
    {"experimental", "#f6c667", "#b7791f"},
    {"stable", "#8cc4f0", "#2b6cb0"},
    {"official", "#7fd69a", "#2f855a"},
    {"legacy", "#cfd6de", "#718096"},
};

const StatusStyle& style_of(std::string_view status) {
    for (const StatusStyle& style : styles)
        if (style.status == status) return style;
    return styles[0]; // status_for only gives the four above
}

// Where commits go on the x axis: by committer date, made non-decreasing along the chain (a
// first-parent history can have dates out of order); by position when every date is the same.
// The axis runs a little past the last commit, so what happens there is visible too.
class Scale {
  public:
    Scale(const MinedHistory& history, Window window) : first_(window.first) {
        std::int64_t latest = history.commits.at(window.first).time;
        for (std::uint32_t i = window.first; i <= window.last; ++i) {
            latest = std::max(latest, history.commits[i].time);
            times_.push_back(latest);
        }
        start_ = times_.front();
        same_time_ = times_.back() == start_;
        end_ = times_.back() + std::max<std::int64_t>((times_.back() - start_) / 30, 1);
    }

    [[nodiscard]] double x(std::uint32_t commit) const {
        if (same_time_) {
            const auto count = static_cast<double>(times_.size());
            return timeline_left + (timeline_right - timeline_left) * (commit - first_) / (count + 0.5);
        }
        return x_of_time(times_.at(commit - first_));
    }

    [[nodiscard]] double x_of_time(std::int64_t time) const {
        return timeline_left + (timeline_right - timeline_left) * static_cast<double>(time - start_) /
                                   static_cast<double>(end_ - start_);
    }

    [[nodiscard]] std::int64_t start() const { return start_; }
    [[nodiscard]] std::int64_t end() const { return end_; }

  private:
    std::uint32_t first_;
    std::vector<std::int64_t> times_;
    std::int64_t start_ = 0;
    std::int64_t end_ = 0;
    bool same_time_ = false;
};

// Date marks for the axis: midnights every 1, 2, 7 or 14 days, or month starts every 1, 3, 6
// or 12 months, whichever first gives at most 8 marks.
std::vector<std::int64_t> axis_marks(std::int64_t start, std::int64_t end) {
    constexpr std::int64_t day = 86400;
    std::vector<std::int64_t> marks;
    for (const std::int64_t days : {1, 2, 7, 14}) {
        if ((end - start) / (days * day) > 8) continue;
        for (std::int64_t t = (start + day - 1) / day * day; t <= end; t += days * day)
            marks.push_back(t);
        return marks;
    }
    const std::string first = format_date(start);
    int year = std::stoi(first.substr(0, 4));
    int month = std::stoi(first.substr(5, 2));
    for (const int months : {1, 3, 6, 12, 24, 60, 120}) {
        marks.clear();
        int y = year;
        int m = (month - 1) / months * months + 1;
        for (int guard = 0; guard < 10000; ++guard) {
            const auto t = parse_date(fmt::format("{:04}-{:02}-01", y, m), false);
            if (!t || *t > end) break;
            if (*t >= start) marks.push_back(*t);
            m += months;
            y += (m - 1) / 12;
            m = (m - 1) % 12 + 1;
        }
        if (marks.size() <= 8) return marks;
    }
    return {};
}

void text_element(std::string& out, double x, double y, std::string_view attributes, std::string_view escaped) {
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\"{}{}>{}</text>\n", x, y, attributes.empty() ? "" : " ",
                       attributes, escaped);
}

void header(std::string& out, const HistoryResult& result, double height) {
    const auto& commits = result.history.commits;
    out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" "
                       "viewBox=\"0 0 {0:.0f} {1:.0f}\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\" "
                       "font-size=\"12\" role=\"img\">\n",
                       page_width, height);
    const std::string title = fmt::format("G3 stability from the first-parent history of {}", short_id(result.tip));
    out += fmt::format("<title>{}</title>\n", xml(title));
    out += fmt::format("<rect x=\"0\" y=\"0\" width=\"{:.0f}\" height=\"{:.0f}\" fill=\"#ffffff\"/>\n", page_width,
                       height);
    text_element(out, 12, 24, "font-size=\"16\" font-weight=\"bold\" fill=\"#1f2328\"", xml(title));
    std::string line;
    if (result.empty_window) {
        line = "no commit of the history falls inside the --since/--until window";
    } else {
        const CommitInfo& first = commits.at(result.window.first);
        const CommitInfo& last = commits.at(result.window.last);
        line = fmt::format("{} to {}, {} commit{}", format_date(first.time), format_date(last.time),
                           result.window.last - result.window.first + 1,
                           result.window.last == result.window.first ? "" : "s");
        if (result.window.first != 0 || result.window.last + 1 != commits.size())
            line += fmt::format(" (the --since/--until window of {})", commits.size());
        const VerdictCounts counts = count_verdicts(result);
        if (counts.cases != 0)
            line += fmt::format(" · {} case{}: {} pass{} G3, {} need{} more releases, {} experimental", counts.cases,
                                counts.cases == 1 ? "" : "s", counts.passing, counts.passing == 1 ? "es" : "",
                                counts.waiting, counts.waiting == 1 ? "s" : "", counts.experimental);
        if (counts.disagreeing != 0)
            line += fmt::format(" · the declared stability gate disagrees in {}", counts.disagreeing);
    }
    text_element(out, 12, 44, "fill=\"#1f2328\"", xml(line));
    std::string note_line = fmt::format("G3: left experimental and held for at least {} releases without a "
                                        "regression affecting the case",
                                        required_releases);
    if (result.history.shallow) note_line += " · shallow clone: older history is not seen";
    text_element(out, 12, 62, "fill=\"#57606a\"", xml(note_line));
    // The legend.
    double x = 12;
    for (const StatusStyle& style : styles) {
        out += fmt::format("<rect x=\"{:.1f}\" y=\"74\" width=\"18\" height=\"10\" fill=\"{}\" stroke=\"{}\"/>\n", x,
                           style.fill, style.stroke);
        text_element(out, x + 23, 83, "fill=\"#1f2328\"", style.status);
        x += 23 + static_cast<double>(style.status.size()) * 12 * char_advance + 16;
    }
    out += fmt::format("<line x1=\"{0:.1f}\" y1=\"79\" x2=\"{1:.1f}\" y2=\"79\" stroke=\"#8c959f\" "
                       "stroke-dasharray=\"3 3\"/>\n",
                       x, x + 18);
    text_element(out, x + 23, 83, "fill=\"#1f2328\"", "no manifest");
    x += 23 + 11 * 12 * char_advance + 16;
    out += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"72\" x2=\"{0:.1f}\" y2=\"86\" stroke=\"#1f2328\" stroke-width=\"2\"/>\n", x + 4);
    text_element(out, x + 12, 83, "fill=\"#1f2328\"", "release counted for G3");
    x += 12 + 22 * 12 * char_advance + 16;
    out += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"72\" x2=\"{0:.1f}\" y2=\"86\" stroke=\"#8c959f\" stroke-width=\"2\"/>\n", x + 4);
    text_element(out, x + 12, 83, "fill=\"#1f2328\"", "other release");
    x += 12 + 13 * 12 * char_advance + 16;
    out += fmt::format("<path d=\"M{:.1f} 73 l10 0 l-5 10 z\" fill=\"#cf222e\"/>\n", x);
    text_element(out, x + 16, 83, "fill=\"#1f2328\"", "regression");
}

void axis(std::string& out, const Scale& scale, double top, double bottom) {
    for (const std::int64_t mark : axis_marks(scale.start(), scale.end())) {
        const double x = scale.x_of_time(mark);
        out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#d0d7de\"/>\n",
                           x, top - 4, bottom + 4);
        const std::string label = format_date(mark);
        text_element(out, x, top - 8, "font-size=\"11\" text-anchor=\"middle\" fill=\"#57606a\"", label);
        text_element(out, x, bottom + 16, "font-size=\"11\" text-anchor=\"middle\" fill=\"#57606a\"", label);
    }
}

std::string commit_title(const HistoryResult& result, std::uint32_t commit) {
    const CommitInfo& info = result.history.commits.at(commit);
    return fmt::format("{} {}", format_date(info.time), short_id(info.id));
}

void lane(std::string& out, const HistoryResult& result, const Scale& scale, const ComponentVerdict& component,
          const CaseVerdict& verdict, double top) {
    const double band_top = top + 17;
    const double band_height = 13;
    const double middle = band_top + band_height / 2;
    // The label: component, then the case.
    out += "<g>\n";
    out += fmt::format("<title>{}</title>\n",
                       xml(fmt::format("{} ({}), {}", component.name, case_label(verdict.case_name), component.path)));
    text_element(out, 12, top + 17, "font-weight=\"bold\" fill=\"#1f2328\"",
                 xml(fit(component.name, label_width - 16, 12)));
    text_element(out, 12, top + 31, "font-size=\"11\" fill=\"#57606a\"",
                 xml(fit(case_label(verdict.case_name), label_width - 16, 11)));
    out += "</g>\n";
    // The status bands.
    const auto found = result.history.components.find(component.name);
    if (found != result.history.components.end()) {
        const CaseTimeline timeline = case_timeline(found->second, verdict.case_name, result.window);
        for (std::size_t i = 0; i < timeline.spans.size(); ++i) {
            const StatusSpan& span = timeline.spans[i];
            const double from = scale.x(span.commit);
            const double to = i + 1 < timeline.spans.size() ? scale.x(timeline.spans[i + 1].commit) : timeline_right;
            const std::string title = fmt::format("{} from {}", span.status.empty() ? "no manifest" : span.status,
                                                  commit_title(result, span.commit));
            if (span.status.empty()) {
                out += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#8c959f\" "
                                   "stroke-dasharray=\"3 3\"><title>{}</title></line>\n",
                                   from, middle, std::max(to, from + 1), middle, xml(title));
                continue;
            }
            const StatusStyle& style = style_of(span.status);
            out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.0f}\" fill=\"{}\" "
                               "stroke=\"{}\" stroke-width=\"0.5\"><title>{}</title></rect>\n",
                               from, band_top, std::max(to - from, 1.5), band_height, style.fill, style.stroke,
                               xml(title));
        }
        for (const Regression& regression : timeline.regressions) {
            const double x = scale.x(regression.commit);
            out += fmt::format(
                "<path d=\"M{:.1f} {:.1f} l10 0 l-5 9 z\" fill=\"#cf222e\"><title>{}</title></path>\n", x - 5,
                band_top + band_height + 1,
                xml(fmt::format("regression, {}: {}", commit_title(result, regression.commit), regression.reason)));
        }
    }
    // Releases: a tick each; a version label where it does not overlap the previous one.
    double free_from = timeline_left - 100;
    for (const Release& release : component.releases) {
        const bool counted = std::any_of(verdict.releases.begin(), verdict.releases.end(),
                                         [&](const Release& r) { return r.version == release.version; });
        const double x = scale.x(release.commit);
        std::string title = fmt::format("release {}", release.version);
        if (!release.tag.empty()) title += fmt::format(" (tag {})", release.tag);
        title += fmt::format(", {}{}", commit_title(result, release.commit), counted ? ", counted for G3" : "");
        out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"{3}\" "
                           "stroke-width=\"2\"><title>{4}</title></line>\n",
                           x, band_top - 3, band_top + band_height + 2, counted ? "#1f2328" : "#8c959f", xml(title));
        const std::string label = fit(release.version, 90, 10);
        const double width = static_cast<double>(text::display_width(label)) * 10 * char_advance;
        if (x - width / 2 >= free_from && x + width / 2 <= timeline_right + 8) {
            text_element(
                out, x, band_top - 5,
                fmt::format("font-size=\"10\" text-anchor=\"middle\" fill=\"{}\"", counted ? "#1f2328" : "#6e7781"),
                xml(label));
            free_from = x + width / 2 + 4;
        }
    }
    // The verdict, and a disagreement with the declared gate under it.
    const std::string_view colour = verdict.passes ? "#1a7f37" : verdict.left_experimental ? "#9a6700" : "#57606a";
    const double verdict_x = timeline_right + 14;
    text_element(out, verdict_x, top + (verdict.disagreement.empty() ? 25 : 18),
                 fmt::format("font-weight=\"bold\" fill=\"{}\"", colour), xml(verdict_label(verdict)));
    if (!verdict.disagreement.empty()) {
        out += "<g>\n";
        out += fmt::format("<title>{}</title>\n", xml(verdict.disagreement));
        const std::string_view brief =
            verdict.claim == Claim::claimed ? "declared: not earned" : "earned: still pending";
        text_element(out, verdict_x, top + 32, "font-size=\"11\" fill=\"#cf222e\"", brief);
        out += "</g>\n";
    }
}

} // namespace

std::string render_svg(const HistoryResult& result) {
    std::size_t lanes = 0;
    for (const ComponentVerdict& component : result.components)
        lanes += component.cases.size();
    const bool drawn = !result.empty_window && lanes != 0;
    const double lanes_top = header_height;
    const double height = lanes_top + (drawn ? static_cast<double>(lanes) * lane_height : 20) + footer_height;
    std::string out;
    header(out, result, height);
    if (!drawn) {
        if (!result.empty_window)
            text_element(out, 12, lanes_top + 10, "fill=\"#1f2328\"", "no self-hosted component in this history");
        out += "</svg>\n";
        return out;
    }
    const Scale scale(result.history, result.window);
    const double lanes_bottom = lanes_top + static_cast<double>(lanes) * lane_height;
    // Under the lanes: every other lane shaded, a line between components, the date grid.
    double top = lanes_top;
    std::size_t index = 0;
    for (const ComponentVerdict& component : result.components) {
        for (std::size_t i = 0; i < component.cases.size(); ++i, ++index, top += lane_height)
            if (index % 2 == 1)
                out += fmt::format("<rect x=\"0\" y=\"{:.1f}\" width=\"{:.0f}\" height=\"{:.0f}\" fill=\"#f6f8fa\"/>\n",
                                   top, page_width, lane_height);
        out += fmt::format("<line x1=\"0\" y1=\"{0:.1f}\" x2=\"{1:.0f}\" y2=\"{0:.1f}\" stroke=\"#d0d7de\"/>\n", top,
                           page_width);
    }
    axis(out, scale, lanes_top, lanes_bottom);
    top = lanes_top;
    for (const ComponentVerdict& component : result.components)
        for (const CaseVerdict& verdict : component.cases) {
            lane(out, result, scale, component, verdict, top);
            top += lane_height;
        }
    out += fmt::format("<line x1=\"0\" y1=\"{0:.1f}\" x2=\"{1:.0f}\" y2=\"{0:.1f}\" stroke=\"#d0d7de\"/>\n", lanes_top,
                       page_width);
    if (!result.invalid.empty())
        text_element(out, 12, lanes_bottom + 36, "font-size=\"11\" fill=\"#57606a\"",
                     xml(fmt::format("{} manifest version{} could not be used and {} skipped (see --format text)",
                                     result.invalid.size(), result.invalid.size() == 1 ? "" : "s",
                                     result.invalid.size() == 1 ? "was" : "were")));
    out += "</svg>\n";
    return out;
}

} // namespace ksa::history
