#include "source/file_writer.h"

#include <fstream>

#include <fmt/format.h>
#include <unistd.h>

#include "source/worktree_source.h"

namespace fs = std::filesystem;

namespace ksa {

std::optional<Failure> write_file(const fs::path& target, std::string_view content, bool into_special) {
    std::error_code error;
    const fs::file_status status = fs::symlink_status(target, error);
    const auto write_into = [&](const fs::path& path) -> std::optional<Failure> {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        if (!out.good()) return Failure{fmt::format("cannot write {}", path.string())};
        return std::nullopt;
    };
    switch (status.type()) {
    case fs::file_type::symlink: return Failure{fmt::format("{} is a symbolic link: not written", target.string())};
    case fs::file_type::directory: return Failure{fmt::format("{} is a directory: not written", target.string())};
    case fs::file_type::not_found:
    case fs::file_type::regular: break;
    default:
        if (!into_special) return Failure{fmt::format("{} is not a regular file: not written", target.string())};
        return write_into(target);
    }
    if (!target.parent_path().empty()) {
        fs::create_directories(target.parent_path(), error);
        if (error) return Failure{fmt::format("cannot create {}: {}", target.parent_path().string(), error.message())};
    }
    const fs::path temporary = target.string() + fmt::format(".tmp-{}", ::getpid());
    if (auto problem = write_into(temporary)) return problem;
    fs::rename(temporary, target, error);
    if (error) {
        fs::remove(temporary, error);
        return Failure{fmt::format("cannot replace {}", target.string())};
    }
    return std::nullopt;
}

std::optional<Failure> write_file_in_tree(const fs::path& root, const std::string& relative, std::string_view content) {
    if (path_crosses_symlink(root, relative))
        return Failure{fmt::format("a folder on the way to {} is a symbolic link: not written", relative)};
    return write_file(root / relative, content, false);
}

} // namespace ksa
