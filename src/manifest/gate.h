// The gate grammar: GATE[:CASE][ = REF], where GATE is a base gate or capability:NAME, and the
// case-name grammar shared with `cases`.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace ksa::manifest {

inline constexpr std::array<std::string_view, 4> base_gates{"feature_parity", "performance", "stability",
                                                            "production_proven"};
inline constexpr std::string_view capability_gate = "capability";

struct GateEntry {
    std::string gate;      // "feature_parity" or "capability:tls"
    std::string case_name; // "" when the gate applies to every case
    std::string ref;       // text after " = ", "" when absent

    // The identity used for duplicate and overlap checks: the entry without its REF.
    [[nodiscard]] std::string key() const { return case_name.empty() ? gate : gate + ":" + case_name; }
};

struct GateParse {
    std::optional<GateEntry> entry; // set when the entry is well-formed
    std::string problem;            // why it is not, otherwise
    std::string suggestion;         // did-you-mean for the gate name, may be empty
};

GateParse parse_gate(std::string_view raw);

// A case name, in `cases` and after `GATE:` alike: a lower-case identifier, [a-z0-9_]+.
bool is_case_name(std::string_view name);

// The same grammars as regular expressions in the syntax ECMAScript and Rust's `regex` share
// (JSON Schema's `pattern`): a whole case name, and a whole gate entry that parse_gate accepts
// (with `case_required`: only entries naming a case). tests/unit/schema_test.cpp holds each
// against the functions above.
inline constexpr std::string_view case_name_pattern = "^[a-z0-9_]+$";
std::string gate_pattern(bool case_required = false);

// The case name `name` was probably meant to be ("Hot-Path" → "hot_path"): lower case, every
// other character a `_`, runs of `_` merged and trimmed; "" when nothing is left ("*").
std::string suggest_case_name(std::string_view name);

} // namespace ksa::manifest
