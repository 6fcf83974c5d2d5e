"""Who may do what: the permission matrix (role × action), as data.

Every write command in ``data_access.commands`` calls :func:`authorize` before it writes;
hiding a button is only a convenience on top of this.

Scopes:
- ``ANY``: for every agency.
- ``OWN``: only where the user's own agency is the one named for the action (the sender of
  a referral, the receiver acknowledging it, a party to a dispute, the lead or co-agency of a
  decision). The command passes the agencies concerned; the user's must be among them.

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
    """Raised with a message in plain words, Chinese then English."""


def scope_for(role: str, action: str) -> str | None:
    """The scope a role has for an action, or None when it may not do it at all."""
    if action not in MATRIX:
        raise KeyError(f"unknown action {action!r}")
    return MATRIX[action][2].get(role)


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
        raise PermissionDenied(f"您的角色无权{zh}。 / Your role may not: {en.lower()}.")
    if scope == OWN:
        concerned = {a for a in agencies if a is not None}
        if own_agency_id is None or own_agency_id not in concerned:
            raise PermissionDenied(
                f"只能为本单位{zh}。 / You may only do this for your own agency: {en.lower()}."
            )
