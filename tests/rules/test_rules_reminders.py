"""What reminders are due and how their text is cut into messages (rules/reminders.py)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from rules import reminders as r
from rules.calendar import WorkCalendar
from rules.lights import Light
from rules.settings import RuleSettings

D = date
S = RuleSettings()
CAL = WorkCalendar()


def _ref(due: date, kind: str = "referral", n: int = 1) -> r.DueItem:
    return r.DueItem(kind, n, f"YS-2026-{n:06d}", 10, due, 20, "青山镇", "张三", "0571-1234")


def test_an_item_has_one_key_per_light_and_round():
    due = D(2026, 10, 13)
    yellow = r.lit_items([_ref(due)], D(2026, 10, 13), CAL, S)
    red = r.lit_items([_ref(due)], D(2026, 10, 20), CAL, S)
    assert [x.light for x in yellow] == [Light.YELLOW] and [x.light for x in red] == [Light.RED]
    assert yellow[0].key != red[0].key
    # The next round (a new due date) is a new reminder.
    assert r.lit_items([_ref(D(2026, 10, 27))], D(2026, 10, 28), CAL, S)[0].key != red[0].key
    assert r.lit_items([_ref(due)], D(2026, 10, 12), CAL, S) == []  # green: nothing to send


def test_red_lists_first_most_late_first():
    items = [_ref(D(2026, 10, 13), n=1), _ref(D(2026, 10, 1), n=2), _ref(D(2026, 11, 30), n=3)]
    lits = r.lit_items(items, D(2026, 11, 30), CAL, S)
    assert [x.item.number for x in lits] == ["YS-2026-000002", "YS-2026-000001", "YS-2026-000003"]
    assert [x.days_late for x in lits] == [60, 48, 0]


def test_decisions_warn_a_week_ahead():
    due = D(2026, 12, 11)  # a Friday
    assert r.item_light(_ref(due, "decision"), D(2026, 12, 7), CAL, S) is Light.YELLOW
    assert r.item_light(_ref(due, "decision"), D(2026, 12, 1), CAL, S) is Light.GREEN
    assert r.light_since(_ref(due, "decision"), Light.YELLOW, CAL, S) == D(2026, 12, 7)
    assert r.light_since(_ref(due), Light.RED, CAL, S) == D(2026, 12, 12)


def test_item_line_names_number_other_agency_contact_due_and_lateness():
    lit = r.lit_items([_ref(D(2026, 10, 13))], D(2026, 10, 20), CAL, S)[0]
    line = r.item_line(lit)
    for part in ("YS-2026-000001", "青山镇", "张三", "0571-1234", "2026-10-13", "超期7天", "红灯"):
        assert part in line


def test_agenda_call_window():
    m = r.Meeting(1, "LX-2026-12", "例会", D(2026, 12, 16), "collecting")
    cutoff = D(2026, 12, 6)
    assert not r.agenda_call_due(m, D(2026, 11, 28), S)
    assert r.agenda_call_due(m, D(2026, 11, 29), S) and r.agenda_call_due(m, cutoff, S)
    assert not r.agenda_call_due(m, D(2026, 12, 7), S)
    assert "2026-12-06" in r.agenda_call_messages(m, S, None)[0]
    approved = r.Meeting(1, "LX-2026-12", "例会", D(2026, 12, 16), "approved", approved_items=("议题一",))
    assert r.agenda_due(approved, D(2026, 12, 16)) and not r.agenda_due(approved, D(2026, 12, 17))


def test_link_only_when_the_address_is_set():
    lits = r.lit_items([_ref(D(2026, 10, 13))], D(2026, 10, 20), CAL, S)
    assert "查看：https://jm.example.cn/my-agency" in r.lights_messages("甲", lits, D(2026, 10, 20), "https://jm.example.cn/")[0]
    assert "查看" not in r.lights_messages("甲", lits, D(2026, 10, 20), None)[0]


@given(st.lists(st.text(alphabet="移送编号超期天数ABC123；，", min_size=1, max_size=120), min_size=1, max_size=60),
       st.integers(min_value=200, max_value=2000))
def test_split_never_cuts_a_line_and_keeps_to_the_limit(lines, limit):
    parts = r.split_lines("【提醒】标题", lines, "查看：https://x", limit=limit)
    bodies = [p.split("\n")[1:-1] for p in parts]
    assert [line for body in bodies for line in body] == list(lines)
    for part, body in zip(parts, bodies):
        assert part.startswith("【提醒】标题") and part.endswith("查看：https://x")
        if len(body) > 1:  # a single over-long line still goes whole
            assert len(part.encode("utf-8")) <= limit
    if len(parts) > 1:
        assert all(f"（{k}/{len(parts)}）" in p.split("\n")[0] for k, p in enumerate(parts, 1))
