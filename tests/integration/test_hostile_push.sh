#!/usr/bin/env bash
# Hostile repository contents pushed for real to a bare repository with the pre-receive hook:
# symlinks and a submodule at manifest paths, a 100 MiB blob, a million nested arrays, escape
# sequences and newlines in paths, invalid UTF-8, a NUL byte, a 1 MiB value, a commit of
# 100,000 files and tags naming hostile trees and blobs. Each push is judged (rejected with
# the right rule, or accepted when the content is valid), never crashes nor hangs, and
# nothing raw reaches the pusher's terminal. (The pre-commit side: test_hostile_entries.sh.)
. "$(dirname -- "$0")/lib.sh"

# The push was refused for findings (exit 1 of the hook), not because the hook broke, and
# the branch did not move on the server.
expect_rejected_for_findings() {
    push_rejected origin main
    expect_contains "$ERR" "remote: koder-spec-audit: push rejected: fix "
    expect_not_contains "$ERR" "internal error"
    expect_not_contains "$ERR" "could not read the push"
    expect_no_control_chars "$ERR"
    expect_server_ref refs/heads/main "$(rev HEAD~1)"
}

# elapsed_ms START: milliseconds since START (from date +%s%N).
elapsed_ms() { echo $((($(date +%s%N) - $1) / 1000000)); }

begin_case "koder.toml as a symlink to /etc/passwd and to ../../outside"
server_and_client
mkdir -p engines/passwd engines/outside/self-hosted
ln -s /etc/passwd engines/passwd/koder.toml
ln -s ../../outside engines/outside/koder.toml
ln -s ../../../../etc/passwd engines/outside/self-hosted/koder_x.toml
git add -A
git commit -q -m "symlinks"
expect_rejected_for_findings
expect_contains "$ERR" "remote: engines/passwd/koder.toml: error[KSA015]: manifest path is a symbolic link, expected a regular file"
expect_contains "$ERR" "remote: engines/outside/koder.toml: error[KSA015]: manifest path is a symbolic link"
expect_contains "$ERR" "remote: engines/outside/self-hosted/koder_x.toml: error[KSA015]: manifest path is a symbolic link"
expect_not_contains "$ERR" "root:"
end_case

begin_case "a submodule (gitlink) at koder.toml"
server_and_client
git update-index --add --cacheinfo "160000,$(rev),engines/sub/koder.toml"
git commit -q -m "gitlink"
expect_rejected_for_findings
expect_contains "$ERR" "remote: engines/sub/koder.toml: error[KSA015]: manifest path is a submodule"
end_case

begin_case "a 100 MiB blob at a manifest path is rejected by the size limit, unread"
server_and_client
# fast-import streams the blob into a pack without a working-tree copy or a git add.
{
    echo "commit refs/heads/main"
    echo "committer KSA Test <ksa-test@example.invalid> 1767225600 +0000"
    echo "data 4"
    echo "huge"
    echo "from $(rev)"
    echo "M 100644 inline engines/huge/koder.toml"
    echo "data 104857600"
    head -c 104857600 /dev/zero | tr '\0' 'a'
    echo
} | git fast-import --quiet
started=$(date +%s%N)
expect_rejected_for_findings
echo "# 100 MiB manifest: the whole push took $(elapsed_ms "$started") ms"
expect_contains "$ERR" "remote: engines/huge/koder.toml: error[KSA015]: manifest is 104857600 bytes, over the limit of 1048576 bytes; it was not read"
end_case

begin_case "a 17 MiB file at the registry path is refused unread (KSA012)"
server_and_client
mkdir -p meta/docs/stack/registries
head -c 17825792 /dev/zero | tr '\0' 'a' >meta/docs/stack/registries/self-hosted-pairs.md
git add -A
git commit -q -m "huge registry"
expect_rejected_for_findings
expect_contains "$ERR" "remote: meta/docs/stack/registries/self-hosted-pairs.md: error[KSA012]: the generated registry is 17825792 bytes, over the limit of 16777216 bytes; it was not read"
expect_contains "$ERR" "push rejected: fix the registry named above in new commits and push again"
end_case

begin_case "a million nested arrays are refused by the nesting limit at their line and column"
server_and_client
mkdir -p engines/deep
{ printf 'category = "engine"\nx = '; head -c 1000000 /dev/zero | tr '\0' '['; printf '\n'; } >engines/deep/koder.toml
git add -A
git commit -q -m "deep"
started=$(date +%s%N)
expect_rejected_for_findings
echo "# 1,000,000 nested arrays: the whole push took $(elapsed_ms "$started") ms"
expect_contains "$ERR" "remote: engines/deep/koder.toml:2:69: error[KSA015]: nested more than 64 levels deep"
# The server's limit, not the pushed tree's: a .koder-spec-audit.toml cannot raise it.
git reset -q --hard HEAD~1
mkdir -p engines/deep
printf '[audit]\nmax_nesting_depth = 1024\nmax_manifest_bytes = 999999999\n' >.koder-spec-audit.toml
{ printf 'category = "engine"\nx = '; head -c 100 /dev/zero | tr '\0' '['; head -c 100 /dev/zero | tr '\0' ']'; printf '\n'; } \
    >engines/deep/koder.toml
git add -A
git commit -q -m "deep, with a permissive configuration"
push_rejected origin main
expect_contains "$ERR" "remote: engines/deep/koder.toml:2:69: error[KSA015]: nested more than 64 levels deep"
# The server's own key changes it: 100 levels are then parsed (and fail toml++'s own limit
# or pass, but not as KSA015).
git -C "$SERVER" config koder-audit.maxNestingDepth 128
expect_exit_in "0 1" git push origin main
expect_not_contains "$ERR" "nested more than"
end_case

begin_case "a server maxNestingDepth that is not 1 to 1024 rejects every push"
server_and_client
git -C "$SERVER" config koder-audit.maxNestingDepth 5000
write_file engines/web/koder.toml "$(manifest_ok koder-web)"
git add -A
git commit -q -m "web"
expect_exit nonzero git push origin main
expect_contains "$ERR" "bad server configuration: git config: koder-audit.maxnestingdepth = \"5000\": expected a nesting depth from 1 to 1024"
git -C "$SERVER" config koder-audit.maxNestingDepth 3
push_ok origin main
end_case

begin_case "paths with escape sequences and newlines: judged, and echoed escaped"
server_and_client
esc=$(printf '\033')
dir="engines/${esc}[31mred
line${esc}]0;title$(printf '\007')"
mkdir -p -- "$dir"
manifest_bad_status evil >"$dir/koder.toml"
git add -A
git commit -q -m "escapes"
expect_rejected_for_findings
expect_contains "$ERR" 'remote: engines/\x1b[31mred\nline\x1b]0;title\x07/koder.toml:9:10: error[KSA005]'
escapes=$(grep -c "$esc" "$ERR" || true)
[ "$escapes" = 0 ] || fail "$escapes line(s) of the push's stderr hold a raw ESC"
end_case

begin_case "invalid UTF-8 in a value and in a path"
server_and_client
mkdir -p "$(printf 'engines/caf\351')" engines/value
manifest_bad_status latin >"$(printf 'engines/caf\351')/koder.toml"
manifest_ok value | sed "s/nginx/ngi$(printf '\377')nx/" >engines/value/koder.toml
git add -A
git commit -q -m "latin-1"
expect_rejected_for_findings
expect_contains "$ERR" 'remote: engines/caf\xe9/koder.toml:9:10: error[KSA005]'
expect_contains "$ERR" "remote: engines/value/koder.toml:8:"
expect_contains "$ERR" "error[KSA001]"
end_case

begin_case "a manifest with a NUL byte"
server_and_client
mkdir -p engines/bin
printf 'category = "engine"\n# \000 binary\n' >engines/bin/koder.toml
git add -A
git commit -q -m "nul"
expect_rejected_for_findings
expect_contains "$ERR" "remote: engines/bin/koder.toml: error[KSA015]: manifest is binary (NUL byte at offset 22)"
end_case

begin_case "a 1 MiB string value is judged and quoted abbreviated"
server_and_client
mkdir -p engines/long
{
    printf 'category = "engine"\n\n[package]\nname = "long"\nversion = "1.0.0"\n\n[self_hosted]\nreplaces = ["nginx"]\nstatus = "'
    head -c 1000000 /dev/zero | tr '\0' 'x'
    printf '"\ngates_passed = ["feature_parity"]\ngates_pending = ["performance"]\n'
} >engines/long/koder.toml
git add -A
git commit -q -m "long"
expect_rejected_for_findings
expect_contains "$ERR" "remote: engines/long/koder.toml:9:10: error[KSA005]"
size=$(wc -c <"$ERR")
[ "$size" -lt 20000 ] || fail "a 1 MiB value made $size bytes of output"
# Within the limit and valid: the same size in an accepted field is fine.
{
    printf 'category = "engine"\n\n[package]\nname = "long"\nversion = "1.0.0"\n\n[self_hosted]\nreplaces = ["'
    head -c 1000000 /dev/zero | tr '\0' 'x'
    printf '"]\nstatus = "stable"\ngates_passed = ["feature_parity"]\ngates_pending = ["performance"]\n'
} >engines/long/koder.toml
git add -A
git commit -q --amend -m "long, valid"
push_ok origin main
expect_contains "$ERR" "no problems"
end_case

begin_case "a commit of 100,000 files (1,000 manifests, one bad) is judged in full"
server_and_client
base=$(rev)
# 1,000 folders of 100 files; each folder's file 0 is a manifest; folder 500's is bad.
awk -v base="$base" 'BEGIN {
    print "commit refs/heads/main"
    print "committer KSA Test <ksa-test@example.invalid> 1767225600 +0000"
    print "data 10"
    print "100k files"
    print "from " base
    for (d = 0; d < 1000; d++) {
        for (f = 1; f < 100; f++) {
            content = "file " d "/" f
            print "M 100644 inline m/" d "/f" f ".txt"
            print "data " length(content)
            print content
        }
        category = (d == 500) ? "prodcut" : "product"
        manifest = "category = \"" category "\"\n\n[package]\nname = \"m" d "\"\nversion = \"1.0.0\"\n"
        print "M 100644 inline m/" d "/koder.toml"
        print "data " length(manifest)
        printf "%s", manifest
    }
    print ""
}' | git fast-import --quiet
[ "$(git diff --name-only HEAD~1 HEAD | wc -l)" = 100000 ] || fail "the commit does not change 100,000 files"
started=$(date +%s%N)
expect_rejected_for_findings
echo "# 100,000 changed files (1,000 manifests): the whole push took $(elapsed_ms "$started") ms"
expect_contains "$ERR" 'remote: m/500/koder.toml:1:12: error[KSA002]: `category = "prodcut"` is not a known category'
expect_contains "$ERR" "1 error, 0 warnings in 1000 manifests checked in the push (1 new commit on 1 ref)"
# The hook alone, run directly on the same update (the objects are now in the server).
git -C "$SERVER" fetch -q "$CASE_DIR/client" main:refs/heads/tmp
git -C "$SERVER" update-ref -d refs/heads/tmp
started=$(date +%s%N)
printf '%s %s refs/heads/main\n' "$base" "$(rev)" >updates
expect_exit 1 env GIT_DIR="$SERVER" koder-spec-audit hook pre-receive <updates
echo "# 100,000 changed files: the hook alone took $(elapsed_ms "$started") ms"
expect_contains "$ERR" "1 error, 0 warnings in 1000 manifests checked"
end_case

begin_case "tags naming hostile trees and blobs"
server_and_client
mkdir -p engines/link engines/deep
ln -s /etc/passwd engines/link/koder.toml
{ printf 'x = '; head -c 100000 /dev/zero | tr '\0' '['; printf '\n'; } >engines/deep/koder.toml
git add -A
git commit -q -m "hostile tree"
tree=$(git rev-parse 'HEAD^{tree}')
blob=$(git rev-parse HEAD:engines/deep/koder.toml)
# An annotated tag of the tree: every manifest of the tree is checked.
tag=$(printf 'object %s\ntype tree\ntag a-tree\ntagger KSA Test <ksa-test@example.invalid> 1767225600 +0000\n\nthe tree\n' "$tree" |
    git mktag)
push_rejected origin "$tag:refs/tags/a-tree"
expect_contains "$ERR" "remote: engines/link/koder.toml: error[KSA015]: manifest path is a symbolic link"
expect_contains "$ERR" "remote: engines/deep/koder.toml:1:69: error[KSA015]: nested more than 64 levels deep"
expect_no_control_chars "$ERR"
expect_server_ref refs/tags/a-tree ""
# A tag of the deep blob: a blob is no manifest (it has no path), nothing to check.
push_ok origin "$blob:refs/tags/a-blob"
expect_hook_silent
expect_server_ref refs/tags/a-blob "$blob"
end_case

finish
