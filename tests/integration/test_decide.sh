#!/usr/bin/env bash
# self-hosted --decide (RFC-002 §3.5 question 2) on the example monorepo, committed to a real
# repository: the four reference cases, a case matching every candidate, one matching none,
# JSON output, the tree options, usage errors.
. "$(dirname -- "$0")/lib.sh"

# A repository holding the example monorepo, committed; enters it.
example_repo() {
    cp -R -- "$KSA_SOURCE_DIR/examples/monorepo" repo
    cd repo
    git init -q
    git add -A
    git commit -q -m "example"
}

begin_case "a TLS-terminating reverse proxy --replaces nginx: use Koder Jet, cited by name and path"
example_repo
expect_exit 0 koder-spec-audit self-hosted --decide "a TLS-terminating reverse proxy for s.forge vhosts" --replaces nginx
expect_contains "$OUT" "External alternative: nginx"
expect_contains "$OUT" "Candidate: Koder Jet (koder-jet) — infra/net/jet/koder.toml, replaces nginx"
expect_contains "$OUT" "capabilities named in the case: reverse_proxy, tls"
expect_contains "$OUT" "verdict: use Koder Jet (koder-jet, infra/net/jet/koder.toml) for this case: it clears all five gates"
expect_contains "$OUT" "Decision: use Koder Jet (koder-jet, infra/net/jet/koder.toml)"
expect_not_contains "$OUT" "registry row"
expect_count "$OUT" "Candidate:" 1
# The registry shows the same name and path.
expect_contains meta/docs/stack/registries/self-hosted-pairs.md "| **Koder Jet** (koder-jet) | \`infra/net/jet/koder.toml\` |"
end_case

begin_case "a high-throughput HEVC decoder instead of ffmpeg: kodec, naming the pending HEVC gates"
example_repo
expect_exit 0 koder-spec-audit self-hosted --decide "a high-throughput HEVC decoder instead of ffmpeg"
expect_contains "$OUT" "Candidate: kodec — engines/kodec/koder.toml, replaces ffmpeg"
expect_contains "$OUT" "  case: hevc"
expect_contains "$OUT" "G1 feature parity      pending  feature_parity:hevc"
expect_contains "$OUT" "G2 performance         pending  performance:hevc"
expect_contains "$OUT" 'G3 stability           missing  status `stable` holds for mp3, mp4, wav only, not hevc'
expect_contains "$OUT" "ffmpeg stays preferred"
expect_contains "$OUT" "none clears all five gates"
end_case

begin_case "an mp3 decoder instead of ffmpeg: kodec for the mp3 case"
example_repo
expect_exit 0 koder-spec-audit self-hosted --decide "an mp3 decoder instead of ffmpeg"
expect_contains "$OUT" "  case: mp3"
expect_contains "$OUT" "verdict: use kodec (engines/kodec/koder.toml) for case mp3: it clears all five gates"
expect_contains "$OUT" "Decision: use kodec (engines/kodec/koder.toml, case mp3)"
end_case

begin_case "a CRM: no candidate; it says how to narrow the question (--replaces NAME), not to pick the external tool"
example_repo
expect_exit 0 koder-spec-audit self-hosted --decide "a CRM"
expect_contains "$OUT" "no candidate: no Koder component's \`replaces\`, cases or capabilities are named in the case"
expect_contains "$OUT" 'name the external tool you would use: --decide "a CRM" --replaces NAME'
expect_not_contains "$OUT" "without ceremony"
expect_not_contains "$OUT" "Candidate:"
expect_exit 0 koder-spec-audit self-hosted --decide "zzzz qqqq" --format json
python3 -m json.tool "$OUT" >/dev/null || fail "--decide JSON is not valid"
expect_contains "$OUT" '"candidates": []'
expect_exit 0 koder-spec-audit self-hosted --decide "a web server" --replaces "not-a-tool"
expect_contains "$OUT" "no Koder component lists \`not-a-tool\` in \`replaces\`, and none has a case or capability the case names: the case is outside the policy's reach; use not-a-tool without ceremony"
end_case

begin_case "a case that names a need, not a tool: matched by capabilities (Koder Jet) and cases (kodec)"
example_repo
expect_exit 0 koder-spec-audit self-hosted --decide "a TLS-terminating reverse proxy for our vhosts"
expect_contains "$OUT" "Candidate: Koder Jet (koder-jet) — infra/net/jet/koder.toml, matched by its capabilities reverse_proxy, tls (the case names no tool a component replaces)"
expect_contains "$OUT" "Decision: use Koder Jet (koder-jet, infra/net/jet/koder.toml)"
expect_count "$OUT" "Candidate:" 1
expect_not_contains "$OUT" "no candidate"
expect_exit 0 koder-spec-audit self-hosted --decide "a TLS-terminating reverse proxy for our vhosts" --format json
check_jet='import json,sys; d=json.load(open(sys.argv[1])); c=d["candidates"][0]; assert c["name"]=="koder-jet" and c["external"] is None and c["matched_by"]==["capability:reverse_proxy","capability:tls"], c'
python3 -c "$check_jet" "$OUT" || fail "the JSON candidate is not Koder Jet matched by capabilities"
expect_exit 0 koder-spec-audit self-hosted --decide "decoding HEVC streams"
expect_contains "$OUT" "Candidate: kodec — engines/kodec/koder.toml, matched by its case hevc"
expect_contains "$OUT" "G1 feature parity      pending  feature_parity:hevc"
expect_contains "$OUT" "The external alternative stays preferred"
end_case

begin_case "citations do not move when a module is added before the cited one"
example_repo
expect_exit 0 koder-spec-audit self-hosted --decide "a reverse proxy" --replaces nginx
grep -a "Decision:" "$OUT" >before.txt
expect_exit 0 koder-spec-audit self-hosted --decide "a reverse proxy" --replaces nginx --format json
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["candidates"][0]["row"])' "$OUT" >row-before.txt
write_file engines/aaa/koder.toml "$(manifest_ok koder-aaa)"
git add -A
git commit -q -m "a module that sorts before the others"
expect_exit 0 koder-spec-audit self-hosted --decide "a reverse proxy" --replaces nginx
grep -a "Decision:" "$OUT" >after.txt
cmp -s before.txt after.txt || fail "the decision's citation changed: $(cat before.txt) / $(cat after.txt)"
expect_exit 0 koder-spec-audit self-hosted --decide "a reverse proxy" --replaces nginx --format json
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["candidates"][0]["row"])' "$OUT" >row-after.txt
# (The row number, positional, did move: that is why it is not what the decision cites.)
[ "$(cat row-before.txt)" != "$(cat row-after.txt)" ] || fail "the example should have moved Jet's row"
end_case

begin_case "a case string naming every external tool: every candidate, each judged"
example_repo
everything="ffmpeg rust nasm ld ripgrep postgresql ubuntu_dev docker nginx forgejo oci_registries imagemagick google_keep imap_smtp matrix google_checks google_vault"
expect_exit 0 koder-spec-audit self-hosted --decide "$everything"
expect_count "$OUT" "Candidate:" 17
expect_contains "$OUT" "Decision: use "
expect_exit 0 koder-spec-audit self-hosted --decide "$everything" --format json
python3 -m json.tool "$OUT" >/dev/null || fail "--decide JSON is not valid"
expect_count "$OUT" '"row": ' 17
end_case

begin_case "JSON fields; --rev reads the registry data of a revision; usage errors exit 2"
example_repo
expect_exit 0 koder-spec-audit self-hosted --decide "an mp3 decoder instead of ffmpeg" --format json
python3 -m json.tool "$OUT" >/dev/null || fail "--decide JSON is not valid"
expect_contains "$OUT" '"row": 1'
expect_contains "$OUT" '"case": "mp3"'
expect_contains "$OUT" '"clears_all": true'
# Remove kodec's block in a commit: HEAD has no candidate, HEAD~1 still has it.
sed -i '/^\[self_hosted\]/,$d' engines/kodec/koder.toml
printf '[no_external_alternative]\nreason = "example"\n' >>engines/kodec/koder.toml
git commit -q -am "kodec without a block"
expect_exit 0 koder-spec-audit self-hosted --decide "an mp3 decoder instead of ffmpeg" --rev HEAD
expect_contains "$OUT" "no candidate"
expect_exit 0 koder-spec-audit self-hosted --decide "an mp3 decoder instead of ffmpeg" --rev HEAD~1
expect_contains "$OUT" "Candidate: kodec"
expect_exit 2 koder-spec-audit self-hosted --decide ""
expect_exit 2 koder-spec-audit self-hosted --decide "x" --format sarif
expect_exit 2 koder-spec-audit self-hosted --decide "x" engines/kodec
expect_exit 2 koder-spec-audit self-hosted --replaces nginx
expect_exit 2 koder-spec-audit self-hosted --decide "x" --validate
end_case

finish
