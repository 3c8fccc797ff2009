#!/usr/bin/env bash
# Output formats (text, JSON, SARIF 2.1.0), colour rules, escaping of hostile text, and the
# example monorepo validating clean.
. "$(dirname -- "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || fail "python3 is needed to parse JSON and SARIF"

# check_json FILE PYTHON: parses FILE as JSON into `doc` and runs the PYTHON assertions.
check_json() {
    python3 -m json.tool "$1" >/dev/null 2>"$TEST_IO/json-error" || {
        cat "$TEST_IO/json-error" >&2
        fail "$1 is not valid JSON"
    }
    python3 - "$1" "$2" >"$TEST_IO/json-check" 2>&1 <<'EOF' || { cat "$TEST_IO/json-check" >&2; fail "JSON assertions failed on $1"; }
import json, sys
with open(sys.argv[1], "rb") as f:
    doc = json.loads(f.read().decode("utf-8"))
exec(sys.argv[2])
EOF
}

# A repository with one error (KSA005 at 9:10) and one warning (KSA003 at 1:1).
two_problem_repo() {
    new_repo repo
    cd repo
    write_file engines/a/koder.toml "$(manifest_bad_status a)"
    write_file products/b/koder.toml "$(manifest_no_category b)"
}

begin_case "--format json: valid JSON with the report's fields"
two_problem_repo
expect_exit 1 koder-spec-audit koder-toml --validate --format json
expect_empty "$ERR"
check_json "$OUT" '
assert doc["version"] == 1, doc
assert doc["tool"] == "koder-spec-audit"
assert doc["source"] == "working tree"
assert doc["phase"] == 4
assert doc["files_checked"] == 2
assert doc["errors"] == 1 and doc["warnings"] == 1
d = doc["diagnostics"]
assert len(d) == 2, d
e = [x for x in d if x["severity"] == "error"][0]
assert e["rule"] == "KSA005" and e["name"] == "status-invalid", e
assert e["path"] == "engines/a/koder.toml", e
assert (e["line"], e["column"], e["end_column"]) == (9, 10, 18), e
assert "stabel" in e["message"] and "did you mean `stable`" in e["hint"], e
assert e["source_line"] == "status = \"stabel\"", e
w = [x for x in d if x["severity"] == "warning"][0]
assert (w["rule"], w["path"], w["line"], w["column"]) == ("KSA003", "products/b/koder.toml", 1, 1), w
'
# A clean run is JSON too, and exits 0.
expect_exit 0 koder-spec-audit self-hosted --validate engines/../products/b --format json
check_json "$OUT" 'assert doc["errors"] == 0 and doc["warnings"] == 1 and doc["files_checked"] == 1'
rm -r products
write_file engines/a/koder.toml "$(manifest_ok a)"
expect_exit 0 koder-spec-audit koder-toml --validate --format json
check_json "$OUT" 'assert doc["errors"] == 0 and doc["warnings"] == 0 and doc["diagnostics"] == []'
# --color always never colours JSON.
write_file engines/a/koder.toml "$(manifest_bad_status a)"
expect_exit 1 koder-spec-audit koder-toml --validate --format json --color always
expect_count "$OUT" "$(printf '\033')" 0
check_json "$OUT" 'assert doc["errors"] == 1'
# --cached and --rev name their source.
git add -A
expect_exit 1 koder-spec-audit koder-toml --validate --cached --format json
check_json "$OUT" 'assert "index" in doc["source"], doc["source"]'
end_case

begin_case "--format sarif: SARIF 2.1.0 with rule ids and relative URIs"
two_problem_repo
write_file "engines/my mod/koder.toml" "$(manifest_bad_status c)"
expect_exit 1 koder-spec-audit koder-toml --validate --format sarif
expect_empty "$ERR"
check_json "$OUT" '
assert doc["version"] == "2.1.0", doc["version"]
assert "sarif" in doc["$schema"]
run = doc["runs"][0]
driver = run["tool"]["driver"]
assert driver["name"] == "koder-spec-audit"
ids = [r["id"] for r in driver["rules"]]
for code in ["KSA%03d" % n for n in list(range(1, 11)) + list(range(14, 18))]:
    assert code in ids, (code, ids)
results = run["results"]
assert len(results) == 3, results
by_uri = {}
for r in results:
    loc = r["locations"][0]["physicalLocation"]
    uri = loc["artifactLocation"]["uri"]
    assert not uri.startswith("/") and ":" not in uri, uri
    assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert ids[r["ruleIndex"]] == r["ruleId"], r
    by_uri[uri] = (r, loc)
assert "%SRCROOT%" in run["originalUriBaseIds"]
r, loc = by_uri["engines/a/koder.toml"]
assert r["ruleId"] == "KSA005" and r["level"] == "error", r
assert loc["region"]["startLine"] == 9 and loc["region"]["startColumn"] == 10, loc
assert "stabel" in r["message"]["text"]
r, loc = by_uri["products/b/koder.toml"]
assert r["ruleId"] == "KSA003" and r["level"] == "warning", r
r, loc = by_uri["engines/my%20mod/koder.toml"]
assert r["ruleId"] == "KSA005"
'
# From a subfolder the URIs stay relative to the repository root.
(cd engines/a && koder-spec-audit self-hosted --validate . --format sarif) >"$OUT" 2>"$ERR" && fail "expected exit 1"
check_json "$OUT" '
uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]]
assert uris == ["engines/a/koder.toml"], uris
'
end_case

begin_case "colour: only on a terminal or with --color always, never with NO_COLOR"
two_problem_repo
esc=$(printf '\033')
expect_exit 1 koder-spec-audit koder-toml --validate
expect_count "$OUT" "$esc" 0
expect_exit 1 koder-spec-audit koder-toml --validate --color auto
expect_count "$OUT" "$esc" 0
expect_exit 1 koder-spec-audit koder-toml --validate --color always
[ "$(count_matches "$OUT" "$esc")" -gt 0 ] || fail "--color always printed no colour"
expect_contains "$OUT" "${esc}[1;31m"
expect_contains "$OUT" "${esc}[0m"
expect_exit 1 koder-spec-audit koder-toml --validate --color never
expect_count "$OUT" "$esc" 0
expect_exit 1 env NO_COLOR=1 koder-spec-audit koder-toml --validate --color always
expect_count "$OUT" "$esc" 0
# The hook writes to stderr: same rules there.
git add -A
expect_exit 1 koder-spec-audit hook pre-commit --color always
[ "$(count_matches "$ERR" "$esc")" -gt 0 ] || fail "hook --color always printed no colour"
expect_exit 1 env NO_COLOR=1 koder-spec-audit hook pre-commit --color always
expect_count "$ERR" "$esc" 0
expect_exit 1 koder-spec-audit hook pre-commit
expect_count "$ERR" "$esc" 0
# On a real terminal (a pseudo-terminal from script(1)), auto colours unless NO_COLOR.
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
    script -qec "koder-spec-audit koder-toml --validate" /dev/null >"$OUT" 2>"$ERR" </dev/null || true
    [ "$(count_matches "$OUT" "$esc")" -gt 0 ] || fail "no colour on a terminal"
    expect_contains "$OUT" "error"
    env NO_COLOR=1 script -qec "koder-spec-audit koder-toml --validate" /dev/null >"$OUT" 2>"$ERR" </dev/null || true
    expect_count "$OUT" "$esc" 0
    expect_contains "$OUT" "error[KSA005]"
    script -qec "koder-spec-audit koder-toml --validate --color never" /dev/null >"$OUT" 2>"$ERR" </dev/null || true
    expect_count "$OUT" "$esc" 0
else
    echo "  (no usable script(1): terminal colour checks skipped)"
fi
end_case

begin_case "escapes and control characters in values are never printed raw"
new_hooked_repo repo
# TOML escapes: ESC, a C1 CSI (U+009B), BEL and a carriage return inside values.
cat >engines.toml <<'EOF'
category = "engine"

[package]
name = "evil"

[self_hosted]
replaces = ["nginx"]
status = "\u001b[31mred\u001b[0m\u009b2J\u0007\r"
gates_passed = ["\u001b]0;title\u0007"]
gates_pending = []
EOF
mkdir -p engines/evil
mv engines.toml engines/evil/koder.toml
expect_exit 1 koder-spec-audit koder-toml --validate
expect_contains "$OUT" "error[KSA005]"
expect_contains "$OUT" "error[KSA007]"
expect_contains "$OUT" '\x1b[31mred'
expect_no_control_chars "$OUT"
expect_no_control_chars "$ERR"
[ "$(LC_ALL=C grep -c "$(printf '\033')" "$OUT")" = 0 ] || fail "raw ESC in the text output"
od -An -c "$OUT" | grep -q '033' && fail "od finds ESC (033) in the text output"
# Still escaped with colours on: the only ESC bytes are the tool's own SGR sequences.
expect_exit 1 koder-spec-audit koder-toml --validate --color always
LC_ALL=C sed "s/$(printf '\033')\[[0-9;]*m//g" "$OUT" >"$TEST_IO/stripped"
expect_no_control_chars "$TEST_IO/stripped"
# JSON and SARIF encode them (\u001b) and keep the value intact.
expect_exit 1 koder-spec-audit koder-toml --validate --format json
expect_no_control_chars "$OUT" c0
check_json "$OUT" '
msgs = [x["message"] for x in doc["diagnostics"]]
assert any("\x1b[31mred" in m for m in msgs), msgs
'
expect_exit 1 koder-spec-audit koder-toml --validate --format sarif
expect_no_control_chars "$OUT" c0
# Through a real commit: the pusher's terminal gets escaped text too.
git add -A
commit_rejected -m evil
expect_contains "$ERR" "error[KSA005]"
expect_no_control_chars "$ERR"
end_case

begin_case "raw control characters in the file and in file names are escaped"
new_hooked_repo repo
newline_dir=$(printf 'engines/new\nline')
escape_dir=$(printf 'engines/esc\033[31m\033]0;x\007')
c1_dir=$(printf 'engines/c1\302\233')
mkdir -p "$newline_dir" "$escape_dir" "$c1_dir"
# Invalid TOML whose excerpt line holds raw control bytes.
printf 'category = "engine" # \033[2J\007 clear\n' >"$newline_dir/koder.toml"
printf 'category = "x\033[31m"\n' >"$escape_dir/koder.toml"
printf 'category = "engine\r"\n' >"$c1_dir/koder.toml"
expect_exit 1 koder-spec-audit koder-toml --validate
expect_contains "$OUT" 'engines/new\nline/koder.toml:1:'
expect_contains "$OUT" 'engines/esc\x1b[31m\x1b]0;x\x07/koder.toml:1:'
expect_contains "$OUT" 'error[KSA001]'
expect_contains "$OUT" '\x1b[2J\x07 clear'
expect_contains "$OUT" "3 errors"
expect_no_control_chars "$OUT"
expect_no_control_chars "$ERR"
expect_exit 1 koder-spec-audit koder-toml --validate --format json
expect_no_control_chars "$OUT" c0
check_json "$OUT" '
paths = sorted(x["path"] for x in doc["diagnostics"])
assert "engines/new\nline/koder.toml" in paths, paths
assert "engines/esc\x1b[31m\x1b]0;x\x07/koder.toml" in paths, paths
'
expect_exit 1 koder-spec-audit koder-toml --validate --format sarif
expect_no_control_chars "$OUT" c0
expect_contains "$OUT" '"engines/new%0Aline/koder.toml"'
git add -A
commit_rejected -m "hostile names"
expect_contains "$ERR" 'engines/new\nline/koder.toml:1:'
expect_contains "$ERR" "3 errors"
expect_no_control_chars "$ERR"
expect_exit 1 koder-spec-audit hook pre-commit
expect_no_control_chars "$ERR"
end_case

begin_case "examples/monorepo validates clean in phase 5"
cp -R "$KSA_SOURCE_DIR/examples/monorepo" monorepo
cd monorepo
rm -rf .git
expect_exit 0 koder-spec-audit koder-toml --validate --phase 5
expect_contains "$OUT" "koder-spec-audit: 19 manifests checked in the working tree, no problems (phase 5)"
expect_exit 0 koder-spec-audit self-hosted --validate --phase 5
expect_contains "$OUT" "19 manifests checked"
expect_exit 0 koder-spec-audit self-hosted --validate --phase 5 engines/lang/lang infra/lock
expect_contains "$OUT" "4 manifests checked"
expect_exit 0 koder-spec-audit koder-toml --validate --phase 5 --format json
check_json "$OUT" 'assert doc["files_checked"] == 19 and doc["errors"] == 0 and doc["warnings"] == 0'
# Committed through the hook with a strict configuration, then read back from git.
git init -q .
install_hook .
printf '[audit]\nphase = 5\n' >.koder-spec-audit.toml
git add -A
commit_ok -m "the example monorepo"
expect_contains "$ERR" "19 manifests and the registry meta/docs/stack/registries/self-hosted-pairs.md checked in the staged changes, no problems (phase 5)"
expect_exit 0 koder-spec-audit koder-toml --validate --rev HEAD
expect_contains "$OUT" "19 manifests checked"
expect_contains "$OUT" "(phase 5)"
expect_exit 0 koder-spec-audit koder-toml --validate --cached --phase 5
expect_contains "$OUT" "19 manifests checked"
end_case

begin_case "the hook's JSON and SARIF reports on stderr are parseable"
new_hooked_repo repo
write_file engines/a/koder.toml "$(manifest_bad_status a)"
git add -A
expect_exit 1 koder-spec-audit hook pre-commit --format json
expect_empty "$OUT"
check_json "$ERR" 'assert doc["diagnostics"][0]["rule"] == "KSA005" and "staged" in doc["source"]'
expect_exit 1 koder-spec-audit hook pre-commit --format sarif
check_json "$ERR" 'assert doc["runs"][0]["results"][0]["ruleId"] == "KSA005"'
end_case

finish
