#include "manifest/gate.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "support/text.h"

namespace ksa::manifest {
namespace {

bool is_identifier(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
               c == '.';
    });
}

std::vector<std::string_view> split_colons(std::string_view s) {
    std::vector<std::string_view> parts;
    for (;;) {
        const auto colon = s.find(':');
        parts.push_back(s.substr(0, colon));
        if (colon == std::string_view::npos) return parts;
        s.remove_prefix(colon + 1);
    }
}

std::string suggest_gate(std::string_view name) {
    std::array<std::string_view, base_gates.size() + 1> names{};
    std::copy(base_gates.begin(), base_gates.end(), names.begin());
    names.back() = capability_gate;
    return text::closest_match(name, names).value_or("");
}

} // namespace

bool is_case_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

std::string suggest_case_name(std::string_view name) {
    std::string suggestion;
    for (char c : name) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        const bool kept = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (kept)
            suggestion += c;
        else if (!suggestion.empty() && suggestion.back() != '_')
            suggestion += '_';
    }
    while (!suggestion.empty() && suggestion.back() == '_')
        suggestion.pop_back();
    return suggestion;
}

std::string gate_pattern(bool case_required) {
    // Spaces and tabs around the gate and its REF are trimmed (text::trim); a REF is anything
    // with one character that is neither.
    const std::string case_part = case_required ? ":[a-z0-9_]+" : "(?::[a-z0-9_]+)?";
    std::string names;
    for (const std::string_view gate : base_gates)
        names += (names.empty() ? "" : "|") + std::string(gate);
    return fmt::format("^[ \\t]*(?:(?:{}){}|{}:[A-Za-z0-9_.-]+{})[ \\t]*(?:=[ \\t]*[^ \\t][\\s\\S]*)?$", names,
                       case_part, capability_gate, case_part);
}

GateParse parse_gate(std::string_view raw) {
    GateParse result;
    std::string_view body = raw;
    std::string_view ref;
    if (const auto eq = raw.find('='); eq != std::string_view::npos) {
        body = raw.substr(0, eq);
        ref = text::trim(raw.substr(eq + 1));
        if (ref.empty()) {
            result.problem = "nothing follows ` = ` (expected a ticket or path)";
            return result;
        }
    }
    body = text::trim(body);
    if (body.empty()) {
        result.problem = "the gate name is empty";
        return result;
    }
    const std::vector<std::string_view> parts = split_colons(body);
    const std::string_view head = parts.front();
    const bool capability = head == capability_gate;
    // The case is the part after the gate: the second of GATE:CASE, the third of capability:NAME:CASE.
    const std::size_t case_part = capability ? 2 : 1;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const std::string_view part = parts[i];
        if (part.empty()) {
            result.problem = "a `:` separates nothing";
            return result;
        }
        const bool is_case =
            i == case_part && (capability || std::find(base_gates.begin(), base_gates.end(), head) != base_gates.end());
        if (is_case && !is_case_name(part)) {
            result.problem = fmt::format("the case `{}` is not a lower-case identifier (a-z, 0-9 and `_`)",
                                         text::abbreviate(part, 60));
            if (const std::string fixed = suggest_case_name(part); !fixed.empty()) {
                std::string suggestion;
                for (std::size_t j = 0; j < i; ++j)
                    suggestion += std::string(parts[j]) + ":";
                result.suggestion = suggestion + fixed;
            }
            return result;
        }
        if (!is_case && !is_identifier(part)) {
            result.problem = "gate names use only letters, digits, `_`, `-` and `.`";
            if (parts.size() == 1) result.suggestion = suggest_gate(parts.front());
            return result;
        }
    }
    GateEntry entry;
    entry.ref = std::string(ref);
    if (capability) {
        if (parts.size() < 2) {
            result.problem = "`capability` needs a name: `capability:NAME` or `capability:NAME:CASE`";
            return result;
        }
        if (parts.size() > 3) {
            result.problem = "too many `:` parts (expected `capability:NAME[:CASE]`)";
            return result;
        }
        entry.gate = std::string(head) + ":" + std::string(parts[1]);
        if (parts.size() == 3) entry.case_name = std::string(parts[2]);
    } else if (std::find(base_gates.begin(), base_gates.end(), head) != base_gates.end()) {
        if (parts.size() > 2) {
            result.problem = "too many `:` parts (expected `GATE[:CASE]`)";
            return result;
        }
        entry.gate = std::string(head);
        if (parts.size() == 2) entry.case_name = std::string(parts[1]);
    } else {
        result.problem = "not a known gate";
        result.suggestion = suggest_gate(head);
        return result;
    }
    result.entry = std::move(entry);
    return result;
}

} // namespace ksa::manifest
