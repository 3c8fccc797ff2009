// self-hosted --history: the cache's text form, release tags, dates, manifest versions and the
// G3 verdict rules of docs/history.md ("The definition, exactly"), on hand-built histories.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "history/cache.h"
#include "history/miner.h"
#include "history/render.h"
#include "history/stability.h"
#include "test_support.h"

using namespace ksa::history;

namespace {

using Strings = std::vector<std::string>;

// A snapshot of engines/kodec/koder.toml.
Snapshot snap(const std::string& version, const std::string& status, Strings passed = {"feature_parity"},
              Strings pending = {}, std::optional<Strings> cases = std::nullopt, bool has_block = true) {
    Snapshot s;
    s.path = "engines/kodec/koder.toml";
    s.version = version;
    s.has_block = has_block;
    s.status = status;
    s.cases = std::move(cases);
    s.gates_passed = std::move(passed);
    s.gates_pending = std::move(pending);
    return s;
}

Revision at(std::uint32_t commit, Snapshot snapshot) { return Revision{commit, true, std::move(snapshot)}; }
Revision gone(std::uint32_t commit) { return Revision{commit, false, {}}; }

ComponentHistory component(std::vector<Revision> revisions) {
    ComponentHistory history;
    history.name = "kodec";
    history.revisions = std::move(revisions);
    return history;
}

// The verdict for `case_name` over `window` (default: commits 0..99), with version-change releases
// and `tags`.
CaseVerdict judge(const ComponentHistory& history, const std::string& case_name = "", Window window = {0, 99},
                  const std::vector<TagRelease>& tags = {}) {
    return judge_case(history, releases_of(history, tags), case_name, window);
}

Strings versions(const std::vector<Release>& releases) {
    Strings out;
    for (const Release& release : releases)
        out.push_back(release.version);
    return out;
}

// experimental at 0, stable at 1 (1.1.0), then one release per commit from 2 on.
std::vector<Revision> three_releases() {
    return {at(0, snap("1.0.0", "experimental")), at(1, snap("1.1.0", "stable")), at(2, snap("1.2.0", "stable")),
            at(3, snap("1.3.0", "stable")), at(4, snap("1.4.0", "stable"))};
}

MinedHistory sample_history() {
    MinedHistory history;
    history.commits = {{std::string(40, 'a'), 1767225600}, {std::string(40, 'b'), -5}, {std::string(40, 'c'), 0}};
    history.tip_tree = std::string(40, 'd');
    history.shallow = true;
    Snapshot odd = snap("1.0 beta%20", "stable", {"feature_parity", "performance:mp3"}, {"stability"},
                        Strings{"mp3", "", "a b\nc%"});
    odd.path = "engines/with space/koder.toml";
    Snapshot plain = snap("", "", {}, {}, std::nullopt, false);
    history.paths["engines/with space/koder.toml"] = PathState{std::string(40, 'e'), "kod ec\n%", odd};
    history.paths["engines/broken/koder.toml"] = PathState{std::string(40, 'f'), "", {}};
    history.components["kod ec\n%"] = ComponentHistory{"kod ec\n%", {at(0, odd), gone(1), at(2, plain)}};
    history.components[""] = ComponentHistory{"", {at(1, snap("2", "official", {}, {}, Strings{}))}};
    history.invalid = {{1, "engines/broken/koder.toml", "line 3, column 7: expected ']'\t%41"}, {2, "", ""}};
    return history;
}

void require_same(const MinedHistory& a, const MinedHistory& b) {
    REQUIRE(a.commits.size() == b.commits.size());
    for (std::size_t i = 0; i < a.commits.size(); ++i) {
        CHECK(a.commits[i].id == b.commits[i].id);
        CHECK(a.commits[i].time == b.commits[i].time);
    }
    CHECK(a.tip_tree == b.tip_tree);
    CHECK(a.shallow == b.shallow);
    REQUIRE(a.components.size() == b.components.size());
    for (const auto& [name, history] : a.components) {
        REQUIRE(b.components.contains(name));
        const ComponentHistory& other = b.components.at(name);
        CHECK(other.name == history.name);
        REQUIRE(other.revisions.size() == history.revisions.size());
        for (std::size_t i = 0; i < history.revisions.size(); ++i) {
            CHECK(other.revisions[i].commit == history.revisions[i].commit);
            CHECK(other.revisions[i].present == history.revisions[i].present);
            CHECK(other.revisions[i].snapshot == history.revisions[i].snapshot);
        }
    }
    REQUIRE(a.paths.size() == b.paths.size());
    for (const auto& [path, state] : a.paths) {
        REQUIRE(b.paths.contains(path));
        CHECK(b.paths.at(path).blob == state.blob);
        CHECK(b.paths.at(path).component == state.component);
        CHECK(b.paths.at(path).snapshot == state.snapshot);
    }
    REQUIRE(a.invalid.size() == b.invalid.size());
    for (std::size_t i = 0; i < a.invalid.size(); ++i) {
        CHECK(a.invalid[i].commit == b.invalid[i].commit);
        CHECK(a.invalid[i].path == b.invalid[i].path);
        CHECK(a.invalid[i].problem == b.invalid[i].problem);
    }
}

const std::string fingerprint = "max_manifest_bytes=1048576";

// `text` with `line` inserted before its "end N" line, and N adjusted.
std::string with_line_before_end(const std::string& text, const std::string& line) {
    const std::size_t end = text.rfind("end ");
    const std::uint64_t count = std::stoull(text.substr(end + 4));
    const auto added = static_cast<std::uint64_t>(1 + std::count(line.begin(), line.end(), '\n'));
    return text.substr(0, end) + line + "\nend " + std::to_string(count + added) + "\n";
}

} // namespace

// --- the cache's text form ------------------------------------------------------------------

TEST_CASE("history: the cache text round-trips spaces, %, newlines, empty strings and optional cases", "[history]") {
    const MinedHistory history = sample_history();
    const std::string text = HistoryCache::serialize(history, fingerprint);
    INFO(text);
    const auto back = HistoryCache::deserialize(text, fingerprint);
    REQUIRE(back);
    require_same(history, *back);
    // nullopt cases and an empty list of cases stay apart.
    CHECK_FALSE(back->components.at("kod ec\n%").revisions[2].snapshot.cases.has_value());
    REQUIRE(back->components.at("").revisions[0].snapshot.cases.has_value());
    CHECK(back->components.at("").revisions[0].snapshot.cases->empty());
    // One record per line: no raw newline, tab or space inside a value.
    CHECK(text.find("a b") == std::string::npos);
    CHECK(text.find('\t') == std::string::npos);
    // Serializing again gives the same bytes.
    CHECK(HistoryCache::serialize(*back, fingerprint) == text);
}

TEST_CASE("history: the cache text of an empty history round-trips", "[history]") {
    const MinedHistory empty;
    const auto back = HistoryCache::deserialize(HistoryCache::serialize(empty, fingerprint), fingerprint);
    REQUIRE(back);
    CHECK(back->commits.empty());
    CHECK(back->components.empty());
}

TEST_CASE("history: every truncation of a cache text is rejected", "[history]") {
    const std::string text = HistoryCache::serialize(sample_history(), fingerprint);
    REQUIRE(HistoryCache::deserialize(text, fingerprint));
    for (std::size_t size = 0; size < text.size(); ++size) {
        INFO("cut at " << size << " of " << text.size());
        CHECK_FALSE(HistoryCache::deserialize(text.substr(0, size), fingerprint));
    }
}

TEST_CASE("history: a cache text with another fingerprint, magic or garbage is rejected", "[history]") {
    const std::string text = HistoryCache::serialize(sample_history(), fingerprint);
    CHECK_FALSE(HistoryCache::deserialize(text, "max_manifest_bytes=100"));
    CHECK_FALSE(HistoryCache::deserialize(text, ""));

    std::string other_magic = text;
    other_magic.replace(0, std::string("koder-spec-audit-history 1").size(), "koder-spec-audit-history 2");
    CHECK_FALSE(HistoryCache::deserialize(other_magic, fingerprint));
    CHECK_FALSE(HistoryCache::deserialize("x" + text, fingerprint));
    CHECK_FALSE(HistoryCache::deserialize("", fingerprint));

    const auto garbage = GENERATE(as<std::string>{},
                                  "zzz",                                     // unknown record
                                  "c :" + std::string(40, '1') + " 5",       // one commit too many
                                  "i 1 :engines/x/koder.toml",               // a field missing
                                  "i 1 :a :b :c",                            // a field too many
                                  "i x :a :b",                               // not a number
                                  "i 1 :a%G1 :b",                            // a bad escape
                                  "i 1 :a% :b",                              // a cut escape
                                  "i 1 a :b",                                // not a text token
                                  "k :other\nr 3 1 :p :1 1 :stable 0 0 0 0", // a commit out of range
                                  "h 4 :" + std::string(40, 'd') + " 1");    // a header that disagrees
    INFO(garbage);
    CHECK_FALSE(HistoryCache::deserialize(with_line_before_end(text, garbage), fingerprint));
    // The same helper with a well-formed record is accepted (so the rejections above are about
    // the record, not the helper).
    CHECK(HistoryCache::deserialize(with_line_before_end(text, "i 1 :a :b"), fingerprint));
    CHECK(
        HistoryCache::deserialize(with_line_before_end(text, "k :other\nr 2 1 :p :1 1 :stable 0 0 0 0"), fingerprint));
}

TEST_CASE("history: a cache text whose invalid-manifest record names a missing commit is rejected", "[history]") {
    const std::string text = HistoryCache::serialize(sample_history(), fingerprint);
    CHECK_FALSE(HistoryCache::deserialize(with_line_before_end(text, "i 3 :engines/x/koder.toml :bad"), fingerprint));
    CHECK_FALSE(HistoryCache::deserialize(with_line_before_end(text, "i 999 :engines/x/koder.toml :bad"), fingerprint));
}

TEST_CASE("history: a cache text with a wrong line count or text after the end is rejected", "[history]") {
    const std::string text = HistoryCache::serialize(sample_history(), fingerprint);
    const std::size_t end = text.rfind("end ");
    const std::uint64_t count = std::stoull(text.substr(end + 4));
    CHECK(HistoryCache::deserialize(text.substr(0, end) + "end " + std::to_string(count) + "\n", fingerprint));
    CHECK_FALSE(
        HistoryCache::deserialize(text.substr(0, end) + "end " + std::to_string(count + 1) + "\n", fingerprint));
    CHECK_FALSE(
        HistoryCache::deserialize(text.substr(0, end) + "end " + std::to_string(count - 1) + "\n", fingerprint));
    CHECK_FALSE(HistoryCache::deserialize(text + "c :x 1\n", fingerprint));
    CHECK_FALSE(HistoryCache::deserialize(text + "\n", fingerprint));
}

TEST_CASE("history: HistoryCache stores under the tip, loads it back and keeps the newest files", "[history]") {
    const ksa::test::TempDir temp;
    const std::string dir = (temp.path() / "cache").string();
    const HistoryCache cache(dir, fingerprint);
    MinedHistory history = sample_history();
    REQUIRE_FALSE(cache.store(history, 3));
    const std::string tip = history.commits.back().id;
    CHECK(cache.tips() == std::set<std::string>{tip});
    const auto loaded = cache.load(tip);
    REQUIRE(loaded);
    require_same(history, *loaded);
    CHECK_FALSE(cache.load(std::string(40, 'a'))); // no such file
    CHECK_FALSE(HistoryCache(dir, "max_manifest_bytes=5").load(tip));
    // A file under another tip's name is not that tip's history.
    std::filesystem::copy_file(std::filesystem::path(dir) / tip, std::filesystem::path(dir) / std::string(40, '9'));
    CHECK_FALSE(cache.load(std::string(40, '9')));
    for (char c : std::string("0123456")) {
        history.commits.back().id = std::string(40, c);
        REQUIRE_FALSE(cache.store(history, 3));
    }
    const auto tips = cache.tips();
    CHECK(tips.size() == 3);
    CHECK(tips.contains(std::string(40, '6')));
}

TEST_CASE("history: HistoryCache never prunes the file it has just written", "[history]") {
    const ksa::test::TempDir temp;
    const std::string dir = (temp.path() / "cache").string();
    const HistoryCache cache(dir, fingerprint);
    MinedHistory history = sample_history();
    REQUIRE_FALSE(cache.store(history, 1));
    // An older file that looks newer (clock skew, a copy, a coarse file system clock).
    std::filesystem::last_write_time(std::filesystem::path(dir) / history.commits.back().id,
                                     std::filesystem::file_time_type::clock::now() + std::chrono::hours(1));
    history.commits.back().id = std::string(40, '7');
    REQUIRE_FALSE(cache.store(history, 1));
    CHECK(cache.tips() == std::set<std::string>{std::string(40, '7')});
    CHECK(cache.load(std::string(40, '7')));
}

// --- release tags -----------------------------------------------------------------------------

TEST_CASE("history: split_release_tag recognises <name>-v<version> and <name>/v<version>", "[history]") {
    using Split = std::optional<std::pair<std::string, std::string>>;
    CHECK(split_release_tag("kodec-v1.2.0") == Split{{"kodec", "1.2.0"}});
    CHECK(split_release_tag("kodec/v1.2.0") == Split{{"kodec", "1.2.0"}});
    CHECK(split_release_tag("koder-vault-v2.0") == Split{{"koder-vault", "2.0"}});
    CHECK(split_release_tag("koder-vault/v2.0") == Split{{"koder-vault", "2.0"}});
    CHECK(split_release_tag("engines/kodec/v3") == Split{{"engines/kodec", "3"}});
    CHECK(split_release_tag("kodec-v1.2.0-rc1") == Split{{"kodec", "1.2.0-rc1"}});
    for (const char* no : {"kodec-vnext", "kodec-v", "kodec/v", "kodec-v.1", "kodec-1.2.0", "v1.2.0", "-v1.2.0",
                           "/v1.2.0", "kodec", "", "kodec-V1.0"}) {
        INFO(no);
        CHECK_FALSE(split_release_tag(no));
    }
}

TEST_CASE("history: split_release_tag separates at the last -v or /v", "[history]") {
    using Split = std::optional<std::pair<std::string, std::string>>;
    CHECK(split_release_tag("tools-v2/v1.0") == Split{{"tools-v2", "1.0"}});
    CHECK(split_release_tag("a/v1-v2") == Split{{"a/v1", "2"}});
    // The last separator is not followed by a digit: not a release tag.
    CHECK_FALSE(split_release_tag("kodec/v1-vendor"));
}

// --- dates ------------------------------------------------------------------------------------

TEST_CASE("history: parse_date reads dates, times, Z and offsets", "[history]") {
    const std::int64_t march1 = 1772323200; // 2026-03-01T00:00:00Z
    CHECK(parse_date("2026-03-01", false) == march1);
    CHECK(parse_date("2026-03-01", true) == march1 + 86399);
    CHECK(parse_date("2026-03-01T12:00", false) == march1 + 43200);
    CHECK(parse_date("2026-03-01T12:00", true) == march1 + 43200); // a time is never stretched
    CHECK(parse_date("2026-03-01T12:00Z", false) == march1 + 43200);
    CHECK(parse_date("2026-03-01T12:00:30Z", false) == march1 + 43230);
    CHECK(parse_date("2026-03-01T12:00:30", false) == march1 + 43230);
    CHECK(parse_date("2026-03-01T12:00+02:00", false) == march1 + 36000);
    CHECK(parse_date("2026-03-01T12:00:00-05:30", false) == march1 + 43200 + 19800);
    CHECK(parse_date("2026-03-01T00:30+01:00", false) == march1 - 1800);
    CHECK(parse_date("2024-02-29", false) == 1709164800);
    CHECK(parse_date("1970-01-01", false) == 0);
    CHECK(format_date(march1) == "2026-03-01");
    CHECK(format_date(march1 + 86399) == "2026-03-01");
    CHECK(format_date(march1 - 1) == "2026-02-28");
    CHECK(format_date(-1) == "1969-12-31");
}

TEST_CASE("history: parse_date refuses what is not a date", "[history]") {
    for (const char* bad : {"",
                            "2026",
                            "2026-3-01",
                            "2026-03-1",
                            "26-03-01",
                            "2026/03/01",
                            "2026-13-01",
                            "2026-00-10",
                            "2026-01-00",
                            "2026-01-32",
                            "2026-01-01T",
                            "2026-01-01T10",
                            "2026-01-01T1:00",
                            "2026-01-01T24:00",
                            "2026-01-01T10:60",
                            "2026-01-01T10:00:61",
                            "2026-01-01T10:00+0200",
                            "2026-01-01T10:00+02",
                            "2026-01-01T10:00Q",
                            "2026-01-01T10:00Z ",
                            "2026-01-01x",
                            "2026-01-01Z",
                            "abcd-01-01",
                            "+026-01-01",
                            "2026-01-01T10:00:5",
                            "yesterday"}) {
        INFO(bad);
        CHECK_FALSE(parse_date(bad, false));
        CHECK_FALSE(parse_date(bad, true));
    }
}

TEST_CASE("history: parse_date refuses days a month does not have, and offsets beyond ±23:59", "[history]") {
    for (const char* bad :
         {"2026-02-29", "2026-02-30", "2026-04-31", "2100-02-29", "2026-01-01T10:00+24:00", "2026-01-01T10:00+01:60"}) {
        INFO(bad);
        CHECK_FALSE(parse_date(bad, false));
    }
    CHECK(parse_date("2000-02-29", false));
    CHECK(parse_date("2026-12-31", false));
    CHECK(parse_date("2026-01-01T10:00-23:59", false));
}

// --- manifest versions ------------------------------------------------------------------------

TEST_CASE("history: parse_version names the component by [package].name, [app].slug, stem or folder", "[history]") {
    CHECK(parse_version("engines/kodec/koder.toml", "[package]\nname = \"kodec\"\nversion = \"1.2.0\"\n").component ==
          "kodec");
    const auto app = parse_version("apps/web/koder.toml", "[app]\nslug = \"web-ui\"\nversion = \"3.0\"\n");
    CHECK(app.component == "web-ui");
    CHECK(app.snapshot.version == "3.0");
    CHECK(parse_version("engines/kodec/koder.toml", "category = \"engine\"\n").component == "engines/kodec");
    CHECK(parse_version("engines/kodec/self-hosted/koder_asm.toml", "[self_hosted]\nstatus = \"stable\"\n").component ==
          "asm");
    CHECK(parse_version("koder.toml", "category = \"engine\"\n").component == "koder.toml");
    const auto plain = parse_version("engines/kodec/koder.toml", "[package]\nname = \"kodec\"\n");
    CHECK(plain.problem.empty());
    CHECK_FALSE(plain.snapshot.has_block);
    CHECK(plain.snapshot.version.empty());
}

TEST_CASE("history: parse_version says when the name comes from the path", "[history]") {
    CHECK_FALSE(parse_version("engines/kodec/koder.toml", "[package]\nname = \"kodec\"\n").named_by_path);
    CHECK_FALSE(parse_version("apps/web/koder.toml", "[app]\nslug = \"web\"\n").named_by_path);
    // A fragment that writes its own name (even the one its file name gives) is named by it.
    CHECK_FALSE(parse_version("engines/k/self-hosted/koder_asm.toml", "[package]\nname = \"asm\"\n").named_by_path);
    CHECK(parse_version("engines/k/self-hosted/koder_asm.toml", "[self_hosted]\n").named_by_path);
    CHECK(parse_version("engines/kodec/koder.toml", "[package]\nname = \"\"\n").named_by_path);
    CHECK(parse_version("engines/kodec/koder.toml", "[package]\nname = 3\n").named_by_path);
    CHECK(name_from_path("engines/k/self-hosted/koder_vm.toml") == "vm");
    CHECK(name_from_path("engines/y/koder.toml") == "engines/y");
    CHECK(name_from_path("koder.toml") == "koder.toml");
}

TEST_CASE("history: parse_version keeps what G3 needs from [self_hosted]", "[history]") {
    const auto parsed = parse_version("engines/kodec/koder.toml", R"(category = "engine"
[package]
name = "kodec"
version = "1.2.0"
[self_hosted]
replaces = ["ffmpeg"]
status = "stable"
cases = ["mp3", "mp4"]
gates_passed = ["feature_parity", "performance:mp3 = engines/kodec/bench.md", "not a gate!", "capability:tls:mp4"]
gates_pending = ["stability"]
)");
    REQUIRE(parsed.problem.empty());
    const Snapshot& s = parsed.snapshot;
    CHECK(s.path == "engines/kodec/koder.toml");
    CHECK(s.version == "1.2.0");
    CHECK(s.has_block);
    CHECK(s.status == "stable");
    CHECK(s.cases == std::optional<Strings>(Strings{"mp3", "mp4"}));
    CHECK(s.gates_passed == Strings{"feature_parity", "performance:mp3", "capability:tls:mp4"});
    CHECK(s.gates_pending == Strings{"stability"});
    const auto no_status = parse_version("engines/kodec/koder.toml", "[self_hosted]\nstatus = 3\n");
    CHECK(no_status.snapshot.has_block);
    CHECK(no_status.snapshot.status.empty());
    CHECK_FALSE(no_status.snapshot.cases);
}

TEST_CASE("history: parse_version reports invalid TOML with line and column, and NUL bytes", "[history]") {
    const auto broken = parse_version("engines/kodec/koder.toml", "category = \"engine\"\n\n[package\nname = \"x\"\n");
    CHECK(broken.component.empty());
    CHECK_THAT(broken.problem, Catch::StartsWith("line 3, column "));
    const auto value = parse_version("engines/kodec/koder.toml", "a = 1\nb = = 2\n");
    CHECK_THAT(value.problem, Catch::StartsWith("line 2, column "));
    const auto nul = parse_version("engines/kodec/koder.toml", std::string("category = \"engine\"\0\n", 21));
    CHECK(nul.problem == "binary content (a NUL byte)");
    CHECK(nul.component.empty());
    CHECK(parse_version("engines/kodec/README.md", "x = 1\n").problem == "not a manifest path");
}

// --- cases ------------------------------------------------------------------------------------

TEST_CASE("history: cases_of gives the declared cases plus every case a gate names", "[history]") {
    CHECK(cases_of(snap("1", "stable")) == Strings{""});
    CHECK(cases_of(snap("1", "stable", {"feature_parity"}, {}, Strings{"mp3", "mp4"})) == Strings{"mp3", "mp4"});
    CHECK(cases_of(snap("1", "stable", {"performance:hevc", "feature_parity:mp3"}, {"performance:aac", "x:hevc"},
                        Strings{"mp3"})) == Strings{"mp3", "hevc", "aac"});
    CHECK(cases_of(snap("1", "stable", {"performance:hevc"}, {})) == Strings{"", "hevc"});
    CHECK(cases_of(snap("1", "stable", {"capability:tls", "capability:tls:mp4"}, {})) == Strings{"", "mp4"});
    CHECK(cases_of(snap("1", "stable", {}, {}, Strings{})) == Strings{});
}

// --- the definition, rule by rule ---------------------------------------------------------------

TEST_CASE("history: rule 6 - three releases after leaving experimental pass; fewer say how many more", "[history]") {
    const auto verdict = judge(component(three_releases()));
    CHECK(verdict.passes);
    CHECK(verdict.needed == 0);
    CHECK(versions(verdict.releases) == Strings{"1.2.0", "1.3.0", "1.4.0"});
    CHECK(verdict.left_experimental == std::optional<std::uint32_t>(1));
    CHECK(verdict.left_version == "1.1.0");
    CHECK(verdict.status == "stable");
    CHECK_FALSE(verdict.last_regression);

    auto two = three_releases();
    two.pop_back();
    const auto short_one = judge(component(two));
    CHECK_FALSE(short_one.passes);
    CHECK(short_one.needed == 1);
    const auto none = judge(component({at(0, snap("1.0.0", "official"))}));
    CHECK(none.needed == 3);
    CHECK(none.left_experimental == std::optional<std::uint32_t>(0)); // first appears non-experimental
}

TEST_CASE("history: rule 1 - the status for the case is experimental without a block, a status or the case",
          "[history]") {
    CHECK_FALSE(judge(component({at(0, snap("1.0.0", "stable", {}, {}, std::nullopt, false))})).left_experimental);
    CHECK(judge(component({at(0, snap("1.0.0", "stable", {}, {}, std::nullopt, false))})).status == "experimental");
    CHECK_FALSE(judge(component({at(0, snap("1.0.0", ""))})).left_experimental);
    // cases names mp3: mp3 holds the status, mp4 and "every case" are experimental.
    const auto history = component({at(0, snap("1.0.0", "legacy", {}, {}, Strings{"mp3"}))});
    CHECK(judge(history, "mp3").status == "legacy");
    CHECK(judge(history, "mp3").left_experimental);
    CHECK(judge(history, "mp4").status == "experimental");
    CHECK_FALSE(judge(history, "mp4").left_experimental);
    CHECK(judge(history, "").status == "experimental");
    CHECK_FALSE(judge(history, "").left_experimental);
    // Without `cases`, every case holds the status.
    CHECK(judge(component({at(0, snap("1.0.0", "stable"))}), "hevc").status == "stable");
}

TEST_CASE("history: rule 3 - back to experimental ends the streak; leaving again starts a new one", "[history]") {
    auto revisions = three_releases();
    revisions.push_back(at(5, snap("1.4.0", "experimental")));
    const auto back = judge(component(revisions));
    CHECK_FALSE(back.passes);
    CHECK_FALSE(back.left_experimental);
    CHECK(back.releases.empty());
    CHECK(back.status == "experimental");
    REQUIRE(back.last_regression);
    CHECK(back.last_regression->commit == 5);
    CHECK(back.last_regression->reason == "status back to experimental");

    revisions.push_back(at(6, snap("1.5.0", "experimental"))); // released while experimental
    revisions.push_back(at(7, snap("1.5.0", "stable")));
    revisions.push_back(at(8, snap("1.6.0", "stable")));
    const auto again = judge(component(revisions));
    CHECK(again.left_experimental == std::optional<std::uint32_t>(7));
    CHECK(again.left_version == "1.5.0");
    CHECK(versions(again.releases) == Strings{"1.6.0"});
    CHECK(again.needed == 2);
}

TEST_CASE("history: rule 3 - a gate the case relies on leaving gates_passed restarts the count there", "[history]") {
    const Strings both{"feature_parity", "performance"};
    // Removed outright.
    const auto removed =
        judge(component({at(0, snap("1.0.0", "experimental", both)), at(1, snap("1.1.0", "stable", both)),
                         at(2, snap("1.2.0", "stable", both)), at(3, snap("1.2.0", "stable", {"performance"})),
                         at(4, snap("1.3.0", "stable", {"performance"}))}));
    CHECK(removed.left_experimental == std::optional<std::uint32_t>(1));
    REQUIRE(removed.last_regression);
    CHECK(removed.last_regression->commit == 3);
    CHECK(removed.last_regression->reason == "feature_parity left gates_passed");
    CHECK(versions(removed.releases) == Strings{"1.3.0"});
    CHECK(removed.needed == 2);
    // Moved to gates_pending.
    const auto moved = judge(component({at(1, snap("1.1.0", "stable", both)), at(2, snap("1.2.0", "stable", both)),
                                        at(3, snap("1.3.0", "stable", {}, both))}));
    REQUIRE(moved.last_regression);
    CHECK(moved.last_regression->reason == "feature_parity, performance left gates_passed");
    // The release made by the regression commit itself is not counted (strictly after).
    CHECK(moved.releases.empty());
    CHECK(moved.needed == 3);
    // Adding a gate is no regression.
    const auto added = judge(component({at(1, snap("1.1.0", "stable", {})), at(2, snap("1.2.0", "stable", both))}));
    CHECK_FALSE(added.last_regression);
    CHECK(versions(added.releases) == Strings{"1.2.0"});
}

TEST_CASE("history: rule 2 - a case relies on caseless gates and its own, not another case's", "[history]") {
    const Strings cases{"mp3", "mp4"};
    const Strings full{"feature_parity", "performance:mp3", "performance:mp4"};
    const Strings mp4_lost{"feature_parity", "performance:mp3"};
    const auto history =
        component({at(1, snap("1.1.0", "stable", full, {}, cases)), at(2, snap("1.2.0", "stable", full, {}, cases)),
                   at(3, snap("1.2.0", "stable", mp4_lost, {"performance:mp4"}, cases)),
                   at(4, snap("1.3.0", "stable", mp4_lost, {"performance:mp4"}, cases)),
                   at(5, snap("1.4.0", "stable", mp4_lost, {"performance:mp4"}, cases))});
    const auto mp3 = judge(history, "mp3");
    CHECK(mp3.passes);
    CHECK_FALSE(mp3.last_regression);
    const auto mp4 = judge(history, "mp4");
    CHECK_FALSE(mp4.passes);
    REQUIRE(mp4.last_regression);
    CHECK(mp4.last_regression->commit == 3);
    CHECK(mp4.last_regression->reason == "performance left gates_passed");
    CHECK(versions(mp4.releases) == Strings{"1.3.0", "1.4.0"});
    // A caseless gate leaving affects every case.
    const auto caseless =
        component({at(1, snap("1.1.0", "stable", full, {}, cases)),
                   at(2, snap("1.2.0", "stable", {"performance:mp3", "performance:mp4"}, {}, cases))});
    CHECK(judge(caseless, "mp3").last_regression);
    CHECK(judge(caseless, "mp4").last_regression);
    // `feature_parity:mp3` counts for mp3 as `feature_parity`: replacing the caseless entry
    // with it loses nothing for mp3, but loses feature_parity for mp4.
    const auto narrowed = component({at(1, snap("1.1.0", "stable", {"feature_parity"}, {}, cases)),
                                     at(2, snap("1.2.0", "stable", {"feature_parity:mp3"}, {}, cases))});
    CHECK_FALSE(judge(narrowed, "mp3").last_regression);
    REQUIRE(judge(narrowed, "mp4").last_regression);
    CHECK(judge(narrowed, "mp4").last_regression->reason == "feature_parity left gates_passed");
}

TEST_CASE("history: rule 3 - an absent component keeps its streak; the return is compared with the last seen",
          "[history]") {
    const auto back = judge(component({at(1, snap("1.1.0", "stable")), at(2, snap("1.2.0", "stable")), gone(3),
                                       at(4, snap("1.3.0", "stable")), at(5, snap("1.4.0", "stable"))}));
    CHECK(back.passes);
    CHECK(versions(back.releases) == Strings{"1.2.0", "1.3.0", "1.4.0"});
    CHECK_FALSE(back.last_regression);
    const auto lost = judge(component({at(1, snap("1.1.0", "stable")), gone(2), at(3, snap("1.2.0", "stable", {}))}));
    REQUIRE(lost.last_regression);
    CHECK(lost.last_regression->commit == 3);
}

TEST_CASE("history: rule 4 - releases are version changes and tags, one per version, at the earliest", "[history]") {
    const auto history =
        component({at(0, snap("", "experimental")), at(1, snap("1.0.0", "stable")),  // "" -> 1.0.0: none
                   at(2, snap("", "stable")),                                        // -> "": none
                   at(3, snap("1.1.0", "stable")),                                   // 1.0.0 -> 1.1.0
                   at(5, snap("1.2.0", "stable")), at(7, snap("1.1.0", "stable"))}); // 1.1.0 again
    const std::vector<TagRelease> tags{{"kodec", "1.2.0", "kodec-v1.2.0", 4},        // earlier than the bump
                                       {"kodec", "1.3.0", "kodec/v1.3.0", 6},        // a tag alone
                                       {"kodec", "1.1.0", "kodec-v1.1.0", 8},        // later than the bump
                                       {"other", "9.0.0", "other-v9.0.0", 2}};       // another component
    const auto releases = releases_of(history, tags);
    REQUIRE(versions(releases) == Strings{"1.1.0", "1.2.0", "1.3.0"});
    CHECK(releases[0].commit == 3);
    CHECK(releases[0].from_version);
    CHECK(releases[0].tag == "kodec-v1.1.0");
    CHECK(releases[1].commit == 4);
    CHECK(releases[1].from_version);
    CHECK(releases[1].tag == "kodec-v1.2.0");
    CHECK(releases[2].commit == 6);
    CHECK_FALSE(releases[2].from_version);
    CHECK(releases[2].tag == "kodec/v1.3.0");
    const auto verdict = judge(history, "", {0, 99}, tags);
    CHECK(versions(verdict.releases) == Strings{"1.1.0", "1.2.0", "1.3.0"});
    CHECK(verdict.passes);
}

TEST_CASE("history: rule 5 - the release that leaves experimental is not counted", "[history]") {
    const auto verdict = judge(component({at(0, snap("1.0.0", "experimental")), at(1, snap("1.1.0", "stable"))}), "",
                               {0, 99}, {{"kodec", "1.0.5", "kodec-v1.0.5", 1}});
    CHECK(verdict.releases.empty());
    CHECK(verdict.needed == 3);
    // A release while experimental is not counted either.
    const auto before = judge(component({at(0, snap("1.0.0", "experimental")), at(1, snap("1.1.0", "experimental")),
                                         at(2, snap("1.1.0", "stable")), at(3, snap("1.2.0", "stable"))}));
    CHECK(versions(before.releases) == Strings{"1.2.0"});
}

TEST_CASE("history: the window - a streak running at --since starts there; earlier things are not counted",
          "[history]") {
    auto revisions = three_releases();
    revisions.insert(revisions.begin() + 2, at(2, snap("1.1.0", "stable", {}))); // regression at 2
    revisions[3].commit = 3;
    revisions[4].commit = 4;
    revisions[5].commit = 5; // 1.2.0 at 3, 1.3.0 at 4, 1.4.0 at 5
    const auto history = component(revisions);
    const auto full = judge(history);
    REQUIRE(full.last_regression);
    CHECK(full.last_regression->commit == 2);
    CHECK(full.passes);

    const auto later = judge(history, "", {4, 5});
    CHECK(later.left_before_window);
    CHECK(later.left_experimental == std::optional<std::uint32_t>(4));
    CHECK_FALSE(later.last_regression); // before the window
    CHECK(versions(later.releases) == Strings{"1.3.0", "1.4.0"});
    CHECK(later.needed == 1);

    const auto from_regression = judge(history, "", {2, 5});
    CHECK(from_regression.left_before_window);
    REQUIRE(from_regression.last_regression);
    CHECK(from_regression.last_regression->commit == 2);
    CHECK(versions(from_regression.releases) == Strings{"1.2.0", "1.3.0", "1.4.0"});

    const auto until = judge(history, "", {0, 3});
    CHECK(versions(until.releases) == Strings{"1.2.0"});
    CHECK(until.needed == 2);
    CHECK_FALSE(until.left_before_window);

    // A streak that starts inside the window is not "before the window".
    const auto inside = judge(history, "", {1, 5});
    CHECK_FALSE(inside.left_before_window);
    CHECK(inside.left_experimental == std::optional<std::uint32_t>(1));
    // Experimental at the window's start: nothing to carry.
    const auto first = judge(history, "", {0, 0});
    CHECK_FALSE(first.left_experimental);
    CHECK(first.status == "experimental");
}

TEST_CASE("history: the window - the status is the one at --until", "[history]") {
    auto revisions = three_releases();
    revisions.push_back(at(6, snap("1.4.0", "experimental")));
    const auto history = component(revisions);
    const auto before_back = judge(history, "", {0, 5});
    CHECK(before_back.status == "stable");
    CHECK(before_back.passes);
    CHECK_FALSE(before_back.last_regression);
    CHECK(judge(history, "", {0, 6}).status == "experimental");
}

TEST_CASE("history: the declared stability gate is compared with the verdict", "[history]") {
    const auto claimed = judge(component({at(1, snap("1.1.0", "stable", {"feature_parity", "stability"})),
                                          at(2, snap("1.2.0", "stable", {"feature_parity", "stability"}))}));
    CHECK(claimed.claim == Claim::claimed);
    CHECK(claimed.disagreement == "stability is in gates_passed but not earned");

    auto earned = three_releases();
    earned.back().snapshot.gates_pending = {"stability"};
    const auto pending = judge(component(earned));
    CHECK(pending.passes);
    CHECK(pending.claim == Claim::pending);
    CHECK(pending.disagreement == "stability is earned but still in gates_pending");

    auto agreed = three_releases();
    agreed.back().snapshot.gates_passed.push_back("stability");
    CHECK(judge(component(agreed)).disagreement.empty());
    CHECK(judge(component(three_releases())).claim == Claim::undeclared);

    // stability:mp3 is mp3's claim only.
    const auto per_case =
        component({at(1, snap("1.1.0", "stable", {"feature_parity", "stability:mp3"}, {}, Strings{"mp3", "mp4"}))});
    CHECK(judge(per_case, "mp3").claim == Claim::claimed);
    CHECK(judge(per_case, "mp3").disagreement == "stability is in gates_passed but not earned");
    CHECK(judge(per_case, "mp4").claim == Claim::undeclared);
    CHECK(judge(per_case, "mp4").disagreement.empty());
}

TEST_CASE("history: judge_component gives a row per case of a declared component, none for an absent one",
          "[history]") {
    auto revisions = three_releases();
    revisions.back().snapshot.gates_pending = {"performance:hevc"};
    const auto verdict = judge_component(component(revisions), {}, {0, 99});
    REQUIRE(verdict);
    CHECK(verdict->name == "kodec");
    CHECK(verdict->path == "engines/kodec/koder.toml");
    CHECK(verdict->version == "1.4.0");
    REQUIRE(verdict->cases.size() == 2);
    CHECK(verdict->cases[0].case_name.empty());
    CHECK(verdict->cases[1].case_name == "hevc");
    CHECK(versions(verdict->releases) == Strings{"1.1.0", "1.2.0", "1.3.0", "1.4.0"});
    CHECK(versions(judge_component(component(revisions), {}, {2, 3})->releases) == Strings{"1.2.0", "1.3.0"});

    revisions.push_back(gone(6));
    CHECK_FALSE(judge_component(component(revisions), {}, {0, 99}));
    CHECK(judge_component(component(revisions), {}, {0, 5}));
    CHECK_FALSE(judge_component(component({at(0, snap("1.0.0", "stable", {}, {}, std::nullopt, false))}), {}, {0, 99}));
}

// docs/history.md: the status "becomes something else (`stable`, `official`, `legacy`)". A
// misspelt status (KSA005) is none of those; the code takes any string but "experimental" as
// leaving experimental (reported; see the test-writing report).
TEST_CASE("history: rule 3 - only stable, official or legacy leave experimental", "[history]") {
    const auto typo = judge(
        component({at(0, snap("1.0.0", "experimental")), at(1, snap("1.1.0", "stabel")), at(2, snap("1.2.0", "stabel")),
                   at(3, snap("1.3.0", "stabel")), at(4, snap("1.4.0", "stabel"))}));
    CHECK_FALSE(typo.left_experimental);
    CHECK_FALSE(typo.passes);
}
