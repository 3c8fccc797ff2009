#!/usr/bin/env bash
# install/forgejo-hook.sh install / install-all / check / uninstall: the per-repository hook
# in REPO.git/hooks/pre-receive.d/, against repositories laid out by Forgejo's real hook
# texts (tests/data/forgejo/, forgejo_emulator.sh): v11-v15's own delegating hooks, and v16's
# central hooks that run each repository's pre-receive.d/ too. Pushes reach git as Forgejo's
# serv command and its internal pushes run it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/forgejo_lib.sh"

begin_case "--help exits 0; a bad command or option exits 2 and says so"
expect_exit 0 "$INSTALLER" --help
expect_contains "$OUT" "install-global HOME_PATH"
expect_contains "$OUT" "install REPO.git"
expect_exit 0 "$INSTALLER" install --help
expect_contains "$OUT" "check-global HOME_PATH"
expect_exit 2 "$INSTALLER" frobnicate somewhere
expect_contains "$ERR" "unknown command 'frobnicate'"
expect_exit 2 "$INSTALLER" install --frobnicate
expect_contains "$ERR" "unknown option --frobnicate"
expect_exit 2 "$INSTALLER" install
expect_contains "$ERR" "install needs a target"
expect_exit 2 "$INSTALLER"
end_case

begin_case "install-all covers every repository of a v15 site, skips wikis, and is idempotent"
forgejo_site "$CASE_DIR/site"
forgejo_start v15
forgejo_create v15 alice/app
forgejo_create v15 org/lib
forgejo_create v15 org/lib.wiki
expect_exit 0 "$INSTALLER" install-all "$FORGEJO_ROOT" --tool "$KSA_BIN"
expect_contains "$OUT" "install-all: 2 repositories"
expect_not_contains "$ERR" "regenerate"
expect_empty "$ERR"
expect_file "$FORGEJO_ROOT/alice/app.git/hooks/pre-receive.d/koder-spec-audit"
expect_file "$FORGEJO_ROOT/org/lib.git/hooks/pre-receive.d/koder-spec-audit"
[ ! -e "$FORGEJO_ROOT/org/lib.wiki.git/hooks/pre-receive.d/koder-spec-audit" ] || fail "installed into a wiki"
for name in pre-receive update post-receive proc-receive; do
    expect_forgejo_file "$FORGEJO_ROOT/alice/app.git/hooks/$name" "v11-v15/$name"
done
expect_forgejo_file "$FORGEJO_ROOT/alice/app.git/hooks/pre-receive.d/gitea" v11-v15/gitea-pre-receive
hook="$FORGEJO_ROOT/alice/app.git/hooks/pre-receive.d/koder-spec-audit"
first=$(stat -c '%i %Y %a' -- "$hook")
expect_exit 0 "$INSTALLER" install-all "$FORGEJO_ROOT" --tool "$KSA_BIN"
[ "$first" = "$(stat -c '%i %Y %a' -- "$hook")" ] || fail "re-run rewrote the hook"
[ "$(ls -A "$FORGEJO_ROOT/alice/app.git/hooks/pre-receive.d" | tr '\n' ' ')" = "gitea koder-spec-audit " ] ||
    fail "pre-receive.d holds: $(ls -A "$FORGEJO_ROOT/alice/app.git/hooks/pre-receive.d")"
expect_exit 0 "$INSTALLER" check "$FORGEJO_ROOT/alice/app.git" --tool "$KSA_BIN"
expect_contains "$OUT" "installed and current"
# A repository created later has Forgejo's hooks but not ours until the next run (install-global
# closes that window: test_forgejo_global.sh).
forgejo_create v15 bob/new
expect_exit 1 "$INSTALLER" check "$FORGEJO_ROOT/bob/new.git" --tool "$KSA_BIN"
forgejo_push bob/new stabel
expect_accepted
expect_exit 0 "$INSTALLER" install-all "$FORGEJO_ROOT" --tool "$KSA_BIN"
expect_contains "$OUT" "install-all: 3 repositories"
expect_exit 0 "$INSTALLER" check "$FORGEJO_ROOT/bob/new.git" --tool "$KSA_BIN"
end_case

begin_case "an SSH push through Forgejo's own v15 hooks is audited, and Forgejo's hook still runs"
forgejo_site "$CASE_DIR/site"
forgejo_start v15
forgejo_create v15 alice/app
expect_exit 0 "$INSTALLER" install "$FORGEJO_ROOT/alice/app.git" --tool "$KSA_BIN"
forgejo_push alice/app stabel
expect_refused_by_audit
expect_forgejo_hook_ran pre-receive alice/app
forgejo_push alice/app stable
expect_accepted
expect_contains "$ERR" "checked in the push"
expect_forgejo_hook_ran post-receive alice/app
end_case

begin_case "Forgejo's own pushes run the hook: web edits, and the auto-init push (GITEA_INTERNAL_PUSH)"
forgejo_site "$CASE_DIR/site"
forgejo_start v15
forgejo_create v15 alice/app
expect_exit 0 "$INSTALLER" install "$FORGEJO_ROOT/alice/app.git" --tool "$KSA_BIN"
forgejo_web_edit alice/app stable
expect_accepted
forgejo_web_edit alice/app stabel
expect_refused_by_audit
# Forgejo's own hook skips an internal push; ours does not.
: >"$HOOK_LOG"
forgejo_web_edit alice/app stabel --internal
expect_refused_by_audit
grep -q '^pre-receive .* internal=true ' -- "$HOOK_LOG" || fail "the push was not internal: $(cat -- "$HOOK_LOG")"
end_case

begin_case "--warn-only reports but accepts; --enforce refuses again"
forgejo_site "$CASE_DIR/site"
forgejo_start v15
forgejo_create v15 alice/app
repo="$FORGEJO_ROOT/alice/app.git"
expect_exit 0 "$INSTALLER" install "$repo" --tool "$KSA_BIN" --warn-only
[ "$(git config --file "$repo/config" koder-audit.mode)" = warn ] || fail "mode not set"
forgejo_push alice/app stabel
expect_accepted
expect_contains "$ERR" "error[KSA005]"
expect_contains "$ERR" "WARN-ONLY MODE"
expect_exit 0 "$INSTALLER" install "$repo" --tool "$KSA_BIN" --enforce
forgejo_push alice/app stabel
expect_refused_by_audit
end_case

begin_case "the per-repository hook also runs under Forgejo v16's central hooks"
forgejo_site "$CASE_DIR/site"
forgejo_start v16
forgejo_create v16 alice/app
[ ! -e "$FORGEJO_ROOT/alice/app.git/hooks" ] || fail "v16 wrote hooks into the repository"
expect_exit 0 "$INSTALLER" install "$FORGEJO_ROOT/alice/app.git" --tool "$KSA_BIN"
expect_contains "$ERR" "has no hooks/pre-receive of its own: its pre-receive.d/ runs only under Forgejo v16's central hooks"
expect_not_contains "$ERR" "regenerate"
forgejo_push alice/app stabel
expect_refused_by_audit
expect_forgejo_hook_ran pre-receive alice/app
forgejo_push alice/app stable
expect_accepted
end_case

begin_case "uninstall removes only our hook; bad targets and a missing tool are refused"
forgejo_site "$CASE_DIR/site"
forgejo_start v15
forgejo_create v15 alice/app
expect_exit 0 "$INSTALLER" install-all "$FORGEJO_ROOT" --tool "$KSA_BIN"
expect_exit 0 "$INSTALLER" uninstall-all "$FORGEJO_ROOT"
[ ! -e "$FORGEJO_ROOT/alice/app.git/hooks/pre-receive.d/koder-spec-audit" ] || fail "hook still there"
expect_forgejo_file "$FORGEJO_ROOT/alice/app.git/hooks/pre-receive.d/gitea" v11-v15/gitea-pre-receive
mkdir -p "$CASE_DIR/not-a-repo"
expect_exit 2 "$INSTALLER" install "$CASE_DIR/not-a-repo" --tool "$KSA_BIN"
expect_contains "$ERR" "not a bare git repository"
expect_exit 2 "$INSTALLER" install "$FORGEJO_ROOT/alice/app.git" --tool "$CASE_DIR/missing-tool"
expect_contains "$ERR" "$CASE_DIR/missing-tool does not exist; pass --tool with the path of the koder-spec-audit binary"
expect_exit 2 env PATH="$(path_without_tool)" "$INSTALLER" install "$FORGEJO_ROOT/alice/app.git"
expect_contains "$ERR" "koder-spec-audit is not on PATH; pass --tool PATH"
end_case

begin_case "a tool that went missing after the install refuses the push with a sentence"
forgejo_site "$CASE_DIR/site"
forgejo_start v15
forgejo_create v15 alice/app
cp -- "$KSA_BIN" "$CASE_DIR/koder-spec-audit"
expect_exit 0 "$INSTALLER" install "$FORGEJO_ROOT/alice/app.git" --tool "$CASE_DIR/koder-spec-audit"
rm -f -- "$CASE_DIR/koder-spec-audit"
forgejo_push alice/app stable
[ "$LAST_EXIT" = 1 ] || fail "the push was accepted without the tool"
expect_contains "$ERR" "remote: koder-spec-audit: push refused: the audit tool $CASE_DIR/koder-spec-audit is missing or not executable on the server"
expect_not_contains "$ERR" "not found"
expect_contains "$ERR" "pre-receive hook declined"
expect_exit 1 "$INSTALLER" check "$FORGEJO_ROOT/alice/app.git" --tool "$KSA_BIN"
end_case

finish
