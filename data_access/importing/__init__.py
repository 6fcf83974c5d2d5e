"""Ledger import and export: member agencies and referrals, from and to CSV / XLSX.

The command line (``python -m data_access import …`` / ``export …``) and the pages share
every step, one module per job:

- :mod:`.reading`: :func:`read_table` turns a ``.csv`` or ``.xlsx`` file into a
  :class:`Sheet` of rows keyed by the headers as written, each knowing its line.
- :mod:`.cells`: parsing one cell (dates, 是/否, enumerations, numbers).
- :mod:`.validating`: :func:`validate_agencies` / :func:`validate_referrals` check every row
  and return ``(clean_rows, errors)`` (each error a :class:`RowError`: line, column, what is
  wrong). Pure; the import page shows the result as its preview.
- :mod:`.storing`: :func:`import_agencies` / :func:`import_referrals` write inside the
  caller's ``write_session()``, all or nothing (:class:`ImportRefused` lists every bad row).
- :mod:`.exporting`: the blank templates and the referral ledger in the import columns.

Keys: the agency name and the referral number (移送编号). A row whose key already exists
UPDATES that record; importing the same file twice changes nothing the second time. A blank
cell never erases what is already recorded; a value in the file replaces the recorded one.
Referral status is derived from the dates and the stored deadlines come from
:mod:`data_access.stored_deadlines` with the database's own calendar and settings.

This package's public API is what is imported here; the modules' other names may change.
"""

from data_access.importing.columns import (
    AGENCY_COLUMNS,
    AGENCY_FIELDS,
    COLUMNS,
    REFERRAL_COLUMNS,
    REFERRAL_FIELDS,
    Column,
)
from data_access.importing.exporting import (
    EXPORT_FORMATS,
    export_referrals,
    export_referrals_csv,
    export_referrals_xlsx,
    template_xlsx,
)
from data_access.importing.reading import read_table
from data_access.importing.results import (
    CleanRows,
    ImportRefused,
    ImportResult,
    LedgerError,
    RowError,
    Sheet,
    SheetRow,
    UnreadableFile,
)
from data_access.importing.storing import BATCH_SIZE, import_agencies, import_referrals
from data_access.importing.validating import (
    AgencyRef,
    agency_index,
    agency_key,
    derive_status,
    load_existing_referrals,
    referral_numbers,
    validate_agencies,
    validate_referrals,
)

__all__ = [
    "AGENCY_COLUMNS", "AGENCY_FIELDS", "BATCH_SIZE", "COLUMNS", "EXPORT_FORMATS", "REFERRAL_COLUMNS",
    "REFERRAL_FIELDS", "AgencyRef", "CleanRows", "Column", "ImportRefused", "ImportResult",
    "LedgerError", "RowError", "Sheet", "SheetRow", "UnreadableFile", "agency_index", "agency_key",
    "derive_status", "export_referrals", "export_referrals_csv", "export_referrals_xlsx",
    "import_agencies", "import_referrals", "load_existing_referrals", "read_table",
    "referral_numbers", "template_xlsx", "validate_agencies", "validate_referrals",
]
