"""Errors of the stores app (stable codes; the API and the pages map them to one error shape)."""
from comptoir.common.errors import DomainError, NotFound, PermissionDenied


class PartnerInvalid(DomainError):
    """A partner's data failed validation; ``errors`` maps each bad field to its message."""

    code = "partner_invalid"

    def __init__(self, errors: dict[str, str], *, codes: dict[str, str] | None = None):
        self.errors = dict(errors)
        self.codes = dict(codes or {})
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()), field=next(iter(self.errors), None))


class StoreInvalid(DomainError):
    """A store's data (city, time zone, hours, slug) is wrong."""

    code = "store_invalid"


class StoreTransitionRefused(DomainError):
    """A store status change that the lifecycle does not allow (e.g. closed → planned)."""

    code = "store_status_transition"
    status = 409


class StoreClosed(DomainError):
    """A consignment to (or an action on) a closed store."""

    code = "store_closed"
    status = 409


class StoreNotFound(NotFound):
    code = "store_not_found"


class StoreForbidden(PermissionDenied):
    """The user is not staff of the store (nor a member of its partner, nor an operator), or
    their role does not allow the action."""

    code = "store_forbidden"


class SellerForbidden(PermissionDenied):
    """The user is not a member of the seller concerned."""

    code = "seller_forbidden"


class StaffRoleInvalid(DomainError):
    code = "staff_role_invalid"


class ConsignmentNotFound(NotFound):
    code = "consignment_not_found"


class ConsignmentInvalid(DomainError):
    """A proposal that cannot be made: no lines, an offer twice, an offer or a warehouse that is
    not the seller's, a quantity out of range."""

    code = "consignment_invalid"


class ConsignmentStateInvalid(DomainError):
    """The consignment is not in a state that allows the action (e.g. receiving a proposal)."""

    code = "consignment_state"
    status = 409


class ConsignmentBeyondStock(DomainError):
    """More units than the warehouse has available (on hand minus held) for some lines."""

    code = "consignment_beyond_stock"
    status = 409

    def __init__(self, message: str, *, offer_ids: tuple[int, ...] = ()):
        super().__init__(message, field="quantity")
        self.offer_ids = offer_ids


class CountInvalid(DomainError):
    """A count that is missing, not a whole number, or out of range."""

    code = "count_invalid"


class CountAboveSentWithoutReason(DomainError):
    """More units counted than were sent, and no reason given."""

    code = "count_above_sent_without_reason"


class CountDifferenceWithoutReason(DomainError):
    """Fewer units counted than were sent, and no reason given."""

    code = "count_difference_without_reason"


class ReasonRequired(DomainError):
    """A shelf correction, a refusal or a return without a reason."""

    code = "reason_required"


class ShelfBelowHeld(DomainError):
    """A shelf count or a return that would leave fewer units than those held for orders or
    reservations."""

    code = "shelf_below_held"
    status = 409


class ReturnInvalid(DomainError):
    """Units sent back that are not the seller's or not on this shelf, no lines, a bad quantity,
    or a seller without a warehouse to receive them."""

    code = "return_invalid"


class ReturnBeyondShelf(DomainError):
    """More units sent back than the shelf has available (on hand minus held for orders and
    reservations)."""

    code = "return_beyond_shelf"
    status = 409

    def __init__(self, message: str, *, offer_ids: tuple[int, ...] = ()):
        super().__init__(message, field="quantity")
        self.offer_ids = offer_ids


# --- reserve to try, the till, the journal (issue 10) -------------------------------------------

class ReservationLimitReached(DomainError):
    """A fourth active reservation: a buyer holds at most three units to try at a time."""

    code = "reservation_limit"
    status = 409


class ReservationUnitHeld(DomainError):
    """No free unit of this offer on the store's shelf: the last one is already held (reserved,
    in a basket or sold online)."""

    code = "reservation_unit_held"
    status = 409


class ReservationNotFound(NotFound):
    code = "reservation_not_found"


class ReservationStateInvalid(DomainError):
    """The reservation is no longer active (cancelled, expired, sold or released)."""

    code = "reservation_state"
    status = 409


class TillNotOpen(DomainError):
    """No open till session (or the session is closed): open the till first."""

    code = "till_not_open"
    status = 409


class TillAlreadyOpen(DomainError):
    code = "till_already_open"
    status = 409


class TillAlreadyClosed(DomainError):
    """The till session was already closed: its cash-up is final."""

    code = "till_already_closed"
    status = 409


class TillSessionNotFound(NotFound):
    code = "till_session_not_found"


class AmountInvalid(DomainError):
    """A cash float, a count, cash given or a refund that is not a whole amount ≥ 0."""

    code = "amount_invalid"


class UnknownGtin(DomainError):
    """No product in the catalogue has this GTIN."""

    code = "unknown_gtin"
    status = 404


class NotOnThisShelf(DomainError):
    """The product or unit is not on this store's shelf (it may be in another store)."""

    code = "not_on_this_shelf"
    status = 409


class ShelfOutOfStock(DomainError):
    """Every unit of it on this shelf is already held (a reservation, another basket, an order)."""

    code = "shelf_out_of_stock"
    status = 409


class BasketEmpty(DomainError):
    code = "basket_empty"
    status = 409


class BasketChanged(DomainError):
    """A basket line lapsed (its hold expired and was taken) before payment; nothing was sold."""

    code = "basket_changed"
    status = 409


class CashShort(DomainError):
    """The cash given is less than the total."""

    code = "cash_short"


class CardDeclined(DomainError):
    code = "card_declined"
    status = 402


class SaleNotFound(NotFound):
    code = "sale_not_found"


class ReturnWindowClosed(DomainError):
    """Returns in store are taken within 30 days of the sale or the online order."""

    code = "return_window_closed"
    status = 409


class RefundExceedsSale(DomainError):
    """A refund larger than what remains of the sale (or the online order) to refund."""

    code = "refund_exceeds_sale"
    status = 409


class JournalBroken(DomainError):
    code = "journal_broken"
    status = 409
