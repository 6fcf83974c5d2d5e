"""Ledger import (导入台账), for the office: upload a CSV or XLSX ledger with CONTRACT.md's
columns, see every bad row and why, then import the whole file or nothing."""

import pandas as pd
import streamlit as st

from data_access import importing
from data_access.commands.base import CommandError
from data_access.commands.referrals import import_ledger
from data_access.db import read_session
from data_access.queries.forms import ledger_preview
from rules import lifecycle
from rules.permissions import can
from ui.forms import status_text
from ui.i18n import pick, say, t
from ui.session import actor

KINDS = {"referrals": "移送台账", "agencies": "成员单位"}
PREVIEW_ROWS = 50

user = actor()
st.title(t("导入台账"))
if not can(user.role, "import.ledger"):
    st.info(t("只有联席会议办公室可以导入台账。"))
    st.stop()

done = st.session_state.get("import_ledger.done")
if done:
    st.success(say(done), icon=":material/check_circle:")

kind = st.radio(t("台账类型"), list(KINDS), format_func=lambda k: t(KINDS[k]), horizontal=True,
                key="import_ledger.kind")
st.caption(
    t("列名用中文（也接受英文列名）；日期写成“年-月-日”，如 2026-11-30；是/否列填“是”或“否”。单位必须已登记。"
      "同一编号（或单位名称）再次导入会更新原记录，不会重复。")
)
st.download_button(
    t("下载空白模板"), data=importing.template_xlsx(kind), file_name=f"{KINDS[kind]}模板.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/download:",
    key="import_ledger.template",
)

# A new key after each import gives an empty uploader for the next file.
round_no = st.session_state.get("import_ledger.round", 0)
upload = st.file_uploader(t("上传台账文件（CSV 或 XLSX）"), type=["csv", "xlsx"],
                          key=f"import_ledger.file.{kind}.{round_no}")
if upload is None:
    st.stop()
st.session_state.pop("import_ledger.done", None)

try:
    rows = importing.read_table(upload.getvalue(), upload.name)
except importing.LedgerError as exc:
    st.error(say(exc.message), icon=":material/error:")
    st.stop()

if rows.sheet_name and len(rows.sheet_names) > 1:
    st.caption(t("读取的是工作表“{s}”（共 {n} 个工作表）。", s=rows.sheet_name, n=len(rows.sheet_names)))

with read_session() as session:
    clean, errors = ledger_preview(session, kind, rows)

bad_lines = sorted({e.line for e in errors})
a, b, c, d = st.columns(4)
a.metric(t("文件行数"), len(rows))
b.metric(t("将新增"), clean.to_create)
c.metric(t("将更新"), clean.to_update)
d.metric(t("有错误的行"), len(bad_lines))
for warning in clean.warnings:
    st.warning(f"{t('第{line}行', line=warning.line)} {warning.column}：{say(warning.message)}")

if errors:
    st.error(
        t("发现 {n} 处错误，涉及 {m} 行。整个文件不会导入：请在原文件中改正后重新上传。",
          n=len(errors), m=len(bad_lines)),
        icon=":material/error:",
    )
    st.dataframe(
        pd.DataFrame(
            {
                t("行号"): [e.line for e in errors],
                t("列"): [e.column for e in errors],
                t("问题"): [say(e.message) for e in errors],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.stop()

st.success(t("检查通过：共 {n} 行，可以导入。", n=len(clean)), icon=":material/task_alt:")
if kind == "referrals":
    preview = pd.DataFrame(
        {
            t("移送编号"): [r["number"] for r in clean[:PREVIEW_ROWS]],
            t("案件名称"): [r["title"] for r in clean[:PREVIEW_ROWS]],
            t("移送日期"): [r["sent_on"] for r in clean[:PREVIEW_ROWS]],
            t("状态"): [status_text("referral", r["status"]) for r in clean[:PREVIEW_ROWS]],
            t("已有记录"): [t("更新") if r.get("exists") else t("新增") for r in clean[:PREVIEW_ROWS]],
        }
    )
else:
    preview = pd.DataFrame(
        {
            t("单位名称"): [r["name"] for r in clean[:PREVIEW_ROWS]],
            t("单位类型"): [pick(lifecycle.AGENCY_KIND_LABELS.get(r["kind"], (r["kind"],) * 2))
                        for r in clean[:PREVIEW_ROWS]],
            t("已有记录"): [t("更新") if r.get("exists") else t("新增") for r in clean[:PREVIEW_ROWS]],
        }
    )
st.dataframe(preview, hide_index=True, width="stretch")
if len(clean) > PREVIEW_ROWS:
    st.caption(t("仅显示前 {n} 行。", n=PREVIEW_ROWS))

if st.button(t("全部导入（{n} 行）", n=len(clean)), type="primary", icon=":material/upload:",
             key="import_ledger.go"):
    bar = st.progress(0.0, text=t("正在导入…"))

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=say(message))

    try:
        result = import_ledger(user, kind, rows, filename=upload.name, progress=progress)
    except importing.ImportRefused as exc:
        bar.empty()
        st.error(say(exc.message), icon=":material/error:")
        for error in exc.errors:
            st.markdown(f"- {t('第{line}行', line=error.line)} {error.column}：{say(error.message)}")
    except CommandError as exc:
        bar.empty()
        st.error(say(exc.message), icon=":material/error:")
    else:
        st.session_state["import_ledger.done"] = result.summary()
        st.session_state["import_ledger.round"] = round_no + 1
        st.rerun()
