#!/usr/bin/env bash
# Forgejo, as far as its git hooks go, for the Forgejo integration tests: what it writes at
# start-up and when it creates a repository (its real hook texts, tests/data/forgejo/), the
# environment its `serv` command and its internal pushes give git, and a stand-in for its own
# `forgejo hook ...` command. Each part cites the Forgejo source it reproduces (docs/forgejo.md).
# A standalone script, so that a test can run it as Forgejo's user (setpriv).
#
#   forgejo_emulator.sh start v15|v16 HOME_PATH APP_INI [KEY=VALUE...]
#       Forgejo's start (modules/git/git.go InitFull): v16 first writes its central hooks into
#       HOME_PATH/hooks (modules/git/hook_generate.go InitDelegateHooks); both then write
#       HOME_PATH/.gitconfig (syncGitConfig): app.ini's [git.config] (KEY=VALUE, lower-cased),
#       then Forgejo's own keys (v16: core.hooksPath = HOME_PATH/hooks).
#   forgejo_emulator.sh create v15|v16 REPO.git APP_INI
#       A new repository (modules/repository/init.go CheckInitRepository): `git init --bare`;
#       up to v15 also CreateDelegateHooks (modules/repository/hooks.go) into REPO.git/hooks.
#       Reads FORGEJO_HOME_PATH.
#   forgejo_emulator.sh serv REPO.git
#       git-receive-pack as `forgejo serv` runs it for an SSH push (cmd/serv.go): use it as
#       `git push --receive-pack="forgejo_emulator.sh serv" file://REPO.git`. Reads
#       FORGEJO_HOME_PATH, FORGEJO_PUSHER (default alice), FORGEJO_DEPLOY_KEY_ID (default 0).
#   forgejo_emulator.sh internal-push [--internal] WORKDIR REPO.git REFSPEC
#       A push Forgejo makes itself from a temporary clone (web editor, API file changes,
#       merges: modules/repository/env.go PushingEnvironment; --internal: the auto-init push,
#       InternalPushingEnvironment, GITEA_INTERNAL_PUSH=true). Reads FORGEJO_HOME_PATH,
#       FORGEJO_PUSHER.
#   forgejo_emulator.sh hook --config=APP_INI NAME [ARGS]
#       The stand-in for Forgejo's binary in its hook texts (cmd/hook.go): logs each call to
#       hook-calls.log beside APP_INI; pre-receive refuses a push without Forgejo's environment
#       (ONLY_ALLOW_PUSH_IF_GITEA_ENVIRONMENT_SET, default true) and when a file deny-pre-receive
#       lies beside APP_INI; proc-receive speaks git's proc-receive protocol and accepts.
set -euo pipefail

self=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)/$(basename -- "${BASH_SOURCE[0]}")
data=$(cd -- "$(dirname -- "$self")/../data/forgejo" && pwd -P)

# util.ShellEscape leaves a path without shell metacharacters as it is; the tests use such paths.
shell_escape() {
    case "$1" in
        *[[:space:]\|\&\;\(\)\<\>\$\{\}\[\]\*\?\!\"\'\`\\]*) echo "forgejo_emulator: '$1' would need quoting" >&2; exit 2 ;;
    esac
    printf '%s' "$1"
}

# render TEMPLATE APP APP_INI: the template after its header, with fmt.Sprintf's %s filled by
# setting.ScriptType ("bash"), ShellEscape(AppPath), ShellEscape(CustomConf).
render() {
    local text value
    text=$(sed '1,/^# ---8<---$/d' -- "$1")
    for value in bash "$(shell_escape "$2")" "$(shell_escape "$3")"; do
        text=${text/\%s/$value}
    done
    printf '%s\n' "$text"
}

# Forgejo writes each hook with os.WriteFile(path, ..., 0o777) after removing the old one.
write_hook() {
    rm -f -- "$1"
    printf '%s' "$2" >"$1"
    chmod 0755 -- "$1"
}

# CreateDelegateHooks (v11-v15, per repository) / InitDelegateHooks (v16, HOME_PATH): for each
# of pre-receive, update, post-receive, proc-receive: NAME (the delegating script) and
# NAME.d/gitea (Forgejo's own hook; empty for proc-receive).
write_delegate_hooks() {
    local layout=$1 hooks=$2 app=$3 conf=$4 name gitea
    for name in pre-receive update post-receive proc-receive; do
        mkdir -p -- "$hooks/$name.d"
        write_hook "$hooks/$name" "$(render "$data/$layout/$name" "$app" "$conf")"
        gitea=""
        [ "$name" = proc-receive ] || gitea=$(render "$data/$layout/gitea-$name" "$app" "$conf")
        write_hook "$hooks/$name.d/gitea" "$gitea"
    done
}

config() { git config --file "$GITCONFIG" "$@"; }
config_set_non_exist() { config --get "$1" >/dev/null || config "$1" "$2"; }
config_add_non_exist() { config --fixed-value --get "$1" "$2" >/dev/null || config --add "$1" "$2"; }

start() {
    local version=$1 home=$2 conf=$3 option
    shift 3
    GITCONFIG="$home/.gitconfig"
    mkdir -p -- "$home"
    if [ "$version" = v16 ]; then
        write_delegate_hooks v16 "$home/hooks" "$self" "$conf"
    fi
    for option in diff.algorithm=histogram core.logAllRefUpdates=true gc.reflogExpire=90 "$@"; do
        config "$(printf '%s' "${option%%=*}" | tr '[:upper:]' '[:lower:]')" "${option#*=}"
    done
    config_set_non_exist user.name Gitea
    config_set_non_exist user.email gitea@fake.local
    if [ "$version" = v16 ]; then config core.hooksPath "$home/hooks"; fi
    config core.quotePath false
    config receive.advertisePushOptions true
    config core.commitGraph true
    config gc.writeCommitGraph true
    config fetch.writeCommitGraph true
    config_add_non_exist receive.procReceiveRefs refs/for
    config_add_non_exist safe.directory '*'
    config gpg.format openpgp
    config receive.hideRefs refs/pull/
    config uploadpack.allowfilter true
    config uploadpack.allowAnySHA1InWant true
}

create() {
    local version=$1 repo=$2 conf=$3 template=()
    # modules/git/repo.go InitRepository, run with HOME = HOME_PATH; v16 passes an empty
    # --template (no sample hooks, no hooks/ folder).
    [ "$version" = v16 ] && template=(--template "")
    mkdir -p -- "$repo"
    (cd -- "$repo" && env -u GIT_CONFIG_GLOBAL HOME="$FORGEJO_HOME_PATH" git init -q ${template[@]+"${template[@]}"} --bare)
    if [ "$version" = v15 ]; then
        write_delegate_hooks v11-v15 "$repo/hooks" "$self" "$conf"
    fi
}

# The environment cmd/serv.go gives git-receive-pack (gitcmd.Env): the caller's, then the
# GITEA_* variables, then git.CommonCmdServEnvs() (HOME = [git] HOME_PATH).
serv() {
    local repo=$1 owner name pusher=${FORGEJO_PUSHER:-alice}
    owner=$(basename -- "$(dirname -- "$repo")")
    name=$(basename -- "$repo" .git)
    cd -- "$(dirname -- "$(dirname -- "$repo")")" # gitcmd.Dir = setting.RepoRootPath
    exec env -u GIT_CONFIG_GLOBAL \
        SSH_ORIGINAL_COMMAND="git-receive-pack '$owner/$name.git'" \
        GITEA_REPO_IS_WIKI=false GITEA_REPO_NAME="$name" GITEA_REPO_USER_NAME="$owner" \
        GITEA_PUSHER_NAME="$pusher" GITEA_PUSHER_EMAIL="$pusher@example.invalid" GITEA_PUSHER_ID=7 \
        GITEA_REPO_ID=3 GITEA_PR_ID=0 GITEA_DEPLOY_KEY_ID="${FORGEJO_DEPLOY_KEY_ID:-0}" GITEA_KEY_ID=5 \
        GITEA_ROOT_URL=https://flow.example.invalid/ \
        HOME="$FORGEJO_HOME_PATH" GIT_NO_REPLACE_OBJECTS=1 \
        git-receive-pack "$repo"
}

# modules/repository/env.go FullPushingEnvironment (+ GITEA_INTERNAL_PUSH=true for
# InternalPushingEnvironment), run through modules/git/command.go (CommonGitCmdEnvs).
internal_push() {
    local internal=()
    if [ "$1" = --internal ]; then internal=(GITEA_INTERNAL_PUSH=true); shift; fi
    local work=$1 repo=$2 refspec=$3 owner name pusher=${FORGEJO_PUSHER:-alice}
    owner=$(basename -- "$(dirname -- "$repo")")
    name=$(basename -- "$repo" .git)
    cd -- "$work"
    env -u GIT_CONFIG_GLOBAL \
        GIT_AUTHOR_NAME="$pusher" GIT_AUTHOR_EMAIL="$pusher@example.invalid" \
        GIT_COMMITTER_NAME="$pusher" GIT_COMMITTER_EMAIL="$pusher@example.invalid" \
        GITEA_REPO_NAME="$name" GITEA_REPO_USER_NAME="$owner" GITEA_REPO_IS_WIKI=false \
        GITEA_PUSHER_NAME="$pusher" GITEA_PUSHER_ID=7 GITEA_REPO_ID=3 GITEA_PR_ID=0 \
        GITEA_ROOT_URL=https://flow.example.invalid/ SSH_ORIGINAL_COMMAND=gitea-internal \
        ${internal[@]+"${internal[@]}"} \
        HOME="$FORGEJO_HOME_PATH" GIT_NO_REPLACE_OBJECTS=1 LC_ALL=C GIT_TERMINAL_PROMPT=0 \
        git push "$repo" "$refspec"
}

# git's proc-receive protocol (githooks(5)), Forgejo's side (cmd/hook.go runHookProcReceive):
# negotiate version 1, read the commands (and push options), answer "ok" for each.
proc_receive() {
    python3 -c '
import sys
i, o = sys.stdin.buffer, sys.stdout.buffer
def read():
    size = int(i.read(4), 16)
    return None if size == 0 else i.read(size - 4)
def write(data):
    o.write(b"%04x" % (len(data) + 4) + data)
def flush():
    o.write(b"0000"); o.flush()
first = read()
options = first.split(b"\0", 1)[1].split() if b"\0" in first else []
while read() is not None: pass
write(b"version=1\0push-options\n" if b"push-options" in options else b"version=1\n"); flush()
refs = []
while True:
    line = read()
    if line is None: break
    refs.append(line.strip().split(b" ")[2])
if b"push-options" in options:
    while read() is not None: pass
for ref in refs: write(b"ok " + ref + b"\n")
flush()
'
}

hook() {
    local conf=${1#--config=} name=$2
    shift 2
    local log
    log="$(dirname -- "$conf")/hook-calls.log"
    printf '%s pusher=%s repo=%s/%s internal=%s ssh=%s home=%s args=%s\n' "$name" "${GITEA_PUSHER_NAME:-}" \
        "${GITEA_REPO_USER_NAME:-}" "${GITEA_REPO_NAME:-}" "${GITEA_INTERNAL_PUSH:-}" \
        "${SSH_ORIGINAL_COMMAND:+set}" "${HOME:-}" "$*" >>"$log"
    case "$name" in
        pre-receive)
            cat >/dev/null
            [ "${GITEA_INTERNAL_PUSH:-}" != true ] || exit 0
            if [ -z "${SSH_ORIGINAL_COMMAND:-}" ]; then
                echo "Forgejo: Rejecting changes as Forgejo environment not set." >&2
                exit 1
            fi
            if [ -e "$(dirname -- "$conf")/deny-pre-receive" ]; then
                echo "Forgejo: branch is protected (stand-in)" >&2
                exit 1
            fi
            ;;
        post-receive) cat >/dev/null ;;
        proc-receive) proc_receive ;;
    esac
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
    start) start "$@" ;;
    create) create "$@" ;;
    serv) serv "$@" ;;
    internal-push) internal_push "$@" ;;
    hook) hook "$@" ;;
    render) render "$@" ;;
    *) echo "forgejo_emulator: unknown command '$command'" >&2; exit 2 ;;
esac
