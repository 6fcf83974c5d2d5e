"""Reminders (提醒, DOMAIN.md): what is due to be sent on a day, and its text.

Pure rules over plain rows (fetched by :mod:`data_access.queries.reminders`); the sending,
the channels and the record of what was sent live in :mod:`data_access.notify`.

What goes out, to the agency that must act:
- **lights**: an open item (a referral awaiting acknowledgement, an assistance request
  awaiting its answer, a decision not done) turning yellow and turning red, once each. Each
  reminder has a key (:func:`light_key`) naming the item, its due date (a new round has a new
  one) and the light; a key sent on a channel is never sent there again. An item already red
  whose yellow reminder never went out gets only the red one: yellow has passed. Decisions
  count as "nearing their due date" for :data:`DECISION_NEAR_WORKING_DAYS` working days.
- **digest**: once per ISO week (the first run of the week, normally Monday morning), to each
  agency, for its head: what waits on it and what it waits on.
- **agenda call**: the call for agenda items of a coming meeting, from
  :data:`AGENDA_CALL_LEAD_DAYS` days before the submission deadline (``agenda_cutoff_days``
  before the meeting, 会前十日) to the deadline itself, to every member.
- **agenda**: the approved agenda of a meeting still to be held, to every member.

Texts are Chinese and short: a chat robot (WeCom's text robot takes 2,048 bytes) gets a list
split into several messages, never cut (:func:`split_lines`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from rules.calendar import WorkCalendar
from rules.lights import Light, light_for
from rules.settings import RuleSettings

#: A decision is "nearing its due date" for its last N working days (a week's notice).
DECISION_NEAR_WORKING_DAYS = 5
#: The call for agenda items goes out this many days before the submission deadline.
AGENDA_CALL_LEAD_DAYS = 7
#: Longest message body, in UTF-8 bytes (WeCom's robot: 2,048; keep room for its framing).
MESSAGE_LIMIT_BYTES = 1800

KIND_LABELS = {"referral": "移送", "assistance": "协作请求", "decision": "议定事项"}
_DUE_LABELS = {"referral": "受理告知期限", "assistance": "答复期限", "decision": "完成期限"}
_OTHER_LABELS = {"referral": "移送单位", "assistance": "请求单位", "decision": "督办"}
#: Where a message links to, under the product's address.
PAGE_PATHS = {"lights": "my-agency", "digest": "my-agency", "agenda_call": "agenda", "agenda": "agenda"}


@dataclass(frozen=True)
class DueItem:
    """An open time-limited item, as the reminder rules need it."""

    kind: str  # referral / assistance / decision
    item_id: int
    number: str
    agency_id: int  # the agency that must act
    due: date
    other_id: int | None = None  # the other party (who sent it, who asked; the office for decisions)
    other_name: str | None = None
    other_contact: str | None = None
    other_phone: str | None = None


@dataclass(frozen=True)
class LitItem:
    item: DueItem
    light: Light
    days_late: int
    key: str


@dataclass(frozen=True)
class Meeting:
    meeting_id: int
    number: str
    title: str
    held_on: date
    status: str
    place: str | None = None
    start_time: str | None = None
    approved_items: tuple[str, ...] = ()


def item_light(item: DueItem, as_of: date, cal: WorkCalendar, s: RuleSettings) -> Light:
    """The item's light; decisions turn yellow :data:`DECISION_NEAR_WORKING_DAYS` ahead."""
    if item.kind == "decision":
        if as_of > item.due:
            return Light.RED
        return Light.YELLOW if cal.working_days_between(as_of, item.due) < DECISION_NEAR_WORKING_DAYS else Light.GREEN
    return light_for(item.due, as_of, cal, s)


def light_key(item: DueItem, light: Light) -> str:
    return f"{item.kind}:{item.item_id}:{item.due.isoformat()}:{light.value}"


def lit_items(items: Iterable[DueItem], as_of: date, cal: WorkCalendar, s: RuleSettings) -> list[LitItem]:
    """The yellow and red items on ``as_of``, red first, the latest first, then by number."""
    out = []
    for item in items:
        light = item_light(item, as_of, cal, s)
        if light is Light.GREEN:
            continue
        late = (as_of - item.due).days if light is Light.RED else 0
        out.append(LitItem(item, light, late, light_key(item, light)))
    out.sort(key=lambda x: (x.light is not Light.RED, -x.days_late, x.item.due, x.item.number))
    return out


def light_since(item: DueItem, light: Light, cal: WorkCalendar, s: RuleSettings) -> date:
    """The day the item's light turned ``light`` (for "new since you last looked")."""
    if light is Light.RED:
        return item.due + timedelta(days=1)
    day = item.due
    while item_light(item, day - timedelta(days=1), cal, s) is Light.YELLOW:
        day -= timedelta(days=1)
    return day


# ----------------------------------------------------------------------------- texts


def _contact(name: str | None, contact: str | None, phone: str | None) -> str:
    who = " ".join(p for p in (contact, phone) if p)
    return f"{name or ''}（联系人 {who}）" if who else (name or "")


def item_line(lit: LitItem) -> str:
    """One line per item: its light, number, the other agency and its contact, due, lateness."""
    i = lit.item
    state = f"超期{lit.days_late}天" if lit.light is Light.RED else "临期"
    other = _contact(i.other_name, i.other_contact, i.other_phone)
    parts = [f"【{'红灯' if lit.light is Light.RED else '黄灯'}】{KIND_LABELS[i.kind]} {i.number}"]
    if other and i.other_id != i.agency_id:
        parts.append(f"{_OTHER_LABELS[i.kind]}：{other}")
    parts.append(f"{_DUE_LABELS[i.kind]} {i.due.isoformat()}，{state}")
    return "；".join(parts)


def waiting_line(lit: LitItem, acting_name: str, acting_contact: str | None, acting_phone: str | None) -> str:
    """A line of "what we wait on": the late agency and whom to call there."""
    i = lit.item
    return (f"{KIND_LABELS[i.kind]} {i.number}：待{_contact(acting_name, acting_contact, acting_phone)}办理，"
            f"{_DUE_LABELS[i.kind]} {i.due.isoformat()}"
            + (f"，超期{lit.days_late}天" if lit.light is Light.RED else "，临期"))


def link(base_url: str | None, kind: str) -> str | None:
    if not base_url:
        return None
    return f"{base_url.rstrip('/')}/{PAGE_PATHS[kind]}"


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def split_lines(header: str, lines: Sequence[str], footer: str | None = None,
                limit: int = MESSAGE_LIMIT_BYTES) -> list[str]:
    """The header, the lines and the footer as one or more messages of at most ``limit``
    bytes each, every line whole in exactly one of them; with several, the header says which
    part this is (``（1/3）``). A single line longer than the limit still goes whole."""
    tail = f"\n{footer}" if footer else ""
    # Room for the "（12/12）" part marker.
    budget = limit - _size(header) - _size(tail) - 16
    chunks: list[list[str]] = [[]]
    used = 0
    for line in lines:
        cost = _size(line) + 1
        if chunks[-1] and used + cost > budget:
            chunks.append([])
            used = 0
        chunks[-1].append(line)
        used += cost
    if len(chunks) == 1:
        return [header + "\n" + "\n".join(chunks[0]) + tail]
    n = len(chunks)
    return [f"{header}（{k}/{n}）\n" + "\n".join(chunk) + tail for k, chunk in enumerate(chunks, 1)]


def lights_messages(agency_name: str, lits: Sequence[LitItem], as_of: date, base_url: str | None) -> list[str]:
    """The reminder of newly yellow or red items to the agency that must act."""
    red = sum(x.light is Light.RED for x in lits)
    header = (f"【联席会议提醒】{agency_name}：截至{as_of.isoformat()}，"
              f"本单位有{len(lits)}项待办事项亮灯（红灯{red}项、黄灯{len(lits) - red}项），请及时办理")
    lines = [f"{k}. {item_line(x)}" for k, x in enumerate(lits, 1)]
    url = link(base_url, "lights")
    return split_lines(header, lines, f"查看：{url}" if url else None)


def digest_messages(agency_name: str, ours: Sequence[LitItem], waiting: Sequence[str], as_of: date,
                    base_url: str | None) -> list[str]:
    """The weekly digest for the agency's head: what waits on it, what it waits on."""
    red = sum(x.light is Light.RED for x in ours)
    header = (f"【联席会议周报】{agency_name}（{as_of.isoformat()}）：本单位待办亮灯{len(ours)}项"
              f"（红灯{red}项），等待其他单位办理{len(waiting)}项")
    lines = [f"待本单位办理：{item_line(x)}" for x in ours] + [f"等待：{w}" for w in waiting]
    if not lines:
        lines = ["本周没有亮灯事项。"]
    url = link(base_url, "digest")
    return split_lines(header, lines, f"查看：{url}" if url else None)


def week_key(agency_id: int, as_of: date) -> str:
    year, week, _ = as_of.isocalendar()
    return f"digest:{agency_id}:{year}-W{week:02d}"


def agenda_cutoff(m: Meeting, s: RuleSettings) -> date:
    return m.held_on - timedelta(days=s.agenda_cutoff_days)


def agenda_call_due(m: Meeting, as_of: date, s: RuleSettings) -> bool:
    """Whether the call for agenda items of meeting ``m`` is due on ``as_of``."""
    if m.status not in ("planned", "collecting"):
        return False
    cutoff = agenda_cutoff(m, s)
    return cutoff - timedelta(days=AGENDA_CALL_LEAD_DAYS) <= as_of <= cutoff


def agenda_due(m: Meeting, as_of: date) -> bool:
    """Whether the approved agenda of ``m`` is to be sent: approved and not yet held."""
    return m.status == "approved" and m.held_on >= as_of and bool(m.approved_items)


def _when(m: Meeting) -> str:
    return f"{m.held_on.isoformat()}{' ' + m.start_time if m.start_time else ''}{'，' + m.place if m.place else ''}"


def agenda_call_messages(m: Meeting, s: RuleSettings, base_url: str | None) -> list[str]:
    url = link(base_url, "agenda_call")
    header = f"【联席会议议题征集】{m.title}（{m.number}）定于{_when(m)}召开"
    lines = [f"请于{agenda_cutoff(m, s).isoformat()}前提交议题（逾期提交的列为临时议题）。"]
    return split_lines(header, lines, f"提交：{url}" if url else None)


def agenda_messages(m: Meeting, base_url: str | None) -> list[str]:
    url = link(base_url, "agenda")
    header = f"【联席会议议程】{m.title}（{m.number}）定于{_when(m)}召开，议程已审定"
    lines = [f"{k}. {title}" for k, title in enumerate(m.approved_items, 1)]
    return split_lines(header, lines, f"查看：{url}" if url else None)


# ----------------------------------------------------------------------------- in the app


@dataclass(frozen=True)
class Notice:
    """A yellow or red item of the user's agency in their notice list."""

    lit: LitItem
    since: date  # the day its light turned
    new: bool  # turned after the user last looked


def notices(items: Iterable[DueItem], agency_id: int, as_of: date, cal: WorkCalendar, s: RuleSettings,
            seen_on: date | None) -> list[Notice]:
    """The agency's yellow and red items (those it must act on), each marked new when its
    light turned after ``seen_on`` (every one is new for a user who never looked)."""
    out = []
    for lit in lit_items([i for i in items if i.agency_id == agency_id], as_of, cal, s):
        since = light_since(lit.item, lit.light, cal, s)
        out.append(Notice(lit, since, seen_on is None or since > seen_on))
    return out
