"""The responsibility list (权责清单): search it (every user); the office edits entries (with
history), imports and exports it; entries a government ruling settled cite the dispute."""


import pandas as pd
import streamlit as st

from data_access.commands import responsibilities as commands
from data_access.commands.base import CommandError
from data_access.db import read_session, write_session
from data_access.importing import ImportRefused, LedgerError, read_table
from data_access.queries import responsibilities as queries
from data_access.queries.agencies import agency_options
from data_access.responsibilities import export_responsibilities, import_responsibilities
from rules.permissions import can
from ui.components import download_excel, inert
from ui.forms import EntryForm, agency_picker, new_record_form
from ui.i18n import say, t
from ui.session import actor

PAGE_SIZE = 200

user = actor()
st.title(t("权责清单"))
st.caption(t("权责清单决定违法行为由哪个单位处理：移送时据此选择接收单位，职责争议的裁决写回清单。"))
may_edit = can(user.role, "responsibility.edit")
may_import = can(user.role, "responsibility.import")

with read_session() as session:
    agencies = agency_options(session, include_inactive=True)
    domains = queries.responsibility_domains(session)
agency_names = {a.id: a.name for a in agencies}

left, mid, right = st.columns([3, 2, 2])
text = left.text_input(t("事项名称或编码（空格分隔多个关键字）"), key="resp.text")
basis = left.text_input(t("法律依据包含"), key="resp.basis")
domain = mid.selectbox(t("违法领域"), domains, index=None, placeholder=t("全部"), key="resp.domain")
agency_id = mid.selectbox(t("责任单位"), [a.id for a in agencies], index=None, placeholder=t("全部"),
                          format_func=lambda i: agency_names.get(i, str(i)), key="resp.agency")
settled_only = right.checkbox(t("只看经裁决确定的事项"), key="resp.settled")

with read_session() as session:
    entries, total = queries.search_responsibilities(
        session, text=text, basis=basis, domain=domain, agency_id=agency_id, settled_only=settled_only,
        limit=PAGE_SIZE,
    )
st.markdown(t("共 {total} 项", total=total) + (t("（显示前 {n} 项）", n=PAGE_SIZE) if total > PAGE_SIZE else ""))


def _settled(e) -> str:
    return t("{number} 裁决（{day}）", number=e.settled_by, day=e.settled_on) if e.settled_by else ""


frame = pd.DataFrame(
    [[e.code or "", e.matter, e.agency, e.domain or "", e.from_department or "", e.legal_basis or "", _settled(e)]
     for e in entries],
    columns=[t("事项编码"), t("事项名称"), t("责任单位"), t("违法领域"), t("划转部门"), t("法律依据"), t("裁决确定")],
)
st.dataframe(frame, hide_index=True, use_container_width=True, key="resp.table")
settled = [e for e in entries if e.settled_by]
if settled:
    with st.container(border=True):
        st.markdown(t("**经裁决确定的事项**"))
        for e in settled[:20]:
            st.markdown(t("{matter}：由 {agency} 负责（{number} 裁决，{day}）", matter=e.matter, agency=e.agency,
                          number=e.settled_by, day=e.settled_on))

with read_session() as session:
    by_matter = queries.referrals_by_matter(session, limit=20)
with st.expander(t("移送案件按事项统计")):
    st.dataframe(
        pd.DataFrame([[m.matter or t("（未选事项）"), m.referrals, m.against_list] for m in by_matter],
                     columns=[t("事项"), t("移送件数"), t("未按清单移送")]),
        hide_index=True, use_container_width=True,
    )


def _export() -> bytes:
    with read_session() as session:
        return export_responsibilities(session, "xlsx")


download_excel(t("导出权责清单（Excel）"), _export, "权责清单.xlsx", "resp.export")

if not may_edit:
    st.stop()


def responsibility_fields(form: EntryForm, record=None) -> dict:
    """The inputs of a list entry, pre-filled from ``record`` when editing one; keyed like the
    commands' parameters."""
    def shown(attribute: str) -> str:
        return (getattr(record, attribute) or "") if record else ""

    values = {"matter": form.field(st.text_input, "事项名称", "matter", value=shown("matter"))}
    values["agency_id"] = agency_picker(form, "agency_id", "责任单位", agencies,
                                        default=record.agency_id if record else None)
    a, b = st.columns(2)
    values["domain"] = form.field(st.text_input, "违法领域", "domain", within=a, value=shown("domain"))
    values["code"] = form.field(st.text_input, "事项编码" if record else "事项编码（可不填）", "code", within=b,
                                value=shown("code"))
    values["from_department"] = form.field(st.text_input, "划转部门", "from_department", value=shown("from_department"))
    values["legal_basis"] = form.field(st.text_area, "法律依据", "legal_basis", value=shown("legal_basis"))
    return values


st.divider()
st.subheader(t("修改清单（联席会议办公室）"))
edit_tab, new_tab, import_tab = st.tabs([t("修改事项"), t("新增事项"), t("导入清单")])

with edit_tab:
    if not entries:
        st.info(t("先在上方查到要修改的事项。"))
    else:
        labels = {e.id: f"{e.matter} · {e.agency}" + (f" · {e.code}" if e.code else "") for e in entries}
        chosen = st.selectbox(t("要修改的事项"), list(labels), format_func=labels.get, key="resp.edit.pick")
        with read_session() as session:
            record = queries.responsibility(session, chosen)
            history = queries.responsibility_history(session, chosen)
        form = EntryForm(f"resp_edit_{record.id}", notice="resp_edit")
        form.start()
        version = form.shown_version(record.id, record.version)
        with st.form(f"resp_edit_form_{record.id}", enter_to_submit=False):
            values = responsibility_fields(form, record)
            values["active"] = st.checkbox(t("有效（取消勾选则停用该事项）"), value=record.active, key=form.key("active"))
            if record.settled_by:
                st.caption(t("该事项经 {number} 裁决确定（{day}）；改变责任单位将不再引用该裁决。",
                             number=record.settled_by, day=record.settled_on))
            form.general_slot()
            submitted = st.form_submit_button(t("保存"), type="primary")
        form.stale_notice()
        if submitted:
            form.submit(
                lambda: commands.update_responsibility(user, record.id, expected_version=version, **values),
                lambda saved: t("已保存事项：{matter}。", matter=values["matter"].strip()),
            )
        with st.expander(t("修改记录")):
            for h in history:
                changed = "；".join(f"{k}: {(h.before or {}).get(k)} → {v}" for k, v in (h.after or {}).items())
                st.caption(f"{h.at:%Y-%m-%d %H:%M} · {inert(h.username)} · {inert(h.action)} · {inert(changed)}")

with new_tab:
    new_record_form(
        "resp_new", responsibility_fields, lambda **values: commands.create_responsibility(user, **values),
        "已新增事项：{matter}。", submit="新增",
    )

with import_tab:
    if not may_import:
        st.info(t("只有联席会议办公室可以导入权责清单。"))
    else:
        st.caption(t("列：事项名称、责任单位（必填）、违法领域、事项编码、划转部门、法律依据。"
                     "有事项编码的按编码更新，没有的按“事项名称+责任单位”更新；有任何错误行则不导入。"))
        round_no = st.session_state.get("resp.import.round", 0)
        upload = st.file_uploader(t("上传权责清单（CSV 或 XLSX）"), type=["csv", "xlsx"],
                                  key=f"resp.import.{round_no}")
        done = st.session_state.get("resp.import.done")
        if done:
            st.success(say(done), icon=":material/check_circle:")
        if upload is not None and st.button(t("导入"), type="primary", key="resp.import.go"):
            try:
                rows = read_table(upload.getvalue(), upload.name)
                with write_session() as session:
                    result = import_responsibilities(session, user, rows, filename=upload.name)
            except ImportRefused as exc:
                st.error(say(exc.message), icon=":material/error:")
                st.dataframe(pd.DataFrame([[e.line, e.column, say(e.message)] for e in exc.errors],
                                          columns=[t("行号"), t("列"), t("问题")]), hide_index=True)
            except (LedgerError, CommandError) as exc:
                st.error(say(exc.message), icon=":material/error:")
            else:
                st.session_state["resp.import.done"] = result.summary()
                st.session_state["resp.import.round"] = round_no + 1
                st.rerun()
