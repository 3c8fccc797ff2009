// Gate G3 from mined history: has the component left experimental and held for at least three
// releases without a regression that affects the case? (docs/history.md has the definition.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "history/model.h"

namespace ksa::history {

inline constexpr int required_releases = 3;

// The commits a verdict looks at: indices into MinedHistory::commits, both included.
struct Window {
    std::uint32_t first = 0;
    std::uint32_t last = 0;
};

// A release tag recognised for a component (`<name>-v<version>` or `<name>/v<version>`).
struct TagRelease {
    std::string component;
    std::string version;
    std::string tag;
    std::uint32_t commit = 0; // the first commit of the chain that contains the tagged commit
};

// "mod-v1.2.0" -> {"mod", "1.2.0"}; nullopt when the name follows neither pattern.
std::optional<std::pair<std::string, std::string>> split_release_tag(std::string_view tag);

struct Release {
    std::string version;
    std::uint32_t commit = 0;
    bool from_version = false; // the manifest's version changed to it
    std::string tag;           // the tag naming it, "" when none
};

struct Regression {
    std::uint32_t commit = 0;
    std::string reason;
};

enum class Claim { claimed, pending, undeclared };

struct CaseVerdict {
    std::string case_name;                          // "" for every case
    std::string status;                             // the status that holds for the case at the end of the window
    std::optional<std::uint32_t> left_experimental; // commit where the current streak began
    bool left_before_window = false;                // the streak began before the window
    std::string left_version;
    std::vector<Release> releases; // counted: after the streak began, inside the window
    std::optional<Regression> last_regression;
    bool passes = false;
    int needed = required_releases; // more releases needed (when not passing)
    Claim claim = Claim::undeclared;
    std::string disagreement; // "" when the declared gate agrees with the verdict
};

struct ComponentVerdict {
    std::string name;
    std::string path;              // the manifest's path at the end of the window
    std::string status;            // the declared status
    std::string version;           // the declared version
    std::vector<Release> releases; // all releases in the window
    std::vector<CaseVerdict> cases;
};

// Every release of a component: version changes and its tags, one per version (the earliest).
std::vector<Release> releases_of(const ComponentHistory& component, const std::vector<TagRelease>& tags);

// The cases a verdict is given for: the declared `cases` (or "" for every case when absent)
// plus every case named by a gate suffix.
std::vector<std::string> cases_of(const Snapshot& snapshot);

// The verdict for one case, from the component's revisions and releases inside `window`.
CaseVerdict judge_case(const ComponentHistory& component, const std::vector<Release>& releases,
                       const std::string& case_name, Window window);

// What a case went through inside a window, for drawing it (--format svg).
struct StatusSpan {
    std::uint32_t commit = 0; // the first commit it holds at
    std::string status;       // the status for the case; "" while no manifest declares the component
};
struct CaseTimeline {
    std::vector<StatusSpan> spans;       // oldest first, the first at the window's first commit
    std::vector<Regression> regressions; // every regression inside the window, oldest first
};

// The same walk as judge_case, keeping each status change and every regression.
CaseTimeline case_timeline(const ComponentHistory& component, const std::string& case_name, Window window);

// The verdicts of a component declared (with a [self_hosted] block) at the end of `window`;
// `tags` are the component's release tags (others are ignored).
std::optional<ComponentVerdict> judge_component(const ComponentHistory& component, const std::vector<TagRelease>& tags,
                                                Window window);

} // namespace ksa::history
