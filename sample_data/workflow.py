"""Everything around the referrals: assistance requests, disputes, meetings, operations.

These are hundreds or a few thousand rows, not millions, so they are built in plain Python
with one ``random.Random`` and written with SQLAlchemy Core ``insert()`` (explicit ids, so
links between them need no round trips). Dates are checked against ``as_of`` as they are
drawn: nothing is answered, resolved or done after the day the data ends.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection, insert, or_, select

from data_access import models
from data_access.stored_deadlines import assistance_deadline_fields
from rules import deadlines
from rules.calendar import WorkCalendar
from rules.lifecycle import DISPUTE_STAGES
from rules.settings import RuleSettings
from sample_data import content
from sample_data.city import CHAIR_NAME, OFFICE_NAME, AgencySpec, City

#: Assistance requests are about a tenth of the referrals, but never more than fit the
#: four-digit yearly serial of ``XZ-2026-0001`` (a year of data spans at most two years).
ASSISTANCE_SHARE = 0.1
ASSISTANCE_MAX = 9000
#: Shares of open disputes at each stage; the remaining ~40 % are resolved.
DISPUTE_STAGE_SHARES = {"joint_handling": 0.12, "negotiation": 0.16, "coordination": 0.14,
                        "recommendation": 0.10, "ruling": 0.08}
#: (meeting id, decision number) -> fate, fixed so the boards are never empty.
FIXED_FATES = {(1, 0): "overdue", (2, 0): "late", (3, 0): "on_time", (6, 0): "open"}


def _insert(conn: Connection, model, rows: list[dict]) -> int:
    if rows:
        conn.execute(insert(model.__table__), rows)
    return len(rows)


def _stamp(d: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(d, time(hour, minute))


class Workflow:
    """Builds and writes the non-referral objects of the sample city."""

    def __init__(
        self,
        conn: Connection,
        city: City,
        cal: WorkCalendar,
        s: RuleSettings,
        as_of: date,
        rng: random.Random,
        town_weights: list[float],
    ):
        self.conn, self.city, self.cal, self.s, self.as_of, self.rng = conn, city, cal, s, as_of, rng
        self.town_weights = town_weights
        self.counts: dict[str, int] = {}
        self.disputes: list[dict] = []
        self.decisions: list[dict] = []

    # ------------------------------------------------------------------ helpers
    def _working_day_within(self, first: date, last: date) -> date:
        """A random working day in [first, last] (``last`` if there is none)."""
        days = self.cal.working_days_in(first, last)
        return self.rng.choice(days) if days else last

    def _town(self) -> AgencySpec:
        return self.rng.choices(self.city.towns, weights=self.town_weights)[0]

    def _dept(self, name: str) -> AgencySpec:
        return self.city.by_name[name]

    def _count(self, key: str, n: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    # ------------------------------------------------------------------ assistance
    def assistance(self, n_referrals: int) -> None:
        rng, cal, s, as_of = self.rng, self.cal, self.s, self.as_of
        n = min(ASSISTANCE_MAX, max(20, round(n_referrals * ASSISTANCE_SHARE)))
        days = cal.working_days_in(as_of - timedelta(days=364), as_of)
        kinds = list(content.ASSISTANCE_KIND_WEIGHTS)
        kind_weights = list(content.ASSISTANCE_KIND_WEIGHTS.values())
        helpers = {
            "determination": ("市住房和城乡建设局", "市自然资源和规划局", "市城市管理综合执法局", "市水利局"),
            "appraisal": ("市住房和城乡建设局", "市自然资源和规划局", "市林业局", "市市场监督管理局"),
            "testing": ("市生态环境局", "市市场监督管理局", "市卫生健康委员会"),
            "opinion": ("市司法局", "市交通运输局", "市住房和城乡建设局", "市消防救援支队"),
            "onsite": ("市公安局", "市消防救援支队", "市城市管理综合执法局", "市应急管理局"),
        }
        drafts = []
        for _ in range(n):
            kind = rng.choices(kinds, weights=kind_weights)[0]
            town = self._town()
            requested = rng.choice(days)
            drafts.append((requested, kind, town, self._dept(rng.choice(helpers[kind]))))
        drafts.sort(key=lambda r: r[0])  # numbers follow the calendar
        rows, serial = [], {}
        for i, (requested, kind, town, helper) in enumerate(drafts, 1):
            extended = kind in ("appraisal", "testing") and rng.random() < 0.35
            due = assistance_deadline_fields(cal, s, requested_on=requested, extended=extended)
            roll = rng.random()
            status, answered, answer = "open", None, None
            if roll < 0.02 and i > 1:
                status = "withdrawn"
            elif (roll < 0.035 or i == 1) and requested <= as_of - timedelta(days=20):
                pass  # forgotten: still open, long overdue (always the oldest one)
            else:
                if roll < 0.84:  # on time: within the limit
                    span = cal.working_days_between(requested, due["due_on"])
                    answered = cal.add_working_days(requested, rng.randint(0, span)).on
                else:
                    answered = cal.add_working_days(due["due_on"], rng.randint(1, 12)).on
                if answered <= as_of:
                    status, answer = "answered", rng.choice(content.ASSISTANCE_ANSWERS)
                else:
                    answered = None
            year = requested.year
            serial[year] = serial.get(year, 0) + 1
            subject = rng.choice(content.ASSISTANCE_SUBJECTS[kind])
            rows.append({
                "id": i,
                "number": f"XZ-{year}-{serial[year]:04d}",
                "kind": kind,
                "subject": f"关于{town.name}{subject}",
                "from_agency_id": town.id,
                "to_agency_id": helper.id,
                "requested_on": requested,
                **due,
                "extended": extended,
                "extension_reason": "需进行技术鉴定，经协商延长答复期限。" if extended else None,
                "status": status,
                "answered_on": answered,
                "answer": answer,
                "created_at": _stamp(requested, 9, rng.randint(0, 59)),
                "version": 1,
            })
        self._count("assistance_requests", _insert(self.conn, models.AssistanceRequest, rows))

    # ------------------------------------------------------------------ disputes
    def _linked_referral(self, parties: list[int], before: date) -> int | None:
        """A referral between two of the parties sent in the month before the dispute,
        preferring one that was declined or returned (disputes often start there). The
        short date range keeps the look-up on a small slice of the (to_agency_id, sent_on)
        index even with a million referrals."""
        r = models.Referral.__table__.c
        between = select(r.id).where(
            r.to_agency_id.in_(parties),
            r.sent_on.between(before - timedelta(days=30), before),
            r.from_agency_id.in_(parties),
        )
        newest = (r.sent_on.desc(), r.id.desc())
        refused = between.where(r.status.in_(("declined", "returned"))).order_by(*newest).limit(1)
        return self.conn.execute(refused).scalar() or self.conn.execute(between.order_by(*newest).limit(1)).scalar()

    def disputes_(self, scale: float) -> None:
        rng, as_of = self.rng, self.as_of
        n = max(18, min(300, round(25 * scale ** 0.5)))
        open_stages = DISPUTE_STAGES[:-1]
        plans, subjects, stalled_at = [], set(), set()
        # Stages by fixed shares (at least two each, so even a small city shows the whole
        # path); the rest resolved.
        stages = {stage: max(2, round(n * share)) for stage, share in DISPUTE_STAGE_SHARES.items()}
        stages["resolved"] = n - sum(stages.values())
        stage_plan = [stage for stage in DISPUTE_STAGES for _ in range(stages[stage])]
        rng.shuffle(stage_plan)
        for i, stage in enumerate(stage_plan):
            template, description, kind, depts = content.DISPUTES[(i * 3 + rng.randrange(3)) % len(content.DISPUTES)]
            # Any town may have a dispute; the same matter in the same town only once.
            for _ in range(50):
                town = rng.choice(self.city.towns)
                subject = template.format(town=town.name) if "{town}" in template else town.name + template
                if subject not in subjects:
                    break
            subjects.add(subject)
            parties = [self._dept(d).id for d in depts]
            if "{town}" in template or rng.random() < 0.4:
                parties.insert(0, town.id)
            if stage == "resolved":
                last_open = rng.randrange(len(open_stages))
                end = as_of - timedelta(days=rng.randint(5, 300))
                path = list(open_stages[: last_open + 1]) + ["resolved"]
                stalled = False
            else:
                path = list(open_stages[: open_stages.index(stage) + 1])
                # One dispute in coordination and one in recommendation are always stalled
                # (they are what the meeting must take up); some others too.
                first_there = stage in ("coordination", "recommendation") and stage not in stalled_at
                stalled = first_there or rng.random() < 0.3
                if stalled:
                    stalled_at.add(stage)
                end = as_of - timedelta(days=rng.randint(31, 100) if stalled else rng.randint(1, 29))
            entered = [end]
            for _ in path[:-1]:
                entered.insert(0, entered[0] - timedelta(days=rng.randint(5, 30)))
            plans.append((entered[0], i, subject, description, kind, parties, path, entered, stalled))
        plans.sort(key=lambda p: (p[0], p[1]))

        disputes, parties_rows, stages, serial = [], [], [], {}
        for dispute_id, (opened, _, subject, description, kind, parties, path, entered, stalled) in enumerate(plans, 1):
            serial[opened.year] = serial.get(opened.year, 0) + 1
            stage = path[-1]
            resolved = stage == "resolved"
            handler = parties[0]
            responsible = rng.choice(parties) if resolved else None
            needs_meeting = not resolved and (
                (stalled and stage in ("coordination", "recommendation", "ruling")) or dispute_id % 9 == 0
            )
            row = {
                "id": dispute_id,
                "number": f"ZY-{opened.year}-{serial[opened.year]:03d}",
                "subject": subject,
                "description": description,
                "kind": kind,
                "referral_id": self._linked_referral(parties, opened) if rng.random() < 0.45 else None,
                "interim_handler_id": handler,
                "stage": stage,
                "opened_on": opened,
                "stage_since": entered[-1],
                "needs_meeting": needs_meeting,
                "resolved_on": entered[-1] if resolved else None,
                "outcome": rng.choice(content.DISPUTE_OUTCOMES).format(
                    agency=self.city.agencies[responsible - 1].name) if resolved else None,
                "responsible_agency_id": responsible,
                "created_at": _stamp(opened, 10),
                "version": 1,
            }
            disputes.append(row)
            for agency_id in parties:
                parties_rows.append({"dispute_id": dispute_id, "agency_id": agency_id,
                                     "position": rng.choice(content.DISPUTE_POSITIONS)})
            for step, day in zip(path, entered):
                early = step in ("joint_handling", "negotiation")
                stages.append({
                    "id": len(stages) + 1,
                    "dispute_id": dispute_id,
                    "stage": step,
                    "entered_on": day,
                    "note": content.STAGE_NOTES[step],
                    "username": self.city.actors[parties[0]] if early else "admin",
                })
        self._count("disputes", _insert(self.conn, models.Dispute, disputes))
        self._count("dispute_parties", _insert(self.conn, models.DisputeParty, parties_rows))
        self._count("dispute_stages", _insert(self.conn, models.DisputeStage, stages))
        self.disputes = [dict(d, parties=[p["agency_id"] for p in parties_rows if p["dispute_id"] == d["id"]])
                         for d in disputes]

    # ------------------------------------------------------------------ operations
    def operations(self) -> None:
        rng, cal, s, as_of = self.rng, self.cal, self.s, self.as_of
        # (mechanism, start offset from as_of, length in days or None for open-ended, fate)
        plan = [
            ("routine", -240, 30, None), ("routine", -100, 20, None), ("routine", -10, 30, None),
            ("special", -180, 10, "approved"), ("special", -60, 10, "rejected"), ("special", 7, 10, "pending"),
            ("emergency", -150, 3, None), ("emergency", -2, None, None),
        ]
        drafts = []
        index = {"routine": 0, "special": 0, "emergency": 0}
        for mechanism, offset, length, fate in plan:
            title, lead, others = content.OPERATIONS[mechanism][index[mechanism] % len(content.OPERATIONS[mechanism])]
            index[mechanism] += 1
            start = as_of + timedelta(days=offset)
            end = start + timedelta(days=length) if length else None
            decision_due = None
            if mechanism == "routine":
                applied = start - timedelta(days=rng.randint(10, 20))
                decided = applied + timedelta(days=rng.randint(1, 4))
            elif mechanism == "special":
                applied = min(as_of, deadlines.special_op_apply_deadline(start, s) - timedelta(days=rng.randint(0, 3)))
                decision_due = deadlines.special_op_decision_due(applied, cal, s).on
                decided = None if fate == "pending" else min(decision_due, applied + timedelta(days=1))
            else:  # emergency: started at once
                applied = decided = start
            if fate == "rejected":
                status = "rejected"
            elif decided is None:
                status = "applied"
            elif start > as_of:
                status = "approved"
            elif end is None or end >= as_of:
                status = "in_progress"
            else:
                status = "finished"
            drafts.append((applied, title, mechanism, lead, others, decision_due, decided, start, end, status))
        drafts.sort(key=lambda d: (d[0], d[1]))

        rows, members, serial = [], [], {}
        for op_id, (applied, title, mechanism, lead, others, decision_due, decided, start, end, status) in enumerate(
            drafts, 1
        ):
            serial[applied.year] = serial.get(applied.year, 0) + 1
            outcome = None
            if status == "finished":
                outcome = rng.choice(content.OPERATION_OUTCOMES).format(
                    n=rng.randint(20, 160), m=rng.randint(5, 40), k=rng.randint(1, 12))
            elif status == "rejected":
                outcome = "行动方案不完善，不予批准，请完善后重新申请。"
            rows.append({
                "id": op_id,
                "number": f"LH-{applied.year}-{serial[applied.year]:03d}",
                "title": title,
                "mechanism": mechanism,
                "lead_agency_id": self._dept(lead).id,
                "applied_on": applied,
                "decision_due_on": decision_due,
                "decided_on": decided,
                "start_on": start,
                "end_on": end,
                "status": status,
                "outcome": outcome,
                "created_at": _stamp(applied, 10),
                "version": 1,
            })
            if status in ("rejected", "applied"):
                continue  # nobody was called out
            joined = [self._dept(lead)] + [self._dept(o) for o in others]
            joined += rng.sample(self.city.towns, 2)
            for agency in joined:
                notified = start if mechanism == "emergency" else start - timedelta(days=rng.randint(1, 3))
                notified = min(notified, as_of)
                members.append({
                    "operation_id": op_id,
                    "agency_id": agency.id,
                    "notified_on": notified,
                    "dispatched_on": notified,  # the same day, as the rules ask
                })
        self._count("joint_operations", _insert(self.conn, models.JointOperation, rows))
        self._count("joint_operation_agencies", _insert(self.conn, models.JointOperationAgency, members))
        self.operation_rows = rows

    # ------------------------------------------------------------------ meetings
    def _overdue_referrals(self, on: date, limit: int, min_days_late: int = 0) -> list[tuple[int, int, str]]:
        """(id, receiving agency id, number) of referrals whose acknowledgement was more than
        ``min_days_late`` days overdue on ``on``, most overdue first.

        On ``as_of`` that is the open ones (the (status, ack_due_on) index); on an earlier day
        it is judged by dates, among referrals sent in the 60 days before (the sent_on index),
        which is where a meeting's examples come from."""
        r = models.Referral.__table__.c
        late_before = on - timedelta(days=min_days_late)
        if on == self.as_of:
            where = [r.status == "sent", r.ack_due_on < late_before]
        else:
            where = [
                r.sent_on.between(on - timedelta(days=60), on),
                or_(r.ack_on.is_(None), r.ack_on > on),
                r.ack_due_on < late_before,
            ]
        query = select(r.id, r.to_agency_id, r.number).where(*where).order_by(r.ack_due_on, r.id).limit(limit)
        return [tuple(row) for row in self.conn.execute(query)]

    def _meeting_days(self) -> tuple[list[date], date]:
        """Held dates of the six past monthly meetings and the date of the next one."""
        cal, as_of = self.cal, self.as_of
        next_on = cal.roll_to_working_day(as_of + timedelta(days=16)).on
        months = []
        y, m = next_on.year, next_on.month
        for _ in range(6):
            y, m = (y, m - 1) if m > 1 else (y - 1, 12)
            months.append((y, m))
        held = []
        for y, m in reversed(months):
            day = cal.roll_to_working_day(date(y, m, self.rng.randint(8, 16))).on
            if day.month != m or day > as_of - timedelta(days=2):
                # Holidays or the data's end push it: take the last working day before that.
                day = min(date(y, m, 28), as_of - timedelta(days=2))
                while not cal.is_working_day(day):
                    day -= timedelta(days=1)
            held.append(day)
        return held, next_on

    def meetings(self) -> None:
        rng, s, as_of, city = self.rng, self.s, self.as_of, self.city
        held_days, next_on = self._meeting_days()
        coordinator = city.coordinator
        agencies = city.agencies
        meetings, invitees, attendance, observers = [], [], [], []
        items, links, decisions, co_agencies, notes = [], [], [], [], []
        open_disputes = lambda on: [  # noqa: E731 - a local query on the drafted disputes
            d for d in self.disputes
            if d["opened_on"] <= on - timedelta(days=5) and (d["resolved_on"] is None or d["resolved_on"] > on)
        ]

        def add_item(meeting_id, held, kind, title, agency_id, presenter, minutes, status="approved",
                     late=False, suggested=False, evidence=None, submitted=None):
            cutoff = deadlines.agenda_cutoff(held, s)
            if submitted is None:
                submitted = cutoff + timedelta(days=rng.randint(1, 6)) if late else cutoff - timedelta(
                    days=rng.randint(0, 8))
            submitted = min(submitted, as_of)
            position = sum(1 for it in items if it["meeting_id"] == meeting_id) + 1
            items.append({
                "id": len(items) + 1, "meeting_id": meeting_id, "title": title, "kind": kind,
                "submitting_agency_id": agency_id, "submitted_on": submitted,
                "late": deadlines.is_late_submission(submitted, held, s), "presenter": presenter,
                "minutes": minutes, "status": status, "position": position, "suggested": suggested,
                "evidence": evidence, "created_at": _stamp(submitted, 11), "version": 1,
            })
            return items[-1]["id"]

        def link(item_id, **target):
            links.append({"id": len(links) + 1, "item_id": item_id, "referral_id": None, "dispute_id": None,
                          "decision_id": None, **target})

        def invite(meeting_id, past: bool):
            for i, agency in enumerate(agencies):
                invitees.append({"meeting_id": meeting_id, "agency_id": agency.id})
                if not past:
                    continue
                roll = rng.random()
                status = "present" if agency is coordinator or roll < 0.85 else ("deputised" if roll < 0.95 else "absent")
                attendance.append({"meeting_id": meeting_id, "agency_id": agency.id, "status": status,
                                   "delegate": content.person(150 + i) if status == "deputised" else None})
            for j, (title, capacity) in enumerate(rng.sample(content.OBSERVERS, rng.randint(2, 3))):
                observers.append({"id": len(observers) + 1, "meeting_id": meeting_id,
                                  "name": content.person(210 + (meeting_id * 3 + j) % 40),
                                  "capacity": capacity, "attended": (rng.random() < 0.9) if past else None})

        for k, held in enumerate(held_days):
            meeting_id = k + 1
            meetings.append({
                "id": meeting_id, "number": f"LX-{held.year}-{held.month:02d}",
                "title": f"{content.CITY_NAME}{content.MEETING_BODY}{held.year}年{held.month}月例会",
                "kind": "regular", "held_on": held, "start_time": rng.choice(("09:00", "14:30")),
                "place": rng.choice(content.MEETING_PLACES), "chair_name": CHAIR_NAME, "status": "closed",
                "created_at": _stamp(held - timedelta(days=25)), "version": 1,
            })
            invite(meeting_id, past=True)
            cutoff = deadlines.agenda_cutoff(held, s)
            made: list[tuple[int, str, list[int]]] = []  # (item id, kind, agencies concerned)
            prev_month = (held.replace(day=1) - timedelta(days=1)).month
            made.append((add_item(meeting_id, held, "report", f"{prev_month}月份移送案件办理情况通报", coordinator.id,
                                  OFFICE_NAME, 10), "report", [coordinator.id]))
            overdue = self._overdue_referrals(cutoff, 3, s.suggest_overdue_referral_days)
            if overdue:
                item = add_item(meeting_id, held, "overdue_referral", f"督办超期未受理移送案件（{len(overdue)}件）",
                                coordinator.id, OFFICE_NAME, 15, suggested=True,
                                evidence={"as_of": cutoff.isoformat(), "referrals": [o[2] for o in overdue]})
                for ref_id, _, _ in overdue:
                    link(item, referral_id=ref_id)
                made.append((item, "overdue_referral", [o[1] for o in overdue]))
            candidates = open_disputes(cutoff)
            for dispute in rng.sample(candidates, min(len(candidates), rng.randint(1, 2))):
                party = dispute["parties"][0]
                item = add_item(meeting_id, held, "dispute", f"关于{dispute['subject']}的议题", party,
                                agencies[party - 1].head, 15)
                link(item, dispute_id=dispute["id"])
                made.append((item, "dispute", dispute["parties"]))
            # One more proposal from a member; now and then deferred, declined or late.
            if k % 2 == 0:
                title, lead, _ = rng.choice(content.OPERATIONS["routine"] + content.OPERATIONS["special"])
                kind, agency = "joint_operation", self._dept(lead)
                title = f"关于开展{title}的议题"
            else:
                kind, agency = "policy", self._town()
                title = rng.choice(content.POLICY_ITEMS).format(x=rng.choice(content.POLICY_TOPICS))
            status = {1: "deferred", 4: "declined"}.get(k, "approved")
            item = add_item(meeting_id, held, kind, title, agency.id, agency.head, 10, status=status, late=k == 3)
            if status == "approved":
                made.append((item, kind, [agency.id]))
            if k >= 1:
                earlier = [d for d in self.decisions if d["status"] == "open" or (d["done_on"] or as_of) > held]
                earlier = [d for d in earlier if d["meeting_id"] < meeting_id and d["due_on"] <= held + timedelta(days=10)]
                if earlier:
                    item = add_item(meeting_id, held, "decision_followup", "上次会议议定事项督办情况", coordinator.id,
                                    OFFICE_NAME, 10)
                    for d in earlier[:4]:
                        link(item, decision_id=d["id"])
            self._decide(meeting_id, held, made, decisions, co_agencies, notes)

        # The next regular meeting: collecting agenda items.
        meeting_id = len(held_days) + 1
        meetings.append({
            "id": meeting_id, "number": f"LX-{next_on.year}-{next_on.month:02d}",
            "title": f"{content.CITY_NAME}{content.MEETING_BODY}{next_on.year}年{next_on.month}月例会",
            "kind": "regular", "held_on": next_on, "start_time": "14:30", "place": content.MEETING_PLACES[0],
            "chair_name": CHAIR_NAME, "status": "collecting",
            "created_at": _stamp(max(held_days[-1], as_of - timedelta(days=7))), "version": 1,
        })
        invite(meeting_id, past=False)

        def submitted_recently():
            return as_of - timedelta(days=rng.randint(0, 4))

        add_item(meeting_id, next_on, "report", f"{as_of.month}月份移送案件办理情况通报", coordinator.id, OFFICE_NAME,
                 10, status="submitted", submitted=submitted_recently())
        overdue = self._overdue_referrals(as_of, 5, s.suggest_overdue_referral_days)
        if overdue:
            item = add_item(meeting_id, next_on, "overdue_referral", f"督办超期未受理移送案件（{len(overdue)}件）",
                            coordinator.id, OFFICE_NAME, 15, status="submitted", suggested=True,
                            evidence={"as_of": as_of.isoformat(), "referrals": [o[2] for o in overdue]},
                            submitted=submitted_recently())
            for ref_id, _, _ in overdue:
                link(item, referral_id=ref_id)
        flagged = [d for d in self.disputes if d["needs_meeting"]]
        if flagged:
            dispute = flagged[0]
            party = dispute["parties"][0]
            item = add_item(meeting_id, next_on, "dispute", f"关于{dispute['subject']}的议题", party,
                            agencies[party - 1].head, 15, status="submitted", submitted=submitted_recently())
            link(item, dispute_id=dispute["id"])
        late_decisions = [d for d in self.decisions if d["status"] == "open" and d["due_on"] < as_of]
        if late_decisions:
            item = add_item(meeting_id, next_on, "decision_followup", "逾期未完成议定事项督办", coordinator.id,
                            OFFICE_NAME, 10, status="submitted", submitted=submitted_recently())
            for d in late_decisions[:5]:
                link(item, decision_id=d["id"])

        self._demo_meeting(meetings, invitees, observers, add_item, link, late_decisions, flagged)

        self._count("meetings", _insert(self.conn, models.Meeting, meetings))
        self._count("meeting_invitees", _insert(self.conn, models.MeetingInvitee, invitees))
        self._count("attendance", _insert(self.conn, models.Attendance, attendance))
        self._count("meeting_observers", _insert(self.conn, models.MeetingObserver, observers))
        self._count("agenda_items", _insert(self.conn, models.AgendaItem, items))
        self._count("decisions", _insert(self.conn, models.Decision, decisions))
        self._count("agenda_item_links", _insert(self.conn, models.AgendaItemLink, links))
        self._count("decision_agencies", _insert(self.conn, models.DecisionAgency, co_agencies))
        self._count("progress_notes", _insert(self.conn, models.ProgressNote, notes))

    def _demo_meeting(self, meetings, invitees, observers, add_item, link, late_decisions, flagged) -> None:
        """Today's meeting (CONTRACT.md, Demo mode): an ad hoc meeting held on ``as_of``, its
        agenda approved and not yet started, with an item of every kind, so that a newcomer
        can run a meeting at once. It is ad hoc because the month's regular meeting number
        may already be taken by a meeting held earlier this month."""
        rng, as_of, city = self.rng, self.as_of, self.city
        coordinator = city.coordinator
        meeting_id = len(meetings) + 1
        meetings.append({
            "id": meeting_id, "number": f"LX-{as_of.year}-L1",
            "title": f"{content.CITY_NAME}{content.MEETING_BODY}{as_of.year}年第1次临时会议",
            "kind": "ad_hoc", "held_on": as_of, "start_time": "09:00", "place": content.MEETING_PLACES[0],
            "chair_name": CHAIR_NAME, "status": "approved",
            "created_at": _stamp(as_of - timedelta(days=12)), "version": 1,
        })
        # Everyone is invited; nobody is marked present until the office takes attendance.
        invitees.extend({"meeting_id": meeting_id, "agency_id": a.id} for a in city.agencies)
        for j, (title, capacity) in enumerate(content.OBSERVERS[:2]):
            observers.append({"id": len(observers) + 1, "meeting_id": meeting_id,
                              "name": content.person(230 + j), "capacity": capacity, "attended": None})
        prev = (as_of.replace(day=1) - timedelta(days=1))
        on = as_of - timedelta(days=12)
        add_item(meeting_id, as_of, "report", f"{prev.month}月份移送案件办理情况通报", coordinator.id,
                 OFFICE_NAME, 10, submitted=on, evidence={"period": f"{prev.year}-{prev.month:02d}"})
        overdue = self._overdue_referrals(as_of, 12, self.s.suggest_overdue_referral_days)
        if overdue:
            item = add_item(meeting_id, as_of, "overdue_referral", f"督办超期未受理移送案件（{len(overdue)}件）",
                            coordinator.id, OFFICE_NAME, 15, suggested=True, submitted=on,
                            evidence={"as_of": as_of.isoformat(), "referrals": [o[2] for o in overdue]})
            for ref_id, _, _ in overdue:
                link(item, referral_id=ref_id)
        stalled = [d for d in self.disputes if d["resolved_on"] is None]
        for dispute in (flagged[1:2] or flagged[:1] or stalled[:1]):
            party = dispute["parties"][0]
            item = add_item(meeting_id, as_of, "dispute", f"关于{dispute['subject']}的议题", party,
                            city.agencies[party - 1].head, 15, submitted=on)
            link(item, dispute_id=dispute["id"])
        title, lead, _ = content.OPERATIONS["special"][0]
        agency = self._dept(lead)
        add_item(meeting_id, as_of, "joint_operation", f"关于开展{title}的议题", agency.id, agency.head, 10,
                 submitted=on)
        town = city.towns[0]
        add_item(meeting_id, as_of, "policy", rng.choice(content.POLICY_ITEMS).format(x=content.POLICY_TOPICS[0]),
                 town.id, town.head, 10, submitted=on)
        followed = late_decisions + [d for d in self.decisions if d["status"] == "open" and d not in late_decisions]
        if followed:
            item = add_item(meeting_id, as_of, "decision_followup", "逾期未完成议定事项督办", coordinator.id,
                            OFFICE_NAME, 10, submitted=on)
            for d in followed[:4]:
                link(item, decision_id=d["id"])

    def _decide(self, meeting_id, held, made, decisions, co_agencies, notes) -> None:
        """2-4 decisions of a past meeting, with due dates, fates and progress notes."""
        rng, as_of, city = self.rng, self.as_of, self.city
        chosen = made[: rng.randint(2, 4)]
        while len(chosen) < 2:  # a meeting always decides something
            chosen.append(made[0])
        for n, (item_id, kind, concerned) in enumerate(chosen):
            lead_id = concerned[0] if kind in ("dispute", "overdue_referral", "joint_operation", "policy") \
                else city.coordinator.id
            lead = city.agencies[lead_id - 1]
            due = held + timedelta(days=rng.choice((15, 20, 30, 45)))
            # A few fates are fixed so that every kind of decision shows on the boards:
            # overdue, done late, done on time, and open but not yet due.
            fate = FIXED_FATES.get((meeting_id, n))
            if fate == "open":
                due = max(due, as_of + timedelta(days=5))
            if fate is None or (fate != "open") != (due < as_of):
                roll = rng.random()
                if due < as_of:
                    fate = "on_time" if roll < 0.6 else "late" if roll < 0.8 else "overdue"
                else:
                    fate = "early" if roll < 0.3 else "open"
            done_on = None
            if fate == "on_time":
                done_on = held + timedelta(days=rng.randint(3, (due - held).days))
            elif fate == "late":
                done_on = min(as_of, due + timedelta(days=rng.randint(1, 20)))
            elif fate == "early":
                done_on = held + timedelta(days=rng.randint(3, max(3, (as_of - held).days)))
                done_on = min(done_on, as_of)
            decision_id = len(decisions) + 1
            text = rng.choice(content.DECISION_TEXTS[kind]).format(agency=lead.name)
            decisions.append({
                "id": decision_id, "meeting_id": meeting_id, "item_id": item_id, "text": text,
                "lead_agency_id": lead_id, "due_on": due, "status": "done" if done_on else "open",
                "done_on": done_on, "evidence": rng.choice(content.DONE_EVIDENCE) if done_on else None,
                "created_at": _stamp(held, 17), "version": 1,
            })
            others = [a.id for a in city.agencies if a.id != lead_id and a.kind in ("department", "town")]
            for agency_id in sorted(rng.sample(others, rng.randint(0, 2))):
                co_agencies.append({"decision_id": decision_id, "agency_id": agency_id})
            # Progress notes up to the day it was done (or up to as_of while open).
            until = done_on or as_of
            first = held + timedelta(days=2)
            count = rng.randint(1, 2) if until > first else 0
            days = sorted(first + timedelta(days=rng.randint(0, (until - first).days)) for _ in range(count))
            for day in days:
                notes.append({
                    "id": len(notes) + 1, "decision_id": decision_id, "on": day,
                    "agency_id": lead_id, "username": city.actors[lead_id],
                    "note": rng.choice(content.PROGRESS_NOTES),
                })
        self.decisions = decisions
