// TreeSource implementations over the index and over a commit's tree (internal to git/).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "git/handles.h"
#include "git/index_file.h"
#include "source/tree_source.h"

namespace ksa::git {

// The index as read by read_index_file(): only manifest and configuration entries are known,
// which is all the audit ever asks about.
class IndexSource final : public TreeSource {
public:
    IndexSource(std::shared_ptr<git_repository> repository, IndexSnapshot snapshot)
        : repository_(std::move(repository)), snapshot_(std::move(snapshot)) {}

    [[nodiscard]] std::string description() const override { return "index"; }
    Expected<std::vector<Candidate>> list_manifests(const std::string& prefix) override;
    Expected<Entry> stat(const std::string& path) override;
    Expected<std::string> read(const std::string& path) override;
    Expected<bool> has_fragments(const std::string& module_dir) override;

    [[nodiscard]] const IndexSnapshot& snapshot() const { return snapshot_; }

private:
    [[nodiscard]] const IndexEntry* find(const std::string& path) const;

    std::shared_ptr<git_repository> repository_;
    IndexSnapshot snapshot_;
};

class CommitTreeSource final : public TreeSource {
public:
    CommitTreeSource(std::shared_ptr<git_repository> repository, TreePtr tree, std::string description)
        : repository_(std::move(repository)), tree_(std::move(tree)), description_(std::move(description)) {}

    [[nodiscard]] std::string description() const override { return description_; }
    Expected<std::vector<Candidate>> list_manifests(const std::string& prefix) override;
    Expected<Entry> stat(const std::string& path) override;
    Expected<std::string> read(const std::string& path) override;
    Expected<bool> has_fragments(const std::string& module_dir) override;

    // The id and mode of a path met while listing, so stat/read need no second lookup.
    struct KnownEntry {
        git_oid id;
        std::uint32_t mode;
    };

private:
    std::shared_ptr<git_repository> repository_;
    TreePtr tree_;
    std::string description_;
    std::map<std::string, KnownEntry> listed_;
};

EntryKind kind_of_mode(std::uint32_t mode);

} // namespace ksa::git
