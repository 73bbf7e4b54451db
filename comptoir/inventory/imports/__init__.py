"""Bulk offers import (CSV or XLSX): reading (streamed), rows (columns and row checks), apply
(batches, one transaction each, the listing refreshed per batch) and run (the OfferImport's
progress, counts and report). The file format is described in docs/offers-import.md."""
from .reading import FileProblem  # noqa: F401
from .rows import OPTIONAL, REQUIRED, STOCK_PREFIX  # noqa: F401
from .run import offers_import_create, offers_import_run, offers_imports_fail_stale, seller_locations  # noqa: F401
