"""The working-day calendar (office): which years are official and which provisional, and the
form to enter a year's arrangement (rest days and make-up working days) once published."""

from datetime import date

import streamlit as st

from data_access.commands import admin
from data_access.db import read_session
from data_access.queries.admin import calendar_year_detail, calendar_years
from ui import session
from ui.forms import EntryForm
from ui.i18n import t

session.require("admin.calendar")
st.title(t("工作日历"))
st.caption(t("期限按国务院公布的放假安排（含调休）计算。尚未公布安排的年份只计法定节假日，期限标为“暂定”；"
             "安排公布后请在此录入并确认，系统会重新计算受影响的期限。"))

this_year = date.today().year
SOURCES = {
    "library": ("官方安排（已随系统发布）", ":material/verified:"),
    "office": ("官方安排（办公室已录入确认）", ":material/task_alt:"),
    "provisional": ("暂定（仅法定节假日）", ":material/pending:"),
}
with read_session() as s:
    years = calendar_years(s, range(this_year - 1, this_year + 3))

st.dataframe(
    [
        {
            t("年份"): str(y.year),
            t("来源"): t(SOURCES[y.source][0]),
            t("录入的休息日"): y.rest_days,
            t("录入的调休上班日"): y.working_days,
            t("确认人"): y.confirmed_by or "",
        }
        for y in years
    ],
    hide_index=True,
    width="stretch",
)

choices = [y.year for y in years]
first_provisional = next((y.year for y in years if y.provisional), this_year + 1)
year = st.selectbox(t("录入哪一年的安排"), choices, index=choices.index(first_provisional), key="calendar_year")

with read_session() as s:
    detail = calendar_year_detail(s, year)
    version = admin.calendar_version(s, year)

with st.expander(t("{y} 年法定节假日（参考）", y=year), icon=":material/event:"):
    st.write("、".join(f"{d:%m-%d} {name}" for d, name in detail.statutory))
    st.caption(t("国务院的安排会在法定节假日之外增加调休休息日，并指定周末调休上班日。"))

if detail.in_library:
    st.info(t("{y} 年的官方安排已随系统发布（holidays 库）。只有需要更正时才在此录入：录入的日期优先。", y=year),
            icon=":material/info:")

form = EntryForm(f"calendar_{year}")
form.start()
shown = form.shown_version(year, version)
form.general_slot()
if detail.rest_days or detail.working_days or detail.in_library:
    rest_default = admin.format_day_list(detail.rest_days)
else:
    # A starting point for a new year: the statutory holidays; the office completes them.
    rest_default = admin.format_day_list(d for d, _ in detail.statutory)
with st.form(f"calendar_form_{year}"):
    left, right = st.columns(2)
    with left:
        rest = st.text_area(
            t("休息日（含调休放假，每行一个日期或日期段）"), value=rest_default, height=260, key=form.key("rest_days"),
            help=t("例如 2027-02-05~2027-02-11；也可用逗号分隔"),
        )
        form.slot("rest_days")
    with right:
        work = st.text_area(
            t("调休上班日（周末上班，每行一个日期）"), value=admin.format_day_list(detail.working_days), height=260,
            key=form.key("working_days"), help=t("例如 2027-02-14"),
        )
        form.slot("working_days")
    confirmed = st.checkbox(
        t("这是国务院正式公布的安排（确认后该年期限不再标为“暂定”）"),
        value=detail.confirmed or not detail.in_library, key=form.key("confirmed"),
    )
    note = st.text_input(t("依据（文件名称）"), key=form.key("note"), placeholder=t("国务院办公厅关于{y}年部分节假日安排的通知", y=year))
    form.slot("note")
    save = st.form_submit_button(t("保存并重新计算期限"), type="primary", icon=":material/save:")

if save:
    form.submit(
        lambda: session.run(admin.save_calendar_year, year, rest_days=rest, working_days=work,
                            confirmed=confirmed, note=note or None, expected_version=shown),
        lambda saved: (
            t("已保存 {y} 年安排：休息日 {r} 天，调休上班 {w} 天；重新计算了 {a} 条移送、{b} 条协作请求的期限。",
              y=saved.year, r=len(saved.rest_days), w=len(saved.working_days),
              a=saved.recomputed.referrals, b=saved.recomputed.assistance)
            if saved.changed else t("{y} 年安排没有变化。", y=saved.year)
        ),
    )
form.stale_notice()
