"""Refuses requests carrying NUL characters before any view sees them.

PostgreSQL text cannot hold NUL (0x00): a query parameter, form field or JSON string with one would
make the database driver raise deep inside a view (a 500). No legitimate input contains it, so
the request is refused up front with a 400: the API's error shape under /api/, the site's 400
page elsewhere.
"""
from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.utils.translation import gettext as _

NUL_MARKERS = (b"\x00", b"\\u0000", b"%00")


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    query = request.META.get("QUERY_STRING", "")
    if "%00" in query or "\x00" in query:
        return True
    if request.method in {"POST", "PUT", "PATCH"}:
        body = request.body.lower()
        return any(marker in body for marker in NUL_MARKERS)
    return False


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            message = _("The request contains a NUL character, which no field accepts.")
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "invalid_characters", "message": message, "field": None}, status=400)
            raise BadRequest(message)
        return self.get_response(request)
