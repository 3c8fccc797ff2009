#!/usr/bin/env bash
# The pre-receive bypasses of issue 11, each pushed for real as an attacker would: objects
# written byte for byte (git hash-object -t tree --literally, git_raw.py), git replace, refs
# written on the server without a hook (git fetch, git update-ref, as Forgejo does for pull
# requests). Every case asserts the secure outcome: the hook refuses the push ("push
# rejected"), no ref of the server moves, nothing raw reaches the pusher's terminal, and the
# hook names the offending ref or path. Each family also has a benign control that is
# accepted, so the test proves the hook does not refuse everything.
#
# The families follow the issue's list "Forbidden states that currently land":
#    1 replace refs                       6 tags of trees (registry, duplicate names)
#    2 non-canonical file modes           7 commits that never went through the hook
#    3 malformed trees                    8 one small manifest, unbounded cost
#    4 a changed path read as missing     9 invisible characters
#    5 symlinked folders                 10 overrides on deploy keys
# Cases are numbered by family (3a, 3b, ...). KSA_ONLY_CASE=3a (or "3", or "2g,3,7b") runs
# only those cases or families, e.g. to see which attacks an old binary lets through: the
# test stops at the first failing case, like every other test.
. "$(dirname -- "$0")/lib.sh"

GIT_RAW="$KSA_SOURCE_DIR/tests/integration/git_raw.py"
REGISTRY=meta/docs/stack/registries/self-hosted-pairs.md

# --- helpers -------------------------------------------------------------------------

# git_raw raw|sorted|graft|send-pack ...: see tests/integration/git_raw.py.
git_raw() { python3 "$GIT_RAW" "$@"; }

# blob CONTENT: stores CONTENT plus a final newline, prints its id.
blob() { printf '%s\n' "$1" | git hash-object -w --stdin; }

# An official manifest with a pending gate: KSA009 wherever it is read.
manifest_official() { manifest_ok "$1" official; }

tree_of() { git rev-parse "HEAD^{tree}"; }

# commit_tree TREE MESSAGE [PARENT]: a commit of TREE on PARENT (default HEAD).
commit_tree() { git commit-tree -p "${3:-HEAD}" -m "$2" "$1"; }

# with_entry BASE_TREE PATH MODE ID: BASE_TREE with PATH set to (MODE, ID), folders made.
with_entry() { git_raw graft "$@"; }

server_refs() { git -C "$SERVER" for-each-ref --format='%(objectname) %(refname)'; }

# hook_lines: what the hook itself printed (git's own lines, which name refs raw, excluded).
hook_lines() { sed -n 's/^remote: //p' "$ERR" >"$CASE_DIR/hook.txt"; }

# expect_hook_names TEXT...: the hook's own lines name each TEXT (a ref, a path, a mode).
expect_hook_names() {
    hook_lines
    for text in "$@"; do
        grep -a -F -q -e "$text" -- "$CASE_DIR/hook.txt" || fail "the hook's output does not name '$text'"
    done
}

# attack_refused ARGS...: `git push ARGS` is refused by the hook, not because it broke; not
# one ref of the server moves; nothing raw reaches the pusher's terminal.
attack_refused() {
    server_refs >"$CASE_DIR/refs-before"
    push_rejected "$@"
    expect_not_contains "$ERR" "internal error"
    expect_no_control_chars "$ERR"
    server_refs >"$CASE_DIR/refs-after"
    cmp -s "$CASE_DIR/refs-before" "$CASE_DIR/refs-after" ||
        fail "the server's refs changed: $(diff "$CASE_DIR/refs-before" "$CASE_DIR/refs-after" | cat -v)"
}

# checkout_of COMMIT DIR: what a plain git clone (no hook, no fsck) of COMMIT writes in DIR.
checkout_of() {
    rm -rf -- "$CASE_DIR/plain.git" "$2"
    git init -q --bare "$CASE_DIR/plain.git"
    git push -q "$CASE_DIR/plain.git" "$1:refs/heads/main"
    git clone -q "$CASE_DIR/plain.git" "$2" >/dev/null 2>"$CASE_DIR/clone.err" || true
}

# server_and_web: server_and_client, plus a valid engines/web/koder.toml accepted on main.
server_and_web() {
    server_and_client
    commit_file engines/web/koder.toml "$(manifest_ok koder-web)" "web"
    push_ok origin main
}

# wanted ID: KSA_ONLY_CASE is unset, or lists ID (e.g. 3a) or its family (3).
wanted() {
    [ -z "${KSA_ONLY_CASE:-}" ] && return 0
    case ",$KSA_ONLY_CASE," in *",$1,"* | *",${1%%[a-z]*},"*) return 0 ;; esac
    return 1
}

# --- 1. replace refs -----------------------------------------------------------------
# `git replace X Y` writes refs/replace/X = Y; every git command that honours replace refs
# (the default: the server's own git show, mirrors, clones that fetch them) then reads Y
# wherever X is named. Refused by default; with koder-audit.allowReplaceRefs true the
# replacement is judged like any pushed content.

# A tree like main's with engines/web/koder.toml official with a pending gate.
bad_web_tree() {
    with_entry "$(tree_of)" engines/web/koder.toml 100644 "$(blob "$(manifest_official koder-web)")"
}

case_1a() {
    begin_case "1a replace ref: a manifest's blob replaced by a bad one, refused by default"
    server_and_web
    good_blob=$(git rev-parse HEAD:engines/web/koder.toml)
    git replace "$good_blob" "$(blob "$(manifest_official koder-web)")"
    git show HEAD:engines/web/koder.toml | grep -q 'status = "official"' || fail "git does not honour the replace ref"
    attack_refused origin 'refs/replace/*'
    expect_hook_names "refs/replace/$good_blob" "koder-audit.allowReplaceRefs" "error[KSA026]: replace refs are refused" \
        "push rejected: fix the trees and refs named above"
    end_case
}

case_1b() {
    begin_case "1b replace ref: the tip commit replaced by one with a bad manifest, refused by default"
    server_and_web
    tip=$(rev)
    git replace "$tip" "$(commit_tree "$(bad_web_tree)" "web" HEAD~1)"
    attack_refused origin "refs/replace/$tip"
    expect_hook_names "refs/replace/$tip" "koder-audit.allowReplaceRefs"
    end_case
}

case_1c() {
    begin_case "1c replace ref: the tip's tree replaced by one with a bad manifest, refused by default"
    server_and_web
    tree=$(tree_of)
    git replace "$tree" "$(bad_web_tree)"
    attack_refused origin "refs/replace/$tree"
    expect_hook_names "refs/replace/$tree" "koder-audit.allowReplaceRefs"
    end_case
}

case_1d() {
    begin_case "1d replace ref: the tip replaced by a pull request's commit that no hook saw, refused"
    server_and_web
    tip=$(rev)
    # refs/pull/1/head written on the server without a hook (see family 7): its commit, with
    # a bad manifest, is already in the repository, so the replace ref brings nothing new.
    fork_ref refs/pull/1/head web "$(manifest_official koder-web)"
    git replace -f "$tip" "$fork_tip"
    attack_refused origin "refs/replace/$tip"
    expect_hook_names "refs/replace/$tip"
    end_case
}

case_1e() {
    begin_case "1e replace refs allowed: a replacement commit, tree or blob with a bad manifest is judged"
    server_and_web
    git -C "$SERVER" config koder-audit.allowReplaceRefs true
    tip=$(rev)
    git replace "$tip" "$(commit_tree "$(bad_web_tree)" "web" HEAD~1)"
    attack_refused origin "refs/replace/$tip"
    expect_hook_names "refs/replace/$tip" "engines/web/koder.toml" "KSA009"
    git replace -d "$tip" >/dev/null
    tree=$(tree_of)
    git replace "$tree" "$(bad_web_tree)"
    attack_refused origin "refs/replace/$tree"
    expect_hook_names "refs/replace/$tree" "engines/web/koder.toml" "KSA009"
    git replace -d "$tree" >/dev/null
    # A blob replacing the manifest's blob is judged as that manifest (or refused outright).
    good_blob=$(git rev-parse HEAD:engines/web/koder.toml)
    git replace "$good_blob" "$(blob "$(manifest_official koder-web)")"
    attack_refused origin "refs/replace/$good_blob"
    expect_hook_names "refs/replace/$good_blob"
    end_case
}

case_1f() {
    begin_case "1f control: replace refs allowed, the tip reworded is accepted and honoured by the server"
    server_and_web
    git -C "$SERVER" config koder-audit.allowReplaceRefs true
    tip=$(rev)
    git replace "$tip" "$(commit_tree "$(tree_of)" "web, reworded" HEAD~1)"
    push_ok origin "refs/replace/$tip"
    expect_server_ref "refs/replace/$tip" "$(git rev-parse "refs/replace/$tip")"
    [ "$(git -C "$SERVER" log -1 --format=%s main)" = "web, reworded" ] || fail "the server ignores its replace ref"
    end_case
}

# --- 2. file modes -------------------------------------------------------------------
# libgit2 normalises a tree entry's mode (any x bit set: an executable file), git
# canonicalises it by its type bits (canon_mode: 120755 is a symlink, 160755 a gitlink).
# Only git's five modes (100644, 100755, 120000, 160000, 40000) may sit at or above a
# manifest or the registry.

case_2a() {
    begin_case "2a mode 120755 at koder.toml: read as a file, checked out as a symlink to a bad manifest"
    server_and_web
    # The link target `x="y"` is valid TOML (a missing category is only a warning) and names
    # a file beside it holding an official manifest with a pending gate.
    target=$(printf 'x="y"' | git hash-object -w --stdin)
    tree=$(with_entry "$(tree_of)" 'engines/web/x="y"' 100644 "$(blob "$(manifest_official koder-web)")")
    tree=$(with_entry "$tree" engines/web/koder.toml 120755 "$target")
    attack=$(commit_tree "$tree" "web, mode 120755")
    # What git makes of it: a clone writes koder.toml as a symlink to x="y", the bad manifest.
    checkout_of "$attack" "$CASE_DIR/checkout"
    [ -L "$CASE_DIR/checkout/engines/web/koder.toml" ] || fail "git did not check koder.toml out as a symlink"
    [ "$(readlink "$CASE_DIR/checkout/engines/web/koder.toml")" = 'x="y"' ] || fail "the symlink's target is not x=\"y\""
    grep -q 'status = "official"' "$CASE_DIR/checkout/engines/web/koder.toml" || fail "the checkout does not read the bad manifest"
    attack_refused origin "$attack:refs/heads/main"
    expect_hook_names "engines/web/koder.toml" "120755" "error[KSA025]: tree entry has mode 120755, which git checks out as a symbolic link (mode 120000)"
    end_case
}

# mode_commit MODE: sets $attack, main with engines/web/koder.toml changed (still valid)
# under MODE.
mode_commit() {
    changed=$(blob "$(manifest_ok koder-web | sed 's/nginx/caddy/')")
    tree=$(with_entry "$(tree_of)" engines/web/koder.toml "$1" "$changed")
    # git push never sends a gitlink's object: the same blob elsewhere carries it.
    tree=$(with_entry "$tree" docs/copy.toml 100644 "$changed")
    attack=$(commit_tree "$tree" "web, mode $1")
}

# mode_attack MODE: that commit is refused, naming the path and the mode.
mode_attack() {
    mode_commit "$1"
    attack_refused origin "$attack:refs/heads/main"
    expect_hook_names "engines/web/koder.toml" "$1"
}

case_2b() {
    begin_case "2b mode 100664 at koder.toml (git reads 100644; fsck --strict calls it bad)"
    server_and_web
    mode_attack 100664
    end_case
}

case_2c() {
    begin_case "2c mode 100600 at koder.toml"
    server_and_web
    mode_attack 100600
    end_case
}

case_2d() {
    begin_case "2d mode 160755 at koder.toml: read as a file, a gitlink to git (an empty folder in a clone)"
    server_and_web
    mode_commit 160755
    checkout_of "$attack" "$CASE_DIR/checkout"
    [ -d "$CASE_DIR/checkout/engines/web/koder.toml" ] || fail "git did not check the 160755 entry out as a gitlink"
    mode_attack 160755
    end_case
}

case_2e() {
    begin_case "2e mode 40755 on the folder above a manifest"
    server_and_web
    attack=$(commit_tree "$(with_entry "$(tree_of)" engines/web 40755 "$(git rev-parse HEAD:engines/web)")" "web folder 40755")
    attack_refused origin "$attack:refs/heads/main"
    expect_hook_names "engines/web" "40755"
    end_case
}

# server_and_registry: server_and_web, plus the generated registry accepted on main.
server_and_registry() {
    server_and_web
    mkdir -p "$(dirname "$REGISTRY")"
    koder-spec-audit self-hosted --report --output "$REGISTRY" >/dev/null 2>&1
    git add "$REGISTRY"
    git commit -q -m "registry"
    push_ok origin main
    expect_not_contains "$ERR" "KSA012"
}

case_2f() {
    begin_case "2f mode 100664 at the registry path"
    server_and_registry
    attack=$(commit_tree "$(with_entry "$(tree_of)" "$REGISTRY" 100664 "$(git rev-parse "HEAD:$REGISTRY")")" "registry 100664")
    attack_refused origin "$attack:refs/heads/main"
    expect_hook_names "$REGISTRY" "100664"
    end_case
}

case_2g() {
    begin_case "2g mode 120755 at the registry path: the generated text to libgit2, a symlink to git"
    server_and_registry
    # The content is the generated text, so libgit2's reading matches the manifests; a clone
    # writes a symlink whose target is that text: the registry is gone from every checkout.
    attack=$(commit_tree "$(with_entry "$(tree_of)" "$REGISTRY" 120755 "$(git rev-parse "HEAD:$REGISTRY")")" "registry 120755")
    checkout_of "$attack" "$CASE_DIR/checkout"
    [ -L "$CASE_DIR/checkout/$REGISTRY" ] || fail "git did not check the registry out as a symlink"
    attack_refused origin "$attack:refs/heads/main"
    expect_hook_names "$REGISTRY" "120755"
    end_case
}

case_2h() {
    begin_case "2h control: git's own modes (100755 at a manifest, 100644 registry) are accepted"
    server_and_registry
    attack=$(commit_tree "$(with_entry "$(tree_of)" engines/web/koder.toml 100755 "$(git rev-parse HEAD:engines/web/koder.toml)")" "web executable")
    push_ok origin "$attack:refs/heads/main"
    expect_not_contains "$ERR" "push rejected"
    expect_server_ref refs/heads/main "$attack"
    end_case
}

# --- 3. malformed trees --------------------------------------------------------------
# Git accepts all of these unless receive.fsckObjects is on (off by default), and its
# checkout reads a tree entry by entry; libgit2's lookups binary-search it by name. Each is
# refused with the path of the malformed folder.

# folder_commit FOLDER_TREE MESSAGE: a commit of main's tree with engines/web replaced by
# FOLDER_TREE; sets $attack.
folder_commit() {
    attack=$(commit_tree "$(with_entry "$(tree_of)" engines/web 40000 "$1")" "$2")
}

case_3a() {
    begin_case "3a an unsorted folder: libgit2's lookup misses the bad koder.toml, git checks it out"
    server_and_client
    # README.md, zz.txt, koder.toml: a binary search for koder.toml looks at zz.txt, then at
    # README.md, and gives up.
    folder_commit "$(git_raw raw 100644 README.md "$(blob readme)" 100644 zz.txt "$(blob zz)" \
        100644 koder.toml "$(blob "$(manifest_official koder-web)")")" "web, unsorted"
    checkout_of "$attack" "$CASE_DIR/checkout"
    grep -q 'status = "official"' "$CASE_DIR/checkout/engines/web/koder.toml" || fail "git did not check out the bad koder.toml"
    attack_refused origin "$attack:refs/heads/main"
    expect_hook_names "engines/web/: error[KSA025]: malformed tree: it has entries out of git's order: 'zz.txt' before 'koder.toml'" \
        "push rejected: fix the trees and refs named above"
    end_case
}

case_3b() {
    begin_case "3b duplicate names: a good koder.toml, then a bad one (git's checkout writes the last)"
    server_and_client
    folder_commit "$(git_raw raw 100644 koder.toml "$(blob "$(manifest_ok koder-web)")" \
        100644 koder.toml "$(blob "$(manifest_official koder-web)")")" "web, twice"
    checkout_of "$attack" "$CASE_DIR/checkout"
    grep -q 'status = "official"' "$CASE_DIR/checkout/engines/web/koder.toml" || fail "git did not check out the last koder.toml"
    attack_refused origin "$attack:refs/heads/main"
    expect_hook_names "engines/web/: error[KSA025]: malformed tree: it has two entries named 'koder.toml'"
    end_case
}

case_3c() {
    begin_case "3c duplicate names: a bad koder.toml, then a good one (git show reads the first)"
    server_and_client
    folder_commit "$(git_raw raw 100644 koder.toml "$(blob "$(manifest_official koder-web)")" \
        100644 koder.toml "$(blob "$(manifest_ok koder-web)")")" "web, twice"
    # git itself disagrees with itself: a lookup by path (git show, cat-file, a web view)
    # finds the first entry, a checkout writes the last.
    git show "$attack:engines/web/koder.toml" | grep -q 'status = "official"' || fail "git show does not read the first koder.toml"
    attack_refused origin "$attack:refs/heads/main"
    expect_hook_names "engines/web/: error[KSA025]: malformed tree: it has two entries named 'koder.toml'"
    end_case
}

case_3d() {
    begin_case "3d a root entry named infra/x/koder.toml becomes that file in every checkout"
    server_and_client
    attack=$(commit_tree "$(git_raw raw 100644 README.md "$(git rev-parse HEAD:README.md)" \
        100644 infra/x/koder.toml "$(blob "$(manifest_official koder-x)")")" "infra/x, one name")
    checkout_of "$attack" "$CASE_DIR/checkout"
    grep -q 'status = "official"' "$CASE_DIR/checkout/infra/x/koder.toml" || fail "git did not write infra/x/koder.toml"
    attack_refused origin "$attack:refs/heads/main"
    expect_hook_names "infra/x/koder.toml"
    end_case
}

# special_name_attack NAME: engines/web holds a folder NAME holding a valid koder.toml (a bad
# one is refused for its content today: the name alone must refuse it).
special_name_attack() {
    holder=$(git_raw sorted 100644 koder.toml "$(blob "$(manifest_ok koder-web)")")
    folder_commit "$(git_raw sorted 100644 README.md "$(blob readme)" 40000 "$1" "$holder")" "web, $1"
    checkout_of "$attack" "$CASE_DIR/checkout"
    grep -q "invalid path 'engines/web/$1/koder.toml'" "$CASE_DIR/clone.err" || fail "git's checkout did not refuse $1"
    attack_refused origin "$attack:refs/heads/main"
    expect_hook_names "engines/web"
}

case_3e() {
    begin_case "3e an entry named . (git's checkout refuses the path; git push and receive-pack take it)"
    server_and_client
    special_name_attack .
    end_case
}

case_3f() {
    begin_case "3f an entry named .."
    server_and_client
    special_name_attack ..
    end_case
}

case_3g() {
    begin_case "3g an entry named .git"
    server_and_client
    special_name_attack .git
    end_case
}

case_3h() {
    begin_case "3h an entry named .GIT"
    server_and_client
    special_name_attack .GIT
    end_case
}

case_3i() {
    begin_case "3i an empty entry name: git refuses it on its own, on both sides"
    server_and_client
    bad=$(blob "$(manifest_official koder-web)")
    folder=$(git_raw raw 100644 "" "$bad")
    tree=$(with_entry "$(tree_of)" engines/web 40000 "$folder")
    attack=$(commit_tree "$tree" "web, empty name")
    server_refs >"$CASE_DIR/refs-before"
    # The pushing side: pack-objects walks the tree and stops.
    expect_exit nonzero git push origin "$attack:refs/heads/main"
    expect_contains "$ERR" "empty filename in tree entry"
    # The receiving side, sent a pack of exactly these objects: its connectivity check
    # (which runs before pre-receive) refuses the tree, so no hook ever sees it.
    expect_exit 1 git_raw send-pack "$SERVER" "$(server_rev main)" "$attack" refs/heads/main \
        "$attack" "$tree" "$(git rev-parse "$tree:engines")" "$folder" "$bad" "$(git rev-parse HEAD:README.md)"
    expect_contains "$OUT" "ng refs/heads/main missing necessary objects"
    expect_contains "$ERR" "empty filename in tree entry"
    server_refs >"$CASE_DIR/refs-after"
    cmp -s "$CASE_DIR/refs-before" "$CASE_DIR/refs-after" || fail "the server's refs changed"
    end_case
}

case_3j() {
    begin_case "3j control: the same entries in git's order are read and judged; a well-formed folder is accepted"
    server_and_client
    folder_commit "$(git_raw sorted 100644 README.md "$(blob readme)" 100644 zz.txt "$(blob zz)" \
        100644 koder.toml "$(blob "$(manifest_official koder-web)")")" "web, sorted"
    attack_refused origin "$attack:refs/heads/main"
    expect_hook_names "engines/web/koder.toml" "KSA009"
    folder_commit "$(git_raw sorted 100644 README.md "$(blob readme)" 100644 zz.txt "$(blob zz)" \
        100644 koder.toml "$(blob "$(manifest_ok koder-web)")")" "web, well-formed"
    push_ok origin "$attack:refs/heads/main"
    expect_contains "$ERR" "no problems"
    end_case
}

case_3k() {
    begin_case "3k a malformed tree between well-formed commits of one push, the end state clean: refused"
    server_and_client
    # One differ compares every commit of a push: the malformed folder of the middle commit is
    # reported although the last commit restores the tree before it.
    local clean bad fixed
    clean=$(commit_tree "$(with_entry "$(tree_of)" docs/a.txt 100644 "$(blob a)")" "clean before")
    bad=$(commit_tree "$(with_entry "$(git rev-parse "$clean^{tree}")" engines/web 40000 \
        "$(git_raw raw 100644 README.md "$(blob readme)" 100644 zz.txt "$(blob zz)" \
            100644 koder.toml "$(blob "$(manifest_official koder-web)")")")" "web, unsorted" "$clean")
    fixed=$(commit_tree "$(git rev-parse "$clean^{tree}")" "web restored" "$bad")
    attack_refused origin "$fixed:refs/heads/main"
    expect_hook_names "engines/web/: error[KSA025]: malformed tree: it has entries out of git's order: 'zz.txt' before 'koder.toml'"
    end_case
}

# --- 4. a changed manifest read as missing, or read elsewhere -------------------------

case_4a() {
    begin_case "4a a manifest changed through an unsorted folder reads as missing: an error, not nothing"
    server_and_web
    # The diff walks entries by index and sees koder.toml modified; the lookup by name then
    # misses it.
    folder_commit "$(git_raw raw 100644 README.md "$(blob readme)" 100644 zz.txt "$(blob zz)" \
        100644 koder.toml "$(blob "$(manifest_official koder-web)")")" "web, unsorted"
    attack_refused origin "$attack:refs/heads/main"
    expect_hook_names "engines/web"
    end_case
}

case_4b() {
    begin_case "4b a root entry named engines/web/koder.toml after the real folder: read there, written here"
    server_and_web
    # In git's order the folder engines comes first; checkout then writes the entry named
    # engines/web/koder.toml over the real manifest. A lookup of that path finds the real one.
    attack=$(commit_tree "$(git_raw raw 100644 README.md "$(git rev-parse HEAD:README.md)" \
        40000 engines "$(git rev-parse HEAD:engines)" \
        100644 engines/web/koder.toml "$(blob "$(manifest_official koder-web)")")" "web, shadowed")
    checkout_of "$attack" "$CASE_DIR/checkout"
    grep -q 'status = "official"' "$CASE_DIR/checkout/engines/web/koder.toml" || fail "git did not write the shadowing entry"
    attack_refused origin "$attack:refs/heads/main"
    expect_hook_names "engines/web/koder.toml"
    end_case
}

# --- 5. symlinked folders ------------------------------------------------------------

case_5a() {
    begin_case "5a self-hosted/ as a symlink to a folder with a bad fragment"
    server_and_web
    mkdir -p engines/web/frag
    printf '[self_hosted]\nreplaces = ["haproxy"]\nstatus = "official"\ngates_passed = []\ngates_pending = ["performance"]\n' \
        >engines/web/frag/koder_lb.toml
    ln -s frag engines/web/self-hosted
    git add -A
    git commit -q -m "web, fragment through a symlink"
    # A checkout shows engines/web/self-hosted/koder_lb.toml, official with a pending gate.
    checkout_of HEAD "$CASE_DIR/checkout"
    grep -q 'status = "official"' "$CASE_DIR/checkout/engines/web/self-hosted/koder_lb.toml" || fail "no fragment in the checkout"
    attack_refused origin main
    expect_hook_names "engines/web/self-hosted: error[KSA025]: the fragment folder is a symbolic link"
    end_case
}

# A registry as a hand would write it: not what the manifests generate.
HAND_EDITED='<!-- auto-generated by koder-spec-audit self-hosted; do not edit by hand -->
# Self-hosted pairs

| # | component | status |
|---|---|---|
| 1 | **koder-web** | official |'

case_5b() {
    begin_case "5b the registry path as a symlink to a hand-written file"
    server_and_web
    write_file notes/pairs.md "$HAND_EDITED"
    mkdir -p "$(dirname "$REGISTRY")"
    ln -s ../../../../notes/pairs.md "$REGISTRY"
    git add -A
    git commit -q -m "registry, linked"
    attack_refused origin main
    expect_hook_names "$REGISTRY"
    end_case
}

case_5c() {
    begin_case "5c a folder above the registry (meta) as a symlink to a hand-written registry"
    server_and_web
    write_file "elsewhere/${REGISTRY#meta/}" "$HAND_EDITED"
    ln -s elsewhere meta
    git add -A
    git commit -q -m "meta, linked"
    checkout_of HEAD "$CASE_DIR/checkout"
    grep -q 'official' "$CASE_DIR/checkout/$REGISTRY" || fail "no registry in the checkout"
    attack_refused origin main
    expect_hook_names "meta"
    end_case
}

case_5d() {
    begin_case "5d control: a symlinked folder away from manifests and the registry is accepted"
    server_and_web
    write_file docs/v1/index.md "v1"
    ln -s v1 docs/latest
    git add -A
    git commit -q -m "docs, latest"
    push_ok origin main
    expect_server_ref refs/heads/main "$(rev)"
    end_case
}

# --- 6. tags of trees ----------------------------------------------------------------

# tree_tag TREE NAME: an annotated tag object of TREE, printed.
tree_tag() {
    printf 'object %s\ntype tree\ntag %s\ntagger KSA Test <ksa-test@example.invalid> 1767225600 +0000\n\n%s\n' \
        "$1" "$2" "$2" | git mktag
}

case_6a() {
    begin_case "6a tags (lightweight, annotated) of a tree whose registry is edited by hand"
    server_and_registry
    attack_tree=$(with_entry "$(tree_of)" "$REGISTRY" 100644 "$(blob "$HAND_EDITED")")
    attack_refused origin "$attack_tree:refs/tags/hand-light"
    expect_hook_names "refs/tags/hand-light" "$REGISTRY" "KSA012"
    attack_refused origin "$(tree_tag "$attack_tree" hand-annotated):refs/tags/hand-annotated"
    expect_hook_names "refs/tags/hand-annotated" "$REGISTRY" "KSA012"
    end_case
}

case_6b() {
    begin_case "6b tags (lightweight, annotated) of a tree where two manifests declare one component name"
    server_and_registry
    attack_tree=$(with_entry "$(tree_of)" engines/web2/koder.toml 100644 "$(blob "$(manifest_ok koder-web)")")
    attack_refused origin "$attack_tree:refs/tags/dup-light"
    expect_hook_names "refs/tags/dup-light" "engines/web2/koder.toml" "koder-web" "KSA018"
    attack_refused origin "$(tree_tag "$attack_tree" dup-annotated):refs/tags/dup-annotated"
    expect_hook_names "refs/tags/dup-annotated" "engines/web2/koder.toml" "koder-web" "KSA018"
    end_case
}

case_6c() {
    begin_case "6c control: tags of a tree with a generated registry and distinct names are accepted"
    server_and_registry
    push_ok origin "$(tree_of):refs/tags/tree-light"
    push_ok origin "$(tree_tag "$(tree_of)" tree-annotated):refs/tags/tree-annotated"
    expect_server_ref refs/tags/tree-light "$(tree_of)"
    end_case
}

# --- 7. commits that never went through the hook --------------------------------------
# Forgejo (14 and later) writes refs/pull/N/head for a fork's pull request with update-ref:
# no hook runs. Those commits must not count as already checked.

# fork_ref REF NAME MANIFEST: a fork of the server commits MANIFEST at engines/NAME, and the
# server gets its branch at REF (a REF ending in / is completed with the commit's id, as
# GitLab names refs/keep-around/ID) without any hook: fetch, then update-ref. The client
# fetches it. Sets $fork_tip.
fork_ref() {
    rm -rf -- "$CASE_DIR/fork"
    git clone -q "file://$SERVER" "$CASE_DIR/fork"
    (
        cd -- "$CASE_DIR/fork"
        commit_file "engines/$2/koder.toml" "$3" "$2 from a fork"
    )
    git -C "$SERVER" fetch -q "$CASE_DIR/fork" main
    fork_tip=$(git -C "$SERVER" rev-parse FETCH_HEAD)
    ref=$1
    case $ref in */) ref=$ref$fork_tip ;; esac
    git -C "$SERVER" update-ref "$ref" "$fork_tip"
    git fetch -q origin "$ref"
}

case_7a() {
    begin_case "7a a fork's pull request (refs/pull/1/head, written without the hook) merged by fast-forward"
    server_and_client
    fork_ref refs/pull/1/head web "$(manifest_official koder-web)"
    git merge -q --ff-only "$fork_tip"
    attack_refused origin main
    expect_hook_names "refs/heads/main" "engines/web/koder.toml" "KSA009"
    end_case
}

case_7b() {
    begin_case "7b the same pull request merged with a merge commit"
    server_and_client
    commit_file docs/a.md "a" "docs on main"
    push_ok origin main
    fork_ref refs/pull/1/head web "$(manifest_official koder-web)"
    git merge -q --no-ff -m "Merge pull request 1" "$fork_tip"
    attack_refused origin main
    expect_hook_names "refs/heads/main" "engines/web/koder.toml" "KSA009"
    end_case
}

case_7c() {
    begin_case "7c the same through refs/keep-around/* (any ref outside branches and tags)"
    server_and_client
    fork_ref refs/keep-around/ web "$(manifest_official koder-web)"
    git merge -q --ff-only "$fork_tip"
    attack_refused origin main
    expect_hook_names "refs/heads/main" "engines/web/koder.toml" "KSA009"
    end_case
}

case_7d() {
    begin_case "7d control: a fork's pull request with a valid manifest is merged"
    server_and_client
    fork_ref refs/pull/2/head web "$(manifest_ok koder-web)"
    git merge -q --ff-only "$fork_tip"
    push_ok origin main
    expect_server_ref refs/heads/main "$fork_tip"
    end_case
}

# --- 8. one small manifest, unbounded cost -------------------------------------------
# 20,000 copies of one unknown gate on one line: 240 KB. Each finding used to copy the
# source line (N^2: 4.7 GB, 8.9 MB of output).

LIMIT_KB=1048576      # ulimit -v: 1 GiB of address space
LIMIT_SECONDS=20
MAX_OUTPUT=200000     # bytes the pusher may be sent for it

big_manifest() {
    printf 'category = "engine"\n\n[package]\nname = "big"\nversion = "1.0.0"\n\n[self_hosted]\n'
    printf 'replaces = ["nginx"]\nstatus = "stable"\ngates_passed = []\ngates_pending = ['
    python3 -c 'import sys; sys.stdout.write(",".join(["\"perfomanc\""] * 20000))'
    printf ']\n'
}

# An AddressSanitizer build (KSA_SANITIZE=ON) reserves terabytes of address space and cannot
# start under ulimit -v: for it only the time and output bounds apply.
MEMORY_LIMIT="ulimit -v $LIMIT_KB"
if ! (ulimit -v "$LIMIT_KB" && exec koder-spec-audit --version) >/dev/null 2>&1; then
    MEMORY_LIMIT=:
fi

# bounded CMD...: CMD under the memory and time bounds.
bounded() { (eval "$MEMORY_LIMIT" && exec timeout "$LIMIT_SECONDS" "$@"); }

say_bounds() {
    if [ "$MEMORY_LIMIT" = : ]; then
        echo "# $KSA_BIN cannot start under ulimit -v (a sanitizer build?): time and output bounds only"
    fi
}

# The server's hook under the same bounds.
bounded_hook() {
    rm -f -- "$SERVER/hooks/pre-receive"
    printf '#!/bin/sh\n%s || exit 1\nexec timeout %s %s "$@"\n' "$MEMORY_LIMIT" "$LIMIT_SECONDS" \
        "$KSA_SOURCE_DIR/hooks/pre-receive" >"$SERVER/hooks/pre-receive"
    chmod +x "$SERVER/hooks/pre-receive"
}

expect_small() {
    size=$(wc -c <"$1")
    [ "$size" -lt "$MAX_OUTPUT" ] || fail "$2 is $size bytes, not under $MAX_OUTPUT"
}

case_8a() {
    begin_case "8a a 240 KB manifest of 20,000 unknown gates: refused, bounded output, memory and time"
    say_bounds
    server_and_client
    bounded_hook
    # Control first: the bounds themselves leave room for an ordinary push.
    commit_file engines/web/koder.toml "$(manifest_ok koder-web)" "web"
    push_ok origin main
    expect_contains "$ERR" "no problems"
    mkdir -p engines/big
    big_manifest >engines/big/koder.toml
    size=$(wc -c <engines/big/koder.toml)
    if [ "$size" -lt 230000 ] || [ "$size" -gt 260000 ]; then fail "the manifest is $size bytes"; fi
    git add -A
    git commit -q -m "big"
    attack_refused origin main
    expect_contains "$ERR" "push rejected: fix the manifests"
    expect_hook_names "engines/big/koder.toml" "KSA007"
    expect_small "$CASE_DIR/hook.txt" "the hook's output to the pusher"
    end_case
}

case_8b() {
    begin_case "8b the same manifest: the hook run directly on the bare repository, within the bounds"
    say_bounds
    server_and_client
    base=$(rev)
    mkdir -p engines/big
    big_manifest >engines/big/koder.toml
    git add -A
    git commit -q -m "big"
    git -C "$SERVER" fetch -q "$CASE_DIR/client" main:refs/heads/tmp
    git -C "$SERVER" update-ref -d refs/heads/tmp
    printf '%s %s refs/heads/main\n' "$base" "$(rev)" >"$CASE_DIR/updates"
    expect_exit 1 bounded env GIT_DIR="$SERVER" koder-spec-audit hook pre-receive <"$CASE_DIR/updates"
    expect_contains "$ERR" "engines/big/koder.toml"
    expect_contains "$ERR" "KSA007"
    expect_small "$ERR" "the hook's output"
    end_case
}

case_8c() {
    begin_case "8c the same manifest: koder-toml --validate within the bounds"
    say_bounds
    new_repo work
    cd work
    mkdir -p engines/big
    big_manifest >engines/big/koder.toml
    expect_exit 1 bounded koder-spec-audit koder-toml --validate engines/big/koder.toml
    cat "$OUT" "$ERR" >"$CASE_DIR/validate.txt"
    expect_contains "$CASE_DIR/validate.txt" "KSA007"
    expect_small "$CASE_DIR/validate.txt" "koder-toml --validate's output"
    end_case
}

# --- 9. invisible characters ---------------------------------------------------------
# Not control characters, but invisible or line-breaking on a terminal: U+2028, U+2029,
# U+200B-U+200D, U+2060, U+FEFF, U+00AD, U+3164, U+115F, U+E0001, U+E0041 (tag characters).

INVISIBLE_NAMES="U+2028 U+2029 U+200B U+200C U+200D U+2060 U+FEFF U+00AD U+3164 U+115F U+E0001 U+E0041"
invisible() {
    case $1 in
        U+2028) printf '\342\200\250' ;; U+2029) printf '\342\200\251' ;;
        U+200B) printf '\342\200\213' ;; U+200C) printf '\342\200\214' ;;
        U+200D) printf '\342\200\215' ;; U+2060) printf '\342\201\240' ;;
        U+FEFF) printf '\357\273\277' ;; U+00AD) printf '\302\255' ;;
        U+3164) printf '\343\205\244' ;; U+115F) printf '\341\205\237' ;;
        U+E0001) printf '\363\240\200\201' ;; U+E0041) printf '\363\240\201\201' ;;
    esac
}
ALL_INVISIBLE=$(for name in $INVISIBLE_NAMES; do invisible "$name"; done)

# expect_no_invisible: none of the characters, raw, in the hook's own lines.
expect_no_invisible() {
    hook_lines
    leaked=""
    for name in $INVISIBLE_NAMES; do
        if LC_ALL=C grep -a -q -F -e "$(invisible "$name")" -- "$CASE_DIR/hook.txt"; then
            leaked="$leaked $name"
        fi
    done
    [ -z "$leaked" ] || fail "the hook sent these characters raw:$leaked"
}

case_9a() {
    begin_case "9a invisible characters in a path, a value (raw and escaped) and a subject are escaped"
    server_and_client
    dir="engines/inv${ALL_INVISIBLE}x"
    mkdir -p -- "$dir" engines/escaped
    manifest_ok raw | sed "s/stable/st${ALL_INVISIBLE}able/" >"$dir/koder.toml"
    # TOML escapes put the characters in the value itself.
    manifest_ok escaped | sed 's/stable/st\\u2028\\u2029\\u200B\\u200C\\u200D\\u2060\\uFEFF\\u00AD\\u3164\\u115F\\U000E0001\\U000E0041able/' \
        >engines/escaped/koder.toml
    git add -A
    git commit -q -m "subject ${ALL_INVISIBLE} end"
    attack_refused origin main
    expect_hook_names "engines/inv" "engines/escaped/koder.toml" "KSA005" "subject "
    expect_no_invisible
    end_case
}

case_9b() {
    begin_case "9b invisible characters in a ref name are escaped"
    server_and_client
    commit_file engines/web/koder.toml "$(manifest_bad_status koder-web)" "web"
    attack_refused origin "HEAD:refs/heads/inv${ALL_INVISIBLE}x"
    expect_hook_names "refs/heads/inv" "KSA005"
    expect_no_invisible
    end_case
}

# --- 10. overrides on deploy keys ----------------------------------------------------
# Forgejo sets GITEA_PUSHER_NAME to the repository's owner when a deploy key pushes, and
# GITEA_DEPLOY_KEY_ID to the key's id (0 or unset for a user).

override_server() {
    server_and_client
    git -C "$SERVER" config receive.advertisePushOptions true
    git -C "$SERVER" config koder-audit.overrideUser alice
}

case_10a() {
    begin_case "10a an override from a deploy key (GITEA_DEPLOY_KEY_ID=7) is not honoured"
    override_server
    commit_file engines/web/koder.toml "$(manifest_bad_status koder-web)" "hotfix"
    wrap_hook GITEA_PUSHER_NAME=alice GITEA_DEPLOY_KEY_ID=7
    attack_refused -o 'koder-audit.override=deploy bot' origin main
    expect_hook_names "override ignored" "deploy key"
    expect_not_contains "$ERR" "OVERRIDE by"
    end_case
}

case_10b() {
    begin_case "10b control: GITEA_DEPLOY_KEY_ID=0 or unset, the listed pusher's override is honoured"
    override_server
    commit_file engines/web/koder.toml "$(manifest_bad_status koder-web)" "hotfix"
    wrap_hook GITEA_PUSHER_NAME=alice GITEA_DEPLOY_KEY_ID=0
    push_ok -o 'koder-audit.override=hotfix for INC-42' origin main
    expect_contains "$ERR" "OVERRIDE by 'alice'"
    commit_file engines/web/koder.toml "$(manifest_bad_status koder-web | sed 's/nginx/caddy/')" "hotfix 2"
    wrap_hook GITEA_PUSHER_NAME=alice
    push_ok -o 'koder-audit.override=hotfix for INC-43' origin main
    expect_contains "$ERR" "OVERRIDE by 'alice'"
    expect_server_ref refs/heads/main "$(rev)"
    end_case
}

# --- run -------------------------------------------------------------------------------

ALL_CASES="1a 1b 1c 1d 1e 1f 2a 2b 2c 2d 2e 2f 2g 2h 3a 3b 3c 3d 3e 3f 3g 3h 3i 3j 3k 4a 4b 5a 5b 5c 5d
           6a 6b 6c 7a 7b 7c 7d 8a 8b 8c 9a 9b 10a 10b"
for id in $ALL_CASES; do
    if wanted "$id"; then
        "case_$id"
    fi
done

finish
