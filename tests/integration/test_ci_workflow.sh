#!/usr/bin/env bash
# The CI workflow example (examples/ci/koder-spec-audit.yml, Forgejo Actions): its `run:` steps,
# read from the file itself, run as the runner runs them (bash -e) in a repository holding the
# example monorepo, and leave the SARIF and the history JSON the artifact step keeps.
. "$(dirname -- "$0")/lib.sh"

WORKFLOW="$KSA_SOURCE_DIR/examples/ci/koder-spec-audit.yml"

# extract_steps DIR: one file DIR/NN-ID per step with a `run:` (in order), and DIR/ids; the
# install step (apt-get, which needs the package registry) is left out.
extract_steps() {
    mkdir -p "$1"
    python3 - "$WORKFLOW" "$1" <<'EOF'
import sys, yaml
workflow = yaml.safe_load(open(sys.argv[1]))
steps = workflow["jobs"]["koder-spec-audit"]["steps"]
ids = []
for number, step in enumerate(steps):
    if "run" not in step or step.get("id") == "install":
        continue
    ids.append(step["id"])
    with open(f"{sys.argv[2]}/{number:02d}-{step['id']}", "w") as out:
        out.write(step["run"])
open(f"{sys.argv[2]}/ids", "w").write("\n".join(ids) + "\n")
EOF
}

# run_steps DIR: runs each extracted step in the current folder with `bash -e` (the runner's
# default shell); STEP_EXIT_<id> holds each exit code, $OUT/$ERR the last step's output.
run_steps() {
    for script in "$1"/[0-9]*; do
        id=${script##*/[0-9][0-9]-}
        set +e
        bash -e "$script" >"$TEST_DIR/$id.out" 2>"$TEST_DIR/$id.err"
        code=$?
        set -e
        eval "STEP_EXIT_${id//-/_}=$code"
    done
}

# The example monorepo as a repository with a little history (--history mines it).
example_repository() {
    cp -R "$KSA_SOURCE_DIR/examples/monorepo" repo
    cd repo
    git init -q -b main .
    git add -A
    git commit -q -m "Import the monorepo"
    git tag v1.0.0
}

begin_case "the workflow has the steps the issue asks for, and the install step installs the package"
extract_steps steps
expect_exit 0 cat steps/ids
for id in validate registry gate-check history; do expect_contains "$OUT" "$id"; done
expect_exit 0 cat steps/*
expect_contains "$OUT" "self-hosted --validate --format sarif"
expect_contains "$OUT" "self-hosted --report --check"
expect_contains "$OUT" "self-hosted --gate-check"
expect_contains "$OUT" "self-hosted --history --format json"
expect_exit 0 python3 -c 'import sys, yaml
steps = yaml.safe_load(open(sys.argv[1]))["jobs"]["koder-spec-audit"]["steps"]
install = [s for s in steps if s.get("id") == "install"][0]
assert "apt-get install -y -qq koder-spec-audit" in install["run"], install
upload = [s for s in steps if "upload-artifact" in s.get("uses", "")][0]
assert upload["with"]["path"] == "koder-spec-audit-reports/", upload
assert all(s.get("if") == "${{ !cancelled() }}" for s in steps[steps.index(upload) - 3:steps.index(upload) + 1])' \
    "$WORKFLOW"
end_case

begin_case "on the example monorepo: validate, registry and history pass; the SARIF and JSON are kept"
extract_steps steps
example_repository
run_steps ../steps
[ "$STEP_EXIT_validate" = 0 ] || { cat "$TEST_DIR/validate.err" >&2; fail "validate exited $STEP_EXIT_validate"; }
[ "$STEP_EXIT_registry" = 0 ] || { cat "$TEST_DIR/registry.err" >&2; fail "registry exited $STEP_EXIT_registry"; }
[ "$STEP_EXIT_history" = 0 ] || { cat "$TEST_DIR/history.err" >&2; fail "history exited $STEP_EXIT_history"; }
expect_exit 0 python3 -c 'import json, sys
sarif = json.load(open("koder-spec-audit-reports/validate.sarif"))
assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"] == [], sarif["runs"][0]["results"]
history = json.load(open("koder-spec-audit-reports/history.json"))
assert history["tool"] == "koder-spec-audit" and history["commits"] == 1, history'
expect_contains "$TEST_DIR/registry.out" "is up to date (17 pairs)"
# The example declares gates whose evidence it does not hold: the gate-check step fails the job
# with those findings (exit 1), and the steps after it still ran.
[ "$STEP_EXIT_gate_check" = 1 ] || fail "gate-check exited $STEP_EXIT_gate_check, expected 1"
expect_contains "$TEST_DIR/gate-check.out" "error[KSA02"
end_case

begin_case "a bad status: the validate step fails and the SARIF artifact holds the finding"
extract_steps steps
example_repository
sed -i 's/^status = "stable"/status = "stabel"/' engines/kodec/koder.toml
git commit -q -am "kodec: a typo"
run_steps ../steps
[ "$STEP_EXIT_validate" = 1 ] || fail "validate exited $STEP_EXIT_validate, expected 1"
[ "$STEP_EXIT_registry" = 1 ] || fail "the registry check exited $STEP_EXIT_registry, expected 1"
[ "$STEP_EXIT_history" = 0 ] || fail "history exited $STEP_EXIT_history"
expect_exit 0 python3 -c 'import json
results = json.load(open("koder-spec-audit-reports/validate.sarif"))["runs"][0]["results"]
assert [r["ruleId"] for r in results] == ["KSA005"], results
location = results[0]["locations"][0]["physicalLocation"]
assert location["artifactLocation"]["uri"] == "engines/kodec/koder.toml", location
assert location["region"]["startLine"] == 15, location'
expect_exit 0 python3 -c 'import json; assert json.load(open("koder-spec-audit-reports/history.json"))["commits"] == 2'
end_case

finish
