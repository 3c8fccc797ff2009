// Which repository paths are manifests, and which module they belong to.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ksa::manifest {

enum class ManifestKind {
    module,   // <module>/koder.toml
    fragment, // <module>/self-hosted/koder_<name>.toml
};

inline constexpr std::string_view module_file_name = "koder.toml";
inline constexpr std::string_view fragment_dir_name = "self-hosted";

std::optional<ManifestKind> classify_path(std::string_view path);

// The module folder of a manifest path ("" for the repository root).
std::string module_dir(std::string_view path, ManifestKind kind);

// "<module>/koder.toml" for a module folder ("" is the root).
std::string module_manifest_path(std::string_view module_dir);

// The fragment's name: "koder_asm.toml" -> "asm".
std::string fragment_stem(std::string_view path);

// True when `path` equals `prefix` or lies below it ("" is every path).
bool is_under(std::string_view path, std::string_view prefix);

std::string_view parent_dir(std::string_view path);
std::string_view base_name(std::string_view path);

} // namespace ksa::manifest
