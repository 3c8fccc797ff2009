#!/usr/bin/env bash
# install/forgejo-hook.sh run as root leaves everything it creates or rewrites owned by
# Forgejo's user (the owner of the repository, or of HOME_PATH): Forgejo, running as that user,
# must keep being able to push through the hooks, rewrite its own hooks at start and delete a
# repository. Forgejo's user here is a throwaway uid without an account; the Forgejo side
# (forgejo_emulator.sh) runs as that uid through setpriv. Needs root.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/forgejo_lib.sh"

[ "$(id -u)" = 0 ] || skip_test "needs root (it checks what an install run as root leaves behind)"
command -v setpriv >/dev/null 2>&1 || skip_test "setpriv (util-linux) is not installed"

# A uid and gid no account uses.
FORGEJO_UID=54321
while getent passwd "$FORGEJO_UID" >/dev/null || getent group "$FORGEJO_UID" >/dev/null; do
    FORGEJO_UID=$((FORGEJO_UID + 1))
done
as_forgejo() { setpriv --reuid="$FORGEJO_UID" --regid="$FORGEJO_UID" --clear-groups -- "$@"; }
# Forgejo's user reaches the test folder (mktemp made it 0700) and reads the clients.
chmod 0755 -- "$TEST_DIR"
as_forgejo test -x "$KSA_BIN" || skip_test "the built tool is not reachable by another user"

# A site created by Forgejo's user, as Forgejo creates it.
forgejo_user_site() {
    forgejo_site "$CASE_DIR/site"
    chown -R "$FORGEJO_UID:$FORGEJO_UID" -- "$FORGEJO_SITE"
    as_forgejo "$EMULATOR" start "$1" "$FORGEJO_HOME_PATH" "$FORGEJO_CONF" || fail "Forgejo did not start"
}

expect_owned_by_forgejo() {
    local strays
    strays=$(find "$1" \( ! -uid "$FORGEJO_UID" -o ! -gid "$FORGEJO_UID" \) -printf '%u:%g %p\n')
    [ -z "$strays" ] || fail "not owned by Forgejo's user: $strays"
}

# forgejo_user_push OWNER/NAME STATUS: forgejo_push, with git on the server side run as
# Forgejo's user (as `forgejo serv` runs it).
forgejo_user_push() {
    client_commit "$2"
    expect_exit_in "0 1" git -C "$WORK" push --force \
        --receive-pack="setpriv --reuid=$FORGEJO_UID --regid=$FORGEJO_UID --clear-groups -- $EMULATOR serv" \
        "file://$FORGEJO_ROOT/$1.git" main:main
}

begin_case "install-all and install as root: Forgejo's user owns every file, pushes through it and can delete the repository"
forgejo_user_site v16
as_forgejo "$EMULATOR" create v15 "$FORGEJO_ROOT/alice/app.git" "$FORGEJO_CONF"
as_forgejo "$EMULATOR" create v16 "$FORGEJO_ROOT/alice/new.git" "$FORGEJO_CONF"
[ ! -e "$FORGEJO_ROOT/alice/new.git/hooks" ] || fail "a v16 repository has a hooks folder"
expect_exit 0 "$INSTALLER" install-all "$FORGEJO_ROOT" --tool "$KSA_BIN" --warn-only
expect_file "$FORGEJO_ROOT/alice/new.git/hooks/pre-receive.d/koder-spec-audit"
[ "$(git config --file "$FORGEJO_ROOT/alice/new.git/config" koder-audit.mode)" = warn ] || fail "mode not set"
expect_owned_by_forgejo "$FORGEJO_ROOT"
expect_exit 0 "$INSTALLER" install "$FORGEJO_ROOT/alice/app.git" --tool "$KSA_BIN" --enforce
expect_owned_by_forgejo "$FORGEJO_ROOT"
forgejo_user_push alice/app stabel
expect_refused_by_audit
forgejo_user_push alice/new stabel
expect_accepted
expect_contains "$ERR" "WARN-ONLY MODE"
# Forgejo deletes a repository as its own user (services/repository/delete.go removes the folder).
expect_exit 0 as_forgejo rm -rf -- "$FORGEJO_ROOT/alice/new.git" "$FORGEJO_ROOT/alice/app.git"
[ ! -e "$FORGEJO_ROOT/alice/new.git" ] || fail "Forgejo's user could not delete the repository"
end_case

begin_case "install-global as root on v11-v15: Forgejo's user owns HOME_PATH and upgrades to v16 over it"
forgejo_user_site v15
as_forgejo "$EMULATOR" create v15 "$FORGEJO_ROOT/alice/app.git" "$FORGEJO_CONF"
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN" --warn-only
expect_file "$FORGEJO_HOME_PATH/hooks/update"
expect_owned_by_forgejo "$FORGEJO_HOME_PATH"
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN" --enforce
expect_owned_by_forgejo "$FORGEJO_HOME_PATH"
forgejo_user_push alice/app stabel
expect_refused_by_audit
# Forgejo v16 starts as its user: it removes and rewrites its hooks in HOME_PATH/hooks.
expect_exit 0 as_forgejo "$EMULATOR" start v16 "$FORGEJO_HOME_PATH" "$FORGEJO_CONF"
expect_forgejo_file "$FORGEJO_HOME_PATH/hooks/pre-receive" v16/pre-receive
forgejo_user_push alice/app stabel
expect_refused_by_audit
expect_exit 0 "$INSTALLER" uninstall-global "$FORGEJO_HOME_PATH"
expect_owned_by_forgejo "$FORGEJO_HOME_PATH"
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
expect_owned_by_forgejo "$FORGEJO_HOME_PATH"
end_case

begin_case "uninstall-global as root on v11-v15 leaves Forgejo's .gitconfig with its owner"
forgejo_user_site v15
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
expect_exit 0 "$INSTALLER" uninstall-global "$FORGEJO_HOME_PATH"
[ ! -e "$FORGEJO_HOME_PATH/hooks" ] || fail "the hooks folder is still there"
expect_owned_by_forgejo "$FORGEJO_HOME_PATH"
expect_exit 0 as_forgejo "$EMULATOR" start v15 "$FORGEJO_HOME_PATH" "$FORGEJO_CONF"
end_case

finish
