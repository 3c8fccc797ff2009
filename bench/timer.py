#!/usr/bin/env python3
"""Time whole processes against each other; used by the bench/run-*.sh scripts.

    timer.py --runs N --warmup W --out times.json spec.json

spec.json: {"commands": [{"name": "...", "argv": [...], "cwd": "...", "env": {...},
                          "stdin": "file or null", "expect": 0}, ...]}

Each command is started directly with posix_spawnp (no shell unless argv names one), with
stdin from its file (or /dev/null) and stdout and stderr to /dev/null. Its time is measured
from just before the spawn to the return of wait4(), so it covers the whole process.

The commands are interleaved: W warm-up rounds, then N timed rounds, each round running every
command once (the order rotates from round to round), so a slow spell of the machine hits all
commands alike and the ratios stay fair. Peak RSS is the largest ru_maxrss that wait4()
reported over the timed runs; for `sh -c 'a | b'` that is the largest process of the pipeline
(the kernel folds the children a process waited for into its rusage), as with
/usr/bin/time -f %M. CPU time (user + system) comes from the same rusage, so for a pipeline it
is the sum over its processes. Any exit status other than the command's "expect" (default 0)
stops the benchmark: a command that must fail, like a hook rejecting a bad push, is timed only
while it fails the expected way.
"""

import argparse
import json
import os
import statistics
import sys
import time


def prepare(cmd):
    env = dict(os.environ)
    env.update(cmd.get("env") or {})
    actions = [(os.POSIX_SPAWN_OPEN, 0, cmd.get("stdin") or os.devnull, os.O_RDONLY, 0),
               (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
               (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]
    return {"name": cmd["name"], "argv": list(cmd["argv"]), "cwd": cmd.get("cwd") or os.getcwd(),
            "env": env, "actions": actions, "expect": int(cmd.get("expect", 0))}


def run_once(p):
    os.chdir(p["cwd"])
    t0 = time.perf_counter()
    pid = os.posix_spawnp(p["argv"][0], p["argv"], p["env"], file_actions=p["actions"])
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - t0
    return (elapsed, os.waitstatus_to_exitcode(status), usage.ru_maxrss,
            usage.ru_utime + usage.ru_stime)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("spec")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    if args.runs < 1 or args.warmup < 0:
        ap.error("--runs must be >= 1 and --warmup >= 0")

    cmds = [prepare(c) for c in json.load(open(args.spec))["commands"]]
    times = {p["name"]: [] for p in cmds}
    rss = {p["name"]: 0 for p in cmds}
    cpu = {p["name"]: [] for p in cmds}
    n = len(cmds)
    for rnd in range(args.warmup + args.runs):
        timed = rnd >= args.warmup
        for k in range(n):
            p = cmds[(rnd + k) % n]
            elapsed, code, maxrss, cpu_time = run_once(p)
            if code != p["expect"]:
                sys.exit("timer.py: %s exited %d, expected %d (argv: %s)"
                         % (p["name"], code, p["expect"], " ".join(p["argv"])))
            if timed:
                times[p["name"]].append(elapsed)
                cpu[p["name"]].append(cpu_time)
                rss[p["name"]] = max(rss[p["name"]], maxrss)
        if not args.quiet:
            print("timer.py: %s round %d/%d" % ("timed" if timed else "warm-up",
                                               rnd + 1 - (args.warmup if timed else 0),
                                               args.runs if timed else args.warmup),
                  file=sys.stderr, flush=True)

    results = []
    for p in cmds:
        t = times[p["name"]]
        results.append({"command": p["name"], "times": t, "median": statistics.median(t),
                        "mean": statistics.fmean(t),
                        "stddev": statistics.stdev(t) if len(t) > 1 else 0.0,
                        "min": min(t), "max": max(t), "maxrss_kib": rss[p["name"]], "exit": p["expect"],
                        "cpu_times": cpu[p["name"]], "cpu_median": statistics.median(cpu[p["name"]])})
    with open(args.out, "w") as f:
        json.dump({"runs": args.runs, "warmup": args.warmup, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
