"""Template context shared by every page: the buyer's market and city (lazy, see middleware), and
the page's own path for the "next" of the header's forms and links."""
from django.utils.encoding import escape_uri_path

# comptoir.js reloads a page with "focus" (the control to focus after the reload, WCAG 3.2.2
# On Input). It is a one-time hint: it does not name the page, so links back to the page (the
# language switch's and sign-in's "next", the storefront's page cache key and pagination) leave it out.
FOCUS_PARAM = "focus"


def path_without_focus(request) -> str:
    """request.get_full_path() without the focus hint."""
    if FOCUS_PARAM not in request.GET:
        return request.get_full_path()
    query = request.GET.copy()
    query.pop(FOCUS_PARAM, None)
    query = query.urlencode()
    return escape_uri_path(request.path) + ("?" + query if query else "")


def buyer_context(request):
    return {
        "buyer_market": getattr(request, "market", None),
        "buyer_city": getattr(request, "buyer_city", None),
        "page_path": path_without_focus(request),
    }
