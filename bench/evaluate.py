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

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = Path(__file__).with_name("eval_questions.toml")
CORPUS = [ROOT / "samples" / "liuzhou-chengzhong-2020.txt", ROOT.parent / "shared" / "corpus"]
KINDS = ("figure", "passage", "clarify", "none")


def correct(case: dict, answer: Answer) -> bool:
    """Whether a person would accept the answer: right kind, and the exact value or words."""
    if answer.kind != case["kind"]:
        return False
    if case["kind"] == "figure":
        year_ok = "year" not in case or answer.report["year"] == case["year"]  # type: ignore[index]
        return answer.value == case["value"] and year_ok
    if case["kind"] == "passage":
        return case["contains"] in answer.text.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")
    if case["kind"] == "clarify":
        return len(answer.candidates) >= 2
    return answer.value is None


def main() -> int:
    cases = tomllib.loads(QUESTIONS.read_text("utf-8"))["q"]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        ingest_paths([p for p in CORPUS if p.exists()], data_dir)
        refresh_index(data_dir)
        engine = Engine(data_dir)
        results = [(case, engine.answer(case["q"])) for case in cases]
    print(f"{'kind':<8} {'right':>5} {'asked':>5} {'accuracy':>9}")
    for kind in KINDS:
        mine = [(c, a) for c, a in results if c["kind"] == kind]
        right = sum(correct(c, a) for c, a in mine)
        print(f"{kind:<8} {right:>5} {len(mine):>5} {right / max(len(mine), 1):>9.0%}")
    right = sum(correct(c, a) for c, a in results)
    print(f"{'all':<8} {right:>5} {len(results):>5} {right / len(results):>9.0%}")
    latencies = [a.latency_ms for _, a in results]
    print(f"answer latency: median {statistics.median(latencies):.2f} ms, max {max(latencies):.2f} ms")
    wrong = [(c, a) for c, a in results if not correct(c, a)]
    for case, answer in wrong:
        got = answer.value if answer.kind == "figure" else answer.text.splitlines()[0][:60]
        print(f"  wrong: {case['q']}  expected {case['kind']} {case.get('value', case.get('contains', ''))}, "
              f"got {answer.kind} {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
