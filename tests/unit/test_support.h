// Helpers shared by the unit tests: run the rules over a TOML string, temporary folders,
// a small JSON syntax checker.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/audit_config.h"
#include "diag/diagnostic.h"
#include "manifest/paths.h"
#include "rules/context.h"

namespace ksa::test {

inline constexpr std::string_view module_path = "engines/demo/koder.toml";
inline constexpr std::string_view fragment_path = "engines/demo/self-hosted/koder_asm.toml";

struct CheckOptions {
    Phase phase = Phase::advisory;
    std::string path = std::string(module_path); // its kind follows from the name
    rules::ModuleFacts facts;
};

// Parses `text` as the manifest at options.path and runs every manifest rule over it.
// A syntax error fails the calling test (rule tests are about valid TOML).
Diagnostics check_manifest(std::string_view text, const CheckOptions& options = {});

// The same manifest checked in phase 4 and in phase 5.
struct PhaseRuns {
    Diagnostics advisory;
    Diagnostics strict;
};
PhaseRuns check_both_phases(std::string_view text, CheckOptions options = {});

// The diagnostics of one rule.
Diagnostics only_rule(const Diagnostics& diagnostics, RuleCode rule);

// One line per diagnostic ("KSA005 error 5:10 message"), for INFO() and failure messages.
std::string describe(const Diagnostics& diagnostics);

// Requires exactly one diagnostic in `diagnostics`, of `rule` and `severity`, at line:column.
void require_single(const Diagnostics& diagnostics, RuleCode rule, Severity severity, int line, int column);

// Requires exactly one diagnostic in each phase, of `rule`, at line:column, with the severity
// the phase gives it: `advisory` in phase 4 and `strict` in phase 5.
void require_single_in_phases(std::string_view text, RuleCode rule, Severity advisory, Severity strict, int line,
                              int column, const CheckOptions& options = {});

// Requires that neither phase reports anything for `text`.
void require_clean(std::string_view text, const CheckOptions& options = {});

// A folder under the system's temporary directory, unique per instance, removed on destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

    // Writes `content` (bytes, as is) to `relative`, creating its folders.
    std::filesystem::path write(const std::string& relative, std::string_view content) const;

  private:
    std::filesystem::path path_;
};

// A repository in a temporary folder, with git isolated from the user's and the system's
// configuration and from any GIT_* variables of the process running the tests.
class GitRepo {
  public:
    GitRepo();

    [[nodiscard]] std::filesystem::path work() const { return dir_.path() / "repo"; }
    [[nodiscard]] std::filesystem::path git_dir() const { return work() / ".git"; }
    [[nodiscard]] std::string index() const { return (git_dir() / "index").string(); }

    // Runs `git <args>` in the work tree; returns its standard output. Fails the test on error.
    std::string git(const std::string& args) const { return command(args, work()); }

    // Writes `content` (bytes, as is) to `relative` in the work tree, creating its folders.
    void write(const std::string& relative, std::string_view content) const;

  private:
    std::string command(const std::string& args, const std::filesystem::path& where) const;

    TempDir dir_;
};

// True when `text` is one syntactically valid JSON value (RFC 8259), with nothing after it
// but whitespace. On failure, `error` says where.
bool is_valid_json(std::string_view text, std::string* error = nullptr);

// "" for valid JSON, else where and why it is not (so a failed CHECK shows the reason).
std::string json_problem(std::string_view text);

// The bytes of a file.
std::string read_file(const std::filesystem::path& path);

} // namespace ksa::test
