#!/usr/bin/env bash
# Pushes over smart HTTP on loopback into Forgejo's layouts, the way Forgejo's web server
# runs git for them (forgejo_http_server.py: routers/web/repo/githttp.go in small, with
# Forgejo's environment, HOME = [git] HOME_PATH), with the hook installed by
# install/forgejo-hook.sh install-global. Also: the server's settings are read from Forgejo's
# HOME_PATH/.gitconfig, where app.ini's [git.config] puts them (keys lower-cased), and not
# from the service user's own ~/.gitconfig.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/forgejo_lib.sh"

command -v python3 >/dev/null 2>&1 || skip_test "python3 is not installed (it runs the test's web server)"

WEB_PID=""
stop_web_server() {
    if [ -n "$WEB_PID" ]; then
        kill "$WEB_PID" 2>/dev/null || true
        wait "$WEB_PID" 2>/dev/null || true
        WEB_PID=""
    fi
}
on_exit_with_web_server() {
    exit_status=$?
    stop_web_server
    set +e
    (exit "$exit_status")
    on_exit
}
trap on_exit_with_web_server EXIT
trap 'exit 143' TERM INT HUP

WEB_LOG="$TEST_DIR/web.log"
python3 "$KSA_SOURCE_DIR/tests/integration/forgejo_http_server.py" "$TEST_DIR" "$TEST_DIR/port" "$WEB_LOG" "$$" \
    >"$TEST_DIR/web.out" 2>&1 &
WEB_PID=$!
for _ in $(seq 100); do
    [ -s "$TEST_DIR/port" ] && break
    kill -0 "$WEB_PID" 2>/dev/null || { cat -- "$TEST_DIR/web.out" >&2; echo "$TEST_NAME: the web server died" >&2; exit 1; }
    sleep 0.1
done
[ -s "$TEST_DIR/port" ] || { cat -- "$TEST_DIR/web.out" >&2; echo "$TEST_NAME: the web server did not start" >&2; exit 1; }
PORT=$(cat -- "$TEST_DIR/port")

# url OWNER/NAME [USER]: the repository of this case's site over HTTP, as USER (any password).
url() {
    printf 'http://%s127.0.0.1:%s/%s/%s.git\n' "${2:+$2:secret@}" "$PORT" "$(basename -- "$CASE_DIR")" "$1"
}

# http_push OWNER/NAME STATUS USER [PUSH ARGS...]: a new commit with STATUS pushed to main.
http_push() {
    local repo=$1 status=$2 user=$3
    shift 3
    client_commit "$status"
    expect_exit_in "0 1" git -C "$WORK" push --force "$@" "$(url "$repo" "$user")" main:main
}

begin_case "v16 over HTTP: the central hook audits every push; Forgejo's own hook runs with the pusher"
forgejo_site "$CASE_DIR/site"
forgejo_start v16
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
forgejo_create v16 alice/app
http_push alice/app stable alice
expect_accepted
expect_contains "$ERR" "remote: koder-spec-audit: 1 manifest checked in the push (1 new commit on 1 ref), no problems"
expect_forgejo_hook_ran pre-receive alice/app
grep -q '^pre-receive pusher=alice ' -- "$HOOK_LOG" || fail "the pusher is not alice: $(cat -- "$HOOK_LOG")"
expect_contains "$WEB_LOG" "request: POST /$(basename -- "$CASE_DIR")/alice/app.git/git-receive-pack user=alice"
http_push alice/app stabel alice
expect_refused_by_audit
expect_contains "$ERR" 'remote: engines/web/koder.toml:9:10: error[KSA005]: `status = "stabel"` is not a known status'
expect_contains "$ERR" "! [remote rejected] main -> main (pre-receive hook declined)"
# A clone over HTTP ends at the accepted commit.
expect_exit 0 git clone -q -b main "$(url alice/app)" "$CASE_DIR/fresh"
expect_contains "$CASE_DIR/fresh/$MANIFEST" 'status = "stable"'
end_case

begin_case "server settings come from app.ini's [git.config] (HOME_PATH/.gitconfig), not the service user's ~/.gitconfig"
forgejo_site "$CASE_DIR/site"
# Forgejo writes [git.config] keys lower-cased (modules/setting/git.go, modules/git/git.go).
forgejo_start v16 koder-audit.overrideUser=alice "koder-audit.overrideLog=$CASE_DIR/overrides.log"
grep -q '^	overrideuser = alice$' -- "$FORGEJO_HOME_PATH/.gitconfig" || fail "the key was not lower-cased: $(cat -- "$FORGEJO_HOME_PATH/.gitconfig")"
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
forgejo_create v16 alice/app
# The service user's own global config is not what git reads under Forgejo.
git config --global koder-audit.mode warn
http_push alice/app stabel bob -o "koder-audit.override=trust me"
expect_refused_by_audit
expect_contains "$ERR" "remote: koder-spec-audit: override ignored: pusher 'bob' is not listed in koder-audit.overrideUser"
http_push alice/app stabel alice -o "koder-audit.override=hotfix for INC-42"
expect_accepted
expect_contains "$ERR" "remote: koder-spec-audit: OVERRIDE by 'alice': \"hotfix for INC-42\"; push accepted"
grep -q "	alice	refs/heads/main	hotfix for INC-42\$" -- "$CASE_DIR/overrides.log" || fail "no override logged"
git config --global --unset koder-audit.mode
# A file named by koder-audit.configFile, set through [git.config] too.
printf '[koder-audit]\n\tmode = warn\n' >"$CASE_DIR/koder-audit.cfg"
forgejo_start v16 "koder-audit.configFile=$CASE_DIR/koder-audit.cfg"
http_push alice/app stabel bob
expect_accepted
expect_contains "$ERR" "WARN-ONLY MODE"
end_case

begin_case "v11-v15 over HTTP: with install-global a repository created afterwards is audited"
forgejo_site "$CASE_DIR/site"
forgejo_start v15
expect_exit 0 "$INSTALLER" install-global "$FORGEJO_HOME_PATH" --tool "$KSA_BIN"
forgejo_create v15 bob/new
http_push bob/new stabel bob
expect_refused_by_audit
http_push bob/new stable bob
expect_accepted
expect_forgejo_hook_ran pre-receive bob/new
expect_forgejo_hook_ran post-receive bob/new
end_case

stop_web_server
finish
