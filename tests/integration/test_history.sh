#!/usr/bin/env bash
# self-hosted --history: the G3 stability verdict mined from real first-parent histories
# (real commits with fixed dates, real merges and tags), as docs/history.md defines it.
. "$(dirname "$0")/lib.sh"

# --- helpers -------------------------------------------------------------------------

# Each `commit` happens at noon UTC of the next day from 2026-01-01 on (lib.sh's dated_commit).
BASE=$DATED_BASE
commit() { dated_commit "$1"; }

# module_manifest PATH NAME VERSION STATUS PASSED PENDING [CASES]: a module manifest. STATUS "none"
# leaves out the [self_hosted] block; PASSED, PENDING and CASES are TOML array contents.
module_manifest() {
    mkdir -p -- "$(dirname -- "$1")"
    {
        printf 'category = "engine"\n\n[package]\nname = "%s"\nversion = "%s"\n' "$2" "$3"
        if [ "$4" != none ]; then
            printf '\n[self_hosted]\nreplaces = ["nginx"]\nstatus = "%s"\n' "$4"
            [ -z "${7:-}" ] || printf 'cases = [%s]\n' "$7"
            printf 'gates_passed = [%s]\ngates_pending = [%s]\n' "$5" "$6"
        fi
    } >"$1"
}

# kodec VERSION STATUS [PASSED] [PENDING] [CASES]: engines/kodec/koder.toml.
kodec() {
    module_manifest engines/kodec/koder.toml kodec "$1" "$2" "${3-\"feature_parity\"}" "${4-\"performance\"}" "${5:-}"
}

# release VERSION [STATUS]: a commit that bumps kodec to VERSION (status stable by default).
release() {
    kodec "$1" "${2:-stable}"
    commit "kodec $1"
}

# noise MESSAGE: a commit that touches no manifest.
noise() {
    echo "$1" >"notes-$DAY.txt"
    commit "$1"
}

history_json() {
    expect_exit 0 koder-spec-audit self-hosted --history --format json "$@"
}

history_text() {
    expect_exit 0 koder-spec-audit self-hosted --history "$@"
}

JQ="$TEST_DIR/json_value.py"
cat >"$JQ" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
def comp(name):
    found = [c for c in d["components"] if c["name"] == name]
    if len(found) != 1: raise SystemExit("%d components named %r" % (len(found), name))
    return found[0]
def case(name, which=None):
    found = [c for c in comp(name)["cases"] if c["case"] == which]
    if len(found) != 1: raise SystemExit("%d cases %r in %r" % (len(found), which, name))
    return found[0]
def since(name, which=None): return case(name, which)["releases_since"]
def verdict(name, which=None):
    c = case(name, which)
    return {"passes": c["passes"], "needed": c["releases_needed"], "since": c["releases_since"],
            "left": None if c["left_experimental"] is None else c["left_experimental"]["commit"],
            "regression": None if c["last_regression"] is None else
                [c["last_regression"]["commit"], c["last_regression"]["reason"]]}
print(json.dumps(eval(sys.argv[2]), sort_keys=True))
EOF

# json_value EXPR [FILE]: the JSON value of a Python expression over the last --format json output.
json_value() {
    python3 "$JQ" "${2:-$OUT}" "$1" || fail "cannot evaluate $1 over ${2:-$OUT}"
}

# expect_json EXPR WANT: the expression's JSON value (sorted keys) is WANT.
expect_json() {
    got=$(json_value "$1")
    [ "$got" = "$2" ] || fail "expected $1 = $2, got $got"
}

# save NAME: keeps the last stdout as $TEST_DIR/NAME.
save() {
    cp -- "$OUT" "$CASE_DIR/$1"
}

# same_verdicts FILE1 FILE2: the components and invalid manifests of two JSON outputs agree.
same_verdicts() {
    a=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps([d["components"], d["invalid_manifests"], d["commits"]], sort_keys=True))' "$1")
    b=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps([d["components"], d["invalid_manifests"], d["commits"]], sort_keys=True))' "$2")
    [ "$a" = "$b" ] || fail "verdicts differ between $1 and $2"
}

# --- cases ---------------------------------------------------------------------------

begin_case "a: three releases after leaving experimental pass G3"
new_repo repo && cd repo
release 1.0.0 experimental
noise "docs"
release 1.1.0
c_left=$(rev)
release 1.2.0
noise "more docs"
release 1.3.0
release 1.4.0
history_json
expect_json 'since("kodec")' '["1.2.0", "1.3.0", "1.4.0"]'
expect_json 'case("kodec")["passes"]' 'true'
expect_json 'case("kodec")["releases_needed"]' '0'
expect_json 'case("kodec")["left_experimental"]["commit"]' "\"$c_left\""
expect_json 'case("kodec")["left_experimental"]["version"]' '"1.1.0"'
expect_json 'case("kodec")["last_regression"]' 'null'
expect_json 'case("kodec")["status"]' '"stable"'
expect_json '[r["version"] for r in comp("kodec")["releases"]]' '["1.1.0", "1.2.0", "1.3.0", "1.4.0"]'
expect_json 'd["commits"]' '7'
expect_json 'd["required_releases"]' '3'
history_text
expect_contains "$OUT" "G3 stability from the first-parent history of $(short) (7 commits"
expect_contains "$OUT" "3 (1.2.0, 1.3.0, 1.4.0)"
expect_contains "$OUT" "2026-01-03 $(short "$c_left") 1.1.0"
expect_contains "$OUT" "passes G3"
expect_count "$OUT" "(every case)" 1
end_case

begin_case "b: two releases after leaving experimental need one more"
new_repo repo && cd repo
release 1.0.0 experimental
release 1.1.0
release 1.2.0
release 1.3.0
history_json
expect_json 'verdict("kodec")["passes"]' 'false'
expect_json 'verdict("kodec")["needed"]' '1'
expect_json 'since("kodec")' '["1.2.0", "1.3.0"]'
history_text
expect_contains "$OUT" "needs 1 more release"
expect_not_contains "$OUT" "needs 1 more releases"
expect_not_contains "$OUT" "passes G3"
# A component that appears non-experimental starts its streak where it appears.
module_manifest engines/other/koder.toml other 2.0.0 official '"feature_parity"' ''
commit "other appears official"
history_json
expect_json 'case("other")["left_experimental"]["commit"]' "\"$(rev)\""
expect_json 'verdict("other")["needed"]' '3'
history_text
expect_contains "$OUT" "needs 3 more releases"
end_case

begin_case "c: a gate leaving gates_passed restarts the count at the regression"
new_repo repo && cd repo
release 1.0.0 experimental
release 1.1.0
c_left=$(rev)
release 1.2.0
release 1.3.0
kodec 1.3.0 stable '' '"feature_parity", "performance"'   # feature_parity moves to gates_pending
commit "feature_parity pending again"
c_regression=$(rev)
history_json
expect_json 'verdict("kodec")' "{\"left\": \"$c_left\", \"needed\": 3, \"passes\": false, \"regression\": [\"$c_regression\", \"feature_parity left gates_passed\"], \"since\": []}"
kodec 1.4.0 stable '' '"feature_parity", "performance"'
commit "1.4.0"
kodec 1.5.0 stable '' '"feature_parity", "performance"'
commit "1.5.0"
history_json
expect_json 'verdict("kodec")["since"]' '["1.4.0", "1.5.0"]'
expect_json 'verdict("kodec")["needed"]' '1'
kodec 1.6.0 stable '' '"feature_parity", "performance"'
commit "1.6.0"
history_json
expect_json 'verdict("kodec")' "{\"left\": \"$c_left\", \"needed\": 0, \"passes\": true, \"regression\": [\"$c_regression\", \"feature_parity left gates_passed\"], \"since\": [\"1.4.0\", \"1.5.0\", \"1.6.0\"]}"
history_text
expect_contains "$OUT" "$(short "$c_regression") feature_parity left gates_passed"
# The case's own gate removed outright (not moved) is a regression of that case too.
kodec 1.6.0 stable '"performance:mp3"' '"feature_parity"' '"mp3"'
commit "mp3 only"
kodec 1.7.0 stable '' '"feature_parity"' '"mp3"'
commit "performance:mp3 removed"
c_mp3=$(rev)
history_json
expect_json 'verdict("kodec", "mp3")["regression"]' "[\"$c_mp3\", \"performance left gates_passed\"]"
expect_json 'verdict("kodec", "mp3")["since"]' '[]'
end_case

begin_case "d: back to experimental ends the streak; leaving again restarts it"
new_repo repo && cd repo
release 1.0.0 experimental
release 1.1.0
release 1.2.0
release 1.3.0
release 1.4.0
release 1.4.0 experimental
c_back=$(rev)
history_json
expect_json 'verdict("kodec")' "{\"left\": null, \"needed\": 3, \"passes\": false, \"regression\": [\"$c_back\", \"status back to experimental\"], \"since\": []}"
expect_json 'case("kodec")["status"]' '"experimental"'
history_text
expect_contains "$OUT" "status back to experimental"
expect_contains "$OUT" "  experimental"
release 1.5.0 experimental
release 1.5.0 stable
c_again=$(rev)
release 1.6.0
history_json
expect_json 'verdict("kodec")["left"]' "\"$c_again\""
expect_json 'verdict("kodec")["since"]' '["1.6.0"]'
expect_json 'verdict("kodec")["needed"]' '2'
expect_json 'case("kodec")["left_experimental"]["version"]' '"1.5.0"'
end_case

begin_case "e: a regression of another case leaves this case's verdict alone"
new_repo repo && cd repo
both='"feature_parity", "performance:mp3", "performance:mp4"'
kodec 1.0.0 experimental "$both" '"performance:hevc"' '"mp3", "mp4"'; commit "exp"
kodec 1.1.0 stable "$both" '"performance:hevc"' '"mp3", "mp4"'; commit "1.1.0"
kodec 1.2.0 stable "$both" '"performance:hevc"' '"mp3", "mp4"'; commit "1.2.0"
kodec 1.3.0 stable "$both" '"performance:hevc"' '"mp3", "mp4"'; commit "1.3.0"
kodec 1.3.0 stable '"feature_parity", "performance:mp3"' '"performance:hevc", "performance:mp4"' '"mp3", "mp4"'
commit "mp4 performance regressed"
c_mp4=$(rev)
kodec 1.4.0 stable '"feature_parity", "performance:mp3"' '"performance:hevc", "performance:mp4"' '"mp3", "mp4"'
commit "1.4.0"
history_json
expect_json '[c["case"] for c in comp("kodec")["cases"]]' '["mp3", "mp4", "hevc"]'
expect_json 'verdict("kodec", "mp3")["passes"]' 'true'
expect_json 'verdict("kodec", "mp3")["since"]' '["1.2.0", "1.3.0", "1.4.0"]'
expect_json 'verdict("kodec", "mp3")["regression"]' 'null'
expect_json 'verdict("kodec", "mp4")["passes"]' 'false'
expect_json 'verdict("kodec", "mp4")["since"]' '["1.4.0"]'
expect_json 'verdict("kodec", "mp4")["needed"]' '2'
expect_json 'verdict("kodec", "mp4")["regression"]' "[\"$c_mp4\", \"performance left gates_passed\"]"
expect_json 'case("kodec", "hevc")["status"]' '"experimental"'
expect_json 'verdict("kodec", "hevc")["left"]' 'null'
history_text
expect_contains "$OUT" "needs 2 more releases"
expect_contains "$OUT" "$(short "$c_mp4") performance left gates_passed"
end_case

begin_case "f: a moved module folder keeps its component and its releases"
new_repo repo && cd repo
module_manifest engines/a/koder.toml kodec 1.0.0 experimental '"feature_parity"' ''; commit "exp"
module_manifest engines/a/koder.toml kodec 1.1.0 stable '"feature_parity"' ''; commit "stable"
module_manifest engines/a/koder.toml kodec 1.2.0 stable '"feature_parity"' ''; commit "1.2.0"
git mv engines/a engines/b
commit "move a to b"
module_manifest engines/b/koder.toml kodec 1.3.0 stable '"feature_parity"' ''; commit "1.3.0"
history_json
expect_json 'len(d["components"])' '1'
expect_json 'comp("kodec")["path"]' '"engines/b/koder.toml"'
expect_json 'verdict("kodec")["since"]' '["1.2.0", "1.3.0"]'
expect_json 'verdict("kodec")["regression"]' 'null'
# Moved in two steps: deleted in one commit, re-created elsewhere later.
git rm -q -r engines/b
commit "kodec removed"
module_manifest engines/c/koder.toml kodec 1.4.0 stable '"feature_parity"' ''; commit "kodec back at c"
history_json
expect_json 'len(d["components"])' '1'
expect_json 'comp("kodec")["path"]' '"engines/c/koder.toml"'
expect_json 'verdict("kodec")["since"]' '["1.2.0", "1.3.0", "1.4.0"]'
expect_json 'verdict("kodec")["passes"]' 'true'
# MODULE by new folder, by name, with a trailing slash, by a parent folder.
for module in engines/c kodec engines/c/ engines ./engines/c; do
    history_json "$module"
    expect_json 'len(d["components"])' '1'
done
# A MODULE folder is relative to the current folder, as for --validate.
cd engines
history_json c
expect_json '[c["path"] for c in d["components"]]' '["engines/c/koder.toml"]'
history_json ../engines/c
expect_json 'len(d["components"])' '1'
expect_exit 2 koder-spec-audit self-hosted --history b
cd ..
end_case

begin_case "g: releases from a merged side branch count at the merge, once"
new_repo repo && cd repo
release 1.0.0 experimental
release 1.1.0
git checkout -q -b side
release 1.2.0
git tag kodec-v1.2.0
noise "side work"
git checkout -q main
noise "main work"
GIT_AUTHOR_DATE="$((BASE + DAY * 86400)) +0000" GIT_COMMITTER_DATE="$((BASE + DAY * 86400)) +0000" \
    git merge -q --no-ff -m "merge side" side
DAY=$((DAY + 1))
c_merge=$(rev)
# 1.3.0: a version bump on the branch, tagged again later: one release, at the bump.
release 1.3.0
c_130=$(rev)
noise "after 1.3.0"
git tag kodec-v1.3.0
# 1.4.0: a tag on a side-branch commit that changes no manifest, then the version bump.
git checkout -q -b side2
noise "side2 work"
git tag -a -m "kodec 1.4.0" kodec-v1.4.0
git checkout -q main
GIT_AUTHOR_DATE="$((BASE + DAY * 86400)) +0000" GIT_COMMITTER_DATE="$((BASE + DAY * 86400)) +0000" \
    git merge -q --no-ff -m "merge side2" side2
DAY=$((DAY + 1))
c_merge2=$(rev)
release 1.4.0
history_json
expect_json '[[r["version"], r["at"]["commit"], r["tag"], r["from_version_change"]] for r in comp("kodec")["releases"]]' \
    "[[\"1.1.0\", \"$(rev HEAD~6)\", null, true], [\"1.2.0\", \"$c_merge\", \"kodec-v1.2.0\", true], [\"1.3.0\", \"$c_130\", \"kodec-v1.3.0\", true], [\"1.4.0\", \"$c_merge2\", \"kodec-v1.4.0\", true]]"
expect_json 'verdict("kodec")["since"]' '["1.2.0", "1.3.0", "1.4.0"]'
expect_json 'verdict("kodec")["passes"]' 'true'
end_case

begin_case "h: release tags alone count; tags off the branch or of trees and blobs do not"
new_repo repo && cd repo
release 1.0.0 experimental
release 1.0.0 stable
c_left=$(rev)
noise a
git tag kodec-v1.1.0
noise b
git tag -a -m "1.2.0" kodec/v1.2.0
noise c
git tag -a -m "1.3.0" kodec-v1.3.0
c_tip=$(rev)
noise d
git tag kodec-v1.4.0          # later than the --rev below
git checkout -q -b unmerged
noise e
git tag kodec-v1.5.0          # never merged
git checkout -q main
git tag kodec-v5.0.0 "HEAD^{tree}"
git tag kodec-v5.1.0 "$(git rev-parse HEAD:engines/kodec/koder.toml)"
git tag -a -m tree kodec-v5.2.0 "HEAD^{tree}"
git tag kodec-vendor
git tag other-v1.0.0
git tag v1.0.0
history_json --rev "$c_tip"
expect_json 'verdict("kodec")["left"]' "\"$c_left\""
expect_json 'verdict("kodec")["since"]' '["1.1.0", "1.2.0", "1.3.0"]'
expect_json '[r["tag"] for r in comp("kodec")["releases"]]' '["kodec-v1.1.0", "kodec/v1.2.0", "kodec-v1.3.0"]'
expect_json '[r["from_version_change"] for r in comp("kodec")["releases"]]' '[false, false, false]'
expect_json 'verdict("kodec")["passes"]' 'true'
expect_empty "$ERR"
history_json
expect_json 'verdict("kodec")["since"]' '["1.1.0", "1.2.0", "1.3.0", "1.4.0"]'
end_case

begin_case "i: a shallow clone says so, and exits 0"
new_repo src && cd src
release 1.0.0 experimental
release 1.1.0
release 1.2.0
release 1.3.0
release 1.4.0
cd ..
git clone -q --depth 2 "file://$CASE_DIR/src" shallow
cd shallow
history_json
expect_json 'd["shallow"]' 'true'
expect_json 'd["commits"]' '2'
expect_json 'any("shallow" in n and "incomplete" in n for n in d["notes"])' 'true'
history_text
expect_contains "$OUT" "note: shallow clone"
expect_contains "$OUT" "may be incomplete"
# Once unshallowed, the verdict is complete (the cache of the shallow runs must not stay).
expect_exit 0 git fetch -q --unshallow
history_json
expect_json '[d["shallow"], d["commits"], d["from_cache"]]' '[false, 5, false]'
expect_json 'verdict("kodec")["passes"]' 'true'
history_json
expect_json '[d["shallow"], d["commits"], d["from_cache"], d["commits_read"]]' '[false, 5, true, 0]'
history_json --no-cache
expect_json 'd["shallow"]' 'false'
expect_json 'verdict("kodec")["passes"]' 'true'
end_case

begin_case "j: an invalid manifest version is listed with line and column, skipped, not fatal"
new_repo repo && cd repo
release 1.0.0 experimental
release 1.1.0
printf 'category = "engine"\n\n[package\nname = "kodec"\nversion = "9.9.9"\n' >engines/kodec/koder.toml
commit "broken"
c_bad=$(rev)
release 1.2.0
release 1.3.0
release 1.4.0
history_json
save bad.json
expect_json 'len(d["invalid_manifests"])' '1'
expect_json 'd["invalid_manifests"][0]["commit"]' "\"$c_bad\""
expect_json 'd["invalid_manifests"][0]["path"]' '"engines/kodec/koder.toml"'
expect_json '__import__("re").match(r"line 3, column \d+: ", d["invalid_manifests"][0]["problem"]) is not None' 'true'
expect_json 'verdict("kodec")["since"]' '["1.2.0", "1.3.0", "1.4.0"]'
expect_json '[r["version"] for r in comp("kodec")["releases"]]' '["1.1.0", "1.2.0", "1.3.0", "1.4.0"]'
expect_json 'verdict("kodec")["regression"]' 'null'
history_text
expect_contains "$OUT" "manifest versions that could not be used (skipped):"
expect_contains "$OUT" "$(short "$c_bad") engines/kodec/koder.toml: line 3, column"
# A NUL byte, an oversized version and a symlink are skipped the same way.
printf 'category = "engine"\0\n' >engines/kodec/koder.toml
commit "binary"
rm engines/kodec/koder.toml
ln -s ../../README.md engines/kodec/koder.toml
commit "symlink"
rm engines/kodec/koder.toml
release 1.5.0
history_json
expect_json 'len(d["invalid_manifests"])' '3'
expect_json 'd["invalid_manifests"][1]["problem"]' '"binary content (a NUL byte)"'
expect_json 'verdict("kodec")["since"]' '["1.2.0", "1.3.0", "1.4.0", "1.5.0"]'
history_json --max-manifest-bytes 100 --no-cache
expect_json 'any("over the 100-byte limit" in i["problem"] for i in d["invalid_manifests"])' 'true'
# Without --max-manifest-bytes, the limit is the [audit] value of .koder-spec-audit.toml.
printf '[audit]\nmax_manifest_bytes = 100\n' >.koder-spec-audit.toml
commit "a 100-byte limit"
history_json --no-cache
expect_json 'any("over the 100-byte limit" in i["problem"] for i in d["invalid_manifests"])' 'true'
history_json --no-cache --max-manifest-bytes 100000    # the command line wins
expect_json 'any("byte limit" in i["problem"] for i in d["invalid_manifests"])' 'false'
history_json --no-cache --rev HEAD~1                   # the file of the audited revision
expect_json 'any("byte limit" in i["problem"] for i in d["invalid_manifests"])' 'false'
printf '[audit]\nmax_manifest_bytes = "big"\n' >.koder-spec-audit.toml
commit "a malformed configuration"
expect_exit 2 koder-spec-audit self-hosted --history
expect_contains "$ERR" ".koder-spec-audit.toml"
end_case

begin_case "j2: a version nested a million levels deep is reported and skipped, never parsed"
new_repo repo && cd repo
release 1.0.0 experimental
release 1.1.0
python3 -c 'import sys; sys.stdout.write("category = \"engine\"\nx = " + "[" * 1000000 + "]" * 1000000 + "\n")' \
    >engines/kodec/koder.toml
commit "hostile"
release 1.2.0
release 1.3.0
release 1.4.0
history_json --max-manifest-bytes 3000000
expect_json '[i["problem"] for i in d["invalid_manifests"]]' '["line 2, column 69: nested more than 64 levels deep: not parsed"]'
expect_json 'verdict("kodec")["passes"]' 'true'
history_json --max-manifest-bytes 3000000 --max-nesting-depth 1024 --no-cache
expect_json '[i["problem"] for i in d["invalid_manifests"]]' '["line 2, column 1029: nested more than 1024 levels deep: not parsed"]'
end_case

begin_case "k: the cache: re-runs read only new commits, rewrites and corrupt files are not trusted"
new_repo repo && cd repo
release 1.0.0 experimental
release 1.1.0
release 1.2.0
noise n1
release 1.3.0
history_json
expect_json '[d["from_cache"], d["commits_read"], d["commits"]]' '[false, 5, 5]'
cache_dir="$(git rev-parse --git-common-dir)/koder-spec-audit/history"
expect_file "$cache_dir/$(rev)"
release 1.4.0
noise n2
history_json
save cached.json
expect_json '[d["from_cache"], d["commits_read"], d["commits"]]' '[true, 2, 7]'
# Two new commits are not worth rewriting the file (docs/history.md: fewer than 500).
[ ! -e "$cache_dir/$(rev)" ] || fail "a resumed run that read 2 commits rewrote the cache"
expect_json 'verdict("kodec")["since"]' '["1.2.0", "1.3.0", "1.4.0"]'
history_json --no-cache
same_verdicts "$OUT" "$CASE_DIR/cached.json"
expect_json '[d["from_cache"], d["commits_read"]]' '[false, 7]'
history_text
expect_contains "$OUT" "(7 commits; 2 read, the rest from the cache)"
# --no-cache writes nothing.
rm -rf -- "$cache_dir"
history_json --no-cache
[ ! -e "$cache_dir" ] || fail "--no-cache wrote $cache_dir"
history_json
expect_json '[d["from_cache"], d["commits_read"]]' '[false, 7]'
# An amended tip: the cached tip is gone from the chain; its parent's state is re-mined.
kodec 1.4.1 stable
GIT_AUTHOR_DATE="$((BASE + 40 * 86400)) +0000" GIT_COMMITTER_DATE="$((BASE + 40 * 86400)) +0000" \
    git commit -q -a --amend -m "n2 amended, 1.4.1"
history_json
save amended.json
history_json --no-cache
same_verdicts "$OUT" "$CASE_DIR/amended.json"
expect_json 'verdict("kodec")["since"]' '["1.2.0", "1.3.0", "1.4.0", "1.4.1"]'
# Rewritten further back: reset below every cached commit, then new commits.
git reset -q --hard HEAD~5
release 2.0.0
release 2.1.0
history_json
save reset.json
expect_json '[d["from_cache"], d["commits_read"], d["commits"]]' '[false, 4, 4]'
history_json --no-cache
same_verdicts "$OUT" "$CASE_DIR/reset.json"
expect_json 'verdict("kodec")["since"]' '["2.0.0", "2.1.0"]'
# A truncated, an empty and a garbage cache file: ignored, same verdicts, no crash.
for damage in truncate empty garbage bad-index; do
    file="$cache_dir/$(rev)"
    expect_file "$file"
    case $damage in
        truncate) head -c "$(($(wc -c <"$file") / 2))" "$file" >"$file.tmp" && mv "$file.tmp" "$file" ;;
        empty) : >"$file" ;;
        garbage) printf 'koder-spec-audit-history 1 :max_manifest_bytes=1048576\nzzz\0\377\n' >"$file" ;;
        # Whole and well-formed, but an invalid-manifest line names a commit the file lacks.
        bad-index) python3 - "$file" <<'EOF'
import sys
path = sys.argv[1]
lines = open(path, "rb").read().split(b"\n")[:-1]
end = lines.pop()
lines.append(b"i 999 :engines/kodec/koder.toml :bad")
lines.append(b"end %d" % (int(end.split()[1]) + 1))
open(path, "wb").write(b"\n".join(lines) + b"\n")
EOF
        ;;
    esac
    history_json
    expect_contains "$OUT" "is unusable; mining from the start"
    same_verdicts "$OUT" "$CASE_DIR/reset.json"
    expect_json '[d["from_cache"], d["commits_read"], "'$damage'"]' '[false, 4, "'$damage'"]'
done
# The cache lives in the common git folder, shared by linked work trees.
git worktree add -q ../linked HEAD
(cd ../linked && release 2.2.0)
rm -rf -- "$cache_dir"
(cd ../linked && history_json)
expect_file "$cache_dir/$(git -C ../linked rev-parse HEAD)"
# Only the eight newest files are kept: nine unrelated root commits, each mined cold.
for i in 1 2 3 4 5 6 7 8 9; do
    git checkout -q --orphan "orphan-$i"
    noise "root $i"
    history_json
    expect_json '[d["from_cache"], d["commits"]]' '[false, 1]'
done
kept=$(find "$cache_dir" -type f | wc -l)
[ "$kept" -le 8 ] || fail "expected at most 8 cache files, found $kept"
expect_file "$cache_dir/$(rev)"
end_case

begin_case "l: --since and --until windows; bad dates exit 2"
new_repo repo && cd repo
DAY=0
release 1.0.0 experimental                         # day 0 = 2026-01-01
release 1.1.0                                      # 2026-01-02
kodec 1.1.0 stable '' '"feature_parity"'; commit "regression"   # 2026-01-03
c_regression=$(rev)
kodec 1.2.0 stable '' '"feature_parity"'; commit "1.2.0"        # 2026-01-04
c_120=$(rev)
kodec 1.3.0 stable '' '"feature_parity"'; commit "1.3.0"        # 2026-01-05
kodec 1.4.0 stable '' '"feature_parity"'; commit "1.4.0"        # 2026-01-06
kodec 1.5.0 stable '' '"feature_parity"'; commit "1.5.0"        # 2026-01-07
history_json
expect_json 'verdict("kodec")["regression"][0]' "\"$c_regression\""
expect_json 'verdict("kodec")["since"]' '["1.2.0", "1.3.0", "1.4.0", "1.5.0"]'
history_json --since 2026-01-04
expect_json 'case("kodec")["left_experimental"]["before_window"]' 'true'
expect_json 'case("kodec")["left_experimental"]["commit"]' "\"$c_120\""
expect_json 'verdict("kodec")["regression"]' 'null'
expect_json 'verdict("kodec")["since"]' '["1.2.0", "1.3.0", "1.4.0", "1.5.0"]'
expect_json 'd["window"]["first"]["commit"]' "\"$c_120\""
expect_json 'd["window"]["first"]["date"]' '"2026-01-04"'
expect_json '[r["version"] for r in comp("kodec")["releases"]]' '["1.2.0", "1.3.0", "1.4.0", "1.5.0"]'
history_text --since 2026-01-04
expect_contains "$OUT" "(before the window)"
expect_contains "$OUT" "window: 2026-01-04 $(short "$c_120") .. 2026-01-07 $(short) (4 commits)"
history_json --until 2026-01-05
expect_json 'verdict("kodec")["since"]' '["1.2.0", "1.3.0"]'
expect_json 'verdict("kodec")["needed"]' '1'
history_json --until 2026-01-05T11:59:59Z
expect_json 'verdict("kodec")["since"]' '["1.2.0"]'
history_json --until 2026-01-05T13:00+02:00
expect_json 'verdict("kodec")["since"]' '["1.2.0"]'
history_json --until 2026-01-05T07:00-05:00
expect_json 'verdict("kodec")["since"]' '["1.2.0", "1.3.0"]'
history_json --since 2026-01-03T12:00:00Z --until 2026-01-06
expect_json 'verdict("kodec")["regression"][0]' "\"$c_regression\""
expect_json 'verdict("kodec")["since"]' '["1.2.0", "1.3.0", "1.4.0"]'
expect_json 'case("kodec")["left_experimental"]["before_window"]' 'true'
history_json --since 2030-01-01
expect_json 'd["window"]' 'null'
expect_json 'd["components"]' '[]'
history_text --until 2025-12-01
expect_contains "$OUT" "no commit of the history falls inside the --since/--until window"
for bad in 2026-13-01 yesterday 2026-1-1 2026-01-01T25:00 2026-01-01T10:00+0100 2026-01-01T10:00:00Q 2026-02-30; do
    expect_exit 2 koder-spec-audit self-hosted --history --since "$bad"
    expect_contains "$ERR" "--since '$bad' is not a date"
done
expect_exit 2 koder-spec-audit self-hosted --history --until 2026-01-0x
expect_contains "$ERR" "--until '2026-01-0x' is not a date"
end_case

begin_case "m: the declared stability gate is compared with the verdict"
new_repo repo && cd repo
release 1.0.0 experimental
kodec 1.1.0 stable '"feature_parity", "stability"' ''; commit "claims stability"
kodec 1.2.0 stable '"feature_parity", "stability"' ''; commit "1.2.0"
history_json
expect_json 'case("kodec")["stability_declared"]' '"passed"'
expect_json 'case("kodec")["disagreement"]' '"stability is in gates_passed but not earned"'
history_text
expect_contains "$OUT" "the declared stability gate disagrees:"
expect_contains "$OUT" "  kodec ((every case)), engines/kodec/koder.toml: stability is in gates_passed but not earned"
kodec 1.3.0 stable '"feature_parity", "stability"' ''; commit "1.3.0"
kodec 1.4.0 stable '"feature_parity", "stability"' ''; commit "1.4.0"
history_json
expect_json 'case("kodec")["disagreement"]' 'null'
expect_json 'verdict("kodec")["passes"]' 'true'
history_text
expect_not_contains "$OUT" "disagrees"
# Earned but still pending, per case. Withdrawing the claim is no regression (G3 does not
# depend on its own declaration), so the streak that earned it goes on.
kodec 1.4.0 stable '"feature_parity"' '"stability:mp3"' '"mp3", "mp4"'; commit "mp3 pending"
history_json
expect_json 'case("kodec", "mp3")["stability_declared"]' '"pending"'
expect_json 'case("kodec", "mp3")["last_regression"]' 'null'
expect_json 'case("kodec", "mp3")["disagreement"]' '"stability is earned but still in gates_pending"'
for v in 1.5.0 1.6.0 1.7.0; do
    kodec "$v" stable '"feature_parity"' '"stability:mp3"' '"mp3", "mp4"'; commit "$v"
done
history_json
expect_json 'case("kodec", "mp3")["disagreement"]' '"stability is earned but still in gates_pending"'
expect_json 'case("kodec", "mp4")["stability_declared"]' '"undeclared"'
expect_json 'case("kodec", "mp4")["disagreement"]' 'null'
history_text
expect_contains "$OUT" "  kodec (mp3), engines/kodec/koder.toml: stability is earned but still in gates_pending"
end_case

begin_case "n: error paths exit 2; a single commit is a report"
mkdir plain && cd plain
expect_exit 2 koder-spec-audit self-hosted --history
expect_contains "$ERR" "koder-spec-audit: error:"
cd .. && new_repo empty && cd empty
expect_exit 2 koder-spec-audit self-hosted --history
expect_contains "$ERR" "unknown revision 'HEAD'"
cd .. && new_repo repo && cd repo
kodec 1.0.0 stable
module_manifest engines/web/koder.toml web 2.0.0 experimental '' ''
commit "single"
history_json
expect_json 'sorted(c["name"] for c in d["components"])' '["kodec", "web"]'
expect_json 'comp("kodec")["releases"]' '[]'
expect_json 'verdict("kodec")["left"]' "\"$(rev)\""
expect_json 'verdict("kodec")["needed"]' '3'
expect_json 'verdict("web")["left"]' 'null'
history_text
expect_contains "$OUT" "(1 commit;"
expect_exit 2 koder-spec-audit self-hosted --history --rev nosuch
expect_contains "$ERR" "unknown revision 'nosuch'"
expect_exit 2 koder-spec-audit self-hosted --history --rev "HEAD^{tree}"
expect_exit 2 koder-spec-audit self-hosted --history engines/nosuch
expect_contains "$ERR" "no self-hosted component is named engines/nosuch"
expect_exit 2 koder-spec-audit self-hosted --history --format sarif
expect_exit 2 koder-spec-audit self-hosted --history --cached
# One MODULE naming nothing is an error even next to one that names something.
expect_exit 2 koder-spec-audit self-hosted --history kodec nosuch
expect_contains "$ERR" "no self-hosted component is named nosuch"
expect_not_contains "$ERR" "named kodec"
history_json kodec
expect_json '[c["name"] for c in d["components"]]' '["kodec"]'
# No self-hosted component at all: still a report.
cd .. && new_repo bare-history && cd bare-history
noise "just a readme"
history_text
expect_contains "$OUT" "no self-hosted component in this history"
end_case

begin_case "o: control characters in names, versions and paths never reach the terminal raw"
new_repo repo && cd repo
esc_dir="engines/$(printf 'x\033[2Jy')"
module_manifest engines/kodec/koder.toml 'kod\u001b[31mec\nX' '1.0.0\u001b]0;t\u0007' experimental '"feature_parity"' ''
commit "exp"
for v in 1.1.0 1.2.0; do
    module_manifest engines/kodec/koder.toml 'kod\u001b[31mec\nX' "$v\\u001b[1m" stable '"feature_parity", "stability"' ''
    commit "$v"
done
mkdir -p -- "$esc_dir"
printf '[package\n' >"$esc_dir/koder.toml"
commit "an invalid manifest at a hostile path"
history_text
expect_no_control_chars "$OUT"
expect_contains "$OUT" "kod"
expect_contains "$OUT" "manifest versions that could not be used"
expect_contains "$OUT" "stability is in gates_passed but not earned"
history_json
expect_no_control_chars "$OUT" c0
expect_json '[c["name"] for c in d["components"]]' '["kod\u001b[31mec\nX"]'
expect_exit 2 koder-spec-audit self-hosted --history "$(printf 'no\033[31msuch')"
expect_no_control_chars "$ERR"
end_case

begin_case "p: two manifests with one name: the first path in byte order holds"
new_repo repo && cd repo
module_manifest engines/b/koder.toml kodec 1.0.0 experimental '"feature_parity"' ''
commit "b experimental"
module_manifest engines/a/koder.toml kodec 1.1.0 stable '"feature_parity"' ''
commit "a stable"
c_a=$(rev)
module_manifest engines/a/koder.toml kodec 1.2.0 stable '"feature_parity"' ''
commit "a 1.2.0"
history_json
expect_json 'comp("kodec")["path"]' '"engines/a/koder.toml"'
expect_json 'verdict("kodec")["left"]' "\"$c_a\""
expect_json 'verdict("kodec")["since"]' '["1.2.0"]'
git rm -q engines/a/koder.toml
commit "a removed: b's declaration holds again"
history_json
expect_json 'case("kodec")["status"]' '"experimental"'
expect_json 'verdict("kodec")["regression"][1]' '"status back to experimental"'
end_case

begin_case "r: the same bytes at two paths: names from the path are each path's own"
new_repo repo && cd repo
fragment='[self_hosted]
replaces = ["nasm"]
status = "stable"
gates_passed = ["feature_parity"]
gates_pending = []'
write_file engines/kodec/self-hosted/koder_asm.toml "$fragment"
write_file engines/kodec/self-hosted/koder_vm.toml "$fragment"
module_manifest engines/x/koder.toml "" 1.0.0 stable '"feature_parity"' ''
sed -i '/^name = ""$/d' engines/x/koder.toml
commit "two identical nameless fragments, a nameless module"
c_first=$(rev)
git mv engines/x engines/y
commit "the nameless module moves: its name is its folder, so it is another component"
history_json
expect_json '[c["name"] for c in d["components"]]' '["asm", "vm", "engines/y"]'
expect_json 'case("engines/y")["left_experimental"]["commit"]' "\"$(rev)\""
# An oversized blob at two paths: each message names its own path.
history_json --no-cache --max-manifest-bytes 50
expect_json 'sorted(i["problem"].split(" ")[0] for i in d["invalid_manifests"] if i["commit"] == "'"$c_first"'")' \
    '["engines/kodec/self-hosted/koder_asm.toml", "engines/kodec/self-hosted/koder_vm.toml", "engines/x/koder.toml"]'
end_case

begin_case "q: a long history (fast-import) gives the same verdicts with 1 or 4 threads and from the cache"
new_repo repo && cd repo
python3 - >stream <<'EOF'
import sys
out = sys.stdout.buffer
def manifest(version, status, passed):
    return ('category = "engine"\n\n[package]\nname = "kodec"\nversion = "%s"\n\n[self_hosted]\n'
            'replaces = ["nginx"]\nstatus = "%s"\ngates_passed = [%s]\ngates_pending = []\n'
            % (version, status, passed)).encode()
mark = 0
for i in range(1200):
    mark += 1
    files = []
    if i % 97 == 0 or i == 600:
        status = "experimental" if i % 5 == 4 else "stable"
        passed = '"feature_parity"' if i % 7 != 3 else ''
        folder = "engines/kodec" if i < 600 else "engines/moved"
        if i == 600: files.append(b"D engines/kodec/koder.toml\n")
        data = manifest("1.%d.0" % i, status, passed)
        files.append(b"M 100644 inline " + folder.encode() + b"/koder.toml\ndata %d\n" % len(data) + data + b"\n")
    noise = b"%d\n" % i
    files.append(b"M 100644 inline src/f%d.txt\ndata %d\n" % (i % 50, len(noise)) + noise + b"\n")
    msg = b"c%d" % i
    out.write(b"commit refs/heads/main\nmark :%d\ncommitter T <t@e> %d +0000\ndata %d\n%s\n"
              % (mark, 1767225600 + i * 3600, len(msg), msg))
    if mark > 1: out.write(b"from :%d\n" % (mark - 1))
    out.write(b"".join(files))
EOF
git fast-import --quiet <stream
git reset -q --hard main
history_json --no-cache --jobs 1
save one.json
expect_json 'd["commits"]' '1200'
history_json --no-cache --jobs 4
same_verdicts "$OUT" "$CASE_DIR/one.json"
history_json --jobs 4 --rev HEAD~300
history_json --jobs 4
expect_json '[d["from_cache"], d["commits_read"]]' '[true, 300]'
same_verdicts "$OUT" "$CASE_DIR/one.json"
end_case

finish
