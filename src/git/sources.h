// TreeSource implementations over the index and over a commit's tree (internal to git/).
#pragma once

#include <memory>
#include <string>

#include "git/handles.h"
#include "source/tree_source.h"

namespace ksa::git {

class IndexSource final : public TreeSource {
public:
    IndexSource(std::shared_ptr<git_repository> repository, IndexPtr index)
        : repository_(std::move(repository)), index_(std::move(index)) {}

    [[nodiscard]] std::string description() const override { return "index"; }
    Expected<std::vector<Candidate>> list_manifests(const std::string& prefix) override;
    Expected<Entry> stat(const std::string& path) override;
    Expected<std::string> read(const std::string& path) override;
    Expected<bool> has_fragments(const std::string& module_dir) override;

private:
    std::shared_ptr<git_repository> repository_;
    IndexPtr index_;
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

private:
    std::shared_ptr<git_repository> repository_;
    TreePtr tree_;
    std::string description_;
};

} // namespace ksa::git
