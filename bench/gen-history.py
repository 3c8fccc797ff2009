#!/usr/bin/env python3
"""Generate a synthetic Koder monorepo with a long history, for `self-hosted --history`.

One `git fast-import` stream (Python 3 standard library only). The first commit creates
--modules modules (each a koder.toml, some a self-hosted fragment, --files-per-module source
files in two folders); each of the following --commits commits changes one or two source
files, or, one time in --manifest-every, one manifest: mostly a version bump (a release, tagged
`<name>-v<version>` one time in three), sometimes a status change or a gate leaving or joining
`gates_passed` (a regression for G3). The history is linear, with a merge of a two-commit side
branch every --merge-every commits.

Two branches: `base` at commit --commits, and `main` (HEAD) --extra commits further, so a
benchmark can time a cold run on `base` and a warm re-run on `main`.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys

EPOCH = 1735689600  # 2025-01-01T00:00:00Z
STEP = 600          # ten minutes between commits
AUTHOR = b"Koder Bench <bench@koder.invalid>"
TOPS = ["engines", "infra", "products", "services"]
GROUPS = ["lang", "media", "net", "storage", "deploy", "web", "auth", "sync"]
EXTERNALS = ["nginx", "ffmpeg", "postgresql", "redis", "envoy", "kafka", "etcd", "openssl"]
CASES = ["hot_path", "batch", "mp3", "tls"]


class Module:
    def __init__(self, idx, rng, files_per_module):
        self.idx = idx
        self.name = "mod-%04d" % idx
        self.path = "%s/%s/%s" % (TOPS[idx % 4], rng.choice(GROUPS), self.name)
        self.version = [0, rng.randrange(1, 9), 0]
        self.self_hosted = rng.random() < 0.6
        self.status = "experimental"
        self.case = rng.choice(CASES)
        self.passed = ["feature_parity"] if rng.random() < 0.5 else []
        self.pending = ["performance:%s" % self.case, "stability", "production_proven"]
        self.fragment = idx % 25 == 0
        self.files = ["%s/%s/file_%02d.%s" % (self.path, "src" if k % 2 else "tests", k, "c" if k % 2 else "py")
                      for k in range(files_per_module)]
        self.revisions = {}

    def manifest(self):
        lines = ['category = "engine"', "[package]", 'name = "%s"' % self.name,
                 'version = "%d.%d.%d"' % tuple(self.version)]
        if self.self_hosted:
            q = lambda xs: "[" + ", ".join('"%s"' % x for x in xs) + "]"
            lines += ["[self_hosted]", 'replaces = ["%s"]' % EXTERNALS[self.idx % len(EXTERNALS)],
                      'status = "%s"' % self.status, "gates_passed = %s" % q(self.passed),
                      "gates_pending = %s" % q(self.pending)]
        else:
            lines += ["[no_external_alternative]", 'reason = "synthetic"']
        return ("\n".join(lines) + "\n").encode()

    def fragment_text(self):
        return ('[package]\nname = "%s-axis"\n[self_hosted]\nreplaces = ["curl"]\nstatus = "experimental"\n'
                'gates_passed = []\ngates_pending = ["feature_parity"]\n' % self.name).encode()

    def source(self, path):
        rev = self.revisions.get(path, 0)
        return ("/* %s */\nint f(void) { return %d; }\n" % (path, rev)).encode()


def data(out, payload):
    out.write(b"data %d\n" % len(payload))
    out.write(payload)
    out.write(b"\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--modules", type=int, default=2000)
    ap.add_argument("--commits", type=int, default=50000)
    ap.add_argument("--extra", type=int, default=100)
    ap.add_argument("--files-per-module", type=int, default=20)
    ap.add_argument("--manifest-every", type=int, default=10)
    ap.add_argument("--merge-every", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()

    if os.path.exists(args.out):
        if not args.force:
            sys.exit("error: %s exists (use --force)" % args.out)
        shutil.rmtree(args.out)
    subprocess.run(["git", "init", "-q", "-b", "main", args.out], check=True)
    rng = random.Random(args.seed)
    modules = [Module(i, rng, args.files_per_module) for i in range(args.modules)]
    proc = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=args.out, stdin=subprocess.PIPE)
    out = proc.stdin
    mark = [0]
    when = [EPOCH]

    def commit(ref, message, changes, parents=(), extra_from=None):
        mark[0] += 1
        when[0] += STEP
        out.write(b"commit %s\nmark :%d\n" % (ref.encode(), mark[0]))
        stamp = b"%d +0000" % when[0]
        out.write(b"author " + AUTHOR + b" " + stamp + b"\ncommitter " + AUTHOR + b" " + stamp + b"\n")
        data(out, message.encode())
        if extra_from is not None:
            out.write(b"from :%d\n" % extra_from)
        for p in parents:
            out.write(b"merge :%d\n" % p)
        for path, payload in changes:
            out.write(b"M 100644 inline %s\n" % path.encode())
            data(out, payload)
        return mark[0]

    first = []
    for m in modules:
        first.append((m.path + "/koder.toml", m.manifest()))
        if m.fragment:
            first.append((m.path + "/self-hosted/koder_%s-axis.toml" % m.name, m.fragment_text()))
        first += [(f, m.source(f)) for f in m.files]
    tip = commit("refs/heads/main", "initial import", first)

    def manifest_change(m):
        roll = rng.random()
        if not m.self_hosted or roll < 0.8:
            m.version[2] += 1
            if rng.random() < 0.1:
                m.version = [m.version[0], m.version[1] + 1, 0]
            return "release %s %d.%d.%d" % (m.name, *m.version), True
        if roll < 0.9:
            m.status = {"experimental": "stable", "stable": "official" if not m.pending else "experimental",
                        "official": "stable"}.get(m.status, "experimental")
            if m.status == "official" and m.pending:
                m.status = "stable"
            return "%s is now %s" % (m.name, m.status), False
        if "stability" in m.pending:
            m.pending.remove("stability")
            m.passed.append("stability")
            return "%s passes stability" % m.name, False
        if "stability" in m.passed:
            m.passed.remove("stability")
            m.pending.append("stability")
            return "%s: stability regressed" % m.name, False
        return "%s: no-op" % m.name, False

    total = args.commits + args.extra
    for n in range(2, total + 1):
        if n == args.commits + 1:
            out.write(b"reset refs/heads/base\nfrom :%d\n\n" % tip)
        if args.merge_every and n % args.merge_every == 0:
            side = tip
            for k in range(2):
                m = rng.choice(modules)
                f = rng.choice(m.files)
                m.revisions[f] = m.revisions.get(f, 0) + 1
                side = commit("refs/heads/side", "side work %d" % k, [(f, m.source(f))], extra_from=side)
            tip = commit("refs/heads/main", "merge side branch", [], parents=(side,), extra_from=tip)
            continue
        m = rng.choice(modules)
        if rng.randrange(args.manifest_every) == 0:
            message, release = manifest_change(m)
            tip = commit("refs/heads/main", message, [(m.path + "/koder.toml", m.manifest())], extra_from=tip)
            if release and rng.random() < 1 / 3:
                out.write(b"reset refs/tags/%s-v%d.%d.%d\nfrom :%d\n\n" % (m.name.encode(), *m.version, tip))
        else:
            changes = []
            for f in rng.sample(m.files, 1 + (rng.random() < 0.3)):
                m.revisions[f] = m.revisions.get(f, 0) + 1
                changes.append((f, m.source(f)))
            tip = commit("refs/heads/main", "work on %s" % m.name, changes, extra_from=tip)
    if total == args.commits:
        out.write(b"reset refs/heads/base\nfrom :%d\n\n" % tip)
    out.write(b"done\n")
    out.close()
    if proc.wait() != 0:
        sys.exit("error: git fast-import failed")
    subprocess.run(["git", "-C", args.out, "branch", "-D", "side"], check=True, stdout=subprocess.DEVNULL)
    # One pack, no commit-graph: the comparison in bench/run-history.sh is without one.
    subprocess.run(["git", "-C", args.out, "-c", "gc.writeCommitGraph=false", "repack", "-adq"], check=True)
    subprocess.run(["git", "-C", args.out, "reset", "-q", "--hard", "main"], check=True)


if __name__ == "__main__":
    main()
