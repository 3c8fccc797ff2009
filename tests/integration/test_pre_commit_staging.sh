#!/usr/bin/env bash
# What the pre-commit hook judges: the index git is about to commit (partial staging,
# `commit -a`, `commit PATH`, worktrees), only the manifests that differ from HEAD,
# deleted fragments; and how the hook is installed and finds the tool.
. "$(dirname -- "$0")/lib.sh"

MANIFEST=engines/web/koder.toml

# A repository with a valid engines/web/koder.toml committed and the hook installed.
repo_with_manifest() {
    new_hooked_repo "$1"
    write_file "$MANIFEST" "$(manifest_ok koder-web)"
    git add "$MANIFEST"
    commit_ok -m "koder-web"
}

begin_case "partial staging: valid version staged, invalid edit only on disk -> accepted"
repo_with_manifest repo
write_file "$MANIFEST" "$(manifest_ok koder-web legacy)"
git add "$MANIFEST"
write_file "$MANIFEST" "$(manifest_bad_status koder-web)"
commit_ok -m "legacy"
expect_not_contains "$ERR" "KSA005"
git show HEAD:"$MANIFEST" | grep -q 'status = "legacy"' || fail "the staged version was not committed"
grep -q 'status = "stabel"' "$MANIFEST" || fail "the working tree edit was lost"
end_case

begin_case "partial staging: invalid version staged, fix only on disk -> rejected"
repo_with_manifest repo
write_file "$MANIFEST" "$(manifest_bad_status koder-web)"
git add "$MANIFEST"
write_file "$MANIFEST" "$(manifest_ok koder-web legacy)"
commit_rejected -m "typo"
expect_contains "$ERR" "$MANIFEST:9:10: error[KSA005]"
# The excerpt is the staged line, not the line on disk.
expect_contains "$ERR" ' 9 | status = "stabel"'
expect_not_contains "$ERR" 'legacy"'
end_case

begin_case "git commit -a judges the temporary index (fix on disk, invalid staged -> accepted)"
repo_with_manifest repo
write_file "$MANIFEST" "$(manifest_bad_status koder-web)"
git add "$MANIFEST"
write_file "$MANIFEST" "$(manifest_ok koder-web legacy)"
commit_ok -a -m "legacy"
git show HEAD:"$MANIFEST" | grep -q 'status = "legacy"' || fail "commit -a did not take the file on disk"
end_case

begin_case "git commit -a judges the temporary index (valid staged, invalid on disk -> rejected)"
repo_with_manifest repo
write_file "$MANIFEST" "$(manifest_ok koder-web legacy)"
git add "$MANIFEST"
write_file "$MANIFEST" "$(manifest_bad_status koder-web)"
commit_rejected -a -m "typo"
expect_contains "$ERR" "$MANIFEST:9:10: error[KSA005]"
# The real index is untouched by the rejected `commit -a`.
git show :"$MANIFEST" | grep -q 'status = "legacy"' || fail "the index changed"
end_case

begin_case "git commit PATH judges the temporary index of HEAD + PATH"
repo_with_manifest repo
# An invalid manifest is staged but not part of `git commit $MANIFEST`.
write_file engines/other/koder.toml "$(manifest_bad_status other)"
git add engines/other/koder.toml
write_file "$MANIFEST" "$(manifest_ok koder-web legacy)"
commit_ok -m "only web" -- "$MANIFEST"
expect_not_contains "$ERR" "engines/other"
git cat-file -e HEAD:engines/other/koder.toml 2>/dev/null && fail "engines/other was committed"
git diff --cached --name-only | grep -qx engines/other/koder.toml || fail "engines/other is no longer staged"
# The other way: the path's content on disk is invalid while the index holds a valid one.
write_file "$MANIFEST" "$(manifest_ok koder-web experimental)"
git add "$MANIFEST"
write_file "$MANIFEST" "$(manifest_bad_status koder-web)"
git rm -q --cached engines/other/koder.toml
commit_rejected -m "web typo" -- "$MANIFEST"
expect_contains "$ERR" "$MANIFEST:9:10: error[KSA005]"
# And `git commit -i PATH`: the index plus the path.
write_file "$MANIFEST" "$(manifest_ok koder-web legacy)"
git add engines/other/koder.toml
commit_rejected -i -m "both" -- "$MANIFEST"
expect_contains "$ERR" "engines/other/koder.toml:9:10: error[KSA005]"
expect_not_contains "$ERR" "$MANIFEST:"
end_case

begin_case "only manifests that differ from HEAD are read"
repo_with_manifest repo
write_file engines/broken/koder.toml "$(manifest_bad_status broken)"
git add engines/broken/koder.toml
commit_ok --no-verify -m "broken, bypassing the hook"
# An unrelated manifest change: the broken one is not read, so it does not block.
write_file "$MANIFEST" "$(manifest_ok koder-web legacy)"
git add "$MANIFEST"
commit_ok -m "legacy"
expect_contains "$ERR" "1 manifest checked in the staged changes, no problems"
expect_not_contains "$ERR" "engines/broken"
# Running the hook with nothing staged reads nothing and says nothing.
expect_exit 0 koder-spec-audit hook pre-commit
expect_empty "$ERR"
expect_empty "$OUT"
# Touching the broken manifest (even an unrelated line) makes it checked again.
sed 's/^version = .*/version = "1.0.1"/' engines/broken/koder.toml >broken.tmp
mv broken.tmp engines/broken/koder.toml
git add engines/broken/koder.toml
commit_rejected -m "bump broken"
expect_contains "$ERR" "engines/broken/koder.toml:9:10: error[KSA005]"
# A rename is a new path: its content is checked.
git reset -q --hard
git mv engines/broken engines/moved
commit_rejected -m "move broken"
expect_contains "$ERR" "engines/moved/koder.toml:9:10: error[KSA005]"
end_case

begin_case "deleting the only fragment of an engine module: KSA010 warns in phase 4"
new_hooked_repo repo
write_file engines/lang/koder.toml "$(printf 'category = "engine"\n\n[package]\nname = "koder-lang"')"
write_file engines/lang/self-hosted/koder_asm.toml "$(manifest_ok kasm experimental | sed '/^category/d')"
write_file engines/lang/self-hosted/koder_link.toml "$(manifest_ok klink experimental | sed '/^category/d')"
git add .
commit_ok -m "lang with two fragments"
expect_contains "$ERR" "3 manifests checked in the staged changes, no problems"
# One fragment left: the module still declares a [self_hosted] block.
git rm -q engines/lang/self-hosted/koder_link.toml
commit_ok -m "drop klink"
expect_contains "$ERR" "1 manifest checked in the staged changes, no problems"
# None left: the module manifest (not staged itself) is checked.
git rm -q engines/lang/self-hosted/koder_asm.toml
commit_ok -m "drop kasm"
expect_contains "$ERR" 'engines/lang/koder.toml:1:12: warning[KSA010]: `category = "engine"` requires a [self_hosted] block'
expect_contains "$ERR" "[no_external_alternative]"
expect_contains "$ERR" "0 errors, 1 warning"
end_case

begin_case "deleting the only fragment of an engine module: KSA010 rejects in phase 5"
new_hooked_repo repo
write_file .koder-spec-audit.toml "$(printf '[audit]\nphase = 5')"
write_file engines/lang/koder.toml "$(printf 'category = "engine"\n\n[package]\nname = "koder-lang"')"
write_file engines/lang/self-hosted/koder_asm.toml "$(manifest_ok kasm experimental | sed '/^category/d')"
git add .
commit_ok -m "lang"
git rm -q engines/lang/self-hosted/koder_asm.toml
commit_rejected -m "drop kasm"
expect_contains "$ERR" "engines/lang/koder.toml:1:12: error[KSA010]"
# Declaring that nothing external competes makes it acceptable.
printf '\n[no_external_alternative]\nreason = "internal toolchain glue"\n' >>engines/lang/koder.toml
git add engines/lang/koder.toml
commit_ok -m "drop kasm, no alternative"
# Deleting a whole module (manifest and fragments) leaves nothing to check.
write_file engines/gone/koder.toml "$(printf 'category = "engine"')"
write_file engines/gone/self-hosted/koder_x.toml "$(manifest_ok x | sed '/^category/d')"
git add engines/gone
commit_ok -m "gone"
git rm -q -r engines/gone
commit_ok -m "remove gone"
expect_not_contains "$ERR" "error["
expect_not_contains "$ERR" "warning["
end_case

begin_case "installed through core.hooksPath pointing at the source hooks folder"
new_repo repo
cd repo
git config core.hooksPath "$KSA_SOURCE_DIR/hooks"
[ ! -e .git/hooks/pre-commit ] || fail "a hook is installed in .git/hooks"
write_file "$MANIFEST" "$(manifest_bad_status koder-web)"
git add "$MANIFEST"
commit_rejected -m "typo"
expect_contains "$ERR" "$MANIFEST:9:10: error[KSA005]"
write_file "$MANIFEST" "$(manifest_ok koder-web)"
git add "$MANIFEST"
commit_ok -m "fixed"
expect_contains "$ERR" "no problems"
end_case

begin_case "installed as a copy of the hook, the tool found on PATH"
new_repo repo
cd repo
mkdir -p .git/hooks
cp "$KSA_SOURCE_DIR/hooks/pre-commit" .git/hooks/pre-commit
chmod +x .git/hooks/pre-commit
write_file "$MANIFEST" "$(manifest_bad_status koder-web)"
git add "$MANIFEST"
commit_rejected -m "typo"
expect_contains "$ERR" "$MANIFEST:9:10: error[KSA005]"
write_file "$MANIFEST" "$(manifest_ok koder-web)"
git add "$MANIFEST"
commit_ok -m "fixed"
# KODER_SPEC_AUDIT names the tool when it is not on PATH.
write_file "$MANIFEST" "$(manifest_bad_status koder-web)"
git add "$MANIFEST"
before=$(commit_count)
expect_exit nonzero env PATH="$(path_without_tool)" KODER_SPEC_AUDIT="$KSA_BIN" git commit -q -m typo
expect_commits "$before"
expect_contains "$ERR" "error[KSA005]"
end_case

begin_case "the tool missing from PATH: the hook fails closed with a clear message"
new_hooked_repo repo
write_file "$MANIFEST" "$(manifest_ok koder-web)"
git add "$MANIFEST"
tool_free_path=$(path_without_tool)
env PATH="$tool_free_path" sh -c 'command -v koder-spec-audit' >/dev/null && fail "koder-spec-audit is still on PATH"
# Symlinked hook.
expect_exit nonzero env PATH="$tool_free_path" git commit -q -m "valid, but unchecked"
expect_commits 0
expect_contains "$ERR" "the koder-spec-audit tool was not found"
expect_contains "$ERR" "commit refused"
expect_contains "$ERR" "--no-verify"
# Copied hook.
rm .git/hooks/pre-commit
cp "$KSA_SOURCE_DIR/hooks/pre-commit" .git/hooks/pre-commit
expect_exit nonzero env PATH="$tool_free_path" git commit -q -m "valid, but unchecked"
expect_commits 0
expect_contains "$ERR" "the koder-spec-audit tool was not found"
# KODER_SPEC_AUDIT naming nothing runnable fails closed too.
expect_exit nonzero env KODER_SPEC_AUDIT="$CASE_DIR/no-such-tool" git commit -q -m "valid, but unchecked"
expect_commits 0
# Once the tool is back on PATH the commit goes through.
commit_ok -m "valid"
end_case

begin_case "the hook run by hand from a subfolder, and in a linked worktree"
repo_with_manifest repo
write_file "$MANIFEST" "$(manifest_bad_status koder-web)"
git add "$MANIFEST"
(cd engines/web && koder-spec-audit hook pre-commit) >"$OUT" 2>"$ERR" && fail "the hook accepted from a subfolder"
expect_contains "$ERR" "$MANIFEST:9:10: error[KSA005]"
git reset -q --hard
git worktree add -q ../wt
cd ../wt
write_file "$MANIFEST" "$(manifest_bad_status koder-web)"
git add "$MANIFEST"
commit_rejected -m "typo in a worktree"
expect_contains "$ERR" "$MANIFEST:9:10: error[KSA005]"
write_file "$MANIFEST" "$(manifest_ok koder-web legacy)"
git add "$MANIFEST"
commit_ok -m "legacy in a worktree"
end_case

begin_case "a separate git dir (.git is a file) and git commit --amend"
git init -q --separate-git-dir "$CASE_DIR/gitdir" repo
mkdir -p gitdir/hooks
ln -sf "$KSA_SOURCE_DIR/hooks/pre-commit" gitdir/hooks/pre-commit
cd repo
[ -f .git ] || fail "expected .git to be a file"
write_file "$MANIFEST" "$(manifest_bad_status koder-web)"
git add "$MANIFEST"
commit_rejected -m "typo"
expect_contains "$ERR" "$MANIFEST:9:10: error[KSA005]"
write_file "$MANIFEST" "$(manifest_ok koder-web)"
git add "$MANIFEST"
commit_ok -m "web"
# --amend compares the index with HEAD, the commit being amended.
write_file engines/other/koder.toml "$(manifest_bad_status other)"
git add engines/other/koder.toml
commit_rejected --amend -m "web and other"
expect_contains "$ERR" "engines/other/koder.toml:9:10: error[KSA005]"
git rm -q --cached engines/other/koder.toml
before=$(commit_count)
expect_exit 0 git commit -q --amend -m "web, reworded"
expect_commits "$before"
[ "$(git log -1 --format=%s)" = "web, reworded" ] || fail "the amend did not happen"
end_case

finish
