#!/usr/bin/env bash
# install/forgejo-hook.sh against a Forgejo-shaped repository root: <ROOT>/<owner>/<repo>.git
# with a delegating hooks/pre-receive that runs every executable of hooks/pre-receive.d/,
# as Forgejo sets repositories up, and real pushes through it.
. "$(dirname "$0")/lib.sh"

INSTALLER="$KSA_SOURCE_DIR/install/forgejo-hook.sh"
MANIFEST=engines/web/koder.toml

# A bare repository laid out the way Forgejo lays them out: its own pre-receive delegates to
# hooks/pre-receive.d/*, where Forgejo keeps its `gitea` hook (here a stand-in that passes).
forgejo_repository() {
    git init -q --bare "$1"
    mkdir -p "$1/hooks/pre-receive.d"
    cat >"$1/hooks/pre-receive" <<'HOOK'
#!/bin/sh
input=$(cat)
status=0
for hook in "$(dirname "$0")"/pre-receive.d/*; do
    [ -f "$hook" ] && [ -x "$hook" ] || continue
    printf '%s\n' "$input" | "$hook" || status=$?
done
exit $status
HOOK
    printf '#!/bin/sh\ncat >/dev/null\nexit 0\n' >"$1/hooks/pre-receive.d/gitea"
    chmod +x "$1/hooks/pre-receive" "$1/hooks/pre-receive.d/gitea"
}

# Pushes a new commit with `status` into REMOTE (main); the exit is in $LAST_EXIT.
PUSHES=0
push_status() {
    PUSHES=$((PUSHES + 1))
    remote=$1
    status=$2
    rm -rf work
    git init -q -b main work
    write_file "work/$MANIFEST" "$(manifest_ok koder-web)"
    sed -i "s/^status = .*/status = \"$status\"/" "work/$MANIFEST"
    git -C work add -A
    git -C work commit -q --no-verify -m "status $status, push $PUSHES"
    expect_exit_in "0 1" git -C work push -q --force "file://$remote" main
}

begin_case "install-all covers every repository, skips wikis, and is idempotent"
root="$CASE_DIR/forgejo-repositories"
forgejo_repository "$root/alice/app.git"
forgejo_repository "$root/org/lib.git"
forgejo_repository "$root/org/lib.wiki.git"
expect_exit 0 "$INSTALLER" install-all "$root" --tool "$KSA_BIN"
expect_contains "$OUT" "install-all: 2 repositories"
expect_file "$root/alice/app.git/hooks/pre-receive.d/koder-spec-audit"
expect_file "$root/org/lib.git/hooks/pre-receive.d/koder-spec-audit"
[ ! -e "$root/org/lib.wiki.git/hooks/pre-receive.d/koder-spec-audit" ] || fail "installed into a wiki"
[ -x "$root/alice/app.git/hooks/pre-receive.d/gitea" ] || fail "Forgejo's own hook was touched"
first=$(cat "$root/alice/app.git/hooks/pre-receive.d/koder-spec-audit")
expect_exit 0 "$INSTALLER" install-all "$root" --tool "$KSA_BIN"
[ "$first" = "$(cat "$root/alice/app.git/hooks/pre-receive.d/koder-spec-audit")" ] || fail "re-run changed the hook"
[ "$(find "$root/alice/app.git/hooks/pre-receive.d" -type f | wc -l)" = 2 ] || fail "re-run left extra files"
expect_exit 0 "$INSTALLER" check "$root/alice/app.git" --tool "$KSA_BIN"
# A repository created later is covered by the next run.
forgejo_repository "$root/bob/new.git"
expect_exit 1 "$INSTALLER" check "$root/bob/new.git" --tool "$KSA_BIN"
expect_exit 0 "$INSTALLER" install-all "$root" --tool "$KSA_BIN"
expect_contains "$OUT" "install-all: 3 repositories"
expect_exit 0 "$INSTALLER" check "$root/bob/new.git" --tool "$KSA_BIN"
end_case

begin_case "a push through Forgejo's delegating hook is audited"
forgejo_repository "$CASE_DIR/app.git"
expect_exit 0 "$INSTALLER" install "$CASE_DIR/app.git" --tool "$KSA_BIN"
push_status "$CASE_DIR/app.git" stabel
[ "$LAST_EXIT" = 1 ] || fail "a bad push was accepted"
expect_contains "$ERR" "error[KSA005]"
expect_contains "$ERR" "pre-receive hook declined"
push_status "$CASE_DIR/app.git" stable
[ "$LAST_EXIT" = 0 ] || fail "a good push was rejected"
end_case

begin_case "--warn-only reports but accepts; --enforce rejects again"
forgejo_repository "$CASE_DIR/app.git"
expect_exit 0 "$INSTALLER" install "$CASE_DIR/app.git" --tool "$KSA_BIN" --warn-only
[ "$(git config --file "$CASE_DIR/app.git/config" koder-audit.mode)" = warn ] || fail "mode not set"
push_status "$CASE_DIR/app.git" stabel
[ "$LAST_EXIT" = 0 ] || fail "warn-only rejected"
expect_contains "$ERR" "error[KSA005]"
expect_contains "$ERR" "WARN-ONLY MODE"
expect_exit 0 "$INSTALLER" install "$CASE_DIR/app.git" --tool "$KSA_BIN" --enforce
push_status "$CASE_DIR/app.git" stabel
[ "$LAST_EXIT" = 1 ] || fail "enforce accepted a bad push"
end_case

begin_case "uninstall removes only our hook; bad targets are refused"
root="$CASE_DIR/root"
forgejo_repository "$root/alice/app.git"
expect_exit 0 "$INSTALLER" install-all "$root" --tool "$KSA_BIN"
expect_exit 0 "$INSTALLER" uninstall-all "$root"
[ ! -e "$root/alice/app.git/hooks/pre-receive.d/koder-spec-audit" ] || fail "hook still there"
[ -x "$root/alice/app.git/hooks/pre-receive.d/gitea" ] || fail "Forgejo's hook removed"
mkdir -p "$CASE_DIR/not-a-repo"
expect_exit 2 "$INSTALLER" install "$CASE_DIR/not-a-repo" --tool "$KSA_BIN"
expect_contains "$ERR" "not a bare git repository"
expect_exit 2 "$INSTALLER" install "$root/alice/app.git" --tool "$CASE_DIR/missing-tool"
end_case

finish
