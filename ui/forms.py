"""Shared behaviour of the data-entry forms.

Streamlit has no error slot per field, so :class:`EntryForm` keeps one: a placeholder
under each input (:meth:`EntryForm.slot`), filled with the command's message for that
field after a failed save and kept there until the next save. What the user typed stays in
the form (widgets are keyed and never cleared on error). After a save the form shows a
confirmation naming the record and starts fresh for the next entry: the form's widget keys
carry a generation number that the save moves on, so every input (in the browser too)
shows its default again.

An edit form also remembers the version of the record it showed (:meth:`shown_version`):
the command refuses the save if the record changed since, and the form says who changed it.

Command messages come as "中文 / English"; :func:`localize` shows the user's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access import health
from data_access.commands.base import CommandError, StaleEdit, ValidationFailed
from data_access.db import database_url, get_engine
from data_access.validation import Saved
from rules import lifecycle
from ui.i18n import lang, pick, t

_ERRORS = "__errors"
_GENERAL = "__general"
_DONE = "__done"
_GENERATION = "__generation"
_VERSION = "__version"
_DUPES = "__dupes"
_STALE = "__stale"


def localize(message: str) -> str:
    """The user's half of a "中文 / English" message (the whole message if it has no halves)."""
    if " / " not in message:
        return message
    zh, en = message.split(" / ", 1)
    return en if lang() == "en" else zh


class EntryForm:
    """One form's state: its widget keys, field errors, confirmation and shown version."""

    def __init__(self, name: str, *, notice: str | None = None):
        self.name = name
        # Where the confirmation is kept: several forms of one page can share one notice,
        # so it still shows when the saved record leaves the page's list.
        self._notice = f"{notice or name}{_DONE}"
        self._slots: dict[str, Any] = {}
        self._general = None

    # ------------------------------------------------------------------ keys and state
    @property
    def generation(self) -> int:
        return self._state(_GENERATION, 0)

    def key(self, field: str) -> str:
        """The widget key of ``field``. It carries the form's generation: a fresh form gets
        new widget identities, which is what makes the browser drop the old input too
        (deleting a widget's state on the server alone would leave it on the screen)."""
        return f"{self.name}.{self.generation}.{field}"

    def _state(self, item: str, default=None):
        return st.session_state.get(f"{self.name}{item}", default)

    def _set(self, item: str, value) -> None:
        st.session_state[f"{self.name}{item}"] = value

    def _drop(self, item: str) -> None:
        st.session_state.pop(f"{self.name}{item}", None)

    def start(self) -> None:
        """Call before drawing the form: shows the confirmation of the last save."""
        done = st.session_state.get(self._notice)
        if done:
            st.success(done, icon=":material/check_circle:")

    # ------------------------------------------------------------------ error slots
    def slot(self, field: str) -> None:
        """Reserve the place for ``field``'s error, right under its input."""
        placeholder = st.empty()
        self._slots[field] = placeholder
        message = (self._state(_ERRORS) or {}).get(field)
        if message:
            placeholder.error(localize(message), icon=":material/error:")

    def general_slot(self) -> None:
        """Reserve the place for errors that belong to no single field (permission, stale)."""
        self._general = st.empty()
        message = self._state(_GENERAL)
        if message:
            self._general.error(localize(message), icon=":material/error:")

    # ------------------------------------------------------------------ versions
    def shown_version(self, record_id: int, current_version: int) -> int:
        """The version of ``record_id`` when this form first showed it; a save must match it."""
        shown = self._state(_VERSION)
        if not shown or shown[0] != record_id:
            shown = (record_id, current_version)
            self._set(_VERSION, shown)
        return shown[1]

    def forget_version(self) -> None:
        self._drop(_VERSION)

    # ------------------------------------------------------------------ saving
    def submit(self, action: Callable[[], Saved], confirm: Callable[[Saved], str]) -> None:
        """Run the command. On refusal keep the input and draw the form again with each
        message under its field; on success confirm and start a fresh form."""
        st.session_state.pop(self._notice, None)
        try:
            saved = action()
        except ValidationFailed as exc:
            placed = {f: m for f, m in exc.errors.items() if f in self._slots}
            rest = [m for f, m in exc.errors.items() if f not in self._slots]
            self._fail(placed, "；".join(rest) or None, stale=False)
        except StaleEdit as exc:
            self._fail({}, exc.message, stale=True)
        except CommandError as exc:
            if exc.field and exc.field in self._slots:
                self._fail({exc.field: exc.message}, None, stale=False)
            else:
                self._fail({}, exc.message, stale=False)
        except SQLAlchemyError as exc:
            # Nothing was saved: say why (read-only file, server down, …) instead of a traceback.
            problem = health.diagnose(exc, database_url())
            if problem.kind == "read_only":
                health.note_read_only(get_engine())
            self._fail({}, problem.text, stale=False)
        else:
            for item in (_ERRORS, _GENERAL, _DUPES, _STALE):
                self._drop(item)
            self.forget_version()
            st.session_state[self._notice] = confirm(saved)
            self._renew()
        st.rerun()

    def _renew(self) -> None:
        self._set(_GENERATION, self.generation + 1)

    def _fail(self, errors: dict[str, str], general: str | None, *, stale: bool) -> None:
        self._set(_ERRORS, errors)
        self._set(_GENERAL, general)
        self._set(_STALE, stale)

    def reload(self) -> None:
        """Forget what the form showed (version, errors, input) and draw it afresh."""
        for item in (_ERRORS, _GENERAL, _STALE, _VERSION):
            self._drop(item)
        self._renew()
        st.rerun()

    def stale_notice(self) -> None:
        """After a refused stale save, offer to reload the record as it is now (call it
        outside the ``st.form``: a button cannot sit inside one)."""
        if self._state(_STALE):
            if st.button(t("重新载入最新内容"), key=f"{self.name}__reload", icon=":material/refresh:"):
                self.reload()

    # ------------------------------------------------------------------ probable duplicates
    def hold_for_duplicates(self, signature: tuple, lines: Iterable[str]) -> None:
        """Keep the save back and ask the user to confirm it is not a duplicate."""
        self._set(_DUPES, (signature, list(lines)))
        st.session_state.pop(self._notice, None)
        st.rerun()

    def duplicate_prompt(self, signature: tuple) -> bool:
        """Show the probable duplicates held back for this input; True when the user chose
        to save anyway. A prompt for different input than the form now holds is dropped."""
        held = self._state(_DUPES)
        if not held:
            return False
        if held[0] != signature:
            self._drop(_DUPES)
            return False
        with st.container(border=True):
            st.warning(t("可能重复：以下移送案件名称相同、单位相同，且日期相差不到7天。请核对后再保存。"),
                       icon=":material/content_copy:")
            for line in held[1]:
                st.markdown(f"- {line}")
            left, right = st.columns(2)
            anyway = left.button(t("不是重复，仍然保存"), key=f"{self.name}__save_anyway", type="primary")
            if right.button(t("取消"), key=f"{self.name}__cancel_dupes"):
                self._drop(_DUPES)
                st.rerun()
        if anyway:
            self._drop(_DUPES)
        return anyway


def status_text(kind: str, code: str | None) -> str:
    return lifecycle.status_label(kind, code, lang())


def caption_limit(limit: int | None) -> None:
    if limit:
        st.caption(t("最多 {n} 个字", n=limit))


# ---------------------------------------------------------------------- shared inputs
def _offered(agencies, chosen) -> list[int]:
    """The active agencies, plus any the user had already chosen that was deactivated since
    (so the save can say so, instead of the choice silently vanishing from the form)."""
    options = [a.id for a in agencies if a.active]
    known = {a.id for a in agencies}
    options += [c for c in chosen if isinstance(c, int) and c in known and c not in options]
    return options


def agency_picker(
    form: EntryForm,
    field: str,
    label: str,
    agencies,
    *,
    default: int | None = None,
    only: int | None = None,
    help: str | None = None,
):
    """A member-agency select box offering the active agencies; ``only`` locks it to one
    agency (a clerk always acts for their own). Returns the chosen id or None.

    ``agencies`` should include deactivated ones (``agency_options(include_inactive=True)``):
    they are not offered, but one deactivated after the user chose it stays selected, so
    the command can refuse it in plain words.
    """
    names = {a.id: a.name for a in agencies}
    if only is not None:
        names.setdefault(only, t("（本单位）"))
        choice = st.selectbox(t(label), [only], format_func=names.get, key=form.key(field), disabled=True, help=help)
    else:
        options = _offered(agencies, [st.session_state.get(form.key(field))])
        index = options.index(default) if default in options else None
        choice = st.selectbox(
            t(label), options, index=index, format_func=lambda i: names.get(i, str(i)), key=form.key(field),
            placeholder=t("请选择单位"), help=help,
        )
    form.slot(field)
    return choice


def agencies_picker(form: EntryForm, field: str, label: str, agencies, *, default=()) -> list:
    """Several active agencies (a choice deactivated meanwhile stays, as in :func:`agency_picker`)."""
    names = {a.id: a.name for a in agencies}
    options = _offered(agencies, st.session_state.get(form.key(field)) or [])
    chosen = st.multiselect(
        t(label), options, default=[d for d in default if d in options], format_func=lambda i: names.get(i, str(i)),
        key=form.key(field), placeholder=t("请选择单位"),
    )
    form.slot(field)
    return chosen


def referral_inputs(form: EntryForm, agencies, *, today, sender: int | None, sender_locked: bool,
                    record=None, with_sending: bool = True) -> dict:
    """The fields of a referral as its sender fills them in, keyed like the commands'
    parameters. ``record`` (a ``ReferralEdit``) pre-fills them for a revision."""
    left, right = st.columns(2)
    values: dict = {}
    with left:
        values["title"] = st.text_input(t("案件名称"), value=record.title if record else "", key=form.key("title"))
        caption_limit(200)
        form.slot("title")
        if record is None:
            values["from_agency_id"] = agency_picker(
                form, "from_agency_id", "移送单位", agencies, default=sender,
                only=sender if sender_locked else None,
            )
        values["to_agency_id"] = agency_picker(
            form, "to_agency_id", "接收单位", agencies, default=record.to_agency_id if record else None
        )
        domains = list(lifecycle.DOMAIN_LABELS)
        values["domain"] = st.selectbox(
            t("违法领域"), domains, index=domains.index(record.domain) if record and record.domain in domains else None,
            format_func=lambda d: pick(lifecycle.DOMAIN_LABELS[d]), key=form.key("domain"),
            placeholder=t("请选择领域"),
        )
        form.slot("domain")
        values["approved_by"] = st.text_input(
            t("审批负责人"), value=(record.approved_by or "") if record else "", key=form.key("approved_by"),
            help=t("移送须经本单位负责人书面批准：填写批准的负责人姓名"),
        )
        form.slot("approved_by")
    with right:
        values["discovered_on"] = st.date_input(
            t("发现日期"), value=record.discovered_on if record and record.discovered_on else today,
            key=form.key("discovered_on"), min_value=None, max_value=None,
        )
        form.slot("discovered_on")
        values["discovered_time"] = st.time_input(
            t("发现时间（紧急案件填写）"),
            value=record.discovered_at.time() if record and record.discovered_at else None,
            key=form.key("discovered_time"),
        )
        form.slot("discovered_time")
        urgencies = list(lifecycle.URGENCY_LABELS)
        values["urgency"] = st.radio(
            t("紧急程度"), urgencies, index=urgencies.index(record.urgency) if record else 0,
            format_func=lambda u: pick(lifecycle.URGENCY_LABELS[u]), horizontal=True, key=form.key("urgency"),
            help=t("紧急案件应在发现后24小时内移送"),
        )
        form.slot("urgency")
        values["extension_notified"] = st.checkbox(
            t("已事先告知延期（移送期限最长10个工作日）"),
            value=record.extension_notified if record else False, key=form.key("extension_notified"),
        )
        form.slot("extension_notified")
        values["criminal"] = st.checkbox(
            t("涉嫌犯罪，移送公安/司法机关（3日内受理）"), value=record.criminal if record else False,
            key=form.key("criminal"),
        )
        form.slot("criminal")
    st.markdown(t("**移送材料**"))
    chosen = record.materials if record else ["移送函"]
    columns = st.columns(len(lifecycle.MATERIALS))
    materials = []
    for column, (code, labels) in zip(columns, lifecycle.MATERIAL_LABELS.items()):
        if column.checkbox(pick(labels), value=code in chosen, key=form.key(f"materials.{code}")):
            materials.append(code)
    values["materials"] = materials
    form.slot("materials")
    if with_sending:
        modes = ["send", "draft"]
        mode = st.radio(
            t("保存方式"), modes, format_func=lambda m: t("已移送（登记移送日期）") if m == "send" else t("先存为草稿"),
            horizontal=True, key=form.key("send"),
        )
        values["send"] = mode == "send"
        form.slot("send")
        a, b = st.columns(2)
        values["sent_on"] = a.date_input(t("移送日期"), value=today, key=form.key("sent_on"))
        with a:
            form.slot("sent_on")
        values["sent_time"] = b.time_input(t("移送时间（紧急案件填写）"), value=None, key=form.key("sent_time"))
        with b:
            form.slot("sent_time")
    return values
