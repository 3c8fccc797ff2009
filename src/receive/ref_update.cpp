#include "receive/ref_update.h"

#include <algorithm>

#include <fmt/format.h>

#include "support/text.h"

namespace ksa::receive {
namespace {

constexpr std::size_t sha1_hex = 40;
constexpr std::size_t sha256_hex = 64;
constexpr std::size_t max_ref_length = 4096;

} // namespace

bool is_hex_id(std::string_view id) {
    return (id.size() == sha1_hex || id.size() == sha256_hex) &&
           std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool is_valid_ref(std::string_view ref) {
    if (ref.empty() || ref.size() > max_ref_length) return false;
    return std::none_of(ref.begin(), ref.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7F || c == ' ';
    });
}

bool is_zero_id(std::string_view id) {
    return std::all_of(id.begin(), id.end(), [](char c) { return c == '0'; });
}

bool RefUpdate::is_deletion() const { return is_zero_id(new_id); }
bool RefUpdate::is_creation() const { return is_zero_id(old_id); }

std::vector<InputLine> input_lines(std::string_view input) {
    std::vector<InputLine> lines;
    std::size_t number = 0;
    while (!input.empty()) {
        ++number;
        const auto newline = input.find('\n');
        std::string_view line = input.substr(0, newline);
        input.remove_prefix(newline == std::string_view::npos ? input.size() : newline + 1);
        if (line.ends_with('\r')) line.remove_suffix(1);
        if (!line.empty()) lines.push_back({number, line});
    }
    return lines;
}

Failure bad_input_line(const InputLine& line, std::string_view why, std::string_view format) {
    return Failure{fmt::format("stdin line {}: {} (expected \"{}\"): \"{}\"", line.number, why, format,
                               text::escape_for_terminal(text::abbreviate(line.text, 200)))};
}

Expected<std::vector<RefUpdate>> parse_ref_updates(std::string_view input) {
    std::vector<RefUpdate> updates;
    for (const InputLine& numbered : input_lines(input)) {
        const std::string_view line = numbered.text;
        const auto bad = [&](std::string_view why) { return bad_input_line(numbered, why, "<old-id> <new-id> <ref>"); };
        const auto first = line.find(' ');
        const auto second = first == std::string_view::npos ? first : line.find(' ', first + 1);
        if (second == std::string_view::npos) return bad("fewer than three fields");
        RefUpdate update{std::string(line.substr(0, first)), std::string(line.substr(first + 1, second - first - 1)),
                         std::string(line.substr(second + 1))};
        if (!is_hex_id(update.old_id) || !is_hex_id(update.new_id))
            return bad("an id is not 40 or 64 lower-case hex digits");
        if (update.old_id.size() != update.new_id.size()) return bad("the two ids have different lengths");
        if (!is_valid_ref(update.ref))
            return bad("the ref name is empty, too long or holds spaces or control characters");
        if (update.is_creation() && update.is_deletion()) return bad("both ids are zero");
        updates.push_back(std::move(update));
    }
    return updates;
}

} // namespace ksa::receive
