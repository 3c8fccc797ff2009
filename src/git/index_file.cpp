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
            buffer_.resize(old_size + chunk_size);
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
        if (!open.empty())
            --open.back().remaining_children;
        else if (index != 0)
            return Failure{"corrupt index: cache-tree has two roots"};
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

namespace {

// One entry as stored in an index file, valid only during the callback.
struct RawEntry {
    std::uint32_t position = 0;
    std::string_view path; // empty for an entry a split index replaces in its base
    ObjectId id{};
    std::uint32_t mode = 0;
    bool counts = false; // stage 0 and not an intent-to-add placeholder
};

using EntryVisitor = std::function<void(const RawEntry&)>;

// What the extensions of one index file held that the reader uses.
struct Extensions {
    bool split = false;
    ObjectId base_id{};
    std::vector<std::uint32_t> deleted;  // base positions, ascending
    std::vector<std::uint32_t> replaced; // base positions, ascending
};

std::uint64_t be64(const unsigned char* p) { return (std::uint64_t{be32(p)} << 32) | be32(p + 4); }

// Decodes one EWAH bitmap (git's ewah/ewah_io.c) into its set positions; returns bytes used.
Expected<std::size_t> read_ewah(std::string_view data, std::vector<std::uint32_t>& positions) {
    constexpr std::size_t max_positions = std::size_t{1} << 24;
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
    if (data.size() < 8) return Failure{"corrupt index: truncated bitmap"};
    const std::uint32_t word_count = be32(bytes + 4);
    const std::size_t size = 8 + std::size_t{word_count} * 8 + 4;
    if (data.size() < size) return Failure{"corrupt index: truncated bitmap"};
    std::uint64_t position = 0;
    for (std::uint32_t pointer = 0; pointer < word_count;) {
        const std::uint64_t marker = be64(bytes + 8 + std::size_t{pointer} * 8);
        const std::uint64_t run = (marker >> 1) & 0xFFFFFFFFu;
        const std::uint64_t literals = marker >> 33;
        if ((marker & 1) != 0) {
            if (run * 64 > (1u << 26)) return Failure{"corrupt index: bitmap too large"};
            if (positions.size() + run * 64 > max_positions) return Failure{"corrupt index: bitmap too large"};
            for (std::uint64_t k = 0; k < run * 64; ++k)
                positions.push_back(static_cast<std::uint32_t>(position + k));
        }
        position += run * 64;
        if (pointer + literals >= word_count + std::uint64_t{1}) return Failure{"corrupt index: bad bitmap"};
        for (std::uint64_t j = 1; j <= literals; ++j) {
            const std::uint64_t word = be64(bytes + 8 + (std::size_t{pointer} + j) * 8);
            for (unsigned bit = 0; bit < 64; ++bit)
                if ((word >> bit) & 1u) positions.push_back(static_cast<std::uint32_t>(position + bit));
            position += 64;
        }
        pointer += static_cast<std::uint32_t>(literals) + 1;
        if (position > (std::uint64_t{1} << 32)) return Failure{"corrupt index: bitmap too large"};
    }
    return size;
}

std::optional<Failure> read_link_extension(std::string_view data, Extensions& extensions) {
    if (data.size() < 20) return Failure{"corrupt index: short link extension"};
    extensions.split = true;
    std::memcpy(extensions.base_id.data(), data.data(), 20);
    data.remove_prefix(20);
    if (data.empty()) return std::nullopt;
    auto used = read_ewah(data, extensions.deleted);
    if (!used) return used.failure();
    data.remove_prefix(*used);
    auto replaced = read_ewah(data, extensions.replaced);
    if (!replaced) return replaced.failure();
    if (*replaced != data.size()) return Failure{"corrupt index: garbage after the link extension"};
    return std::nullopt;
}

// Reads one index file: every entry goes to `visit`; the cache-tree lands in `snapshot`.
Expected<Extensions> read_one_file(const std::string& path, const EntryVisitor& visit, IndexSnapshot* snapshot) {
    Extensions extensions;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Failure{fmt::format("cannot open the index {}: {}", path, std::strerror(errno))};
    FileCloser closer(fd);
    ByteStream stream(fd);

    auto header = stream.ensure(12);
    if (!header) return header.failure();
    if (!*header || std::memcmp(stream.data(), "DIRC", 4) != 0)
        return Failure{fmt::format("{} is not a git index", path)};
    const std::uint32_t version = be32(stream.data() + 4);
    if (version < 2 || version > 4) return Failure{fmt::format("unsupported index version {}", version)};
    const std::uint32_t count = be32(stream.data() + 8);
    if (snapshot != nullptr) snapshot->total_entries = count;
    stream.consume(12);

    std::string previous_path;             // v4 compresses each path against the previous one
    constexpr std::size_t fixed_size = 62; // stat data (40) + id (20) + flags (2)
    for (std::uint32_t i = 0; i < count; ++i) {
        auto ready = stream.ensure(fixed_size + 2); // + the extended flags, if any
        if (!ready) return ready.failure();
        if (!*ready) return truncated();
        const unsigned char* entry = stream.data();
        RawEntry raw;
        raw.position = i;
        raw.mode = be32(entry + 24);
        std::memcpy(raw.id.data(), entry + 40, raw.id.size());
        const std::uint16_t flags = be16(entry + 60);
        const bool extended = (flags & flag_extended) != 0 && version >= 3;
        const std::size_t header_size = fixed_size + (extended ? 2 : 0);
        // `git add -N` entries are placeholders git leaves out of the commit.
        const bool intent_to_add = extended && (be16(entry + fixed_size) & extended_intent_to_add) != 0;
        raw.counts = (flags & stage_mask) == 0 && !intent_to_add;

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
            raw.path = previous_path;
            consumed = *nul + 1;
        } else {
            auto nul = stream.find_nul(header_size);
            if (!nul) return nul.failure();
            // Entries are padded with 1-8 NULs to a multiple of 8 bytes.
            consumed = (*nul + 8) & ~std::size_t{7};
            auto padding = stream.ensure(consumed);
            if (!padding) return padding.failure();
            if (!*padding) return truncated();
            raw.path = std::string_view(reinterpret_cast<const char*>(stream.data()) + header_size, *nul - header_size);
        }
        visit(raw);
        stream.consume(consumed);
    }

    // Extensions: 4-byte signature, 4-byte size, data; the last 20 bytes are the checksum.
    for (;;) {
        auto ready = stream.ensure(8 + 20);
        if (!ready) return ready.failure();
        if (!*ready) {
            if (stream.available() != 20) return truncated();
            break; // only the checksum is left
        }
        const unsigned char* extension = stream.data();
        const std::string signature(reinterpret_cast<const char*>(extension), 4);
        const std::uint32_t size = be32(extension + 4);
        stream.consume(8);
        const bool wanted = (signature == "TREE" && snapshot != nullptr) || signature == "link";
        if (!wanted) {
            // Optional (upper-case) extensions and the sparse-directory marker are skipped.
            if (!(signature[0] >= 'A' && signature[0] <= 'Z') && signature != "sdir")
                return Failure{fmt::format("index extension '{}' is not supported", signature)};
            auto skipped = stream.skip(size);
            if (!skipped) return skipped.failure();
            if (!*skipped) return truncated();
            continue;
        }
        auto body = stream.ensure(size);
        if (!body) return body.failure();
        if (!*body) return truncated();
        const auto* bytes = reinterpret_cast<const char*>(stream.data());
        if (signature == "TREE") {
            snapshot->cache_tree_names.assign(bytes, bytes + size);
            if (auto problem = parse_cache_tree(*snapshot)) return *problem;
        } else if (auto problem = read_link_extension(std::string_view(bytes, size), extensions)) {
            return *problem;
        }
        stream.consume(size);
    }
    return extensions;
}

struct OwnedEntry {
    std::string path;
    ObjectId id{};
    std::uint32_t mode = 0;
    bool counts = false;
};

constexpr std::uint32_t sparse_directory_mode = 040000;

// Collects what the snapshot keeps from an entry (a path the caller wants, a folder named
// like a manifest, a sparse directory).
class Collector {
  public:
    Collector(IndexSnapshot& snapshot, const KeepPath& keep) : snapshot_(snapshot), keep_(keep) {}

    void add(std::string_view path, const ObjectId& id, std::uint32_t mode, bool counts) {
        if (!counts) return;
        if (mode == sparse_directory_mode) {
            std::string_view folder = path;
            if (folder.ends_with('/')) folder.remove_suffix(1);
            snapshot_.sparse_directories.push_back({std::string(folder), id, mode});
            return;
        }
        note_manifest_folders(path, folders_);
        if (keep_(path)) snapshot_.entries.push_back({std::string(path), id, mode});
    }

    void finish() {
        snapshot_.manifest_folders.assign(folders_.begin(), folders_.end());
        const auto by_path = [](const IndexEntry& a, const IndexEntry& b) { return a.path < b.path; };
        std::stable_sort(snapshot_.entries.begin(), snapshot_.entries.end(), by_path);
        // A later entry (a split index's addition) wins over an earlier one with the same path.
        auto& entries = snapshot_.entries;
        std::vector<IndexEntry> unique;
        for (std::size_t i = 0; i < entries.size(); ++i)
            if (i + 1 == entries.size() || entries[i + 1].path != entries[i].path)
                unique.push_back(std::move(entries[i]));
        entries = std::move(unique);
    }

  private:
    IndexSnapshot& snapshot_;
    const KeepPath& keep_;
    std::set<std::string> folders_;
};

} // namespace

Expected<IndexSnapshot> read_index_file(const std::string& path, const KeepPath& keep,
                                        const std::vector<std::string>& shared_index_dirs) {
    IndexSnapshot snapshot;
    if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) return snapshot; // a new repository
    Collector collector(snapshot, keep);
    auto extensions = read_one_file(
        path, [&](const RawEntry& raw) { collector.add(raw.path, raw.id, raw.mode, raw.counts); }, &snapshot);
    if (!extensions) return extensions.failure();
    const bool has_base =
        std::any_of(extensions->base_id.begin(), extensions->base_id.end(), [](unsigned char b) { return b != 0; });
    if (!extensions->split || !has_base) {
        collector.finish();
        return snapshot;
    }

    // Split index (core.splitIndex): this file holds replacements of base entries (with empty
    // names) followed by additions; the shared index holds the base. Re-read this (small) file
    // keeping every entry, then merge it with the base the way git's split-index.c does.
    snapshot.entries.clear();
    snapshot.sparse_directories.clear();
    Collector merged(snapshot, keep);
    std::vector<OwnedEntry> split_entries;
    auto reread = read_one_file(
        path,
        [&](const RawEntry& raw) {
            split_entries.push_back({std::string(raw.path), raw.id, raw.mode, raw.counts});
        },
        nullptr);
    if (!reread) return reread.failure();
    if (extensions->replaced.size() > split_entries.size())
        return Failure{"corrupt index: more replacements than entries in the split index"};

    std::string base_path;
    char hex[41] = {};
    for (std::size_t i = 0; i < 20; ++i)
        std::snprintf(hex + 2 * i, 3, "%02x", extensions->base_id[i]);
    for (const std::string& dir : shared_index_dirs) {
        std::string candidate = dir + (dir.ends_with('/') ? "" : "/") + "sharedindex." + hex;
        if (::access(candidate.c_str(), R_OK) == 0) {
            base_path = std::move(candidate);
            break;
        }
    }
    if (base_path.empty()) return Failure{fmt::format("the split index's shared index sharedindex.{} is missing", hex)};

    std::size_t next_deleted = 0;
    std::size_t next_replaced = 0;
    auto base = read_one_file(
        base_path,
        [&](const RawEntry& raw) {
            const auto& deleted = extensions->deleted;
            const auto& replaced = extensions->replaced;
            while (next_deleted < deleted.size() && deleted[next_deleted] < raw.position)
                ++next_deleted;
            if (next_deleted < deleted.size() && deleted[next_deleted] == raw.position) return;
            while (next_replaced < replaced.size() && replaced[next_replaced] < raw.position)
                ++next_replaced;
            if (next_replaced < replaced.size() && replaced[next_replaced] == raw.position) {
                const OwnedEntry& replacement = split_entries[next_replaced];
                merged.add(raw.path, replacement.id, replacement.mode, replacement.counts);
                return;
            }
            merged.add(raw.path, raw.id, raw.mode, raw.counts);
        },
        nullptr);
    if (!base) return base.failure();
    for (std::size_t i = extensions->replaced.size(); i < split_entries.size(); ++i) {
        const OwnedEntry& addition = split_entries[i];
        if (addition.path.empty()) return Failure{"corrupt index: an added split-index entry has no name"};
        merged.add(addition.path, addition.id, addition.mode, addition.counts);
    }
    merged.finish();
    return snapshot;
}

} // namespace ksa::git
