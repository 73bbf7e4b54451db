"""Inventory writes, one module per use case: holds (stock taken, released and consumed under
row locks), offers (one offer made or edited, proposals approved) and status (the state changes that decide what buyers see). Import from here."""
from .holds import (  # noqa: F401
    MAX_UNITS_PER_REQUEST,
    HoldRequest,
    holds_consume,
    holds_release,
    holds_release_expired,
    holds_take,
    listing_refresh_on_commit,
    stock_restock,
)
from .offers import (  # noqa: F401
    OfferTerms,
    offer_create,
    offer_terms_check,
    offer_update,
    proposal_approve,
    proposal_reject,
)
from .status import (  # noqa: F401
    offer_pause,
    offer_resume,
    offers_active_set,
    product_activate,
    product_deactivate,
    seller_approve,
    seller_reinstate,
    seller_suspend,
    stock_adjust,
    stock_set,
    warehouse_create,
)
