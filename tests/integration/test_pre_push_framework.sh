#!/usr/bin/env bash
# The pre-push hook offered to the pre-commit framework (.pre-commit-hooks.yaml, id
# koder-spec-audit-pre-push, stages: [pre-push]), installed with `pre-commit install --hook-type
# pre-push` and driven by real pushes to a bare repository: the framework reads git's pre-push
# input and passes the range in PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF.
. "$(dirname -- "$0")/lib.sh"

command -v pre-commit >/dev/null 2>&1 || skip_test "pre-commit not installed"

# The tool's own hook definition, committed in a scratch repository (HOOK_REPO, HOOK_REV).
framework_hook_repo

# framework_client: ./server.git (no hooks) and ./client (entered), the framework's pre-push
# hook installed from a committed .pre-commit-config.yaml; nothing pushed yet.
framework_client() {
    git init -q --bare -- server.git
    SERVER=$(cd -- server.git && pwd -P)
    new_client client
    cat >.pre-commit-config.yaml <<YAML
repos:
  - repo: $HOOK_REPO
    rev: $HOOK_REV
    hooks:
      - id: koder-spec-audit-pre-push
YAML
    git add .pre-commit-config.yaml
    git commit -q -m "pre-commit config"
    expect_exit 0 pre-commit install --hook-type pre-push
    expect_file .git/hooks/pre-push
}

push_stopped() {
    expect_exit nonzero git push "$@"
    cat "$OUT" >>"$ERR"
    expect_contains "$ERR" "koder-spec-audit (the pushed commits, as the server would judge them)"
    expect_contains "$ERR" "Failed"
    expect_contains "$ERR" "push stopped before sending"
}

begin_case "the first push of a repository (a root commit: the framework sets no range)"
framework_client
write_file engines/web/koder.toml "$(manifest_bad_status koder-web)"
git add engines/web/koder.toml
git commit -q -m "typo"
push_stopped origin main
expect_contains "$ERR" "engines/web/koder.toml:9:10: error[KSA005]"
expect_contains "$ERR" "in the push to origin (2 new commits on 1 ref)"
expect_server_ref refs/heads/main ""
end_case

begin_case "a bad commit on a pushed branch is stopped, the fix goes"
framework_client
push_ok origin main
write_file engines/web/koder.toml "$(manifest_bad_status koder-web)"
git add engines/web/koder.toml
git commit -q -m "typo"
push_stopped origin main
expect_contains "$ERR" "refs/heads/main, commit $(short) \"typo\":"
expect_contains "$ERR" "(1 new commit on 1 ref)"
git reset -q --hard HEAD~1
write_file engines/web/koder.toml "$(manifest_ok koder-web)"
git add engines/web/koder.toml
git commit -q -m "web"
push_ok origin main
cat "$OUT" >>"$ERR"
expect_contains "$ERR" "Passed"
expect_server_ref refs/heads/main "$(rev)"
end_case

begin_case "a new branch: judged from where it leaves what the remote has"
framework_client
push_ok origin main
git checkout -q -b feature
commit_file docs/a.md "a" "docs"
write_file engines/web/koder.toml "$(manifest_bad_status koder-web)"
git add engines/web/koder.toml
git commit -q -m "typo"
push_stopped origin feature
expect_contains "$ERR" "error[KSA005]"
expect_contains "$ERR" "(2 new commits on 1 ref)"
expect_server_ref refs/heads/feature ""
end_case

finish
