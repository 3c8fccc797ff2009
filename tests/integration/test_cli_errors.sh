#!/usr/bin/env bash
# Usage errors through the real binary: each is one line on stderr that starts with
# "koder-spec-audit: error:", names the word the user typed and says what is allowed, with
# exit 2 and nothing on stdout. --help and --version stay exit 0.
. "$(dirname -- "$0")/lib.sh"

# usage_error WANTED ARGS...: exit 2, a single stderr line starting with the prefix and
# containing WANTED, stdout empty.
usage_error() {
    wanted=$1
    shift
    expect_exit 2 koder-spec-audit "$@"
    expect_empty "$OUT"
    [ "$(wc -l <"$ERR")" -eq 1 ] || fail "expected one line on stderr for: $*"
    head -c 25 "$ERR" | grep -q -F "koder-spec-audit: error:" || fail "stderr must start with 'koder-spec-audit: error:' for: $*"
    expect_contains "$ERR" "$wanted"
    expect_no_control_chars "$ERR"
}

begin_case "unknown commands and options name the word and what is allowed"
new_repo repo
cd repo
usage_error "unknown command 'bogus-sub'; the commands are self-hosted, koder-toml, hook, rules, schema, config and man-page" bogus-sub
usage_error "unknown command 'self-hostd' (did you mean 'self-hosted'?); the commands are" self-hostd --validate
usage_error "unknown option '--frobnicate': before the command only -C DIR, --help and --version are allowed" --frobnicate
usage_error "unknown option '--frobnicate' for self-hosted; koder-spec-audit self-hosted --help lists its options" \
    self-hosted --frobnicate
usage_error "unknown option '--validat' for self-hosted (did you mean '--validate'?)" self-hosted --validat
usage_error "unknown option '--fix2' for hook pre-commit (did you mean '--fix'?)" hook pre-commit --fix2
usage_error "unknown option '--format': before the command only -C DIR" --format json self-hosted --validate
usage_error "koder-spec-audit needs a command: self-hosted, koder-toml, hook, rules, schema, config or man-page"
usage_error "hook needs a command: pre-commit, pre-receive or pre-push" hook
usage_error "unknown command 'update'; the commands are pre-commit, pre-receive and pre-push" hook update
usage_error "unexpected argument 'extra': rules takes no such argument" rules extra
usage_error "koder-toml needs --validate" koder-toml engines/x
end_case

begin_case "values: the option, the word, and the values allowed; numbers are not enum names"
new_repo repo
cd repo
usage_error "--format 'xml': not an output format; use text, json or sarif" self-hosted --validate --format xml
# A number used to be taken as the enum's value (1 = json).
usage_error "--format '1': not an output format; use text, json or sarif" self-hosted --validate --format 1
# Markdown and SVG are --history's reports only (--report's Markdown is the registry).
usage_error "--format 'svg': self-hosted --validate writes text, json or sarif" self-hosted --validate --format svg
usage_error "--format 'markdown': self-hosted --gate-check writes text, json or sarif" self-hosted --gate-check --format markdown
usage_error "--format 'svg': hook pre-commit writes text, json or sarif" hook pre-commit --format svg
usage_error "--format 'sarif': self-hosted --history writes text, json, markdown or svg" self-hosted --history --format sarif
usage_error "--color 'blue': not a colour setting; use auto, always or never" self-hosted --validate --color blue
usage_error "--max-manifest-bytes '0': out of range; give a whole number of bytes, at least 1" \
    self-hosted --validate --max-manifest-bytes 0
expect_not_contains "$ERR" "179769"
usage_error "--max-manifest-bytes '99999999999999999999999': out of range" self-hosted --validate --max-manifest-bytes 99999999999999999999999
usage_error "--max-manifest-bytes 'ten': not a whole number; give a whole number of bytes, at least 1" \
    koder-toml --validate --max-manifest-bytes ten
usage_error "--max-nesting-depth '2000': out of range; give a whole number from 1 to 1024" \
    koder-toml --validate --max-nesting-depth 2000
usage_error "--phase '3': not a rollout phase; use 4 (advisory) or 5 (strict)" self-hosted --validate --phase 3
usage_error "--jobs '0': out of range; give a whole number from 1 to 64" self-hosted --history --jobs 0
usage_error "--timeout '0': out of range; give seconds from 0.1 to 60" self-hosted --gate-check --online --timeout 0
usage_error "--timeout 'soon': not a number; give seconds from 0.1 to 60" self-hosted --gate-check --online --timeout soon
usage_error "-C 'no-such-dir': no such folder; give an existing folder" -C no-such-dir rules
usage_error "--format needs a value; give text, json or sarif" self-hosted --validate --format
usage_error "--decide needs a value; give the case of use, in quotes" self-hosted --decide
usage_error "--online works only together with --gate-check" self-hosted --online
usage_error "--cached and --rev cannot be used together" koder-toml --validate --cached --rev HEAD
# What a mode writes comes from the renderer table: any other format is refused with the list.
usage_error "--format 'sarif': self-hosted --report writes markdown or json" self-hosted --report --format sarif
usage_error "--format 'text': self-hosted --report writes markdown or json" self-hosted --report --format text
usage_error "--format 'json': self-hosted --report --check writes text" self-hosted --report --check --format json
usage_error "--format 'sarif': self-hosted --decide writes text or json" self-hosted --decide "a decoder" --format sarif
usage_error "--format 'markdown': self-hosted --validate writes text, json or sarif" self-hosted --validate --format markdown
usage_error "--format 'sarif': config --show writes text or json" config --show --format sarif
usage_error "unknown option '--format' for rules" rules --format json
usage_error "--format 'yaml': not an output format; use text, json, markdown or svg" self-hosted --history --format yaml
usage_error "--format needs a value; give text, json, markdown or svg" self-hosted --history --format
usage_error "--format needs a value; give markdown or json" self-hosted --report --format
# The modes of a command and their options come from the mode table.
usage_error "--history and --gate-check cannot be used together: give one of them" self-hosted --gate-check --history
usage_error "--history reads commits; --cached does not apply" self-hosted --history --cached
usage_error "self-hosted needs --validate, --report, --history, --gate-check or --decide (see --help)" self-hosted --cached
usage_error "--timeout works only together with --online" self-hosted --gate-check --timeout 2
usage_error "unexpected argument 'engines/x': --report covers the whole tree and takes no MODULE" self-hosted --report engines/x
usage_error "config needs --show (see --help)" config
usage_error "--server works only together with --show" config --server
usage_error "--show --server reads the server's git config; --rev does not apply" config --show --server --rev HEAD
usage_error "--phase '6': not a rollout phase; use 4 (advisory) or 5 (strict)" config --show --phase 6
# Control characters in the word are escaped, never printed raw.
usage_error "--format 'x\\x1b[31m': not an output format" self-hosted --validate --format "$(printf 'x\033[31m')"
# Names are case-insensitive as before; --help and --version are not errors.
expect_exit 0 koder-spec-audit self-hosted --validate --format JSON
expect_contains "$OUT" '"tool": "koder-spec-audit"'
expect_exit 0 koder-spec-audit --help
expect_contains "$OUT" "self-hosted"
expect_exit 0 koder-spec-audit --version
expect_contains "$OUT" "koder-spec-audit "
expect_exit 0 koder-spec-audit self-hosted --help
expect_contains "$OUT" "--validate"
end_case

finish
