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

A refusal (:class:`~data_access.commands.base.CommandError`) carries a ``(zh, en)`` message
per field and a general one; the form shows each field's message in the user's language
under its field, and above the save button a summary of how many fields need fixing plus
the messages that belong to no field on this form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import nullcontext
from typing import Any

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access import health
from data_access.commands.base import Actor, CommandError, Message, StaleEdit, join_messages
from data_access.db import database_url, get_engine, read_session
from data_access.queries.agencies import agency_options
from data_access.validation import Saved
from rules import lifecycle
from rules.permissions import can, scope_for
from ui.i18n import lang, pick, say, t
from ui.session import actor
from ui.components import inert

_ERRORS = "__errors"
_GENERAL = "__general"
_DONE = "__done"
_GENERATION = "__generation"
_VERSION = "__version"
_DUPES = "__dupes"
_STALE = "__stale"


def refusal_parts(exc: CommandError, fields_shown) -> tuple[dict[str, Message], Message | None]:
    """Split a refusal into the messages to place under the fields shown and the general
    message: the refusal's own when it names no field, else a summary (how many fields need
    fixing, then the messages of fields not on the form)."""
    fields = dict(exc.field_errors) or ({exc.field: exc.message} if exc.field else {})
    placed = {f: m for f, m in fields.items() if f in fields_shown}
    rest = [m for f, m in fields.items() if f not in fields_shown]
    if not fields:
        return {}, exc.message
    if len(fields) == 1 and not rest:
        return placed, None
    summary = Message(f"有 {len(fields)} 处需要修改，见各项下方的提示。", f"{len(fields)} fields need fixing; see the notes under them.")
    if not placed:
        return {}, join_messages(rest)
    return placed, join_messages([summary, *rest])


def show_refusal(exc: CommandError) -> None:
    """A refusal shown away from any form (a one-click action): the general message, or, when
    it names several fields, a summary and each field's message, all in the user's language."""
    fields = list(exc.field_errors.values())
    if len(fields) > 1:
        summary = Message(f"有 {len(fields)} 处需要修改：", f"{len(fields)} things need fixing:")
        st.error("\n".join([inert(say(summary)), *(f"- {inert(say(m))}" for m in fields)]), icon=":material/error:")
    else:
        st.error(inert(say(exc.message)), icon=":material/error:")


def one_click(state_key: str, command: Callable, *args, **kwargs) -> None:
    """Run a one-click action (a button that writes at once) for the signed-in user; its
    refusal is kept under ``state_key`` for :func:`last_refusal` to show after the rerun."""
    from ui.session import actor

    try:
        command(actor(), *args, **kwargs)
    except CommandError as exc:
        st.session_state[state_key] = exc
    st.rerun()


def last_refusal(state_key: str) -> None:
    """Show (once) the refusal :func:`one_click` kept under ``state_key``."""
    exc = st.session_state.pop(state_key, None)
    if exc is not None:
        show_refusal(exc)


def in_read_session(query: Callable[..., Any]) -> Callable[..., Any]:
    """``query(session, *args)`` as a function of ``*args`` alone, each call in a read session
    of its own (a record loader for :func:`record_actions`, say)."""

    def run(*args, **kwargs):
        with read_session() as session:
            return query(session, *args, **kwargs)

    return run


def acting_for(user: Actor, *actions: str) -> int | None:
    """The agency whose records ``user`` acts on with ``actions``: None (every agency's) when
    the role may take any of them on any record, else the user's own."""
    return None if any(scope_for(user.role, action) == "any" for action in actions) else user.agency_id


def own_agency(user: Actor, action: str) -> int | None:
    """The user's own agency when the role takes ``action`` for it alone (a clerk files for
    their own agency), else None: an agency picker's ``only``."""
    return user.agency_id if scope_for(user.role, action) == "own" else None


def open_entry_page(title: str, actions: Iterable[str], refusal: str) -> tuple[Actor, list[bool], list]:
    """The top of a data-entry page: its title for the signed-in user, whether the user's role
    may take each of ``actions`` (in order) and every agency, deactivated ones too. A role that
    may take none of them is shown ``refusal`` and the page stops."""
    user = actor()
    st.title(t(title))
    allowed = [can(user.role, action) for action in actions]
    if not any(allowed):
        st.info(t(refusal))
        st.stop()
    with read_session() as session:
        agencies = agency_options(session, include_inactive=True)
    return user, allowed, agencies


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
            st.success(inert(done), icon=":material/check_circle:")

    # ------------------------------------------------------------------ error slots
    def slot(self, field: str) -> None:
        """Reserve the place for ``field``'s error, right under its input."""
        placeholder = st.empty()
        self._slots[field] = placeholder
        message = (self._state(_ERRORS) or {}).get(field)
        if message:
            placeholder.error(inert(say(message)), icon=":material/error:")

    def field(self, widget: Callable[..., Any], label: str, name: str, *, slot: str | None = None,
              within=None, limit: int | None = None, **options) -> Any:
        """``widget`` (``st.text_input``, ``st.date_input``, …) for ``name``, labelled ``t(label)``
        and keyed by :meth:`key`, with its length ``limit`` and its error slot right under it
        (``slot``: the command's field name, when it differs); drawn ``within`` a column when
        given. Returns its value."""
        with within if within is not None else nullcontext():
            value = widget(t(label), key=self.key(name), **options)
            caption_limit(limit)
            self.slot(slot or name)
        return value

    def general_slot(self) -> None:
        """Reserve the place for errors that belong to no single field (permission, stale)."""
        self._general = st.empty()
        message = self._state(_GENERAL)
        if message:
            self._general.error(inert(say(message)), icon=":material/error:")

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
        except CommandError as exc:
            placed, general = refusal_parts(exc, self._slots)
            self._fail(placed, general, stale=isinstance(exc, StaleEdit))
        except SQLAlchemyError as exc:
            # Nothing was saved: say why (read-only file, server down, …) instead of a traceback.
            problem = health.diagnose(exc, database_url())
            if problem.kind == "read_only":
                health.note_read_only(get_engine())
            self._fail({}, Message(*problem.pair), stale=False)
        else:
            for item in (_ERRORS, _GENERAL, _DUPES, _STALE):
                self._drop(item)
            self.forget_version()
            st.session_state[self._notice] = confirm(saved)
            self._renew()
        st.rerun()

    def _renew(self) -> None:
        self._set(_GENERATION, self.generation + 1)

    def _fail(self, errors: dict[str, Message], general: Message | None, *, stale: bool) -> None:
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
                st.markdown(f"- {inert(line)}")
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


# ---------------------------------------------------------------------- the entry pages' layout
def new_record_form(
    name: str,
    fields: Callable[[EntryForm], dict],
    save: Callable[..., Saved],
    confirm: str | Callable[[Saved, dict], str],
    *,
    submit: str,
    kind: str | None = None,
    note: str | None = None,
    disabled: bool = False,
    icon: str | None = None,
    enter_to_submit: bool = False,
) -> None:
    """The layout every page shares for entering a new record: the last save's confirmation,
    the fields ``fields(form)`` draws (returning their values, keyed like ``save``'s
    parameters), a ``note`` on the rule the entry follows, the errors that belong to no field
    and the ``submit`` button; a press runs
    ``save(**values)`` and confirms with ``confirm(saved, values)``, or with ``t(confirm)`` filled
    with the saved record's ``{number}``, its ``{status}`` (a ``kind`` of ``rules.lifecycle``)
    and the text typed into each field, trimmed."""
    form = EntryForm(name)
    form.start()
    with st.form(f"{name}_form", enter_to_submit=enter_to_submit):
        values = fields(form)
        if note:
            st.caption(t(note))
        form.general_slot()
        submitted = st.form_submit_button(t(submit), type="primary", disabled=disabled, icon=icon)
    if submitted:
        form.submit(lambda: save(**values), lambda saved: _confirmation(confirm, saved, values, kind))


def _confirmation(confirm, saved: Saved, values: dict, kind: str | None) -> str:
    if callable(confirm):
        return confirm(saved, values)
    typed = {field: value.strip() for field, value in values.items() if isinstance(value, str)}
    return t(confirm, **{**typed, "number": saved.number,
                         "status": status_text(kind, saved.status) if kind else saved.status})


def pick_for_edit(name: str, rows, *, label: str, placeholder: str, describe: Callable[[Any], str]):
    """The top of an edit tab: pick one of ``rows`` (none at first); returns the record, the
    form that edits it (its confirmation and general errors shown, a stale save offering a
    reload) and the version the form showed, or None while nothing is picked."""
    by_id = {r.id: r for r in rows}
    chosen = st.selectbox(t(label), list(by_id), index=None, placeholder=t(placeholder),
                          format_func=lambda i: describe(by_id[i]), key=f"{name}_pick")
    if chosen is None:
        return None
    record = by_id[chosen]
    form = EntryForm(f"{name}_{record.id}")
    form.start()
    form.general_slot()
    form.stale_notice()
    return record, form, form.shown_version(record.id, record.version)


def record_actions(
    *,
    name: str,
    prefix: str,
    rows,
    label: Callable[[Any], str],
    pick_label: str,
    empty: str,
    load: Callable[[Any, int], Any],
    details: Callable[[Any, int], None],
    actions: dict[str, str] | Callable[[Any], dict[str, str]],
    inputs: Callable[[str, Any, EntryForm, int], Callable[[], Saved]],
    confirm: Callable[[Saved], str],
    default_action: Callable[[Any], str] | None = None,
    status_field: str = "status",
    all_actions: dict[str, str] | None = None,
) -> None:
    """The layout every entry page shares for acting on an existing record: pick the record,
    show it with the version the form holds, choose what to do, fill that step's fields and
    save with the version shown (a stale save is refused and offers a reload).

    ``rows`` are the records to choose from (each with an ``id``), ``label`` names one in the
    select box; the query ``load(session, id)`` reads the chosen record (with its ``version``)
    in a read session of its own; ``details`` draws it inside the record's box, given the
    version shown; ``actions`` maps each step's code to its label (or gives that map for the
    record, when the steps offered depend on it); ``inputs(action, record, form, version)``
    draws the step's fields inside the form and returns the save (a command call passing ``expected_version=version``). The
    confirmation of the last save is kept under ``name``, so it shows even after the saved
    record leaves the list.
    """
    if not rows:
        EntryForm(name).start()
        st.info(t(empty))
        return
    labels = {r.id: label(r) for r in rows}
    chosen = st.selectbox(t(pick_label), list(labels), format_func=labels.get, key=f"{name}.pick")
    record = in_read_session(load)(chosen)
    form = EntryForm(f"{prefix}_{record.id}", notice=name)
    form.start()
    version = form.shown_version(record.id, record.version)
    with st.container(border=True):
        details(record, version)
    if callable(actions):
        offered = actions(record)
        # A form shown on an older version keeps the step the user was filling in, so that
        # the save is refused as stale, naming who changed the record, not silently changed.
        current = st.session_state.get(form.key("action"))
        if version != record.version and current and current not in offered and all_actions and current in all_actions:
            offered = {**offered, current: all_actions[current]}
        actions = offered
    codes = list(actions)
    if not codes:
        st.info(t("该记录当前没有您可以办理的事项。"))
        return
    start = default_action(record) if default_action else codes[0]
    action = st.radio(t("办理事项"), codes, index=codes.index(start) if start in codes else 0, horizontal=True,
                      format_func=lambda a: t(actions[a]), key=form.key("action"))
    with st.form(f"{prefix}_{record.id}_{action}", enter_to_submit=False):
        form.slot(status_field)
        save = inputs(action, record, form, version)
        form.general_slot()
        submitted = st.form_submit_button(t("保存"), type="primary", icon=":material/save:")
    form.stale_notice()
    if submitted:
        form.submit(save, confirm)
