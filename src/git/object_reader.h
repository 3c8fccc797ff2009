// The one object reader of the git layer (internal to git/): the pack reader first, libgit2 for
// whatever it does not hold (loose objects, a damaged or unusual pack). Everything that reads
// trees, commits or blobs goes through here.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "git/handles.h"
#include "git/object_id.h"
#include "git/pack_reader.h"
#include "git/raw_object.h"
#include "support/expected.h"

namespace ksa::git {

// Cache budgets: a hook keeps its memory small; a history walk re-reads delta bases a lot.
inline constexpr std::size_t hook_cache_bytes = 8U << 20;
// Per thread of a history walk (its differ's memo holds the trees of the last commit besides):
// 96 MiB cost 120 MiB of RSS a thread on a 200,000-file repository and bought no time.
inline constexpr std::size_t history_cache_bytes = 24U << 20;
// The walk down the first-parent chain reads each commit once; then the changed manifests' blobs,
// whose delta bases are other versions of the same manifest: a hook's budget is plenty.
inline constexpr std::size_t chain_cache_bytes = hook_cache_bytes;
// Compressed bytes read before a reader drops its packs' pages from RSS. A hook reads a pushed
// pack about once, in order: dropping them often keeps it small. The history walk reads trees
// all over the packs, again and again: a page fault maps 64 KiB around the page, so dropping
// them every few MiB would map most of a pack again each time; it keeps them, as git does.
inline constexpr std::uint64_t hook_trim_bytes = PackReader::default_trim_bytes;
inline constexpr std::uint64_t history_trim_bytes = 256U << 20;
// Packs above this are read with pread() by the history walk (see PackReader): mapped, the 157 MiB
// pack of a 200,000-file, 50,000-commit repository stayed resident at 112 MiB; a smaller pack is
// faster mapped and costs no more than its size.
inline constexpr std::uint64_t history_stream_above_bytes = 64U << 20;

class ObjectReader {
  public:
    // Reads the objects of `repository` as git would find them: the object folder
    // (GIT_OBJECT_DIRECTORY in a hook: the push's quarantine) and its alternates
    // (GIT_ALTERNATE_OBJECT_DIRECTORIES, objects/info/alternates).
    ObjectReader(git_repository* repository, std::size_t cache_bytes, std::uint64_t trim_bytes = hook_trim_bytes,
                 std::uint64_t stream_above_bytes = 0);
    ObjectReader(const ObjectReader&) = delete;
    ObjectReader& operator=(const ObjectReader&) = delete;

    // The object; a Failure names `what` when it is missing or cannot be read.
    Expected<ObjectData> read(const ObjectId& id, std::string_view what);
    // The same, and a Failure unless it is of type `type`.
    Expected<ObjectData> read(const ObjectId& id, ObjectType type, std::string_view what);
    // The object, or null when it cannot be read (no message is built: the fast path).
    ObjectData try_read(const ObjectId& id, std::size_t lane = 0);
    // Type and size without reading a blob's content (a huge blob stays unread).
    Expected<ObjectHeader> header(const ObjectId& id, std::string_view what);
    [[nodiscard]] bool exists(const ObjectId& id);
    // See PackReader::is_delta_of (false for objects outside the packs).
    bool is_delta_of(const ObjectId& object, const ObjectId& base) { return packs_.is_delta_of(object, base); }
    // See PackReader::keep.
    void keep(const ObjectData& object) { packs_.keep(object); }

    [[nodiscard]] git_repository* repository() const { return repository_; }

  private:
    git_odb* odb();

    git_repository* repository_;
    OdbPtr odb_;
    PackReader packs_;
};

// The object folders git reads for `repository`, in git's order: the object folder, then the
// alternates (environment first, then objects/info/alternates, recursively).
std::vector<std::string> object_directories(git_repository* repository);

} // namespace ksa::git
