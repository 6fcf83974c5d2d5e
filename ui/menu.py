"""The menu: every page with the roles that see it, built into ``st.navigation`` by app.py.

Add a page by adding a ``PageSpec`` here; the page file itself stays thin.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui.i18n import t

ALL = frozenset({"office", "chair", "head", "clerk", "observer"})
MEMBERS = frozenset({"head", "clerk"})
LEADERS = frozenset({"office", "chair"})


@dataclass(frozen=True)
class PageSpec:
    path: str  # the page script, relative to the project root
    title: str  # Chinese; translated at run time
    icon: str  # a Material icon, ":material/name:"
    section: str  # Chinese section heading
    url_path: str  # stable, bookmarkable
    roles: frozenset[str] = ALL
    home_for: frozenset[str] = frozenset()  # roles that land on this page


PAGES: list[PageSpec] = [
    PageSpec("pages/overview.py", "总览", ":material/dashboard:", "看板", "overview",
             roles=ALL, home_for=frozenset({"office", "chair", "observer"})),
    # Dashboards (看板): everyone reads; members' views start at their own agency.
    PageSpec("pages/my_agency.py", "本单位", ":material/home_work:", "看板", "my-agency",
             roles=ALL, home_for=MEMBERS),
    PageSpec("pages/ledger.py", "移送台账", ":material/table_view:", "看板", "ledger", roles=ALL),
    PageSpec("pages/overdue.py", "签收超期", ":material/alarm:", "看板", "overdue", roles=ALL),
    PageSpec("pages/disputes.py", "职责争议", ":material/balance:", "看板", "disputes", roles=ALL),
    PageSpec("pages/metrics.py", "成员单位指标", ":material/leaderboard:", "看板", "metrics", roles=ALL),
    PageSpec("pages/responsibilities.py", "权责清单", ":material/menu_book:", "看板", "responsibilities", roles=ALL),
    # Data entry (录入): who sees each form follows rules/permissions.py's matrix.
    PageSpec("pages/new_referral.py", "新建移送", ":material/note_add:", "录入", "new-referral",
             roles=frozenset({"office", "head", "clerk"})),
    PageSpec("pages/referral_actions.py", "移送办理", ":material/task:", "录入", "referral-actions",
             roles=frozenset({"office", "head", "clerk"})),
    PageSpec("pages/assistance.py", "执法协作", ":material/handshake:", "录入", "assistance",
             roles=frozenset({"office", "head", "clerk"})),
    PageSpec("pages/dispute_entry.py", "职责争议登记", ":material/gavel:", "录入", "dispute-entry",
             roles=frozenset({"office", "chair", "head", "clerk"})),
    PageSpec("pages/operations.py", "联合执法", ":material/groups:", "录入", "operations",
             roles=frozenset({"office", "chair", "head", "clerk"})),
    PageSpec("pages/import_ledger.py", "导入台账", ":material/upload_file:", "录入", "import-ledger",
             roles=frozenset({"office"})),
    # The joint meeting (联席会议): everyone sees meetings, agendas, the projector and the
    # follow-up; the console that runs the session is the office's and the chair's.
    PageSpec("pages/meetings.py", "会议安排", ":material/event:", "联席会议", "meetings", roles=ALL),
    PageSpec("pages/agenda.py", "议题征集", ":material/list_alt:", "联席会议", "agenda", roles=ALL),
    PageSpec("pages/meeting_room.py", "会议控制台", ":material/co_present:", "联席会议", "meeting-room",
             roles=LEADERS),
    PageSpec("pages/projector.py", "投影模式", ":material/slideshow:", "联席会议", "projector", roles=ALL),
    PageSpec("pages/followup.py", "议定事项督办", ":material/task_alt:", "联席会议", "followup", roles=ALL),
    # Administration (the joint meeting office) and the audit trail (office and chair).
    PageSpec("pages/admin_users.py", "用户管理", ":material/manage_accounts:", "管理", "admin-users",
             roles=frozenset({"office"})),
    PageSpec("pages/admin_agencies.py", "成员单位", ":material/apartment:", "管理", "admin-agencies",
             roles=frozenset({"office"})),
    PageSpec("pages/admin_calendar.py", "工作日历", ":material/calendar_month:", "管理", "admin-calendar",
             roles=frozenset({"office"})),
    PageSpec("pages/admin_settings.py", "规则参数", ":material/tune:", "管理", "admin-settings",
             roles=frozenset({"office"})),
    PageSpec("pages/audit_log.py", "操作日志", ":material/history:", "管理", "audit-log",
             roles=LEADERS),
]


def pages_for(role: str) -> dict[str, list]:
    """``st.navigation`` input for a role: {section: [st.Page, ...]} in menu order."""
    sections: dict[str, list] = {}
    for spec in PAGES:
        if role not in spec.roles:
            continue
        page = st.Page(
            spec.path,
            title=t(spec.title),
            icon=spec.icon,
            url_path=spec.url_path,
            default=role in spec.home_for,
        )
        sections.setdefault(t(spec.section), []).append(page)
    return sections
