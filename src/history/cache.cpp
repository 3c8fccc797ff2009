#include "history/cache.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

#include "source/file_writer.h"
#include "support/text.h"

namespace ksa::history {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view magic = "koder-spec-audit-history 1";

// Every string is one space-free token: ':' then the bytes, with controls, space, '%' and
// DEL as %XX (so an empty string is ":").
bool needs_escape(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f || byte == '%';
}

void put(std::string& out, std::string_view value) {
    out += " :";
    // Commit ids and most names need no escaping: one append (the cache is rewritten per run).
    if (std::none_of(value.begin(), value.end(), needs_escape)) {
        out += value;
        return;
    }
    static constexpr char digits[] = "0123456789ABCDEF";
    for (const char c : value) {
        if (!needs_escape(c)) {
            out += c;
            continue;
        }
        const auto byte = static_cast<unsigned char>(c);
        out += '%';
        out += digits[byte >> 4];
        out += digits[byte & 0xF];
    }
}

template <typename Number> void put_number(std::string& out, Number value) {
    char buffer[24];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out += ' ';
    out.append(buffer, end);
}

void put(std::string& out, std::uint64_t value) { put_number(out, value); }
void put_signed(std::string& out, std::int64_t value) { put_number(out, value); }

void put(std::string& out, const std::vector<std::string>& values) {
    put(out, static_cast<std::uint64_t>(values.size()));
    for (const std::string& value : values)
        put(out, value);
}

void put(std::string& out, const Snapshot& snapshot) {
    put(out, snapshot.path);
    put(out, snapshot.version);
    put(out, std::uint64_t{snapshot.has_block});
    put(out, snapshot.status);
    put(out, std::uint64_t{snapshot.cases.has_value()});
    put(out, snapshot.cases.value_or(std::vector<std::string>{}));
    put(out, snapshot.gates_passed);
    put(out, snapshot.gates_pending);
}

// Reads the tokens of one line; any malformed token marks the whole cache unusable.
class Tokens {
  public:
    explicit Tokens(std::string_view line) : rest_(line) {}

    bool ok = true;

    std::string_view word() {
        while (!rest_.empty() && rest_.front() == ' ')
            rest_.remove_prefix(1);
        const std::size_t end = std::min(rest_.find(' '), rest_.size());
        const std::string_view token = rest_.substr(0, end);
        rest_.remove_prefix(end);
        if (token.empty()) ok = false;
        return token;
    }

    std::string text() {
        const std::string_view token = word();
        if (token.empty() || token.front() != ':') {
            ok = false;
            return {};
        }
        if (token.find('%') == std::string_view::npos) return std::string(token.substr(1));
        std::string value;
        for (std::size_t at = 1; at < token.size(); ++at) {
            if (token[at] != '%') {
                value += token[at];
                continue;
            }
            unsigned byte = 0;
            if (at + 2 >= token.size()) {
                ok = false;
                return {};
            }
            const auto [end, error] = std::from_chars(token.data() + at + 1, token.data() + at + 3, byte, 16);
            if (error != std::errc() || end != token.data() + at + 3) {
                ok = false;
                return {};
            }
            value += static_cast<char>(byte);
            at += 2;
        }
        return value;
    }

    std::uint64_t number() {
        const std::string_view token = word();
        std::uint64_t value = 0;
        const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
        if (error != std::errc() || end != token.data() + token.size()) ok = false;
        return value;
    }

    std::int64_t signed_number() {
        const std::string_view token = word();
        std::int64_t value = 0;
        const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
        if (error != std::errc() || end != token.data() + token.size()) ok = false;
        return value;
    }

    std::vector<std::string> list() {
        const std::uint64_t count = number();
        std::vector<std::string> values;
        for (std::uint64_t i = 0; ok && i < count; ++i)
            values.push_back(text());
        return values;
    }

    Snapshot snapshot() {
        Snapshot snapshot;
        snapshot.path = text();
        snapshot.version = text();
        snapshot.has_block = number() != 0;
        snapshot.status = text();
        const bool has_cases = number() != 0;
        auto cases = list();
        if (has_cases) snapshot.cases = std::move(cases);
        snapshot.gates_passed = list();
        snapshot.gates_pending = list();
        return snapshot;
    }

    [[nodiscard]] bool at_end() const { return rest_.find_first_not_of(' ') == std::string_view::npos; }

  private:
    std::string_view rest_;
};

bool is_commit_id(std::string_view name) { return name.size() == 40 && text::is_lower_hex(name); }

} // namespace

HistoryCache::HistoryCache(std::string dir, std::string fingerprint)
    : dir_(std::move(dir)), fingerprint_(std::move(fingerprint)) {}

std::set<std::string> HistoryCache::tips() const {
    std::set<std::string> found;
    std::error_code error;
    for (fs::directory_iterator it(dir_, error), end; !error && it != end; it.increment(error)) {
        const std::string name = it->path().filename().string();
        if (is_commit_id(name)) found.insert(name);
    }
    return found;
}

std::optional<MinedHistory> HistoryCache::load(const std::string& tip) const {
    std::ifstream in(fs::path(dir_) / tip, std::ios::binary | std::ios::ate);
    if (!in) return std::nullopt;
    const auto size = static_cast<std::size_t>(in.tellg());
    std::string text(size, '\0');
    in.seekg(0);
    if (!in.read(text.data(), static_cast<std::streamsize>(size))) return std::nullopt;
    auto history = deserialize(text, fingerprint_);
    if (!history || history->commits.empty() || history->commits.back().id != tip) return std::nullopt;
    return history;
}

std::optional<Failure> HistoryCache::store(const MinedHistory& history, std::size_t keep) const {
    if (history.commits.empty()) return std::nullopt;
    std::error_code error;
    fs::create_directories(dir_, error);
    if (error) return Failure{fmt::format("cannot create {}: {}", dir_, error.message())};
    const fs::path written = fs::path(dir_) / history.commits.back().id;
    if (auto problem = write_file(written, serialize(history, fingerprint_), false)) return problem;
    // The newest files stay; an older tip is usually an ancestor of a newer one. The file just
    // written always stays, whatever the clock or the file system's time resolution says.
    std::vector<std::pair<fs::file_time_type, fs::path>> files;
    for (const std::string& tip : tips()) {
        const fs::path path = fs::path(dir_) / tip;
        files.emplace_back(path == written ? fs::file_time_type::max() : fs::last_write_time(path, error), path);
    }
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t i = keep; i < files.size(); ++i)
        fs::remove(files[i].second, error);
    return std::nullopt;
}

std::string HistoryCache::serialize(const MinedHistory& history, const std::string& fingerprint) {
    std::string out(magic);
    out.reserve(history.commits.size() * 64 + history.paths.size() * 256 + 4096);
    put(out, fingerprint);
    out += "\nh";
    put(out, static_cast<std::uint64_t>(history.commits.size()));
    put(out, history.tip_tree);
    put(out, std::uint64_t{history.shallow});
    out += '\n';
    std::uint64_t lines = 2;
    for (const CommitInfo& commit : history.commits) {
        out += "c";
        put(out, commit.id);
        put_signed(out, commit.time);
        out += '\n';
        ++lines;
    }
    for (const auto& [path, state] : history.paths) {
        out += "p";
        put(out, path);
        put(out, state.blob);
        put(out, state.component);
        put(out, state.snapshot);
        out += '\n';
        ++lines;
    }
    for (const auto& [name, component] : history.components) {
        out += "k";
        put(out, name);
        out += '\n';
        ++lines;
        for (const Revision& revision : component.revisions) {
            out += "r";
            put(out, std::uint64_t{revision.commit});
            put(out, std::uint64_t{revision.present});
            put(out, revision.snapshot);
            out += '\n';
            ++lines;
        }
    }
    for (const InvalidManifest& invalid : history.invalid) {
        out += "i";
        put(out, std::uint64_t{invalid.commit});
        put(out, invalid.path);
        put(out, invalid.problem);
        out += '\n';
        ++lines;
    }
    // The line count at the end proves the file was written whole.
    out += fmt::format("end {}\n", lines);
    return out;
}

std::optional<MinedHistory> HistoryCache::deserialize(const std::string& text, const std::string& fingerprint) {
    MinedHistory history;
    std::string_view rest(text);
    std::uint64_t lines = 0;
    std::uint64_t expected_commits = 0;
    ComponentHistory* component = nullptr;
    bool ended = false;
    while (!rest.empty()) {
        const std::size_t end = rest.find('\n');
        if (end == std::string_view::npos || ended) return std::nullopt;
        const std::string_view line = rest.substr(0, end);
        rest.remove_prefix(end + 1);
        if (lines == 0) {
            if (!line.starts_with(magic)) return std::nullopt;
            Tokens tokens(line.substr(magic.size()));
            if (tokens.text() != fingerprint || !tokens.ok || !tokens.at_end()) return std::nullopt;
            ++lines;
            continue;
        }
        // The commit lines are most of the file: "c :<40 hex> <time>" is read directly.
        if (line.size() > 46 && line.starts_with("c :") && line[43] == ' ') {
            const std::string_view id = line.substr(3, 40);
            std::int64_t time = 0;
            const auto [at, error] = std::from_chars(line.data() + 44, line.data() + line.size(), time);
            // Ids are compared with git's and escaped when printed: no validation pass needed.
            if (error != std::errc() || at != line.data() + line.size()) return std::nullopt;
            history.commits.push_back(CommitInfo{std::string(id), time});
            ++lines;
            continue;
        }
        Tokens tokens(line);
        const std::string_view kind = tokens.word();
        if (kind == "end") {
            if (tokens.number() != lines || !tokens.ok || !tokens.at_end()) return std::nullopt;
            ended = true;
            continue;
        }
        ++lines;
        if (kind == "h") {
            expected_commits = tokens.number();
            history.commits.reserve(std::min<std::uint64_t>(expected_commits, text.size() / 40));
            history.tip_tree = tokens.text();
            history.shallow = tokens.number() != 0;
        } else if (kind == "c") {
            CommitInfo commit;
            commit.id = tokens.text();
            commit.time = tokens.signed_number();
            history.commits.push_back(std::move(commit));
        } else if (kind == "p") {
            const std::string path = tokens.text();
            PathState state;
            state.blob = tokens.text();
            state.component = tokens.text();
            state.snapshot = tokens.snapshot();
            history.paths[path] = std::move(state);
        } else if (kind == "k") {
            const std::string name = tokens.text();
            component = &history.components[name];
            component->name = name;
        } else if (kind == "r") {
            if (component == nullptr) return std::nullopt;
            Revision revision;
            revision.commit = static_cast<std::uint32_t>(tokens.number());
            revision.present = tokens.number() != 0;
            revision.snapshot = tokens.snapshot();
            if (revision.commit >= expected_commits) return std::nullopt;
            component->revisions.push_back(std::move(revision));
        } else if (kind == "i") {
            InvalidManifest invalid;
            invalid.commit = static_cast<std::uint32_t>(tokens.number());
            invalid.path = tokens.text();
            invalid.problem = tokens.text();
            if (invalid.commit >= expected_commits) return std::nullopt;
            history.invalid.push_back(std::move(invalid));
        } else {
            return std::nullopt;
        }
        if (!tokens.ok || !tokens.at_end()) return std::nullopt;
    }
    if (!ended || history.commits.size() != expected_commits) return std::nullopt;
    return history;
}

} // namespace ksa::history
