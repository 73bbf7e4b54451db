"""Keeps NUL characters away from the views.

PostgreSQL text cannot hold NUL (0x00): a query parameter, form field or JSON string with one
would make the database driver raise deep inside a view (a 500). No legitimate input contains it.
A page's query string (a search box, a filter) is cleaned — the NULs are dropped and the page
renders; anything else that carries one (a path, a form or JSON body, any API request) is
refused with a 400: the API's error shape under /api/, the site's 400 page elsewhere.
"""
import re

from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.utils.translation import gettext as _

BODY_NUL_MARKERS = (b"\x00", b"\\u0000", b"%00")
QUERY_NUL = re.compile(r"%00|\x00", re.IGNORECASE)


def _body_has_nul(request) -> bool:
    if request.method not in {"POST", "PUT", "PATCH"}:
        return False
    if request.content_type == "multipart/form-data":
        # File uploads are streamed, not read whole: look at the parsed text fields only.
        return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists())
    body = request.body.lower()
    return any(marker in body for marker in BODY_NUL_MARKERS)


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path.startswith("/api/")
        query = request.META.get("QUERY_STRING", "")
        query_has_nul = bool(QUERY_NUL.search(query))
        if query_has_nul and not is_api and request.method in {"GET", "HEAD"}:
            # request.GET is parsed lazily from QUERY_STRING: clean it before anyone reads it.
            request.META["QUERY_STRING"] = QUERY_NUL.sub("", query)
            query_has_nul = False
        if "\x00" in request.path or query_has_nul or _body_has_nul(request):
            message = _("The request contains a NUL character, which no field accepts.")
            if is_api:
                return JsonResponse({"code": "invalid_characters", "message": message, "field": None}, status=400)
            raise BadRequest(message)
        return self.get_response(request)
