"""Filters that stay put while the user moves between pages.

Streamlit forgets a widget's value when a page without that widget runs. So each filter
keeps its value twice: in the widget's key (``flt_<name>``) and in a kept copy
(``_kept_flt_<name>``) that no widget owns. Before drawing the widget the kept value is put
back into its key (or the default, if the kept value is no longer a valid choice), and the
widget's ``on_change`` copies a new choice into the kept copy. The period chosen on the
overview is therefore the period of the metrics page and of the ledger, and so on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

import streamlit as st

from rules import permissions
from rules.metrics import Period
from ui.i18n import t

_KEPT = "_kept_"


def _kept_key(key: str) -> str:
    return _KEPT + key


def _save(key: str) -> None:
    st.session_state[_kept_key(key)] = st.session_state[key]


def _restore(key: str, default, valid: Callable[[object], bool] = lambda v: True):
    value = st.session_state.get(_kept_key(key), default)
    if not valid(value):
        value = default
    st.session_state[_kept_key(key)] = value
    st.session_state[key] = value
    return value


def kept(key: str, default=None):
    """A filter's current value without drawing it (e.g. for another page's default)."""
    return st.session_state.get(_kept_key(key), default)


def keep(key: str, value) -> None:
    """Set a filter's value from code (a link from one page to another's filter)."""
    st.session_state[_kept_key(key)] = value


def selectbox(label: str, options: Sequence, key: str, default=None, *, format_func=str, where=st,
              **kwargs):
    options = list(options)
    if default not in options:
        default = options[0] if options else None
    _restore(key, default, lambda v: v in options)
    return where.selectbox(label, options, key=key, format_func=format_func, on_change=_save, args=(key,),
                           **kwargs)


def radio(label: str, options: Sequence, key: str, default=None, *, format_func=str, where=st, **kwargs):
    options = list(options)
    if default not in options:
        default = options[0]
    _restore(key, default, lambda v: v in options)
    return where.radio(label, options, key=key, format_func=format_func, on_change=_save, args=(key,),
                       **kwargs)


def text_input(label: str, key: str, default: str = "", *, where=st, **kwargs) -> str:
    _restore(key, default, lambda v: isinstance(v, str))
    return where.text_input(label, key=key, on_change=_save, args=(key,), **kwargs)


def date_range(label: str, key: str, default: tuple[date, date], *, where=st, **kwargs) -> tuple[date, date]:
    """Two dates (from, to); while the user has picked only the first, the range is that day."""
    _restore(key, default, lambda v: isinstance(v, (tuple, list)) and len(v) in (1, 2))
    value = where.date_input(label, key=key, on_change=_save, args=(key,), **kwargs)
    if isinstance(value, (tuple, list)):
        if len(value) == 2:
            return value[0], value[1]
        if len(value) == 1:
            return value[0], value[0]
        return default
    return value, value


def toggle(label: str, key: str, default: bool = False, *, where=st, **kwargs) -> bool:
    _restore(key, default, lambda v: isinstance(v, bool))
    return where.toggle(label, key=key, on_change=_save, args=(key,), **kwargs)


def slider(label: str, key: str, default: float, *, where=st, **kwargs) -> float:
    _restore(key, default, lambda v: isinstance(v, (int, float)))
    return where.slider(label, key=key, on_change=_save, args=(key,), **kwargs)


# --------------------------------------------------------------------------- the period

PERIOD_KINDS = ("month", "quarter", "year", "custom")
PERIOD_KIND_LABELS = {"month": "按月", "quarter": "按季度", "year": "按年", "custom": "自定义"}


def _month_label(start: date) -> str:
    return t("{y}年{m}月", y=start.year, m=start.month)


def month_periods(today: date, count: int = 24) -> list[Period]:
    out = []
    y, m = today.year, today.month
    for _ in range(count):
        start = date(y, m, 1)
        end = date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
        out.append(Period(start, end))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out


def quarter_periods(today: date, count: int = 8) -> list[Period]:
    out = []
    y, q = today.year, (today.month - 1) // 3
    for _ in range(count):
        start = date(y, q * 3 + 1, 1)
        end = date(y + (q == 3), (q * 3 + 3) % 12 + 1, 1) - timedelta(days=1)
        out.append(Period(start, end))
        y, q = (y - 1, 3) if q == 0 else (y, q - 1)
    return out


def year_periods(today: date, count: int = 3) -> list[Period]:
    return [Period(date(y, 1, 1), date(y, 12, 31)) for y in range(today.year, today.year - count, -1)]


def period_label(p: Period) -> str:
    if p.start.day == 1 and p.start.month == 1 and p.end == date(p.start.year, 12, 31):
        return t("{y}年", y=p.start.year)
    if p.start.day == 1 and (p.end + timedelta(days=1)).day == 1:
        months = (p.end.year - p.start.year) * 12 + p.end.month - p.start.month + 1
        if months == 1:
            return _month_label(p.start)
        if months == 3 and p.start.month % 3 == 1:
            return t("{y}年第{q}季度", y=p.start.year, q=(p.start.month - 1) // 3 + 1)
    return f"{p.start.isoformat()} ~ {p.end.isoformat()}"


def _as_key(p: Period) -> str:
    return f"{p.start.isoformat()}/{p.end.isoformat()}"


def _from_key(k: str) -> Period:
    a, b = k.split("/")
    return Period(date.fromisoformat(a), date.fromisoformat(b))


def period_selector(today: date | None = None, *, where=None) -> tuple[Period, date]:
    """The statistics period (kept across pages) and the day its figures are taken on: the
    period's last day, or today while it runs. Drawn in the sidebar by default."""
    where = where or st.sidebar
    today = today or date.today()
    where.markdown(f"**{t('统计期间')}**")
    kind = radio(t("期间类型"), PERIOD_KINDS, "flt_period_kind", "month",
                 format_func=lambda k: t(PERIOD_KIND_LABELS[k]), where=where, horizontal=True,
                 label_visibility="collapsed")
    if kind == "custom":
        start, end = date_range(
            t("起止日期"), "flt_period_custom", (today - timedelta(days=29), today), where=where,
            max_value=today + timedelta(days=366),
        )
        if end < start:
            start, end = end, start
        period = Period(start, end)
    else:
        choices = {"month": month_periods, "quarter": quarter_periods, "year": year_periods}[kind](today)
        keys = [_as_key(p) for p in choices]
        chosen = selectbox(t("期间"), keys, f"flt_period_{kind}", keys[0],
                           format_func=lambda k: period_label(_from_key(k)), where=where,
                           label_visibility="collapsed")
        period = _from_key(chosen)
    as_of = min(period.end, today)
    where.caption(t("数据截至 {d}", d=as_of.isoformat()))
    return period, as_of


# --------------------------------------------------------------------------- agencies

#: The "any" choice of a picker. Not ``None``: a selectbox showing ``None`` displays its
#: empty placeholder instead of the label.
ALL = ""


def choice(label: str, options: Sequence, key: str, *, all_label: str, format_func=str, where=st):
    """A picker with an "all" entry first; returns the chosen option, or ``None`` for all."""
    value = selectbox(label, [ALL, *options], key, ALL,
                      format_func=lambda v: t(all_label) if v == ALL else format_func(v), where=where)
    return None if value == ALL else value


def agency_name(agency) -> str:
    """An agency's name for a picker that shows history: a deactivated one is marked 已停用
    (it stays choosable there: its records do not go away)."""
    return agency.name + ("" if agency.active else t("（已停用）"))


def agency_selector(label: str, key: str, agencies: Sequence, *, default=None, allow_all: bool = True,
                    all_label: str = "全部单位", where=st, only_active: bool = False):
    """An agency picker over :class:`~data_access.queries.agencies.AgencyOption` rows;
    returns the chosen id (or ``None`` for "all")."""
    shown = [a for a in agencies if a.active or not only_active]
    labels = {a.id: agency_name(a) for a in shown}
    options = ([ALL] if allow_all else []) + [a.id for a in shown]
    if default is None:
        default = ALL
    if default not in options:
        default = options[0] if options else ALL
    value = selectbox(label, options, key, default,
                      format_func=lambda v: t(all_label) if v == ALL else labels.get(v, str(v)), where=where)
    return None if value == ALL else value


def own_agency_default(actor) -> int | None:
    """A role that sees case rows of its own agency only (``read.cases`` scope ``own`` in
    the permission matrix) looks at its own agency first; the others at all."""
    own = permissions.scope_for(actor.role, "read.cases") == permissions.OWN
    return actor.agency_id if own else None
