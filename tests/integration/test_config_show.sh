#!/usr/bin/env bash
# `config --show`: every setting with its effective value and where it came from, from the
# configuration file of the chosen tree and the command line, or (--server) from git config.
. "$(dirname -- "$0")/lib.sh"

begin_case "without a file every setting is the default; json says the same"
new_repo repo
cd repo
expect_exit 0 koder-spec-audit config --show
expect_contains "$OUT" "(default) audit.phase = 4"
expect_contains "$OUT" "(default) audit.max_manifest_bytes = 1048576"
expect_contains "$OUT" "(default) audit.max_nesting_depth = 64"
expect_contains "$OUT" '(default) registry.path = "meta/docs/stack/registries/self-hosted-pairs.md"'
expect_contains "$OUT" '(default) registry.stale = "warning"'
expect_contains "$OUT" '(default) heuristic.precedent_files = ["meta/context/CLAUDE.md#Arquitetura de Referência", "meta/docs/stack/policies/web-server.kmd#Precedents"]'
expect_count "$OUT" "" 6
expect_not_contains "$OUT" "koder-audit."
expect_empty "$ERR"
expect_exit 0 koder-spec-audit config --show --format json
python3 -m json.tool "$OUT" >/dev/null || fail "config --show JSON is not valid"
expect_contains "$OUT" '"view": "file"'
expect_contains "$OUT" '"kind": "default"'
end_case

begin_case "the file's values name their line, the command line's its option, and win"
new_repo repo
cd repo
write_file .koder-spec-audit.toml '# settings
[audit]
phase = 5

[registry]
stale = "error"
[heuristic]
precedent_files = ["docs/list.md#Precedents"]'
expect_exit 0 koder-spec-audit config --show
expect_contains "$OUT" "(.koder-spec-audit.toml:3) audit.phase = 5"
expect_contains "$OUT" '(.koder-spec-audit.toml:6) registry.stale = "error"'
expect_contains "$OUT" '(.koder-spec-audit.toml:8) heuristic.precedent_files = ["docs/list.md#Precedents"]'
expect_exit 0 koder-spec-audit config --show --phase 4 --max-nesting-depth 8
expect_contains "$OUT" "(command line: --phase) audit.phase = 4"
expect_contains "$OUT" "(command line: --max-nesting-depth) audit.max_nesting_depth = 8"
expect_exit 0 koder-spec-audit config --show --phase 4 --format json
expect_contains "$OUT" '"kind": "command-line"'
expect_contains "$OUT" '"line": 6'
# The same tree as the other commands: the index, a revision.
git add .koder-spec-audit.toml
git commit -q -m settings
sed -i 's/phase = 5/phase = 4/' .koder-spec-audit.toml
expect_exit 0 koder-spec-audit config --show
expect_contains "$OUT" "(.koder-spec-audit.toml:3) audit.phase = 4"
expect_exit 0 koder-spec-audit config --show --rev HEAD
expect_contains "$OUT" "(.koder-spec-audit.toml:3) audit.phase = 5"
expect_exit 0 koder-spec-audit config --show --cached
expect_contains "$OUT" "(.koder-spec-audit.toml:3) audit.phase = 5"
end_case

begin_case "a malformed file stops it as it stops the commands; values are escaped"
new_repo repo
cd repo
write_file .koder-spec-audit.toml '[audit]
phase = 6'
expect_exit 2 koder-spec-audit config --show
expect_contains "$ERR" 'koder-spec-audit: error: .koder-spec-audit.toml:2:9: `audit.phase` must be the integer 4 or 5'
expect_exit 2 koder-spec-audit self-hosted --validate
expect_contains "$ERR" '.koder-spec-audit.toml:2:9: `audit.phase` must be the integer 4 or 5'
write_file .koder-spec-audit.toml '[registry]
path = "docs/\u001b[31mreg.md"'
expect_exit 0 koder-spec-audit config --show
expect_contains "$OUT" '(.koder-spec-audit.toml:2) registry.path = "docs/\u001B[31mreg.md"'
expect_no_control_chars "$OUT"
end_case

begin_case "--server: each koder-audit value with the git config file it was read from"
git init -q --bare server.git
cd server.git
git config koder-audit.mode warn
git config --add koder-audit.overrideUser alice
git config --add koder-audit.overrideUser "bob, carol"
git config --global koder-audit.maxCommits 50
printf '[koder-audit]\n\tphase = 5\n\tmode = enforce\n' >"$CASE_DIR/server-wide.conf"
git config koder-audit.configFile "$CASE_DIR/server-wide.conf"
expect_exit 0 koder-spec-audit config --show --server
expect_contains "$OUT" 'server.git/config) koder-audit.mode = "warn"'
expect_contains "$OUT" 'server.git/config) koder-audit.overrideUser = ["alice", "bob", "carol"]'
expect_contains "$OUT" "($HOME/.gitconfig) koder-audit.maxCommits = 50"
expect_contains "$OUT" "($CASE_DIR/server-wide.conf) koder-audit.phase = 5"
expect_contains "$OUT" '(default) koder-audit.trustedRef = ["refs/heads/*", "refs/tags/*"]'
expect_contains "$OUT" "(default) koder-audit.allowReplaceRefs = false"
expect_exit 0 koder-spec-audit config --show --server --max-nesting-depth 9 --format json
python3 -m json.tool "$OUT" >/dev/null || fail "config --show --server JSON is not valid"
expect_contains "$OUT" '"view": "server"'
expect_contains "$OUT" '"kind": "git-config"'
expect_contains "$OUT" '"kind": "command-line"'
expect_contains "$OUT" '"key": "koder-audit.overrideUser"'
# A bad value stops it with the same words as the hook.
git config koder-audit.phase 6
expect_exit 2 koder-spec-audit config --show --server
expect_contains "$ERR" 'koder-audit.phase = "6": expected 4 or 5'
git config --unset koder-audit.phase
git config koder-audit.typo 1
expect_exit 2 koder-spec-audit config --show --server
expect_contains "$ERR" "unknown key koder-audit.typo"
end_case

finish
