#!/usr/bin/env bash
# The pre-commit hook installed as .git/hooks/pre-commit (a symlink to hooks/pre-commit),
# driven by real `git commit`s: accept, reject, first commit, bypass, phases.
. "$(dirname -- "$0")/lib.sh"

# A repository with one commit (a README) and the hook installed.
repo_with_readme() {
    new_hooked_repo "$1"
    write_file README.md "# test"
    git add README.md
    commit_ok -m "readme"
}

begin_case "a valid manifest is accepted"
repo_with_readme repo
write_file engines/web/koder.toml "$(manifest_ok koder-web)"
git add engines/web/koder.toml
commit_ok -m "add koder-web"
expect_contains "$ERR" "1 manifest checked in the staged changes, no problems (phase 4)"
expect_not_contains "$ERR" "error["
[ "$(git show HEAD:engines/web/koder.toml)" = "$(manifest_ok koder-web)" ] || fail "the commit lacks the manifest"
end_case

begin_case "a misspelled status is rejected with location, excerpt and did-you-mean"
repo_with_readme repo
write_file engines/web/koder.toml "$(manifest_bad_status koder-web)"
git add engines/web/koder.toml
commit_rejected -m "add koder-web"
expect_contains "$ERR" 'engines/web/koder.toml:9:10: error[KSA005]: `status = "stabel"` is not a known status'
expect_contains "$ERR" ' 9 | status = "stabel"'
expect_contains "$ERR" '^~~~~~~~'
expect_contains "$ERR" 'help: did you mean `stable`?'
expect_contains "$ERR" "koder-spec-audit: 1 error, 0 warnings in 1 manifest checked in the staged changes (phase 4)"
expect_contains "$ERR" "git commit --no-verify"
# Nothing is written to stdout: git shows hook stderr to the user.
expect_empty "$OUT"
# The rejected change is still staged, ready to fix.
git diff --cached --name-only | grep -qx engines/web/koder.toml || fail "the manifest is no longer staged"
# Fixing it and committing again works.
write_file engines/web/koder.toml "$(manifest_ok koder-web)"
git add engines/web/koder.toml
commit_ok -m "add koder-web, fixed"
end_case

begin_case "first commit of a new repository (unborn HEAD): valid manifest accepted"
new_hooked_repo repo
write_file engines/web/koder.toml "$(manifest_ok koder-web)"
write_file engines/web/self-hosted/koder_tls.toml "$(manifest_ok koder-tls | sed '/^category/d')"
git add .
commit_ok -m "initial"
expect_contains "$ERR" "2 manifests checked in the staged changes, no problems"
end_case

begin_case "first commit of a new repository (unborn HEAD): invalid manifest rejected"
new_hooked_repo repo
write_file engines/web/koder.toml "$(manifest_bad_status koder-web)"
git add .
commit_rejected -m "initial"
expect_contains "$ERR" "engines/web/koder.toml:9:10: error[KSA005]"
git rev-parse -q --verify HEAD >/dev/null && fail "HEAD exists after a rejected first commit"
end_case

begin_case "a commit that touches no manifest is accepted silently"
repo_with_readme repo
# An invalid manifest already in history (bypassing the hook) must not matter either.
write_file engines/old/koder.toml "$(manifest_bad_status old)"
git add engines/old/koder.toml
commit_ok --no-verify -m "old, invalid"
# Files that only look like manifests are not manifests.
write_file README.md "# changed"
write_file engines/web/koder.toml.orig 'status = "not toml'
write_file docs/koder_notes.toml 'status = "not toml'
write_file engines/web/self-hosted/README.md "fragments go here"
write_file engines/web/self-hosted/koder_.toml 'not toml'
git add .
commit_ok -m "docs"
expect_empty "$ERR"
expect_empty "$OUT"
end_case

begin_case "git commit --no-verify bypasses the hook"
repo_with_readme repo
write_file engines/web/koder.toml "$(manifest_bad_status koder-web)"
git add engines/web/koder.toml
commit_ok --no-verify -m "bypass"
expect_not_contains "$ERR" "KSA005"
git cat-file -e HEAD:engines/web/koder.toml || fail "the bypassing commit lacks the manifest"
end_case

begin_case "warnings only (phase 4: category missing) are accepted and shown"
repo_with_readme repo
write_file products/notes/koder.toml "$(manifest_no_category notes)"
git add products/notes/koder.toml
commit_ok -m "notes"
expect_contains "$ERR" "products/notes/koder.toml:1:1: warning[KSA003]: \`category\` is missing"
expect_contains "$ERR" "koder-spec-audit: 0 errors, 1 warning in 1 manifest checked in the staged changes (phase 4)"
expect_not_contains "$ERR" "commit rejected"
end_case

begin_case "the same warning is an error with phase = 5 staged in .koder-spec-audit.toml"
repo_with_readme repo
write_file .koder-spec-audit.toml "$(printf '[audit]\nphase = 5')"
write_file products/notes/koder.toml "$(manifest_no_category notes)"
git add .koder-spec-audit.toml products/notes/koder.toml
commit_rejected -m "notes"
expect_contains "$ERR" "products/notes/koder.toml:1:1: error[KSA003]"
expect_contains "$ERR" "(phase 5)"
end_case

begin_case "the same warning is an error with phase = 5 committed earlier"
repo_with_readme repo
write_file .koder-spec-audit.toml "$(printf '[audit]\nphase = 5')"
git add .koder-spec-audit.toml
commit_ok -m "strict audit"
expect_empty "$ERR"
write_file products/notes/koder.toml "$(manifest_no_category notes)"
git add products/notes/koder.toml
commit_rejected -m "notes"
expect_contains "$ERR" "error[KSA003]"
# The configuration is read from the index, not the working tree: relaxing it on disk only
# changes nothing.
write_file .koder-spec-audit.toml "$(printf '[audit]\nphase = 4')"
commit_rejected -m "notes"
expect_contains "$ERR" "error[KSA003]"
git add .koder-spec-audit.toml
commit_ok -m "notes, advisory again"
expect_contains "$ERR" "warning[KSA003]"
end_case

begin_case "--phase on the command line overrides the configuration"
repo_with_readme repo
write_file products/notes/koder.toml "$(manifest_no_category notes)"
git add products/notes/koder.toml
expect_exit 0 koder-spec-audit hook pre-commit
expect_contains "$ERR" "warning[KSA003]"
expect_empty "$OUT"
expect_exit 1 koder-spec-audit hook pre-commit --phase 5
expect_contains "$ERR" "error[KSA003]"
expect_contains "$ERR" "(phase 5)"
expect_empty "$OUT"
# And downwards: a strict file, an advisory run.
write_file .koder-spec-audit.toml "$(printf '[audit]\nphase = 5')"
git add .koder-spec-audit.toml
expect_exit 1 koder-spec-audit hook pre-commit
expect_exit 0 koder-spec-audit hook pre-commit --phase 4
expect_contains "$ERR" "warning[KSA003]"
# Only 4 and 5 exist.
expect_exit 2 koder-spec-audit hook pre-commit --phase 3
expect_exit 2 koder-spec-audit hook pre-commit --phase five
# The hook script passes its arguments on.
expect_exit 0 .git/hooks/pre-commit --phase 4
expect_exit 1 .git/hooks/pre-commit --phase 5
end_case

begin_case "an invalid .koder-spec-audit.toml fails closed (exit 2) and says where"
repo_with_readme repo
write_file .koder-spec-audit.toml "$(printf '[audit]\nphase = 7')"
write_file engines/web/koder.toml "$(manifest_ok koder-web)"
git add .
expect_exit 2 koder-spec-audit hook pre-commit
expect_contains "$ERR" ".koder-spec-audit.toml:2:9:"
expect_contains "$ERR" "phase"
before=$(commit_count)
expect_exit nonzero git commit -q -m "bad config"
expect_commits "$before"
end_case

begin_case "several files: every problem is reported, sorted by path"
repo_with_readme repo
write_file engines/b/koder.toml "$(manifest_bad_status b)"
write_file engines/a/koder.toml "$(manifest_ok a | sed 's/^category = "engine"/category = "engin"/')"
write_file engines/c/koder.toml "$(manifest_ok c)"
git add engines
commit_rejected -m "three"
expect_contains "$ERR" "engines/a/koder.toml:1:12: error[KSA002]"
expect_contains "$ERR" 'did you mean `engine`?'
expect_contains "$ERR" "engines/b/koder.toml:9:10: error[KSA005]"
expect_not_contains "$ERR" "engines/c/koder.toml"
expect_contains "$ERR" "2 errors, 0 warnings in 3 manifests checked"
first=$(grep -n 'engines/a/koder.toml' "$ERR" | head -n1 | cut -d: -f1)
second=$(grep -n 'engines/b/koder.toml' "$ERR" | head -n1 | cut -d: -f1)
[ "$first" -lt "$second" ] || fail "diagnostics are not sorted by path"
end_case

finish
