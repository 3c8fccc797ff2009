# shellcheck shell=bash
# A Forgejo site for the Forgejo tests (source it after lib.sh): forgejo_emulator.sh lays it
# out from Forgejo's real hook texts and pushes into it with the environment Forgejo gives git.
#
#   forgejo_site DIR              FORGEJO_CONF (app.ini; Forgejo's hook log HOOK_LOG beside it),
#                                 FORGEJO_HOME_PATH ([git] HOME_PATH, exported), FORGEJO_ROOT
#   forgejo_start v15|v16 [K=V]   Forgejo starts (K=V: app.ini's [git.config])
#   forgejo_create v15|v16 OWNER/NAME
#   forgejo_push OWNER/NAME STATUS [REF]   a push over SSH as Forgejo's serv runs it
#   forgejo_web_edit OWNER/NAME STATUS [--internal]   a push Forgejo makes itself

EMULATOR="$KSA_SOURCE_DIR/tests/integration/forgejo_emulator.sh"
# shellcheck disable=SC2034 # read by the tests
INSTALLER="$KSA_SOURCE_DIR/install/forgejo-hook.sh"
MANIFEST=engines/web/koder.toml

forgejo_site() {
    # shellcheck disable=SC2034 # read by the tests
    FORGEJO_SITE=$1
    mkdir -p -- "$1/custom/conf" "$1/data/forgejo-repositories"
    FORGEJO_CONF="$1/custom/conf/app.ini"
    : >"$FORGEJO_CONF"
    HOOK_LOG="$1/custom/conf/hook-calls.log"
    FORGEJO_ROOT="$1/data/forgejo-repositories"
    export FORGEJO_HOME_PATH="$1/data/home"
}

forgejo_start() {
    local version=$1
    shift
    "$EMULATOR" start "$version" "$FORGEJO_HOME_PATH" "$FORGEJO_CONF" "$@" || fail "Forgejo $version did not start"
}

forgejo_create() {
    "$EMULATOR" create "$1" "$FORGEJO_ROOT/$2.git" "$FORGEJO_CONF" || fail "Forgejo $1 could not create $2"
}

# A fresh client (its folder in WORK) with one commit whose manifest has STATUS.
PUSHES=0
client_commit() {
    PUSHES=$((PUSHES + 1))
    WORK="$CASE_DIR/work-$PUSHES"
    git init -q -b main "$WORK"
    write_file "$WORK/$MANIFEST" "$(manifest_ok koder-web "$1")"
    git -C "$WORK" add -A
    git -C "$WORK" commit -q --no-verify -m "status $1, push $PUSHES"
}

# forgejo_push OWNER/NAME STATUS [REF]: pushes (forced) a new commit with STATUS to REF
# (default main) the way an SSH push reaches git through `forgejo serv`; the exit status is
# in $LAST_EXIT, the output in $OUT and $ERR.
forgejo_push() {
    client_commit "$2"
    expect_exit_in "0 1" git -C "$WORK" push --force --receive-pack="$EMULATOR serv" \
        "file://$FORGEJO_ROOT/$1.git" "main:${3:-main}"
}

# forgejo_web_edit OWNER/NAME STATUS [--internal]: a commit on top of main that Forgejo pushes
# itself from a temporary clone (web editor, API, merge; --internal: the auto-init push).
forgejo_web_edit() {
    PUSHES=$((PUSHES + 1))
    WORK="$CASE_DIR/edit-$PUSHES"
    git clone -q "file://$FORGEJO_ROOT/$1.git" "$WORK" 2>/dev/null
    if git -C "$WORK" rev-parse -q --verify origin/main >/dev/null; then git -C "$WORK" checkout -q -B main origin/main; else git -C "$WORK" checkout -q -B main; fi
    write_file "$WORK/$MANIFEST" "$(manifest_ok koder-web "$2")"
    git -C "$WORK" add -A
    git -C "$WORK" commit -q --no-verify -m "web edit: status $2"
    expect_exit_in "0 1" "$EMULATOR" internal-push ${3:+"$3"} "$WORK" "$FORGEJO_ROOT/$1.git" "main:main"
}

# The push went through (or was refused by) the audit.
expect_refused_by_audit() {
    [ "$LAST_EXIT" = 1 ] || fail "a bad push was accepted"
    expect_contains "$ERR" "error[KSA005]"
    expect_contains "$ERR" "pre-receive hook declined"
}

expect_accepted() {
    [ "$LAST_EXIT" = 0 ] || fail "a good push was refused"
}

# The number of audits that ran in the last push (one summary line each).
audits_run() {
    count_matches "$ERR" "checked in the push"
}

# Forgejo's own hook ran for NAME in OWNER/REPO with Forgejo's environment.
expect_forgejo_hook_ran() {
    grep -q "^$1 pusher=.* repo=$2 .*ssh=set home=$FORGEJO_HOME_PATH " -- "$HOOK_LOG" ||
        fail "Forgejo's own $1 hook did not run for $2 with Forgejo's environment: $(cat -- "$HOOK_LOG" 2>/dev/null)"
}

# FILE holds exactly what Forgejo writes from TEMPLATE (tests/data/forgejo/...).
expect_forgejo_file() {
    [ "$(cat -- "$1")" = "$("$EMULATOR" render "$KSA_SOURCE_DIR/tests/data/forgejo/$2" "$EMULATOR" "$FORGEJO_CONF")" ] ||
        fail "$1 is no longer Forgejo's own $2"
}
