from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class MarketsConfig(AppConfig):
    name = "comptoir.markets"
    label = "markets"
    verbose_name = _("Markets")

    def ready(self) -> None:
        # A market, VAT rate or city written in this process clears the checkout's memo of them.
        from . import cache
        from .models import City, Market, VatRate

        for model in (Market, VatRate, City):
            post_save.connect(cache.memo_clear, sender=model, dispatch_uid=f"markets-cache-{model.__name__}-save")
            post_delete.connect(cache.memo_clear, sender=model, dispatch_uid=f"markets-cache-{model.__name__}-delete")
