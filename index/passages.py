"""The passage search index: built from SQLite after ingest, saved beside it, loaded at start."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sqlite_utils

from index.bm25 import BM25Index
from index.storage import read_version, write_version
from index.tokenize import add_words, tokenize

INDEX_FOLDER = "index"
_PARALLEL_FROM = 20_000  # passages; below this, starting processes costs more than it saves


@dataclass(frozen=True)
class Hit:
    report_id: str
    ordinal: int
    score: float


@dataclass
class PassageIndex:
    bm25: BM25Index
    report_ids: list[str]
    passage_report: np.ndarray  # per passage: position in report_ids
    passage_ordinal: np.ndarray  # per passage: its ordinal within the report

    def search(self, tokens: list[str], k: int = 10, reports: set[str] | None = None) -> list[Hit]:
        """The k best passages for the tokens, only from `reports` when given."""
        allowed = None
        if reports is not None:
            wanted = np.zeros(len(self.report_ids), dtype=bool)
            for position, report_id in enumerate(self.report_ids):
                wanted[position] = report_id in reports
            allowed = wanted[self.passage_report]
        return [
            Hit(self.report_ids[int(self.passage_report[p])], int(self.passage_ordinal[p]), score)
            for p, score in self.bm25.top(tokens, k, allowed)
        ]


def index_dir(data_dir: Path) -> Path:
    return data_dir / INDEX_FOLDER


def teach_body_names(db: sqlite_utils.Database) -> None:
    """Body names and short names as tokenizer words, the same for passages and questions."""
    add_words(word for row in db.execute("SELECT name, short_name FROM bodies") for word in row)


def _tokens(text: str) -> str:
    return " ".join(tokenize(text))


def tokenize_new_passages(db: sqlite_utils.Database, workers: int = 0) -> int:
    """Tokenize passages stored without tokens (those of newly ingested reports)."""
    teach_body_names(db)
    rows = db.execute("SELECT report_id, ordinal, heading, text FROM passages WHERE tokens IS NULL").fetchall()
    texts = [f"{heading} {text}" for _, _, heading, text in rows]
    workers = workers or os.cpu_count() or 1
    if workers > 1 and len(rows) >= _PARALLEL_FROM:
        with ProcessPoolExecutor(workers, initializer=teach_names, initargs=(_body_words(db),)) as pool:
            tokens = list(pool.map(_tokens, texts, chunksize=500))
    else:
        tokens = [_tokens(text) for text in texts]
    with db.atomic():
        db.conn.executemany(
            "UPDATE passages SET tokens = ? WHERE report_id = ? AND ordinal = ?",
            [(t, report_id, ordinal) for t, (report_id, ordinal, _, _) in zip(tokens, rows)],
        )
    return len(rows)


def _body_words(db: sqlite_utils.Database) -> list[str]:
    return [word for row in db.execute("SELECT name, short_name FROM bodies") for word in row]


def teach_names(words: list[str]) -> None:
    """Worker start-up: the same words as the parent's tokenizer."""
    add_words(words)


def build_index(db: sqlite_utils.Database, data_dir: Path, workers: int = 0) -> PassageIndex:
    """Tokenize what is new, build BM25 over every passage, save it as the current version."""
    tokenize_new_passages(db, workers)
    report_ids: list[str] = []
    positions: dict[str, int] = {}
    passage_report: list[int] = []
    passage_ordinal: list[int] = []
    documents: list[list[str]] = []
    for report_id, ordinal, tokens in db.execute(
        "SELECT report_id, ordinal, tokens FROM passages ORDER BY report_id, ordinal"
    ):
        if report_id not in positions:
            positions[report_id] = len(report_ids)
            report_ids.append(report_id)
        passage_report.append(positions[report_id])
        passage_ordinal.append(ordinal)
        documents.append(tokens.split() if tokens else [])
    bm25 = BM25Index.build(documents)
    index = PassageIndex(
        bm25, report_ids, np.asarray(passage_report, dtype=np.int32), np.asarray(passage_ordinal, dtype=np.int32)
    )
    write_version(
        index_dir(data_dir),
        {**bm25.arrays(), "passage_report": index.passage_report, "passage_ordinal": index.passage_ordinal},
        {"vocabulary": bm25.vocabulary_list(), "report_ids": report_ids, "passages": len(documents)},
    )
    return index


def load_index(data_dir: Path) -> PassageIndex | None:
    """The saved index, memory-mapped; None when there is none yet."""
    saved = read_version(index_dir(data_dir))
    if saved is None:
        return None
    arrays, meta = saved
    bm25 = BM25Index.from_arrays(arrays, meta["vocabulary"], meta["passages"])
    return PassageIndex(bm25, meta["report_ids"], arrays["passage_report"], arrays["passage_ordinal"])


def refresh_index(data_dir: Path, workers: int = 0) -> PassageIndex:
    """Rebuild the saved index from the database (after an ingest)."""
    from ingest.store import open_db

    db = open_db(data_dir)
    try:
        return build_index(db, data_dir, workers)
    finally:
        db.close()
