"""The import columns of each ledger and the vocabularies their cells take (CONTRACT.md,
"Import columns"): one table per ledger that reading, validating, templates and exports share.

Beyond CONTRACT.md's columns, referrals accept four optional ones so that an export
round-trips more of a record: 审批人 (approved_by), 移送材料 (materials, separated by 、),
受理说明 (ack_reason: why declined or returned) and 结果摘要 (result_summary).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from data_access.models import Agency, Referral
from rules import lifecycle


@dataclass(frozen=True)
class Column:
    """One import column: its key (also its accepted English header) and Chinese header."""

    key: str
    zh: str
    required: bool = False
    max_length: int | None = None
    en: str = ""  # English description, for the template's notes sheet
    note: str = ""  # Chinese description of the accepted values


def _len(model, attr: str) -> int:
    return getattr(model, attr).property.columns[0].type.length


AGENCY_COLUMNS: tuple[Column, ...] = (
    Column("name", "单位名称", True, _len(Agency, "name"), "agency name (the key)"),
    Column("kind", "单位类型", True, None, "kind: department / town / judicial / coordinator",
           "部门 / 镇街 / 司法机关 / 牵头单位"),
    Column("short_name", "简称", False, _len(Agency, "short_name"), "short name"),
    Column("contact", "联系人", False, _len(Agency, "contact"), "contact person"),
    Column("phone", "联系电话", False, _len(Agency, "phone"), "phone"),
    Column("lon", "经度", False, None, "longitude (decimal degrees)", "十进制度数，如 120.21"),
    Column("lat", "纬度", False, None, "latitude (decimal degrees)", "十进制度数，如 30.05"),
    Column("notify", "通知地址", False, None,
           "notification addresses in Apprise URL syntax, separated by spaces",
           "一个或多个通知地址，以空格分隔，如 mailto://… dingtalk://… wecombot://…"),
)

REFERRAL_COLUMNS: tuple[Column, ...] = (
    Column("number", "移送编号", True, _len(Referral, "number"), "referral number (the key)",
           "如 YS-2026-000123"),
    Column("title", "案件名称", True, _len(Referral, "title"), "case title"),
    Column("domain", "违法领域", False, _len(Referral, "domain"), "enforcement domain",
           "、".join(lifecycle.DOMAINS)),
    Column("from_agency", "移送单位", True, None, "referring agency (must exist)"),
    Column("to_agency", "接收单位", True, None, "receiving agency (must exist)"),
    Column("discovered_on", "发现日期", False, None, "date discovered", "YYYY-MM-DD，可带时间 HH:MM"),
    Column("sent_on", "移送日期", True, None, "date sent", "YYYY-MM-DD，可带时间 HH:MM"),
    Column("urgency", "紧急程度", False, None, "urgency: normal / urgent", "普通 / 紧急"),
    Column("extension_notified", "延期告知", False, None, "extension notified (yes/no)", "是 / 否"),
    Column("criminal", "涉嫌犯罪", False, None, "suspected crime (yes/no)", "是 / 否"),
    Column("ack_on", "受理告知日期", False, None, "acknowledgement date", "YYYY-MM-DD"),
    Column("ack_outcome", "受理结果", False, None, "outcome: accepted / declined / returned",
           "受理 / 不予受理 / 退回"),
    Column("result_on", "结果反馈日期", False, None, "result reported on", "YYYY-MM-DD"),
    Column("closed_on", "办结日期", False, None, "closed on", "YYYY-MM-DD"),
    # Optional extras (not in CONTRACT.md), so an export round-trips more of the record.
    Column("approved_by", "审批人", False, _len(Referral, "approved_by"), "approved by"),
    Column("materials", "移送材料", False, None, "materials attached, separated by 、",
           "、".join(lifecycle.MATERIALS)),
    Column("ack_reason", "受理说明", False, None, "reason for declining or returning"),
    Column("result_summary", "结果摘要", False, None, "summary of the result"),
)

COLUMNS = {"agencies": AGENCY_COLUMNS, "referrals": REFERRAL_COLUMNS}

# Model fields the referral import manages; everything else on a referral is left alone.
REFERRAL_FIELDS = (
    "number", "title", "domain", "from_agency_id", "to_agency_id", "discovered_on",
    "discovered_at", "sent_on", "sent_at", "urgency", "extension_notified", "criminal",
    "ack_on", "ack_outcome", "result_on", "closed_on", "approved_by", "materials",
    "ack_reason", "result_summary",
)
DERIVED_FIELDS = ("status", "send_due_on", "send_due_at", "ack_due_on", "ack_due_provisional", "ack_workdays",
                  "round_no")
AGENCY_FIELDS = ("name", "kind", "short_name", "contact", "phone", "lon", "lat")

YES = {"是", "yes", "y", "true", "1", "√", "✓"}
NO = {"否", "no", "n", "false", "0", "×"}


def _with_english(table: Mapping[str, str]) -> dict[str, str]:
    """Chinese label or English code (any case) -> code."""
    out = {zh: code for code, zh in table.items()}
    out.update({code.lower(): code for code in table})
    return out


KIND_CODES = _with_english(lifecycle.AGENCY_KINDS)
URGENCY_CODES = _with_english(lifecycle.URGENCY)
OUTCOME_CODES = _with_english(lifecycle.ACK_OUTCOMES)
DOMAIN_CODES = {zh: zh for zh in lifecycle.DOMAINS} | {
    en.lower(): zh for zh, (_zh, en) in lifecycle.DOMAIN_LABELS.items()
}
MATERIAL_CODES = {zh: zh for zh in lifecycle.MATERIALS} | {
    en.lower(): zh for zh, (_zh, en) in lifecycle.MATERIAL_LABELS.items()
}

