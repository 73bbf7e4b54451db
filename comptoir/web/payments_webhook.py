"""POST /payments/webhooks/<provider>/ — payment providers' notifications.

Thin: ``orders.services.order_payment_webhook`` has payments verify the signature and apply the
event, then orders follow it, in one transaction. Errors answer {"code", "message"} with the
error's HTTP status (400 bad signature / old timestamp / malformed body, 404 unknown provider
or payment).
"""
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from comptoir.common.errors import DomainError
from comptoir.orders.services import order_payment_webhook


@csrf_exempt
@require_POST
def payment_webhook(request, provider: str):
    try:
        payment = order_payment_webhook(provider=provider, body=request.body, headers=request.headers)
    except DomainError as exc:
        return JsonResponse({"code": exc.code, "message": exc.message}, status=exc.status)
    return JsonResponse({"payment": payment.pk, "status": payment.status})


urlpatterns = [
    path("<slug:provider>/", payment_webhook, name="payment-webhook"),
]
