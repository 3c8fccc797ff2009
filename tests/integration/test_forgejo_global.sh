#!/usr/bin/env bash
# install/forgejo-hook.sh install-global / check-global / uninstall-global against Forgejo's
# layouts, rebuilt from its real hook texts (tests/data/forgejo/, forgejo_emulator.sh): v16's
# central hooks in [git] HOME_PATH/hooks, and v11-v15's per-repository hooks with the central
# hooks koder-spec-audit sets up there. Pushes reach git as Forgejo's serv command and its own
# internal pushes run it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/forgejo_lib.sh"

begin_case "v16: install-global names the layout and covers repositories created after it"
forgejo_site "$CASE_DIR/site"
forgejo_start v16
forgejo_create v16 alice/app
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
expect_contains "$OUT" "layout: Forgejo v16 or later, central hooks in $FORGEJO_HOME_PATH/hooks"
expect_contains "$OUT" "installed $FORGEJO_HOME_PATH/hooks/pre-receive.d/koder-spec-audit"
expect_exit 0 "$INSTALLER" check-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
expect_contains "$OUT" "layout: Forgejo v16 or later"
expect_contains "$OUT" "installed, current and active"
forgejo_push alice/app stabel
expect_refused_by_audit
forgejo_create v16 bob/new
forgejo_push bob/new stabel
expect_refused_by_audit
expect_forgejo_hook_ran pre-receive bob/new
forgejo_push bob/new stable
expect_accepted
[ "$(audits_run)" = 1 ] || fail "expected one audit, saw $(audits_run)"
expect_forgejo_hook_ran post-receive bob/new
# Forgejo's own pushes (web editor, merges) run the same hooks.
forgejo_web_edit bob/new stabel
expect_refused_by_audit
end_case

begin_case "v16: idempotent, and a restart that rewrites Forgejo's own hooks keeps ours"
forgejo_site "$CASE_DIR/site"
forgejo_start v16
forgejo_create v16 alice/app
hook="$FORGEJO_HOME_PATH/hooks/pre-receive.d/koder-spec-audit"
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
first=$(stat -c '%i %Y %a' -- "$hook")
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
[ "$first" = "$(stat -c '%i %Y %a' -- "$hook")" ] || fail "a second run rewrote the hook"
[ "$(ls -A "$FORGEJO_HOME_PATH/hooks/pre-receive.d" | tr '\n' ' ')" = "gitea koder-spec-audit " ] ||
    fail "pre-receive.d holds: $(ls -A "$FORGEJO_HOME_PATH/hooks/pre-receive.d")"
forgejo_start v16
expect_forgejo_file "$FORGEJO_HOME_PATH/hooks/pre-receive" v16/pre-receive
expect_forgejo_file "$FORGEJO_HOME_PATH/hooks/pre-receive.d/gitea" v16/gitea-pre-receive
[ "$first" = "$(stat -c '%i %Y %a' -- "$hook")" ] || fail "the restart touched our hook"
expect_exit 0 "$INSTALLER" check-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
forgejo_push alice/app stabel
expect_refused_by_audit
end_case

begin_case "v16: uninstall-global removes only our file"
forgejo_site "$CASE_DIR/site"
forgejo_start v16
forgejo_create v16 alice/app
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
expect_exit 0 "$INSTALLER" uninstall-global "$FORGEJO_HOME_PATH"
expect_contains "$OUT" "removed $FORGEJO_HOME_PATH/hooks/pre-receive.d/koder-spec-audit"
for name in pre-receive update post-receive proc-receive; do
    expect_forgejo_file "$FORGEJO_HOME_PATH/hooks/$name" "v16/$name"
done
[ "$(git config --file "$FORGEJO_HOME_PATH/.gitconfig" core.hooksPath)" = "$FORGEJO_HOME_PATH/hooks" ] ||
    fail "Forgejo's core.hooksPath was changed"
expect_exit 1 "$INSTALLER" check-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
expect_contains "$OUT" "not installed or out of date"
forgejo_push alice/app stabel
expect_accepted
end_case

begin_case "v11-v15: install-global covers a repository created after it from its first push"
forgejo_site "$CASE_DIR/site"
forgejo_start v15
forgejo_create v15 alice/app
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
expect_contains "$OUT" "layout: Forgejo v11-v15, per-repository hooks (no central hooks in $FORGEJO_HOME_PATH/hooks)"
expect_contains "$OUT" "core.hooksPath = $FORGEJO_HOME_PATH/hooks in $FORGEJO_HOME_PATH/.gitconfig"
expect_contains "$OUT" "under [git.config] in app.ini"
expect_not_contains "$OUT" "regenerate"
[ "$(git config --file "$FORGEJO_HOME_PATH/.gitconfig" core.hooksPath)" = "$FORGEJO_HOME_PATH/hooks" ] ||
    fail "core.hooksPath not set"
expect_exit 0 "$INSTALLER" check-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
expect_contains "$OUT" "layout: Forgejo v11-v15 with koder-spec-audit's central hooks in $FORGEJO_HOME_PATH/hooks"
forgejo_create v15 bob/new
forgejo_push bob/new stabel
expect_refused_by_audit
forgejo_push bob/new stable
expect_accepted
[ "$(audits_run)" = 1 ] || fail "expected one audit, saw $(audits_run)"
forgejo_push alice/app stabel
expect_refused_by_audit
forgejo_web_edit alice/app stabel
expect_refused_by_audit
end_case

begin_case "v11-v15: the central hooks run each repository's own hooks as git did without them"
forgejo_site "$CASE_DIR/site"
forgejo_start v15
forgejo_create v15 alice/app
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
: >"$HOOK_LOG"
forgejo_push alice/app stable
expect_accepted
# Forgejo's pre-receive, update and post-receive, through the repository's own scripts.
expect_forgejo_hook_ran pre-receive alice/app
expect_forgejo_hook_ran update alice/app
expect_forgejo_hook_ran post-receive alice/app
grep -q "^update .* args=refs/heads/main 0\{40\} [0-9a-f]\{40\}$" -- "$HOOK_LOG" || fail "update lost its arguments: $(cat -- "$HOOK_LOG")"
# Forgejo's own refusal still refuses.
touch "$FORGEJO_SITE/custom/conf/deny-pre-receive"
forgejo_push alice/app stable
[ "$LAST_EXIT" = 1 ] || fail "Forgejo's own refusal was lost"
expect_contains "$ERR" "Forgejo: branch is protected (stand-in)"
rm -f -- "$FORGEJO_SITE/custom/conf/deny-pre-receive"
# A push without Forgejo's environment is refused by Forgejo's hook, as before.
client_commit stable
expect_exit 1 env -u GIT_CONFIG_GLOBAL HOME="$FORGEJO_HOME_PATH" git -C "$WORK" push "file://$FORGEJO_ROOT/alice/app.git" main:other
expect_contains "$ERR" "Rejecting changes as Forgejo environment not set"
# AGit flow: refs/for/ goes to the repository's proc-receive (Forgejo's), audited first.
: >"$HOOK_LOG"
client_commit stable
expect_exit 0 git -C "$WORK" push --receive-pack="$EMULATOR serv" "file://$FORGEJO_ROOT/alice/app.git" main:refs/for/main
expect_forgejo_hook_ran proc-receive alice/app
expect_contains "$ERR" "checked in the push"
client_commit stabel
expect_exit 1 git -C "$WORK" push --receive-pack="$EMULATOR serv" "file://$FORGEJO_ROOT/alice/app.git" main:refs/for/main
expect_contains "$ERR" "error[KSA005]"
end_case

begin_case "v11-v15: idempotent, kept across a restart, uninstall-global restores Forgejo's layout"
forgejo_site "$CASE_DIR/site"
forgejo_start v15
forgejo_create v15 alice/app
before=$(cat -- "$FORGEJO_HOME_PATH/.gitconfig")
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
snapshot() { find "$FORGEJO_HOME_PATH" -printf '%p %i %Y %m\n' | sort; }
first=$(snapshot)
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
[ "$first" = "$(snapshot)" ] || fail "a second run changed files"
forgejo_start v15
expect_exit 0 "$INSTALLER" check-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
forgejo_push alice/app stabel
expect_refused_by_audit
expect_exit 0 "$INSTALLER" uninstall-global "$FORGEJO_HOME_PATH"
expect_contains "$OUT" "removed the central hooks"
[ ! -e "$FORGEJO_HOME_PATH/hooks" ] || fail "the hooks folder is still there: $(ls -R "$FORGEJO_HOME_PATH/hooks")"
[ "$before" = "$(cat -- "$FORGEJO_HOME_PATH/.gitconfig")" ] || fail "Forgejo's .gitconfig was not restored"
expect_exit 0 "$INSTALLER" layout "$FORGEJO_HOME_PATH"
expect_contains "$OUT" "layout: Forgejo v11-v15, per-repository hooks"
expect_exit 1 "$INSTALLER" check-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
forgejo_push alice/app stabel
expect_accepted
end_case

begin_case "upgrade v15 -> v16: every repository stays audited without re-running the installer"
forgejo_site "$CASE_DIR/site"
forgejo_start v15
forgejo_create v15 alice/app
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
forgejo_start v16
expect_forgejo_file "$FORGEJO_HOME_PATH/hooks/pre-receive" v16/pre-receive
forgejo_push alice/app stabel
expect_refused_by_audit
expect_forgejo_hook_ran pre-receive alice/app
forgejo_create v16 bob/new
forgejo_push bob/new stabel
expect_refused_by_audit
forgejo_push bob/new stable
expect_accepted
[ "$(audits_run)" = 1 ] || fail "expected one audit, saw $(audits_run)"
expect_exit 0 "$INSTALLER" check-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
expect_contains "$OUT" "layout: Forgejo v16 or later"
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
expect_exit 0 "$INSTALLER" uninstall-global "$FORGEJO_HOME_PATH"
expect_forgejo_file "$FORGEJO_HOME_PATH/hooks/pre-receive" v16/pre-receive
end_case

begin_case "from per-repository hooks to install-global: --repositories removes the copies"
forgejo_site "$CASE_DIR/site"
forgejo_start v15
forgejo_create v15 alice/app
forgejo_create v15 alice/app.wiki
expect_exit 0 "$INSTALLER" install-all "$FORGEJO_ROOT" --tool "$KSA_BIN"
forgejo_start v16
forgejo_push alice/app stable
[ "$(audits_run)" = 1 ] || fail "v16 did not run the per-repository hook ($(audits_run) audits)"
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
forgejo_push alice/app stable
[ "$(audits_run)" = 2 ] || fail "expected the audit twice, saw $(audits_run)"
expect_exit 0 "$INSTALLER" check-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN" --repositories "$FORGEJO_ROOT"
expect_contains "$OUT" "warning: $FORGEJO_ROOT/alice/app.git also has the per-repository hook"
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN" --repositories "$FORGEJO_ROOT"
expect_contains "$OUT" "removed the per-repository copy in $FORGEJO_ROOT/alice/app.git"
expect_contains "$OUT" "1 per-repository copies removed"
forgejo_push alice/app stable
[ "$(audits_run)" = 1 ] || fail "expected one audit, saw $(audits_run)"
forgejo_push alice/app stabel
expect_refused_by_audit
end_case

begin_case "check-global --repositories: what the central hooks do not cover"
forgejo_site "$CASE_DIR/site"
forgejo_start v15
forgejo_create v15 alice/app
forgejo_create v15 alice/own
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
printf '#!/bin/sh\nexit 0\n' >"$FORGEJO_ROOT/alice/app.git/hooks/post-update"
chmod +x "$FORGEJO_ROOT/alice/app.git/hooks/post-update"
expect_exit 0 "$INSTALLER" check-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN" --repositories "$FORGEJO_ROOT"
expect_contains "$OUT" "warning: $FORGEJO_ROOT/alice/app.git/hooks/post-update no longer runs"
expect_not_contains "$OUT" ".sample"
git config --file "$FORGEJO_ROOT/alice/own.git/config" core.hooksPath hooks
expect_exit 1 "$INSTALLER" check-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN" --repositories "$FORGEJO_ROOT"
expect_contains "$OUT" "not covered: $FORGEJO_ROOT/alice/own.git sets its own core.hooksPath = hooks"
end_case

begin_case "refusals: not Forgejo's HOME_PATH, other central hooks, a tool that went missing"
forgejo_site "$CASE_DIR/site"
mkdir -p "$CASE_DIR/elsewhere"
expect_exit 2 "$INSTALLER" install-global "$CASE_DIR/elsewhere" --tool "$KSA_BIN"
expect_contains "$ERR" "is not Forgejo's (it lacks receive.advertisePushOptions = true"
expect_exit 2 "$INSTALLER" install-global "$CASE_DIR/missing" --tool "$KSA_BIN"
expect_contains "$ERR" "is not a folder: give Forgejo's [git] HOME_PATH"
forgejo_start v15 core.hooksPath=/srv/other-hooks
expect_exit 2 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
expect_contains "$ERR" "already sets core.hooksPath = /srv/other-hooks"
[ ! -e "$FORGEJO_HOME_PATH/hooks" ] || fail "files were written anyway"
git config --file "$FORGEJO_HOME_PATH/.gitconfig" --unset core.hooksPath
mkdir -p "$FORGEJO_HOME_PATH/hooks"
printf '#!/bin/sh\nexit 0\n' >"$FORGEJO_HOME_PATH/hooks/pre-receive"
expect_exit 2 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
expect_contains "$ERR" "pre-receive is neither Forgejo's nor koder-spec-audit's"
rm -f -- "$FORGEJO_HOME_PATH/hooks/pre-receive"
# The tool moves away after the install: the push is refused with a sentence.
cp -- "$KSA_BIN" "$CASE_DIR/koder-spec-audit"
forgejo_create v15 alice/app
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$CASE_DIR/koder-spec-audit"
rm -f -- "$CASE_DIR/koder-spec-audit"
forgejo_push alice/app stable
[ "$LAST_EXIT" = 1 ] || fail "the push was accepted without the tool"
expect_contains "$ERR" "remote: koder-spec-audit: push refused: the audit tool $CASE_DIR/koder-spec-audit is missing or not executable on the server"
expect_contains "$ERR" "re-run install/forgejo-hook.sh with --tool"
expect_not_contains "$ERR" "not found"
expect_contains "$ERR" "pre-receive hook declined"
end_case

finish
