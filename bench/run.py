#!/usr/bin/env python3
"""platc's benchmark: whole-process wall time and peak memory of the commands people run.

    python3 bench/run.py            # the full run (a few minutes: kubectl kustomize alone ~13 s)
    python3 bench/run.py --smoke    # 10 clusters, one run, no kubectl: checks the benchmark works
    python3 bench/run.py --runs 5   # more runs per figure (the best is kept)
    python3 bench/run.py --smoke --debug   # the smoke with the debug build (.ci/run: no release build)

Fleets of 10, 100 and 1,000 clusters come from tools/gen_fleet.py (a copy of the shared
generator; every feature, every provider). Per fleet: `render` into an empty folder, `cp -r`
of the same tree (the floor any writer pays), `render` again with nothing changed (must write
nothing), `check`, `diff`. Then the reference blueprint, and the overlay engine
(`platc kustomize`) against `kubectl kustomize` on tools/gen_big_overlay.py's cases. Every
figure is the best of N runs, all taken in this one run, so ratios compare like with like on a
shared, noisy machine. Prints a Markdown table (the README's Performance section).

Each timed run starts after `sync` and writes a folder of its own; trees are deleted only at the
end. On ext4, creating files in the minutes after many were deleted is several times slower
(the inode allocator skips recently freed inodes), so a second run started right after the
first one times partly the file system: wait ten minutes between runs, or pass `--dir /dev/shm`
to time platc on a tmpfs.
"""
import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLATC = os.path.join(ROOT, "target", "release", "platc")


def measure(cmd, cwd=None, stdout=subprocess.DEVNULL):
    """(wall seconds, peak RSS in MB, exit code) of one process."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=stdout, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, p.returncode


def best(runs, cmd, setup=None, want=0, **kw):
    """The best (wall, MB) of `runs` runs. `cmd` may be a function of the run's number, for a
    command that needs a new output folder each time."""
    results = []
    for i in range(runs):
        if setup:
            setup()
        # Dirty pages of the previous run flushed first: its writeback is not this run's cost.
        os.sync()
        wall, mb, code = measure(cmd(i) if callable(cmd) else cmd, **kw)
        if code != want:
            sys.exit(f"{cmd} exited {code}, expected {want}")
        results.append((wall, mb))
    return min(results)


def files_written(out):
    """Paths and mtimes under `out`, to prove a re-render writes nothing."""
    seen = {}
    for d, _, fs in os.walk(out):
        for f in fs:
            p = os.path.join(d, f)
            seen[p] = os.stat(p).st_mtime_ns
    return seen


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--debug", action="store_true", help="use the debug build (figures are then meaningless)")
    ap.add_argument("--dir", help="where to write the trees (default: a new folder in the system's temporary "
                    "folder); e.g. /dev/shm to time platc without the disk's file system")
    args = ap.parse_args()
    global PLATC
    if args.debug:
        PLATC = os.path.join(ROOT, "target", "debug", "platc")
    runs = 1 if args.smoke else args.runs
    sizes = [10] if args.smoke else [10, 100, 1000]

    build = ["cargo", "build", "--locked", "--quiet"] + ([] if args.debug else ["--release"])
    subprocess.run(build, cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="platc-bench-", dir=args.dir)
    rows = []
    try:
        render_times = {}
        for n in sizes:
            bp = os.path.join(work, f"fleet-{n}.yaml")
            with open(bp, "w") as f:
                subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_fleet.py"), str(n)], stdout=f, check=True)
            # Every run writes a folder of its own, and nothing is deleted until the end: on
            # ext4, creating files soon after deleting many is several times slower (the inode
            # allocator skips inodes freed in the last minutes, `recently_deleted`), which
            # would time the file system's bookkeeping, not platc (README, "Performance").
            outs = [os.path.join(work, f"out-{n}-{i}") for i in range(runs)]
            t, mb = best(runs, lambda i: [PLATC, "render", "-q", "-f", bp, "-o", outs[i]])
            render_times[n] = t
            out = outs[0]
            nfiles = sum(len(fs) for _, _, fs in os.walk(out))
            tc, _ = best(runs, lambda i: ["cp", "-r", out, os.path.join(work, f"copy-{n}-{i}")])
            rows.append((f"{n} clusters: render into an empty folder ({nfiles} files)", t, mb,
                         f"{t / tc:.1f}× `cp -r` ({tc:.3f} s)"))
            before = files_written(out)
            t, mb = best(runs, [PLATC, "render", "-q", "-f", bp, "-o", out])
            if files_written(out) != before:
                sys.exit("a re-render with nothing changed wrote files")
            rows.append((f"{n} clusters: render again, nothing changed (0 files written)", t, mb, ""))
            t, mb = best(runs, [PLATC, "check", "-q", "-f", bp, "-o", out])
            rows.append((f"{n} clusters: check", t, mb, ""))
            t, mb = best(runs, [PLATC, "diff", "-f", bp, "-o", out])
            rows.append((f"{n} clusters: diff (no change)", t, mb, ""))
            # validate compiles the same objects and checks every one against its schema and
            # the bring-up rules (issue 25: no slower than render). Warnings exit 0.
            t, mb = best(runs, [PLATC, "validate", "-q", "-f", bp])
            rows.append((f"{n} clusters: validate", t, mb,
                         f"{t / render_times[n]:.1f}× render"))
        if 100 in render_times and 1000 in render_times:
            rows.append(("render time 100 → 1,000 clusters", None, None,
                         f"{render_times[1000] / render_times[100]:.1f}×"))

        ref = os.path.join(ROOT, "tests", "data", "reference", "reference.yaml")
        # A run of ~15 ms is easily doubled by a neighbour on a shared machine: more runs.
        t, mb = best(max(runs * 5, 15),
                     lambda i: [PLATC, "render", "-q", "-f", ref, "-o", os.path.join(work, f"ref-{i}")])
        rows.append(("reference blueprint: render into an empty folder", t, mb, ""))

        # Refused blueprints: every shared bad input through `validate` and `render`; the
        # slowest answer is the figure (the catalogue says "under a second").
        bad_dir = os.path.join(ROOT, "tests", "data", "bad-inputs")
        bad = sorted(f for f in os.listdir(bad_dir) if f[:2].isdigit() and f.endswith(".yaml"))
        if args.smoke:
            bad = bad[:3]
        slowest = (0.0, 0.0, "")
        for name in bad:
            path = os.path.join(bad_dir, name)
            for cmd in (["validate", "-q", "-f", path],
                        ["render", "-q", "-f", path, "-o", os.path.join(work, "refused")]):
                t, mb = best(runs, [PLATC] + cmd, want=65)
                slowest = max(slowest, (t, mb, f"{cmd[0]} {name}"))
        rows.append((f"refused blueprints ({len(bad)} bad inputs, validate and render): slowest answer",
                     slowest[0], slowest[1], f"`{slowest[2]}`"))

        gen = os.path.join(ROOT, "tools", "gen_big_overlay.py")
        # 30,000 objects: a 24 MB resource file, past the blueprint's 16 MiB cap (issue 25).
        for n in ([100] if args.smoke else [1000, 10000, 30000]):
            case = os.path.join(work, f"overlay-{n}")
            subprocess.run([sys.executable, gen, "--objects", str(n), "--patches", "50", "--out", case],
                           check=True, stdout=subprocess.DEVNULL)
            mine = os.path.join(work, f"platc-{n}.yaml")
            t, mb = best(runs, [PLATC, "kustomize", case])
            with open(mine, "w") as f:
                subprocess.run([PLATC, "kustomize", case], stdout=f, check=True)
            note = ""
            if n == 1000 and not args.smoke and shutil.which("kubectl"):
                theirs = os.path.join(work, "kubectl-1000.yaml")
                with open(theirs, "w") as f:
                    tk, mbk, code = measure(["kubectl", "kustomize", case], stdout=f)
                same = open(mine, "rb").read() == open(theirs, "rb").read()
                if not same:
                    sys.exit("platc kustomize and kubectl kustomize differ on the 1,000-object case")
                rows.append((f"overlay, {n} objects × 50 patches: kubectl kustomize", tk, mbk, ""))
                note = f"{tk / t:.0f}× faster than kubectl, byte-identical output"
            rows.append((f"overlay, {n} objects × 50 patches: platc kustomize", t, mb, note))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    cpu = platform.processor() or platform.machine()
    print(f"platc benchmark — {os.cpu_count()} cores, {cpu}, best of {runs} run(s) each\n")
    print("| what | wall | peak memory | notes |")
    print("|---|---:|---:|---|")
    for what, t, mb, note in rows:
        # Under a tenth of a second, milliseconds with a decimal: `0.015 s` would hide which
        # side of a 15 ms target a figure is on.
        wall = "" if t is None else f"{t * 1000:.1f} ms" if t < 0.1 else f"{t:.3f} s"
        mem = "" if mb is None else f"{mb:.0f} MB"
        print(f"| {what} | {wall} | {mem} | {note} |")


if __name__ == "__main__":
    main()
