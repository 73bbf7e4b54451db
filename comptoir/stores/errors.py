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
