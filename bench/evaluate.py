"""`make eval`: every answer of the evaluation set judged right, miss or wrong figure, per kind.

A miss says nothing false: no number, or the wrong kind of answer without a figure. A wrong
figure states a number a person would take as the answer and it is not the published one (or
not from the report asked about), or gives a figure where the reports hold no such answer.
Those are the answers that mislead, so they are counted and listed apart.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.answer import MARK_CLOSE, MARK_OPEN, Answer, Engine
from index.passages import refresh_index
from ingest.run import FileOutcome, ingest_paths
from reportgen import SyntheticReport, generate_report, render_html

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = Path(__file__).with_name("eval_questions.toml")
SAMPLE = ROOT / "samples" / "liuzhou-chengzhong-2020.txt"
CORPUS = ROOT.parent / "shared" / "corpus"
NOT_REPORTS = {"MANIFEST.md", "expected.jsonl"}  # the corpus's notes about its reports
KINDS = ("figure", "series", "passage", "clarify", "none")
OUTCOMES = ("right", "miss", "wrong")
FIRST_SET = "original"  # the questions written before the `set` key existed
PERCENT_TOLERANCE = 0.05  # a percentage is published to one decimal

Fixtures = dict[tuple[str, int], SyntheticReport]
Stated = tuple[str | None, int | None, Any]  # (body, year, value) of one figure an answer states


@dataclass
class Result:
    case: dict[str, Any]
    answer: Answer
    outcome: str  # "right", "miss" or "wrong"
    why: str = ""

    @property
    def set(self) -> str:
        return self.case.get("set", FIRST_SET)


def write_fixtures(fixtures: list[dict], directory: Path) -> Fixtures:
    """The generated reports of the set, as HTML pages; keyed by (short body, year)."""
    directory.mkdir()
    reports = {}
    for fixture in fixtures:
        report = generate_report(fixture["seed"], body=fixture["body"], year=fixture["year"])
        (directory / f"{fixture['seed']}.html").write_text(render_html(report), "utf-8")
        reports[(report.body, report.year)] = report
    return reports


def corpus_files() -> list[Path]:
    """The sample and each report of the shared corpus, named one by one: a file the readers
    do not take (the shanghai markdown) is then refused aloud instead of skipped by a folder walk."""
    shared = sorted(p for p in CORPUS.glob("*") if p.is_file() and p.name not in NOT_REPORTS)
    return [SAMPLE] + [p for p in shared if p.name != SAMPLE.name]


def expected_value(case: dict, body: str | None, fixtures: Fixtures) -> object:
    """The value a figure question expects: written in the set, or a generated cell's value."""
    if "value" in case:
        return case["value"]
    table, row, column = case["cell"].split(".")
    report = fixtures.get((body, case["year"])) if body else None
    if report is None:
        return None  # answered from a report that is not the generated one
    return next(value for (t, _, r, c), (value, _) in report.cells.items() if (t, r, c) == (int(table), row, column))


# ---------------------------------------------------------------- what an answer states


def stated_figures(answer: Answer) -> list[Stated]:
    """Every figure the answer states: its value, or the values of its series' rows."""
    if answer.kind == "figure" and answer.value is not None:
        report = answer.report or {}
        return [(report.get("body"), report.get("year"), answer.value)]
    if answer.kind == "series":
        # The engine may not make series yet: an Answer without rows states nothing.
        rows = getattr(answer, "rows", None) or []
        found = []
        for row in rows:
            report = row.get("report") or {}
            if row.get("value") is not None:
                found.append((report.get("body"), report.get("year"), row["value"]))
        return found
    return []


def stated_change(answer: Answer) -> dict[str, Any] | None:
    """A series answer's comparison of two years, if it makes one."""
    return getattr(answer, "change", None) if answer.kind == "series" else None


def states_figure(answer: Answer) -> bool:
    return bool(stated_figures(answer) or stated_change(answer))


def same_number(got: object, want: object, tolerance: float = 1e-6) -> bool:
    if isinstance(got, bool) or isinstance(want, bool):
        return False
    if isinstance(got, int | float) and isinstance(want, int | float):
        return math.isclose(got, want, rel_tol=0, abs_tol=tolerance)
    return got == want


# ---------------------------------------------------------------- judging


def judge(case: dict, answer: Answer, fixtures: Fixtures) -> tuple[str, str]:
    """("right" | "miss" | "wrong", why) for one answer to one question of the set."""
    kind = case["kind"]
    if kind == "figure":
        return judge_figure(case, answer, fixtures)
    if kind == "series":
        return judge_series(case, answer)
    if kind == "passage" and answer.kind == "passage":
        text = _squeeze(answer.text.replace(MARK_OPEN, "").replace(MARK_CLOSE, ""))
        phrases = case["contains"] if isinstance(case["contains"], list) else [case["contains"]]
        if any(_squeeze(p) in text for p in phrases):
            return "right", ""
        return "miss", "a passage without the expected words"
    if kind == "clarify" and answer.kind == "clarify":
        return ("right", "") if len(answer.candidates) >= 2 else ("miss", "fewer than two candidates")
    if kind == "none" and answer.kind == "none":
        return "right", ""
    if states_figure(answer):
        return "wrong", f"a figure where {kind} was expected"
    return "miss", f"{answer.kind} where {kind} was expected"


def judge_figure(case: dict, answer: Answer, fixtures: Fixtures) -> tuple[str, str]:
    """A figure question: the one published value, from the report asked about."""
    figures = stated_figures(answer)
    if not figures:
        return "miss", "no figure stated"

    def problem(body: str | None, year: int | None, value: object) -> str:
        if "body" in case and body != case["body"]:
            return f"from {body}, not {case['body']}"
        if "year" in case and year != case["year"]:
            return f"from {year}, not {case['year']}"
        want = expected_value(case, body, fixtures)
        return "" if same_number(value, want) else f"{value}, not {want}"

    if answer.kind == "figure":
        why = problem(*figures[0])
        return ("wrong", why) if why else ("right", "")
    if any(not problem(*figure) for figure in figures):
        return "miss", "a series holding the figure, where one figure was asked"
    return "wrong", "a series without the expected figure"


def judge_series(case: dict, answer: Answer) -> tuple[str, str]:
    """A series question: every expected row's value, and the change between two years."""
    figures = stated_figures(answer)
    values: dict[str, Any] = case.get("values", {})
    if answer.kind != "series":
        if not figures:
            return "miss", "no series"
        body, year, value = figures[0]
        from_the_report = case.get("body", body) == body and case.get("year", year) == year
        if from_the_report and any(_row_matches(k, body, year) and same_number(value, v) for k, v in values.items()):
            return "miss", "one figure of the series, not the series"
        return "wrong", f"one figure {value} ({body} {year}), not the series"
    change = stated_change(answer)
    if not figures and not change:
        return "miss", "an empty series"
    wrong, missing = [], []
    for key, want in values.items():
        rows = [f for f in figures if _row_matches(key, f[0], f[1])]
        if not rows:
            missing.append(key)
        wrong += [f"{key}: {v}, not {want}" for _, _, v in rows if not same_number(v, want)]
    for body, year, value in figures:
        if values and not any(_row_matches(key, body, year) for key in values):
            wrong.append(f"an unexpected row {body} {year}: {value}")
        elif "body" in case and body != case["body"]:
            wrong.append(f"a row from {body}")
        elif "year" in case and year != case["year"]:
            wrong.append(f"a row from {year}")
    for field, tolerance in (("delta", 1e-6), ("percent", PERCENT_TOLERANCE + 1e-9)):
        if field not in case:
            continue
        got = (change or {}).get(field)
        if got is None:
            missing.append(field)
        elif not same_number(got, case[field], tolerance):
            wrong.append(f"{field} {got}, not {case[field]}")
    if wrong:
        return "wrong", "; ".join(wrong)
    if missing:
        return "miss", "missing " + ", ".join(missing)
    return "right", ""


def _row_matches(key: str, body: str | None, year: int | None) -> bool:
    """A `values` key names a row by its year ("2023") or, across bodies, by its body's name."""
    return year == int(key) if key.isdigit() else body == key


def _squeeze(text: str) -> str:
    """Text without white space: PDF text layers space and break lines where the page did."""
    return re.sub(r"\s+", "", text)


# ---------------------------------------------------------------- running and reporting


def run(questions: dict) -> tuple[list[Result], list[FileOutcome]]:
    """Ingest the corpus and the fixtures into a temporary data dir, and answer every question."""
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        fixtures = write_fixtures(questions["fixture"], Path(tmp) / "fixtures")
        summary = ingest_paths(corpus_files() + [Path(tmp) / "fixtures"], data_dir)
        refresh_index(data_dir)
        engine = Engine(data_dir)
        results = []
        for case in questions["q"]:
            answer = engine.answer(case["q"])
            results.append(Result(case, answer, *judge(case, answer, fixtures)))
    return results, summary.refused


def tally(results: list[Result]) -> dict[str, dict[str, int]]:
    """right, miss, wrong and asked per kind of question, and for all of them."""
    table = {}
    for kind in (*KINDS, "all"):
        mine = [r for r in results if kind in ("all", r.case["kind"])]
        table[kind] = {o: sum(r.outcome == o for r in mine) for o in OUTCOMES} | {"asked": len(mine)}
    return table


def expectation(case: dict) -> dict[str, Any]:
    """What a question expects, without the question."""
    return {k: v for k, v in case.items() if k not in ("q", "set")}


def got(answer: Answer) -> dict[str, Any]:
    """The parts of an answer the judging looked at."""
    found: dict[str, Any] = {"kind": answer.kind, "text": (answer.text.splitlines() or [""])[0][:80]}
    if answer.value is not None:
        found |= {"value": answer.value, "unit": answer.unit}
    if answer.report:
        found["report"] = {"body": answer.report.get("body"), "year": answer.report.get("year")}
    if answer.kind == "series":
        found["rows"] = [{"body": b, "year": y, "value": v} for b, y, v in stated_figures(answer)]
        found["change"] = stated_change(answer)
    if answer.kind == "clarify":
        found["candidates"] = len(answer.candidates)
    return found


def summary(results: list[Result], refused: list[FileOutcome]) -> dict[str, Any]:
    """The whole evaluation as one JSON-ready dict."""
    sets = list(dict.fromkeys(r.set for r in results))
    latencies = [r.answer.latency_ms for r in results]

    def item(r: Result) -> dict[str, Any]:
        return {"q": r.case["q"], "set": r.set, "expected": expectation(r.case), "got": got(r.answer), "why": r.why}

    return {
        "questions": len(results),
        "refused": [o.reason for o in refused],
        "tally": {"all": tally(results)} | {s: tally([r for r in results if r.set == s]) for s in sets},
        "wrong_figures": sum(r.outcome == "wrong" for r in results),
        "latency_ms": {"median": round(statistics.median(latencies), 2), "max": round(max(latencies), 2)},
        "wrong": [item(r) for r in results if r.outcome == "wrong"],
        "misses": [item(r) for r in results if r.outcome == "miss"],
        "outcomes": [{"q": r.case["q"], "set": r.set, "outcome": r.outcome} for r in results],
    }


def print_report(report: dict[str, Any]) -> None:
    """The evaluation for a person: a table per set of questions, then every wrong figure and miss."""
    for reason in report["refused"]:
        print(f"corpus file refused: {reason}")
    for name, table in report["tally"].items():
        print(f"\n{'all questions' if name == 'all' else 'set ' + name}")
        print(f"{'kind':<8} {'right':>5} {'miss':>5} {'wrong':>5} {'asked':>5} {'right %':>8}")
        for kind, counts in table.items():
            if counts["asked"]:
                share = counts["right"] / counts["asked"]
                print(f"{kind:<8} {counts['right']:>5} {counts['miss']:>5} {counts['wrong']:>5} "
                      f"{counts['asked']:>5} {share:>8.0%}")
    print(f"\nWRONG FIGURES: {report['wrong_figures']} of {report['questions']} answers state a number "
          "that is not the expected one")
    latency = report["latency_ms"]
    print(f"answer latency: median {latency['median']:.2f} ms, max {latency['max']:.2f} ms")
    for title, items in (("wrong figures", report["wrong"]), ("misses", report["misses"])):
        if items:
            print(f"\n{title}:")
        for it in items:
            print(f"  [{it['set']}] {it['q']}\n      expected {_brief(it['expected'])}; "
                  f"got {_brief(it['got'])}" + (f"  ({it['why']})" if it["why"] else ""))


def _brief(fields: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in fields.items() if v not in (None, [], {}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the evaluation as one JSON object")
    args = parser.parse_args(argv)
    results, refused = run(tomllib.loads(QUESTIONS.read_text("utf-8")))
    report = summary(results, refused)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
