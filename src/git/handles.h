// The one home of libgit2 in the project: owning handles, the error type, initialisation.
// Only files in src/git/ include this header or call git_* functions.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <git2.h>

#include "git/object_id.h"
#include "support/expected.h"

namespace ksa::git {

template <auto Free> struct Deleter {
    template <typename T> void operator()(T* handle) const noexcept { Free(handle); }
};

using RepositoryPtr = std::unique_ptr<git_repository, Deleter<&git_repository_free>>;
using IndexPtr = std::unique_ptr<git_index, Deleter<&git_index_free>>;
using ObjectPtr = std::unique_ptr<git_object, Deleter<&git_object_free>>;
using OdbPtr = std::unique_ptr<git_odb, Deleter<&git_odb_free>>;
using ReferencePtr = std::unique_ptr<git_reference, Deleter<&git_reference_free>>;
using OdbObjectPtr = std::unique_ptr<git_odb_object, Deleter<&git_odb_object_free>>;

// Folders nested deeper than this are refused instead of walked: the walks recurse, and a
// hostile push must not exhaust the stack (git's own core.maxTreeDepth defaults to 2048).
inline constexpr std::size_t max_tree_depth = 1024;

// True when `folder` ("a/b/c" or "a/b/c/") lies deeper than max_tree_depth.
inline bool too_deep(std::string_view folder) {
    std::size_t depth = 0;
    for (char c : folder)
        if (c == '/' && ++depth > max_tree_depth) return true;
    return false;
}

// Between the layer's ObjectId and libgit2's git_oid.
inline git_oid to_oid(const ObjectId& id) {
    git_oid oid;
    std::memcpy(oid.id, id.data(), id.size());
    return oid;
}
inline ObjectId from_oid(const git_oid& oid) { return object_id_from_raw(oid.id); }
inline std::string to_hex(const git_oid& oid) { return to_hex(from_oid(oid)); }

// Initialises libgit2 once per process (and shuts it down at exit).
void ensure_initialized();

// A Failure carrying libgit2's last error message: "<what>: <libgit2 message>".
Failure last_error(std::string_view what);

// Runs a libgit2 call returning an int; on failure returns the Failure to propagate.
inline std::optional<Failure> check(int code, std::string_view what) {
    if (code < 0) return last_error(what);
    return std::nullopt;
}

} // namespace ksa::git
