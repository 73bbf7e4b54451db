"""Inventory errors (stable codes; the API and the pages map them to one error shape)."""
from comptoir.common.errors import DomainError


class OutOfStock(DomainError):
    """Not enough available units (on hand minus held) for a request."""

    code = "out_of_stock"
    status = 409

    def __init__(self, message: str, *, offer_ids: tuple[int, ...] = ()):
        super().__init__(message)
        self.offer_ids = offer_ids


class InvalidQuantity(DomainError):
    code = "invalid_quantity"
    status = 400


class InvalidListingQuery(DomainError):
    """A storefront listing asked with a bad page, size, sort or filter."""

    code = "invalid_listing_query"


class StockBelowHeld(DomainError):
    """A stock count below the units already held for orders and reservations."""

    code = "stock_below_held"
    status = 409


class InvalidOffer(DomainError):
    """Offer terms that break a rule (price, currency, condition, handling days, a location)."""

    code = "invalid_offer"


class OfferExists(DomainError):
    """The seller already has an offer on this product in this condition."""

    code = "offer_exists"
    status = 409
