// The self-hosting declaration of one manifest, extracted leniently (rules report the shape
// problems; the model keeps whatever is usable).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "diag/diagnostic.h"
#include "manifest/document.h"
#include "manifest/gate.h"

namespace ksa::manifest {

inline constexpr std::array<std::string_view, 6> categories{"product",     "engine",   "infra-tooling",
                                                            "runtime-lib", "protocol", "sdk-binding"};
inline constexpr std::array<std::string_view, 4> statuses{"experimental", "stable", "official", "legacy"};

struct LocatedString {
    std::string value;
    SourceSpan span;
};

struct LocatedGate {
    std::string raw;
    GateEntry entry; // valid only when `well_formed`
    bool well_formed = false;
    SourceSpan span;
};

struct SkippedPair {
    std::string external;
    std::string rationale;
    std::string ticket;
    std::string date; // YYYY-MM-DD when the pair was declined; "" when absent or not a date
};

// `notes` is one line of at most this many characters (code points): a remark in a table cell.
inline constexpr std::size_t max_notes_length = 500;

struct SelfHosted {
    SourceSpan header;
    std::vector<LocatedString> replaces;
    std::optional<LocatedString> status;
    std::optional<std::vector<LocatedString>> cases; // nullopt: every case
    std::vector<LocatedGate> gates_passed;
    std::vector<LocatedGate> gates_pending;
    std::optional<LocatedString> benchmark_ref;
    std::vector<LocatedString> production_ref;
    std::vector<SkippedPair> skipped;
    std::optional<LocatedString> notes; // present only when it is a string
};

struct Identity {
    std::optional<LocatedString> category; // present only when it is a string
    std::string name;                      // [package].name, else [app].slug
    std::string display_name;              // [app].name, else name
    std::string version;                   // [package].version, else [app].version
};

Identity extract_identity(const Document& document);
std::optional<SelfHosted> extract_self_hosted(const Document& document);

// A skipped pair's `date`: a TOML local date (2026-05-02) or a string "YYYY-MM-DD" naming a real
// day, as "YYYY-MM-DD"; nullopt for anything else.
std::optional<std::string> date_value(const toml::node& node);

// The strings of a TOML array, each with its location; non-strings are skipped.
std::vector<LocatedString> string_items(const toml::array& array);

} // namespace ksa::manifest
