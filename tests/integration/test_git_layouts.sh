#!/usr/bin/env bash
# The hook reads git's index itself: every index format and repository layout git users
# have must work — index versions 2, 3 and 4, feature.manyFiles, optional extensions,
# sparse checkout, intent-to-add entries, split and sparse indexes, and a repository named
# by GIT_DIR + GIT_WORK_TREE. The cases that failed when written come last (see the
# report that came with this suite), so that the others still run.
. "$(dirname -- "$0")/lib.sh"

WEB=engines/web/koder.toml
DB=engines/db/koder.toml

# A repository with the hook, two valid manifests and some other files, committed.
base_repo() {
    new_hooked_repo "$1"
    write_file "$WEB" "$(manifest_ok koder-web)"
    write_file "$DB" "$(manifest_ok koder-db)"
    for i in 1 2 3 4 5 6 7 8; do write_file "docs/section$i/page.md" "page $i"; done
    git add -A
    commit_ok -m "base"
}

# The hook's verdicts through real commits: invalid rejected, valid accepted, unrelated
# commit silent, `commit -a` and `commit PATH` judged on git's temporary index.
ROUND=0
check_hook_verdicts() {
    ROUND=$((ROUND + 1))
    version="s/^version = .*/version = \"2.$ROUND.0\"/"
    write_file "$WEB" "$(manifest_bad_status koder-web)"
    git add "$WEB"
    commit_rejected -m "typo"
    expect_contains "$ERR" "$WEB:9:10: error[KSA005]"
    expect_not_contains "$ERR" "$DB"
    write_file "$WEB" "$(manifest_ok koder-web legacy | sed "$version")"
    git add "$WEB"
    commit_ok -m "legacy"
    expect_contains "$ERR" "1 manifest checked in the staged changes, no problems"
    write_file docs/section1/page.md "changed $ROUND"
    git add docs
    commit_ok -m "docs only"
    expect_empty "$ERR"
    write_file "$DB" "$(manifest_bad_status koder-db)"
    commit_rejected -a -m "db typo, -a"
    expect_contains "$ERR" "$DB:9:10: error[KSA005]"
    commit_rejected -m "db typo, path" -- "$DB"
    expect_contains "$ERR" "$DB:9:10: error[KSA005]"
    write_file "$DB" "$(manifest_ok koder-db experimental | sed "$version")"
    commit_ok -a -m "db experimental"
    expect_exit 0 koder-spec-audit koder-toml --validate --cached
}

index_version() {
    od -An -tu1 -j7 -N1 .git/index | tr -d ' '
}

begin_case "index versions 2 and 3 (extended flags)"
base_repo repo
git update-index --index-version 2
check_hook_verdicts
# Version 3 is written only when an entry has extended flags: skip-worktree is one.
git update-index --index-version 3
git update-index --skip-worktree docs/section8/page.md
[ "$(index_version)" = 3 ] || fail "the index is not version 3"
check_hook_verdicts
end_case

begin_case "index version 4 (path compression)"
base_repo repo
git config index.version 4
git update-index --index-version 4
[ "$(index_version)" = 4 ] || fail "the index is not version 4"
check_hook_verdicts
[ "$(index_version)" = 4 ] || fail "the index is no longer version 4"
end_case

begin_case "feature.manyFiles, untracked cache, end-of-index and offset-table extensions"
base_repo repo
git config feature.manyFiles true
git config core.untrackedCache true
git config index.recordEndOfIndexEntries true
git config index.recordOffsetTable true
git config index.threads 2
git update-index --untracked-cache --index-version 4
git status --short >/dev/null
check_hook_verdicts
end_case

begin_case "a large index: only the changed folders matter"
base_repo repo
i=0
while [ $i -lt 40 ]; do
    mkdir -p "bulk/d$i"
    j=0
    while [ $j -lt 50 ]; do
        printf '%s\n' "$i $j" >"bulk/d$i/f$j.txt"
        j=$((j + 1))
    done
    write_file "bulk/d$i/module/koder.toml" "$(manifest_ok "bulk-$i")"
    i=$((i + 1))
done
git add -A
commit_ok -m "bulk"
expect_contains "$ERR" "40 manifests checked in the staged changes, no problems"
write_file bulk/d17/module/koder.toml "$(manifest_bad_status bulk-17)"
write_file bulk/d3/f1.txt "changed"
git add -A
commit_rejected -m "bulk 17 typo"
expect_contains "$ERR" "bulk/d17/module/koder.toml:9:10: error[KSA005]"
expect_contains "$ERR" "in 1 manifest checked"
git rm -q -r -f bulk/d17
commit_ok -m "drop bulk 17"
expect_exit 0 koder-spec-audit koder-toml --validate --cached
expect_contains "$OUT" "41 manifests checked"
end_case

begin_case "sparse checkout (cone mode, full index)"
base_repo repo
git sparse-checkout set --cone engines/web
[ ! -e "$DB" ] || fail "sparse checkout left $DB on disk"
write_file "$WEB" "$(manifest_bad_status koder-web)"
git add "$WEB"
commit_rejected -m "typo"
expect_contains "$ERR" "$WEB:9:10: error[KSA005]"
expect_not_contains "$ERR" "$DB"
write_file "$WEB" "$(manifest_ok koder-web legacy)"
git add "$WEB"
commit_ok -m "legacy"
expect_contains "$ERR" "1 manifest checked in the staged changes, no problems"
expect_exit 0 koder-spec-audit koder-toml --validate --cached
expect_contains "$OUT" "2 manifests checked"
end_case

begin_case "an intent-to-add entry (git add -N) is not part of the commit, so not judged"
base_repo repo
write_file .koder-spec-audit.toml "$(printf '[audit]\nphase = 5')"
git add .koder-spec-audit.toml
commit_ok -m "strict"
write_file engines/draft/koder.toml 'category = "engin"'
git add -N engines/draft/koder.toml
write_file "$WEB" "$(manifest_ok koder-web legacy)"
git add "$WEB"
commit_ok -m "legacy"
expect_not_contains "$ERR" "engines/draft"
git cat-file -e HEAD:engines/draft/koder.toml 2>/dev/null && fail "git committed the intent-to-add entry"
expect_exit 0 koder-spec-audit hook pre-commit
expect_not_contains "$ERR" "engines/draft"
# `git commit -a` does take its content: then it is judged.
commit_rejected -a -m "draft"
expect_contains "$ERR" "engines/draft/koder.toml:1:12: error[KSA002]"
end_case

begin_case "the repository named by GIT_DIR alone, from another repository's folder"
new_repo clean
write_file clean/"$WEB" "$(manifest_ok koder-web)"
git -C clean add -A
git -C clean commit -q -m clean
new_repo broken
write_file broken/"$WEB" "$(manifest_bad_status koder-web)"
git -C broken add -A
git -C broken commit -q -m broken
cd clean
# git itself follows GIT_DIR: so must the audit, or it audits the wrong repository.
[ "$(GIT_DIR="$CASE_DIR/broken/.git" git rev-parse HEAD)" = "$(git -C ../broken rev-parse HEAD)" ] \
    || fail "git does not follow GIT_DIR"
expect_exit 1 env GIT_DIR="$CASE_DIR/broken/.git" koder-spec-audit koder-toml --validate --rev HEAD
expect_contains "$OUT" "$WEB:9:10: error[KSA005]"
expect_exit 1 env GIT_DIR="$CASE_DIR/broken/.git" koder-spec-audit self-hosted --validate --cached engines/web
expect_contains "$OUT" "$WEB:9:10: error[KSA005]"
cd "$CASE_DIR"
expect_exit 1 env GIT_DIR="$CASE_DIR/broken/.git" koder-spec-audit koder-toml --validate --rev HEAD
expect_contains "$OUT" "$WEB:9:10: error[KSA005]"
end_case

begin_case "the repository named by GIT_DIR and GIT_WORK_TREE (git --git-dir --work-tree)"
git init -q --bare dotfiles.git
git --git-dir=dotfiles.git config core.bare false
mkdir -p dotfiles.git/hooks home
ln -sf "$KSA_SOURCE_DIR/hooks/pre-commit" dotfiles.git/hooks/pre-commit
dot() { git --git-dir="$CASE_DIR/dotfiles.git" --work-tree="$CASE_DIR/home" "$@"; }
write_file home/"$WEB" "$(manifest_ok koder-web)"
dot add "$WEB"
expect_exit 0 dot commit -q -m "valid"
[ "$(dot rev-list --count HEAD)" = 1 ] || fail "the valid commit was not made"
write_file home/"$DB" "$(manifest_bad_status koder-db)"
dot add "$DB"
expect_exit nonzero dot commit -q -m "db"
expect_contains "$ERR" "$DB:9:10: error[KSA005]"
[ "$(dot rev-list --count HEAD)" = 1 ] || fail "the invalid commit was made"
expect_exit 1 env GIT_DIR="$CASE_DIR/dotfiles.git" GIT_WORK_TREE="$CASE_DIR/home" koder-spec-audit hook pre-commit
expect_contains "$ERR" "$DB:9:10: error[KSA005]"
expect_exit 1 env GIT_DIR="$CASE_DIR/dotfiles.git" GIT_WORK_TREE="$CASE_DIR/home" \
    koder-spec-audit koder-toml --validate --cached
expect_contains "$OUT" "$DB:9:10: error[KSA005]"
end_case

begin_case "split index (core.splitIndex)"
base_repo repo
git config core.splitIndex true
git update-index --split-index
ls .git/sharedindex.* >/dev/null 2>&1 || fail "git wrote no shared index"
check_hook_verdicts
end_case

begin_case "sparse index (index.sparse, cone mode)"
base_repo repo
git sparse-checkout set --cone engines/web docs
git config index.sparse true
git sparse-checkout reapply
git ls-files --sparse | grep -qx 'engines/db/' || fail "the index is not sparse"
write_file "$WEB" "$(manifest_bad_status koder-web)"
git add "$WEB"
commit_rejected -m "typo"
expect_contains "$ERR" "$WEB:9:10: error[KSA005]"
expect_not_contains "$ERR" "$DB"
write_file "$WEB" "$(manifest_ok koder-web legacy)"
git add "$WEB"
commit_ok -m "legacy"
expect_contains "$ERR" "1 manifest checked in the staged changes, no problems"
write_file docs/section1/page.md "changed"
git add docs
commit_ok -m "docs only"
expect_empty "$ERR"
end_case

finish
