// Fuzz target: arbitrary bytes as a pack and its index (git/pack_reader.h). In pre-receive the
// pushed pack is the attacker's (git's index-pack has checked it, but the reader must not rely
// on that). Input: a 4-byte big-endian length, that many bytes of .idx, the rest is the .pack.
// Every object the index names is read and its header taken: never a crash, never a read outside
// the buffers (the sanitizers watch), and when both succeed they agree on type and size. A
// second reader reads the pack as a streamed one (by copies, in pieces): it must find exactly
// what the mapped reading finds.
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "git/pack_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ksa;
    if (size < 4) return 0;
    const std::size_t index_size = (std::size_t{data[0]} << 24) | (std::size_t{data[1]} << 16) |
                                   (std::size_t{data[2]} << 8) | std::size_t{data[3]};
    if (index_size > size - 4) return 0;
    std::string index(reinterpret_cast<const char*>(data) + 4, index_size);
    std::string pack(reinterpret_cast<const char*>(data) + 4 + index_size, size - 4 - index_size);
    const std::string names = index;
    git::PackReader streamed(pack, index, 1U << 20, true);
    git::PackReader reader(std::move(pack), std::move(index), 1U << 20);
    if (reader.empty()) return 0;
    // The ids the index lists (bounded: a fuzz input's count field can claim anything).
    const std::size_t first = 8 + 1024;
    for (std::size_t at = first, n = 0; at + 20 <= names.size() && n < 256; at += 20, ++n) {
        const git::ObjectId id = git::object_id_from_raw(reinterpret_cast<const unsigned char*>(names.data() + at));
        const git::ObjectData object = reader.read(id);
        const auto header = reader.header(id);
        if (object && header && (object->type != header->type || object->data.size() != header->size))
            fuzz::violated("header and object disagree", names);
        if (object && (object->type == git::ObjectType::none || static_cast<int>(object->type) > 4))
            fuzz::violated("object of an impossible type", names);
        const git::ObjectData copy = streamed.read(id);
        if ((object == nullptr) != (copy == nullptr) ||
            (object && (object->type != copy->type || object->data != copy->data)))
            fuzz::violated("mapped and streamed reads disagree", names);
        const auto copy_header = streamed.header(id);
        if (header.has_value() != copy_header.has_value() ||
            (header && (header->type != copy_header->type || header->size != copy_header->size)))
            fuzz::violated("mapped and streamed headers disagree", names);
    }
    return 0;
}
