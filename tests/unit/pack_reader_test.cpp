// The history walk's pack reader (git/pack_reader.h): every object of packs written by real
// git (deltas of both kinds, several packs) must read back exactly as `git cat-file` prints
// it, and damaged packs must give "absent" (the caller then asks libgit2), never a crash.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "git/pack_reader.h"
#include "test_support.h"

using ksa::git::PackReader;
using ksa::test::GitRepo;
namespace fs = std::filesystem;

namespace {

bool to_raw(const std::string& hex, ksa::git::ObjectId& raw) {
    auto parsed = ksa::git::parse_object_id(hex);
    if (!parsed) return false;
    raw = *parsed;
    return true;
}

int type_code(const std::string& name) {
    if (name == "commit") return 1;
    if (name == "tree") return 2;
    if (name == "blob") return 3;
    if (name == "tag") return 4;
    return 0;
}

// A history whose packs hold deltas: one file grown and edited over many commits.
void make_history(const GitRepo& repo, int commits) {
    std::string text;
    for (int line = 0; line < 200; ++line)
        text += "line " + std::to_string(line) + " of a file that deltas well\n";
    for (int i = 0; i < commits; ++i) {
        text.replace(text.find("line " + std::to_string(i % 200) + " "), 5, "LINE ");
        repo.write("engines/m" + std::to_string(i % 7) + "/koder.toml", "version = \"" + std::to_string(i) + "\"\n");
        repo.write("big/file.txt", text + std::to_string(i) + "\n");
        repo.git("add -A");
        repo.git("commit -q -m c" + std::to_string(i));
    }
    repo.git("tag -f -a v" + std::to_string(commits) + " -m release HEAD~1"); // an annotated tag object too
}

// Every object the repository holds: id -> type.
std::map<std::string, std::string> all_objects(const GitRepo& repo) {
    std::map<std::string, std::string> objects;
    std::istringstream lines(repo.git("cat-file --batch-all-objects --batch-check='%(objectname) %(objecttype)'"));
    std::string id;
    std::string type;
    while (lines >> id >> type)
        objects[id] = type;
    return objects;
}

// Packs read mapped (0) and every pack read with pread() (1 byte: any pack is above it).
constexpr std::uint64_t read_modes[] = {0, 1};

void require_all_objects_match(const GitRepo& repo, std::size_t minimum) {
    for (const std::uint64_t stream_above : read_modes) {
        INFO("stream_above_bytes " << stream_above);
        PackReader reader({(repo.git_dir() / "objects").string()}, 96U << 20, PackReader::default_trim_bytes,
                          stream_above);
        REQUIRE_FALSE(reader.empty());
        CHECK(reader.streamed_pack_count() == (stream_above != 0 ? reader.pack_count() : 0));
        const auto objects = all_objects(repo);
        REQUIRE(objects.size() >= minimum);
        for (const auto& [id, type] : objects) {
            ksa::git::ObjectId raw{};
            REQUIRE(to_raw(id, raw));
            const auto object = reader.read(raw);
            INFO("object " << id << " (" << type << ")");
            REQUIRE(object != nullptr);
            CHECK(static_cast<int>(object->type) == type_code(type));
            CHECK(object->data == repo.git("cat-file " + type + " " + id));
            // The header alone (entry headers and the first bytes of each delta) agrees.
            const auto header = reader.header(raw);
            REQUIRE(header.has_value());
            CHECK(static_cast<int>(header->type) == type_code(type));
            CHECK(header->size == object->data.size());
        }
    }
}

} // namespace

TEST_CASE("pack reader: every object of an aggressively deltified pack reads back as git prints it", "[pack]") {
    GitRepo repo;
    make_history(repo, 40);
    // OFS_DELTA chains (deep, small window) in one pack.
    repo.git("repack -adq --depth=60 --window=50");
    require_all_objects_match(repo, 100);
}

TEST_CASE("pack reader: REF_DELTA entries and several packs", "[pack]") {
    GitRepo repo;
    make_history(repo, 12);
    // Without delta-base-offset, git writes REF_DELTA entries.
    repo.git("-c repack.useDeltaBaseOffset=false repack -adq --depth=20");
    make_history(repo, 6);
    repo.git("repack -dq"); // a second pack with the new objects only
    std::size_t packs = 0;
    for (const auto& entry : fs::directory_iterator(repo.git_dir() / "objects" / "pack"))
        if (entry.path().extension() == ".pack") ++packs;
    REQUIRE(packs >= 2);
    require_all_objects_match(repo, 40);
}

TEST_CASE("pack reader: objects larger than a read, whole and as deltas, read back the same streamed", "[pack]") {
    GitRepo repo;
    // Incompressible bytes: the zlib stream is as long as the object, so a streamed read takes
    // several 64 KiB pieces; the edited copy is stored as a delta of it (or it of the copy).
    std::string noise;
    std::uint32_t state = 12345;
    for (std::size_t i = 0; i < 300000; ++i) {
        state = state * 1103515245U + 12345U;
        noise += static_cast<char>(state >> 24);
    }
    repo.write("assets/noise.bin", noise);
    repo.git("add -A");
    repo.git("commit -q -m noise");
    noise.replace(150000, 10, "0123456789");
    repo.write("assets/noise.bin", noise);
    repo.git("add -A");
    repo.git("commit -q -m edited");
    repo.git("repack -adq --depth=10");
    require_all_objects_match(repo, 6);
}

TEST_CASE("pack reader: objects that are not packed are absent, not an error", "[pack]") {
    GitRepo repo;
    make_history(repo, 3); // loose objects only
    PackReader reader({(repo.git_dir() / "objects").string()}, 96U << 20);
    CHECK(reader.empty());
    ksa::git::ObjectId raw{};
    REQUIRE(to_raw(repo.git("rev-parse HEAD").substr(0, 40), raw));
    CHECK(reader.read(raw) == nullptr);
}

TEST_CASE("pack reader: a damaged pack yields absent objects, never a crash", "[pack]") {
    GitRepo repo;
    make_history(repo, 20);
    repo.git("repack -adq --depth=30");
    const auto objects = all_objects(repo);
    fs::path pack;
    for (const auto& entry : fs::directory_iterator(repo.git_dir() / "objects" / "pack"))
        if (entry.path().extension() == ".pack") pack = entry.path();
    REQUIRE(!pack.empty());
    const std::string original = ksa::test::read_file(pack);
    // Overwrite stretches of the pack (headers, zlib data, delta instructions) with garbage, or
    // cut it short (at == 0: the last third gone, streams end early); mapped and streamed.
    for (const std::uint64_t stream_above : read_modes)
        for (std::size_t at :
             {std::size_t{12}, original.size() / 3, original.size() / 2, original.size() - 40, std::size_t{0}}) {
            INFO("stream_above_bytes " << stream_above);
            std::string damaged = at == 0 ? original.substr(0, original.size() * 2 / 3) : original;
            for (std::size_t i = at; at != 0 && i < at + 24 && i < damaged.size(); ++i)
                damaged[i] = static_cast<char>(0xA5 ^ i);
            fs::permissions(pack, fs::perms::owner_write, fs::perm_options::add);
            {
                std::ofstream out(pack, std::ios::binary | std::ios::trunc);
                out.write(damaged.data(), static_cast<std::streamsize>(damaged.size()));
            }
            PackReader reader({(repo.git_dir() / "objects").string()}, 96U << 20, PackReader::default_trim_bytes,
                              stream_above);
            std::size_t read = 0;
            for (const auto& [id, type] : objects) {
                ksa::git::ObjectId raw{};
                REQUIRE(to_raw(id, raw));
                const auto object = reader.read(raw);
                // Whatever comes back must at least be internally consistent (zlib checks its data).
                if (object != nullptr) {
                    ++read;
                    CHECK(static_cast<int>(object->type) >= 1);
                    CHECK(static_cast<int>(object->type) <= 4);
                }
            }
            INFO("damage at " << at << ": " << read << " of " << objects.size() << " objects still read");
            CHECK(read <= objects.size());
        }
}

TEST_CASE("pack reader: a truncated index or a missing pack makes the pack unused", "[pack]") {
    GitRepo repo;
    make_history(repo, 5);
    repo.git("repack -adq");
    fs::path index;
    for (const auto& entry : fs::directory_iterator(repo.git_dir() / "objects" / "pack"))
        if (entry.path().extension() == ".idx") index = entry.path();
    REQUIRE(!index.empty());
    const std::string original = ksa::test::read_file(index);
    fs::permissions(index, fs::perms::owner_write, fs::perm_options::add);
    {
        std::ofstream out(index, std::ios::binary | std::ios::trunc);
        out.write(original.data(), 600);
    }
    PackReader reader({(repo.git_dir() / "objects").string()}, 96U << 20);
    CHECK(reader.empty());
}
