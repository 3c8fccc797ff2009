#include "manifest/gate.h"

#include <algorithm>
#include <vector>

#include "support/text.h"

namespace ksa::manifest {
namespace {

bool is_identifier(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-' || c == '.';
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
    for (std::string_view part : parts) {
        if (!is_identifier(part)) {
            result.problem = part.empty() ? "a `:` separates nothing"
                                          : "gate names and cases use only letters, digits, `_`, `-` and `.`";
            if (parts.size() == 1) result.suggestion = suggest_gate(parts.front());
            return result;
        }
    }
    GateEntry entry;
    entry.ref = std::string(ref);
    const std::string_view head = parts.front();
    if (head == capability_gate) {
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
