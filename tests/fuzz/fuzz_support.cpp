#include "fuzz_support.h"

#include "manifest/paths.h"
#include "support/text.h"

namespace ksa::fuzz {

void violated(std::string_view what, std::string_view detail) {
    std::fprintf(stderr, "fuzz invariant violated: %.*s\n", static_cast<int>(what.size()), what.data());
    if (!detail.empty()) {
        const std::string shown = text::escape_lines_for_terminal(text::abbreviate(detail, 4000));
        std::fprintf(stderr, "--- detail:\n%s\n--- end\n", shown.c_str());
    }
    std::abort();
}

Expected<std::vector<Candidate>> MemorySource::list_manifests(const std::string& prefix) {
    std::vector<Candidate> found;
    for (const auto& [path, content] : files_) {
        if (!prefix.empty() && !(path.starts_with(prefix) && path.size() > prefix.size() && path[prefix.size()] == '/'))
            continue;
        if (manifest::classify_path(path)) found.push_back({path, EntryKind::file});
    }
    return found;
}

Expected<Entry> MemorySource::stat(const std::string& path) {
    const auto found = files_.find(path);
    if (found == files_.end()) return Entry{};
    return Entry{EntryKind::file, found->second.size()};
}

Expected<std::string> MemorySource::read(const std::string& path) {
    const auto found = files_.find(path);
    if (found == files_.end()) return Failure{"no such file: " + path};
    return found->second;
}

Expected<bool> MemorySource::has_fragments(const std::string& module_dir) {
    const std::string dir = module_dir.empty() ? "self-hosted/" : module_dir + "/self-hosted/";
    for (const auto& [path, content] : files_)
        if (path.starts_with(dir) && manifest::classify_path(path) == manifest::ManifestKind::fragment) return true;
    return false;
}

std::uint8_t ByteReader::byte() {
    if (data_.empty()) return 0;
    const auto value = static_cast<std::uint8_t>(data_.front());
    data_.remove_prefix(1);
    return value;
}

std::string ByteReader::string() {
    const std::size_t wanted = byte();  // first: it consumes the byte the size below excludes
    const std::size_t length = std::min(wanted, data_.size());
    std::string value(data_.substr(0, length));
    data_.remove_prefix(length);
    return value;
}

bool is_terminal_safe(std::string_view text, bool allow_newline) {
    if (!text::is_valid_utf8(text)) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n' && allow_newline) continue;
        if (c < 0x20 || c == 0x7F) return false;
        const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0U;
        if (c == 0xC2 && next >= 0x80 && next <= 0x9F) return false;  // C1 controls
        if (c == 0xD8 && next == 0x9C) return false;                   // U+061C ARABIC LETTER MARK
        if (c == 0xE2 && i + 2 < text.size()) {
            const unsigned code = ((c & 0x0FU) << 12) | ((next & 0x3FU) << 6) |
                                  (static_cast<unsigned char>(text[i + 2]) & 0x3FU);
            if ((code >= 0x202A && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069) || code == 0x200E ||
                code == 0x200F)
                return false;
        }
    }
    return true;
}

void require_terminal_safe(std::string_view text, std::string_view what, bool allow_newline) {
    if (!is_terminal_safe(text, allow_newline)) violated(what, text);
}

} // namespace ksa::fuzz
