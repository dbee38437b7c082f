#!/usr/bin/env python3
"""Extraction speed per format, and a 1,000-page PDF indexed end to end.

    cargo build --release --example extract && cargo build --release
    python3 benches/extraction.py [--runs 7]

1. Each format's files — the bundled reports converted by LibreOffice
   (tests/fixtures/formats/seeds/), and ../shared/realdocs where present —
   are extracted RUNS times each by examples/extract (`--bench`); per
   format: input MB/s over all its files (total bytes / total of per-file
   median times) and, for PDF, pages/s. pdftotext, where installed, reads
   the same PDFs in the same run as a peer (a new process per file, so its
   time includes process start; ours does not).
2. A 1,000-page text PDF (reportlab, STSong-Light / UniGB-UCS2-H, the
   national government reports' text set 34 lines a page) is indexed by
   `baogao index --rebuild` three times; the median wall time is reported.

Prints Markdown for BENCHMARKS.md; asserts nothing.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTRACT = ROOT / "target" / "release" / "examples" / "extract"
BAOGAO = ROOT / "target" / "release" / "baogao"
FIXTURES = ROOT / "tests" / "fixtures" / "formats" / "seeds"
REALDOCS = ROOT.parent / "shared" / "realdocs"
NATIONAL = ROOT.parent / "shared" / "corpus" / "national"


def files_by_format():
    groups = {}
    for path in sorted(FIXTURES.iterdir()):
        groups.setdefault(path.suffix[1:], []).append(path)
    if REALDOCS.is_dir():
        for sub in ["pdf", "doc", "docx", "wps", "html"]:
            for path in sorted((REALDOCS / sub).iterdir()):
                groups.setdefault(path.suffix[1:].lower(), []).append(path)
    return groups


def bench_format(paths, runs):
    out = subprocess.run(
        [str(EXTRACT), "--bench", str(runs), *map(str, paths)],
        capture_output=True, text=True, check=True,
    ).stdout
    total_bytes = total_ms = total_pages = 0
    count = 0
    for line in out.splitlines():
        _, _, size, pages, ms, _, _ = line.split("\t")
        total_bytes += int(size)
        total_ms += float(ms)
        total_pages += int(pages)
        count += 1
    return count, total_bytes, total_pages, total_ms


def pdftotext_ms(paths, runs):
    if not shutil.which("pdftotext"):
        return None
    total = 0.0
    for path in paths:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(["pdftotext", str(path), "-"], capture_output=True)
            times.append(time.perf_counter() - start)
        total += statistics.median(times)
    return total * 1000


def thousand_page_pdf(path):
    from reportlab.pdfgen import canvas
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    text = ""
    source = NATIONAL if NATIONAL.is_dir() else ROOT / "corpus"
    for f in sorted(source.iterdir()):
        text += f.read_text(encoding="utf-8", errors="replace")
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    per_line, lines_per_page, size = 38, 34, 12
    p = 0
    for page in range(1000):
        y = height - 60
        for _ in range(lines_per_page):
            if not paragraphs[p % len(paragraphs)]:
                p += 1
            para = paragraphs[p % len(paragraphs)]
            line, rest = para[:per_line], para[per_line:]
            paragraphs[p % len(paragraphs)] = rest
            if not rest:
                p += 1
            c.setFont("STSong-Light", size)
            c.drawString(50, y, line)
            y -= size * 1.8
        c.showPage()
    c.save()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    print("| format | files | MB | median time | MB/s | pages/s |")
    print("|---|---|---|---|---|---|")
    for fmt, paths in sorted(files_by_format().items()):
        count, size, pages, ms = bench_format(paths, args.runs)
        rate = size / (ms / 1000) / 1e6
        pages_rate = f"{pages / (ms / 1000):.0f}" if pages else "–"
        print(f"| {fmt} | {count} | {size / 1e6:.2f} | {ms:.1f} ms | {rate:.1f} | {pages_rate} |")
        if fmt == "pdf":
            peer = pdftotext_ms(paths, args.runs)
            if peer is not None:
                print(f"| pdf, by pdftotext (peer, process per file) | {count} | {size / 1e6:.2f} | {peer:.1f} ms | {size / (peer / 1000) / 1e6:.1f} | {pages / (peer / 1000):.0f} |")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        pdf = corpus / "thousand_pages.pdf"
        thousand_page_pdf(pdf)
        index = Path(tmp) / "index"
        times = []
        summary = ""
        for _ in range(3):
            start = time.perf_counter()
            done = subprocess.run(
                [str(BAOGAO), "index", "--rebuild", "--corpus", str(corpus), "--index", str(index)],
                capture_output=True, text=True, check=True,
            )
            times.append(time.perf_counter() - start)
            summary = done.stdout.strip()
        extract = subprocess.run(
            [str(EXTRACT), "--bench", "3", str(pdf)], capture_output=True, text=True, check=True
        ).stdout.split("\t")
        print()
        print(f"1,000-page PDF ({pdf.stat().st_size / 1e6:.1f} MB): `baogao index --rebuild` "
              f"median {statistics.median(times):.2f} s of 3 ({', '.join(f'{t:.2f}' for t in times)}); "
              f"extraction alone {float(extract[4]) / 1000:.2f} s ({float(extract[6]):.0f} pages/s). "
              f"Summary: {summary}")


if __name__ == "__main__":
    main()
