"""The papers of a record on its page: the attached files (list, upload, audited download)
and the generated Word documents. Who may see or add them is the matrix's answer."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import streamlit as st

from data_access.commands.attachments import attach_file, download_attachment
from data_access.commands.base import CommandError
from data_access.db import read_session
from data_access.queries.attachments import attachments_for
from rules import attachments as rules
from rules.lifecycle import MATERIAL_LABELS
from rules.permissions import scope_for
from ui.i18n import pick, say, t

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def may(user, action: str, parties: Iterable[int]) -> bool:
    scope = scope_for(user.role, action)
    return scope == "any" or (scope == "own" and user.agency_id in set(parties))


def attachment_panel(user, owner_type: str, owner_id: int, parties: Iterable[int]) -> None:
    """The files of one record, for its parties and the office only."""
    parties = list(parties)
    if not may(user, "attachment.download", parties):
        return
    key = f"att.{owner_type}.{owner_id}"
    with st.expander(t("附件材料"), icon=":material/attach_file:"):
        with read_session() as session:
            files = attachments_for(session, owner_type, owner_id)
        if not files:
            st.caption(t("暂无附件。"))
        for f in files:
            left, right = st.columns([4, 1])
            left.markdown(f"{pick(MATERIAL_LABELS.get(f.material, (f.material, f.material)))} · {f.filename} · "
                          f"{f.size / 1024:.0f} KB · {f.uploaded_by} {f.uploaded_at:%Y-%m-%d %H:%M}")
            fetched = st.session_state.get(f"{key}.got.{f.id}")
            if fetched is None:
                # Fetching is the audited step; the browser then saves what was fetched.
                if right.button(t("取回"), key=f"{key}.fetch.{f.id}", icon=":material/download:"):
                    try:
                        st.session_state[f"{key}.got.{f.id}"] = download_attachment(user, f.id)
                    except CommandError as exc:
                        st.error(say(exc.message))
                    else:
                        st.rerun()
            else:
                right.download_button(t("保存文件"), data=fetched.content, file_name=fetched.filename,
                                      mime=fetched.mime, key=f"{key}.save.{f.id}")
        if not may(user, "attachment.add", parties):
            return
        materials = list(MATERIAL_LABELS)
        round_no = st.session_state.get(f"{key}.round", 0)
        material = st.selectbox(t("材料类型"), materials, format_func=lambda m: pick(MATERIAL_LABELS[m]),
                                key=f"{key}.material")
        upload = st.file_uploader(
            t("上传文件（PDF、Word、Excel、JPEG、PNG，最大 {mb} MB）", mb=rules.MAX_BYTES // 1048576),
            key=f"{key}.file.{round_no}")
        if upload is not None and st.button(t("上传"), key=f"{key}.upload", type="primary"):
            try:
                attach_file(user, owner_type, owner_id, material, upload.name, upload.getvalue())
            except CommandError as exc:
                st.error(say(exc.message), icon=":material/error:")
            else:
                st.session_state[f"{key}.round"] = round_no + 1
                st.rerun()


def paper_button(label: str, make: Callable[[], bytes], file_name: str, key: str) -> None:
    """A generated Word document, made when the user asks for it."""
    if st.button(t(label), key=f"{key}.make", icon=":material/description:"):
        with read_session() as session:
            st.session_state[key] = (make(session), file_name)
    made = st.session_state.get(key)
    if made:
        st.download_button(t("下载 {name}", name=made[1]), data=made[0], file_name=made[1], mime=DOCX,
                           key=f"{key}.save")
