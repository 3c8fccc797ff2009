// cli/options.h: user paths turned into repository paths.
#include <catch2/catch.hpp>

#include "cli/options.h"

using ksa::cli::to_repository_path;

namespace {

std::string repository_path(const std::string& prefix, const std::string& user_path) {
    auto path = to_repository_path(prefix, user_path);
    INFO(prefix << " + " << user_path);
    REQUIRE(path.ok());
    return *path;
}

} // namespace

TEST_CASE("cli paths: user paths are normalised against the current folder's prefix", "[cli]") {
    CHECK(repository_path("", "engines/lang") == "engines/lang");
    CHECK(repository_path("", "./engines/lang/") == "engines/lang");
    CHECK(repository_path("", ".").empty());
    CHECK(repository_path("", "").empty());
    CHECK(repository_path("engines", "lang") == "engines/lang");
    CHECK(repository_path("engines/lang", "..") == "engines");
    CHECK(repository_path("engines/lang", "../../koder.toml") == "koder.toml");
}

TEST_CASE("cli paths: paths outside the repository are refused", "[cli]") {
    CHECK_FALSE(to_repository_path("", "..").ok());
    CHECK_FALSE(to_repository_path("", "../other").ok());
    CHECK_FALSE(to_repository_path("engines", "../../x").ok());
    CHECK_FALSE(to_repository_path("", "/etc/passwd").ok());
}
