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

begin_case "a TLS-terminating reverse proxy --replaces nginx: use Koder Jet (row 9)"
example_repo
expect_exit 0 koder-spec-audit self-hosted --decide "a TLS-terminating reverse proxy for s.forge vhosts" --replaces nginx
expect_contains "$OUT" "External alternative: nginx"
expect_contains "$OUT" "Candidate: Koder Jet (koder-jet) — registry row 9 (infra/net/jet/koder.toml), replaces nginx"
expect_contains "$OUT" "capabilities named in the case: reverse_proxy, tls"
expect_contains "$OUT" "verdict: use Koder Jet (koder-jet) for this case: it clears all five gates (registry row 9)"
expect_contains "$OUT" "Decision: use Koder Jet (koder-jet) (row 9)"
expect_count "$OUT" "Candidate:" 1
# Row 9 is the row of the generated registry.
expect_contains meta/docs/stack/registries/self-hosted-pairs.md "| 9 | **Koder Jet** (koder-jet) |"
end_case

begin_case "a high-throughput HEVC decoder instead of ffmpeg: kodec, naming the pending HEVC gates"
example_repo
expect_exit 0 koder-spec-audit self-hosted --decide "a high-throughput HEVC decoder instead of ffmpeg"
expect_contains "$OUT" "Candidate: kodec — registry row 1 (engines/kodec/koder.toml), replaces ffmpeg"
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
expect_contains "$OUT" "verdict: use kodec for case mp3: it clears all five gates (registry row 1)"
expect_contains "$OUT" "Decision: use kodec (row 1, case mp3)"
end_case

begin_case "a CRM: no candidate, outside the policy's reach; a string matching nothing likewise"
example_repo
expect_exit 0 koder-spec-audit self-hosted --decide "a CRM"
expect_contains "$OUT" "no candidate"
expect_contains "$OUT" "outside the policy's reach"
expect_not_contains "$OUT" "Candidate:"
expect_exit 0 koder-spec-audit self-hosted --decide "zzzz qqqq" --format json
python3 -m json.tool "$OUT" >/dev/null || fail "--decide JSON is not valid"
expect_contains "$OUT" '"candidates": []'
expect_exit 0 koder-spec-audit self-hosted --decide "a web server" --replaces "not-a-tool"
expect_contains "$OUT" 'no Koder component lists `not-a-tool`'
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
