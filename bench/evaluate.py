"""`make eval`: the evaluation set's accuracy per kind of answer, and the answer latency."""

from __future__ import annotations

import statistics
import sys
import tempfile
import tomllib
from pathlib import Path

from bot.answer import MARK_CLOSE, MARK_OPEN, Answer, Engine
from index.passages import refresh_index
from ingest.run import ingest_paths
from reportgen import SyntheticReport, generate_report, render_html

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = Path(__file__).with_name("eval_questions.toml")
CORPUS = [ROOT / "samples" / "liuzhou-chengzhong-2020.txt", ROOT.parent / "shared" / "corpus"]
KINDS = ("figure", "passage", "clarify", "none")


def write_fixtures(fixtures: list[dict], directory: Path) -> dict[tuple[str, int], SyntheticReport]:
    """The generated reports of the set, as HTML pages; keyed by (short body, year)."""
    directory.mkdir()
    reports = {}
    for fixture in fixtures:
        report = generate_report(fixture["seed"], body=fixture["body"], year=fixture["year"])
        (directory / f"{fixture['seed']}.html").write_text(render_html(report), "utf-8")
        reports[(report.body, report.year)] = report
    return reports


def expected_value(case: dict, answer: Answer, fixtures: dict) -> object:
    """The value a figure question expects: written in the set, or a generated cell's value."""
    if "value" in case:
        return case["value"]
    table, row, column = case["cell"].split(".")
    report = fixtures.get((answer.report["body"], case["year"])) if answer.report else None
    if report is None:
        return None  # answered from a report that is not the generated one
    return next(value for (t, _, r, c), (value, _) in report.cells.items() if (t, r, c) == (int(table), row, column))


def correct(case: dict, answer: Answer, fixtures: dict) -> bool:
    """Whether a person would accept the answer: right kind, and the exact value or words."""
    if answer.kind != case["kind"]:
        return False
    if case["kind"] == "figure":
        year_ok = "year" not in case or answer.report["year"] == case["year"]  # type: ignore[index]
        return year_ok and answer.value == expected_value(case, answer, fixtures)
    if case["kind"] == "passage":
        return case["contains"] in answer.text.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")
    if case["kind"] == "clarify":
        return len(answer.candidates) >= 2
    return answer.value is None


def main() -> int:
    questions = tomllib.loads(QUESTIONS.read_text("utf-8"))
    cases = questions["q"]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        fixtures = write_fixtures(questions["fixture"], Path(tmp) / "fixtures")
        ingest_paths([p for p in CORPUS if p.exists()] + [Path(tmp) / "fixtures"], data_dir)
        refresh_index(data_dir)
        engine = Engine(data_dir)
        results = [(case, engine.answer(case["q"])) for case in cases]
    print(f"{'kind':<8} {'right':>5} {'asked':>5} {'accuracy':>9}")
    for kind in KINDS:
        mine = [(c, a) for c, a in results if c["kind"] == kind]
        right = sum(correct(c, a, fixtures) for c, a in mine)
        print(f"{kind:<8} {right:>5} {len(mine):>5} {right / max(len(mine), 1):>9.0%}")
    right = sum(correct(c, a, fixtures) for c, a in results)
    print(f"{'all':<8} {right:>5} {len(results):>5} {right / len(results):>9.0%}")
    latencies = [a.latency_ms for _, a in results]
    print(f"answer latency: median {statistics.median(latencies):.2f} ms, max {max(latencies):.2f} ms")
    wrong = [(c, a) for c, a in results if not correct(c, a, fixtures)]
    for case, answer in wrong:
        got = answer.value if answer.kind == "figure" else answer.text.splitlines()[0][:60]
        print(f"  wrong: {case['q']}  expected {case['kind']} {case.get('value', case.get('contains', ''))}, "
              f"got {answer.kind} {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
