"""Drill-down: from a figure to the rows behind it.

A KPI card or a chart's bar links to the ledger (移送台账) with the rows' filter in the
address (``st.query_params``), so that the list opened is exactly the figure's rows, can be
bookmarked and sent on, and shows which filter made it (:func:`ledger_filter_from_params`,
:func:`filter_banner`: visible, removable with one click).

The parameters, all optional: ``status`` (a referral status), ``light`` (``red``, ``yellow``,
``green``, comma-joined for several), ``to`` / ``from`` / ``agency`` (agency ids: receiver,
sender, either side), ``sent_from`` / ``sent_to`` (ISO days), and ``label`` (the figure's
name, shown on the list).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

import streamlit as st
from streamlit.errors import StreamlitAPIException

from data_access.queries.referrals import LedgerFilter
from ui.i18n import t

LEDGER = "pages/ledger.py"
KEYS = ("status", "light", "to", "from", "agency", "sent_from", "sent_to", "label")


def ledger_params(*, label: str, status: str | None = None, light: str | None = None, to: int | None = None,
                  sender: int | None = None, agency: int | None = None, sent_from: date | None = None,
                  sent_to: date | None = None) -> dict[str, str]:
    """The query parameters of the ledger showing these rows."""
    raw = {"status": status, "light": light, "to": to, "from": sender, "agency": agency,
           "sent_from": sent_from.isoformat() if sent_from else None,
           "sent_to": sent_to.isoformat() if sent_to else None, "label": label}
    return {k: str(v) for k, v in raw.items() if v is not None}


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
    """What the list is narrowed to, and the button that removes it."""
    with st.container(border=True, key="drill_banner"):
        a, b = st.columns([5, 1], vertical_alignment="center")
        a.markdown(f"**{t('筛选')}**：" + " · ".join(parts))
        b.button(t("清除筛选"), key="drill_clear", on_click=clear, icon=":material/filter_alt_off:",
                 width="stretch")


def open_ledger(params: Mapping[str, str]) -> None:
    st.switch_page(LEDGER, query_params=dict(params))


def on_bar(key: str, event, to_params: Callable[[int, int], dict | None]) -> None:
    """A click on a chart's bar (``st.plotly_chart(on_select="rerun")``): open the rows of the
    bar's segment, ``to_params(category index, series index)``; a selection acts once."""
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if not points:
        st.session_state.pop(f"_drill_{key}", None)
        return
    first = points[0]
    seen = (first.get("curve_number"), first.get("point_index"))
    if st.session_state.get(f"_drill_{key}") == seen:
        return
    st.session_state[f"_drill_{key}"] = seen
    params = to_params(int(first.get("point_index", 0)), int(first.get("curve_number", 0)))
    if params:
        params = dict(params)
        try:
            st.switch_page(params.pop("page", LEDGER), query_params=params)
        except StreamlitAPIException:
            pass  # the page is not in this user's menu
