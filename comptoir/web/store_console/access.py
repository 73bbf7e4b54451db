"""Who may open a store console page: the store is resolved for the signed-in user (a store
they may not act on answers 404, as if it did not exist); manager-only pages answer 403. The
page is rendered in the store's time zone (StockLocation.time_zone)."""
from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.stores.errors import StoreNotFound
from comptoir.stores.models import StaffRole
from comptoir.stores.selectors import store_for_user, store_role

PAGE_SIZE = 25


def store_page(*, manager: bool = False):
    """Decorate a view taking (request, store, ...) from a URL with <slug:slug>."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, slug: str, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            try:
                store = store_for_user(user=request.user, slug=slug)
            except StoreNotFound:
                raise Http404(_("No such store.")) from None
            request.store_role = store_role(user=request.user, store=store)
            if manager and request.store_role != StaffRole.MANAGER:
                raise PermissionDenied(_("Only a manager of this store may do this."))
            # times on the console are the store's own, wherever the server runs
            with timezone.override(store.location.time_zone):
                return view(request, store, *args, **kwargs)

        return wrapped

    return decorate


def signed_in(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def page_of(request, items, size: int = PAGE_SIZE):
    """The requested page (?page=) of a list or queryset; out-of-range pages give the last one."""
    return Paginator(items, size).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    """The current query string without `page`, for pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
