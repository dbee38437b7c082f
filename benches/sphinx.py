#!/usr/bin/env python3
"""baogao beside a two-shard Sphinx built from its own export.

    cargo build --release && cargo build --release --example sphinxql
    python3 benches/sphinx.py          # needs sphinxsearch (indexer, searchd)

The corpus is corpus/ and ../shared/corpus (national reports and laws).
Measures, in one run: baogao's full build; the export of both shards and
Sphinx's indexer on each; then the same plain queries (benches/sphinx_queries.txt)
warm, through `baogao bench` in-process and through SphinxQL on one
connection (a round trip to searchd: the SELECT and a SHOW META), with the
hit counts of both, which must agree. Prints Markdown; asserts nothing but
equal counts.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BAOGAO = ROOT / "target" / "release" / "baogao"
SPHINXQL = ROOT / "target" / "release" / "examples" / "sphinxql"
CLUSTER = ROOT / "deploy" / "sphinx" / "cluster.sh"
QUERIES = ROOT / "benches" / "sphinx_queries.txt"
SHARED = ROOT.parent / "shared" / "corpus"


def timed(cmd, **kw):
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)
    return time.perf_counter() - start, out.stdout


def main():
    if not shutil.which("indexer") or not shutil.which("searchd"):
        sys.exit("sphinx.py: install sphinxsearch first")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus"
        corpus.mkdir()
        (corpus / "seeds").symlink_to(ROOT / "corpus")
        for part in ["national", "laws"]:
            if (SHARED / part).is_dir():
                (corpus / part).symlink_to(SHARED / part)
        index = tmp / "index"
        build, _ = timed([BAOGAO, "index", "--quiet", "--follow-outside", "--corpus", corpus, "--index", index])
        env = dict(os.environ, BAOGAO=str(BAOGAO), BAOGAO_INDEX=str(index), PORT_BASE="9700")
        work = tmp / "sphinx"
        shards = []
        (work / "data").mkdir(parents=True)
        # The same steps as cluster.sh build, timed one by one.
        subprocess.run(["bash", CLUSTER, "build", work], check=True, env=env, capture_output=True)
        for n in [0, 1]:
            start = time.perf_counter()
            with open(work / f"shard{n}.xml", "w") as f:
                subprocess.run([BAOGAO, "export", "--index", index, "--format", "sphinx", "--shards", "2", "--shard", str(n)],
                               check=True, stdout=f)
            export = time.perf_counter() - start
            indexer, _ = timed(["indexer", "--config", work / f"shard{n}.conf", "--quiet", f"shard{n}"])
            size = (work / f"shard{n}.xml").stat().st_size
            shards.append((n, export, indexer, size))
        subprocess.run(["bash", CLUSTER, "start", work], check=True, env=env)
        try:
            _, out = timed([SPHINXQL, "9706", QUERIES, "20", "3"])
            sphinx = [l.split("\t") for l in out.strip().splitlines()]
        finally:
            subprocess.run(["bash", CLUSTER, "stop", work], env=env)
        _, bench = timed([BAOGAO, "bench", "--index", index, "--queries", QUERIES, "--runs", "20", "--warmup", "3", "--json"])
        ours = {}
        summary = None
        for line in bench.splitlines():
            o = json.loads(line)
            if o["type"] == "query":
                ours[o["query"]] = o
            elif o["type"] == "summary":
                summary = o
    print(f"baogao full build: {build:.1f} s")
    print()
    print("| shard | export (baogao export --format sphinx) | XML | indexer |")
    print("|---|---|---|---|")
    for n, export, indexer, size in shards:
        print(f"| shard{n} | {export:.1f} s | {size / 1e6:.0f} MB | {indexer:.1f} s |")
    print()
    print("| query | hits (both) | baogao warm p50 / p99 | Sphinx via SphinxQL p50 / p99 |")
    print("|---|---|---|---|")
    mismatches = 0
    for query, total, p50, p99 in sphinx[:-1]:
        o = ours.get(query)
        if o is None:
            continue
        if int(total) != o["hits"]:
            mismatches += 1
        lat = o["latency"]
        print(f"| {query} | {o['hits']}{'' if int(total) == o['hits'] else ' vs ' + total} | {lat['p50_ms']:.3f} / {lat['p99_ms']:.3f} ms | {float(p50):.3f} / {float(p99):.3f} ms |")
    _, _, p50, p99 = sphinx[-1]
    print(f"| **all** | | {summary['latency']['p50_ms']:.3f} / {summary['latency']['p99_ms']:.3f} ms | {float(p50):.3f} / {float(p99):.3f} ms |")
    if mismatches:
        sys.exit(f"{mismatches} queries counted differently")


if __name__ == "__main__":
    main()
