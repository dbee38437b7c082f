#!/usr/bin/env python3
"""Reproduce BENCHMARKS.md: baogao against SQLite FTS5 (trigram) and ripgrep,
on the same corpus and the same queries, measured side by side in one run.

    python3 benches/benchmark.py                 # 66 MB: ../shared/corpus + corpus/
    python3 benches/benchmark.py --scale-mb 1024 # and a 1 GB synthetic corpus

Needs: cargo, python3 (sqlite3 module), and hyperfine, ripgrep and the
sqlite3 CLI on PATH (Debian: apt-get install hyperfine ripgrep sqlite3);
where `perf` can record, it also profiles a cold query, the warm query set
and a full build (--no-profile skips that). At --scale-mb 1024 the run
took 18.5 minutes on two cores (2026-12-08, Intel Xeon).
Everything is measured on this machine in this run; numbers are medians,
and comparisons are ratios of medians taken in the same run. Nothing here
asserts a speed: it reports.
"""

import argparse
import pickle
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BAOGAO = ROOT / "target" / "release" / "baogao"

# Literal queries every engine can run: what cold and recall comparisons use.
LITERALS = {
    "two-char": ["教育", "双减", "党建", "安全", "改革", "就业", "环境", "扶贫"],
    "one-char": ["教", "罚"],
    "long": ["人民代表大会", "中华人民共和国", "义务教育优质均衡发展", "县中崛起", "高质量发展", "乡村振兴战略"],
}
COLD_QUERIES = ["双减", "学前教育", "环境", "人民代表大会", "县中崛起", "中华人民共和国"]


KEPT_MARKER = "<!-- measured separately; benchmark.py keeps what follows -->"


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def tool(name):
    path = shutil.which(name)
    if not path:
        sys.exit(f"benchmark: {name} is not on PATH (apt-get install {name})")
    return path


def t2s_table():
    """baogao's traditional-to-simplified table, read from its source
    (src/analysis/t2s_table.rs, derived from OpenCC), so that the truth
    folds characters exactly as the index does."""
    src = (ROOT / "src" / "analysis" / "t2s_table.rs").read_text(encoding="utf-8")
    return dict(re.findall(r"\('(.)', '(.)'\)", src))


T2S = t2s_table()


def normalize(text):
    """baogao's normalisation: full-width ASCII to half-width, ASCII lower
    case, whitespace runs to one space, zero-width characters dropped,
    traditional characters to simplified ones."""
    out = []
    space = False
    for c in text:
        o = ord(c)
        if 0xFF01 <= o <= 0xFF5E:
            c = chr(o - 0xFEE0)
        c = T2S.get(c, c)
        if c in "\u200b\u200c\u200d\u2060\ufeff":
            continue
        if c.isspace():
            if not space:
                out.append(" ")
            space = True
            continue
        space = False
        out.append(c.lower() if c.isascii() else c)
    return "".join(out)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def percentile(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = max(1, min(len(xs), int(-(-p * len(xs) // 1)))) - 1
    return xs[k]


def bytes_by_extension(path):
    out = {}
    for f in Path(path).iterdir():
        if f.is_file():
            ext = f.suffix.lstrip(".") or f.name
            out[ext] = out.get(ext, 0) + f.stat().st_size
    return out


def dir_bytes(path, exts=None):
    total = 0
    for dirpath, _, files in os.walk(path, followlinks=True):
        for f in files:
            if exts is None or f.lower().endswith(exts):
                total += os.path.getsize(os.path.join(dirpath, f))
    return total


def timed(cmd):
    """Wall seconds and peak memory (KiB) of one command. Memory is the
    peak resident set as /usr/bin/time reports it, which counts the pages
    of memory-mapped index files (page cache, reclaimable) as well as
    allocations; `timed_memory` separates the two."""
    t = time.perf_counter()
    res = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if res.returncode != 0:
        sys.exit(f"benchmark: {' '.join(cmd)} failed:\n{res.stderr}")
    rss = int(res.stderr.strip().splitlines()[-1])
    return wall, rss


def timed_memory(cmd):
    """Wall seconds, and peak allocated (anonymous) and peak file-backed
    resident memory in KiB, sampled from /proc every 20 ms."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    anon = mapped = 0
    status = Path(f"/proc/{proc.pid}/status")
    while proc.poll() is None:
        try:
            fields = dict(l.split(":", 1) for l in status.read_text().splitlines() if ":" in l)
            anon = max(anon, int(fields.get("RssAnon", "0 kB").split()[0]))
            mapped = max(mapped, int(fields.get("RssFile", "0 kB").split()[0]))
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        sys.exit(f"benchmark: {' '.join(cmd)} failed:\n{proc.stderr.read().decode()}")
    return wall, anon, mapped


def hyperfine(commands, runs, warmup=3):
    out = Path(tempfile.mktemp(suffix=".json"))
    run([tool("hyperfine"), "-N", "-i", "--warmup", str(warmup), "--runs", str(runs), "--export-json", str(out)] + commands)
    data = json.loads(out.read_text())
    out.unlink()
    return [statistics.median(r["times"]) for r in data["results"]]


def build_baogao(corpus, index, runs):
    """Median build seconds; the largest peak of allocated memory and of
    memory-mapped file pages (KiB) over the runs."""
    walls, anons, mappeds = [], [], []
    for _ in range(runs):
        shutil.rmtree(index, ignore_errors=True)
        wall, anon, mapped = timed_memory([str(BAOGAO), "index", "--quiet", "--corpus", str(corpus), "--index", str(index)])
        walls.append(wall)
        anons.append(anon)
        mappeds.append(mapped)
    return median(walls), max(anons), max(mappeds)


def incremental(corpus, index):
    """Median seconds of: nothing changed, one report edited, added, deleted."""
    cmd = [str(BAOGAO), "index", "--quiet", "--corpus", str(corpus), "--index", str(index)]
    files = sorted(p for p in corpus.rglob("*.txt"))
    res = {"nothing": [], "edited": [], "added": [], "deleted": []}
    for i in range(3):
        res["nothing"].append(timed(cmd)[0])
        target = files[(i * 37) % len(files)]
        with open(target, "a", encoding="utf-8") as f:
            f.write(f"\n新增段落{i}：推进双减和课后服务工作，提升教育质量。\n")
        res["edited"].append(timed(cmd)[0])
        added = target.with_name(f"bench-added-{i}.txt")
        shutil.copy(files[(i * 53 + 1) % len(files)], added)
        res["added"].append(timed(cmd)[0])
        added.unlink()
        res["deleted"].append(timed(cmd)[0])
    return {k: median(v) for k, v in res.items()}


def exported(index):
    out = run([str(BAOGAO), "export", "--index", str(index)]).stdout
    return [json.loads(line) for line in out.splitlines()]


def build_sqlite(docs, path, runs):
    """Median seconds to build the FTS5 table from `docs` (a list, or a
    function returning a fresh iterator), and the database's size."""
    walls = []
    for _ in range(runs):
        if path.exists():
            path.unlink()
        rows = docs() if callable(docs) else iter(docs)
        t = time.perf_counter()
        db = sqlite3.connect(path)
        db.execute("create virtual table p using fts5(text, file unindexed, paragraph unindexed, tokenize='trigram')")
        db.executemany("insert into p(text, file, paragraph) values (?, ?, ?)", ((d["text"], d["file"], d["paragraph"]) for d in rows))
        db.commit()
        db.close()
        walls.append(time.perf_counter() - t)
    return median(walls), path.stat().st_size


def exported_stream(index, cache):
    """The exported paragraphs, written once to `cache` and then read back
    a line at a time (a 1 GB corpus's five million paragraphs as one
    Python list would take several GB). Returns a function that yields
    them, and their number (one line each, counted unparsed); the time to
    export is not part of the FTS5 build time."""
    with open(cache, "w", encoding="utf-8") as out:
        subprocess.run([str(BAOGAO), "export", "--index", str(index)], stdout=out, check=True)
    with open(cache, "rb") as f:
        count = sum(1 for _ in f)

    def rows():
        with open(cache, encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)

    return rows, count


def startup(runs):
    """Median seconds of `/bin/true` and of `baogao --version`, side by side."""
    return hyperfine(["/bin/true", f"{BAOGAO} --version"], runs * 3, warmup=10)


def perf_available():
    if not shutil.which("perf"):
        return False
    res = subprocess.run(["perf", "record", "-q", "-o", os.devnull, "--", "/bin/true"], capture_output=True)
    return res.returncode == 0


def profile(cmd, top=12, repeat=1):
    """Where `cmd` spends its CPU time, by perf's sampling: the `top`
    symbols (self time, all threads) with their share. `repeat` runs the
    command that many times under one recording, for commands too short
    to sample once."""
    data = Path(tempfile.mktemp(suffix=".perf"))
    script = " ; ".join([" ".join(cmd) + " > /dev/null"] * repeat)
    subprocess.run(["perf", "record", "-q", "-F", "2999", "-o", str(data), "--", "sh", "-c", script],
                   capture_output=True, check=True)
    report = subprocess.run(["perf", "report", "-i", str(data), "--stdio", "--no-children", "--percent-limit", "0.5",
                             "--sort", "dso,symbol"], capture_output=True, text=True).stdout
    data.unlink()
    rows = []
    for line in report.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "%" not in line.split()[0]:
            continue
        parts = line.split(None, 3)
        if len(parts) < 4:
            continue
        share, dso, _, symbol = parts
        # perf appends IPC columns ("-  -") where the hardware has no counters.
        symbol = re.sub(r"(\s+-)+\s*$", "", symbol).strip()
        if len(symbol) > 90:
            symbol = symbol[:87] + "…"
        rows.append((share, dso, symbol))
        if len(rows) == top:
            break
    return rows


def fts_literal(q):
    return '"' + q.replace('"', '""') + '"'


def sqlite_select(q):
    return (
        "select file, paragraph, snippet(p, 0, '[', ']', '…', 16) from p "
        f"where p match '{fts_literal(q)}' order by rank limit 10"
    )


def recall(docs, index, db_path):
    texts = [normalize(d["text"]) for d in docs]
    db = sqlite3.connect(db_path)
    rows = []
    for cls, queries in LITERALS.items():
        for q in queries:
            truth = sum(1 for t in texts if normalize(q) in t)
            res = subprocess.run([str(BAOGAO), "search", "--index", str(index), "--json", "--match", "all", "-n", "1", q], capture_output=True, text=True)
            total = json.loads(res.stdout.splitlines()[-1])["total"]
            fts = db.execute("select count(*) from p where p match ?", (fts_literal(q),)).fetchone()[0]
            rows.append((cls, q, truth, total, fts))
    db.close()
    return rows


def warm_sqlite(db_path, queries, runs):
    db = sqlite3.connect(db_path)
    samples = []
    for _ in range(3):
        for q in queries:
            db.execute("select count(*) from p where p match ?", (fts_literal(q),)).fetchone()
            db.execute(sqlite_select(q)).fetchall()
    for _ in range(runs):
        for q in queries:
            t = time.perf_counter()
            db.execute("select count(*) from p where p match ?", (fts_literal(q),)).fetchone()
            db.execute(sqlite_select(q)).fetchall()
            samples.append(time.perf_counter() - t)
    db.close()
    return percentile(samples, 0.5), percentile(samples, 0.99)


def warm_baogao(index, queries_file, runs, extra=()):
    cmd = [str(BAOGAO), "bench", "--index", str(index), "--runs", str(runs), "--json", *extra]
    if queries_file:
        cmd += ["--queries", str(queries_file)]
    lines = [json.loads(l) for l in run(cmd).stdout.splitlines()]
    summary = lines[-1]
    per_class = {}
    per_query = []
    for l in lines[:-1]:
        if "latency" in l:
            per_class.setdefault(l["class"], []).append(l["latency"]["p50_ms"])
            label = l["query"] + (" +facets" if l.get("facets") else "")
            per_query.append((label, l["latency"]["p50_ms"]))
    per_query.sort(key=lambda q: -q[1])
    return (summary["latency"]["p50_ms"], summary["latency"]["p99_ms"], summary["queries_per_second"],
            {k: median(v) for k, v in per_class.items()}, per_query)


def cold(index, db_path, corpus, queries, runs):
    """Per query: median seconds of baogao, the sqlite3 CLI and ripgrep, and
    whether FTS5 can answer it at all (its trigrams need 3+ characters)."""
    rows = []
    for q in queries:
        b, s, r, unchecked = hyperfine(
            [
                f"{BAOGAO} search --index {index} {q} --color never",
                f"sqlite3 {db_path} \"{sqlite_select(q)}\"",
                f"{tool('rg')} -F --no-heading {q} {corpus}",
                # The same search without the freshness check (a stat per
                # corpus file), to show what the check costs.
                f"{BAOGAO} search --index {index} {q} --color never --no-check",
            ],
            runs,
        )
        rows.append((q, b, s, r, len(q) >= 3, unchecked))
    return rows


def machine():
    cpu = "unknown CPU"
    try:
        for line in run(["lscpu"]).stdout.splitlines():
            if line.startswith("Model name:"):
                cpu = line.split(":", 1)[1].strip()
    except Exception:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except Exception:
        pass
    commit = run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT).stdout.strip()
    return f"{cpu}, {os.cpu_count()} cores, {mem} RAM, {platform.system()} {platform.release()}; baogao at commit {commit}; {time.strftime('%Y-%m-%d')}"


def ok(met):
    return "met" if met else "**missed**"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"), help="the shared data folder (corpus/national, corpus/laws)")
    ap.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "baogao-bench"))
    ap.add_argument("--runs", type=int, default=30, help="hyperfine runs per cold query")
    ap.add_argument("--build-runs", type=int, default=3)
    ap.add_argument("--bench-runs", type=int, default=20)
    ap.add_argument("--scale-mb", type=int, default=0, help="also measure a synthetic corpus of this many MiB")
    ap.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    ap.add_argument("--no-profile", dest="profile", action="store_false", help="skip the perf profiles (taken where perf can record)")
    ap.add_argument("--render-only", action="store_true",
                    help="measure nothing: write the report again from the last run's measurements (WORK/measurements.pickle), with that run's machine, commit and scale")
    args = ap.parse_args()
    saved = Path(args.work) / "measurements.pickle"
    if args.render_only:
        with open(saved, "rb") as f:
            run_info = pickle.load(f)
        # The report names the run's machine, commit and scale, not this
        # checkout's.
        args.scale_mb = run_info["scale_mb"]
        write_report(args, run_info["machine"], *run_info["measured"])
        print(f"wrote {args.out} from {saved}", file=sys.stderr)
        return

    for t in ["hyperfine", "rg", "sqlite3"]:
        tool(t)
    shared = Path(args.shared)
    if not (shared / "corpus" / "laws").is_dir():
        sys.exit(f"benchmark: {shared}/corpus not found (pass --shared DIR)")
    print("building baogao (release)…", file=sys.stderr)
    run(["cargo", "build", "--release", "--quiet"], cwd=ROOT)

    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    corpus = work / "corpus"
    corpus.mkdir(parents=True)
    shutil.copytree(ROOT / "corpus", corpus / "seeds")
    shutil.copytree(shared / "corpus" / "national", corpus / "national")
    shutil.copytree(shared / "corpus" / "laws", corpus / "laws")
    raw = dir_bytes(corpus, (".txt", ".md"))
    index = work / "index"
    db_path = work / "fts.db"

    print("building the baogao index…", file=sys.stderr)
    build_s, build_rss, build_mapped = build_baogao(corpus, index, args.build_runs)
    index_bytes = dir_bytes(index)
    index_parts = bytes_by_extension(index)
    segments = len(list(index.glob("*.idx")))
    print("incremental builds…", file=sys.stderr)
    incr = incremental(corpus, index)
    docs = exported(index)
    print(f"building SQLite FTS5 over {len(docs)} paragraphs…", file=sys.stderr)
    sqlite_s, sqlite_bytes = build_sqlite(docs, db_path, args.build_runs)
    print("recall…", file=sys.stderr)
    recall_rows = recall(docs, index, db_path)
    print("cold queries…", file=sys.stderr)
    cold_rows = cold(index, db_path, corpus, COLD_QUERIES, args.runs)
    print("warm queries…", file=sys.stderr)
    literal_file = work / "literal-queries.txt"
    warm_all = warm_baogao(index, None, args.bench_runs)
    # FTS5 trigrams cannot answer 1-2 character queries (they return
    # nothing, instantly), so warm latency is compared on the long ones.
    literal_file.write_text("\n".join(LITERALS["long"]) + "\n", encoding="utf-8")
    warm_lit = warm_baogao(index, literal_file, args.bench_runs)
    warm_sql = warm_sqlite(db_path, LITERALS["long"], args.bench_runs)

    print("start-up…", file=sys.stderr)
    boot = startup(args.runs)

    profiles = {}
    profiling = args.profile and perf_available()
    if profiling:
        print("profiles…", file=sys.stderr)
        profiles["cold query at 66 MB (学前教育, 30 processes)"] = profile(
            [str(BAOGAO), "search", "--index", str(index), "学前教育", "--color", "never"], repeat=30)
        profiles["full build at 66 MB"] = profile(
            [str(BAOGAO), "index", "--quiet", "--rebuild", "--corpus", str(corpus), "--index", str(index)])

    scale = None
    if args.scale_mb:
        print(f"generating {args.scale_mb} MiB of synthetic reports…", file=sys.stderr)
        synth = work / "synth"
        run(["cargo", "run", "--quiet", "--release", "--example", "synth", "--", "--out", str(synth), "--mb", str(args.scale_mb), "--from", str(ROOT / "corpus"), "--from", str(shared / "corpus" / "national")], cwd=ROOT)
        sindex = work / "synth-index"
        print("indexing it…", file=sys.stderr)
        s_build, s_rss, s_mapped = build_baogao(synth, sindex, 1)
        s_segments = len(list(sindex.glob("*.idx")))
        s_parts = bytes_by_extension(sindex)
        print("SQLite FTS5 over it…", file=sys.stderr)
        sdb = work / "synth-fts.db"
        s_rows, s_paragraphs = exported_stream(sindex, work / "synth-export.jsonl")
        s_sqlite, s_sqlite_bytes = build_sqlite(s_rows, sdb, 1)
        (work / "synth-export.jsonl").unlink()
        print("cold and warm queries at scale…", file=sys.stderr)
        s_cold = cold(sindex, sdb, synth, COLD_QUERIES, args.runs)
        s_warm = warm_baogao(sindex, None, max(3, args.bench_runs // 4))
        # The same with every hit scored: what top-k pruning saves.
        s_warm_exh = warm_baogao(sindex, None, max(3, args.bench_runs // 4), ["--exhaustive"])
        # And with every segment on one thread: what splitting saves.
        s_warm_unsplit = warm_baogao(sindex, None, max(3, args.bench_runs // 4), ["--no-split"])
        s_warm_lit = warm_baogao(sindex, literal_file, max(3, args.bench_runs // 4))
        s_warm_sql = warm_sqlite(sdb, LITERALS["long"], max(3, args.bench_runs // 4))
        if profiling:
            print("profiles at scale…", file=sys.stderr)
            profiles[f"cold query at {args.scale_mb} MB (学前教育, 10 processes)"] = profile(
                [str(BAOGAO), "search", "--index", str(sindex), "学前教育", "--color", "never"], repeat=10)
            profiles[f"warm queries at {args.scale_mb} MB (`baogao bench`, default set)"] = profile(
                [str(BAOGAO), "bench", "--index", str(sindex), "--runs", "3"])
            shutil.rmtree(sindex)
            profiles[f"full build at {args.scale_mb} MB"] = profile(
                [str(BAOGAO), "index", "--quiet", "--corpus", str(synth), "--index", str(sindex)])
        scale = dict(raw=dir_bytes(synth, (".txt",)), build=s_build, rss=s_rss, mapped=s_mapped, size=dir_bytes(sindex), cold=s_cold,
                     warm=s_warm, warm_exh=s_warm_exh, warm_unsplit=s_warm_unsplit, warm_lit=s_warm_lit, warm_sql=s_warm_sql, segments=s_segments, parts=s_parts,
                     paragraphs=s_paragraphs, files=len(list(synth.rglob("*.txt"))), sqlite=s_sqlite,
                     sqlite_bytes=s_sqlite_bytes)

    measured = (raw, build_s, (build_rss, build_mapped), index_bytes, incr, len(docs), sqlite_s, sqlite_bytes, recall_rows, cold_rows, warm_all, warm_lit, warm_sql, scale, index_parts, segments, boot, profiles)
    # Kept so that the report's prose can be rewritten without measuring
    # again (--render-only); the numbers stay those of this run.
    run_info = {"measured": measured, "machine": machine(), "scale_mb": args.scale_mb}
    with open(saved, "wb") as f:
        pickle.dump(run_info, f)
    write_report(args, run_info["machine"], *measured)
    print(f"wrote {args.out}", file=sys.stderr)


def write_report(args, machine_line, raw, build_s, build_mem, index_bytes, incr, paragraphs, sqlite_s, sqlite_bytes, recall_rows, cold_rows, warm_all, warm_lit, warm_sql, scale, index_parts, segments, boot, profiles):
    mb = lambda b: f"{b / 1e6:.0f} MB"
    ms = lambda s: f"{s * 1000:.1f} ms"
    cold_b = median([r[1] for r in cold_rows])
    cold_s = median([r[2] for r in cold_rows])
    cold_r = median([r[3] for r in cold_rows])
    cold_u = median([r[5] for r in cold_rows])
    ratio_bs = median([r[1] / r[2] for r in cold_rows])
    # Where FTS5 answers at all: for 1-2 character queries it finds nothing, fast.
    answerable = [r for r in cold_rows if r[4]]
    ratio_bs_answerable = median([r[1] / r[2] for r in answerable])
    worst_answerable = max(answerable, key=lambda r: r[1] / r[2])
    ratio_rb = median([r[3] / r[1] for r in cold_rows])
    exact = all(r[2] == r[3] for r in recall_rows)
    true_s, version_s = boot
    build_rss, build_mapped = build_mem
    L = []
    w = L.append
    w("# Benchmarks\n")
    w("Produced by `python3 benches/benchmark.py" + (f" --scale-mb {args.scale_mb}" if args.scale_mb else "") + "`; every number below comes from that one run.")
    w(f"Machine: {machine_line}.\n")
    w(f"Corpus: corpus/ + ../shared/corpus (national reports and laws): {raw / 1e6:.1f} MB of text, {paragraphs:,} paragraphs. "
      "SQLite FTS5 (trigram tokenizer, via python3's sqlite3 module) indexes the same paragraphs, exported by `baogao export`. "
      "Times are medians; ratios compare medians measured in the same run.\n")
    w("## Summary against the targets\n")
    w("| target | measured | |")
    w("|---|---|---|")
    w(f"| 66 MB: cold `baogao search` median ≤ 3 ms | {ms(cold_b)}; {ms(cold_u)} with `--no-check` | {ok(cold_b <= 0.003)}{'' if cold_b <= 0.003 else (' (met with --no-check)' if cold_u <= 0.003 else '')} |")
    worst_u = max(answerable, key=lambda r: r[5] / r[2])
    w(f"| 66 MB: cold ≤ the sqlite3 CLI's on every query FTS5 answers (3+ characters) | worst ratio {worst_answerable[1] / worst_answerable[2]:.2f} ({worst_answerable[0]}), median {ratio_bs_answerable:.2f}; with `--no-check` worst {worst_u[5] / worst_u[2]:.2f} ({worst_u[0]}) | {ok(all(r[1] <= r[2] for r in answerable))}{'' if all(r[1] <= r[2] for r in answerable) else (' (met with --no-check)' if all(r[5] <= r[2] for r in answerable) else '')} |")
    w(f"| 66 MB: full build ≤ 0.5× FTS5's | {build_s:.1f} s vs {sqlite_s:.1f} s = {build_s / sqlite_s:.2f}× | {ok(build_s <= 0.5 * sqlite_s)} |")
    w(f"| 66 MB: index ≤ 1.8× the text | {mb(index_bytes)} = {index_bytes / raw:.2f}× | {ok(index_bytes / raw <= 1.8)} |")
    w(f"| start-up within 1 ms of `/bin/true` | `baogao --version` {ms(version_s)} vs {ms(true_s)}: +{(version_s - true_s) * 1000:.2f} ms | {ok(version_s - true_s <= 0.001)} |")
    if scale:
        at_scale = "1 GB" if args.scale_mb == 1024 else f"{args.scale_mb} MiB"
        s_cold_b = median([r[1] for r in scale["cold"]])
        s_cold_u = median([r[5] for r in scale["cold"]])
        s_answerable = [r for r in scale["cold"] if r[4]]
        s_worst = max(s_answerable, key=lambda r: r[1] / r[2])
        s_worst_u = max(s_answerable, key=lambda r: r[5] / r[2])
        w(f"| {at_scale}: full build ≤ 60 s | {scale['build']:.0f} s | {ok(scale['build'] <= 60)} |")
        w(f"| {at_scale}: build peak memory ≤ 1 GB | {scale['rss'] / 1024:.0f} MiB allocated (and up to {scale['mapped'] / 1024:.0f} MiB of the index's own files mapped while merging: page cache, reclaimable) | {ok(scale['rss'] <= 1024 * 1024)} |")
        w(f"| {at_scale}: index ≤ 2.0× the text | {mb(scale['size'])} = {scale['size'] / scale['raw']:.2f}× | {ok(scale['size'] / scale['raw'] <= 2.0)} |")
        w(f"| {at_scale}: cold median ≤ 8 ms | {ms(s_cold_b)}; {ms(s_cold_u)} with `--no-check` | {ok(s_cold_b <= 0.008)}{'' if s_cold_b <= 0.008 else (' (met with --no-check)' if s_cold_u <= 0.008 else '')} |")
        w(f"| {at_scale}: no cold query slower than sqlite3's where FTS5 answers | worst ratio {s_worst[1] / s_worst[2]:.2f} ({s_worst[0]}); with `--no-check` {s_worst_u[5] / s_worst_u[2]:.2f} ({s_worst_u[0]}) | {ok(all(r[1] <= r[2] for r in s_answerable))}{'' if all(r[1] <= r[2] for r in s_answerable) else (' (met with --no-check)' if all(r[5] <= r[2] for r in s_answerable) else '')} |")
        w(f"| {at_scale}: warm p99 ≤ 5 ms (default query set) | {scale['warm'][1]:.2f} ms | {ok(scale['warm'][1] <= 5)} |")
    w(f"| kept: literal recall equals the substring truth (66 MB) | {'all queries exact' if exact else 'see below'} | {ok(exact)} |")
    w(f"| kept: incremental, one report edited / added / deleted ≤ 1 s | {incr['edited']:.2f} / {incr['added']:.2f} / {incr['deleted']:.2f} s | {ok(max(incr['edited'], incr['added'], incr['deleted']) <= 1)} |")
    w(f"| kept: incremental, nothing changed ≤ 0.3 s | {incr['nothing']:.2f} s | {ok(incr['nothing'] <= 0.3)} |")
    w("")
    w(f"Other comparisons from this run: cold baogao against `rg -F` {ratio_rb:.1f}× faster (rg {ms(cold_r)}); "
      f"cold baogao ÷ sqlite3 over all six queries {ratio_bs:.2f} (sqlite3 answers the 1–2 character ones with nothing, quickly); "
      f"warm p50/p99 {warm_all[0]:.3f}/{warm_all[1]:.3f} ms (default set), build peak memory {build_rss / 1024:.0f} MiB allocated ({build_mapped / 1024:.0f} MiB of mapped files).\n")
    w("## Build and size\n")
    w("| | build | index size | peak memory (allocated / mapped files) |")
    w("|---|---|---|---|")
    w(f"| baogao (jieba words + character bigrams, tags) | {build_s:.1f} s | {mb(index_bytes)} ({index_bytes / raw:.2f}×) | {build_rss / 1024:.0f} / {build_mapped / 1024:.0f} MiB |")
    w(f"| SQLite FTS5 trigram | {sqlite_s:.1f} s | {mb(sqlite_bytes)} ({sqlite_bytes / raw:.2f}×) | – |")
    w("")
    names = {"idx": "postings", "pos": "positions (all of them the bigram field's)", "store": "stored paragraphs (UTF-16, lz4)", "term": "term dictionaries", "fast": "fast fields", "fieldnorm": "field norms", "json": "the state file (each report's stamp and hashes)"}
    parts = ", ".join(f"{names.get(k, k)} {mb(v)}" for k, v in sorted(index_parts.items(), key=lambda kv: -kv[1]) if v > 1e6)
    w(f"The baogao index, by file type ({segments} segment{'' if segments == 1 else 's'}): {parts}.\n")
    w(f"Incremental `baogao index` (median of 3): nothing changed {incr['nothing']:.2f} s, one report edited {incr['edited']:.2f} s, added {incr['added']:.2f} s, deleted {incr['deleted']:.2f} s.\n")
    w("## Cold queries (a new process per query)\n")
    w("baogao: `baogao search Q` (check the index against the corpus, a stat per file; count the hits, rank, print ten snippets), and the same with `--no-check`; SQLite: the sqlite3 CLI selecting ten ranked rows with `snippet()`; ripgrep: `rg -F Q corpus/` printing every matching line. hyperfine, " + f"{args.runs} runs each after 3 warm-ups.\n")
    w("| query | baogao | baogao --no-check | sqlite3 CLI | ripgrep | baogao ÷ sqlite | rg ÷ baogao |")
    w("|---|---|---|---|---|---|---|")
    for q, b, s, r, answerable, u in cold_rows:
        note = "" if answerable else " (FTS5 finds nothing)"
        w(f"| {q} | {ms(b)} | {ms(u)} | {ms(s)}{note} | {ms(r)} | {b / s:.2f} | {r / b:.1f} |")
    w(f"| **median** | {ms(cold_b)} | {ms(cold_u)} | {ms(cold_s)} | {ms(cold_r)} | {ratio_bs:.2f} | {ratio_rb:.1f} |")
    w("")
    w("## Warm queries (in-process)\n")
    w("baogao: `baogao bench` (each sample a whole search: count, rank, read and snippet the top ten). SQLite: python3 executing `count(*)` and the ranked top ten with `snippet()` per query (python's call overhead, a few µs, included).\n")
    w("| | p50 | p99 | throughput |")
    w("|---|---|---|---|")
    w(f"| baogao, default query set (data/queries.txt: words, phrases, operators, filters, facets) | {warm_all[0]:.3f} ms | {warm_all[1]:.3f} ms | {warm_all[2]:.0f} q/s |")
    w(f"| baogao, the long literal queries ({', '.join(LITERALS['long'])}) | {warm_lit[0]:.3f} ms | {warm_lit[1]:.3f} ms | {warm_lit[2]:.0f} q/s |")
    w(f"| SQLite FTS5, the same queries | {warm_sql[0] * 1000:.3f} ms | {warm_sql[1] * 1000:.3f} ms | – |")
    w("")
    w("Median p50 per query class (baogao, default set): " + ", ".join(f"{k} {v:.3f} ms" for k, v in sorted(warm_all[3].items())) + ".\n")
    w("## Literal recall\n")
    w("Truth: paragraphs containing the query after baogao's normalisation (traditional characters folded to simplified ones, as the index folds them), by a substring scan in Python over the exported paragraphs. ripgrep is exact by definition (it is the substring scan, counted in lines).\n")
    w("| class | query | truth | baogao | SQLite FTS5 trigram |")
    w("|---|---|---|---|---|")
    for cls, q, truth, b, f in recall_rows:
        w(f"| {cls} | {q} | {truth:,} | {b:,}{'' if b == truth else ' ✗'} | {f:,}{'' if f == truth else ' ✗'} |")
    w("")
    if scale:
        w(f"## At scale: {scale['raw'] / 2**30:.2f} GiB of synthetic reports\n")
        w(f"`cargo run --release --example synth` (a word-level model learnt from corpus/ and the national reports; counties and years from the gazetteer): {scale['files']:,} files, {scale['paragraphs']:,} paragraphs. "
          "SQLite FTS5 indexes the same paragraphs, exported by `baogao export` (export time not counted).\n")
        w("| | build | index size | peak memory (allocated / mapped files) |")
        w("|---|---|---|---|")
        w(f"| baogao | {scale['build']:.0f} s (merged into {scale['segments']} segment{'s' if scale['segments'] != 1 else ''}) | {mb(scale['size'])} ({scale['size'] / scale['raw']:.2f}×) | {scale['rss'] / 1024:.0f} / {scale['mapped'] / 1024:.0f} MiB |")
        w(f"| SQLite FTS5 trigram | {scale['sqlite']:.0f} s | {mb(scale['sqlite_bytes'])} ({scale['sqlite_bytes'] / scale['raw']:.2f}×) | – |")
        w("")
        sparts = ", ".join(f"{names.get(k, k)} {mb(v)}" for k, v in sorted(scale["parts"].items(), key=lambda kv: -kv[1]) if v > 1e6)
        w(f"The index, by file type: {sparts}.\n")
        w("Cold queries, a new process each (hyperfine, " + f"{args.runs} runs after 3 warm-ups):\n")
        w("| query | baogao | baogao --no-check | sqlite3 CLI | ripgrep | baogao ÷ sqlite | --no-check ÷ sqlite |")
        w("|---|---|---|---|---|---|---|")
        for q, b, sq, r, answerable, u in scale["cold"]:
            note = "" if answerable else " (FTS5 finds nothing)"
            w(f"| {q} | {ms(b)} | {ms(u)} | {ms(sq)}{note} | {ms(r)} | {b / sq:.2f} | {u / sq:.2f} |")
        w(f"| **median** | {ms(median([r[1] for r in scale['cold']]))} | {ms(median([r[5] for r in scale['cold']]))} | {ms(median([r[2] for r in scale['cold']]))} | {ms(median([r[3] for r in scale['cold']]))} | | |")
        w("")
        w("Warm, in-process:\n")
        w("| | p50 | p99 |")
        w("|---|---|---|")
        w(f"| baogao, default query set | {scale['warm'][0]:.3f} ms | {scale['warm'][1]:.3f} ms |")
        if "warm_exh" in scale:
            w(f"| baogao, default query set, every hit scored (`bench --exhaustive`) | {scale['warm_exh'][0]:.3f} ms | {scale['warm_exh'][1]:.3f} ms |")
        if "warm_unsplit" in scale:
            w(f"| baogao, default query set, every segment on one thread (`bench --no-split`) | {scale['warm_unsplit'][0]:.3f} ms | {scale['warm_unsplit'][1]:.3f} ms |")
        w(f"| baogao, the long literal queries | {scale['warm_lit'][0]:.3f} ms | {scale['warm_lit'][1]:.3f} ms |")
        w(f"| SQLite FTS5, the same long queries | {scale['warm_sql'][0] * 1000:.3f} ms | {scale['warm_sql'][1] * 1000:.3f} ms |")
        w("")
        w("Median p50 per query class (baogao, default set): " + ", ".join(f"{k} {v:.3f} ms" for k, v in sorted(scale["warm"][3].items())) + ".\n")
        if "warm_exh" in scale:
            w("The same with every hit scored (`--exhaustive`): " + ", ".join(f"{k} {v:.3f} ms" for k, v in sorted(scale["warm_exh"][3].items())) + ".\n")
        if "warm_unsplit" in scale:
            w("The same with every segment on one thread (`--no-split`): " + ", ".join(f"{k} {v:.3f} ms" for k, v in sorted(scale["warm_unsplit"][3].items())) + ".\n")
        if len(scale["warm"]) > 4:
            w("The slowest queries (p50, default set): " + ", ".join(f"{q} {v:.2f} ms" for q, v in scale["warm"][4][:8]) + ".\n")
    if profiles:
        w("## Profiles\n")
        w("Where the CPU time goes, by `perf record -F 2999` over all threads (self time per symbol, the top entries; "
          "`[k]` rows are the kernel: page faults, mmap, reads). The reasons for each missed target, below, cite these.\n")
        for name, rows in profiles.items():
            w(f"**{name}**\n")
            w("| share | object | symbol |")
            w("|---|---|---|")
            for share, dso, symbol in rows:
                w(f"| {share} | {dso} | `{symbol.replace('|', '/')}` |")
            w("")
    w("## Where targets are missed, and the floor that stops each\n")
    check_ms = (cold_b - cold_u) * 1000
    w(f"- **Cold queries: the freshness check.** Before answering, `search` compares the index with its corpus by a `stat` of every corpus file "
      f"(issue 12: an index never silently answers from a stale corpus). At 66 MB ({paragraphs:,} paragraphs in about 3,500 files) that costs {check_ms:.1f} ms of the "
      f"{ms(cold_b)} median; without it (`--no-check`) the median is {ms(cold_u)}. The profiles of the cold query show the floor: the kernel's "
      "`statx`, `getdents64` and path lookups (`__d_lookup_rcu`, `ext4_getattr`) over both cores, a few µs per file. What the check reads of the "
      "index is already minimal: a binary stamps file written with each commit (sizes and times sorted by path, no parsing; src/index/stamps.rs), "
      "compared with the sorted walk in one merge pass. A C program doing only the walk and the `statx` calls, single-threaded, took 4.3 ms at "
      "66 MB and 64.5 ms at 1 GB on this machine (measured once, by hand, not by this script). No exact check can skip a file: an in-place edit "
      "changes neither its directory nor anything but its own inode.")
    if scale:
        s_check = (median([r[1] for r in scale["cold"]]) - median([r[5] for r in scale["cold"]])) * 1000
        w(f"  At {scale['files']:,} files the check costs {s_check:.0f} ms of every cold query, against a target of 8 ms for the whole query: "
          "the target cannot be met with the check on, and `--no-check` is the way to query a large corpus known not to have changed since it was indexed.")
    w(f"- **Cold queries: what remains without the check.** A new process costs {ms(version_s)} before any work (`/bin/true` {ms(true_s)}: the "
      "dynamic loader, relocations and page faults of a binary that holds tantivy, jieba's dictionary, the gazetteer and five document readers), then "
      "opens the index's memory-mapped files and faults in what the query touches. sqlite3's CLI opens one file. On Linux the binary is linked "
      "without PIE (build.rs; `BAOGAO_PIE=1` keeps PIE), which halves its start-up page faults (185 against 380).")
    w(f"- **Start-up.** `baogao --version` is {(version_s - true_s) * 1000:.2f} ms slower than `/bin/true`; see the release-profile measurement below for what LTO changes.")
    w(f"- **Build time.** {build_s:.1f} s against FTS5's {sqlite_s:.1f} s at 66 MB, the final merge into one segment included (measured apart, by hand on an earlier and faster machine, not by this script: 1.4 s of a 6 s build; see `merge_segments` in src/index/build.rs). Every paragraph is tokenized twice (jieba words for ranking, "
      "character bigrams with positions for exact recall), tagged (the gazetteer's 85,000 names by Aho-Corasick, themes) and its text stored; "
      "the build profile shows tantivy's postings writers, jieba's trie, the gazetteer automaton, bigram tokenisation and the kernel zeroing "
      "new pages as the largest parts, none of them a majority. Halving it would mean dropping one of the two tokenisations.")
    store66 = index_parts.get("store", 0)
    w(f"- **Index size.** {index_bytes / raw:.2f}× the text at 66 MB, {mb(index_bytes - 1.8 * raw)} over 1.8×: by file type above, the bigram "
      "postings and their positions (exact recall for any substring) and the stored paragraphs are most of it. The paragraphs are stored as "
      f"UTF-16 (two bytes a Chinese character, where UTF-8 takes three) in lz4 blocks, {store66 / raw:.2f}× the text; zstd was 11% slower on "
      "every warm search when measured. 1.8× would need the positions of the bigram field gone (phrases could then not be verified) or the "
      "text stored elsewhere. The corpus at 66 MB is mostly laws, whose text lz4 already compresses better than the reports' (at 1 GB the "
      "UTF-16 store saved 19%, here 5%).")
    if scale:
        w(f"- **At {at_scale}: build.** {scale['build']:.0f} s, {scale['build'] / 60:.1f}× the target: the 66 MB build's work "
          f"×{scale['raw'] / raw:.0f} and then a merge of the segments its memory budget made into one (about a fifth of the build; it pays "
          "back on every query, see `merge_segments` in src/index/build.rs). The build profile above has no part that could be removed without "
          "removing a feature: tantivy's postings writers for two tokenisations, jieba's trie, the gazetteer automaton, the merge.")
        slow = scale["warm"][4] if len(scale["warm"]) > 4 else []
        over = [f"{q} {v:.1f} ms" for q, v in slow if v > 5]
        w(f"- **At {at_scale}: warm p99.** {scale['warm'][1]:.1f} ms, {scale['warm'][1] / 5:.1f}× the target. p99 over the 45 queries is "
          "set by the slowest few, and those must visit every hit. What makes that pass cheaper is in place: a query of one or two short "
          "words (with OR, NOT or a broad filter) takes its page by block-max WAND and its count from the term dictionary or an unscored "
          "pass (src/search/pruned.rs); a search that has spent 0.3 ms on a segment cuts the rest into one range of documents per core "
          "(src/search/parallel.rs; the `--no-split` row above is the same set on one thread); facets read two dense columns, a place "
          "string and a number holding kind and themes, counted by byte histograms and named once per query (src/search/collect.rs); a "
          "year range reads one number per paragraph (src/search/year_span.rs); a long literal that is also an indexed word reads "
          "positions only for the paragraphs without the word (src/search/word_phrase.rs). "
          + (f"Still above 5 ms at p50: {', '.join(over)}. " if over else "")
          + "What they spend it on is in the warm profile above: the scoring union of a broad word's postings, checking the bigram "
          "positions of a phrase's candidates (`append_positions_with_offset`, `phrase_match`), decoding fast-field values "
          "(`BlockwiseLinearReader::get_val`: tantivy picks that codec for the year and tag columns, and it costs several times a "
          "bit-unpack per value) — tens of nanoseconds a hit over 300,000–480,000 hits, on two cores. Measured by hand at 1 GB "
          "(`bench --exhaustive --no-split`, one thread, 2026-12-07, not by this script): 改革 alone 8.2 ms, with year:2000.. 11.9 ms, "
          "with --facets as well 16.3 ms over 482,824 hits — the scored walk about 17 ns a hit, the year test 7.5 and the facets 9. "
          "Not scoring the hits whose block-max bound cannot reach the page (37% of that query's hits) saved no time, and decoding the "
          "year and tag columns ahead 0–8% (both measured by hand: \"Skipping scores and decoding columns in the exhaustive walk\" below): what is left is the walk over the hits "
          "itself. Below that would take counts kept ahead of time (per word, per phrase and per facet value) rather than a faster pass.")
        store = scale["parts"].get("store", 0)
        size_ratio = scale['size'] / scale['raw']
        w(f"- **Index size at {at_scale}.** {size_ratio:.2f}× the text{' (met)' if size_ratio <= 2.0 else ''}: the stored paragraphs "
          f"(UTF-16, lz4) are {store / scale['raw']:.2f}× the text (0.85× when they were stored as UTF-8), and the bigram field's positions, "
          f"which make every hit an exact substring match, {scale['parts'].get('pos', 0) / scale['raw']:.2f}×.")
    w("")
    # Sections measured by other tools (judged relevance, freshness checks,
    # `--all` memory) follow a marker; a new run keeps them as they are.
    out = Path(args.out)
    kept = ""
    if out.exists():
        previous = out.read_text(encoding="utf-8")
        at = previous.find(KEPT_MARKER)
        if at >= 0:
            kept = previous[at:]
    out.write_text("\n".join(L) + "\n" + kept, encoding="utf-8")


if __name__ == "__main__":
    main()
