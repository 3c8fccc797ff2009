#!/usr/bin/env bash
# The main job on the example monorepo: validate all of it, then show the pre-commit hook
# accepting a clean commit and rejecting a bad one, in a scratch copy under a temp folder.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tool=${KODER_SPEC_AUDIT:-$(command -v koder-spec-audit || echo "$here/../build/src/koder-spec-audit")}
[ -x "$tool" ] || { echo "demo: koder-spec-audit not found; run install/setup.sh first" >&2; exit 2; }
export KODER_SPEC_AUDIT=$tool

show() { printf '\n$ %s\n' "$*"; }

echo "1. Validate every koder.toml and fragment of examples/monorepo (17 active pairs):"
show koder-spec-audit -C examples/monorepo self-hosted --validate
"$tool" -C "$here/monorepo" self-hosted --validate

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -R "$here/monorepo" "$scratch/monorepo"
cd "$scratch/monorepo"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=Demo GIT_AUTHOR_EMAIL=demo@example.invalid
export GIT_COMMITTER_NAME=Demo GIT_COMMITTER_EMAIL=demo@example.invalid
git init -q -b main .
ln -s "$here/../hooks/pre-commit" .git/hooks/pre-commit

printf '\n2. A scratch copy as a git repository with the pre-commit hook installed; first commit:\n'
show git add -A '&&' git commit -m "Import the monorepo"
git add -A
git commit -q -m "Import the monorepo"
git log --oneline

printf '\n3. Someone marks kodec official while its HEVC/AV1/VP9 gates are pending, with a typo:\n'
sed -i 's/^status = "stable"/status = "oficial"/' engines/kodec/koder.toml
show git commit -am "kodec goes official"
set +e
git commit -q -am "kodec goes official"
status=$?
set -e
if [ "$status" -eq 0 ]; then
    echo "demo: the hook accepted a bad commit" >&2
    exit 1
fi
echo "(git commit exited $status: the commit was rejected)"

printf '\n4. With the typo fixed and `cases` dropped, kodec claims official for every codec while HEVC/AV1/VP9 gates are pending:\n'
sed -i 's/^status = "oficial"/status = "official"/; /^cases = /d' engines/kodec/koder.toml
show git commit -am "kodec goes official"
set +e
git commit -q -am "kodec goes official"
status=$?
set -e
[ "$status" -ne 0 ] || { echo "demo: the hook accepted a bad commit" >&2; exit 1; }
echo "(git commit exited $status: rejected again)"

printf '\n5. Back to the committed declaration, a version bump goes through:\n'
git checkout -q -- engines/kodec/koder.toml
sed -i 's/^version = "\(.*\)"/version = "\1-demo"/' engines/kodec/koder.toml
show git commit -am "kodec: bump version"
git commit -q -am "kodec: bump version"
git log --oneline
printf '\n6. The registry of self-hosted pairs is generated from the manifests; it is up to date:\n'
registry=meta/docs/stack/registries/self-hosted-pairs.md
show koder-spec-audit self-hosted --report --check
"$tool" self-hosted --report --check
sed -n '7p' "$registry"

printf '\n7. Editing the generated registry by hand is refused:\n'
sed -i 's/^| 1 | \*\*kodec\*\*/| 1 | **kodec (best codec)**/' "$registry"
show git commit -am "registry: praise kodec"
set +e
git commit -q -am "registry: praise kodec"
status=$?
set -e
[ "$status" -ne 0 ] || { echo "demo: the hook accepted a hand-edited registry" >&2; exit 1; }
echo "(git commit exited $status: rejected)"
git checkout -q -- "$registry"

printf '\n8. A new SDK module with no [self_hosted] block: the anti-drift heuristic (KSA011) warns (phase 4):\n'
mkdir -p engines/sdk/go
printf 'category = "sdk-binding"\n\n[package]\nname = "koder-sdk-go"\nversion = "0.4.0"\n' >engines/sdk/go/koder.toml
show git add engines/sdk/go '&&' git commit -m "Go SDK"
git add engines/sdk/go
git commit -q -m "Go SDK"
git log --oneline -1

printf '\n9. Evidence for the passed gates: Koder Jet has its benchmark, consumers and changelog; kodec claims\n   performance and production without them; and this fresh history has none of the releases\n   their stability claims need (G3):\n'
show koder-spec-audit self-hosted --gate-check infra/net/jet engines/kodec
set +e
"$tool" self-hosted --gate-check infra/net/jet engines/kodec
status=$?
set -e
[ "$status" -eq 1 ] || { echo "demo: gate-check should find kodec's unbacked claims" >&2; exit 1; }

printf '\n10. The decision protocol, from the registry data:\n'
show koder-spec-audit self-hosted --decide '"an mp3 decoder instead of ffmpeg"'
"$tool" self-hosted --decide "an mp3 decoder instead of ffmpeg"

printf '\n11. The stability gate (G3) from git history: kodec ships three more releases (one tagged):\n'
for version in 1.7.0 1.8.0 1.9.0; do
    sed -i "s/^version = .*/version = \"$version\"/" engines/kodec/koder.toml
    git commit -q -am "kodec $version" >/dev/null
done
git tag kodec-v1.9.0
git log --oneline -4
show koder-spec-audit self-hosted --history engines/kodec
"$tool" self-hosted --history engines/kodec
show koder-spec-audit self-hosted --gate-check engines/kodec '|' grep KSA023 '||' echo "no KSA023: stability is earned"
"$tool" self-hosted --gate-check engines/kodec | grep KSA023 || echo "no KSA023: stability is earned"

echo
echo "Demo finished: a clean import, three rejected commits, two accepted changes, an up-to-date registry,"
echo "an anti-drift warning, an evidence check, a decision and the stability gate from history."
