#!/usr/bin/env bash
# Pushes at the same time to one bare repository with the pre-receive hook: each is judged on
# its own commits (git runs one hook per push, each with its own quarantine), and the one file
# the hook writes, the override log, gets every record whole even when 16 overrides with long
# reasons land at once.
. "$(dirname -- "$0")/lib.sh"

PUSHES=16

# A server and a client (no pre-commit hook) whose main is on the server; then one branch bNN
# per push, each adding its own manifest: valid for odd NN, a bad status for even NN.
server_client_and_branches() {
    new_server server.git
    new_repo client
    git -C client remote add origin "file://$SERVER"
    cd client
    write_file README.md "# test"
    git add README.md
    git commit -q -m readme
    push_ok origin main
    for n in $(seq -w 1 "$PUSHES"); do
        git checkout -q -b "b$n" main
        if [ $((10#$n % 2)) = 1 ]; then
            write_file "engines/m$n/koder.toml" "$(manifest_ok "koder-m$n")"
        else
            write_file "engines/m$n/koder.toml" "$(manifest_bad_status "koder-m$n")"
        fi
        git add -A
        git commit -q -m "module $n"
    done
    git checkout -q main
}

# push_all [git push options...]: pushes every bNN at once; push-NN.{err,rc} hold each result.
push_all() {
    for n in $(seq -w 1 "$PUSHES"); do
        (
            set +e
            git push "$@" origin "b$n" >"push-$n.out" 2>"push-$n.err"
            echo $? >"push-$n.rc"
        ) &
    done
    wait
}

begin_case "16 pushes at once, half valid and half not: each judged on its own commits"
server_client_and_branches
push_all
for n in $(seq -w 1 "$PUSHES"); do
    rc=$(cat "push-$n.rc")
    ERR="push-$n.err"
    if [ $((10#$n % 2)) = 1 ]; then
        [ "$rc" = 0 ] || fail "push $n (valid) exited $rc"
        expect_contains "$ERR" "1 manifest checked in the push (1 new commit on 1 ref), no problems"
        expect_server_ref "refs/heads/b$n" "$(rev "b$n")"
    else
        [ "$rc" != 0 ] || fail "push $n (invalid) was accepted"
        expect_contains "$ERR" "remote: engines/m$n/koder.toml:9:10: error[KSA005]"
        expect_contains "$ERR" "(pre-receive hook declined)"
        expect_server_ref "refs/heads/b$n" ""
    fi
    # Each hook saw its own push only: no other branch's manifest in its report.
    [ "$(count_matches "$ERR" "koder.toml")" = "$([ $((10#$n % 2)) = 1 ] && echo 0 || echo 1)" ] ||
        fail "push $n reported another push's manifest"
    expect_not_contains "$ERR" "internal error"
done
# Nothing from a rejected push reached the repository; the accepted ones are all there.
[ "$(git -C "$SERVER" for-each-ref --format=x refs/heads/ | wc -l)" = $((PUSHES / 2 + 1)) ] ||
    fail "the server has $(git -C "$SERVER" for-each-ref refs/heads/ | wc -l) branches, expected $((PUSHES / 2 + 1))"
git -C "$SERVER" fsck --no-dangling >fsck.out 2>&1 || fail "the server repository is not consistent"
end_case

begin_case "16 overrides at once: every override log record is whole, one line each"
server_client_and_branches
git -C "$SERVER" config receive.advertisePushOptions true
git -C "$SERVER" config koder-audit.overrideUser alice
git -C "$SERVER" config koder-audit.overrideLog "$CASE_DIR/overrides.log"
rm -f -- "$SERVER/hooks/pre-receive"
printf '#!/bin/sh\nexport GITEA_PUSHER_NAME=alice\nexec %s "$@"\n' "$KSA_SOURCE_DIR/hooks/pre-receive" \
    >"$SERVER/hooks/pre-receive"
chmod +x "$SERVER/hooks/pre-receive"
# Each push gives a 30,000-byte reason of one letter, far more than one atomic pipe write.
letters=ABCDEFGHIJKLMNOP
for n in $(seq -w 1 "$PUSHES"); do
    letter=${letters:$((10#$n - 1)):1}
    (
        set +e
        git push -o "koder-audit.override=$(head -c 30000 /dev/zero | tr '\0' "$letter")" origin "b$n" \
            >"push-$n.out" 2>"push-$n.err"
        echo $? >"push-$n.rc"
    ) &
done
wait
for n in $(seq -w 1 "$PUSHES"); do
    [ "$(cat "push-$n.rc")" = 0 ] || { ERR="push-$n.err"; fail "push $n exited $(cat "push-$n.rc")"; }
    expect_server_ref "refs/heads/b$n" "$(rev "b$n")"
done
# Only the invalid half needed an override: 8 records, each whole.
log="$CASE_DIR/overrides.log"
[ "$(wc -l <"$log")" = $((PUSHES / 2)) ] || fail "expected $((PUSHES / 2)) override records, found $(wc -l <"$log")"
awk -F '\t' 'NF != 4 || $2 != "alice" || $3 !~ /^refs\/heads\/b[0-9][0-9]$/ || length($4) != 30000 { bad = 1 }
             { letter = substr($4, 1, 1); for (i = 2; i <= length($4); i++) if (substr($4, i, 1) != letter) bad = 1 }
             END { exit bad }' "$log" || fail "a torn override record: $(cut -c1-200 "$log" | cat -v)"
# Each record's letter is its own branch's.
for n in $(seq -w 2 2 "$PUSHES"); do
    letter=${letters:$((10#$n - 1)):1}
    grep -q "	refs/heads/b$n	$letter$letter" "$log" || fail "no whole record for b$n"
done
end_case

finish
