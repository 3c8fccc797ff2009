#!/usr/bin/env bash
# The server-side pre-receive hook (hooks/pre-receive, a symlink to the mode-picking hook
# script) in a real bare repository, driven by real `git push`es over file://: every new
# commit checked from git's quarantine, branches, tags, force pushes, deletions, merges,
# server configuration (phase, limits, overrides, format) and hostile input fed to
# `koder-spec-audit hook pre-receive` directly.
. "$(dirname -- "$0")/lib.sh"

ZERO=0000000000000000000000000000000000000000
ZERO64=0000000000000000000000000000000000000000000000000000000000000000

# --- helpers -------------------------------------------------------------------------


expect_server_lacks_object() {
    if git -C "$SERVER" cat-file -e "$1" 2>/dev/null; then
        fail "the server holds object $1 from a rejected push"
    fi
}

# server_fetch REFSPEC...: brings the client's objects (and REFSPEC's refs) into the server
# without running any hook, as an administrator would, or as history from before the hook.
server_fetch() {
    git -C "$SERVER" fetch -q "$CASE_DIR/client" "$@"
}

# run_hook: `koder-spec-audit hook pre-receive` as git runs it, in the server, stdin as given.
run_hook() {
    GIT_DIR=$SERVER koder-spec-audit hook pre-receive "$@"
}

# --- accept, reject, quarantine ------------------------------------------------------

begin_case "a clean push creating a branch is accepted"
new_server server.git
new_client client
commit_file engines/web/koder.toml "$(manifest_ok koder-web)" "add koder-web"
push_ok origin main
expect_contains "$ERR" "remote: koder-spec-audit: 1 manifest checked in the push (1 new commit on 1 ref), no problems (phase 4)"
expect_not_contains "$ERR" "error["
expect_server_ref refs/heads/main "$(rev)"
end_case

begin_case "a bad manifest is rejected with ref, commit, subject, location, rule and help"
server_and_client
before=$(rev)
commit_file engines/web/koder.toml "$(manifest_bad_status koder-web)" "add koder-web"
bad=$(rev)
push_rejected origin main
expect_contains "$ERR" "remote: refs/heads/main, commit $(short) \"add koder-web\":"
expect_contains "$ERR" 'remote: engines/web/koder.toml:9:10: error[KSA005]: `status = "stabel"` is not a known status'
expect_contains "$ERR" 'remote:  9 | status = "stabel"'
expect_contains "$ERR" "^~~~~~~~"
expect_contains "$ERR" 'help: did you mean `stable`?'
expect_contains "$ERR" "remote: koder-spec-audit: 1 error, 0 warnings in 1 manifest checked in the push (1 new commit on 1 ref) (phase 4)"
expect_contains "$ERR" "remote: koder-spec-audit: push rejected: fix the manifests named above"
expect_contains "$ERR" "! [remote rejected] main -> main (pre-receive hook declined)"
# The heading comes before the diagnostic, the summary after it.
heading=$(grep -n 'commit .* "add koder-web":' "$ERR" | head -n1 | cut -d: -f1)
finding=$(grep -n 'error\[KSA005\]' "$ERR" | head -n1 | cut -d: -f1)
summary=$(grep -n 'koder-spec-audit: 1 error' "$ERR" | head -n1 | cut -d: -f1)
if [ "$heading" -ge "$finding" ] || [ "$finding" -ge "$summary" ]; then
    fail "heading, finding and summary are out of order"
fi
expect_server_ref refs/heads/main "$before"
expect_server_lacks_object "$bad"
# The hook exits 1 for findings (2 is for "could not run"): run it as git would.
server_fetch "$bad"
printf '%s %s refs/heads/main\n' "$before" "$bad" >updates
expect_exit 1 run_hook <updates
expect_contains "$ERR" "error[KSA005]"
expect_empty "$OUT"
end_case

begin_case "quarantine: the hook reads the pushed objects, which never reach the repository"
server_and_client
commit_file engines/web/koder.toml "$(manifest_ok koder-web | sed 's/stable/quarantined-value/')" "quarantined"
bad=$(rev)
blob=$(git rev-parse HEAD:engines/web/koder.toml)
tree=$(git rev-parse 'HEAD^{tree}')
push_rejected origin main
# The value exists only in the pushed blob: the hook read it from the quarantine.
expect_contains "$ERR" 'remote:  9 | status = "quarantined-value"'
for object in "$bad" "$blob" "$tree"; do
    expect_server_lacks_object "$object"
done
# No quarantine folder is left behind either.
leftovers=$(find "$SERVER/objects" -maxdepth 1 -name 'incoming-*' | wc -l)
[ "$leftovers" -eq 0 ] || fail "a quarantine folder is left in $SERVER/objects"
# The same push, fixed, is accepted and its objects then exist.
commit_file engines/web/koder.toml "$(manifest_ok koder-web)" "fixed"
git reset -q --soft HEAD~2
git commit -q -m "add koder-web"
push_ok origin main
git -C "$SERVER" cat-file -e "$(rev)" || fail "the accepted commit is missing on the server"
end_case

begin_case "a repository borrowing objects through alternates (a fork of a pool)"
new_server pool.git
new_client client
commit_file engines/web/koder.toml "$(manifest_ok koder-web)" "web"
push_ok origin main
base=$(rev)
cd ..
# The fork holds none of the pool's objects, only a pointer to them.
new_server fork.git
echo "$CASE_DIR/pool.git/objects" >fork.git/objects/info/alternates
git -C fork.git update-ref refs/heads/main "$base"
own=$(git -C fork.git count-objects -v | awk '$1 == "count:" || $1 == "in-pack:" { n += $2 } END { print n }')
[ "$own" = 0 ] || fail "the fork holds $own object(s) of its own"
cd client
git remote set-url origin "file://$SERVER"
commit_file engines/web/koder.toml "$(manifest_bad_status koder-web)" "web, broken"
push_rejected origin main
expect_contains "$ERR" "remote: refs/heads/main, commit $(short) \"web, broken\":"
expect_contains "$ERR" "engines/web/koder.toml:9:10: error[KSA005]"
git reset -q --hard "$base"
commit_file engines/web/koder.toml "$(manifest_ok koder-web | sed 's/nginx/caddy/')" "web, caddy"
push_ok origin main
expect_contains "$ERR" "1 manifest checked in the push (1 new commit on 1 ref), no problems"
end_case

begin_case "every new commit is checked, not only the tip"
server_and_client
commit_file engines/web/koder.toml "$(manifest_bad_status koder-web)" "bad status"
bad_short=$(short)
commit_file engines/web/koder.toml "$(manifest_ok koder-web)" "fix status"
fixed_short=$(short)
push_rejected origin main
expect_contains "$ERR" "remote: refs/heads/main, commit $bad_short \"bad status\":"
expect_not_contains "$ERR" "$fixed_short"
expect_count "$ERR" "error[KSA005]" 1
expect_contains "$ERR" "1 error, 0 warnings in 2 manifests checked in the push (2 new commits on 1 ref)"
end_case

begin_case "a push that touches no manifest prints nothing"
server_and_client
# A bad manifest already on the server (from before the hook) does not matter.
commit_file engines/old/koder.toml "$(manifest_bad_status old)" "old, invalid"
server_fetch main:main
for i in 1 2 3; do
    commit_file "docs/notes-$i.md" "notes $i" "notes $i"
done
write_file engines/web/koder.toml.orig 'status = "not toml'
write_file engines/web/self-hosted/README.md "fragments go here"
git add -A
git commit -q -m "look-alikes"
push_ok origin main
expect_hook_silent
expect_server_ref refs/heads/main "$(rev)"
end_case

# --- kinds of ref update -------------------------------------------------------------

begin_case "fast-forward, force push (bad rejected, good accepted), rewind"
server_and_client
base=$(rev)
commit_file engines/web/koder.toml "$(manifest_ok koder-web)" "web"
push_ok origin main
expect_contains "$ERR" "(1 new commit on 1 ref), no problems"
accepted=$(rev)
# Rewrite main with a bad commit: the push is forced, the commit is new, it is checked.
git reset -q --hard "$base"
commit_file engines/web/koder.toml "$(manifest_bad_status koder-web)" "web, rewritten"
push_rejected --force origin main
expect_contains "$ERR" "refs/heads/main, commit $(short) \"web, rewritten\":"
expect_contains "$ERR" "! [remote rejected] main -> main (pre-receive hook declined)"
expect_server_ref refs/heads/main "$accepted"
# Rewrite it with a good one.
git reset -q --hard "$base"
commit_file engines/web/koder.toml "$(manifest_ok koder-web)" "web, again"
push_ok --force origin main
expect_contains "$ERR" "(1 new commit on 1 ref), no problems"
expect_server_ref refs/heads/main "$(rev)"
# Rewinding to an older commit brings nothing new: nothing to say.
git reset -q --hard "$base"
push_ok --force origin main
expect_hook_silent
expect_server_ref refs/heads/main "$base"
end_case

begin_case "a branch deletion is accepted without checks"
server_and_client
git checkout -q -b side
commit_file engines/side/koder.toml "$(manifest_bad_status side)" "bad side"
# On the server from before the hook (fetched, no hook ran).
server_fetch side:side
expect_server_ref refs/heads/side "$(rev)"
push_ok origin --delete side
expect_hook_silent
expect_contains "$ERR" "[deleted]"
expect_server_ref refs/heads/side ""
end_case

begin_case "tags: a tag to a new bad commit is rejected, a tag to an accepted commit costs nothing"
server_and_client
accepted=$(rev)
git checkout -q --detach
commit_file engines/web/koder.toml "$(manifest_bad_status koder-web)" "tagged only"
bad=$(rev)
git tag light "$bad"
git tag -a -m "annotated release" annotated "$bad"
git checkout -q main
push_rejected origin refs/tags/light
expect_contains "$ERR" "remote: refs/tags/light, commit ${bad:0:10} \"tagged only\":"
expect_contains "$ERR" "engines/web/koder.toml:9:10: error[KSA005]"
expect_server_ref refs/tags/light ""
push_rejected origin refs/tags/annotated
expect_contains "$ERR" "remote: refs/tags/annotated, commit ${bad:0:10} \"tagged only\":"
expect_server_ref refs/tags/annotated ""
expect_server_lacks_object "$bad"
expect_server_lacks_object "$(git rev-parse annotated)"
# Tags naming an already accepted commit: nothing new to check, nothing printed.
git tag v1 "$accepted"
git tag -a -m "release 1" v1-annotated "$accepted"
push_ok origin refs/tags/v1 refs/tags/v1-annotated
expect_hook_silent
expect_server_ref refs/tags/v1 "$accepted"
expect_server_ref refs/tags/v1-annotated "$(git rev-parse v1-annotated)"
end_case

begin_case "a tag naming a tree has its manifests checked; a tag naming a blob is judged when it reads as a manifest"
server_and_client
commit_file engines/web/koder.toml "$(manifest_bad_status koder-web)" "web"
tree=$(git rev-parse 'HEAD^{tree}')
push_rejected origin "$tree:refs/tags/a-tree"
expect_contains "$ERR" "remote: refs/tags/a-tree (tree ${tree:0:10}):"
expect_contains "$ERR" "engines/web/koder.toml:9:10: error[KSA005]"
expect_server_ref refs/tags/a-tree ""
push_rejected origin "$(git rev-parse HEAD:engines/web/koder.toml):refs/tags/a-blob"
expect_contains "$ERR" "remote: refs/tags/a-blob (blob $(git rev-parse HEAD:engines/web/koder.toml | cut -c1-10)):"
expect_contains "$ERR" "koder.toml:9:10: error[KSA005]"
expect_server_ref refs/tags/a-blob ""
printf 'just some notes\n' >notes.txt
git add notes.txt
git commit -q -m notes
push_ok origin "$(git rev-parse HEAD:notes.txt):refs/tags/a-note"
expect_hook_silent
end_case

begin_case "several refs in one push: one bad ref rejects them all (plain and --atomic)"
server_and_client
git checkout -q -b good main
commit_file engines/good/koder.toml "$(manifest_ok good)" "good"
git checkout -q -b bad main
commit_file engines/bad/koder.toml "$(manifest_bad_status bad)" "bad"
git checkout -q main
push_rejected origin good bad
expect_contains "$ERR" "remote: refs/heads/bad, commit $(short bad) \"bad\":"
expect_contains "$ERR" "(2 new commits on 2 refs)"
expect_contains "$ERR" "! [remote rejected] good -> good (pre-receive hook declined)"
expect_contains "$ERR" "! [remote rejected] bad -> bad (pre-receive hook declined)"
expect_server_ref refs/heads/good ""
expect_server_ref refs/heads/bad ""
push_rejected --atomic origin good bad
expect_contains "$ERR" "! [remote rejected] good -> good (pre-receive hook declined)"
expect_contains "$ERR" "! [remote rejected] bad -> bad (pre-receive hook declined)"
expect_server_ref refs/heads/good ""
expect_server_ref refs/heads/bad ""
# A bad commit reachable from two pushed refs is reported once.
git branch bad-too bad
push_rejected origin bad bad-too
expect_count "$ERR" "error[KSA005]" 1
expect_contains "$ERR" "(1 new commit on 2 refs)"
# Alone, the good ref goes through.
push_ok origin good
expect_server_ref refs/heads/good "$(rev good)"
end_case

begin_case "a new root commit (orphan branch) is checked against the empty tree"
server_and_client
git checkout -q --orphan pages
git rm -q -r --cached .
rm -f README.md
commit_file engines/site/koder.toml "$(manifest_ok site | sed 's/^category = "engine"/category = "engin"/')" "orphan root"
push_rejected origin pages
expect_contains "$ERR" "remote: refs/heads/pages, commit $(short) \"orphan root\":"
expect_contains "$ERR" "engines/site/koder.toml:1:12: error[KSA002]"
expect_server_ref refs/heads/pages ""
write_file engines/site/koder.toml "$(manifest_ok site)"
git add -A
git commit -q --amend -m "orphan root, fixed"
push_ok origin pages
expect_contains "$ERR" "1 manifest checked in the push (1 new commit on 1 ref), no problems"
expect_server_ref refs/heads/pages "$(rev)"
end_case

begin_case "refs/for/main (AGit-style) and a ref named -x are checked like branches"
server_and_client
commit_file engines/web/koder.toml "$(manifest_bad_status koder-web)" "for review"
push_rejected origin HEAD:refs/for/main
expect_contains "$ERR" "remote: refs/for/main, commit $(short) \"for review\":"
expect_contains "$ERR" "error[KSA005]"
expect_server_ref refs/for/main ""
push_rejected origin HEAD:refs/heads/-x
expect_contains "$ERR" "remote: refs/heads/-x, commit $(short) \"for review\":"
write_file engines/web/koder.toml "$(manifest_ok koder-web)"
git add -A
git commit -q --amend -m "for review, fixed"
push_ok origin HEAD:refs/for/main HEAD:refs/heads/-x
expect_contains "$ERR" "(1 new commit on 2 refs), no problems"
expect_server_ref refs/for/main "$(rev)"
expect_server_ref refs/heads/-x "$(rev)"
end_case

begin_case "merges: a branch's end state is judged even for content from another branch; an evil merge is rejected"
server_and_client
git checkout -q -b side
commit_file engines/side/koder.toml "$(manifest_bad_status side)" "side, from before the hook"
server_fetch side:side
git checkout -q main
commit_file docs/a.md "a" "docs on main"
push_ok origin main
expect_hook_silent
# The merge brings the side branch's (old, bad) manifest into main: no commit of the push made
# it, but main's end state would hold it, so the push is refused there.
git merge -q --no-ff -m "merge side" side
[ "$(git rev-list --count --merges HEAD)" = 1 ] || fail "no merge commit"
push_rejected origin main
expect_contains "$ERR" "remote: refs/heads/main (end state $(short main~1)..$(short)):"
expect_contains "$ERR" "engines/side/koder.toml:9:10: error[KSA005]"
expect_not_contains "$ERR" "commit $(short) \"merge side\""
git reset -q --hard main~1
# An evil merge: the result differs from both parents at a manifest.
git checkout -q -b other "main~1"
commit_file engines/other/koder.toml "$(manifest_ok other)" "other"
git checkout -q main
git merge -q --no-ff --no-commit other >/dev/null 2>&1
write_file engines/other/koder.toml "$(manifest_bad_status other)"
git add engines/other/koder.toml
git commit -q -m "evil merge"
push_rejected origin main
expect_contains "$ERR" "remote: refs/heads/main, commit $(short) \"evil merge\":"
expect_contains "$ERR" "engines/other/koder.toml:9:10: error[KSA005]"
# The side's parent commit "other" is new and clean; the merge is the one reported.
expect_not_contains "$ERR" "commit $(short other)"
expect_contains "$ERR" "(2 new commits on 1 ref)"
expect_not_contains "$ERR" "engines/side/koder.toml"
end_case

# --- phase and server configuration --------------------------------------------------

begin_case "phase: a missing category warns in phase 4 and rejects in phase 5"
server_and_client
commit_file products/notes/koder.toml "$(manifest_no_category notes)" "notes"
push_ok origin main
expect_contains "$ERR" "remote: products/notes/koder.toml:1:1: warning[KSA003]: \`category\` is missing"
expect_contains "$ERR" "0 errors, 1 warning in 1 manifest checked in the push (1 new commit on 1 ref) (phase 4)"
expect_not_contains "$ERR" "push rejected"
git -C "$SERVER" config koder-audit.phase 5
commit_file products/more/koder.toml "$(manifest_no_category more)" "more notes"
push_rejected origin main
expect_contains "$ERR" "remote: products/more/koder.toml:1:1: error[KSA003]"
expect_contains "$ERR" "(phase 5)"
end_case

begin_case "a pushed .koder-spec-audit.toml does not change the server's phase"
server_and_client
# phase = 5 in the push: the phase-4 server still only warns.
write_file .koder-spec-audit.toml "$(printf '[audit]\nphase = 5')"
commit_file products/notes/koder.toml "$(manifest_no_category notes)" "strict in the tree"
push_ok origin main
expect_contains "$ERR" "warning[KSA003]"
expect_contains "$ERR" "(phase 4)"
# phase = 4 in the push cannot weaken a phase-5 server.
git -C "$SERVER" config koder-audit.phase 5
write_file .koder-spec-audit.toml "$(printf '[audit]\nphase = 4')"
commit_file products/more/koder.toml "$(manifest_no_category more)" "advisory in the tree"
push_rejected origin main
expect_contains "$ERR" "products/more/koder.toml:1:1: error[KSA003]"
expect_contains "$ERR" "(phase 5)"
# Nor can an invalid one break it (a pre-commit hook would fail closed on it).
git reset -q --hard HEAD~1
git -C "$SERVER" config koder-audit.phase 4
write_file .koder-spec-audit.toml "$(printf '[audit]\nphase = 7')"
git add .koder-spec-audit.toml
git commit -q -m "invalid audit config in the tree"
push_ok origin main
expect_hook_silent
end_case

begin_case "koder-audit.configFile: a server-wide file, the repository's own keys win"
server_and_client
printf '[koder-audit]\n\tphase = 5\n' >"$CASE_DIR/server-wide.config"
git -C "$SERVER" config koder-audit.configFile "$CASE_DIR/server-wide.config"
commit_file products/notes/koder.toml "$(manifest_no_category notes)" "notes"
push_rejected origin main
expect_contains "$ERR" "error[KSA003]"
expect_contains "$ERR" "(phase 5)"
git -C "$SERVER" config koder-audit.phase 4
push_ok origin main
expect_contains "$ERR" "warning[KSA003]"
# A bad value in the file is a bad configuration too.
printf '[koder-audit]\n\tonOverrun = maybe\n' >"$CASE_DIR/server-wide.config"
commit_file products/other/koder.toml "$(manifest_ok other)" "other"
push_rejected origin main
expect_contains "$ERR" "remote: koder-spec-audit: push rejected: bad server configuration"
expect_contains "$ERR" "onoverrun"
end_case

begin_case "koder-audit.mode warn: findings are shown, the push is accepted"
server_and_client
git -C "$SERVER" config koder-audit.mode warn
commit_file engines/web/koder.toml "$(manifest_bad_status koder-web)" "web"
push_ok origin main
expect_contains "$ERR" "remote: engines/web/koder.toml:9:10: error[KSA005]"
expect_contains "$ERR" "remote: koder-spec-audit: WARN-ONLY MODE (koder-audit.mode = warn): this push would have been rejected; accepted"
expect_not_contains "$ERR" "push rejected"
expect_server_ref refs/heads/main "$(rev)"
git -C "$SERVER" config koder-audit.mode enforce
commit_file engines/web/koder.toml "$(manifest_bad_status koder-web | sed 's/nginx/caddy/')" "web, again"
push_rejected origin main
git -C "$SERVER" config koder-audit.mode maybe
push_rejected origin main
expect_contains "$ERR" "bad server configuration"
end_case

begin_case "a bad server configuration rejects every push"
server_and_client
commit_file docs/x.md "x" "docs only"
git -C "$SERVER" config koder-audit.phase 7
push_rejected origin main
expect_contains "$ERR" "remote: koder-spec-audit: push rejected: bad server configuration"
expect_contains "$ERR" "phase"
expect_contains "$ERR" "4 or 5"
git -C "$SERVER" config --unset koder-audit.phase
git -C "$SERVER" config koder-audit.bogus true
push_rejected origin main
expect_contains "$ERR" "bad server configuration"
expect_contains "$ERR" "unknown key koder-audit.bogus"
# Directly, the exit status says "could not run".
printf '%s %s refs/heads/main\n' "$(server_rev main)" "$(rev)" >updates
server_fetch main
expect_exit 2 run_hook <updates
expect_contains "$ERR" "bad server configuration"
git -C "$SERVER" config --unset koder-audit.bogus
for setting in "maxCommits 0" "maxCommits 1x" "maxManifestBytes lots" "timeBudget 1.5s" \
               "onOverrun maybe" "format yaml" "pusherVariable ''"; do
    eval "git -C \"\$SERVER\" config koder-audit.$setting"
    expect_exit 2 run_hook <updates
    expect_contains "$ERR" "bad server configuration"
    git -C "$SERVER" config --unset "koder-audit.${setting%% *}"
done
expect_exit 0 run_hook <updates
end_case

# --- limits --------------------------------------------------------------------------

begin_case "maxCommits: too many new commits reject (or accept with a WARNING)"
server_and_client
for i in 1 2 3 4 5; do
    commit_file "docs/$i.md" "$i" "docs $i"
done
git -C "$SERVER" config koder-audit.maxCommits 3
push_rejected origin main
expect_contains "$ERR" "remote: koder-spec-audit: the push brings more than 3 new commits (koder-audit.maxCommits)"
expect_contains "$ERR" "rejected because the audit is incomplete"
expect_server_ref refs/heads/main "$(rev HEAD~5)"
git -C "$SERVER" config koder-audit.onOverrun accept
push_ok origin main
expect_contains "$ERR" "remote: koder-spec-audit: WARNING: the push brings more than 3 new commits"
expect_contains "$ERR" "NOT audited"
expect_server_ref refs/heads/main "$(rev)"
# At the limit exactly: audited normally.
git -C "$SERVER" config --unset koder-audit.onOverrun
for i in 6 7 8; do
    commit_file "docs/$i.md" "$i" "docs $i"
done
push_ok origin main
expect_hook_silent
end_case

begin_case "maxCommits with onOverrun accept: the branch's end state is still judged (existing and new branch)"
server_and_client
git -C "$SERVER" config koder-audit.maxCommits 2
git -C "$SERVER" config koder-audit.onOverrun accept
for i in 1 2; do
    commit_file "docs/$i.md" "$i" "docs $i"
done
commit_file engines/web/koder.toml "$(manifest_bad_status koder-web)" "web, bad"
commit_file docs/3.md "3" "docs 3"
push_rejected origin main
expect_contains "$ERR" "WARNING: the push brings more than 2 new commits"
expect_contains "$ERR" "remote: refs/heads/main (end state $(short HEAD~4)..$(short)):"
expect_contains "$ERR" "engines/web/koder.toml:9:10: error[KSA005]"
expect_server_ref refs/heads/main "$(rev HEAD~4)"
# A new branch: where its own commits start is unknown after an overrun, so it is judged
# against the default branch.
push_rejected origin HEAD:refs/heads/feature
expect_contains "$ERR" "remote: refs/heads/feature (end state $(short HEAD~4)..$(short)):"
expect_contains "$ERR" "engines/web/koder.toml:9:10: error[KSA005]"
expect_server_ref refs/heads/feature ""
end_case

begin_case "timeBudget: an audit that runs out of time rejects (or accepts with a WARNING)"
server_and_client
for i in 1 2 3; do
    commit_file "docs/$i.md" "$i" "docs $i"
done
# A budget no audit can meet: it runs out before the second commit.
git -C "$SERVER" config koder-audit.timeBudget 0.000001
push_rejected origin main
expect_contains "$ERR" "ran out of its time budget"
expect_contains "$ERR" "the audit could not finish"
expect_not_contains "$ERR" "fix the manifests named above"
git -C "$SERVER" config koder-audit.onOverrun accept
push_ok origin main
expect_contains "$ERR" "WARNING: the audit ran out of its time budget"
expect_server_ref refs/heads/main "$(rev)"
end_case

begin_case "maxManifestBytes: a larger manifest is rejected unread (KSA015)"
server_and_client
git -C "$SERVER" config koder-audit.maxManifestBytes 64
commit_file engines/web/koder.toml "$(manifest_ok koder-web)" "web"
push_rejected origin main
expect_contains "$ERR" "remote: engines/web/koder.toml: error[KSA015]"
expect_not_contains "$ERR" "KSA005"
git -C "$SERVER" config koder-audit.maxManifestBytes 4096
push_ok origin main
expect_contains "$ERR" "no problems"
end_case

begin_case "a 10,000-commit push (fast-import) is audited in full, deterministically"
server_and_client
base=$(rev)
# Commits each changing a filler file; number 5000 also adds a valid manifest.
awk -v base="$base" 'BEGIN {
    for (i = 1; i <= 10000; i++) {
        print "commit refs/heads/big"
        print "committer KSA Test <ksa-test@example.invalid> " (1767225600 + i) " +0000"
        msg = "filler " i
        print "data " length(msg)
        print msg
        if (i == 1) print "from " base
        content = "filler " i
        print "M 100644 inline filler.txt"
        print "data " length(content)
        print content
        if (i == 5000) {
            manifest = "category = \"engine\"\n\n[package]\nname = \"koder-big\"\nversion = \"1.0.0\"\n\n[self_hosted]\nreplaces = [\"nginx\"]\nstatus = \"stable\"\ngates_passed = [\"feature_parity\"]\ngates_pending = [\"performance\"]\n"
            print "M 100644 inline engines/big/koder.toml"
            print "data " length(manifest)
            printf "%s", manifest
        }
        print ""
    }
}' >stream
git fast-import --quiet <stream
[ "$(git rev-list --count "$base..big")" = 10000 ] || fail "fast-import did not make 10,000 commits"
started=$(date +%s%N)
push_ok origin big
push_ms=$((($(date +%s%N) - started) / 1000000))
expect_contains "$ERR" "remote: koder-spec-audit: 1 manifest checked in the push (10000 new commits on 1 ref), no problems (phase 4)"
expect_server_ref refs/heads/big "$(rev big)"
# (git pads each remote line with spaces when the terminal cannot erase the line.)
sed -n 's/^remote: //p' "$ERR" | sed 's/ *$//' >through-git
# The same decision again, twice, from the hook run directly: with the ref deleted on the
# server, the objects are there but unreferenced, so all 10,000 commits are new again.
git -C "$SERVER" update-ref -d refs/heads/big
printf '%s %s refs/heads/big\n' "$ZERO" "$(rev big)" >updates
started=$(date +%s%N)
expect_exit 0 run_hook <updates
direct_ms=$((($(date +%s%N) - started) / 1000000))
cmp -s through-git "$ERR" || fail "the hook run directly said something else than through git push"
cp -- "$ERR" first-run
expect_exit 0 run_hook <updates
cmp -s first-run "$ERR" || fail "two runs over the same push printed different reports"
echo "# 10,000 new commits: the whole git push ${push_ms} ms; the hook alone ${direct_ms} ms"
end_case

# --- overrides -----------------------------------------------------------------------

begin_case "override: a listed pusher with a reason is accepted and logged"
server_and_client
git -C "$SERVER" config receive.advertisePushOptions true
git -C "$SERVER" config --add koder-audit.overrideUser bob
git -C "$SERVER" config --add koder-audit.overrideUser "carol, alice"
git -C "$SERVER" config koder-audit.overrideLog "$CASE_DIR/overrides.log"
wrap_hook GITEA_PUSHER_NAME=alice
commit_file engines/web/koder.toml "$(manifest_bad_status koder-web)" "hotfix"
push_ok -o 'koder-audit.override=hotfix for INC-42' origin main
expect_contains "$ERR" "remote: engines/web/koder.toml:9:10: error[KSA005]"
expect_contains "$ERR" "remote: koder-spec-audit: OVERRIDE by 'alice': \"hotfix for INC-42\"; push accepted"
expect_not_contains "$ERR" "push rejected"
expect_server_ref refs/heads/main "$(rev)"
expect_file "$CASE_DIR/overrides.log"
[ "$(wc -l <"$CASE_DIR/overrides.log")" -eq 1 ] || fail "expected one line in the override log"
# time, pusher, refs, reason: tab-separated.
awk -F '\t' 'NF != 4 || $1 !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z$/ || $2 != "alice" ||
             $3 != "refs/heads/main" || $4 != "hotfix for INC-42" { exit 1 }' "$CASE_DIR/overrides.log" \
    || fail "unexpected override log line: $(cat -v "$CASE_DIR/overrides.log")"
# A reason holding a tab (push options may) cannot add a field to the log.
commit_file engines/web/koder.toml "$(manifest_bad_status koder-web | sed 's/nginx/apache/')" "hotfix 2"
push_ok -o "koder-audit.override=tab$(printf '\t')in reason" origin main
expect_contains "$ERR" "OVERRIDE by 'alice': \"tab\\tin reason\""
[ "$(wc -l <"$CASE_DIR/overrides.log")" -eq 2 ] || fail "expected two lines in the override log"
awk -F '\t' 'NR == 2 && (NF != 4 || $4 != "tab\\tin reason") { exit 1 }' "$CASE_DIR/overrides.log" \
    || fail "a tab in the reason broke the override log: $(cat -v "$CASE_DIR/overrides.log")"
# An override on a clean push is not an override: nothing is logged.
commit_file engines/web/koder.toml "$(manifest_ok koder-web)" "fix"
push_ok -o 'koder-audit.override=not needed' origin main
expect_not_contains "$ERR" "OVERRIDE"
[ "$(wc -l <"$CASE_DIR/overrides.log")" -eq 2 ] || fail "a clean push was logged as an override"
end_case

begin_case "override: an unlisted pusher, no pusher, or no reason is ignored"
server_and_client
git -C "$SERVER" config receive.advertisePushOptions true
git -C "$SERVER" config koder-audit.overrideUser alice
git -C "$SERVER" config koder-audit.overrideLog "$CASE_DIR/overrides.log"
commit_file engines/web/koder.toml "$(manifest_bad_status koder-web)" "hotfix"
wrap_hook GITEA_PUSHER_NAME=mallory
push_rejected -o 'koder-audit.override=trust me' origin main
expect_contains "$ERR" "remote: koder-spec-audit: override ignored: pusher 'mallory' is not listed in koder-audit.overrideUser"
expect_not_contains "$ERR" "OVERRIDE by"
# The pusher variable the server names is the one read.
wrap_hook GITEA_PUSHER_NAME=alice REMOTE_USER=mallory
git -C "$SERVER" config koder-audit.pusherVariable REMOTE_USER
push_rejected -o 'koder-audit.override=trust me' origin main
expect_contains "$ERR" "override ignored: pusher 'mallory' is not listed"
git -C "$SERVER" config --unset koder-audit.pusherVariable
# Unknown pusher (the variable is not set at all).
ln -sf -- "$KSA_SOURCE_DIR/hooks/pre-receive" "$SERVER/hooks/pre-receive"
push_rejected -o 'koder-audit.override=trust me' origin main
expect_contains "$ERR" "override ignored: pusher '' is not listed"
# A listed pusher without a reason.
wrap_hook GITEA_PUSHER_NAME=alice
push_rejected -o koder-audit.override origin main
expect_contains "$ERR" "override ignored: give a reason"
push_rejected -o koder-audit.override= origin main
expect_contains "$ERR" "override ignored: give a reason"
[ ! -e "$CASE_DIR/overrides.log" ] || fail "an ignored override was logged"
expect_server_ref refs/heads/main "$(rev HEAD~1)"
end_case

# --- input fed to the tool directly ---------------------------------------------------

begin_case "malformed ref updates on stdin are rejected with the line number"
server_and_client
good=$(rev)
commit_file engines/web/koder.toml "$(manifest_ok koder-web)" "web"
server_fetch main:refs/ksa-staging/web
git -C "$SERVER" update-ref -d refs/ksa-staging/web
new=$(rev)
upper=$(printf '%s' "$new" | tr a-f A-F)
# Each bad line comes second, after a valid one.
check_bad_line() {
    printf '%s %s refs/heads/main\n%s\n' "$good" "$new" "$1" >updates
    expect_exit 2 run_hook <updates
    expect_contains "$ERR" "koder-spec-audit: push rejected: stdin line 2: $2"
    expect_no_control_chars "$ERR"
    expect_empty "$OUT"
}
check_bad_line "$good $new" "fewer than three fields"
check_bad_line "$good" "fewer than three fields"
check_bad_line "$good zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz refs/heads/x" "an id is not 40 or 64 lower-case hex digits"
check_bad_line "$good $upper refs/heads/x" "an id is not 40 or 64 lower-case hex digits"
check_bad_line "$good ${new:0:12} refs/heads/x" "an id is not 40 or 64 lower-case hex digits"
check_bad_line "$good ${new}${new:0:24} refs/heads/x" "the two ids have different lengths"
check_bad_line "$good $new refs/heads/a b" "the ref name is empty, too long or holds spaces or control characters"
check_bad_line "$good $new refs/heads/a$(printf '\033')[31mred" "the ref name is empty, too long or holds spaces or control characters"
# The offending line is quoted, escaped.
expect_contains "$ERR" "$new refs/heads/a\\x1b[31mred\""
check_bad_line "$good $new refs/heads/tab$(printf '\t')x" "the ref name is empty, too long or holds spaces or control characters"
check_bad_line "$good $new " "the ref name is empty"
check_bad_line "$ZERO $ZERO refs/heads/x" "both ids are zero"
# A well-formed id of an object that does not exist.
printf '%s %s refs/heads/main\n' "$good" 1234567890abcdef1234567890abcdef12345678 >updates
expect_exit 2 run_hook <updates
expect_contains "$ERR" "koder-spec-audit: push rejected: could not read the push: refs/heads/main: pushed object 1234567890abcdef1234567890abcdef12345678 cannot be read"
end_case

begin_case "well-formed stdin: empty, a ref named -x, a 64-hex deletion, CRLF, blank lines"
server_and_client
good=$(rev)
commit_file engines/web/koder.toml "$(manifest_bad_status koder-web)" "web"
server_fetch main:refs/ksa-staging/web
git -C "$SERVER" update-ref -d refs/ksa-staging/web
bad=$(rev)
: >updates
expect_exit 0 run_hook <updates
expect_empty "$ERR"
expect_empty "$OUT"
expect_exit 0 run_hook </dev/null
expect_empty "$ERR"
# A ref name starting with '-' is data, never an option.
printf '%s %s refs/heads/-x\n' "$ZERO" "$good" >updates
expect_exit 0 run_hook <updates
expect_empty "$ERR"
printf '%s %s --help\n' "$good" "$bad" >updates
expect_exit 1 run_hook <updates
expect_contains "$ERR" "--help, commit ${bad:0:10} \"web\":"
expect_contains "$ERR" "error[KSA005]"
# Deletions: SHA-1 and SHA-256 sized zero ids; nothing to read.
printf '%s %s refs/heads/gone\n' "$good" "$ZERO" >updates
expect_exit 0 run_hook <updates
expect_empty "$ERR"
printf '%s %s refs/heads/gone\n' "$(printf 'ab%.0s' $(seq 32))" "$ZERO64" >updates
expect_exit 0 run_hook <updates
expect_empty "$ERR"
# CRLF line ends and blank lines are tolerated; the line numbers still count them.
printf '\r\n%s %s refs/heads/main\r\n\n' "$good" "$bad" >updates
expect_exit 1 run_hook <updates
expect_contains "$ERR" "error[KSA005]"
printf '\n\n%s %s\n' "$good" "$bad" >updates
expect_exit 2 run_hook <updates
expect_contains "$ERR" "stdin line 3: fewer than three fields"
end_case

# --- output ----------------------------------------------------------------------------

begin_case "control characters in a subject, a path and a value never reach the pusher raw"
server_and_client
esc=$(printf '\033')
# A raw ESC in a TOML string is a syntax error (KSA001); its excerpt shows the line.
dir="engines/x${esc}]0;pwned$(printf '\007')y"
mkdir -p -- "$dir"
manifest_ok evil | sed "s/stable/st${esc}[2Jable/" >"$dir/koder.toml"
# A TOML escape puts ESC in the value itself: KSA005 quotes the value.
mkdir -p engines/plain
manifest_ok plain | sed 's/stable/st\\u001b[2Jable/' >engines/plain/koder.toml
git add -A
git commit -q -m "bad ${esc}[31m status"
push_rejected origin main
expect_contains "$ERR" 'commit '"$(short)"' "bad \x1b[31m status":'
expect_contains "$ERR" 'remote: engines/x\x1b]0;pwned\x07y/koder.toml:9:13: error[KSA001]'
expect_contains "$ERR" 'remote:  9 | status = "st\x1b[2Jable"'
expect_contains "$ERR" 'remote: engines/plain/koder.toml:9:10: error[KSA005]: `status = "st\x1b[2Jable"` is not a known status'
expect_contains "$ERR" 'remote:  9 | status = "st\u001b[2Jable"'
expect_contains "$ERR" "2 errors, 0 warnings in 2 manifests checked"
escapes=$(grep -c "$esc" "$ERR" || true)
[ "$escapes" = 0 ] || fail "$escapes line(s) of the push's stderr hold a raw ESC"
expect_no_control_chars "$ERR"
end_case

begin_case "koder-audit.format json: one JSON report with the decision and each finding's context"
server_and_client
good=$(rev)
commit_file engines/web/koder.toml "$(manifest_bad_status koder-web)" "web $(printf '\033')[1m json"
server_fetch main:refs/ksa-staging/web
git -C "$SERVER" update-ref -d refs/ksa-staging/web
git -C "$SERVER" config koder-audit.format json
printf '%s %s refs/heads/main\n' "$good" "$(rev)" >updates
expect_exit 1 run_hook <updates
expect_empty "$OUT"
short_id=$(short)
python3 - "$ERR" "$short_id" <<'EOF' || fail "the JSON report is not what was expected"
import json, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
assert report["decision"] == "rejected", report
assert report["commits_checked"] == 1, report
assert report["phase"] == 4, report
assert report["errors"] == 1, report
(finding,) = report["diagnostics"]
assert finding["rule"] == "KSA005", finding
assert finding["path"] == "engines/web/koder.toml", finding
assert (finding["line"], finding["column"]) == (9, 10), finding
assert finding["context"] == 'refs/heads/main, commit %s "web \x1b[1m json"' % sys.argv[2], finding
EOF
expect_no_control_chars "$ERR" c0
# Through git too: the JSON report is what the pusher sees, and the push is rejected.
expect_exit nonzero git push origin main
expect_contains "$ERR" "! [remote rejected] main -> main (pre-receive hook declined)"
sed -n 's/^remote: //p' "$ERR" | sed 's/ *$//' >through-git.json
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["decision"]=="rejected", r' through-git.json \
    || fail "the report relayed by git is not the JSON report"
# Accepted pushes report too (a log collector sees every push).
printf '%s %s refs/heads/main\n' "$ZERO" "$good" >updates
expect_exit 0 run_hook <updates
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["decision"]=="accepted" and r["diagnostics"]==[], r' "$ERR" \
    || fail "the accepted push's JSON report is not what was expected"
end_case

# --- at the edges ---------------------------------------------------------------------

begin_case "maxCommits counts the push's distinct new commits, not each ref's again"
server_and_client
for i in 1 2 3; do
    commit_file "docs/$i.md" "$i" "docs $i"
done
git branch first
commit_file docs/4.md "4" "docs 4"
git branch second
# 4 distinct new commits: 3 on `first`, the same 3 and one more on `second`.
git -C "$SERVER" config koder-audit.maxCommits 5
push_ok origin first second
expect_not_contains "$ERR" "more than 5 new commits"
expect_server_ref refs/heads/second "$(rev second)"
end_case

begin_case "a SHA-256 repository is refused with that reason"
if ! git init -q --bare --object-format=sha256 probe.git 2>/dev/null; then
    echo "# this git cannot make SHA-256 repositories: case not run"
    end_case
else
    git init -q --bare --object-format=sha256 server.git
    mkdir -p server.git/hooks
    ln -s -- "$KSA_SOURCE_DIR/hooks/pre-receive" server.git/hooks/pre-receive
    SERVER=$CASE_DIR/server.git
    git init -q --object-format=sha256 client
    cd client
    git remote add origin "file://$SERVER"
    commit_file engines/web/koder.toml "$(manifest_ok koder-web)" "web"
    push_rejected origin main
    # Documented in docs/pre-receive.md: "a push to one is refused with that reason".
    expect_contains "$ERR" "SHA-256"
    expect_not_contains "$ERR" "not a git repository"
    expect_server_ref refs/heads/main ""
    end_case
fi

begin_case "koder-audit.format json: an override and an incomplete audit are in the report"
server_and_client
git -C "$SERVER" config koder-audit.format json
git -C "$SERVER" config receive.advertisePushOptions true
git -C "$SERVER" config koder-audit.overrideUser alice
wrap_hook GITEA_PUSHER_NAME=alice
commit_file engines/web/koder.toml "$(manifest_bad_status koder-web)" "hotfix"
push_ok -o 'koder-audit.override=hotfix for INC-42' origin main
sed -n 's/^remote: //p' "$ERR" | sed 's/ *$//' >override.json
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["decision"]=="accepted", r' override.json \
    || fail "the override's report is not one JSON document"
# Accepted despite an error: a log collector must see who overrode it and why.
expect_contains override.json "alice"
expect_contains override.json "hotfix for INC-42"
# An audit cut short and accepted (onOverrun = accept) must say so too.
git -C "$SERVER" config koder-audit.maxCommits 2
git -C "$SERVER" config koder-audit.onOverrun accept
for i in 1 2 3; do
    commit_file "docs/$i.md" "$i" "docs $i"
done
push_ok origin main
sed -n 's/^remote: //p' "$ERR" | sed 's/ *$//' >overrun.json
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["decision"]=="accepted", r' overrun.json \
    || fail "the overrun's report is not one JSON document"
expect_contains overrun.json "koder-audit.maxCommits"
end_case

finish
