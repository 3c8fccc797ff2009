#!/usr/bin/env bash
# The pre-push hook (hooks/pre-push): real pushes from a client with the hook installed to a
# bare repository. Every commit the push would send and the remote does not have (as known
# locally: its remote-tracking refs, and the remote's ids when this repository has them) is
# judged with the pre-receive engine and rules; a bad commit made with --no-verify is stopped
# before anything is sent.
. "$(dirname -- "$0")/lib.sh"

# hooked_client DIR: a client of $SERVER (a bare repository without any hook, so whatever is
# stopped was stopped by the client) with hooks/pre-push installed; enters DIR.
hooked_client() {
    new_client "$1"
    mkdir -p .git/hooks
    ln -s -- "$KSA_SOURCE_DIR/hooks/pre-push" .git/hooks/pre-push
}

# A bare server without hooks, and a hooked client whose main (a README) is on it.
plain_server_and_client() {
    git init -q --bare -- server.git
    SERVER=$(cd -- server.git && pwd -P)
    hooked_client client
    commit_file README.md "# test" "readme"
    push_ok origin main
}

# push_stopped ARGS...: `git push ARGS` fails because the pre-push hook stopped it.
push_stopped() {
    expect_exit nonzero git push "$@"
    expect_contains "$ERR" "koder-spec-audit: push stopped before sending"
    expect_contains "$ERR" "git push --no-verify"
    expect_contains "$ERR" "error: failed to push some refs"
}

begin_case "a bad commit made with --no-verify is stopped before it is sent"
plain_server_and_client
write_file engines/web/koder.toml "$(manifest_bad_status koder-web)"
git add engines/web/koder.toml
git commit -q --no-verify -m "typo"
bad=$(rev)
push_stopped origin main
expect_contains "$ERR" "refs/heads/main, commit $(short) \"typo\":"
expect_contains "$ERR" "engines/web/koder.toml:9:10: error[KSA005]"
expect_contains "$ERR" "in the push to origin (1 new commit on 1 ref)"
expect_server_ref refs/heads/main "$(rev HEAD~1)"
# git push --no-verify skips the hook, as with every hook.
push_ok --no-verify origin main
expect_server_ref refs/heads/main "$bad"
end_case

begin_case "a clean commit goes with a one-line summary; a push touching no manifest says nothing"
plain_server_and_client
write_file engines/web/koder.toml "$(manifest_ok koder-web)"
git add engines/web/koder.toml
git commit -q -m "web"
push_ok origin main
expect_contains "$ERR" "koder-spec-audit: 1 manifest checked in the push to origin (1 new commit on 1 ref), no problems"
expect_server_ref refs/heads/main "$(rev)"
commit_file docs/a.md "a" "docs"
push_ok origin main
expect_not_contains "$ERR" "koder-spec-audit"
expect_server_ref refs/heads/main "$(rev)"
end_case

begin_case "only what the remote does not have is judged: a bad commit it already has is not"
plain_server_and_client
write_file engines/web/koder.toml "$(manifest_bad_status koder-web)"
git add engines/web/koder.toml
git commit -q --no-verify -m "typo"
push_ok --no-verify origin main
commit_file docs/notes.md "notes" "notes"
push_ok origin main
expect_not_contains "$ERR" "KSA005"
expect_server_ref refs/heads/main "$(rev)"
end_case

begin_case "a fix on top of a bad commit: the end state is judged, the bad commit still stops the push"
plain_server_and_client
write_file engines/web/koder.toml "$(manifest_bad_status koder-web)"
git add engines/web/koder.toml
git commit -q --no-verify -m "typo"
write_file engines/web/koder.toml "$(manifest_ok koder-web)"
git commit -q -am "fix"
# The server judges every new commit, so the typo in the first one is refused there too.
push_stopped origin main
expect_contains "$ERR" "commit $(short HEAD~1) \"typo\":"
end_case

begin_case "a new branch is judged against what the remote's refs already hold"
plain_server_and_client
commit_file engines/web/koder.toml "$(manifest_ok koder-web)" "web"
push_ok origin main
git checkout -q -b feature
commit_file docs/a.md "a" "docs"
# One new commit: main's commits are on the remote already (refs/remotes/origin/main).
expect_exit 0 git push origin feature
expect_server_ref refs/heads/feature "$(rev)"
git checkout -q -b feature-bad
write_file engines/web/koder.toml "$(manifest_bad_status koder-web)"
git commit -q --no-verify -am "typo"
push_stopped origin feature-bad
expect_contains "$ERR" "in the push to origin (1 new commit on 1 ref)"
expect_contains "$ERR" "refs/heads/feature-bad, commit $(short) \"typo\":"
expect_server_ref refs/heads/feature-bad ""
end_case

begin_case "a deletion pushes nothing and is never stopped"
plain_server_and_client
git checkout -q -b doomed
write_file engines/web/koder.toml "$(manifest_bad_status koder-web)"
git add engines/web/koder.toml
git commit -q --no-verify -m "typo"
push_ok --no-verify origin doomed
expect_server_ref refs/heads/doomed "$(rev)"
push_ok origin --delete doomed
expect_not_contains "$ERR" "koder-spec-audit"
expect_server_ref refs/heads/doomed ""
end_case

begin_case "several refs in one push: each is judged, a commit shared by two is reported once"
plain_server_and_client
git checkout -q -b one
write_file engines/web/koder.toml "$(manifest_bad_status koder-web)"
git add engines/web/koder.toml
git commit -q --no-verify -m "typo"
git branch two
push_stopped origin one two
expect_count "$ERR" "error[KSA005]" 1
expect_server_ref refs/heads/one ""
expect_server_ref refs/heads/two ""
end_case

begin_case "the remote-tracking refs are the remote's: another remote's do not count as pushed"
plain_server_and_client
first_server=$SERVER
write_file engines/web/koder.toml "$(manifest_bad_status koder-web)"
git add engines/web/koder.toml
git commit -q --no-verify -m "typo"
push_ok --no-verify origin main
git init -q --bare -- ../other.git
git remote add other "file://$(cd ../other.git && pwd -P)"
# origin has the bad commit; other does not: pushing there sends it, so it is judged.
push_stopped other main
expect_contains "$ERR" "in the push to other (2 new commits on 1 ref)"
SERVER=$first_server
end_case

begin_case "a remote that moved ahead (not fetched): judged like a new branch, against what is known"
plain_server_and_client
git clone -q "file://$SERVER" ../other-client
(cd ../other-client && commit_file docs/b.md "b" "b" && git push -q origin main)
write_file engines/web/koder.toml "$(manifest_bad_status koder-web)"
git add engines/web/koder.toml
git commit -q --no-verify -m "typo"
# A forced push sends the typo; the remote's new id is unknown here.
push_stopped --force origin main
expect_contains "$ERR" "which this repository does not"
expect_contains "$ERR" "error[KSA005]"
end_case

begin_case "the configuration is the repository's file, as the pre-commit hook reads it"
plain_server_and_client
write_file .koder-spec-audit.toml '[audit]
phase = 5'
git add .koder-spec-audit.toml
git commit -q -m "phase 5"
push_ok origin main
# A missing category is a warning in phase 4 and an error in phase 5.
write_file engines/web/koder.toml "$(manifest_no_category koder-web)"
git add engines/web/koder.toml
git commit -q --no-verify -m "no category"
push_stopped origin main
expect_contains "$ERR" "error[KSA003]"
expect_contains "$ERR" "(phase 5)"
# The command line wins over the file.
expect_exit 0 "$KSA_BIN" hook pre-push origin --from-ref origin/main --to-ref main --phase 4
expect_contains "$ERR" "warning[KSA003]"
end_case

begin_case "bad stdin and a bad configuration stop the push with the reason (exit 2)"
plain_server_and_client
printf 'refs/heads/main nothex refs/heads/main 0000\n' >lines
expect_exit 2 "$KSA_BIN" hook pre-push origin "file://$SERVER" <lines
expect_contains "$ERR" "stdin line 1: an id is not 40 or 64 lower-case hex digits"
expect_contains "$ERR" "push stopped"
write_file .koder-spec-audit.toml '[audit]
phase = 7'
git add .koder-spec-audit.toml
git commit -q --no-verify -m "bad config"
expect_exit nonzero git push origin main
expect_contains "$ERR" "bad configuration"
expect_contains "$ERR" ".koder-spec-audit.toml"
end_case

begin_case "a range by hand: --from-ref and --to-ref, --format json"
plain_server_and_client
write_file engines/web/koder.toml "$(manifest_bad_status koder-web)"
git add engines/web/koder.toml
git commit -q --no-verify -m "typo"
expect_exit 1 "$KSA_BIN" hook pre-push origin --from-ref origin/main --to-ref main --remote-ref refs/heads/main \
    --format json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["errors"]==1, d; assert d["diagnostics"][0]["rule"]=="KSA005"' "$ERR"
expect_exit 0 "$KSA_BIN" hook pre-push origin --from-ref main --to-ref main
expect_exit 2 "$KSA_BIN" hook pre-push origin --from-ref main
expect_contains "$ERR" "--from-ref works only together with --to-ref"
expect_exit 2 "$KSA_BIN" hook pre-push origin --to-ref no-such-branch
expect_contains "$ERR" "no-such-branch"
end_case

finish
