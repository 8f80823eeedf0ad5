"""Okapi BM25 as a sparse term-by-passage weight matrix, saved as plain numpy arrays.

Every (term, passage) weight is computed once at build time, so a query only adds up the
posting lists of its terms: milliseconds at hundreds of thousands of passages, where
rank-bm25 scores every passage in a Python loop. The weights are those of rank-bm25's
BM25Okapi with epsilon=0 (a term in more than half the passages weighs nothing), which the
tests compare against.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np

K1 = 1.5
B = 0.75


@dataclass
class BM25Index:
    vocabulary: dict[str, int]
    indptr: np.ndarray  # postings of term t: indices/data[indptr[t]:indptr[t+1]]
    indices: np.ndarray  # passage numbers
    data: np.ndarray  # BM25 weights
    passage_count: int

    @classmethod
    def build(cls, passages: Sequence[Sequence[str]], k1: float = K1, b: float = B) -> "BM25Index":
        """Index token lists; passage i is document i."""
        vocabulary: dict[str, int] = {}
        terms: list[int] = []
        docs: list[int] = []
        tfs: list[int] = []
        lengths = np.fromiter((len(tokens) for tokens in passages), dtype=np.float64, count=len(passages))
        for doc, tokens in enumerate(passages):
            for token, tf in Counter(tokens).items():
                terms.append(vocabulary.setdefault(token, len(vocabulary)))
                docs.append(doc)
                tfs.append(tf)
        n = len(passages)
        term_ids = np.asarray(terms, dtype=np.int64)
        doc_ids = np.asarray(docs, dtype=np.int32)
        tf = np.asarray(tfs, dtype=np.float64)
        df = np.bincount(term_ids, minlength=len(vocabulary)).astype(np.float64)
        idf = np.maximum(np.log((n - df + 0.5) / (df + 0.5)), 0.0) if n else df
        average = lengths.mean() if n and lengths.sum() else 1.0
        norm = k1 * (1.0 - b + b * lengths[doc_ids] / average) if n else tf
        weights = idf[term_ids] * tf * (k1 + 1.0) / (tf + norm)
        order = np.argsort(term_ids, kind="stable")
        indptr = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(np.bincount(term_ids, minlength=len(vocabulary)), out=indptr[1:])
        return cls(vocabulary, indptr, doc_ids[order], weights[order].astype(np.float32), n)

    def scores(self, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Passages that share a term with the query, and their scores (a repeated term counts again)."""
        rows = [self.vocabulary[t] for t in tokens if t in self.vocabulary]
        if not rows:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float64)
        indices = np.concatenate([self.indices[self.indptr[r] : self.indptr[r + 1]] for r in rows])
        weights = np.concatenate([self.data[self.indptr[r] : self.indptr[r + 1]] for r in rows])
        passages, inverse = np.unique(indices, return_inverse=True)
        return passages, np.bincount(inverse, weights=weights.astype(np.float64))

    def top(self, tokens: Sequence[str], k: int = 10, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The k best passages with a positive score, best first; `allowed` is a boolean mask."""
        passages, scores = self.scores(tokens)
        if allowed is not None and len(passages):
            keep = allowed[passages]
            passages, scores = passages[keep], scores[keep]
        positive = scores > 0
        passages, scores = passages[positive], scores[positive]
        if len(passages) > k:
            best = np.argpartition(-scores, k - 1)[:k]
            passages, scores = passages[best], scores[best]
        order = np.lexsort((passages, -scores))
        return [(int(passages[i]), float(scores[i])) for i in order]

    def arrays(self) -> dict[str, np.ndarray]:
        return {"indptr": self.indptr, "indices": self.indices, "data": self.data}

    def vocabulary_list(self) -> list[str]:
        return sorted(self.vocabulary, key=self.vocabulary.__getitem__)

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], vocabulary: list[str], passage_count: int) -> "BM25Index":
        return cls(
            {t: i for i, t in enumerate(vocabulary)},
            arrays["indptr"],
            arrays["indices"],
            arrays["data"],
            passage_count,
        )


def reference_scores(passages: Sequence[Sequence[str]], tokens: Sequence[str]) -> list[float]:
    """rank-bm25's BM25Okapi(epsilon=0) scores: the reference the tests and benchmark compare with."""
    from rank_bm25 import BM25Okapi

    return list(BM25Okapi([list(p) for p in passages], k1=K1, b=B, epsilon=0).get_scores(list(tokens)))

