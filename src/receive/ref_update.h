// The "<old> <new> <ref>" lines git feeds a pre-receive hook.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "support/expected.h"

namespace ksa::receive {

struct RefUpdate {
    std::string old_id; // all zeros for a new ref
    std::string new_id; // all zeros for a deletion
    std::string ref;    // raw bytes: escape before printing

    [[nodiscard]] bool is_deletion() const;
    [[nodiscard]] bool is_creation() const;
};

bool is_zero_id(std::string_view id);

// An object id as git prints it: 40 (SHA-1) or 64 (SHA-256) lower-case hex digits.
bool is_hex_id(std::string_view id);

// A ref name a line may carry: not empty, at most 4096 bytes, no space or control character.
bool is_valid_ref(std::string_view ref);

// A hook's standard input as numbered lines (from 1; a trailing '\r' dropped, empty lines skipped).
struct InputLine {
    std::size_t number = 0;
    std::string_view text;
};
std::vector<InputLine> input_lines(std::string_view input);

// stdin line N: WHY (expected "FORMAT"): "the line, escaped and abbreviated"
Failure bad_input_line(const InputLine& line, std::string_view why, std::string_view format);

// Parses every line; any malformed line fails the whole input (the push is rejected with the
// line number), since guessing at a ref update could skip a check.
Expected<std::vector<RefUpdate>> parse_ref_updates(std::string_view input);

} // namespace ksa::receive
