#include "history/stability.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include <fmt/format.h>

namespace ksa::history {
namespace {

const Revision* last_present_until(const ComponentHistory& component, std::uint32_t last) {
    const Revision* found = nullptr;
    for (const Revision& revision : component.revisions) {
        if (revision.commit > last) break;
        found = revision.present ? &revision : nullptr;
    }
    return found;
}

// The status that holds for `case_name` ("" = every case): a case outside a declared `cases`
// list is still experimental, and so is "every case" once `cases` narrows the claim.
std::string status_for(const Snapshot& snapshot, const std::string& case_name) {
    // Only these leave experimental: a misspelt status (KSA005) holds nothing.
    static constexpr std::array<std::string_view, 3> held{"stable", "official", "legacy"};
    if (!snapshot.has_block || std::find(held.begin(), held.end(), snapshot.status) == held.end())
        return "experimental";
    if (snapshot.cases) {
        if (case_name.empty()) return "experimental";
        if (std::find(snapshot.cases->begin(), snapshot.cases->end(), case_name) == snapshot.cases->end())
            return "experimental";
    }
    return snapshot.status;
}

// A stored gate key ("performance:mp3", "capability:tls:mp3") split into gate and case; the
// keys were well-formed when mined, so no full parse is needed.
std::pair<std::string_view, std::string_view> split_key(std::string_view key) {
    const std::size_t skip = key.starts_with("capability:") ? std::string_view("capability:").size() : 0;
    const std::size_t colon = key.find(':', skip);
    if (colon == std::string_view::npos) return {key, {}};
    return {key.substr(0, colon), key.substr(colon + 1)};
}

// Gate names (without case) that count for the case: its own and those of every case.
std::set<std::string> gates_for(const std::vector<std::string>& gates, const std::string& case_name) {
    std::set<std::string> names;
    for (const std::string& key : gates) {
        const auto [gate, gate_case] = split_key(key);
        if (gate_case.empty() || gate_case == case_name) names.emplace(gate);
    }
    return names;
}

std::string join(const std::set<std::string>& names) {
    std::string out;
    for (const std::string& name : names)
        out += (out.empty() ? "" : ", ") + name;
    return out;
}

} // namespace

std::optional<std::pair<std::string, std::string>> split_release_tag(std::string_view tag) {
    // The last "-v" or "/v" separates name and version, whichever of the two it is.
    const std::size_t dash = tag.rfind("-v");
    const std::size_t slash = tag.rfind("/v");
    const std::size_t at = dash == std::string_view::npos    ? slash
                           : slash == std::string_view::npos ? dash
                                                             : std::max(dash, slash);
    if (at == std::string_view::npos || at == 0) return std::nullopt;
    const std::string_view version = tag.substr(at + 2);
    if (version.empty() || version.front() < '0' || version.front() > '9') return std::nullopt;
    return std::pair{std::string(tag.substr(0, at)), std::string(version)};
}

std::vector<Release> releases_of(const ComponentHistory& component, const std::vector<TagRelease>& tags) {
    std::map<std::string, Release> by_version;
    std::string last_version;
    for (const Revision& revision : component.revisions) {
        if (!revision.present) continue;
        const std::string& version = revision.snapshot.version;
        if (!last_version.empty() && !version.empty() && version != last_version) {
            auto [it, inserted] = by_version.try_emplace(version, Release{version, revision.commit, true, ""});
            if (!inserted) it->second.commit = std::min(it->second.commit, revision.commit);
        }
        if (!version.empty()) last_version = version;
    }
    // A tag and a version change of the same release count once, at the earlier commit.
    for (const TagRelease& tag : tags) {
        if (tag.component != component.name) continue;
        auto [it, inserted] = by_version.try_emplace(tag.version, Release{tag.version, tag.commit, false, tag.tag});
        if (!inserted) {
            it->second.commit = std::min(it->second.commit, tag.commit);
            if (it->second.tag.empty()) it->second.tag = tag.tag;
        }
    }
    std::vector<Release> releases;
    for (auto& [version, release] : by_version)
        releases.push_back(std::move(release));
    std::sort(releases.begin(), releases.end(), [](const Release& a, const Release& b) {
        return a.commit != b.commit ? a.commit < b.commit : a.version < b.version;
    });
    return releases;
}

std::vector<std::string> cases_of(const Snapshot& snapshot) {
    std::vector<std::string> cases;
    if (snapshot.cases)
        cases = *snapshot.cases;
    else
        cases.emplace_back();
    for (const auto* gates : {&snapshot.gates_passed, &snapshot.gates_pending})
        for (const std::string& key : *gates) {
            const std::string_view gate_case = split_key(key).second;
            if (!gate_case.empty() && std::find(cases.begin(), cases.end(), gate_case) == cases.end())
                cases.emplace_back(gate_case);
        }
    return cases;
}

namespace {

// The walk of judge_case; with `timeline`, also what it saw on the way (for drawing).
CaseVerdict walk_case(const ComponentHistory& component, const std::vector<Release>& releases,
                      const std::string& case_name, Window window, CaseTimeline* timeline) {
    CaseVerdict verdict;
    // The status shown from the window's first commit on ("" while the component is absent).
    std::string status_at_start;
    const auto show = [&](std::uint32_t commit, const std::string& shown) {
        if (timeline == nullptr) return;
        if (commit < window.first) {
            status_at_start = shown;
            return;
        }
        auto& spans = timeline->spans;
        if (spans.empty() && commit > window.first) spans.push_back({window.first, status_at_start});
        if (!spans.empty() && spans.back().status == shown) return;
        if (!spans.empty() && spans.back().commit == commit)
            spans.back().status = shown;
        else
            spans.push_back({commit, shown});
    };
    const auto regress = [&](std::uint32_t commit, std::string reason) {
        verdict.last_regression = Regression{commit, std::move(reason)};
        if (timeline != nullptr) timeline->regressions.push_back(*verdict.last_regression);
    };
    verdict.case_name = case_name;
    // The current streak: releases strictly after `streak_from` count. -1 = no streak.
    std::int64_t streak_from = -1;
    bool holding = false;
    std::set<std::string> previous_gates;
    bool window_opened = false;
    const auto open_window = [&] {
        window_opened = true;
        if (window.first == 0) return;
        // What happened before the window is not counted: a streak running then starts at the
        // window's first commit, and earlier regressions are forgotten.
        verdict.last_regression.reset();
        if (holding) {
            streak_from = static_cast<std::int64_t>(window.first) - 1;
            verdict.left_experimental = window.first;
            verdict.left_before_window = true;
        }
    };
    for (const Revision& revision : component.revisions) {
        if (revision.commit > window.last) break;
        if (!window_opened && revision.commit >= window.first) open_window();
        if (!revision.present) {
            show(revision.commit, "");
            continue; // gone for now: nothing is known until it comes back
        }
        const std::string status = status_for(revision.snapshot, case_name);
        show(revision.commit, status);
        std::set<std::string> gates = gates_for(revision.snapshot.gates_passed, case_name);
        // G3 must not depend on its own declaration: withdrawing a premature `stability` claim
        // is not a regression.
        gates.erase("stability");
        const bool inside = revision.commit >= window.first;
        if (status == "experimental") {
            if (holding && inside) regress(revision.commit, "status back to experimental");
            holding = false;
            streak_from = -1;
            verdict.left_experimental.reset();
            verdict.left_before_window = false;
        } else if (!holding) {
            holding = true;
            streak_from = revision.commit;
            verdict.left_experimental = revision.commit;
            verdict.left_before_window = false;
            verdict.left_version = revision.snapshot.version;
        } else {
            std::set<std::string> lost;
            std::set_difference(previous_gates.begin(), previous_gates.end(), gates.begin(), gates.end(),
                                std::inserter(lost, lost.end()));
            if (!lost.empty()) {
                // A gate the case relied on left gates_passed: the count restarts here.
                if (inside) regress(revision.commit, fmt::format("{} left gates_passed", join(lost)));
                streak_from = revision.commit;
            }
        }
        previous_gates = gates;
    }
    if (!window_opened) open_window();
    if (timeline != nullptr && timeline->spans.empty()) timeline->spans.push_back({window.first, status_at_start});
    const Revision* last = last_present_until(component, window.last);
    verdict.status = last != nullptr ? status_for(last->snapshot, case_name) : "experimental";
    if (holding) {
        for (const Release& release : releases)
            if (static_cast<std::int64_t>(release.commit) > streak_from && release.commit >= window.first &&
                release.commit <= window.last)
                verdict.releases.push_back(release);
        const int count = static_cast<int>(verdict.releases.size());
        verdict.passes = count >= required_releases;
        verdict.needed = verdict.passes ? 0 : required_releases - count;
    }
    // A case outside the declared `cases` carries no claim: the status does not cover it, and
    // a caseless `stability` gate speaks for the cases the status holds for.
    const bool covered =
        last != nullptr && (!last->snapshot.cases ||
                            (!case_name.empty() && std::find(last->snapshot.cases->begin(), last->snapshot.cases->end(),
                                                             case_name) != last->snapshot.cases->end()));
    if (covered) {
        if (gates_for(last->snapshot.gates_passed, case_name).contains("stability"))
            verdict.claim = Claim::claimed;
        else if (gates_for(last->snapshot.gates_pending, case_name).contains("stability"))
            verdict.claim = Claim::pending;
    }
    if (verdict.claim == Claim::claimed && !verdict.passes)
        verdict.disagreement = "stability is in gates_passed but not earned";
    else if (verdict.claim == Claim::pending && verdict.passes)
        verdict.disagreement = "stability is earned but still in gates_pending";
    return verdict;
}

} // namespace

CaseVerdict judge_case(const ComponentHistory& component, const std::vector<Release>& releases,
                       const std::string& case_name, Window window) {
    return walk_case(component, releases, case_name, window, nullptr);
}

CaseTimeline case_timeline(const ComponentHistory& component, const std::string& case_name, Window window) {
    CaseTimeline timeline;
    walk_case(component, {}, case_name, window, &timeline);
    return timeline;
}

std::optional<ComponentVerdict> judge_component(const ComponentHistory& component, const std::vector<TagRelease>& tags,
                                                Window window) {
    const Revision* last = last_present_until(component, window.last);
    if (last == nullptr || !last->snapshot.has_block) return std::nullopt;
    ComponentVerdict verdict;
    verdict.name = component.name;
    verdict.path = last->snapshot.path;
    verdict.status = last->snapshot.status;
    verdict.version = last->snapshot.version;
    const std::vector<Release> all = releases_of(component, tags);
    for (const Release& release : all)
        if (release.commit >= window.first && release.commit <= window.last) verdict.releases.push_back(release);
    for (const std::string& case_name : cases_of(last->snapshot))
        verdict.cases.push_back(judge_case(component, all, case_name, window));
    return verdict;
}

} // namespace ksa::history
