#include "git/handles.h"

#include <cstdlib>

#include <fmt/format.h>

namespace ksa::git {

void ensure_initialized() {
    static const bool initialized = [] {
        git_libgit2_init();
        // Reads trust the object database as git does: no re-hash of every object read.
        git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
        std::atexit([] { git_libgit2_shutdown(); });
        return true;
    }();
    (void)initialized;
}

Failure last_error(std::string_view what) {
    const git_error* error = git_error_last();
    return Failure{fmt::format("{}: {}", what, error != nullptr && error->message != nullptr
                                                   ? error->message
                                                   : "unknown libgit2 error")};
}

std::string to_hex(const git_oid& oid) {
    char buffer[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(buffer, sizeof buffer, &oid);
    return buffer;
}

Expected<git_oid> parse_object_id(std::string_view id) {
    git_oid oid;
    if (id.size() == 64) return Failure{fmt::format("'{}' is a SHA-256 id: SHA-256 repositories are not supported", id)};
    if (id.size() != GIT_OID_HEXSZ || git_oid_fromstrn(&oid, id.data(), id.size()) < 0)
        return Failure{fmt::format("'{}' is not an object id", id)};
    return oid;
}

} // namespace ksa::git
