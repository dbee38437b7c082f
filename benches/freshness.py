#!/usr/bin/env python3
"""What keeping the index in step with its corpus costs a search.

Before answering, `baogao search` walks the corpus and compares each file's
size and modification time with what the index recorded. This measures that
check as the difference between a cold search and the same search with
`--no-check` (the index searched as it is, with no walk), in one run, for:

  * corpus/ (the bundled five reports),
  * corpus/ with ../shared/corpus (about 3,500 files), where it exists, and
  * a corpus of N small files (default 100,000).

    cargo build --release && python3 benches/freshness.py [--files 100000]

Numbers are medians of repeated runs of the release binary; nothing here
asserts a speed, it prints a Markdown table for BENCHMARKS.md.
"""

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BAOGAO = ROOT / "target" / "release" / "baogao"


def timed(args, cwd, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def measure(work, query, runs):
    """Median cold-search time with the check and without (`--no-check`)."""
    args = [str(BAOGAO), "search", query, "--no-update"]
    with_check = timed(args, work, runs)
    without = timed(args + ["--no-check"], work, runs)
    return with_check, without


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small"
        shutil.copytree(ROOT / "corpus", small / "corpus")
        subprocess.run([str(BAOGAO), "index", "--quiet"], cwd=small, check=True)
        rows.append(("corpus/ (5 files)", *measure(small, "双减", args.runs)))

        shared = ROOT.parent / "shared" / "corpus"
        if shared.is_dir():
            mid = Path(tmp) / "mid"
            shutil.copytree(ROOT / "corpus", mid / "corpus" / "seeds")
            shutil.copytree(shared / "national", mid / "corpus" / "national")
            shutil.copytree(shared / "laws", mid / "corpus" / "laws")
            files = sum(1 for _ in (mid / "corpus").rglob("*.*"))
            subprocess.run([str(BAOGAO), "index", "--quiet"], cwd=mid, check=True)
            rows.append((f"corpus/ + ../shared/corpus ({files:,} files)", *measure(mid, "学前教育", args.runs)))

        big = Path(tmp) / "big"
        corpus = big / "corpus"
        for i in range(args.files):
            folder = corpus / f"{i // 1000:03d}"
            if i % 1000 == 0:
                folder.mkdir(parents=True)
            (folder / f"{i:06d}.txt").write_text(f"第{i}号报告：县教育局推进双减工作。\n", encoding="utf-8")
        started = time.perf_counter()
        subprocess.run([str(BAOGAO), "index", "--quiet"], cwd=big, check=True)
        build = time.perf_counter() - started
        rows.append((f"{args.files:,} files", *measure(big, "第99999号", max(5, args.runs // 3))))
    print("| corpus | cold search | with `--no-check` | the check |")
    print("|---|---|---|---|")
    for name, with_check, without in rows:
        print(f"| {name} | {with_check:.1f} ms | {without:.1f} ms | {with_check - without:.1f} ms |")
    print(f"\n(building the {args.files:,}-file index took {build:.0f} s)")


if __name__ == "__main__":
    main()
