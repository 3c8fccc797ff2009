# shellcheck shell=bash
# Shared setup for the integration tests (ccache/mold style): source it first thing.
#
#   . "$(dirname "$0")/lib.sh"
#   begin_case "what it checks"
#   ...commands and expectations...
#   end_case
#   finish                      # prints "<test>: N passed, 0 failed"
#
# Each test script gets one fresh folder under $KSA_TEST_TMP and each case a fresh
# subfolder; the folder is removed when the script passes and kept (its path printed)
# when it fails. The environment is reset so that the developer's git configuration,
# hooks, colours and clock cannot change the outcome.
#
# Inputs (set by tests/CMakeLists.txt): KSA_BIN, KSA_SOURCE_DIR, KSA_TEST_TMP.

set -eu

TEST_NAME=$(basename -- "$0" .sh)

if [ -z "${KSA_BIN:-}" ] || [ ! -x "$KSA_BIN" ]; then
    echo "$TEST_NAME: KSA_BIN must name the built koder-spec-audit binary (got '${KSA_BIN:-}')" >&2
    exit 2
fi
if [ -z "${KSA_SOURCE_DIR:-}" ] || [ ! -f "$KSA_SOURCE_DIR/hooks/pre-commit" ]; then
    echo "$TEST_NAME: KSA_SOURCE_DIR must name the source tree (got '${KSA_SOURCE_DIR:-}')" >&2
    exit 2
fi
KSA_BIN=$(cd -- "$(dirname -- "$KSA_BIN")" && pwd -P)/$(basename -- "$KSA_BIN")
KSA_SOURCE_DIR=$(cd -- "$KSA_SOURCE_DIR" && pwd -P)
KSA_TEST_TMP=${KSA_TEST_TMP:-${TMPDIR:-/tmp}/koder-spec-audit-tests}
mkdir -p -- "$KSA_TEST_TMP"
KSA_TEST_TMP=$(cd -- "$KSA_TEST_TMP" && pwd -P)

TEST_DIR=$(mktemp -d "$KSA_TEST_TMP/$TEST_NAME.XXXXXX")
TEST_IO="$TEST_DIR/.io"                 # captured output of the last expect_exit
OUT="$TEST_IO/stdout"
ERR="$TEST_IO/stderr"
BIN_DIR="$TEST_DIR/path-bin"            # not named bin: the hook also looks in ../../../bin
mkdir -p -- "$TEST_IO" "$BIN_DIR"
: >"$OUT"
: >"$ERR"
ln -s -- "$KSA_BIN" "$BIN_DIR/koder-spec-audit"

PASSED=0
CASE_NUMBER=0
CASE_NAME="(setup)"
CASE_DIR=$TEST_DIR
FINISHED=0
TEST_STARTED=$(date +%s)

on_exit() {
    status=$?
    if [ "$FINISHED" = 1 ] && [ "$status" = 0 ]; then
        cd / && rm -rf -- "$TEST_DIR"
    else
        echo "$TEST_NAME: FAILED in case '$CASE_NAME' (exit $status); test folder kept: $TEST_DIR" >&2
        echo "$TEST_NAME: $PASSED passed, 1 failed" >&2
        [ "$status" != 0 ] || status=1
    fi
    exit "$status"
}
trap on_exit EXIT

# --- environment ---------------------------------------------------------------------

# Every GIT_* variable (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_OBJECT_DIRECTORY, ...
# possibly inherited from a hook that runs ctest) goes, then the ones we want come back.
for variable in $(env | sed -n 's/^\(GIT_[A-Za-z0-9_]*\)=.*/\1/p'); do
    unset "$variable"
done
unset NO_COLOR CLICOLOR CLICOLOR_FORCE FORCE_COLOR KODER_SPEC_AUDIT \
      PRE_COMMIT PRE_COMMIT_HOME PRE_COMMIT_ALLOW_NO_CONFIG SKIP \
      XDG_CONFIG_HOME XDG_CACHE_HOME XDG_DATA_HOME EDITOR VISUAL PAGER LESS

ORIGINAL_PATH=$PATH
HOME="$TEST_DIR/home"
mkdir -p -- "$HOME"
export HOME
export XDG_CONFIG_HOME="$HOME/.config" XDG_CACHE_HOME="$HOME/.cache"
export GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_GLOBAL="$HOME/.gitconfig"
# Repository discovery never climbs above the test folder (it lives inside the source
# checkout's build folder, itself inside a git repository).
export GIT_CEILING_DIRECTORIES="$TEST_DIR"
export GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z'
export GIT_EDITOR=: GIT_PAGER=cat GIT_TERMINAL_PROMPT=0
export LC_ALL=C TZ=UTC TERM=dumb
export TMPDIR="$TEST_DIR/tmp"           # git, pre-commit and mktemp scratch stays inside
mkdir -p -- "$TMPDIR"
export PATH="$BIN_DIR:$ORIGINAL_PATH"
# An empty template folder: no sample hooks to copy on each `git init` (and to delete).
mkdir -p -- "$HOME/git-template"
cat >"$GIT_CONFIG_GLOBAL" <<EOF
[user]
	name = KSA Test
	email = ksa-test@example.invalid
[init]
	defaultBranch = main
	templateDir = $HOME/git-template
[advice]
	detachedHead = false
[commit]
	gpgSign = false
[core]
	autocrlf = false
EOF

# A PATH without any folder that holds a koder-spec-audit (for the "tool missing" cases).
path_without_tool() {
    result=""
    old_ifs=$IFS
    IFS=:
    for dir in $ORIGINAL_PATH; do
        [ -n "$dir" ] || continue
        [ -e "$dir/koder-spec-audit" ] && continue
        result="${result:+$result:}$dir"
    done
    IFS=$old_ifs
    printf '%s\n' "$result"
}

# --- cases ---------------------------------------------------------------------------

begin_case() {
    CASE_NUMBER=$((CASE_NUMBER + 1))
    CASE_NAME=$1
    CASE_DIR="$TEST_DIR/$(printf '%02d' "$CASE_NUMBER")"
    mkdir -p -- "$CASE_DIR"
    cd -- "$CASE_DIR"
}

end_case() {
    PASSED=$((PASSED + 1))
    echo "ok $CASE_NUMBER - $CASE_NAME"
    cd -- "$TEST_DIR"
}

finish() {
    FINISHED=1
    echo "$TEST_NAME: $PASSED passed, 0 failed ($(($(date +%s) - TEST_STARTED)) s)"
}

# Ends the test without failing, for a prerequisite CI provides but this machine lacks.
skip_test() {
    echo "SKIPPED: $*"
    FINISHED=1
    exit 0
}

# --- expectations ----------------------------------------------------------------------

show_file() {
    label=$1
    file=$2
    if [ -s "$file" ]; then
        echo "--- $label ($file):" >&2
        # cat -v: a test about control characters must not mess up the log it fails in.
        head -c 20000 -- "$file" | cat -v >&2
        echo "--- end of $label" >&2
    else
        echo "--- $label: (empty)" >&2
    fi
}

fail() {
    echo "FAIL [$TEST_NAME / $CASE_NAME]: $*" >&2
    show_file "stdout of the last command" "$OUT"
    show_file "stderr of the last command" "$ERR"
    exit 1
}

# expect_exit CODE cmd...: runs cmd with stdout in $OUT and stderr in $ERR, and checks
# its exit status. CODE is a number, or "nonzero" for any failure.
expect_exit() {
    want=$1
    shift
    set +e
    "$@" >"$OUT" 2>"$ERR"
    got=$?
    set -e
    # shellcheck disable=SC2034 # read by the tests
    LAST_EXIT=$got
    case $want in
        nonzero) [ "$got" != 0 ] || fail "expected a non-zero exit from: $*; got 0" ;;
        *) [ "$got" = "$want" ] || fail "expected exit $want from: $*; got $got" ;;
    esac
}

# expect_exit_in "1 2" cmd...: the exit status is one of the listed codes.
expect_exit_in() {
    wanted=$1
    shift
    set +e
    "$@" >"$OUT" 2>"$ERR"
    got=$?
    set -e
    # shellcheck disable=SC2034 # read by the tests
    LAST_EXIT=$got
    for code in $wanted; do
        [ "$got" = "$code" ] && return 0
    done
    fail "expected an exit in {$wanted} from: $*; got $got"
}

expect_contains() {
    grep -a -F -q -e "$2" -- "$1" || fail "expected to find '$2' in $1"
}

expect_not_contains() {
    if grep -a -F -q -e "$2" -- "$1"; then fail "did not expect '$2' in $1"; fi
}

# The number of lines of FILE that contain TEXT.
count_matches() {
    grep -a -F -c -e "$2" -- "$1" || true
}

expect_count() {
    file=$1
    text=$2
    want=$3
    got=$(count_matches "$file" "$text")
    [ "$got" = "$want" ] || fail "expected $want line(s) with '$text' in $file, found $got"
}

expect_empty() {
    [ ! -s "$1" ] || fail "expected $1 to be empty"
}

# expect_no_control_chars FILE [c0]: no raw ESC, no other C0 control character but the
# newline, no DEL in FILE; and, unless "c0" is given, no C1 control (U+0080..U+009F, UTF-8
# bytes C2 80..C2 9F): nothing a terminal would interpret. (JSON must escape C0 and may
# carry C1 characters as they are.)
expect_no_control_chars() {
    controls=$(LC_ALL=C tr -d '\n\040-\176\200-\377' <"$1" | wc -c)
    [ "$controls" -eq 0 ] || fail "$1 holds $controls raw control character(s) (0x00-0x1f or 0x7f)"
    [ "${2:-}" = c0 ] && return 0
    if LC_ALL=C grep -a -q "$(printf '\302')[$(printf '\200')-$(printf '\237')]" -- "$1"; then
        fail "$1 holds a raw C1 control character"
    fi
}

expect_file() {
    [ -e "$1" ] || fail "expected $1 to exist"
}

# --- files and repositories ----------------------------------------------------------

# write_file PATH CONTENT: creates the parent folders; CONTENT gets a final newline.
write_file() {
    mkdir -p -- "$(dirname -- "$1")"
    printf '%s\n' "$2" >"$1"
}

new_repo() {
    git init -q -- "$1"
}

install_hook() {
    mkdir -p -- "$1/.git/hooks"
    ln -sf -- "$KSA_SOURCE_DIR/hooks/pre-commit" "$1/.git/hooks/pre-commit"
}

# new_hooked_repo DIR: new_repo + install_hook, then enters DIR.
new_hooked_repo() {
    new_repo "$1"
    install_hook "$1"
    cd -- "$1"
}

commit_count() {
    git rev-list --count HEAD 2>/dev/null || echo 0
}

# Checks that HEAD (of the repository in the current folder) has N commits.
expect_commits() {
    got=$(commit_count)
    [ "$got" = "$1" ] || fail "expected $1 commit(s) on HEAD, found $got"
}

# git commit, expecting the hook to accept: fails the test otherwise.
commit_ok() {
    before=$(commit_count)
    expect_exit 0 git commit -q "$@"
    expect_commits $((before + 1))
}

# git commit, expecting the hook to reject: non-zero exit and no new commit.
commit_rejected() {
    before=$(commit_count)
    expect_exit nonzero git commit -q "$@"
    expect_commits "$before"
    expect_contains "$ERR" "commit rejected"
}

# --- manifests -----------------------------------------------------------------------

# A valid engine manifest with a [self_hosted] block (STATUS defaults to stable).
manifest_ok() {
    name=$1
    status=${2:-stable}
    cat <<EOF
category = "engine"

[package]
name = "$name"
version = "1.0.0"

[self_hosted]
replaces = ["nginx"]
status = "$status"
gates_passed = ["feature_parity"]
gates_pending = ["performance"]
EOF
}

# The same with the status misspelled: "stabel" at line 9, column 10.
manifest_bad_status() {
    manifest_ok "$1" stabel
}

# A manifest that is valid in phase 4 but warns: no category (KSA003).
manifest_no_category() {
    cat <<EOF
[package]
name = "$1"
version = "1.0.0"
EOF
}

# --- pushes to a bare repository ($SERVER) with the pre-receive hook ---------------------

rev() { git rev-parse --verify "${1:-HEAD}^{commit}"; }
short() { rev "${1:-HEAD}" | cut -c1-10; }

# new_server DIR: a bare repository whose hooks/pre-receive is the source tree's hook; sets
# SERVER to its absolute path.
new_server() {
    git init -q --bare -- "$1"
    mkdir -p -- "$1/hooks"
    ln -s -- "$KSA_SOURCE_DIR/hooks/pre-receive" "$1/hooks/pre-receive"
    SERVER=$(cd -- "$1" && pwd -P)
}

# new_client DIR: a repository whose origin is $SERVER over file://; enters DIR. No
# pre-commit hook: the client commits anything, as a pusher bypassing it would.
new_client() {
    new_repo "$1"
    git -C "$1" remote add origin "file://$SERVER"
    cd -- "$1"
}

# commit_file PATH CONTENT MESSAGE: writes, stages and commits PATH.
commit_file() {
    write_file "$1" "$2"
    git add -- "$1"
    git commit -q -m "$3"
}

# server_and_client: ./server.git with the hook, and ./client (entered) whose main is on it.
server_and_client() {
    new_server server.git
    new_client client
    commit_file README.md "# test" "readme"
    push_ok origin main
}

# push_ok ARGS...: `git push ARGS` succeeds.
push_ok() {
    expect_exit 0 git push "$@"
}

# push_rejected ARGS...: `git push ARGS` fails because the hook declined, and says so.
push_rejected() {
    expect_exit nonzero git push "$@"
    expect_contains "$ERR" "(pre-receive hook declined)"
    expect_contains "$ERR" "remote: koder-spec-audit: push rejected: "
}

# The hook printed nothing at all: git's own lines only.
expect_hook_silent() {
    expect_not_contains "$ERR" "remote:"
    expect_not_contains "$ERR" "koder-spec-audit"
}

# server_rev REF: the id REF has on the server ("" when it does not exist).
server_rev() {
    git -C "$SERVER" rev-parse -q --verify "$1" 2>/dev/null || true
}

expect_server_ref() {
    got=$(server_rev "$1")
    [ "$got" = "$2" ] || fail "expected $1 = '$2' on the server, found '$got'"
}

# wrap_hook VAR=VALUE...: replaces the server's hook by a wrapper that sets the environment
# a hosting service (Forgejo) would, then execs the real hook.
wrap_hook() {
    rm -f -- "$SERVER/hooks/pre-receive"
    {
        echo '#!/bin/sh'
        for assignment in "$@"; do
            printf 'export %s\n' "$assignment"
        done
        printf 'exec %s "$@"\n' "$KSA_SOURCE_DIR/hooks/pre-receive"
    } >"$SERVER/hooks/pre-receive"
    chmod +x "$SERVER/hooks/pre-receive"
}

# Dated commits, for history tests: DAY counts days from DATED_BASE (2026-01-01T00:00:00Z).
# dated_commit MESSAGE stages everything and commits it at noon UTC of day DAY, then DAY + 1.
DATED_BASE=1767225600
DAY=0
dated_commit() {
    local when="$((DATED_BASE + DAY * 86400 + 43200)) +0000"
    DAY=$((DAY + 1))
    git add -A
    GIT_AUTHOR_DATE=$when GIT_COMMITTER_DATE=$when git commit -q --allow-empty -m "$1"
}

# framework_hook_repo: a scratch repository holding the tool's .pre-commit-hooks.yaml, committed
# (HOOK_REPO, HOOK_REV: what a .pre-commit-config.yaml names), and the framework's own settings
# (its cache in the test folder, no colour).
framework_hook_repo() {
    export PRE_COMMIT_HOME="$TEST_DIR/pre-commit-home"
    export PRE_COMMIT_COLOR=never
    HOOK_REPO="$TEST_DIR/hook-repo"
    new_repo "$HOOK_REPO"
    cp "$KSA_SOURCE_DIR/.pre-commit-hooks.yaml" "$HOOK_REPO/"
    git -C "$HOOK_REPO" add .pre-commit-hooks.yaml
    git -C "$HOOK_REPO" commit -q -m "hooks"
    HOOK_REV=$(git -C "$HOOK_REPO" rev-parse HEAD)
}
