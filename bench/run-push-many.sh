#!/usr/bin/env bash
# Benchmark: the server-side hook, `koder-spec-audit hook pre-receive`, on a push of a new branch
# of 10,000 new commits (each changing 1-3 ordinary files deep in the tree) to a bare copy of the
# benchmark repository whose registry is the generated one, with the pushed objects in a
# quarantine folder as git receive-pack leaves them while pre-receive runs. Timed against
#   git rev-list <new> --not --all | git diff-tree --stdin -r --name-only
# for a clean push and for the same push with one broken manifest at commit 5,001 (which the
# hook must reject). See bench/README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
prog=run-push-many.sh
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
files=200000
seed=1
regen=0
manifest=""
push_dir=""
rebuild=0
commits=10000
broken_at=5001
push_seed=1
parts=1
profile=0
registry_path="meta/docs/stack/registries/self-hosted-pairs.md"
# Bump when the generated push changes (the cached set-up is then rebuilt).
SETUP_VERSION=1

usage() {
  cat <<'EOF'
usage: bench/run-push-many.sh [--bin PATH] [--runs N] [--write] [--profile] [options]

  --bin PATH        koder-spec-audit binary (default: <repo root>/build/src/koder-spec-audit)
  --bin-rev REV     what to print as the binary's source rev (default: this checkout's HEAD)
  --baseline-bin PATH
                    also time this binary's hook (e.g. a build from before a change), interleaved,
                    on its own set-up in <push-dir>-baseline (R carries the registry it generates)
  --baseline-rev REV
                    what to print as its source rev
  --repo DIR        source repository (a work tree); default: the repository bench/gen-monorepo.py
                    generates into ${BENCH_DIR:-/tmp/ksa-bench}, reused if present
  --push-dir DIR    where the bare repository and its quarantines go (default:
                    ${BENCH_DIR:-/tmp/ksa-bench}/push-many-<name of the source repository>);
                    reused when it matches the source, the options and the binary's registry
  --rebuild         rebuild the push set-up even if it could be reused
  --commits N       commits in the pushed branch (default 10000)
  --broken-at K     the commit of the broken push that breaks a manifest (default 5001)
  --push-seed N     seed of the files each commit changes (default 1)
  --manifest PATH   the koder.toml (with a [self_hosted] block) that the broken push breaks
                    (default: the first sample manifest of the generated repository)
  --runs N          timed rounds (default 5; 0 = check and profile only), after --warmup N
                    rounds (default 1)
  --no-parts        do not time `git rev-list` and `git diff-tree` alone
  --profile         also record the clean push's hook with `perf record --call-graph dwarf` and
                    print the top symbols (perf.data is kept in the push directory)
  --write           also write/replace this benchmark's section in bench/RESULTS.md
  --results FILE    file that --write updates (default bench/RESULTS.md)
  --modules N, --files N, --seed N
                    size of the generated repository (default 2000, 200000, 1)
  --regen           regenerate the cached source repository even if present
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
    --commits) commits=$2; shift 2 ;;
    --broken-at) broken_at=$2; shift 2 ;;
    --push-seed) push_seed=$2; shift 2 ;;
    --manifest) manifest=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --no-parts) parts=0; shift ;;
    --profile) profile=1; shift ;;
    --write) write=1; shift ;;
    --results) results=$2; shift 2 ;;
    --modules) modules=$2; shift 2 ;;
    --files) files=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --regen) regen=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "$prog: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

bin=$(abs_bin "$bin")
[ -z "$baseline_bin" ] || baseline_bin=$(abs_bin "$baseline_bin")
command -v python3 >/dev/null || die "python3 is required"
if ! [[ "$commits" =~ ^[1-9][0-9]*$ ]]; then die "--commits must be a positive number"; fi
if ! [[ "$broken_at" =~ ^[1-9][0-9]*$ ]] || [ "$broken_at" -gt "$commits" ]; then
  die "--broken-at must be between 1 and --commits ($commits)"
fi
if ! [[ "$runs" =~ ^[0-9]+$ && "$warmup" =~ ^[0-9]+$ ]]; then die "--runs and --warmup must be numbers"; fi
[ "$write" = 0 ] || [ "$runs" -ge 1 ] || die "--write needs --runs >= 1"
if [ "$profile" = 1 ]; then command -v perf >/dev/null || die "--profile needs perf (apt-get install linux-perf)"; fi
export LC_ALL=C
# The set-up's commits do not depend on the user's git configuration or the clock.
export GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="Koder Bench" GIT_AUTHOR_EMAIL="bench@koder.invalid"
export GIT_COMMITTER_NAME="Koder Bench" GIT_COMMITTER_EMAIL="bench@koder.invalid"
export GIT_AUTHOR_DATE="2026-06-01T00:00:00Z" GIT_COMMITTER_DATE="2026-06-01T00:00:00Z"
# Nothing of the caller's may redirect the object store of the set-up or the timed commands.
unset GIT_DIR GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_QUARANTINE_PATH \
  GIT_PUSH_OPTION_COUNT GIT_INDEX_FILE GIT_WORK_TREE

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
git -C "$src" show "HEAD:$manifest" 2>/dev/null | grep -q '^status *= *"' \
  || die "HEAD:$manifest is not a koder.toml with a status line (the broken push breaks its status)"

[ -n "$push_dir" ] || push_dir="${BENCH_DIR:-/tmp/ksa-bench}/push-many-$(basename "$src")"
mkdir -p "$(dirname "$push_dir")"
push_dir=$(cd "$(dirname "$push_dir")" && pwd)/$(basename "$push_dir")
main_push_dir=$push_dir
# use_side BIN DIR: the binary and the set-up that the functions below work on. Each binary has its
# own set-up (the baseline's in <push-dir>-baseline): R carries the registry that binary generates.
use_side() {
  sbin=$1
  push_dir=$2
  bare="$push_dir/bare.git"
  meta="$push_dir/push-many.json"
  # git receive-pack (2.36 and later) puts a push's objects in objects/tmp_objdir-incoming-XXXXXX
  # (tmp-objdir.c); one such folder per push here, each holding the pack index-pack wrote.
  q_clean="$bare/objects/tmp_objdir-incoming-clean"
  q_broken="$bare/objects/tmp_objdir-incoming-broken"
}
use_side "$bin" "$main_push_dir"

tmp=$(mktemp -d /tmp/ksa-push-many.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

bare_git() { git --git-dir="$bare" "$@"; }
meta_get() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$meta" "$1"; }
# in_quarantine QUARANTINE CMD...: run CMD from inside the bare repository with the environment
# git receive-pack gives pre-receive (tmp_objdir_env(): the quarantine as the object directory,
# the repository's objects as an alternate; no push options).
in_quarantine() {
  local q=$1; shift
  (cd "$bare" && GIT_DIR="$bare" GIT_OBJECT_DIRECTORY="$q" GIT_ALTERNATE_OBJECT_DIRECTORIES="$bare/objects" \
    GIT_QUARANTINE_PATH="$q" "$@")
}

# Is the cached set-up usable: same source, options and generator; main is R and the only ref;
# each tip is in its quarantine only and brings exactly --commits commits; the registry at R is
# the one this binary generates.
setup_ok() {
  [ -f "$meta" ] && [ -d "$bare" ] && [ -d "$q_clean/pack" ] && [ -d "$q_broken/pack" ] || return 1
  [ "$(meta_get setup_version)" = "$SETUP_VERSION" ] && [ "$(meta_get source_head)" = "$src_head" ] \
    && [ "$(meta_get manifest)" = "$manifest" ] && [ "$(meta_get commits)" = "$commits" ] \
    && [ "$(meta_get broken_at)" = "$broken_at" ] && [ "$(meta_get push_seed)" = "$push_seed" ] || return 1
  R=$(meta_get R); CLEAN=$(meta_get clean); BROKEN=$(meta_get broken)
  [ "$(bare_git rev-parse -q --verify refs/heads/main)" = "$R" ] || return 1
  [ "$(bare_git for-each-ref --format='%(refname)' | tr '\n' ' ')" = "refs/heads/main " ] || return 1
  ! bare_git cat-file -e "$CLEAN" 2>/dev/null || return 1
  ! bare_git cat-file -e "$BROKEN" 2>/dev/null || return 1
  [ "$(in_quarantine "$q_clean" git rev-list --count "$CLEAN" --not --all 2>/dev/null)" = "$commits" ] || return 1
  [ "$(in_quarantine "$q_broken" git rev-list --count "$BROKEN" --not --all 2>/dev/null)" = "$commits" ] || return 1
  GIT_DIR="$bare" "$sbin" self-hosted --report --check --rev "$R" >/dev/null 2>&1 || return 1
}

# The fast-import stream of both branches, on stdout. Reads R's tree through `git`.
write_generator() {
  cat >"$tmp/gen-push.py" <<'PY'
import os, random, re, subprocess, sys

bare, R, n, broken_at, seed, manifest, registry = sys.argv[1:8]
n, broken_at, seed = int(n), int(broken_at), int(seed)
EPOCH = 1782864000          # 2026-07-01T00:00:00Z; one minute between commits
AUTHOR = b"Koder Bench <bench@koder.invalid>"
MIN_DEPTH = 6               # "deep in the tree": at least 6 path components
git = ["git", "--git-dir=" + bare]

# Ordinary files of R: blobs, not manifests, fragments or the registry, deep in the tree.
listing = subprocess.run(git + ["ls-tree", "-r", "-z", R], check=True, capture_output=True).stdout
candidates = []
for rec in listing.split(b"\0"):
    if not rec:
        continue
    info, path = rec.split(b"\t", 1)
    mode, kind, oid = info.split()
    p = path.decode()
    name = p.rsplit("/", 1)[-1]
    if (kind != b"blob" or mode != b"100644" or name == "koder.toml" or "/self-hosted/" in "/" + p
            or p == registry or p.count("/") + 1 < MIN_DEPTH):
        continue
    candidates.append((p, oid.decode()))
candidates.sort()
if len(candidates) < 3:
    sys.exit("gen-push.py: fewer than 3 ordinary files %d or more levels deep at R" % MIN_DEPTH)

rng = random.Random(seed)
plan = [rng.sample(range(len(candidates)), rng.randint(1, 3)) for _ in range(n)]

# Current content of every file the commits touch, read once.
wanted = sorted({i for files in plan for i in files})
batch = "".join(candidates[i][1] + "\n" for i in wanted).encode() + ("%s:%s\n" % (R, manifest)).encode()
out = subprocess.run(git + ["cat-file", "--batch"], input=batch, check=True, capture_output=True).stdout
blobs, pos = [], 0
for _ in range(len(wanted) + 1):
    header_end = out.index(b"\n", pos)
    size = int(out[pos:header_end].split()[2])
    blobs.append(out[header_end + 1:header_end + 1 + size])
    pos = header_end + 1 + size + 1
content = dict(zip(wanted, blobs))
manifest_text = blobs[-1].decode()
m = re.search(r'^(status\s*=\s*")(\w+)(")', manifest_text, re.M)
if not m:
    sys.exit("gen-push.py: no status line in %s" % manifest)
broken_manifest = (manifest_text[:m.start()] + m.group(1) + "oficial" + m.group(3)
                   + manifest_text[m.end():]).encode()

def note(path, k):
    if path.endswith(".md"):
        return b"<!-- push-many commit %d -->\n" % k
    if path.endswith(".toml"):
        return b"# push-many commit %d\n" % k
    return b"/* push-many commit %d */\n" % k

w = sys.stdout.buffer
def commit(ref, mark, k, parent, files, extra=None):
    when = b"%s %d +0000" % (AUTHOR, EPOCH + 60 * k)
    msg = "push-many commit %d: %d file(s)%s\n" % (k, len(files), extra and ", %s" % extra[0] or "")
    w.write(b"commit %s\nmark :%d\nauthor %s\ncommitter %s\ndata %d\n%s\n"
            % (ref, mark, when, when, len(msg), msg.encode()))
    if parent:
        w.write(b"from %s\n" % parent)
    for i in files:
        path = candidates[i][0]
        data = state[i] + note(path, k)
        state[i] = data
        w.write(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))
    if extra:
        w.write(b"M 100644 inline %s\ndata %d\n%s\n" % (manifest.encode(), len(extra[1]), extra[1]))

# Clean branch: marks 1..n. Broken branch: commits 1..broken_at-1 shared (mark :k), then its own
# commits broken_at..n (marks n+broken_at..2n) with the same file changes, the manifest's status
# set to "oficial" in commit broken_at.
state = dict(content)
saved = None
for k in range(1, n + 1):
    if k == broken_at:
        saved = dict(state)
    commit(b"refs/heads/clean", k, k, R.encode() if k == 1 else None, plan[k - 1])
state = saved
for k in range(broken_at, n + 1):
    if k == broken_at:
        parent = R.encode() if k == 1 else b":%d" % (k - 1)
        w.write(b"reset refs/heads/broken\n")
        commit(b"refs/heads/broken", n + k, k, parent, plan[k - 1],
               ('status of %s set to "oficial"' % manifest, broken_manifest))
    else:
        commit(b"refs/heads/broken", n + k, k, None, plan[k - 1])
w.write(b"done\n")
touched = sum(len(f) for f in plan)
print("gen-push.py: %d commits, %d file changes over %d files (of %d candidates)"
      % (n, touched, len(wanted), len(candidates)), file=sys.stderr)
PY
}

build_setup() {
  local t0 t1 gen="$push_dir/gen.git"
  t0=$(date +%s)
  log "building the push set-up in $push_dir"
  rm -rf "$push_dir"
  mkdir -p "$push_dir"
  git clone -q --bare "$src" "$bare"
  bare_git config gc.auto 0
  bare_git config receive.autogc false
  bare_git for-each-ref --format='%(refname)' | { grep -vx 'refs/heads/main' || true; } \
    | while read -r ref; do bare_git update-ref -d "$ref"; done
  [ "$(bare_git rev-parse refs/heads/main)" = "$src_head" ] || die "the bare clone's main is not $src_head"

  # R: the registry the binary generates from main's tree, committed on main (no checkout: the
  # report from --rev writes the same bytes as from a work tree, which run-registry.sh checks).
  GIT_DIR="$bare" "$sbin" self-hosted --report --rev "$src_head" --output - >"$tmp/registry.md" \
    || die "self-hosted --report --rev $src_head failed in $bare"
  {
    printf 'commit refs/heads/main\nauthor Koder Bench <bench@koder.invalid> 1780272000 +0000\n'
    printf 'committer Koder Bench <bench@koder.invalid> 1780272000 +0000\n'
    printf 'data 46\nAdd the registry of self-hosted pairs (bench)\n'
    printf 'from %s\nM 100644 inline %s\ndata %s\n' "$src_head" "$registry_path" "$(wc -c <"$tmp/registry.md")"
    cat "$tmp/registry.md"
    printf '\ndone\n'
  } | bare_git fast-import --quiet --done
  R=$(bare_git rev-parse refs/heads/main)
  GIT_DIR="$bare" "$sbin" self-hosted --report --check --rev "$R" >/dev/null \
    || die "the registry committed at $R does not pass --check"

  # The two branches, made in a scratch repository that borrows the bare one's objects, so the
  # bare repository's own store never holds them.
  git init -q --bare "$gen"
  echo "$bare/objects" >"$gen/objects/info/alternates"
  write_generator
  python3 "$tmp/gen-push.py" "$bare" "$R" "$commits" "$broken_at" "$push_seed" "$manifest" "$registry_path" \
    | git --git-dir="$gen" fast-import --quiet --done
  CLEAN=$(git --git-dir="$gen" rev-parse refs/heads/clean)
  BROKEN=$(git --git-dir="$gen" rev-parse refs/heads/broken)

  # The pushes as receive-pack receives them: the thin pack send-pack sends, completed by
  # `index-pack --stdin --fix-thin` (with receive-pack's --keep) inside the quarantine.
  local q tip
  for v in clean broken; do
    if [ "$v" = clean ]; then q=$q_clean; tip=$CLEAN; else q=$q_broken; tip=$BROKEN; fi
    mkdir -p "$q/pack"
    printf '%s\n^%s\n' "$tip" "$R" \
      | git --git-dir="$gen" pack-objects --revs --thin --stdout --delta-base-offset -q \
      | in_quarantine "$q" git index-pack --stdin --fix-thin "--keep=receive-pack $$ on bench" >/dev/null
  done
  rm -rf "$gen"
  python3 - "$meta" "$SETUP_VERSION" "$src" "$src_head" "$manifest" "$registry_path" "$commits" \
    "$broken_at" "$push_seed" "$R" "$CLEAN" "$BROKEN" <<'PY'
import json, sys
keys = ("setup_version", "source", "source_head", "manifest", "registry_path", "commits", "broken_at",
        "push_seed", "R", "clean", "broken")
json.dump(dict(zip(keys, sys.argv[2:])), open(sys.argv[1], "w"), indent=1)
PY
  setup_ok || die "the push set-up does not check out (see $push_dir)"
  t1=$(date +%s)
  log "push set-up built in $((t1 - t0)) s"
}

zero=0000000000000000000000000000000000000000
# prepare_side SUFFIX: set up (or reuse) the current side, write its hook stdin files, and check
# that its hook accepts the clean push and rejects the broken one for its manifest.
prepare_side() {
  local sfx=$1 v q rc
  if [ "$rebuild" = 0 ] && setup_ok; then
    log "reusing the push set-up in $push_dir"
  else
    build_setup
  fi
  R=$(meta_get R); CLEAN=$(meta_get clean); BROKEN=$(meta_get broken)
  printf '%s %s refs/heads/feature\n' "$zero" "$CLEAN" >"$tmp/stdin-clean$sfx"
  printf '%s %s refs/heads/feature\n' "$zero" "$BROKEN" >"$tmp/stdin-broken$sfx"
  if bare_git rev-parse -q --verify refs/heads/feature >/dev/null; then die "refs/heads/feature exists in $bare"; fi
  for v in clean broken; do
    if [ "$v" = clean ]; then q=$q_clean; else q=$q_broken; fi
    set +e
    in_quarantine "$q" "$sbin" hook pre-receive <"$tmp/stdin-$v$sfx" >"$tmp/hook-$v$sfx.out" 2>&1
    rc=$?
    set -e
    if [ "$v" = clean ] && [ "$rc" != 0 ]; then
      cat "$tmp/hook-$v$sfx.out" >&2
      die "$sbin hook pre-receive exited $rc on the clean push; not timing a failing command"
    fi
    if [ "$v" = broken ]; then
      if [ "$rc" != 1 ] || ! grep -qF "$manifest" "$tmp/hook-$v$sfx.out"; then
        cat "$tmp/hook-$v$sfx.out" >&2
        die "$sbin hook pre-receive exited $rc on the broken push (want 1, rejected for $manifest)"
      fi
    fi
    log "$sbin hook pre-receive exited $rc on the $v push; it printed:"
    sed 's/^/  /' "$tmp/hook-$v$sfx.out" | head -n 20 >&2
  done
}

# ---- set-ups and checks: the clean push is accepted, the broken one rejected for its manifest
load_before=$(load_avg)
base_args=()
if [ -n "$baseline_bin" ]; then
  use_side "$baseline_bin" "$main_push_dir-baseline"
  prepare_side -base
  base_args=("$bare" "$q_clean" "$q_broken" "$baseline_bin" "$CLEAN" "$BROKEN")
fi
use_side "$bin" "$main_push_dir"
prepare_side ""
in_quarantine "$q_clean" git rev-list "$CLEAN" --not --all >"$tmp/commits-clean"
[ "$(wc -l <"$tmp/commits-clean")" = "$commits" ] || die "rev-list does not list $commits commits"
n_changes=$(in_quarantine "$q_clean" git diff-tree --stdin -r --name-only <"$tmp/commits-clean" \
  | grep -cv '^[0-9a-f]\{40\}$' || true)
pack_objects=$(in_quarantine "$q_clean" git count-objects -v | awk '/^in-pack:/ {print $2}')
pack_kib=$(du -k "$q_clean"/pack/*.pack | awk '{print $1}')

# ---- profile of the clean push's hook. libgit2 and libc have no frame pointers: DWARF unwinding.
if [ "$profile" = 1 ]; then
  log "profiling the clean push's hook (perf record --call-graph dwarf; perf.data in $push_dir)"
  in_quarantine "$q_clean" perf record -q -F 999 --call-graph dwarf,16384 -o "$push_dir/perf.data" \
    "$bin" hook pre-receive <"$tmp/stdin-clean" >/dev/null 2>&1 || die "perf record failed"
  echo "### top symbols, self time (perf report --no-children)"
  perf report -i "$push_dir/perf.data" --no-children --stdio -g none --sort dso,sym --percent-limit 1 \
    2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 30
  echo
  echo "### the tool's and libgit2's named functions, time with callees (perf report --children)"
  perf report -i "$push_dir/perf.data" --children --stdio -g none --sort sym --percent-limit 1 2>/dev/null \
    | grep -E '\] (ksa::|git_)' | grep -v -e '(inlined)' -e 'std::' | head -n 40
  echo
fi
[ "$runs" -ge 1 ] || exit 0

# ---- timing
python3 - "$tmp/spec.json" "$bare" "$q_clean" "$q_broken" "$bin" "$CLEAN" "$BROKEN" "$tmp" "$parts" \
  ${base_args[@]+"${base_args[@]}"} <<'PY'
import json, sys
out, bare, q_clean, q_broken, binary, clean, broken, tmp, parts = sys.argv[1:10]
baseline = sys.argv[10:]

def env(q):
    return {"GIT_DIR": bare, "GIT_OBJECT_DIRECTORY": q, "GIT_ALTERNATE_OBJECT_DIRECTORIES": bare + "/objects",
            "GIT_QUARANTINE_PATH": q}

def pipeline(tip):
    return ["sh", "-c", "git rev-list %s --not --all | git diff-tree --stdin -r --name-only > /dev/null" % tip]

cmds = [
    {"name": "git-clean", "argv": pipeline(clean), "cwd": bare, "env": env(q_clean)},
    {"name": "hook-clean", "argv": [binary, "hook", "pre-receive"], "cwd": bare, "env": env(q_clean),
     "stdin": tmp + "/stdin-clean"},
    {"name": "hook-broken", "argv": [binary, "hook", "pre-receive"], "cwd": bare, "env": env(q_broken),
     "stdin": tmp + "/stdin-broken", "expect": 1},
    {"name": "git-broken", "argv": pipeline(broken), "cwd": bare, "env": env(q_broken)},
]
if parts == "1":
    cmds += [
        {"name": "revlist-clean", "argv": ["git", "rev-list", clean, "--not", "--all"], "cwd": bare,
         "env": env(q_clean)},
        {"name": "difftree-clean", "argv": ["git", "diff-tree", "--stdin", "-r", "--name-only"], "cwd": bare,
         "env": env(q_clean), "stdin": tmp + "/commits-clean"},
    ]
if baseline:
    # The baseline's hook on its own set-up, and the git pipeline there (its commits are other ids).
    b_bare, b_q_clean, b_q_broken, b_binary, b_clean, b_broken = baseline
    def b_env(q):
        return {"GIT_DIR": b_bare, "GIT_OBJECT_DIRECTORY": q, "GIT_ALTERNATE_OBJECT_DIRECTORIES": b_bare + "/objects",
                "GIT_QUARANTINE_PATH": q}
    cmds += [
        {"name": "hook-clean-base", "argv": [b_binary, "hook", "pre-receive"], "cwd": b_bare, "env": b_env(b_q_clean),
         "stdin": tmp + "/stdin-clean-base"},
        {"name": "git-clean-base", "argv": pipeline(b_clean), "cwd": b_bare, "env": b_env(b_q_clean)},
        {"name": "hook-broken-base", "argv": [b_binary, "hook", "pre-receive"], "cwd": b_bare,
         "env": b_env(b_q_broken), "stdin": tmp + "/stdin-broken-base", "expect": 1},
        {"name": "git-broken-base", "argv": pipeline(b_broken), "cwd": b_bare, "env": b_env(b_q_broken)},
    ]
json.dump({"commands": cmds}, open(out, "w"))
PY
log "timing: $warmup warm-up round(s), $runs timed round(s) (commands interleaved)"
python3 "$here/timer.py" --runs "$runs" --warmup "$warmup" --out "$tmp/times.json" "$tmp/spec.json"
load_after=$(load_avg)

# ---- the section
KSA_COMMITS=$commits KSA_BROKEN_AT=$broken_at KSA_MANIFEST=$manifest KSA_CHANGES=$n_changes \
KSA_PACK_OBJECTS=$pack_objects KSA_PACK_KIB=$pack_kib KSA_R=$R KSA_CLEAN=$CLEAN KSA_BROKEN=$BROKEN \
KSA_FILES=$(bare_git ls-tree -r "$R" | wc -l) KSA_REG_BYTES=$(bare_git cat-file -s "$R:$registry_path") \
KSA_OUT_CLEAN=$(wc -l <"$tmp/hook-clean.out") KSA_OUT_BROKEN=$(wc -l <"$tmp/hook-broken.out") \
KSA_LOAD="$load_before before the checks, $load_after after the timing" \
KSA_MACHINE="$(machine_desc)" KSA_BIN="$(bin_desc "$bin" "$bin_rev")" \
KSA_BASE_BIN="$([ -z "$baseline_bin" ] || bin_desc "$baseline_bin" "$baseline_rev")" \
KSA_METHOD="median of $runs timed rounds after $warmup warm-up round(s), the commands interleaved in each round (bench/timer.py: posix_spawn + wait4); CPU = user + system time (for a pipeline: all its processes); peak RSS = largest ru_maxrss over the timed runs (for a pipeline: its largest process)" \
KSA_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ) \
python3 - "$tmp/times.json" <<'PY' >"$tmp/section.md"
import json, os, sys
e = os.environ
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
n, k = int(e["KSA_COMMITS"]), int(e["KSA_BROKEN_AT"])
label = {
    "git-clean": "git pipeline (below), clean push",
    "hook-clean": "`koder-spec-audit hook pre-receive`, clean push (exit 0)",
    "hook-broken": "`koder-spec-audit hook pre-receive`, broken push (exit 1: rejected)",
    "git-broken": "git pipeline, broken push",
    "revlist-clean": "`git rev-list <new> --not --all` alone, clean push",
    "difftree-clean": "`git diff-tree --stdin -r --name-only` alone (the %d ids on stdin), clean push" % n,
    "hook-clean-base": "**baseline** binary's hook, clean push (exit 0)",
    "hook-broken-base": "**baseline** binary's hook, broken push (exit 1: rejected)",
    "git-clean-base": "git pipeline, clean push, in the baseline's set-up",
    "git-broken-base": "git pipeline, broken push, in the baseline's set-up",
}
base = {"git-clean": "git-clean", "hook-clean": "git-clean", "hook-broken": "git-broken",
        "git-broken": "git-broken", "revlist-clean": "git-clean", "difftree-clean": "git-clean",
        "hook-clean-base": "git-clean-base", "git-clean-base": "git-clean-base",
        "hook-broken-base": "git-broken-base", "git-broken-base": "git-broken-base"}
MIB = 1024.0
print("### pre-receive, a new branch of %s commits in quarantine" % format(n, ","))
print()
print("| command | median ms | ratio to the git pipeline | median CPU ms | CPU ratio | peak RSS MiB | min–max ms | runs |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for key in ("git-clean", "hook-clean", "hook-broken", "git-broken", "revlist-clean", "difftree-clean",
            "hook-clean-base", "git-clean-base", "hook-broken-base", "git-broken-base"):
    if key not in res:
        continue
    r, b = res[key], res[base[key]]
    print("| %s | %.0f | %.2f× | %.0f | %.2f× | %.1f | %.0f–%.0f | %d |" % (
        label[key], r["median"] * 1e3, r["median"] / b["median"], r["cpu_median"] * 1e3,
        r["cpu_median"] / b["cpu_median"], r["maxrss_kib"] / MIB, r["min"] * 1e3, r["max"] * 1e3,
        len(r["times"])))
print()
ratio = res["hook-clean"]["median"] / res["git-clean"]["median"]
rss = max(res["hook-clean"]["maxrss_kib"], res["hook-broken"]["maxrss_kib"]) / MIB
print("Targets: hook ≤ 1.0× the git pipeline (clean push, wall, medians) — **%s** (%.2f×; broken push %.2f×); "
      "hook peak RSS < 64 MiB — **%s** (%.1f MiB); the broken push is rejected — **met** (exit 1, "
      "checked before timing and in every timed run)."
      % ("met" if ratio <= 1.0 else "missed", ratio,
         res["hook-broken"]["median"] / res["git-broken"]["median"], "met" if rss < 64 else "missed", rss))
if "hook-clean-base" in res:
    def r2(a, b, f="median"):
        return res[a][f] / res[b][f]
    b_rss = max(res["hook-clean-base"]["maxrss_kib"], res["hook-broken-base"]["maxrss_kib"]) / MIB
    print()
    print("The **baseline** binary on the same push (its own set-up, against the git pipeline there): clean "
          "%.2f× (CPU %.2f×), broken %.2f× (CPU %.2f×), peak RSS %.1f MiB — ≤ 1.0× **%s**, < 64 MiB **%s**. "
          "The binary against the baseline: clean %.2f× its wall time (CPU %.2f×), broken %.2f× (CPU %.2f×), "
          "peak RSS %.2f×." % (
        r2("hook-clean-base", "git-clean-base"), r2("hook-clean-base", "git-clean-base", "cpu_median"),
        r2("hook-broken-base", "git-broken-base"), r2("hook-broken-base", "git-broken-base", "cpu_median"), b_rss,
        "met" if r2("hook-clean-base", "git-clean-base") <= 1.0 else "missed", "met" if b_rss < 64 else "missed",
        r2("hook-clean", "hook-clean-base"), r2("hook-clean", "hook-clean-base", "cpu_median"),
        r2("hook-broken", "hook-broken-base"), r2("hook-broken", "hook-broken-base", "cpu_median"), rss / b_rss))
print()
print("- git pipeline: `git rev-list <new> --not --all | git diff-tree --stdin -r --name-only > /dev/null`, "
      "one `sh -c`")
print("- push: a new branch, `0000000000000000000000000000000000000000 <new> refs/heads/feature` on the hook's "
      "stdin; %d commits on top of main (R, the commit of the generated registry), each changing 1–3 "
      "ordinary files at least 6 levels deep (%s file changes in all; no manifest, no registry); the "
      "broken push is the same branch with the status of `%s` set to `\"oficial\"` in commit %s "
      "(commits 1–%d shared)" % (n, e["KSA_CHANGES"], e["KSA_MANIFEST"], format(k, ","), k - 1))
print("- quarantine: each push's objects in `objects/tmp_objdir-incoming-<push>/pack/` (%s objects, "
      "%s KiB for the clean push), made by `git pack-objects --revs --thin --stdout` piped to "
      "`git index-pack --stdin --fix-thin`; every command runs from inside the bare repository with "
      "GIT_DIR, GIT_OBJECT_DIRECTORY and GIT_QUARANTINE_PATH (the quarantine) and "
      "GIT_ALTERNATE_OBJECT_DIRECTORIES (the repository's objects) set, as git receive-pack runs pre-receive"
      % (e["KSA_PACK_OBJECTS"], e["KSA_PACK_KIB"]))
print("- repository: bare clone of the benchmark repository, %s files at R, registry %s bytes, main the only "
      "ref; hook output: %s line(s) for the clean push, %s for the broken one"
      % (e["KSA_FILES"], e["KSA_REG_BYTES"], e["KSA_OUT_CLEAN"], e["KSA_OUT_BROKEN"]))
print("- machine: %s; load average %s" % (e["KSA_MACHINE"], e["KSA_LOAD"]))
print("- binary: %s" % e["KSA_BIN"])
if e["KSA_BASE_BIN"]:
    print("- baseline binary: %s, on its own set-up (the same pushes on top of the registry it generates)"
          % e["KSA_BASE_BIN"])
print("- method: whole process vs whole process, stdout and stderr to /dev/null; %s" % e["KSA_METHOD"])
print("- date: %s" % e["KSA_DATE"])
PY

cat "$tmp/section.md"
if [ "$write" = 1 ]; then
  write_section "$results" pre-receive-many-commits "$tmp/section.md"
  log "wrote the section into $results"
fi
