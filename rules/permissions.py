"""Who may do what: the permission matrix (role × action), as data.

Every write command in ``data_access.commands`` calls :func:`authorize` before it writes;
hiding a button is only a convenience on top of this.

Scopes:
- ``ANY``: for every agency.
- ``OWN``: only where the user's own agency is the one named for the action (the sender of
  a referral, the receiver acknowledging it, a party to a dispute, the lead or co-agency of a
  decision). The command passes the agencies concerned; the user's must be among them.

Reads (:data:`READS`) use the same scopes for what a role may *see*: ``ANY`` every agency's
rows, ``OWN`` only rows where the user's agency is a party (sender or receiver, a party to
a dispute, the lead or a co-agency of a decision). A role without a read sees none of it.
Pages and the menu ask :func:`can_read` / :func:`case_rows_for`; they never list roles.

Roles: ``office`` 联席会议办公室 (full administration), ``chair`` 联席会议组长, ``head``
成员单位负责人, ``clerk`` 联络员 (data entry for their own agency), ``observer`` 列席观察员
(read-only: writes nothing).
"""

from __future__ import annotations

from collections.abc import Iterable

ANY = "any"
OWN = "own"

ROLES = ("office", "chair", "head", "clerk", "observer")

# action: (Chinese label, English label, {role: scope})
MATRIX: dict[str, tuple[str, str, dict[str, str]]] = {
    "referral.create": ("新建移送", "Create a referral", {"office": ANY, "head": OWN, "clerk": OWN}),
    "referral.send": ("发出移送", "Send a referral", {"office": ANY, "head": OWN, "clerk": OWN}),
    "referral.acknowledge": (
        "受理告知（受理/不予受理/退回）",
        "Acknowledge (accept / decline / return)",
        {"office": ANY, "head": OWN, "clerk": OWN},
    ),
    "referral.report_result": ("反馈办理结果", "Report the result", {"office": ANY, "head": OWN, "clerk": OWN}),
    "referral.close": ("办结", "Close", {"office": ANY, "head": OWN, "clerk": OWN}),
    "assist.create": ("提出协作请求", "Request assistance", {"office": ANY, "head": OWN, "clerk": OWN}),
    "assist.answer": ("答复协作请求", "Answer an assistance request", {"office": ANY, "head": OWN, "clerk": OWN}),
    "dispute.raise": ("提出职责争议", "Raise a dispute", {"office": ANY, "chair": ANY, "head": OWN, "clerk": OWN}),
    "dispute.advance": ("推进争议阶段", "Move a dispute to its next stage", {"office": ANY, "chair": ANY, "head": OWN}),
    "dispute.resolve": ("争议结案", "Resolve a dispute", {"office": ANY, "chair": ANY}),
    # DOMAIN.md: only the office (the justice bureau) writes the 书面建议 and records the
    # government's ruling (裁决); a party never moves its own dispute to either.
    "dispute.recommend": ("出具书面建议", "Write the written recommendation", {"office": ANY}),
    "dispute.rule": ("登记政府裁决", "Record the government's ruling", {"office": ANY}),
    "responsibility.import": ("导入权责清单", "Import the responsibility list", {"office": ANY}),
    "responsibility.edit": ("修改权责清单", "Edit the responsibility list", {"office": ANY}),
    "attachment.add": ("上传附件材料", "Attach a file", {"office": ANY, "head": OWN, "clerk": OWN}),
    "attachment.download": ("下载附件材料", "Download an attached file", {"office": ANY, "head": OWN, "clerk": OWN}),
    "operation.dispatch": ("登记联合执法派员", "Record a dispatch to a joint operation",
                           {"office": ANY, "head": OWN, "clerk": OWN}),
    "operation.create": ("发起联合执法", "Start a joint operation", {"office": ANY, "head": OWN, "clerk": OWN}),
    "operation.decide": ("审批联合执法", "Decide on a joint operation", {"office": ANY, "chair": ANY}),
    "meeting.schedule": ("安排会议", "Schedule a meeting", {"office": ANY, "chair": ANY}),
    "agenda.submit": ("提交议题", "Submit an agenda item", {"office": ANY, "chair": ANY, "head": OWN, "clerk": OWN}),
    "agenda.review": ("审定议题", "Approve, defer or decline items", {"office": ANY, "chair": ANY}),
    "agenda.admit_late": ("决定逾期议题是否列入", "Decide on a late agenda item", {"office": ANY}),
    "agenda.unlock": ("解锁已审定的议程", "Unlock an approved agenda", {"office": ANY}),
    "meeting.run": ("主持会议", "Run the meeting", {"office": ANY, "chair": ANY}),
    "attendance.record": ("登记出席", "Record attendance", {"office": ANY, "chair": ANY}),
    "decision.record": ("记录议定事项", "Record a decision", {"office": ANY, "chair": ANY}),
    "decision.progress": ("填报督办进展", "Post progress on a decision", {"office": ANY, "head": OWN, "clerk": OWN}),
    "decision.complete": ("议定事项办结", "Mark a decision done", {"office": ANY, "chair": ANY, "head": OWN}),
    "admin.users": ("管理用户", "Manage users", {"office": ANY}),
    "admin.agencies": ("管理成员单位", "Manage member agencies", {"office": ANY}),
    "admin.calendar": ("维护工作日历", "Maintain the working-day calendar", {"office": ANY}),
    "admin.settings": ("修改规则参数", "Change rule settings", {"office": ANY}),
    "import.ledger": ("导入台账", "Import ledgers", {"office": ANY}),
    "audit.view": ("查看操作日志", "View the audit trail", {"office": ANY, "chair": ANY}),
    "notify.channels": ("管理通知地址", "Manage notification channels", {"office": ANY}),
    "notify.send": ("发送提醒", "Send reminders", {"office": ANY}),
    # One's own notices, whichever agency they concern: nothing to scope.
    "notice.seen": (
        "标记本人提醒已读", "Mark one's notices as read", {"office": ANY, "chair": ANY, "head": ANY, "clerk": ANY}
    ),
    "report.publish": ("发布工作通报", "Publish the period's report (通报)", {"office": ANY}),
}


#: What a role may see: read: (Chinese label, English label, {role: scope}).
#: Figures are counts and rates per agency (every member may compare itself with the
#: others); case rows are single referrals, assistance requests and disputes with their
#: titles (a member sees those its agency is a party to; an observer none); decisions are
#: the meeting's record, issued to every member in its minutes (observers attend).
READS: dict[str, tuple[str, str, dict[str, str]]] = {
    "read.figures": (
        "查看各单位统计数字（汇总）",
        "See every agency's figures (aggregates)",
        {"office": ANY, "chair": ANY, "head": ANY, "clerk": ANY, "observer": ANY},
    ),
    "read.cases": (
        "查看案件明细（移送、协作、争议及其名称）",
        "See case rows (referrals, assistance requests, disputes, with their titles)",
        {"office": ANY, "chair": ANY, "head": OWN, "clerk": OWN},
    ),
    "read.decisions": (
        "查看议定事项及督办进展",
        "See decisions and their follow-up",
        {"office": ANY, "chair": ANY, "head": ANY, "clerk": ANY, "observer": ANY},
    ),
    "read.meetings": (
        "查看会议安排、议程与投影",
        "See meetings, agendas and the projector",
        {"office": ANY, "chair": ANY, "head": ANY, "clerk": ANY, "observer": ANY},
    ),
    # The 通报 is issued to every member and names the long-overdue referrals (its red list)
    # on purpose: that is how the meeting chases them (DOMAIN.md, the published report).
    "read.reports": (
        "查看工作通报（含超期红榜）",
        "See the period's reports (通报), their red list included",
        {"office": ANY, "chair": ANY, "head": ANY, "clerk": ANY, "observer": ANY},
    ),
}

#: The dispute stages whose entry needs more than ``dispute.advance`` (DOMAIN.md).
DISPUTE_STAGE_ACTIONS: dict[str, str] = {
    "recommendation": "dispute.recommend",
    "ruling": "dispute.rule",
}


def dispute_stage_action(target_stage: str) -> str:
    """The action that moves a dispute into ``target_stage``."""
    return DISPUTE_STAGE_ACTIONS.get(target_stage, "dispute.advance")


class PermissionDenied(PermissionError):
    """Raised with a message in plain words: ``zh`` and ``en``; ``str()`` gives both."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


def scope_for(role: str, action: str) -> str | None:
    """The scope a role has for an action or a read (:data:`READS`), or None when it may
    not do it at all."""
    if action in MATRIX:
        return MATRIX[action][2].get(role)
    if action in READS:
        return READS[action][2].get(role)
    raise KeyError(f"unknown action {action!r}")


def can_read(role: str, read: str) -> bool:
    """Whether the role sees anything of ``read`` (for the menu and a page's sections)."""
    if read not in READS:
        raise KeyError(f"unknown read {read!r}")
    return scope_for(role, read) is not None


#: :func:`rows_for`'s answer when a role may see the rows of every agency.
EVERY_AGENCY = None


class NoRows(Exception):
    """:func:`rows_for` found that the user may see no row of this kind at all."""


def rows_for(role: str, own_agency_id: int | None, read: str) -> int | None:
    """The agency whose rows of ``read`` the user may see: :data:`EVERY_AGENCY` (``None``)
    for an ``ANY`` scope, their own agency for ``OWN``; raises :class:`NoRows` when they
    may see none (no scope, or ``OWN`` without an agency)."""
    scope = scope_for(role, read)
    if scope == ANY:
        return EVERY_AGENCY
    if scope == OWN and own_agency_id is not None:
        return own_agency_id
    raise NoRows(read)


def may_see(role: str, own_agency_id: int | None, read: str, agencies: Iterable[int | None]) -> bool:
    """Whether the user may see a row of ``read`` that concerns ``agencies`` (its parties)."""
    try:
        only = rows_for(role, own_agency_id, read)
    except NoRows:
        return False
    return only is EVERY_AGENCY or only in set(agencies)


def can(role: str, action: str) -> bool:
    """Whether the role may do the action for at least one agency (for showing a button)."""
    return scope_for(role, action) is not None


def authorize(role: str, own_agency_id: int | None, action: str, agencies: Iterable[int | None] = ()) -> None:
    """Raise :class:`PermissionDenied` unless the role may do ``action`` on these agencies.

    ``agencies`` are the agencies the action concerns (for a new referral, its sender; for an
    acknowledgement, the receiver). With ``OWN`` scope the user's agency must be one of them.
    """
    zh, en, _ = MATRIX[action]
    scope = scope_for(role, action)
    if scope is None:
        raise PermissionDenied(f"您的角色无权{zh}。", f"Your role may not: {en.lower()}.")
    if scope == OWN:
        concerned = {a for a in agencies if a is not None}
        if own_agency_id is None or own_agency_id not in concerned:
            raise PermissionDenied(
                f"只能为本单位{zh}。", f"You may only do this for your own agency: {en.lower()}."
            )
