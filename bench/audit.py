"""The audit end to end: letters per second on the local pool and a Dask LocalCluster, client memory, resuming.

    .venv/bin/python bench/audit.py [--shared ../shared] [--repeat 20] [--copies 1000 10000] [--resume-copies 1000]

Runs `imr-check audit CORPUS --out TMP --format json` as a user would (process start-up, reading,
evaluating, writing JSON, CSV, Parquet and HTML included) and samples the resident memory of the
command and all its worker processes every 20 ms (PSS, which splits the pages the forked workers
share with the parent, and the plain sum of RSS, which counts them once per process). `--repeat N` also audits a folder of N symbolic
links to each letter (N x 59 letters; nothing copied) to show that memory stays flat as the run
grows. Ends with the dev corpus's summary figures.

Beside the local pool with 1 and 2 jobs it runs the same letters on a Dask LocalCluster with 1 and 2
workers (`--scheduler local`, needs imr-check[dask]; its start-up, spawning the workers, is timed
on its own). `--copies N...` audits N copies of the dev letters under new names in a temporary
folder and prints the peak memory of the client process alone (the workers' memory is per letter
and does not grow with the run); `--resume-copies N` stops an audit of N copies with SIGTERM half
way and times `--resume` against the whole run. `--budget SECONDS` skips the copies runs that would
start after that much time (the figures measured by then are printed).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _pss_kb(pid: int) -> int:
    """Proportional set size: pages shared with the forked workers are split among them, not summed."""
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def _tree_memory_kb(root: int) -> tuple[int, int]:
    """(RSS, PSS) of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    rss = pss = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm") as statm:
                rss += int(statm.read().split()[1]) * PAGE_KB
            pss += _pss_kb(pid)
        except (OSError, IndexError, ValueError):
            continue
    return rss, pss


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def run(corpus: Path, jobs: int, scheduler: str | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="imr-audit-bench-") as out:
        command = [sys.executable, "-m", "imr_check.cli", "audit", str(corpus), "--out", out, "--format", "json",
                   "--jobs", str(jobs)] + (["--scheduler", scheduler] if scheduler else [])
        peak_rss = peak_pss = peak_client = 0
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak_rss, peak_pss, peak_client
            while not done.is_set():
                rss, pss = _tree_memory_kb(process.pid)
                peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
                peak_client = max(peak_client, _rss_kb(process.pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stdout, stderr = process.communicate()
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command and its reaped workers
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        done.set()
        sampler.join()
        if process.returncode != 0:
            raise SystemExit(f"audit failed ({process.returncode}): {stderr}")
        summary = json.loads(stdout)["summary"]
        sizes = {name: os.path.getsize(os.path.join(out, name)) for name in sorted(os.listdir(out))}
    return {"jobs": jobs, "scheduler": scheduler, "peak_client_mb": peak_client / 1024,
            "files": summary["files"], "seconds": elapsed, "letters_per_second": summary["files"] / elapsed,
            "cpu_seconds": cpu,
            "peak_rss_mb": peak_rss / 1024, "peak_pss_mb": peak_pss / 1024, "summary": summary, "output_bytes": sizes}


def repeated(corpus: Path, times: int, into: Path) -> Path:
    for copy in range(times):
        folder = into / f"copy-{copy:03d}"
        folder.mkdir(parents=True)
        for letter in sorted(corpus.glob("*.pdf")):
            (folder / letter.name).symlink_to(letter.resolve())
    return into


def copies(corpus: Path, count: int, into: Path) -> Path:
    """`count` copies of the dev letters under new names (real files, so each is read from disk)."""
    letters = sorted(corpus.glob("*.pdf"))
    into.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        letter = letters[number % len(letters)]
        target = into / f"{number // 1000:03d}" / f"copy-{number:06d}-{letter.name}"
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(letter, target)
    return into


def cluster_start_seconds(workers: int) -> float:
    """A LocalCluster of `workers` processes and its client, started and stopped: the fixed cost."""
    code = ("import time; t = time.perf_counter(); from distributed import Client, LocalCluster; "
            f"c = LocalCluster(n_workers={workers}, threads_per_worker=1, dashboard_address=None); "
            "Client(c); print(time.perf_counter() - t); c.close()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return float(result.stdout.split()[0]) if result.returncode == 0 and result.stdout.strip() else float("nan")


def resume_after_half(corpus: Path, jobs: int) -> dict:
    """An audit stopped with SIGTERM once half the files are in its parts, then resumed and timed."""
    files = sum(1 for _ in corpus.rglob("*.pdf"))
    with tempfile.TemporaryDirectory(prefix="imr-audit-bench-resume-") as out:
        command = [sys.executable, "-m", "imr_check.cli", "audit", str(corpus), "--out", out, "--jobs", str(jobs)]
        parts = Path(out) / ".imr-check-run" / "parts"
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        written = 0
        while process.poll() is None and written < files // 2:
            time.sleep(0.2)
            written = sum(sum(1 for _ in open(p)) for p in parts.glob("part-*.jsonl")) if parts.is_dir() else 0
        first_half = time.perf_counter() - started
        process.send_signal(signal.SIGTERM)
        process.communicate()
        written = sum(sum(1 for _ in open(p)) for p in parts.glob("part-*.jsonl"))
        started = time.perf_counter()
        resumed = subprocess.run(command + ["--resume"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - started
        if resumed.returncode != 0:
            raise SystemExit(f"resume failed ({resumed.returncode}): {resumed.stderr}")
    return {"files": files, "written": written, "first_seconds": first_half, "resume_seconds": seconds,
            "stopped_with": process.returncode}


def _share(value) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--repeat", type=int, default=0, help="also audit N symlinked copies of the corpus")
    parser.add_argument("--copies", type=int, nargs="*", default=[1000, 10000],
                        help="client memory on this many copies of the letters")
    parser.add_argument("--resume-copies", type=int, default=1000, help="resume half way through this many copies")
    parser.add_argument("--no-cluster", action="store_true", help="skip the Dask LocalCluster runs")
    parser.add_argument("--budget", type=float, default=float("inf"),
                        help="seconds after which the copies runs that remain are skipped")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    corpus = args.shared / "corpus" / "dev"
    if not corpus.is_dir():
        print(f"no dev corpus at {corpus}", file=sys.stderr)
        return 2
    print(f"dev corpus: {len(list(corpus.glob('*.pdf')))} letters, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at the start", flush=True)
    results = [run(corpus, jobs) for jobs in (1, 2)]
    if not args.no_cluster:
        results += [run(corpus, workers, "local") for workers in (1, 2)]
    if args.repeat:
        with tempfile.TemporaryDirectory(prefix="imr-audit-bench-links-") as links:
            big = repeated(corpus, args.repeat, Path(links))
            results += [run(big, jobs) for jobs in (1, 2)]
    for r in results:
        where = f"LocalCluster, {r['jobs']} worker(s)" if r["scheduler"] else f"local pool, {r['jobs']} job(s)"
        print(f"  {r['files']:6d} letters, {where:26s}: {r['seconds']:6.2f} s, "
              f"{r['letters_per_second']:6.1f} letters/s, CPU {r['cpu_seconds']:6.2f} s "
              f"({1000 * r['cpu_seconds'] / r['files']:.0f} ms a letter), peak memory of client + workers: "
              f"PSS {r['peak_pss_mb']:.0f} MB (RSS summed {r['peak_rss_mb']:.0f} MB), client alone "
              f"{r['peak_client_mb']:.0f} MB", flush=True)
    if not args.no_cluster:
        for workers in (1, 2):
            print(f"  LocalCluster start-up with {workers} worker(s), included above: "
                  f"{cluster_start_seconds(workers):.1f} s", flush=True)
    if args.resume_copies and time.perf_counter() - began <= args.budget:
        with tempfile.TemporaryDirectory(prefix="imr-audit-bench-copies-") as folder:
            r = resume_after_half(copies(corpus, args.resume_copies, Path(folder)), 2)
        print(f"  resume: {r['files']} copies stopped with SIGTERM (exit {r['stopped_with']}) after "
              f"{r['first_seconds']:.1f} s with {r['written']} written; --resume did the other "
              f"{r['files'] - r['written']} in {r['resume_seconds']:.1f} s", flush=True)
    for count in args.copies:
        if time.perf_counter() - began > args.budget:
            print(f"  {count} copies: skipped (--budget {args.budget:.0f} s spent)")
            continue
        with tempfile.TemporaryDirectory(prefix="imr-audit-bench-copies-") as folder:
            r = run(copies(corpus, count, Path(folder)), 2)
        print(f"  {r['files']:6d} copies, local pool, 2 jobs: {r['seconds']:7.1f} s, {r['letters_per_second']:5.1f} "
              f"letters/s; peak memory of the client {r['peak_client_mb']:.0f} MB, client + workers PSS "
              f"{r['peak_pss_mb']:.0f} MB", flush=True)
    s = results[0]["summary"]
    print(f"summary: {s['letters']} letters read, {s['errors']} not read; {s['items']} items, {s['decided']} decided "
          f"(coverage {_share(s['coverage'])}); compared {s['compared']}")
    print(f"  agreement {_share(s['agreement'])} (always upheld {_share(s['baseline_agreement'])}), "
          f"kappa {s['kappa'] if s['kappa'] is None else round(s['kappa'], 3)}, "
          f"recall on overturned {_share(s['recall_overturned'])} (baseline {_share(s['baseline_recall_overturned'])}), "
          f"precision on overturned {_share(s['precision_overturned'])}")
    print(f"  confusion {json.dumps(s['confusion'])}")
    print(f"  reviewers overturned {s['overturned']} of {s['outcomes']} items ({_share(s['overturn_rate'])})")
    for breakdown in ("by_topic", "by_reviewer_specialty", "by_guideline_cited"):
        print(f"  {breakdown}:")
        for name, g in list(s[breakdown].items())[:8]:
            print(f"    {name[:60]:60s} items {g['items']:3d} decided {g['decided']:3d} agree {_share(g['agreement']):>6s} "
                  f"baseline {_share(g['baseline_agreement']):>6s} overturned {g['overturned']}/{g['outcomes']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
