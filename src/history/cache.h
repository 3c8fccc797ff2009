// The history cache: what a pass mined up to a commit, so a re-run only mines newer commits.
//
// One file per mined tip, `<dir>/<commit id>`, written to a temporary name and renamed into
// place (concurrent runs never see a torn file). A file that does not read back completely,
// or was written with other limits or by another format version, is ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "history/model.h"
#include "support/expected.h"

namespace ksa::history {

class HistoryCache {
  public:
    // `dir` is created on the first store; `fingerprint` names the settings that change what a
    // pass produces (the size limit), so a cache from other settings is not reused.
    HistoryCache(std::string dir, std::string fingerprint);

    // The commit ids with a cache file.
    [[nodiscard]] std::set<std::string> tips() const;

    // The history mined up to `tip`, or nullopt when the file is missing or unusable.
    [[nodiscard]] std::optional<MinedHistory> load(const std::string& tip) const;

    // Writes the history under its last commit's id and keeps only the `keep` newest files.
    std::optional<Failure> store(const MinedHistory& history, std::size_t keep = 8) const;

    [[nodiscard]] const std::string& dir() const { return dir_; }

    // The text form (exposed for tests).
    static std::string serialize(const MinedHistory& history, const std::string& fingerprint);
    static std::optional<MinedHistory> deserialize(const std::string& text, const std::string& fingerprint);

  private:
    std::string dir_;
    std::string fingerprint_;
};

} // namespace ksa::history
