"""Projector mode: what the chair's second screen shows, drawn for the back of the room.

Every slide is laid out for a 1280×720 projector first and scales with the screen: sizes are
fractions of ``--u`` (a hundredth of the width, or of 16/9 of the height if that is smaller),
with floors of 24 px for any text and 64 px for key figures, so a slide that fits at 720p
fits at 1080p. Nothing falls below the fold and nothing is cut: a list longer than its place
shows its first rows and "另有 N 项" (``rules.slides.condense``). Black on white or white on
dark blue (contrast above 7:1); every light and the overrun clock carry a symbol or words.

The countdown is a tiny HTML component (:func:`countdown_html`) that ticks every second in
the browser; the page itself only polls a small fingerprint of the meeting and redraws when
it changes, and the CSS keeps Streamlit from dimming the slide while a run is under way.

It also holds the meeting pages' clock (:func:`today`, :func:`now`): the one place the
meeting pages read the time from, so a page test can set the day without touching the
system clock (``monkeypatch.setattr(ui.projector, "today", ...)``).
"""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st

from data_access.queries.meetings import DecisionRow, MeetingRow, NoteRow, ProjectorState
from rules import lifecycle
from rules.lights import LIGHT_COLORS, LIGHT_SYMBOLS, LIGHT_TEXT_COLORS, Light
from rules.meetings import Countdown
from rules.slides import PANEL_LINES, RED_LIST_NAME, condense, ends, mmss, shorten
from ui.components import html_text
from ui.i18n import lang, t

INK = "#111111"
PAPER = "#FFFFFF"
ACCENT = "#0B3D91"  # dark blue bars: white text on it has a contrast of about 11:1
OVERRUN = "#A63D00"  # rules.lights' red: white text on it passes 4.5:1
# Sizes at 1280×720 (u = 12.8 px): body 25 px, titles 37 px, figures 66 px, the bar 96 px.
BODY = "max(24px, calc(var(--u) * 1.95))"
FIGURE = "max(64px, calc(var(--u) * 5.1))"
TITLE = "max(32px, calc(var(--u) * 2.9))"
BAR_H = "max(96px, calc(var(--u) * 7.5))"
CLOCK_W = "max(310px, calc(var(--u) * 24.2))"
PAD = "calc(var(--u) * 1.1)"

_CSS = f"""
<style>
:root {{ --u: min(1vw, 1.7778vh); }}
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] {{ display: none !important; }}
/* The demo banner becomes a small corner mark (see demo_mark). */
[data-testid="stElementContainer"]:has(.jm-demo) {{ display: none !important; }}
.stMainBlockContainer, .block-container {{ max-width: 100% !important; padding: {PAD} {PAD} 0 !important; }}
.stMainBlockContainer [data-testid="stVerticalBlock"] {{ gap: 0 !important; }}
/* A run in progress never dims the slide (Streamlit fades elements it is redrawing). */
[data-stale], [data-stale] * , .stale-element {{ opacity: 1 !important; transition: none !important; filter: none !important; }}
.st-key-jm_clock {{ position: fixed !important; top: {PAD}; right: {PAD}; width: {CLOCK_W} !important;
                   height: {BAR_H}; z-index: 999; }}
.st-key-jm_clock iframe {{ width: 100% !important; height: {BAR_H} !important; border: 0; display: block; }}
.st-key-jm_clock [data-testid="stElementContainer"] {{ margin: 0 !important; }}
.st-key-jm_keys {{ display: none !important; }}
/* The login cookie's frame (streamlit-authenticator, key "init") keeps working off screen. */
.st-key-init {{ position: fixed !important; top: -200px; left: 0; }}
.jm-proj {{ font-family: 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif;
           color: {INK}; background: {PAPER}; font-size: {BODY}; line-height: 1.3; }}
.jm-proj * {{ font-size: inherit; line-height: inherit; }}
.jm-proj .bar {{ display: flex; flex-direction: column; justify-content: center; height: {BAR_H};
                box-sizing: border-box; background: {ACCENT}; color: #FFFFFF; border-radius: 8px;
                padding: 0 calc({CLOCK_W} + {PAD}) 0 {PAD}; }}
.jm-proj .bar .meeting {{ font-weight: 700; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.jm-proj .bar .meeting, .jm-proj .meta, .jm-proj .figure .lbl, .jm-proj .h2 {{ line-height: 1.45; }}
.jm-proj .bar .pos {{ white-space: nowrap; }}
.jm-proj .clockbox {{ display: none; }}
.jm-proj .item-title {{ font-size: {TITLE}; font-weight: 800; margin: 0.25em 0 0; line-height: 1.2; color: {INK}; }}
.jm-proj .meta {{ color: #333333; margin: 0 0 0.2em; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.jm-proj .figures {{ display: flex; gap: calc(var(--u) * 1.2); margin: 0.15em 0 0.3em; }}
.jm-proj .figure {{ border: 3px solid {INK}; border-radius: 10px; padding: 0 calc(var(--u) * 1.1); min-width: 0;
                   flex: 0 0 calc((100% - var(--u) * 3.6) / 4); box-sizing: border-box; }}
.jm-proj .figure .num {{ font-size: {FIGURE}; font-weight: 800; line-height: 1.05; white-space: nowrap; }}
.jm-proj .figure .lbl {{ font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.jm-proj .figure.alert {{ border-color: {OVERRUN}; }}
.jm-proj .figure.alert .num {{ color: {OVERRUN}; }}
.jm-proj table {{ border-collapse: collapse; width: 100%; margin: 0; }}
.jm-proj th, .jm-proj td {{ border-bottom: 2px solid #999999; padding: 0 0.3em; text-align: left; white-space: nowrap; }}
.jm-proj th {{ background: #E8E8E8; font-weight: 700; }}
.jm-proj td.n, .jm-proj th.n {{ text-align: right; font-weight: 700; font-variant-numeric: tabular-nums; }}
.jm-proj td.w {{ white-space: normal; }}
.jm-proj .h2 {{ font-weight: 800; margin: 0.2em 0 0.1em; color: {INK}; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.jm-proj ol, .jm-proj ul {{ margin: 0 0 0 1.3em; padding: 0; }}
.jm-proj li {{ margin: 0; }}
.jm-proj .muted {{ color: #333333; }}
.jm-proj .more {{ color: #333333; font-style: italic; }}
.jm-proj .light {{ display: inline-block; padding: 0 0.3em; border-radius: 6px; font-weight: 700; }}
.jm-proj .grid2 {{ display: grid; grid-template-columns: 1fr 1fr; gap: 0 calc(var(--u) * 2); }}
.jm-proj .grid3 {{ display: grid; grid-template-columns: 1fr 1fr 1.25fr; gap: 0 calc(var(--u) * 2); }}
.jm-proj .grid2 > div, .jm-proj .grid3 > div {{ min-width: 0; }}
.jm-proj ol.outline li.now {{ font-weight: 800; }}
.jm-proj ol.outline li.past {{ color: #444444; }}
.jm-proj .decision {{ border-left: 8px solid {ACCENT}; padding: 0 0.5em; margin: 0.2em 0; background: #F2F5FA; }}
.jm-proj .path {{ display: flex; flex-wrap: wrap; gap: 0.3em; margin: 0.2em 0; }}
.jm-proj .step {{ border: 3px solid #777777; border-radius: 8px; padding: 0 0.4em; color: #333333; }}
.jm-proj .step.done {{ border-color: {INK}; color: {INK}; }}
.jm-proj .step.now {{ border-color: {OVERRUN}; background: {OVERRUN}; color: #FFFFFF; font-weight: 800; }}
.jm-proj .big {{ font-size: {TITLE}; font-weight: 800; }}
.jm-corner {{ position: fixed; bottom: 4px; z-index: 999; font-size: 14px; padding: 1px 8px; border-radius: 4px;
             background: rgba(255,255,255,.85); color: #555555; }}
.jm-corner.demo {{ left: 6px; }}
.jm-corner.exit {{ right: 6px; }}
.jm-corner.exit a {{ color: #555555; text-decoration: none; }}
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
    """Full-width projector styles, sidebar, toolbar and banner hidden (once per page run)."""
    st.html(_CSS)


def corner_marks(*, demo: bool, leave_to: str) -> str:
    """The small corner marks: 演示模式 in demo mode, and the one-click way out."""
    out = f'<div class="jm-corner exit"><a href="{html_text(leave_to)}" target="_self">✕ {t("退出投影")}</a></div>'
    if demo:
        out += f'<div class="jm-corner demo">{t("演示模式")}</div>'
    return out


def clock_key(meeting: MeetingRow) -> str:
    """Names one showing of one item: the clock of a remounted frame carries on from it."""
    started = meeting.item_started_at.isoformat() if meeting.item_started_at else ""
    return f"{meeting.id}:{meeting.current_item_id}:{started}"


def countdown_html(clock: Countdown | None, key: str = "") -> str | None:
    """The ticking ``mm:ss`` of the item on screen, as a tiny page of its own: it counts down
    in the browser from the seconds left when drawn, and turns red with "已超时" once over.
    The end is kept in the browser's session storage under ``key`` (:func:`clock_key`), so a
    frame Streamlit mounts again with the same HTML goes on from where the clock was instead
    of starting over. None when no item is on screen."""
    if clock is None:
        return None
    left = clock.remaining_seconds
    words = (t("剩余"), t("已超时"))
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
html,body{{margin:0;height:100%;overflow:hidden;background:transparent;}}
#c{{box-sizing:border-box;height:100%;display:flex;align-items:center;justify-content:center;gap:4vh;
   background:#FFFFFF;color:{INK};border:4px solid {ACCENT};border-radius:8px;
   font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;}}
#t{{font-size:70vh;font-weight:800;font-variant-numeric:tabular-nums;line-height:1;white-space:nowrap;}}
#w{{font-size:26vh;font-weight:700;white-space:nowrap;}}
#c.over{{background:{OVERRUN};color:#FFFFFF;border-color:{OVERRUN};}}
</style></head><body><div id="c" data-testid="jm-countdown"><span id="t">{mmss(left)}</span><span id="w"></span></div>
<script>
let end = Date.now() + ({left}) * 1000;
try {{  // the same showing of the same item: keep the end first drawn
  const k = "jm-clock:" + {key!r}, kept = Number(sessionStorage.getItem(k));
  if (kept) end = kept; else sessionStorage.setItem(k, String(end));
}} catch (e) {{}}
const pad = n => String(n).padStart(2, "0");
const box = document.getElementById("c"), digits = document.getElementById("t");
let shown = "";
function tick() {{
  const left = Math.round((end - Date.now()) / 1000), a = Math.abs(left);
  const text = (left < 0 ? "+" : "") + pad(Math.floor(a / 60)) + ":" + pad(a % 60);
  digits.textContent = text;
  document.getElementById("w").textContent = left < 0 ? {words[1]!r} : {words[0]!r};
  box.className = left < 0 ? "over" : "";
  if (text.length !== shown.length) {{  // "+mm:ss", or an hour and more over: shrink to fit the box
    shown = text;
    for (let size = 70; size >= 30; size -= 4) {{
      digits.style.fontSize = size + "vh";
      if (box.scrollWidth <= box.clientWidth) break;
    }}
  }}
}}
tick(); setInterval(tick, 250);
</script></body></html>"""


def slide_html(state: ProjectorState | None) -> str:
    """The slide for the meeting's current state, as one block of HTML."""
    if state is None:
        return (f'<div class="jm-proj" data-testid="jm-projector" data-phase="none"><p class="big">'
                f'{t("目前没有进行中的联席会议。")}</p><p>{t("会议开始后，本屏幕将自动显示当前议题。")}</p></div>')
    inner = {"waiting": _waiting, "item": _item, "closing": _closing}[state.phase](state)
    return f'<div class="jm-proj" data-testid="jm-projector" data-phase="{state.phase}">{inner}</div>'


def render(state: ProjectorState | None) -> None:
    """Draw the slide (without the ticking clock: see :func:`countdown_html`)."""
    st.markdown(slide_html(state), unsafe_allow_html=True)


def _e(text) -> str:
    return html_text(text)


def _more(n: int, what: str = "项") -> str:
    return f'<div class="more">{t("另有 {n} " + what, n=n)}</div>' if n > 0 else ""


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


def _figures(figures: list[str]) -> str:
    return f'<div class="figures">{"".join(figures[:4])}</div>' if figures else ""


def _bar(state: ProjectorState, right: str) -> str:
    m = state.meeting
    clock = ""
    if state.clock is not None:  # the ticking clock is drawn over the bar's right end
        clock = (f'<span class="clockbox" data-testid="jm-clock" data-remaining="{state.clock.remaining_seconds}">'
                 f"</span>")
    return (f'<div class="bar"><div class="meeting">{_e(m.title)} · {_e(m.number)}</div>'
            f'<div class="pos">{right}</div>{clock}</div>')


def _co(d: DecisionRow) -> str:
    return f"；{t('配合')}：{_e('、'.join(d.co_agencies))}" if d.co_agencies else ""


def _decision_block(d: DecisionRow, *, numbered: str = "") -> str:
    return (f'<div class="decision">{numbered}{_e(d.text)}<div class="muted">{t("牵头")}：{_e(d.lead_agency)}'
            f'{_co(d)}；{t("完成时限")}：{d.due_on.isoformat()}</div></div>')


def _hour(hhmm: str) -> str:
    """``14:30`` as ``14时30分``: the only mm:ss-like text on a projector is its countdown."""
    try:
        h, m = (int(x) for x in hhmm.split(":"))
    except ValueError:
        return hhmm
    return t("{h}时{m:02d}分", h=h, m=m)


def _title(text: str, meta: list[str]) -> str:
    return (f'<div class="item-title" data-testid="jm-item-title">{_e(text)}</div>'
            + (f'<div class="meta">{_e(" · ".join(meta))}</div>' if meta else ""))


# --------------------------------------------------------------------------- slides

LINES = PANEL_LINES  # lines of body text under the figures (rules.slides)


def _outline(state: ProjectorState, lines: int) -> str:
    """The running order, the current item marked, so the room knows where it is."""
    rows = []
    for n, i in enumerate(state.agenda, start=1):
        mark = "▶ " if state.item and i.id == state.item.id else ""
        cls = "now" if mark else ("past" if state.position and n < state.position else "")
        rows.append(f'<li class="{cls}" value="{n}">{mark}{_e(i.title)} <span class="muted">'
                    f'（{i.minutes} {t("分钟")}）</span></li>')
    shown, more = condense(rows, lines - 1)
    return f"<div class='h2'>{t('会议议程')}</div><ol class=\"outline\">{''.join(shown)}</ol>{_more(more)}"


def _waiting(state: ProjectorState) -> str:
    m = state.meeting
    when = m.held_on.isoformat() + (f" {_hour(m.start_time)}" if m.start_time else "")
    meta = [when] + ([m.place] if m.place else []) + ([f"{t('主持')}：{m.chair_name}"] if m.chair_name else [])
    status = lifecycle.status_label("meeting", m.status, lang())
    return _bar(state, _e(status)) + _title(m.title, meta) + _outline(state, LINES + 3)


def _overdue_body(state: ProjectorState, cols: int) -> str:
    if len(state.agencies) > cols:  # many agencies: one list, most days late first, in two columns
        rows = sorted(((a.name, r) for a in state.agencies for r in a.rows), key=lambda x: -x[1].days_late)
        hidden = sum(a.count for a in state.agencies) - len(rows)
        per = LINES - 1
        shown, more = condense(rows, per * (2 if cols > 1 else 1))
        head = f"<tr><th>{t('接收单位')}</th><th>{t('移送编号')}</th><th class='n'>{t('超期天数')}</th></tr>"
        tables = ["<table>" + head + "".join(
            f"<tr><td>{_e(name)}</td><td>{_e(r.number)}</td><td class='n'>{r.days_late}</td></tr>"
            for name, r in part) + "</table>" for part in (shown[:per], shown[per:]) if part]
        grid = f'<div class="grid2">{"".join(f"<div>{x}</div>" for x in tables)}</div>' if cols > 1 else "".join(tables)
        return grid + _more(more + hidden, "件")
    agencies, hidden = state.agencies, 0
    panels = []
    for a in agencies:
        rows, more = condense(list(a.rows), LINES - 2)
        more += max(a.count - len(a.rows), 0)
        body = "".join(f"<tr><td>{_e(r.number)}</td><td class='n'>{r.days_late}</td></tr>" for r in rows)
        table = (f"<table><tr><th>{t('移送编号')}</th><th class='n'>{t('超期天数')}</th></tr>{body}</table>"
                 if rows else f'<div class="muted">{t("目前没有超期未受理的移送。")}</div>')
        panels.append(f"<div><div class='h2'>{_e(a.name)}</div>{table}{_more(more, '件')}</div>")
    grid = "grid3" if len(panels) == 3 else "grid2"
    return f'<div class="{grid}">{"".join(panels)}</div>' + _more(hidden, "个单位")


def _dispute_body(state: ProjectorState, cols: int) -> str:
    disputes, hidden = condense(list(state.disputes), 1) if len(state.disputes) > 1 else (state.disputes, 0)
    out = []
    for d in disputes:
        entered = {}
        for s in d.history:
            entered.setdefault(s.stage, s.entered_on)
        steps = []
        for stage in lifecycle.DISPUTE_STAGES:
            if stage not in entered and stage != d.stage:
                continue
            cls = "now" if stage == d.stage else "done"
            on = entered.get(stage)
            steps.append(f'<span class="step {cls}">{_e(lifecycle.status_label("dispute", stage, lang()))}'
                         f'{" " + on.strftime("%m-%d") if on else ""}</span>')
        upcoming = [s for s in lifecycle.DISPUTE_OPEN_STAGES if s not in entered and s != d.stage]
        if d.stage != "resolved" and upcoming:
            steps.append(f'<span class="step">→ {_e(lifecycle.status_label("dispute", upcoming[0], lang()))}</span>')
        contacts, more = condense(list(d.contacts), LINES - 4)
        rows = "".join(f"<tr><td>{_e(n)}</td><td>{_e(c or '—')}</td><td>{_e(p or '—')}</td></tr>"
                       for n, c, p in contacts)
        handler = (f'<div>{t("先行处置")}：{_e(d.interim_handler)}</div>' if d.interim_handler else "")
        out.append(f"<div class='h2'>{_e(d.number)} {_e(d.subject)}</div>"
                   f'<div class="path">{"".join(steps)}</div>'
                   f"<table><tr><th>{t('争议单位')}</th><th>{t('联系人')}</th><th>{t('联系电话')}</th></tr>{rows}</table>"
                   f"{_more(more, '个单位')}{handler}")
    return "".join(out) + _more(hidden)


def _followup_block(d: DecisionRow, notes: tuple[NoteRow, ...]) -> str:
    if d.status != "open":
        state = f"✓ {t('已完成')}"
    elif d.light == Light.RED:
        state = _light(d.light) + " " + t("逾期 {n} 天", n=d.days_late)
    else:
        state = _light(d.light)
    last = notes[-1] if notes else None
    progress = (f"{t('最新进展')}（{last.on.strftime('%m-%d')}）：{_e(last.note)}" if last
                else t("尚无进展报告。"))
    return (f'<div class="decision">{_e(d.meeting_number)} · {_e(d.text)}<div class="muted">{t("牵头")}：'
            f'{_e(d.lead_agency)}；{t("完成时限")}：{d.due_on.isoformat()} {state}</div>'
            f'<div class="muted">{progress}</div></div>')


def _followup_body(state: ProjectorState, cols: int) -> str:
    per_col = 2
    shown, more = condense(list(state.followed), per_col * cols)
    if more:  # keep whole rows: the "另有" line takes the place of one block
        shown = shown[: max(len(shown) - (len(shown) % cols), 1)] if cols > 1 else shown
        more = len(state.followed) - len(shown)
    blocks = [_followup_block(d, state.followed_notes.get(d.id, ())) for d in shown]
    if cols == 1:
        return "".join(blocks) + _more(more)
    columns = [blocks[i::cols] for i in range(cols)]
    return f'<div class="grid2">{"".join("<div>" + "".join(c) + "</div>" for c in columns)}</div>' + _more(more)


def _report_body(state: ProjectorState, cols: int) -> str:
    r = state.report

    def ranking(title: str, rows, n_ranked: int) -> str:
        top, bottom = ends(list(rows), 3)
        line = lambda row: (f"<tr><td class='n'>{row[0]}</td><td>{_e(row[1])}</td>"  # noqa: E731
                            f"<td class='n'>{'—' if row[2] is None else f'{row[2]:.1f}'}</td></tr>")
        gap = f"<tr><td></td><td class='muted'>⋯</td><td></td></tr>" if bottom else ""
        body = "".join(line(x) for x in top) + gap + "".join(line(x) for x in bottom)
        return (f"<div><div class='h2'>{title}（{n_ranked}）</div><table>"
                f"<tr><th class='n'>{t('排名')}</th><th>{t('单位')}</th><th class='n'>{t('评分')}</th></tr>"
                f"{body}</table></div>")

    red, more = condense(list(r.red_list), LINES - 2)
    more += r.long_overdue - len(r.red_list)
    # A long agency name is shortened so that the days stay on the slide (1280 px, three panels).
    red_rows = "".join(f"<tr><td>{_e(n)}</td><td>{_e(shorten(a, RED_LIST_NAME))}</td><td class='n'>{d}</td></tr>"
                       for n, a, d in red)
    red_panel = (f"<div><div class='h2'>{t('红榜：超期 {d} 天以上未受理', d=r.red_days)}</div>"
                 + (f"<table><tr><th>{t('移送编号')}</th><th>{t('接收单位')}</th><th class='n'>{t('天')}</th></tr>"
                    f"{red_rows}</table>" if red else f'<div class="muted">{t("没有。")}</div>')
                 + _more(more, "件") + "</div>")
    panels = [ranking(t("镇街排名"), r.towns, r.towns_ranked), ranking(t("部门排名"), r.departments, r.departments_ranked)]
    if cols >= 3:
        return f'<div class="grid3">{"".join(panels)}{red_panel}</div>'
    return f'<div class="grid2">{panels[0]}{red_panel}</div>'


def _decisions_panel(decisions, lines: int) -> str:
    shown, more = condense(list(decisions), max(lines // 3, 1))
    blocks = "".join(_decision_block(d, numbered=f"{k}. ") for k, d in enumerate(shown, start=1))
    return f"<div class='h2'>{t('本议题议定事项')}</div>{blocks}{_more(more)}"


def _item(state: ProjectorState) -> str:
    item = state.item
    kind = lifecycle.label(lifecycle.AGENDA_KIND_LABELS, item.kind, lang())
    head = _bar(state, f"{t('议题')} {state.position} / {len(state.agenda)} · {_e(kind)}")
    meta = []
    if item.submitting_agency:
        meta.append(f"{t('提交单位')}：{item.submitting_agency}")
    if item.presenter:
        meta.append(f"{t('汇报人')}：{item.presenter}")
    meta.append(f"{t('时长')} {item.minutes} {t('分钟')}")
    figures: list[str] = []
    body = None
    # With decisions taken on the item, they take the right half and the figures the left.
    cols = 1 if state.decisions else 3
    if item.kind == "report" and state.report is not None:
        r = state.report
        figures = [_figure(r.referrals_sent, t("{p} 移送案件", p=r.period_label)),
                   _figure(r.results_reported, t("已反馈办理结果")),
                   _figure(r.overdue_now, t("目前超期未受理"), alert=r.overdue_now > 0),
                   _figure(r.long_overdue, t("超期 {d} 天以上", d=r.red_days), alert=r.long_overdue > 0)]
        body = _report_body(state, cols)
    elif state.agencies:
        figures = [_figure(a.count, a.name, alert=a.count > 0) for a in state.agencies[:3]]
        if len(state.agencies) > 3:
            figures = [_figure(sum(a.count for a in state.agencies), t("超期未受理（件）"), alert=True),
                       _figure(len(state.agencies), t("涉及单位"))]
        worst = max((a.oldest_days_late for a in state.agencies), default=0)
        if worst:
            figures.append(_figure(worst, t("最长超期天数"), alert=True))
        body = _overdue_body(state, min(cols, 3))
    elif state.disputes:
        d = state.disputes[0]
        figures = [_figure(d.days_in_stage, t("本阶段已停留天数"), alert=True),
                   _figure((d.stage_since - d.opened_on).days + d.days_in_stage, t("争议已历时天数")),
                   _figure(len(d.parties), t("争议单位"))]
        body = _dispute_body(state, cols)
    elif state.followed:
        red = [d for d in state.followed if d.status == "open" and d.light == Light.RED]
        figures = [_figure(len(state.followed), t("督办事项")),
                   _figure(len(red), t("逾期未完成"), alert=bool(red)),
                   _figure(sum(d.status != "open" for d in state.followed), t("已完成"))]
        if red:
            figures.append(_figure(max(d.days_late for d in red), t("最长逾期天数"), alert=True))
        body = _followup_body(state, 2 if cols > 1 else 1)
    figures.append(_figure(len(state.decisions), t("本议题已议定事项")))
    if body is None:  # an item with no figures of its own: the running order
        body = _outline(state, LINES) if not state.decisions else ""
        if state.decisions:
            body = _decisions_panel(state.decisions, LINES)
    elif state.decisions:
        body = f'<div class="grid2"><div>{body}</div><div>{_decisions_panel(state.decisions, LINES)}</div></div>'
    return head + _title(item.title, meta) + _figures(figures) + body


def _closing(state: ProjectorState) -> str:
    decided = list(state.decisions)
    shown, more = condense(decided, 4)
    blocks = [_decision_block(d, numbered=f"{k}. ") for k, d in enumerate(shown, start=1)]
    if blocks:
        body = (f'<div class="grid2"><div>{"".join(blocks[0::2])}</div><div>{"".join(blocks[1::2])}</div></div>'
                + _more(more))
    else:
        body = f'<p class="muted">{t("本次会议未形成议定事项。")}</p>'
    figures = [_figure(len(decided), t("议定事项")),
               _figure(len({a for d in decided for a in d.agency_ids}), t("责任单位")),
               _figure(len(state.agenda), t("审议议题"))]
    return (_bar(state, t("会议小结")) + _title(t("本次会议议定事项"), [state.meeting.held_on.isoformat()])
            + _figures(figures) + body)
