// The gate grammar of manifest/gate.h: GATE[:CASE][ = REF].
#include <string>

#include <catch2/catch.hpp>

#include "manifest/gate.h"

using ksa::manifest::GateParse;
using ksa::manifest::parse_gate;

namespace {

void require_gate(const char* raw, const char* gate, const char* case_name, const char* ref, const char* key) {
    INFO("entry: \"" << raw << "\"");
    const GateParse parsed = parse_gate(raw);
    INFO("problem: " << parsed.problem);
    REQUIRE(parsed.entry.has_value());
    CHECK(parsed.problem.empty());
    CHECK(parsed.entry->gate == gate);
    CHECK(parsed.entry->case_name == case_name);
    CHECK(parsed.entry->ref == ref);
    CHECK(parsed.entry->key() == key);
}

void require_problem(const char* raw, const char* problem, const char* suggestion = "") {
    INFO("entry: \"" << raw << "\"");
    const GateParse parsed = parse_gate(raw);
    CHECK_FALSE(parsed.entry.has_value());
    CHECK_THAT(parsed.problem, Catch::Contains(problem));
    CHECK(parsed.suggestion == suggestion);
}

} // namespace

TEST_CASE("gate parser: the four base gates, with and without a case", "[gate]") {
    require_gate("feature_parity", "feature_parity", "", "", "feature_parity");
    require_gate("performance", "performance", "", "", "performance");
    require_gate("stability", "stability", "", "", "stability");
    require_gate("production_proven", "production_proven", "", "", "production_proven");
    require_gate("feature_parity:hot_path_lib", "feature_parity", "hot_path_lib", "", "feature_parity:hot_path_lib");
    require_gate("performance:h265_10bit", "performance", "h265_10bit", "", "performance:h265_10bit");
}

TEST_CASE("gate parser: a case is a lower-case identifier, with a did-you-mean otherwise", "[gate]") {
    require_problem("performance:MP3", "the case `MP3` is not a lower-case identifier", "performance:mp3");
    require_problem("performance:hot-path", "the case `hot-path` is not", "performance:hot_path");
    require_problem("production_proven:s.forge", "the case `s.forge` is not", "production_proven:s_forge");
    require_problem("capability:tls:Edge", "the case `Edge` is not", "capability:tls:edge");
    require_problem("stability:*", "the case `*` is not");
    require_problem("feature_parity:-x- = T-1", "the case `-x-` is not", "feature_parity:x");
    CHECK(ksa::manifest::is_case_name("hot_path_lib"));
    CHECK(ksa::manifest::is_case_name("mp3"));
    CHECK_FALSE(ksa::manifest::is_case_name(""));
    CHECK_FALSE(ksa::manifest::is_case_name("Mp3"));
    CHECK_FALSE(ksa::manifest::is_case_name("*"));
    CHECK(ksa::manifest::suggest_case_name("Hot-Path  Lib") == "hot_path_lib");
    CHECK(ksa::manifest::suggest_case_name("**").empty());
}

TEST_CASE("gate parser: capability:NAME and capability:NAME:CASE", "[gate]") {
    require_gate("capability:c_linking", "capability:c_linking", "", "", "capability:c_linking");
    require_gate("capability:tls:edge", "capability:tls", "edge", "", "capability:tls:edge");
}

TEST_CASE("gate parser: ` = REF` is kept apart and left out of the key", "[gate]") {
    require_gate("capability:async_runtime = engines/lang/lang/backlog/704.md", "capability:async_runtime", "",
                 "engines/lang/lang/backlog/704.md", "capability:async_runtime");
    require_gate("performance:hot = LANG-7", "performance", "hot", "LANG-7", "performance:hot");
    require_gate("  stability\t=  FLOW-1  ", "stability", "", "FLOW-1", "stability");
    require_gate("stability=FLOW-1", "stability", "", "FLOW-1", "stability");
}

TEST_CASE("gate parser: unknown names, with a did-you-mean when close", "[gate]") {
    require_problem("feature_parityy", "not a known gate", "feature_parity");
    require_problem("Feature-Parity", "not a known gate", "feature_parity");
    require_problem("perfomance", "not a known gate", "performance");
    require_problem("stabilty:hot", "not a known gate", "stability");
    require_problem("capabilty:tls", "not a known gate", "capability");
    require_problem("speed", "not a known gate");
    require_problem("perf ormance", "only letters, digits", "performance");
}

TEST_CASE("gate parser: capability without a name, too many colons, bad characters", "[gate]") {
    require_problem("capability", "`capability` needs a name");
    require_problem("capability = LANG-1", "`capability` needs a name");
    require_problem("capability:tls:edge:more", "too many `:` parts (expected `capability:NAME[:CASE]`)");
    require_problem("performance:hot:cold", "too many `:` parts (expected `GATE[:CASE]`)");
    require_problem("capability:", "a `:` separates nothing");
    require_problem(":hot", "a `:` separates nothing");
    require_problem("performance::hot", "a `:` separates nothing");
    require_problem("performance:hot path", "not a lower-case identifier", "performance:hot_path");
    require_problem("capability:tl$", "only letters, digits");
    require_problem("performance:h\xc3\xa9", "not a lower-case identifier", "performance:h");
}

TEST_CASE("gate parser: ` = ` with nothing after it, and empty entries", "[gate]") {
    require_problem("performance = ", "nothing follows ` = `");
    require_problem("performance =", "nothing follows ` = `");
    require_problem("performance =   \t", "nothing follows ` = `");
    require_problem("", "the gate name is empty");
    require_problem("   ", "the gate name is empty");
    require_problem(" = LANG-1", "the gate name is empty");
}
