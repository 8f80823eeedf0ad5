"""The deliberate bugs of the review behind "Honest tests": each put in by hand, the tests that must
catch it run, the code restored. `python -m bench.deliberate_bugs` prints CAUGHT or MISSED for each."""
import subprocess
import sys
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]
BUGS = [
    ("Table 2/4 value + 1", "bot/answer.py",
     '        return Answer(question, "figure", text + "\\n" + citation, value, unit, report.as_dict(), source)',
     '        value = value + 1 if cell.table in (2, 4) else value\n        return Answer(question, "figure", text + "\\n" + citation, value, unit, report.as_dict(), source)',
     ["tests/test_answers.py"]),
    ("Table 4 from column 0", "bot/answer.py",
     '        """The column asked for, or the table\'s default; None when the words name a column this block lacks."""',
     '        """The column asked for, or the table\'s default; None when the words name a column this block lacks."""\n        if cell.table == 4:\n            return block.columns[0]',
     ["tests/test_answers.py"]),
    ("passages cut every 60 characters", "ingest/structure.py",
     '    """A paragraph as quotable passages: whole sentences, at most about _PASSAGE_MAX chars each."""',
     '    """A paragraph as quotable passages: whole sentences, at most about _PASSAGE_MAX chars each."""\n    return [text[i : i + 60] for i in range(0, len(text), 60)]',
     ["tests/test_corpus_reports.py", "tests/test_answers.py"]),
    ("a blank cell read as 0", "ingest/values.py",
     '    if text in _BLANK_MARKS:\n        return None, default_unit',
     '    if text in _BLANK_MARKS:\n        return 0, default_unit',
     ["tests/test_corpus_reports.py", "tests/test_tables.py", "tests/test_sample_answers.py"]),
    ("a Table 3 column shift", "ingest/tables.py",
     '    for column, raw in zip(block.columns, cells):',
     '    for column, raw in zip(block.columns, cells[1:] + cells[:1] if match.table == 3 else cells):',
     ["tests/test_corpus_reports.py", "tests/test_tables.py"]),
    ("BM25 idf changed", "index/bm25.py",
     '            self._idf = np.maximum(np.log((n - self.df + 0.5) / (self.df + 0.5)), 0.0)',
     '            self._idf = np.maximum(np.log((n - self.df + 1.5) / (self.df + 0.5)), 0.0)',
     ["tests/test_index.py"]),
    ("atomic ingest removed", "ingest/store.py",
     '    brought back, which becomes current again instead of a new one.\n    """\n    with db.atomic():',
     '    brought back, which becomes current again instead of a new one.\n    """\n    if True:',
     ["tests/test_store.py", "tests/test_faults.py"]),
    ("token filter removed", "bot/telegram_http.py",
     'def mask_secrets(text: str) -> str:\n    """`text` with every form of every token hidden."""',
     'def mask_secrets(text: str) -> str:\n    """`text` with every form of every token hidden."""\n    return text',
     ["tests/test_telegram.py"]),
    ("every user an admin", "bot/telegram.py",
     '    if user is not None and user.id in _state(context).settings.admins:\n        return True',
     '    if user is not None:\n        return True',
     ["tests/test_telegram.py"]),
]


def main() -> None:
    for name, file, old, new, tests in BUGS:
        path = ROOT / file
        original = path.read_text()
        assert old in original, name
        path.write_text(original.replace(old, new, 1))
        try:
            result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *tests],
                                    cwd=ROOT, capture_output=True, text=True, timeout=900)
            failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
            shown = failed[0] if failed else result.stdout.splitlines()[-1]
            print(f"{name}: {'CAUGHT' if result.returncode else 'MISSED'}: {shown}", flush=True)
        finally:
            path.write_text(original)


if __name__ == "__main__":
    main()
