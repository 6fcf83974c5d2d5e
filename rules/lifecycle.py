"""Status codes, allowed status changes and the fixed vocabularies, as data.

The database stores short ASCII codes; their labels live here, as ``code -> Chinese``
dictionaries (the form the import files use, e.g. ``ACK_OUTCOMES["accepted"] == "受理"``)
and ``code -> (Chinese, English)`` dictionaries for the interface (``*_LABELS``).

Kinds of record with a lifecycle (the ``kind`` argument of :func:`check_transition`):
``"referral"``, ``"dispute"``, ``"assistance"``, ``"agenda_item"``, ``"meeting"``,
``"decision"``, ``"joint_operation"``. A status may not "change" to itself.

- referral: draft → sent → accepted | declined | returned; accepted → reported → closed;
  declined → closed; returned → draft (the sender revises and may send again) | closed.
- dispute: the stages of DOMAIN.md in order, one step forward at a time, or to ``resolved``
  from any open stage: joint_handling → negotiation → coordination → recommendation →
  ruling, and any of them → resolved.
- assistance: open → answered | withdrawn.
- agenda_item: submitted → approved | deferred | declined; deferred → submitted | approved |
  declined; approved → deferred (the caller checks that the agenda is not locked yet).
- meeting: planned → collecting → approved → in_session → closed, and any status except
  closed (and cancelled itself) → cancelled.
- decision: open → done | cancelled.
- joint_operation: applied → approved | rejected; approved → in_progress → finished. A
  routine or emergency operation may be created already approved; a special one starts as
  applied (see :data:`JOINT_OP_INITIAL`).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "TransitionError",
    "check_transition",
    "allowed_next",
    "check_initial",
    "label",
    "status_label",
    "KINDS",
    "TRANSITIONS",
    "INITIAL_STATUSES",
    "STATUS_LABELS",
    "REFERRAL_STATUSES",
    "ACK_OUTCOMES",
    "DISPUTE_STAGES",
    "DISPUTE_OPEN_STAGES",
    "ASSISTANCE_STATUSES",
    "AGENDA_STATUSES",
    "MEETING_STATUSES",
    "DECISION_STATUSES",
    "JOINT_OP_STATUSES",
    "JOINT_OP_MECHANISMS",
    "JOINT_OP_INITIAL",
    "DOMAINS",
    "DOMAIN_LABELS",
    "MATERIALS",
    "MATERIAL_LABELS",
    "AGENCY_KINDS",
    "ROLES",
    "URGENCY",
    "ATTENDANCE",
    "AGENDA_KINDS",
    "ASSISTANCE_KINDS",
]


class TransitionError(ValueError):
    """A status change the rules do not allow, in plain words: ``zh`` and ``en``
    (``str()`` gives both)."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


# --------------------------------------------------------------------------- statuses
# Each table: code -> (Chinese, English), in lifecycle order.

_REFERRAL = {
    "draft": ("待移送", "Draft"),
    "sent": ("已移送", "Sent"),
    "accepted": ("已受理", "Accepted"),
    "declined": ("不予受理", "Declined"),
    "returned": ("退回", "Returned"),
    "reported": ("已反馈", "Result reported"),
    "closed": ("已办结", "Closed"),
}
_DISPUTE = {
    "joint_handling": ("先予协同处置", "Joint interim handling"),
    "negotiation": ("协商", "Negotiation"),
    "coordination": ("司法局协调", "Coordination by the justice bureau"),
    "recommendation": ("书面建议", "Written recommendation"),
    "ruling": ("政府裁决", "Government ruling"),
    "resolved": ("已解决", "Resolved"),
}
_ASSISTANCE = {
    "open": ("待答复", "Awaiting answer"),
    "answered": ("已答复", "Answered"),
    "withdrawn": ("已撤回", "Withdrawn"),
}
_AGENDA = {
    "submitted": ("提交", "Submitted"),
    "approved": ("已审定", "Approved"),
    "deferred": ("暂缓", "Deferred"),
    "declined": ("不予列入", "Not listed"),
}
_MEETING = {
    "planned": ("计划", "Planned"),
    "collecting": ("议题征集", "Collecting agenda items"),
    "approved": ("议程已审定", "Agenda approved"),
    "in_session": ("会议中", "In session"),
    "closed": ("已结束", "Closed"),
    "cancelled": ("已取消", "Cancelled"),
}
_DECISION = {
    "open": ("办理中", "In progress"),
    "done": ("已完成", "Done"),
    "cancelled": ("已撤销", "Cancelled"),
}
_JOINT_OP = {
    "applied": ("已申请", "Applied for"),
    "approved": ("已批准", "Approved"),
    "rejected": ("不予批准", "Rejected"),
    "in_progress": ("实施中", "In progress"),
    "finished": ("已完成", "Finished"),
}

#: kind -> (Chinese name, English name) of the kind of record.
KINDS: dict[str, tuple[str, str]] = {
    "referral": ("移送案件", "referral"),
    "dispute": ("职责争议", "dispute"),
    "assistance": ("协作请求", "assistance request"),
    "agenda_item": ("议题", "agenda item"),
    "meeting": ("联席会议", "meeting"),
    "decision": ("议定事项", "decision"),
    "joint_operation": ("联合执法行动", "joint operation"),
}

#: kind -> code -> (Chinese label, English label)
STATUS_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "referral": _REFERRAL,
    "dispute": _DISPUTE,
    "assistance": _ASSISTANCE,
    "agenda_item": _AGENDA,
    "meeting": _MEETING,
    "decision": _DECISION,
    "joint_operation": _JOINT_OP,
}


def _zh(table: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    return {code: pair[0] for code, pair in table.items()}


#: code -> Chinese label, per kind.
REFERRAL_STATUSES: dict[str, str] = _zh(_REFERRAL)
ASSISTANCE_STATUSES: dict[str, str] = _zh(_ASSISTANCE)
AGENDA_STATUSES: dict[str, str] = _zh(_AGENDA)
MEETING_STATUSES: dict[str, str] = _zh(_MEETING)
DECISION_STATUSES: dict[str, str] = _zh(_DECISION)
JOINT_OP_STATUSES: dict[str, str] = _zh(_JOINT_OP)

#: The acknowledgement outcomes a receiver may give (any of them counts as the written answer).
ACK_OUTCOMES: dict[str, str] = {"accepted": "受理", "declined": "不予受理", "returned": "退回"}

#: Dispute stages, in order (DOMAIN.md), then the end state.
DISPUTE_STAGES: tuple[str, ...] = (
    "joint_handling",
    "negotiation",
    "coordination",
    "recommendation",
    "ruling",
    "resolved",
)
DISPUTE_OPEN_STAGES: tuple[str, ...] = DISPUTE_STAGES[:-1]

# --------------------------------------------------------------------------- transitions


def _dispute_transitions() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for i, stage in enumerate(DISPUTE_OPEN_STAGES):
        nxt = DISPUTE_STAGES[i + 1]
        table[stage] = (nxt,) if nxt == "resolved" else (nxt, "resolved")
    table["resolved"] = ()
    return table


def _meeting_transitions() -> dict[str, tuple[str, ...]]:
    line = ("planned", "collecting", "approved", "in_session", "closed")
    table: dict[str, tuple[str, ...]] = {}
    for i, status in enumerate(line[:-1]):
        table[status] = (line[i + 1], "cancelled")
    table["closed"] = ()
    table["cancelled"] = ()
    return table


#: kind -> current status -> statuses it may change to.
TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "referral": {
        "draft": ("sent",),
        "sent": ("accepted", "declined", "returned"),
        "accepted": ("reported",),
        "declined": ("closed",),
        "returned": ("draft", "closed"),
        "reported": ("closed",),
        "closed": (),
    },
    "dispute": _dispute_transitions(),
    "assistance": {
        "open": ("answered", "withdrawn"),
        "answered": (),
        "withdrawn": (),
    },
    "agenda_item": {
        "submitted": ("approved", "deferred", "declined"),
        "deferred": ("submitted", "approved", "declined"),
        "approved": ("deferred",),
        "declined": (),
    },
    "meeting": _meeting_transitions(),
    "decision": {
        "open": ("done", "cancelled"),
        "done": (),
        "cancelled": (),
    },
    "joint_operation": {
        "applied": ("approved", "rejected"),
        "approved": ("in_progress",),
        "rejected": (),
        "in_progress": ("finished",),
        "finished": (),
    },
}

#: kind -> statuses a new record may be created in. A referral may be entered already sent
#: (a clerk recording one sent on paper); a joint operation's start depends on its
#: mechanism, see :data:`JOINT_OP_INITIAL`.
INITIAL_STATUSES: dict[str, tuple[str, ...]] = {
    "referral": ("draft", "sent"),
    "dispute": ("joint_handling",),
    "assistance": ("open",),
    "agenda_item": ("submitted",),
    "meeting": ("planned",),
    "decision": ("open",),
    "joint_operation": ("applied", "approved"),
}

#: How a joint operation is started (DOMAIN.md): code -> (Chinese, English).
JOINT_OP_MECHANISMS: dict[str, tuple[str, str]] = {
    "routine": ("常规启动", "Routine (plan approved by the leading group)"),
    "special": ("专项启动", "Special (a member applies)"),
    "emergency": ("应急启动", "Emergency (immediate)"),
}

#: mechanism -> statuses a new joint operation may start in.
JOINT_OP_INITIAL: dict[str, tuple[str, ...]] = {
    "routine": ("applied", "approved"),
    "special": ("applied",),
    "emergency": ("applied", "approved"),
}


def _kind_table(kind: str) -> dict[str, tuple[str, ...]]:
    try:
        return TRANSITIONS[kind]
    except KeyError:
        raise TransitionError(
            f"未知的记录类型“{kind}”。",
            f"Unknown kind of record {kind!r}; expected one of {', '.join(TRANSITIONS)}."
        ) from None


def _names(kind: str, codes: tuple[str, ...], lang: int) -> str:
    labels = STATUS_LABELS[kind]
    sep = "、" if lang == 0 else ", "
    return sep.join(labels[c][lang] for c in codes)


def _check_status(kind: str, status: str) -> None:
    if status not in STATUS_LABELS[kind]:
        zh_kind, en_kind = KINDS[kind]
        raise TransitionError(
            f"{zh_kind}没有“{status}”这个状态。可用状态：{_names(kind, tuple(STATUS_LABELS[kind]), 0)}。",
            f"A {en_kind} has no status {status!r}. Statuses: "
            f"{', '.join(STATUS_LABELS[kind])}."
        )


def allowed_next(kind: str, current: str) -> tuple[str, ...]:
    """The statuses a record of ``kind`` in status ``current`` may change to (may be empty)."""
    table = _kind_table(kind)
    _check_status(kind, current)
    return table[current]


def check_transition(kind: str, current: str, target: str) -> None:
    """Return quietly when ``current -> target`` is allowed, else raise :class:`TransitionError`
    with a message in plain Chinese and English saying what is allowed instead."""
    nxt = allowed_next(kind, current)
    _check_status(kind, target)
    if target in nxt:
        return
    zh_kind, en_kind = KINDS[kind]
    labels = STATUS_LABELS[kind]
    cur_zh, cur_en = labels[current]
    tgt_zh, tgt_en = labels[target]
    if nxt:
        zh_tail = f"当前只能改为：{_names(kind, nxt, 0)}。"
        en_tail = f"From here it can only become: {_names(kind, nxt, 1)}."
    else:
        zh_tail = "该状态已是最终状态，不能再变更。"
        en_tail = "That is a final status; it cannot change any more."
    raise TransitionError(
        f"{zh_kind}不能从“{cur_zh}”改为“{tgt_zh}”。{zh_tail}",
        f"A {en_kind} cannot go from “{cur_en}” to “{tgt_en}”. {en_tail}"
    )


def check_initial(kind: str, status: str, mechanism: str | None = None) -> None:
    """Raise :class:`TransitionError` unless a new record of ``kind`` may start in ``status``.

    For ``"joint_operation"`` pass the ``mechanism`` (routine / special / emergency).
    """
    _kind_table(kind)
    _check_status(kind, status)
    zh_kind, en_kind = KINDS[kind]
    if kind == "joint_operation":
        if mechanism not in JOINT_OP_INITIAL:
            raise TransitionError(
                "请选择启动方式（常规启动/专项启动/应急启动）。",
                f"Choose how the operation is started (routine, special or emergency); got {mechanism!r}."
            )
        starts = JOINT_OP_INITIAL[mechanism]
    else:
        starts = INITIAL_STATUSES[kind]
    if status not in starts:
        raise TransitionError(
            f"新{zh_kind}不能以“{STATUS_LABELS[kind][status][0]}”状态创建，"
            f"只能是：{_names(kind, starts, 0)}。",
            f"A new {en_kind} cannot start as “{STATUS_LABELS[kind][status][1]}”; "
            f"it can start as: {_names(kind, starts, 1)}."
        )


# --------------------------------------------------------------------------- vocabularies

#: Enforcement domains (违法领域), stored as the Chinese name; -> (Chinese, English).
DOMAIN_LABELS: dict[str, tuple[str, str]] = {
    "城镇管理": ("城镇管理", "Urban management"),
    "国土资源": ("国土资源", "Land and resources"),
    "规划建设": ("规划建设", "Planning and construction"),
    "生态环境": ("生态环境", "Ecology and environment"),
    "安全生产": ("安全生产", "Work safety"),
    "食品安全": ("食品安全", "Food safety"),
    "市场监管": ("市场监管", "Market regulation"),
    "治安管理": ("治安管理", "Public order"),
    "文化旅游": ("文化旅游", "Culture and tourism"),
    "农业畜牧": ("农业畜牧", "Agriculture and livestock"),
    "交通运输": ("交通运输", "Transport"),
    "卫生健康": ("卫生健康", "Health"),
}
DOMAINS: tuple[str, ...] = tuple(DOMAIN_LABELS)

#: Materials attached to a referral, stored as the Chinese name; -> (Chinese, English).
MATERIAL_LABELS: dict[str, tuple[str, str]] = {
    "移送函": ("移送函", "Referral letter"),
    "现场检查记录": ("现场检查记录", "On-site inspection record"),
    "现场照片": ("现场照片", "On-site photos"),
    "举报投诉材料": ("举报投诉材料", "Report or complaint"),
    "询问笔录": ("询问笔录", "Interview record"),
}
MATERIALS: tuple[str, ...] = tuple(MATERIAL_LABELS)

#: code -> Chinese
AGENCY_KINDS: dict[str, str] = {
    "department": "部门",
    "town": "镇街",
    "judicial": "司法机关",
    "coordinator": "牵头单位",
}
ROLES: dict[str, str] = {
    "office": "联席会议办公室",
    "chair": "联席会议组长",
    "head": "成员单位负责人",
    "clerk": "联络员",
    "observer": "列席观察员",
}
URGENCY: dict[str, str] = {"normal": "普通", "urgent": "紧急"}
ATTENDANCE: dict[str, str] = {"present": "出席", "absent": "缺席", "deputised": "委托出席"}
AGENDA_KINDS: dict[str, str] = {
    "dispute": "职责争议",
    "overdue_referral": "超期移送",
    "joint_operation": "联合执法",
    "policy": "政策问题",
    "report": "工作报告",
    "decision_followup": "议定事项督办",
}
ASSISTANCE_KINDS: dict[str, str] = {
    "determination": "认定",
    "appraisal": "鉴定",
    "testing": "检测",
    "opinion": "咨询意见",
    "onsite": "现场协助",
}

#: code -> (Chinese, English) for the vocabularies above.
AGENCY_KIND_LABELS: dict[str, tuple[str, str]] = {
    "department": ("部门", "Department"),
    "town": ("镇街", "Town / street"),
    "judicial": ("司法机关", "Judicial body"),
    "coordinator": ("牵头单位", "Coordinator"),
}
ROLE_LABELS: dict[str, tuple[str, str]] = {
    "office": ("联席会议办公室", "Joint meeting office"),
    "chair": ("联席会议组长", "Chair"),
    "head": ("成员单位负责人", "Agency head"),
    "clerk": ("联络员", "Clerk"),
    "observer": ("列席观察员", "Observer"),
}
URGENCY_LABELS: dict[str, tuple[str, str]] = {"normal": ("普通", "Normal"), "urgent": ("紧急", "Urgent")}
ACK_OUTCOME_LABELS: dict[str, tuple[str, str]] = {
    "accepted": ("受理", "Accepted"),
    "declined": ("不予受理", "Declined"),
    "returned": ("退回", "Returned"),
}
ATTENDANCE_LABELS: dict[str, tuple[str, str]] = {
    "present": ("出席", "Present"),
    "absent": ("缺席", "Absent"),
    "deputised": ("委托出席", "Deputised"),
}
AGENDA_KIND_LABELS: dict[str, tuple[str, str]] = {
    "dispute": ("职责争议", "Jurisdiction dispute"),
    "overdue_referral": ("超期移送", "Overdue referral"),
    "joint_operation": ("联合执法", "Joint operation"),
    "policy": ("政策问题", "Policy question"),
    "report": ("工作报告", "Report"),
    "decision_followup": ("议定事项督办", "Decision follow-up"),
}
ASSISTANCE_KIND_LABELS: dict[str, tuple[str, str]] = {
    "determination": ("认定", "Determination"),
    "appraisal": ("鉴定", "Technical appraisal"),
    "testing": ("检测", "Testing"),
    "opinion": ("咨询意见", "Opinion"),
    "onsite": ("现场协助", "On-site help"),
}

__all__ += [
    "AGENCY_KIND_LABELS",
    "ROLE_LABELS",
    "URGENCY_LABELS",
    "ACK_OUTCOME_LABELS",
    "ATTENDANCE_LABELS",
    "AGENDA_KIND_LABELS",
    "ASSISTANCE_KIND_LABELS",
]


def label(labels: Mapping[str, tuple[str, str]], code: str | None, lang: str = "zh") -> str:
    """The label of ``code`` in ``lang`` (``"zh"`` or ``"en"``) from a ``*_LABELS`` table;
    the code itself when unknown, "" for ``None``."""
    if code is None:
        return ""
    pair = labels.get(code)
    if pair is None:
        return str(code)
    return pair[1] if lang == "en" else pair[0]


def status_label(kind: str, code: str | None, lang: str = "zh") -> str:
    """The label of status ``code`` of a record of ``kind`` in ``lang`` (``"zh"``/``"en"``)."""
    return label(STATUS_LABELS.get(kind, {}), code, lang)
