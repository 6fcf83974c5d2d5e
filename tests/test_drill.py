"""ui.drill without a browser: the addresses a figure opens, how a list reads them back, and
the selection handlers of a chart's bar, a map's town and a table's cell (each opens its page
once per selection). The browser test (tests/browser/test_drill_down.py) clicks them for real."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from ui import drill


@pytest.fixture
def opened(monkeypatch):
    """The pages ``st.switch_page`` was asked for, as (page, query parameters)."""
    calls: list = []
    fake = SimpleNamespace(session_state={}, switch_page=lambda page, query_params: calls.append((page, query_params)))
    monkeypatch.setattr(drill, "st", fake)
    return calls


def test_page_params_and_list_filter_round_trip():
    params = drill.page_params(drill.DISPUTES, label="争议", stage="negotiation", stalled=False, agency=None)
    assert params == {"page": drill.DISPUTES, "label": "争议", "stage": "negotiation", "stalled": "0"}
    params = drill.page_params(drill.DECISIONS, label="到期", due_to=date(2026, 12, 8), agency=7)
    assert params["due_to"] == "2026-12-08" and params["agency"] == "7"
    del params["page"]
    f = drill.list_filter(params)
    assert (f.label, f.agency, f.due_to, f.stage, f.stalled) == ("到期", 7, date(2026, 12, 8), None, None)
    assert drill.list_filter({"stalled": "1", "light": "red", "to": "3"}).stalled is True
    assert drill.list_filter({}) is None
    assert drill.list_filter({"other": "x"}) is None


def test_list_filter_ignores_what_it_cannot_read():
    f = drill.list_filter({"label": "x", "light": "purple", "stalled": "maybe", "due_to": "tomorrow", "agency": "a"})
    assert (f.light, f.stalled, f.due_to, f.agency) == (None, None, None, None)


def test_a_map_pick_opens_the_town_s_rows_once(opened):
    event = {"selection": {"indices": {"towns": [2]}, "objects": {"towns": [{"agency_id": 12, "name": "甲镇"}]}}}
    to_params = lambda town: drill.ledger_params(label="积压合计", status="sent,accepted", to=town["agency_id"])  # noqa: E731
    drill.on_pick("map", event, ("towns", "town_points"), to_params)
    assert opened == [(drill.LEDGER, {"status": "sent,accepted", "to": "12", "label": "积压合计"})]
    drill.on_pick("map", event, ("towns", "town_points"), to_params)  # the same selection, back on the page
    assert len(opened) == 1
    drill.on_pick("map", {"selection": {"indices": {}, "objects": {}}}, ("towns",), to_params)  # cleared
    drill.on_pick("map", event, ("towns", "town_points"), to_params)
    assert len(opened) == 2


def test_a_map_pick_on_the_point_layer_counts_too(opened):
    event = {"selection": {"objects": {"town_points": [{"agency_id": 5}]}}}
    drill.on_pick("map", event, ("towns", "town_points"), lambda town: {"to": str(town["agency_id"])})
    assert opened == [(drill.LEDGER, {"to": "5"})]
    drill.on_pick("map2", None, ("towns",), lambda town: {"to": "x"})
    assert len(opened) == 1


def test_a_table_cell_opens_its_count_s_rows(opened):
    def to_params(row, column):
        return column == "■ 红灯" and {"light": "red", "row": str(row)}

    drill.on_cell("board", {"selection": {"rows": [], "columns": [], "cells": [(0, "接收单位")]}}, to_params)
    assert opened == []  # a name is no count
    drill.on_cell("board", {"selection": {"rows": [], "columns": [], "cells": [(1, "■ 红灯")]}}, to_params)
    assert opened == [(drill.LEDGER, {"light": "red", "row": "1"})]


def test_a_bar_opens_another_page_when_it_says_so(opened):
    event = {"selection": {"points": [{"curve_number": 1, "point_index": 2}]}}
    drill.on_bar("chart", event, lambda i, s: drill.page_params(drill.DISPUTES, label="x", stage=f"s{i}", stalled=bool(s)))
    assert opened == [(drill.DISPUTES, {"label": "x", "stage": "s2", "stalled": "1"})]
