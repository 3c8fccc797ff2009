#!/usr/bin/env bash
# Installs the koder-spec-audit pre-receive hook into Forgejo repositories.
#
#   install/forgejo-hook.sh install REPO.git           one repository
#   install/forgejo-hook.sh install-all ROOT           every <owner>/<repo>.git under Forgejo's
#                                                      [repository] ROOT (wikis excluded)
#   install/forgejo-hook.sh uninstall REPO.git
#   install/forgejo-hook.sh uninstall-all ROOT
#   install/forgejo-hook.sh check REPO.git             exit 0 when installed and current
#
# Options: --tool PATH   the koder-spec-audit binary the hook runs (default: the one on PATH)
#          --warn-only   also set koder-audit.mode = warn in each repository (roll-out phase)
#          --enforce     set koder-audit.mode = enforce
#
# Forgejo runs every executable in <repo>.git/hooks/pre-receive.d/ with the push's stdin and
# refuses the push when any of them fails; its own hook there is named `gitea`. This script
# adds `koder-spec-audit` beside it and never touches Forgejo's files, so `forgejo admin
# regenerate hooks` keeps it. It is idempotent: re-run it (e.g. from cron) to cover new
# repositories. See docs/pre-receive.md.
set -euo pipefail

hook_name=koder-spec-audit
usage() { sed -n '2,20p' "$0"; }

tool=""
mode_setting=""
command=${1:-}
[ $# -gt 0 ] && shift
target=""
while [ $# -gt 0 ]; do
    case "$1" in
        --tool) tool=$2; shift ;;
        --tool=*) tool=${1#--tool=} ;;
        --warn-only) mode_setting=warn ;;
        --enforce) mode_setting=enforce ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "forgejo-hook.sh: unknown option $1" >&2; exit 2 ;;
        *) [ -z "$target" ] || { echo "forgejo-hook.sh: one target only" >&2; exit 2; }; target=$1 ;;
    esac
    shift
done
[ -n "$command" ] && [ -n "$target" ] || { usage >&2; exit 2; }

resolve_tool() {
    if [ -z "$tool" ]; then
        tool=$(command -v koder-spec-audit) || {
            echo "forgejo-hook.sh: koder-spec-audit is not on PATH; pass --tool PATH" >&2
            exit 2
        }
    fi
    tool=$(readlink -f -- "$tool")
    [ -x "$tool" ] || { echo "forgejo-hook.sh: $tool is not executable" >&2; exit 2; }
}

# The hook file's exact content: what `check` compares against.
hook_content() {
    local quoted=${tool//\'/\'\\\'\'}
    cat <<HOOK
#!/bin/sh
# Installed by koder-spec-audit's install/forgejo-hook.sh; re-run it to update.
exec '$quoted' hook pre-receive
HOOK
}

is_bare_repository() { [ -d "$1/objects" ] && [ -d "$1/refs" ] && [ -f "$1/HEAD" ]; }

install_one() {
    local repo=$1
    is_bare_repository "$repo" || { echo "forgejo-hook.sh: $repo is not a bare git repository" >&2; return 2; }
    local dir="$repo/hooks/pre-receive.d"
    local file="$dir/$hook_name"
    mkdir -p -- "$dir"
    local temporary
    temporary=$(mktemp "$dir/.$hook_name.XXXXXX")
    hook_content >"$temporary"
    chmod 0755 "$temporary"
    # Keep the repository owner's ownership when run as root (Forgejo runs as its own user).
    if [ "$(id -u)" -eq 0 ]; then chown --reference="$repo" "$temporary" 2>/dev/null || true; fi
    mv -f -- "$temporary" "$file"  # atomic: a push never sees a half-written hook
    # A repository without Forgejo's delegating pre-receive (a plain git server, or a
    # repository Forgejo has not set up) would never run pre-receive.d: say so.
    if [ ! -x "$repo/hooks/pre-receive" ]; then
        echo "warning: $repo/hooks/pre-receive is missing: Forgejo normally writes it (forgejo admin regenerate hooks)" >&2
    fi
    if [ -n "$mode_setting" ]; then git config --file "$repo/config" koder-audit.mode "$mode_setting"; fi
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

# Every <owner>/<repo>.git under ROOT, wikis excluded (they hold no manifests).
each_repository() {
    local root=$1
    [ -d "$root" ] || { echo "forgejo-hook.sh: $root is not a folder" >&2; exit 2; }
    find "$root" -mindepth 2 -maxdepth 2 -type d -name '*.git' ! -name '*.wiki.git' -print0 | sort -z
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
    *) usage >&2; exit 2 ;;
esac
