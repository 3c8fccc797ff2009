#include "cli/reference.h"

#include <fmt/format.h>

namespace ksa::cli {
namespace {

constexpr ReferenceEntry exit_codes[] = {
    {"0", "clean: no errors (warnings allowed)"},
    {"1", "violations: at least one error-severity diagnostic"},
    {"2", "could not run: usage error, no repository when one is needed, unknown revision, malformed "
          "configuration, internal error"},
};

constexpr ReferenceEntry files[] = {
    {"koder.toml", "A module's manifest: `category`, `[self_hosted]` or `[no_external_alternative]`."},
    {"self-hosted/koder_*.toml", "Self-hosted fragments: one more `[self_hosted]` block of the module above."},
    {".koder-spec-audit.toml",
     "The settings, at the repository root, read from the same tree as the manifests; its keys are listed under "
     "Settings."},
    {"meta/docs/stack/registries/self-hosted-pairs.md",
     "The generated registry of self-hosted pairs (`registry.path`), written by `self-hosted --report`."},
    {"$GIT_COMMON_DIR/koder-spec-audit/history/", "The cache of `self-hosted --history` (`--no-cache` skips it)."},
    {"/usr/share/koder-spec-audit/hooks/",
     "The git hooks pre-commit, pre-push and pre-receive (one script; its name picks the hook); link or copy "
     "them into .git/hooks, or point core.hooksPath there."},
    {"/usr/share/koder-spec-audit/install/forgejo-hook.sh",
     "Installs the pre-receive hook into a Forgejo server's repositories."},
};

constexpr ReferenceEntry environment[] = {
    {"NO_COLOR", "Set to anything non-empty: no colour, whatever `--color` says."},
    {"KODER_SPEC_AUDIT", "Read by the hook scripts: the tool to run (default: beside the hook, then PATH)."},
    {"GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES",
     "The repository, as git sets them for hooks (a temporary index, a push's quarantine)."},
    {"PRE_COMMIT_FROM_REF, PRE_COMMIT_TO_REF, PRE_COMMIT_REMOTE_NAME, PRE_COMMIT_REMOTE_BRANCH, "
     "PRE_COMMIT_LOCAL_BRANCH",
     "The pre-commit framework's pre-push range: `hook pre-push` reads them when given no range of its own."},
    {"GIT_PUSH_OPTION_COUNT, GIT_PUSH_OPTION_<n>", "Push options (`git push -o`): the pre-receive hook's override."},
    {"GITEA_PUSHER_NAME", "Who pushed (Forgejo sets it; `koder-audit.pusherVariable` names another): the "
                          "pre-receive hook grants an override only to the users `koder-audit.overrideUser` lists."},
    {"GITEA_DEPLOY_KEY_ID", "Set by Forgejo for a push with a deploy key: such a push is never granted an override."},
    {"SSL_CERT_FILE, SSL_CERT_DIR", "Certificates for `self-hosted --gate-check --online`."},
};

} // namespace

std::span<const ReferenceEntry> exit_code_table() { return exit_codes; }
std::span<const ReferenceEntry> file_table() { return files; }
std::span<const ReferenceEntry> environment_table() { return environment; }

std::string reference_table_markdown(std::string_view term_heading, std::span<const ReferenceEntry> entries,
                                     bool plain_term) {
    std::string out = fmt::format("| {} | meaning |\n|---|---|\n", term_heading);
    for (const ReferenceEntry& entry : entries)
        out += fmt::format("| {} | {} |\n", plain_term ? std::string(entry.term) : fmt::format("`{}`", entry.term),
                           entry.meaning);
    return out;
}

} // namespace ksa::cli
