#!/usr/bin/env python3
"""Generate a synthetic Koder-style git monorepo for benchmarking koder-spec-audit.

The whole history is streamed into one `git fast-import` process (no per-file
subprocess), then the work tree and index are written by one `git reset --hard`.
Python 3 standard library only.

Layout (every path is deterministic for a given --seed):

    <top>/<group>/[<subgroup>/]<module>/koder.toml
    <top>/<group>/[<subgroup>/]<module>/self-hosted/koder_<module>-axisN.toml   (every K-th module)
    <top>/<group>/[<subgroup>/]<module>/{src,include,tests,docs,config}/.../file_<k>.<ext>

with <top> one of engines/, infra/, products/, services/. Every manifest is valid
under SPEC.md §2 so the generated repository audits clean (no errors; and no
warnings as long as the tool honours `[no_external_alternative]`).

--files is the total number of tracked files in the first commit (manifests,
fragments and top-level files included), so `git ls-files | wc -l` equals it.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
import zlib

EPOCH_2026 = 1767225600  # 2026-01-01T00:00:00Z
COMMIT_STEP = 3600       # one hour between synthetic commits
LAYOUT_VERSION = 2       # recorded in .git/ksa-bench.json; bump when the generated tree changes
AUTHOR = b"Koder Bench <bench@koder.invalid>"

TOPS = {
    # top: (category chooser, groups). No engines/sdk/ nor products/dev/ and no
    # module name starting with "koder-", so the anti-drift heuristic only
    # fires where the manifest already answers it ([self_hosted] or the
    # explicit no-alternative declaration).
    "engines": (["engine"],
                ["lang", "media", "net", "storage", "compute", "crypto", "graphics", "search"]),
    "infra": (["infra-tooling"],
              ["deploy", "observability", "ci-tools", "dns", "proxy", "secrets"]),
    "products": (["product"],
                 ["web", "mobile", "office", "social", "games", "commerce"]),
    "services": (["runtime-lib", "protocol", "sdk-binding"],
                 ["auth", "billing", "mail", "chat", "maps", "sync"]),
}
TOP_ORDER = ["engines", "infra", "products", "services"]
SUBGROUPS = ["core", "edge", "legacy", "next", "shared", "tools"]
WORDS = ["parser", "lexer", "codec", "io", "util", "net", "cache", "sched", "alloc",
         "hash", "proto", "rpc", "fs", "db", "index", "query", "render", "audio",
         "video", "crypto", "auth", "log", "metrics", "config", "cli", "http",
         "tls", "dns", "queue", "store"]
EXTERNALS = ["nginx", "ffmpeg", "postgresql", "redis", "envoy", "haproxy", "kafka",
             "prometheus", "grafana", "terraform", "jenkins", "minio", "etcd",
             "consul", "vault", "elasticsearch", "rabbitmq", "memcached", "sqlite",
             "openssl", "curl", "git", "docker", "kubernetes", "bazel", "make"]
STATUS_SHAPES = [
    # (status, gates_passed, gates_pending) -- all valid under phase 5
    ("experimental", [], ["feature_parity", "performance:hot_path"]),
    ("experimental", ["feature_parity"], ["performance", "stability"]),
    ("stable", ["feature_parity", "performance:hot_path"],
     ["stability", "production_proven", "capability:async_runtime"]),
    ("stable", ["feature_parity", "performance", "stability"], ["production_proven"]),
    ("official", ["feature_parity", "performance", "stability", "production_proven"], []),
    ("legacy", ["feature_parity"], []),
]


def toml_list(items):
    return "[" + ", ".join('"%s"' % x for x in items) + "]"


class Module:
    __slots__ = ("idx", "name", "path", "top", "category", "shape", "replaces",
                 "version", "fragments", "n_files", "no_alt_table")

    def version_str(self):
        return "%d.%d.%d" % tuple(self.version)

    def manifest(self):
        """Text of <module>/koder.toml for the module's current version."""
        out = ['category = "%s"' % self.category]
        if self.top == "products":
            out += ["[app]", 'slug = "%s"' % self.name,
                    'name = "%s"' % self.name.replace("-", " ").title(),
                    'version = "%s"' % self.version_str()]
        else:
            out += ["[package]", 'name = "%s"' % self.name, 'version = "%s"' % self.version_str()]
        out += ["[backlog]", 'prefix = "M%04d"' % self.idx]
        if self.shape is not None:
            status, passed, pending = self.shape
            out += ["[self_hosted]", "replaces = %s" % toml_list(self.replaces),
                    'status = "%s"' % status,
                    "gates_passed = %s" % toml_list(passed),
                    "gates_pending = %s" % toml_list(pending)]
        elif self.category in ("engine", "infra-tooling"):
            out += ["[%s]" % self.no_alt_table, 'reason = "synthetic"']
        return ("\n".join(out) + "\n").encode()


def fragment_text(mod, frag_name, h):
    status, passed, pending = STATUS_SHAPES[h % 2]  # experimental shapes only
    ext = EXTERNALS[(h >> 3) % len(EXTERNALS)]
    return ("# second self-hosted axis of %s\n"
            "[self_hosted]\n"
            "replaces = %s\n"
            'status = "%s"\n'
            "gates_passed = %s\n"
            "gates_pending = %s\n" % (mod.name, toml_list([ext]), status,
                                      toml_list(passed), toml_list(pending))).encode()


def filler_text(path, rev):
    """Deterministic content of a filler file (a function of its path and revision)."""
    h = zlib.crc32(path.encode())
    ident = "".join(c if c.isalnum() else "_" for c in path.rsplit("/", 1)[-1].split(".")[0])
    if path.endswith(".md"):
        body = "# %s\n\nSynthetic documentation page %08x.\n" % (path, h)
        body += "".join("- item %d of %08x\n" % (i, h) for i in range(h % 12))
    elif path.endswith(".toml"):
        body = "# not a manifest\n[settings]\nkey_%08x = %d\nenabled = %s\n" % (
            h, h % 1000, "true" if h & 1 else "false")
    else:
        body = "/* %s: synthetic filler %08x */\n#include <stdint.h>\n\n" % (path, h)
        for i in range(1 + h % 6):
            body += ("static int %s_f%d(int x) {\n    return x * %d + %d;\n}\n\n"
                     % (ident, i, (h >> i) & 0xffff, i))
    if rev:
        if path.endswith(".toml"):
            body += "# revision %d\n" % rev
        elif path.endswith(".md"):
            body += "<!-- revision %d -->\n" % rev
        else:
            body += "/* revision %d */\n" % rev
    return body.encode()


def build_layout(args, rng):
    width = max(4, len(str(args.modules - 1)))
    modules = []
    for i in range(args.modules):
        m = Module()
        m.idx = i
        m.name = "mod-%0*d" % (width, i)
        m.top = TOP_ORDER[i % 4] if rng.random() < 0.6 else rng.choice(TOP_ORDER)
        cats, groups = TOPS[m.top]
        m.category = rng.choice(cats)
        group = rng.choice(groups)
        if rng.random() < 0.15:  # some modules sit one level deeper
            m.path = "%s/%s/%s/%s" % (m.top, group, rng.choice(SUBGROUPS), m.name)
        else:
            m.path = "%s/%s/%s" % (m.top, group, m.name)
        if rng.random() < 0.5:
            m.shape = rng.choice(STATUS_SHAPES)
            m.replaces = rng.sample(EXTERNALS, 1 + (rng.random() < 0.3))
        else:
            m.shape = None
            m.replaces = None
        m.no_alt_table = args.no_alt_table
        m.version = [1, rng.randrange(0, 10), 0]
        m.fragments = []
        if args.fragments_every and i % args.fragments_every == 0:
            for j in range(1 + (rng.random() < 0.3)):
                # The stem is the component's name, which must be unique in the
                # repository (KSA018), so it carries the module's name.
                m.fragments.append("%s-axis%d" % (m.name, j))
        modules.append(m)

    top_files = {
        "README.md": b"# Synthetic Koder monorepo\n\nGenerated by bench/gen-monorepo.py.\n",
        ".gitignore": b"build/\n*.o\n",
    }
    fixed = len(modules) + sum(len(m.fragments) for m in modules) + len(top_files)
    n_filler = args.files - fixed
    if n_filler < 0:
        sys.exit("error: --files %d is below the %d manifests, fragments and top-level files"
                 % (args.files, fixed))
    # Skewed module sizes (a few big modules, many small), summing to n_filler.
    weights = [rng.paretovariate(1.2) for _ in modules]
    total_w = sum(weights)
    counts = [int(w / total_w * n_filler) for w in weights]
    rest = n_filler - sum(counts)
    for k in range(rest):
        counts[k % len(counts)] += 1
    for m, c in zip(modules, counts):
        m.n_files = c
    return modules, top_files


def module_filler_paths(m, rng):
    """Paths of a module's filler files, in nested folders ~12 files each."""
    n = m.n_files
    if n == 0:
        return []
    n_dirs = max(1, n // 12)
    dirs = []
    for d in range(n_dirs):
        r = rng.random()
        if r < 0.55:
            parts = ["src", rng.choice(WORDS)]
            while rng.random() < 0.45 and len(parts) < 6:
                parts.append(rng.choice(WORDS))
            dirs.append(("/".join(parts) + "/d%d" % d, (".c", ".h")))
        elif r < 0.75:
            dirs.append(("tests/%s/d%d" % (rng.choice(WORDS), d), ("_test.c",)))
        elif r < 0.87:
            dirs.append(("include/%s/d%d" % (m.name, d), (".h",)))
        elif r < 0.97:
            dirs.append(("docs/%s/d%d" % (rng.choice(WORDS), d), (".md",)))
        else:
            dirs.append(("config/d%d" % d, (".toml",)))
    paths = []
    for k in range(n):
        d, exts = dirs[k % n_dirs]
        paths.append("%s/%s/file_%d%s" % (m.path, d, k, exts[k % len(exts)]))
    return paths


def ident_line(when):
    return b"%s %d +0000" % (AUTHOR, when)


def commit_header(out, n, msg):
    when = EPOCH_2026 + n * COMMIT_STEP
    msg = msg.encode()
    out.append(b"commit refs/heads/main\nmark :%d\nauthor %s\ncommitter %s\ndata %d\n%s\n"
               % (n + 1, ident_line(when), ident_line(when), len(msg), msg))


def modify(out, path, data):
    out.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))


def run(cmd, cwd, **kw):
    return subprocess.run(cmd, cwd=cwd, check=True, **kw)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="repository to create (must not exist or be empty)")
    ap.add_argument("--modules", type=int, default=2000)
    ap.add_argument("--files", type=int, default=200000, help="total tracked files (default 200000)")
    ap.add_argument("--fragments-every", type=int, default=20, metavar="K",
                    help="every K-th module also gets self-hosted/koder_<name>.toml fragments "
                         "(0 = none; default 20)")
    ap.add_argument("--commits", type=int, default=1,
                    help="1 = one big initial commit; N>1 adds N-1 small commits (default 1)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-alt-table", default="no_external_alternative",
                    help="table that declares 'no external alternative' (default %(default)s)")
    ap.add_argument("--index-version", type=int, choices=(2, 3, 4),
                    help="write the index in this format (git config index.version); "
                         "default: git's own default")
    ap.add_argument("--force", action="store_true", help="delete --out first if it exists")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    if args.modules < 1 or args.commits < 1 or args.fragments_every < 0:
        ap.error("--modules and --commits must be >= 1, --fragments-every >= 0")

    def say(*a):
        if not args.quiet:
            print(*a, flush=True)

    out = os.path.abspath(args.out)
    if os.path.exists(out) and os.listdir(out):
        if not args.force:
            sys.exit("error: %s exists and is not empty (use --force)" % out)
        shutil.rmtree(out)
    os.makedirs(out, exist_ok=True)

    t0 = time.perf_counter()
    rng = random.Random(args.seed)
    modules, top_files = build_layout(args, rng)

    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
    run(["git", "init", "-q", "-b", "main", out], None, env=env)
    for k, v in (("user.name", "Koder Bench"), ("user.email", "bench@koder.invalid"),
                 ("gc.auto", "0"), ("commit.gpgsign", "false")):
        run(["git", "config", k, v], out, env=env)
    if args.index_version:
        run(["git", "config", "index.version", str(args.index_version)], out, env=env)

    fi = subprocess.Popen(["git", "fast-import", "--quiet", "--done"],
                          cwd=out, env=env, stdin=subprocess.PIPE, bufsize=1 << 20)
    pipe = fi.stdin
    buf = []

    def flush(force=False):
        nonlocal buf
        if buf and (force or len(buf) >= 4096):
            pipe.write(b"".join(buf))
            buf = []

    # ---- commit 1: the whole tree
    commit_header(buf, 0, "Initial import of the synthetic monorepo (seed %d)\n" % args.seed)
    n_files = n_manifests = n_fragments = 0
    filler = []        # every filler path, for later commits
    for path, data in top_files.items():
        modify(buf, path, data)
        n_files += 1
    for m in modules:
        modify(buf, m.path + "/koder.toml", m.manifest())
        n_files += 1
        n_manifests += 1
        for fname in m.fragments:
            p = "%s/self-hosted/koder_%s.toml" % (m.path, fname)
            modify(buf, p, fragment_text(m, fname, zlib.crc32(p.encode())))
            n_files += 1
            n_fragments += 1
        for p in module_filler_paths(m, rng):
            modify(buf, p, filler_text(p, 0))
            filler.append(p)
            n_files += 1
            flush()
    flush(True)
    t_stream1 = time.perf_counter()

    # ---- commits 2..N: small changes
    revs = {}
    n_manifest_changes = 0
    for c in range(1, args.commits):
        touched = rng.sample(filler, min(len(filler), rng.randint(1, 5))) if filler else []
        bump = rng.random() < 0.2
        m = rng.choice(modules) if bump else None
        msg = "Synthetic change %d: %d file(s)%s\n" % (
            c, len(touched), (", bump %s" % m.name) if m else "")
        commit_header(buf, c, msg)
        for p in touched:
            revs[p] = revs.get(p, 0) + 1
            modify(buf, p, filler_text(p, revs[p]))
        if m:
            m.version[2] += 1
            modify(buf, m.path + "/koder.toml", m.manifest())
            n_manifest_changes += 1
        flush()
    buf.append(b"done\n")
    flush(True)
    pipe.close()
    if fi.wait() != 0:
        sys.exit("error: git fast-import failed (exit %d)" % fi.returncode)
    t_import = time.perf_counter()

    # ---- work tree and index (no gc: keep the pack fast-import wrote)
    run(["git", "-c", "checkout.workers=0", "reset", "-q", "--hard", "main"], out, env=env)
    t_checkout = time.perf_counter()

    pack_dir = os.path.join(out, ".git", "objects", "pack")
    pack_bytes = sum(os.path.getsize(os.path.join(pack_dir, f)) for f in os.listdir(pack_dir))
    index_bytes = os.path.getsize(os.path.join(out, ".git", "index"))
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=out, env=env, check=True,
                          capture_output=True, text=True).stdout.strip()

    meta = {
        "generator": "bench/gen-monorepo.py",
        # Layout version. 2: fragment stems carry the module name
        # (self-hosted/koder_mod-NNNN-axisN.toml), so the registry generates (no KSA018).
        "layout": LAYOUT_VERSION,
        "params": {"modules": args.modules, "files": args.files,
                   "fragments_every": args.fragments_every, "commits": args.commits,
                   "seed": args.seed, "no_alt_table": args.no_alt_table,
                   "index_version": args.index_version},
        "head": head,
        "counts": {
            "files": n_files, "modules": n_manifests, "fragments": n_fragments,
            "filler_files": len(filler), "commits": args.commits,
            "self_hosted_modules": sum(1 for m in modules if m.shape is not None),
            "no_alternative_modules": sum(1 for m in modules if m.shape is None
                                          and m.category in ("engine", "infra-tooling")),
            "manifest_changes_in_history": n_manifest_changes,
        },
        "max_depth": max(p.count("/") + 1 for p in filler) if filler else 0,
        # a few manifests for benchmark scenarios (self-hosted one first)
        "sample_manifests": [m.path + "/koder.toml" for m in modules
                             if m.shape is not None][:3]
                            + [m.path + "/koder.toml" for m in modules if m.shape is None][:3],
        "timings_s": {"stream_first_commit": round(t_stream1 - t0, 2),
                      "fast_import_total": round(t_import - t0, 2),
                      "checkout": round(t_checkout - t_import, 2),
                      "total": round(t_checkout - t0, 2)},
        "pack_bytes": pack_bytes, "index_bytes": index_bytes,
    }
    with open(os.path.join(out, ".git", "ksa-bench.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")

    c = meta["counts"]
    say("generated %s" % out)
    say("  files %d (filler %d), modules %d, fragments %d, commits %d, max depth %d"
        % (c["files"], c["filler_files"], c["modules"], c["fragments"], c["commits"],
           meta["max_depth"]))
    say("  [self_hosted] modules %d, [%s] modules %d, manifest edits in history %d"
        % (c["self_hosted_modules"], args.no_alt_table, c["no_alternative_modules"],
           c["manifest_changes_in_history"]))
    say("  pack %.1f MiB, index %.1f MiB, HEAD %s"
        % (pack_bytes / 2**20, index_bytes / 2**20, head))
    say("  time: fast-import %.2fs (first commit streamed in %.2fs), checkout %.2fs, total %.2fs"
        % (t_import - t0, t_stream1 - t0, t_checkout - t_import, t_checkout - t0))


if __name__ == "__main__":
    main()
