#!/usr/bin/env bash
# What the hand-made registry carried and the generated one keeps: a one-line `notes` per
# [self_hosted] block and the `date` of a skipped pair, validated, rendered escaped in the
# registry, present in --format json and in --decide; the hooks' incremental check follows them.
. "$(dirname -- "$0")/lib.sh"

REGISTRY=meta/docs/stack/registries/self-hosted-pairs.md

# noted_manifest NOTES_LINE [SKIPPED_DATE_LINE]: engines/kx's manifest with a skipped pair.
noted_manifest() {
    cat <<EOF
category = "engine"

[package]
name = "kx"
version = "1.0.0"

[self_hosted]
replaces = ["ffmpeg"]
status = "stable"
gates_passed = ["feature_parity"]
gates_pending = ["performance"]
$1

[[self_hosted.skipped]]
external = "GStreamer plugins"
rationale = "not needed"
ticket = "KX-9"
${2:-date = \"2026-05-02\"}
EOF
}

begin_case "notes and date reach the registry (escaped), its JSON and --decide"
new_repo repo
cd repo
write_file engines/kx/koder.toml "$(noted_manifest 'notes = "Tickets #704-#706 | RFC: <engines/kx/docs/rfc.kmd>; owner may promote on PR review"')"
expect_exit 0 koder-spec-audit self-hosted --validate
expect_exit 0 koder-spec-audit self-hosted --report
expect_contains "$REGISTRY" "| Evidence | Notes |"
expect_contains "$REGISTRY" '| Tickets \#704-\#706 \| RFC: &lt;engines/kx/docs/rfc.kmd&gt;; owner may promote on PR review |'
expect_contains "$REGISTRY" "| S1 | GStreamer plugins | \`engines/kx\` | **skip** (2026-05-02) | not needed | KX-9 |"
expect_exit 0 koder-spec-audit self-hosted --report --format json
python3 - "$OUT" <<'PY' || fail "notes and date are not in the JSON"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["pairs"][0]["notes"] == "Tickets #704-#706 | RFC: <engines/kx/docs/rfc.kmd>; owner may promote on PR review"
assert doc["skipped"][0]["date"] == "2026-05-02"
PY
expect_exit 0 koder-spec-audit self-hosted --decide "a decoder" --replaces ffmpeg
expect_contains "$OUT" "  notes: Tickets #704-#706 | RFC: <engines/kx/docs/rfc.kmd>; owner may promote on PR review"
# A TOML date is taken too, and written the same way; without notes and date, "—" and no date.
write_file engines/kx/koder.toml "$(noted_manifest '' 'date = 2026-05-02')"
expect_exit 0 koder-spec-audit self-hosted --report
expect_contains "$REGISTRY" "**skip** (2026-05-02)"
expect_contains "$REGISTRY" "1: \`performance\` | — | — |"
write_file engines/kx/koder.toml "$(noted_manifest '' '#')"
expect_exit 0 koder-spec-audit self-hosted --report --format json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["pairs"][0]["notes"] is None and d["skipped"][0]["date"] is None, d' "$OUT" \
    || fail "absent notes and date are not null"
end_case

begin_case "notes must be one line of at most 500 characters, date a real day: KSA004, and a rejected commit"
new_hooked_repo repo
write_file engines/kx/koder.toml "$(noted_manifest 'notes = "first line\nsecond line"')"
expect_exit 1 koder-spec-audit self-hosted --validate
expect_contains "$OUT" 'engines/kx/koder.toml:12:9: error[KSA004]: `notes` must be one line: it holds a line break'
write_file engines/kx/koder.toml "$(noted_manifest "notes = \"$(printf '%0501d' 0)\"")"
expect_exit 1 koder-spec-audit self-hosted --validate
expect_contains "$OUT" 'error[KSA004]: `notes` is 501 characters long, over the limit of 500'
write_file engines/kx/koder.toml "$(noted_manifest 'notes = "ok"' 'date = "2026-02-30"')"
expect_exit 1 koder-spec-audit self-hosted --validate
expect_contains "$OUT" 'error[KSA004]: `date` of a skipped pair is "2026-02-30", not a date'
expect_contains "$OUT" 'help: write the day the pair was declined as YYYY-MM-DD'
# --report refuses them (the registry would carry what the validator rejects).
expect_exit 1 koder-spec-audit self-hosted --report
[ ! -e "$REGISTRY" ] || fail "a registry was written"
git add -A
commit_rejected -m "a bad date"
expect_contains "$ERR" "error[KSA004]"
write_file engines/kx/koder.toml "$(noted_manifest 'notes = "bell\u0007"')"
git add -A
commit_rejected -m "a control character"
expect_contains "$ERR" '`notes` holds the control character U+0007'
end_case

begin_case "the hooks: a notes change without regenerating is KSA013; regenerated, it is accepted"
new_hooked_repo repo
write_file engines/kx/koder.toml "$(noted_manifest 'notes = "RFC-1"')"
koder-spec-audit self-hosted --report >/dev/null 2>&1
git add -A
commit_ok -m "kx with notes"
expect_no_control_chars "$ERR"
sed -i 's/^notes = .*/notes = "RFC-2 | see #12"/' engines/kx/koder.toml
git add -A
commit_ok -m "new notes, registry not regenerated"
expect_contains "$ERR" "warning[KSA013]: the registry is stale: this change edits the [self_hosted] block of engines/kx/koder.toml without regenerating it"
koder-spec-audit self-hosted --report >/dev/null 2>&1
git add -A
commit_ok -m "regenerated"
expect_not_contains "$ERR" "KSA013"
expect_contains "$REGISTRY" '| RFC-2 \| see \#12 |'
expect_exit 0 koder-spec-audit self-hosted --report --check --rev HEAD
end_case

finish
