"""Jurisdiction disputes (职责争议): raise one, move it to its next stage with a note, record
the interim handler, resolve it."""

from datetime import date
from functools import partial

import streamlit as st

from data_access.commands import disputes as commands
from data_access.commands import responsibilities as list_commands
from data_access.db import read_session
from data_access.documents.papers import paper_filename, recommendation_docx
from data_access.queries.forms import dispute_for_edit, disputes_to_act_on
from data_access.queries.responsibilities import dispute_matters, matter_choices
from rules import lifecycle
from rules.permissions import can, dispute_stage_action
from ui.attachments import attachment_panel, paper_button
from ui.forms import (acting_for, agencies_picker, agency_picker, in_read_session, new_record_form, open_entry_page,
                      record_actions, status_text)
from ui.i18n import pick, t
from ui.components import inert

user, (may_raise, may_advance, may_resolve), agencies = open_entry_page(
    "职责争议登记", ["dispute.raise", "dispute.advance", "dispute.resolve"], "您的角色不能登记职责争议。")
today = date.today()

new_tab, open_tab = st.tabs([t("提出争议"), t("推进与结案")])


def dispute_fields(form) -> dict:
    values = {"subject": form.field(st.text_input, "争议事项", "subject", limit=200)}
    kinds = list(commands.DISPUTE_KIND_LABELS)
    values["kind"] = form.field(st.radio, "争议类型", "kind", options=kinds, index=None, horizontal=True,
                                format_func=lambda k: pick(commands.DISPUTE_KIND_LABELS[k]))
    values["party_ids"] = agencies_picker(form, "party_ids", "争议各方（至少两个单位）", agencies,
                                          default=[user.agency_id] if user.agency_id else [])
    values["description"] = form.field(st.text_area, "情况说明", "description")
    left, right = st.columns(2)
    values["referral_number"] = form.field(st.text_input, "关联移送编号（可不填）", "referral_number", within=left,
                                           placeholder="YS-2026-000123")
    with right:
        values["interim_handler_id"] = agency_picker(form, "interim_handler_id", "先行处置单位（可不填）", agencies)
    values["opened_on"] = form.field(st.date_input, "提出日期", "opened_on", value=today)
    return values


with new_tab:
    new_record_form(
        "dispute_new", dispute_fields, partial(commands.raise_dispute, user),
        "已登记职责争议 {number}：{subject}，当前阶段：{status}。", kind="dispute", submit="提交争议", disabled=not may_raise,
        note="争议处理先由相关单位协同处置，再依次经协商、司法局协调、书面建议、政府裁决。",
    )

with open_tab:
    with read_session() as session:
        rows = disputes_to_act_on(session, acting_for(user, "dispute.advance", "dispute.resolve"))
        choices = {m.id: m for m in matter_choices(session)}

    matters_of = in_read_session(dispute_matters)

    def following_stage(record):
        return next((s for s in lifecycle.DISPUTE_STAGES
                     if s in lifecycle.TRANSITIONS["dispute"].get(record.stage, ()) and s != "resolved"), None)

    def details(record, version) -> None:
        named = matters_of(record.id)
        st.markdown(f"**{inert(record.number)}** {inert(record.subject)}")
        st.markdown(
            f"{t('争议各方')}：{inert('、'.join(name for _, name in record.parties))} · "
            f"{t('当前阶段')}：{status_text('dispute', record.stage)}（{t('自')} {record.stage_since}）"
        )
        st.markdown(f"{t('先行处置单位')}：{inert(record.interim_handler) or '—'}"
                    + (f" · {t('关联移送')} {inert(record.referral_number)}" if record.referral_number else ""))
        for stage, entered_on, note, who in record.stages:
            st.caption(f"{entered_on} · {status_text('dispute', stage)} · {inert(who)} {inert(note)}")
        st.caption(t("表单版本 v{version}", version=version))
        # What the responsibility list says of the matters in dispute.
        st.markdown(t("**争议涉及的事项及权责清单的规定**"))
        if not named:
            st.caption(t("尚未指明涉及权责清单中的哪些事项。"))
        for m in named:
            cited = t("（经 {number} 裁决确定，{day}）", number=m.settled_by, day=m.settled_on) if m.settled_by else ""
            st.markdown(t("{matter}：清单规定由 **{agency}** 负责{cited}", matter=inert(m.matter), agency=inert(m.agency),
                          cited=cited))
        attachment_panel(user, "dispute", record.id, [aid for aid, _name in record.parties])
        if any(stage == "recommendation" for stage, *_rest in record.stages):
            paper_button("生成书面建议", lambda s: recommendation_docx(s, record.id),
                         paper_filename(record.number, "recommendation"), f"paper.rec.{record.id}")
        nxt = following_stage(record)
        if nxt is not None and not can(user.role, dispute_stage_action(nxt)):
            st.caption(t("下一阶段（{stage}）只能由联席会议办公室推进。", stage=status_text("dispute", nxt)))

    def actions_for(record) -> dict[str, str]:
        """The steps this user may take on this dispute at its stage (DOMAIN.md: only the office
        writes the 书面建议 and records the government's ruling)."""
        actions = {"advance": "进入下一阶段", "handler": "登记先行处置单位", "matters": "涉及事项", "resolve": "结案"}
        nxt = following_stage(record)
        if nxt is not None and not can(user.role, dispute_stage_action(nxt)):
            actions.pop("advance")
        if record.stage == "ruling":
            actions.pop("resolve")
            if can(user.role, "dispute.rule"):
                actions["ruling"] = "登记政府裁决"
        return actions

    def inputs(action, record, form, version):
        named = matters_of(record.id) if action in ("matters", "ruling") else []
        if action == "advance":
            nxt = following_stage(record)
            if nxt:
                st.markdown(t("下一阶段：{stage}", stage=status_text("dispute", nxt)))
            on = form.field(st.date_input, "进入新阶段日期", "advance.on", slot="on", value=today)
            note = form.field(st.text_area, "阶段说明（为什么进入下一阶段）", "advance.note", slot="note")
            needs_meeting = st.checkbox(t("提请联席会议研究"), value=record.needs_meeting,
                                        key=form.key("advance.needs_meeting"))
            return lambda: commands.advance_dispute(user, record.id, on=on, note=note, needs_meeting=needs_meeting,
                                                    expected_version=version)
        if action == "handler":
            handler_id = agency_picker(form, "interim_handler_id", "先行处置单位", agencies,
                                       default=record.interim_handler_id)
            return lambda: commands.record_interim_handler(user, record.id, agency_id=handler_id,
                                                           expected_version=version)
        if action == "matters":
            picked = st.multiselect(
                t("争议涉及的事项（权责清单，可输入关键字查找）"), list(choices),
                default=[m.id for m in named if m.id in choices],
                format_func=lambda i: f"{choices[i].label} · {choices[i].agency}", key=form.key("matters"),
                placeholder=t("输入事项名称的一部分"),
            )
            form.slot("matter_ids")
            return lambda: list_commands.set_dispute_matters(user, record.id, picked, expected_version=version)
        if action == "ruling":
            ruled_on = form.field(st.date_input, "裁决日期", "ruling.on", slot="ruled_on", value=today)
            ruling_text = form.field(st.text_area, "裁决结果", "ruling.outcome", slot="outcome")
            ruled_agency = agency_picker(form, "responsible_agency_id", "裁决确定的责任单位", agencies)
            settle = st.multiselect(
                t("据裁决更新权责清单的事项"), [m.id for m in named], default=[m.id for m in named],
                format_func=lambda i: next(m.matter for m in named if m.id == i), key=form.key("ruling.settle"),
            )
            form.slot("settle_matter_ids")
            st.caption(t("所选事项的责任单位将改为裁决确定的单位，并注明本争议编号和裁决日期。"))
            return lambda: list_commands.record_ruling(user, record.id, ruled_on, ruling_text, ruled_agency,
                                                       settle_matter_ids=settle, expected_version=version)
        resolved_on = form.field(st.date_input, "解决日期", "resolve.resolved_on", slot="resolved_on", value=today)
        outcome = form.field(st.text_area, "处理结果", "resolve.outcome", slot="outcome")
        responsible = agency_picker(form, "responsible_agency_id", "确定的责任单位", agencies)
        return lambda: commands.resolve_dispute(user, record.id, resolved_on=resolved_on, outcome=outcome,
                                                responsible_agency_id=responsible, expected_version=version)

    record_actions(
        name="dispute_open", prefix="dispute", rows=rows,
        label=lambda r: f"{r.number} · {r.subject} · {status_text('dispute', r.stage)}",
        pick_label="选择争议", empty="没有本单位参与的未解决争议。", load=dispute_for_edit, details=details,
        actions=actions_for, inputs=inputs, status_field="stage",
        confirm=lambda saved: t("职责争议 {number} 已保存：{stage}。", number=saved.number,
                                stage=status_text("dispute", saved.status)),
    )
