"""Order writes, one module per use case: cart, placement, lifecycle. Import from here."""
from .cart import cart_add, cart_for_request_owner, cart_merge, cart_remove, cart_set_quantity  # noqa: F401
from .lifecycle import (  # noqa: F401
    order_payment_updated,
    seller_order_accept,
    seller_order_cancel,
    seller_order_deliver,
    seller_order_refund,
    seller_order_return_receive,
    seller_order_return_request,
    seller_order_ship,
)
from .placement import CardDetails, order_place  # noqa: F401
