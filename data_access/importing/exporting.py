"""Templates and exports: an empty workbook with a ledger's import headers, and the referral
ledger in the import columns (``.xlsx`` or ``.csv``) so that importing it gives back the same
referrals. Every cell goes through :mod:`data_access.inert`, so no stored text becomes a live
formula or breaks the writer."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from data_access.importing.columns import COLUMNS
from data_access.importing.results import LedgerError
from data_access.inert import inert, xlsx_cell
from data_access.models import Agency, Referral, ReferralRound
from rules import lifecycle


def _header_row(kind: str) -> list[str]:
    return [c.zh for c in COLUMNS[kind]]


def template_xlsx(kind: str) -> bytes:
    """An empty workbook with the import headers of ``kind`` ("agencies" / "referrals") on
    its first sheet, and a second sheet explaining each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    if kind not in COLUMNS:
        raise ValueError(f"unknown template {kind!r}; expected one of {', '.join(COLUMNS)}")
    wb = Workbook()
    ws = wb.active
    ws.title = "成员单位" if kind == "agencies" else "移送台账"
    ws.append(_header_row(kind))
    for i, col in enumerate(COLUMNS[kind], start=1):
        ws.cell(row=1, column=i).font = Font(bold=True)
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(12, len(col.zh) * 3)
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    notes.append(["列名", "英文列名", "必填", "说明", "Description"])
    for col in COLUMNS[kind]:
        limit = f"（最多{col.max_length}字）" if col.max_length else ""
        notes.append([col.zh, col.key, "是" if col.required else "否", col.note + limit, col.en])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


EXPORT_FORMATS = (".xlsx", ".csv")


def _ledger_select(filters: Mapping | None, where: Sequence):
    filters = dict(filters or {})
    src, dst = aliased(Agency), aliased(Agency)
    r = Referral
    stmt = (
        select(r.number, r.title, r.domain, src.name, dst.name, r.discovered_on, r.discovered_at,
               r.sent_on, r.sent_at, r.urgency, r.extension_notified, r.criminal, r.ack_on,
               r.ack_outcome, r.result_on, r.closed_on, r.approved_by, r.materials,
               r.ack_reason, r.result_summary, r.id, r.round_no)
        .join(src, src.id == r.from_agency_id)
        .join(dst, dst.id == r.to_agency_id)
        # An unsent draft is not a ledger line (the import requires the sending date).
        .where(r.sent_on.is_not(None), *where)
        .order_by(r.number)
    )
    if filters.get("agency_id") is not None:
        stmt = stmt.where(or_(r.from_agency_id == filters["agency_id"], r.to_agency_id == filters["agency_id"]))
    if filters.get("from_agency_id") is not None:
        stmt = stmt.where(r.from_agency_id == filters["from_agency_id"])
    if filters.get("to_agency_id") is not None:
        stmt = stmt.where(r.to_agency_id == filters["to_agency_id"])
    if filters.get("sent_from") is not None:
        stmt = stmt.where(r.sent_on >= filters["sent_from"])
    if filters.get("sent_to") is not None:
        stmt = stmt.where(r.sent_on <= filters["sent_to"])
    status = filters.get("status")
    if status:
        stmt = stmt.where(r.status.in_([status] if isinstance(status, str) else list(status)))
    return stmt


def ledger_lines(session: Session, filters: Mapping | None = None, where: Sequence = ()) -> Iterator[list]:
    """The ledger's lines as cell values in the import columns' order (dates as dates, a
    time of day where one is recorded, 是/否 and Chinese labels as the import reads them)."""

    def yes_no(flag) -> str:
        return "是" if flag else "否"

    # Earlier rounds of referrals sent again after a return (DOMAIN.md, Rounds) come first,
    # one line each with the same 移送编号, so that importing the file gives back every round.
    earlier: dict[int, list] = {}
    for rnd in session.execute(select(ReferralRound).order_by(ReferralRound.round_no)).scalars():
        earlier.setdefault(rnd.referral_id, []).append(rnd)
    names = dict(session.execute(select(Agency.id, Agency.name)).all()) if earlier else {}

    stmt = _ledger_select(filters, where).execution_options(yield_per=5000)
    for (number, title, domain, src_name, dst_name, disc_on, disc_at, sent_on, sent_at, urgency,
         ext, criminal, ack_on, outcome, result_on, closed_on, approved_by, materials,
         ack_reason, result_summary, ref_id, round_no) in session.execute(stmt):
        for rnd in earlier.get(ref_id, []) if (round_no or 1) > 1 else ():
            yield [
                number, title, domain, src_name, names.get(rnd.to_agency_id, dst_name),
                _moment_cell(disc_on, disc_at), _moment_cell(rnd.sent_on, rnd.sent_at),
                lifecycle.URGENCY.get(urgency, urgency), yes_no(ext), yes_no(rnd.criminal),
                rnd.ack_on, lifecycle.ACK_OUTCOMES.get(rnd.ack_outcome, rnd.ack_outcome) if rnd.ack_outcome else None,
                None, None, rnd.approved_by, "、".join(materials or []) or None,
                rnd.ack_reason, None,
            ]
        yield [
            number, title, domain, src_name, dst_name,
            _moment_cell(disc_on, disc_at), _moment_cell(sent_on, sent_at),
            lifecycle.URGENCY.get(urgency, urgency), yes_no(ext), yes_no(criminal),
            ack_on, lifecycle.ACK_OUTCOMES.get(outcome, outcome) if outcome else None,
            result_on, closed_on, approved_by, "、".join(materials or []) or None,
            ack_reason, result_summary,
        ]


def export_referrals_xlsx(session: Session, filters: Mapping | None = None, *, where: Sequence = ()) -> bytes:
    """The sent referrals as an import file (the same columns), so export → import
    round-trips. Unsent drafts are left out: a ledger line needs its sending date.

    ``filters`` (all optional): ``agency_id`` (either side), ``from_agency_id``,
    ``to_agency_id``, ``sent_from`` / ``sent_to`` (dates, inclusive), ``status`` (a code or
    a list of codes); ``where``: further SQL conditions on ``Referral`` (the ledger page's
    own filter). Rows are streamed from the database in number order.
    """
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("移送台账")
    ws.append(_header_row("referrals"))
    for line in ledger_lines(session, filters, where):
        ws.append([xlsx_cell(ws, v) for v in line])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_referrals_csv(session: Session, filters: Mapping | None = None, *, where: Sequence = ()) -> bytes:
    """The same ledger as :func:`export_referrals_xlsx`, as UTF-8 CSV with a BOM (which Excel
    needs to read Chinese). Text a spreadsheet would execute carries a leading ``'`` that the
    import removes again."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(_header_row("referrals"))
    for line in ledger_lines(session, filters, where):
        writer.writerow([_csv_text(v) for v in line])
    return buf.getvalue().encode("utf-8-sig")


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return inert(str(value), csv=True)


def export_referrals(session: Session, path: str | Path, filters: Mapping | None = None) -> int:
    """Write the ledger to ``path`` (``.xlsx`` or ``.csv``, by its extension); returns the
    number of referrals written. Refuses another extension before touching the file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise LedgerError(
            f"不支持导出为“{suffix or path.name}”：请用 .xlsx 或 .csv 文件名。"
            f" / Cannot export to {suffix or path.name!r}: name a .xlsx or .csv file."
        )
    data = (export_referrals_xlsx if suffix == ".xlsx" else export_referrals_csv)(session, filters)
    count = session.scalar(select(func.count()).select_from(_ledger_select(filters, ()).subquery()))
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise LedgerError(f"无法写入文件：{path}（{exc.strerror}） / Cannot write {path}: {exc.strerror}") from None
    return int(count or 0)


def _moment_cell(day: date | None, moment: datetime | None):
    """A date cell, or a date-and-time cell when the time of day is recorded for that date."""
    if day is None:
        return None
    if moment is not None and moment.date() == day and (moment.hour or moment.minute):
        return moment
    return day
