// The decision protocol (RFC-002 §3.5 question 2): word matching, candidates, cases, gates, verdicts.
#include <catch2/catch.hpp>

#include "decision/decide.h"
#include "support/json_writer.h"
#include "test_support.h"

using namespace ksa::decision;
using ksa::registry::PairRow;

namespace {

PairRow pair(std::string name, std::vector<std::string> replaces, std::string status,
             std::optional<std::vector<std::string>> cases, std::vector<std::string> passed,
             std::vector<std::string> pending) {
    PairRow row;
    row.display_name = name;
    row.name = std::move(name);
    row.manifest_path = "m/" + row.name + "/koder.toml";
    row.replaces = std::move(replaces);
    row.status = std::move(status);
    row.cases = std::move(cases);
    row.gates_passed = std::move(passed);
    row.gates_pending = std::move(pending);
    return row;
}

ksa::registry::Registry sample() {
    ksa::registry::Registry registry;
    registry.pairs.push_back(pair("kodec", {"ffmpeg", "gstreamer"}, "stable", std::vector<std::string>{"mp3"},
                                  {"feature_parity:mp3", "performance:mp3", "stability", "production_proven"},
                                  {"feature_parity:hevc", "performance:hevc = KODEC-1"}));
    registry.pairs.push_back(
        pair("jet", {"nginx", "rocket_chat"}, "official", std::nullopt,
             {"feature_parity", "performance", "stability", "capability:reverse_proxy", "production_proven"}, {}));
    registry.pairs.push_back(pair("old", {"nginx"}, "legacy", std::nullopt,
                                  {"feature_parity", "performance", "stability", "production_proven"}, {}));
    registry.pairs.push_back(pair("exp", {"postgresql"}, "experimental", std::nullopt,
                                  {"feature_parity", "performance", "stability", "production_proven"},
                                  {"capability:pg_wire"}));
    return registry;
}

} // namespace

TEST_CASE("decide: words and phrases tolerate case, -, _ and spaces", "[decide]") {
    CHECK(words_of("A TLS-terminating reverse_proxy, C++!") ==
          std::vector<std::string>{"a", "tls", "terminating", "reverse", "proxy", "c++"});
    const auto words = words_of("a Rocket Chat bridge over reverse-proxy");
    CHECK(contains_phrase(words, words_of("rocket_chat")));
    CHECK(contains_phrase(words, words_of("rocketchat")));
    CHECK(contains_phrase(words, words_of("reverse_proxy")));
    CHECK(contains_phrase(words, words_of("rocket")));
    CHECK_FALSE(contains_phrase(words, words_of("rocket bridge"))); // consecutive words only
    CHECK_FALSE(contains_phrase(words, words_of("nginx")));
    CHECK_FALSE(contains_phrase(words_of("ffmpegx"), words_of("ffmpeg"))); // whole words only
    CHECK_FALSE(contains_phrase(words, {}));
}

TEST_CASE("decide: a case named in gates clears everything: use it, cite it by name and path", "[decide]") {
    const Decision decision = decide(sample(), "an MP3 decoder instead of FFmpeg", "");
    REQUIRE(decision.candidates.size() == 1);
    const CandidateAnswer& kodec = decision.candidates[0];
    CHECK(kodec.row == 1);
    CHECK(kodec.external == "ffmpeg");
    REQUIRE(kodec.cases.size() == 1);
    CHECK(kodec.cases[0].case_name == "mp3");
    CHECK(kodec.cases[0].clears_all);
    CHECK_THAT(kodec.verdicts[0],
               Catch::Contains("use kodec (m/kodec/koder.toml) for case mp3: it clears all five gates"));
    CHECK(decision.verdict == "use kodec (m/kodec/koder.toml, case mp3)");
}

TEST_CASE("decide: a case outside the status's cases names the failing gates", "[decide]") {
    const Decision decision = decide(sample(), "a HEVC decoder instead of gstreamer", "");
    REQUIRE(decision.candidates.size() == 1);
    const CaseAnswer& hevc = decision.candidates[0].cases.at(0);
    CHECK(hevc.case_name == "hevc");
    CHECK_FALSE(hevc.clears_all);
    CHECK(hevc.gates[0].state == GateState::pending);
    CHECK(hevc.gates[0].because == "feature_parity:hevc");
    CHECK(hevc.gates[1].because == "performance:hevc = KODEC-1");
    CHECK(hevc.gates[2].state == GateState::missing);
    CHECK_THAT(hevc.gates[2].because, Catch::Contains("holds for mp3 only, not hevc"));
    CHECK(hevc.gates[4].state == GateState::passed);
    CHECK_THAT(decision.candidates[0].verdicts[0], Catch::Contains("gstreamer stays preferred"));
    CHECK_THAT(decision.verdict, Catch::Contains("none clears all five gates"));
}

TEST_CASE("decide: --replaces picks candidates by name; legacy is never recommended", "[decide]") {
    const Decision decision = decide(sample(), "a TLS-terminating reverse proxy", "NGINX");
    REQUIRE(decision.candidates.size() == 2);
    CHECK(decision.candidates[0].pair.name == "jet");
    CHECK(decision.candidates[0].cases[0].case_name.empty());
    CHECK(decision.candidates[0].cases[0].capabilities == std::vector<std::string>{"reverse_proxy"});
    CHECK(decision.candidates[1].pair.name == "old");
    CHECK_THAT(decision.candidates[1].verdicts[0], Catch::Contains("do not use old"));
    CHECK(decision.verdict == "use jet (m/jet/koder.toml)");
    // The replaces entry matched whatever its spelling.
    CHECK(decide(sample(), "chat", "Rocket-Chat").candidates.size() == 1);
}

TEST_CASE("decide: experimental fails G3; a pending capability fails G4", "[decide]") {
    const Decision decision = decide(sample(), "a postgresql database", "");
    REQUIRE(decision.candidates.size() == 1);
    const CaseAnswer& answer = decision.candidates[0].cases[0];
    CHECK(answer.gates[2].state == GateState::missing);
    CHECK_THAT(answer.gates[2].because, Catch::Contains("experimental"));
    CHECK(answer.gates[3].state == GateState::pending);
    CHECK(answer.gates[3].because == "capability:pg_wire");
}

TEST_CASE("decide: no candidate, and a case naming every tool", "[decide]") {
    const Decision none = decide(sample(), "a CRM", "");
    CHECK(none.candidates.empty());
    CHECK_THAT(none.verdict, Catch::Contains("--replaces NAME"));
    CHECK_THAT(none.verdict, !Catch::Contains("without ceremony"));
    CHECK_THAT(decide(sample(), "a CRM", "salesforce").verdict,
               Catch::Contains("outside the policy's reach; use salesforce without ceremony"));
    CHECK_THAT(render_text(none), Catch::Contains("no candidate"));
    const Decision all = decide(sample(), "ffmpeg nginx postgresql mp3 hevc", "");
    REQUIRE(all.candidates.size() == 4);
    CHECK(all.candidates[0].cases.size() == 2); // mp3 and hevc, each judged
    CHECK(ksa::test::json_problem(render_json(all)).empty());
    CHECK(ksa::test::json_problem(render_json(none)).empty());
}

TEST_CASE("decide: a case naming a need, not a tool, finds components by capability and case", "[decide]") {
    const Decision proxy = decide(sample(), "a TLS-terminating reverse proxy for our vhosts", "");
    REQUIRE(proxy.candidates.size() == 1);
    const CandidateAnswer& jet = proxy.candidates[0];
    CHECK(jet.pair.name == "jet");
    CHECK(jet.external.empty());
    CHECK(jet.matched_by == std::vector<std::string>{"capability:reverse_proxy"});
    CHECK(proxy.verdict == "use jet (m/jet/koder.toml)");
    CHECK_THAT(render_text(proxy), Catch::Contains("matched by its capability reverse_proxy (the case names no tool"));
    // A case name works the same way; a tool the case names still comes first.
    const Decision hevc = decide(sample(), "decode HEVC", "");
    REQUIRE(hevc.candidates.size() == 1);
    CHECK(hevc.candidates[0].matched_by == std::vector<std::string>{"case:hevc"});
    CHECK(hevc.candidates[0].cases[0].case_name == "hevc");
    CHECK_THAT(hevc.candidates[0].verdicts[0], Catch::Contains("The external alternative stays preferred"));
    const Decision named = decide(sample(), "a reverse proxy instead of nginx", "");
    REQUIRE(named.candidates.size() == 2);
    CHECK(named.candidates[0].external == "nginx");
    CHECK(named.candidates[0].matched_by.empty());
    // --replaces naming a tool no component replaces: the needs still find a candidate.
    const Decision other = decide(sample(), "a reverse proxy", "haproxy");
    REQUIRE(other.candidates.size() == 1);
    CHECK_THAT(render_text(other), Catch::Contains("no component lists `haproxy` in `replaces`"));
    CHECK(ksa::test::json_problem(render_json(proxy)).empty());
}

TEST_CASE("decide: citations are name and path; the notes are shown", "[decide]") {
    ksa::registry::Registry registry = sample();
    registry.pairs[1].display_name = "Koder Jet";
    registry.pairs[1].notes = "RFC: infra/net/jet/docs/rfc.kmd";
    CHECK(citation(registry.pairs[1]) == "Koder Jet (jet, m/jet/koder.toml)");
    CHECK(citation(registry.pairs[0]) == "kodec (m/kodec/koder.toml)");
    const Decision decision = decide(registry, "a proxy", "nginx");
    const std::string text = render_text(decision);
    CHECK_THAT(text, Catch::Contains("  notes: RFC: infra/net/jet/docs/rfc.kmd"));
    CHECK_THAT(text, !Catch::Contains("registry row"));
    // A line break in notes (which --validate rejects) cannot add a line to the answer.
    registry.pairs[1].notes = "first\nDecision: forged";
    CHECK_THAT(render_text(decide(registry, "a proxy", "nginx")), Catch::Contains("  notes: first Decision: forged\n"));
    CHECK_THAT(render_json(decision), Catch::Contains(R"("notes": "RFC: infra/net/jet/docs/rfc.kmd")"));
}
