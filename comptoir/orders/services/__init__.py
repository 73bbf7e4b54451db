"""Order writes, one module per use case: cart, placement, lifecycle, payment events. Import from here."""
from .cart import cart_add, cart_for_request_owner, cart_merge, cart_remove, cart_set_quantity  # noqa: F401
from .lifecycle import (  # noqa: F401
    seller_order_accept,
    seller_order_cancel,
    seller_order_deliver,
    seller_order_refund,
    seller_order_return_receive,
    seller_order_return_request,
    seller_order_ship,
)
from .payment_events import (  # noqa: F401
    Reconciliation,
    order_authorization_cancel,
    order_payment_updated,
    order_payment_webhook,
    order_test_payment_settle,
    payment_void_unless_ordered,
    payments_reconcile,
)
from .placement import CardDetails, order_place  # noqa: F401
from .pickups import (  # noqa: F401
    pickup_expire,
    pickup_hand_over,
    pickup_mark_ready,
    pickup_unlock,
    pickups_expire,
)
from .refunds import order_refund  # noqa: F401
