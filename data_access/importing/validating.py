"""Validating rows: map a file's headers to the import columns, then check every row and
return ``(clean_rows, errors)``. Pure: the database's state comes in as plain arguments
(:func:`agency_index`, :func:`load_existing_referrals`), so the import page's preview and
the write run exactly the same checks.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.importing.cells import (
    BadCell,
    agency_key,
    cell_text,
    check_length,
    parse_bool,
    parse_enum,
    parse_float,
    parse_moment,
)
from data_access.importing.columns import (
    AGENCY_COLUMNS,
    DERIVED_FIELDS,
    DOMAIN_CODES,
    KIND_CODES,
    MATERIAL_CODES,
    OUTCOME_CODES,
    REFERRAL_COLUMNS,
    REFERRAL_FIELDS,
    URGENCY_CODES,
    Column,
)
from data_access.importing.reading import is_blank, norm_header
from data_access.importing.results import CleanRows, RowError
from data_access.models import Agency, Referral, ReferralRound
from data_access.notify import parse_notify_cell
from data_access.validation import LONG_TEXT_LIMIT, Checks
from rules import lifecycle

# Rows per IN (...) list when looking up existing numbers: well under SQLite's and
# PostgreSQL's limits on bound parameters.
LOOKUP_CHUNK = 900


_MISSING = "缺少必需的列："


def column_map(headers: Sequence[str], columns: Sequence[Column]) -> tuple[dict[str, str], list[RowError], list[RowError]]:
    """(column key -> header as written, errors, warnings) for a file's headers."""
    by_norm: dict[str, Column] = {}
    for col in columns:
        by_norm[norm_header(col.zh)] = col
        by_norm[norm_header(col.key)] = col
    found: dict[str, str] = {}
    errors: list[RowError] = []
    warnings: list[RowError] = []
    for h in headers:
        col = by_norm.get(norm_header(h))
        if col is None:
            warnings.append(RowError(1, h, (
                "无法识别的列，已忽略。 / Unknown column; it is ignored.")))
        elif col.key in found:
            errors.append(RowError(1, h, (
                f"与列“{found[col.key]}”重复（都表示“{col.zh}”）。"
                f" / Duplicates column {found[col.key]!r} (both mean {col.key}).")))
        else:
            found[col.key] = h
    missing = [c for c in columns if c.required and c.key not in found]
    if missing:
        names = "、".join(f"{c.zh}（{c.key}）" for c in missing)
        errors.append(RowError(1, "", (
            f"{_MISSING}{names}。 / Required column(s) missing: "
            f"{', '.join(c.zh + ' (' + c.key + ')' for c in missing)}.")))
    return found, errors, warnings


def _file_columns(rows, columns: Sequence[Column]):
    """(column key -> header, errors, warnings) of a file; the mapping is None when the file
    has no data rows or lacks a required column, since its rows then mean nothing."""
    found, errors, warnings = column_map(headers_of(rows), columns)
    if not rows:
        errors.append(_empty_file_error())
    if any(e.line == 1 and not e.column for e in errors):
        return None, _say_which_sheet(rows, errors), warnings
    return found, errors, warnings


def headers_of(rows: Sequence[Mapping]) -> list[str]:
    headers = getattr(rows, "headers", None)
    if headers is not None:
        return list(headers)
    # Plain dicts (a page's own rows): every key any row has, in first-seen order.
    return [h for h in dict.fromkeys(k for row in rows for k in row) if h]


def line_of(row: Mapping, index: int) -> int:
    return getattr(row, "line", index + 2)



# --------------------------------------------------------------------------- agencies


@dataclass(frozen=True)
class AgencyRef:
    """What validation needs to know about an agency that exists."""

    id: int
    name: str
    active: bool


def agency_index(session: Session) -> dict[str, AgencyRef]:
    """Existing agencies by name, and by short name where that is unambiguous."""
    rows = session.execute(select(Agency.id, Agency.name, Agency.short_name, Agency.active)).all()
    index: dict[str, AgencyRef] = {}
    short: dict[str, list[AgencyRef]] = {}
    for aid, name, short_name, active in rows:
        ref = AgencyRef(aid, name, bool(active))
        index[agency_key(name)] = ref
        if short_name:
            short.setdefault(agency_key(short_name), []).append(ref)
    for key, refs in short.items():
        if key not in index and len(refs) == 1:
            index[key] = refs[0]
    return index


def validate_agencies(
    rows: Sequence[Mapping],
    existing_names: Collection[str] | Mapping[str, Mapping] = (),
) -> tuple[CleanRows, list[RowError]]:
    """Check an agency file. ``existing_names``: names already in the database (a mapping
    name -> current values lets blank cells keep those values). Pure: no database."""
    found, errors, warnings = _file_columns(rows, AGENCY_COLUMNS)
    if found is None:
        return CleanRows([], warnings), errors
    cols = {c.key: c for c in AGENCY_COLUMNS}
    seen: dict[str, int] = {}
    clean = CleanRows([], warnings)
    for index, row in enumerate(rows):
        line = line_of(row, index)
        filled, screened = _screen(row, line, found, cols)
        cell = filled.get
        row_errors: list[RowError] = []

        def bad(key: str, message: str) -> None:
            row_errors.append(RowError(line, found.get(key, cols[key].zh), message))

        name = cell_text(cell("name"))
        current = None
        if not name:
            bad("name", _REQUIRED)
        else:
            try:
                check_length(name, cols["name"])
            except BadCell as exc:
                bad("name", str(exc))
            key = agency_key(name)
            if key in seen:
                bad("name", f"与第{seen[key]}行的单位名称重复。 / Same agency name as line {seen[key]}.")
            else:
                seen[key] = line
            current = _lookup_existing(existing_names, name)
        values: dict = {"name": name}
        if cell("kind") is None:
            if current is not None and "kind" in current:
                values["kind"] = current["kind"]
            else:
                bad("kind", _REQUIRED)
        else:
            try:
                values["kind"] = parse_enum(cell("kind"), KIND_CODES, lifecycle.AGENCY_KINDS.values())
            except BadCell as exc:
                bad("kind", str(exc))
        for key in ("short_name", "contact", "phone"):
            raw = cell(key)
            if raw is None:
                values[key] = current.get(key) if current else None
                continue
            try:
                values[key] = check_length(cell_text(raw), cols[key])
            except BadCell as exc:
                bad(key, str(exc))
        coords = {}
        for key, low, high, zh, en in (("lon", -180, 180, "经度", "longitude"),
                                       ("lat", -90, 90, "纬度", "latitude")):
            raw = cell(key)
            if raw is None:
                coords[key] = current.get(key) if current else None
                continue
            try:
                coords[key] = parse_float(raw, low, high, zh, en)
            except BadCell as exc:
                bad(key, str(exc))
        # Only when both parsed: a map point needs both coordinates or none.
        if len(coords) == 2 and (coords["lon"] is None) != (coords["lat"] is None):
            missing = "lat" if coords["lat"] is None else "lon"
            bad(missing, "经度和纬度要么都填，要么都不填。 / Give both longitude and latitude, or neither.")
        values.update(coords)
        # An empty cell keeps the registered channels (an import never erases with a blank).
        urls, problem = parse_notify_cell(cell_text(cell("notify")) if cell("notify") is not None else None)
        if problem:
            bad("notify", f"{problem[0]} / {problem[1]}")
        values["notify"] = urls
        row_errors = _row_problems(rows, row, line, screened, row_errors)
        if row_errors:
            errors.extend(row_errors)
            continue
        values["line"] = line
        values["exists"] = current is not None
        clean.append(values)
    return clean, errors


def _lookup_existing(existing, name: str):
    """The current values of an existing record (``{}`` when only its key is known)."""
    if isinstance(existing, Mapping):
        found = existing.get(name)
        if found is None:
            found = existing.get(agency_key(name))
        return None if found is None else (found if isinstance(found, Mapping) else {})
    return {} if name in existing else None


# --------------------------------------------------------------------------- referrals

_REQUIRED = "必填，不能为空。 / Required; the cell is empty."

# Order the dates must respect: (earlier, later, message when broken).
_DATE_ORDER = (
    ("discovered_on", "sent_on", "移送日期早于发现日期", "sent before it was discovered"),
    ("sent_on", "ack_on", "受理告知日期早于移送日期", "acknowledged before it was sent"),
    ("ack_on", "result_on", "结果反馈日期早于受理告知日期", "result reported before the acknowledgement"),
    ("sent_on", "closed_on", "办结日期早于移送日期", "closed before it was sent"),
    ("ack_on", "closed_on", "办结日期早于受理告知日期", "closed before the acknowledgement"),
    ("result_on", "closed_on", "办结日期早于结果反馈日期", "closed before the result was reported"),
)



def derive_status(values: Mapping) -> str:
    """A referral's status from its dates (the import's rule, see the module docstring)."""
    if values.get("closed_on"):
        return "closed"
    if values.get("result_on"):
        return "reported"
    if values.get("ack_on") and values.get("ack_outcome"):
        return values["ack_outcome"]
    if values.get("sent_on"):
        return "sent"
    return "draft"


def referral_numbers(rows: Sequence[Mapping]) -> list[str]:
    """The referral numbers a file names (to look up which already exist)."""
    found, _, _ = column_map(headers_of(rows), REFERRAL_COLUMNS)
    header = found.get("number")
    if header is None:
        return []
    return [t for t in (cell_text(r.get(header)) for r in rows) if t]


def load_existing_referrals(session: Session, numbers: Iterable[str]) -> dict[str, dict]:
    """The import-managed fields (plus id, version, status and deadlines) of the referrals
    with these numbers that exist, by number; looked up in chunks, not row by row."""
    cols = [Referral.id, Referral.version, *(getattr(Referral, f) for f in REFERRAL_FIELDS + DERIVED_FIELDS)]
    names = ["id", "version", *REFERRAL_FIELDS, *DERIVED_FIELDS]
    wanted = sorted(set(numbers))
    out: dict[str, dict] = {}
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start:start + LOOKUP_CHUNK]
        for row in session.execute(select(*cols).where(Referral.number.in_(chunk))):
            values = dict(zip(names, row))
            values["rounds"] = []
            out[values["number"]] = values
    # The earlier rounds of those sent again after a return (DOMAIN.md, Rounds).
    by_id = {v["id"]: v for v in out.values() if (v.get("round_no") or 1) > 1}
    ids = sorted(by_id)
    for start in range(0, len(ids), LOOKUP_CHUNK):
        for rnd in session.execute(
            select(ReferralRound.referral_id, ReferralRound.round_no, ReferralRound.sent_on,
                   ReferralRound.ack_on, ReferralRound.ack_outcome)
            .where(ReferralRound.referral_id.in_(ids[start:start + LOOKUP_CHUNK]))
            .order_by(ReferralRound.round_no)
        ):
            by_id[rnd.referral_id]["rounds"].append(rnd._asdict())
    return out


def validate_referrals(
    rows: Sequence[Mapping],
    agencies_by_name: Mapping[str, AgencyRef],
    existing_numbers: Collection[str] | Mapping[str, Mapping] = (),
    *,
    today: date | None = None,
) -> tuple[CleanRows, list[RowError]]:
    """Check a referral file. Pure: no database.

    ``agencies_by_name``: :func:`agency_index`. ``existing_numbers``: the numbers already
    recorded, or better :func:`load_existing_referrals` (number -> current values), which lets
    a blank cell keep the recorded value and checks the merged record. ``today`` (default
    the real today) bounds the dates: none may lie in the future.

    Clean rows are dicts of model fields (``from_agency_id``, ``sent_on``, ``status`` …) plus
    ``line`` and ``exists``; their ``warnings`` carry header warnings.
    """
    today = today or date.today()
    found, errors, warnings = _file_columns(rows, REFERRAL_COLUMNS)
    if found is None:
        return CleanRows([], warnings), errors
    cols = {c.key: c for c in REFERRAL_COLUMNS}
    seen: dict[str, int] = {}
    prior: dict[str, dict] = {}  # number -> the values of its last clean row in this file
    clean = CleanRows([], warnings)
    for index, row in enumerate(rows):
        line = line_of(row, index)
        filled, screened = _screen(row, line, found, cols)
        row_errors, values = _check_referral_row(filled, line, found, cols, agencies_by_name,
                                                 existing_numbers, seen, today, prior)
        if values is not None:
            prior[values["number"]] = values
        row_errors = _row_problems(rows, row, line, screened, row_errors)
        if row_errors:
            errors.extend(row_errors)
        else:
            clean.append(values)
    return clean, errors


def _check_referral_row(filled, line, found, cols, agencies, existing, seen, today, prior=None):
    """(errors, values) of one referral row: each group of columns checked in turn, then the
    order of the dates and the lifecycle path they record. ``prior``: number -> the values of
    its last clean row above (a referral's rounds are one row each, oldest first)."""
    row = _ReferralRow(filled, line, found, cols, today)
    row.number(seen, existing, prior or {})
    row.texts()
    row.choices()
    row.materials()
    row.flags()
    row.agencies(agencies)
    row.dates()
    row.next_round()
    row.date_order()
    row.steps()
    if row.errors:
        return row.errors, None
    values = row.values
    values["status"] = derive_status(values)
    values["line"] = line
    values["exists"] = row.current is not None
    values["new_round"] = row.new_round
    values["archived_round"] = row.archived_round
    return [], values


class _ReferralRow:
    """The checks of one referral row; ``values`` collects model fields, ``errors`` the
    problems (one per cell at most matters: ``bad_fields`` skips checks built on a bad cell)."""

    def __init__(self, filled: Mapping, line: int, found: Mapping[str, str], cols: Mapping[str, Column],
                 today: date):
        self.cell = filled.get
        self.line, self.found, self.cols, self.today = line, found, cols, today
        self.errors: list[RowError] = []
        self.bad_fields: set[str] = set()
        self.kept: set[str] = set()  # fields whose value is the recorded one (blank in the file)
        self.current: Mapping | None = None
        self.values: dict = {}
        self.new_round = False
        self.archived_round: int | None = None  # the recorded earlier round this row restates
        self.duplicate_of: int | None = None
        self.prior: Mapping | None = None
        self.recorded: Mapping | None = None

    def bad(self, key: str, message: str) -> None:
        self.errors.append(RowError(self.line, self.found.get(key, self.cols[key].zh), message))
        self.bad_fields.add(key)

    def keep(self, field_name: str, default=None):
        """The value a blank cell leaves: the recorded one, else the default."""
        if self.current and field_name in self.current:
            if self.current[field_name] is not None:
                self.kept.add(field_name)
            return self.current[field_name]
        return default

    def number(self, seen: dict[str, int], existing, prior: Mapping[str, Mapping] = {}) -> None:
        number = cell_text(self.cell("number"))
        self.values["number"] = number
        if not number:
            self.bad("number", _REQUIRED)
            return
        try:
            check_length(number, self.cols["number"])
        except BadCell as exc:
            self.bad("number", str(exc))
        if number in seen:
            # Allowed only for the rounds of one referral, oldest first (decided in next_round).
            self.duplicate_of = seen[number]
            self.prior = prior.get(number)
        seen[number] = self.line
        if isinstance(existing, Mapping):
            current = existing.get(number)
            self.current = {} if current is not None and not isinstance(current, Mapping) else current
        elif number in existing:
            self.current = {}
        self.recorded = self.current

    def texts(self) -> None:
        for key, required in (("title", True), ("approved_by", False), ("ack_reason", False),
                              ("result_summary", False)):
            raw = self.cell(key)
            if raw is None:
                self.values[key] = self.keep(key)
                if required and not self.values[key]:
                    self.bad(key, _REQUIRED)
                continue
            try:
                self.values[key] = check_length(cell_text(raw), self.cols[key])
            except BadCell as exc:
                self.bad(key, str(exc))

    def choices(self) -> None:
        for key, codes, allowed, default in (
            ("domain", DOMAIN_CODES, lifecycle.DOMAINS, None),
            ("urgency", URGENCY_CODES, lifecycle.URGENCY.values(), "normal"),
            ("ack_outcome", OUTCOME_CODES, lifecycle.ACK_OUTCOMES.values(), None),
        ):
            raw = self.cell(key)
            if raw is None:
                self.values[key] = self.keep(key, default)
                continue
            try:
                self.values[key] = parse_enum(raw, codes, allowed)
            except BadCell as exc:
                self.bad(key, str(exc))

    def materials(self) -> None:
        raw = self.cell("materials")
        if raw is None:
            self.values["materials"] = self.keep("materials")
            return
        items = [p.strip() for p in re.split(r"[、,，;；/\n]+", cell_text(raw)) if p.strip()]
        unknown = [p for p in items if p not in MATERIAL_CODES and p.casefold() not in MATERIAL_CODES]
        if unknown:
            self.bad("materials", (
                f"无法识别的材料：{'、'.join(unknown)}；可选：{'、'.join(lifecycle.MATERIALS)}。"
                f" / Unknown material(s): {', '.join(unknown)}."))
            return
        picked = {MATERIAL_CODES.get(p) or MATERIAL_CODES[p.casefold()] for p in items}
        self.values["materials"] = [m for m in lifecycle.MATERIALS if m in picked]

    def flags(self) -> None:
        for key in ("extension_notified", "criminal"):
            raw = self.cell(key)
            if raw is None:
                self.values[key] = bool(self.keep(key, False))
                continue
            try:
                self.values[key] = parse_bool(raw)
            except BadCell as exc:
                self.bad(key, str(exc))

    def agencies(self, agencies: Mapping[str, AgencyRef]) -> None:
        """Both agencies must exist and be active (a recorded one may stay as it was)."""
        current, values = self.current, self.values
        for key, field_name in (("from_agency", "from_agency_id"), ("to_agency", "to_agency_id")):
            raw = self.cell(key)
            if raw is None:
                if current and current.get(field_name) is not None:
                    values[field_name] = current[field_name]
                else:
                    self.bad(key, _REQUIRED)
                continue
            name = cell_text(raw)
            ref = agencies.get(agency_key(name))
            if ref is None:
                self.bad(key, (f"系统中没有名为“{name}”的成员单位，请先导入或添加该单位。"
                               f" / No member agency is called {name!r}; add or import it first."))
            elif not ref.active and not (current and current.get(field_name) == ref.id):
                # A deactivated agency takes no new referrals; its recorded ones may still be
                # re-imported unchanged (history keeps it).
                self.bad(key, f"成员单位“{ref.name}”已停用，不能再移送。 / The agency {ref.name!r} is deactivated.")
            else:
                values[field_name] = ref.id
        if "from_agency_id" in values and values.get("from_agency_id") == values.get("to_agency_id"):
            self.bad("to_agency", "接收单位与移送单位相同：不能移送给自己。 / The receiving agency is the referring agency: an agency cannot refer to itself.")

    def dates(self) -> None:
        today, values = self.today, self.values
        for key, with_time in (("discovered_on", True), ("sent_on", True), ("ack_on", False),
                               ("result_on", False), ("closed_on", False)):
            raw = self.cell(key)
            time_field = {"discovered_on": "discovered_at", "sent_on": "sent_at"}.get(key)
            if raw is None:
                values[key] = self.keep(key)
                if time_field:
                    values[time_field] = self.keep(time_field)
                if key == "sent_on" and values[key] is None:
                    self.bad(key, _REQUIRED)
                continue
            try:
                day, moment = parse_moment(raw, allow_time=with_time)
            except BadCell as exc:
                self.bad(key, str(exc))
                continue
            if day > today:
                self.bad(key, (f"日期{day.isoformat()}在今天（{today.isoformat()}）之后，不能是将来的日期。"
                               f" / {day.isoformat()} is after today ({today.isoformat()}); it cannot be in the future."))
                continue
            values[key] = day
            if time_field:
                # Keep a recorded time of day when the file gives the same date without one.
                recorded_moment = self.current.get(time_field) if self.current else None
                if moment is None and recorded_moment is not None and recorded_moment.date() == day:
                    moment = recorded_moment
                values[time_field] = moment

    def next_round(self) -> None:
        """Rounds (CONTRACT.md; DOMAIN.md, Rounds). A row whose 移送日期 is later than the
        return (退回) of the referral it names, as recorded or as the file's row above for the
        same number says, is its next round: the earlier round is kept as it was
        (``storing``), and this row's answer, result and closing are its own, so a blank cell
        leaves them empty instead of keeping the earlier round's. A row whose 移送日期 is that
        of a recorded earlier round restates it (an export lists every round): it must read
        as recorded, and changes nothing."""
        from data_access.rounds import is_next_round

        if "sent_on" in self.bad_fields:
            return
        sent_on = self.values.get("sent_on")
        recorded = self.recorded or {}
        match = next((r for r in recorded.get("rounds") or () if r["sent_on"] == sent_on), None)
        if match is not None:
            self._restates(match)
            return
        if self.duplicate_of is not None:
            prior = self.prior
            if prior is not None and prior.get("archived_round") == (recorded.get("round_no") or 1) - 1:
                return  # the recorded current round, after its earlier rounds
            if prior is not None and self.cell("sent_on") is not None and is_next_round(prior, sent_on):
                self.current = prior
                self._start_round()
                return
            self.bad("number", f"与第{self.duplicate_of}行的移送编号重复（同一编号的下一行只能是退回后再次移送的下一轮）。"
                               f" / Same referral number as line {self.duplicate_of} (a later row of the same "
                               f"number can only be the next round, sent after a return).")
            return
        if self.current and self.cell("sent_on") is not None and is_next_round(self.current, sent_on):
            self._start_round()

    def _start_round(self) -> None:
        self.new_round = True
        for key in ("ack_on", "ack_outcome", "ack_reason", "result_on", "result_summary", "closed_on"):
            if self.cell(key) is None:
                self.values[key] = None
                self.kept.discard(key)

    def _restates(self, match: Mapping) -> None:
        """This row is the recorded earlier round ``match``: history is not rewritten."""
        n = match["round_no"]
        for key in ("ack_on", "ack_outcome"):
            given = self.values.get(key) if self.cell(key) is not None else match[key]
            if key not in self.bad_fields and given != match[key]:
                shown = match[key].isoformat() if isinstance(match[key], date) else match[key]
                self.bad(key, f"第{n}次移送已记录（{shown}），已结束的一轮不能改写。"
                              f" / Round {n} of this referral is recorded ({shown}); an ended round is not rewritten.")
        self.values.update(ack_on=match["ack_on"], ack_outcome=match["ack_outcome"], result_on=None,
                           result_summary=None, closed_on=None)
        self.archived_round = n

    def date_order(self) -> None:
        for earlier, later, zh, en in _DATE_ORDER:
            if earlier in self.bad_fields or later in self.bad_fields:
                continue
            a, b = self.values.get(earlier), self.values.get(later)
            if a is not None and b is not None and b < a:
                recorded = [self.cols[f].zh for f in (earlier, later) if f in self.kept]
                note_zh = f"（{'、'.join(recorded)}为系统中已登记的值，文件中为空）" if recorded else ""
                note_en = " (the recorded value; the file's cell is blank)" if recorded else ""
                self.bad(later, f"{zh}（{b.isoformat()} 早于 {a.isoformat()}）{note_zh}。"
                                f" / Impossible order: {en} ({b.isoformat()} < {a.isoformat()}){note_en}.")

    def steps(self) -> None:
        """Both acknowledgement cells go together; then the steps the dates record must be a
        path the referral lifecycle allows (the same rules.lifecycle calls as the forms)."""
        values, bad_fields = self.values, self.bad_fields
        if not {"ack_on", "ack_outcome"} & bad_fields:
            if values.get("ack_on") and not values.get("ack_outcome"):
                self.bad("ack_outcome", "填写了受理告知日期，还需填写受理结果（受理/不予受理/退回）。 / An acknowledgement date needs its outcome (受理, 不予受理 or 退回).")
            if values.get("ack_outcome") and not values.get("ack_on"):
                self.bad("ack_on", "填写了受理结果，还需填写受理告知日期。 / An outcome needs the acknowledgement date.")
        if not {"sent_on", "ack_on", "ack_outcome", "result_on", "closed_on"} & bad_fields:
            for key, message in _lifecycle_problems(values):
                self.bad(key, message)


def _lifecycle_problems(values: Mapping) -> list[tuple[str, str]]:
    """The first step of the recorded path (sent → answer → result → closed) that
    :func:`rules.lifecycle.check_transition` refuses, as (column key, message)."""
    steps = [("sent", "sent_on")]
    if values.get("ack_outcome"):
        steps.append((values["ack_outcome"], "ack_outcome"))
    if values.get("result_on"):
        steps.append(("reported", "result_on"))
    if values.get("closed_on"):
        steps.append(("closed", "closed_on"))
    try:
        lifecycle.check_initial("referral", steps[0][0])
        for (before, _), (after, key) in zip(steps, steps[1:]):
            try:
                lifecycle.check_transition("referral", before, after)
            except lifecycle.TransitionError as exc:
                return [(key, str(exc))]
    except lifecycle.TransitionError as exc:
        return [("sent_on", str(exc))]
    return []


# Columns of free text, which may span several lines (as the forms' text areas); materials
# may be listed one per line.
MULTILINE = frozenset({"ack_reason", "result_summary", "materials"})
FREE_TEXT = frozenset({"ack_reason", "result_summary"})


def _screen(row: Mapping, line: int, found: Mapping[str, str], cols: Mapping[str, Column]):
    """The row's filled cells by column key, and the errors of its text cells: every text
    cell passes the forms' own :meth:`Checks.text` (no control characters, one line where the
    form has one line, at most :data:`LONG_TEXT_LIMIT` characters of free text). A cell that
    fails is left out of the filled ones; its error is the one reported for its column."""
    checks = Checks(date.today())
    filled = {}
    for key, header in found.items():
        value = row.get(header)
        if is_blank(value):
            continue
        if isinstance(value, str):
            col = cols[key]
            # Lengths of bounded columns are checked with the column's own message later.
            limit = LONG_TEXT_LIMIT if key in FREE_TEXT else 10**9
            value = checks.text(key, value, (col.zh, col.key.replace("_", " ")), limit=limit,
                                required=False, multiline=key in MULTILINE)
            if value is None:
                continue
        filled[key] = value
    return filled, [RowError(line, found[key], _message(message)) for key, message in checks.errors.items()]


def _message(message) -> str:
    # Checks keeps one message per field, "中文 / English" (or a (zh, en) pair).
    return message if isinstance(message, str) else " / ".join(message)


def _row_problems(rows, row: Mapping, line: int, screened: list[RowError], row_errors: list[RowError]) -> list[RowError]:
    """Every problem of one row: cells under no header, what the reader found (a hidden row,
    a formula without a value), text the forms would refuse, then the row's own checks
    (except on a cell already reported, which a check would only call empty)."""
    found = list(_stray_values(row, line))
    found += getattr(rows, "problems", {}).get(line, [])
    found += screened
    reported = {e.column for e in found if e.column}
    return found + [e for e in row_errors if e.column not in reported]


def _say_which_sheet(rows, errors: list[RowError]) -> list[RowError]:
    """Name the sheet that was read when a workbook has several and the columns were not
    found: the data may be on a sheet that holds none of the known headers."""
    names = getattr(rows, "sheet_names", [])
    sheet = getattr(rows, "sheet_name", None)
    if sheet is None or len(names) < 2:
        return errors
    others = "、".join(f"“{n}”" for n in names if n != sheet)
    note = (f"（读取的是工作表“{sheet}”；其他工作表{others}中也没有找到这些列。）"
            f" (Read sheet {sheet!r}; the workbook's other sheets do not have these columns either.)")
    return [RowError(e.line, e.column, e.message + note) if e.message.startswith(_MISSING) else e
            for e in errors]


def _empty_file_error() -> RowError:
    return RowError(1, "", "文件中没有数据行。 / The file holds no data rows.")


def _stray_values(row: Mapping, line: int) -> list[RowError]:
    if row.get(""):
        return [RowError(line, "", "有内容位于没有列名的列中。 / There are values in a column with no header.")]
    return []

