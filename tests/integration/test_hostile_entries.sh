#!/usr/bin/env bash
# Hostile things at a manifest path: a folder, a symlink, a submodule, a binary blob, a
# file over the size limit, a non-UTF-8 name, absurd nesting. Each is rejected through a
# real commit, by the hook run directly and by --rev over a commit holding it, with exit
# status exactly 1: never a crash (a signal, or 2 for "could not run").
. "$(dirname -- "$0")/lib.sh"

MIB=1048576

# A repository with the hook installed and a first commit (a README).
hooked_repo() {
    new_hooked_repo "$1"
    write_file README.md "# hostile"
    git add README.md
    commit_ok -m "readme"
}

# check_everywhere PATH TEXT...: the staged PATH is rejected with each TEXT in the report,
# by the hook run directly, by `git commit`, and (committed with --no-verify) by --rev.
check_everywhere() {
    target=$1
    shift
    expect_exit 1 koder-spec-audit hook pre-commit
    for text in "$@"; do expect_contains "$ERR" "$text"; done
    expect_no_control_chars "$ERR"
    commit_rejected -m "hostile $target"
    for text in "$@"; do expect_contains "$ERR" "$text"; done
    commit_ok --no-verify -m "hostile $target, bypassing"
    expect_exit 1 koder-spec-audit koder-toml --validate --rev HEAD
    for text in "$@"; do expect_contains "$OUT" "$text"; done
    expect_no_control_chars "$OUT"
    expect_exit 1 koder-spec-audit koder-toml --validate --rev HEAD --format json
    python3 -m json.tool "$OUT" >/dev/null || fail "--format json is not valid JSON"
    expect_exit 1 koder-spec-audit koder-toml --validate --cached
    for text in "$@"; do expect_contains "$OUT" "$text"; done
}

begin_case "a folder named koder.toml"
hooked_repo repo
write_file engines/a/koder.toml/notes.txt "not a manifest"
write_file engines/a/koder.toml/koder.toml "$(manifest_ok inner)"
git add -A
check_everywhere engines/a/koder.toml "engines/a/koder.toml: error[KSA015]" "directory"
expect_exit 1 koder-spec-audit koder-toml --validate
expect_contains "$OUT" "engines/a/koder.toml: error[KSA015]"
expect_exit 1 koder-spec-audit self-hosted --validate engines/a
expect_contains "$OUT" "engines/a/koder.toml: error[KSA015]"
expect_exit 1 koder-spec-audit self-hosted --validate --rev HEAD engines/a
expect_contains "$OUT" "engines/a/koder.toml: error[KSA015]"
end_case

begin_case "a symlink to /etc/passwd named koder.toml (and a symlinked fragment)"
hooked_repo repo
mkdir -p engines/a/self-hosted
ln -s /etc/passwd engines/a/koder.toml
ln -s ../../../README.md engines/a/self-hosted/koder_x.toml
git add -A
check_everywhere engines/a/koder.toml "engines/a/koder.toml: error[KSA015]" "symbolic link" \
    "engines/a/self-hosted/koder_x.toml: error[KSA015]"
expect_not_contains "$OUT" "KSA001"
expect_not_contains "$OUT" "root:"
expect_exit 1 koder-spec-audit koder-toml --validate
expect_contains "$OUT" "engines/a/koder.toml: error[KSA015]"
expect_not_contains "$OUT" "KSA001"
expect_not_contains "$OUT" "root:"
expect_exit 1 koder-spec-audit koder-toml --validate engines/a/koder.toml
expect_not_contains "$OUT" "root:"
end_case

begin_case "a manifest replaced by a symlink (type change)"
hooked_repo repo
write_file engines/a/koder.toml "$(manifest_ok a)"
write_file engines/a/real.toml "$(manifest_ok a)"
git add -A
commit_ok -m "a"
rm engines/a/koder.toml
ln -s real.toml engines/a/koder.toml
git add -A
check_everywhere engines/a/koder.toml "engines/a/koder.toml: error[KSA015]"
end_case

begin_case "a submodule (gitlink) named koder.toml"
hooked_repo repo
sha=$(git rev-parse HEAD)
git update-index --add --cacheinfo "160000,$sha,engines/a/koder.toml"
git update-index --add --cacheinfo "160000,$sha,engines/a/self-hosted/koder_sub.toml"
check_everywhere engines/a/koder.toml "engines/a/koder.toml: error[KSA015]" "submodule" \
    "engines/a/self-hosted/koder_sub.toml: error[KSA015]"
expect_exit 1 koder-spec-audit self-hosted --validate --rev HEAD engines/a
expect_contains "$OUT" "engines/a/koder.toml: error[KSA015]"
end_case

begin_case "a binary blob with NUL bytes"
hooked_repo repo
mkdir -p engines/a
printf 'category = "engine"\000\001\002\377binary\000\n' >engines/a/koder.toml
git add -A
check_everywhere engines/a/koder.toml "engines/a/koder.toml: error[KSA015]" "binary"
expect_exit 1 koder-spec-audit koder-toml --validate
expect_contains "$OUT" "engines/a/koder.toml: error[KSA015]"
expect_no_control_chars "$OUT"
end_case

begin_case "a 2 MiB manifest over the default 1 MiB limit is reported, not read"
hooked_repo repo
mkdir -p engines/a
{
    yes '# padding padding padding padding padding padding padding padding' | head -c $((2 * MIB - 100))
    printf '\ncategory = "bogus"\n'
} >engines/a/koder.toml
[ "$(wc -c <engines/a/koder.toml)" -gt $((2 * MIB - 100)) ] || fail "the big file is too small"
git add -A
check_everywhere engines/a/koder.toml "engines/a/koder.toml: error[KSA015]" "over the limit of $MIB bytes"
# Had it been read, the bogus category would show.
expect_not_contains "$OUT" "KSA002"
expect_exit 1 koder-spec-audit koder-toml --validate
expect_contains "$OUT" "error[KSA015]"
expect_not_contains "$OUT" "KSA002"
# A higher limit (option or configuration) reads it.
expect_exit 1 koder-spec-audit koder-toml --validate --max-manifest-bytes $((4 * MIB))
expect_contains "$OUT" "error[KSA002]"
expect_not_contains "$OUT" "KSA015"
expect_exit 1 koder-spec-audit koder-toml --validate --rev HEAD --max-manifest-bytes $((4 * MIB))
expect_contains "$OUT" "error[KSA002]"
printf '[audit]\nmax_manifest_bytes = %d\n' $((4 * MIB)) >.koder-spec-audit.toml
git add .koder-spec-audit.toml
expect_exit 1 koder-spec-audit koder-toml --validate --cached
expect_contains "$OUT" "error[KSA002]"
expect_exit 0 koder-spec-audit hook pre-commit   # only the configuration differs from HEAD
# And a lower one refuses small files.
write_file engines/b/koder.toml "$(manifest_ok b)"
expect_exit 0 koder-spec-audit koder-toml --validate engines/b
expect_exit 1 koder-spec-audit koder-toml --validate --max-manifest-bytes 10 engines/b
expect_contains "$OUT" "engines/b/koder.toml: error[KSA015]"
expect_contains "$OUT" "over the limit of 10 bytes"
end_case

begin_case "a non-UTF-8 module folder name with an invalid manifest"
hooked_repo repo
bad_dir=$(printf 'engines/caf\351')
mkdir -p "$bad_dir"
printf 'category = "engine\n' >"$bad_dir/koder.toml"
git add -A
check_everywhere "$bad_dir" 'engines/caf\xe9/koder.toml:1:' "error[KSA001]"
expect_exit 1 koder-spec-audit koder-toml --validate
expect_contains "$OUT" 'engines/caf\xe9/koder.toml:1:'
expect_no_control_chars "$OUT"
expect_exit 1 koder-spec-audit koder-toml --validate --format json
python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' "$OUT" \
    || fail "JSON with a non-UTF-8 path is not valid UTF-8 JSON"
expect_exit 1 koder-spec-audit koder-toml --validate --format sarif
python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' "$OUT" \
    || fail "SARIF with a non-UTF-8 path is not valid UTF-8 JSON"
expect_contains "$OUT" "engines/caf%E9/koder.toml"
expect_exit 1 koder-spec-audit self-hosted --validate "$bad_dir"
expect_exit 1 koder-spec-audit self-hosted --validate --rev HEAD "$bad_dir"
end_case

begin_case "absurd nesting, long lines and invalid UTF-8 text do not crash"
hooked_repo repo
mkdir -p engines/arrays engines/tables engines/long engines/latin1 engines/keys
{ printf 'category = "engine"\nx = '; head -c 200000 /dev/zero | tr '\0' '['; printf '\n'; } \
    >engines/arrays/koder.toml
{ printf 'category = "engine"\nx = '; yes '{a=' | head -n 50000 | tr -d '\n'; printf '\n'; } \
    >engines/tables/koder.toml
{ printf 'category = "engine"\n[self_hosted]\nreplaces = ["'; head -c 900000 /dev/zero | tr '\0' 'x'; printf '"]\nstatus = "bogus"\n'; } \
    >engines/long/koder.toml
printf 'category = "engine"\n# caf\351 in Latin-1\n' >engines/latin1/koder.toml
{ printf 'category = "engine"\n'; yes 'a.' | head -n 20000 | tr -d '\n'; printf 'b = 1\n'; } \
    >engines/keys/koder.toml
git add -A
expect_exit 1 koder-spec-audit hook pre-commit
expect_contains "$ERR" "engines/arrays/koder.toml:"
expect_contains "$ERR" "engines/tables/koder.toml:"
expect_contains "$ERR" "engines/latin1/koder.toml:2:"
expect_contains "$ERR" "engines/long/koder.toml:4:10: error[KSA005]"
expect_no_control_chars "$ERR"
commit_rejected -m "nesting"
commit_ok --no-verify -m "nesting, bypassing"
expect_exit 1 koder-spec-audit koder-toml --validate --rev HEAD
expect_contains "$OUT" "engines/arrays/koder.toml:"
expect_exit 1 koder-spec-audit koder-toml --validate
expect_contains "$OUT" "engines/tables/koder.toml:"
end_case

begin_case "all of them in one commit: the hook and --rev report the same"
hooked_repo repo
write_file engines/dir/koder.toml/x "x"
mkdir -p engines/link engines/bin engines/big "$(printf 'engines/caf\351')"
ln -s /etc/passwd engines/link/koder.toml
printf 'a\000b' >engines/bin/koder.toml
head -c $((MIB + 1)) /dev/zero | tr '\0' '#' >engines/big/koder.toml
printf 'category = "engine\n' >"$(printf 'engines/caf\351')/koder.toml"
write_file engines/good/koder.toml "$(manifest_ok good)"
git add -A
git update-index --add --cacheinfo "160000,$(git rev-parse HEAD),engines/sub/koder.toml"
expect_exit 1 koder-spec-audit hook pre-commit
grep -a 'error\[' "$ERR" | sort >"$TEST_IO/from-hook"
[ "$(wc -l <"$TEST_IO/from-hook")" = 6 ] || fail "expected 6 errors from the hook"
expect_contains "$ERR" "6 errors, 0 warnings in 2 manifests checked"
commit_rejected -m "everything"
commit_ok --no-verify -m "everything, bypassing"
expect_exit 1 koder-spec-audit koder-toml --validate --rev HEAD
grep -a 'error\[' "$OUT" | sort >"$TEST_IO/from-rev"
cmp -s "$TEST_IO/from-hook" "$TEST_IO/from-rev" || {
    diff "$TEST_IO/from-hook" "$TEST_IO/from-rev" >&2 || true
    fail "the hook and --rev disagree"
}
expect_contains "$OUT" "6 errors, 0 warnings in 2 manifests checked"
expect_exit 1 koder-spec-audit self-hosted --validate --rev HEAD
grep -a 'error\[' "$OUT" | sort >"$TEST_IO/from-modules"
cmp -s "$TEST_IO/from-hook" "$TEST_IO/from-modules" || fail "self-hosted --validate --rev disagrees"
end_case

begin_case "a FIFO or a device link named koder.toml in the working tree does not hang the audit"
new_repo repo
cd repo
mkdir -p engines/fifo engines/dev
mkfifo engines/fifo/koder.toml
ln -s /dev/zero engines/dev/koder.toml
expect_exit 1 timeout 20 koder-spec-audit koder-toml --validate
expect_contains "$OUT" "engines/fifo/koder.toml: error[KSA015]"
expect_contains "$OUT" "engines/dev/koder.toml: error[KSA015]"
expect_exit 1 timeout 20 koder-spec-audit koder-toml --validate engines/fifo/koder.toml
expect_contains "$OUT" "engines/fifo/koder.toml: error[KSA015]"
expect_exit 1 timeout 20 koder-spec-audit self-hosted --validate engines/fifo engines/dev
expect_contains "$OUT" "2 errors"
end_case

begin_case "a symlinked folder never leads the audit outside the repository"
mkdir elsewhere
write_file elsewhere/koder.toml 'category = "secret-outside"'
hooked_repo repo
ln -s ../elsewhere link
ln -s "$CASE_DIR/elsewhere" engines-abs
for args in "link/koder.toml" "link" "engines-abs/koder.toml" ""; do
    # shellcheck disable=SC2086 # args is one path or nothing
    expect_exit_in "0 1 2" koder-spec-audit koder-toml --validate $args
    expect_not_contains "$OUT" "secret-outside"
    expect_not_contains "$ERR" "secret-outside"
    [ -z "$args" ] || [ "$LAST_EXIT" != 0 ] || fail "'$args' (outside the repository) validated clean"
done
expect_exit_in "1 2" koder-spec-audit self-hosted --validate link
expect_not_contains "$OUT" "secret-outside"
git add -A
commit_ok -m "links"
expect_exit_in "1 2" koder-spec-audit koder-toml --validate --rev HEAD link/koder.toml
expect_not_contains "$OUT" "secret-outside"
expect_exit_in "1 2" koder-spec-audit self-hosted --validate --cached link
expect_not_contains "$OUT" "secret-outside"
end_case

begin_case "the nesting limit: default 64, --max-nesting-depth, the configuration file, the hook"
hooked_repo repo
mkdir -p engines/deep
# 3 levels: [self_hosted] (1) and x = [[1]] inside it (2, 3).
{ manifest_ok deep; printf 'extra = [[1]]\n'; } >engines/deep/koder.toml
expect_exit 0 koder-spec-audit koder-toml --validate --phase 4 --max-nesting-depth 3 engines/deep
expect_exit 1 koder-spec-audit koder-toml --validate --max-nesting-depth 2 engines/deep
expect_contains "$OUT" "engines/deep/koder.toml:12:10: error[KSA015]: nested more than 2 levels deep"
expect_exit 2 koder-spec-audit koder-toml --validate --max-nesting-depth 0 engines/deep
expect_exit 2 koder-spec-audit koder-toml --validate --max-nesting-depth 1025 engines/deep
printf '[audit]\nmax_nesting_depth = 2\n' >.koder-spec-audit.toml
expect_exit 1 koder-spec-audit koder-toml --validate engines/deep
expect_contains "$OUT" "error[KSA015]: nested more than 2 levels deep"
git add -A
commit_rejected -m "too deep for this repository"
expect_contains "$ERR" "engines/deep/koder.toml:12:10: error[KSA015]"
printf '[audit]\nmax_nesting_depth = 2000\n' >.koder-spec-audit.toml
git add -A
expect_exit 2 koder-spec-audit hook pre-commit
expect_contains "$ERR" ".koder-spec-audit.toml:2:21: \`audit.max_nesting_depth\` must be an integer from 1 to 1024"
# A configuration file nested past 64 levels is refused before it is parsed.
{ printf '[audit]\nphase = '; head -c 1000 /dev/zero | tr '\0' '['; printf '\n'; } >.koder-spec-audit.toml
git add -A
expect_exit 2 koder-spec-audit hook pre-commit
expect_contains "$ERR" ".koder-spec-audit.toml:2:72: nested more than 64 levels deep; not parsed"
end_case

finish
