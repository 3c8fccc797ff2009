// A read-only reader of git's pack files, for the hundreds of thousands of object reads of a
// large push or a history walk (internal to git/, behind ObjectReader).
//
// Formats: Documentation/gitformat-pack.txt in git's source ("pack-*.pack files have the
// following format", "Version 2 pack-*.idx files"), and the delta encoding described there
// ("Deltified representation"). Only what git writes today is read: pack version 2 or 3,
// index version 2, OBJ_OFS_DELTA and OBJ_REF_DELTA within the same pack.
//
// libgit2 1.5 sets up a zlib stream per object read and keeps a 16 MiB delta base cache; reading
// every tree of a 50,000-commit history through it cost 1.3x `git log`. This reader reuses one
// stream and keeps recently built objects in a cache of a size the caller chooses. Every read is
// bounds-checked; anything it does not handle or cannot build (loose objects, a thin delta, a
// damaged entry) is answered "absent", so the caller falls back to libgit2 and never gets a wrong
// answer. tests/fuzz/fuzz_pack.cpp feeds it arbitrary pack and index bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "git/object_id.h"
#include "git/raw_object.h"

namespace ksa::git {

class PackReader {
  public:
    static constexpr std::uint64_t default_trim_bytes = 8U << 20;

    // Maps every objects/pack/*.pack with its .idx under each of `object_dirs` (a file already
    // mapped by another reader of the process is shared). `cache_bytes` bounds the objects kept
    // built (delta bases and recent reads); after every `trim_bytes` of compressed data read, the
    // packs' pages are dropped from RSS (see trim()).
    //
    // A pack larger than `stream_above_bytes` (0: none) is read with pread() instead of mapped: a
    // walk reading small objects all over a large pack would hold most of it in RSS, since each
    // page fault maps the 64 KiB around the page (the kernel's fault-around), which no madvise()
    // turns off. Its index stays mapped.
    PackReader(const std::vector<std::string>& object_dirs, std::size_t cache_bytes,
               std::uint64_t trim_bytes = default_trim_bytes, std::uint64_t stream_above_bytes = 0);
    // One pack and its index held in memory (the fuzz target); `streamed` reads the pack as a
    // streamed one is read, by copies.
    PackReader(std::string pack_bytes, std::string index_bytes, std::size_t cache_bytes, bool streamed = false);
    PackReader(const PackReader&) = delete;
    PackReader& operator=(const PackReader&) = delete;
    ~PackReader();

    // The object, or null when no pack holds it or the reader cannot build it (corrupt data
    // included): the caller then asks libgit2. A `lane` (0 or 1) remembers which pack answered
    // its last read and asks it first: the two sides of a tree comparison come from different
    // packs (a push's quarantine, the repository's own).
    ObjectData read(const ObjectId& id, std::size_t lane = 0);

    // The type and size without building the object (only entry headers and the first bytes of
    // each delta are inflated), or nullopt as for read().
    std::optional<ObjectHeader> header(const ObjectId& id);

    // True when a pack holds `id` (nothing is read).
    bool contains(const ObjectId& id);

    // True when `object` is stored as a delta whose base is `base` (in the same pack): which way
    // a pack's deltas point between two versions of a tree (nothing is inflated).
    bool is_delta_of(const ObjectId& object, const ObjectId& base);

    // Puts an object this reader built back into its cache, so the versions built from it (as
    // delta bases) do not rebuild it: for a caller that kept the object while the cache let it go.
    // Objects from elsewhere are ignored.
    void keep(const ObjectData& object);

    [[nodiscard]] bool empty() const;
    [[nodiscard]] std::size_t pack_count() const;
    // How many of them are read with pread() (see the constructor).
    [[nodiscard]] std::size_t streamed_pack_count() const;

    struct Pack;
    struct Cache;

  private:
    struct EntryStart {
        int type = 0;
        std::uint64_t size = 0;
        std::uint64_t data = 0;                   // where the zlib stream starts
        std::optional<std::uint64_t> base_offset; // OFS_DELTA
        ObjectId base_id{};                       // REF_DELTA
    };
    std::optional<EntryStart> parse_entry(const Pack& pack, std::uint64_t offset);
    bool inflate_streamed(const Pack& pack, std::uint64_t at, std::size_t size, std::string& out, bool partial);
    std::optional<std::pair<Pack*, std::uint64_t>> locate(const ObjectId& id, std::size_t lane = 0);
    ObjectData read_at(Pack& pack, std::uint64_t offset, int depth);
    std::optional<ObjectHeader> header_at(Pack& pack, std::uint64_t offset, int depth);
    bool inflate_into(const Pack& pack, std::uint64_t at, std::size_t size, std::string& out, bool partial = false);
    void start_stream();
    void trim();

    std::uint64_t trim_bytes_ = default_trim_bytes;
    std::vector<std::unique_ptr<Pack>> packs_;
    std::unique_ptr<Cache> cache_;
    void* stream_ = nullptr;            // z_stream, reused for every object
    std::size_t last_pack_[2] = {0, 0}; // per lane
    std::string delta_;                 // the delta being applied, reused
    std::vector<unsigned char> window_; // a streamed pack's bytes being read, reused
    const Pack* window_pack_ = nullptr; // which pack's bytes from window_at_ window_ holds, if any
    std::uint64_t window_at_ = 0;
    std::size_t window_bytes_ = 0;
    ObjectData spare_;           // an object the cache let go and nobody holds: the next read reuses it
    std::uint64_t consumed_ = 0; // compressed bytes read since the last trim()
};

} // namespace ksa::git
