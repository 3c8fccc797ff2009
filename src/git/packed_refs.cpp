#include "git/packed_refs.h"

#include "git/object_id.h"
#include "support/text.h"

namespace ksa::git {
namespace {

bool is_id(std::string_view text) { return text.size() == object_id_hex_size && text::is_lower_hex(text); }

} // namespace

std::optional<std::vector<PackedRef>> parse_packed_refs(std::string_view text) {
    std::vector<PackedRef> refs;
    bool last_is_ref = false;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        if (!line.empty() && line.back() == '\r') return std::nullopt;
        if (line.empty() || line.front() == '#') continue;
        if (line.front() == '^') {
            // The object an annotated tag peels to (git writes it with the "peeled" trait).
            if (!last_is_ref || !is_id(line.substr(1))) return std::nullopt;
            refs.back().peeled = std::string(line.substr(1));
            last_is_ref = false;
            continue;
        }
        if (line.size() < object_id_hex_size + 2 || line[object_id_hex_size] != ' ' ||
            !is_id(line.substr(0, object_id_hex_size)))
            return std::nullopt;
        refs.push_back(
            {std::string(line.substr(object_id_hex_size + 1)), std::string(line.substr(0, object_id_hex_size)), ""});
        last_is_ref = true;
    }
    return refs;
}

} // namespace ksa::git
