"""Rule settings (office): the time limits and thresholds, with DOMAIN.md's figures as defaults."""

import streamlit as st

from data_access.commands import admin
from data_access.db import read_session
from data_access.queries.admin import rule_settings
from ui import session
from ui.forms import EntryForm
from rules.metrics import SCORE_METHODS
from rules.settings import SCORING_FIELDS
from ui.i18n import pick, t

session.require("admin.settings")
st.title(t("规则参数"))
st.caption(t("默认值取自文件规定。修改期限类参数后，系统会按新参数重新计算所有已存的期限（含历史记录）。"))

with read_session() as s:
    rows = rule_settings(s)
    version = admin.settings_version(s)

form = EntryForm("rule_settings")
form.start()
shown = form.shown_version("settings", version)
form.general_slot()


def _help(row) -> str:
    default = pick(SCORE_METHODS[row.default]) if row.key == "score_method" else row.default
    return t("默认值：{d}", d=default) + (
        t("；由 {who} 于 {at} 修改", who=row.updated_by, at=f"{row.updated_at:%Y-%m-%d}")
        if row.updated_by and row.updated_at else "")


def _inputs(section) -> None:
    columns = st.columns(2)
    for i, row in enumerate(section):
        with columns[i % 2]:
            if row.key == "score_method":
                codes = list(SCORE_METHODS)
                values[row.key] = st.selectbox(
                    pick(row.label), codes, index=codes.index(row.value), key=form.key(row.key),
                    format_func=lambda c: pick(SCORE_METHODS[c]), help=_help(row))
            else:
                # Full marks and weights may be 0 (the item left out); limits may not.
                low = 0 if row.key.startswith(("score_marks_", "score_weight_")) else 1
                values[row.key] = st.number_input(
                    pick(row.label), min_value=low, max_value=1000, step=1, value=row.value,
                    key=form.key(row.key), help=_help(row))
            form.slot(row.key)


with st.form("rule_settings_form"):
    values: dict[str, int | str] = {}
    _inputs([r for r in rows if r.key not in SCORING_FIELDS])
    st.subheader(t("考核评分与排名"))
    st.caption(t("默认按百分制扣分：各项满分（按时移送20、按时受理告知30、协作请求按时答复20、议定事项按时完成20、"
                 "职责争议处理10），每起超期扣2分，每项扣完为止；也可改为各项按时率加权平均。"
                 "考核件数少于最少件数的单位列为“样本不足”，不参与排名。"))
    _inputs([r for r in rows if r.key in SCORING_FIELDS])
    save = st.form_submit_button(t("保存"), type="primary", icon=":material/save:")


def confirmation(saved) -> str:
    if not saved.changed:
        return t("参数没有变化。")
    changes = "，".join(f"{pick(next(r.label for r in rows if r.key == k))}：{old} → {new}"
                       for k, (old, new) in saved.changed.items())
    text = t("已保存：{c}。", c=changes)
    if saved.recomputed.referrals or saved.recomputed.assistance:
        text += t("重新计算了 {a} 条移送、{b} 条协作请求的期限。", a=saved.recomputed.referrals,
                  b=saved.recomputed.assistance)
    return text


if save:
    form.submit(lambda: session.run(admin.save_rule_settings, values, expected_version=shown), confirmation)

overridden = [r for r in rows if r.overridden]
if overridden:
    st.caption(t("已修改的参数：") + "，".join(f"{pick(r.label)}（{t('默认')} {r.default}）" for r in overridden))
    if st.button(t("全部恢复默认值"), icon=":material/restart_alt:"):
        form.submit(lambda: session.run(admin.save_rule_settings, {r.key: r.default for r in rows},
                                        expected_version=shown), confirmation)
form.stale_notice()
