"""Drill-down: from a figure to the rows behind it.

A KPI card or a chart's bar links to the ledger (移送台账) with the rows' filter in the
address (``st.query_params``), so that the list opened is exactly the figure's rows, can be
bookmarked and sent on, and shows which filter made it (:func:`ledger_filter_from_params`,
:func:`filter_banner`: visible, removable with one click).

The parameters, all optional: ``status`` (a referral status), ``light`` (``red``, ``yellow``,
``green``, comma-joined for several), ``to`` / ``from`` / ``agency`` (agency ids: receiver,
sender, either side), ``sent_from`` / ``sent_to`` (ISO days), and ``label`` (the figure's
name, shown on the list).

The same address opens the other lists behind a figure (:func:`page_params`): 职责争议
(``agency``: a party; ``stage``; ``stalled`` 1/0), 议定事项督办 (``agency``: lead or co-agency;
``due_to``: due on or before) and 执法协作 (``to``: the asked agency; ``light``). Such a list
reads its filter with :func:`list_filter`, shows it with :func:`filter_banner` and its count
with :func:`row_count`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import streamlit as st
from streamlit.errors import StreamlitAPIException

from data_access.queries.referrals import LedgerFilter
from rules.lights import Light
from ui.components import inert
from ui.i18n import t

LEDGER = "pages/ledger.py"
DISPUTES = "pages/disputes.py"
DECISIONS = "pages/followup.py"
ASSISTANCE = "pages/assistance.py"
KEYS = ("status", "light", "to", "from", "agency", "sent_from", "sent_to", "stage", "stalled", "due_to", "label")


def ledger_params(*, label: str, status: str | None = None, light: str | None = None, to: int | None = None,
                  sender: int | None = None, agency: int | None = None, sent_from: date | None = None,
                  sent_to: date | None = None) -> dict[str, str]:
    """The query parameters of the ledger showing these rows."""
    raw = {"status": status, "light": light, "to": to, "from": sender, "agency": agency,
           "sent_from": sent_from.isoformat() if sent_from else None,
           "sent_to": sent_to.isoformat() if sent_to else None, "label": label}
    return {k: str(v) for k, v in raw.items() if v is not None}


def page_params(page: str, *, label: str, **values) -> dict[str, str]:
    """A link (``{"page": ..., **query parameters}``) to another list showing a figure's rows:
    ``values`` among :data:`KEYS` (``None`` left out, days as ISO, flags as 1/0)."""
    out = {"page": page, "label": label}
    for k, v in values.items():
        if v is not None:
            out[k] = v.isoformat() if isinstance(v, date) else str(int(v)) if isinstance(v, bool) else str(v)
    return out


@dataclass(frozen=True)
class ListFilter:
    """What a list other than the ledger is narrowed to by the address (``None``: any), as
    :func:`list_filter` reads it."""

    label: str | None
    """The figure's name, shown in the banner."""
    agency: int | None
    """A party to the dispute; the decision's lead or co-agency."""
    to: int | None
    """The agency asked for assistance."""
    light: str | None
    stage: str | None
    """The dispute's stage, and whether it is ``stalled`` there (or not)."""
    stalled: bool | None
    due_to: date | None
    """Decisions due on or before this day (the overdue ones included)."""


def list_filter(params: Mapping[str, str]) -> ListFilter | None:
    """The filter a figure's link gave a list, or ``None`` when the list was opened plainly."""
    if not any(k in params for k in KEYS):
        return None
    stalled = params.get("stalled")
    return ListFilter(
        label=params.get("label") or None,
        agency=_int(params.get("agency")),
        to=_int(params.get("to")),
        light=params.get("light") if params.get("light") in {lt.value for lt in Light} else None,
        stage=params.get("stage") or None,
        stalled=None if stalled not in ("0", "1") else stalled == "1",
        due_to=_day(params.get("due_to")),
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def ledger_filter_from_params(params: Mapping[str, str], *, own_agency: int | None) -> LedgerFilter | None:
    """The ledger's filter given by the address, or ``None`` when it gives none. A member who
    sees only its own agency's cases keeps that limit whatever the address says."""
    if not any(k in params for k in KEYS if k != "label"):
        return None
    return LedgerFilter(
        status=params.get("status") or None,
        light=params.get("light") or None,
        to_agency_id=_int(params.get("to")),
        from_agency_id=_int(params.get("from")),
        sent_from=_day(params.get("sent_from")),
        sent_to=_day(params.get("sent_to")),
        agency_id=own_agency if own_agency is not None else _int(params.get("agency")),
    )


def clear() -> None:
    for k in KEYS:
        if k in st.query_params:
            del st.query_params[k]


def filter_banner(parts: list[str]) -> None:
    """What the list is narrowed to, and the button that removes it. The parts are shown as
    plain text (a label comes from the address, names from the records)."""
    with st.container(border=True, key="drill_banner"):
        a, b = st.columns([5, 1], vertical_alignment="center")
        a.markdown(f"**{t('筛选')}**：" + " · ".join(inert(p) for p in parts))
        b.button(t("清除筛选"), key="drill_clear", on_click=clear, icon=":material/filter_alt_off:",
                 width="stretch")


def row_count(n: int) -> None:
    """How many rows the list holds, to be compared with the figure that opened it."""
    st.subheader(t("共 {n} 项", n=f"{n:,}"))


def open_ledger(params: Mapping[str, str]) -> None:
    st.switch_page(LEDGER, query_params=dict(params))


def _selection(event, kind: str):
    return ((event or {}).get("selection") or {}).get(kind) if event else None


def on_bar(key: str, event, to_params: Callable[[int, int], dict | None]) -> None:
    """A click on a chart's bar (``st.plotly_chart(on_select="rerun")``): open the rows of the
    bar's segment, ``to_params(category index, series index)``."""
    first = (_selection(event, "points") or [None])[0]
    seen = first and (first.get("curve_number"), first.get("point_index"))
    _open_once(key, seen, lambda: to_params(int(first.get("point_index", 0)), int(first.get("curve_number", 0))))


def on_pick(key: str, event, layers: Sequence[str], to_params: Callable[[dict], dict | None]) -> None:
    """A click on an object of a map (``st.pydeck_chart(on_select="rerun")``) in one of
    ``layers`` (their ``id``): open the rows behind it, ``to_params(the object's data)``."""
    objects = _selection(event, "objects") or {}
    first = next((found[0] for layer in layers if (found := objects.get(layer))), None)
    _open_once(key, first and repr(sorted(first.items())), lambda: to_params(first))


def on_cell(key: str, event, to_params: Callable[[int, str], dict | None]) -> None:
    """A click on a table's cell (``st.dataframe(on_select="rerun", selection_mode="single-cell")``):
    open the rows behind its count, ``to_params(row position, column name)``."""
    first = (_selection(event, "cells") or [None])[0]
    seen = first and (int(first[0]), str(first[1]))
    _open_once(key, seen, lambda: to_params(*seen))


def _open_once(key: str, seen, make: Callable[[], dict | None]) -> None:
    """Open the page ``make()`` names (the ledger unless it says ``page``). A selection acts
    once (``seen`` names it; ``None``: nothing selected), so that coming back to the page with
    it still made stays there."""
    if not seen:
        st.session_state.pop(f"_drill_{key}", None)
        return
    if st.session_state.get(f"_drill_{key}") == seen:
        return
    st.session_state[f"_drill_{key}"] = seen
    params = make()
    if params:
        params = dict(params)
        try:
            st.switch_page(params.pop("page", LEDGER), query_params=params)
        except StreamlitAPIException:
            pass  # the page is not in this user's menu
