#!/usr/bin/env bash
# Installs the koder-spec-audit pre-receive hook into Forgejo. docs/forgejo.md explains it all.
#
# Every repository at once, including those created later (recommended):
#   forgejo-hook.sh install-global HOME_PATH    HOME_PATH is [git] HOME_PATH in Forgejo's app.ini
#                                               (default: APP_DATA_PATH/home)
#   forgejo-hook.sh check-global HOME_PATH      exit 0 when installed, current and active
#   forgejo-hook.sh uninstall-global HOME_PATH
#   forgejo-hook.sh layout HOME_PATH            which Forgejo hook layout HOME_PATH holds
#   On Forgejo v16 and later this adds one file to Forgejo's central HOME_PATH/hooks/pre-receive.d/.
#   On v11-v15 it also sets up central hooks there (core.hooksPath in HOME_PATH/.gitconfig) that
#   run each repository's own hooks as before, so new repositories are covered from their first
#   push; Forgejo v16 replaces them with its own at its first start, keeping ours.
#
# One repository at a time (the hook goes into REPO.git/hooks/pre-receive.d/, which Forgejo's
# per-repository hooks (v11-v15) and its central hooks (v16) both run):
#   forgejo-hook.sh install REPO.git            forgejo-hook.sh uninstall REPO.git
#   forgejo-hook.sh install-all ROOT            forgejo-hook.sh uninstall-all ROOT
#   forgejo-hook.sh check REPO.git              exit 0 when installed and current
#   ROOT is [repository] ROOT in app.ini: every ROOT/<owner>/<repo>.git, wikis excluded.
#
# Options:
#   --tool PATH           the koder-spec-audit binary the hook runs (default: the one on PATH)
#   --warn-only           also set koder-audit.mode = warn (REPO.git/config, or HOME_PATH/.gitconfig
#                         with the *-global commands): report, accept every push (roll-out)
#   --enforce             set koder-audit.mode = enforce
#   --repositories ROOT   with install-global: remove the per-repository copies under ROOT (the
#                         central hook covers them; both would audit each push); with check-global:
#                         also check every repository under ROOT (copies, repository-level
#                         core.hooksPath, hooks the central layout does not run)
#   -h, --help            this text
#
# Run it as Forgejo's user, or as root: everything it creates or rewrites gets the owner of the
# repository (or of HOME_PATH). It never changes Forgejo's own hook files, and it is idempotent.
set -euo pipefail

hook_name=koder-spec-audit
central_marker="# koder-spec-audit central hook for Forgejo v11-v15"
usage() { sed -n '2,/^set -euo/p' "$0" | sed -n 's/^# \{0,1\}//p'; }
die() {
    echo "forgejo-hook.sh: $*" >&2
    exit 2
}

tool=""
mode_setting=""
repositories=""
command=""
target=""
while [ $# -gt 0 ]; do
    case "$1" in
        --tool) [ $# -ge 2 ] || die "--tool needs a path"; tool=$2; shift ;;
        --tool=*) tool=${1#--tool=} ;;
        --warn-only) mode_setting=warn ;;
        --enforce) mode_setting=enforce ;;
        --repositories) [ $# -ge 2 ] || die "--repositories needs a folder"; repositories=$2; shift ;;
        --repositories=*) repositories=${1#--repositories=} ;;
        -h|--help) usage; exit 0 ;;
        -*) die "unknown option $1 (try --help)" ;;
        *)
            if [ -z "$command" ]; then command=$1
            elif [ -z "$target" ]; then target=$1
            else die "one target only (got '$target' and '$1')"; fi
            ;;
    esac
    shift
done
[ -n "$command" ] || { usage >&2; exit 2; }
[ -n "$target" ] || die "$command needs a target (try --help)"

resolve_tool() {
    if [ -z "$tool" ]; then
        tool=$(command -v koder-spec-audit) || die "koder-spec-audit is not on PATH; pass --tool PATH"
    fi
    local given=$tool
    [ -e "$tool" ] || die "$given does not exist; pass --tool with the path of the koder-spec-audit binary"
    tool=$(readlink -f -- "$tool")
    [ -f "$tool" ] && [ -x "$tool" ] || die "$given is not an executable file; pass --tool with the path of the koder-spec-audit binary"
}

# --- files owned like their surroundings -------------------------------------------------

# own REFERENCE PATH...: as root, gives PATH the owner and group of REFERENCE (Forgejo runs as
# its own user, which must keep being able to rewrite and delete what we leave behind).
own() {
    local reference=$1
    shift
    [ "$(id -u)" -eq 0 ] || return 0
    chown --no-dereference --reference="$reference" -- "$@" ||
        die "could not give $* the owner of $reference"
}

# make_dirs REFERENCE DIR: creates DIR and its missing parents, each owned like REFERENCE.
make_dirs() {
    local reference=$1 dir=$2 missing=()
    while [ ! -e "$dir" ]; do
        missing=("$dir" ${missing[@]+"${missing[@]}"})
        dir=$(dirname -- "$dir")
    done
    [ -d "$dir" ] || die "$dir is not a folder"
    for dir in ${missing[@]+"${missing[@]}"}; do
        mkdir -- "$dir"
        own "$reference" "$dir"
    done
}

# write_file REFERENCE FILE MODE CONTENT: replaces FILE atomically (a push never sees it half
# written) when its content differs; the new file is owned like REFERENCE. Prints nothing.
write_file() {
    local reference=$1 file=$2 mode=$3 content=$4 temporary
    if [ -f "$file" ] && [ "$(cat -- "$file")" = "$content" ] && [ -x "$file" ]; then return 0; fi
    temporary=$(mktemp "$(dirname -- "$file")/.$(basename -- "$file").XXXXXX")
    printf '%s\n' "$content" >"$temporary"
    chmod "$mode" "$temporary"
    own "$reference" "$temporary"
    mv -f -- "$temporary" "$file"
}

# config_set REFERENCE FILE KEY VALUE: git rewrites FILE through a lock file, which would leave
# it owned by whoever runs this; give it back.
config_set() {
    [ "$(git config --file "$2" --get "$3" 2>/dev/null || true)" = "$4" ] && return 0
    git config --file "$2" "$3" "$4"
    own "$1" "$2"
}

config_unset() {
    git config --file "$2" --get "$3" >/dev/null 2>&1 || return 0
    git config --file "$2" --unset "$3"
    own "$1" "$2"
}

# --- the hook ------------------------------------------------------------------------------

# The hook file's exact content: what `check` compares against. A tool that went missing
# refuses the push with a sentence the pusher can pass on, not a bare `exec: not found`.
hook_content() {
    local quoted=${tool//\'/\'\\\'\'}
    cat <<HOOK
#!/bin/sh
# koder-spec-audit pre-receive hook, installed by install/forgejo-hook.sh; re-run it to update.
tool='$quoted'
if [ ! -f "\$tool" ] || [ ! -x "\$tool" ]; then
    echo "koder-spec-audit: push refused: the audit tool \$tool is missing or not executable on the server. An administrator must install koder-spec-audit there again, or re-run install/forgejo-hook.sh with --tool naming where it is now." >&2
    exit 2
fi
exec "\$tool" hook pre-receive
HOOK
}

is_our_hook() { [ -f "$1" ] && grep -q '^# koder-spec-audit pre-receive hook, installed by install/forgejo-hook.sh' -- "$1"; }

# --- one repository ------------------------------------------------------------------------

is_bare_repository() { [ -d "$1/objects" ] && [ -d "$1/refs" ] && [ -f "$1/HEAD" ]; }

install_one() {
    local repo=$1
    is_bare_repository "$repo" || { echo "forgejo-hook.sh: $repo is not a bare git repository" >&2; return 2; }
    local file="$repo/hooks/pre-receive.d/$hook_name"
    make_dirs "$repo" "$repo/hooks/pre-receive.d"
    write_file "$repo" "$file" 0755 "$(hook_content)"
    # Without Forgejo's per-repository hooks/pre-receive only Forgejo v16's central hooks run
    # pre-receive.d/: say so rather than pretend.
    if [ ! -x "$repo/hooks/pre-receive" ]; then
        echo "note: $repo has no hooks/pre-receive of its own: its pre-receive.d/ runs only under Forgejo v16's central hooks (see check-global HOME_PATH)" >&2
    fi
    if [ -n "$mode_setting" ]; then config_set "$repo" "$repo/config" koder-audit.mode "$mode_setting"; fi
    echo "installed $file"
}

uninstall_one() {
    local file="$1/hooks/pre-receive.d/$hook_name"
    if [ -e "$file" ]; then rm -f -- "$file" && echo "removed $file"; fi
}

check_one() {
    local file="$1/hooks/pre-receive.d/$hook_name"
    [ -x "$file" ] && [ "$(cat -- "$file")" = "$(hook_content)" ]
}

# Every <owner>/<repo>.git under ROOT; wikis too when the second argument is "wikis".
each_repository() {
    local root=$1 filter=(! -name '*.wiki.git')
    [ -d "$root" ] || die "$root is not a folder"
    [ "${2:-}" = wikis ] && filter=()
    find "$root" -mindepth 2 -maxdepth 2 -type d -name '*.git' ${filter[@]+"${filter[@]}"} -print0 | sort -z
}

# --- every repository: Forgejo's central hooks -----------------------------------------------

# The files of the central layout we set up on v11-v15: pre-receive runs the central
# pre-receive.d/ (as v16's does) and then the repository's own pre-receive; the others run the
# repository's own hook of the same name, as git would without core.hooksPath. These are the
# four hooks Forgejo writes into every repository (modules/repository/hooks.go) and v16 writes
# centrally (modules/git/hook_generate.go).
central_hooks=(pre-receive update post-receive proc-receive)

central_pre_receive() {
    cat <<HOOK
#!/bin/sh
$central_marker (install/forgejo-hook.sh install-global).
# git runs it for every repository: core.hooksPath in Forgejo's HOME_PATH/.gitconfig names this
# folder. It runs each executable of pre-receive.d/ beside it, then the repository's own
# hooks/pre-receive (Forgejo's, which runs hooks/pre-receive.d/*), all with the push's stdin,
# and refuses the push if any of them fails. Forgejo v16 replaces it with its own equivalent.
data=\$(cat)
status=0
for hook in "\$(dirname -- "\$0")"/pre-receive.d/*; do
    [ -f "\$hook" ] && [ -x "\$hook" ] || continue
    printf '%s\n' "\$data" | "\$hook" || { code=\$?; [ "\$status" -ne 0 ] || status=\$code; }
done
own="\${GIT_DIR:-.}/hooks/pre-receive"
if [ -f "\$own" ] && [ -x "\$own" ]; then
    printf '%s\n' "\$data" | "\$own" || { code=\$?; [ "\$status" -ne 0 ] || status=\$code; }
fi
exit \$status
HOOK
}

central_delegate() {
    cat <<HOOK
#!/bin/sh
$central_marker (install/forgejo-hook.sh install-global).
# git runs it for every repository: core.hooksPath in Forgejo's HOME_PATH/.gitconfig names this
# folder. It runs the repository's own hook of the same name, as git would without it.
own="\${GIT_DIR:-.}/hooks/\$(basename -- "\$0")"
if [ -f "\$own" ] && [ -x "\$own" ]; then exec "\$own" "\$@"; fi
if [ "\$(basename -- "\$0")" = proc-receive ]; then
    echo "koder-spec-audit: this repository has no hooks/proc-receive (Forgejo writes one into every repository it creates)" >&2
    exit 1
fi
exit 0
HOOK
}

central_content() {
    if [ "$1" = pre-receive ]; then central_pre_receive; else central_delegate; fi
}

is_our_central_file() { [ -f "$1" ] && grep -q -F -x -e "$central_marker (install/forgejo-hook.sh install-global)." -- "$1"; }

# Forgejo v16's own central pre-receive (modules/git/hook_generate.go): it runs the central
# pre-receive.d/ and then each repository's hooks/pre-receive.d/ except `gitea`.
is_forgejo_central() {
    [ -f "$1" ] && grep -q '^# AUTO GENERATED BY GITEA, DO NOT MODIFY' -- "$1" && grep -q 'custom_hooks_dir=' -- "$1"
}

# Sets HOME_PATH (absolute, no trailing slash), HOOKS, GITCONFIG, HOOKS_PATH (its
# core.hooksPath) and LAYOUT: v16, ours (our v11-v15 central hooks) or per-repository.
detect_layout() {
    HOME_PATH=$target
    while [ "${HOME_PATH%/}" != "$HOME_PATH" ] && [ "$HOME_PATH" != / ]; do HOME_PATH=${HOME_PATH%/}; done
    case "$HOME_PATH" in /*) ;; *) HOME_PATH="$PWD/$HOME_PATH" ;; esac
    [ -d "$HOME_PATH" ] || die "$HOME_PATH is not a folder: give Forgejo's [git] HOME_PATH (app.ini; default APP_DATA_PATH/home)"
    HOOKS="$HOME_PATH/hooks"
    GITCONFIG="$HOME_PATH/.gitconfig"
    # Forgejo writes these at every start (modules/git/git.go, syncGitConfig).
    if [ "$(git config --file "$GITCONFIG" --get receive.advertisePushOptions 2>/dev/null || true)" != true ]; then
        die "$GITCONFIG is not Forgejo's (it lacks receive.advertisePushOptions = true, which Forgejo sets at every start): give Forgejo's [git] HOME_PATH (app.ini; default APP_DATA_PATH/home), and start Forgejo once first"
    fi
    HOOKS_PATH=$(git config --file "$GITCONFIG" --get core.hooksPath 2>/dev/null || true)
    if is_forgejo_central "$HOOKS/pre-receive"; then
        LAYOUT=v16
        echo "layout: Forgejo v16 or later, central hooks in $HOOKS"
    elif is_our_central_file "$HOOKS/pre-receive"; then
        LAYOUT=ours
        echo "layout: Forgejo v11-v15 with koder-spec-audit's central hooks in $HOOKS"
    elif [ -e "$HOOKS/pre-receive" ]; then
        die "$HOOKS/pre-receive is neither Forgejo's nor koder-spec-audit's: another set of central hooks is in use there; not touching it"
    else
        LAYOUT=per-repository
        echo "layout: Forgejo v11-v15, per-repository hooks (no central hooks in $HOOKS)"
    fi
}

# The central hooks are live when git reads core.hooksPath = HOME_PATH/hooks from Forgejo's config.
central_active() { [ "$HOOKS_PATH" = "$HOOKS" ] || [ "$HOOKS_PATH" = "$HOOKS/" ]; }

install_global() {
    local name repo count=0
    resolve_tool
    detect_layout
    if [ "$LAYOUT" != v16 ]; then
        if [ -n "$HOOKS_PATH" ] && ! central_active; then
            die "$GITCONFIG already sets core.hooksPath = $HOOKS_PATH: another set of central hooks is in use; not replacing it"
        fi
        for name in "${central_hooks[@]}"; do
            if [ -e "$HOOKS/$name" ] && ! is_our_central_file "$HOOKS/$name"; then
                die "$HOOKS/$name is not koder-spec-audit's: not replacing it"
            fi
        done
    fi
    make_dirs "$HOME_PATH" "$HOOKS/pre-receive.d"
    write_file "$HOME_PATH" "$HOOKS/pre-receive.d/$hook_name" 0755 "$(hook_content)"
    echo "installed $HOOKS/pre-receive.d/$hook_name"
    if [ "$LAYOUT" = v16 ]; then
        central_active || echo "note: $GITCONFIG has core.hooksPath = '${HOOKS_PATH}', not $HOOKS: Forgejo v16 sets it at its next start; until then the central hooks do not run" >&2
    else
        for name in "${central_hooks[@]}"; do
            write_file "$HOME_PATH" "$HOOKS/$name" 0755 "$(central_content "$name")"
        done
        # Last: the hooks are complete before git is told to use them.
        config_set "$HOME_PATH" "$GITCONFIG" core.hooksPath "$HOOKS"
        echo "central hooks in $HOOKS run each repository's own hooks; core.hooksPath = $HOOKS in $GITCONFIG"
        echo "to keep it if $GITCONFIG is ever rebuilt, add 'core.hooksPath = $HOOKS' under [git.config] in app.ini"
    fi
    if [ -n "$mode_setting" ]; then
        config_set "$HOME_PATH" "$GITCONFIG" koder-audit.mode "$mode_setting"
        echo "koder-audit.mode = $mode_setting in $GITCONFIG (a repository's own setting wins; app.ini's [git.config] overwrites it at every start if it names koder-audit.mode)"
    fi
    if [ -n "$repositories" ]; then
        while IFS= read -r -d '' repo; do
            if is_our_hook "$repo/hooks/pre-receive.d/$hook_name"; then
                uninstall_one "$repo" >/dev/null
                echo "removed the per-repository copy in $repo (the central hook covers it)"
                count=$((count + 1))
            fi
        done < <(each_repository "$repositories" wikis)
        echo "$count per-repository copies removed under $repositories"
    fi
}

uninstall_global() {
    detect_layout
    if [ "$LAYOUT" = ours ]; then
        # First stop git from using the folder, then empty it.
        if central_active; then config_unset "$HOME_PATH" "$GITCONFIG" core.hooksPath; fi
        local name
        for name in "${central_hooks[@]}"; do
            if is_our_central_file "$HOOKS/$name"; then rm -f -- "$HOOKS/$name"; fi
        done
        echo "removed the central hooks from $HOOKS and core.hooksPath from $GITCONFIG: repositories run their own hooks alone again"
    fi
    if [ -e "$HOOKS/pre-receive.d/$hook_name" ]; then
        rm -f -- "$HOOKS/pre-receive.d/$hook_name"
        echo "removed $HOOKS/pre-receive.d/$hook_name"
    fi
    if [ "$LAYOUT" != v16 ]; then
        rmdir -- "$HOOKS/pre-receive.d" 2>/dev/null || true
        rmdir -- "$HOOKS" 2>/dev/null || true
    fi
}

check_global() {
    resolve_tool
    detect_layout
    local problems=0 name
    if [ "$LAYOUT" = per-repository ]; then
        echo "not installed: no central hooks; run install-global $HOME_PATH"
        return 1
    fi
    if [ ! -x "$HOOKS/pre-receive.d/$hook_name" ] || [ "$(cat -- "$HOOKS/pre-receive.d/$hook_name")" != "$(hook_content)" ]; then
        echo "not installed or out of date: $HOOKS/pre-receive.d/$hook_name"
        problems=$((problems + 1))
    fi
    if [ "$LAYOUT" = ours ]; then
        for name in "${central_hooks[@]}"; do
            if [ ! -x "$HOOKS/$name" ] || [ "$(cat -- "$HOOKS/$name")" != "$(central_content "$name")" ]; then
                echo "out of date: $HOOKS/$name"
                problems=$((problems + 1))
            fi
        done
    fi
    if ! central_active; then
        echo "inactive: core.hooksPath in $GITCONFIG is '${HOOKS_PATH}', not $HOOKS, so git does not run these hooks"
        problems=$((problems + 1))
    fi
    if [ -n "$repositories" ]; then
        local repo local_path hook
        while IFS= read -r -d '' repo; do
            if [ -e "$repo/hooks/pre-receive.d/$hook_name" ]; then
                echo "warning: $repo also has the per-repository hook: each push is audited twice (install-global --repositories $repositories removes the copies)"
            fi
            local_path=$(git config --file "$repo/config" --get core.hooksPath 2>/dev/null || true)
            if [ -n "$local_path" ]; then
                echo "not covered: $repo sets its own core.hooksPath = $local_path, which wins over Forgejo's"
                problems=$((problems + 1))
            fi
            if [ "$LAYOUT" = ours ]; then
                for hook in "$repo"/hooks/*; do
                    name=$(basename -- "$hook")
                    case "$name" in pre-receive | update | post-receive | proc-receive | *.d | *.sample) continue ;; esac
                    [ -f "$hook" ] && [ -x "$hook" ] || continue
                    echo "warning: $repo/hooks/$name no longer runs under the central hooks (nor under Forgejo v16's)"
                done
            fi
        done < <(each_repository "$repositories" wikis)
    fi
    if [ "$problems" -eq 0 ]; then echo "installed, current and active"; else return 1; fi
}

case "$command" in
    install) resolve_tool; install_one "$target" ;;
    uninstall) uninstall_one "$target" ;;
    check)
        resolve_tool
        if check_one "$target"; then echo "installed and current"; else echo "not installed or out of date"; exit 1; fi
        ;;
    install-all|uninstall-all)
        [ "$command" = install-all ] && resolve_tool
        count=0
        failed=0
        while IFS= read -r -d '' repo; do
            if is_bare_repository "$repo"; then
                if [ "$command" = install-all ]; then install_one "$repo" || failed=$((failed + 1)); else uninstall_one "$repo"; fi
                count=$((count + 1))
            fi
        done < <(each_repository "$target")
        summary="$command: $count repositories under $target"
        [ "$failed" -eq 0 ] || summary="$summary, $failed failed"
        echo "$summary"
        [ "$failed" -eq 0 ]
        ;;
    install-global) install_global ;;
    check-global) check_global ;;
    uninstall-global) uninstall_global ;;
    layout) detect_layout ;;
    *) die "unknown command '$command' (try --help)" ;;
esac
