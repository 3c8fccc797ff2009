#!/usr/bin/env bash
# Case names follow one grammar, in `cases` and after `GATE:` alike: lower-case identifiers
# ([a-z0-9_]+). Anything else is an error with a did-you-mean, through --validate and a real
# commit with the hook installed.
. "$(dirname -- "$0")/lib.sh"

# case_manifest CASES PASSED PENDING [STATUS]: engines/kx's manifest.
case_manifest() {
    cat <<EOF
category = "engine"

[package]
name = "kx"
version = "1.0.0"

[self_hosted]
replaces = ["ffmpeg"]
status = "${4:-official}"
cases = [$1]
gates_passed = [$2]
gates_pending = [$3]
EOF
}

begin_case "cases = [\"*\"] is not a case name (KSA004): omit cases to mean every case"
new_repo repo
cd repo
write_file engines/kx/koder.toml "$(case_manifest '"*"' '"feature_parity"' '')"
expect_exit 1 koder-spec-audit self-hosted --validate
expect_contains "$OUT" 'engines/kx/koder.toml:10:10: error[KSA004]: case name "*" in `cases` is not a lower-case identifier'
expect_contains "$OUT" 'help: a case name uses only a-z, 0-9 and `_` (as in `GATE:CASE`); to mean every case, remove `cases`'
end_case

begin_case "upper case and separators in cases get a did-you-mean"
new_repo repo
cd repo
write_file engines/kx/koder.toml "$(case_manifest '"MP3", "hot-path", "ok_1"' '"feature_parity"' '')"
expect_exit 1 koder-spec-audit self-hosted --validate
expect_contains "$OUT" 'error[KSA004]: case name "MP3" in `cases` is not a lower-case identifier'
expect_contains "$OUT" 'help: did you mean `mp3`?'
expect_contains "$OUT" 'error[KSA004]: case name "hot-path" in `cases` is not a lower-case identifier'
expect_contains "$OUT" 'help: did you mean `hot_path`?'
expect_count "$OUT" "error[KSA004]" 2
end_case

begin_case "performance:MP3 pending is an unknown gate (KSA007), not a case the official mp3 escapes"
new_repo repo
cd repo
write_file engines/kx/koder.toml "$(case_manifest '"mp3"' '"feature_parity:mp3"' '"performance:MP3"')"
expect_exit 1 koder-spec-audit self-hosted --validate
expect_contains "$OUT" 'error[KSA007]: unknown gate "performance:MP3" in `gates_pending`: the case `MP3` is not a lower-case identifier'
expect_contains "$OUT" 'help: did you mean `performance:mp3`?'
# Written as the grammar wants, it is the official case's pending gate (KSA009).
write_file engines/kx/koder.toml "$(case_manifest '"mp3"' '"feature_parity:mp3"' '"performance:mp3"')"
expect_exit 1 koder-spec-audit self-hosted --validate
expect_contains "$OUT" 'error[KSA009]'
# capability:NAME:CASE: the case part follows the same grammar.
write_file engines/kx/koder.toml "$(case_manifest '"mp3"' '"capability:tls:Mp3.x"' '')"
expect_exit 1 koder-spec-audit self-hosted --validate
expect_contains "$OUT" 'unknown gate "capability:tls:Mp3.x" in `gates_passed`: the case `Mp3.x` is not a lower-case identifier'
expect_contains "$OUT" 'help: did you mean `capability:tls:mp3_x`?'
end_case

begin_case "a commit with a bad case name is rejected by the hook"
new_hooked_repo repo
write_file engines/kx/koder.toml "$(case_manifest '"*"' '"feature_parity"' '' stable)"
git add -A
commit_rejected -m "bad case"
expect_contains "$ERR" 'case name "*" in `cases` is not a lower-case identifier'
write_file engines/kx/koder.toml "$(case_manifest '"mp3"' '"feature_parity"' '' stable)"
git add -A
commit_ok -m "good case"
end_case

finish
