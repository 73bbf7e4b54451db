"""What a login page answers once django-axes has locked the account or the client out
(settings.AXES_LOCKOUT_CALLABLE): the sign-in page again, with a message saying why and for how
long, HTTP 429 and Retry-After."""
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import ngettext

from .views import EmailAuthenticationForm


def lockout_response(request, original_response=None, credentials=None):
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    form = EmailAuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    message = ngettext(
        "Too many failed sign-in attempts for this account or from your network. For your security, "
        "signing in is blocked for %(minutes)d minute. You can reset your password meanwhile.",
        "Too many failed sign-in attempts for this account or from your network. For your security, "
        "signing in is blocked for %(minutes)d minutes. You can reset your password meanwhile.",
        minutes,
    ) % {"minutes": minutes}
    response = render(request, "accounts/login.html", {"form": form, "lockout_message": message, "next": request.POST.get("next", "")}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


def axes_ignores(request, credentials=None) -> bool:
    """settings.AXES_WHITELIST_CALLABLE: the API's token endpoint has its own limiter
    (comptoir.common.ratelimit, answering 429 in the API's error shape), so axes counts only the
    login pages."""
    return request.path.startswith("/api/")
