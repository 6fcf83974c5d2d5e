"""The configurable time limits and thresholds, with DOMAIN.md's figures as defaults.

The office may change any of them on the admin page; the database keeps only the changed
ones as text (key -> value), and :meth:`RuleSettings.from_mapping` turns them back into a
validated :class:`RuleSettings`. Every value is a positive whole number, except the
assessment's (``score_*``): the scoring method is a code, and full marks and weights may be
0 (an item left out), though not all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from rules.metrics import DEFAULT_FULL_MARKS, DEFAULT_POINTS_PER_CASE, SCORE_ITEMS, SCORE_METHODS, Scoring

__all__ = ["RuleSettings", "FIELD_LABELS", "SCORING_FIELDS"]


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """Time limits and thresholds used by :mod:`rules.deadlines`, :mod:`rules.lights` and
    the dashboards. Defaults are the figures in DOMAIN.md."""

    send_working_days: int = 3
    """Working days after discovery within which a referral must be sent (应在3个工作日内移送)."""

    send_working_days_extended: int = 10
    """Working days for sending when an extension was notified in advance (不得超过10个工作日)."""

    urgent_send_hours: int = 24
    """Hours after discovery within which an urgent referral must be sent (24小时内移送)."""

    ack_working_days: int = 5
    """Working days after sending within which the receiver must acknowledge in writing."""

    criminal_ack_calendar_days: int = 3
    """Calendar days for the police to accept a suspected crime (派出所应在3日内受理);
    a limit ending on a rest day moves to the next working day."""

    assist_working_days: int = 3
    """Working days to answer an assistance request in writing (3个工作日内书面反馈)."""

    assist_extension_working_days: int = 10
    """Extra working days, after the normal due date, when a technical appraisal needs more
    time. The documents allow an extension without fixing its length; 10 is this product's
    default, chosen to match the longest referral limit."""

    agenda_cutoff_days: int = 10
    """Calendar days before a meeting by which agenda items must be submitted (会前十日)."""

    special_op_apply_days: int = 3
    """Calendar days before a special joint operation starts by which the member must apply."""

    special_op_decide_days: int = 2
    """Calendar days after the application within which the office decides (2日内), moved to
    the next working day when the last day is a rest day."""

    yellow_working_days: int = 1
    """An open item shows yellow on its last N working days up to and including its due date."""

    dispute_stall_days: int = 30
    """Calendar days a dispute may stay in one stage before it counts as stalled."""

    suggest_overdue_referral_days: int = 10
    """Calendar days an acknowledgement is late before the product suggests putting the
    referral on a meeting's agenda."""

    meeting_cadence_months: int = 1
    """Months between regular meetings (the users meet monthly; the documents require at
    least quarterly)."""

    # The assessment (DOMAIN.md, "Assessment and the published report").
    score_method: str = "deduction"
    """How the ranking scores: ``deduction`` (百分制扣分, the default) or ``weighted``
    (weighted on-time rates, the office's alternative)."""

    score_min_items: int = 5
    """Judged items an agency needs in the period to be ranked; fewer: listed as 样本不足."""

    score_points_per_case: int = DEFAULT_POINTS_PER_CASE
    """Points deducted per failing case (每起扣2分)."""

    score_marks_send: int = DEFAULT_FULL_MARKS["send"]
    score_marks_ack: int = DEFAULT_FULL_MARKS["ack"]
    score_marks_assist: int = DEFAULT_FULL_MARKS["assist"]
    score_marks_decisions: int = DEFAULT_FULL_MARKS["decisions"]
    score_marks_disputes: int = DEFAULT_FULL_MARKS["disputes"]
    """Full marks of each item (20, 30, 20, 20, 10)."""

    score_weight_send: int = DEFAULT_FULL_MARKS["send"]
    score_weight_ack: int = DEFAULT_FULL_MARKS["ack"]
    score_weight_assist: int = DEFAULT_FULL_MARKS["assist"]
    score_weight_decisions: int = DEFAULT_FULL_MARKS["decisions"]
    score_weight_disputes: int = DEFAULT_FULL_MARKS["disputes"]
    """Relative weights of the rates for the weighted method (by default the full marks)."""

    @classmethod
    def from_mapping(cls, data: Mapping[str, str | int]) -> RuleSettings:
        """Settings from stored key/value pairs: missing keys keep their default, unknown keys
        are ignored, and a value that is not a positive whole number raises ``ValueError``
        naming the field in Chinese and English."""
        values: dict[str, int | str] = {}
        for f in fields(cls):
            if f.name in data:
                values[f.name] = _valid(f.name, data[f.name])
        return cls(**values)

    def to_mapping(self) -> dict[str, int | str]:
        """All fields as a plain dict, in declaration order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __post_init__(self) -> None:
        for f in fields(self):
            _valid(f.name, getattr(self, f.name))
        for group, (zh, en) in (("score_marks_", ("各项满分", "full marks")), ("score_weight_", ("各项权重", "weights"))):
            if not any(getattr(self, group + item.key) for item in SCORE_ITEMS):
                raise ValueError(f"{zh}不能全部为0。 / The {en} cannot all be 0.")

    def scoring(self) -> Scoring:
        """The assessment settings as :class:`rules.metrics.Scoring`."""
        return Scoring(
            method=self.score_method,
            min_items=self.score_min_items,
            per_case=self.score_points_per_case,
            full_marks={item.key: getattr(self, "score_marks_" + item.key) for item in SCORE_ITEMS},
            weights={item.rate: float(getattr(self, "score_weight_" + item.key)) for item in SCORE_ITEMS},
        )


#: field name -> (Chinese label, English label), for the admin page.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "send_working_days": ("移送期限（工作日）", "Time to send a referral (working days)"),
    "send_working_days_extended": (
        "延期告知后的移送期限（工作日）",
        "Time to send with an extension notified (working days)",
    ),
    "urgent_send_hours": ("紧急案件移送期限（小时）", "Time to send an urgent referral (hours)"),
    "ack_working_days": ("受理告知期限（工作日）", "Time to acknowledge a referral (working days)"),
    "criminal_ack_calendar_days": (
        "涉嫌犯罪案件受理期限（日）",
        "Time for police to accept a suspected crime (calendar days)",
    ),
    "assist_working_days": ("协作请求答复期限（工作日）", "Time to answer an assistance request (working days)"),
    "assist_extension_working_days": (
        "技术鉴定延长期限（工作日）",
        "Extension for a technical appraisal (working days)",
    ),
    "agenda_cutoff_days": ("议题征集截止（会前天数）", "Agenda items due (days before the meeting)"),
    "special_op_apply_days": (
        "专项联合执法申请提前天数",
        "Apply for a special joint operation (days before it starts)",
    ),
    "special_op_decide_days": (
        "专项联合执法审批期限（日）",
        "Decide on a special joint operation (calendar days)",
    ),
    "yellow_working_days": ("黄灯预警（到期前工作日数）", "Yellow light (last working days before due)"),
    "dispute_stall_days": ("争议停滞天数（同一阶段）", "Dispute stalled after (days in one stage)"),
    "suggest_overdue_referral_days": (
        "超期移送提请会议天数",
        "Suggest an agenda item after (days overdue)",
    ),
    "meeting_cadence_months": ("例会周期（月）", "Regular meeting every (months)"),
    "score_method": ("排名评分方法", "Scoring method of the ranking"),
    "score_min_items": ("参与排名最少考核件数", "Judged items needed to be ranked"),
    "score_points_per_case": ("每起扣分", "Points deducted per failing case"),
    **{f"score_marks_{item.key}": (f"满分：{item.label[0]}", f"Full marks: {item.label[1]}") for item in SCORE_ITEMS},
    **{f"score_weight_{item.key}": (f"权重：{item.label[0]}", f"Weight: {item.label[1]}") for item in SCORE_ITEMS},
}

#: The assessment's settings, shown in their own section of the settings page.
SCORING_FIELDS: tuple[str, ...] = tuple(k for k in FIELD_LABELS if k.startswith("score_"))
#: Settings that may be 0 (an item left out of the score).
_ZERO_ALLOWED = frozenset(k for k in SCORING_FIELDS if k.startswith(("score_marks_", "score_weight_")))


def _valid(name: str, value: object) -> int | str:
    """One setting's value checked: the method is a code of ``SCORE_METHODS``; marks and
    weights are whole numbers of 0 or more; every other setting a positive whole number."""
    if name == "score_method":
        code = str(value).strip()
        if code not in SCORE_METHODS:
            zh, en = FIELD_LABELS[name]
            raise ValueError(
                f"“{zh}”只能是{'或'.join(z for z, _ in SCORE_METHODS.values())}，收到的是“{value}”。 / "
                f"“{en}” must be one of {', '.join(SCORE_METHODS)}; got {value!r}."
            )
        return code
    if name in _ZERO_ALLOWED and value in (0, "0"):
        return 0
    return _positive_int(name, value)


class SettingError(ValueError):
    """A value a setting cannot take; ``zh`` and ``en`` say why (``str()`` gives both)."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def _positive_int(name: str, value: object) -> int:
    """``value`` as a positive int, or ``ValueError`` naming the field in both languages."""
    zh, en = FIELD_LABELS.get(name, (name, name))
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit():
            number = int(text)
    if number is None or number <= 0:
        raise SettingError(
            f"“{zh}”必须是正整数，收到的是“{value}”。",
            f"“{en}” ({name}) must be a positive whole number; got {value!r}.",
        )
    return number
