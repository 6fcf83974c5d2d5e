"""The assessment's rules: judged items, 百分制扣分, the weighted alternative, ranks that
share ties, top/bottom lists that keep every tied agency, periods by their CONTRACT names."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.metrics import (
    DEDUCTION,
    INSUFFICIENT,
    SCORE_ITEMS,
    WEIGHTED,
    AgencyMetrics,
    DisputeFacts,
    Period,
    RankEntry,
    Scoring,
    agency_metrics,
    deduction_score,
    judged_items,
    parse_period,
    period_code,
    rank_agencies_fairly,
    rank_with_ties,
    top_bottom,
)
from rules.settings import RuleSettings

BLANK = AgencyMetrics(1, 0, 0, None, None, None, 0, None, 0, 0, None)


def with_counts(**counts) -> AgencyMetrics:
    return replace(BLANK, **counts)


def test_judged_items_add_up_every_rate_denominator():
    m = with_counts(sent_judged=3, ack_judged=4, assists_judged=1, decisions_judged=2, disputes_judged=1)
    assert judged_items(m) == 11
    assert judged_items(BLANK) == 0


def test_deduction_two_points_a_case_until_the_item_is_used_up():
    assert deduction_score(BLANK) == 100.0  # nothing failed: full marks
    # 3 late sendings (-6 of 20), 20 late acknowledgements (-40, but only 30 to lose)
    m = with_counts(sent_judged=9, sent_late=3, ack_judged=25, ack_late=20)
    assert deduction_score(m) == 100 - 6 - 30
    assert deduction_score(m, per_case=1) == 100 - 3 - 20
    # the dispute item has 10 marks: 6 failing cases use it up
    assert deduction_score(with_counts(disputes_judged=6, disputes_late=6)) == 90


def test_scoring_methods():
    m = with_counts(sent_judged=5, sent_late=1, sent_on_time_rate=0.8)
    assert Scoring().score(m) == 98.0
    assert Scoring(method=WEIGHTED).score(m) == pytest.approx(80.0)  # the only rate present
    with pytest.raises(ValueError):
        Scoring(method="lottery")


def test_settings_carry_the_scoring():
    scoring = RuleSettings().scoring()
    assert scoring.method == DEDUCTION and scoring.min_items == 5 and scoring.per_case == 2
    assert [scoring.full_marks[i.key] for i in SCORE_ITEMS] == [20, 30, 20, 20, 10]
    assert scoring.full_total == 100
    office = RuleSettings.from_mapping({"score_method": "weighted", "score_min_items": "8", "score_marks_disputes": "0"})
    assert office.scoring().method == WEIGHTED and office.scoring().min_items == 8
    assert office.scoring().full_marks["disputes"] == 0
    with pytest.raises(ValueError, match="评分方法"):
        RuleSettings.from_mapping({"score_method": "best"})
    with pytest.raises(ValueError, match="不能全部为0"):
        RuleSettings.from_mapping({f"score_weight_{i.key}": 0 for i in SCORE_ITEMS})
    with pytest.raises(ValueError):
        RuleSettings.from_mapping({"score_min_items": "0"})


def test_ties_share_a_rank():
    assert rank_with_ties({1: 100.0, 2: 100.0, 3: 90.0}) == {1: 1, 2: 1, 3: 3}
    # equal to one decimal, as shown, is equal
    assert rank_with_ties({1: 84.23, 2: 84.18, 3: 84.0}) == {1: 1, 2: 1, 3: 3}
    assert rank_with_ties({}) == {}


def E(a, kind, judged, score, name=None):
    return RankEntry(a, kind, name or f"单位{a:02d}", judged, score)


def test_towns_and_departments_ranked_apart_and_others_left_out():
    entries = [
        E(1, "department", 9, 90.0), E(2, "town", 9, 80.0), E(3, "town", 9, 95.0),
        E(4, "coordinator", 50, 100.0), E(5, "judicial", 9, 100.0),
        E(6, "department", 4, 100.0),  # below the minimum
        E(7, "department", 5, 70.0),  # exactly the minimum
    ]
    places = rank_agencies_fairly(entries, min_items=5)
    assert [(p.agency_id, p.rank, p.note) for p in places] == [
        (3, 1, None), (2, 2, None),  # towns first
        (1, 1, None), (7, 2, None), (6, None, INSUFFICIENT),
    ]


def test_top_and_bottom_keep_every_agency_tied_at_the_edge():
    entries = [E(i, "town", 9, 100.0) for i in range(1, 13)] + [E(13, "town", 9, 90.0), E(14, "town", 9, 80.0)]
    places = rank_agencies_fairly(entries, 5)
    top, bottom = top_bottom(places, 5)
    assert len(top) == 12 and {p.rank for p in top} == {1}
    assert [p.agency_id for p in bottom] == [14, 13] + [p.agency_id for p in places[:12]][::-1]
    top, bottom = top_bottom(places, 1)
    assert len(top) == 12 and [p.agency_id for p in bottom] == [14]
    assert top_bottom(places, 0) == ([], [])


scores = st.lists(st.one_of(st.none(), st.integers(0, 100).map(float)), min_size=0, max_size=25)


@given(scores, st.lists(st.integers(0, 12), min_size=25, max_size=25), st.integers(1, 8), st.integers(1, 10))
def test_ranking_properties(values, judged, minimum, n):
    entries = [E(i, "town" if i % 2 else "department", judged[i], s) for i, s in enumerate(values)]
    places = rank_agencies_fairly(entries, minimum)
    assert {p.agency_id for p in places} == {e.agency_id for e in entries}
    for p in places:
        # nobody ranked on fewer judged items than the minimum, or without a score
        assert (p.rank is not None) == (p.judged >= minimum and p.score is not None)
        assert (p.note == INSUFFICIENT) == (p.rank is None)
    for kind in ("town", "department"):
        ranked = [p for p in places if p.kind == kind and p.rank is not None]
        for a in ranked:
            better = sum(b.score > a.score for b in ranked)
            assert a.rank == 1 + better  # competition ranking: ties share, the next skips
        top, bottom = top_bottom(ranked, n)
        if ranked:
            # no tie split: an agency with the score of a listed one is listed too
            for p in ranked:
                assert (p in top) == (p.score >= top[-1].score)
                assert (p in bottom) == (p.score <= bottom[-1].score)
            assert len(top) >= min(n, len(ranked)) and len(bottom) >= min(n, len(ranked))


def test_dispute_handling_judges_the_parties_limit():
    oct_ = Period(date(2026, 10, 1), date(2026, 10, 31))
    disputes = [
        DisputeFacts(frozenset({1, 2}), date(2026, 9, 10), None, date(2026, 10, 9)),  # limit 10-10: handed on in time
        DisputeFacts(frozenset({1}), date(2026, 9, 20), None, date(2026, 10, 21)),  # limit 10-20: one day late
        DisputeFacts(frozenset({1}), date(2026, 9, 25), None, None),  # limit 10-25, still with the parties
        DisputeFacts(frozenset({1}), date(2026, 10, 5), None, None),  # limit 11-04: not in October
    ]
    m = agency_metrics(1, oct_, date(2026, 11, 10), [], [], disputes, [], stall_days=30)
    assert (m.disputes_judged, m.disputes_late) == (3, 2)
    assert m.dispute_handling_rate == pytest.approx(1 / 3)
    early = agency_metrics(1, oct_, date(2026, 10, 22), [], [], disputes, [], stall_days=30)
    assert (early.disputes_judged, early.disputes_late) == (2, 1)  # the 10-25 limit has not passed


@pytest.mark.parametrize("text, start, end", [
    ("2026-10", date(2026, 10, 1), date(2026, 10, 31)),
    ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
    ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
    ("2026-q1", date(2026, 1, 1), date(2026, 3, 31)),
    ("2026", date(2026, 1, 1), date(2026, 12, 31)),
])
def test_periods_by_name(text, start, end):
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)
    assert period_code(period) == text.upper()


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "26-10", "2026/10", "", "2026-10-01"])
def test_bad_period_names(text):
    with pytest.raises(ValueError, match="2026-Q4"):
        parse_period(text)


def test_metrics_doc_is_generated_from_the_rules():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "scripts/metrics_doc.py", "--check"], cwd=root,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    text = (root / "docs" / "metrics.md").read_text(encoding="utf-8")
    for key in ("results_reported", "disputes_resolved", "dispute_handling_rate", "score_min_items"):
        assert f"`{key}`" in text
