// A TreeSource over files held in memory: what a ref naming a single blob is judged as.
#pragma once

#include <map>
#include <string>

#include "source/tree_source.h"

namespace ksa {

class MemorySource final : public TreeSource {
  public:
    MemorySource(std::string description, std::map<std::string, std::string> files)
        : description_(std::move(description)), files_(std::move(files)) {}

    [[nodiscard]] std::string description() const override { return description_; }
    Expected<std::vector<Candidate>> list_manifests(const std::string& prefix) override;
    Expected<Entry> stat(const std::string& path) override;
    Expected<std::string> read(const std::string& path) override;
    Expected<bool> has_fragments(const std::string& module_dir) override;

  private:
    std::string description_;
    std::map<std::string, std::string> files_;
};

} // namespace ksa
