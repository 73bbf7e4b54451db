from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "comptoir.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        # Asynchronous payment results (webhooks) reach orders through this explicit callback.
        from comptoir.payments.services import on_payment_status_change

        on_payment_status_change(_payment_status_changed)


def _payment_status_changed(payment, previous_status: str) -> None:
    from comptoir.orders.services import order_payment_updated

    order_payment_updated(payment)
