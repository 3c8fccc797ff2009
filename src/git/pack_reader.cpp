#include "git/pack_reader.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <unordered_map>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

namespace ksa::git {
namespace {

constexpr int max_delta_depth = 4096;  // git writes 50 by default; deeper is treated as corrupt
constexpr std::size_t generation_bytes = 48U << 20;

std::uint32_t be32(const unsigned char* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

// A read-only mapping of a whole file.
struct Mapping {
    const unsigned char* data = nullptr;
    std::size_t size = 0;

    bool map(const std::filesystem::path& path) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return false;
        struct stat info{};
        if (::fstat(fd, &info) != 0 || info.st_size <= 0) {
            ::close(fd);
            return false;
        }
        void* mapped = ::mmap(nullptr, static_cast<std::size_t>(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
        ::close(fd);
        if (mapped == MAP_FAILED) return false;
        data = static_cast<const unsigned char*>(mapped);
        size = static_cast<std::size_t>(info.st_size);
        return true;
    }

    Mapping() = default;
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;
    ~Mapping() {
        if (data != nullptr) ::munmap(const_cast<unsigned char*>(data), size);
    }
};

// The base-128 size of a delta header (least significant group first).
bool delta_size(const std::string& delta, std::size_t& at, std::size_t& value) {
    value = 0;
    for (unsigned shift = 0; at < delta.size() && shift < 64; shift += 7) {
        const auto byte = static_cast<unsigned char>(delta[at++]);
        value |= static_cast<std::size_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0) return true;
    }
    return false;
}

// git's delta format: copy ranges of the base, or insert literal bytes.
bool apply_delta(const std::string& base, const std::string& delta, std::string& out) {
    std::size_t at = 0;
    std::size_t base_size = 0;
    std::size_t result_size = 0;
    if (!delta_size(delta, at, base_size) || base_size != base.size() || !delta_size(delta, at, result_size)) return false;
    out.clear();
    out.reserve(result_size);
    while (at < delta.size()) {
        const auto op = static_cast<unsigned char>(delta[at++]);
        if ((op & 0x80) != 0) {
            std::size_t offset = 0;
            std::size_t size = 0;
            for (unsigned bit = 0; bit < 4; ++bit)
                if ((op & (1U << bit)) != 0) {
                    if (at >= delta.size()) return false;
                    offset |= static_cast<std::size_t>(static_cast<unsigned char>(delta[at++])) << (8 * bit);
                }
            for (unsigned bit = 0; bit < 3; ++bit)
                if ((op & (0x10U << bit)) != 0) {
                    if (at >= delta.size()) return false;
                    size |= static_cast<std::size_t>(static_cast<unsigned char>(delta[at++])) << (8 * bit);
                }
            if (size == 0) size = 0x10000;
            if (offset > base.size() || size > base.size() - offset || out.size() + size > result_size) return false;
            out.append(base, offset, size);
        } else if (op != 0) {
            if (op > delta.size() - at || out.size() + op > result_size) return false;
            out.append(delta, at, op);
            at += op;
        } else {
            return false;  // reserved
        }
    }
    return out.size() == result_size;
}

} // namespace

struct PackReader::Pack {
    Mapping pack;
    Mapping index;
    std::uint32_t count = 0;
    std::size_t number = 0;  // position in packs_, part of the cache key

    [[nodiscard]] const unsigned char* names() const { return index.data + 8 + 1024; }

    // The pack offset of `id`, or nothing.
    [[nodiscard]] std::optional<std::uint64_t> find(const unsigned char* id) const {
        const unsigned char* fanout = index.data + 8;
        std::uint32_t low = id[0] == 0 ? 0 : be32(fanout + 4 * (id[0] - 1));
        std::uint32_t high = be32(fanout + 4 * id[0]);
        if (high > count || low > high) return std::nullopt;
        while (low < high) {
            const std::uint32_t middle = low + (high - low) / 2;
            const int order = std::memcmp(names() + 20 * std::size_t{middle}, id, 20);
            if (order == 0) return offset_of(middle);
            if (order < 0) low = middle + 1;
            else high = middle;
        }
        return std::nullopt;
    }

    [[nodiscard]] std::optional<std::uint64_t> offset_of(std::uint32_t position) const {
        const unsigned char* offsets = names() + 24 * std::size_t{count};
        const std::uint32_t small = be32(offsets + 4 * std::size_t{position});
        if ((small & 0x80000000U) == 0) return small;
        // Packs over 2 GiB: the offset lives in the 64-bit table.
        const std::size_t large = 8 * std::size_t{small & 0x7fffffffU};
        const unsigned char* table = offsets + 4 * std::size_t{count};
        if (table + large + 8 > index.data + index.size - 40) return std::nullopt;
        return (std::uint64_t{be32(table + large)} << 32) | be32(table + large + 4);
    }

    bool open(const std::filesystem::path& pack_path) {
        std::filesystem::path index_path = pack_path;
        index_path.replace_extension(".idx");
        if (!pack.map(pack_path) || !index.map(index_path)) return false;
        if (pack.size < 32 || std::memcmp(pack.data, "PACK", 4) != 0) return false;
        const std::uint32_t version = be32(pack.data + 4);
        if (version != 2 && version != 3) return false;
        // Index version 2: magic, version, fanout, names, CRCs, offsets, (large offsets), trailer.
        if (index.size < 8 + 1024 + 40 || std::memcmp(index.data, "\377tOc", 4) != 0 || be32(index.data + 4) != 2)
            return false;
        count = be32(index.data + 8 + 4 * 255);
        return index.size >= 8 + 1024 + 28 * std::size_t{count} + 40;
    }
};

struct PackReader::Cache {
    using Map = std::unordered_map<std::uint64_t, std::shared_ptr<const PackedObject>>;
    Map young;
    Map old;
    std::size_t young_bytes = 0;

    static std::uint64_t key(const Pack& pack, std::uint64_t offset) { return (std::uint64_t{pack.number} << 48) ^ offset; }

    std::shared_ptr<const PackedObject> get(std::uint64_t key) {
        if (auto found = young.find(key); found != young.end()) return found->second;
        if (auto found = old.find(key); found != old.end()) {
            auto object = found->second;
            put(key, object);
            return object;
        }
        return nullptr;
    }

    void put(std::uint64_t key, const std::shared_ptr<const PackedObject>& object) {
        // Two generations: the objects used in the last ~48 MiB of reads stay.
        if (young_bytes + object->data.size() > generation_bytes) {
            old = std::move(young);
            young = Map();
            young.reserve(old.size());
            young_bytes = 0;
        }
        young_bytes += object->data.size() + 64;
        young.emplace(key, object);
    }
};

PackReader::PackReader(const std::string& objects_dir) : cache_(std::make_unique<Cache>()) {
    std::error_code error;
    for (std::filesystem::directory_iterator it(std::filesystem::path(objects_dir) / "pack", error), end;
         !error && it != end; it.increment(error)) {
        if (it->path().extension() != ".pack") continue;
        auto pack = std::make_unique<Pack>();
        pack->number = packs_.size();
        if (pack->open(it->path())) packs_.push_back(std::move(pack));
    }
    auto* stream = new z_stream{};
    if (inflateInit(stream) != Z_OK) {
        delete stream;
        packs_.clear();
        return;
    }
    stream_ = stream;
}

PackReader::~PackReader() {
    if (stream_ != nullptr) {
        inflateEnd(static_cast<z_stream*>(stream_));
        delete static_cast<z_stream*>(stream_);
    }
}

bool PackReader::empty() const { return packs_.empty(); }

std::shared_ptr<const PackedObject> PackReader::read(const unsigned char (&id)[20]) {
    for (auto& pack : packs_)
        if (const auto offset = pack->find(id)) return read_at(*pack, *offset, 0);
    return nullptr;
}

bool PackReader::inflate_into(const Pack& pack, std::uint64_t at, std::size_t size, std::string& out) {
    auto* stream = static_cast<z_stream*>(stream_);
    if (at >= pack.pack.size || inflateReset(stream) != Z_OK) return false;
    out.resize(size);
    unsigned char empty = 0;
    stream->next_in = const_cast<unsigned char*>(pack.pack.data + at);
    stream->avail_in = static_cast<uInt>(std::min<std::uint64_t>(pack.pack.size - at, 0xffffffffU));
    stream->next_out = size != 0 ? reinterpret_cast<unsigned char*>(out.data()) : &empty;
    stream->avail_out = static_cast<uInt>(size != 0 ? size : 1);
    if (size > 0xffffffffU) return false;
    const int status = ::inflate(stream, Z_FINISH);
    return status == Z_STREAM_END && stream->total_out == size;
}

std::shared_ptr<const PackedObject> PackReader::read_at(Pack& pack, std::uint64_t offset, int depth) {
    if (depth > max_delta_depth || offset < 12 || offset >= pack.pack.size - 20) return nullptr;
    const std::uint64_t key = Cache::key(pack, offset);
    if (auto cached = cache_->get(key)) return cached;
    // Entry header: type in bits 4-6 of the first byte, size in base-128 groups after it.
    std::uint64_t at = offset;
    const auto end = static_cast<std::uint64_t>(pack.pack.size - 20);
    unsigned char byte = pack.pack.data[at++];
    const int type = (byte >> 4) & 7;
    std::uint64_t size = byte & 15U;
    for (unsigned shift = 4; (byte & 0x80) != 0; shift += 7) {
        if (at >= end || shift > 57) return nullptr;
        byte = pack.pack.data[at++];
        size |= std::uint64_t{byte & 0x7fU} << shift;
    }
    if (size > (std::uint64_t{1} << 32)) return nullptr;
    auto object = std::make_shared<PackedObject>();
    if (type >= 1 && type <= 4) {
        object->type = type;
        if (!inflate_into(pack, at, static_cast<std::size_t>(size), object->data)) return nullptr;
    } else if (type == 6 || type == 7) {
        std::shared_ptr<const PackedObject> base;
        if (type == 6) {
            // The base's distance back, in git's "offset encoding" (each continuation adds one).
            if (at >= end) return nullptr;
            byte = pack.pack.data[at++];
            std::uint64_t distance = byte & 0x7fU;
            while ((byte & 0x80) != 0) {
                if (at >= end || distance > (std::uint64_t{1} << 56)) return nullptr;
                byte = pack.pack.data[at++];
                distance = ((distance + 1) << 7) | (byte & 0x7fU);
            }
            if (distance == 0 || distance > offset) return nullptr;
            base = read_at(pack, offset - distance, depth + 1);
        } else {
            if (at + 20 > end) return nullptr;
            const auto base_offset = pack.find(pack.pack.data + at);
            at += 20;
            if (!base_offset) return nullptr;  // a thin reference: libgit2 knows where to look
            base = read_at(pack, *base_offset, depth + 1);
        }
        if (!base) return nullptr;
        std::string delta;
        if (!inflate_into(pack, at, static_cast<std::size_t>(size), delta)) return nullptr;
        object->type = base->type;
        if (!apply_delta(base->data, delta, object->data)) return nullptr;
    } else {
        return nullptr;
    }
    std::shared_ptr<const PackedObject> done = std::move(object);
    cache_->put(key, done);
    return done;
}

} // namespace ksa::git
