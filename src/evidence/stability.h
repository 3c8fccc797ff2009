// The stability gate's verdict (G3) as gate-check consumes it. The verdict itself comes from
// `self-hosted --history` (evidence/history_oracle.cpp builds the function); gate-check only
// takes this interface, so gate_check.cpp does not depend on history/ and tests can pass a lambda.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ksa::evidence {

struct StabilityVerdict {
    bool earned = false;  // left experimental and held for `needed` releases without a regression
    int releases = 0;     // releases counted since it left experimental
    int needed = 3;       // the threshold (RFC-002 G3: 3)
    std::string detail{}; // e.g. "left experimental at 1a2b3c4; last regression: none"
};

// The verdict for a component (its registry name) and exactly one case ("" = every case). A
// component or case the history does not hold is a verdict too (not earned: nothing backs the
// claim); nullopt only when no verdict is available. An empty function means "no history at all".
// Which cases a claim speaks for is gate-check's business: it reads them from the audited tree.
using StabilityOracle =
    std::function<std::optional<StabilityVerdict>(std::string_view component, std::string_view case_name)>;

} // namespace ksa::evidence
