// Fuzz target: arbitrary bytes as git's index file (git/index_file.h), which the pre-commit
// hook reads itself: versions 2 to 4, path compression, extensions, split and sparse indexes.
// The bytes go to a temporary file (the reader streams from a file descriptor); the reader must
// fail with a message or return what it kept, within what it read.
#include <cstdint>
#include <cstdio>
#include <string>

#include <unistd.h>

#include "fuzz_support.h"
#include "git/index_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ksa;
    static const std::string path = [] {
        char name[] = "/tmp/ksa-fuzz-index-XXXXXX";
        const int fd = ::mkstemp(name);
        if (fd >= 0) ::close(fd);
        return std::string(name);
    }();
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) return 0;
    std::fwrite(data, 1, size, file);
    std::fclose(file);
    const auto snapshot = git::read_index_file(path, [](std::string_view) { return true; }, {});
    if (!snapshot) {
        if (snapshot.failure().message.empty()) fuzz::violated("failure without a message");
        return 0;
    }
    if (snapshot->entries.size() > snapshot->total_entries) fuzz::violated("more entries kept than read");
    for (const git::CacheTreeNode& node : snapshot->cache_tree)
        if (node.end > snapshot->cache_tree.size()) fuzz::violated("cache-tree node past the end");
    return 0;
}
