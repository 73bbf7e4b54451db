"""Running one offers import: the file read in a stream, rows checked, applied in batches, the
progress, the counts and a heartbeat written to the OfferImport with each batch, the report kept;
and failing the imports whose process died or whose task was lost (``offers_imports_fail_stale``)."""
from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


class ImportAbandoned(Exception):
    """The import is no longer running (failed as stale meanwhile): this process stops, writing nothing more."""


def _progress_save(offer_import: OfferImport, **fields) -> None:
    """Write the progress and the heartbeat, only while the import is still running."""
    fields["heartbeat_at"] = timezone.now()
    for name, value in fields.items():
        setattr(offer_import, name, value)
    if not OfferImport.objects.filter(pk=offer_import.pk, status=ImportStatus.RUNNING).update(**fields):
        raise ImportAbandoned


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
        with transaction.atomic():  # a batch's rows and the counts that say so commit together
            _apply(offer_import, seller, batch, read_errors, report)
            _progress_save(offer_import, rows_done=done, applied=offer_import.applied,
                           rejected=offer_import.rejected, proposed=offer_import.proposed)
        if offer_import.applied >= 2 * analysed_at + BATCH_ROWS:  # after 1, 3, 7, 15 … thousand rows
            statistics_refresh()
            analysed_at = offer_import.applied
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
    rows commits with the counts that include it: a crash leaves whole batches written, the
    counts equal to them, and the rest untouched. An import that is not queued (already run, or
    run by another process) is returned as it is."""
    now = timezone.now()
    claimed = OfferImport.objects.filter(pk=offer_import.pk, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=now, heartbeat_at=now)
    offer_import.refresh_from_db()
    if not claimed:
        return offer_import
    report = _Report()
    with translation.override(offer_import.language or None):
        try:
            _rows_run(offer_import, Path(offer_import.file.path), report, on_progress)
        except FileProblem as problem:
            report.writer.writerow((problem.line or "", problem.column, "", problem.message))
            offer_import.error = str(problem.message)[:500]
            offer_import.status = ImportStatus.FAILED
        except ImportAbandoned:
            report.file.close()
            offer_import.refresh_from_db()
            return offer_import
        else:
            offer_import.status = ImportStatus.DONE
    report.save_to(offer_import)
    offer_import.finished_at = timezone.now()
    OfferImport.objects.filter(pk=offer_import.pk, status=ImportStatus.RUNNING).update(**{
        name: getattr(offer_import, name) for name in ("status", "error", "report", "finished_at", "applied", "rejected", "proposed")})
    offer_import.refresh_from_db()
    return offer_import


def offers_imports_fail_stale(*, now=None, seller: Seller | None = None) -> list[int]:
    """Fail, with the reason in the uploader's language, the running imports with no progress for
    settings.OFFERS_IMPORT_STALE_MINUTES (their process died: a killed worker, a restarted
    machine; what they wrote stays, whole batches, as their counts say) and the imports still
    queued settings.OFFERS_IMPORT_QUEUED_STALE_MINUTES after their upload (no worker ever took
    them: their task was lost; nothing was written). Returns their ids."""
    now = now or timezone.now()
    minutes = {ImportStatus.RUNNING: settings.OFFERS_IMPORT_STALE_MINUTES,
               ImportStatus.QUEUED: settings.OFFERS_IMPORT_QUEUED_STALE_MINUTES}
    silent = {ImportStatus.RUNNING: Q(status=ImportStatus.RUNNING, heartbeat_at__lt=now - timedelta(minutes=minutes[ImportStatus.RUNNING])),
              ImportStatus.QUEUED: Q(status=ImportStatus.QUEUED, created_at__lt=now - timedelta(minutes=minutes[ImportStatus.QUEUED]))}
    stale = OfferImport.objects.filter(silent[ImportStatus.RUNNING] | silent[ImportStatus.QUEUED])
    if seller is not None:
        stale = stale.filter(seller=seller)
    failed = []
    for offer_import in stale.order_by("pk"):
        with translation.override(offer_import.language or None):
            error = _stale_reason(offer_import, minutes[offer_import.status])
        # only if still silent: a heartbeat that came meanwhile keeps it running, a worker that
        # took it meanwhile runs it
        if OfferImport.objects.filter(silent[offer_import.status], pk=offer_import.pk).update(
                status=ImportStatus.FAILED, error=error[:500], finished_at=now):
            failed.append(offer_import.pk)
    return failed


def _stale_reason(offer_import: OfferImport, minutes: int) -> str:
    if offer_import.status == ImportStatus.QUEUED:
        return ngettext(
            "The import never started: it was still waiting after %(minutes)d minute (its background task was "
            "lost). Nothing was written. Import the file again.",
            "The import never started: it was still waiting after %(minutes)d minutes (its background task was "
            "lost). Nothing was written. Import the file again.",
            minutes,
        ) % {"minutes": minutes}
    return _(
        "The import stopped after %(done)d of %(total)d rows: it showed no progress for %(minutes)d minutes "
        "(the process running it stopped). The %(applied)d offers of the rows before were written, nothing "
        "after. Import the file again to finish: rows already written are written again with the same values."
    ) % {"done": offer_import.rows_done, "total": offer_import.rows_total, "minutes": minutes,
         "applied": offer_import.applied}


def offers_import_create(*, seller: Seller, upload: UploadedFile | File, name: str, user=None, language: str = "") -> OfferImport:
    """Keep the uploaded file and queue its import (run by ``offers_import_enqueue`` or a command)."""
    if not name.lower().endswith((".csv", ".xlsx")):
        raise FileProblem(_("The file must be a CSV (.csv) or an Excel workbook (.xlsx)."))
    offer_import = OfferImport(seller=seller, created_by=user, original_name=name[:200], language=language[:8])
    offer_import.file.save(Path(name).name, upload, save=False)
    offer_import.save()
    return offer_import
