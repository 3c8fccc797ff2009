# shellcheck shell=bash disable=SC2154  # here, root and prog are set by the caller
# Shared by the bench/run*.sh scripts (sourced, not run). See bench/README.md.
# The caller sets: here (bench/), root (repository root), prog (its own name for messages).

# The layout version of gen-monorepo.py ("layout" in .git/ksa-bench.json); a cached repository
# from an older generator is regenerated (layout 1 had duplicate fragment names: KSA018).
KSA_LAYOUT=2

die() { echo "$prog: $*" >&2; exit 1; }
log() { echo "$prog: $*" >&2; }

# abs_bin PATH -> absolute path of an executable, or die.
abs_bin() {
  [ -x "$1" ] || die "binary not found or not executable: $1 (build it, or pass --bin)"
  echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
}

# ensure_base_repo REPO MODULES FILES SEED REGEN -> prints the work tree's absolute path.
# With REPO empty, generates or reuses ${BENCH_DIR:-/tmp/ksa-bench}/repo-m<M>-f<F>-s<S>.
ensure_base_repo() {
  local repo=$1 modules=$2 files=$3 seed=$4 regen=$5 layout
  if [ -z "$repo" ]; then
    repo="${BENCH_DIR:-/tmp/ksa-bench}/repo-m${modules}-f${files}-s${seed}"
    layout=0
    if [ -f "$repo/.git/ksa-bench.json" ]; then
      layout=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("layout", 1))' \
        "$repo/.git/ksa-bench.json")
    fi
    if [ "$regen" = 1 ] || [ "$layout" != "$KSA_LAYOUT" ]; then
      [ "$layout" != 0 ] && [ "$layout" != "$KSA_LAYOUT" ] \
        && log "cached repository has generator layout $layout, want $KSA_LAYOUT: regenerating"
      log "generating $repo"
      mkdir -p "$(dirname "$repo")"
      python3 "$here/gen-monorepo.py" --out "$repo" --modules "$modules" --files "$files" \
        --seed "$seed" --force >&2
    else
      log "reusing $repo"
    fi
    if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
      log "cached repository has local changes; resetting it"
      git -C "$repo" reset -q --hard HEAD
    fi
  fi
  (cd "$repo" && git rev-parse --show-toplevel) || die "not a git work tree: $repo"
}

machine_desc() {
  local cpu ram
  cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
  ram=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
  echo "$(nproc) cores, $cpu, $ram RAM, Linux $(uname -r), $(git --version)"
}

# bin_desc BIN [REV] -> "`BIN` (version); source rev R; sha256 S…". REV is what the caller knows of
# the binary's source (--bin-rev); without it, the rev of this checkout (right for its own build/).
bin_desc() {
  local v r
  v=$(timeout 5 "$1" --version 2>/dev/null | head -n 1 || true)
  if [ -n "${2:-}" ]; then
    r=$2
  else
    r=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "no commit")
    if [ -n "$(git -C "$root" status --porcelain --untracked-files=no -- src 2>/dev/null)" ]; then
      r="$r + uncommitted changes in src/"
    fi
  fi
  echo "\`$1\`${v:+ ($v)}; source rev $r; sha256 $(sha256sum "$1" | cut -c1-12)…"
}

load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

# write_section FILE MARKER SECTION_FILE: replace the text between
# <!-- bench:MARKER:begin --> and <!-- bench:MARKER:end --> in FILE (append it when absent).
write_section() {
  python3 - "$1" "$2" "$3" <<'PY'
import os, sys
path, marker, section = sys.argv[1], sys.argv[2], open(sys.argv[3]).read().rstrip("\n")
begin, end = "<!-- bench:%s:begin -->" % marker, "<!-- bench:%s:end -->" % marker
block = "%s\n%s\n%s" % (begin, section, end)
text = open(path).read() if os.path.exists(path) else "# Benchmark results\n\nWritten by `bench/run.sh --write`; see bench/README.md.\n"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    text = head + block + rest.split(end, 1)[1]
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(path, "w").write(text)
PY
}
