// cli/modes.h and report/renderers.h: the mode table, the renderer table, and the formats
// table of docs/manual.md that both generate.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "cli/modes.h"
#include "report/renderers.h"

using ksa::cli::Mode;

TEST_CASE("modes: docs/manual.md holds the formats table the mode and renderer tables generate", "[modes][docs]") {
    std::ifstream in(std::filesystem::path(KSA_SOURCE_DIR) / "docs" / "manual.md", std::ios::binary);
    std::ostringstream manual;
    manual << in.rdbuf();
    const std::string table = ksa::cli::formats_table_markdown();
    INFO("the generated table (paste it into docs/manual.md, section Output options):\n" << table);
    CHECK(manual.str().find(table) != std::string::npos);
}

TEST_CASE("modes: every mode runs, writes at least one format and is named once", "[modes]") {
    std::set<std::string> names;
    const auto modes = ksa::cli::all_modes();
    for (std::size_t i = 0; i < modes.size(); ++i) {
        const Mode& mode = modes[i];
        INFO(ksa::cli::mode_name(mode));
        CHECK(mode.run != nullptr);
        CHECK_FALSE(mode.summary.empty());
        CHECK_FALSE(ksa::report::formats_of(mode.output).empty());
        CHECK(names.insert(ksa::cli::mode_name(mode)).second);
        if ((mode.needs & ksa::cli::takes_targets) == 0 && !mode.flag.empty() && mode.command == "self-hosted")
            CHECK_FALSE(mode.no_targets.empty());
        // A variant (--report --check) comes before its plain mode, which would otherwise win.
        if (!mode.variant.empty()) {
            bool plain_after = false;
            for (std::size_t j = i + 1; j < modes.size(); ++j)
                plain_after = plain_after || (modes[j].command == mode.command && modes[j].flag == mode.flag &&
                                              modes[j].variant.empty());
            CHECK(plain_after);
        }
    }
}

TEST_CASE("modes: an option's companion is a mode flag or an option of the same command", "[modes]") {
    for (const ksa::cli::ModeOption& option : ksa::cli::mode_options()) {
        INFO(option.command << " " << option.option << " needs " << option.needs);
        bool known = false;
        for (const Mode& mode : ksa::cli::all_modes())
            known = known ||
                    (mode.command == option.command && (mode.flag == option.needs || mode.variant == option.needs));
        for (const ksa::cli::ModeOption& other : ksa::cli::mode_options())
            known = known || (other.command == option.command && other.option == option.needs);
        CHECK(known);
    }
}

TEST_CASE("renderers: each output's formats, the default first", "[modes][report]") {
    using ksa::report::Format;
    using ksa::report::Output;
    const auto formats = [](Output output) {
        const auto span = ksa::report::formats_of(output);
        return std::vector<Format>(span.begin(), span.end());
    };
    CHECK(formats(Output::diagnostics) == std::vector<Format>{Format::text, Format::json, Format::sarif});
    CHECK(formats(Output::registry) == std::vector<Format>{Format::markdown, Format::json});
    CHECK(formats(Output::comparison) == std::vector<Format>{Format::text});
    CHECK(formats(Output::history) == std::vector<Format>{Format::text, Format::json, Format::markdown, Format::svg});
    CHECK(formats(Output::decision) == std::vector<Format>{Format::text, Format::json});
    CHECK(formats(Output::settings) == std::vector<Format>{Format::text, Format::json});
    CHECK(formats(Output::catalogue) == std::vector<Format>{Format::text});
    CHECK(ksa::report::parse_format("JSON") == Format::json);
    CHECK_FALSE(ksa::report::parse_format("1").has_value());
    CHECK(ksa::report::formats_in_words(formats(Output::diagnostics)) == "text, json or sarif");
}

TEST_CASE("renderers: the comparison says up to date, or shows the diff and the fix", "[modes][report]") {
    using ksa::report::Format;
    const ksa::report::RegistryComparison same{"r.md", "a\n", "a\n", 3};
    CHECK(ksa::report::render(Format::text, same, {}) == "koder-spec-audit: r.md is up to date (3 pairs)\n");
    const ksa::report::RegistryComparison different{"r.md", "a\n", "b\n", 3};
    const std::string out = ksa::report::render(Format::text, different, {});
    CHECK_THAT(out, Catch::Contains("-a\n+b\n"));
    CHECK_THAT(out, Catch::EndsWith("koder-spec-audit: r.md differs from what the manifests generate; fix it with:\n"
                                    "  koder-spec-audit self-hosted --report && git add r.md\n"));
}
