"""Who may open the operator pages: staff users."""
from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def operator_required(view):
    """Anonymous → login page; a signed-in user who is not staff → 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_active and user.is_staff):
            raise PermissionDenied(_("Operators only."))
        return view(request, *args, **kwargs)

    return wrapped
