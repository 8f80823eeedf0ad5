"""The passage index: scores exactly like rank-bm25, stays exact through incremental updates."""

from __future__ import annotations

import numpy as np
import pytest

from reportgen import generate_corpus, render_text
from index.bm25 import BM25Index, reference_scores
from index.passages import build_index, load_index, refresh_index
from index.tokenize import tokenize
from ingest.run import ingest_paths
from ingest.database import open_db

QUERIES = [
    "行政处罚 罚款", "政府信息公开 查阅点", "依申请公开 办理", "政务新媒体 运维", "信息处理费",
    "门户网站 公开 信息", "行政复议 诉讼", "存在的主要问题 改进", "电话 地址", "培训 工作人员",
    "保密审查", "政策解读", "公开指南", "主动公开 规范性文件", "申请 答复 法定期限",
]


@pytest.fixture(scope="module")
def passages():
    texts = [p for report in generate_corpus(80, seed=5) for ps in report.paragraphs.values() for p in ps]
    return [tokenize(t) for t in texts]


def assert_same_ranking(ours: list[tuple[int, float]], reference: list[float], k: int = 10):
    """Our top k are rank-bm25's top k: same scores in the same order (ties may swap passages).

    Scores are compared within float32 error (the postings hold float32 weights), not rounded:
    rounding to 4 places split 11.821449… from 11.821450… on another machine.
    """
    expected = sorted((s for s in reference if s > 0), reverse=True)[:k]
    assert [s for _, s in ours] == pytest.approx(expected, rel=1e-6)
    for passage, score in ours:
        assert score == pytest.approx(reference[passage], rel=1e-5)


@pytest.mark.parametrize("query", QUERIES)
def test_top10_agrees_with_rank_bm25(passages, query):
    tokens = tokenize(query)
    assert_same_ranking(BM25Index.build(passages).top(tokens, 10), reference_scores(passages, tokens))


def test_retired_passages_leave_the_statistics(passages):
    index = BM25Index.build(passages[:300])
    index.retire(np.arange(100, 200))
    index.add(passages[300:400])
    survivors = passages[:100] + passages[200:400]
    numbering = list(range(100)) + list(range(200, 400))
    for query in QUERIES[:5]:
        tokens = tokenize(query)
        reference = reference_scores(survivors, tokens)
        ours = [(numbering.index(p), s) for p, s in index.top(tokens, 10)]
        assert_same_ranking(ours, reference)


def write_reports(directory, reports):
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, report in enumerate(reports):
        path = directory / f"{n:03d}.txt"
        path.write_text(render_text(report), "utf-8")
        paths.append(path)
    return paths


def test_reingest_updates_the_index_in_place_and_exactly(tmp_path, data_dir):
    reports = list(generate_corpus(30, seed=9))
    paths = write_reports(tmp_path / "corpus", reports)
    ingest_paths(paths, data_dir, workers=1)
    first = refresh_index(data_dir)
    assert len(first.segment_names) == 1

    edited = reports[4]
    edited.paragraphs[1] = ["本单位今年新设立了独一无二的蓝鲸查阅室，方便群众查阅政府信息。"] + edited.paragraphs[1]
    write_reports(tmp_path / "corpus", reports)
    ingest_paths([paths[4]], data_dir, workers=1)
    updated = refresh_index(data_dir)
    assert len(updated.segment_names) == 2  # one small segment added, nothing rebuilt

    reloaded = load_index(data_dir)
    fresh = build_index(open_db(data_dir), tmp_path / "fresh")
    for query in QUERIES + ["蓝鲸查阅室"]:
        tokens = tokenize(query)
        assert reloaded.search(tokens, 10) == fresh.search(tokens, 10)
    [hit] = reloaded.search(tokenize("蓝鲸查阅室"), 1)
    assert open_db(data_dir).execute(
        "SELECT text FROM passages WHERE report_id = ? AND ordinal = ?", [hit.report_id, hit.ordinal]
    ).fetchone()[0].startswith("本单位今年新设立了独一无二的蓝鲸查阅室")


def test_nothing_changed_means_nothing_rebuilt(tmp_path, data_dir):
    paths = write_reports(tmp_path / "corpus", list(generate_corpus(5, seed=2)))
    ingest_paths(paths, data_dir, workers=1)
    saved = refresh_index(data_dir).saved_in
    assert refresh_index(data_dir).saved_in == saved


def test_coverage_is_the_share_of_the_querys_weight_a_passage_holds():
    index = BM25Index.build([["查阅", "地点", "政府"], ["政府", "公报"], ["政府", "网站"], ["春天"]])
    idf = index.idf()
    weight = {t: float(idf[index.vocabulary[t]]) for t in index.vocabulary}
    [share] = index.coverage(["查阅", "政府"], [0])
    assert share == pytest.approx(1.0)
    # A word no passage holds weighs as much as the rarest one.
    [share] = index.coverage(["查阅", "诗歌"], [0])
    assert share == pytest.approx(weight["查阅"] / (weight["查阅"] + max(weight.values())))
    # Words reports use for one of the question's words count once, held if any of them is.
    [held, missed] = index.coverage(["查阅"], [0, 1], alternatives=[["地址", "地点"]])
    assert held == pytest.approx(1.0) and missed == 0.0
