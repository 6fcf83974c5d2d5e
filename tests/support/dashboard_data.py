"""A tiny hand-made city for the dashboard query tests, with its expected figures.

Four agencies, ten referrals, four assistance requests, three disputes, two meetings and
six decisions, chosen so that every definition of the dashboards has a case on each side
of its boundary. The figures are for ``AS_OF`` = Thursday 2026-11-05 (the next working day
is Friday 11-06, so with the default settings an item due on 11-05 is yellow, one due on
11-06 or later green, one due before 11-05 red).

Due dates are filled through ``data_access.stored_deadlines`` as every writer does; the
comments give the values (checked by hand against DOMAIN.md's counting).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from data_access import models
from data_access.db import write_session
from data_access.rulebook import load_rules
from data_access.stored_deadlines import assistance_deadline_fields, referral_deadline_fields

AS_OF = date(2026, 11, 5)
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


def d(month: int, day: int) -> date:
    return date(2026, month, day)


@dataclass(frozen=True)
class Ids:
    A: int
    B: int
    C: int
    Z: int
    referrals: dict[str, int]
    disputes: dict[str, int]


SQUARE = [[120.0, 30.0], [120.1, 30.0], [120.1, 30.1], [120.0, 30.1], [120.0, 30.0]]

# key: (from, to, then the referral's COLUMNS)
COLUMNS = ("sent_on", "ack_on", "ack_outcome", "result_on", "status", "title", "domain", "criminal")
REFERRALS = {
    # due 10-27: red on 11-05, 9 days late
    "r1": ("A", "B", d(10, 20), None, None, None, "sent", "违法建设移送一", "规划建设", False),
    # due 11-05: yellow
    "r2": ("A", "B", d(10, 29), None, None, None, "sent", "占道经营移送", "城镇管理", False),
    # due 11-06: green
    "r3": ("C", "B", d(10, 30), None, None, None, "sent", "无证餐饮移送", "食品安全", False),
    # suspected crime, 3 calendar days: due 11-02, red, 3 days late
    "r4": ("B", "A", d(10, 30), None, None, None, "sent", "涉嫌盗伐林木", "治安管理", True),
    # accepted 10-09, no result: awaiting result (sent in September)
    "r5": ("A", "B", d(9, 30), d(10, 9), "accepted", None, "accepted", "违法建设移送二", "规划建设", False),
    # reported: finished
    "r6": ("A", "C", d(10, 8), d(10, 12), "accepted", d(10, 20), "reported", "噪声扰民", "生态环境", False),
    # declined on 11-10, after AS_OF: still unanswered and overdue (due 11-02) on AS_OF
    "r7": ("C", "A", d(10, 26), d(11, 10), "declined", None, "declined", "河道采砂", "国土资源", False),
    # draft, discovered 11-03: send due 11-06 (green in the ledger)
    "r8": ("A", "B", None, None, None, None, "draft", "违法广告牌", "城镇管理", False),
    # sent after AS_OF: counts nowhere on AS_OF
    "r9": ("B", "C", d(11, 6), None, None, None, "sent", "农药经营检查", "农业畜牧", False),
    # returned 10-16: an answer, so not awaiting
    "r10": ("B", "A", d(10, 15), d(10, 16), "returned", None, "returned", "材料不全退回", "市场监管", False),
}


def build(engine) -> Ids:
    """Write the small city into an empty migrated database; returns the ids."""
    with write_session(engine) as s:
        s_rules, cal = load_rules(s)
        ag = {
            "A": models.Agency(name="甲镇（测试）", short_name="甲镇", kind="town", lon=120.05, lat=30.05, outline=SQUARE),
            "B": models.Agency(name="乙局（测试）", short_name="乙局", kind="department"),
            "C": models.Agency(
                name="丙街道（测试）", short_name="丙街道", kind="town", lon=120.15, lat=30.05,
                outline=[[x + 0.1, y] for x, y in SQUARE],
            ),
            "Z": models.Agency(name="丁局（测试）", short_name=None, kind="department"),
        }
        s.add_all(ag.values())
        s.flush()
        refs = {}
        for i, (key, (frm, to, *values)) in enumerate(REFERRALS.items(), start=1):
            columns = dict(zip(COLUMNS, values))
            sent, ack, outcome = columns["sent_on"], columns["ack_on"], columns["ack_outcome"]
            discovered = (sent - timedelta(days=1)) if sent else d(11, 3)
            fields = referral_deadline_fields(
                cal, s_rules, discovered_on=discovered, criminal=columns["criminal"], sent_on=sent, ack_on=ack
            )
            r = models.Referral(
                number=f"YS-2026-{i:06d}", from_agency_id=ag[frm].id, to_agency_id=ag[to].id,
                discovered_on=discovered, closed_on=None, materials=["移送函"], **columns, **fields,
            )
            s.add(r)
            s.flush()
            refs[key] = r.id
            if sent:
                s.add(models.ReferralEvent(referral_id=r.id, at=datetime.combine(sent, datetime.min.time()),
                                    username="clerk", from_status="draft", to_status="sent", note="发出"))
            if ack:
                s.add(models.ReferralEvent(referral_id=r.id, at=datetime.combine(ack, datetime.min.time()),
                                    username="clerk", from_status="sent", to_status=outcome, note=None))

        def assist(number, frm, to, requested, status, answered=None):
            s.add(models.AssistanceRequest(
                number=number, kind="opinion", subject=f"协作{number}", from_agency_id=ag[frm].id,
                to_agency_id=ag[to].id, requested_on=requested, status=status, answered_on=answered,
                **assistance_deadline_fields(cal, s_rules, requested_on=requested),
            ))

        assist("XZ-2026-0001", "A", "B", d(10, 28), "open")  # due 11-02: red for B
        assist("XZ-2026-0002", "C", "B", d(11, 2), "open")  # due 11-05: yellow
        assist("XZ-2026-0003", "B", "A", d(10, 10), "answered", d(10, 13))  # due 10-14, on time
        assist("XZ-2026-0004", "A", "B", d(10, 20), "withdrawn")  # withdrawn: waits on nobody

        disputes = {}

        def dispute(key, number, parties, opened, stages, resolved=None):
            last_stage, last_since = stages[-1]
            obj = models.Dispute(number=number, subject=f"争议{key}", opened_on=opened, stage=last_stage,
                          stage_since=last_since, resolved_on=resolved, interim_handler_id=ag[parties[0]].id)
            s.add(obj)
            s.flush()
            for p in parties:
                s.add(models.DisputeParty(dispute_id=obj.id, agency_id=ag[p].id, position=f"{p}的意见"))
            for stage, since in stages:
                s.add(models.DisputeStage(dispute_id=obj.id, stage=stage, entered_on=since, note=f"进入{stage}"))
            disputes[key] = obj.id

        # negotiation since 09-20: 46 days on AS_OF, stalled (> 30)
        dispute("d1", "ZY-2026-001", ["A", "B"], d(9, 1), [("joint_handling", d(9, 1)), ("negotiation", d(9, 20))])
        # on AS_OF still in joint handling (since 10-20, 16 days); moved on 11-10
        dispute("d2", "ZY-2026-002", ["B", "C"], d(10, 20),
                [("joint_handling", d(10, 20)), ("negotiation", d(11, 10))])
        # resolved 10-01
        dispute("d3", "ZY-2026-003", ["A", "C"], d(8, 1),
                [("joint_handling", d(8, 1)), ("negotiation", d(8, 15)), ("resolved", d(10, 1))], d(10, 1))

        m1 = models.Meeting(number="LX-2026-10", title="十月例会", held_on=d(10, 15), status="closed")
        m2 = models.Meeting(number="LX-2026-11", title="十一月例会", held_on=d(11, 20), status="planned")
        s.add_all([m1, m2])
        s.flush()

        def decision(text, lead, due, status, done=None, co=()):
            obj = models.Decision(meeting_id=m1.id, text=text, lead_agency_id=ag[lead].id, due_on=due,
                           status=status, done_on=done)
            s.add(obj)
            s.flush()
            for c in co:
                s.add(models.DecisionAgency(decision_id=obj.id, agency_id=ag[c].id))

        decision("c1 清理积压移送", "B", d(10, 31), "open")  # overdue 5 days
        decision("c2 联合整治占道", "A", d(11, 15), "open", co=("B",))  # due before the next meeting
        decision("c3 建立台账", "C", d(11, 30), "open")  # after the next meeting
        decision("c4 报送情况", "B", d(10, 25), "done", d(10, 24))  # done on time
        decision("c5 已撤销事项", "A", d(11, 10), "cancelled")
        decision("c6 补充材料", "C", d(11, 1), "done", d(11, 8))  # done after AS_OF: open, overdue 4
        ids = Ids(ag["A"].id, ag["B"].id, ag["C"].id, ag["Z"].id, refs, disputes)
    return ids
