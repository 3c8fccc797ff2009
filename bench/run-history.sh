#!/usr/bin/env bash
# Benchmark: `koder-spec-audit self-hosted --history` (gate G3 mined from git history) against
#   git log --format=%H --name-only -- '*/koder.toml' '*/self-hosted/koder_*.toml'
# cold (no cache) and warm (a cache at `base`, 100 commits behind `main`), on one of three
# repositories (--scenario):
#   history     bench/gen-history.py: 50,000 commits, 2,000 modules, tags and merges, one pack
#               that keeps git fast-import's deltas (each version a delta of the one before)
#   git-deltas  the same history cloned and repacked with `git repack -adf`: git's own delta
#               search (most older versions are deltas of newer ones)
#   monorepo    bench/gen-monorepo.py --commits 50000: 200,000 files, 50,000 commits of ordinary
#               changes, then `git clone --no-local` of it, measured in the clone
# No commit-graph in any. See bench/README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
prog=run-history.sh
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

bin="$root/build/src/koder-spec-audit"
bin_rev=""
baseline_bin=""
baseline_rev=""
repo=""
runs=5
warmup=1
write=0
results="$here/RESULTS.md"
modules=2000
commits=50000
regen=0
scenario=history

usage() {
  cat <<'EOF'
usage: bench/run-history.sh [--scenario history|git-deltas|monorepo] [--bin PATH] [--runs N] [--write]

  --scenario S    the repository (see the top of this script; default history)
  --bin PATH      koder-spec-audit binary (default: <repo root>/build/src/koder-spec-audit)
  --bin-rev REV   what to print as the binary's source rev (default: this checkout's HEAD)
  --baseline-bin PATH
                  also time this binary (e.g. a build from before a change), interleaved, in a
                  hard-linked copy of the repository (its own cache)
  --baseline-rev REV
                  what to print as its source rev
  --repo DIR      a repository with branches base and main (history: made by gen-history.py);
                  default: generated into ${BENCH_DIR:-/tmp/ksa-bench}/, reused if present
  --runs N        timed rounds (default 5), after --warmup N rounds (default 1)
  --modules N, --commits N   size of the generated history (default 2000, 50000)
  --regen         regenerate the repository even if present
  --write         also write/replace this scenario's section in bench/RESULTS.md
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --scenario) scenario=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --bin-rev) bin_rev=$2; shift 2 ;;
    --baseline-bin) baseline_bin=$2; shift 2 ;;
    --baseline-rev) baseline_rev=$2; shift 2 ;;
    --repo) repo=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --modules) modules=$2; shift 2 ;;
    --commits) commits=$2; shift 2 ;;
    --regen) regen=1; shift ;;
    --write) write=1; shift ;;
    --results) results=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "$prog: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
case "$scenario" in
  history|git-deltas|monorepo) ;;
  *) die "unknown scenario '$scenario' (history, git-deltas or monorepo)" ;;
esac

bin=$(abs_bin "$bin")
[ -z "$baseline_bin" ] || baseline_bin=$(abs_bin "$baseline_bin")
export LC_ALL=C
bench_dir="${BENCH_DIR:-/tmp/ksa-bench}"
mkdir -p "$bench_dir"
history_repo="$bench_dir/history-m${modules}-c${commits}"
# make_history: the gen-history.py repository (branches base and main), generated if absent.
make_history() {
  if [ "$regen" = 1 ] || ! git -C "$history_repo" rev-parse --verify --quiet base >/dev/null 2>&1; then
    log "generating $history_repo"
    python3 "$here/gen-history.py" --out "$history_repo" --modules "$modules" --commits "$commits" --force >&2
  else
    log "reusing $history_repo"
  fi
}
if [ -z "$repo" ]; then
  case "$scenario" in
    history)
      make_history
      repo=$history_repo ;;
    git-deltas)
      repo="$bench_dir/history-m${modules}-c${commits}-gitdeltas"
      if [ "$regen" = 1 ] || ! git -C "$repo" rev-parse --verify --quiet base >/dev/null 2>&1; then
        make_history
        rm -rf "$repo"
        log "cloning $history_repo and repacking it with git's own delta search into $repo"
        git clone -q --no-local --no-checkout "$history_repo" "$repo"
        git -C "$repo" branch -f base origin/base
        git -C "$repo" -c gc.writeCommitGraph=false -c repack.writeBitmaps=false repack -adfq
      else
        log "reusing $repo"
      fi ;;
    monorepo)
      source_repo="$bench_dir/monorepo-m${modules}-f200000-c${commits}"
      repo="$source_repo-clone"
      if [ "$regen" = 1 ] || ! git -C "$repo" rev-parse --verify --quiet base >/dev/null 2>&1; then
        log "generating $source_repo (200,000 files, $commits commits)"
        python3 "$here/gen-monorepo.py" --out "$source_repo" --modules "$modules" --files 200000 \
          --commits "$commits" --force --quiet >&2
        rm -rf "$repo"
        log "cloning it into $repo"
        git clone -q --no-local --no-checkout "$source_repo" "$repo"
        git -C "$repo" branch -f base main~100
      else
        log "reusing $repo"
      fi ;;
  esac
fi
cd "$repo"
git rev-parse --verify --quiet base >/dev/null || die "$repo has no branch 'base' (made by gen-history.py?)"
[ -e .git/objects/info/commit-graph ] && die "$repo has a commit-graph; the comparison is without one"

tmp=$(mktemp -d /tmp/ksa-history.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cache=$(git rev-parse --git-common-dir)/koder-spec-audit
cache=$(cd "$(dirname "$cache")" && pwd)/$(basename "$cache")

# The warm run starts from the cache a cold run on `base` leaves.
rm -rf "$cache"
"$bin" self-hosted --history --rev base >"$tmp/cold.txt"
"$bin" self-hosted --history --rev main >"$tmp/warm.txt"
rm -rf "$cache"
"$bin" self-hosted --history --rev main --no-cache >"$tmp/nocache.txt"
# The warm run must say exactly what a run without the cache says (apart from its first line).
cmp -s <(tail -n +2 "$tmp/warm.txt") <(tail -n +2 "$tmp/nocache.txt") \
  || die "the warm run's report differs from a run without the cache"
n_base=$(git rev-list --count base)
n_new=$(git rev-list --count base..main)
n_rows=$(( $(wc -l <"$tmp/cold.txt") - 4 ))

# The baseline runs in a hard-linked copy of the repository (same pack, same refs; only the cache,
# which each binary writes in its own format, is its own).
same_report=""
if [ -n "$baseline_bin" ]; then
  base_repo="$tmp/baseline-repo"
  cp -al "$repo" "$base_repo" 2>/dev/null || cp -a "$repo" "$base_repo"
  base_cache=$(cd "$base_repo" && cd "$(git rev-parse --git-common-dir)" && pwd)/koder-spec-audit
  rm -rf "$base_cache"
  (cd "$base_repo" && "$baseline_bin" self-hosted --history --rev base) >"$tmp/cold-base.txt" \
    || die "the baseline's self-hosted --history --rev base failed"
  if cmp -s <(tail -n +2 "$tmp/cold.txt") <(tail -n +2 "$tmp/cold-base.txt"); then
    same_report="the same report as the baseline's (apart from its first line)"
  else
    same_report="**a report that differs from the baseline's** ($(diff <(tail -n +2 "$tmp/cold.txt") \
      <(tail -n +2 "$tmp/cold-base.txt") | grep -c '^[<>]') differing lines)"
    log "the cold report differs from the baseline's"
  fi
fi

q() { printf '%q ' "$@"; }
gitlog="git log base --format=%H --name-only -- '*/koder.toml' '*/self-hosted/koder_*.toml'"
# cmds_for BIN CACHE -> the cold, single-threaded cold and warm commands, one a line
cmds_for() {
  echo "rm -rf $(q "$2"); exec $(q "$1") self-hosted --history --rev base"
  echo "rm -rf $(q "$2"); exec $(q "$1") self-hosted --history --rev base --jobs 1"
  # A resumed run that reads 100 commits leaves the cache as it is (docs/history.md), and every
  # cold run leaves the cache at `base` again: the warm run always starts from it.
  echo "exec $(q "$1") self-hosted --history --rev main"
}
cmds_for "$bin" "$cache" >"$tmp/cmds"
[ -z "$baseline_bin" ] || cmds_for "$baseline_bin" "$base_cache" >"$tmp/cmds-base"
python3 - "$tmp/spec.json" "$repo" "$gitlog" "$tmp/cmds" "${base_repo:-}" "$tmp/cmds-base" <<'PY'
import json, os, sys
out, cwd, gitlog, cmds, base_cwd, cmds_base = sys.argv[1:]
names = ["cold", "cold1", "warm"]
spec = [{"name": "git", "argv": ["sh", "-c", gitlog], "cwd": cwd}]
spec += [{"name": n, "argv": ["sh", "-c", c], "cwd": cwd} for n, c in zip(names, open(cmds).read().splitlines())]
if base_cwd:
    spec += [{"name": n + "-base", "argv": ["sh", "-c", c], "cwd": base_cwd}
             for n, c in zip(names, open(cmds_base).read().splitlines())]
json.dump({"commands": spec}, open(out, "w"))
PY
"$bin" self-hosted --history --rev base >/dev/null  # leaves the cache at base
[ -e "$cache/history/$(git rev-parse base)" ] || die "no cache file for base"
if [ -n "$baseline_bin" ]; then
  (cd "$base_repo" && "$baseline_bin" self-hosted --history --rev base >/dev/null)
  [ -e "$base_cache/history/$(git rev-parse base)" ] || die "no baseline cache file for base"
fi
load_before=$(load_avg)
log "timing: $warmup warm-up rounds, $runs timed rounds (all commands interleaved)"
python3 "$here/timer.py" --runs "$runs" --warmup "$warmup" --out "$tmp/times.json" "$tmp/spec.json"
load_after=$(load_avg)

# What the cold runs were up against: the load while timing (other work on the machine skews them).
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
n_files=$(git ls-tree -r --name-only base | wc -l)
pack_mib=$(du -sm "$(git rev-parse --git-common-dir)/objects/pack" | cut -f1)
KSA_SCENARIO=$scenario KSA_LOAD="$load_before → $load_after" KSA_FILES=$n_files KSA_PACK=$pack_mib \
KSA_GITLOG=$gitlog KSA_BASE=$n_base KSA_NEW=$n_new KSA_ROWS=$n_rows KSA_MODULES=$modules \
KSA_MACHINE="$(machine_desc)" KSA_BIN="$(bin_desc "$bin" "$bin_rev")" KSA_RUNS=$runs KSA_WARMUP=$warmup \
KSA_BASE_BIN="$([ -z "$baseline_bin" ] || bin_desc "$baseline_bin" "$baseline_rev")" KSA_SAME=$same_report \
KSA_LOAD="$load_before before the timing, $load_after after" \
KSA_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ) \
python3 - "$tmp/times.json" <<'PY' >"$tmp/section.md"
import json, os, sys
e = os.environ
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
label = {"git": "`%s`" % e["KSA_GITLOG"],
         "cold": "`self-hosted --history --rev base`, no cache (default: 2 threads here)",
         "cold1": "the same with `--jobs 1`",
         "warm": "`self-hosted --history --rev main`, cache at `base` (%s new commits)" % e["KSA_NEW"],
         "cold-base": "cold, **baseline** binary", "cold1-base": "cold `--jobs 1`, **baseline** binary",
         "warm-base": "warm, **baseline** binary"}
base = res["git"]
scenario = e["KSA_SCENARIO"]
titles = {"history": "bench/gen-history.py, the pack as generated",
          "git-deltas": "bench/gen-history.py, repacked by git's own delta search",
          "monorepo": "200,000 files, 50,000 commits (bench/gen-monorepo.py), a clone"}
print("### history mining, gate G3: %s" % titles[scenario])
print()
print("| command | median ms | ratio to git | median CPU ms | CPU ratio | peak RSS MiB | min–max ms |")
print("|---|---:|---:|---:|---:|---:|---:|")
for k in ("git", "cold", "cold1", "warm", "cold-base", "cold1-base", "warm-base"):
    if k not in res:
        continue
    r = res[k]
    print("| %s | %.0f | %.2f× | %.0f | %.2f× | %.0f | %.0f–%.0f |" % (
        label[k], r["median"] * 1e3, r["median"] / base["median"], r["cpu_median"] * 1e3,
        r["cpu_median"] / base["cpu_median"], r["maxrss_kib"] / 1024, r["min"] * 1e3, r["max"] * 1e3))
print()
ratio = res["cold"]["median"] / base["median"]
warm = res["warm"]["median"] / res["cold"]["median"]
warm_cpu = res["warm"]["cpu_median"] / res["cold1"]["cpu_median"]
rss = max(res["cold"]["maxrss_kib"], res["cold1"]["maxrss_kib"]) / 1024
print("Targets: cold ≤ 0.6× git log (wall, medians) — **%s** (%.2f×; single-threaded %.2f×, CPU %.2f× and "
      "%.2f×); peak RSS < 256 MiB — **%s** (%.0f MiB); warm re-run < 5%% of a cold run — **%s** (%.1f%% of "
      "the cold wall time, %.1f%% of the single-threaded cold CPU time)." % (
    "met" if ratio <= 0.6 else "missed", ratio, res["cold1"]["median"] / base["median"],
    res["cold"]["cpu_median"] / base["cpu_median"], res["cold1"]["cpu_median"] / base["cpu_median"],
    "met" if rss < 256 else "missed", rss, "met" if warm < 0.05 else "missed", warm * 100, warm_cpu * 100))
if "cold-base" in res:
    def vs(k, f="median"):
        return res[k][f] / res[k + "-base"][f]
    print()
    print("Not slower than the baseline binary — cold **%s** (%.2f× the baseline's wall time, CPU %.2f×); "
          "cold `--jobs 1` **%s** (%.2f×, CPU %.2f×); warm %.2f× (CPU %.2f×). The baseline: cold %.2f× git log, "
          "`--jobs 1` %.2f×." % (
        "met" if vs("cold") <= 1.0 else "missed", vs("cold"), vs("cold", "cpu_median"),
        "met" if vs("cold1") <= 1.0 else "missed", vs("cold1"), vs("cold1", "cpu_median"),
        vs("warm"), vs("warm", "cpu_median"), res["cold-base"]["median"] / base["median"],
        res["cold1-base"]["median"] / base["median"]))
print()
repos = {"history": "bench/gen-history.py, %s modules; one pack (git fast-import's deltas, kept by `git repack -ad`)"
                    % e["KSA_MODULES"],
         "git-deltas": "bench/gen-history.py, %s modules, cloned and repacked with `git repack -adf` (git's own "
                       "delta search)" % e["KSA_MODULES"],
         "monorepo": "bench/gen-monorepo.py --commits 50000, %s modules, cloned with `git clone --no-local`"
                     % e["KSA_MODULES"]}
print("- repository: %s; %s files, pack %s MiB, no commit-graph; `base` = %s commits, `main` = `base` + %s; "
      "%s verdict rows" % (repos[scenario], e["KSA_FILES"], e["KSA_PACK"], e["KSA_BASE"], e["KSA_NEW"],
                           e["KSA_ROWS"]))
print("- every command runs through `sh -c`; the cold runs include `rm -rf` of the cache (and "
      "leave it at `base`, where each warm run starts: a run that reads 100 commits does not "
      "rewrite it)")
print("- machine: %s" % e["KSA_MACHINE"])
print("- binary: %s" % e["KSA_BIN"])
if e["KSA_BASE_BIN"]:
    print("- baseline binary: %s, run in a hard-linked copy of the repository (its own cache); the binary's "
          "cold run gives %s" % (e["KSA_BASE_BIN"], e["KSA_SAME"]))
print("- load average: %s" % e["KSA_LOAD"])
print("- method: median of %s timed rounds after %s warm-up rounds, all commands interleaved "
      "(bench/timer.py: posix_spawn + wait4); CPU = user + system" % (e["KSA_RUNS"], e["KSA_WARMUP"]))
print("- date: %s" % e["KSA_DATE"])
PY
cat "$tmp/section.md"
if [ "$write" = 1 ]; then
  marker=history
  [ "$scenario" = history ] || marker="history-$scenario"
  write_section "$results" "$marker" "$tmp/section.md"
  log "wrote the section into $results"
fi
