"""The audit end to end on the dev corpus: letters per second with 1 and 2 jobs, peak memory.

    /tmp/venv/bin/python bench/audit.py [--shared ../shared] [--repeat 20]

Runs `imr-check audit CORPUS --out TMP --format json` as a user would (process start-up, reading,
evaluating, writing JSON, CSV, Parquet and HTML included) and samples the resident memory of the
command and all its worker processes every 20 ms (PSS, which splits the pages the forked workers
share with the parent, and the plain sum of RSS, which counts them once per process). `--repeat N` also audits a folder of N symbolic
links to each letter (N x 59 letters; nothing copied) to show that memory stays flat as the run
grows. Ends with the dev corpus's summary figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def run(corpus: Path, jobs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="imr-audit-bench-") as out:
        command = [sys.executable, "-m", "imr_check.cli", "audit", str(corpus), "--out", out, "--format", "json",
                   "--jobs", str(jobs)]
        peak_rss = peak_pss = 0
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak_rss, peak_pss
            while not done.is_set():
                rss, pss = _tree_memory_kb(process.pid)
                peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
                time.sleep(0.02)

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
    return {"jobs": jobs, "files": summary["files"], "seconds": elapsed, "letters_per_second": summary["files"] / elapsed,
            "cpu_seconds": cpu,
            "peak_rss_mb": peak_rss / 1024, "peak_pss_mb": peak_pss / 1024, "summary": summary, "output_bytes": sizes}


def repeated(corpus: Path, times: int, into: Path) -> Path:
    for copy in range(times):
        folder = into / f"copy-{copy:03d}"
        folder.mkdir(parents=True)
        for letter in sorted(corpus.glob("*.pdf")):
            (folder / letter.name).symlink_to(letter.resolve())
    return into


def _share(value) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--repeat", type=int, default=0, help="also audit N symlinked copies of the corpus")
    args = parser.parse_args(argv)
    corpus = args.shared / "corpus" / "dev"
    if not corpus.is_dir():
        print(f"no dev corpus at {corpus}", file=sys.stderr)
        return 2
    print(f"dev corpus: {len(list(corpus.glob('*.pdf')))} letters, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    results = [run(corpus, jobs) for jobs in (1, 2)]
    if args.repeat:
        with tempfile.TemporaryDirectory(prefix="imr-audit-bench-links-") as links:
            big = repeated(corpus, args.repeat, Path(links))
            results += [run(big, jobs) for jobs in (1, 2)]
    for r in results:
        print(f"  {r['files']:6d} letters, {r['jobs']} job(s): {r['seconds']:6.2f} s, "
              f"{r['letters_per_second']:6.1f} letters/s, CPU {r['cpu_seconds']:6.2f} s "
              f"({1000 * r['cpu_seconds'] / r['files']:.0f} ms a letter), peak memory of parent + workers: "
              f"PSS {r['peak_pss_mb']:.0f} MB (RSS summed {r['peak_rss_mb']:.0f} MB)")
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
