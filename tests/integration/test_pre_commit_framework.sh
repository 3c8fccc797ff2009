#!/usr/bin/env bash
# The hook offered to the pre-commit framework (.pre-commit-hooks.yaml), run by Debian's
# `pre-commit` through `pre-commit try-repo` and through a project's
# .pre-commit-config.yaml. No network: the hook is `language: system`.
. "$(dirname -- "$0")/lib.sh"

command -v pre-commit >/dev/null 2>&1 || skip_test "pre-commit not installed"

# The tool's own hook definition, committed in a scratch repository (HOOK_REPO, HOOK_REV).
framework_hook_repo

# A project repository with a README committed.
project() {
    new_repo "$1"
    cd -- "$1"
    write_file README.md "# project"
    git add README.md
    git commit -q -m readme
}

begin_case "pre-commit try-repo: a bad koder.toml fails with KSA005"
project project
write_file engines/web/koder.toml "$(manifest_bad_status koder-web)"
git add engines/web/koder.toml
expect_exit 1 pre-commit try-repo "$HOOK_REPO" koder-spec-audit --verbose
cat "$ERR" >>"$OUT"
expect_contains "$OUT" "koder-spec-audit"
expect_contains "$OUT" "Failed"
expect_contains "$OUT" "engines/web/koder.toml:9:10: error[KSA005]"
expect_contains "$OUT" 'did you mean `stable`?'
end_case

begin_case "pre-commit try-repo: a good koder.toml passes"
project project
write_file engines/web/koder.toml "$(manifest_ok koder-web)"
git add engines/web/koder.toml
expect_exit 0 pre-commit try-repo "$HOOK_REPO" koder-spec-audit --verbose
cat "$ERR" >>"$OUT"
expect_contains "$OUT" "Passed"
expect_not_contains "$OUT" "error["
end_case

begin_case "pre-commit try-repo: the staged version is judged, not the file on disk"
project project
write_file engines/web/koder.toml "$(manifest_bad_status koder-web)"
git add engines/web/koder.toml
write_file engines/web/koder.toml "$(manifest_ok koder-web)"
# pre-commit stashes the unstaged fix away while the hooks run, then restores it.
expect_exit 1 pre-commit try-repo "$HOOK_REPO" koder-spec-audit --verbose
cat "$ERR" >>"$OUT"
expect_contains "$OUT" "error[KSA005]"
grep -q 'status = "stable"' engines/web/koder.toml || fail "pre-commit lost the unstaged fix"
end_case

begin_case "installed with .pre-commit-config.yaml: git commit runs it"
project project
cat >.pre-commit-config.yaml <<EOF
repos:
  - repo: $HOOK_REPO
    rev: $HOOK_REV
    hooks:
      - id: koder-spec-audit
EOF
git add .pre-commit-config.yaml
git commit -q -m "pre-commit config"
expect_exit 0 pre-commit install
expect_file .git/hooks/pre-commit
write_file engines/web/koder.toml "$(manifest_bad_status koder-web)"
git add engines/web/koder.toml
before=$(commit_count)
expect_exit nonzero git commit -q -m "typo"
expect_commits "$before"
cat "$ERR" >>"$OUT"
expect_contains "$OUT" "engines/web/koder.toml:9:10: error[KSA005]"
write_file engines/web/koder.toml "$(manifest_ok koder-web)"
git add engines/web/koder.toml
expect_exit 0 git commit -q -m "fixed"
expect_commits $((before + 1))
# The framework runs the hook on every commit (always_run): deleting the only fragment
# of an engine module is caught without any manifest being staged.
printf '[audit]\nphase = 5\n' >.koder-spec-audit.toml
write_file engines/lang/koder.toml "$(printf 'category = "engine"\n[package]\nname = "lang"')"
write_file engines/lang/self-hosted/koder_asm.toml "$(manifest_ok kasm | sed '/^category/d')"
git add -A
expect_exit 0 git commit -q -m "lang"
git rm -q engines/lang/self-hosted/koder_asm.toml
before=$(commit_count)
expect_exit nonzero git commit -q -m "drop kasm"
expect_commits "$before"
cat "$ERR" >>"$OUT"
expect_contains "$OUT" "engines/lang/koder.toml:1:12: error[KSA010]"
end_case

finish
