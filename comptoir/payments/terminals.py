"""Card terminals at a store's till: the protocol a terminal provider implements, and the test
terminal. A terminal is called outside any database transaction (like an online provider): the
till asks for the amount, the buyer taps or inserts a card, the terminal answers.

The test terminal behaves like a simulated reader (Stripe Terminal's convention): the cents of
the amount choose the outcome.

| amount's last two digits | result                                  |
|--------------------------|-----------------------------------------|
| 01                       | declined: card_declined                 |
| 05                       | declined: insufficient_funds            |
| anything else            | approved, reference ``term_test_<hex>`` |

Refunds of an approved charge are approved up to the amount charged. The same idempotency key
returns the first answer (a till that retries after a timeout never charges twice)."""
from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from django.conf import settings

from .errors import UnknownProvider


@dataclass(frozen=True, slots=True)
class TerminalResult:
    approved: bool
    reference: str = ""
    decline_code: str = ""
    message: str = ""


@runtime_checkable
class CardTerminal(Protocol):
    name: str

    def charge(self, *, amount: int, currency: str, idempotency_key: str) -> TerminalResult: ...

    def refund(self, *, reference: str, amount: int, idempotency_key: str) -> TerminalResult: ...


class TestTerminal:
    """A simulated card reader (see the module's table)."""

    name = "test"
    _answers: dict[str, TerminalResult] = {}
    _charged: dict[str, int] = {}
    _lock = threading.Lock()

    def charge(self, *, amount: int, currency: str, idempotency_key: str) -> TerminalResult:
        if not isinstance(amount, int) or amount < 1:
            raise ValueError("amount must be a positive int of minor units")
        with self._lock:
            if idempotency_key in self._answers:
                return self._answers[idempotency_key]
            cents = amount % 100
            if cents == 1:
                result = TerminalResult(False, decline_code="card_declined", message="The card was declined.")
            elif cents == 5:
                result = TerminalResult(False, decline_code="insufficient_funds", message="The card has insufficient funds.")
            else:
                result = TerminalResult(True, reference=f"term_test_{secrets.token_hex(8)}")
                self._charged[result.reference] = amount
            self._answers[idempotency_key] = result
            return result

    def refund(self, *, reference: str, amount: int, idempotency_key: str) -> TerminalResult:
        with self._lock:
            if idempotency_key in self._answers:
                return self._answers[idempotency_key]
            left = self._charged.get(reference)
            if left is None or amount > left:
                result = TerminalResult(False, decline_code="refund_refused", message="Nothing to refund on this card payment.")
            else:
                self._charged[reference] = left - amount
                result = TerminalResult(True, reference=f"term_test_re_{secrets.token_hex(8)}")
            self._answers[idempotency_key] = result
            return result


TERMINALS: dict[str, type] = {"test": TestTerminal}


def get_terminal(name: str | None = None) -> CardTerminal:
    """The named terminal provider (default ``settings.CARD_TERMINAL``, "test")."""
    name = name or getattr(settings, "CARD_TERMINAL", "test")
    cls = TERMINALS.get(name)
    if cls is None:
        raise UnknownProvider(f"No card terminal named {name!r}")
    return cls()
