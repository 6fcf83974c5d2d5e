"""The configurable time limits and thresholds, with DOMAIN.md's figures as defaults.

The office may change any of them on the admin page; the database keeps only the changed
ones as text (key -> value), and :meth:`RuleSettings.from_mapping` turns them back into a
validated :class:`RuleSettings`. Every value is a positive whole number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

__all__ = ["RuleSettings", "FIELD_LABELS"]


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

    @classmethod
    def from_mapping(cls, data: Mapping[str, str | int]) -> RuleSettings:
        """Settings from stored key/value pairs: missing keys keep their default, unknown keys
        are ignored, and a value that is not a positive whole number raises ``ValueError``
        naming the field in Chinese and English."""
        values: dict[str, int] = {}
        for f in fields(cls):
            if f.name in data:
                values[f.name] = _positive_int(f.name, data[f.name])
        return cls(**values)

    def to_mapping(self) -> dict[str, int]:
        """All fields as a plain dict, in declaration order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __post_init__(self) -> None:
        for f in fields(self):
            _positive_int(f.name, getattr(self, f.name))


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
}


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
