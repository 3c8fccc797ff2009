// The decision protocol of RFC-002 §3.5, question 2: for a case of use (and optionally the
// external tool it would use), which Koder component lists that tool in `replaces`, which of
// the five gates it clears for the case, and the verdict. Pure: works on registry rows.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "registry/registry.h"

namespace ksa::decision {

// Lower-cased words: runs of letters, digits, `+` and `#`; `-`, `_`, spaces and any other
// character separate words ("TLS-terminating" → tls, terminating; "c++" stays c++).
std::vector<std::string> words_of(std::string_view text);

// True when `phrase` occurs in `words` as consecutive words, or glued together
// ("reverse_proxy" matches "reverse proxy" and "reverseproxy").
bool contains_phrase(const std::vector<std::string>& words, const std::vector<std::string>& phrase);

enum class GateState { passed, pending, missing };

struct GateAnswer {
    std::string gate{};  // "feature_parity", ..., "capability"
    std::string label{}; // "G1 feature parity"
    GateState state = GateState::missing;
    std::string because{}; // the entries that decide it, or why it fails
};

struct CaseAnswer {
    std::string case_name{}; // "" = no case named: only gates without a case count
    std::vector<GateAnswer> gates{};
    std::vector<std::string> capabilities{}; // capability names the case string mentions
    bool clears_all = false;
};

struct CandidateAnswer {
    // The registry row number (1-based, as in the generated registry today). Positional: a new
    // module moves it, so answers cite the component by name and manifest path instead.
    std::size_t row = 0;
    registry::PairRow pair{};
    std::string external{}; // the replaces entry that made it a candidate; "" when matched otherwise
    // What made it a candidate when no component replaces a tool the case names: the capabilities
    // and cases the case names ("capability:tls", "case:hevc").
    std::vector<std::string> matched_by{};
    std::vector<CaseAnswer> cases{};
    std::vector<std::string> verdicts{}; // one per case
};

struct Decision {
    std::string case_of_use{};
    std::string replaces{}; // --replaces, "" when found in the case string
    std::vector<CandidateAnswer> candidates{};
    std::string verdict{}; // the summary line
};

// The candidates are the components whose `replaces` lists the external tool (`replaces`, or a
// tool named in the case). When none does, the components with a capability or a case the
// case string names (a need rather than a tool: "a TLS-terminating reverse proxy").
Decision decide(const registry::Registry& registry, std::string_view case_of_use, std::string_view replaces);

// How an answer cites a component, stable when modules are added: "Koder Jet (koder-jet,
// infra/net/jet/koder.toml)", "kodec (engines/kodec/koder.toml)".
std::string citation(const registry::PairRow& pair);

std::string render_text(const Decision& decision);
std::string render_json(const Decision& decision);

} // namespace ksa::decision
