from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data: at the top of the house, it may call every domain app's services."""

    name = "comptoir.demo"
    label = "demo"
    verbose_name = _("Demo data")
