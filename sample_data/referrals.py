"""A year of referrals (several at a province's scale) and their history, generated a
column at a time with numpy.

No ORM object is made per referral: each chunk of rows is a set of numpy arrays (day
indices into a :class:`~sample_data.day_grid.DayGrid`, agency indices, codes), turned into
plain values by table look-ups and handed to :class:`~sample_data.bulk.BulkWriter`.

The story each row tells, in order (every later date is only kept if it is on or before
``as_of``, so statuses always match dates):

1. **Who refers to whom.** About 70 % town → department, 25 % department → town, 2 %
   town → town, 3 % suspected crimes (涉嫌犯罪) to the police. The domain decides which
   department (``content.DOMAIN_DEPARTMENTS``); bigger towns refer more.
2. **When.** Sent days follow the seasons (fewer around the Spring Festival, more in early
   summer) and a mild upward trend, almost only on working days. Up to ``YEAR_VOLUME``
   referrals span the year ending on ``as_of``; more span :func:`history_years` years,
   the earlier ones level at the last year's average, so the last year looks the same.
   The discovery date lies k working days before sending: within the limit for most,
   later for agencies that are slack (each agency has its own punctuality), badly late for
   a few. Urgent referrals carry times, and the 24-hour rule is judged on them.
3. **The answer.** The receiver acknowledges k working days after sending (for suspected
   crimes, calendar days): on time for most, late for some, badly late for a few, and a
   few are never answered, so the overdue board is never empty. Outcomes are mostly 受理,
   some 不予受理 or 退回 with a reason.
4. **Result and closing.** Accepted referrals report a result after a few weeks (longer
   for some); most are then closed by the sender. Declined and returned ones are mostly
   closed too. In a province's earlier years (before the last 365 days) every referral
   was answered and closed long ago: the loose ends are the last year's, as in one city.

Each status change also becomes a ``referral_events`` row (who, when, from, to).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date, datetime, timedelta

import numpy as np

from data_access.models import Referral, ReferralEvent
from rules import deadlines
from rules.calendar import WorkCalendar
from rules.lifecycle import DOMAINS, MATERIALS
from rules.settings import RuleSettings
from sample_data import content
from sample_data.bulk import BulkWriter
from sample_data.city import City
from sample_data.day_grid import N_MORNING, SLOTS, DayGrid

#: Referrals generated per unit of ``scale`` (scale 333 is about a million).
REFERRALS_PER_SCALE = 3000
#: The most referrals one year of history holds: a city's busy year (and the benchmark's
#: million). Beyond it the referrals are a province's, spread over several years.
YEAR_VOLUME = 1_000_000
#: A province's referrals per year: under the 999,999 that the six-digit serials of a
#: calendar year allow (YS-2026-000123), with room for a calendar year that straddles two
#: of the seeder's 365-day years (measured: 1,004,719 in one at 1,000,000 a year).
PROVINCE_YEAR_VOLUME = 900_000
#: Rows generated and written at a time: bounds memory whatever the scale.
CHUNK = 50_000
MAX_DRAFTS = 200

STATUSES = ("draft", "sent", "accepted", "declined", "returned", "reported", "closed")
DRAFT, SENT, ACCEPTED, DECLINED, RETURNED, REPORTED, CLOSED = range(len(STATUSES))
_STATUS_VALUES = np.array(list(STATUSES) + [None], dtype=object)  # index -1 -> None

# Flows: who refers to whom, with their shares.
TOWN_TO_DEPT, DEPT_TO_TOWN, TOWN_TO_TOWN, CRIME = range(4)
FLOW_SHARES = (0.70, 0.25, 0.02, 0.03)

MONTH_FACTOR = {1: 0.85, 2: 0.6, 3: 1.0, 4: 1.1, 5: 1.15, 6: 1.2, 7: 1.15, 8: 1.1, 9: 1.05,
                10: 0.9, 11: 1.0, 12: 0.95}
REST_DAY_FACTOR = 0.04  # a few referrals are sent on weekends and holidays

REFERRAL_COLUMNS = (
    "id", "number", "title", "domain", "from_agency_id", "to_agency_id", "discovered_on",
    "discovered_at", "sent_on", "sent_at", "urgency", "extension_notified", "criminal",
    "materials", "approved_by", "status", "send_due_on", "send_due_at", "ack_due_on", "ack_due_provisional",
    "ack_on", "ack_outcome", "ack_reason", "ack_workdays", "result_on", "result_summary",
    "closed_on", "created_at", "updated_at", "updated_by", "version",
)
EVENT_COLUMNS = ("id", "referral_id", "at", "username", "from_status", "to_status", "note")


def _normalised(weights: dict[str, float], order: tuple[str, ...]) -> np.ndarray:
    p = np.array([weights.get(k, 0.0) for k in order], dtype=float)
    return p / p.sum()


def _pool(values) -> np.ndarray:
    return np.array(list(values), dtype=object)


def history_years(n: int) -> int:
    """Years of sending that ``n`` referrals span: one up to ``YEAR_VOLUME``, else one per
    ``PROVINCE_YEAR_VOLUME`` begun."""
    return 1 if n <= YEAR_VOLUME else math.ceil(n / PROVINCE_YEAR_VOLUME)


def _trend(days: int) -> np.ndarray:
    """Daily weights of the trend: a mild rise over the last 365 days, and level at that
    year's average (1.0) before it, so every year holds about as many referrals."""
    last_year = np.linspace(0.9, 1.1, min(days, 365))
    return np.concatenate([np.ones(days - len(last_year)), last_year])


class SendingPlan:
    """The sorted sending day and yearly serial of every referral, a slice at a time.

    Only the count per day is kept (a few thousand numbers, not one per referral), so the
    memory stays the same at any scale; slice ``[a, b)`` equals that slice of
    ``np.repeat(days, counts)``.
    """

    def __init__(self, days: np.ndarray, counts: np.ndarray, years: np.ndarray):
        self.days, self.years = days, years
        self.ends = np.cumsum(counts)  # one past each day's last referral
        self.total = int(self.ends[-1])
        # Position of the first referral of each day's calendar year: serials restart there.
        starts = self.ends - counts
        self.year_starts = starts[np.searchsorted(years, years)]

    def slice(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """(sending day indices as int32, serials within the year) of positions start..stop-1."""
        position = np.arange(start, stop)
        day = np.searchsorted(self.ends, position, side="right")
        return self.days[day].astype(np.int32), position - self.year_starts[day] + 1

    def count_in_year(self, year: int) -> int:
        in_year = self.years == year
        return int(self.ends[in_year][-1] - self.year_starts[in_year][0])


class ReferralGenerator:
    """Generates and writes ``n`` sent referrals (plus a few drafts) ending on ``as_of``."""

    def __init__(
        self,
        city: City,
        grid: DayGrid,
        cal: WorkCalendar,
        s: RuleSettings,
        as_of: date,
        n: int,
        rng_profile: np.random.Generator,
        rng: np.random.Generator,
    ):
        self.city, self.grid, self.cal, self.s, self.as_of, self.n = city, grid, cal, s, as_of, n
        self.rng = rng
        g = grid
        self.as_idx = g.idx(as_of)
        self.start_idx = g.idx(as_of - timedelta(days=365 * history_years(n) - 1))
        self.last_year_idx = g.idx(as_of - timedelta(days=364))

        n_ag = len(city.agencies)
        towns = city.towns
        self.town_ag = np.array([a.id - 1 for a in towns], dtype=np.int32)
        self.police_ag = city.police.id - 1

        # The city's character: town sizes and each agency's punctuality.
        is_street = np.array([a.name.endswith("街道") for a in towns])
        size = rng_profile.lognormal(0.0, 0.35, len(towns)) * np.where(is_street, 1.6, 1.0)
        self.town_p = size / size.sum()
        self.send_ontime = rng_profile.uniform(0.72, 0.97, n_ag)
        self.ack_ontime = rng_profile.uniform(0.62, 0.97, n_ag)
        self.ack_ontime[self.police_ag] = 0.95

        # Domains and the departments handling them (cumulative rows over all agencies).
        self.dom_p = _normalised(content.DOMAIN_WEIGHTS, DOMAINS)
        self.t2t_p = _normalised(content.TOWN_TO_TOWN_DOMAINS, DOMAINS)
        self.crime_p = _normalised(content.CRIMINAL_DOMAIN_WEIGHTS, DOMAINS)
        weights = np.zeros((len(DOMAINS), n_ag))
        for d, domain in enumerate(DOMAINS):
            for name, w in content.DOMAIN_DEPARTMENTS[domain].items():
                weights[d, city.by_name[name].id - 1] = w
        cum = np.cumsum(weights, axis=1)
        total = cum[:, -1:]
        # Past the last department with weight, nothing can be picked even by rounding.
        self.dept_cum = np.where(cum >= total - 1e-9, 2.0, cum / total)
        crime_senders = content.CRIMINAL_SENDING_DEPARTMENTS
        self.crime_dept_ag = np.array([city.by_name[k].id - 1 for k in crime_senders], dtype=np.int32)
        self.crime_dept_p = _normalised(crime_senders, tuple(crime_senders))

        # Look-up tables for the values written.
        self.domain_values = _pool(DOMAINS)
        self.actor_values = _pool(city.actors[a.id] for a in city.agencies)
        self.head_values = _pool(a.head for a in city.agencies)
        self.title_pool = self._titles(towns)
        self.material_values = _pool(self._materials(mask) for mask in range(16))
        self.decline_values = _pool(content.DECLINE_REASONS)
        self.crime_decline_values = _pool(content.CRIMINAL_DECLINE_REASONS)
        self.return_values = _pool(content.RETURN_REASONS)
        self.result_values = _pool(content.RESULT_SUMMARIES)
        self.crime_result_values = _pool(content.CRIMINAL_RESULT_SUMMARIES)

        # Due dates, each distinct day computed once by the product's own rules.
        first_discovery = self.start_idx - 90
        self.send_due, _ = g.due_table(first_discovery, self.as_idx, lambda d: deadlines.send_due(
            d, urgent=False, extension_notified=False, cal=cal, s=s))
        self.send_due_ext, _ = g.due_table(first_discovery, self.as_idx, lambda d: deadlines.send_due(
            d, urgent=False, extension_notified=True, cal=cal, s=s))
        self.ack_due, self.ack_prov = g.due_table(self.start_idx, self.as_idx, lambda d: deadlines.ack_due(
            d, criminal=False, cal=cal, s=s))
        self.crime_due, self.crime_prov = g.due_table(self.start_idx, self.as_idx, lambda d: deadlines.ack_due(
            d, criminal=True, cal=cal, s=s))

    # ------------------------------------------------------------------ tables
    def _titles(self, towns) -> np.ndarray:
        """Every possible title, shape (towns, domains, subjects, places), flattened."""
        n_subj = max(len(v) for v in content.SUBJECTS.values())
        n_place = max(len(v) for v in content.PLACES.values())
        titles = []
        for town in towns:
            places = content.PLACES[town.name]
            for domain in DOMAINS:
                subjects = content.SUBJECTS[domain]
                for j in range(n_subj):
                    for k in range(n_place):
                        titles.append(f"{town.name}{places[k % len(places)]}{subjects[j % len(subjects)]}")
        self.title_shape = (len(towns), len(DOMAINS), n_subj, n_place)
        return _pool(titles)

    def _materials(self, mask: int):
        items = [MATERIALS[0]] + [m for bit, m in enumerate(content.MATERIAL_ODDS) if mask >> bit & 1]
        return json.dumps(items, ensure_ascii=False) if self.grid.text_values else items

    # ------------------------------------------------------------------ the run
    def sending_plan(self) -> SendingPlan:
        """How many referrals are sent on each day, in calendar order (so numbers follow it)."""
        g = self.grid
        window = np.arange(self.start_idx, self.as_idx + 1)
        month = np.array([g.day(i).month for i in window])
        factor = np.vectorize(MONTH_FACTOR.get)(month)
        w = factor * _trend(len(window)) * np.where(g.work[window], 1.0, REST_DAY_FACTOR)
        counts = self.rng.multinomial(self.n, w / w.sum())
        return SendingPlan(window, counts, g.year[window])

    def run(
        self,
        writer: BulkWriter,
        *,
        events_from: date | None = None,
        progress: Callable[[float], None] = lambda f: None,
    ) -> tuple[int, int, int]:
        """Write everything; returns (referrals, of which drafts, events).

        ``events_from``: write history rows only for referrals sent on or after this day
        (None: for all).
        """
        plan = self.sending_plan()
        events_from_idx = -1 if events_from is None else self.grid.idx(max(events_from, self.grid.first))
        n_events = 0
        next_event = 1
        for start in range(0, plan.total, CHUNK):
            chunk, serial = plan.slice(start, min(start + CHUNK, plan.total))
            rows, events = self._chunk(chunk, start, serial, events_from_idx, next_event)
            writer.write(Referral.__table__, REFERRAL_COLUMNS, rows)
            written = writer.write(ReferralEvent.__table__, EVENT_COLUMNS, events)
            n_events += written
            next_event += written
            progress(min(1.0, (start + len(chunk)) / max(1, plan.total)))
        drafts_serial_from = plan.count_in_year(self.as_of.year) + 1
        # A few drafts, capped so that even a million referrals in one calendar year keep
        # six-digit serials.
        n_drafts = min(MAX_DRAFTS, max(3, round(self.n * 0.002)))
        rows, events = self._drafts(n_drafts, plan.total + 1, drafts_serial_from, next_event)
        writer.write(Referral.__table__, REFERRAL_COLUMNS, rows)
        n_events += writer.write(ReferralEvent.__table__, EVENT_COLUMNS, events)
        return plan.total + n_drafts, n_drafts, n_events

    # ------------------------------------------------------------------ one chunk
    def _parties(self, m: int):
        """(flow, domain, place town, from agency, to agency) arrays for m referrals."""
        rng = self.rng
        flow = rng.choice(4, size=m, p=FLOW_SHARES)
        dom = np.select(
            [flow == TOWN_TO_TOWN, flow == CRIME],
            [rng.choice(len(DOMAINS), size=m, p=self.t2t_p), rng.choice(len(DOMAINS), size=m, p=self.crime_p)],
            rng.choice(len(DOMAINS), size=m, p=self.dom_p),
        )
        town = rng.choice(len(self.town_ag), size=m, p=self.town_p)
        other_town = (town + rng.integers(1, len(self.town_ag), size=m)) % len(self.town_ag)
        dept = (rng.random(m)[:, None] > self.dept_cum[dom]).sum(axis=1).astype(np.int32)
        crime_sender = np.where(
            rng.random(m) < 0.8, self.town_ag[town], rng.choice(self.crime_dept_ag, size=m, p=self.crime_dept_p)
        )
        town_ag = self.town_ag[town]
        frm = np.select([flow == TOWN_TO_DEPT, flow == DEPT_TO_TOWN, flow == TOWN_TO_TOWN], [town_ag, dept, town_ag],
                        crime_sender)
        to = np.select([flow == TOWN_TO_DEPT, flow == DEPT_TO_TOWN, flow == TOWN_TO_TOWN],
                       [dept, town_ag, self.town_ag[other_town]], self.police_ag)
        return flow, dom, town, frm, to

    def _title(self, town, dom, m):
        _, _, n_subj, n_place = self.title_shape
        subj = self.rng.integers(0, n_subj, size=m)
        place = self.rng.integers(0, n_place, size=m)
        return self.title_pool[((town * len(DOMAINS) + dom) * n_subj + subj) * n_place + place]

    def _material_mask(self, m):
        odds = np.array(list(content.MATERIAL_ODDS.values()))
        bits = self.rng.random((m, len(odds))) < odds
        return (bits * (1 << np.arange(len(odds)))).sum(axis=1)

    def _moments(self, minutes: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Datetime values for absolute minutes (since ``grid.first``) where ``mask``; else None."""
        out = np.full(len(minutes), None, dtype=object)
        base = datetime.combine(self.grid.first, datetime.min.time())
        for i in np.flatnonzero(mask):
            out[i] = self.grid.stamp_value(base + timedelta(minutes=int(minutes[i])))
        return out

    def _chunk(self, sent, offset, serial, events_from_idx, first_event):
        rng, g, s = self.rng, self.grid, self.s
        m = len(sent)
        as_idx = self.as_idx
        flow, dom, town, frm, to = self._parties(m)
        crime = flow == CRIME
        title = self._title(town, dom, m)

        # Sending: k working days after discovery (urgent ones: hours).
        urgent = rng.random(m) < np.where(crime, 0.2, 0.05)
        ext = ~urgent & (rng.random(m) < 0.06)
        on_time = rng.random(m) < self.send_ontime[frm]
        limit = np.where(ext, s.send_working_days_extended, s.send_working_days)
        k_on = np.where(
            ext,
            rng.integers(s.send_working_days, s.send_working_days_extended + 1, size=m),
            np.minimum(rng.geometric(0.45, size=m) - 1, s.send_working_days),
        )
        k_late = limit + np.where(rng.random(m) < 0.2, rng.integers(6, 26, size=m), rng.integers(1, 6, size=m))
        discovered = g.back(sent, np.where(on_time, k_on, k_late))
        hours = s.urgent_send_hours * 60
        sent_minute = sent.astype(np.int64) * 1440 + rng.integers(7 * 60, 13 * 60, size=m)
        delay = np.where(
            on_time,
            rng.integers(30, max(31, hours - 30), size=m),
            rng.integers(hours + 60, hours + 48 * 60, size=m),
        )
        found_minute = sent_minute - delay
        discovered = np.where(urgent, found_minute // 1440, discovered).astype(np.int32)
        send_due = np.where(
            urgent,
            (found_minute + hours) // 1440,
            np.where(ext, self.send_due_ext[discovered], self.send_due[discovered]),
        )

        # Acknowledgement.
        ack_due = np.where(crime, self.crime_due[sent], self.ack_due[sent])
        provisional = np.where(crime, self.crime_prov[sent], self.ack_prov[sent])
        on_time = rng.random(m) < self.ack_ontime[to]
        n_ack = s.ack_working_days
        k_ack = np.where(
            on_time,
            rng.binomial(n_ack, 0.45, size=m),
            n_ack + np.where(rng.random(m) < 0.2, rng.integers(6, 26, size=m), rng.integers(1, 6, size=m)),
        )
        crime_ack = np.where(
            on_time,
            sent + rng.integers(0, s.criminal_ack_calendar_days + 1, size=m),
            ack_due + rng.integers(1, 8, size=m),
        )
        ack = np.where(crime, crime_ack, g.forward(sent, k_ack))
        # Sent before the last year: settled long ago (the draws stay, so one year is unchanged).
        settled = sent < self.last_year_idx
        never = (rng.random(m) < 0.002 + 0.02 * (1 - self.ack_ontime[to])) & ~settled
        acked = ~(never & (sent <= as_idx - 25)) & (ack <= as_idx)
        ack = np.where(acked, ack, -1)
        r = rng.random(m)
        accept_share = np.where(crime, 0.85, 0.88)
        outcome = np.where(r < accept_share, ACCEPTED, np.where(r < accept_share + 0.07, DECLINED, RETURNED))
        pick = rng.integers(0, 1 << 30, size=m)
        reason = np.where(
            acked & (outcome == DECLINED),
            np.where(crime, self.crime_decline_values[pick % len(self.crime_decline_values)],
                     self.decline_values[pick % len(self.decline_values)]),
            np.where(acked & (outcome == RETURNED), self.return_values[pick % len(self.return_values)], None),
        )

        # Result and closing.
        handling = np.clip(np.rint(rng.lognormal(np.log(18), 0.75, size=m)), 2, 200).astype(np.int32)
        result = g.roll(ack + handling)
        reported = acked & (outcome == ACCEPTED) & (result <= as_idx)
        summary = np.where(
            reported,
            np.where(crime, self.crime_result_values[pick % len(self.crime_result_values)],
                     self.result_values[pick % len(self.result_values)]),
            None,
        )
        close_share = np.where(outcome == ACCEPTED, 0.85, np.where(outcome == DECLINED, 0.7, 0.5))
        closed_on = g.roll(np.where(outcome == ACCEPTED, result, ack) + rng.integers(1, 21, size=m))
        closed = (
            acked
            & ((rng.random(m) < close_share) | settled)
            & (closed_on <= as_idx)
            & (reported | (outcome != ACCEPTED))
        )
        status = np.select([closed, reported, acked], [CLOSED, REPORTED, outcome], SENT)

        # Moments of each step: sending in the morning, answers in the afternoon.
        sent_at = self._moments(sent_minute, urgent)
        discovered_at = self._moments(found_minute, urgent)
        # The urgent limit's moment: judged in hours (rules.deadlines.sent_on_time).
        send_due_at = self._moments(found_minute + hours, urgent)
        sent_stamp = np.where(urgent, sent_at, g.stamps(sent, rng.integers(0, N_MORNING, size=m)))
        ack_stamp = g.stamps(ack, rng.integers(N_MORNING, len(SLOTS), size=m))
        result_stamp = g.stamps(np.where(reported, result, -1), rng.integers(N_MORNING, len(SLOTS), size=m))
        closed_stamp = g.stamps(np.where(closed, closed_on, -1), rng.integers(N_MORNING, len(SLOTS), size=m))
        sender, receiver = self.actor_values[frm], self.actor_values[to]
        updated_at = np.select([closed, reported, acked], [closed_stamp, result_stamp, ack_stamp], None)
        updated_by = np.select([closed, reported, acked], [sender, receiver, receiver], sender)
        workdays = g.working_days_between(sent, np.where(acked, ack, sent)).astype(object)
        workdays[~acked] = None
        materials = self.material_values[self._material_mask(m)]

        ids = np.arange(offset + 1, offset + m + 1)
        year_of = g.year[sent]
        rows = zip(
            ids.tolist(),
            [f"YS-{y}-{q:06d}" for y, q in zip(year_of.tolist(), serial.tolist())],
            title.tolist(),
            self.domain_values[dom].tolist(),
            (frm + 1).tolist(),
            (to + 1).tolist(),
            g.dates(discovered).tolist(),
            discovered_at.tolist(),
            g.dates(sent).tolist(),
            sent_at.tolist(),
            np.where(urgent, "urgent", "normal").astype(object).tolist(),
            ext.tolist(),
            crime.tolist(),
            materials.tolist(),
            self.head_values[frm].tolist(),
            _STATUS_VALUES[status].tolist(),
            g.dates(send_due).tolist(),
            send_due_at.tolist(),
            g.dates(ack_due).tolist(),
            provisional.tolist(),
            g.dates(ack).tolist(),
            _STATUS_VALUES[np.where(acked, outcome, -1)].tolist(),
            reason.tolist(),
            workdays.tolist(),
            g.dates(np.where(reported, result, -1)).tolist(),
            summary.tolist(),
            g.dates(np.where(closed, closed_on, -1)).tolist(),
            sent_stamp.tolist(),
            updated_at.tolist(),
            updated_by.tolist(),
            [1] * m,
        )

        # History: one row per status change, in the order they happened.
        keep = np.column_stack([np.ones(m, bool), acked, reported, closed])
        keep &= (sent >= events_from_idx)[:, None]
        flat = keep.ravel()
        count = int(flat.sum())
        none = np.full(m, None, dtype=object)
        events = zip(
            range(first_event, first_event + count),
            np.repeat(ids, 4)[flat].tolist(),
            np.column_stack([sent_stamp, ack_stamp, result_stamp, closed_stamp]).ravel()[flat].tolist(),
            np.column_stack([sender, receiver, receiver, sender]).ravel()[flat].tolist(),
            _STATUS_VALUES[np.column_stack([
                np.full(m, -1), np.full(m, SENT), outcome, np.where(reported, REPORTED, outcome)
            ]).ravel()[flat]].tolist(),
            _STATUS_VALUES[np.column_stack([
                np.full(m, SENT), outcome, np.full(m, REPORTED), np.full(m, CLOSED)
            ]).ravel()[flat]].tolist(),
            np.column_stack([none, reason, none, none]).ravel()[flat].tolist(),
        )
        return rows, events

    # ------------------------------------------------------------------ drafts
    def _drafts(self, n: int, first_id: int, first_serial: int, first_event: int):
        """Referrals still being prepared: discovered in the last few working days."""
        rng, g, s = self.rng, self.grid, self.s
        flow, dom, town, frm, to = self._parties(n)
        crime = flow == CRIME
        title = self._title(town, dom, n)
        discovered = g.back(np.full(n, self.as_idx, dtype=np.int32), rng.integers(0, 4, size=n))
        ext = rng.random(n) < 0.06
        send_due = np.where(ext, self.send_due_ext[discovered], self.send_due[discovered])
        created = g.stamps(discovered, rng.integers(N_MORNING, len(SLOTS), size=n))
        sender = self.actor_values[frm]
        ids = list(range(first_id, first_id + n))
        year = self.as_of.year
        none = [None] * n
        rows = zip(
            ids,
            [f"YS-{year}-{q:06d}" for q in range(first_serial, first_serial + n)],
            title.tolist(),
            self.domain_values[dom].tolist(),
            (frm + 1).tolist(),
            (to + 1).tolist(),
            g.dates(discovered).tolist(),
            none, none, none,
            ["normal"] * n,
            ext.tolist(),
            crime.tolist(),
            self.material_values[self._material_mask(n)].tolist(),
            self.head_values[frm].tolist(),
            ["draft"] * n,
            g.dates(send_due).tolist(),
            none, none, [False] * n, none, none, none, none, none, none, none,
            created.tolist(),
            none,
            sender.tolist(),
            [1] * n,
        )
        events = zip(
            range(first_event, first_event + n), ids, created.tolist(), sender.tolist(), none, ["draft"] * n, none
        )
        return rows, events
