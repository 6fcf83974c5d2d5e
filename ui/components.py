"""What the dashboards are drawn with: lights, KPI cards, tables, charts, the map.

Made to be read from the back of a meeting room on a projector at 1280×720: large type,
high contrast, a light never shown by colour alone (symbol and words too), every chart with
Chinese titles and axis labels in a CJK font, and a plain sentence instead of an empty chart.
"""

from __future__ import annotations

import hashlib
import html
import io
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
import streamlit as st
from streamlit.errors import StreamlitAPIException

from rules.lights import LIGHT_COLORS, LIGHT_LABELS, LIGHT_SYMBOLS, LIGHT_TEXT_COLORS, Light
from ui.i18n import pick, t

#: CJK first, so that Chinese never falls back to a font without the glyphs.
FONT_FAMILY = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
MAP_FONT = "Noto Sans CJK SC, Microsoft YaHei, sans-serif"
BASE_FONT_PX = 18
CHART_FONT_PX = 18

#: Okabe-Ito colours for chart series (distinguishable with colour blindness).
SERIES = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999")

#: Map shading, light to dark (ColorBrewer YlOrRd, 5 classes).
SHADES = ((255, 255, 204), (254, 217, 118), (253, 141, 60), (227, 26, 28), (128, 0, 38))

_STYLE = f"""
<style>
.stMainBlockContainer p, .stMainBlockContainer li, .stMainBlockContainer label {{ font-size: {BASE_FONT_PX}px; }}
[data-testid="stMetricValue"] p {{ font-size: clamp(34px, 3.4vw, 64px) !important; font-weight: 700; line-height: 1.15; }}
[data-testid="stMetricLabel"] p {{ font-size: 19px !important; font-weight: 600; line-height: 1.3; }}
[data-testid="stMetricLabel"] .stMarkdownEllipsis, [data-testid="stMetricLabel"] p {{
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }}
[data-testid="stMetricDelta"] {{ font-size: 18px; }}
.stMainBlockContainer h1 {{ font-size: 40px !important; }}
.stMainBlockContainer h2 {{ font-size: 30px !important; }}
.stMainBlockContainer h3 {{ font-size: 24px !important; }}
.jm-light {{ display: inline-block; padding: 2px 10px; border-radius: 6px; font-weight: 700;
            font-size: {BASE_FONT_PX}px; white-space: nowrap; }}
.jm-legend {{ display: flex; flex-wrap: wrap; gap: 14px; align-items: center; font-size: 17px; }}
.jm-legend span.sw {{ display: inline-block; width: 22px; height: 16px; border: 1px solid #555;
                     vertical-align: middle; margin-right: 4px; }}
.jm-card {{ border: 1px solid #bbb; border-radius: 8px; padding: 8px 12px; margin-bottom: 8px;
           background: #fff; font-size: 17px; line-height: 1.5; }}
.jm-card.stalled {{ border: 3px solid {LIGHT_COLORS[Light.RED]}; background: #FFF3EE; }}
.jm-card b {{ font-size: 18px; }}
/* A KPI card that opens its rows: the page link covers the whole card. */
[class*="st-key-kpi_"] {{ position: relative; gap: 0; }}
[class*="st-key-kpi_"] [data-testid="stElementContainer"]:has([data-testid="stPageLink"]) {{
    position: absolute; inset: 0; z-index: 1; height: 100%; width: 100%; }}
[class*="st-key-kpi_"] [data-testid="stPageLink"], [class*="st-key-kpi_"] [data-testid="stPageLink"] > div {{
    height: 100%; width: 100%; max-width: none; }}
[class*="st-key-kpi_"] [data-testid="stPageLink"] a {{ height: 100%; width: 100%; max-width: none; display: flex;
    align-items: flex-end; justify-content: flex-end; padding: 4px 10px; border-radius: 8px;
    background: transparent; }}
[class*="st-key-kpi_"] [data-testid="stPageLink"] a:hover {{ background: rgba(0, 114, 178, 0.07); }}
[class*="st-key-kpi_"] [data-testid="stPageLink"] p {{ font-size: 14px !important; color: #0B5394; }}
[class*="st-key-kpi_"] [data-testid="stMetric"] {{ padding-bottom: 24px; }}
[class*="st-key-kpi_"] [data-testid="stMetricLabel"] p {{ font-size: 17px !important; }}
@media (max-width: 640px) {{
  /* On a phone, figures as a compact list, one line each (label left, figure right), so that
     what is owed and its lists start on the first screen (390×844). */
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"]) {{
      flex-direction: column !important; flex-wrap: nowrap !important; gap: 4px !important; }}
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"]) > [data-testid="stColumn"] {{
      width: 100% !important; min-width: 100% !important; max-width: 100% !important; flex: 0 0 auto !important; }}
  [data-testid="stMetric"] {{ padding: 2px 10px !important; min-height: 0 !important; }}
  [data-testid="stMetric"] > div:has(> [data-testid="stMetricLabel"]) {{ display: flex !important;
      flex-direction: row; align-items: center; justify-content: space-between; gap: 8px; padding: 4px 0 !important; }}
  [data-testid="stMetric"] [data-testid="stMetricLabel"], [data-testid="stMetric"] [data-testid="stMetricValue"] {{
      margin: 0 !important; padding: 0 !important; min-height: 0 !important; }}
  [data-testid="stMetricValue"], [data-testid="stMetricValue"] p {{ font-size: 24px !important; line-height: 1.2 !important; }}
  [data-testid="stMetricLabel"] p {{ font-size: 15px !important; }}
  [class*="st-key-kpi_"] [data-testid="stMetric"] {{ padding-bottom: 2px !important; padding-right: 34px !important; }}
  [class*="st-key-kpi_"] [data-testid="stPageLink"] a {{ align-items: center; }}
  [class*="st-key-kpi_"] [data-testid="stPageLink"] p {{ display: none; }}
  .stMainBlockContainer h1 {{ font-size: 28px !important; }}
  .stMainBlockContainer h2 {{ font-size: 22px !important; }}
  .stMainBlockContainer h3 {{ font-size: 19px !important; }}
}}
[class*="st-key-kpi_"] [data-testid="stTooltipHoverTarget"] {{ position: relative; z-index: 2; }}
</style>
"""


_MARKDOWN_MARKS = re.compile(r"([\\`*_\[\]()!|~$])")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def html_text(text) -> str:
    """Typed text for the inside of an HTML block (``st.html``, or markdown that starts with a
    tag): tags and quotes escaped, and line breaks as ``<br/>``, since a blank line would end
    the HTML block and let the rest be read as markdown."""
    return _LINE_BREAKS.sub("<br/>", html.escape("" if text is None else str(text)))


def inert(text) -> str:
    """Typed text for markdown drawn with ``unsafe_allow_html``: tags escaped, markdown marks
    (links, images, emphasis, formulas) made literal, kept on one line."""
    escaped = _MARKDOWN_MARKS.sub(r"\\\1", html.escape("" if text is None else str(text)))
    return _LINE_BREAKS.sub(" ", escaped)


def page_style() -> None:
    """Large, high-contrast type for the dashboards (call once at the top of a page)."""
    st.html(_STYLE)


# --------------------------------------------------------------------------- lights


def light_text(light: Light | str | None) -> str:
    """The light as symbol + words, for tables and exports ("■ 红灯/超期"); "" for none."""
    if not light:
        return ""
    light = Light(light)
    return f"{LIGHT_SYMBOLS[light]} {pick(LIGHT_LABELS[light])}"


def light_short(light: Light | str) -> str:
    """The light's symbol and colour word only ("■ 红灯"), for narrow column headings."""
    light = Light(light)
    return f"{LIGHT_SYMBOLS[light]} {pick(LIGHT_LABELS[light]).split('/')[0].strip()}"


def light_badge(light: Light | str | None, words: str | None = None) -> str:
    """The light as a coloured HTML badge: its symbol and its words (or ``words``)."""
    if not light:
        return ""
    light = Light(light)
    text = f"{LIGHT_SYMBOLS[light]} {words}" if words else light_text(light)
    return (
        f'<span class="jm-light" style="background:{LIGHT_COLORS[light]};'
        f'color:{LIGHT_TEXT_COLORS[light]}">{text}</span>'
    )


def _light_css(value) -> str:
    for light in Light:
        if value and str(value).startswith(LIGHT_SYMBOLS[light]):
            return f"background-color: {LIGHT_COLORS[light]}; color: {LIGHT_TEXT_COLORS[light]}; font-weight: 700"
    return ""


# --------------------------------------------------------------------------- KPI cards


def kpi_row(cards: Sequence[tuple]) -> None:
    """A row of big figures: (label, value[, help text[, link]]).

    A card with a link opens the rows behind its figure: the whole card is the link (its
    ``st.page_link`` laid over the card by CSS, "查看明细" in its corner). A link is a
    ledger filter (:func:`ui.drill.ledger_params`), or ``{"page": path, **params}`` for another
    page."""
    cols = st.columns(len(cards))
    for col, card in zip(cols, cards):
        label, value = card[0], card[1]
        help_text = card[2] if len(card) > 2 else None
        link = card[3] if len(card) > 3 else None
        if not link:
            col.metric(label, fmt_value(value), help=help_text, border=True, height="stretch")
            continue
        params = dict(link)
        page = params.pop("page", "pages/ledger.py")
        slug = hashlib.sha1(label.encode()).hexdigest()[:10]
        with col.container(key=f"kpi_{slug}", height="stretch"):
            st.metric(label, fmt_value(value), help=help_text, border=True, height="stretch")
            try:
                st.page_link(page, label=t("查看明细"), icon=":material/arrow_forward:", query_params=params)
            except StreamlitAPIException:
                pass  # the page is not in this user's menu (or the page runs on its own, in a test)


def fmt_value(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def pct(rate: float | None, digits: int = 1) -> str:
    return "—" if rate is None else f"{rate * 100:.{digits}f}%"


def num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


# --------------------------------------------------------------------------- tables


def table(
    frame: pd.DataFrame,
    *,
    light_columns: Iterable[str] = (),
    height: int | str = "auto",
    column_config: Mapping | None = None,
    select_key: str | None = None,
    select_mode: str = "single-row",
):
    """A read-only table without the index; columns holding :func:`light_text` are coloured.
    With ``select_key`` a row (or with ``select_mode="single-cell"`` a cell) can be picked, one
    at a time; the selection event is returned."""
    if frame.empty:
        empty(t("没有符合条件的记录。"))
        return None
    data = frame
    lights = [c for c in light_columns if c in frame.columns]
    if lights:
        # A Styler formats every cell itself: whole numbers with gaps would show as
        # "145.000000" and gaps as "None", so make them Int64 and show gaps as a dash.
        frame = _whole_numbers(frame)
        data = frame.style.map(_light_css, subset=lights).format(na_rep="—", precision=2)
    kwargs = dict(hide_index=True, width="stretch", height=height,
                  column_config={**_widths(frame, lights), **(column_config or {})})
    if select_key:
        kwargs.update(on_select="rerun", selection_mode=select_mode, key=select_key)
    return st.dataframe(data, **kwargs)


def _whole_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns holding only whole numbers and gaps, as nullable integers."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_float_dtype(values):
            present = values.dropna()
            if (present == present.round()).all():
                out[column] = values.astype("Int64")
        elif values.dtype == object:
            present = values.dropna()
            if len(present) and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
                out[column] = values.astype("Int64")
    return out


def _widths(frame: pd.DataFrame, lights: list[str]) -> dict:
    """Narrow number columns and cap long text columns (titles, decisions) so that every
    column stays in view at 1280 px; a cut text shows whole on hover."""
    config: dict = {c: st.column_config.TextColumn(width=120) for c in lights}
    for column in frame.columns:
        if column in config:
            continue
        if pd.api.types.is_numeric_dtype(frame[column]):
            # Narrow, but never narrower than its heading (about 17 px a Chinese character).
            config[column] = st.column_config.NumberColumn(width=max(72, 17 * len(str(column)) + 30))
            continue
        longest = frame[column].head(200).map(lambda v: len(str(v))).max()
        if longest and longest > 14:
            config[column] = st.column_config.TextColumn(width=260)
    return config


def empty(message: str) -> None:
    """What stands where a chart or table would be when there is nothing to show."""
    st.info(message, icon=":material/info:")


def wait_frame(items: Sequence, counterpart: str, since: str) -> pd.DataFrame:
    """Items waiting on an agency (:class:`data_access.queries.my_agency.WaitItem`) as a table:
    light, title, due date and days late first, then whom to call; ``counterpart`` and
    ``since`` name the other agency's and the start day's columns."""
    nature = {True: t("暂定"), False: t("正式")}
    return pd.DataFrame(
        [
            {
                t("亮灯"): light_text(i.light),
                t("事项"): i.title,
                t("期限"): day(i.due_on),
                t("超期天数"): i.days_late,
                counterpart: i.counterpart,
                t("编号"): i.number,
                t("联系人"): i.contact or "",
                t("联系电话"): i.phone or "",
                since: i.since.isoformat(),
                t("期限性质"): nature[i.provisional] if i.due_on else "",
            }
            for i in items
        ]
    )


def excel_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook, one sheet per frame. Every cell goes through
    :func:`data_access.inert.xlsx_cell`: text is a text cell, never a live formula, and text
    an old record holds that Excel cannot (control characters) does not break the export."""
    from openpyxl import Workbook

    from data_access.inert import xlsx_cell

    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        sheet = wb.create_sheet(name[:31])
        sheet.append([xlsx_cell(sheet, str(c)) for c in frame.columns])
        for values in frame.itertuples(index=False, name=None):
            sheet.append([xlsx_cell(sheet, _cell_value(v)) for v in values])
        for i, column in enumerate(frame.columns, start=1):
            values = [str(column), *(str(v) for v in frame[column].head(200))]
            width = max(len(v) for v in values)
            sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = min(60, 4 + width * 1.6)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _cell_value(value):
    """A frame's value as openpyxl takes it: no NaN / NaT / NA, plain Python numbers."""
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return None if pd.isna(value) else value.item()
    return value


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --------------------------------------------------------------------------- charts


def _layout(fig: go.Figure, *, title: str | None, x_title: str | None, y_title: str | None,
            height: int, legend: bool = True) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, font=dict(size=24)) if title else None,
        font=dict(family=FONT_FAMILY, size=CHART_FONT_PX, color="#111"),
        height=height,
        margin=dict(l=10, r=10, t=60 if title else 20, b=10),
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=legend,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, font=dict(size=18)),
        hoverlabel=dict(font=dict(family=FONT_FAMILY, size=18)),
    )
    fig.update_xaxes(title=dict(text=x_title, font=dict(size=20)), tickfont=dict(size=17),
                     gridcolor="#e5e5e5", automargin=True)
    fig.update_yaxes(title=dict(text=y_title, font=dict(size=20)), tickfont=dict(size=17),
                     gridcolor="#e5e5e5", automargin=True)
    return fig


def show_chart(fig: go.Figure, key: str | None = None) -> None:
    st.plotly_chart(fig, width="stretch", key=key, config={"displaylogo": False, "displayModeBar": False})


def stacked_bars(
    categories: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str | None,
    x_title: str | None,
    y_title: str | None,
    horizontal: bool = False,
    colors: Sequence[str] = SERIES,
    height: int = 460,
    empty_message: str | None = None,
    key: str | None = None,
    drill: Callable[[int, int], dict | None] | None = None,
) -> None:
    """A stacked bar chart, or ``empty_message`` when every value is zero.

    With ``drill``, a click on a bar opens the rows behind it: ``drill(category index,
    series index)`` gives the ledger's filter (:mod:`ui.drill`)."""
    if not categories or not any(v for values in series.values() for v in values):
        empty(empty_message or t("暂无数据。"))
        return
    fig = go.Figure()
    for (name, values), color in zip(series.items(), colors):
        if horizontal:
            fig.add_bar(y=list(categories), x=list(values), name=name, orientation="h", marker_color=color,
                        text=[v if v else "" for v in values], textposition="inside", textangle=0)
        else:
            fig.add_bar(x=list(categories), y=list(values), name=name, marker_color=color,
                        text=[v if v else "" for v in values], textposition="inside", textangle=0)
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    top = max(sum(values) for values in zip(*series.values()))
    if top <= 6:  # counts: no half-steps on a short axis
        (fig.update_xaxes if horizontal else fig.update_yaxes)(dtick=1, tick0=0)
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    _layout(fig, title=title, x_title=x_title, y_title=y_title, height=height, legend=len(series) > 1)
    if drill is None or key is None:
        show_chart(fig, key=key)
        return
    from ui import drill as drilling

    fig.update_layout(clickmode="event+select", dragmode=False)
    event = st.plotly_chart(fig, width="stretch", key=key, on_select="rerun", selection_mode="points",
                            config={"displaylogo": False, "displayModeBar": False})
    drilling.on_bar(key, event, drill)


# --------------------------------------------------------------------------- the map


def shade_classes(max_value: int) -> list[tuple[int, int]]:
    """Five equal classes from 0 to ``max_value`` as inclusive (low, high) bounds."""
    top = max(1, max_value)
    step = max(1, math.ceil(top / len(SHADES)))
    return [(i * step + (1 if i else 0), (i + 1) * step) for i in range(len(SHADES))]


def shade_for(value: int, classes: list[tuple[int, int]]) -> tuple[int, int, int]:
    for (low, high), colour in zip(classes, SHADES):
        if value <= high:
            return colour
    return SHADES[-1]


def _view(points: list[tuple[float, float]], width_px: int = 900, height_px: int = 520) -> pdk.ViewState:
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    lon_c, lat_c = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
    lon_span = max(max(lons) - min(lons), 0.01) * 1.15
    lat_span = max(max(lats) - min(lats), 0.01) * 1.15
    # Web-Mercator: at zoom z the world (360°) is 512·2^z pixels wide.
    z_lon = math.log2(width_px * 360 / (512 * lon_span))
    z_lat = math.log2(height_px * 360 / (512 * lat_span / math.cos(math.radians(lat_c))))
    return pdk.ViewState(longitude=lon_c, latitude=lat_c, zoom=min(z_lon, z_lat), pitch=0, bearing=0)


MAP_LAYERS = ("towns", "town_points")
"""The ids of the map's clickable layers (outlines and points); a click on either picks the town."""


def town_map(towns: Sequence, *, value: Callable = lambda town: town.backlog, height: int = 520,
             key: str | None = None, drill: Callable[[int], dict | None] | None = None) -> None:
    """Towns shaded by ``value`` (their backlog) on their own outlines, with labels and points.

    No base map: offices often have no internet, and the outlines, shading and labels carry
    the whole picture. Note for Streamlit 1.67: ``map_style=None`` there means "Streamlit's
    theme map", fetched from Carto's servers; leaving ``map_style`` unset (pydeck's own
    default) and ``map_provider=None`` is what draws no base map and fetches nothing.
    ``towns`` are :class:`data_access.queries.map.TownOnMap`.

    With ``drill`` (and ``key``), a click on a town opens the rows behind its figure:
    ``drill(the town's agency id)`` gives the ledger's filter (:mod:`ui.drill`).
    """
    placed = [tw for tw in towns if tw.outline or (tw.lon is not None and tw.lat is not None)]
    if not placed:
        empty(t("没有可在地图上显示的镇街（缺少经纬度或边界）。"))
        return
    classes = shade_classes(max(value(tw) for tw in placed))
    rows = []
    for tw in placed:
        outline = tw.outline or []
        lon = tw.lon if tw.lon is not None else sum(p[0] for p in outline) / len(outline)
        lat = tw.lat if tw.lat is not None else sum(p[1] for p in outline) / len(outline)
        v = value(tw)
        rows.append(
            {
                "agency_id": tw.agency_id,
                "name": html_text(tw.name),  # the tooltip is HTML; the labels below are plain text
                "text": f"{tw.label}\n{v}",
                "polygon": outline,
                "lon": lon,
                "lat": lat,
                "backlog": v,
                "awaiting_ack": tw.awaiting_ack,
                "overdue": tw.overdue_ack,
                "awaiting_result": tw.awaiting_result,
                "fill": [*shade_for(v, classes), 210],
                "point": [166, 61, 0, 235] if tw.overdue_ack else [0, 107, 79, 235],
                "radius": 5 + min(14, tw.overdue_ack),
            }
        )
    points = [(r["lon"], r["lat"]) for r in rows]
    for r in rows:
        points.extend((p[0], p[1]) for p in r["polygon"])
    outlined = {"stroked": True, "line_width_min_pixels": 2, "pickable": True}  # the towns' shapes and points
    layers = [
        pdk.Layer("PolygonLayer", [r for r in rows if r["polygon"]], id=MAP_LAYERS[0], get_polygon="polygon",
                  get_fill_color="fill", get_line_color=[40, 40, 40], filled=True, **outlined),
        pdk.Layer(
            "ScatterplotLayer", rows, id=MAP_LAYERS[1], get_position=["lon", "lat"], get_fill_color="point",
            get_radius="radius",
            get_line_color=[255, 255, 255],
            radius_units="'pixels'",  # pydeck reads bare strings as accessors: quote constants
            **outlined,
        ),
        pdk.Layer(
            "TextLayer",
            rows,
            get_position=["lon", "lat"],
            get_text="text",
            get_size=17,
            get_color=[0, 0, 0],
            get_pixel_offset=[0, -30],
            font_family=f"'{MAP_FONT}'",
            font_weight=700,
            character_set="'auto'",  # every character in the data, Chinese included
            outline_width=4,
            outline_color=[255, 255, 255],
            font_settings={"sdf": True},
            get_text_anchor="'middle'",
            get_alignment_baseline="'center'",
        ),
    ]
    tooltip = {
        "html": (
            "<b>{name}</b><br/>"
            f"{t('积压合计')}: {{backlog}}<br/>"
            f"{t('待受理告知')}: {{awaiting_ack}}（{t('超期')} {{overdue}}）<br/>"
            f"{t('待反馈结果')}: {{awaiting_result}}"
        ),
        "style": {"fontSize": "16px", "fontFamily": MAP_FONT, "backgroundColor": "#222", "color": "#fff"},
    }
    deck = pdk.Deck(
        layers=layers,
        initial_view_state=_view(points, height_px=height),
        map_provider=None,
        tooltip=tooltip,
        parameters={"clearColor": [0.93, 0.95, 0.97, 1]},
    )
    if drill is None or key is None:
        st.pydeck_chart(deck, height=height, width="stretch")
    else:
        from ui import drill as drilling

        event = st.pydeck_chart(deck, height=height, width="stretch", on_select="rerun",
                                selection_mode="single-object", key=key)
        drilling.on_pick(key, event, MAP_LAYERS, lambda town: drill(int(town["agency_id"])))
    legend = "".join(
        f'<span><span class="sw" style="background:rgb{colour}"></span>{low if low == high else f"{low}–{high}"}</span>'
        for (low, high), colour in zip(classes, SHADES)
    )
    dots = (
        f'<span><span class="sw" style="background:{LIGHT_COLORS[Light.RED]};border-radius:50%"></span>'
        f"{t('有超期未受理告知')}</span>"
        f'<span><span class="sw" style="background:{LIGHT_COLORS[Light.GREEN]};border-radius:50%"></span>'
        f"{t('无超期')}</span>"
    )
    st.html(f'<div class="jm-legend"><b>{t("积压件数")}</b>{legend}{dots}</div>')


# --------------------------------------------------------------------------- small helpers


def day(d: date | None) -> str:
    return d.isoformat() if d else ""


def download_excel(label: str, make: Callable[[], bytes], file_name: str, key: str) -> None:
    """A download button whose workbook is built only when clicked."""
    st.download_button(label, data=make, file_name=file_name, mime=XLSX_MIME, key=key,
                       icon=":material/download:", on_click="ignore")


def matter_counts(grouped) -> None:
    """Referrals grouped by their matter in the responsibility list (``referrals_by_matter``),
    with how many went elsewhere than the list says."""
    if not grouped:
        empty(t("暂无移送案件。"))
        return
    table(pd.DataFrame([
        {t("事项"): g.matter or t("（未选事项）"), t("移送件数"): g.referrals, t("未按清单移送"): g.against_list}
        for g in grouped
    ]))
