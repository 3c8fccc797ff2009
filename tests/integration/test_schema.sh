#!/usr/bin/env bash
# `koder-spec-audit schema`: the JSON Schema of koder.toml, checked with taplo itself (@taplo/cli,
# which install/setup.sh --test installs from the npm registry), the way docs/editors.md tells
# editors to use it: a taplo.toml [[rule]] with schema.path, and the `#:schema` directive.
. "$(dirname -- "$0")/lib.sh"

# taplo_lint ARGS...: taplo lint, offline (no schema catalogue), its log quiet.
taplo_lint() {
    RUST_LOG=error taplo lint --no-auto-config "$@"
}

# example_with_rules: a copy of the example monorepo with both schemas and a taplo.toml
# pointing at them, as docs/editors.md writes it.
example_with_rules() {
    cp -R "$KSA_SOURCE_DIR/examples/monorepo" monorepo
    koder-spec-audit -C monorepo schema >monorepo/koder.schema.json
    koder-spec-audit -C monorepo schema --fragment >monorepo/koder-fragment.schema.json
    cat >monorepo/taplo.toml <<'EOF'
[[rule]]
include = ["**/koder.toml"]
schema.path = "koder.schema.json"

[[rule]]
include = ["**/self-hosted/koder_*.toml"]
schema.path = "koder-fragment.schema.json"
EOF
}

begin_case "taplo is installed (install/setup.sh --test installs @taplo/cli)"
command -v taplo >/dev/null 2>&1 ||
    fail "taplo not found on PATH: run install/setup.sh --test, or npm install -g @taplo/cli"
end_case

begin_case "the schema is draft-07 JSON naming every category and status"
expect_exit 0 koder-spec-audit schema
python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); assert s["$schema"] == "http://json-schema.org/draft-07/schema#"' "$OUT" ||
    fail "not a draft-07 JSON Schema"
for word in product engine infra-tooling runtime-lib protocol sdk-binding experimental stable official legacy \
    no_external_alternative skipped rationale; do
    expect_contains "$OUT" "\"$word\""
done
expect_empty "$ERR"
end_case

begin_case "the example monorepo passes taplo with the taplo.toml rules (modules and fragments)"
example_with_rules
cd monorepo
expect_exit 0 taplo lint
expect_exit 0 taplo lint engines/lang/lang/self-hosted/koder_link.toml engines/kodec/koder.toml
end_case

begin_case "a bad status fails taplo, at its line, with the allowed values"
example_with_rules
cd monorepo
sed -i 's/^status = "stable"/status = "stabel"/' engines/kodec/koder.toml
expect_exit 1 taplo lint engines/kodec/koder.toml
expect_contains "$ERR" '"stabel" is not one of ["experimental","stable","official","legacy"]'
expect_contains "$ERR" "engines/kodec/koder.toml:15:10"
# The tool agrees (KSA005).
expect_exit 1 koder-spec-audit koder-toml --validate engines/kodec
expect_contains "$OUT" "error[KSA005]"
end_case

begin_case "the #:schema directive: each rule family the schema carries"
koder-spec-audit schema >koder.schema.json
koder-spec-audit schema --fragment >fragment.schema.json
schema_url="file://$PWD/koder.schema.json"
# lint_module NAME BODY: a module manifest using the directive.
lint_module() {
    printf '#:schema %s\n%s\n' "$schema_url" "$2" >"$1.toml"
    set +e
    taplo_lint "$1.toml" >"$OUT" 2>"$ERR"
    LAST_EXIT=$?
    set -e
}
good=$(manifest_ok a)
lint_module good "$good"
[ "$LAST_EXIT" = 0 ] || fail "a valid manifest fails taplo"
lint_module category "$(printf '%s\n' "$good" | sed 's/^category = .*/category = "engin"/')"
[ "$LAST_EXIT" = 1 ] || fail "a bad category passes taplo"
expect_contains "$ERR" '"engin" is not one of'
lint_module gate "$(printf '%s\n' "$good" | sed 's/^gates_pending = .*/gates_pending = ["perfomance"]/')"
[ "$LAST_EXIT" = 1 ] || fail "a misspelled gate passes taplo"
expect_contains "$ERR" '"perfomance" does not match'
lint_module gate_ref "$(printf '%s\n' "$good" | sed 's/^gates_passed = .*/gates_passed = ["capability:tls:hot_path = bench\/tls.md"]/')"
[ "$LAST_EXIT" = 0 ] || fail "capability:NAME:CASE = REF fails taplo"
lint_module missing "$(printf '%s\n' "$good" | sed '/^replaces/d')"
[ "$LAST_EXIT" = 1 ] || fail "a block without replaces passes taplo"
expect_contains "$ERR" '"replaces" is a required property'
lint_module official "$(manifest_ok a official)"
[ "$LAST_EXIT" = 1 ] || fail "official with a gate pending for every case passes taplo (KSA009)"
lint_module both "$(printf '%s\n\n[no_external_alternative]\nreason = "none"' "$good")"
[ "$LAST_EXIT" = 1 ] || fail "[self_hosted] with [no_external_alternative] passes taplo (KSA014)"
lint_module skipped "$(printf '%s\n\n[[self_hosted.skipped]]\nexternal = "x"\ndate = "2026-5-2"' "$good")"
[ "$LAST_EXIT" = 1 ] || fail "a skipped pair without rationale and with a bad date passes taplo"
expect_contains "$ERR" '"rationale" is a required property'
printf '#:schema file://%s\n%s\n' "$PWD/fragment.schema.json" \
    "$(printf 'category = "engine"\n\n[self_hosted]\nreplaces = ["ld"]\nstatus = "stable"\ngates_passed = []\ngates_pending = []')" \
    >koder_ld.toml
expect_exit 1 taplo_lint koder_ld.toml
end_case

begin_case "the phase decides what the schema refuses: unknown keys are errors only in phase 5"
write_file manifest.toml "$(manifest_ok a | sed 's/^status = .*/&\nstatuz = "x"/')"
koder-spec-audit schema >phase4.json
koder-spec-audit schema --phase 5 >phase5.json
expect_exit 0 taplo_lint --schema "file://$PWD/phase4.json" manifest.toml
expect_exit 1 taplo_lint --schema "file://$PWD/phase5.json" manifest.toml
write_file .koder-spec-audit.toml "$(printf '[audit]\nphase = 5')"
expect_exit 0 koder-spec-audit schema
cmp -s "$OUT" phase5.json || fail "audit.phase = 5 in the file does not give phase 5's schema"
end_case

begin_case "bad invocations: arguments, formats, a broken configuration (exit 2, the reason)"
expect_exit 2 koder-spec-audit schema engines/a
expect_contains "$ERR" "unexpected argument 'engines/a'"
expect_exit 2 koder-spec-audit schema --format sarif
expect_contains "$ERR" "--format 'sarif': schema writes json"
write_file .koder-spec-audit.toml "$(printf '[audit]\nphase = 9')"
expect_exit 2 koder-spec-audit schema
expect_contains "$ERR" ".koder-spec-audit.toml"
end_case

finish
