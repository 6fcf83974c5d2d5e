"""The menu: every page with what it needs from the permission matrix, built into
``st.navigation`` by app.py.

A page is in a role's menu when the role may do or see at least one of the page's
``needs`` (actions of :data:`rules.permissions.MATRIX`, reads of
:data:`rules.permissions.READS`); no role is named here. Add a page by adding a
``PageSpec``; the page file itself stays thin.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from rules import permissions
from ui.i18n import t


@dataclass(frozen=True)
class PageSpec:
    path: str  # the page script, relative to the project root
    title: str  # Chinese; translated at run time
    icon: str  # a Material icon, ":material/name:"
    section: str  # Chinese section heading
    url_path: str  # stable, bookmarkable
    needs: tuple[str, ...]  # any one of these actions or reads lets a role open the page

    def open_to(self, role: str) -> bool:
        return any(permissions.scope_for(role, need) is not None for need in self.needs)


PAGES: list[PageSpec] = [
    # Dashboards (看板): figures for everyone; case rows where read.cases allows.
    PageSpec("pages/overview.py", "总览", ":material/dashboard:", "看板", "overview", ("read.figures",)),
    PageSpec("pages/my_agency.py", "本单位", ":material/home_work:", "看板", "my-agency", ("read.cases",)),
    PageSpec("pages/ledger.py", "移送台账", ":material/table_view:", "看板", "ledger", ("read.cases",)),
    PageSpec("pages/overdue.py", "签收超期", ":material/alarm:", "看板", "overdue", ("read.figures",)),
    PageSpec("pages/disputes.py", "职责争议", ":material/balance:", "看板", "disputes", ("read.figures",)),
    PageSpec("pages/notices.py", "我的提醒", ":material/notifications:", "看板", "notices", ("notice.seen",)),
    PageSpec("pages/metrics.py", "成员单位指标", ":material/leaderboard:", "看板", "metrics", ("read.figures",)),
    PageSpec("pages/responsibilities.py", "权责清单", ":material/menu_book:", "看板", "responsibilities",
             ("read.figures",)),
    PageSpec("pages/bulletin.py", "工作通报", ":material/campaign:", "看板", "bulletin", ("read.reports",)),
    # Data entry (录入).
    PageSpec("pages/new_referral.py", "新建移送", ":material/note_add:", "录入", "new-referral",
             ("referral.create",)),
    PageSpec("pages/referral_actions.py", "移送办理", ":material/task:", "录入", "referral-actions",
             ("referral.acknowledge", "referral.report_result", "referral.close")),
    PageSpec("pages/assistance.py", "执法协作", ":material/handshake:", "录入", "assistance",
             ("assist.create", "assist.answer")),
    PageSpec("pages/dispute_entry.py", "职责争议登记", ":material/gavel:", "录入", "dispute-entry",
             ("dispute.raise", "dispute.advance", "dispute.resolve")),
    PageSpec("pages/operations.py", "联合执法", ":material/groups:", "录入", "operations",
             ("operation.create", "operation.decide")),
    PageSpec("pages/import_ledger.py", "导入台账", ":material/upload_file:", "录入", "import-ledger",
             ("import.ledger",)),
    # The joint meeting (联席会议).
    PageSpec("pages/meetings.py", "会议安排", ":material/event:", "联席会议", "meetings", ("read.meetings",)),
    PageSpec("pages/agenda.py", "议题征集", ":material/list_alt:", "联席会议", "agenda", ("read.meetings",)),
    PageSpec("pages/meeting_room.py", "会议控制台", ":material/co_present:", "联席会议", "meeting-room",
             ("meeting.run",)),
    PageSpec("pages/projector.py", "投影模式", ":material/slideshow:", "联席会议", "projector", ("read.meetings",)),
    PageSpec("pages/followup.py", "议定事项督办", ":material/task_alt:", "联席会议", "followup",
             ("read.decisions",)),
    # Administration and the audit trail.
    PageSpec("pages/admin_users.py", "用户管理", ":material/manage_accounts:", "管理", "admin-users",
             ("admin.users",)),
    PageSpec("pages/admin_agencies.py", "成员单位", ":material/apartment:", "管理", "admin-agencies",
             ("admin.agencies",)),
    PageSpec("pages/admin_calendar.py", "工作日历", ":material/calendar_month:", "管理", "admin-calendar",
             ("admin.calendar",)),
    PageSpec("pages/admin_settings.py", "规则参数", ":material/tune:", "管理", "admin-settings",
             ("admin.settings",)),
    PageSpec("pages/notify_log.py", "提醒发送记录", ":material/outgoing_mail:", "管理", "notify-log",
             ("notify.channels",)),
    PageSpec("pages/audit_log.py", "操作日志", ":material/history:", "管理", "audit-log", ("audit.view",)),
]


def home_url_path(role: str) -> str:
    """Where a role lands: a member, who sees case rows of its own agency only, on its own
    agency's page (DESIGN.md); everyone else on the overview."""
    return "my-agency" if permissions.scope_for(role, "read.cases") == permissions.OWN else "overview"


#: The root URL's page: the role's home page under a second, hidden name.
HOME_ALIAS = "home"


def pages_for(role: str) -> dict[str, list]:
    """``st.navigation`` input for a role: {section: [st.Page, ...]} in menu order.

    Streamlit serves its default page at the root URL only, so a home page marked default
    would answer its own address (``/my-agency``, which reminders link to and people
    bookmark) with "page not found". Instead every page keeps its address, and the root URL
    is a hidden alias of the role's home page."""
    sections: dict[str, list] = {}
    home = home_url_path(role)
    for spec in PAGES:
        if not spec.open_to(role):
            continue
        page = st.Page(spec.path, title=t(spec.title), icon=spec.icon, url_path=spec.url_path)
        sections.setdefault(t(spec.section), []).append(page)
        if spec.url_path == home:
            sections[t(spec.section)].append(st.Page(
                spec.path, title=t(spec.title), icon=spec.icon, url_path=HOME_ALIAS, default=True,
                visibility="hidden"))
    return sections
