#include "decision/decide.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "manifest/gate.h"
#include "support/json_writer.h"

namespace ksa::decision {
namespace {

// `+` and `#` belong to words so that `c++` and `c#` are not the same as `c`.
bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '#';
}

// Words joined without separators: the form in which `rocket_chat` and "rocketchat" meet.
std::string glued(const std::vector<std::string>& words, std::size_t from, std::size_t count) {
    std::string result;
    for (std::size_t i = from; i < from + count; ++i)
        result += words[i];
    return result;
}

// The gate entries of a row, parsed; malformed ones are left out (--validate reports them).
std::vector<manifest::GateEntry> parsed(const std::vector<std::string>& raw) {
    std::vector<manifest::GateEntry> entries;
    for (const std::string& item : raw)
        if (auto gate = manifest::parse_gate(item).entry) entries.push_back(std::move(*gate));
    return entries;
}

bool is_capability(const manifest::GateEntry& entry) { return entry.gate.starts_with("capability:"); }

// An entry counts for `case_name` when it has no case or that very case.
bool applies(const manifest::GateEntry& entry, const std::string& case_name) {
    return entry.case_name.empty() || (!case_name.empty() && entry.case_name == case_name);
}

// The entries as the manifest wrote them (with their ticket), so the answer can be acted upon.
std::string keys(const std::vector<const manifest::GateEntry*>& entries) {
    std::vector<std::string> names;
    for (const auto* entry : entries)
        names.push_back(entry->ref.empty() ? entry->key() : entry->key() + " = " + entry->ref);
    return fmt::format("{}", fmt::join(names, ", "));
}

GateAnswer base_gate(const registry::PairRow& pair, const std::vector<manifest::GateEntry>& passed,
                     const std::vector<manifest::GateEntry>& pending, const std::string& gate, std::string label,
                     const std::string& case_name) {
    GateAnswer answer{gate, std::move(label), GateState::missing, ""};
    std::vector<const manifest::GateEntry*> yes;
    std::vector<const manifest::GateEntry*> no;
    for (const auto& entry : passed)
        if (entry.gate == gate && applies(entry, case_name)) yes.push_back(&entry);
    for (const auto& entry : pending)
        if (entry.gate == gate && applies(entry, case_name)) no.push_back(&entry);
    if (!yes.empty()) {
        answer.state = GateState::passed;
        answer.because = keys(yes);
    } else if (!no.empty()) {
        answer.state = GateState::pending;
        answer.because = keys(no);
    } else {
        answer.because = case_name.empty() ? "not declared for every case" : "not declared for " + case_name;
    }
    if (gate != "stability" || answer.state != GateState::passed) return answer;
    // G3 also rests on the status: experimental fails it; stable and official hold for `cases`.
    if (pair.status == "experimental") {
        answer.state = GateState::missing;
        answer.because = "status `experimental` (G3 fails while experimental)";
    } else if (pair.cases && std::find(pair.cases->begin(), pair.cases->end(), case_name) == pair.cases->end()) {
        answer.state = GateState::missing;
        answer.because = fmt::format("status `{}` holds for {} only{}", pair.status, fmt::join(*pair.cases, ", "),
                                     case_name.empty() ? "" : ", not " + case_name);
    }
    return answer;
}

// G4: the capabilities of the kind of use case are present: none pending for the case.
GateAnswer capability_gate(const std::vector<manifest::GateEntry>& passed,
                           const std::vector<manifest::GateEntry>& pending, const std::string& case_name) {
    GateAnswer answer{"capability", "G4 capability", GateState::passed, ""};
    std::vector<const manifest::GateEntry*> yes;
    std::vector<const manifest::GateEntry*> no;
    for (const auto& entry : passed)
        if (is_capability(entry) && applies(entry, case_name)) yes.push_back(&entry);
    for (const auto& entry : pending)
        if (is_capability(entry) && applies(entry, case_name)) no.push_back(&entry);
    if (!no.empty()) {
        answer.state = GateState::pending;
        answer.because = keys(no);
    } else {
        answer.because = yes.empty() ? "no capability gate pending" : keys(yes);
    }
    return answer;
}

// The five gates in RFC order (G1..G5) for one case, plus the capabilities the case mentions.
CaseAnswer evaluate(const registry::PairRow& pair, const std::string& case_name,
                    const std::vector<std::string>& words) {
    const auto passed = parsed(pair.gates_passed);
    const auto pending = parsed(pair.gates_pending);
    CaseAnswer answer;
    answer.case_name = case_name;
    answer.gates.push_back(base_gate(pair, passed, pending, "feature_parity", "G1 feature parity", case_name));
    answer.gates.push_back(base_gate(pair, passed, pending, "performance", "G2 performance", case_name));
    answer.gates.push_back(base_gate(pair, passed, pending, "stability", "G3 stability", case_name));
    answer.gates.push_back(capability_gate(passed, pending, case_name));
    answer.gates.push_back(base_gate(pair, passed, pending, "production_proven", "G5 production proven", case_name));
    answer.clears_all = std::all_of(answer.gates.begin(), answer.gates.end(),
                                    [](const GateAnswer& gate) { return gate.state == GateState::passed; });
    std::set<std::string> capabilities;
    for (const auto* list : {&passed, &pending})
        for (const auto& entry : *list)
            if (is_capability(entry) && contains_phrase(words, words_of(entry.gate.substr(11))))
                capabilities.insert(entry.gate.substr(11));
    answer.capabilities.assign(capabilities.begin(), capabilities.end());
    return answer;
}

// The cases the case string names: `cases` entries and the case suffixes of gate entries.
std::vector<std::string> named_cases(const registry::PairRow& pair, const std::vector<std::string>& words) {
    std::set<std::string> known;
    if (pair.cases) known.insert(pair.cases->begin(), pair.cases->end());
    for (const auto* list : {&pair.gates_passed, &pair.gates_pending})
        for (const auto& entry : parsed(*list))
            if (!entry.case_name.empty()) known.insert(entry.case_name);
    std::vector<std::string> found;
    for (const std::string& name : known)
        if (contains_phrase(words, words_of(name))) found.push_back(name);
    return found;
}

// "Koder Jet (koder-jet)": the registry's display name and the name people type.
std::string name_of(const registry::PairRow& pair) {
    return pair.display_name == pair.name || pair.name.empty() ? pair.display_name
                                                               : fmt::format("{} ({})", pair.display_name, pair.name);
}

// RFC §3.5 question 2's three answers (plus legacy, which the status enum forbids for new code).
std::string verdict_for(const CandidateAnswer& candidate, const CaseAnswer& answer, const std::string& external) {
    const std::string for_case = answer.case_name.empty() ? "this case" : "case " + answer.case_name;
    if (candidate.pair.status == "legacy")
        return fmt::format("do not use {}: it is legacy, superseded; new code must not use it",
                           citation(candidate.pair));
    if (answer.clears_all)
        return fmt::format("use {} for {}: it clears all five gates", citation(candidate.pair), for_case);
    std::vector<std::string> failing;
    for (const GateAnswer& gate : answer.gates)
        if (gate.state != GateState::passed) failing.push_back(fmt::format("{} ({})", gate.label, gate.because));
    return fmt::format("{} does not clear the gates for {}: failing {}. {} stays preferred; or override and accept "
                       "the maintenance burden, and open a promotion ticket",
                       citation(candidate.pair), for_case, fmt::join(failing, "; "),
                       external.empty() ? std::string("The external alternative") : external);
}

// The capabilities and cases of `pair` the case string names, as "capability:NAME" and
// "case:NAME" (a candidate found by its need rather than by the tool it replaces).
std::vector<std::string> needs_named(const registry::PairRow& pair, const std::vector<std::string>& words) {
    std::set<std::string> capabilities;
    for (const auto* list : {&pair.gates_passed, &pair.gates_pending})
        for (const auto& entry : parsed(*list))
            if (is_capability(entry) && contains_phrase(words, words_of(entry.gate.substr(11))))
                capabilities.insert(entry.gate.substr(11));
    std::vector<std::string> found;
    for (const std::string& name : capabilities)
        found.push_back("capability:" + name);
    for (const std::string& name : named_cases(pair, words))
        found.push_back("case:" + name);
    return found;
}

// "its capabilities reverse_proxy, tls and its case hevc".
std::string describe_match(const std::vector<std::string>& matched_by) {
    std::vector<std::string> capabilities;
    std::vector<std::string> cases;
    for (const std::string& item : matched_by) {
        if (item.starts_with("capability:"))
            capabilities.push_back(item.substr(11));
        else if (item.starts_with("case:"))
            cases.push_back(item.substr(5));
    }
    std::vector<std::string> parts;
    if (!capabilities.empty())
        parts.push_back(fmt::format("its {} {}", capabilities.size() == 1 ? "capability" : "capabilities",
                                    fmt::join(capabilities, ", ")));
    if (!cases.empty())
        parts.push_back(fmt::format("its {} {}", cases.size() == 1 ? "case" : "cases", fmt::join(cases, ", ")));
    return fmt::format("{}", fmt::join(parts, " and "));
}

std::string_view state_name(GateState state) {
    switch (state) {
    case GateState::passed: return "passed";
    case GateState::pending: return "pending";
    case GateState::missing: return "missing";
    }
    return "missing";
}

} // namespace

std::vector<std::string> words_of(std::string_view text) {
    std::vector<std::string> words;
    std::string current;
    for (char c : text) {
        if (is_word_char(c)) {
            current += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        } else if (!current.empty()) {
            words.push_back(std::move(current));
            current.clear();
        }
    }
    if (!current.empty()) words.push_back(std::move(current));
    return words;
}

bool contains_phrase(const std::vector<std::string>& words, const std::vector<std::string>& phrase) {
    if (phrase.empty()) return false;
    const std::string target = glued(phrase, 0, phrase.size());
    // Grow a run of words from each start until it reaches the target's length: a match is a
    // run whose glued form equals the phrase's, so separators never matter.
    for (std::size_t from = 0; from < words.size(); ++from) {
        std::string joined;
        for (std::size_t count = 1; from + count <= words.size() && joined.size() < target.size(); ++count) {
            joined += words[from + count - 1];
            if (joined == target) return true;
        }
    }
    return false;
}

std::string citation(const registry::PairRow& pair) {
    if (pair.name.empty() || pair.name == pair.display_name)
        return fmt::format("{} ({})", pair.display_name, pair.manifest_path);
    return fmt::format("{} ({}, {})", pair.display_name, pair.name, pair.manifest_path);
}

Decision decide(const registry::Registry& registry, std::string_view case_of_use, std::string_view replaces) {
    Decision decision;
    decision.case_of_use = std::string(case_of_use);
    decision.replaces = std::string(replaces);
    const std::vector<std::string> words = words_of(case_of_use);
    const std::vector<std::string> wanted = words_of(replaces);
    const auto judge = [&](CandidateAnswer candidate) {
        std::vector<std::string> cases = named_cases(candidate.pair, words);
        if (cases.empty()) cases.emplace_back(); // no case named: judge the gates that hold for every case
        for (const std::string& case_name : cases) {
            candidate.cases.push_back(evaluate(candidate.pair, case_name, words));
            candidate.verdicts.push_back(
                verdict_for(candidate, candidate.cases.back(),
                            candidate.external.empty() ? decision.replaces : candidate.external));
        }
        decision.candidates.push_back(std::move(candidate));
    };
    for (std::size_t index = 0; index < registry.pairs.size(); ++index) {
        const registry::PairRow& pair = registry.pairs[index];
        std::string external;
        for (const std::string& entry : pair.replaces) {
            const std::vector<std::string> entry_words = words_of(entry);
            const bool match = replaces.empty() ? contains_phrase(words, entry_words)
                                                : !wanted.empty() && glued(entry_words, 0, entry_words.size()) ==
                                                                         glued(wanted, 0, wanted.size());
            if (match) {
                external = entry;
                break;
            }
        }
        if (!external.empty()) judge(CandidateAnswer{index + 1, pair, external, {}, {}, {}});
    }
    // No component replaces a tool the case names: the case may name a need instead, which a
    // component's capabilities or cases cover ("a TLS-terminating reverse proxy").
    if (decision.candidates.empty())
        for (std::size_t index = 0; index < registry.pairs.size(); ++index)
            if (auto matched = needs_named(registry.pairs[index], words); !matched.empty())
                judge(CandidateAnswer{index + 1, registry.pairs[index], "", std::move(matched), {}, {}});
    if (decision.candidates.empty()) {
        decision.verdict =
            replaces.empty()
                ? fmt::format("no candidate: no Koder component's `replaces`, cases or capabilities are named in the "
                              "case; name the external tool you would use: --decide \"{}\" --replaces NAME (the "
                              "registry's Replaces column lists the tools components replace)",
                              case_of_use)
                : fmt::format("no candidate: no Koder component lists `{}` in `replaces`, and none has a case or "
                              "capability the case names: the case is outside the policy's reach; use {} without "
                              "ceremony",
                              replaces, replaces);
        return decision;
    }
    std::vector<std::string> usable;
    for (const CandidateAnswer& candidate : decision.candidates)
        for (const CaseAnswer& answer : candidate.cases)
            if (answer.clears_all && candidate.pair.status != "legacy") {
                std::string cited = citation(candidate.pair);
                if (!answer.case_name.empty()) cited.insert(cited.size() - 1, ", case " + answer.case_name);
                usable.push_back("use " + cited);
            }
    decision.verdict = usable.empty()
                           ? fmt::format("{} candidate(s), none clears all five gates: name the failing gates above; "
                                         "the external alternative stays preferred unless you override",
                                         decision.candidates.size())
                           : fmt::format("{}", fmt::join(usable, "; "));
    return decision;
}

std::string render_text(const Decision& decision) {
    std::string out = fmt::format("Case of use: \"{}\"\n", decision.case_of_use);
    if (!decision.replaces.empty()) out += fmt::format("External alternative: {}\n", decision.replaces);
    for (const CandidateAnswer& candidate : decision.candidates) {
        const registry::PairRow& pair = candidate.pair;
        const std::string why =
            !candidate.external.empty()
                ? "replaces " + candidate.external
                : fmt::format("matched by {} ({})", describe_match(candidate.matched_by),
                              decision.replaces.empty()
                                  ? std::string("the case names no tool a component replaces")
                                  : fmt::format("no component lists `{}` in `replaces`", decision.replaces));
        out += fmt::format("\nCandidate: {} — {}, {}\n", name_of(pair), pair.manifest_path, why);
        out += fmt::format("  status: {}{}\n", pair.status,
                           pair.cases ? fmt::format(" for {}", fmt::join(*pair.cases, ", "))
                                      : std::string(" (every case)"));
        if (!pair.notes.empty()) {
            // One line, as the validator requires (decide also reads manifests it would reject).
            std::string notes = pair.notes;
            std::replace_if(
                notes.begin(), notes.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
            out += fmt::format("  notes: {}\n", notes);
        }
        for (std::size_t i = 0; i < candidate.cases.size(); ++i) {
            const CaseAnswer& answer = candidate.cases[i];
            out += fmt::format("  case: {}\n",
                               answer.case_name.empty() ? "(none named: gates without a case only)" : answer.case_name);
            if (!answer.capabilities.empty())
                out += fmt::format("    capabilities named in the case: {}\n", fmt::join(answer.capabilities, ", "));
            for (const GateAnswer& gate : answer.gates)
                out += fmt::format("    {:<22} {:<8} {}\n", gate.label, state_name(gate.state), gate.because);
            out += fmt::format("    verdict: {}\n", candidate.verdicts[i]);
        }
    }
    out += fmt::format("\n{}{}\n", decision.candidates.empty() ? "" : "Decision: ", decision.verdict);
    return out;
}

std::string render_json(const Decision& decision) {
    JsonWriter json;
    json.begin_object().field("case_of_use", decision.case_of_use);
    if (decision.replaces.empty())
        json.key("replaces").null();
    else
        json.field("replaces", decision.replaces);
    json.key("candidates").begin_array();
    for (const CandidateAnswer& candidate : decision.candidates) {
        const registry::PairRow& pair = candidate.pair;
        json.begin_object()
            .field("row", static_cast<std::int64_t>(candidate.row))
            .field("name", pair.name)
            .field("display_name", pair.display_name)
            .field("manifest", pair.manifest_path)
            .field("status", pair.status);
        if (candidate.external.empty())
            json.key("external").null();
        else
            json.field("external", candidate.external);
        json.key("matched_by").begin_array();
        if (!candidate.external.empty()) json.value("replaces:" + candidate.external);
        for (const std::string& item : candidate.matched_by)
            json.value(item);
        json.end_array();
        if (pair.notes.empty())
            json.key("notes").null();
        else
            json.field("notes", pair.notes);
        json.key("status_cases");
        if (pair.cases) {
            json.begin_array();
            for (const std::string& item : *pair.cases)
                json.value(item);
            json.end_array();
        } else {
            json.null();
        }
        json.key("cases").begin_array();
        for (std::size_t i = 0; i < candidate.cases.size(); ++i) {
            const CaseAnswer& answer = candidate.cases[i];
            json.begin_object();
            if (answer.case_name.empty())
                json.key("case").null();
            else
                json.field("case", answer.case_name);
            json.key("capabilities").begin_array();
            for (const std::string& item : answer.capabilities)
                json.value(item);
            json.end_array();
            json.key("gates").begin_array();
            for (const GateAnswer& gate : answer.gates)
                json.begin_object()
                    .field("gate", gate.gate)
                    .field("state", state_name(gate.state))
                    .field("because", gate.because)
                    .end_object();
            json.end_array();
            json.field("clears_all", answer.clears_all).field("verdict", candidate.verdicts[i]).end_object();
        }
        json.end_array().end_object();
    }
    json.end_array().field("verdict", decision.verdict).end_object();
    return json.str() + "\n";
}

} // namespace ksa::decision
