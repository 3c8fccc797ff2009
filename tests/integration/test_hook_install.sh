#!/usr/bin/env bash
# Where the hooks (pre-commit, pre-push, pre-receive) look for the tool: an installed prefix's
# bin/, and never a stray bin/ folder that happens to sit next to a repository holding a copy of
# the hook; and what each says when it is missing.
. "$(dirname "$0")/lib.sh"

MANIFEST=engines/web/koder.toml

begin_case "the installed hook (<prefix>/share/koder-spec-audit/hooks) uses <prefix>/bin"
prefix="$CASE_DIR/prefix"
mkdir -p "$prefix/bin" "$prefix/share/koder-spec-audit/hooks"
cp "$KSA_SOURCE_DIR/hooks/pre-commit" "$prefix/share/koder-spec-audit/hooks/pre-commit"
ln -s "$KSA_BIN" "$prefix/bin/koder-spec-audit"
new_repo repo
cd repo
mkdir -p .git/hooks
ln -s "$prefix/share/koder-spec-audit/hooks/pre-commit" .git/hooks/pre-commit
write_file "$MANIFEST" "$(manifest_bad_status koder-web)"
git add "$MANIFEST"
before=$(commit_count)
expect_exit nonzero env PATH="$(path_without_tool)" git commit -q -m typo
expect_commits "$before"
expect_contains "$ERR" "error[KSA005]"
write_file "$MANIFEST" "$(manifest_ok koder-web)"
git add "$MANIFEST"
expect_exit 0 env PATH="$(path_without_tool)" git commit -q -m ok
expect_commits $((before + 1))
end_case

begin_case "a copied hook ignores a stray ../../../bin next to the repository"
mkdir -p bin
# A decoy that would wave every commit through.
printf '#!/bin/sh\nexit 0\n' > bin/koder-spec-audit
chmod +x bin/koder-spec-audit
new_repo repo
cd repo
mkdir -p .git/hooks
cp "$KSA_SOURCE_DIR/hooks/pre-commit" .git/hooks/pre-commit
write_file "$MANIFEST" "$(manifest_bad_status koder-web)"
git add "$MANIFEST"
expect_exit nonzero env PATH="$(path_without_tool)" git commit -q -m typo
expect_commits 0
expect_contains "$ERR" "the koder-spec-audit tool was not found"
end_case

begin_case "a tool path that names nothing refuses with a sentence naming it, not 'exec: not found'"
server_and_client
commit_file "$MANIFEST" "$(manifest_ok koder-web)" "good"
expect_exit nonzero env KODER_SPEC_AUDIT="$CASE_DIR/gone/koder-spec-audit" git push origin main
expect_contains "$ERR" "remote: koder-spec-audit pre-receive: the koder-spec-audit tool $CASE_DIR/gone/koder-spec-audit is missing or not executable"
expect_contains "$ERR" "push refused."
expect_not_contains "$ERR" "not found"
expect_contains "$ERR" "(pre-receive hook declined)"
cd "$CASE_DIR"
new_hooked_repo repo
write_file "$MANIFEST" "$(manifest_ok koder-web)"
git add "$MANIFEST"
expect_exit nonzero env KODER_SPEC_AUDIT="$CASE_DIR/gone/koder-spec-audit" git commit -q -m ok
expect_commits 0
expect_contains "$ERR" "the koder-spec-audit tool $CASE_DIR/gone/koder-spec-audit is missing or not executable"
expect_contains "$ERR" "git commit --no-verify"
end_case


begin_case "the pre-push hook without its tool stops the push with the reason; nothing is sent"
git init -q --bare server.git
SERVER=$(cd server.git && pwd -P)
new_client client
mkdir -p .git/hooks
ln -s "$KSA_SOURCE_DIR/hooks/pre-push" .git/hooks/pre-push
commit_file "$MANIFEST" "$(manifest_ok koder-web)" "good"
expect_exit nonzero env PATH="$(path_without_tool)" git push origin main
expect_contains "$ERR" "koder-spec-audit pre-push: the koder-spec-audit tool was not found"
expect_contains "$ERR" "push stopped."
expect_contains "$ERR" "bypass once with: git push --no-verify"
[ -z "$(git -C "$SERVER" for-each-ref)" ] || fail "the server received refs"
expect_exit nonzero env KODER_SPEC_AUDIT="$CASE_DIR/gone/koder-spec-audit" git push origin main
expect_contains "$ERR" "the koder-spec-audit tool $CASE_DIR/gone/koder-spec-audit is missing or not executable"
expect_contains "$ERR" "Or bypass once with: git push --no-verify"
# The installed copy (<prefix>/share/koder-spec-audit/hooks/pre-push) finds <prefix>/bin.
prefix="$CASE_DIR/prefix"
mkdir -p "$prefix/bin" "$prefix/share/koder-spec-audit/hooks"
cp "$KSA_SOURCE_DIR/hooks/koder-spec-audit-hook" "$prefix/share/koder-spec-audit/hooks/"
ln -s koder-spec-audit-hook "$prefix/share/koder-spec-audit/hooks/pre-push"
ln -s "$KSA_BIN" "$prefix/bin/koder-spec-audit"
ln -sf "$prefix/share/koder-spec-audit/hooks/pre-push" .git/hooks/pre-push
expect_exit 0 env PATH="$(path_without_tool)" git push -q origin main
[ "$(git -C "$SERVER" rev-parse main)" = "$(git rev-parse HEAD)" ] || fail "the push did not arrive"
end_case

finish
