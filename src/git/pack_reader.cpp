#include "git/pack_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <unordered_map>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

namespace ksa::git {
namespace {

constexpr int max_delta_depth = 4096; // git writes 50 by default; deeper is treated as corrupt
// zlib cannot expand data more than about 1032:1; a size claiming more is corrupt (and must not
// make us allocate it).
constexpr std::uint64_t max_inflate_ratio = 1100;

std::uint64_t be64(const unsigned char* p) {
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i)
        value = (value << 8) | p[i];
    return value;
}

// memcmp of two ids, deciding on the first 8 bytes in one comparison almost always.
int compare_ids(const unsigned char* a, const unsigned char* b) {
    const std::uint64_t x = be64(a);
    const std::uint64_t y = be64(b);
    if (x != y) return x < y ? -1 : 1;
    return std::memcmp(a + 8, b + 8, 12);
}

std::uint32_t be32(const unsigned char* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

// A read-only mapping of a whole file, unmapped with its last user.
struct Mapping {
    const unsigned char* data = nullptr;
    std::size_t size = 0;
    // An index's ids' first 4 bytes (see Pack::prefixes): built once for all the readers of the file.
    mutable std::once_flag prefixes_built;
    mutable std::vector<std::uint32_t> prefixes;
    Mapping(const unsigned char* bytes, std::size_t length) : data(bytes), size(length) {}
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;
    ~Mapping() { ::munmap(const_cast<unsigned char*>(data), size); }
};

// The files mapped by the readers of this process, by identity (git never rewrites a pack or
// index in place: a new one is a new file). A history walk runs one reader per thread: each
// mapping its own copy of a 40 MiB index would count it once per thread in RSS.
std::mutex mappings_mutex;
std::map<std::tuple<dev_t, ino_t, off_t, std::int64_t>, std::weak_ptr<const Mapping>> mappings;

// The bytes of a pack or index: a read-only mapping of the file, or (fuzzing) a string.
struct Bytes {
    const unsigned char* data = nullptr;
    std::size_t size = 0;
    std::shared_ptr<const Mapping> mapping; // shared with the other readers of the file
    std::string owned;
    // Read with pread() into the reader's buffer instead of mapped (see PackReader's
    // `stream_above_bytes`); `owned` bytes streamed are copied the same way (fuzzing).
    bool streamed = false;
    int stream_fd = -1;

    Bytes() = default;
    Bytes(const Bytes&) = delete;
    Bytes& operator=(const Bytes&) = delete;
    ~Bytes() {
        if (stream_fd >= 0) ::close(stream_fd);
    }

    bool open_streamed(const std::filesystem::path& path) {
        stream_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (stream_fd < 0) return false;
        struct stat info {};
        if (::fstat(stream_fd, &info) != 0 || info.st_size <= 0) return false;
        size = static_cast<std::size_t>(info.st_size);
        streamed = true;
        return true;
    }

    // Copies up to `count` bytes from `offset` (within the file) to `out`: how many were copied.
    [[nodiscard]] std::size_t copy(std::uint64_t offset, unsigned char* out, std::size_t count) const {
        if (stream_fd < 0) {
            std::memcpy(out, data + offset, count);
            return count;
        }
        ssize_t got = 0;
        do {
            got = ::pread(stream_fd, out, count, static_cast<off_t>(offset));
        } while (got < 0 && errno == EINTR);
        return got < 0 ? 0 : static_cast<std::size_t>(got);
    }

    bool map(const std::filesystem::path& path) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return false;
        struct stat info {};
        if (::fstat(fd, &info) != 0 || info.st_size <= 0) {
            ::close(fd);
            return false;
        }
        const auto key = std::tuple{info.st_dev, info.st_ino, info.st_size,
                                    std::int64_t{info.st_mtim.tv_sec} * 1000000000 + info.st_mtim.tv_nsec};
        const std::lock_guard lock(mappings_mutex);
        if (auto shared = mappings[key].lock()) {
            ::close(fd);
            mapping = std::move(shared);
        } else {
            void* region = ::mmap(nullptr, static_cast<std::size_t>(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
            ::close(fd);
            if (region == MAP_FAILED) return false;
            // Reads jump around the file: no readahead of what is not asked for.
            ::madvise(region, static_cast<std::size_t>(info.st_size), MADV_RANDOM);
            mapping = std::make_shared<const Mapping>(static_cast<const unsigned char*>(region),
                                                      static_cast<std::size_t>(info.st_size));
            std::erase_if(mappings, [](const auto& entry) { return entry.second.expired(); });
            mappings[key] = mapping;
        }
        data = mapping->data;
        size = mapping->size;
        return true;
    }

    void hold(std::string bytes) {
        owned = std::move(bytes);
        data = reinterpret_cast<const unsigned char*>(owned.data());
        size = owned.size();
    }

    // Another reader of a shared mapping maps the pages again on its next read (a minor fault).
    void drop_pages() const {
        if (mapping) ::madvise(const_cast<unsigned char*>(data), size, MADV_DONTNEED);
    }
};

// The base-128 size of a delta header (least significant group first).
bool delta_size(std::string_view delta, std::size_t& at, std::size_t& value) {
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
    if (!delta_size(delta, at, base_size) || base_size != base.size() || !delta_size(delta, at, result_size))
        return false;
    out.clear();
    out.reserve(std::min(result_size, base.size() + delta.size()));
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
            if (offset > base.size() || size > base.size() - offset || size > result_size - out.size()) return false;
            out.append(base, offset, size);
        } else if (op != 0) {
            if (op > delta.size() - at || op > result_size - out.size()) return false;
            out.append(delta, at, op);
            at += op;
        } else {
            return false; // reserved
        }
    }
    return out.size() == result_size;
}

} // namespace

std::string_view describe(ObjectType type) {
    switch (type) {
    case ObjectType::commit: return "commit";
    case ObjectType::tree: return "tree";
    case ObjectType::blob: return "blob";
    case ObjectType::tag: return "tag";
    case ObjectType::none: break;
    }
    return "unknown object";
}

struct PackReader::Pack {
    Bytes pack;
    Bytes index;
    std::uint32_t count = 0;
    std::size_t number = 0; // position in packs_, part of the cache key

    [[nodiscard]] const unsigned char* names() const { return index.data + 8 + 1024; }

    // The ids' first 4 bytes, in index order, once a pack has been asked often: a search
    // touches this compact array (4 bytes an object, cache-friendly) and then one index entry,
    // instead of several scattered 20-byte entries of a file mapping (a cache and TLB miss each).
    // Shared with the other readers of a mapped index (a history walk's threads); owned when the
    // index is held in memory (fuzzing).
    mutable const std::vector<std::uint32_t>* prefixes = nullptr;
    mutable std::vector<std::uint32_t> own_prefixes;
    mutable std::uint32_t lookups = 0;

    void build_prefixes() const {
        const auto fill = [this](std::vector<std::uint32_t>& out) {
            out.resize(count);
            for (std::uint32_t i = 0; i < count; ++i)
                out[i] = be32(names() + 20 * std::size_t{i});
        };
        if (index.mapping) {
            std::call_once(index.mapping->prefixes_built, [&] { fill(index.mapping->prefixes); });
            prefixes = &index.mapping->prefixes;
        } else {
            fill(own_prefixes);
            prefixes = &own_prefixes;
        }
    }

    // The pack offset of `id`, or nothing. Ids are uniformly distributed (they are hashes), so
    // an interpolation step or two lands next to the entry; a binary search finishes (and
    // bounds the cost of an index that is not uniform).
    [[nodiscard]] std::optional<std::uint64_t> find(const unsigned char* id) const {
        const unsigned char* fanout = index.data + 8;
        std::uint32_t low = id[0] == 0 ? 0 : be32(fanout + 4 * (id[0] - 1));
        std::uint32_t high = be32(fanout + 4 * id[0]);
        if (high > count || low > high) return std::nullopt;
        if (prefixes == nullptr && count > 4096 && ++lookups > 256) build_prefixes();
        if (prefixes != nullptr) return find_by_prefix(id, low, high);
        const std::uint64_t key = be64(id);
        // Bounds on the keys of [low, high): the bucket of first byte b spans [b << 56,
        // (b + 1) << 56); each probe then becomes a bound, so no guess reads more than its entry.
        std::uint64_t first = std::uint64_t{id[0]} << 56;
        std::uint64_t last = first | 0x00ffffffffffffffULL;
        for (int step = 0; step < 4 && high - low > 8 && first < last; ++step) {
            if (key < first || key > last) return std::nullopt;
            const double fraction = static_cast<double>(key - first) / static_cast<double>(last - first);
            const auto guess = std::min(high - 1, low + static_cast<std::uint32_t>(fraction * (high - low)));
            const unsigned char* probe = names() + 20 * std::size_t{guess};
            const std::uint64_t probed = be64(probe);
            const int order = probed != key ? (probed < key ? -1 : 1) : std::memcmp(probe + 8, id + 8, 12);
            if (order == 0) return offset_of(guess);
            if (order < 0) {
                low = guess + 1;
                first = probed;
            } else {
                high = guess;
                last = probed;
            }
        }
        while (low < high) {
            const std::uint32_t middle = low + (high - low) / 2;
            const int order = compare_ids(names() + 20 * std::size_t{middle}, id);
            if (order == 0) return offset_of(middle);
            if (order < 0)
                low = middle + 1;
            else
                high = middle;
        }
        return std::nullopt;
    }

    // The same search over `prefixes`, then the full ids of the entries sharing the prefix.
    [[nodiscard]] std::optional<std::uint64_t> find_by_prefix(const unsigned char* id, std::uint32_t low,
                                                              std::uint32_t high) const {
        const std::uint32_t key = be32(id);
        const auto begin = prefixes->begin() + low;
        const auto end = prefixes->begin() + high;
        if (begin == end) return std::nullopt;
        // One interpolated guess (the bucket of first byte b spans [b << 24, (b + 1) << 24)),
        // then a short walk; a long walk means a skewed index, where a binary search takes over.
        const std::uint64_t offset = key - (std::uint32_t{id[0]} << 24);
        auto guess = begin + static_cast<std::ptrdiff_t>((offset * (high - low)) >> 24);
        if (guess >= end) guess = end - 1;
        int steps = 0;
        while (guess != begin && *(guess - 1) >= key && ++steps < 64)
            --guess;
        while (guess != end && *guess < key && ++steps < 64)
            ++guess;
        if (steps >= 64) guess = std::lower_bound(begin, end, key);
        for (auto at = guess; at != end && *at == key; ++at) {
            const auto position = static_cast<std::uint32_t>(at - prefixes->begin());
            if (std::memcmp(names() + 20 * std::size_t{position}, id, 20) == 0) return offset_of(position);
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
        const auto table_bytes = static_cast<std::size_t>(index.data + index.size - 40 - table);
        if (large > table_bytes || table_bytes - large < 8) return std::nullopt;
        return (std::uint64_t{be32(table + large)} << 32) | be32(table + large + 4);
    }

    // Header checks of both files: "PACK" version 2 or 3; index magic "\377tOc" version 2,
    // fanout, names, CRCs, offsets, trailer.
    bool check() {
        unsigned char start[8] = {};
        if (pack.size < 32 || pack.copy(0, start, 8) != 8 || std::memcmp(start, "PACK", 4) != 0) return false;
        const std::uint32_t version = be32(start + 4);
        if (version != 2 && version != 3) return false;
        if (index.size < 8 + 1024 + 40 || std::memcmp(index.data, "\377tOc", 4) != 0 || be32(index.data + 4) != 2)
            return false;
        count = be32(index.data + 8 + 4 * 255);
        return (index.size - 8 - 1024 - 40) / 28 >= count;
    }

    bool open(const std::filesystem::path& pack_path, std::uint64_t stream_above_bytes) {
        std::filesystem::path index_path = pack_path;
        index_path.replace_extension(".idx");
        std::error_code error;
        const auto bytes = std::filesystem::file_size(pack_path, error);
        const bool stream = !error && stream_above_bytes != 0 && bytes > stream_above_bytes;
        return (stream ? pack.open_streamed(pack_path) : pack.map(pack_path)) && index.map(index_path) && check();
    }
};

// Built objects, for the deltas built from them, as git's delta base cache keeps bases
// (packfile.c): a direct-mapped table keyed by pack and offset, bounded in bytes, so a put costs
// one slot and eviction never walks the table.
struct PackReader::Cache {
    // One slot per 2 KiB of budget (a tree is a few hundred bytes), a power of two.
    explicit Cache(std::size_t budget_bytes) : budget(budget_bytes) {
        while (slot_bits < 20 && (std::size_t{1} << (slot_bits + 1)) * 2048 <= budget)
            ++slot_bits;
        slots.resize(std::size_t{1} << slot_bits);
    }

    struct Slot {
        std::uint64_t key = ~std::uint64_t{0};
        ObjectData object;
    };
    std::size_t budget;
    std::size_t bytes = 0;
    unsigned slot_bits = 8;
    std::vector<Slot> slots;

    static std::uint64_t key(const Pack& pack, std::uint64_t offset) {
        return (std::uint64_t{pack.number} << 48) ^ offset;
    }
    [[nodiscard]] std::size_t slot_of(std::uint64_t key) const {
        return (key * 0x9E3779B97F4A7C15ULL) >> (64 - slot_bits);
    }

    ObjectData get(std::uint64_t key) const {
        const Slot& slot = slots[slot_of(key)];
        return slot.key == key ? slot.object : nullptr;
    }

    // Keeps `object`; returns the object it displaced (null if none), for reuse.
    ObjectData put(std::uint64_t key, const ObjectData& object) {
        if (object->data.size() > budget / 4) return nullptr; // one object must not flush everything
        Slot& slot = slots[slot_of(key)];
        if (slot.object) bytes -= slot.object->data.size();
        if (bytes + object->data.size() > budget) {
            for (Slot& other : slots)
                other = Slot{}; // rare: the table holds far less than the budget
            bytes = 0;
        }
        ObjectData displaced = std::move(slot.object);
        slot.key = key;
        slot.object = object;
        bytes += object->data.size();
        return displaced;
    }
};

PackReader::PackReader(const std::vector<std::string>& object_dirs, std::size_t cache_bytes, std::uint64_t trim_bytes,
                       std::uint64_t stream_above_bytes)
    : trim_bytes_(trim_bytes), cache_(std::make_unique<Cache>(cache_bytes)) {
    for (const std::string& dir : object_dirs) {
        std::error_code error;
        std::vector<std::filesystem::path> found;
        for (std::filesystem::directory_iterator it(std::filesystem::path(dir) / "pack", error), end;
             !error && it != end; it.increment(error))
            if (it->path().extension() == ".pack") found.push_back(it->path());
        std::sort(found.begin(), found.end()); // a stable order: the cache key holds the position
        for (const auto& path : found) {
            auto pack = std::make_unique<Pack>();
            pack->number = packs_.size();
            if (pack->open(path, stream_above_bytes)) packs_.push_back(std::move(pack));
        }
    }
    start_stream();
}

PackReader::PackReader(std::string pack_bytes, std::string index_bytes, std::size_t cache_bytes, bool streamed)
    : cache_(std::make_unique<Cache>(cache_bytes)) {
    auto pack = std::make_unique<Pack>();
    pack->pack.hold(std::move(pack_bytes));
    pack->pack.streamed = streamed;
    pack->index.hold(std::move(index_bytes));
    if (pack->check()) packs_.push_back(std::move(pack));
    start_stream();
}

void PackReader::start_stream() {
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

// The pages of a mapping count in the process's memory (RSS) once read, so reading a 1 GiB
// pushed pack would cost 1 GiB. After every `trim_bytes` read, the packs drop their pages
// (MADV_DONTNEED: they stay in the page cache; a later read maps them again, a minor fault).
// The indexes stay: every lookup's binary search touches them all over.
void PackReader::trim() {
    consumed_ = 0;
    for (auto& pack : packs_)
        pack->pack.drop_pages();
}
std::size_t PackReader::pack_count() const { return packs_.size(); }
std::size_t PackReader::streamed_pack_count() const {
    return static_cast<std::size_t>(std::count_if(
        packs_.begin(), packs_.end(), [](const std::unique_ptr<Pack>& pack) { return pack->pack.streamed; }));
}

// The pack holding `id` and its offset there; the pack that answered last is asked first (a
// walk's objects come in runs from one pack), as git's find_pack_entry() does.
std::optional<std::pair<PackReader::Pack*, std::uint64_t>> PackReader::locate(const ObjectId& id, std::size_t lane) {
    if (packs_.empty()) return std::nullopt;
    std::size_t& last = last_pack_[lane & 1];
    if (const auto offset = packs_[last]->find(id.data())) return std::pair{packs_[last].get(), *offset};
    for (std::size_t i = 0; i < packs_.size(); ++i) {
        if (i == last) continue;
        if (const auto offset = packs_[i]->find(id.data())) {
            last = i;
            return std::pair{packs_[i].get(), *offset};
        }
    }
    return std::nullopt;
}

ObjectData PackReader::read(const ObjectId& id, std::size_t lane) {
    const auto found = locate(id, lane);
    return found ? read_at(*found->first, found->second, 0) : nullptr;
}

std::optional<ObjectHeader> PackReader::header(const ObjectId& id) {
    const auto found = locate(id);
    return found ? header_at(*found->first, found->second, 0) : std::nullopt;
}

bool PackReader::contains(const ObjectId& id) { return locate(id).has_value(); }

void PackReader::keep(const ObjectData& object) {
    if (!object || object->pack == nullptr) return;
    // Only this reader's packs: another reader's keys number its own packs.
    const bool ours = std::any_of(packs_.begin(), packs_.end(),
                                  [&](const std::unique_ptr<Pack>& pack) { return pack.get() == object->pack; });
    if (ours && !cache_->get(object->pack_key)) cache_->put(object->pack_key, object);
}

// Inflates `size` bytes from the stream at `at`; `partial` stops when `size` bytes are out
// (the first bytes of a delta), otherwise the stream must end exactly there.
bool PackReader::inflate_into(const Pack& pack, std::uint64_t at, std::size_t size, std::string& out, bool partial) {
    auto* stream = static_cast<z_stream*>(stream_);
    if (stream == nullptr || at >= pack.pack.size || inflateReset(stream) != Z_OK) return false;
    const std::uint64_t available = pack.pack.size - at;
    if (!partial && size > available * max_inflate_ratio + 64) return false;
    if (size > 0xffffffffU) return false;
    out.resize(size);
    unsigned char empty = 0;
    if (pack.pack.streamed) return inflate_streamed(pack, at, size, out, partial);
    stream->next_in = const_cast<unsigned char*>(pack.pack.data + at);
    stream->avail_in = static_cast<uInt>(std::min<std::uint64_t>(available, 0xffffffffU));
    stream->next_out = size != 0 ? reinterpret_cast<unsigned char*>(out.data()) : &empty;
    stream->avail_out = static_cast<uInt>(size != 0 ? size : 1);
    const int status = ::inflate(stream, partial ? Z_SYNC_FLUSH : Z_FINISH);
    consumed_ += stream->total_in;
    if (consumed_ > trim_bytes_) trim();
    if (partial) {
        out.resize(stream->total_out);
        return status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR;
    }
    return status == Z_STREAM_END && stream->total_out == size;
}

// inflate_into() for a streamed pack: the stream is read in pieces with pread(), the first sized
// to hold all of it (deflate adds a few bytes to what it cannot compress), then 64 KiB at a time.
// `out` is sized already. The same checks and results as the mapped case.
bool PackReader::inflate_streamed(const Pack& pack, std::uint64_t at, std::size_t size, std::string& out,
                                  bool partial) {
    auto* stream = static_cast<z_stream*>(stream_);
    unsigned char empty = 0;
    stream->next_out = size != 0 ? reinterpret_cast<unsigned char*>(out.data()) : &empty;
    stream->avail_out = static_cast<uInt>(size != 0 ? size : 1);
    stream->avail_in = 0;
    std::uint64_t next = at;
    if (window_pack_ == &pack && at >= window_at_ && at < window_at_ + window_bytes_) {
        // The entry's header was read with the start of its stream (parse_entry).
        stream->next_in = window_.data() + (at - window_at_);
        stream->avail_in = static_cast<uInt>(window_at_ + window_bytes_ - at);
        next = window_at_ + window_bytes_;
    }
    std::size_t piece = std::min<std::size_t>(size + size / 1024 + 64, std::size_t{1} << 16);
    int status = Z_BUF_ERROR;
    while (true) {
        if (stream->avail_in == 0) {
            const auto count = static_cast<std::size_t>(std::min<std::uint64_t>(piece, pack.pack.size - next));
            if (window_.size() < count) window_.resize(count);
            window_pack_ = nullptr;
            const std::size_t got = count == 0 ? 0 : pack.pack.copy(next, window_.data(), count);
            if (got == 0) break; // the pack ends (or cannot be read) before the stream does
            next += got;
            stream->next_in = window_.data();
            stream->avail_in = static_cast<uInt>(got);
            piece = std::size_t{1} << 16;
        }
        status = ::inflate(stream, partial ? Z_SYNC_FLUSH : Z_NO_FLUSH);
        if (status == Z_STREAM_END || (status != Z_OK && status != Z_BUF_ERROR)) break;
        if (partial && stream->avail_out == 0) break;
        // Output full with input left and no progress: more data than the header said.
        if (status == Z_BUF_ERROR && stream->avail_in != 0) break;
    }
    if (partial) {
        out.resize(stream->total_out);
        return status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR;
    }
    return status == Z_STREAM_END && stream->total_out == size;
}

namespace {

// An entry's header: type in bits 4-6 of the first byte, size in base-128 groups after it.
struct EntryHeader {
    int type = 0;
    std::uint64_t size = 0;
    std::uint64_t data = 0; // offset of what follows the header
};

std::optional<EntryHeader> entry_header(const unsigned char* pack, std::uint64_t offset, std::uint64_t end) {
    EntryHeader header;
    std::uint64_t at = offset;
    unsigned char byte = pack[at++];
    header.type = (byte >> 4) & 7;
    header.size = byte & 15U;
    for (unsigned shift = 4; (byte & 0x80) != 0; shift += 7) {
        if (at >= end || shift > 57) return std::nullopt;
        byte = pack[at++];
        header.size |= std::uint64_t{byte & 0x7fU} << shift;
    }
    if (header.size > (std::uint64_t{1} << 32)) return std::nullopt;
    header.data = at;
    return header;
}

// The base's distance back of an OFS_DELTA, in git's "offset encoding" (each continuation adds one).
std::optional<std::uint64_t> ofs_base(const unsigned char* pack, std::uint64_t& at, std::uint64_t end,
                                      std::uint64_t offset) {
    if (at >= end) return std::nullopt;
    unsigned char byte = pack[at++];
    std::uint64_t distance = byte & 0x7fU;
    while ((byte & 0x80) != 0) {
        if (at >= end || distance > (std::uint64_t{1} << 56)) return std::nullopt;
        byte = pack[at++];
        distance = ((distance + 1) << 7) | (byte & 0x7fU);
    }
    if (distance == 0 || distance > offset) return std::nullopt;
    return offset - distance;
}

} // namespace

// The start of the entry at `offset`, read from at most 64 bytes (the longest header, 10 bytes,
// with a 20-byte base id fits): its header, its delta base and where its zlib stream starts.
std::optional<PackReader::EntryStart> PackReader::parse_entry(const Pack& pack, std::uint64_t offset) {
    if (offset < 12 || pack.pack.size < 20 || offset >= pack.pack.size - 20) return std::nullopt;
    auto count = static_cast<std::size_t>(std::min<std::uint64_t>(64, pack.pack.size - 20 - offset));
    const unsigned char* bytes = pack.pack.data + (pack.pack.streamed ? 0 : offset);
    if (pack.pack.streamed) {
        // 512 bytes: most trees' and deltas' whole stream too, which inflate_streamed() then uses.
        const auto read = static_cast<std::size_t>(std::min<std::uint64_t>(512, pack.pack.size - offset));
        if (window_.size() < read) window_.resize(read);
        window_pack_ = nullptr;
        const std::size_t got = pack.pack.copy(offset, window_.data(), read);
        if (got < count) return std::nullopt;
        window_pack_ = &pack;
        window_at_ = offset;
        window_bytes_ = got;
        bytes = window_.data();
    }
    const auto header = entry_header(bytes, 0, count);
    if (!header) return std::nullopt;
    EntryStart entry;
    entry.type = header->type;
    entry.size = header->size;
    std::uint64_t at = header->data;
    if (entry.type == 6) {
        entry.base_offset = ofs_base(bytes, at, count, offset);
        if (!entry.base_offset) return std::nullopt;
    } else if (entry.type == 7) {
        if (at + 20 > count) return std::nullopt;
        std::memcpy(entry.base_id.data(), bytes + at, 20);
        at += 20;
    }
    entry.data = offset + at;
    return entry;
}

bool PackReader::is_delta_of(const ObjectId& object, const ObjectId& base) {
    const auto found = locate(object);
    if (!found) return false;
    Pack& pack = *found->first;
    const auto entry = parse_entry(pack, found->second);
    if (!entry) return false;
    if (entry->type == 6) return pack.find(base.data()) == entry->base_offset;
    if (entry->type == 7) return entry->base_id == base;
    return false;
}

std::optional<ObjectHeader> PackReader::header_at(Pack& pack, std::uint64_t offset, int depth) {
    if (depth > max_delta_depth || offset < 12 || pack.pack.size < 20 || offset >= pack.pack.size - 20)
        return std::nullopt;
    if (auto cached = cache_->get(Cache::key(pack, offset))) return ObjectHeader{cached->type, cached->data.size()};
    const auto header = parse_entry(pack, offset);
    if (!header) return std::nullopt;
    if (header->type >= 1 && header->type <= 4)
        return ObjectHeader{static_cast<ObjectType>(header->type), header->size};
    if (header->type != 6 && header->type != 7) return std::nullopt;
    const std::uint64_t at = header->data;
    const std::optional<std::uint64_t> base =
        header->type == 6 ? header->base_offset : pack.find(header->base_id.data());
    if (!base) return std::nullopt;
    // The delta starts with the base's size and the result's size: 20 bytes hold both.
    std::string start;
    if (!inflate_into(pack, at, static_cast<std::size_t>(std::min<std::uint64_t>(header->size, 20)), start, true))
        return std::nullopt;
    std::size_t cursor = 0;
    std::size_t base_size = 0;
    std::size_t result_size = 0;
    if (!delta_size(start, cursor, base_size) || !delta_size(start, cursor, result_size)) return std::nullopt;
    const auto base_header = header_at(pack, *base, depth + 1);
    if (!base_header) return std::nullopt;
    return ObjectHeader{base_header->type, result_size};
}

ObjectData PackReader::read_at(Pack& pack, std::uint64_t offset, int depth) {
    if (depth > max_delta_depth || offset < 12 || pack.pack.size < 20 || offset >= pack.pack.size - 20) return nullptr;
    const std::uint64_t key = Cache::key(pack, offset);
    if (auto cached = cache_->get(key)) return cached;
    const auto header = parse_entry(pack, offset);
    if (!header) return nullptr;
    const std::uint64_t at = header->data;
    // A displaced object nobody else holds is reused: its allocation and its buffer's capacity.
    std::shared_ptr<RawObject> object =
        spare_ ? std::const_pointer_cast<RawObject>(std::move(spare_)) : std::make_shared<RawObject>();
    spare_ = nullptr;
    if (header->type >= 1 && header->type <= 4) {
        object->type = static_cast<ObjectType>(header->type);
        if (!inflate_into(pack, at, static_cast<std::size_t>(header->size), object->data)) return nullptr;
    } else if (header->type == 6 || header->type == 7) {
        // A REF_DELTA's base absent from the pack: a thin delta, libgit2's business.
        const std::optional<std::uint64_t> base_offset =
            header->type == 6 ? header->base_offset : pack.find(header->base_id.data());
        if (!base_offset) return nullptr;
        const ObjectData base = read_at(pack, *base_offset, depth + 1);
        if (!base) return nullptr;
        // One buffer for every delta: the base above is complete before this one is inflated.
        if (!inflate_into(pack, at, static_cast<std::size_t>(header->size), delta_)) return nullptr;
        object->type = base->type;
        if (!apply_delta(base->data, delta_, object->data)) return nullptr;
    } else {
        return nullptr;
    }
    object->pack = &pack;
    object->pack_key = key;
    ObjectData done = std::move(object);
    // Kept: other entries are built from it (a delta's base is most often another version of the
    // same tree or file, read shortly before or after it; see also keep()).
    if (ObjectData displaced = cache_->put(key, done); displaced && displaced.use_count() == 1)
        spare_ = std::move(displaced);
    return done;
}

} // namespace ksa::git
