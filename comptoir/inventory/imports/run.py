"""Running one offers import: the file read in a stream, rows checked, applied in batches, the
progress and the counts written to the OfferImport after each batch, the report kept."""
from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.markets.models import Market
from comptoir.sellers.models import Seller

from ..models import ImportStatus, LocationKind, OfferImport, StockLocation
from .apply import BatchResult, batch_apply, statistics_refresh
from .reading import FileProblem, sheet_open
from .rows import OfferRow, RowError, layout_read, row_read

BATCH_ROWS = 1000
REPORT_HEADER = ("line", "column", "value", "reason")

Progress = Callable[[int, int], None]


def seller_locations(seller: Seller) -> dict[int, str]:
    """The seller's own stock locations an import may set units at: {id: name}."""
    return dict(
        StockLocation.objects.filter(seller=seller, kind=LocationKind.WAREHOUSE).order_by("pk").values_list("pk", "name")
    )


def market_currencies() -> frozenset[str]:
    return frozenset(Market.objects.filter(is_active=True).values_list("currency", flat=True))


class _Report:
    """The rejected rows, written to a temporary CSV as they come (memory stays flat)."""

    def __init__(self):
        self.file = tempfile.NamedTemporaryFile("w+", encoding="utf-8", newline="", suffix=".csv")
        self.writer = csv.writer(self.file)
        self.writer.writerow(REPORT_HEADER)

    def add(self, errors: list[RowError]) -> int:
        """Write the errors; returns how many distinct rows they reject."""
        lines = set()
        for e in errors:
            self.writer.writerow((e.line, e.column, e.value, e.reason))
            lines.add(e.line)
        return len(lines)

    def save_to(self, offer_import: OfferImport) -> None:
        self.file.flush()
        self.file.seek(0)
        offer_import.report.save(f"offers-import-{offer_import.pk}-report.csv", File(self.file), save=False)
        self.file.close()


def _progress_save(offer_import: OfferImport, **fields) -> None:
    for name, value in fields.items():
        setattr(offer_import, name, value)
    OfferImport.objects.filter(pk=offer_import.pk).update(**fields)


def _apply(offer_import: OfferImport, seller: Seller, batch: list[OfferRow], read_errors: list[RowError],
           report: _Report) -> None:
    """Apply a batch; its rejected rows (found reading or writing) go to the report in line order."""
    result: BatchResult = batch_apply(seller, batch) if batch else BatchResult()
    offer_import.applied += result.applied
    offer_import.proposed += result.proposed
    offer_import.rejected += report.add(sorted(read_errors + result.errors, key=lambda e: e.line))


def _rows_run(offer_import: OfferImport, path: Path, report: _Report, on_progress: Progress | None) -> None:
    seller = offer_import.seller
    sheet = sheet_open(path, offer_import.original_name)
    layout = layout_read(sheet.header, seller_locations(seller))
    currencies = market_currencies()
    _progress_save(offer_import, rows_total=sheet.total)
    analysed_at = 0  # offers applied when the statistics were last refreshed
    batch: list[OfferRow] = []
    read_errors: list[RowError] = []
    keys: set[tuple[str, str]] = set()
    done = 0

    def flush() -> None:
        nonlocal analysed_at
        _apply(offer_import, seller, batch, read_errors, report)
        if offer_import.applied >= 2 * analysed_at + BATCH_ROWS:  # after 1, 3, 7, 15 … thousand rows
            statistics_refresh()
            analysed_at = offer_import.applied
        with transaction.atomic():
            _progress_save(offer_import, rows_done=done, applied=offer_import.applied,
                           rejected=offer_import.rejected, proposed=offer_import.proposed)
        if on_progress:
            on_progress(done, sheet.total)
        batch.clear()
        read_errors.clear()
        keys.clear()

    for line, cells in sheet.rows():
        row = row_read(line, cells, layout, currencies)
        if isinstance(row, list):
            read_errors.extend(row)
        else:
            if row.key in keys:  # the same offer twice: the earlier one is written first, the later wins
                flush()
            batch.append(row)
            keys.add(row.key)
        done += 1
        if len(batch) + len(read_errors) >= BATCH_ROWS:
            flush()
    flush()
    _progress_save(offer_import, rows_total=done)


def offers_import_run(offer_import: OfferImport, *, on_progress: Progress | None = None) -> OfferImport:
    """Run a queued import to its end (done, or failed with the file's problem). Each batch of
    rows is its own transaction: a crash leaves whole rows written and the rest untouched."""
    _progress_save(offer_import, status=ImportStatus.RUNNING, started_at=timezone.now())
    report = _Report()
    with translation.override(offer_import.language or None):
        try:
            _rows_run(offer_import, Path(offer_import.file.path), report, on_progress)
        except FileProblem as problem:
            report.writer.writerow((problem.line or "", problem.column, "", problem.message))
            offer_import.error = str(problem.message)[:500]
            offer_import.status = ImportStatus.FAILED
        else:
            offer_import.status = ImportStatus.DONE
    report.save_to(offer_import)
    offer_import.finished_at = timezone.now()
    offer_import.save(update_fields=["status", "error", "report", "finished_at", "applied", "rejected", "proposed"])
    return offer_import


def offers_import_create(*, seller: Seller, upload: UploadedFile | File, name: str, user=None, language: str = "") -> OfferImport:
    """Keep the uploaded file and queue its import (run by ``offers_import_enqueue`` or a command)."""
    if not name.lower().endswith((".csv", ".xlsx")):
        raise FileProblem(_("The file must be a CSV (.csv) or an Excel workbook (.xlsx)."))
    offer_import = OfferImport(seller=seller, created_by=user, original_name=name[:200], language=language[:8])
    offer_import.file.save(Path(name).name, upload, save=False)
    offer_import.save()
    return offer_import
