"""POST /payments/webhooks/<provider>/ — payment providers' notifications.

Thin: ``payments.services.payment_handle_webhook`` verifies the signature and applies the event;
then, because web sits above orders, this view tells orders: if
``comptoir.orders.services.order_payment_updated(*, payment)`` exists (and is not already
registered as a payments status callback, which would have run inside the service), it is called.
Errors answer {"code", "message"} with the error's HTTP status (400 bad signature / old
timestamp / malformed body, 404 unknown provider or payment).
"""
from django.db import transaction
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from comptoir.common.errors import DomainError
from comptoir.payments.services import payment_handle_webhook, registered_status_callbacks


def _orders_hook():
    try:
        from comptoir.orders.services import order_payment_updated
    except ImportError:
        return None
    if order_payment_updated in registered_status_callbacks():
        return None
    return order_payment_updated


@csrf_exempt
@require_POST
def payment_webhook(request, provider: str):
    try:
        with transaction.atomic():
            payment = payment_handle_webhook(provider=provider, body=request.body, headers=request.headers)
            hook = _orders_hook()
            if hook is not None:
                hook(payment=payment)
    except DomainError as exc:
        return JsonResponse({"code": exc.code, "message": exc.message}, status=exc.status)
    return JsonResponse({"payment": payment.pk, "status": payment.status})


urlpatterns = [
    path("<slug:provider>/", payment_webhook, name="payment-webhook"),
]
