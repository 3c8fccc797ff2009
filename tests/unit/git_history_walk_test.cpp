// The history walk's parts of the git layer: the differ's memo of trees (git/tree_memo.h),
// HistoryReader::chain_changes (oldest first, the memo, slices on threads) against git's own
// diff-tree, pack index lookups on ids that are not uniform, and pack files mapped once per
// process however many readers open them.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "git/history_reader.h"
#include "git/pack_reader.h"
#include "git/repository.h"
#include "git/tree_memo.h"
#include "manifest/paths.h"
#include "test_support.h"

using ksa::git::ObjectData;
using ksa::git::ObjectId;
using ksa::git::PackReader;
using ksa::git::RawObject;
using ksa::git::TreeMemo;
using ksa::test::GitRepo;
namespace fs = std::filesystem;

namespace {

// An id whose home slot in the memo is `home` (its hash is the first 8 bytes) and whose last
// byte is `tail`.
ObjectId id_of(std::uint8_t home, std::uint8_t tail) {
    ObjectId id{};
    id[0] = home;
    id[19] = tail;
    return id;
}

ObjectData object_of(const std::string& text) {
    auto object = std::make_shared<RawObject>();
    object->data = text;
    return object;
}

class GitDirScope {
  public:
    explicit GitDirScope(const GitRepo& repo) { ::setenv("GIT_DIR", repo.git_dir().c_str(), 1); }
    ~GitDirScope() { ::unsetenv("GIT_DIR"); }
    GitDirScope(const GitDirScope&) = delete;
    GitDirScope& operator=(const GitDirScope&) = delete;
};

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    return text;
}

// How many times /proc/self/maps maps `path`.
std::size_t mappings_of(const fs::path& path) {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    std::size_t count = 0;
    const std::string name = fs::canonical(path).string();
    while (std::getline(maps, line))
        if (line.size() >= name.size() && line.compare(line.size() - name.size(), name.size(), name) == 0) ++count;
    return count;
}

fs::path first_with_extension(const fs::path& dir, const std::string& extension) {
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().extension() == extension) return entry.path();
    return {};
}

} // namespace

TEST_CASE("tree memo: finds what was put, forgets what was erased, across colliding homes", "[git][memo]") {
    TreeMemo memo(1000);
    CHECK(memo.find(id_of(1, 1)) == nullptr);
    // Five ids with one home: a run of five slots; erasing from its middle keeps the rest found.
    for (std::uint8_t tail = 0; tail < 5; ++tail)
        memo.put(id_of(7, tail), object_of("t" + std::to_string(tail)));
    memo.put(id_of(8, 0), object_of("next home"));
    REQUIRE(memo.size() == 6);
    memo.erase(id_of(7, 1));
    memo.erase(id_of(7, 3));
    CHECK(memo.find(id_of(7, 1)) == nullptr);
    CHECK(memo.find(id_of(7, 3)) == nullptr);
    for (const int tail : {0, 2, 4}) {
        const ObjectData* found = memo.find(id_of(7, static_cast<std::uint8_t>(tail)));
        REQUIRE(found != nullptr);
        CHECK((*found)->data == "t" + std::to_string(tail));
    }
    REQUIRE(memo.find(id_of(8, 0)) != nullptr);
    CHECK((*memo.find(id_of(8, 0)))->data == "next home");
    memo.erase(id_of(9, 9)); // absent: nothing happens
    CHECK(memo.size() == 4);
    // Putting an id again keeps the first object.
    memo.put(id_of(7, 0), object_of("again"));
    CHECK((*memo.find(id_of(7, 0)))->data == "t0");
    CHECK(memo.size() == 4);
}

TEST_CASE("tree memo: agrees with a std::map through random puts and erases, growing as it goes", "[git][memo]") {
    TreeMemo memo(100000);
    std::map<ObjectId, std::string> model;
    std::mt19937 random(7);
    for (int step = 0; step < 20000; ++step) {
        // Few distinct homes, so runs are long and wrap around the table's end.
        const ObjectId id = id_of(static_cast<std::uint8_t>(random() % 64), static_cast<std::uint8_t>(random() % 200));
        if (random() % 3 == 0) {
            memo.erase(id);
            model.erase(id);
        } else if (!model.contains(id)) {
            const std::string text = std::to_string(step);
            memo.put(id, object_of(text));
            model[id] = text;
        }
    }
    CHECK(memo.size() == model.size());
    for (int home = 0; home < 64; ++home)
        for (int tail = 0; tail < 200; ++tail) {
            const ObjectId id = id_of(static_cast<std::uint8_t>(home), static_cast<std::uint8_t>(tail));
            const ObjectData* found = memo.find(id);
            const auto expected = model.find(id);
            REQUIRE((found != nullptr) == (expected != model.end()));
            if (found != nullptr) CHECK((*found)->data == expected->second);
        }
}

TEST_CASE("tree memo: a full memo starts over", "[git][memo]") {
    TreeMemo memo(600);
    for (int i = 0; i < 600; ++i)
        memo.put(id_of(static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i >> 8)), object_of("x"));
    CHECK(memo.size() == 600);
    memo.put(id_of(1, 200), object_of("after"));
    CHECK(memo.size() == 1);
    CHECK(memo.find(id_of(0, 0)) == nullptr);
    CHECK(memo.find(id_of(1, 200)) != nullptr);
}

TEST_CASE("history walk: chain_changes lists every manifest change git's diff-tree lists, on any number of threads",
          "[git][history]") {
    GitRepo repo;
    // 600 commits (more than two slices of 256): manifests added, edited, moved with their module,
    // deleted, replaced by a folder or a symlink; other files edited in between.
    std::mt19937 random(11);
    std::set<std::string> manifests;
    for (int commit = 0; commit < 600; ++commit) {
        const int module = static_cast<int>(random() % 40);
        const std::string dir = "engines/g" + std::to_string(module % 5) + "/m" + std::to_string(module);
        const int what = static_cast<int>(random() % 10);
        const fs::path manifest = repo.work() / dir / "koder.toml";
        if (what < 4) {
            // A folder or symlink there becomes a file again.
            if (fs::symlink_status(manifest).type() != fs::file_type::not_found &&
                !fs::is_regular_file(fs::symlink_status(manifest)))
                fs::remove_all(manifest);
            repo.write(dir + "/koder.toml", "version = \"" + std::to_string(commit) + "\"\n");
        } else if (what == 4) {
            repo.write(dir + "/self-hosted/koder_axis.toml", "v = " + std::to_string(commit) + "\n");
        } else if (what == 5 && fs::exists(repo.work() / dir)) {
            const std::string moved = "services/m" + std::to_string(module) + "-" + std::to_string(commit);
            fs::create_directories(repo.work() / "services");
            fs::rename(repo.work() / dir, repo.work() / moved);
        } else if (what == 6 && fs::is_regular_file(fs::symlink_status(manifest))) {
            fs::remove(manifest);
            if (commit % 3 == 0)
                repo.write(dir + "/koder.toml/inner.txt", "a folder now\n");
            else if (commit % 3 == 1)
                fs::create_symlink("elsewhere", repo.work() / dir / "koder.toml");
        } else {
            repo.write(dir + "/src/file" + std::to_string(random() % 4) + ".c", std::to_string(commit) + "\n");
        }
        repo.git("add -A");
        repo.git("-c user.name=T -c user.email=t@x commit -q --allow-empty -m c" + std::to_string(commit));
    }
    repo.git("repack -adq");
    std::vector<std::string> commits;
    std::istringstream lines(repo.git("rev-list --reverse --first-parent HEAD"));
    for (std::string line; std::getline(lines, line);)
        commits.push_back(line);
    REQUIRE(commits.size() == 600);
    std::vector<std::string> trees;
    for (const std::string& commit : commits)
        trees.push_back(trimmed(repo.git("rev-parse " + commit + "^{tree}")));
    // What git says: each commit's changes to manifest paths (a path whose new entry is not a
    // regular file counts as gone, as --history treats it).
    std::vector<std::map<std::string, std::string>> expected(commits.size());
    for (std::size_t i = 0; i < commits.size(); ++i) {
        std::istringstream diff(repo.git("diff-tree --root --no-commit-id -r --no-renames " + commits[i]));
        for (std::string line; std::getline(diff, line);) {
            // ":100644 100644 <old> <new> M\tpath"
            const std::size_t tab = line.find('\t');
            const std::string path = line.substr(tab + 1);
            if (!ksa::manifest::classify_path(path)) continue;
            std::istringstream fields(line.substr(1, tab - 1));
            std::string old_mode, new_mode, old_id, new_id, status;
            fields >> old_mode >> new_mode >> old_id >> new_id >> status;
            expected[i][path] = new_mode == "100644" || new_mode == "100755" ? new_id : "";
        }
    }
    GitDirScope scope(repo);
    auto repository = ksa::git::Repository::open_from_environment();
    REQUIRE(repository.ok());
    using Order = ksa::git::HistoryReader::Order;
    for (const auto& [threads, order] :
         {std::pair{1U, Order::automatic}, std::pair{2U, Order::automatic}, std::pair{3U, Order::automatic},
          std::pair{1U, Order::oldest_first}, std::pair{2U, Order::newest_first}, std::pair{2U, Order::oldest_first}}) {
        ksa::git::HistoryReader reader(*repository);
        auto changes = reader.chain_changes("", trees, threads, nullptr, order);
        REQUIRE(changes.ok());
        REQUIRE(changes->size() == trees.size());
        for (std::size_t i = 0; i < trees.size(); ++i) {
            std::map<std::string, std::string> got;
            // Where a file becomes a folder, git lists the file as deleted: "" as well.
            for (const auto& change : (*changes)[i])
                got[change.path] = change.blob;
            std::map<std::string, std::string> wanted;
            for (const auto& [path, blob] : expected[i])
                wanted[path] = blob;
            std::string shown;
            for (const auto* side : {&got, &wanted}) {
                shown += side == &got ? "got:" : " wanted:";
                for (const auto& [path, blob] : *side)
                    shown += " " + path + "=" + blob.substr(0, 8);
            }
            INFO("threads " << threads << ", order " << static_cast<int>(order) << ", commit " << i << ": " << shown);
            CHECK(got == wanted);
        }
    }
}

TEST_CASE("pack reader: ids far from uniform are all found, absent ones are not", "[pack]") {
    // An index written by hand: uniform ids, a cluster sharing their first 7 bytes, and ids whose
    // first 8 bytes grow exponentially (interpolation guesses far off for both).
    std::set<ObjectId> ids;
    std::mt19937_64 random(3);
    while (ids.size() < 1500) {
        ObjectId id{};
        for (auto& byte : id)
            byte = static_cast<unsigned char>(random());
        ids.insert(id);
    }
    for (int i = 0; i < 1500; ++i) {
        ObjectId id{};
        id[0] = 0x42;
        id[7] = static_cast<unsigned char>(i);
        id[8] = static_cast<unsigned char>(i >> 8);
        ids.insert(id);
    }
    for (int i = 0; i < 56; ++i) {
        ObjectId id{};
        id[0] = 0x43;
        const std::uint64_t key = std::uint64_t{1} << i;
        for (int b = 0; b < 7; ++b)
            id[7 - b] = static_cast<unsigned char>(key >> (8 * b));
        ids.insert(id);
    }
    const std::vector<ObjectId> sorted(ids.begin(), ids.end());
    std::string index("\377tOc\0\0\0\2", 8);
    const auto be32 = [](std::string& out, std::uint32_t value) {
        for (int shift = 24; shift >= 0; shift -= 8)
            out += static_cast<char>(value >> shift);
    };
    for (int byte = 0; byte < 256; ++byte)
        be32(index, static_cast<std::uint32_t>(std::count_if(sorted.begin(), sorted.end(),
                                                             [&](const ObjectId& id) { return id[0] <= byte; })));
    for (const ObjectId& id : sorted)
        index.append(reinterpret_cast<const char*>(id.data()), id.size());
    for (std::size_t i = 0; i < sorted.size(); ++i)
        be32(index, 0); // CRCs
    for (std::size_t i = 0; i < sorted.size(); ++i)
        be32(index, 12 + static_cast<std::uint32_t>(i)); // offsets
    index += std::string(40, '\0');                      // trailer
    std::string pack("PACK\0\0\0\2", 8);
    be32(pack, static_cast<std::uint32_t>(sorted.size()));
    pack += std::string(sorted.size() + 40, '\0');
    PackReader reader(pack, index, 1U << 20);
    REQUIRE_FALSE(reader.empty());
    for (const ObjectId& id : sorted)
        CHECK(reader.contains(id));
    for (ObjectId id : sorted) {
        id[19] ^= 0x80;
        if (!ids.contains(id)) CHECK_FALSE(reader.contains(id));
    }
}

TEST_CASE("pack reader: the readers of a process map each pack and index once", "[pack]") {
    GitRepo repo;
    repo.write("a.txt", "a\n");
    repo.git("add -A");
    repo.git("-c user.name=T -c user.email=t@x commit -q -m a");
    repo.git("repack -adq");
    const fs::path pack_dir = repo.git_dir() / "objects" / "pack";
    const fs::path index = first_with_extension(pack_dir, ".idx");
    const fs::path pack = first_with_extension(pack_dir, ".pack");
    REQUIRE(!index.empty());
    {
        PackReader first({(repo.git_dir() / "objects").string()}, 1U << 20);
        PackReader second({(repo.git_dir() / "objects").string()}, 1U << 20);
        PackReader third({(repo.git_dir() / "objects").string()}, 1U << 20);
        REQUIRE_FALSE(first.empty());
        REQUIRE_FALSE(third.empty());
        CHECK(mappings_of(index) == 1);
        CHECK(mappings_of(pack) == 1);
    }
    CHECK(mappings_of(index) == 0); // unmapped with the last reader
    CHECK(mappings_of(pack) == 0);
}

TEST_CASE("history walk: the walk goes the way the pack's deltas point", "[git][history]") {
    // git's own delta search stores older versions as deltas of newer ones: newest first.
    GitRepo repacked;
    std::string text;
    for (int line = 0; line < 100; ++line)
        text += "line " + std::to_string(line) + "\n";
    // Root trees big enough for git to store them as deltas.
    for (int file = 0; file < 12; ++file)
        repacked.write("top-level-file-" + std::to_string(file) + ".txt", "x\n");
    for (int commit = 0; commit < 40; ++commit) {
        repacked.write("a/b/koder.toml", "version = \"" + std::to_string(commit) + "\"\n");
        repacked.write("a/c/file" + std::to_string(commit % 3) + ".txt", text + std::to_string(commit));
        repacked.git("add -A");
        repacked.git("-c user.name=T -c user.email=t@x commit -q -m c" + std::to_string(commit));
    }
    // One thread: git's threaded delta search picks bases by timing, and the test needs its choice.
    repacked.git("-c pack.threads=1 repack -adfq");
    // git fast-import stores each version as a delta of the one before: oldest first.
    GitRepo imported;
    std::string stream;
    for (int commit = 0; commit < 40; ++commit) {
        const std::string manifest = "version = \"" + std::to_string(commit) + "\"\n";
        const std::string file = text + std::to_string(commit);
        stream += "commit refs/heads/main\ncommitter T <t@x> " + std::to_string(1767225600 + commit) + " +0000\n";
        stream += "data 1\nc\n";
        stream += "M 100644 inline a/b/koder.toml\ndata " + std::to_string(manifest.size()) + "\n" + manifest + "\n";
        stream += "M 100644 inline a/c/file" + std::to_string(commit % 3) + ".txt\ndata " +
                  std::to_string(file.size()) + "\n" + file + "\n";
    }
    imported.write("stream.txt", stream);
    imported.git("fast-import --quiet < stream.txt");
    using Order = ksa::git::HistoryReader::Order;
    for (const auto& [repo, wanted] :
         {std::pair{&repacked, Order::newest_first}, std::pair{&imported, Order::oldest_first}}) {
        std::vector<std::string> trees;
        std::istringstream lines(repo->git("rev-list --reverse --first-parent --format=%T main"));
        for (std::string line; std::getline(lines, line);)
            if (!line.starts_with("commit ")) trees.push_back(line);
        REQUIRE(trees.size() == 40);
        GitDirScope scope(*repo);
        auto repository = ksa::git::Repository::open_from_environment();
        REQUIRE(repository.ok());
        ksa::git::HistoryReader reader(*repository);
        CHECK(reader.chain_order("", trees) == wanted);
    }
}
