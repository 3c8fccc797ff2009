#include "git/object_reader.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

namespace ksa::git {
namespace {

// GIT_ALTERNATE_OBJECT_DIRECTORIES is a colon-separated list; an entry may be a C-style quoted
// string (git's parse_alt_odb_entry). A quoted entry we cannot decode is skipped: libgit2 still
// reads it, only slower.
std::vector<std::string> split_alternates(std::string_view list) {
    std::vector<std::string> dirs;
    while (!list.empty()) {
        if (list.front() == '"') {
            const std::size_t close = list.find('"', 1);
            if (close == std::string_view::npos) break;
            std::string_view quoted = list.substr(1, close - 1);
            if (quoted.find('\\') == std::string_view::npos) dirs.emplace_back(quoted);
            list.remove_prefix(close + 1);
            if (!list.empty() && list.front() == ':') list.remove_prefix(1);
            continue;
        }
        const std::size_t colon = list.find(':');
        if (colon != 0) dirs.emplace_back(list.substr(0, colon));
        if (colon == std::string_view::npos) break;
        list.remove_prefix(colon + 1);
    }
    return dirs;
}

void add_with_alternates(const std::filesystem::path& dir, std::vector<std::string>& dirs, int depth) {
    std::error_code error;
    const auto canonical = std::filesystem::weakly_canonical(dir, error);
    const std::string name = error ? dir.string() : canonical.string();
    for (const std::string& known : dirs)
        if (known == name) return;
    dirs.push_back(name);
    if (depth >= 5) return; // git's limit on nested alternates
    std::ifstream alternates(std::filesystem::path(name) / "info" / "alternates");
    std::string line;
    while (alternates && std::getline(alternates, line)) {
        if (line.empty() || line.front() == '#') continue;
        std::filesystem::path next(line);
        if (next.is_relative()) next = std::filesystem::path(name) / next;
        add_with_alternates(next, dirs, depth + 1);
    }
}

} // namespace

std::vector<std::string> object_directories(git_repository* repository) {
    std::vector<std::string> dirs;
    const char* redirected = std::getenv("GIT_OBJECT_DIRECTORY");
    if (redirected != nullptr && *redirected != '\0') {
        add_with_alternates(redirected, dirs, 0);
    } else if (const char* common = git_repository_commondir(repository)) {
        add_with_alternates(std::filesystem::path(common) / "objects", dirs, 0);
    }
    if (const char* alternates = std::getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES"))
        for (const std::string& dir : split_alternates(alternates))
            add_with_alternates(dir, dirs, 0);
    return dirs;
}

ObjectReader::ObjectReader(git_repository* repository, std::size_t cache_bytes, std::uint64_t trim_bytes,
                           std::uint64_t stream_above_bytes)
    : repository_(repository), packs_(object_directories(repository), cache_bytes, trim_bytes, stream_above_bytes) {}

git_odb* ObjectReader::odb() {
    if (!odb_) {
        git_odb* raw = nullptr;
        if (git_repository_odb(&raw, repository_) < 0) return nullptr;
        odb_.reset(raw);
    }
    return odb_.get();
}

ObjectData ObjectReader::try_read(const ObjectId& id, std::size_t lane) {
    if (ObjectData packed = packs_.read(id, lane)) return packed;
    auto object = read(id, "");
    return object ? std::move(*object) : nullptr;
}

Expected<ObjectData> ObjectReader::read(const ObjectId& id, std::string_view what) {
    if (ObjectData packed = packs_.read(id)) return packed;
    git_odb* database = odb();
    if (database == nullptr) return last_error("cannot open the object database");
    git_odb_object* raw = nullptr;
    const git_oid oid = to_oid(id);
    if (git_odb_read(&raw, database, &oid) < 0) return last_error(fmt::format("cannot read {}", what));
    OdbObjectPtr object(raw);
    auto copy = std::make_shared<RawObject>();
    copy->type = static_cast<ObjectType>(git_odb_object_type(raw));
    copy->data.assign(static_cast<const char*>(git_odb_object_data(raw)), git_odb_object_size(raw));
    return ObjectData(std::move(copy));
}

Expected<ObjectData> ObjectReader::read(const ObjectId& id, ObjectType type, std::string_view what) {
    auto object = read(id, what);
    if (!object) return object;
    if ((*object)->type != type)
        return Failure{fmt::format("{} is a {}, expected a {}", what, describe((*object)->type), describe(type))};
    return object;
}

Expected<ObjectHeader> ObjectReader::header(const ObjectId& id, std::string_view what) {
    if (const auto packed = packs_.header(id)) return *packed;
    git_odb* database = odb();
    if (database == nullptr) return last_error("cannot open the object database");
    std::size_t size = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    const git_oid oid = to_oid(id);
    if (git_odb_read_header(&size, &type, database, &oid) < 0) return last_error(fmt::format("cannot read {}", what));
    return ObjectHeader{static_cast<ObjectType>(type), size};
}

bool ObjectReader::exists(const ObjectId& id) {
    if (packs_.contains(id)) return true;
    git_odb* database = odb();
    const git_oid oid = to_oid(id);
    return database != nullptr && git_odb_exists(database, &oid) == 1;
}

} // namespace ksa::git
