"""`make bench`: ingest, index, memory, cold start, re-ingest and answer latency at 100, 1,000
and 10,000 synthetic reports, with rank-bm25 measured on the same passage queries in the same run.

    python -m bench.run_bench [--sizes 100,1000,10000] [--out bench/results/bench.json]

Per size, the corpus is ``generate_corpus(size, seed)``: a few dozen reports written as PDF and
as DOCX (for the per-type ingest figures), the rest alternately as text and HTML, in a temp dir.
Every step is the product's own code path: ``ingest_paths`` with one worker per core (as
``reportbot ingest``), ``refresh_index``, ``Engine.answer`` (as ``reportbot ask -``), and the
CLI itself for cold start. Serving memory, answer latency and the rank-bm25 comparison run in a
fresh subprocess that only loads the engine, so the benchmark's own data does not count.

It prints a table, the targets of issue 5 with PASS/FAIL, and writes every figure (with the
machine it ran on) to a JSON file. It is a script, not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "bench" / "results" / "bench.json"
KINDS = ("figure", "passage", "clarify", "none")
FILE_TYPES = ("text", "html", "pdf", "docx")
SUFFIX = {"text": ".txt", "html": ".html", "pdf": ".pdf", "docx": ".docx"}

# Issue 5, on this 2-core machine at 10,000 reports.
TARGET_SIZE = 10_000
TARGETS = {
    "answer_p50_ms": ("answer p50 end to end", "<=", 10.0, "ms"),
    "answer_p99_ms": ("answer p99 end to end", "<=", 50.0, "ms"),
    "bm25_ratio_search": ("rank-bm25 p50 / ours p50 (same passage queries, PassageIndex.search)", ">=", 50.0, "x"),
    "bm25_ratio_end_to_end": ("rank-bm25 p50 / ours p50 (same passage queries, Engine.answer end to end)", ">=", 50.0, "x"),
    "ingest_text_rps": ("text ingest", ">=", 50.0, "reports/s"),
    "ingest_html_rps": ("HTML ingest", ">=", 50.0, "reports/s"),
    "reingest_s": ("one report re-ingested and answerable", "<=", 5.0, "s"),
    "cold_start_s": ("cold start (process start to first answer)", "<=", 3.0, "s"),
    "serving_rss_mb": ("serving memory (peak RSS after load)", "<=", 2048.0, "MB"),
}

# ---------------------------------------------------------------- the question mix

# (question template, the Table cell it names); the value is read from the synthetic report.
FIGURE_TEMPLATES = (
    ("{b}{y}年收到多少政府信息公开申请", (3, "applications", "new", "total")),
    ("{b}{y}年行政处罚决定有多少", (2, "art20_6", "penalties", "decisions")),
    ("{b}{y}年予以公开的申请有多少件", (3, "applications", "disclosed", "total")),
    ("{b}{y}年本机关不掌握相关政府信息的申请有多少件", (3, "applications", "not_held", "total")),
    ("{b}{y}年行政许可处理决定数量", (2, "art20_5", "licensing", "decisions")),
    ("{b}{y}年上年结转的申请有多少", (3, "applications", "carried_over", "total")),
    ("{b}{y}年结转下年度继续办理的申请多少", (3, "applications", "carried_forward", "total")),
    ("{b}{y}年行政复议结果维持几件", (4, "review_litigation", "review", "upheld")),
    ("{b}{y}年企业申请了多少", (3, "applications", "new", "businesses")),
)
# (a word the report's paragraphs must hold, the question, the word the answer must quote).
PASSAGE_TEMPLATES = (
    ("查阅点", "{b}{y}年政府信息公开查阅点设在哪里", "查阅点"),
    ("不足", "{b}{y}年政府信息公开工作存在哪些不足", "不足"),
    ("人大代表建议", "{b}{y}年承办了多少人大代表建议", "人大代表建议"),
    ("政府开放日", "{b}{y}年政府开放日活动情况", "政府开放日"),
    ("12345", "{b}{y}年12345热线受理了多少群众诉求", "12345"),
    ("信息处理费", "{b}{y}年收取信息处理费了吗", "信息处理费"),
    ("咨询电话", "{b}政府信息公开的咨询电话是多少", "咨询电话"),
    ("政务新媒体发布信息", "{b}{y}年通过政务新媒体发布了多少信息", "政务新媒体"),
)
CORPUS_PASSAGES = (  # no body, no year: the whole index answers
    ("政务新媒体运维管理水平有待提升", "政务新媒体"),
    ("政策解读形式较为单一怎么改进", "政策解读"),
    ("哪些单位开展了政府开放日活动", "政府开放日"),
    ("依申请公开答复的规范性有待提高", "依申请公开"),
    ("惠企政策免申即享", "惠企政策"),
    ("主动公开内容的深度和广度不够", "主动公开"),
    ("政务公开工作纳入年度绩效考核", "绩效考核"),
    ("基层政务公开标准化规范化建设", "标准化规范化"),
)
CLARIFY_TEMPLATES = (
    "{y}年行政处罚有多少",
    "收到多少政府信息公开申请",
    "{y}年予以公开的申请有多少件",
    "行政复议结果维持几件",
    "{y}年行政许可处理决定数量",
)
UNKNOWN_PLACES = ("拉萨市城关区", "哈尔滨市道里区", "西安市雁塔区", "昆明市五华区", "长沙市岳麓区",
                  "兰州市城关区", "贵阳市南明区", "太原市小店区", "南昌市东湖区", "石家庄市长安区")
NONE_TEMPLATES = ("{p}{y}年罚款多少", "{p}{y}年收到多少政府信息公开申请")
WARMUP = ("城中区2020年行政处罚有多少", "政府信息公开指南", "2021年收到多少申请")


def build_questions(reports: list, seed: int, count: int = 400) -> list[dict[str, Any]]:
    """A fixed mix (40% figure, 30% passage, 12.5% clarify, 17.5% none) from the corpus' bodies and years."""
    rng = random.Random(seed * 1_000_003 + len(reports))
    held: dict[str, set[int]] = defaultdict(set)
    for r in reports:
        held[r.body].add(r.year)
    years = sorted({r.year for r in reports})
    quotas = {"figure": count * 40 // 100, "passage": count * 30 // 100, "clarify": count // 8}
    quotas["none"] = count - sum(quotas.values())
    questions: list[dict[str, Any]] = []
    for _ in range(quotas["figure"]):
        r = rng.choice(reports)
        template, key = rng.choice(FIGURE_TEMPLATES)
        value = r.cells[key][0]
        questions.append({"q": template.format(b=r.body, y=r.year), "kind": "figure", "value": value,
                          "title": r.title, "year": r.year})
    corpus_wide = quotas["passage"] // 6
    for i in range(corpus_wide):
        question, word = CORPUS_PASSAGES[i % len(CORPUS_PASSAGES)]
        questions.append({"q": question, "kind": "passage", "contains": word})
    while sum(q["kind"] == "passage" for q in questions) < quotas["passage"]:
        r = rng.choice(reports)
        text = "".join(p for ps in r.paragraphs.values() for p in ps)
        fitting = [t for t in PASSAGE_TEMPLATES if t[0] in text]
        if not fitting:
            continue
        _, template, word = rng.choice(fitting)
        questions.append({"q": template.format(b=r.body, y=r.year), "kind": "passage", "contains": word,
                          "title": r.title if "{y}" in template else None,
                          "body_title": f"{r.body}", "year": r.year if "{y}" in template else None})
    for _ in range(quotas["clarify"]):
        questions.append({"q": rng.choice(CLARIFY_TEMPLATES).format(y=rng.choice(years)), "kind": "clarify"})
    for i in range(quotas["none"]):
        if i % 2 == 0:
            place = rng.choice(UNKNOWN_PLACES)
            questions.append({"q": rng.choice(NONE_TEMPLATES).format(p=place, y=rng.choice(years)), "kind": "none"})
        else:
            r = rng.choice(reports)
            missing = [y for y in range(2016, 2031) if y not in held[r.body] and not 2019 <= y <= 2025] + [
                y for y in range(2019, 2026) if y not in held[r.body]
            ]
            template, _ = rng.choice(FIGURE_TEMPLATES)
            questions.append({"q": template.format(b=r.body, y=rng.choice(missing)), "kind": "none"})
    rng.shuffle(questions)
    return questions


def is_right(case: dict[str, Any], answer: dict[str, Any]) -> bool:
    """Whether a person would accept the answer (the benchmark reports it; it does not assert)."""
    if answer["kind"] != case["kind"]:
        return False
    report = answer.get("report") or {}
    if case["kind"] == "figure":
        return answer["value"] == case["value"] and report.get("title") == case["title"]
    if case["kind"] == "passage":
        text = answer["text"].replace("【", "").replace("】", "")
        if case.get("title") and report.get("title") != case["title"]:
            return False
        if case.get("body_title") and not str(report.get("title", "")).startswith(case["body_title"]):
            return False
        return case["contains"] in text
    if case["kind"] == "clarify":
        return len(answer.get("candidates") or []) >= 2
    return answer.get("value") is None


# ---------------------------------------------------------------- small helpers


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def summary(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50": statistics.median(values),
        "p90": percentile(values, 90),
        "p99": percentile(values, 99),
        "max": max(values),
        "mean": statistics.fmean(values),
    }


def proc_status() -> dict[str, float]:
    """VmRSS and VmHWM (peak) of this process, in MB."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(rest.split()[0]) / 1024
    return found


def tree_bytes(path: Path) -> int:
    """Bytes on disk under a folder, each hard-linked file counted once."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            st = os.stat(os.path.join(folder, name))
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    git = {}
    with contextlib.suppress(Exception):
        git["head"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                     text=True).stdout.strip()
        git["dirty"] = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True,
                                      text=True).stdout.splitlines()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git": git,
    }


class StageTimer:
    """Wraps functions by (module, name) for the duration of a block and adds up their wall time.

    Instrumentation of the running process only: nothing in the product's files changes. A name
    that no longer exists (the product moves on) is skipped, and its time falls into "other".
    """

    def __init__(self, targets: dict[str, tuple[Any, str]]):
        self.targets = targets
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._saved: list[tuple[Any, str, Any]] = []

    def __enter__(self) -> "StageTimer":
        for label, (owner, name) in self.targets.items():
            original = getattr(owner, name, None)
            if original is None:
                continue
            self._saved.append((owner, name, original))
            setattr(owner, name, self._wrap(label, original))
        return self

    def _wrap(self, label: str, original: Callable) -> Callable:
        timer = self

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                timer.seconds[label] += time.perf_counter() - started
                timer.calls[label] += 1

        return timed

    def __exit__(self, *exc: Any) -> None:
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


# ---------------------------------------------------------------- one size


def assign_types(count: int, binary_each: int) -> list[str]:
    """File type of report i: the first k PDF, the next k DOCX, the rest alternately text and HTML."""
    k = min(binary_each, count // 5)
    return ["pdf" if i < k else "docx" if i < 2 * k else ("text", "html")[i % 2] for i in range(count)]


def write_corpus(reports: list, src: Path, cache: Path, binary_each: int) -> dict[str, Any]:
    """Reports 0..k-1 as PDF, k..2k-1 as DOCX (cached across sizes), the rest alternately text/HTML."""
    from reportgen import write_rendering

    counts: dict[str, int] = defaultdict(int)
    seconds: dict[str, float] = defaultdict(float)
    assigned = assign_types(len(reports), binary_each)
    for kind in FILE_TYPES:
        (src / kind).mkdir(parents=True, exist_ok=True)
    for i, (report, kind) in enumerate(zip(reports, assigned)):
        target = src / kind / f"r{i:05d}{SUFFIX[kind]}"
        started = time.perf_counter()
        if kind in ("pdf", "docx"):
            cached = cache / f"{i:05d}-{zlib.crc32(report.title.encode()):08x}{SUFFIX[kind]}"
            if not cached.exists():
                write_rendering(report, kind, cached)
            shutil.copyfile(cached, target)
        else:
            write_rendering(report, kind, target)
        seconds[kind] += time.perf_counter() - started
        counts[kind] += 1
    return {"files": dict(counts), "render_s": dict(seconds), "assigned": assigned}


def ingest_by_type(src: Path, data: Path) -> dict[str, Any]:
    """One `ingest_paths` per file type, as `reportbot ingest FOLDER` runs it (workers = cores)."""
    import ingest.run as ingest_run

    result: dict[str, Any] = {}
    for kind in FILE_TYPES:
        files = sorted((src / kind).iterdir())
        if not files:
            continue
        with StageTimer({"store": (ingest_run, "save_report")}) as timer:
            started = time.perf_counter()
            done = ingest_run.ingest_paths([src / kind], data, workers=0)
            wall = time.perf_counter() - started
        stored = done.count("ingested") + done.count("replaced")
        result[kind] = {
            "files": len(files),
            "ingested": done.count("ingested"),
            "replaced": done.count("replaced"),
            "refused": done.count("refused"),
            "warnings": done.warning_count,
            "wall_s": wall,
            "reports_per_s": stored / wall if wall else None,
            "store_s_in_parent": timer.seconds.get("store", 0.0),
            "store_ms_per_report": 1000 * timer.seconds.get("store", 0.0) / max(stored, 1),
            "refusals": [o.reason for o in done.refused][:5],
        }
    total_wall = sum(r["wall_s"] for r in result.values())
    total = sum(r["ingested"] + r["replaced"] for r in result.values())
    result["all"] = {"reports": total, "wall_s": total_wall, "reports_per_s": total / total_wall if total_wall else None}
    return result


def parse_stages(src: Path, per_type: dict[str, int]) -> dict[str, Any]:
    """Serial split of one report's parse into read / structure / tables (+ checks), per type."""
    import ingest.parse as parse

    out: dict[str, Any] = {}
    for kind, count in per_type.items():
        files = sorted((src / kind).iterdir())[:count]
        if not files:
            continue
        targets = {
            "read_document": (parse, "read_document"),
            "read_structure": (parse, "read_structure"),
            "extract_figures": (parse, "extract_figures"),
            "check_sums": (parse, "check_sums"),
        }
        with StageTimer(targets) as timer:
            started = time.perf_counter()
            for path in files:
                with contextlib.suppress(Exception):
                    parse.parse_report(path)
            wall = time.perf_counter() - started
        stages = {k: 1000 * v / len(files) for k, v in timer.seconds.items()}
        stages["other"] = 1000 * wall / len(files) - sum(stages.values())
        out[kind] = {"files": len(files), "ms_per_report": 1000 * wall / len(files), "stages_ms": stages}
    return out


def refresh_with_split(data: Path) -> dict[str, Any]:
    """`refresh_index` timed whole, with its steps split out by wrapping them in this process."""
    import index.bm25 as bm25
    import index.passages as passages
    import index.storage as storage

    targets = {
        "tokenize": (passages, "tokenize_new_passages"),
        "read_passages": (passages, "_passages_of"),
        "bm25_add": (bm25.BM25Index, "add"),
        "bm25_retire": (bm25.BM25Index, "retire"),
        "save": (passages, "write_version"),
        "load_previous": (passages, "load_index"),
    }
    _ = storage  # write_version is looked up in index.passages' namespace
    with StageTimer(targets) as timer:
        started = time.perf_counter()
        passages.refresh_index(data)
        wall = time.perf_counter() - started
    split = dict(timer.seconds)
    split["other"] = wall - sum(split.values())
    return {"wall_s": wall, "split_s": split}


def db_counts(data: Path) -> dict[str, int]:
    from ingest.database import database_path

    from ingest.read import table_counts

    conn = sqlite3.connect(database_path(data))
    try:
        return table_counts(conn)
    finally:
        conn.close()


def cold_start(data: Path, question: str, expected: Any, runs: int = 3) -> dict[str, Any]:
    """`python -m bot ask QUESTION --data DIR --json`, wall time from spawn to exit."""
    times, outputs = [], []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "bot", "ask", question, "--data", str(data), "--json"],
                              cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        outputs.append(done)
    last = outputs[-1]
    value = None
    with contextlib.suppress(Exception):
        value = json.loads(last.stdout.splitlines()[-1])["value"]
    return {
        "question": question,
        "runs_s": times,
        "median_s": statistics.median(times),
        "exit_code": last.returncode,
        "right": value == expected,
        "stderr": last.stderr[-500:],
    }


def python_startup(runs: int = 3) -> float:
    """The interpreter alone (python -c pass), to read cold start against."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def reingest(data: Path, report: Any, src_dir: Path) -> dict[str, Any]:
    """Change one report's 行政处罚 figure; ingest that file, refresh the index, answer it again.

    A: in this process, the steps `reportbot ingest FILE` runs (ingest_paths on the file, then
       refresh_index), then a fresh Engine answers. Headline figure.
    B: as an operator does it: `reportbot ingest FILE` as a process, then a serving Engine that
       was loaded before the change reloads and answers.
    """
    from bot.answer import Engine
    from ingest.run import ingest_paths
    from reportgen import render_text

    key = (2, "art20_6", "penalties", "decisions")
    question = f"{report.body}{report.year}年行政处罚决定有多少"
    old = report.cells[key][0]
    out: dict[str, Any] = {"report": report.title, "question": question, "old_value": old}
    src_dir.mkdir(parents=True, exist_ok=True)

    def changed_file(value: int, name: str) -> Path:
        cells = dict(report.cells)
        cells[key] = (value, str(value))
        path = src_dir / name
        path.write_text(render_text(dataclasses.replace(report, cells=cells)), "utf-8")
        return path

    new_a = old + 1000 + 7
    path = changed_file(new_a, "changed-a.txt")
    t0 = time.perf_counter()
    done = ingest_paths([path], data, workers=0)
    t1 = time.perf_counter()
    split = refresh_with_split(data)
    t2 = time.perf_counter()
    engine = Engine(data)
    t3 = time.perf_counter()
    answer = engine.answer(question)
    t4 = time.perf_counter()
    out["A"] = {
        "new_value": new_a,
        "replaced": done.count("replaced"),
        "ingest_s": t1 - t0,
        "refresh_index_s": t2 - t1,
        "refresh_split_s": split["split_s"],
        "engine_load_s": t3 - t2,
        "answer_s": t4 - t3,
        "total_s": t4 - t0,
        "answered": answer.value,
        "right": answer.value == new_a,
    }
    new_b = old + 2000 + 9
    path = changed_file(new_b, "changed-b.txt")
    t0 = time.perf_counter()
    cli = subprocess.run([sys.executable, "-m", "bot", "ingest", str(path), "--data", str(data)],
                         cwd=ROOT, capture_output=True, text=True)
    t1 = time.perf_counter()
    engine.reload()
    t2 = time.perf_counter()
    answer = engine.answer(question)
    t3 = time.perf_counter()
    out["B"] = {
        "new_value": new_b,
        "cli_exit_code": cli.returncode,
        "cli_ingest_s": t1 - t0,
        "reload_s": t2 - t1,
        "answer_s": t3 - t2,
        "total_s": t3 - t0,
        "answered": answer.value,
        "right": answer.value == new_b,
        "cli_output": cli.stdout[-300:] + cli.stderr[-300:],
    }
    return out


def serve(data: Path, questions: list[dict[str, Any]], bm25_sample: int, bm25_budget_s: float,
          profile: bool) -> dict[str, Any]:
    """Run the serving measurements in a fresh process: memory after load, latency, rank-bm25."""
    with tempfile.TemporaryDirectory() as tmp:
        qfile, ofile = Path(tmp) / "questions.json", Path(tmp) / "out.json"
        qfile.write_text(json.dumps(questions, ensure_ascii=False), "utf-8")
        cmd = [sys.executable, "-m", "bench.run_bench", "--serve-worker", str(data), str(qfile), str(ofile),
               "--bm25-sample", str(bm25_sample), "--bm25-budget", str(bm25_budget_s)]
        if profile:
            cmd.append("--profile")
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            return {"error": done.stderr[-3000:]}
        return json.loads(ofile.read_text("utf-8"))


def run_size(size: int, args: argparse.Namespace, cache: Path) -> dict[str, Any]:
    from reportgen import generate_corpus

    log(f"\n=== {size:,} reports ===")
    reuse = Path(args.data) if args.data else None
    root = reuse.parent if reuse else Path(tempfile.mkdtemp(prefix=f"reportbot-bench-{size}-", dir=args.workdir))
    src, data = root / "src", reuse or root / "data"
    result: dict[str, Any] = {"size": size, "workdir": str(root), "loadavg_at_start": os.getloadavg()}
    try:
        started = time.perf_counter()
        reports = list(generate_corpus(size, args.seed))
        result["generate_s"] = time.perf_counter() - started
        if reuse:
            # A data dir a --keep run left (the same size and seed): serving, cold start and
            # re-ingest only, to re-measure answering without a new ingest.
            result["reused_data"] = str(reuse)
            assigned = assign_types(len(reports), args.binary)
            log(f"reusing {reuse}: no ingest, no index build")
        else:
            written = write_corpus(reports, src, cache, args.binary)
            assigned = written["assigned"]
            result["files"], result["render_s"] = written["files"], written["render_s"]
            log(f"generated in {result['generate_s']:.1f} s, written {written['files']} "
                f"(render {sum(written['render_s'].values()):.1f} s)")

            result["ingest"] = ingest_by_type(src, data)
            for kind in FILE_TYPES:
                if kind in result["ingest"]:
                    r = result["ingest"][kind]
                    log(f"ingest {kind:<5} {r['ingested']:>6} in {r['wall_s']:7.2f} s = {r['reports_per_s']:7.1f}/s "
                        f"(refused {r['refused']}, warnings {r['warnings']}, "
                        f"store {r['store_ms_per_report']:.1f} ms/report)")
            result["index"] = refresh_with_split(data)
            log(f"refresh_index {result['index']['wall_s']:.2f} s: "
                + ", ".join(f"{k} {v:.2f}" for k, v in result["index"]["split_s"].items()))
        from index.passages import index_dir
        from ingest.database import database_path

        db = database_path(data)
        result["index_bytes"] = tree_bytes(index_dir(data))
        result["db_bytes"] = sum(p.stat().st_size for p in data.glob(db.name + "*"))
        result["counts"] = db_counts(data)
        log(f"index {result['index_bytes'] / 1e6:.1f} MB, db {result['db_bytes'] / 1e6:.1f} MB, {result['counts']}")

        if not reuse:
            result["parse_stages"] = parse_stages(src, {"text": 40, "html": 40, "pdf": 6, "docx": 6})

        questions = build_questions(reports, args.seed)
        sample = args.bm25_sample if result["counts"]["passages"] > args.bm25_full_below else 0
        log(f"serving: {len(questions)} questions; rank-bm25 on "
            f"{'all' if not sample else sample} passage queries")
        result["serve"] = serve(data, questions, sample, args.bm25_budget, args.profile)
        if "error" in result["serve"]:
            log("serve worker failed:\n" + result["serve"]["error"])
        else:
            s = result["serve"]
            log(f"load {s['load_s']:.2f} s, RSS {s['rss_after_load_mb']:.0f} MB (peak {s['peak_after_load_mb']:.0f}); "
                f"answer p50 {s['latency_ms']['all']['p50']:.2f} ms p99 {s['latency_ms']['all']['p99']:.2f} ms; "
                f"search p50 {s['bm25']['ours_search_ms']['p50']:.3f} ms, rank-bm25 p50 "
                f"{s['bm25']['rank_bm25_ms']['p50']:.1f} ms, ratio {s['bm25']['ratio_search']:.0f}x")

        figure = next(r for r, kind in zip(reports, assigned) if kind == "text")
        expected = figure.cells[(2, "art20_6", "penalties", "decisions")][0]
        question = f"{figure.body}{figure.year}年行政处罚决定有多少"
        result["cold_start"] = cold_start(data, question, expected)
        result["python_startup_s"] = python_startup()
        log(f"cold start median {result['cold_start']['median_s']:.2f} s (python alone "
            f"{result['python_startup_s']:.2f} s), right: {result['cold_start']['right']}")

        result["reingest"] = reingest(data, figure, root / "changed")
        a, b = result["reingest"]["A"], result["reingest"]["B"]
        log(f"re-ingest A {a['total_s']:.2f} s (ingest {a['ingest_s']:.2f}, index {a['refresh_index_s']:.2f}, "
            f"engine {a['engine_load_s']:.2f}), right: {a['right']}; B (CLI + reload) {b['total_s']:.2f} s, "
            f"right: {b['right']}")
        result["loadavg_at_end"] = os.getloadavg()  # 1/5/15-min: other work on the machine skews every figure
        log(f"load average (1, 5, 15 min) at start {result['loadavg_at_start']}, at end {result['loadavg_at_end']}")
    finally:
        if not args.keep and not reuse:
            shutil.rmtree(root, ignore_errors=True)
    return result


# ---------------------------------------------------------------- the serving worker (a subprocess)


def serve_worker(data: Path, qfile: Path, ofile: Path, bm25_sample: int, bm25_budget: float, profile: bool) -> None:
    """The serving measurements in this fresh process: memory, answer latency, rank-bm25; to ``ofile``."""
    at_start = proc_status()
    started = time.perf_counter()
    from bot.answer import Engine

    engine = Engine(data)
    load_s = time.perf_counter() - started
    after_load = proc_status()
    questions = json.loads(qfile.read_text("utf-8"))
    for q in WARMUP:
        engine.answer(q)
    answered = answer_all(engine, questions)
    after_answers = proc_status()
    index = engine_index(engine)
    token_lists = passage_tokens(engine, index, questions, answered.passage_e2e)
    out: dict[str, Any] = {
        "load_s": load_s,
        "rss_at_start_mb": at_start.get("VmRSS"),
        "rss_after_load_mb": after_load.get("VmRSS"),
        "peak_after_load_mb": after_load.get("VmHWM"),
        "rss_after_answers_mb": after_answers.get("VmRSS"),
        "peak_after_answers_mb": after_answers.get("VmHWM"),
        "questions": len(questions),
        **answered.summary(),
        "bm25": compare_rank_bm25(data, index, token_lists, answered.passage_e2e, bm25_sample, bm25_budget),
    }
    if profile:
        out["profile"] = profile_answers(engine, questions)
    ofile.write_text(json.dumps(out, ensure_ascii=False), "utf-8")


class GcPauses:
    """Garbage-collector pauses while the block runs: a full collection walks every object the
    engine holds, so its length grows with the corpus."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float]] = []  # (generation, ms)
        self._started = 0.0

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append((info["generation"], 1000 * (time.perf_counter() - self._started)))

    def __enter__(self) -> "GcPauses":
        gc.callbacks.append(self._on_gc)
        return self

    def __exit__(self, *exc: Any) -> None:
        gc.callbacks.remove(self._on_gc)

    @property
    def total_ms(self) -> float:
        return sum(ms for _, ms in self.pauses)

    def summary(self, objects_after_load: int) -> dict[str, Any]:
        return {
            "objects_after_load": objects_after_load,
            "collections": {gen: sum(1 for g, _ in self.pauses if g == gen) for gen in (0, 1, 2)},
            "max_ms": {gen: max((ms for g, ms in self.pauses if g == gen), default=0.0) for gen in (0, 1, 2)},
            "total_ms": self.total_ms,
        }


@dataclasses.dataclass
class Answered:
    """Every question answered once, timed: latency by kind, rightness, the slowest, GC pauses."""

    objects_after_load: int
    gc: GcPauses
    latencies: dict[str, list[float]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    by_expected: dict[str, list[float]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    serialize_ms: list[float] = dataclasses.field(default_factory=list)
    text_chars: dict[str, list[int]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    right: dict[str, list[bool]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    wrong: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    timings: list[tuple[float, str, str, float]] = dataclasses.field(default_factory=list)
    passage_e2e: dict[int, float] = dataclasses.field(default_factory=dict)  # question -> ms, index searched

    def summary(self) -> dict[str, Any]:
        return {
            "latency_ms": {kind: summary(v) for kind, v in self.latencies.items()},
            "latency_by_expected_kind_ms": {kind: summary(v) for kind, v in self.by_expected.items()},
            "serialize_json_ms": summary(self.serialize_ms),
            "answer_chars": {kind: summary([float(c) for c in v]) for kind, v in self.text_chars.items()},
            "right": {kind: [sum(v), len(v)] for kind, v in self.right.items()},
            "wrong": self.wrong,
            "slowest": sorted(self.timings, reverse=True)[:15],  # (ms, kind, question, of which GC ms)
            "gc": self.gc.summary(self.objects_after_load),
        }


def answer_all(engine: Any, questions: list[dict[str, Any]]) -> Answered:
    """Each question through ``Engine.answer``, timed, its JSON timed apart, and judged."""
    with GcPauses() as pauses:
        answered = Answered(objects_after_load=len(gc.get_objects()), gc=pauses)
        for i, case in enumerate(questions):
            paused_before = pauses.total_ms
            t0 = time.perf_counter()
            answer = engine.answer(case["q"])
            t1 = time.perf_counter()
            gc_ms = pauses.total_ms - paused_before
            as_json = json.dumps(answer.to_dict(), ensure_ascii=False)
            t2 = time.perf_counter()
            ms = 1000 * (t1 - t0)
            answered.latencies[answer.kind].append(ms)
            answered.latencies["all"].append(ms)
            answered.by_expected[case["kind"]].append(ms)
            answered.serialize_ms.append(1000 * (t2 - t1))
            answered.text_chars[answer.kind].append(len(answer.text))
            ok = is_right(case, json.loads(as_json))
            answered.right[case["kind"]].append(ok)
            if not ok and len(answered.wrong) < 40:
                answered.wrong.append({"q": case["q"], "expected": case["kind"], "value": case.get("value"),
                                       "got": answer.kind, "got_value": answer.value, "text": answer.text[:120]})
            answered.timings.append((ms, answer.kind, case["q"], gc_ms))
            if case["kind"] == "passage" and answer.kind == "passage":
                answered.passage_e2e[i] = ms
    return answered


def passage_tokens(engine: Any, index: Any, questions: list[dict[str, Any]],
                   passage_e2e: dict[int, float]) -> list[tuple[int, list[str]]]:
    """The passage queries' tokens exactly as the engine made them.

    A second, unmeasured pass over the same questions records what Engine.answer hands to
    PassageIndex.search.
    """
    if index is None:
        return []
    captured: dict[int, list[str]] = {}
    current = [-1]
    original = index.search

    def recording(tokens: list[str], *rest: Any, **kw: Any) -> Any:
        captured.setdefault(current[0], list(tokens))
        return original(tokens, *rest, **kw)

    index.search = recording  # this instance only, this process only
    try:
        for i in passage_e2e:
            current[0] = i
            engine.answer(questions[i]["q"])
    finally:
        del index.search
    return [(i, captured[i]) for i in passage_e2e if i in captured]


def time_our_search(index: Any, token_lists: list[tuple[int, list[str]]]) -> tuple[dict[int, float], dict[int, list]]:
    """PassageIndex.search alone on each query: ms and the top 10 hits, by question."""
    ours_ms: dict[int, float] = {}
    ours_hits: dict[int, list] = {}
    for i, tokens in token_lists:
        t0 = time.perf_counter()
        ours_hits[i] = index.search(tokens, k=10)
        ours_ms[i] = 1000 * (time.perf_counter() - t0)
    return ours_ms, ours_hits


def stored_passage_tokens(data: Path) -> list[tuple[str, int, str]]:
    """(report id, ordinal, tokens) of every stored passage, in index order, read only."""
    from ingest.read import passage_tokens

    conn = sqlite3.connect(f"file:{data / 'reportbot.db'}?mode=ro", uri=True)
    try:
        return passage_tokens(conn)
    finally:
        conn.close()


def sample_evenly(items: list, size: int) -> list:
    """``size`` items evenly spaced, or all of them when there are no more than that (or size is 0)."""
    if size and len(items) > size:
        step = len(items) / size
        return [items[int(j * step)] for j in range(size)]
    return list(items)


@dataclasses.dataclass
class Agreement:
    """How our top 10 compares with rank-bm25's on the same queries."""

    overlap: list[float] = dataclasses.field(default_factory=list)
    same_scores: list[bool] = dataclasses.field(default_factory=list)
    max_rel_diff: float = 0.0

    def add(self, ours: list, our_positions: list[int], scores: Any, top: Any) -> None:
        theirs = [int(p) for p in top if scores[p] > 0]
        if theirs or our_positions:
            # Identical passages (templated text) tie; which of the tied ones make the top 10 is
            # arbitrary. The same ranking means the same top-10 scores; the sets may differ.
            self.overlap.append(len(set(our_positions) & set(theirs)) / max(len(theirs), len(our_positions)))
            a, b = [h.score for h in ours], [float(scores[p]) for p in theirs]
            self.same_scores.append(
                len(a) == len(b) and all(abs(x - y) <= 1e-6 * max(abs(y), 1.0) for x, y in zip(a, b)))
        for hit, p in zip(ours, our_positions):
            self.max_rel_diff = max(self.max_rel_diff, abs(hit.score - scores[p]) / max(abs(scores[p]), 1e-9))


def compare_rank_bm25(data: Path, index: Any, token_lists: list[tuple[int, list[str]]],
                      passage_e2e: dict[int, float], bm25_sample: int, bm25_budget: float) -> dict[str, Any]:
    """Our search against rank-bm25 on the same passage queries: time, and the same top 10."""
    import numpy as np
    from rank_bm25 import BM25Okapi

    from index.bm25 import K1, B

    ours_ms, ours_hits = time_our_search(index, token_lists)
    rows = stored_passage_tokens(data)
    position = {(r, o): n for n, (r, o, _) in enumerate(rows)}
    t0 = time.perf_counter()
    reference = BM25Okapi([t.split() if t else [] for _, _, t in rows], k1=K1, b=B, epsilon=0)
    bm25_build_s = time.perf_counter() - t0
    rank_ms: dict[int, float] = {}
    agreement = Agreement()
    budget_started = time.perf_counter()
    for i, tokens in sample_evenly(token_lists, bm25_sample):
        if time.perf_counter() - budget_started > bm25_budget and len(rank_ms) >= 10:
            break
        t0 = time.perf_counter()
        scores = reference.get_scores(tokens)
        top = np.argpartition(-scores, 9)[:10] if len(scores) > 10 else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        rank_ms[i] = 1000 * (time.perf_counter() - t0)
        agreement.add(ours_hits[i], [position[(h.report_id, h.ordinal)] for h in ours_hits[i]], scores, top)
    measured = list(rank_ms)
    rank_p50 = statistics.median(rank_ms.values()) if rank_ms else None
    ours_same = [ours_ms[i] for i in measured]
    e2e_same = [passage_e2e[i] for i in measured]
    return {
        "passages": len(rows),
        "queries": len(token_lists),
        "rank_bm25_queries": len(measured),
        "sampled": len(measured) < len(token_lists),
        "rank_bm25_build_s": bm25_build_s,
        "rank_bm25_ms": summary(list(rank_ms.values())),
        "ours_search_ms": summary(ours_same),
        "ours_search_all_ms": summary(list(ours_ms.values())),
        "ours_end_to_end_ms": summary(e2e_same),
        "ratio_search": rank_p50 / statistics.median(ours_same) if rank_p50 and ours_same else None,
        "ratio_end_to_end": rank_p50 / statistics.median(e2e_same) if rank_p50 and e2e_same else None,
        "top10_same_scores": [sum(agreement.same_scores), len(agreement.same_scores)],
        "top10_same_passages_mean": statistics.fmean(agreement.overlap) if agreement.overlap else None,
        "max_relative_score_diff": agreement.max_rel_diff,
        "mean_query_tokens": statistics.fmean(len(t) for _, t in token_lists) if token_lists else None,
    }


def engine_index(engine: Any) -> Any:
    """The PassageIndex the engine searches (held by the engine or by its current snapshot)."""
    for holder in (getattr(engine, "snapshot", None), engine):
        index = getattr(holder, "index", None) if holder is not None else None
        if index is not None:
            return index
    return None


def profile_answers(engine: Any, questions: list[dict[str, Any]]) -> dict[str, str]:
    """cProfile of answering, per kind of answer: the top functions by cumulative time."""
    import cProfile
    import io
    import pstats

    out = {}
    for kind in KINDS:
        cases = [c["q"] for c in questions if c["kind"] == kind]
        if not cases:
            continue
        profiler = cProfile.Profile()
        profiler.enable()
        for q in cases:
            engine.answer(q)
        profiler.disable()
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(25)
        out[kind] = buffer.getvalue()
    return out


# ---------------------------------------------------------------- report


def log(text: str) -> None:
    print(text, flush=True)


def figures_of(result: dict[str, Any]) -> dict[str, Any]:
    """The figures the targets are about, from one size's result."""
    s = result.get("serve", {})
    ok = "error" not in s and s
    ing = result.get("ingest", {})
    return {
        "answer_p50_ms": s["latency_ms"]["all"]["p50"] if ok else None,
        "answer_p99_ms": s["latency_ms"]["all"]["p99"] if ok else None,
        "bm25_ratio_search": s["bm25"]["ratio_search"] if ok else None,
        "bm25_ratio_end_to_end": s["bm25"]["ratio_end_to_end"] if ok else None,
        "ingest_text_rps": ing.get("text", {}).get("reports_per_s"),
        "ingest_html_rps": ing.get("html", {}).get("reports_per_s"),
        "reingest_s": result.get("reingest", {}).get("A", {}).get("total_s"),
        "cold_start_s": result.get("cold_start", {}).get("median_s"),
        "serving_rss_mb": max(s["peak_after_load_mb"], s["rss_after_load_mb"]) if ok else None,
    }


def print_tables(results: list[dict[str, Any]]) -> None:
    def row(cells: list[str], widths: list[int]) -> str:
        return "  ".join(c.rjust(w) for c, w in zip(cells, widths))

    head1 = ["reports", "passages", "txt r/s", "html r/s", "pdf r/s", "docx r/s", "all r/s", "index s",
             "index MB", "db MB", "RSS MB", "peak MB", "cold s", "reingest s"]
    lines1 = []
    head2 = ["reports", "p50 ms", "p99 ms", "fig p50", "pas p50", "clar p50", "none p50", "none p99",
             "search p50", "bm25 p50", "bm25 n", "x search", "x e2e", "right"]
    lines2 = []
    for r in results:
        ing, s = r.get("ingest", {}), r.get("serve", {})
        ok = s and "error" not in s
        rps = lambda k: fmt(ing.get(k, {}).get("reports_per_s"))  # noqa: E731
        lines1.append([
            fmt(r["size"]), fmt(r.get("counts", {}).get("passages")), rps("text"), rps("html"), rps("pdf"),
            rps("docx"), rps("all"), fmt(r.get("index", {}).get("wall_s"), 2),
            fmt(r.get("index_bytes", 0) / 1e6), fmt(r.get("db_bytes", 0) / 1e6),
            fmt(s.get("rss_after_load_mb")) if ok else "-", fmt(s.get("peak_after_load_mb")) if ok else "-",
            fmt(r.get("cold_start", {}).get("median_s"), 2), fmt(r.get("reingest", {}).get("A", {}).get("total_s"), 2),
        ])
        if ok:
            lat, bm = s["latency_ms"], s["bm25"]
            p = lambda k, q="p50": fmt(lat.get(k, {}).get(q), 2)  # noqa: E731
            right = sum(v[0] for v in s["right"].values()), sum(v[1] for v in s["right"].values())
            lines2.append([
                fmt(r["size"]), p("all"), p("all", "p99"), p("figure"), p("passage"), p("clarify"), p("none"),
                p("none", "p99"), fmt(bm["ours_search_ms"]["p50"], 3), fmt(bm["rank_bm25_ms"]["p50"], 1),
                f"{bm['rank_bm25_queries']}/{bm['queries']}", fmt(bm["ratio_search"], 0), fmt(bm["ratio_end_to_end"], 0),
                f"{right[0]}/{right[1]}",
            ])
    widths1 = [max(len(h), *(len(line[i]) for line in lines1)) for i, h in enumerate(head1)]
    widths2 = [max(len(h), *(len(line[i]) for line in lines2)) if lines2 else len(h) for i, h in enumerate(head2)]
    log("\nIngest (reports/s by type, workers = cores), index, storage, memory, cold start, re-ingest")
    log(row(head1, widths1))
    for line in lines1:
        log(row(line, widths1))
    log("\nAnswer latency (Engine.answer, one process, ms; by kind of answer) and rank-bm25 on the same passage queries")
    log(row(head2, widths2))
    for line in lines2:
        log(row(line, widths2))
    sampled = [r for r in results if r.get("serve", {}).get("bm25", {}).get("sampled")]
    for r in sampled:
        bm = r["serve"]["bm25"]
        log(f"  at {r['size']:,} reports rank-bm25 was timed on a sample of {bm['rank_bm25_queries']} of the "
            f"{bm['queries']} passage queries (evenly spaced); 'search p50' and 'x' use the same sample.")


def verdicts(results: list[dict[str, Any]]) -> dict[str, Any]:
    measured = [r for r in results if r.get("size")]
    if not measured:
        return {}
    at = next((r for r in measured if r["size"] == TARGET_SIZE), max(measured, key=lambda r: r["size"]))
    figures = figures_of(at)
    out: dict[str, Any] = {"size": at["size"], "at_target_size": at["size"] == TARGET_SIZE, "targets": {}}
    for key, (label, op, limit, unit) in TARGETS.items():
        value = figures[key]
        passed = None if value is None else (value <= limit if op == "<=" else value >= limit)
        out["targets"][key] = {"label": label, "op": op, "limit": limit, "unit": unit, "value": value,
                               "pass": passed}
    return out


def print_verdicts(v: dict[str, Any]) -> None:
    if not v:
        return
    note = "" if v["at_target_size"] else f"  (measured at {v['size']:,}; the targets are for {TARGET_SIZE:,})"
    log(f"\nTargets of issue 5 at {v['size']:,} reports{note}")
    for t in v["targets"].values():
        verdict = "n/a " if t["pass"] is None else "PASS" if t["pass"] else "FAIL"
        log(f"  {verdict}  {t['label']}: {fmt(t['value'], 2)} {t['unit']} (target {t['op']} {fmt(t['limit'], 0)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated corpus sizes")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the JSON file to write")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--binary", type=int, default=20, help="reports written as PDF, and as many as DOCX, per size")
    parser.add_argument("--bm25-sample", type=int, default=30,
                        help="passage queries timed through rank-bm25 when the corpus is large")
    parser.add_argument("--bm25-full-below", type=int, default=50_000,
                        help="below this many passages, rank-bm25 runs every passage query")
    parser.add_argument("--bm25-budget", type=float, default=120.0, help="seconds at most for rank-bm25 queries")
    parser.add_argument("--profile", action="store_true", help="add a cProfile of answering per kind to the JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temp dirs (corpus, data) for inspection")
    parser.add_argument("--workdir", default=None, help="where the temp dirs go (default: the system temp dir)")
    parser.add_argument("--data", default=None,
                        help="re-measure serving, cold start and re-ingest on a data dir a --keep run left "
                             "(one size, the same seed); no ingest")
    parser.add_argument("--serve-worker", nargs=3, metavar=("DATA", "QUESTIONS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.serve_worker:
        data, qfile, ofile = map(Path, args.serve_worker)
        serve_worker(data, qfile, ofile, args.bm25_sample, args.bm25_budget, args.profile)
        return 0

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if args.data and len(sizes) != 1:
        parser.error("--data takes one size (--sizes N), the size the data dir holds")
    info = machine()
    log(f"machine: {info['nproc']} cores, {info['cpu']}, {info['ram_gb']} GB RAM, Python {info['python']}; "
        f"git {info['git'].get('head')} ({len(info['git'].get('dirty', []))} files changed)")
    started = time.perf_counter()
    results: list[dict[str, Any]] = []
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="reportbot-bench-render-", dir=args.workdir) as cache:
        for size in sizes:
            size_started = time.perf_counter()
            results.append(run_size(size, args, Path(cache)))
            results[-1]["wall_s"] = time.perf_counter() - size_started
            log(f"{size:,} reports done in {results[-1]['wall_s']:.0f} s")
            write_json(args.out, info, args, results, started)
    info["git_at_end"] = machine()["git"]
    if info["git_at_end"] != info["git"]:
        log(f"\nNOTE: the working tree changed during the run (git {info['git'].get('head')} -> "
            f"{info['git_at_end'].get('head')}); sizes may have measured different code.")
    print_tables(results)
    v = verdicts(results)
    print_verdicts(v)
    write_json(args.out, info, args, results, started, v)
    log(f"\nwrote {args.out} ({time.perf_counter() - started:.0f} s in all)")
    return 0


def write_json(out: Path, info: dict[str, Any], args: argparse.Namespace, results: list[dict[str, Any]],
               started: float, v: dict[str, Any] | None = None) -> None:
    document = {
        "machine": info,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "args": {k: (str(val) if isinstance(val, Path) else val) for k, val in vars(args).items()},
        "total_s": time.perf_counter() - started,
        "sizes": results,
        "targets": v if v is not None else verdicts(results),
    }
    out.write_text(json.dumps(document, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    sys.exit(main())
