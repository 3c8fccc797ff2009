#!/usr/bin/env bash
# Benchmark: `koder-spec-audit self-hosted --report --rev HEAD` (the registry generated from
# every manifest of a commit) against the git pipeline that reads the same manifests:
#   git ls-tree -r HEAD | <keep koder.toml and self-hosted/koder_*.toml> | git cat-file --batch
# and, for information, the working-tree form (--report --output - without --rev).
# See bench/README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
prog=run-registry.sh
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
rev=HEAD
worktree=1
worktree_runs=5

usage() {
  cat <<'EOF'
usage: bench/run-registry.sh [--bin PATH] [--repo DIR] [--runs N] [--write] [options]

  --bin PATH        koder-spec-audit binary (default: <repo root>/build/src/koder-spec-audit)
  --bin-rev REV     what to print as the binary's source rev (default: this checkout's HEAD)
  --baseline-bin PATH
                    also time this binary's report (e.g. a build from before a change), interleaved
  --baseline-rev REV
                    what to print as its source rev
  --repo DIR        git work tree to measure in; default: the repository bench/gen-monorepo.py
                    generates into ${BENCH_DIR:-/tmp/ksa-bench}, reused if present
  --runs N          timed rounds (default 10), after --warmup N rounds (default 2)
  --write           also write/replace this benchmark's section in bench/RESULTS.md
  --results FILE    file that --write updates (default bench/RESULTS.md)
  --modules N, --files N, --seed N
                    size of the generated repository (default 2000, 200000, 1)
  --regen           regenerate the cached repository even if present
  --rev REV         commit to generate the registry from (default HEAD)
  --worktree-runs N runs of the working-tree form, timed after the others (default 5)
  --no-worktree     do not time the working-tree form (it walks every file of the tree)
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --bin-rev) bin_rev=$2; shift 2 ;;
    --baseline-bin) baseline_bin=$2; shift 2 ;;
    --baseline-rev) baseline_rev=$2; shift 2 ;;
    --repo) repo=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --write) write=1; shift ;;
    --results) results=$2; shift 2 ;;
    --modules) modules=$2; shift 2 ;;
    --files) files=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --regen) regen=1; shift ;;
    --rev) rev=$2; shift 2 ;;
    --worktree-runs) worktree_runs=$2; shift 2 ;;
    --no-worktree) worktree=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "$prog: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

bin=$(abs_bin "$bin")
[ -z "$baseline_bin" ] || baseline_bin=$(abs_bin "$baseline_bin")
command -v python3 >/dev/null || die "python3 is required"
export LC_ALL=C

repo=$(ensure_base_repo "$repo" "$modules" "$files" "$seed" "$regen")
cd "$repo"
commit=$(git rev-parse --verify --quiet "$rev^{commit}") || die "not a commit: $rev"

tmp=$(mktemp -d /tmp/ksa-registry.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# ---- the commands
# The registry goes to stdout (--output -), which the timer sends to /dev/null. Never pass
# `--output /dev/null`: the tool writes a temporary file next to the path and renames it over
# the path, which, run as root, replaces the /dev/null device with a regular file.
# shellcheck disable=SC2016  # an awk program, not shell
select_awk='$2 ~ /(^|\/)(koder\.toml|self-hosted\/koder_[^\/]+\.toml)$/ { split($1, f, " "); print f[3] }'
pipeline="git ls-tree -r $(printf %q "$rev") | awk -F'\\t' '$select_awk' | git cat-file --batch > /dev/null"
git_cmd=(sh -c "$pipeline")
report_cmd=("$bin" self-hosted --report --rev "$rev" --output -)
worktree_cmd=("$bin" self-hosted --report --output -)
base_cmd=()
[ -z "$baseline_bin" ] || base_cmd=("$baseline_bin" self-hosted --report --rev "$rev" --output -)

# ---- check that both sides read the same manifests and succeed
n_selected=$(git ls-tree -r "$commit" | awk -F'\t' "$select_awk" | wc -l)
n_read=$(git ls-tree -r "$commit" | awk -F'\t' "$select_awk" | git cat-file --batch-check \
  | awk '$2 == "blob"' | wc -l)
if [ "$n_selected" = 0 ] || [ "$n_selected" != "$n_read" ]; then
  die "the git pipeline selects $n_selected manifests but reads $n_read blobs"
fi
set +e
"${report_cmd[@]}" >"$tmp/registry.md" 2>"$tmp/report.err"
rc=$?
set -e
if [ "$rc" != 0 ] || [ ! -s "$tmp/registry.md" ]; then
  cat "$tmp/report.err" >&2
  die "self-hosted --report --rev $rev exited $rc (or wrote nothing); not timing a failing command"
fi
if [ -n "$baseline_bin" ]; then
  "${base_cmd[@]}" >"$tmp/registry-base.md" 2>"$tmp/report-base.err" \
    || { cat "$tmp/report-base.err" >&2; die "the baseline's self-hosted --report --rev $rev failed"; }
fi
summary=$(grep -m 1 -E '^[0-9]+ active pairs' "$tmp/registry.md" | sed 's/\.$//' || true)
if [ "$worktree" = 1 ]; then
  if [ "$(git rev-parse HEAD)" != "$commit" ] \
     || [ -n "$(git status --porcelain --untracked-files=no)" ]; then
    log "the work tree is not a clean checkout of $rev: not timing the working-tree form"
    worktree=0
  else
    set +e
    "${worktree_cmd[@]}" >"$tmp/registry-wt.md" 2>"$tmp/report-wt.err"
    rc=$?
    set -e
    if [ "$rc" != 0 ]; then
      cat "$tmp/report-wt.err" >&2
      die "self-hosted --report (working tree) exited $rc"
    fi
    cmp -s "$tmp/registry.md" "$tmp/registry-wt.md" \
      || die "the working-tree registry differs from the one generated from $rev"
  fi
fi

# ---- timing
# The git pipeline and the report are interleaved round by round. The working-tree form walks
# the whole checkout (IO- and kernel-heavy), so it is timed afterwards, on its own.
python3 - "$tmp" "$repo" "${#git_cmd[@]}" "${#report_cmd[@]}" "${#worktree_cmd[@]}" \
  "${git_cmd[@]}" "${report_cmd[@]}" "${worktree_cmd[@]}" ${base_cmd[@]+"${base_cmd[@]}"} <<'PY'
import json, sys
tmp, cwd, ng, nr, nw = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
argv = sys.argv[6:]
cmds = [{"name": "git", "argv": argv[:ng], "cwd": cwd},
        {"name": "report", "argv": argv[ng:ng + nr], "cwd": cwd}]
if argv[ng + nr + nw:]:
    cmds.append({"name": "report-base", "argv": argv[ng + nr + nw:], "cwd": cwd})
json.dump({"commands": cmds}, open(tmp + "/spec.json", "w"))
json.dump({"commands": [{"name": "worktree", "argv": argv[ng + nr:ng + nr + nw], "cwd": cwd}]},
          open(tmp + "/spec-wt.json", "w"))
PY
load_before=$(load_avg)
log "timing: $warmup warm-up rounds, $runs timed rounds (git pipeline and report(s) interleaved)"
python3 "$here/timer.py" --runs "$runs" --warmup "$warmup" --out "$tmp/times.json" "$tmp/spec.json"
if [ "$worktree" = 1 ]; then
  log "timing the working-tree form: 1 warm-up, $worktree_runs runs"
  python3 "$here/timer.py" --runs "$worktree_runs" --warmup 1 --out "$tmp/times-wt.json" "$tmp/spec-wt.json"
else
  echo '{"results": []}' >"$tmp/times-wt.json"
fi
load_after=$(load_avg)

# ---- the section
n_files=$(git ls-tree -r "$commit" | wc -l)
KSA_PIPELINE=$pipeline KSA_REV=$rev KSA_COMMIT=$commit KSA_SELECTED=$n_selected \
KSA_FILES=$n_files KSA_SUMMARY=$summary KSA_REGISTRY_BYTES=$(wc -c <"$tmp/registry.md") \
KSA_MACHINE="$(machine_desc)" KSA_BIN="$(bin_desc "$bin" "$bin_rev")" KSA_WT_RUNS=$worktree_runs \
KSA_BASE_BIN="$([ -z "$baseline_bin" ] || bin_desc "$baseline_bin" "$baseline_rev")" \
KSA_LOAD="$load_before before the timing, $load_after after" \
KSA_METHOD="median of $runs timed rounds after $warmup warm-up rounds, the git pipeline and the report interleaved in each round (bench/timer.py: posix_spawn + wait4); CPU = user + system time of the process and the children it waited for (for the pipeline: all its processes); peak RSS = largest ru_maxrss over the timed runs (for the pipeline: its largest process)" \
KSA_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ) \
python3 - "$tmp/times.json" "$tmp/times-wt.json" <<'PY' >"$tmp/section.md"
import json, os, sys
e = os.environ
res = {r["command"]: r for f in sys.argv[1:] for r in json.load(open(f))["results"]}
rev = e["KSA_REV"]
label = {"git": "git pipeline (below), via `sh -c`",
         "report": "`koder-spec-audit self-hosted --report --rev %s --output -`" % rev,
         "report-base": "the same, **baseline** binary",
         "worktree": "`koder-spec-audit self-hosted --report --output -` (working tree, for "
                     "information; timed separately, %s runs)" % e["KSA_WT_RUNS"]}
base = res["git"]["median"]
ratio = res["report"]["median"] / base
cpu_ratio = res["report"]["cpu_median"] / res["git"]["cpu_median"]
print("### registry report, every manifest of a commit")
print()
print("| command | median ms | ratio to git | median CPU ms | CPU ratio | peak RSS MiB | min–max ms | runs |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for k in ("git", "report", "report-base", "worktree"):
    if k not in res:
        continue
    r = res[k]
    print("| %s | %.1f | %.2f× | %.1f | %.2f× | %.1f | %.1f–%.1f | %d |" % (
        label[k], r["median"] * 1e3, r["median"] / base, r["cpu_median"] * 1e3,
        r["cpu_median"] / res["git"]["cpu_median"], r["maxrss_kib"] / 1024, r["min"] * 1e3, r["max"] * 1e3,
        len(r["times"])))
print()
print("Target: report ≤ 1.0× the git pipeline (wall, medians) — **%s** (%.2f×%s). "
      "CPU time: %.2f× the pipeline's." % (
    "met" if ratio <= 1.0 else "missed", ratio,
    "" if ratio <= 1.0 else ", %.0f%% over" % ((ratio - 1) * 100), cpu_ratio))
if "report-base" in res:
    b = res["report-base"]
    vs, vs_cpu = res["report"]["median"] / b["median"], res["report"]["cpu_median"] / b["cpu_median"]
    print()
    print("Not slower than the baseline binary (wall, medians) — **%s** (%.2f× the baseline's wall time, "
          "%.2f× its CPU time; the baseline: %.2f× the git pipeline)." % (
        "met" if vs <= 1.0 else "missed", vs, vs_cpu, b["median"] / base))
print()
print("- git pipeline: `%s`" % e["KSA_PIPELINE"])
print("- repository: %s files at `%s` (%s), %s manifests read by both sides; registry %s bytes: %s"
      % (e["KSA_FILES"], rev, e["KSA_COMMIT"][:12], e["KSA_SELECTED"], e["KSA_REGISTRY_BYTES"],
         e["KSA_SUMMARY"]))
print("- machine: %s" % e["KSA_MACHINE"])
print("- binary: %s" % e["KSA_BIN"])
if e["KSA_BASE_BIN"]:
    print("- baseline binary: %s" % e["KSA_BASE_BIN"])
print("- load average: %s" % e["KSA_LOAD"])
print("- method: whole process vs whole process, from the top of the work tree, stdout and "
      "stderr to /dev/null; %s" % e["KSA_METHOD"])
print("- date: %s" % e["KSA_DATE"])
PY

cat "$tmp/section.md"
if [ "$write" = 1 ]; then
  write_section "$results" registry-report "$tmp/section.md"
  log "wrote the section into $results"
fi
