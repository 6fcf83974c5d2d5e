"""The audit trail (office and chair): filter by user, agency, object and date; page through
it; see the values before and after each change; export what the filter selects."""

from datetime import date, timedelta

import streamlit as st

from data_access.db import read_session
from data_access.queries.audit import (
    AuditFilter,
    action_label,
    audit_choices,
    audit_page,
    export_audit_csv,
    export_audit_xlsx,
    object_label,
)
from ui import session
from ui.i18n import pick, t

me = session.require("audit.view")
st.title(t("操作日志"))
st.caption(t("每一次修改都记录操作人、时间、对象和修改前后的内容（全过程留痕），与修改在同一事务中写入。"))

with read_session() as s:
    choices = audit_choices(s)

ANY = None
c1, c2, c3, c4 = st.columns([1, 1.3, 1, 1.4])
username = c1.selectbox(t("用户"), [ANY, *choices.usernames], format_func=lambda u: t("全部") if u is None else u,
                        key="audit_user")
agency_id = c2.selectbox(t("单位"), [ANY, *choices.agencies],
                         format_func=lambda a: t("全部") if a is None else choices.agencies[a], key="audit_agency")
object_type = c3.selectbox(t("对象"), [ANY, *choices.object_types],
                           format_func=lambda o: t("全部") if o is None else pick(object_label(o)), key="audit_object")
today = date.today()
span = c4.date_input(t("日期范围"), value=(today - timedelta(days=30), today), key="audit_dates",
                     format="YYYY-MM-DD")
date_from, date_to = (tuple(span) + (None, None))[:2] if isinstance(span, (tuple, list)) else (span, span)
filters = AuditFilter(username=username, agency_id=agency_id, object_type=object_type,
                      date_from=date_from, date_to=date_to or date_from)

PAGE_SIZE = 50
signature = (username, agency_id, object_type, date_from, date_to)
if st.session_state.get("audit_filters") != signature:  # a new filter starts at its first page
    st.session_state["audit_filters"] = signature
    st.session_state["audit_page"] = 1
page_no = st.session_state.get("audit_page", 1)
with read_session() as s:
    result = audit_page(s, me, filters, page=page_no, page_size=PAGE_SIZE)

st.markdown(t("共 **{n}** 条记录", n=result.total))


def summary(before, after) -> str:
    keys = list(dict.fromkeys([*(before or {}), *(after or {})]))
    parts = []
    for k in keys[:4]:
        old, new = (before or {}).get(k), (after or {}).get(k)
        parts.append(f"{k}: {old} → {new}" if before else f"{k}: {new}")
    if len(keys) > 4:
        parts.append("…")
    return "；".join(parts)


table = st.dataframe(
    [
        {
            t("时间"): r.at.strftime("%Y-%m-%d %H:%M:%S"),
            t("用户"): r.username,
            t("单位"): r.agency_name or "",
            t("操作"): pick(action_label(r.action)),
            t("对象"): pick(object_label(r.object_type)),
            t("对象编号"): r.object_id or "",
            t("修改内容"): summary(r.before, r.after),
        }
        for r in result.rows
    ],
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="audit_table",
)

left, mid, right = st.columns([1, 2, 1])
if left.button(t("上一页"), disabled=result.page <= 1, icon=":material/chevron_left:"):
    st.session_state["audit_page"] = result.page - 1
    st.rerun()
mid.markdown(
    f"<div style='text-align:center'>{t('第 {p} / {n} 页', p=result.page, n=result.pages)}</div>",
    unsafe_allow_html=True,
)
if right.button(t("下一页"), disabled=result.page >= result.pages, icon=":material/chevron_right:"):
    st.session_state["audit_page"] = result.page + 1
    st.rerun()

picked = table.selection.rows if table is not None else []
if picked:
    row = result.rows[picked[0]]
    st.subheader(t("修改详情"))
    st.caption(f"{row.at:%Y-%m-%d %H:%M:%S} · {row.username} · {pick(action_label(row.action))} · "
               f"{pick(object_label(row.object_type))} {row.object_id or ''}")
    b, a = st.columns(2)
    b.markdown(f"**{t('修改前')}**")
    b.json(row.before or {}, expanded=True)
    a.markdown(f"**{t('修改后')}**")
    a.json(row.after or {}, expanded=True)
else:
    st.caption(t("点选一行查看修改前后的完整内容。"))


def _export(kind: str):
    def build() -> bytes:
        with read_session() as s:
            return export_audit_csv(s, me, filters) if kind == "csv" else export_audit_xlsx(s, me, filters)
    return build


e1, e2, _ = st.columns([1, 1, 3])
stamp = f"{date_from or ''}_{date_to or ''}"
e1.download_button(t("导出 CSV"), data=_export("csv"), file_name=f"操作日志_{stamp}.csv", mime="text/csv",
                   icon=":material/download:")
e2.download_button(
    t("导出 Excel"), data=_export("xlsx"), file_name=f"操作日志_{stamp}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/download:",
)
