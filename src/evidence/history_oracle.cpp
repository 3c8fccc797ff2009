#include "evidence/history_oracle.h"

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "git/history_reader.h"
#include "git/repository.h"
#include "history/run.h"

namespace ksa::evidence {

StabilityOracle history_oracle(const std::string& revision_given, const AuditConfig& config,
                               std::vector<std::string>& notes) {
    auto repository = git::Repository::open_from_environment();
    if (!repository) {
        notes.push_back(fmt::format("stability claims not checked: {}", repository.failure().message));
        return {};
    }
    git::HistoryReader reader(*repository);
    history::HistoryRequest request;
    if (!revision_given.empty()) request.revision = revision_given;
    // The same limits as the rest of the check (the configuration of the audited tree).
    request.max_manifest_bytes = config.max_manifest_bytes;
    request.max_nesting_depth = config.max_nesting_depth;
    auto result = history::run_history(reader, request);
    if (!result) {
        notes.push_back(fmt::format("stability claims not checked: {}", result.failure().message));
        return {};
    }
    if (result->history.shallow) notes.push_back("stability verdicts come from a shallow clone and may be incomplete");
    if (revision_given.empty())
        notes.push_back(
            fmt::format("stability verdicts are those of the history up to HEAD ({})", result->tip.substr(0, 10)));
    auto mined = std::make_shared<history::HistoryResult>(std::move(*result));
    const std::string revision = request.revision;
    // One case at a time, as the audited tree claims it: a component or a case the history does
    // not hold (the claim is new in the working tree or the index) has earned nothing.
    return [mined, revision](std::string_view component,
                             std::string_view case_name) -> std::optional<StabilityVerdict> {
        StabilityVerdict answer;
        answer.needed = history::required_releases;
        const auto& verdicts = mined->components;
        const auto found = std::find_if(verdicts.begin(), verdicts.end(),
                                        [&](const history::ComponentVerdict& v) { return v.name == component; });
        const auto mined_component = mined->history.components.find(std::string(component));
        if (found == verdicts.end() || mined_component == mined->history.components.end()) {
            answer.detail = fmt::format("no [self_hosted] block of {} in the history up to {}", component, revision);
            return answer;
        }
        const auto known = std::find_if(found->cases.begin(), found->cases.end(),
                                        [&](const history::CaseVerdict& v) { return v.case_name == case_name; });
        const history::CaseVerdict verdict =
            known != found->cases.end()
                ? *known
                : history::judge_case(mined_component->second, found->releases, std::string(case_name), mined->window);
        answer.earned = verdict.passes;
        answer.releases = static_cast<int>(verdict.releases.size());
        if (verdict.passes) return answer;
        if (!verdict.left_experimental)
            answer.detail = fmt::format("still experimental in the history up to {}", revision);
        else if (verdict.last_regression)
            answer.detail = fmt::format("{} release(s) since the regression at {} ({})", verdict.releases.size(),
                                        mined->history.commits.at(verdict.last_regression->commit).id.substr(0, 10),
                                        verdict.last_regression->reason);
        else
            answer.detail = fmt::format("{} release(s) since it left experimental", verdict.releases.size());
        return answer;
    };
}

} // namespace ksa::evidence
