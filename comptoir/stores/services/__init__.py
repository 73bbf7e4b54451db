"""Stores writes, one module per use case: partners, stores (status, hours, staff),
consignments to a store, and the shelf (recounts, units sent back). Import from here."""
from ._common import MAX_UNITS_PER_LINE, LineCount, UnitsLine  # noqa: F401
from .consignments import (  # noqa: F401
    consignment_accept,
    consignment_cancel,
    consignment_propose,
    consignment_receive,
    consignment_refuse,
    consignment_ship,
)
from .partners import partner_bank_details_set, partner_create, partner_member_add, partner_member_remove  # noqa: F401
from .shelf import consignment_return_receive, consignment_return_send, shelf_correct  # noqa: F401
from .stores import (  # noqa: F401
    STORE_TRANSITIONS,
    store_close,
    store_closed_day_add,
    store_create,
    store_hours_set,
    store_open,
    store_staff_add,
    store_staff_remove,
)
from .pickups import store_pickup_hand_over, store_pickup_ready, store_pickup_unlock  # noqa: F401
from .journal import ChainCheck, journal_append, journal_verify  # noqa: F401
from .reservations import (  # noqa: F401
    reservation_cancel,
    reservation_create,
    reservation_release,
    reservations_expire,
)
from .returns import order_return, sale_refundable, sale_return  # noqa: F401
from .till import (  # noqa: F401
    basket_add_gtin,
    basket_add_level,
    basket_add_reservation,
    basket_holds,
    basket_priced,
    basket_remove,
    normalise_gtin,
    sale_pay,
    session_totals,
    till_close,
    till_open,
)
