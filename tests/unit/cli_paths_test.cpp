// cli/options.h: user paths turned into repository paths.
#include <catch2/catch.hpp>

#include "cli/options.h"

using ksa::cli::to_repository_path;

namespace {

std::string repository_path(const std::string& prefix, const std::string& user_path,
                            const std::string& root = "/nonexistent/repo") {
    auto path = to_repository_path(root, prefix, user_path);
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
    CHECK_FALSE(to_repository_path("/nonexistent/repo", "", "..").ok());
    CHECK_FALSE(to_repository_path("/nonexistent/repo", "", "../other").ok());
    CHECK_FALSE(to_repository_path("/nonexistent/repo", "engines", "../../x").ok());
    CHECK_FALSE(to_repository_path("/nonexistent/repo", "", "/etc/passwd").ok());
}

TEST_CASE("cli paths: absolute paths inside the work tree become repository paths", "[cli]") {
    CHECK(repository_path("", "/nonexistent/repo/engines/lang") == "engines/lang");
    CHECK(repository_path("engines", "/nonexistent/repo/engines/lang/koder.toml") == "engines/lang/koder.toml");
    CHECK(repository_path("", "/nonexistent/repo/engines/./x/../lang/") == "engines/lang");
    CHECK(repository_path("", "/nonexistent/repo").empty());
    CHECK(repository_path("", "/nonexistent/repo/", "/nonexistent/repo/").empty());
    CHECK(repository_path("", "/nonexistent/repo/a", "/nonexistent/repo/") == "a");
    CHECK_FALSE(to_repository_path("/nonexistent/repo", "", "/nonexistent/repository/a").ok());
    CHECK_FALSE(to_repository_path("/nonexistent/repo", "", "/nonexistent/repo/../other").ok());
    CHECK_FALSE(to_repository_path("/nonexistent/repo", "", "/").ok());
    // A bare repository has no work tree to place an absolute path in.
    CHECK_FALSE(to_repository_path("", "", "/nonexistent/repo/a").ok());
}
