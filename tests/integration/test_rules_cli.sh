#!/usr/bin/env bash
# Every rule rejecting through `koder-toml --validate` (and the main ones through a real
# commit), then the command line: module selection, --cached, --rev, paths, exit codes.
. "$(dirname -- "$0")/lib.sh"

# fixture CODE: writes files breaking rule CODE (and no other error) in the current folder.
# Sets FIXTURE_PHASE (the phase where it is an error), FIXTURE_AT (the expected
# "path:line:col: error[CODE]" prefix).
fixture() {
    FIXTURE_PHASE=4
    case $1 in
    KSA001)
        write_file engines/a/koder.toml "$(printf 'category = "engine"\n\n[package\nname = "a"')"
        FIXTURE_AT="engines/a/koder.toml:3:9: error[KSA001]" ;;
    KSA002)
        manifest_ok a | sed 's/^category = .*/category = "engin"/' >file.tmp
        write_file engines/a/koder.toml "$(cat file.tmp)"
        rm file.tmp
        FIXTURE_AT="engines/a/koder.toml:1:12: error[KSA002]" ;;
    KSA003)
        FIXTURE_PHASE=5
        write_file products/a/koder.toml "$(manifest_no_category a)"
        FIXTURE_AT="products/a/koder.toml:1:1: error[KSA003]" ;;
    KSA004)
        write_file engines/a/koder.toml "$(manifest_ok a | sed '/^replaces/d')"
        FIXTURE_AT="engines/a/koder.toml:7:1: error[KSA004]" ;;
    KSA005)
        write_file engines/a/koder.toml "$(manifest_bad_status a)"
        FIXTURE_AT="engines/a/koder.toml:9:10: error[KSA005]" ;;
    KSA006)
        write_file engines/a/koder.toml \
            "$(manifest_ok a | sed 's/^gates_pending = .*/gates_pending = ["performance", "feature_parity = FLOW-1"]/')"
        FIXTURE_AT="engines/a/koder.toml:11:33: error[KSA006]" ;;
    KSA007)
        write_file engines/a/koder.toml \
            "$(manifest_ok a | sed 's/^gates_passed = .*/gates_passed = ["feature_parity", "perfomance:http2"]/')"
        FIXTURE_AT="engines/a/koder.toml:10:35: error[KSA007]" ;;
    KSA008)
        FIXTURE_PHASE=5
        write_file engines/a/koder.toml \
            "$(manifest_ok a | sed 's/^gates_passed = .*/gates_passed = ["stability", "feature_parity", "stability"]/')"
        FIXTURE_AT="engines/a/koder.toml:10:48: error[KSA008]" ;;
    KSA009)
        write_file engines/a/koder.toml "$(manifest_ok a official)"
        FIXTURE_AT="engines/a/koder.toml:11:18: error[KSA009]" ;;
    KSA010)
        FIXTURE_PHASE=5
        write_file infra/a/koder.toml "$(printf 'category = "infra-tooling"\n\n[app]\nslug = "a"')"
        FIXTURE_AT="infra/a/koder.toml:1:12: error[KSA010]" ;;
    KSA011)
        FIXTURE_PHASE=5
        write_file libs/a/koder.toml "$(printf 'category = "runtime-lib"\n\n[package]\nname = "koder-a"')"
        FIXTURE_AT="libs/a/koder.toml:1:12: error[KSA011]" ;;
    KSA014)
        write_file infra/a/koder.toml \
            "$(printf 'category = "infra-tooling"\n\n[no_external_alternative]\nreason = "  "')"
        FIXTURE_AT="infra/a/koder.toml:4:10: error[KSA014]" ;;
    KSA015)
        write_file engines/a/koder.toml/notes.txt "a folder named like a manifest"
        FIXTURE_AT="engines/a/koder.toml: error[KSA015]" ;;
    KSA016)
        write_file engines/a/koder.toml "$(manifest_ok a)"
        write_file engines/a/self-hosted/koder_tls.toml "$(printf '[package]\nname = "tls"')"
        FIXTURE_AT="engines/a/self-hosted/koder_tls.toml:1:1: error[KSA016]" ;;
    KSA017)
        FIXTURE_PHASE=5
        write_file engines/a/koder.toml \
            "$(manifest_ok a | sed 's/^status = .*/&\nbenchmark_reff = "bench.md"/')"
        FIXTURE_AT="engines/a/koder.toml:10:1: error[KSA017]" ;;
    *) fail "no fixture for $1" ;;
    esac
}

# Rules whose cases are also committed through the hook.
COMMITTED_RULES=" KSA001 KSA002 KSA004 KSA006 KSA007 KSA009 KSA010 KSA011 "

for code in KSA001 KSA002 KSA003 KSA004 KSA005 KSA006 KSA007 KSA008 KSA009 KSA010 \
            KSA011 KSA014 KSA015 KSA016 KSA017; do
    begin_case "$code rejects through koder-toml --validate"
    new_repo repo
    cd repo
    fixture "$code"
    phase_option=""
    if [ "$FIXTURE_PHASE" = 5 ]; then
        # A warning in phase 4: reported, exit 0.
        expect_exit 0 koder-spec-audit koder-toml --validate
        expect_contains "$OUT" "$(printf '%s' "$FIXTURE_AT" | sed 's/error\[/warning[/')"
        phase_option="--phase 5"
    fi
    # shellcheck disable=SC2086 # phase_option is empty or two words
    expect_exit 1 koder-spec-audit koder-toml --validate $phase_option
    expect_contains "$OUT" "$FIXTURE_AT"
    expect_contains "$OUT" "koder-spec-audit: 1 error, 0 warnings"
    expect_empty "$ERR"
    # shellcheck disable=SC2086
    expect_exit 1 koder-spec-audit self-hosted --validate $phase_option
    expect_contains "$OUT" "$FIXTURE_AT"
    end_case

    case $COMMITTED_RULES in
    *" $code "*)
        begin_case "$code rejects a real commit"
        new_hooked_repo repo
        write_file README.md "# test"
        git add README.md
        commit_ok -m "readme"
        if [ "$FIXTURE_PHASE" = 5 ]; then
            write_file .koder-spec-audit.toml "$(printf '[audit]\nphase = 5')"
        fi
        fixture "$code"
        git add -A
        commit_rejected -m "$code"
        expect_contains "$ERR" "$FIXTURE_AT"
        end_case ;;
    esac
done

# variant CODE CONTENT: one more shape of a broken [self_hosted] block or declaration.
variant() {
    rm -rf engines
    write_file engines/a/koder.toml "$2"
    expect_exit 1 koder-spec-audit koder-toml --validate
    expect_contains "$OUT" "error[$1]"
    expect_not_contains "$OUT" "warning["
}

begin_case "more shapes of KSA004, KSA014 and KSA016"
new_repo repo
cd repo
base=$(printf 'category = "engine"\n[package]\nname = "a"\n')
variant KSA004 "$base$(printf '\n[self_hosted]\nreplaces = []\nstatus = "stable"\ngates_passed = []\ngates_pending = []')"
variant KSA004 "$base$(printf '\n[self_hosted]\nreplaces = ["nginx", ""]\nstatus = "stable"\ngates_passed = []\ngates_pending = []')"
variant KSA004 "$base$(printf '\n[self_hosted]\nreplaces = ["nginx"]\nstatus = 3\ngates_passed = []\ngates_pending = []')"
variant KSA004 "$base$(printf '\n[self_hosted]\nreplaces = ["nginx"]\nstatus = "stable"\ngates_passed = "stability"\ngates_pending = []')"
variant KSA004 "$base$(printf '\n[self_hosted]\nreplaces = ["nginx"]\nstatus = "stable"\ngates_passed = [1]\ngates_pending = []')"
variant KSA004 "$base$(printf '\n[self_hosted]\nreplaces = ["nginx"]\nstatus = "stable"\ngates_passed = []')"
variant KSA004 "$(printf 'category = "engine"\nself_hosted = "nginx"')"
variant KSA014 "$(printf 'category = "engine"\nno_external_alternative = true')"
variant KSA014 "$(printf 'category = "engine"\n[no_external_alternative]\nwhy = "internal"')"
variant KSA014 "$(manifest_ok a)$(printf '\n[no_external_alternative]\nreason = "internal"')"
rm -rf engines
write_file engines/a/koder.toml "$(manifest_ok a)"
write_file engines/a/self-hosted/koder_tls.toml "$(manifest_ok tls)"
expect_exit 1 koder-spec-audit koder-toml --validate
expect_contains "$OUT" "engines/a/self-hosted/koder_tls.toml:1:12: error[KSA016]"
# The declaration with a reason is accepted, even in phase 5.
rm -rf engines
write_file infra/lock/koder.toml "$(printf 'category = "infra-tooling"\n[app]\nslug = "koder-lock"\n[no_external_alternative]\nreason = "Koder-internal lock service"')"
expect_exit 0 koder-spec-audit koder-toml --validate --phase 5
expect_contains "$OUT" "no problems (phase 5)"
end_case

begin_case "did-you-mean hints for categories and gates"
new_repo repo
cd repo
fixture KSA002
expect_exit 1 koder-spec-audit koder-toml --validate
expect_contains "$OUT" 'did you mean `engine`?'
rm -r engines
fixture KSA007
expect_exit 1 koder-spec-audit koder-toml --validate
expect_contains "$OUT" '"perfomance:http2"'
expect_contains "$OUT" 'did you mean `performance`?'
end_case

# A small tree: engines/good (manifest + fragment + a nested module that is broken),
# engines/bad (broken).
module_tree() {
    new_repo repo
    cd repo
    write_file engines/good/koder.toml "$(manifest_ok good)"
    write_file engines/good/self-hosted/koder_tls.toml "$(manifest_ok tls | sed '/^category/d')"
    write_file engines/good/nested/koder.toml "$(manifest_bad_status nested)"
    write_file engines/bad/koder.toml "$(manifest_ok bad | sed 's/^category = .*/category = "engin"/')"
    write_file README.md "# tree"
}

begin_case "self-hosted --validate MODULE reads the module's koder.toml and fragments only"
module_tree
expect_exit 0 koder-spec-audit self-hosted --validate engines/good
expect_contains "$OUT" "2 manifests checked in the working tree, no problems"
expect_exit 0 koder-spec-audit self-hosted --validate engines/good/
expect_contains "$OUT" "2 manifests checked"
expect_exit 1 koder-spec-audit self-hosted --validate engines/good engines/bad
expect_contains "$OUT" "engines/bad/koder.toml:1:12: error[KSA002]"
expect_not_contains "$OUT" "engines/good/nested"
expect_contains "$OUT" "in 3 manifests checked"
expect_exit 1 koder-spec-audit self-hosted --validate engines/good/nested
expect_contains "$OUT" "engines/good/nested/koder.toml:9:10: error[KSA005]"
# koder-toml --validate PATH takes everything under the path, nested modules included.
expect_exit 1 koder-spec-audit koder-toml --validate engines/good
expect_contains "$OUT" "engines/good/nested/koder.toml:9:10: error[KSA005]"
expect_contains "$OUT" "in 3 manifests checked"
expect_exit 0 koder-spec-audit koder-toml --validate engines/good/koder.toml engines/good/self-hosted
expect_contains "$OUT" "2 manifests checked"
# Without arguments: the whole tree.
expect_exit 1 koder-spec-audit self-hosted --validate
expect_contains "$OUT" "2 errors, 0 warnings in 4 manifests checked"
# Paths are relative to the current folder, and -C changes it.
(cd engines && koder-spec-audit self-hosted --validate good) >"$OUT" 2>"$ERR" || fail "validating from a subfolder failed"
expect_contains "$OUT" "2 manifests checked"
expect_exit 1 koder-spec-audit -C engines/good koder-toml --validate nested
expect_contains "$OUT" "engines/good/nested/koder.toml:9:10: error[KSA005]"
(cd "$CASE_DIR" && koder-spec-audit -C repo self-hosted --validate engines/good) >"$OUT" 2>"$ERR" \
    || fail "-C repo failed"
end_case

begin_case "--cached reads the index and --rev a commit, not the working tree"
new_repo repo
cd repo
M=engines/a/koder.toml
write_file "$M" "$(manifest_ok a)"
git add "$M"
git commit -q -m "valid"                                                       # HEAD~1: valid
write_file "$M" "$(manifest_bad_status a)"
git commit -q -a -m "bad status"                                               # HEAD: KSA005
write_file "$M" "$(manifest_ok a | sed 's/^category = .*/category = "engin"/')"
git add "$M"                                                                   # index: KSA002
write_file "$M" "$(manifest_ok a | sed 's/^gates_passed = .*/gates_passed = ["nope"]/')" # disk: KSA007
expect_exit 1 koder-spec-audit koder-toml --validate
expect_contains "$OUT" "error[KSA007]"
expect_not_contains "$OUT" "KSA002"
expect_not_contains "$OUT" "KSA005"
expect_contains "$OUT" "checked in the working tree"
expect_exit 1 koder-spec-audit koder-toml --validate --cached
expect_contains "$OUT" "$M:1:12: error[KSA002]"
expect_not_contains "$OUT" "KSA007"
expect_not_contains "$OUT" "KSA005"
expect_contains "$OUT" "index"
expect_exit 1 koder-spec-audit self-hosted --validate --rev HEAD engines/a
expect_contains "$OUT" "$M:9:10: error[KSA005]"
expect_not_contains "$OUT" "KSA002"
expect_not_contains "$OUT" "KSA007"
expect_exit 0 koder-spec-audit koder-toml --validate --rev HEAD~1
expect_contains "$OUT" "1 manifest checked in the revision HEAD~1"
expect_exit 0 koder-spec-audit self-hosted --validate --rev HEAD~1 engines/a
expect_exit 0 koder-spec-audit koder-toml --validate --rev "$(git rev-parse HEAD~1)" "$M"
# A tree works as well as a commit.
expect_exit 1 koder-spec-audit koder-toml --validate --rev "HEAD^{tree}"
expect_contains "$OUT" "error[KSA005]"
# --cached and --rev exclude each other.
expect_exit 2 koder-spec-audit koder-toml --validate --cached --rev HEAD
# Once the file on disk is removed, the working tree has nothing at that path.
rm "$M"
expect_exit 2 koder-spec-audit koder-toml --validate "$M"
expect_exit 1 koder-spec-audit koder-toml --validate --cached "$M"
end_case

begin_case "exit 2: unknown revision, missing module, path outside the repository, usage"
module_tree
git add -A
git commit -q -m tree
expect_exit 2 koder-spec-audit koder-toml --validate --rev no-such-revision
expect_contains "$ERR" "no-such-revision"
expect_empty "$OUT"
expect_exit 2 koder-spec-audit self-hosted --validate --rev HEAD~5
expect_exit 2 koder-spec-audit self-hosted --validate engines/missing
expect_contains "$ERR" "engines/missing"
expect_exit 2 koder-spec-audit self-hosted --validate --rev HEAD engines/missing
expect_exit 2 koder-spec-audit self-hosted --validate engines/good engines/missing
expect_exit 2 koder-spec-audit koder-toml --validate no/such/path
expect_exit 2 koder-spec-audit koder-toml --validate ../x
expect_contains "$ERR" "outside the repository"
expect_exit 2 koder-spec-audit self-hosted --validate ../repo/engines/../../x
expect_exit 2 koder-spec-audit koder-toml --validate /etc
(cd engines/good; set +e; koder-spec-audit koder-toml --validate ../../..; echo "exit=$?") >"$OUT" 2>"$ERR"
expect_contains "$OUT" "exit=2"
# Usage errors.
expect_exit 2 koder-spec-audit self-hosted
expect_exit 2 koder-spec-audit koder-toml engines/good
expect_exit 2 koder-spec-audit
expect_exit 2 koder-spec-audit no-such-command
expect_exit 2 koder-spec-audit self-hosted --validate --format yaml
expect_exit 2 koder-spec-audit self-hosted --validate --color sometimes
expect_exit 2 koder-spec-audit self-hosted --validate --max-manifest-bytes 0
expect_exit 2 koder-spec-audit -C no-such-dir self-hosted --validate
expect_exit 2 koder-spec-audit hook
expect_exit 2 koder-spec-audit hook post-merge
# --help is not an error.
expect_exit 0 koder-spec-audit --help
expect_exit 0 koder-spec-audit rules
for code in KSA001 KSA002 KSA003 KSA004 KSA005 KSA006 KSA007 KSA008 KSA009 KSA010 \
            KSA011 KSA014 KSA015 KSA016 KSA017 KSA019 KSA020 KSA021 KSA022 KSA023 KSA024; do
    expect_contains "$OUT" "$code"
done
expect_contains "$OUT" "KSA011  anti-drift"
end_case

begin_case "outside any git repository: the working tree works, --cached and --rev give exit 2"
mkdir plain
cd plain
write_file engines/a/koder.toml "$(manifest_bad_status a)"
write_file engines/b/koder.toml "$(manifest_ok b)"
git rev-parse --git-dir >/dev/null 2>&1 && fail "the test folder is inside a git repository"
expect_exit 1 koder-spec-audit koder-toml --validate
expect_contains "$OUT" "engines/a/koder.toml:9:10: error[KSA005]"
expect_contains "$OUT" "in 2 manifests checked"
expect_exit 0 koder-spec-audit self-hosted --validate engines/b
expect_exit 2 koder-spec-audit koder-toml --validate --cached
expect_contains "$ERR" "not a git repository"
expect_exit 2 koder-spec-audit koder-toml --validate --rev HEAD
expect_exit 2 koder-spec-audit hook pre-commit
expect_contains "$ERR" "not a git repository"
expect_exit 2 koder-spec-audit koder-toml --validate ../x
end_case

finish
