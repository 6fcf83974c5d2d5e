"""The meeting's Word documents (python-docx): the agenda (会议议程), the minutes (会议纪要)
and the meeting pack (会议材料: the period's metrics and overdue lists per agency).

Layout follows the habits of Chinese official documents: A4, the title in a display face
(方正小标宋简体, falling back to 黑体 where it is not installed), body in 仿宋 (falling back to
宋体), headings in 黑体, the minutes with a red masthead and a red rule under the document
number. Chinese only shows reliably when every run names its East-Asian font (``w:eastAsia``),
so every run written here does; the fallbacks are declared in the document's font table
(``w:altName``), which Word and LibreOffice consult when a font is missing.

Each function takes an open session and returns the ``.docx`` as bytes.
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date, timedelta
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from lxml import etree
from sqlalchemy.orm import Session

from data_access.documents.page import official_page
from data_access.inert import inert
from data_access.queries import meetings as mq
from data_access.queries.metrics import period_metrics
from data_access.queries.overdue import overdue_acknowledgements
from rules import lifecycle
from rules.metrics import METRIC_LABELS, Period

__all__ = [
    "agenda_docx",
    "minutes_docx",
    "meeting_pack_docx",
    "minutes_number",
    "document_filename",
    "default_pack_period",
    "TITLE_FONT",
    "HEADING_FONT",
    "BODY_FONT",
    "ISSUER",
]

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋"
LATIN_FONT = "Times New Roman"
#: font -> (fallback, panose family) declared in the font table.
FALLBACKS = {TITLE_FONT: "黑体", BODY_FONT: "宋体", HEADING_FONT: "SimHei"}
ISSUER = "联席会议办公室"
RED = RGBColor(0xC0, 0x00, 0x00)
OVERDUE_ROWS_PER_AGENCY = 15

_CN_NUM = "一二三四五六七八九十"


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def cn_ordinal(n: int) -> str:
    """1 -> 一, 12 -> 十二, 25 -> 二十五 (enough for any agenda)."""
    if n <= 10:
        return _CN_NUM[n - 1]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else _CN_NUM[tens - 1] + "十"
    return head + (_CN_NUM[ones - 1] if ones else "")


def minutes_number(meeting_number: str) -> str:
    """The minutes' document number: ``LX-2026-04`` -> ``〔2026〕第4期``, an ad hoc
    ``LX-2026-L01`` -> ``〔2026〕临第1期``."""
    _, year, seq = meeting_number.split("-", 2)
    if seq.startswith("L"):
        return f"〔{year}〕临第{int(seq[1:])}期"
    return f"〔{year}〕第{int(seq)}期"


def document_filename(meeting_number: str, kind: str) -> str:
    names = {"agenda": "会议议程", "minutes": "会议纪要", "pack": "会议材料"}
    return f"{meeting_number}-{names[kind]}.docx"


# --------------------------------------------------------------------------- docx helpers


def _register_fallbacks(doc) -> None:
    """Declare our Chinese fonts in the font table with a fallback (``w:altName``) and the
    GB2312 character set, so a machine without 方正小标宋简体 uses 黑体, not a Latin face."""
    part = next(p for p in doc.part.package.iter_parts() if str(p.partname).endswith("fontTable.xml"))
    root = etree.fromstring(part.blob)
    have = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name, alt in FALLBACKS.items():
        if name in have:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        alt_el = etree.SubElement(font, qn("w:altName"))
        alt_el.set(qn("w:val"), alt)
        charset = etree.SubElement(font, qn("w:charset"))
        charset.set(qn("w:val"), "86")  # GB2312
        family = etree.SubElement(font, qn("w:family"))
        family.set(qn("w:val"), "modern" if name == HEADING_FONT else "roman")
        pitch = etree.SubElement(font, qn("w:pitch"))
        pitch.set(qn("w:val"), "variable")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _new_document(title: str):
    doc = Document()
    official_page(doc)
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    doc.core_properties.title = inert(title)
    doc.core_properties.author = ISSUER
    _register_fallbacks(doc)
    return doc


def _fonts(run, east_asian: str, size: float | None = None, bold: bool | None = None, color=None) -> None:
    run.font.name = LATIN_FONT
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color


def _para(doc_or_cell, text: str = "", *, font: str = BODY_FONT, size: float = 16, bold: bool = False,
          align=None, indent: bool = False, after: float = 0, color=None, line: float | None = None):
    p = doc_or_cell.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(after)
    fmt.line_spacing = Pt(line or size * 1.75)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if text:
        _fonts(p.add_run(inert(text)), font, size, bold, color)
    return p


def _runs(p, parts, size: float = 16) -> None:
    """Write ``[(text, font, bold), ...]`` into one paragraph."""
    for text, font, bold in parts:
        _fonts(p.add_run(inert(text)), font, size, bold)


def _title(doc, text: str, *, size: float = 22, color=None, after: float = 12):
    return _para(doc, text, font=TITLE_FONT, size=size, align=WD_ALIGN_PARAGRAPH.CENTER, after=after, color=color)


def _heading(doc, text: str, size: float = 16):
    return _para(doc, text, font=HEADING_FONT, size=size, indent=True)


def _red_rule(doc) -> None:
    """A red line under the masthead (a bottom border on an empty paragraph)."""
    p = _para(doc, "", size=6, after=12, line=6)
    p_pr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "1"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def _table(doc, headings, rows, *, widths_cm=None, size: float = 12, left_cols=()):
    rows = list(rows)
    table = doc.add_table(rows=len(rows) + 1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # Cells are reached through the XML rows: ``table.rows[i].cells`` recomputes the whole
    # grid on each call, which turns a long overdue list into minutes of work.
    trs = table._tbl.tr_lst
    for tc, heading in zip(trs[0].tc_lst, headings):
        _cell(_Cell(tc, table), heading, font=HEADING_FONT, size=size)
    for tr, values in zip(trs[1:], rows):
        for j, (tc, value) in enumerate(zip(tr.tc_lst, values)):
            _cell(_Cell(tc, table), value, size=size,
                  align=WD_ALIGN_PARAGRAPH.LEFT if j in left_cols else WD_ALIGN_PARAGRAPH.CENTER)
    if widths_cm:
        _fix_widths(table, widths_cm)
    return table


def _fix_widths(table, widths_cm) -> None:
    """Fixed column widths: Word reads the cells' widths, LibreOffice the table grid, so
    both are set (and autofit is off so that neither reflows the columns)."""
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_cm):
        col.set(qn("w:w"), str(int(Cm(w).twips)))
    for tr in table._tbl.tr_lst:
        for tc, w in zip(tr.tc_lst, widths_cm):
            _Cell(tc, table).width = Cm(w)


def _cell(cell, text, *, font: str = BODY_FONT, size: float = 12, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    """One table cell: a single paragraph, its run naming the East-Asian font. Written as
    XML in one piece, since python-docx's setters cost milliseconds per cell and a meeting
    pack has thousands of cells."""
    jc = "left" if align == WD_ALIGN_PARAGRAPH.LEFT else "center"
    bold = "<w:b/>" if font == HEADING_FONT else ""
    value = escape(inert("" if text is None else str(text)))
    paragraph = parse_xml(
        f'<w:p {nsdecls("w")}><w:pPr><w:spacing w:after="0"/><w:jc w:val="{jc}"/></w:pPr>'
        f'<w:r><w:rPr><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{font}"/>{bold}'
        f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/></w:rPr>'
        f'<w:t xml:space="preserve">{value}</w:t></w:r></w:p>'
    )
    tc = cell._tc
    for old in tc.p_lst:
        tc.remove(old)
    tc.append(paragraph)


def _save(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _meeting_or_fail(session: Session, meeting_id: int) -> mq.MeetingRow:
    meeting = mq.get_meeting(session, meeting_id)
    if meeting is None:
        raise LookupError(f"找不到编号为 {meeting_id} 的会议。 / Meeting {meeting_id} does not exist.")
    return meeting


def _when(meeting: mq.MeetingRow) -> str:
    return cn_date(meeting.held_on) + (f" {meeting.start_time}" if meeting.start_time else "")


# --------------------------------------------------------------------------- agenda


def agenda_docx(session: Session, meeting_id: int) -> bytes:
    """The agenda (会议议程). Once approved it lists the approved items in running order;
    before that it is a draft (征求意见稿) listing the items approved or still waiting."""
    meeting = _meeting_or_fail(session, meeting_id)
    draft = meeting.agenda_editable
    statuses = ("approved", "submitted") if draft else ("approved",)
    items = mq.agenda(session, meeting_id, statuses=statuses)
    invitees, observers = mq.meeting_people(session, meeting_id)

    doc = _new_document(f"{meeting.title}议程")
    _title(doc, f"{meeting.title}议程", after=4)
    if draft:
        _para(doc, "（征求意见稿）", font=BODY_FONT, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    else:
        _para(doc, "", after=8)
    for label, value in (
        ("会议编号", meeting.number),
        ("时　　间", _when(meeting)),
        ("地　　点", meeting.place or "另行通知"),
        ("主 持 人", meeting.chair_name or "联席会议组长"),
    ):
        p = _para(doc, indent=True)
        _runs(p, [(f"{label}：", HEADING_FONT, False), (value, BODY_FONT, False)])
    invited = [p.name for p in invitees if p.invited]
    p = _para(doc, indent=True, after=4)
    _runs(p, [("参会单位：", HEADING_FONT, False), ("、".join(invited) or "全体成员单位", BODY_FONT, False)])
    if observers:
        p = _para(doc, indent=True)
        _runs(p, [("列席人员：", HEADING_FONT, False),
                  ("、".join(f"{o.name}（{o.capacity}）" if o.capacity else o.name for o in observers),
                   BODY_FONT, False)])
    _para(doc, "", after=6)
    _heading(doc, "会议议题")
    rows = []
    total = 0
    for n, item in enumerate(items, start=1):
        total += item.minutes
        title = item.title + ("（待审定）" if item.status == "submitted" else "")
        rows.append((str(n), title, item.submitting_agency or ISSUER, item.presenter or "",
                     lifecycle.AGENDA_KINDS.get(item.kind, item.kind), str(item.minutes)))
    _table(doc, ("序号", "议题", "提交单位", "汇报人", "类型", "时长（分钟）"), rows,
           widths_cm=(1.0, 6.2, 3.0, 1.6, 2.4, 1.4), left_cols=(1,))
    _para(doc, f"议题共 {len(items)} 项，预计用时 {total} 分钟。", size=14, indent=True, after=12)
    _para(doc, ISSUER, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return _save(doc)


# --------------------------------------------------------------------------- minutes


def minutes_docx(session: Session, meeting_id: int, *, issued_on: date | None = None,
                 today: date | None = None) -> bytes:
    """The minutes (会议纪要): masthead, number, what the meeting did, each approved item
    with its decisions (lead agency, co-agencies, due date), then who attended."""
    meeting = _meeting_or_fail(session, meeting_id)
    today = today or date.today()
    issued_on = issued_on or today
    items = mq.agenda(session, meeting_id, statuses=("approved",))
    decisions = mq.meeting_decisions(session, meeting_id, today=today)
    by_item: dict[int | None, list] = defaultdict(list)
    for d in decisions:
        by_item[d.item_id].append(d)
    people, observers = mq.meeting_people(session, meeting_id)

    doc = _new_document(f"{meeting.title}纪要")
    _title(doc, "联席会议纪要", size=36, color=RED, after=6)
    _para(doc, minutes_number(meeting.number), size=16, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    p = _para(doc, after=0)
    _runs(p, [(ISSUER, BODY_FONT, False), ("\u3000" * 8, BODY_FONT, False), (cn_date(issued_on), BODY_FONT, False)])
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _red_rule(doc)
    _title(doc, f"{meeting.title}纪要", size=20, after=12)

    chair = meeting.chair_name or "联席会议组长"
    place = f"在{meeting.place}" if meeting.place else ""
    present = [p for p in people if p.status in ("present", "deputised")]
    _para(doc, (
        f"{cn_date(meeting.held_on)}，{meeting.title}{place}召开，会议由{chair}主持，"
        f"{len(present)}家成员单位参加会议。会议听取了有关议题汇报，研究了移送衔接、职责争议和议定事项督办等工作，"
        f"形成议定事项{len(decisions)}项。现纪要如下："
    ), indent=True, after=6)

    for n, item in enumerate(items, start=1):
        _heading(doc, f"{cn_ordinal(n)}、{item.title}")
        source = item.submitting_agency or ISSUER
        _para(doc, f"该议题由{source}提出" + (f"，{item.presenter}汇报" if item.presenter else "") + "。",
              indent=True)
        item_decisions = by_item.get(item.id, [])
        if not item_decisions:
            _para(doc, "会议听取了汇报，未形成议定事项。", indent=True)
        for k, d in enumerate(item_decisions, start=1):
            _decision_paragraph(doc, k, d)
    loose = by_item.get(None, [])
    if loose:
        _heading(doc, f"{cn_ordinal(len(items) + 1)}、其他议定事项")
        for k, d in enumerate(loose, start=1):
            _decision_paragraph(doc, k, d)

    _para(doc, "", after=6)
    _para(doc, "请各责任单位按照议定事项抓好落实，并于完成时限前向联席会议办公室报送办理情况；"
               "逾期未完成的，提交下次联席会议督办。", indent=True, after=12)

    _attendance_block(doc, people, observers)
    _para(doc, "", after=6)
    _red_rule(doc)
    p = _para(doc, size=14)
    _runs(p, [(ISSUER, BODY_FONT, False), ("\u3000" * 10, BODY_FONT, False),
              (f"{cn_date(issued_on)}印发", BODY_FONT, False)], size=14)
    return _save(doc)


def _decision_paragraph(doc, k: int, d: mq.DecisionRow) -> None:
    p = _para(doc, indent=True)
    _runs(p, [(f"（{cn_ordinal(k)}）", BODY_FONT, False), (d.text.rstrip("。") + "。", BODY_FONT, False)])
    p = _para(doc, indent=True, after=4)
    parts = [("牵头单位：", HEADING_FONT, False), (d.lead_agency, BODY_FONT, False)]
    if d.co_agencies:
        parts += [("；配合单位：", HEADING_FONT, False), ("、".join(d.co_agencies), BODY_FONT, False)]
    parts += [("；完成时限：", HEADING_FONT, False), (cn_date(d.due_on), BODY_FONT, False), ("。", BODY_FONT, False)]
    _runs(p, parts)


def _attendance_block(doc, people, observers) -> None:
    groups = {"present": [], "deputised": [], "absent": []}
    for p in people:
        if p.status == "deputised":
            groups["deputised"].append(f"{p.name}（{p.delegate}代）" if p.delegate else p.name)
        elif p.status in groups:
            groups[p.status].append(p.name)
    for key, label in (("present", "出席单位"), ("deputised", "委托出席"), ("absent", "缺席单位")):
        if groups[key]:
            p = _para(doc, indent=False, after=2)
            _runs(p, [(f"{label}：", HEADING_FONT, False), ("、".join(groups[key]), BODY_FONT, False)])
    came = [o for o in observers if o.attended is not False]
    if came:
        p = _para(doc, after=2)
        _runs(p, [("列席人员：", HEADING_FONT, False),
                  ("、".join(f"{o.name}（{o.capacity}）" if o.capacity else o.name for o in came), BODY_FONT, False)])


# --------------------------------------------------------------------------- meeting pack


def default_pack_period(held_on: date) -> Period:
    """The whole calendar month before the meeting's month (what a monthly meeting reviews)."""
    first_of_month = held_on.replace(day=1)
    last = first_of_month - timedelta(days=1)
    return Period(last.replace(day=1), last)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def meeting_pack_docx(session: Session, meeting_id: int, *, period: Period | None = None,
                      as_of: date | None = None, today: date | None = None) -> bytes:
    """The meeting pack (会议材料): the period's metrics and ranking of every agency, the
    overdue acknowledgements per receiving agency as of ``as_of``, and the decisions under
    follow-up. Figures come from the dashboards' own queries, so pack and screen agree."""
    meeting = _meeting_or_fail(session, meeting_id)
    today = today or date.today()
    as_of = as_of or min(today, meeting.held_on)
    period = period or default_pack_period(meeting.held_on)
    metrics = period_metrics(session, period, as_of)
    ranking = metrics.ranking()
    overdue = overdue_acknowledgements(session, as_of)
    follow = mq.open_decisions(session, today=as_of)

    doc = _new_document(f"{meeting.title}会议材料")
    _title(doc, f"{meeting.title}会议材料", after=4)
    _para(doc, f"（统计期间：{cn_date(period.start)}至{cn_date(period.end)}；超期情况截至{cn_date(as_of)}）",
          size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)

    totals = metrics.totals()
    _heading(doc, "一、总体情况")
    _para(doc, (
        f"统计期间，各成员单位共移送案件{totals['referrals_sent']}件，已反馈办理结果{totals['results_reported']}件。"
        f"截至{cn_date(as_of)}，超过受理告知期限仍未书面告知的移送案件共{len(overdue)}件，"
        f"涉及{len({r.to_agency_id for r in overdue})}家单位；督办中的议定事项{len(follow)}项，"
        f"其中逾期{sum(1 for d in follow if d.light == 'red')}项。"
    ), indent=True, after=6)

    _heading(doc, "二、成员单位协同指标及排名")
    rows = []
    for r in ranking:
        m = r.metrics
        if not (m.referrals_sent or m.referrals_received or r.score is not None):
            continue
        rows.append((
            "—" if r.rank is None else str(r.rank), r.short_name or r.name, str(m.referrals_sent),
            str(m.referrals_received), _pct(m.sent_on_time_rate), _pct(m.ack_on_time_rate),
            "—" if m.median_ack_workdays is None else f"{m.median_ack_workdays:g}",
            _pct(m.decisions_done_on_time_rate), "—" if r.score is None else f"{r.score:.1f}",
        ))
    _table(doc, ("排名", "单位", METRIC_LABELS["referrals_sent"][0], METRIC_LABELS["referrals_received"][0],
                 METRIC_LABELS["sent_on_time_rate"][0], METRIC_LABELS["ack_on_time_rate"][0],
                 "受理用时中位数（工作日）", METRIC_LABELS["decisions_done_on_time_rate"][0],
                 METRIC_LABELS["score"][0]),
           rows, size=10, left_cols=(1,), widths_cm=(1.0, 2.6, 1.4, 1.4, 1.6, 1.6, 1.8, 1.8, 1.4))
    _para(doc, "注：协同评分按各项按时率加权计算，无可评指标的单位不参与排名。", size=12, indent=True, after=10)

    _heading(doc, "三、超期未受理告知移送案件（按接收单位）")
    by_agency: dict[str, list] = defaultdict(list)
    for row in overdue:
        by_agency[row.to_agency].append(row)
    if not by_agency:
        _para(doc, "无。", indent=True)
    for k, (agency, rows_) in enumerate(sorted(by_agency.items(), key=lambda kv: (-len(kv[1]), kv[0])), start=1):
        _para(doc, f"（{cn_ordinal(k)}）{agency}：{len(rows_)}件，最长超期{rows_[0].days_late}天", font=HEADING_FONT,
              size=14, after=2)
        shown = rows_[:OVERDUE_ROWS_PER_AGENCY]
        _table(doc, ("移送编号", "案件名称", "移送单位", "移送日期", "受理告知期限", "超期天数"),
               [(r.number, r.title, r.from_agency, r.sent_on.isoformat(), r.ack_due_on.isoformat(),
                 str(r.days_late)) for r in shown], size=10, left_cols=(1,),
               widths_cm=(3.0, 3.4, 2.6, 2.2, 2.4, 1.4))
        if len(rows_) > len(shown):
            _para(doc, f"另有{len(rows_) - len(shown)}件未列出，详见台账。", size=12, indent=True)
        _para(doc, "", after=4)

    _heading(doc, "四、议定事项督办情况")
    if not follow:
        _para(doc, "无督办中的议定事项。", indent=True)
    else:
        _table(doc, ("会议", "议定事项", "牵头单位", "完成时限", "状态", "最新进展"),
               [(d.meeting_number, d.text, d.lead_agency, d.due_on.isoformat(),
                 f"逾期{d.days_late}天" if d.light == "red" else "办理中", d.last_note or "")
                for d in follow], size=10, left_cols=(1, 5), widths_cm=(2.2, 4.4, 2.6, 2.4, 1.8, 2.2))
    _para(doc, "", after=8)
    _para(doc, ISSUER, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, cn_date(today), align=WD_ALIGN_PARAGRAPH.RIGHT)
    return _save(doc)
