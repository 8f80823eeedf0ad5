"""Okapi BM25 over passages, as posting lists that can take new passages without a rebuild.

Postings (term → passages, term frequencies) live in immutable segments of plain numpy
arrays. The collection statistics (document frequencies, passage lengths, which passages
are still alive) are kept apart, so re-ingesting one report retires its old passages and
adds one small segment, and every score stays exactly rank-bm25's BM25Okapi(epsilon=0):
a term in more than half the passages weighs nothing, which the tests compare against.
A query adds up the posting lists of its terms: milliseconds where rank-bm25 scores every
passage in a Python loop.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

K1 = 1.5
B = 0.75
_SEGMENT_ARRAYS = ("indptr", "docs", "tfs", "doc_indptr", "doc_terms")


@dataclass
class Segment:
    """Passages first_doc … first_doc+count-1, as postings and as a forward index."""

    first_doc: int
    indptr: np.ndarray  # postings of term t: docs/tfs[indptr[t]:indptr[t+1]]
    docs: np.ndarray  # global passage numbers
    tfs: np.ndarray  # term frequencies
    doc_indptr: np.ndarray  # terms of passage first_doc+i: doc_terms[doc_indptr[i]:doc_indptr[i+1]]
    doc_terms: np.ndarray

    @property
    def count(self) -> int:
        return len(self.doc_indptr) - 1

    def postings(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        if term + 1 >= len(self.indptr):
            return self.docs[:0], self.tfs[:0]
        start, end = self.indptr[term], self.indptr[term + 1]
        return self.docs[start:end], self.tfs[start:end]

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in _SEGMENT_ARRAYS}


@dataclass
class BM25Index:
    vocabulary: dict[str, int]
    segments: list[Segment]
    lengths: np.ndarray  # per passage: number of tokens
    alive: np.ndarray  # per passage: False once its report was replaced or removed
    df: np.ndarray  # per term: alive passages containing it
    k1: float = K1
    b: float = B
    _idf: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def build(cls, passages: Sequence[Sequence[str]], k1: float = K1, b: float = B) -> "BM25Index":
        """An index of token lists; passage i is document i."""
        index = cls({}, [], np.zeros(0, np.float32), np.zeros(0, bool), np.zeros(0, np.int64), k1, b)
        index.add(passages)
        return index

    @property
    def passage_count(self) -> int:
        return len(self.lengths)

    def add(self, passages: Sequence[Sequence[str]]) -> Segment:
        """Append passages as a new segment; they get the next passage numbers."""
        first = self.passage_count
        terms: list[int] = []
        tfs: list[int] = []
        doc_indptr = [0]
        for tokens in passages:
            for token, tf in Counter(tokens).items():
                terms.append(self.vocabulary.setdefault(token, len(self.vocabulary)))
                tfs.append(tf)
            doc_indptr.append(len(terms))
        term_ids = np.asarray(terms, dtype=np.int32)
        doc_ptr = np.asarray(doc_indptr, dtype=np.int64)
        docs = np.repeat(np.arange(first, first + len(passages), dtype=np.int32), np.diff(doc_ptr))
        order = np.argsort(term_ids, kind="stable")
        counts = np.bincount(term_ids, minlength=len(self.vocabulary))
        indptr = np.zeros(len(self.vocabulary) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        segment = Segment(
            first, indptr, docs[order], np.asarray(tfs, dtype=np.float32)[order], doc_ptr, term_ids
        )
        self.segments.append(segment)
        self.lengths = np.concatenate([self.lengths, np.fromiter(map(len, passages), np.float32, len(passages))])
        self.alive = np.concatenate([self.alive, np.ones(len(passages), dtype=bool)])
        df = np.zeros(len(self.vocabulary), dtype=np.int64)
        df[: len(self.df)] = self.df
        self.df = df + counts
        self._idf = None
        return segment

    def retire(self, passages: np.ndarray) -> None:
        """Take passages out of every score and statistic (their report was replaced)."""
        passages = passages[self.alive[passages]]
        if not len(passages):
            return
        self.alive = np.array(self.alive)  # a memory-mapped array is read-only
        self.alive[passages] = False
        self.df = np.array(self.df)
        for segment in self.segments:
            local = passages[(passages >= segment.first_doc) & (passages < segment.first_doc + segment.count)]
            for i in local - segment.first_doc:
                np.subtract.at(self.df, segment.doc_terms[segment.doc_indptr[i] : segment.doc_indptr[i + 1]], 1)
        self._idf = None

    def idf(self) -> np.ndarray:
        if self._idf is None:
            n = float(self.alive.sum())
            self._idf = np.maximum(np.log((n - self.df + 0.5) / (self.df + 0.5)), 0.0)
        return self._idf

    def scores(self, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Alive passages sharing a term with the query, and their scores (a repeated term counts again)."""
        idf = self.idf()
        alive_lengths = self.lengths[self.alive]
        average = float(alive_lengths.mean()) if len(alive_lengths) else 1.0
        found_docs, found_weights = [], []
        for term in (self.vocabulary.get(t) for t in tokens):
            if term is None or idf[term] <= 0:
                continue  # a term in most passages adds 0 to every score
            for segment in self.segments:
                docs, tf = segment.postings(term)
                if not len(docs):
                    continue
                norm = self.k1 * (1.0 - self.b + self.b * self.lengths[docs] / average)
                found_docs.append(docs)
                found_weights.append(idf[term] * tf * (self.k1 + 1.0) / (tf + norm))
        if not found_docs:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float64)
        docs = np.concatenate(found_docs)
        weights = np.concatenate(found_weights).astype(np.float64)
        # Adding into a dense vector beats sorting the postings (np.unique) for common words.
        totals = np.bincount(docs, weights=weights, minlength=self.passage_count)
        passages = np.flatnonzero(totals * self.alive)
        return passages.astype(np.int32), totals[passages]

    def top(
        self, tokens: Sequence[str], k: int = 10, allowed: Callable[[np.ndarray], np.ndarray] | None = None
    ) -> list[tuple[int, float]]:
        """The k best passages with a positive score, best first; `allowed` filters passage numbers."""
        passages, scores = self.scores(tokens)
        if allowed is not None and len(passages):
            keep = allowed(passages)
            passages, scores = passages[keep], scores[keep]
        positive = scores > 0
        passages, scores = passages[positive], scores[positive]
        if len(passages) > k:
            best = np.argpartition(-scores, k - 1)[:k]
            passages, scores = passages[best], scores[best]
        order = np.lexsort((passages, -scores))
        return [(int(passages[i]), float(scores[i])) for i in order]

    def terms_of(self, passage: int) -> np.ndarray:
        """The term ids a passage holds (from its segment's forward index)."""
        for segment in self.segments:
            if segment.first_doc <= passage < segment.first_doc + segment.count:
                local = passage - segment.first_doc
                return segment.doc_terms[segment.doc_indptr[local] : segment.doc_indptr[local + 1]]
        return np.empty(0, dtype=np.int32)

    def coverage(self, tokens: Sequence[str], passages: Sequence[int], alternatives: Sequence[Sequence[str]] = ()) -> list[float]:
        """For each passage, the share of the query's weight (idf) it holds.

        A word of the query that no passage has weighs as much as the rarest word, so a
        question about something else covers little. Each group of `alternatives` (the words
        reports use for one of the question's words) counts once, held if any of it is held.
        """
        idf = self.idf()
        rarest = float(idf.max()) if len(idf) else 1.0
        weights = [float(idf[t]) if t is not None else rarest for t in (self.vocabulary.get(w) for w in set(tokens))]
        terms = [t for t in (self.vocabulary.get(w) for w in set(tokens)) if t is not None]
        groups = [[t for t in (self.vocabulary.get(w) for w in group) if t is not None] for group in alternatives]
        groups = [g for g in groups if g]  # words no report uses add nothing either way
        total = sum(weights) + sum(max(float(idf[t]) for t in g) for g in groups)
        if total <= 0:
            return [0.0] * len(passages)
        shares = []
        for passage in passages:
            held = set(self.terms_of(passage).tolist())
            covered = sum(float(idf[t]) for t in terms if t in held)
            covered += sum(max((float(idf[t]) for t in g if t in held), default=0.0) for g in groups)
            shares.append(covered / total)
        return shares

    # ------------------------------------------------------------ saving

    def global_arrays(self) -> dict[str, np.ndarray]:
        return {"lengths": self.lengths, "alive": self.alive, "df": self.df}

    def vocabulary_list(self) -> list[str]:
        return sorted(self.vocabulary, key=self.vocabulary.__getitem__)

    @classmethod
    def from_arrays(
        cls, arrays: dict[str, np.ndarray], segments: list[Segment], vocabulary: list[str]
    ) -> "BM25Index":
        return cls(
            {t: i for i, t in enumerate(vocabulary)},
            segments,
            arrays["lengths"],
            arrays["alive"],
            arrays["df"],
        )


def reference_scores(passages: Sequence[Sequence[str]], tokens: Sequence[str]) -> list[float]:
    """rank-bm25's BM25Okapi(epsilon=0) scores: the reference the tests and benchmark compare with."""
    from rank_bm25 import BM25Okapi

    return list(BM25Okapi([list(p) for p in passages], k1=K1, b=B, epsilon=0).get_scores(list(tokens)))
