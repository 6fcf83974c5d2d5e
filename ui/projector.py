"""Projector mode: what the chair's second screen shows, drawn for the back of the room.

The layout is made for a 1280×720 projector: the whole width, body text of 28 px (never
below 24 px), key figures of 72 px, black on white or white on a dark colour (contrast well
above 7:1), nothing that needs the mouse. Every light and the overrun clock show a symbol
or words as well as a colour.

It also holds the meeting pages' clock (:func:`today`, :func:`now`): the one place the
meeting pages read the time from, so a page test can set the day without touching the
system clock (``monkeypatch.setattr(ui.projector, "today", ...)``).
"""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st

from data_access.queries.meetings import AgencyOverdue, DecisionRow, DisputePanel, NoteRow, ProjectorState
from rules import lifecycle
from rules.lights import LIGHT_COLORS, LIGHT_SYMBOLS, LIGHT_TEXT_COLORS, Light
from ui.components import html_text
from ui.i18n import lang, t

BODY_PX = 28
SMALL_PX = 24  # the smallest text on the projector
FIGURE_PX = 72
TITLE_PX = 48
INK = "#111111"
PAPER = "#FFFFFF"
ACCENT = "#0B3D91"  # dark blue bars: white text on it has a contrast of about 11:1
OVERRUN = "#A63D00"  # rules.lights' red: white text on it passes 4.5:1

_CSS = f"""
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] {{ display: none !important; }}
.stMainBlockContainer, .block-container {{ max-width: 100% !important; padding: 0.6rem 1.4rem 1rem !important; }}
.jm-proj {{ font-family: 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif;
           color: {INK}; background: {PAPER}; font-size: {BODY_PX}px; line-height: 1.35; }}
.jm-proj * {{ font-size: inherit; }}
.jm-proj .bar {{ display: flex; justify-content: space-between; align-items: center; gap: 24px;
                background: {ACCENT}; color: #FFFFFF; padding: 10px 22px; border-radius: 8px; }}
.jm-proj .bar .meeting {{ font-size: {BODY_PX}px; font-weight: 700; white-space: nowrap; overflow: hidden;
                          text-overflow: ellipsis; min-width: 0; }}
.jm-proj .bar .pos {{ font-size: {BODY_PX}px; white-space: nowrap; }}
.jm-proj .clock {{ font-size: {FIGURE_PX}px; font-weight: 800; font-variant-numeric: tabular-nums;
                  line-height: 1; padding: 6px 18px; border-radius: 8px; background: #FFFFFF; color: {INK};
                  white-space: nowrap; }}
.jm-proj .clock.over {{ background: {OVERRUN}; color: #FFFFFF; }}
.jm-proj .clock small {{ font-size: {SMALL_PX}px; font-weight: 700; margin-left: 10px; }}
.jm-proj .item-title {{ font-size: {TITLE_PX}px; font-weight: 800; margin: 12px 0 4px; padding: 0; line-height: 1.2;
                    color: {INK}; }}
.jm-proj .meta {{ font-size: {SMALL_PX}px; color: #333333; margin-bottom: 12px; }}
.jm-proj .figures {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 16px;
                    margin: 8px 0 10px; }}
.jm-proj .figure {{ border: 3px solid {INK}; border-radius: 10px; padding: 2px 16px; min-width: 0; }}
.jm-proj .figure .num {{ font-size: {FIGURE_PX}px; font-weight: 800; line-height: 1.05; }}
.jm-proj .figure .lbl {{ font-size: {SMALL_PX}px; font-weight: 600; }}
.jm-proj .figure.alert {{ border-color: {OVERRUN}; }}
.jm-proj .figure.alert .num {{ color: {OVERRUN}; }}
.jm-proj table {{ border-collapse: collapse; width: 100%; margin: 4px 0 12px; }}
.jm-proj th, .jm-proj td {{ border-bottom: 2px solid #999999; padding: 2px 8px; text-align: left;
                           font-size: {SMALL_PX}px; }}
.jm-proj th {{ background: #E8E8E8; font-weight: 700; }}
.jm-proj td.n, .jm-proj th.n {{ text-align: right; font-weight: 700; font-variant-numeric: tabular-nums;
                                 white-space: nowrap; }}
.jm-proj td.k {{ white-space: nowrap; }}
.jm-proj .h2 {{ font-size: {BODY_PX}px; font-weight: 800; margin: 8px 0 4px; padding: 0; color: {INK}; }}
.jm-proj ol, .jm-proj ul {{ margin: 4px 0 8px 1.4em; padding: 0; }}
.jm-proj li {{ font-size: {BODY_PX}px; margin: 4px 0; }}
.jm-proj .muted {{ color: #333333; font-size: {SMALL_PX}px; }}
.jm-proj .light {{ display: inline-block; padding: 0 10px; border-radius: 6px; font-weight: 700; }}
.jm-proj .cols {{ display: grid; grid-template-columns: 2fr 1fr; gap: 26px; }}
.jm-proj .panels {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(400px, 1fr)); gap: 0 24px; }}
.jm-proj ol.outline li {{ font-size: {SMALL_PX}px; }}
.jm-proj ol.outline li.now {{ font-weight: 800; }}
.jm-proj ol.outline li.past {{ color: #444444; }}
.jm-proj .decision {{ border-left: 8px solid {ACCENT}; padding: 4px 14px; margin: 8px 0; background: #F2F5FA; }}
.jm-proj .big {{ font-size: {TITLE_PX}px; font-weight: 800; }}
</style>
"""


# --------------------------------------------------------------------------- the clock


def today() -> date:
    """Today, as the meeting pages see it."""
    return date.today()


def now() -> datetime:
    """The current time, as the meeting pages see it (whole seconds)."""
    return datetime.now().replace(microsecond=0)


# --------------------------------------------------------------------------- pieces


def style() -> None:
    """Full-width projector styles, sidebar and toolbar hidden (call once per page run)."""
    st.html(_CSS)


def _slide(inner: str, phase: str) -> None:
    st.markdown(f'<div class="jm-proj" data-testid="jm-projector" data-phase="{phase}">{inner}</div>',
                unsafe_allow_html=True)


def _e(text) -> str:
    return html_text(text)


def _light(light: Light | str | None) -> str:
    if not light:
        return ""
    light = Light(light)
    words = {Light.GREEN: t("正常"), Light.YELLOW: t("临期"), Light.RED: t("逾期")}[light]
    return (f'<span class="light" style="background:{LIGHT_COLORS[light]};color:{LIGHT_TEXT_COLORS[light]}">'
            f"{LIGHT_SYMBOLS[light]} {words}</span>")


def _figure(number, label: str, *, alert: bool = False) -> str:
    return (f'<div class="figure{" alert" if alert else ""}"><div class="num">{_e(number)}</div>'
            f'<div class="lbl">{_e(label)}</div></div>')


def _bar(state: ProjectorState, right: str) -> str:
    m = state.meeting
    return (f'<div class="bar"><div class="meeting">{_e(m.title)} · {_e(m.number)}</div>{right}</div>')


def _clock(state: ProjectorState) -> str:
    clock = state.clock
    if clock is None:
        return ""
    over = clock.overrun
    note = f"<small>{t('已超时')}</small>" if over else f"<small>{t('剩余')}</small>"
    return (f'<div class="clock{" over" if over else ""}" data-testid="jm-clock" '
            f'data-remaining="{clock.remaining_seconds}">{"⚠ " if over else ""}{clock.label}{note}</div>')


def _co(d: DecisionRow) -> str:
    return f"；{t('配合')}：{_e('、'.join(d.co_agencies))}" if d.co_agencies else ""


def _decision_block(d: DecisionRow, *, numbered: str = "") -> str:
    return (f'<div class="decision">{numbered}{_e(d.text)}<div class="muted">{t("牵头")}：{_e(d.lead_agency)}'
            f'{_co(d)}；{t("完成时限")}：{d.due_on.isoformat()}</div></div>')


def _overdue_panel(a: AgencyOverdue, limit: int = 8) -> str:
    shown = a.rows[:limit]
    rows = "".join(
        f"<tr><td class='k'>{_e(r.number)}</td><td>{_e(r.from_agency)}</td><td class='n'>{r.days_late}</td></tr>"
        for r in shown
    )
    more = a.count - len(shown)
    tail = f'<div class="muted">{t("另有 {n} 件未列出", n=more)}</div>' if more > 0 else ""
    head = f"<tr><th>{t('移送编号')}</th><th>{t('移送单位')}</th><th class='n'>{t('超期天数')}</th></tr>"
    body = f"<table>{head}{rows}</table>{tail}" if shown else f'<div class="muted">{t("目前没有超期未受理的移送。")}</div>'
    return f"<div><div class='h2'>{_e(a.name)}</div>{body}</div>"


def _dispute_panel(d: DisputePanel) -> str:
    steps = "".join(
        f"<li>{s.entered_on.isoformat()} {_e(lifecycle.status_label('dispute', s.stage, lang()))}"
        f"{' — ' + _e(s.note) if s.note else ''}</li>"
        for s in d.history
    )
    parties = "、".join(d.parties)
    handler = f"；{t('先行处置')}：{_e(d.interim_handler)}" if d.interim_handler else ""
    return (f"<div><div class='h2'>{_e(d.number)} {_e(d.subject)}</div>"
            f'<div class="muted">{t("争议各方")}：{_e(parties)}{handler}</div><ol>{steps}</ol></div>')


def _followed_panel(d: DecisionRow, notes: tuple[NoteRow, ...]) -> str:
    items = "".join(f"<li>{n.on.isoformat()} {_e(n.agency or n.username)}：{_e(n.note)}</li>" for n in notes)
    progress = f"<ul>{items}</ul>" if items else f'<div class="muted">{t("尚无进展报告。")}</div>'
    return (f"<div><div class='h2'>{_e(d.meeting_number)} {t('议定事项')} {_light(d.light)}</div>"
            f'<div class="decision">{_e(d.text)}<div class="muted">{t("牵头")}：{_e(d.lead_agency)}{_co(d)}；'
            f'{t("完成时限")}：{d.due_on.isoformat()}</div></div>{progress}</div>')


# --------------------------------------------------------------------------- slides


def render(state: ProjectorState | None) -> None:
    """Draw the slide for the meeting's current state."""
    if state is None:
        st.markdown(f'<div class="jm-proj"><p class="big">{t("目前没有进行中的联席会议。")}</p>'
                    f'<p>{t("会议开始后，本屏幕将自动显示当前议题。")}</p></div>', unsafe_allow_html=True)
        return
    _slide({"waiting": _waiting, "item": _item, "closing": _closing}[state.phase](state), state.phase)


def _waiting(state: ProjectorState) -> str:
    m = state.meeting
    when = m.held_on.isoformat() + (f" {m.start_time}" if m.start_time else "")
    items = "".join(f"<li>{_e(i.title)} <span class='muted'>（{i.minutes} {t('分钟')}）</span></li>"
                    for i in state.agenda)
    status = lifecycle.status_label("meeting", m.status, lang())
    return (_bar(state, f'<div class="pos">{_e(status)}</div>')
            + f'<div class="item-title">{_e(m.title)}</div>'
            + f'<div class="meta">{_e(when)}{" · " + _e(m.place) if m.place else ""}'
            + f'{" · " + t("主持") + "：" + _e(m.chair_name) if m.chair_name else ""}</div>'
            + f"<div class='h2'>{t('会议议程')}</div><ol>{items}</ol>")


def _outline(state: ProjectorState) -> str:
    """The running order, the current item marked, so the room knows where it is."""
    rows = []
    for n, i in enumerate(state.agenda, start=1):
        mark = "▶ " if state.item and i.id == state.item.id else ""
        cls = "now" if mark else ("past" if state.position and n < state.position else "")
        rows.append(f'<li class="{cls}">{mark}{_e(i.title)}</li>')
    return f"<div class='h2'>{t('会议议程')}</div><ol class=\"outline\">{''.join(rows)}</ol>"


def _item(state: ProjectorState) -> str:
    item = state.item
    pos = f'<div class="pos">{t("议题")} {state.position} / {len(state.agenda)}</div>'
    head = _bar(state, pos + _clock(state))
    meta = [lifecycle.label(lifecycle.AGENDA_KIND_LABELS, item.kind, lang())]
    if item.submitting_agency:
        meta.append(f"{t('提交单位')}：{item.submitting_agency}")
    if item.presenter:
        meta.append(f"{t('汇报人')}：{item.presenter}")
    meta.append(f"{t('时长')} {item.minutes} {t('分钟')}")
    figures = [_figure(a.count, f"{a.name} {t('超期未受理')}", alert=a.count > 0) for a in state.agencies]
    worst = max((a.oldest_days_late for a in state.agencies), default=0)
    if worst:
        figures.append(_figure(worst, t("最长超期天数"), alert=True))
    for d in state.disputes:
        stage = lifecycle.status_label("dispute", d.stage, lang())
        figures.append(_figure(d.days_in_stage, t("“{stage}”阶段已停留天数", stage=stage), alert=True))
    for d in state.followed:
        if d.status != "open":
            figures.append(_figure("✓", f"{d.meeting_number} {t('已完成')}"))
        elif d.light == Light.RED:
            figures.append(_figure(d.days_late, f"{d.meeting_number} {t('逾期天数')}", alert=True))
        else:
            figures.append(_figure(d.notes, f"{d.meeting_number} {t('进展报告数')}"))
    if not figures or state.decisions:
        figures.append(_figure(len(state.decisions), t("本议题已议定事项")))
    rows = 8 if len(state.agencies) <= 1 else 5
    panels = [_overdue_panel(a, rows) for a in state.agencies]
    panels += [_dispute_panel(d) for d in state.disputes]
    panels += [_followed_panel(d, state.followed_notes.get(d.id, ())) for d in state.followed]
    decided = "".join(_decision_block(d, numbered=f"{k}. ") for k, d in enumerate(state.decisions, start=1))
    # The live figures take two thirds of the width; the decisions taken so far on this
    # item (or, before the first one, the running order) take the last third.
    side = f"<div class='h2'>{t('本议题议定事项')}</div>{decided}" if decided else _outline(state)
    main = f'<div class="panels">{"".join(panels)}</div>' if panels else ""
    body = f'<div class="cols"><div>{main}</div><div>{side}</div></div>' if side else main
    return (head + f'<div class="item-title" data-testid="jm-item-title">{_e(item.title)}</div>'
            + f'<div class="meta">{_e(" · ".join(meta))}</div>'
            + f'<div class="figures">{"".join(figures)}</div>' + body)


def _closing(state: ProjectorState) -> str:
    blocks = "".join(_decision_block(d, numbered=f"{k}. ") for k, d in enumerate(state.decisions, start=1))
    if not blocks:
        blocks = f'<p class="muted">{t("本次会议未形成议定事项。")}</p>'
    figures = _figure(len(state.decisions), t("议定事项")) + _figure(
        len({a for d in state.decisions for a in d.agency_ids}), t("责任单位"))
    return (_bar(state, f'<div class="pos">{t("会议小结")}</div>')
            + f'<div class="item-title" data-testid="jm-item-title">{t("本次会议议定事项")}</div>'
            + f'<div class="figures">{figures}</div>{blocks}')
