#include "git/object_id.h"

#include <fmt/format.h>

namespace ksa::git {

std::string to_hex(const ObjectId& id) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex(object_id_hex_size, '0');
    for (std::size_t i = 0; i < id.size(); ++i) {
        hex[2 * i] = digits[id[i] >> 4];
        hex[2 * i + 1] = digits[id[i] & 15];
    }
    return hex;
}

Expected<ObjectId> parse_object_id(std::string_view hex) {
    if (hex.size() == 64)
        return Failure{fmt::format("'{}' is a SHA-256 id: SHA-256 repositories are not supported", hex)};
    if (hex.size() != object_id_hex_size) return Failure{fmt::format("'{}' is not an object id", hex)};
    ObjectId id{};
    for (std::size_t i = 0; i < hex.size(); ++i) {
        const char c = hex[i];
        int value = 0;
        if (c >= '0' && c <= '9')
            value = c - '0';
        else if (c >= 'a' && c <= 'f')
            value = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            value = c - 'A' + 10;
        else
            return Failure{fmt::format("'{}' is not an object id", hex)};
        id[i / 2] = static_cast<unsigned char>(id[i / 2] | (value << (i % 2 == 0 ? 4 : 0)));
    }
    return id;
}

} // namespace ksa::git
