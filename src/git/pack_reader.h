// A read-only reader of a repository's pack files, for the history walk's hundreds of
// thousands of tree reads (internal to git/).
//
// libgit2 1.5 sets up a zlib stream per object read and keeps a 16 MiB delta base cache;
// reading every tree of a 50,000-commit history through it cost 1.3x `git log`. This reader
// reuses one stream, keeps recently built objects (96 MiB, like git's delta base cache), and
// answers "absent" for anything it does not handle (loose objects, objects in alternates,
// unusual packs), so the caller falls back to libgit2 and never gets a wrong answer.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ksa::git {

struct PackedObject {
    int type = 0;  // 1 commit, 2 tree, 3 blob, 4 tag
    std::string data;
};

class PackReader {
public:
    // Maps every objects/pack/*.pack with its .idx (version 2) under `objects_dir`.
    explicit PackReader(const std::string& objects_dir);
    PackReader(const PackReader&) = delete;
    PackReader& operator=(const PackReader&) = delete;
    ~PackReader();

    // The object, or null when no pack holds it or the reader cannot build it (corrupt data
    // included): the caller then asks libgit2.
    std::shared_ptr<const PackedObject> read(const unsigned char (&id)[20]);

    [[nodiscard]] bool empty() const;

    struct Pack;
    struct Cache;

private:
    std::shared_ptr<const PackedObject> read_at(Pack& pack, std::uint64_t offset, int depth);
    bool inflate_into(const Pack& pack, std::uint64_t at, std::size_t size, std::string& out);

    std::vector<std::unique_ptr<Pack>> packs_;
    std::unique_ptr<Cache> cache_;
    void* stream_ = nullptr;  // z_stream, reused for every object
};

} // namespace ksa::git
