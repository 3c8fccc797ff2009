#!/usr/bin/env bash
# KSA011, the anti-drift heuristic (RFC-002 §3.4), through the real pre-commit hook and a
# real pre-receive push: each signal alone, the declaration that silences it, phase 5, a
# changed precedent list re-judging every module, and broken precedent lists.
. "$(dirname -- "$0")/lib.sh"

# product_manifest NAME: a manifest with no [self_hosted] block and a category that does not
# oblige one (so only KSA011 can speak).
product_manifest() {
    printf 'category = "runtime-lib"\n\n[package]\nname = "%s"\nversion = "1.0.0"\n' "$1"
}

claude_md() {
    printf '# Context\n\n## Arquitetura de Referência\n\n- %s\n\n## Other\n\n- `not-cited`\n' "$1"
}

begin_case "a koder- name outside products/ alone: KSA011 warns, the commit passes (phase 4)"
new_hooked_repo repo
write_file libs/cache/koder.toml "$(product_manifest koder-cache)"
git add -A
commit_ok -m "cache"
expect_contains "$ERR" 'libs/cache/koder.toml:1:12: warning[KSA011]: module looks like a self-hosted candidate'
expect_contains "$ERR" 'its name `koder-cache` starts with `koder-` outside products/'
end_case

begin_case "a koder- name under products/: no finding"
new_hooked_repo repo
write_file products/horizontal/notes/koder.toml "$(product_manifest koder-notes)"
git add -A
commit_ok -m "notes"
expect_not_contains "$ERR" "KSA011"
end_case

begin_case "each candidate path alone: engines/sdk/, infra/, products/dev/"
new_hooked_repo repo
for dir in engines/sdk/kt infra/cron products/dev/ide; do
    write_file "$dir/koder.toml" "$(product_manifest "plain-$(basename "$dir")")"
    git add -A
    commit_ok -m "$dir"
    expect_contains "$ERR" "$dir/koder.toml:1:12: warning[KSA011]"
    expect_contains "$ERR" "its path is under ${dir%/*}/"
done
end_case

begin_case "a name in CLAUDE.md § Arquitetura de Referência alone"
new_hooked_repo repo
write_file meta/context/CLAUDE.md "$(claude_md '`kicon` is the icon generator')"
write_file tools/kicon/koder.toml "$(product_manifest kicon)"
write_file tools/other/koder.toml "$(product_manifest not-cited)"
git add -A
commit_ok -m "kicon"
expect_contains "$ERR" 'tools/kicon/koder.toml:1:12: warning[KSA011]'
expect_contains "$ERR" 'its name `kicon` is listed in meta/context/CLAUDE.md (section "Arquitetura de Referência")'
expect_not_contains "$ERR" "tools/other/koder.toml"
end_case

begin_case "a name in web-server.kmd's precedent list alone"
new_hooked_repo repo
write_file meta/docs/stack/policies/web-server.kmd "$(printf '# Web server\n\n## Precedents\n\n- `jetty-proxy`\n')"
write_file tools/proxy/koder.toml "$(product_manifest jetty-proxy)"
git add -A
commit_ok -m "proxy"
expect_contains "$ERR" 'tools/proxy/koder.toml:1:12: warning[KSA011]'
expect_contains "$ERR" 'is listed in meta/docs/stack/policies/web-server.kmd (section "Precedents")'
end_case

begin_case "category engine alone is KSA010's; with another signal KSA010's hint names it, no KSA011"
new_hooked_repo repo
write_file libs/eng/koder.toml "$(printf 'category = "engine"\n\n[package]\nname = "eng"\n')"
write_file infra/tool/koder.toml "$(printf 'category = "infra-tooling"\n\n[package]\nname = "tool"\n')"
git add -A
commit_ok -m "engines"
expect_contains "$ERR" "libs/eng/koder.toml:1:12: warning[KSA010]"
expect_contains "$ERR" "infra/tool/koder.toml:1:12: warning[KSA010]"
expect_contains "$ERR" "the anti-drift heuristic agrees: its path is under infra/"
expect_not_contains "$ERR" "KSA011"
end_case

begin_case "[no_external_alternative] or a [self_hosted] fragment: not flagged"
new_hooked_repo repo
write_file infra/lock/koder.toml "$(product_manifest koder-lock; printf '\n[no_external_alternative]\nreason = "internal"\n')"
write_file infra/cache/koder.toml "$(product_manifest koder-cache)"
write_file infra/cache/self-hosted/koder_kv.toml "$(printf '[self_hosted]\nreplaces = ["redis"]\nstatus = "experimental"\ngates_passed = []\ngates_pending = ["stability"]\n')"
git add -A
commit_ok -m "declared" --no-verify
write_file infra/lock/koder.toml "$(product_manifest koder-lock; printf '\n[no_external_alternative]\nreason = "still internal"\n')"
git add -A
expect_exit 0 koder-spec-audit self-hosted --validate --phase 5
expect_not_contains "$OUT" "KSA011"
commit_ok -m "reason"
expect_not_contains "$ERR" "KSA011"
end_case

begin_case "phase 5 turns the warning into a rejected commit"
new_hooked_repo repo
write_file .koder-spec-audit.toml "$(printf '[audit]\nphase = 5\n')"
write_file libs/cache/koder.toml "$(product_manifest koder-cache)"
git add -A
commit_rejected -m "cache"
expect_contains "$ERR" "libs/cache/koder.toml:1:12: error[KSA011]"
end_case

begin_case "a changed precedent list re-judges every module (KSA011 only); phase 5 rejects"
new_hooked_repo repo
write_file .koder-spec-audit.toml "$(printf '[audit]\nphase = 5\n')"
write_file tools/kicon/koder.toml "$(product_manifest kicon)"
write_file tools/bad/koder.toml "$(printf '[package]\nname = "bad"\n')"  # KSA003 in phase 5, not this commit's
git add -A
git commit -q --no-verify -m "modules"
write_file meta/context/CLAUDE.md "$(claude_md '`kicon`')"
git add -A
commit_rejected -m "cite kicon"
expect_contains "$ERR" "tools/kicon/koder.toml:1:12: error[KSA011]"
expect_not_contains "$ERR" "KSA003"
# The configured list path is what is watched.
write_file .koder-spec-audit.toml "$(printf '[audit]\nphase = 5\n[heuristic]\nprecedent_files = ["docs/list.md"]\n')"
git add -A
commit_ok -m "list elsewhere"
write_file docs/list.md '- `kicon`'
git add -A
commit_rejected -m "cite kicon elsewhere"
expect_contains "$ERR" "tools/kicon/koder.toml:1:12: error[KSA011]"
expect_contains "$ERR" "is listed in docs/list.md"
end_case

begin_case "broken precedent lists: a warning (KSA019), never a crash or a rejection"
new_hooked_repo repo
mkdir -p meta/context
printf 'bin\000ary' >meta/context/CLAUDE.md
write_file meta/docs/stack/policies/web-server.kmd "# Web server (no list here)"
write_file libs/a/koder.toml "$(product_manifest a)"
git add -A
commit_ok -m "a"
expect_contains "$ERR" "meta/context/CLAUDE.md: warning[KSA019]: precedent list is binary"
expect_contains "$ERR" 'meta/docs/stack/policies/web-server.kmd: warning[KSA019]: precedent list has no section headed "Precedents"'
write_file .koder-spec-audit.toml "$(printf '[audit]\nphase = 5\n[heuristic]\nprecedent_files = ["docs/gone.md"]\n')"
write_file libs/a/koder.toml "$(product_manifest a; echo '# touched')"
git add -A
commit_ok -m "configured list missing"
expect_contains "$ERR" "docs/gone.md: warning[KSA019]: precedent list does not exist"
# A malformed [heuristic] table is a configuration error: exit 2 (could not run).
write_file .koder-spec-audit.toml "$(printf '[heuristic]\nprecedent_files = ["../outside.md"]\n')"
expect_exit 2 koder-spec-audit self-hosted --validate
expect_contains "$ERR" "heuristic.precedent_files"
end_case

begin_case "pre-receive: a pushed commit that cites a module in a precedent list is rejected in phase 5"
git init -q --bare server.git
mkdir -p server.git/hooks
ln -s -- "$KSA_SOURCE_DIR/hooks/pre-receive" server.git/hooks/pre-receive
git -C server.git config koder-audit.phase 5
SERVER=$(cd server.git && pwd -P)
new_repo client
cd client
git remote add origin "file://$SERVER"
write_file tools/kicon/koder.toml "$(product_manifest kicon)"
git add -A
git commit -q -m "kicon"
push_ok origin main
write_file meta/context/CLAUDE.md "$(claude_md '`kicon`')"
git add -A
git commit -q -m "cite kicon"
push_rejected origin main
expect_contains "$ERR" "error[KSA011]"
expect_contains "$ERR" "tools/kicon/koder.toml"
# The server decides which lists count: with its own list configured, CLAUDE.md is just a file.
git -C "$SERVER" config koder-audit.precedentFile docs/list.md
push_ok origin main
write_file docs/list.md '- `kicon`'
git add -A
git commit -q -m "cite kicon in the server's list"
push_rejected origin main
expect_contains "$ERR" "is listed in docs/list.md"
end_case

finish
