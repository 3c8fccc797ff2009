// The streaming index reader (git/index_file.h): index files written by real git (versions 2,
// 3 and 4, cache-tree, split and sparse indexes) compared with `git ls-files -s`, and corrupt
// files, which must fail quickly instead of crashing or hanging.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "git/index_file.h"
#include "test_support.h"

using ksa::git::CacheTreeNode;
using ksa::git::IndexEntry;
using ksa::git::IndexSnapshot;
using ksa::git::KeepPath;
using ksa::git::ObjectId;
using ksa::git::read_index_file;
using ksa::test::GitRepo;
using ksa::test::TempDir;
namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------------------------------------
// Real git

bool ends_with_koder_toml(std::string_view path) { return path.ends_with("koder.toml"); }
bool keep_everything(std::string_view) { return true; }

std::string hex(const ObjectId& id) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char byte : id) {
        out += digits[byte >> 4];
        out += digits[byte & 0xF];
    }
    return out;
}

// A small tree: manifests at several depths, other files, a folder named like a manifest.
void populate(const GitRepo& repo) {
    repo.write("koder.toml", "root\n");
    repo.write("x.koder.toml", "kept too\n");
    repo.write("README.md", "readme\n");
    repo.write("a/b/koder.toml", "ab\n");
    repo.write("a/b/notes.txt", "notes\n");
    repo.write("a/self-hosted/koder_asm.toml", "fragment\n");
    repo.write("c/koder.toml", "c\n");
    repo.write("c/deep/er/koder.toml", "deeper\n");
    repo.write("d/koder.toml", "d\n");
    repo.write("docs/guide.md", "guide\n");
    repo.write("weird/koder.toml/inner.txt", "a folder named like a manifest\n");
    // Long names with a shared prefix exercise v4 path compression.
    for (int i = 0; i < 5; ++i)
        repo.write("engines/a-rather-long-engine-name-" + std::to_string(i) + "/koder.toml", std::to_string(i) + "\n");
}

struct Listed {
    std::string mode; // octal, as git prints it
    std::string id;
    int stage = 0;
};

// `git ls-files -s` (with `extra` options) as path -> entry.
std::map<std::string, Listed> ls_files(const GitRepo& repo, const std::string& extra = "") {
    const std::string output = repo.git("ls-files -s -z " + extra);
    std::map<std::string, Listed> listed;
    std::size_t at = 0;
    while (at < output.size()) {
        const auto end = output.find('\0', at);
        REQUIRE(end != std::string::npos);
        const std::string record = output.substr(at, end - at);
        at = end + 1;
        const auto tab = record.find('\t');
        REQUIRE(tab != std::string::npos);
        Listed entry;
        entry.mode = record.substr(0, 6);
        entry.id = record.substr(7, 40);
        entry.stage = std::stoi(record.substr(48, tab - 48));
        listed[record.substr(tab + 1)] = entry;
    }
    return listed;
}

std::string octal(std::uint32_t mode) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%06o", mode);
    return buffer;
}

// The snapshot's entries as path -> entry, in the same shape as ls_files().
std::map<std::string, Listed> as_listed(const std::vector<IndexEntry>& entries) {
    std::map<std::string, Listed> out;
    for (const IndexEntry& entry : entries)
        out[entry.path] = Listed{octal(entry.mode), hex(entry.id), 0};
    return out;
}

// What `git ls-files -s` says the reader should keep: stage 0, `keep`, not in `excluded`.
std::map<std::string, Listed> expected_entries(const std::map<std::string, Listed>& listed, const KeepPath& keep,
                                               const std::vector<std::string>& excluded = {}) {
    std::map<std::string, Listed> out;
    for (const auto& [path, entry] : listed) {
        if (entry.stage != 0 || entry.mode == "040000" || !keep(path)) continue;
        if (std::find(excluded.begin(), excluded.end(), path) != excluded.end()) continue;
        out[path] = entry;
    }
    return out;
}

std::string describe(const std::map<std::string, Listed>& entries) {
    std::string out;
    for (const auto& [path, entry] : entries)
        out += entry.mode + " " + entry.id + " " + path + "\n";
    return out;
}

void require_same(const std::map<std::string, Listed>& actual, const std::map<std::string, Listed>& expected) {
    INFO("read:\n" << describe(actual) << "git ls-files:\n" << describe(expected));
    REQUIRE(actual.size() == expected.size());
    for (const auto& [path, entry] : expected) {
        INFO(path);
        const auto found = actual.find(path);
        REQUIRE(found != actual.end());
        CHECK(found->second.mode == entry.mode);
        CHECK(found->second.id == entry.id);
    }
}

IndexSnapshot read_ok(const std::string& path, const KeepPath& keep, const std::vector<std::string>& dirs = {}) {
    auto result = read_index_file(path, keep, dirs);
    if (!result.ok()) FAIL("read_index_file(" << path << ") failed: " << result.failure().message);
    return std::move(result).value();
}

// Reads the index with `keep` and compares with ls-files; entries must be in path order.
IndexSnapshot check_against_git(const GitRepo& repo, const KeepPath& keep,
                                const std::vector<std::string>& excluded = {}) {
    IndexSnapshot snapshot = read_ok(repo.index(), keep, {repo.git_dir().string()});
    CHECK(std::is_sorted(snapshot.entries.begin(), snapshot.entries.end(),
                         [](const IndexEntry& a, const IndexEntry& b) { return a.path < b.path; }));
    require_same(as_listed(snapshot.entries), expected_entries(ls_files(repo), keep, excluded));
    return snapshot;
}

std::uint32_t index_version(const std::string& path) {
    const std::string bytes = ksa::test::read_file(path);
    REQUIRE(bytes.size() >= 12);
    REQUIRE(bytes.compare(0, 4, "DIRC") == 0);
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    return (std::uint32_t{p[4]} << 24) | (std::uint32_t{p[5]} << 16) | (std::uint32_t{p[6]} << 8) | p[7];
}

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    return text;
}

// ---------------------------------------------------------------------------------------------
// Hand-made index files

void put32(std::string& out, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out += static_cast<char>((value >> shift) & 0xFF);
}
void put16(std::string& out, std::uint16_t value) {
    out += static_cast<char>(value >> 8);
    out += static_cast<char>(value & 0xFF);
}
void put64(std::string& out, std::uint64_t value) {
    put32(out, static_cast<std::uint32_t>(value >> 32));
    put32(out, static_cast<std::uint32_t>(value));
}

std::string header(std::uint32_t version, std::uint32_t count) {
    std::string out = "DIRC";
    put32(out, version);
    put32(out, count);
    return out;
}

// The fixed part of an entry (stat data, mode, id, flags) without the path.
std::string entry_fixed(std::uint32_t mode, unsigned char id_byte, std::uint16_t flags) {
    std::string out;
    for (int i = 0; i < 6; ++i)
        put32(out, 0); // ctime, mtime, dev, ino
    put32(out, mode);
    for (int i = 0; i < 3; ++i)
        put32(out, 0); // uid, gid, size
    out.append(20, static_cast<char>(id_byte));
    put16(out, flags);
    return out;
}

// A v2 entry: fixed part, path, 1-8 NULs of padding.
std::string entry_v2(const std::string& path, unsigned char id_byte = 0x11, std::uint32_t mode = 0100644) {
    std::string out = entry_fixed(mode, id_byte, static_cast<std::uint16_t>(std::min<std::size_t>(path.size(), 0xFFF)));
    out += path;
    const std::size_t size = (62 + path.size() + 8) & ~std::size_t{7};
    out.append(size - 62 - path.size(), '\0');
    return out;
}

std::string extension(const std::string& signature, const std::string& body) {
    std::string out = signature;
    put32(out, static_cast<std::uint32_t>(body.size()));
    return out + body;
}

const std::string checksum(20, '\x5a');

// A valid v2 index of two entries, with optional extensions.
std::string small_index(const std::string& extensions = "") {
    return header(2, 2) + entry_v2("a/koder.toml", 0x11) + entry_v2("b.txt", 0x22) + extensions + checksum;
}

// An EWAH bitmap (git's ewah/ewah_io.c layout) made of the given 64-bit words.
std::string ewah(const std::vector<std::uint64_t>& words, std::uint32_t bits = 0) {
    std::string out;
    put32(out, bits);
    put32(out, static_cast<std::uint32_t>(words.size()));
    for (std::uint64_t word : words)
        put64(out, word);
    put32(out, 0); // position of the last run-length word
    return out;
}
// A marker word: `run` words of `run_bit`, then `literals` literal words.
std::uint64_t marker(bool run_bit, std::uint64_t run, std::uint64_t literals) {
    return (run_bit ? 1u : 0u) | (run << 1) | (literals << 33);
}
const std::string empty_ewah = ewah({marker(false, 0, 0)});

std::string write_bytes(const TempDir& dir, const std::string& name, const std::string& bytes) {
    return dir.write(name, bytes).string();
}

// Reads `bytes` as an index; requires a Failure, in well under a second.
std::string failure_of(const TempDir& dir, const std::string& bytes, const std::vector<std::string>& shared = {}) {
    static int counter = 0;
    const std::string path = write_bytes(dir, "corrupt-" + std::to_string(counter++), bytes);
    const auto start = std::chrono::steady_clock::now();
    auto result = read_index_file(path, keep_everything, shared);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    CHECK(elapsed.count() < 0.25);
    if (result.ok()) {
        FAIL_CHECK("a corrupt index was read: " << result->total_entries << " entries, " << result->entries.size()
                                                << " kept");
        return {};
    }
    return result.failure().message;
}

// How a call ended when run in a child process with limited memory.
enum class ChildOutcome { ok, failure, bad_alloc, other_exception, crashed, timed_out, skipped };

const char* name_of(ChildOutcome outcome) {
    switch (outcome) {
    case ChildOutcome::ok: return "ok";
    case ChildOutcome::failure: return "Failure";
    case ChildOutcome::bad_alloc: return "std::bad_alloc";
    case ChildOutcome::other_exception: return "another exception";
    case ChildOutcome::crashed: return "crashed";
    case ChildOutcome::timed_out: return "timed out";
    case ChildOutcome::skipped: return "skipped";
    }
    return "?";
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool address_sanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool address_sanitizer = true;
#else
constexpr bool address_sanitizer = false;
#endif
#else
constexpr bool address_sanitizer = false;
#endif

// Reads `path` in a child process whose address space may grow by at most 512 MiB, so a
// reader that trusts a size field cannot take the machine's memory; killed after 10 s.
ChildOutcome read_in_limited_child(const std::string& path) {
    if (address_sanitizer) return ChildOutcome::skipped; // ASan needs its huge shadow mappings
    std::fflush(nullptr);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        long pages = 0;
        if (FILE* statm = std::fopen("/proc/self/statm", "r")) {
            if (std::fscanf(statm, "%ld", &pages) != 1) pages = 0;
            std::fclose(statm);
        }
        const rlim_t used = static_cast<rlim_t>(pages) * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE));
        const rlimit limit{used + (rlim_t{512} << 20), used + (rlim_t{512} << 20)};
        if (pages == 0 || ::setrlimit(RLIMIT_AS, &limit) != 0) ::_exit(40);
        try {
            auto result = read_index_file(path, keep_everything, {});
            ::_exit(result.ok() ? 10 : 11);
        } catch (const std::bad_alloc&) {
            ::_exit(12);
        } catch (...) {
            ::_exit(13);
        }
    }
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
        const pid_t done = ::waitpid(child, &status, WNOHANG);
        if (done < 0) FAIL("waitpid failed");
        if (done == child) break;
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(child, SIGKILL);
            ::waitpid(child, &status, 0);
            return ChildOutcome::timed_out;
        }
        ::usleep(2000);
    }
    if (!WIFEXITED(status)) return ChildOutcome::crashed;
    switch (WEXITSTATUS(status)) {
    case 10: return ChildOutcome::ok;
    case 11: return ChildOutcome::failure;
    case 12: return ChildOutcome::bad_alloc;
    case 13: return ChildOutcome::other_exception;
    case 40: return ChildOutcome::skipped;
    default: return ChildOutcome::crashed;
    }
}

} // namespace

// =============================================================================================
// Index files written by git

TEST_CASE("index file: a missing file is an empty index", "[git][index]") {
    TempDir dir;
    const IndexSnapshot snapshot = read_ok((dir.path() / "no-such-index").string(), keep_everything);
    CHECK(snapshot.entries.empty());
    CHECK(snapshot.manifest_folders.empty());
    CHECK(snapshot.sparse_directories.empty());
    CHECK(snapshot.cache_tree.empty());
    CHECK(snapshot.total_entries == 0);
}

TEST_CASE("index file: version 2 from git add, compared with git ls-files", "[git][index]") {
    GitRepo repo;
    populate(repo);
    repo.git("add .");
    REQUIRE(index_version(repo.index()) == 2);

    const IndexSnapshot kept = check_against_git(repo, ends_with_koder_toml);
    CHECK(kept.entries.size() == 11);
    CHECK(kept.total_entries == ls_files(repo).size());
    CHECK(kept.manifest_folders == std::vector<std::string>{"weird/koder.toml"});
    CHECK(kept.sparse_directories.empty());

    const IndexSnapshot all = check_against_git(repo, keep_everything);
    CHECK(all.entries.size() == all.total_entries);

    // Modes: an executable manifest and a symbolic link named like one.
    repo.write("exec/koder.toml", "x\n");
    repo.git("add exec/koder.toml");
    repo.git("update-index --chmod=+x exec/koder.toml");
    fs::create_symlink("../koder.toml", repo.work() / "a" / "koder.toml");
    repo.git("add a/koder.toml");
    const IndexSnapshot modes = check_against_git(repo, ends_with_koder_toml);
    const auto listed = as_listed(modes.entries);
    CHECK(listed.at("exec/koder.toml").mode == "100755");
    CHECK(listed.at("a/koder.toml").mode == "120000");
}

TEST_CASE("index file: version 3 with intent-to-add entries, which are left out", "[git][index]") {
    GitRepo repo;
    populate(repo);
    repo.git("add .");
    repo.git("commit -q -m base");
    repo.write("n/koder.toml", "new\n");
    repo.write("n/other.txt", "other\n");
    repo.write("a/b/koder.toml", "changed but only intended\n");
    repo.git("add -N n/koder.toml n/other.txt");
    REQUIRE(index_version(repo.index()) == 3);

    const auto listed = ls_files(repo);
    REQUIRE(listed.count("n/koder.toml") == 1); // git lists the placeholder (empty blob)
    const IndexSnapshot kept = check_against_git(repo, ends_with_koder_toml, {"n/koder.toml"});
    CHECK(as_listed(kept.entries).count("n/koder.toml") == 0);
    CHECK(kept.total_entries == listed.size());
    check_against_git(repo, keep_everything, {"n/koder.toml", "n/other.txt"});

    // Once really added, the entry is returned.
    repo.git("add n/koder.toml");
    const IndexSnapshot added = check_against_git(repo, ends_with_koder_toml);
    CHECK(as_listed(added.entries).count("n/koder.toml") == 1);
}

TEST_CASE("index file: version 4 (path compression)", "[git][index]") {
    GitRepo repo;
    populate(repo);
    repo.git("add .");
    repo.git("commit -q -m base");
    repo.git("update-index --index-version 4");
    REQUIRE(index_version(repo.index()) == 4);
    check_against_git(repo, ends_with_koder_toml);
    const IndexSnapshot all = check_against_git(repo, keep_everything);
    CHECK(all.entries.size() == all.total_entries);

    // Still version 4 after a change, with an intent-to-add entry (extended flags in v4).
    repo.write("engines/a-rather-long-engine-name-2/koder.toml", "changed\n");
    repo.write("engines/a-rather-long-engine-name-25/koder.toml", "new\n");
    repo.write("engines/a-rather-long-engine-name-3/z/koder.toml", "intent\n");
    repo.git("add engines/a-rather-long-engine-name-2 engines/a-rather-long-engine-name-25");
    repo.git("add -N engines/a-rather-long-engine-name-3/z/koder.toml");
    REQUIRE(index_version(repo.index()) == 4);
    const IndexSnapshot changed =
        check_against_git(repo, ends_with_koder_toml, {"engines/a-rather-long-engine-name-3/z/koder.toml"});
    CHECK(changed.manifest_folders == std::vector<std::string>{"weird/koder.toml"});
}

TEST_CASE("index file: the cache-tree extension", "[git][index]") {
    GitRepo repo;
    populate(repo);
    repo.git("add .");
    const std::string root_tree = trimmed(repo.git("write-tree"));
    REQUIRE(root_tree.size() == 40);

    IndexSnapshot snapshot = check_against_git(repo, ends_with_koder_toml);
    REQUIRE_FALSE(snapshot.cache_tree.empty());
    const CacheTreeNode& root = snapshot.cache_tree[0];
    CHECK(root.name.empty());
    CHECK(root.valid);
    CHECK(hex(root.id) == root_tree);
    CHECK(root.end == snapshot.cache_tree.size());

    // Every folder of the tree has a valid node whose id is git's tree id for the folder.
    for (const std::string folder : {"a", "a/b", "a/self-hosted", "c", "c/deep", "c/deep/er", "d", "docs",
                                     "engines/a-rather-long-engine-name-3", "weird/koder.toml"}) {
        INFO(folder);
        std::uint32_t node = 0;
        std::string_view rest = folder;
        while (!rest.empty()) {
            const auto slash = rest.find('/');
            const auto child = snapshot.cache_tree_child(node, rest.substr(0, slash));
            REQUIRE(child.has_value());
            node = *child;
            rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
        }
        CHECK(snapshot.cache_tree[node].valid);
        CHECK(hex(snapshot.cache_tree[node].id) == trimmed(repo.git("rev-parse " + root_tree + ":" + folder)));
        CHECK(snapshot.cache_tree[node].end > node);
        CHECK(snapshot.cache_tree[node].end <= root.end);
    }
    CHECK_FALSE(snapshot.cache_tree_child(0, "no-such-folder").has_value());
    CHECK_FALSE(snapshot.cache_tree_child(0, "b").has_value()); // only direct children

    // The names point into the snapshot's own storage, which survives a move.
    IndexSnapshot moved = std::move(snapshot);
    CHECK(moved.cache_tree_child(0, "weird").has_value());

    // Staging a file invalidates the nodes on its path, and only those.
    repo.write("a/b/koder.toml", "changed\n");
    repo.git("add a/b/koder.toml");
    const IndexSnapshot after = check_against_git(repo, ends_with_koder_toml);
    REQUIRE_FALSE(after.cache_tree.empty());
    CHECK_FALSE(after.cache_tree[0].valid);
    const auto a = after.cache_tree_child(0, "a");
    REQUIRE(a.has_value());
    CHECK_FALSE(after.cache_tree[*a].valid);
    const auto ab = after.cache_tree_child(*a, "b");
    REQUIRE(ab.has_value());
    CHECK_FALSE(after.cache_tree[*ab].valid);
    const auto hosted = after.cache_tree_child(*a, "self-hosted");
    REQUIRE(hosted.has_value());
    CHECK(after.cache_tree[*hosted].valid);
    const auto c = after.cache_tree_child(0, "c");
    REQUIRE(c.has_value());
    CHECK(after.cache_tree[*c].valid);
    CHECK(hex(after.cache_tree[*c].id) == trimmed(repo.git("rev-parse " + root_tree + ":c")));
}

TEST_CASE("index file: a split index merged with its shared index", "[git][index]") {
    GitRepo repo;
    populate(repo);
    repo.write("d/gone.txt", "gone\n");
    repo.git("add .");
    repo.git("commit -q -m base");
    repo.git("config core.splitIndex true");
    repo.git("config splitIndex.maxPercentChange 100"); // keep changes in the split part
    repo.git("update-index --split-index");

    const auto shared_indexes = [&] {
        std::vector<std::string> shared;
        for (const auto& item : fs::directory_iterator(repo.git_dir()))
            if (item.path().filename().string().starts_with("sharedindex.")) shared.push_back(item.path().string());
        std::sort(shared.begin(), shared.end());
        return shared;
    };
    const std::vector<std::string> shared = shared_indexes();
    REQUIRE(shared.size() == 1);

    SECTION("everything in the shared index") {
        check_against_git(repo, ends_with_koder_toml);
        check_against_git(repo, keep_everything);
    }

    SECTION("replaced, deleted and added entries") {
        const std::string old_c = ls_files(repo).at("c/koder.toml").id;
        repo.write("c/koder.toml", "replaced\n");
        repo.write("n/koder.toml", "added\n");
        repo.write("zz/koder.toml", "added last\n");
        repo.git("add c/koder.toml n/koder.toml zz/koder.toml");
        repo.git("rm -q d/koder.toml d/gone.txt");
        // The change must live in the split part, not in a rewritten shared index.
        const std::string index_bytes = ksa::test::read_file(repo.index());
        REQUIRE(index_bytes.find("link") != std::string::npos);
        REQUIRE(shared_indexes() == shared);

        const auto listed = ls_files(repo);
        REQUIRE(listed.count("d/koder.toml") == 0);
        REQUIRE(listed.at("c/koder.toml").id != old_c);

        const IndexSnapshot kept = check_against_git(repo, ends_with_koder_toml);
        const auto entries = as_listed(kept.entries);
        CHECK(entries.count("d/koder.toml") == 0);
        CHECK(entries.at("c/koder.toml").id == listed.at("c/koder.toml").id);
        CHECK(entries.count("n/koder.toml") == 1);
        CHECK(entries.count("zz/koder.toml") == 1);
        CHECK(kept.manifest_folders == std::vector<std::string>{"weird/koder.toml"});
        check_against_git(repo, keep_everything);

        // The shared index is looked up in the folders given, in order.
        const std::string dir = repo.git_dir().string();
        TempDir elsewhere;
        CHECK(read_index_file(repo.index(), ends_with_koder_toml, {elsewhere.path().string(), dir + "/"}).ok());
        auto missing = read_index_file(repo.index(), ends_with_koder_toml, {elsewhere.path().string()});
        REQUIRE_FALSE(missing.ok());
        CHECK_THAT(missing.failure().message, Catch::Contains("sharedindex."));
        CHECK_FALSE(read_index_file(repo.index(), ends_with_koder_toml, {}).ok());
    }

    SECTION("version 4 split index") {
        repo.git("update-index --index-version 4");
        repo.write("c/koder.toml", "replaced in v4\n");
        repo.write("b/koder.toml", "added in v4\n");
        repo.git("add c/koder.toml b/koder.toml");
        REQUIRE(index_version(repo.index()) == 4);
        REQUIRE(ksa::test::read_file(repo.index()).find("link") != std::string::npos);
        check_against_git(repo, ends_with_koder_toml);
        check_against_git(repo, keep_everything);
    }
}

TEST_CASE("index file: a sparse index", "[git][index]") {
    GitRepo repo;
    populate(repo);
    repo.git("add .");
    repo.git("commit -q -m base");
    repo.git("sparse-checkout set --cone --sparse-index a");
    REQUIRE(ksa::test::read_file(repo.index()).find("sdir") != std::string::npos);

    const auto listed = ls_files(repo, "--sparse");
    REQUIRE(listed.count("c/") == 1); // the sparse folders are single tree entries
    const IndexSnapshot snapshot = read_ok(repo.index(), ends_with_koder_toml, {repo.git_dir().string()});
    require_same(as_listed(snapshot.entries), expected_entries(listed, ends_with_koder_toml));

    // In the cone: the root's files and a/; outside: c/, d/, docs/, engines/, weird/.
    const auto entries = as_listed(snapshot.entries);
    CHECK(entries.count("koder.toml") == 1);
    CHECK(entries.count("a/b/koder.toml") == 1);
    CHECK(entries.count("c/koder.toml") == 0);
    CHECK(entries.count("c/deep/er/koder.toml") == 0);

    REQUIRE_FALSE(snapshot.sparse_directories.empty());
    std::map<std::string, std::string> folders;
    for (const IndexEntry& folder : snapshot.sparse_directories) {
        CHECK(folder.mode == 040000);
        folders[folder.path] = hex(folder.id);
    }
    std::map<std::string, std::string> expected;
    for (const auto& [path, entry] : listed)
        if (entry.mode == "040000") expected[path.substr(0, path.size() - 1)] = entry.id;
    CHECK(folders == expected);
    CHECK(folders.count("c") == 1);
    CHECK(folders.at("c") == trimmed(repo.git("rev-parse HEAD:c")));
}

// =============================================================================================
// Hand-made files: valid ones first, to show the corrupt ones differ only in their defect

TEST_CASE("index file: hand-made valid files", "[git][index]") {
    TempDir dir;
    SECTION("two entries, no extension") {
        const IndexSnapshot snapshot = read_ok(write_bytes(dir, "index", small_index()), keep_everything);
        REQUIRE(snapshot.entries.size() == 2);
        CHECK(snapshot.entries[0].path == "a/koder.toml");
        CHECK(snapshot.entries[0].id[0] == 0x11);
        CHECK(snapshot.entries[1].path == "b.txt");
        CHECK(snapshot.entries[1].mode == 0100644);
    }
    SECTION("no entries") {
        const IndexSnapshot snapshot = read_ok(write_bytes(dir, "index", header(2, 0) + checksum), keep_everything);
        CHECK(snapshot.entries.empty());
    }
    SECTION("an optional (upper-case) extension is skipped") {
        CHECK(
            read_ok(write_bytes(dir, "index", small_index(extension("ZZZZ", std::string(100, '\0')))), keep_everything)
                .entries.size() == 2);
    }
    SECTION("a root-only cache-tree") {
        std::string body("\0"
                         "2 0\n",
                         5);
        body += std::string(20, '\x33');
        const IndexSnapshot snapshot =
            read_ok(write_bytes(dir, "index", small_index(extension("TREE", body))), keep_everything);
        REQUIRE(snapshot.cache_tree.size() == 1);
        CHECK(snapshot.cache_tree[0].valid);
        CHECK(snapshot.cache_tree[0].end == 1);
    }
    SECTION("a link extension with a zero id is not a split index") {
        CHECK(read_ok(write_bytes(dir, "index", small_index(extension("link", std::string(20, '\0')))), keep_everything)
                  .entries.size() == 2);
    }
    SECTION("a 4 KiB path") {
        const std::string path = std::string(4096, 'p') + "/koder.toml";
        const IndexSnapshot snapshot =
            read_ok(write_bytes(dir, "index", header(2, 1) + entry_v2(path) + checksum), keep_everything);
        REQUIRE(snapshot.entries.size() == 1);
        CHECK(snapshot.entries[0].path == path);
    }
}

TEST_CASE("index file: corrupt files fail quickly", "[git][index]") {
    TempDir dir;
    const std::string good = small_index();
    const std::string first_entry = entry_v2("a/koder.toml", 0x11);

    SECTION("not an index") {
        CHECK_THAT(failure_of(dir, ""), Catch::Contains("not a git index"));
        CHECK_THAT(failure_of(dir, "DIRC"), Catch::Contains("not a git index"));
        CHECK_THAT(failure_of(dir, std::string("DIRC\0\0\0\2", 8)), Catch::Contains("not a git index"));
        CHECK_THAT(failure_of(dir, "CRID" + good.substr(4)), Catch::Contains("not a git index"));
        CHECK_THAT(failure_of(dir, std::string(4096, 'x')), Catch::Contains("not a git index"));
    }
    SECTION("unsupported versions") {
        for (std::uint32_t version : {0u, 1u, 5u, 0xFFFFFFFFu}) {
            INFO(version);
            CHECK_THAT(failure_of(dir, header(version, 2) + good.substr(12)), Catch::Contains("version"));
        }
    }
    SECTION("truncated after the header") {
        CHECK_THAT(failure_of(dir, good.substr(0, 12)), Catch::Contains("truncated"));
        CHECK_THAT(failure_of(dir, header(2, 0xFFFFFFFF)), Catch::Contains("truncated"));
    }
    SECTION("truncated in the middle of an entry") {
        for (std::size_t cut : {std::size_t{13}, std::size_t{12 + 40}, std::size_t{12 + 63}, std::size_t{12 + 66},
                                std::size_t{12 + 62 + 12}, std::size_t{12 + 75}, 12 + first_entry.size() + 10}) {
            INFO("cut at " << cut);
            CHECK_THAT(failure_of(dir, good.substr(0, cut)), Catch::Contains("truncated"));
        }
    }
    SECTION("more entries announced than stored") {
        // No extension: the extra entry runs into the checksum.
        CHECK_THAT(failure_of(dir, header(2, 3) + good.substr(12)), Catch::Contains("corrupt index"));
        CHECK_THAT(failure_of(dir, header(2, 1000000) + good.substr(12)), Catch::Contains("corrupt index"));
        // A real index with a cache-tree: the extra entry runs into the extension.
        GitRepo repo;
        populate(repo);
        repo.git("add .");
        repo.git("write-tree");
        std::string bytes = ksa::test::read_file(repo.index());
        const std::uint32_t count = static_cast<std::uint32_t>(ls_files(repo).size());
        for (std::uint32_t extra : {1u, 2u, 100u}) {
            INFO("count + " << extra);
            std::string more = bytes;
            more.replace(8, 4, header(2, count + extra).substr(8));
            failure_of(dir, more);
        }
    }
    SECTION("a path without a NUL") {
        const std::string fixed = entry_fixed(0100644, 0x11, 0xFFF);
        CHECK_THAT(failure_of(dir, header(2, 1) + fixed + std::string(100 * 1024, 'a')),
                   Catch::Contains("no terminator"));
        CHECK_THAT(failure_of(dir, header(2, 1) + fixed + std::string(1000, 'a')), Catch::Contains("truncated"));
        CHECK_THAT(failure_of(dir, header(4, 1) + fixed + std::string(1, '\0') + std::string(100 * 1024, 'a')),
                   Catch::Contains("no terminator"));
    }
    SECTION("bad v4 strip counts") {
        const std::string fixed = entry_fixed(0100644, 0x11, 0);
        // The first entry cannot strip anything from the (empty) previous path.
        CHECK_THAT(failure_of(dir, header(4, 1) + fixed + "\x01" + std::string("abc\0", 4) + checksum),
                   Catch::Contains("path compression"));
        // The second strips more than the first has.
        CHECK_THAT(failure_of(dir, header(4, 2) + fixed + std::string("\0abc\0", 5) + fixed + "\x04" +
                                       std::string("d\0", 2) + checksum),
                   Catch::Contains("path compression"));
        // A varint that never ends, and one too large.
        CHECK_THAT(failure_of(dir, header(4, 1) + fixed + std::string(200, '\xff') + checksum),
                   Catch::Contains("path compression"));
        CHECK_THAT(failure_of(dir, header(4, 1) + fixed + "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f" +
                                       std::string("x\0", 2) + checksum),
                   Catch::Contains("path compression"));
        // A varint cut by the end of the file.
        CHECK_THAT(failure_of(dir, header(4, 1) + fixed + "\x80\x80"), Catch::Contains("truncated"));
    }
    SECTION("a cache-tree with garbage") {
        const std::string id(20, '\x33');
        const auto tree = [&](const std::string& body) { return small_index(extension("TREE", body)); };
        using namespace std::string_literals;
        CHECK_THAT(failure_of(dir, tree("\0abc def\n"s + id)), Catch::Contains("cache-tree"));
        CHECK_THAT(failure_of(dir, tree("\0"
                                        "1 x\n"s +
                                        id)),
                   Catch::Contains("cache-tree"));
        CHECK_THAT(failure_of(dir, tree("\0- 0\n"s)), Catch::Contains("cache-tree"));
        CHECK_THAT(failure_of(dir, tree("\0"
                                        "1 -1\n"s +
                                        id)),
                   Catch::Contains("cache-tree"));
        CHECK_THAT(failure_of(dir, tree("\0"
                                        "1234567890123 0\n"s +
                                        id)),
                   Catch::Contains("cache-tree"));
        CHECK_THAT(failure_of(dir, tree("\0"
                                        "2 0"s)),
                   Catch::Contains("cache-tree"));
        CHECK_THAT(failure_of(dir, tree("no terminator at all"s)), Catch::Contains("cache-tree"));
        CHECK_THAT(failure_of(dir, tree("\0"
                                        "2 0\n"s +
                                        id.substr(0, 19))),
                   Catch::Contains("cache-tree"));
        // Children announced but missing, and a second root.
        CHECK_THAT(failure_of(dir, tree("\0"
                                        "2 3\n"s +
                                        id)),
                   Catch::Contains("cache-tree"));
        CHECK_THAT(failure_of(dir, tree("\0"
                                        "2 999999999999\n"s +
                                        id)),
                   Catch::Contains("cache-tree"));
        CHECK_THAT(failure_of(dir, tree("\0"
                                        "-1 0\n"
                                        "\0"
                                        "-1 0\n"s)),
                   Catch::Contains("cache-tree"));
        // The extension's size (at the start of the extensions, after the signature) runs past
        // the end of the file.
        std::string past_end = tree("\0"
                                    "2 0\n"s +
                                    id);
        past_end.replace(good.size() - 20 + 4, 4, std::string("\0\x10\0\0", 4));
        CHECK_THAT(failure_of(dir, past_end), Catch::Contains("truncated"));
    }
    SECTION("extensions") {
        CHECK_THAT(failure_of(dir, small_index(extension("abcd", "whatever"))), Catch::Contains("'abcd'"));
        CHECK_THAT(failure_of(dir, small_index(extension("sdir", "") + extension("lnk!", ""))),
                   Catch::Contains("not supported"));
        // An optional extension whose size runs past the end.
        std::string optional = small_index(extension("ZZZZ", std::string(8, 'z')));
        optional.replace(good.size() - 20 + 4, 4, std::string("\0\x10\0\0", 4));
        CHECK_THAT(failure_of(dir, optional), Catch::Contains("truncated"));
    }
    SECTION("link extensions") {
        const std::string base_id(20, '\x42');
        // A split index whose shared index is nowhere.
        CHECK_THAT(
            failure_of(dir, small_index(extension("link", base_id + empty_ewah + empty_ewah)), {dir.path().string()}),
            Catch::Contains("sharedindex.4242424242424242424242424242424242424242") && Catch::Contains("missing"));
        CHECK_THAT(failure_of(dir, small_index(extension("link", base_id))), Catch::Contains("missing"));
        CHECK_THAT(failure_of(dir, small_index(extension("link", base_id.substr(0, 19)))), Catch::Contains("link"));
        CHECK_THAT(failure_of(dir, small_index(extension("link", base_id + empty_ewah))), Catch::Contains("bitmap"));
        CHECK_THAT(failure_of(dir, small_index(extension("link", base_id + empty_ewah + empty_ewah + "x"))),
                   Catch::Contains("garbage"));
        CHECK_THAT(failure_of(dir, small_index(extension("link", base_id + empty_ewah.substr(0, 10)))),
                   Catch::Contains("bitmap"));
        // A bitmap whose literal words run past its end.
        CHECK_THAT(failure_of(dir, small_index(extension("link", base_id + ewah({marker(false, 0, 5)}) + empty_ewah))),
                   Catch::Contains("bitmap"));
        // A single run of a billion set bits.
        CHECK_THAT(
            failure_of(dir, small_index(extension("link", base_id + ewah({marker(true, std::uint64_t{1} << 24, 0)}) +
                                                              empty_ewah))),
            Catch::Contains("bitmap"));
        // Three replacements for a split index of two entries.
        const std::string replaced = ewah({marker(false, 0, 1), 0b111});
        CHECK_THAT(failure_of(dir, small_index(extension("link", base_id + empty_ewah + replaced))),
                   Catch::Contains("replacements"));
    }
    SECTION("a directory instead of a file") {
        const auto start = std::chrono::steady_clock::now();
        auto result = read_index_file(dir.path().string(), keep_everything, {});
        CHECK_FALSE(result.ok());
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(250));
    }
}

// Size fields are read from the file: a few bytes must not make the reader allocate gigabytes.
// ByteStream::ensure() grows its buffer to the requested size before reading, so a TREE or
// link extension that claims 4 GiB allocates (and zero-fills) 4 GiB; and read_ewah() expands
// run-length words into one vector entry per set bit, so a 600-byte link extension makes
// 2^32 entries (16 GiB).
TEST_CASE("index file: huge size fields do not exhaust memory", "[git][index]") {
    TempDir dir;
    const std::string base_id(20, '\x42');

    SECTION("a TREE extension claiming 4 GiB") {
        std::string bytes = small_index(extension("TREE", std::string("\0"
                                                                      "2 0\n",
                                                                      5) +
                                                              std::string(20, '\x33')));
        bytes.replace(bytes.size() - 20 - 25 - 4, 4, std::string("\xff\xff\xff\x00", 4));
        const auto outcome = read_in_limited_child(write_bytes(dir, "tree-4g", bytes));
        INFO("outcome: " << name_of(outcome));
        CHECK((outcome == ChildOutcome::failure || outcome == ChildOutcome::skipped));
    }
    SECTION("a link extension claiming 4 GiB") {
        std::string bytes = small_index(extension("link", base_id));
        bytes.replace(bytes.size() - 20 - 20 - 4, 4, std::string("\xff\xff\xff\x00", 4));
        const auto outcome = read_in_limited_child(write_bytes(dir, "link-4g", bytes));
        INFO("outcome: " << name_of(outcome));
        CHECK((outcome == ChildOutcome::failure || outcome == ChildOutcome::skipped));
    }
    SECTION("a deletion bitmap of 64 maximal runs (2^32 set bits)") {
        const std::vector<std::uint64_t> runs(64, marker(true, std::uint64_t{1} << 20, 0));
        const std::string bytes = small_index(extension("link", base_id + ewah(runs) + empty_ewah));
        const auto outcome = read_in_limited_child(write_bytes(dir, "ewah-bomb", bytes));
        INFO("outcome: " << name_of(outcome));
        CHECK((outcome == ChildOutcome::failure || outcome == ChildOutcome::skipped));
    }
}

// An index cut at the boundary between its entries and its extensions, or inside its trailing
// checksum, is read as complete: after the last extension the reader accepts any 0-27 bytes
// instead of requiring exactly the 20 bytes of the checksum.
TEST_CASE("index file: a file cut after its entries or inside its checksum is rejected", "[git][index]") {
    TempDir dir;
    const std::string good = small_index();
    failure_of(dir, good.substr(0, good.size() - 20)); // no checksum at all
    failure_of(dir, good.substr(0, good.size() - 7));  // part of it
    // A cache-tree cut in its header: 8 + 10 bytes are left, fewer than an extension header + checksum.
    const std::string with_tree = small_index(extension("TREE", std::string("\0"
                                                                            "2 0\n",
                                                                            5) +
                                                                    std::string(20, '\x33')));
    failure_of(dir, with_tree.substr(0, good.size() - 20 + 18));
}
