from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A buyer's bearer token for the API. Only a SHA-256 of the secret is stored.

    A token works until ``expires_at`` and until it is revoked (``DELETE /api/v1/auth/token``).
    ``auth_hash`` is the user's session hash when it was issued (an HMAC of the password hash,
    as Django's sessions keep): once the password changes — reset, change page, admin,
    ``changepassword`` — the hashes differ and every older token is refused and marked revoked.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(max_length=24, unique=True)  # 96 random bits: finds the row
    hashed_secret = models.CharField(max_length=64)
    auth_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
