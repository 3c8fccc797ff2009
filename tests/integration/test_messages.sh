#!/usr/bin/env bash
# What the messages say, through the real command and real commits: the KSA005 hint for the
# seed registry's "planning", a commit refused only for the registry (KSA012) names the
# registry rather than "the staged manifests", and --report --check refuses --output.
. "$(dirname -- "$0")/lib.sh"

REGISTRY=meta/docs/stack/registries/self-hosted-pairs.md

begin_case "status = \"planning\" (the seed registry's value) gets the hint experimental"
new_hooked_repo repo
write_file engines/kx/koder.toml "$(manifest_ok kx planning)"
expect_exit 1 koder-spec-audit self-hosted --validate
expect_contains "$OUT" 'error[KSA005]: `status = "planning"` is not a known status'
expect_contains "$OUT" 'help: did you mean `experimental`? ("planning" is not a status: a component not built yet is experimental; expected one of: `experimental`, `stable`, `official`, `legacy`)'
git add -A
commit_rejected -m "planning"
expect_contains "$ERR" 'did you mean `experimental`?'
end_case

begin_case "a commit refused only for a hand-edited registry names the registry, not the manifests"
new_hooked_repo repo
write_file engines/kx/koder.toml "$(manifest_ok kx)"
koder-spec-audit self-hosted --report >/dev/null 2>&1
git add -A
commit_ok -m "kx and its registry"
sed -i 's/| nginx |/| nginx, caddy |/' "$REGISTRY"
grep -q 'nginx, caddy' "$REGISTRY" || fail "the hand edit did not apply"
git add -A
commit_rejected -m "hand edit"
expect_contains "$ERR" "error[KSA012]"
expect_contains "$ERR" "koder-spec-audit: 1 error, 0 warnings in 0 manifests and the registry $REGISTRY checked in the staged changes (phase 4)"
expect_contains "$ERR" "koder-spec-audit: commit rejected; the registry $REGISTRY is not what the manifests generate: run \`koder-spec-audit self-hosted --report\` (or the hook with --fix) and stage it"
expect_not_contains "$ERR" "fix the staged manifests"
# A manifest error and a registry error: both are named.
sed -i 's/^status = .*/status = "stabel"/' engines/kx/koder.toml
git add -A
commit_rejected -m "hand edit and a bad status"
expect_contains "$ERR" "in 1 manifest and the registry $REGISTRY checked"
expect_contains "$ERR" "commit rejected; fix the staged manifests and regenerate the registry $REGISTRY"
end_case

begin_case "--report --check --output: refused, since --check writes nothing"
new_repo repo
cd repo
write_file engines/kx/koder.toml "$(manifest_ok kx)"
expect_exit 2 koder-spec-audit self-hosted --report --check --output out.md
expect_contains "$ERR" "koder-spec-audit: error: --check compares the committed registry and writes nothing: give --output without --check to write the registry elsewhere"
[ ! -e out.md ] || fail "--check wrote out.md"
expect_empty "$OUT"
end_case

finish
