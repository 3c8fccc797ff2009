#include "git/index_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "manifest/paths.h"

namespace ksa::git {
namespace {

constexpr std::size_t chunk_size = 256 * 1024;
constexpr std::size_t max_path_length = 64 * 1024;
constexpr std::uint16_t flag_extended = 0x4000;
constexpr std::uint16_t stage_mask = 0x3000;
constexpr std::uint16_t extended_intent_to_add = 0x2000;

// Sequential reads through a sliding buffer.
class ByteStream {
public:
    explicit ByteStream(int fd) : fd_(fd) {}

    // Makes at least `count` bytes available; false at end of file.
    Expected<bool> ensure(std::size_t count) {
        if (available() >= count) return true;
        if (begin_ > 0) {
            buffer_.erase(0, begin_);
            begin_ = 0;
        }
        while (buffer_.size() < count) {
            const std::size_t old_size = buffer_.size();
            buffer_.resize(old_size + std::max(chunk_size, count - old_size));
            ssize_t got = 0;
            do {
                got = ::read(fd_, buffer_.data() + old_size, buffer_.size() - old_size);
            } while (got < 0 && errno == EINTR);
            if (got < 0) return Failure{fmt::format("cannot read the index: {}", std::strerror(errno))};
            buffer_.resize(old_size + static_cast<std::size_t>(got));
            if (got == 0) return false;
        }
        return true;
    }

    [[nodiscard]] std::size_t available() const { return buffer_.size() - begin_; }
    [[nodiscard]] const unsigned char* data() const {
        return reinterpret_cast<const unsigned char*>(buffer_.data()) + begin_;
    }
    void consume(std::size_t count) { begin_ += count; }

    // Discards `count` bytes, reading past them without keeping them.
    Expected<bool> skip(std::size_t count) {
        while (count > 0) {
            auto ready = ensure(std::min(count, chunk_size));
            if (!ready) return ready;
            if (!*ready) return false;
            const std::size_t step = std::min(count, available());
            consume(step);
            count -= step;
        }
        return true;
    }

    // The offset of the first NUL at or after `from`, reading more as needed.
    Expected<std::size_t> find_nul(std::size_t from) {
        for (;;) {
            const auto* start = data();
            if (from < available()) {
                if (const void* nul = std::memchr(start + from, 0, available() - from))
                    return static_cast<std::size_t>(static_cast<const unsigned char*>(nul) - start);
            }
            if (available() > max_path_length) return Failure{"corrupt index: a path has no terminator"};
            auto more = ensure(available() + 1);
            if (!more) return more.failure();
            if (!*more) return Failure{"corrupt index: truncated path"};
        }
    }

private:
    int fd_;
    std::string buffer_;
    std::size_t begin_ = 0;
};

std::uint32_t be32(const unsigned char* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
std::uint16_t be16(const unsigned char* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

Failure truncated() { return Failure{"corrupt index: file is truncated"}; }

std::optional<long> parse_count(std::string_view text) {
    bool negative = false;
    if (!text.empty() && text.front() == '-') {
        negative = true;
        text.remove_prefix(1);
    }
    if (text.empty() || text.size() > 12) return std::nullopt;
    long value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return negative ? -value : value;
}

// Parses the cache-tree ("TREE") extension: pre-order records of
// "<name>\0<entry count> <subtree count>\n[<tree id> when the count is not -1]".
std::optional<Failure> parse_cache_tree(IndexSnapshot& snapshot) {
    const std::string_view data(snapshot.cache_tree_names.data(), snapshot.cache_tree_names.size());
    std::vector<CacheTreeNode>& nodes = snapshot.cache_tree;
    struct Open {
        std::uint32_t node;
        long remaining_children;
    };
    std::vector<Open> open;
    std::size_t at = 0;
    while (at < data.size()) {
        const auto nul = data.find('\0', at);
        const auto space = nul == std::string_view::npos ? nul : data.find(' ', nul);
        const auto newline = space == std::string_view::npos ? space : data.find('\n', space);
        if (newline == std::string_view::npos) return Failure{"corrupt index: bad cache-tree record"};
        const auto entry_count = parse_count(data.substr(nul + 1, space - nul - 1));
        const auto subtrees = parse_count(data.substr(space + 1, newline - space - 1));
        if (!entry_count || !subtrees || *subtrees < 0) return Failure{"corrupt index: bad cache-tree counts"};
        CacheTreeNode node;
        node.name = data.substr(at, nul - at);
        at = newline + 1;
        if (*entry_count >= 0) {
            if (at + node.id.size() > data.size()) return Failure{"corrupt index: truncated cache-tree"};
            std::memcpy(node.id.data(), data.data() + at, node.id.size());
            node.valid = true;
            at += node.id.size();
        }
        const auto index = static_cast<std::uint32_t>(nodes.size());
        if (!open.empty()) --open.back().remaining_children;
        else if (index != 0) return Failure{"corrupt index: cache-tree has two roots"};
        nodes.push_back(node);
        open.push_back({index, *subtrees});
        // Close every node whose children are all read: its descendants end here.
        while (!open.empty() && open.back().remaining_children == 0) {
            nodes[open.back().node].end = static_cast<std::uint32_t>(nodes.size());
            open.pop_back();
        }
    }
    if (!open.empty()) return Failure{"corrupt index: truncated cache-tree"};
    return std::nullopt;
}

void note_manifest_folders(std::string_view path, std::set<std::string>& folders) {
    // Cheap pre-test: a manifest-named folder has "koder" in its name.
    if (path.find("koder") == std::string_view::npos) return;
    for (auto slash = path.find('/'); slash != std::string_view::npos; slash = path.find('/', slash + 1)) {
        const std::string_view folder = path.substr(0, slash);
        if (manifest::classify_path(folder)) folders.emplace(folder);
    }
}

class FileCloser {
public:
    explicit FileCloser(int fd) : fd_(fd) {}
    ~FileCloser() { ::close(fd_); }
    FileCloser(const FileCloser&) = delete;
    FileCloser& operator=(const FileCloser&) = delete;

private:
    int fd_;
};

} // namespace

std::optional<std::uint32_t> IndexSnapshot::cache_tree_child(std::uint32_t node, std::string_view name) const {
    for (std::uint32_t child = node + 1; child < cache_tree[node].end; child = cache_tree[child].end)
        if (cache_tree[child].name == name) return child;
    return std::nullopt;
}

Expected<IndexSnapshot> read_index_file(const std::string& path, const KeepPath& keep) {
    IndexSnapshot snapshot;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return snapshot;
        return Failure{fmt::format("cannot open the index {}: {}", path, std::strerror(errno))};
    }
    FileCloser closer(fd);
    ByteStream stream(fd);

    auto header = stream.ensure(12);
    if (!header) return header.failure();
    if (!*header || std::memcmp(stream.data(), "DIRC", 4) != 0) return Failure{fmt::format("{} is not a git index", path)};
    const std::uint32_t version = be32(stream.data() + 4);
    if (version < 2 || version > 4) return Failure{fmt::format("unsupported index version {}", version)};
    snapshot.total_entries = be32(stream.data() + 8);
    stream.consume(12);

    std::set<std::string> folders;
    std::string previous_path;  // v4 compresses each path against the previous one
    constexpr std::size_t fixed_size = 62;  // stat data (40) + id (20) + flags (2)
    for (std::uint32_t i = 0; i < snapshot.total_entries; ++i) {
        auto ready = stream.ensure(fixed_size + 2);  // + the extended flags, if any
        if (!ready) return ready.failure();
        if (!*ready) return truncated();
        const unsigned char* entry = stream.data();
        const std::uint32_t mode = be32(entry + 24);
        const std::uint16_t flags = be16(entry + 60);
        const bool extended = (flags & flag_extended) != 0 && version >= 3;
        std::size_t header_size = fixed_size + (extended ? 2 : 0);
        IndexEntry kept;
        kept.mode = mode;
        std::memcpy(kept.id.data(), entry + 40, kept.id.size());
        // `git add -N` entries are placeholders git leaves out of the commit.
        const bool intent_to_add = extended && (be16(entry + fixed_size) & extended_intent_to_add) != 0;
        const bool stage_zero = (flags & stage_mask) == 0 && !intent_to_add;

        std::string_view entry_path;
        std::size_t consumed = 0;
        if (version == 4) {
            // Varint: how many bytes to drop from the end of the previous path.
            std::size_t at = header_size;
            std::uint64_t strip = 0;
            for (;;) {
                auto more = stream.ensure(at + 1);
                if (!more) return more.failure();
                if (!*more) return truncated();
                const unsigned char byte = stream.data()[at++];
                strip = (strip << 7) | (byte & 0x7F);
                if ((byte & 0x80) == 0) break;
                ++strip;
                if (strip > max_path_length) return Failure{"corrupt index: bad path compression"};
            }
            if (strip > previous_path.size()) return Failure{"corrupt index: bad path compression"};
            auto nul = stream.find_nul(at);
            if (!nul) return nul.failure();
            previous_path.resize(previous_path.size() - strip);
            previous_path.append(reinterpret_cast<const char*>(stream.data()) + at, *nul - at);
            entry_path = previous_path;
            consumed = *nul + 1;
        } else {
            auto nul = stream.find_nul(header_size);
            if (!nul) return nul.failure();
            // Entries are padded with 1-8 NULs to a multiple of 8 bytes.
            consumed = (*nul + 8) & ~std::size_t{7};
            auto padding = stream.ensure(consumed);
            if (!padding) return padding.failure();
            if (!*padding) return truncated();
            entry_path = std::string_view(reinterpret_cast<const char*>(stream.data()) + header_size, *nul - header_size);
        }
        if (stage_zero) {
            note_manifest_folders(entry_path, folders);
            if (keep(entry_path)) {
                kept.path = std::string(entry_path);
                snapshot.entries.push_back(std::move(kept));
            }
        }
        stream.consume(consumed);
    }

    // Extensions: 4-byte signature, 4-byte size, data; the last 20 bytes are the checksum.
    for (;;) {
        auto ready = stream.ensure(8 + 20);
        if (!ready) return ready.failure();
        if (!*ready) break;  // only the checksum is left
        const unsigned char* extension = stream.data();
        const std::string signature(reinterpret_cast<const char*>(extension), 4);
        const std::uint32_t size = be32(extension + 4);
        stream.consume(8);
        if (signature == "TREE") {
            auto body = stream.ensure(size);
            if (!body) return body.failure();
            if (!*body) return truncated();
            const auto* bytes = reinterpret_cast<const char*>(stream.data());
            snapshot.cache_tree_names.assign(bytes, bytes + size);
            stream.consume(size);
            if (auto problem = parse_cache_tree(snapshot)) return *problem;
        } else if (signature == "link") {
            return Failure{"split index (core.splitIndex) is not supported; run `git update-index --no-split-index`"};
        } else if (signature[0] >= 'A' && signature[0] <= 'Z') {
            auto skipped = stream.skip(size);  // optional extension
            if (!skipped) return skipped.failure();
            if (!*skipped) return truncated();
        } else {
            return Failure{fmt::format("index extension '{}' is not supported", signature)};
        }
    }
    snapshot.manifest_folders.assign(folders.begin(), folders.end());
    return snapshot;
}

} // namespace ksa::git
