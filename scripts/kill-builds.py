#!/usr/bin/env python3
"""Kill `baogao index` at random moments, many times over, and check that
the index it was updating still answers exactly as before (or, if the kill
came after the commit, exactly as after) and that the next build succeeds.

    python3 scripts/kill-builds.py              # 40 kills on corpus/ (+ national reports if ../shared exists)
    python3 scripts/kill-builds.py --kills 200

Each round starts from a copy of the index of corpus state A, changes the
corpus to state B (a report edited, one added, one deleted), starts an
incremental build, a `--rebuild`, or a first build into an empty directory,
and sends SIGKILL after a random delay between 0 and 1.2 times the build's
usual duration. The fixed query set must then answer exactly as the index
of A did or exactly as a separately built index of B does, never an error
or a mix; and `baogao index` must bring it to B. Exit status 0 when every
round passes, 1 otherwise.
"""

import argparse
import json
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BAOGAO = ROOT / "target" / "release" / "baogao"
QUERIES = ["学前教育", "双减", "教育 -民办", "县中崛起", "新增段落", "人民代表大会", "改革"]


def answers(index, corpus):
    out = []
    for q in QUERIES:
        res = subprocess.run(
            # --no-check: the index as the kill left it (a checked search
            # would refuse an index built from the other corpus folder, or
            # bring it up to date first).
            [str(BAOGAO), "search", q, "--all", "--json", "--no-collapse", "--index", str(index), "--no-check"],
            capture_output=True,
            text=True,
        )
        if res.returncode not in (0, 1):
            return ("error", q, res.stderr.strip())
        hits = sorted(
            (d["file"], d["paragraph"]) for d in map(json.loads, res.stdout.splitlines()) if d["type"] == "hit"
        )
        out.append(hits)
    return out


def build(index, corpus, *extra):
    subprocess.run([str(BAOGAO), "index", "--quiet", "--corpus", str(corpus), "--index", str(index), *extra], check=True)


def change(corpus):
    edited = sorted(corpus.rglob("*.txt"))[0]
    with open(edited, "a", encoding="utf-8") as f:
        f.write("\n新增段落：全面推进双减，深化课后服务。\n")
    (corpus / "新报告.txt").write_text("新增段落之二：学前教育普惠发展。\n", encoding="utf-8")
    sorted(corpus.rglob("*.txt"))[-1].unlink()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kills", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)

    work = Path(tempfile.mkdtemp(prefix="baogao-kill-"))
    corpus_a = work / "corpus-a"
    shutil.copytree(ROOT / "corpus", corpus_a / "seeds")
    national = Path(args.shared) / "corpus" / "national"
    if national.is_dir():
        shutil.copytree(national, corpus_a / "national")
    corpus_b = work / "corpus-b"
    shutil.copytree(corpus_a, corpus_b)
    change(corpus_b)

    index_a = work / "index-a"
    build(index_a, corpus_a)
    expect_a = answers(index_a, corpus_a)
    index_b = work / "index-b"
    build(index_b, corpus_b)
    expect_b = answers(index_b, corpus_b)
    assert expect_a != expect_b, "the change must change some answer"
    t = time.perf_counter()
    build(work / "timing", corpus_b)
    duration = time.perf_counter() - t

    index = work / "index"
    failures = 0
    outcome = {"as before": 0, "as after": 0, "empty (first build)": 0}
    for round in range(args.kills):
        mode = ["incremental", "rebuild", "first build"][round % 3]
        shutil.rmtree(index, ignore_errors=True)
        if mode != "first build":
            shutil.copytree(index_a, index)
        cmd = [str(BAOGAO), "index", "--quiet", "--corpus", str(corpus_b), "--index", str(index)]
        if mode == "rebuild":
            cmd.append("--rebuild")
        child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        delay = rng.uniform(0, 1.2 * duration)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        if mode == "first build":
            # No previous index: a search builds or reports; either way it
            # must not see a half-built index. Check via the next build.
            outcome["empty (first build)"] += 1
        else:
            seen = answers(index, corpus_b)
            if seen == expect_a:
                outcome["as before"] += 1
            elif seen == expect_b:
                outcome["as after"] += 1
            else:
                failures += 1
                print(f"round {round} ({mode}, killed after {delay:.3f} s): answers neither as before nor as after: {str(seen)[:300]}")
        try:
            build(index, corpus_b)
        except subprocess.CalledProcessError:
            failures += 1
            print(f"round {round} ({mode}): the build after the kill failed")
            continue
        if answers(index, corpus_b) != expect_b:
            failures += 1
            print(f"round {round} ({mode}): after recovery the index does not answer as B")
    shutil.rmtree(work, ignore_errors=True)
    print(f"{args.kills} kills (build takes {duration:.2f} s): {outcome}; {failures} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
