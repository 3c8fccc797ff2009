// The keys of the [self_hosted] block and of its [[self_hosted.skipped]] pairs: what each
// holds, whether it is required, and one line saying what it means. One table, read by the
// rule that checks the block's shape (rules/self_hosted_fields.cpp) and by the JSON Schema of
// koder.toml (manifest/schema.cpp), so the two cannot disagree.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace ksa::manifest {

enum class FieldKind {
    string,        // a string
    text,          // a non-empty string
    status,        // a string, one of `statuses`
    text_list,     // an array of strings, none blank
    gate_list,     // an array of gate entries (manifest/gate.h)
    case_list,     // an array of case names
    notes,         // one line of plain text, at most max_notes_length characters
    skipped_pairs, // an array of tables with `skipped_fields`
    date,          // a TOML local date or a "YYYY-MM-DD" string naming a real day
};

struct Field {
    std::string_view key;
    FieldKind kind;
    bool required = false;
    bool non_empty = false;     // a list: at least one entry
    std::string_view example{}; // the value a "missing" hint suggests
    std::string_view summary{}; // what it means, for the schema's descriptions
};

inline constexpr std::array<Field, 9> self_hosted_fields{{
    {"replaces", FieldKind::text_list, true, true, "[\"nginx\"]",
     "The external tools this component replaces (the registry's pairs)."},
    {"status", FieldKind::status, true, false, "\"experimental\"",
     "Where the replacement stands: experimental, stable, official or legacy."},
    {"gates_passed", FieldKind::gate_list, true, false, "[]",
     "Gates cleared: GATE[:CASE][ = REF], GATE one of feature_parity, performance, stability, production_proven, "
     "capability:NAME."},
    {"gates_pending", FieldKind::gate_list, true, false, "[]", "Gates still open, in the same grammar."},
    {"cases", FieldKind::case_list, false, true, "[\"hot_path\"]",
     "The cases of use the status holds for (absent: every case); lower-case identifiers."},
    {"benchmark_ref", FieldKind::text, false, false, "\"bench/x-vs-y.md\"",
     "The benchmark document backing the performance gate (a file of the tree)."},
    {"production_ref", FieldKind::text_list, false, false, "[\"engines/kodec\"]",
     "Modules or hosts running the component in production (the production_proven gate)."},
    {"notes", FieldKind::notes, false, false, "\"...\"", "One line for the registry's Notes column."},
    {"skipped", FieldKind::skipped_pairs, false, false, "", "Pairs reviewed and declined ([[self_hosted.skipped]])."},
}};

inline constexpr std::array<Field, 4> skipped_fields{{
    {"external", FieldKind::text, true, false, "\"GStreamer plugins\"", "The external tool not replaced."},
    {"rationale", FieldKind::text, true, false, "\"why\"", "Why the pair was declined."},
    {"ticket", FieldKind::string, false, false, "\"KODEC-99\"", "The ticket recording the decision."},
    {"date", FieldKind::date, false, false, "\"2026-05-02\"", "When the pair was declined (YYYY-MM-DD)."},
}};

// The keys of a field table, for "did you mean" hints.
template <std::size_t N> constexpr std::array<std::string_view, N> keys_of(const std::array<Field, N>& fields) {
    std::array<std::string_view, N> keys{};
    for (std::size_t i = 0; i < N; ++i)
        keys[i] = fields[i].key;
    return keys;
}

} // namespace ksa::manifest
