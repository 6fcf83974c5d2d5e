"""The audit trail (全过程留痕): filtered, paged in SQL, exported.

Reading the trail is itself a permission (``audit.view``: the office and the chair), so
these reads take the ``Actor`` and check it like a command does.

The filters use the indexed columns of ``audit_log`` (``at``; ``username, at``;
``object_type, object_id``); a page is fetched with LIMIT/OFFSET and the export streams the
filtered rows in batches, so neither ever holds the whole log in memory.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.commands.base import Actor, authorize
from data_access.inert import inert, xlsx_cell
from data_access.models import Agency, AuditEntry, User
from rules.permissions import MATRIX

#: Table name -> (Chinese, English), for the object filter and the table.
OBJECT_LABELS: dict[str, tuple[str, str]] = {
    "referrals": ("案件移送", "Referral"),
    "assistance_requests": ("协作请求", "Assistance request"),
    "disputes": ("职责争议", "Dispute"),
    "meetings": ("联席会议", "Meeting"),
    "agenda_items": ("议题", "Agenda item"),
    "decisions": ("议定事项", "Decision"),
    "joint_operations": ("联合执法", "Joint operation"),
    "agencies": ("成员单位", "Member agency"),
    "users": ("用户", "User"),
    "calendar_years": ("工作日历", "Working-day calendar"),
    "rule_settings": ("规则参数", "Rule settings"),
    "database": ("数据库", "Database"),
}

#: Action code -> (Chinese, English) for the actions outside the permission matrix.
ACTION_LABELS: dict[str, tuple[str, str]] = {
    "user.login": ("登录", "Signed in"),
    "user.logout": ("退出登录", "Signed out"),
    "user.login_failed": ("登录失败", "Failed sign-in"),
    "user.locked": ("账户锁定", "Account locked"),
    "user.language": ("切换语言", "Changed language"),
    "user.change_password": ("修改本人密码", "Changed own password"),
    "user.reset_password": ("重置密码", "Password reset"),
    "user.change_role": ("修改角色/单位", "Role or agency changed"),
    "user.deactivate": ("停用用户", "User deactivated"),
    "user.reactivate": ("启用用户", "User reactivated"),
    "user.create": ("新建用户", "User created"),
    "user.bootstrap": ("初始化管理员", "First admin set up"),
    "agency.add": ("新增单位", "Agency added"),
    "agency.edit": ("修改单位", "Agency edited"),
    "agency.deactivate": ("停用单位", "Agency deactivated"),
    "agency.reactivate": ("启用单位", "Agency reactivated"),
    "agency.delete": ("删除单位", "Agency deleted"),
    "calendar.save_year": ("录入年度放假安排", "Year's arrangement entered"),
    "settings.save": ("修改规则参数", "Rule settings changed"),
    "seed": ("载入示例数据", "Sample data loaded"),
}


def action_label(code: str) -> tuple[str, str]:
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    if code in MATRIX:
        zh, en, _ = MATRIX[code]
        return zh, en
    return code, code


def object_label(code: str | None) -> tuple[str, str]:
    if code is None:
        return "", ""
    return OBJECT_LABELS.get(code, (code, code))


@dataclass(frozen=True)
class AuditFilter:
    username: str | None = None
    agency_id: int | None = None
    object_type: str | None = None
    object_id: str | None = None
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    action: str | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    username: str
    agency_id: int | None
    agency_name: str | None
    action: str
    object_type: str
    object_id: str | None
    before: dict | None
    after: dict | None


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _conditions(f: AuditFilter) -> list:
    a = AuditEntry
    cond = []
    if f.username:
        cond.append(a.username == f.username)
    if f.agency_id is not None:
        cond.append(a.agency_id == f.agency_id)
    if f.object_type:
        cond.append(a.object_type == f.object_type)
    if f.object_id:
        cond.append(a.object_id == str(f.object_id))
    if f.action:
        cond.append(a.action == f.action)
    if f.date_from:
        cond.append(a.at >= datetime.combine(f.date_from, time.min))
    if f.date_to:
        cond.append(a.at < datetime.combine(f.date_to + timedelta(days=1), time.min))
    return cond


def _select(f: AuditFilter):
    a = AuditEntry
    return (
        select(
            a.id, a.at, a.username, a.agency_id, Agency.name, a.action, a.object_type,
            a.object_id, a.before, a.after,
        )
        .outerjoin(Agency, Agency.id == a.agency_id)
        .where(*_conditions(f))
    )


def audit_page(
    session: Session, actor: Actor, f: AuditFilter, *, page: int = 1, page_size: int = 50
) -> AuditPage:
    """One page of the filtered trail, newest first, and the number of matching rows."""
    authorize(actor, "audit.view")
    page_size = max(1, min(int(page_size), 500))
    total = session.execute(
        select(func.count()).select_from(AuditEntry).where(*_conditions(f))
    ).scalar_one()
    pages = max(1, -(-total // page_size))
    page = max(1, min(int(page), pages))
    rows = session.execute(
        _select(f).order_by(AuditEntry.id.desc()).limit(page_size).offset((page - 1) * page_size)
    ).all()
    return AuditPage([AuditRow(*r) for r in rows], total, page, page_size)


@dataclass(frozen=True)
class AuditChoices:
    usernames: list[str]
    agencies: dict[int, str]
    object_types: list[str]


def audit_choices(session: Session) -> AuditChoices:
    """What the filters offer: every account (plus "system"), every agency, and the object
    types that occur in the trail (a DISTINCT over the ``object_type`` index)."""
    names = sorted(set(session.execute(select(User.username)).scalars()) | {"system"})
    agencies = dict(session.execute(select(Agency.id, Agency.name).order_by(Agency.name)).all())
    types = sorted(session.execute(select(AuditEntry.object_type).distinct()).scalars())
    return AuditChoices(names, agencies, types)


EXPORT_COLUMNS = ("编号", "时间", "用户", "所属单位", "操作", "操作代码", "对象类型", "对象编号", "修改前", "修改后")


def _export_rows(session: Session, f: AuditFilter, batch: int = 5000):
    """The filtered rows as export lines, oldest first, fetched in keyset batches."""
    last_id = 0
    while True:
        rows = session.execute(
            _select(f).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        for r in rows:
            row = AuditRow(*r)
            yield (
                row.id,
                row.at.strftime("%Y-%m-%d %H:%M:%S"),
                row.username,
                row.agency_name or "",
                action_label(row.action)[0],
                row.action,
                object_label(row.object_type)[0],
                row.object_id or "",
                _json(row.before),
                _json(row.after),
            )
        if len(rows) < batch:
            return
        last_id = rows[-1][0]


def _json(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def export_audit_csv(session: Session, actor: Actor, f: AuditFilter) -> bytes:
    """The filtered trail as CSV, UTF-8 with a BOM so that Excel shows the Chinese."""
    authorize(actor, "audit.view")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows([inert(v, csv=True) for v in line] for line in _export_rows(session, f))
    return buf.getvalue().encode("utf-8-sig")


def export_audit_xlsx(session: Session, actor: Actor, f: AuditFilter) -> bytes:
    """The filtered trail as an Excel workbook (written row by row: write-only mode)."""
    authorize(actor, "audit.view")
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("操作日志")
    ws.append(EXPORT_COLUMNS)
    for line in _export_rows(session, f):
        ws.append([xlsx_cell(ws, v) for v in line])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
