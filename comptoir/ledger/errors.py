"""Ledger errors, each with a stable code."""
from comptoir.common.errors import DomainError


class LedgerError(DomainError):
    code = "ledger_error"


class EmptyEntry(LedgerError):
    code = "ledger_empty_entry"


class ZeroLine(LedgerError):
    code = "ledger_zero_line"


class UnbalancedEntry(LedgerError):
    code = "ledger_unbalanced"


class CurrencyMismatch(LedgerError):
    code = "ledger_currency_mismatch"


class InvalidAmount(LedgerError):
    code = "ledger_invalid_amount"


class RefundExceedsCapture(LedgerError):
    code = "ledger_refund_exceeds_capture"


class NothingCaptured(LedgerError):
    code = "ledger_nothing_captured"


class InsufficientBalance(LedgerError):
    code = "ledger_insufficient_balance"


class UniqueKeyConflict(LedgerError):
    """The unique_key was already used for a different business event."""

    code = "ledger_unique_key_conflict"
    status = 409
