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
    return Failure{fmt::format(
        "{}: {}", what, error != nullptr && error->message != nullptr ? error->message : "unknown libgit2 error")};
}

} // namespace ksa::git
