"""The 通报 as a Word document (python-docx), in the form a government office issues it:
red masthead and document number, title, salutation, the headline figures, the two
rankings (towns, departments), every agency's figures, the red list of long-overdue
referrals, overdue decisions, corrections to earlier reports, the requirements and the
issuer's signature. Built from :func:`data_access.queries.bulletin.bulletin_figures` alone,
so a published report can be rendered again from what it stored.

Fonts and layout are those of :mod:`data_access.documents.meeting_docs`.
"""

from __future__ import annotations

from datetime import date

from docx.enum.text import WD_ALIGN_PARAGRAPH

from data_access.documents.meeting_docs import (
    BODY_FONT,
    ISSUER,
    RED,
    _heading,
    _new_document,
    _para,
    _red_rule,
    _runs,
    _save,
    _table,
    _title,
    cn_date,
)
from rules.metrics import DEDUCTION, SCORE_ITEMS, SCORE_METHODS, top_bottom

__all__ = ["bulletin_docx", "bulletin_title"]

_KINDS = (("town", "镇街"), ("department", "部门"))
_ITEM_LABEL = {i.key: i.label[0] for i in SCORE_ITEMS}
RED_LIST_ROWS = 60


def bulletin_title(figures: dict) -> str:
    return f"关于{figures['period']['title']}成员单位协同工作情况的通报"


def _v(value, suffix: str = "") -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}{suffix}"
    return f"{value}{suffix}"


class _Place:
    """A row with the attributes ``top_bottom`` reads."""

    def __init__(self, row: dict):
        self.row, self.rank, self.name = row, row["排名"], row["单位名称"]


def _names(places) -> str:
    return "、".join(f"{p.name}（{p.rank}）" for p in places)


def bulletin_docx(figures: dict, number: str, issued_on: date, *, draft: bool = False) -> bytes:
    """The report's ``.docx``; ``draft`` marks a preview that is not (yet) published."""
    title = bulletin_title(figures)
    totals = figures["totals"]
    scoring = figures["scoring"]
    as_of = date.fromisoformat(figures["as_of"])
    doc = _new_document(title)

    _title(doc, "联席会议工作通报", size=36, color=RED, after=6)
    _para(doc, "（征求意见稿，未发布）" if draft else number, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    p = _para(doc, after=0)
    _runs(p, [(ISSUER, BODY_FONT, False), ("\u3000" * 8, BODY_FONT, False), (cn_date(issued_on), BODY_FONT, False)])
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _red_rule(doc)
    _title(doc, title, size=20, after=12)

    _para(doc, "各成员单位：")
    _para(doc, (
        f"根据联席会议工作规则，现将{figures['period']['title']}（数据截至{cn_date(as_of)}）各成员单位"
        "案件移送衔接、执法协作、职责争议处理和议定事项落实情况通报如下。"
    ), indent=True)

    # 一、总体情况
    _heading(doc, "一、总体情况")
    _para(doc, (
        f"本期各成员单位共移送案件{totals['referrals_sent']}件，反馈办理结果{totals['results_reported']}件。"
        f"截至{cn_date(as_of)}，超期未书面告知受理情况的移送案件{totals['overdue_ack']}件，"
        f"其中超期{totals['long_overdue_days']}天以上的{totals['long_overdue_ack']}件；"
        f"逾期未完成的议定事项{totals['overdue_decisions']}项。"
        f"参与排名的单位{totals['ranked']}家，考核件数不足、不参与排名的{totals['insufficient']}家。"
    ), indent=True)

    # 二、考核排名
    _heading(doc, "二、考核排名")
    if scoring["method"] == DEDUCTION:
        items = "、".join(f"{_ITEM_LABEL[k]}{v}分" for k, v in scoring["full_marks"].items())
        how = (f"本期采用{SCORE_METHODS[DEDUCTION][0]}：{items}，每起超期扣{scoring['per_case']}分，"
               "每项扣完为止。")
    else:
        items = "、".join(f"{_ITEM_LABEL[k]}{v:g}" for k, v in scoring["weights"].items())
        how = f"本期采用{SCORE_METHODS[scoring['method']][0]}，各项权重为{items}。"
    _para(doc, how + (f"镇街、部门分别排名，得分相同的并列同一名次；考核件数少于{scoring['min_items']}件的单位"
                      "列出数据，注明“样本不足”，不参与排名；牵头单位和司法机关不参与排名。"), indent=True)
    rows = figures["rows"]
    for n, (kind, label) in enumerate(_KINDS, start=1):
        mine = [r for r in rows if r["kind"] == kind]
        places = [_Place(r) for r in mine]
        top, bottom = top_bottom(places, 3)
        cn = "一二"[n - 1]
        _para(doc, f"（{cn}）{label}排名", indent=True)
        if top:
            _para(doc, f"排名靠前的{label}：{_names(top)}；排名靠后的{label}：{_names(bottom)}（括号内为名次）。",
                  indent=True)
        _table(doc, ("名次", "单位", "考核件数", "评分", "按时移送率", "按时受理告知率", "备注"),
               [(_v(r["排名"]), r["单位名称"], str(r["考核件数"]), _v(r["评分"]), _v(r["按时移送率"], "%"),
                 _v(r["按时受理告知率"], "%"), r["备注"] or "—") for r in mine],
               widths_cm=(1.3, 4.2, 1.8, 1.6, 2.2, 2.6, 1.9), size=10.5, left_cols=(1,))
        _para(doc, "", size=8)

    # 三、各单位指标
    _heading(doc, "三、各成员单位主要指标")
    _table(doc, ("单位", "移送", "按时移送率", "接收", "按时受理告知率", "告知用时中位数", "反馈结果",
                 "协作按时答复率", "涉及争议", "解决争议", "议定事项按时率"),
           [(r["单位名称"], _v(r["移送案件数"]), _v(r["按时移送率"], "%"), _v(r["接收移送数"]),
             _v(r["按时受理告知率"], "%"), _v(r["受理告知用时中位数"]), _v(r["已反馈办理结果数"]),
             _v(r["协作请求按时答复率"], "%"), _v(r["涉及职责争议数"]), _v(r["已解决争议数"]),
             _v(r["议定事项按时完成率"], "%")) for r in rows],
           widths_cm=(3.0, 1.0, 1.4, 1.0, 1.5, 1.4, 1.1, 1.5, 1.1, 1.1, 1.5), size=8, left_cols=(0,))
    _para(doc, "注：比率为本期到期事项中按时完成的比例，“—”表示本期没有需要评价的事项；告知用时以工作日计。",
          size=12, indent=True, after=6)

    # 四、红色名单
    _heading(doc, f"四、超期{totals['long_overdue_days']}天以上未受理告知的移送案件（红色名单）")
    red = figures["red_list"]
    if red:
        _table(doc, ("移送编号", "移送单位", "接收单位", "移送日期", "告知期限", "超期天数"),
               [(o["移送编号"], o["移送单位"], o["接收单位"], o["移送日期"], o["受理告知期限"], str(o["超期天数"]))
                for o in red[:RED_LIST_ROWS]],
               widths_cm=(3.3, 3.1, 3.1, 2.3, 2.3, 1.5), size=10, left_cols=(1, 2))
        if len(red) > RED_LIST_ROWS:
            _para(doc, f"（另有{len(red) - RED_LIST_ROWS}件，详见系统“签收超期”清单。）", size=12, indent=True)
    else:
        _para(doc, "本期没有超期未受理告知的移送案件。", indent=True)

    # 五、逾期议定事项
    _heading(doc, "五、逾期未完成的议定事项")
    decisions = figures["overdue_decisions"]
    if decisions:
        _table(doc, ("会议", "议定事项", "牵头单位", "完成期限", "超期天数"),
               [(d["会议"], d["议定事项"], d["牵头单位"], d["完成期限"], str(d["超期天数"])) for d in decisions],
               widths_cm=(2.4, 6.6, 3.0, 2.2, 1.4), size=10, left_cols=(1,))
    else:
        _para(doc, "本期没有逾期未完成的议定事项。", indent=True)

    # 六、更正
    corrections = figures.get("corrections") or []
    section = 6
    if corrections:
        _heading(doc, "六、对此前通报的更正")
        _para(doc, "以下数据因通报发布后补录或更正了该期间内发生的事项而有变化，特予更正：", indent=True)
        _table(doc, ("原通报", "单位", "指标", "原数", "更正后"),
               [(c["原通报"], c["单位名称"], c["指标"], _v(c["原数"]), _v(c["更正后"])) for c in corrections],
               widths_cm=(2.8, 4.4, 4.0, 2.2, 2.2), size=10, left_cols=(1,))
        section = 7
    _heading(doc, f"{'六七'[section - 6]}、工作要求")
    _para(doc, ("请红色名单所列接收单位于收到本通报之日起3个工作日内完成书面告知，并向联席会议办公室报送情况说明；"
                "排名靠后的单位要分析原因、限期整改；逾期议定事项的牵头单位要明确完成时限，提交下次联席会议督办。"),
          indent=True, after=18)

    _para(doc, ISSUER, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, cn_date(issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT, after=12)
    _red_rule(doc)
    p = _para(doc, size=14)
    _runs(p, [(ISSUER, BODY_FONT, False), ("\u3000" * 10, BODY_FONT, False),
              (f"{cn_date(issued_on)}印发", BODY_FONT, False)], size=14)
    return _save(doc)
