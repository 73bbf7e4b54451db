"""Reading an offers file, streamed: a CSV (UTF-8, comma, semicolon or tab separated) or the
first sheet of an XLSX workbook (openpyxl in read-only mode). Neither is ever held whole in
memory: rows come one at a time with their line number (the header is line 1, as a
spreadsheet numbers its rows)."""
from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from comptoir.common.errors import DomainError

CHUNK = 1 << 20
DELIMITERS = (";", ",", "\t")


class FileProblem(DomainError):
    """The file as a whole cannot be imported (encoding, format, header): nothing is applied."""

    code = "import_file_invalid"

    def __init__(self, message: str, *, line: int = 0, column: str = ""):
        super().__init__(message, field=column or None)
        self.line = line
        self.column = column


Cell = str | int | float | None


@dataclass
class Sheet:
    """An opened offers file: the header's cells and the count of data rows (for progress)."""

    path: Path
    kind: str  # "csv" or "xlsx"
    header: list[str]
    total: int
    delimiter: str = ","

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """(line, cells) of each data row that is not blank."""
        rows = _csv_rows(self.path, self.delimiter) if self.kind == "csv" else _xlsx_rows(self.path)
        next(rows, None)  # the header
        for line, cells in enumerate(rows, start=2):
            if any(c is not None and str(c).strip() for c in cells):
                yield line, cells


def sheet_open(path: Path, name: str) -> Sheet:
    """Open `path` (its format from `name`'s extension); FileProblem when it cannot be read."""
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return _csv_open(path)
    if suffix == ".xlsx":
        return _xlsx_open(path)
    raise FileProblem(_("The file must be a CSV (.csv) or an Excel workbook (.xlsx)."))


# --- CSV ---------------------------------------------------------------------------------------

def _utf8_check(path: Path) -> None:
    """The whole file decodes as UTF-8, checked in chunks before any row is applied."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    newlines = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                line = newlines + chunk[: max(exc.start, 0)].count(b"\n") + 1
                raise FileProblem(
                    _("The file is not UTF-8 text (line %(line)d). Save it as “CSV UTF-8” and upload it again.")
                    % {"line": line},
                    line=line,
                ) from None
            if not chunk:
                return
            newlines += chunk.count(b"\n")


def _csv_rows(path: Path, delimiter: str) -> Iterator[list[Cell]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        yield from csv.reader(f, delimiter=delimiter)


def _csv_open(path: Path) -> Sheet:
    _utf8_check(path)
    with open(path, encoding="utf-8-sig", newline="") as f:
        first = f.readline()
    if not first.strip():
        raise FileProblem(_("The file is empty: its first line must name the columns."), line=1)
    delimiter = max(DELIMITERS, key=first.count)
    rows = _csv_rows(path, delimiter)
    header = [str(c) for c in next(rows)]
    total = sum(1 for cells in rows if any(c.strip() for c in cells))
    return Sheet(path=path, kind="csv", header=header, total=total, delimiter=delimiter)


# --- XLSX --------------------------------------------------------------------------------------

def _xlsx_rows(path: Path) -> Iterator[list[Cell]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(values)
    finally:
        workbook.close()


def _xlsx_open(path: Path) -> Sheet:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError):
        raise FileProblem(_("The file is not an Excel workbook (.xlsx) that can be read.")) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [("" if c is None else str(c)) for c in next(rows, ())]
        if not any(h.strip() for h in header):
            raise FileProblem(_("The file is empty: its first line must name the columns."), line=1)
        # the sheet's recorded dimension (trailing blank rows included); counted when absent
        total = sheet.max_row - 1 if sheet.max_row else sum(1 for values in rows if any(v is not None for v in values))
    finally:
        workbook.close()
    return Sheet(path=path, kind="xlsx", header=header, total=max(total, 0))
