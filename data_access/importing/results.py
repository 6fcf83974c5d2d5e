"""What an import hands back: the rows read, the rows validated, the problems found (each
with its spreadsheet line and column) and the outcome of a write."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from data_access.commands.base import CommandError


@dataclass(frozen=True)
class RowError:
    """A problem with one cell (or a whole row, or the header when ``line`` is 1)."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第{self.line}行（line {self.line}）"
        if self.column:
            where += f"，列“{self.column}”"
        return f"{where}：{self.message}"


class LedgerError(CommandError):
    """Base of the import's refusals."""


class ImportRefused(LedgerError):
    """The file has bad rows: nothing was written. ``errors`` lists every one of them."""

    def __init__(self, errors: Sequence[RowError], warnings: Sequence[RowError] = ()):
        self.errors = list(errors)
        self.warnings = list(warnings)
        lines = {e.line for e in self.errors}
        super().__init__(
            f"导入未执行：发现{len(self.errors)}处错误（涉及{len(lines)}行），未写入任何数据。"
            f" / Nothing was imported: {len(self.errors)} problem(s) in {len(lines)} row(s);"
            " nothing was written."
        )


class UnreadableFile(LedgerError):
    """The file could not be read at all (wrong type, not a spreadsheet, bad encoding)."""


class SheetRow(dict):
    """One data row: header as written -> cell value; ``line`` is its spreadsheet line."""

    __slots__ = ("line",)

    def __init__(self, values: Mapping, line: int):
        super().__init__(values)
        self.line = line


class Sheet(list):
    """The rows of a file, with ``headers`` as written and where the header was found."""

    def __init__(self, rows: Iterable[SheetRow], headers: Sequence[str], filename: str,
                 header_line: int = 1, *, sheet_name: str | None = None,
                 sheet_names: Sequence[str] = (), problems: Iterable[RowError] = ()):
        super().__init__(rows)
        self.headers = list(headers)
        self.filename = filename
        self.header_line = header_line
        #: The workbook sheet read (None for a csv) and every sheet the workbook has.
        self.sheet_name = sheet_name
        self.sheet_names = list(sheet_names)
        #: What the reader found wrong with cells it cannot give a value for (a hidden row,
        #: a formula without a value), by line; validation reports them with the rest.
        self.problems: dict[int, list[RowError]] = {}
        for problem in problems:
            self.problems.setdefault(problem.line, []).append(problem)


class CleanRows(list):
    """Validated rows (dicts of model fields plus ``line`` and, for updates, ``exists``),
    with the header ``warnings`` that did not stop the import."""

    def __init__(self, rows: Iterable[dict] = (), warnings: Sequence[RowError] = ()):
        super().__init__(rows)
        self.warnings = list(warnings)

    @property
    def to_create(self) -> int:
        return sum(1 for r in self if not r.get("exists"))

    @property
    def to_update(self) -> int:
        return sum(1 for r in self if r.get("exists"))


@dataclass(frozen=True)
class ImportResult:
    kind: str
    filename: str | None
    created: int
    updated: int
    unchanged: int
    warnings: list[RowError] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        what = "成员单位" if self.kind == "agencies" else "移送案件"
        en = "agencies" if self.kind == "agencies" else "referrals"
        return (
            f"{what}导入完成：新增{self.created}条，更新{self.updated}条，未变{self.unchanged}条。"
            f" / Imported {en}: {self.created} created, {self.updated} updated,"
            f" {self.unchanged} unchanged."
        )

