// TreeSource implementations over the index and over a git tree (internal to git/).
#pragma once

#include <memory>
#include <string>

#include "git/index_file.h"
#include "git/tree_walk.h"
#include "source/tree_source.h"

namespace ksa::git {

// The index as read by read_index_file(): only manifest and configuration entries are known,
// which is all the audit ever asks about.
class IndexSource final : public TreeSource {
  public:
    IndexSource(std::shared_ptr<ObjectStore> store, IndexSnapshot snapshot)
        : store_(std::move(store)), snapshot_(std::move(snapshot)) {}

    [[nodiscard]] std::string description() const override { return "index"; }
    Expected<std::vector<Candidate>> list_manifests(const std::string& prefix) override;
    Expected<Entry> stat(const std::string& path) override;
    Expected<std::string> read(const std::string& path) override;
    Expected<bool> has_fragments(const std::string& module_dir) override;

    [[nodiscard]] const IndexSnapshot& snapshot() const { return snapshot_; }

  private:
    [[nodiscard]] const IndexEntry* find(const std::string& path) const;

    std::shared_ptr<ObjectStore> store_;
    IndexSnapshot snapshot_;
};

// A tree (a commit's, a tag's) as checkout would write it: read through validated trees with
// git's canonical modes. A tree that fails validation on the way is a Failure naming it.
class GitTreeSource final : public TreeSource {
  public:
    GitTreeSource(std::shared_ptr<ObjectStore> store, const ObjectId& root, std::string description)
        : store_(std::move(store)), root_(root), description_(std::move(description)) {}

    [[nodiscard]] std::string description() const override { return description_; }
    Expected<std::vector<Candidate>> list_manifests(const std::string& prefix) override;
    Expected<Entry> stat(const std::string& path) override;
    Expected<std::string> read(const std::string& path) override;
    Expected<bool> has_fragments(const std::string& module_dir) override;

    [[nodiscard]] const ObjectId& root() const { return root_; }

  private:
    Expected<PathLookup> lookup(const std::string& path);

    std::shared_ptr<ObjectStore> store_;
    ObjectId root_;
    std::string description_;
};

// A blob's size from its header; a Failure when `id` is not a blob.
Expected<std::uint64_t> blob_size(ObjectReader& reader, const ObjectId& id, const std::string& path);
Expected<std::string> read_blob(ObjectReader& reader, const ObjectId& id, const std::string& path);

} // namespace ksa::git
