"""Carts and orders. An Order is what the buyer paid once; it is split into one SellerOrder per
(seller, ship-from location), each with its own lifecycle. Amounts are integer minor units."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.catalog.models import Product
from comptoir.inventory.models import Hold, Offer, StockLocation
from comptoir.markets.models import Market
from comptoir.sellers.models import Seller

MAX_LINE_QUANTITY = 99


class Cart(models.Model):
    """A buyer's cart: one per signed-in user, or one per anonymous session."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="cart")
    session_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) | Q(session_key__isnull=False), name="cart_has_owner"),
        ]


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    # The net unit price the buyer last saw: a later change shows a notice.
    seen_unit_net = models.PositiveBigIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "offer"], name="cartline_one_per_offer"),
            models.CheckConstraint(condition=Q(quantity__gte=1) & Q(quantity__lte=MAX_LINE_QUANTITY), name="cartline_quantity_range"),
        ]


class LiableParty(models.TextChoices):
    SELLER = "seller", _("Seller")
    MARKETPLACE = "marketplace", _("Marketplace (deemed supplier)")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("payment state", "Awaiting confirmation")
    AUTHORIZED = "authorized", pgettext_lazy("payment state", "Authorized")
    PARTIALLY_CAPTURED = "partially_captured", pgettext_lazy("payment state", "Partially captured")
    CAPTURED = "captured", pgettext_lazy("payment state", "Captured")
    CANCELLED = "cancelled", pgettext_lazy("payment state", "Cancelled")
    FAILED = "failed", pgettext_lazy("payment state", "Failed")


class Order(models.Model):
    """One checkout: the buyer, the delivery address, the totals and the payment."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    language = models.CharField(max_length=8, default="en")
    email = models.EmailField()
    # Delivery address, validated for its country.
    full_name = models.CharField(_("full name"), max_length=120)
    address_line1 = models.CharField(_("address"), max_length=200)
    address_line2 = models.CharField(_("address (continued)"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=12)
    city_name = models.CharField(_("city"), max_length=120)
    country = models.CharField(_("country"), max_length=2)
    phone = models.CharField(_("phone"), max_length=20)  # E.164
    # Totals (sums of the lines and deliveries; never re-rounded).
    goods_net = models.BigIntegerField(default=0)
    delivery_net = models.BigIntegerField(default=0)
    vat_total = models.BigIntegerField(default=0)
    total_gross = models.BigIntegerField(default=0)
    # Idempotency: the same key from the same buyer is the same order.
    idempotency_key = models.CharField(max_length=80)
    fingerprint = models.CharField(max_length=64)
    payment_id = models.BigIntegerField(null=True, blank=True)  # payments.Payment pk
    payment_status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        permissions = [("refund_order", _("Can refund or cancel orders on the buyer's behalf"))]
        indexes = [
            # The order desk: newest first, and by buyer e-mail (iexact compares UPPER() on PostgreSQL).
            models.Index(fields=["-created_at", "-id"], name="order_newest"),
            models.Index(Upper("email"), name="order_email_upper"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["buyer", "idempotency_key"], name="order_idempotency_per_buyer"),
            models.CheckConstraint(condition=Q(total_gross=F("goods_net") + F("delivery_net") + F("vat_total")), name="order_total_is_sum"),
        ]

    def __str__(self) -> str:
        return self.reference


class SellerOrderState(models.TextChoices):
    PLACED = "placed", pgettext_lazy("order state", "Placed")
    ACCEPTED = "accepted", pgettext_lazy("order state", "Accepted")
    SHIPPED = "shipped", pgettext_lazy("order state", "Shipped")
    DELIVERED = "delivered", pgettext_lazy("order state", "Delivered")
    CANCELLED = "cancelled", pgettext_lazy("order state", "Cancelled")
    RETURN_REQUESTED = "return_requested", pgettext_lazy("order state", "Return requested")
    RETURN_RECEIVED = "return_received", pgettext_lazy("order state", "Return received")
    REFUNDED = "refunded", pgettext_lazy("order state", "Refunded")


class SellerOrder(models.Model):
    """The part of an order one seller ships from one location."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="parts")
    number = models.CharField(max_length=24, unique=True)
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="seller_orders")
    location = models.ForeignKey(StockLocation, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=20, choices=SellerOrderState.choices, default=SellerOrderState.PLACED, db_index=True)
    delivery_method = models.CharField(max_length=20)
    # Click & collect: the store (its stock location) where the buyer collects; null for home delivery.
    pickup_location = models.ForeignKey(StockLocation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    delivery_label = models.CharField(max_length=80)
    delivery_net = models.BigIntegerField(default=0)
    delivery_vat_rate_bp = models.PositiveIntegerField(default=0)
    delivery_vat = models.BigIntegerField(default=0)
    promised_from = models.DateField()
    promised_to = models.DateField()
    liable_party = models.CharField(max_length=12, choices=LiableParty.choices, default=LiableParty.SELLER)
    goods_net = models.BigIntegerField(default=0)
    vat_total = models.BigIntegerField(default=0)
    total_gross = models.BigIntegerField(default=0)
    captured_amount = models.BigIntegerField(default=0)
    refunded_amount = models.BigIntegerField(default=0)
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    cancelled_by = models.CharField(max_length=10, blank=True)
    return_reason = models.CharField(max_length=200, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    return_requested_at = models.DateTimeField(null=True, blank=True)
    return_received_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("seller order")
        verbose_name_plural = _("seller orders")
        constraints = [
            models.CheckConstraint(
                condition=Q(total_gross=F("goods_net") + F("delivery_net") + F("vat_total")), name="sellerorder_total_is_sum"
            ),
            models.CheckConstraint(condition=Q(refunded_amount__lte=F("captured_amount")), name="sellerorder_refund_within_capture"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    seller_order = models.ForeignKey(SellerOrder, on_delete=models.CASCADE, related_name="lines")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=250)
    quantity = models.PositiveIntegerField()
    unit_net = models.BigIntegerField()
    vat_rate_bp = models.PositiveIntegerField()
    line_net = models.BigIntegerField()
    line_vat = models.BigIntegerField()
    line_gross = models.BigIntegerField()
    liable_party = models.CharField(max_length=12, choices=LiableParty.choices)
    hold = models.OneToOneField(Hold, null=True, blank=True, on_delete=models.SET_NULL, related_name="order_line")
    # The commission rate the capture used (the seller's override or the category's, then); null
    # until captured, or for a line captured before the rate was kept whose rate could not be known.
    commission_bp = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orderline_quantity_positive"),
            models.CheckConstraint(condition=Q(line_net=F("unit_net") * F("quantity")), name="orderline_net_is_unit_times_qty"),
            models.CheckConstraint(condition=Q(line_gross=F("line_net") + F("line_vat")), name="orderline_gross_is_sum"),
        ]


class PlacementAttempt(models.Model):
    """A checkout that did not become an order (declined card, out of stock…): for support only."""

    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    idempotency_key = models.CharField(max_length=80)
    code = models.CharField(max_length=40)
    message = models.CharField(max_length=250)
    amount = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)


PICKUP_MAX_WRONG_CODES = 5
PICKUP_CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B: read aloud at a counter


class PickupState(models.TextChoices):
    AWAITING_SHIPMENT = "awaiting_shipment", pgettext_lazy("pickup state", "Awaiting the seller's parcel")
    TO_PREPARE = "to_prepare", pgettext_lazy("pickup state", "To prepare")
    READY = "ready", pgettext_lazy("pickup state", "Ready for collection")
    HANDED_OVER = "handed_over", pgettext_lazy("pickup state", "Handed over")
    EXPIRED = "expired", pgettext_lazy("pickup state", "Not collected (refunded)")
    CANCELLED = "cancelled", pgettext_lazy("pickup state", "Cancelled")


class Pickup(models.Model):
    """The click & collect side of a seller order: the code the buyer shows at the store, the
    wrong codes tried (locked after PICKUP_MAX_WRONG_CODES until a manager unlocks) and its steps."""

    seller_order = models.OneToOneField(SellerOrder, on_delete=models.CASCADE, related_name="pickup")
    location = models.ForeignKey(StockLocation, on_delete=models.PROTECT, related_name="+")  # the store
    code = models.CharField(max_length=8)
    state = models.CharField(max_length=20, choices=PickupState.choices, db_index=True)
    wrong_codes = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    collect_by = models.DateTimeField(null=True, blank=True)  # ready_at + 7 days: then expired and refunded
    handed_over_at = models.DateTimeField(null=True, blank=True)
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    expired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("pickup")
        verbose_name_plural = _("pickups")
        indexes = [models.Index(fields=["location", "state"], name="pickup_store_state")]
        constraints = [
            models.CheckConstraint(condition=Q(wrong_codes__lte=PICKUP_MAX_WRONG_CODES), name="pickup_wrong_codes_max"),
        ]

    def __str__(self) -> str:
        return f"{self.seller_order_id} {self.state}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class RefundState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("refund state", "Pending")
    DONE = "done", pgettext_lazy("refund state", "Refunded")
    FAILED = "failed", pgettext_lazy("refund state", "Refused by the payment provider")


class Refund(models.Model):
    """Money given back on a seller order by the operator (some lines, some units, the delivery),
    with the reason given. Recorded before the provider is asked; DONE once the money moved and
    the ledger shows it."""

    seller_order = models.ForeignKey(SellerOrder, on_delete=models.PROTECT, related_name="refunds")
    amount = models.BigIntegerField(_("amount"))
    delivery_amount = models.BigIntegerField(default=0)  # part of ``amount`` that is the delivery
    reason = models.TextField(_("reason"))
    state = models.CharField(max_length=10, choices=RefundState.choices, default=RefundState.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(condition=Q(delivery_amount__gte=0) & Q(delivery_amount__lte=F("amount")), name="refund_delivery_within_amount"),
            models.CheckConstraint(condition=~Q(reason=""), name="refund_reason_required"),
        ]


class RefundLine(models.Model):
    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="refund_lines")
    quantity = models.PositiveIntegerField()
    amount = models.BigIntegerField()  # gross
    # What of ``amount`` reverses the marketplace-liable VAT and the commission the units were
    # captured with (the seller's share is the rest); null for refunds recorded before they were kept.
    vat = models.BigIntegerField(null=True, blank=True)
    commission = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="refundline_quantity_positive"),
            models.UniqueConstraint(fields=["refund", "order_line"], name="refundline_once_per_refund"),
        ]


class SentEmail(models.Model):
    """An e-mail the order's notifications sent (to the buyer or a seller): for support."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="emails")
    seller_order = models.ForeignKey(SellerOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    to = models.CharField(max_length=500)
    subject = models.CharField(max_length=250)
    template = models.CharField(max_length=120)
    language = models.CharField(max_length=8)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("sent e-mail")
        verbose_name_plural = _("sent e-mails")
