// Which paths are manifests (manifest/paths.h), and which module they belong to.
#include <catch2/catch.hpp>

#include "manifest/paths.h"

using ksa::manifest::ManifestKind;
using namespace ksa::manifest;

TEST_CASE("paths: koder.toml at any depth is a module manifest", "[paths]") {
    CHECK(classify_path("koder.toml") == ManifestKind::module);
    CHECK(classify_path("engines/lang/lang/koder.toml") == ManifestKind::module);
    CHECK(classify_path("self-hosted/koder.toml") == ManifestKind::module);
}

TEST_CASE("paths: self-hosted/koder_<name>.toml is a fragment", "[paths]") {
    CHECK(classify_path("engines/asm/self-hosted/koder_asm.toml") == ManifestKind::fragment);
    CHECK(classify_path("self-hosted/koder_x.toml") == ManifestKind::fragment);
}

TEST_CASE("paths: look-alikes are not manifests", "[paths]") {
    CHECK_FALSE(classify_path("").has_value());
    CHECK_FALSE(classify_path("Koder.toml").has_value());
    CHECK_FALSE(classify_path("koder.toml.bak").has_value());
    CHECK_FALSE(classify_path("engines/x/xkoder.toml").has_value());
    CHECK_FALSE(classify_path("engines/x/koder_asm.toml").has_value());          // not under self-hosted/
    CHECK_FALSE(classify_path("engines/x/self-hosted/koder_.toml").has_value()); // no name
    CHECK_FALSE(classify_path("engines/x/self-hosted/koder_a.tomlx").has_value());
    CHECK_FALSE(classify_path("engines/x/self-hosted/asm.toml").has_value());
    CHECK_FALSE(classify_path("engines/x/self-hosted/sub/koder_a.toml").has_value());
    CHECK_FALSE(classify_path("engines/x/self_hosted/koder_a.toml").has_value());
    CHECK_FALSE(classify_path("engines/x/my-self-hosted/koder_a.toml").has_value());
}

TEST_CASE("paths: the module folder of a manifest", "[paths]") {
    CHECK(module_dir("koder.toml", ManifestKind::module).empty());
    CHECK(module_dir("engines/lang/koder.toml", ManifestKind::module) == "engines/lang");
    CHECK(module_dir("engines/asm/self-hosted/koder_asm.toml", ManifestKind::fragment) == "engines/asm");
    CHECK(module_dir("self-hosted/koder_x.toml", ManifestKind::fragment).empty());
    CHECK(module_manifest_path("") == "koder.toml");
    CHECK(module_manifest_path("engines/asm") == "engines/asm/koder.toml");
    CHECK(fragment_stem("engines/asm/self-hosted/koder_asm_x86.toml") == "asm_x86");
}

TEST_CASE("paths: is_under, parent_dir and base_name", "[paths]") {
    CHECK(is_under("engines/lang/koder.toml", "engines"));
    CHECK(is_under("engines/lang/koder.toml", "engines/lang"));
    CHECK(is_under("engines", "engines"));
    CHECK(is_under("anything", ""));
    CHECK_FALSE(is_under("engines-old/koder.toml", "engines"));
    CHECK_FALSE(is_under("engines", "engines/lang"));
    CHECK(parent_dir("a/b/c") == "a/b");
    CHECK(parent_dir("c").empty());
    CHECK(base_name("a/b/c") == "c");
    CHECK(base_name("c") == "c");
}
