"""The passage search index: kept in step with SQLite, saved beside it, loaded at start.

After an ingest only the reports that changed are re-indexed (their old passages retired,
their new ones added as a segment); a large change, or many small ones, rebuilds it whole.
"""

from __future__ import annotations

import errno
import os
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import sqlite_utils

from index.bm25 import BM25Index, Segment
from index.storage import read_version, write_version
from index.tokenize import add_words, tokenize
from ingest.lock import try_writer_lock, writer_lock
from ingest.read import body_words, index_keys, passage_tokens, untokenized_passages
from ingest.store import save_tokens
from ingest.run import IngestSummary, ingest_paths, process_context, restore_report

INDEX_FOLDER = "index"
_PARALLEL_FROM = 5_000  # passages; below this, starting processes costs more than it saves
_REBUILD_SHARE = 0.25  # rebuild whole when a change touches more than this share of passages
_MAX_SEGMENTS = 16


@dataclass(frozen=True)
class Hit:
    report_id: str
    ordinal: int
    score: float
    coverage: float  # the share of the query's weight the passage holds (0..1)


@dataclass
class PassageIndex:
    bm25: BM25Index
    report_ids: list[str]
    passage_report: np.ndarray  # per passage: position in report_ids
    passage_ordinal: np.ndarray  # per passage: its ordinal within the report
    report_keys: dict[str, str] = field(default_factory=dict)  # what each report was indexed as
    segment_names: list[str] = field(default_factory=list)
    saved_in: Path | None = None  # the version folder it was loaded from
    _positions: dict[str, int] | None = field(default=None, repr=False)

    def positions(self) -> dict[str, int]:
        """Report id → its number in report_ids."""
        if self._positions is None:
            self._positions = {rid: i for i, rid in enumerate(self.report_ids)}
        return self._positions

    def search(
        self, tokens: list[str], k: int = 10, reports: set[str] | None = None, alternatives: list[list[str]] | None = None
    ) -> list[Hit]:
        """The k best passages for the tokens, only from `reports` when given; `alternatives` are
        groups of words that stand for one word of the question (哪里: 地址, 地点) and score too."""
        alternatives = alternatives or []
        scored = list(dict.fromkeys([*tokens, *(word for group in alternatives for word in group)]))
        allowed = None
        if reports is not None:
            positions = np.fromiter(
                (p for r in reports if (p := self.positions().get(r)) is not None), dtype=np.int32
            )
            allowed = lambda passages: np.isin(self.passage_report[passages], positions)  # noqa: E731
        top = self.bm25.top(scored, k, allowed)
        shares = self.bm25.coverage(tokens, [p for p, _ in top], alternatives)
        return [
            Hit(self.report_ids[int(self.passage_report[p])], int(self.passage_ordinal[p]), score, share)
            for (p, score), share in zip(top, shares)
        ]


def index_dir(data_dir: Path) -> Path:
    return data_dir / INDEX_FOLDER


def teach_names(words: list[str]) -> None:
    """Body names as tokenizer words (also a worker's start-up), the same as for questions."""
    add_words(words)


def _tokens(text: str) -> str:
    return " ".join(tokenize(text))


def tokenize_new_passages(db: sqlite_utils.Database, workers: int = 0) -> int:
    """Tokenize passages stored without tokens (those of newly ingested reports)."""
    words = body_words(db)
    teach_names(words)
    rows = untokenized_passages(db)
    texts = [f"{heading} {text}" for _, _, heading, text in rows]
    workers = workers or os.cpu_count() or 1
    if workers > 1 and len(rows) >= _PARALLEL_FROM:
        context = process_context()
        with ProcessPoolExecutor(workers, mp_context=context, initializer=teach_names, initargs=(words,)) as pool:
            tokens = list(pool.map(_tokens, texts, chunksize=500))
    else:
        tokens = [_tokens(text) for text in texts]
    save_tokens(db, [(t, report_id, ordinal) for t, (report_id, ordinal, _, _) in zip(tokens, rows)])
    return len(rows)


def _passages_of(db: sqlite_utils.Database, report_ids: list[str] | None) -> tuple[list[str], list[int], list[list[str]]]:
    rows = passage_tokens(db, report_ids)
    return [r for r, _, _ in rows], [o for _, o, _ in rows], [t.split() if t else [] for _, _, t in rows]


def build_index(db: sqlite_utils.Database, data_dir: Path, workers: int = 0) -> PassageIndex:
    """Tokenize what is new, build BM25 over every passage, save it as the current version."""
    tokenize_new_passages(db, workers)
    owners, ordinals, documents = _passages_of(db, None)
    report_ids = list(dict.fromkeys(owners))
    position = {rid: i for i, rid in enumerate(report_ids)}
    index = PassageIndex(
        BM25Index.build(documents),
        report_ids,
        np.asarray([position[r] for r in owners], dtype=np.int32),
        np.asarray(ordinals, dtype=np.int32),
        index_keys(db),
        [_segment_name()],
    )
    _save(index, data_dir, new_segments=index.bm25.segments)
    return index


def update_index(db: sqlite_utils.Database, data_dir: Path, workers: int = 0) -> PassageIndex:
    """Bring the saved index in step with the database, re-indexing only what changed."""
    index = load_index(data_dir)
    if index is None:
        return build_index(db, data_dir, workers)
    held = index_keys(db)
    changed = [rid for rid, key in held.items() if index.report_keys.get(rid) != key]
    removed = [rid for rid in index.report_keys if rid not in held]
    if not changed and not removed:
        return index
    touched = sum(int(key.rsplit(":", 1)[1]) for rid, key in held.items() if rid in changed)
    alive = int(np.count_nonzero(index.bm25.alive))
    if touched > _REBUILD_SHARE * max(alive, 1) or len(index.segment_names) >= _MAX_SEGMENTS:
        return build_index(db, data_dir, workers)

    tokenize_new_passages(db, workers)
    position = {rid: i for i, rid in enumerate(index.report_ids)}
    stale = [position[rid] for rid in changed + removed if rid in position]
    index.bm25.retire(np.flatnonzero(np.isin(index.passage_report, stale)))
    owners, ordinals, documents = _passages_of(db, changed)
    for rid in owners:
        if rid not in position:
            position[rid] = len(index.report_ids)
            index.report_ids.append(rid)
    segment = index.bm25.add(documents)
    index.passage_report = np.concatenate([index.passage_report, [position[r] for r in owners]]).astype(np.int32)
    index.passage_ordinal = np.concatenate([index.passage_ordinal, ordinals]).astype(np.int32)
    index.report_keys = held
    index._positions = None
    index.segment_names.append(_segment_name())
    _save(index, data_dir, new_segments=[segment])
    return index


def _segment_name() -> str:
    return f"s-{uuid.uuid4().hex[:8]}"


def _save(index: PassageIndex, data_dir: Path, new_segments: list[Segment]) -> None:
    bm25 = index.bm25
    arrays = {**bm25.global_arrays(), "passage_report": index.passage_report, "passage_ordinal": index.passage_ordinal}
    keep = {}
    for name, segment in zip(index.segment_names, bm25.segments):
        if any(segment is new for new in new_segments):
            arrays.update({f"{name}.{array}": value for array, value in segment.arrays().items()})
        elif index.saved_in is not None:
            keep.update({f"{name}.{array}": index.saved_in / f"{name}.{array}.npy" for array in segment.arrays()})
    meta = {
        "vocabulary": bm25.vocabulary_list(),
        "report_ids": index.report_ids,
        "report_keys": index.report_keys,
        "segments": [[name, segment.first_doc] for name, segment in zip(index.segment_names, bm25.segments)],
        "k1": bm25.k1,
        "b": bm25.b,
    }
    index.saved_in = write_version(index_dir(data_dir), arrays, meta, keep)


def load_index(data_dir: Path) -> PassageIndex | None:
    """The saved index, memory-mapped; None when there is none yet."""
    saved = read_version(index_dir(data_dir))
    if saved is None:
        return None
    arrays, meta, folder = saved
    names = [name for name, _ in meta["segments"]]
    segments = [
        Segment(first, **{array: arrays[f"{name}.{array}"] for array in ("indptr", "docs", "tfs", "doc_indptr", "doc_terms")})
        for name, first in meta["segments"]
    ]
    bm25 = BM25Index.from_arrays(arrays, segments, meta["vocabulary"])
    bm25.k1, bm25.b = meta["k1"], meta["b"]
    return PassageIndex(
        bm25, meta["report_ids"], arrays["passage_report"], arrays["passage_ordinal"], meta["report_keys"], names, folder
    )


def refresh_index(data_dir: Path, workers: int = 0) -> PassageIndex:
    """Bring the saved index in step with the database (after an ingest)."""
    from ingest.database import open_db

    db = open_db(data_dir)
    try:
        return update_index(db, data_dir, workers)
    finally:
        db.close()


def ingest_and_index(
    paths: Iterable[Path],
    data_dir: Path,
    workers: int = 0,
    *,
    replace: bool = False,
    on_wait: Callable[[], None] | None = None,
    **progress: Any,
) -> IngestSummary:
    """Ingest files and folders, then bring the index in step: what `reportbot ingest`, the bot's
    admins and the tests run. One writer at a time: a second waits for the first (`on_wait` says so).
    `progress` takes ingest_paths' on_start and on_file callbacks."""
    with writer_lock(data_dir, on_wait):
        summary = ingest_paths(paths, data_dir, workers=workers, replace=replace, **progress)
        if summary.stored:
            _refresh_or_say(summary, data_dir, workers)
    return summary


def restore_and_index(data_dir: Path, report_id: str, on_wait: Callable[[], None] | None = None) -> IngestSummary:
    """Bring back a report's earlier reading, then bring the index in step."""
    with writer_lock(data_dir, on_wait):
        summary = IngestSummary([restore_report(data_dir, report_id)])
        if summary.stored:
            _refresh_or_say(summary, data_dir, 0)
    return summary


def _refresh_or_say(summary: IngestSummary, data_dir: Path, workers: int) -> None:
    """Refresh the index; a full disk leaves the last index in place, to be repaired at the next load."""
    try:
        refresh_index(data_dir, workers)
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise
        summary.stopped = summary.stopped or f"no space left to save the search index ({error}); it is rebuilt at the next start"


def ensure_index(data_dir: Path, wait: bool) -> bool:
    """Repair the index if it does not reflect the database (a writer was killed between the two).

    Takes the writer lock; when another writer holds it, that writer brings the index in step
    itself, so this returns False at once unless `wait`. True when the index now agrees.
    """
    handle = try_writer_lock(data_dir)
    if handle is None:
        if not wait:
            return False
        with writer_lock(data_dir):
            refresh_index(data_dir)
        return True
    try:
        refresh_index(data_dir)
    finally:
        os.close(handle)
    return True
