#!/usr/bin/env bash
# Benchmark: the server-side hook, `koder-spec-audit hook pre-receive`, run in a bare copy of
# the benchmark repository (with its registry committed) for a push of one new commit:
#   (a) the commit bumps one manifest's version (the registry does not change);
#   (b) the commit changes the same manifest's status and carries the regenerated registry.
# Baseline for context: `git rev-list --objects <new> --not --all` in the same bare repository.
# See bench/README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
prog=run-push.sh
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

bin="$root/build/src/koder-spec-audit"
bin_rev=""
baseline_bin=""
baseline_rev=""
repo=""
runs=10
warmup=2
write=0
results="$here/RESULTS.md"
modules=2000
files=200000
seed=1
regen=0
manifest=""
push_dir=""
rebuild=0
keep_work=0
registry_path="meta/docs/stack/registries/self-hosted-pairs.md"

usage() {
  cat <<'EOF'
usage: bench/run-push.sh [--bin PATH] [--repo DIR] [--runs N] [--write] [options]

  --bin PATH        koder-spec-audit binary (default: <repo root>/build/src/koder-spec-audit)
  --bin-rev REV     what to print as the binary's source rev (default: this checkout's HEAD)
  --baseline-bin PATH
                    also time this binary's hook (e.g. a build from before a change), interleaved,
                    on its own set-up in <push-dir>-baseline (R carries the registry it generates)
  --baseline-rev REV
                    what to print as its source rev
  --repo DIR        source repository (a work tree); default: the repository bench/gen-monorepo.py
                    generates into ${BENCH_DIR:-/tmp/ksa-bench}, reused if present
  --push-dir DIR    where the bare repository and the setup go (default:
                    ${BENCH_DIR:-/tmp/ksa-bench}/push-<name of the source repository>); reused
                    when it matches the source, the manifest and the binary's registry
  --rebuild         rebuild the push setup even if it could be reused
  --keep-work       keep the work clone the commits were made in (default: deleted after setup)
  --runs N          timed rounds (default 10), after --warmup N rounds (default 2)
  --write           also write/replace this benchmark's section in bench/RESULTS.md
  --results FILE    file that --write updates (default bench/RESULTS.md)
  --modules N, --files N, --seed N
                    size of the generated repository (default 2000, 200000, 1)
  --regen           regenerate the cached source repository even if present
  --manifest PATH   the koder.toml with a [self_hosted] block that both commits change
                    (default: the first sample manifest of the generated repository)
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --bin-rev) bin_rev=$2; shift 2 ;;
    --baseline-bin) baseline_bin=$2; shift 2 ;;
    --baseline-rev) baseline_rev=$2; shift 2 ;;
    --repo) repo=$2; shift 2 ;;
    --push-dir) push_dir=$2; shift 2 ;;
    --rebuild) rebuild=1; shift ;;
    --keep-work) keep_work=1; shift ;;
    --runs) runs=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --write) write=1; shift ;;
    --results) results=$2; shift 2 ;;
    --modules) modules=$2; shift 2 ;;
    --files) files=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --regen) regen=1; shift ;;
    --manifest) manifest=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "$prog: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

bin=$(abs_bin "$bin")
[ -z "$baseline_bin" ] || baseline_bin=$(abs_bin "$baseline_bin")
command -v python3 >/dev/null || die "python3 is required"
export LC_ALL=C
# The setup's commits do not depend on the user's git configuration or the clock.
export GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="Koder Bench" GIT_AUTHOR_EMAIL="bench@koder.invalid"
export GIT_COMMITTER_NAME="Koder Bench" GIT_COMMITTER_EMAIL="bench@koder.invalid"
export GIT_AUTHOR_DATE="2026-06-01T00:00:00Z" GIT_COMMITTER_DATE="2026-06-01T00:00:00Z"

src=$(ensure_base_repo "$repo" "$modules" "$files" "$seed" "$regen")
src_head=$(git -C "$src" rev-parse HEAD)
if [ -z "$manifest" ]; then
  if [ -f "$src/.git/ksa-bench.json" ]; then
    manifest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sample_manifests"][0])' \
      "$src/.git/ksa-bench.json")
  else
    manifest=$(git -C "$src" grep -l -e '^\[self_hosted\]' HEAD -- 'koder.toml' '*/koder.toml' \
      | head -n 1 | sed 's/^HEAD://')
  fi
fi
git -C "$src" cat-file -e "HEAD:$manifest" 2>/dev/null || die "no koder.toml at HEAD:$manifest"
git -C "$src" show "HEAD:$manifest" | grep -q '^\[self_hosted\]' \
  || die "$manifest has no [self_hosted] block (the (b) commit changes its status)"

[ -n "$push_dir" ] || push_dir="${BENCH_DIR:-/tmp/ksa-bench}/push-$(basename "$src")"
mkdir -p "$(dirname "$push_dir")"
push_dir=$(cd "$(dirname "$push_dir")" && pwd)/$(basename "$push_dir")
main_push_dir=$push_dir
# use_side BIN DIR: the binary and the set-up that the functions below work on. Each binary has its
# own set-up (the baseline's in <push-dir>-baseline): R carries the registry that binary generates.
use_side() {
  sbin=$1
  push_dir=$2
  bare="$push_dir/bare.git"
  meta="$push_dir/push.json"
}
use_side "$bin" "$main_push_dir"

tmp=$(mktemp -d /tmp/ksa-push.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

bare_git() { git --git-dir="$bare" "$@"; }
meta_get() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$meta" "$1"; }

# Is the cached setup usable: same source commit and manifest, the registry at R is what this
# binary generates, A and B are in the object store and each is the only commit not on a ref.
setup_ok() {
  [ -f "$meta" ] && [ -d "$bare" ] || return 1
  [ "$(meta_get source_head)" = "$src_head" ] && [ "$(meta_get manifest)" = "$manifest" ] || return 1
  R=$(meta_get R); A=$(meta_get A); B=$(meta_get B)
  [ "$(bare_git rev-parse -q --verify refs/heads/main)" = "$R" ] || return 1
  [ "$(bare_git for-each-ref --format='%(refname)' | tr '\n' ' ')" = "refs/heads/main " ] || return 1
  [ "$(bare_git rev-list "$A" --not --all 2>/dev/null)" = "$A" ] || return 1
  [ "$(bare_git rev-list "$B" --not --all 2>/dev/null)" = "$B" ] || return 1
  GIT_DIR="$bare" "$sbin" self-hosted --report --check --rev "$R" >/dev/null 2>&1 || return 1
}

build_setup() {
  cat >"$tmp/modify.py" <<'PY'
import re, sys
path, what = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
if what == "version":  # bump the patch version
    m = re.search(r'^(version\s*=\s*")(\d+)\.(\d+)\.(\d+)(")', text, re.M)
    if not m:
        sys.exit("no version = \"X.Y.Z\" line in %s" % path)
    new = "%s%s.%s.%d%s" % (m.group(1), m.group(2), m.group(3), int(m.group(4)) + 1, m.group(5))
else:                  # change the status to another valid one (official needs no pending gate)
    m = re.compile(r'^(status\s*=\s*")(\w+)(")', re.M).search(text, text.index("[self_hosted]"))
    if not m:
        sys.exit("no status in the [self_hosted] block of %s" % path)
    flip = {"experimental": "stable", "stable": "experimental", "official": "stable",
            "legacy": "experimental"}
    new = m.group(1) + flip[m.group(2)] + m.group(3)
    print("status %s -> %s" % (m.group(2), flip[m.group(2)]), file=sys.stderr)
open(path, "w", encoding="utf-8").write(text[:m.start()] + new + text[m.end():])
PY
  log "building the push setup in $push_dir (a bare clone, and a work clone for the commits)"
  rm -rf "$push_dir"
  mkdir -p "$push_dir"
  git clone -q --bare "$src" "$bare"
  bare_git config gc.auto 0
  bare_git config receive.autogc false
  bare_git for-each-ref --format='%(refname)' | { grep -vx 'refs/heads/main' || true; } \
    | while read -r ref; do bare_git update-ref -d "$ref"; done
  [ "$(bare_git rev-parse refs/heads/main)" = "$src_head" ] || die "the bare clone's main is not $src_head"

  local work="$push_dir/work"
  log "checking out the work clone (all files; this takes a while on a large tree)"
  git -c checkout.workers=0 clone -q -b main "$bare" "$work"
  cd "$work"
  git config gc.auto 0
  git config commit.gpgsign false

  # R: the registry generated from the working tree and committed; becomes main.
  "$sbin" self-hosted --report >&2 || die "self-hosted --report failed in the work clone"
  "$sbin" self-hosted --report --check >/dev/null || die "the generated registry does not --check"
  git add -- "$registry_path"
  git commit -q -m "Add the registry of self-hosted pairs (bench)"
  R=$(git rev-parse HEAD)
  git push -q origin HEAD:refs/heads/main

  # A: one manifest's version bumped, nothing else.
  python3 "$tmp/modify.py" "$manifest" version
  git add -- "$manifest"
  [ "$(git diff --cached --name-only)" = "$manifest" ] || die "(a) should change only $manifest"
  git commit -q -m "bench (a): bump the version of $manifest"
  A=$(git rev-parse HEAD)
  git push -q origin HEAD:refs/bench/a
  git reset -q --hard "$R"

  # B: the same manifest's status changed, and the registry regenerated with it.
  python3 "$tmp/modify.py" "$manifest" status 2>&1 | sed "s/^/$prog: (b) /" >&2
  "$sbin" self-hosted --report >&2 || die "self-hosted --report failed after the status change"
  git add -- "$manifest" "$registry_path"
  [ "$(git diff --cached --name-only | sort | tr '\n' ' ')" = "$(printf '%s\n' "$manifest" "$registry_path" | sort | tr '\n' ' ')" ] \
    || die "(b) should change $manifest and $registry_path"
  git commit -q -m "bench (b): change the status of $manifest and regenerate the registry"
  B=$(git rev-parse HEAD)
  git push -q origin HEAD:refs/bench/b
  git reset -q --hard "$R"
  cd "$push_dir"
  [ "$keep_work" = 1 ] || rm -rf "$work"

  # Keep the objects, drop the refs: each commit is then the only one not on a ref.
  bare_git update-ref -d refs/bench/a
  bare_git update-ref -d refs/bench/b
  python3 - "$meta" "$src" "$src_head" "$manifest" "$registry_path" "$R" "$A" "$B" <<'PY'
import json, sys
keys = ("source", "source_head", "manifest", "registry_path", "R", "A", "B")
json.dump(dict(zip(keys, sys.argv[2:])), open(sys.argv[1], "w"), indent=1)
PY
  setup_ok || die "the push setup does not check out (see $push_dir)"
}

# prepare_side SUFFIX: set up (or reuse) the current side, write its hook stdin files, and check
# that its hook accepts both pushes (and show what it prints).
prepare_side() {
  local sfx=$1 x rc
  if [ "$rebuild" = 0 ] && setup_ok; then
    log "reusing the push setup in $push_dir"
  else
    build_setup
  fi
  R=$(meta_get R); A=$(meta_get A); B=$(meta_get B)
  printf '%s %s refs/heads/main\n' "$R" "$A" >"$tmp/stdin-a$sfx"
  printf '%s %s refs/heads/main\n' "$R" "$B" >"$tmp/stdin-b$sfx"
  for x in a b; do
    set +e
    (cd "$bare" && GIT_DIR="$bare" "$sbin" hook pre-receive) <"$tmp/stdin-$x$sfx" >"$tmp/hook-$x$sfx.out" 2>&1
    rc=$?
    set -e
    if [ "$rc" != 0 ]; then
      cat "$tmp/hook-$x$sfx.out" >&2
      die "$sbin hook pre-receive exited $rc on push ($x); not timing a failing command"
    fi
    if [ -s "$tmp/hook-$x$sfx.out" ]; then
      log "$sbin hook pre-receive printed on push ($x):"
      sed 's/^/  /' "$tmp/hook-$x$sfx.out" >&2
    fi
  done
}

base_args=()
if [ -n "$baseline_bin" ]; then
  use_side "$baseline_bin" "$main_push_dir-baseline"
  prepare_side -base
  base_args=("$bare" "$baseline_bin")
fi
use_side "$bin" "$main_push_dir"
prepare_side ""
cd "$bare"
n_objects_a=$(bare_git rev-list --objects "$A" --not --all | wc -l)
n_objects_b=$(bare_git rev-list --objects "$B" --not --all | wc -l)

# ---- timing
python3 - "$tmp/spec.json" "$bare" "$bin" "$A" "$B" "$tmp/stdin-a" "$tmp/stdin-b" \
  ${base_args[@]+"${base_args[@]}"} <<'PY'
import json, sys
out, bare, binary, a, b, in_a, in_b = sys.argv[1:8]
baseline = sys.argv[8:]
env = {"GIT_DIR": bare}
cmds = [
    {"name": "git-a", "argv": ["git", "rev-list", "--objects", a, "--not", "--all"], "cwd": bare, "env": env},
    {"name": "hook-a", "argv": [binary, "hook", "pre-receive"], "cwd": bare, "env": env, "stdin": in_a},
    {"name": "hook-b", "argv": [binary, "hook", "pre-receive"], "cwd": bare, "env": env, "stdin": in_b},
    {"name": "git-b", "argv": ["git", "rev-list", "--objects", b, "--not", "--all"], "cwd": bare, "env": env},
]
if baseline:
    b_bare, b_binary = baseline
    b_env = {"GIT_DIR": b_bare}
    cmds += [
        {"name": "hook-a-base", "argv": [b_binary, "hook", "pre-receive"], "cwd": b_bare, "env": b_env,
         "stdin": in_a + "-base"},
        {"name": "hook-b-base", "argv": [b_binary, "hook", "pre-receive"], "cwd": b_bare, "env": b_env,
         "stdin": in_b + "-base"},
    ]
json.dump({"commands": cmds}, open(out, "w"))
PY
load_before=$(load_avg)
log "timing: $warmup warm-up rounds, $runs timed rounds (commands interleaved)"
python3 "$here/timer.py" --runs "$runs" --warmup "$warmup" --out "$tmp/times.json" "$tmp/spec.json"
load_after=$(load_avg)

# ---- the section
status_change=$(git --git-dir="$bare" diff "$R" "$B" -- "$manifest" | grep -E '^[-+]status' \
  | sed -E 's/^[-+]status *= *"(.*)"/\1/' | tr '\n' ' ' | awk '{print $1 " → " $2}')
reg_lines=$(git --git-dir="$bare" diff --numstat "$R" "$B" -- "$registry_path" | awk '{print "+" $1 "/−" $2}')
loose=$(bare_git count-objects -v | awk '/^count:/ {print $2}')
KSA_MANIFEST=$manifest KSA_REGISTRY=$registry_path KSA_STATUS=$status_change KSA_REG_LINES=$reg_lines \
KSA_OBJ_A=$n_objects_a KSA_OBJ_B=$n_objects_b KSA_LOOSE=$loose \
KSA_FILES=$(bare_git ls-tree -r "$R" | wc -l) KSA_REG_BYTES=$(bare_git cat-file -s "$R:$registry_path") \
KSA_OUT_A=$(wc -l <"$tmp/hook-a.out") KSA_OUT_B=$(wc -l <"$tmp/hook-b.out") \
KSA_MACHINE="$(machine_desc)" KSA_BIN="$(bin_desc "$bin" "$bin_rev")" \
KSA_BASE_BIN="$([ -z "$baseline_bin" ] || bin_desc "$baseline_bin" "$baseline_rev")" \
KSA_LOAD="$load_before before the timing, $load_after after" \
KSA_METHOD="median of $runs timed rounds after $warmup warm-up rounds, the commands interleaved in each round (bench/timer.py: posix_spawn + wait4); CPU = user + system time; peak RSS = largest ru_maxrss over the timed runs" \
KSA_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ) \
python3 - "$tmp/times.json" <<'PY' >"$tmp/section.md"
import json, os, sys
e = os.environ
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
label = {
    "hook-a": "`koder-spec-audit hook pre-receive`, (a) version bump",
    "hook-b": "`koder-spec-audit hook pre-receive`, (b) status change + registry",
    "git-a": "`git rev-list --objects <new> --not --all`, (a)",
    "git-b": "`git rev-list --objects <new> --not --all`, (b)",
    "hook-a-base": "**baseline** binary's hook, (a)",
    "hook-b-base": "**baseline** binary's hook, (b)",
}
hook_a, git_a = res["hook-a"]["median"], res["git-a"]["median"]
ratio = res["hook-b"]["median"] / hook_a
print("### pre-receive, a push of one new commit")
print()
print("| command | median ms | ratio to hook (a) | ratio to git (a) | median CPU ms | CPU ratio to git (a) | peak RSS MiB | min–max ms | runs |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for k in ("git-a", "hook-a", "hook-b", "git-b", "hook-a-base", "hook-b-base"):
    if k not in res:
        continue
    r = res[k]
    own_a = res["hook-a-base" if k.endswith("-base") else "hook-a"]["median"]
    print("| %s | %.1f | %.2f× | %.2f× | %.1f | %.2f× | %.1f | %.1f–%.1f | %d |" % (
        label[k], r["median"] * 1e3, r["median"] / own_a, r["median"] / git_a,
        r["cpu_median"] * 1e3, r["cpu_median"] / res["git-a"]["cpu_median"], r["maxrss_kib"] / 1024,
        r["min"] * 1e3, r["max"] * 1e3, len(r["times"])))
print()
print("Target: hook (b) ≤ 2× hook (a) — **%s** (%.2f×)." % ("met" if ratio <= 2.0 else "missed", ratio))
if "hook-a-base" in res:
    ha, hb = res["hook-a-base"], res["hook-b-base"]
    print()
    print("The **baseline** binary (its own set-up; \"ratio to hook (a)\" is to its own (a)): (b) %.2f× (a) — **%s**. "
          "The binary against the baseline: (a) %.2f× its wall time (CPU %.2f×), (b) %.2f× (CPU %.2f×)." % (
        hb["median"] / ha["median"], "met" if hb["median"] / ha["median"] <= 2.0 else "missed",
        hook_a / ha["median"], res["hook-a"]["cpu_median"] / ha["cpu_median"],
        res["hook-b"]["median"] / hb["median"], res["hook-b"]["cpu_median"] / hb["cpu_median"]))
print()
print("- push: `<old> <new> refs/heads/main` on the hook's stdin, old = main (the registry's commit), "
      "new = one commit on top of it that is in the object store but on no ref; "
      "(a) bumps the version of `%s` (%s new objects); (b) changes its status (%s) and regenerates "
      "`%s` (%s lines; %s new objects)"
      % (e["KSA_MANIFEST"], e["KSA_OBJ_A"], e["KSA_STATUS"], e["KSA_REGISTRY"], e["KSA_REG_LINES"],
         e["KSA_OBJ_B"]))
print("- repository: bare clone of the benchmark repository, %s files, registry %s bytes; "
      "the pushed objects are loose (%s loose objects), the rest in one pack; hook output: "
      "%s line(s) for (a), %s for (b)"
      % (e["KSA_FILES"], e["KSA_REG_BYTES"], e["KSA_LOOSE"], e["KSA_OUT_A"], e["KSA_OUT_B"]))
print("- machine: %s; load average %s" % (e["KSA_MACHINE"], e["KSA_LOAD"]))
print("- binary: %s" % e["KSA_BIN"])
if e["KSA_BASE_BIN"]:
    print("- baseline binary: %s, on its own set-up (the same two commits on top of the registry it generates)"
          % e["KSA_BASE_BIN"])
print("- method: whole process vs whole process, run in the bare repository with GIT_DIR set, "
      "as git runs the hook (no quarantine: the objects are already in the store), stdout and "
      "stderr to /dev/null; %s" % e["KSA_METHOD"])
print("- date: %s" % e["KSA_DATE"])
PY

cat "$tmp/section.md"
if [ "$write" = 1 ]; then
  write_section "$results" pre-receive-one-commit "$tmp/section.md"
  log "wrote the section into $results"
fi
